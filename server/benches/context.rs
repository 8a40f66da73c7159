//! The context step as the engine runs it on every keystroke, on a synthetic 5,000-file Python
//! workspace (packages of 25 files sharing their domain words, plus words every file uses):
//! names near the cursor → index lookups → definition snippets; similar windows; recent edits;
//! assembly against the previous keystroke's ledger. Measured with the ~50 related files the
//! engine passes to the similar source, and with all 5,000 (the worst case).

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, BatchSize, Criterion};
use tandem::context::{
    assemble, definitions, files_sharing_rare_words, import_statements, missing_names,
    similar_with_cache, similarity_query, wanted_names, Budgets, Candidate, CurrentWindow,
    CursorText, DefinitionHit, DefinitionLimits, FileText, FileWords, IdentifierSet, ImportLimits,
    ImportSite, Ledger, NameLimits, RecentEdits, RecentLimits, Selection, SimilarCache,
    SimilarLimits,
};
use tandem::tokens::estimate;

const FILES: usize = 5_000;
const RELATED: usize = 50;

/// splitmix64, so the workspace is the same on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) % n as u64) as usize
    }
}

const VERBS: &[&str] = &[
    "load", "save", "fetch", "parse", "render", "apply", "compute", "update", "find", "send",
    "build", "check", "merge", "split", "resolve", "encode", "decode", "validate", "sync", "close",
];
const STEMS: &[&str] = &[
    "user", "order", "invoice", "cart", "price", "tax", "rate", "region", "session", "token",
    "config", "report", "account", "payment", "refund", "shipment", "customer", "product", "item",
    "ledger", "entry", "batch", "queue", "cache", "record", "schema", "table", "column", "row",
    "event",
];
const SUFFIXES: &[&str] = &[
    "", "_id", "_list", "_map", "_count", "_total", "_name", "_key", "_state", "_info", "_spec",
    "_ref", "_set",
];
/// Words every file uses, whatever it is about.
const EVERYWHERE: &[&str] = &[
    "value", "result", "data", "name", "items", "count", "index", "key", "args", "options",
];
/// Names defined in many files, as `__init__`, `run` or `get` are in real code.
const COMMON: &[&str] = &["__init__", "run", "get", "close", "to_dict"];
/// Files per package; a package's files share a topic (their domain words).
const PACKAGE: usize = 25;

struct Def {
    file: usize,
    start: usize,
    end: usize,
    kind: &'static str,
}

struct Workspace {
    files: Vec<(String, String)>,
    /// What the workspace index answers for a name.
    index: HashMap<String, Vec<Def>>,
}

/// The domain words of a package: a dozen of the 390 nouns.
fn topic(package: usize) -> Vec<String> {
    let mut rng = Rng(package as u64 + 1_000);
    (0..12)
        .map(|_| {
            format!(
                "{}{}",
                STEMS[rng.below(STEMS.len())],
                SUFFIXES[rng.below(SUFFIXES.len())]
            )
        })
        .collect()
}

/// A word of the file: mostly its package's domain words, sometimes one every file uses.
fn word<'a>(rng: &mut Rng, topic: &'a [String]) -> &'a str {
    if rng.below(4) == 0 {
        EVERYWHERE[rng.below(EVERYWHERE.len())]
    } else {
        &topic[rng.below(topic.len())]
    }
}

fn function_name(rng: &mut Rng, topic: &[String]) -> String {
    format!(
        "{}_{}",
        VERBS[rng.below(VERBS.len())],
        topic[rng.below(topic.len())]
    )
}

/// 5,000 Python files in packages of 25 sharing a topic; about 230 lines each.
fn workspace() -> Workspace {
    let mut rng = Rng(42);
    let mut files = Vec::with_capacity(FILES);
    let mut index: HashMap<String, Vec<Def>> = HashMap::new();
    for f in 0..FILES {
        let topic = topic(f / PACKAGE);
        let mut text = format!(
            "from pkg_{}.mod_{} import {}, {}\n\n\n",
            f / PACKAGE,
            rng.below(PACKAGE),
            function_name(&mut rng, &topic),
            function_name(&mut rng, &topic)
        );
        let mut line = 3;
        for _ in 0..4 + rng.below(16) {
            let class_name = format!("{}{}", STEMS[rng.below(STEMS.len())], f);
            let in_class = rng.below(3) == 0;
            let indent = if in_class { "    " } else { "" };
            let class_start = line;
            if in_class {
                text.push_str(&format!("class {class_name}:\n"));
                line += 1;
            }
            for _ in 0..1 + usize::from(in_class) * 3 {
                let name = if rng.below(6) == 0 {
                    COMMON[rng.below(COMMON.len())].to_string()
                } else {
                    function_name(&mut rng, &topic)
                };
                let start = line;
                text.push_str(&format!(
                    "{indent}def {name}(self, {}, {}):\n",
                    word(&mut rng, &topic),
                    word(&mut rng, &topic)
                ));
                line += 1;
                for _ in 0..2 + rng.below(10) {
                    text.push_str(&format!(
                        "{indent}    {} = {}({}.{}, {})\n",
                        word(&mut rng, &topic),
                        function_name(&mut rng, &topic),
                        word(&mut rng, &topic),
                        word(&mut rng, &topic),
                        rng.below(100)
                    ));
                    line += 1;
                }
                text.push_str(&format!(
                    "{indent}    return {}\n\n",
                    word(&mut rng, &topic)
                ));
                index.entry(name).or_default().push(Def {
                    file: f,
                    start,
                    end: line,
                    kind: if in_class { "method" } else { "function" },
                });
                line += 2;
            }
            if in_class {
                index.entry(class_name).or_default().push(Def {
                    file: f,
                    start: class_start,
                    end: line - 2,
                    kind: "class",
                });
            }
        }
        files.push((format!("pkg_{}/mod_{}.py", f / PACKAGE, f % PACKAGE), text));
    }
    Workspace { files, index }
}

