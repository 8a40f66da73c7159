//! The pipeline's context step: reads the workspace (index, open buffers, recent edits), asks
//! each enabled source for candidates within the time budget, and lets `context::assemble` pick
//! the chunks in a cache-friendly order. The ranking itself lives in the pure `context` module.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tandem_clients::ContextChunk;

use super::active::ActiveBackend;
use super::request::{CompletionRequest, ContextUse};
use super::state::Engine;
use super::window::CursorWindow;
use super::workspace::Workspace;
use crate::config::{Config, ContextMode};
use crate::context::{
    self, Budgets, Candidate, CurrentWindow, CursorText, DefinitionHit, DefinitionLimits, FileText,
    FileWords, IdentifierSet, ImportLimits, ImportSite, NameLimits, OutlineLimits, RecentLimits,
    SimilarLimits, Source,
};
use crate::index::{can_import, import_segments, DefinitionSite, ImportedName, IndexedFile};

/// Other files the similar-code source reads besides open buffers: the most related first.
const RELATED_FILES: usize = 24;
/// Files from anywhere in the workspace the similar-code source reads besides the related ones.
const SHARING_FILES: usize = 8;
/// Text after the cursor the header-imports source reads for names: a file's imports serve
/// its first screens, and a huge file must not cost a scan of all of it per keystroke.
const HEADER_SCAN_BYTES: usize = 64 * 1024;
/// Lines before the cursor that the similar-code source compares against.
const QUERY_LINES: usize = 12;

/// The lines of the current file the prompt's window shows.
#[derive(Debug, Clone, Copy)]
pub(super) struct WindowLines {
    pub first: usize,
    pub last: usize,
}

/// How long after a request the next one on the same line still counts as the same typing
/// burst.
pub(super) const BURST_GAP: Duration = Duration::from_secs(5);

/// What the context step chose for a document's last request.
#[derive(Debug, Clone)]
pub(crate) struct LastContext {
    /// The line where the context was gathered.
    line: usize,
    /// The last request that used it.
    at: Instant,
    gathered: Gathered,
}

/// Lines below the line where context was gathered that still count as typing on from it.
pub(super) const FOLLOW_LINES: usize = 3;

/// Whether a request on `line` at `now` continues the typing burst of the last request (on
/// `last_at`, with context gathered on `gathered_line`), and so keeps its context as it was. The
/// model server reuses its cached prompt only up to the first token that differs, and context
/// sits before the file: even a chunk appended while the user types re-evaluates the whole window
/// (seconds on a laptop CPU). So the context stays while the user types on that line or the few
/// lines below it (typing on down a function); on a line above or further down, after a pause,
/// or when files change outside the editor, it is gathered anew.
pub(crate) fn same_burst(
    gathered_line: usize,
    last_at: Instant,
    line: usize,
    now: Instant,
) -> bool {
    (gathered_line..=gathered_line + FOLLOW_LINES).contains(&line)
        && now.saturating_duration_since(last_at) <= BURST_GAP
}

/// What the context step chose.
#[derive(Debug, Default, Clone)]
pub(super) struct Gathered {
    pub chunks: Vec<ContextChunk>,
    pub uses: Vec<ContextUse>,
}

