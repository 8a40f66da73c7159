//! `tandem eval`.

use std::process::ExitCode;

use clap::Args;

/// Arguments of `tandem eval`.
#[derive(Args)]
pub struct EvalArgs {}

/// Runs `tandem eval`.
pub async fn run(_args: EvalArgs) -> ExitCode {
    eprintln!("tandem eval: being built");
    ExitCode::FAILURE
}