/// The cursor line being typed, one state per keystroke.
fn keystrokes() -> Vec<String> {
    let line = "        total = apply_tax(fetch_order(session, order_id), region.rate)";
    line.char_indices()
        .map(|(i, _)| line[..i].to_owned())
        .skip(8)
        .collect()
}

/// Everything the engine has before the context step: the cursor window's lines.
struct Cursor {
    before: Vec<String>,
    after: Vec<String>,
    line: usize,
}

fn cursor_in(text: &str, line: usize) -> Cursor {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    Cursor {
        before: lines[..line].iter().rev().map(|l| l.to_string()).collect(),
        after: lines[line + 1..].iter().map(|l| l.to_string()).collect(),
        line,
    }
}

fn count_tokens(text: &str) -> usize {
    text.split_inclusive('\n').map(estimate).sum()
}

/// Time of each part of one keystroke's context step, in ms of this thread's CPU time (the
/// machine running this is shared, so wall time also counts other processes' turns), and the
/// wall time of the whole step.
#[derive(Default, Clone, Copy)]
struct Split {
    definitions: f64,
    similar: f64,
    recent: f64,
    assemble: f64,
    total: f64,
    wall: f64,
}

/// CPU time this thread has used, in ms.
fn thread_cpu_ms() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec and the clock id is a constant the kernel knows.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    ts.tv_sec as f64 * 1e3 + ts.tv_nsec as f64 / 1e6
}