impl Engine {
    /// Chooses context chunks for a request whose window shows `lines` with `window_text`
    /// (the prompt's prefix and suffix).
    pub(super) async fn gather_context(
        &self,
        request: &CompletionRequest,
        window: &CursorWindow,
        lines: WindowLines,
        window_text: &str,
        active: &ActiveBackend,
    ) -> Gathered {
        let config = self.config();
        let sources = context::sources_for_model(
            &config.context.sources,
            config.context.definitions_min_params,
            active.info.parameters,
        );
        let (Some(workspace), Some(path)) = (self.workspace(), request.document.path.as_ref())
        else {
            return Gathered::default();
        };
        if config.context.mode == ContextMode::None || sources.is_empty() {
            return Gathered::default();
        }
        let started = Instant::now();
        let text = &request.document.text;
        let line = text.char_to_line(request.cursor.min(text.len_chars()));
        if let Some(mut last) = workspace.last_context.get_mut(&request.document.uri) {
            if same_burst(last.line, last.at, line, started) {
                last.at = started;
                return last.gathered.clone();
            }
        }
        let deadline = started + Duration::from_millis(config.context.time_budget_ms);
        let current_name = workspace.relative(path);
        let current_text = request.document.text.to_string();
        let previous = workspace
            .ledgers
            .get(&request.document.uri)
            .map(|l| l.clone())
            .unwrap_or_default();
        let candidates = collect_candidates(&CollectInput {
            config: &config,
            sources: &sources,
            workspace: &workspace,
            current_name: &current_name,
            current_text: &current_text,
            current_path: path,
            window,
            lines,
            previous: &previous,
            deadline,
        });
        if candidates.is_empty() {
            remember(
                &workspace,
                &request.document.uri,
                line,
                started,
                &Gathered::default(),
            );
            return Gathered::default();
        }

        let texts: Vec<&str> = candidates.iter().map(|c| c.text.as_str()).collect();
        let counts = active.counter.count_lines(&texts).await;
        let by_text: HashMap<&str, usize> = texts.iter().copied().zip(counts).collect();
        let count = |text: &str| {
            by_text
                .get(text)
                .copied()
                .unwrap_or_else(|| crate::tokens::estimate(text))
        };
        let selection = context::assemble(
            candidates.clone(),
            window_text,
            &Budgets::split(config.context.max_tokens as usize),
            &previous,
            &count,
        );
        workspace
            .ledgers
            .insert(request.document.uri.clone(), selection.ledger.clone());
        tracing::debug!(
            "context: {} candidates, {} chosen, {} tokens, {:.1} ms",
            candidates.len(),
            selection.chunks.len(),
            selection.total_tokens(),
            started.elapsed().as_secs_f64() * 1000.0
        );
        // Which code the prompt shows: the first thing to check when a suggestion ignored it.
        for chosen in &selection.chunks {
            let c = &chosen.candidate;
            tracing::debug!(
                "context chunk: {} {}:{}-{} ({} tokens, score {:.3}) for {}",
                c.source.as_str(),
                c.path,
                c.start_line + 1,
                c.end_line + 1,
                chosen.tokens,
                c.score,
                current_name
            );
        }
        let gathered = Gathered {
            chunks: selection.context_chunks(),
            uses: selection
                .chunks
                .iter()
                .map(|c| ContextUse {
                    source: c.candidate.source.as_str().to_string(),
                    path: c.candidate.path.clone(),
                    tokens: c.tokens,
                })
                .collect(),
        };
        remember(&workspace, &request.document.uri, line, started, &gathered);
        gathered
    }
}

/// Keeps what a request on `line` chose, for the rest of its typing burst.
fn remember(workspace: &Workspace, uri: &str, line: usize, at: Instant, gathered: &Gathered) {
    workspace.last_context.insert(
        uri.to_string(),
        LastContext {
            line,
            at,
            gathered: gathered.clone(),
        },
    );
}

struct CollectInput<'a> {
    config: &'a Config,
    sources: &'a [Source],
    workspace: &'a Workspace,
    current_name: &'a str,
    current_text: &'a str,
    current_path: &'a std::path::Path,
    window: &'a CursorWindow,
    lines: WindowLines,
    previous: &'a context::Ledger,
    deadline: Instant,
}

