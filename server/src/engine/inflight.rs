//! One in-flight completion per document: a newer request cancels the older one, so the model
//! stops generating for a stale keystroke.

use std::sync::atomic::{AtomicU64, Ordering};

use dashmap::DashMap;
use tokio_util::sync::CancellationToken;

/// A registered request: its token is cancelled when a newer request for the document begins.
#[derive(Debug, Clone)]
pub struct Ticket {
    generation: u64,
    pub token: CancellationToken,
}

/// In-flight requests by document URI.
#[derive(Default)]
pub struct InFlight {
    next: AtomicU64,
    tickets: DashMap<String, Ticket>,
}

impl InFlight {
    /// Registers a new request for `uri`, cancelling the one before it.
    pub fn begin(&self, uri: &str) -> Ticket {
        let ticket = Ticket {
            generation: self.next.fetch_add(1, Ordering::Relaxed),
            token: CancellationToken::new(),
        };
        if let Some(old) = self.tickets.insert(uri.to_string(), ticket.clone()) {
            old.token.cancel();
        }
        ticket
    }

    /// Forgets `ticket` if it is still the newest for `uri`.
    pub fn finish(&self, uri: &str, ticket: &Ticket) {
        self.tickets
            .remove_if(uri, |_, current| current.generation == ticket.generation);
    }

    /// Cancels whatever runs for `uri` (the document closed).
    pub fn cancel(&self, uri: &str) {
        if let Some((_, ticket)) = self.tickets.remove(uri) {
            ticket.token.cancel();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newer_request_cancels_the_older_one_of_the_same_document_only() {
        let inflight = InFlight::default();
        let first = inflight.begin("a");
        let other = inflight.begin("b");
        let second = inflight.begin("a");
        assert!(first.token.is_cancelled());
        assert!(!second.token.is_cancelled());
        assert!(!other.token.is_cancelled());
        // The older request finishing must not unregister the newer one.
        inflight.finish("a", &first);
        inflight.cancel("a");
        assert!(second.token.is_cancelled());
    }
}
