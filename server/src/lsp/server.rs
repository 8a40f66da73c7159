//! The language server: protocol handlers that convert and dispatch to the engine.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use super::convert::{self, ACCEPT_COMMAND, REJECT_COMMAND};
use super::framing;
use super::progress::LspProgress;
use crate::config::{self, ConfigLayers, ConfigMessage};
use crate::documents::{DocumentSnapshot, DocumentStore, PositionEncoding};
use crate::engine::{
    CompletionOutcome, CompletionRequest, Engine, EngineError, FileChange, HealthReport, Trigger,
};
use crate::telemetry::{Offer, Telemetry};

/// Runs the language server on stdin/stdout until the client exits.
pub async fn serve_stdio() {
    let (service, socket) = LspService::build(Tandem::new)
        .custom_method("textDocument/inlineCompletion", Tandem::inline_completion)
        .custom_method(
            "textDocument/didShowCompletion",
            Tandem::did_show_completion,
        )
        .custom_method(
            "textDocument/didPartiallyAcceptCompletion",
            Tandem::did_partially_accept_completion,
        )
        .custom_method(framing::MALFORMED_METHOD, Tandem::malformed_message)
        .finish();
    // tower-lsp ends the session on the first undecodable message; the filter keeps it going.
    let (filtered_writer, filtered_reader) = tokio::io::duplex(1 << 16);
    let stdin = tokio::io::BufReader::new(tokio::io::stdin());
    let filter = tokio::spawn(framing::filter(stdin, filtered_writer));
    Server::new(filtered_reader, tokio::io::stdout(), socket)
        .serve(service)
        .await;
    filter.abort();
}

/// Per-connection state.
struct Tandem {
    client: Client,
    engine: Arc<Engine>,
    documents: Arc<DocumentStore>,
    /// Set in `initialize`, once the configuration and workspace are known.
    telemetry: OnceLock<Telemetry>,
    /// Whether `$/progress` may be used (from the client's capabilities).
    progress_supported: OnceLock<bool>,
    /// Whether the client can register file watchers dynamically.
    dynamic_watchers: OnceLock<bool>,
    encoding: OnceLock<PositionEncoding>,
    root: OnceLock<Option<PathBuf>>,
    layers: Mutex<ConfigLayers>,
    /// The last non-backend failure shown, so it is not repeated per keystroke.
    last_shown: Mutex<Option<String>>,
    /// Config problems found during `initialize`, shown once the client is ready.
    pending_messages: Mutex<Vec<ConfigMessage>>,
}

impl Tandem {
    fn new(client: Client) -> Self {
        Self {
            client,
            engine: Arc::new(Engine::new(config::Config::default())),
            documents: Arc::new(DocumentStore::default()),
            telemetry: OnceLock::new(),
            progress_supported: OnceLock::new(),
            dynamic_watchers: OnceLock::new(),
            encoding: OnceLock::new(),
            root: OnceLock::new(),
            layers: Mutex::new(ConfigLayers::default()),
            last_shown: Mutex::new(None),
            pending_messages: Mutex::new(Vec::new()),
        }
    }

    fn encoding(&self) -> PositionEncoding {
        self.encoding.get().copied().unwrap_or_default()
    }

    fn root(&self) -> Option<PathBuf> {
        self.root.get().cloned().flatten()
    }

    /// Re-resolves the configuration from all layers and applies it.
    async fn apply_config(&self, update: impl FnOnce(&mut ConfigLayers)) {
        let layers = {
            let Ok(mut layers) = self.layers.lock() else {
                return;
            };
            update(&mut layers);
            layers.clone()
        };
        let (config, messages) = config::resolve(&layers);
        self.telemetry().set_config(&config.telemetry);
        self.engine.set_config(config).await;
        self.show_config_messages(&messages).await;
        self.open_workspace().await;
    }

    /// Indexes the workspace root in the background (reporting `$/progress`) and asks the client
    /// to watch its files. Opening the same root again does nothing, so a configuration change
    /// only reaches here to pick up a root that was not open yet.
    async fn open_workspace(&self) {
        let Some(root) = self.root() else {
            return;
        };
        let progress = LspProgress::new(
            self.client.clone(),
            self.progress_supported.get().copied().unwrap_or(false),
        );
        let opened = self
            .engine
            .open_workspace_with(root, Some(Arc::new(progress)));
        if opened && self.dynamic_watchers.get().copied().unwrap_or(false) {
            self.watch_files().await;
        }
    }