/// Asks every enabled source for candidates. `file` mode keeps each source to the current file.
fn collect_candidates(input: &CollectInput<'_>) -> Vec<Candidate> {
    let repo = input.config.context.mode == ContextMode::Repo;
    let index = &input.workspace.index;
    let current = CurrentWindow {
        path: input.current_name,
        start_line: input.lines.first,
        end_line: input.lines.last,
    };
    let cursor = CursorText {
        line_prefix: &input.window.line_prefix,
        line_suffix: &input.window.line_suffix,
        before: &input.window.before,
        after: &input.window.after,
    };
    let related: Vec<Arc<IndexedFile>> = if repo {
        index.related_files(input.current_path, RELATED_FILES)
    } else {
        Vec::new()
    };
    let related_names: Vec<&str> = related.iter().map(|f| f.rel_path.as_str()).collect();

    let mut out = Vec::new();
    for source in input.sources {
        if Instant::now() >= input.deadline {
            tracing::debug!("context: time budget spent before {}", source.as_str());
            break;
        }
        match source {
            Source::Definitions => {
                let imports: Vec<String> = index
                    .file(input.current_path)
                    .map(|f| {
                        f.symbols
                            .imports
                            .iter()
                            .filter_map(|spec| import_segments(spec).pop())
                            .collect()
                    })
                    .unwrap_or_default();
                let names = context::wanted_names(&cursor, &imports, &NameLimits::default());
                let found: Vec<(Arc<IndexedFile>, crate::index::DefinitionSite)> = names
                    .iter()
                    .flat_map(|name| index.definitions_named(name))
                    .filter(|(file, site)| {
                        let here = file.rel_path == input.current_name;
                        // Another file's module-level variable is mostly a local name
                        // (`result`, `schema`) that happens to match, not an API.
                        here || (repo
                            && site.kind != "variable"
                            && context::may_serve(&file.rel_path, input.current_name)
                            // A helper inside another file's test is out of reach here.
                            && !site.local)
                    })
                    .collect();
                let hits: Vec<DefinitionHit<'_>> = found
                    .iter()
                    .map(|(file, site)| {
                        // The current buffer is fresher than its last re-index.
                        let text = if file.rel_path == input.current_name {
                            input.current_text
                        } else {
                            &file.text
                        };
                        definition_hit(file, site, text)
                    })
                    .collect();
                out.extend(context::definitions(
                    &names,
                    &hits,
                    &current,
                    &related_names,
                    &DefinitionLimits::default(),
                    input.previous,
                    Some(input.deadline),
                ));
                if repo {
                    out.extend(header_imports(input));
                }
            }
            Source::Similar => {
                let query = context::similarity_query(&cursor, QUERY_LINES);
                let files = similar_files(input, &related, &query);
                let texts: Vec<FileText<'_>> = files
                    .iter()
                    .map(|(path, text)| FileText { path, text })
                    .collect();
                out.extend(context::similar(
                    &query,
                    &texts,
                    &current,
                    &SimilarLimits::default(),
                    input.previous,
                    Some(input.deadline),
                ));
            }
            Source::Outline => {
                let served: Vec<&Arc<IndexedFile>> = related
                    .iter()
                    .filter(|f| context::may_serve(&f.rel_path, input.current_name))
                    .collect();
                let hits: Vec<DefinitionHit<'_>> = served
                    .iter()
                    .flat_map(|file| {
                        file.symbols
                            .definitions
                            .iter()
                            .map(|site| definition_hit(file, site, &file.text))
                    })
                    .collect();
                let paths: Vec<&str> = served.iter().map(|f| f.rel_path.as_str()).collect();
                let this = index.file(input.current_path);
                let used: HashSet<&str> = this
                    .iter()
                    .flat_map(|f| f.symbols.references.iter().map(String::as_str))
                    .collect();
                out.extend(context::outline(
                    &hits,
                    &paths,
                    &used,
                    &current,
                    &OutlineLimits::default(),
                ));
            }
            Source::Recent => {
                let regions = input
                    .workspace
                    .recent
                    .lock()
                    .map(|r| r.clone())
                    .unwrap_or_default();
                let mut held: Vec<(String, Arc<str>)> = Vec::new();
                let mut seen = HashSet::new();
                for region in regions.regions() {
                    if !repo && region.path != input.current_name {
                        continue;
                    }
                    if region.path == input.current_name
                        || !context::may_serve(&region.path, input.current_name)
                        || !seen.insert(region.path.clone())
                    {
                        continue;
                    }
                    let path = index.root().join(&region.path);
                    if let Some(file) = index.file(&path) {
                        held.push((region.path.clone(), file.text.clone()));
                    }
                }
                let mut texts: Vec<FileText<'_>> = held
                    .iter()
                    .map(|(path, text)| FileText { path, text })
                    .collect();
                texts.push(FileText {
                    path: input.current_name,
                    text: input.current_text,
                });
                out.extend(regions.candidates(&texts, &current, &RecentLimits::default()));
            }
        }
    }
    out
}

/// The definition at `site` in `file`, whose text is `text`, as the context sources take it.
fn definition_hit<'a>(
    file: &'a IndexedFile,
    site: &'a DefinitionSite,
    text: &'a str,
) -> DefinitionHit<'a> {
    DefinitionHit {
        name: &site.name,
        kind: &site.kind,
        path: &file.rel_path,
        text,
        start_line: site.start_line,
        end_line: site.end_line,
        local: site.local,
    }
}

/// Files the similar-code source reads, as (workspace-relative path, text): the current buffer,
/// then in `repo` mode the other open buffers, the related files, and the files of the whole
/// workspace sharing the rarest identifiers with `query`, each once (test files only for a test,
/// see `context::may_serve`).
fn similar_files(
    input: &CollectInput<'_>,
    related: &[Arc<IndexedFile>],
    query: &str,
) -> Vec<(String, Arc<str>)> {
    let mut files: Vec<(String, Arc<str>)> = vec![(
        input.current_name.to_string(),
        Arc::from(input.current_text),
    )];
    if input.config.context.mode != ContextMode::Repo {
        return files;
    }
    let mut seen: HashSet<String> = HashSet::from([input.current_name.to_string()]);
    let index = &input.workspace.index;
    let open: Vec<std::path::PathBuf> = input
        .workspace
        .open
        .iter()
        .map(|e| e.value().clone())
        .collect();
    let serves = |path: &str| context::may_serve(path, input.current_name);
    for path in open {
        if let Some(file) = index.file(&path) {
            if serves(&file.rel_path) && seen.insert(file.rel_path.clone()) {
                files.push((file.rel_path.clone(), file.text.clone()));
            }
        }
    }
    for file in related {
        if serves(&file.rel_path) && seen.insert(file.rel_path.clone()) {
            files.push((file.rel_path.clone(), file.text.clone()));
        }
    }
    for file in sharing_rare_words(input, query, &seen) {
        files.push((file.rel_path.clone(), file.text.clone()));
    }
    files
}

