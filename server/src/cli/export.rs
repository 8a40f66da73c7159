//! `tandem export`.

use std::process::ExitCode;

use clap::Args;

/// Arguments of `tandem export`.
#[derive(Args)]
pub struct ExportArgs {}

/// Runs `tandem export`.
pub async fn run(_args: ExportArgs) -> ExitCode {
    eprintln!("tandem export: being built");
    ExitCode::FAILURE
}