    async fn show_config_messages(&self, messages: &[ConfigMessage]) {
        if messages.is_empty() {
            return;
        }
        let text: Vec<String> = messages.iter().map(ToString::to_string).collect();
        tracing::warn!("{}", text.join("; "));
        self.client
            .show_message(MessageType::WARNING, format!("tandem: {}", text.join("; ")))
            .await;
    }

    /// Asks the client to report file changes made outside the editor, so the index follows
    /// them (branch switches, generated code, other tools).
    async fn watch_files(&self) {
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![FileSystemWatcher {
                glob_pattern: GlobPattern::String("**/*".into()),
                kind: None,
            }],
        };
        let registration = Registration {
            id: "tandem-watch-files".into(),
            method: "workspace/didChangeWatchedFiles".into(),
            register_options: serde_json::to_value(options).ok(),
        };
        if let Err(error) = self.client.register_capability(vec![registration]).await {
            tracing::warn!("the client refused file watching, so the index only follows edits made in the editor: {error}");
        }
    }

    /// The telemetry recorder (a no-op before `initialize`).
    fn telemetry(&self) -> Telemetry {
        self.telemetry.get().cloned().unwrap_or_default()
    }

    async fn snapshot(&self, uri: &Uri) -> Option<DocumentSnapshot> {
        self.documents.snapshot(uri.as_str())
    }

    /// Runs the engine and tells the user about failures, once.
    async fn run(
        &self,
        document: &DocumentSnapshot,
        position: Position,
        trigger: Trigger,
    ) -> Option<CompletionOutcome> {
        let request = CompletionRequest {
            cursor: convert::cursor(&document.text, position, self.encoding()),
            document: document.clone(),
            trigger,
            workspace_root: self.root(),
        };
        match self.engine.complete(request).await {
            Ok(outcome) => {
                let root = self.root();
                self.telemetry()
                    .offered(&Offer::new(document, root.as_deref(), trigger, &outcome));
                if let Ok(mut last) = self.last_shown.lock() {
                    *last = None;
                }
                Some(outcome)
            }
            Err(error) => {
                self.report(&error).await;
                None
            }
        }
    }

    async fn report(&self, error: &EngineError) {
        let message = match error {
            EngineError::Cancelled => return,
            EngineError::Backend { report, error } => {
                tracing::warn!("completion failed: {error}");
                match report {
                    Some(HealthReport::Failing(message)) => Some(message.clone()),
                    _ => None,
                }
            }
            other => {
                tracing::warn!("completion failed: {other}");
                let text = other.to_string();
                let mut last = self.last_shown.lock().ok();
                match last.as_deref_mut() {
                    Some(Some(previous)) if *previous == text => None,
                    Some(slot) => {
                        *slot = Some(text.clone());
                        Some(text)
                    }
                    None => Some(text),
                }
            }
        };
        if let Some(message) = message {
            self.client
                .show_message(MessageType::ERROR, format!("tandem: {message}"))
                .await;
        }
    }

    async fn inline_completion(
        &self,
        params: InlineCompletionParams,
    ) -> Result<Option<InlineCompletionResponse>> {
        let position = params.text_document_position;
        let empty = Ok(Some(InlineCompletionResponse::List(InlineCompletionList {
            items: Vec::new(),
        })));
        let Some(document) = self.snapshot(&position.text_document.uri).await else {
            return empty;
        };
        let trigger = if params.context.trigger_kind == InlineCompletionTriggerKind::INVOKED {
            Trigger::Invoked
        } else {
            Trigger::Automatic
        };
        let Some(outcome) = self.run(&document, position.position, trigger).await else {
            return empty;
        };
        let items = outcome
            .suggestions
            .iter()
            .map(|s| convert::inline_item(&document.text, s, self.encoding()))
            .collect();
        Ok(Some(InlineCompletionResponse::List(InlineCompletionList {
            items,
        })))
    }

    /// Answers malformed input with the JSON-RPC parse error (see `framing`).
    async fn malformed_message(&self, params: Value) -> Result<()> {
        let problem = params
            .get("problem")
            .and_then(Value::as_str)
            .unwrap_or("malformed message")
            .to_string();
        tracing::error!("ignored a malformed message from the client: {problem}");
        Err(tower_lsp_server::jsonrpc::Error {
            code: tower_lsp_server::jsonrpc::ErrorCode::ParseError,
            message: format!("tandem could not read a message: {problem}").into(),
            data: None,
        })
    }

    async fn did_show_completion(&self, params: Value) {
        if let Some(id) = log_signal("shown", &params["item"], None) {
            self.telemetry().shown(&id);
        }
    }

    async fn did_partially_accept_completion(&self, params: Value) {
        let length = params.get("acceptedLength").and_then(Value::as_u64);
        if let (Some(id), Some(length)) = (
            log_signal("partially_accepted", &params["item"], length),
            length,
        ) {
            self.telemetry()
                .partially_accepted(&id, usize::try_from(length).unwrap_or(usize::MAX));
        }
    }
}