/// In the file's header, how other files of its language family import the names it uses but
/// has not imported yet (see `context::import_statements`).
fn header_imports(input: &CollectInput<'_>) -> Vec<Candidate> {
    let index = &input.workspace.index;
    let Some(file) = index.file(input.current_path) else {
        return Vec::new();
    };
    let symbols = &file.symbols;
    let outside_scopes = symbols
        .definitions
        .iter()
        .filter(|d| !d.local)
        .map(|d| (d.kind.as_str(), d.start_line));
    if !context::in_header(input.window.line, outside_scopes) {
        return Vec::new();
    }
    let mut before_cursor: String = input
        .current_text
        .split_inclusive('\n')
        .take(input.window.line)
        .collect();
    before_cursor.push_str(&input.window.line_prefix);
    let after_cursor = input.current_text.get(before_cursor.len()..).unwrap_or("");
    let scan_end = (0..=HEADER_SCAN_BYTES.min(after_cursor.len()))
        .rev()
        .find(|&at| after_cursor.is_char_boundary(at))
        .unwrap_or(0);
    let after_cursor = &after_cursor[..scan_end];
    let limits = ImportLimits::default();
    let missing = context::missing_names(
        after_cursor,
        // Imports below the cursor count too: a header is not always written top-down.
        |name| symbols.defines(name) || symbols.imports_name(name),
        &before_cursor,
        &limits,
    );
    let found: Vec<(Arc<IndexedFile>, ImportedName)> = missing
        .iter()
        .flat_map(|name| index.imports_of(name))
        .filter(|(other, _)| {
            other.rel_path != input.current_name
                && can_import(file.language, other.language)
                && context::may_serve(&other.rel_path, input.current_name)
        })
        .collect();
    let sites: Vec<ImportSite<'_>> = found
        .iter()
        .map(|(other, site)| ImportSite {
            name: &site.name,
            path: &other.rel_path,
            text: &other.text,
            start_line: site.start_line,
            end_line: site.end_line,
        })
        .collect();
    context::import_statements(input.current_name, &missing, &sites, &limits)
}

/// Up to `SHARING_FILES` files of the current file's language family, not in `seen`, that share
/// the rarest identifiers with `query` (see `context::files_sharing_rare_words`).
fn sharing_rare_words(
    input: &CollectInput<'_>,
    query: &str,
    seen: &HashSet<String>,
) -> Vec<Arc<IndexedFile>> {
    let index = &input.workspace.index;
    let Some(language) = index
        .file(input.current_path)
        .map(|f| f.language)
        .or_else(|| crate::syntax::language_for("", Some(input.current_path)).map(|l| l.name))
    else {
        return Vec::new();
    };
    // Rarity is counted over every file that could serve, seen ones included, so that what
    // the related files hold does not make a name look rarer than it is.
    let pool: Vec<Arc<IndexedFile>> = index
        .files()
        .into_iter()
        .filter(|f| {
            f.rel_path != input.current_name
                && can_import(language, f.language)
                && context::may_serve(&f.rel_path, input.current_name)
        })
        .collect();
    let words: Vec<FileWords<'_>> = pool
        .iter()
        .map(|f| FileWords {
            path: &f.rel_path,
            identifiers: &f.identifiers,
        })
        .collect();
    let query = IdentifierSet::of(query);
    context::files_sharing_rare_words(&query, &words, SHARING_FILES + seen.len())
        .into_iter()
        .map(|i| pool[i].clone())
        .filter(|f| !seen.contains(&f.rel_path))
        .take(SHARING_FILES)
        .collect()
}

#[cfg(test)]
mod burst_tests {
    use super::*;

    #[test]
    fn context_is_kept_while_typing_on_from_its_line_and_gathered_anew_otherwise() {
        let t0 = Instant::now();
        let soon = t0 + Duration::from_millis(300);
        let later = t0 + BURST_GAP + Duration::from_millis(1);
        assert!(
            same_burst(10, t0, 10, soon),
            "the next keystroke on the line"
        );
        assert!(same_burst(10, t0, 10, t0 + BURST_GAP), "up to the gap");
        assert!(same_burst(10, t0, 11, soon), "the next line");
        assert!(
            same_burst(10, t0, 10 + FOLLOW_LINES, soon),
            "up to FOLLOW_LINES below"
        );
        assert!(!same_burst(10, t0, 11 + FOLLOW_LINES, soon), "further down");
        assert!(!same_burst(10, t0, 9, soon), "a line above");
        assert!(!same_burst(10, t0, 10, later), "after a pause");
    }
}