/// One keystroke: the whole context step, as the engine would run it. `files[0]` is the
/// current buffer with `typed` on the cursor line.
#[allow(clippy::too_many_arguments)]
fn context_step(
    ws: &Workspace,
    files: &[FileText<'_>],
    cursor: &Cursor,
    typed: &str,
    recent: &RecentEdits,
    cache: &mut SimilarCache,
    previous: &Ledger,
    deadline: Option<Duration>,
) -> (Selection, Split) {
    let started = Instant::now();
    let cpu = thread_cpu_ms();
    let deadline = deadline.map(|budget| started + budget);
    let current_path = files[0].path;
    let text = CursorText {
        line_prefix: typed,
        line_suffix: "",
        before: &cursor.before,
        after: &cursor.after,
    };
    let window = CurrentWindow {
        path: current_path,
        start_line: cursor.line.saturating_sub(60),
        end_line: cursor.line + 20,
    };
    let imports = ["apply_tax".to_string(), "fetch_order".to_string()];
    let names = wanted_names(&text, &imports, &NameLimits::default());
    let mut hits = Vec::new();
    for name in &names {
        for def in ws.index.get(name).into_iter().flatten() {
            let (path, text) = &ws.files[def.file];
            hits.push(DefinitionHit {
                name,
                kind: def.kind,
                path,
                text,
                start_line: def.start,
                end_line: def.end,
                local: false,
            });
        }
    }
    let related: Vec<&str> = files.iter().take(RELATED).map(|f| f.path).collect();
    let mut candidates: Vec<Candidate> = definitions(
        &names,
        &hits,
        &window,
        &related,
        &DefinitionLimits::default(),
        previous,
        deadline,
    );
    let t_definitions = thread_cpu_ms() - cpu;

    let query = similarity_query(&text, 20);
    candidates.extend(similar_with_cache(
        &query,
        files,
        &window,
        &SimilarLimits::default(),
        previous,
        cache,
        deadline,
    ));
    let t_similar = thread_cpu_ms() - cpu;

    candidates.extend(recent.candidates(&files[..RELATED], &window, &RecentLimits::default()));
    let t_recent = thread_cpu_ms() - cpu;

    let window_text: String = cursor.before[..60.min(cursor.before.len())]
        .iter()
        .rev()
        .map(String::as_str)
        .chain([typed])
        .collect();
    let selection = assemble(
        candidates,
        &window_text,
        &Budgets::split(1_024),
        previous,
        &count_tokens,
    );
    let t_total = thread_cpu_ms() - cpu;
    let split = Split {
        definitions: t_definitions,
        similar: t_similar - t_definitions,
        recent: t_recent - t_similar,
        assemble: t_total - t_recent,
        total: t_total,
        wall: started.elapsed().as_secs_f64() * 1e3,
    };
    (selection, split)
}

struct Setup {
    ws: Workspace,
    cursor: Cursor,
    recent: RecentEdits,
    keystrokes: Vec<String>,
    /// The current buffer after each keystroke.
    buffers: Vec<String>,
}

fn setup() -> Setup {
    let ws = workspace();
    // The cursor sits in the middle of the first file.
    let current = &ws.files[0].1;
    let line = current.lines().count() / 2;
    let cursor = cursor_in(current, line);
    let keystrokes = keystrokes();
    let before: String = cursor.before.iter().rev().map(String::as_str).collect();
    let after: String = cursor.after.iter().map(String::as_str).collect();
    let buffers = keystrokes
        .iter()
        .map(|typed| format!("{before}{typed}\n{after}"))
        .collect();
    let mut recent = RecentEdits::default();
    for (tick, f) in [3usize, 9, 17, 30, 44].into_iter().enumerate() {
        recent.record(&ws.files[f].0, 12 + tick, tick as u64);
    }
    Setup {
        ws,
        cursor,
        recent,
        keystrokes,
        buffers,
    }
}

/// What the similar source gets at keystroke `k`: the current buffer and the next
/// `count - 1` files of the workspace.
fn file_texts(s: &Setup, count: usize, k: usize) -> Vec<FileText<'_>> {
    let current = FileText {
        path: &s.ws.files[0].0,
        text: &s.buffers[k % s.buffers.len()],
    };
    std::iter::once(current)
        .chain(
            s.ws.files[1..count]
                .iter()
                .map(|(path, text)| FileText { path, text }),
        )
        .collect()
}

