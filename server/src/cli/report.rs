//! `tandem report`.

use std::process::ExitCode;

use clap::Args;

/// Arguments of `tandem report`.
#[derive(Args)]
pub struct ReportArgs {}

/// Runs `tandem report`.
pub async fn run(_args: ReportArgs) -> ExitCode {
    eprintln!("tandem report: being built");
    ExitCode::FAILURE
}
