//! `tandem stats`.

use std::process::ExitCode;

use clap::Args;

/// Arguments of `tandem stats`.
#[derive(Args)]
pub struct StatsArgs {}

/// Runs `tandem stats`.
pub async fn run(_args: StatsArgs) -> ExitCode {
    eprintln!("tandem stats: being built");
    ExitCode::FAILURE
}