fn bench_context(c: &mut Criterion) {
    let s = setup();
    let mut group = c.benchmark_group("context_step");
    group.sample_size(20);
    for count in [RELATED, FILES] {
        let mut ledger = Ledger::default();
        let mut cache = SimilarCache::new();
        let mut k = 0;
        group.bench_function(format!("{count}_files"), |b| {
            b.iter_batched(
                || {
                    k += 1;
                    (k, file_texts(&s, count, k))
                },
                |(k, files)| {
                    let typed = &s.keystrokes[k % s.keystrokes.len()];
                    let (selection, _) = context_step(
                        &s.ws, &files, &s.cursor, typed, &s.recent, &mut cache, &ledger, None,
                    );
                    ledger = black_box(selection).ledger;
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

/// Criterion reports means; the target is a p99, so this prints percentiles over many
/// keystrokes, each using the previous keystroke's ledger and the similar cache as the engine
/// does (the first step, with a cold cache, is shown apart): without a deadline (the full cost
/// of every step), then with the engine's 15 ms.
fn percentile_table() {
    let s = setup();
    println!("\ncontext step per keystroke, synthetic {FILES}-file workspace");
    println!("(ms of thread CPU time per part; wall = elapsed time on this shared machine)");
    println!(
        "{:<26} {:>8} {:>8} {:>8} {:>8} {:>9} {:>9} {:>9} {:>9}   cold first step (cpu / wall)",
        "similar over / deadline",
        "defs p99",
        "sim p99",
        "rec p99",
        "asm p99",
        "cpu p50",
        "cpu p99",
        "wall p50",
        "wall p99"
    );
    let runs_of = |count| if count == RELATED { 3_000 } else { 300 };
    for (count, deadline) in [
        (RELATED, None),
        (FILES, None),
        (RELATED, Some(Duration::from_millis(15))),
        (FILES, Some(Duration::from_millis(15))),
    ] {
        let runs = runs_of(count);
        let mut ledger = Ledger::default();
        let mut cache = SimilarCache::new();
        let mut splits: Vec<Split> = Vec::with_capacity(runs);
        let mut chunks = 0;
        let mut cold = Split::default();
        for i in 0..runs {
            let typed = &s.keystrokes[i % s.keystrokes.len()];
            let files = file_texts(&s, count, i);
            let (selection, split) = context_step(
                &s.ws, &files, &s.cursor, typed, &s.recent, &mut cache, &ledger, deadline,
            );
            chunks += selection.chunks.len();
            ledger = selection.ledger;
            if i == 0 {
                cold = split;
            } else {
                splits.push(split);
            }
        }
        let p = |q: f64, f: fn(&Split) -> f64| {
            let mut v: Vec<f64> = splits.iter().map(f).collect();
            v.sort_by(f64::total_cmp);
            v[((v.len() - 1) as f64 * q) as usize]
        };
        let label = match deadline {
            Some(d) => format!("{count} files / {} ms", d.as_millis()),
            None => format!("{count} files / none"),
        };
        println!(
            "{label:<26} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>9.3} {:>9.3} {:>9.3} {:>9.3}   {:.1} / {:.1}  ({:.1} chunks, cache {:.1} MB)",
            p(0.99, |s| s.definitions),
            p(0.99, |s| s.similar),
            p(0.99, |s| s.recent),
            p(0.99, |s| s.assemble),
            p(0.5, |s| s.total),
            p(0.99, |s| s.total),
            p(0.5, |s| s.wall),
            p(0.99, |s| s.wall),
            cold.total,
            cold.wall,
            chunks as f64 / runs as f64,
            cache.heap_bytes() as f64 / 1e6
        );
    }
}

/// Picking the files of the whole workspace that share the rarest identifiers with the lines
/// before the cursor (what the engine adds to the related files), over all 5,000 files' sets as
/// the index keeps them.
fn sharing_table() {
    let s = setup();
    let started = Instant::now();
    let sets: Vec<IdentifierSet> =
        s.ws.files
            .iter()
            .map(|(_, t)| IdentifierSet::of(t))
            .collect();
    let build_ms = started.elapsed().as_secs_f64() * 1e3;
    let set_mb = sets.iter().map(|set| set.len() * 8).sum::<usize>() as f64 / 1e6;
    let words: Vec<FileWords<'_>> =
        s.ws.files
            .iter()
            .zip(&sets)
            .map(|((path, _), identifiers)| FileWords { path, identifiers })
            .collect();
    let mut times = Vec::new();
    for typed in s.keystrokes.iter().cycle().take(300) {
        let text = CursorText {
            line_prefix: typed,
            line_suffix: "",
            before: &s.cursor.before,
            after: &s.cursor.after,
        };
        let started = Instant::now();
        let query = IdentifierSet::of(&similarity_query(&text, 12));
        black_box(files_sharing_rare_words(&query, &words, 8));
        times.push(started.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    let p = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    println!(
        "\nfiles sharing rare identifiers, {FILES} files: p50 {:.3} ms, p99 {:.3} ms per request \
         (identifier sets built once in {build_ms:.0} ms, {set_mb:.1} MB)",
        p(0.5),
        p(0.99)
    );
}

/// The header-imports source with the cursor above a file's import line (every name the file
/// uses is missing): the names after the cursor, the files importing each (the index's table,
/// here a map built once), and the statements chosen. Over 300 different current files.
fn header_table() {
    let s = setup();
    let mut importing: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, (_, text)) in s.ws.files.iter().enumerate() {
        let first = text.lines().next().unwrap_or_default();
        if let Some((_, names)) = first.split_once(" import ") {
            for name in names.split(", ") {
                importing.entry(name).or_default().push(i);
            }
        }
    }
    let limits = ImportLimits::default();
    let mut times = Vec::new();
    let mut shown = 0;
    for current in (0..FILES).step_by(FILES / 300).take(300) {
        let (path, text) = &s.ws.files[current];
        let started = Instant::now();
        let defines = |name: &str| {
            s.ws.index
                .get(name)
                .is_some_and(|defs| defs.iter().any(|d| d.file == current))
        };
        let missing = missing_names(text, defines, "", &limits);
        let sites: Vec<ImportSite<'_>> = missing
            .iter()
            .flat_map(|name| {
                importing
                    .get(name)
                    .into_iter()
                    .flatten()
                    .map(move |f| (name, f))
            })
            .filter(|(_, f)| **f != current)
            .map(|(name, f)| ImportSite {
                name,
                path: &s.ws.files[*f].0,
                text: &s.ws.files[*f].1,
                start_line: 0,
                end_line: 0,
            })
            .collect();
        let chosen = import_statements(path, &missing, &sites, &limits);
        times.push(started.elapsed().as_secs_f64() * 1e3);
        shown += chosen.len();
    }
    times.sort_by(f64::total_cmp);
    let p = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    println!(
        "header imports, {FILES} files: p50 {:.3} ms, p99 {:.3} ms per request ({:.1} statements \
         shown on average)",
        p(0.5),
        p(0.99),
        shown as f64 / times.len() as f64
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(4)).warm_up_time(Duration::from_secs(1));
    targets = bench_context
}

fn main() {
    benches();
    percentile_table();
    sharing_table();
    header_table();
    Criterion::default().configure_from_args().final_summary();
}