/// Logs what the user did with a suggestion and returns the suggestion's id. The item is either
/// ours (its accept command carries the id) or the bare `{id}` argument of that command.
fn log_signal(event: &str, item: &Value, accepted_length: Option<u64>) -> Option<String> {
    let id = item
        .get("id")
        .or_else(|| item.pointer("/command/arguments/0/id"))
        .and_then(Value::as_str);
    let shown = id.unwrap_or("unknown");
    match accepted_length {
        Some(length) => tracing::info!("suggestion {event}: id={shown} accepted_length={length}"),
        None => tracing::info!("suggestion {event}: id={shown}"),
    }
    id.map(str::to_string)
}

fn workspace_root(params: &InitializeParams) -> Option<PathBuf> {
    let from_uri = |uri: &Uri| crate::documents::path_from_uri(uri.as_str());
    params
        .workspace_folders
        .as_ref()
        .and_then(|folders| folders.first())
        .and_then(|folder| from_uri(&folder.uri))
        .or_else(|| {
            #[allow(deprecated)]
            params.root_uri.as_ref().and_then(from_uri)
        })
}

impl LanguageServer for Tandem {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let offered: Vec<String> = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .map(|list| list.iter().map(|e| e.as_str().to_string()).collect())
            .unwrap_or_default();
        let encoding = PositionEncoding::negotiate(&offered);
        let _ = self.encoding.set(encoding);
        let root = workspace_root(&params);
        let _ = self.root.set(root.clone());

