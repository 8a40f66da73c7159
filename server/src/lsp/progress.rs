//! `$/progress` reporting for long work (indexing, the model start): each sink sends one piece
//! of work at a time, in order, under a token no other sink uses.

use std::sync::atomic::{AtomicU32, Ordering};

use tokio::sync::mpsc;
use tower_lsp_server::ls_types::notification::Progress;
use tower_lsp_server::ls_types::request::WorkDoneProgressCreate;
use tower_lsp_server::ls_types::{
    NumberOrString, ProgressParams, ProgressParamsValue, WorkDoneProgress, WorkDoneProgressBegin,
    WorkDoneProgressCreateParams, WorkDoneProgressEnd, WorkDoneProgressReport,
};
use tower_lsp_server::Client;

use crate::engine::ProgressSink;

/// The serial of the last progress token, shared by every sink: indexing and the model start
/// each have their own sink and run at the same time, and a client tracks progress by token.
static LAST_TOKEN: AtomicU32 = AtomicU32::new(0);

enum Event {
    Begin(String),
    Report(String),
    End(String),
}

/// Sends engine progress to the client as work-done progress.
pub struct LspProgress {
    events: mpsc::UnboundedSender<Event>,
}

impl LspProgress {
    /// Starts the task that talks to `client`.
    pub fn new(client: Client, supported: bool) -> Self {
        let (events, mut rx) = mpsc::unbounded_channel::<Event>();
        tokio::spawn(async move {
            let mut token = None;
            while let Some(event) = rx.recv().await {
                if !supported {
                    continue;
                }
                let value = match event {
                    Event::Begin(title) => {
                        let serial = LAST_TOKEN.fetch_add(1, Ordering::Relaxed) + 1;
                        let new = NumberOrString::String(format!("tandem/{serial}"));
                        let created = client
                            .send_request::<WorkDoneProgressCreate>(WorkDoneProgressCreateParams {
                                token: new.clone(),
                            })
                            .await;
                        if created.is_err() {
                            token = None;
                            continue;
                        }
                        token = Some(new);
                        WorkDoneProgress::Begin(WorkDoneProgressBegin {
                            title: format!("tandem: {title}"),
                            ..WorkDoneProgressBegin::default()
                        })
                    }
                    Event::Report(message) => WorkDoneProgress::Report(WorkDoneProgressReport {
                        message: Some(message),
                        ..WorkDoneProgressReport::default()
                    }),
                    Event::End(message) => WorkDoneProgress::End(WorkDoneProgressEnd {
                        message: Some(message),
                    }),
                };
                let is_end = matches!(value, WorkDoneProgress::End(_));
                if let Some(token) = token.clone() {
                    client
                        .send_notification::<Progress>(ProgressParams {
                            token,
                            value: ProgressParamsValue::WorkDone(value),
                        })
                        .await;
                }
                if is_end {
                    token = None;
                }
            }
        });
        Self { events }
    }
}

impl ProgressSink for LspProgress {
    fn begin(&self, title: &str) {
        let _ = self.events.send(Event::Begin(title.to_string()));
    }
    fn report(&self, message: &str) {
        let _ = self.events.send(Event::Report(message.to_string()));
    }
    fn end(&self, message: &str) {
        let _ = self.events.send(Event::End(message.to_string()));
    }
}
