//! Ctrl-C and `kill` during a command that started the managed model: without a handler the
//! process dies on the spot and leaves its llama-server (up to gigabytes of memory) running.

use tokio::signal::unix::{signal, SignalKind};

/// Resolves with the signal's name when the process gets SIGINT or SIGTERM; never, if the
/// handlers cannot be installed (the default behaviour then stays).
pub async fn interrupted() -> &'static str {
    let (Ok(mut int), Ok(mut term)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = int.recv() => "SIGINT",
        _ = term.recv() => "SIGTERM",
    }
}