        let progress_supported = params
            .capabilities
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false);
        let _ = self.progress_supported.set(progress_supported);
        let _ = self.dynamic_watchers.set(
            params
                .capabilities
                .workspace
                .as_ref()
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|w| w.dynamic_registration)
                .unwrap_or(false),
        );
        self.engine.set_progress(Arc::new(LspProgress::new(
            self.client.clone(),
            progress_supported,
        )));

        let mut files = Vec::new();
        let mut file_errors = Vec::new();
        for path in config::config_files(root.as_deref()) {
            match config::read_toml_file(&path) {
                Ok(Some(value)) => files.push(value),
                Ok(None) => {}
                Err(message) => file_errors.push(message),
            }
        }
        for message in &file_errors {
            tracing::warn!("{message}; ignoring that file");
        }
        let init_options = params.initialization_options.clone();
        if let Ok(mut layers) = self.layers.lock() {
            layers.files = files;
            layers.init_options = init_options;
        }
        let (config, mut messages) =
            config::resolve(&self.layers.lock().map(|l| l.clone()).unwrap_or_default());
        messages.extend(file_errors.into_iter().map(|message| ConfigMessage {
            key: "tandem.toml".into(),
            message: format!("{message}; ignoring that file"),
        }));
        let _ = self.telemetry.set(Telemetry::new(
            &config.telemetry,
            root.clone(),
            self.documents.clone(),
        ));
        self.engine.set_config(config).await;
        if let Ok(mut pending) = self.pending_messages.lock() {
            *pending = messages;
        }

        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(PositionEncodingKind::from(encoding.lsp_name())),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..TextDocumentSyncOptions::default()
                    },
                )),
                inline_completion_provider: Some(OneOf::Left(true)),
                completion_provider: Some(CompletionOptions {
                    resolve_provider: Some(false),
                    ..CompletionOptions::default()
                }),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: vec![ACCEPT_COMMAND.into(), REJECT_COMMAND.into()],
                    ..ExecuteCommandOptions::default()
                }),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "tandem".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let messages = self
            .pending_messages
            .lock()
            .map(|mut m| std::mem::take(&mut *m))
            .unwrap_or_default();
        self.show_config_messages(&messages).await;
        self.open_workspace().await;
        // Start the model in the background so it is ready by the first keystroke.
        let engine = self.engine.clone();
        let client = self.client.clone();
        tokio::spawn(async move {
            if let Err(error) = engine.warm_up().await {
                tracing::warn!("backend not ready: {error}");
                // Cancelled: a shutdown came first; nobody is left to tell.
                if !matches!(error, EngineError::Backend { .. } | EngineError::Cancelled) {
                    client
                        .show_message(MessageType::ERROR, format!("tandem: {error}"))
                        .await;
                }
            }
        });
    }

    async fn shutdown(&self) -> Result<()> {
        self.telemetry().shutdown().await;
        self.engine.shutdown().await;
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        self.documents
            .open(doc.uri.as_str(), &doc.language_id, doc.version, &doc.text);
        if let Some(snapshot) = self.documents.snapshot(doc.uri.as_str()) {
            self.engine.buffer_opened(&snapshot);
        }
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let changes: Vec<_> = params
            .content_changes
            .into_iter()
            .map(convert::text_change)
            .collect();
        match self.documents.change(
            uri.as_str(),
            params.text_document.version,
            &changes,
            self.encoding(),
        ) {
            Ok(edits) => {
                self.telemetry().document_changed(uri.as_str(), &edits);
                if let Some(snapshot) = self.documents.snapshot(uri.as_str()) {
                    self.engine.buffer_changed(&snapshot, &edits);
                }
            }
            Err(error) => tracing::warn!("didChange ignored: {error}"),
        }
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        if let Some(path) = crate::documents::path_from_uri(params.text_document.uri.as_str()) {
            self.engine.files_changed(&[(path, FileChange::Changed)]);
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let changes: Vec<_> = params
            .changes
            .iter()
            .filter_map(|event| {
                let path = crate::documents::path_from_uri(event.uri.as_str())?;
                let change = match event.typ {
                    FileChangeType::CREATED => FileChange::Created,
                    FileChangeType::DELETED => FileChange::Deleted,
                    _ => FileChange::Changed,
                };
                Some((path, change))
            })
            .collect();
        self.engine.files_changed(&changes);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        // Before the store forgets it: the last retention checkpoint reads the text.
        self.telemetry().document_closed(uri.as_str());
        self.documents.close(uri.as_str());
        self.engine.buffer_closed(uri.as_str());
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let settings = params.settings;
        self.apply_config(|layers| layers.client_settings = Some(settings))
            .await;
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let position = params.text_document_position;
        let Some(document) = self.snapshot(&position.text_document.uri).await else {
            return Ok(None);
        };
        let trigger = match params.context.map(|c| c.trigger_kind) {
            Some(CompletionTriggerKind::INVOKED) => Trigger::Invoked,
            _ => Trigger::Automatic,
        };
        let items = match self.run(&document, position.position, trigger).await {
            Some(outcome) => outcome
                .suggestions
                .iter()
                .map(|s| convert::completion_item(&document.text, s, self.encoding()))
                .collect(),
            None => Vec::new(),
        };
        Ok(Some(CompletionResponse::List(CompletionList {
            is_incomplete: true,
            items,
        })))
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        let argument = params.arguments.first().cloned().unwrap_or(Value::Null);
        if params.command == ACCEPT_COMMAND {
            if let Some(id) = log_signal("accepted", &argument, None) {
                self.telemetry().accepted(&id);
            }
        } else if params.command == REJECT_COMMAND {
            if let Some(id) = log_signal("rejected", &argument, None) {
                self.telemetry().rejected(&id);
            }
        }
        Ok(None)
    }
}
