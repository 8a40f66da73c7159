//! Workspace index costs on a generated 5,000-file workspace (Python, TypeScript, Rust, Go):
//! a full build (walk + read + parse + tables), and the lookups the context step makes on every
//! completion request: `definitions_named` and `related_files`.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tandem::index::{extract, IndexSettings, WorkspaceIndex};
use tandem::syntax::language_named;

const PACKAGES: usize = 50;
const FILES_PER_PACKAGE: usize = 100;
const SETTINGS: IndexSettings = IndexSettings {
    max_files: 20_000,
    max_file_bytes: 512_000,
};

/// A deterministic pseudo-random sequence, so every run indexes the same workspace.
struct Sequence(u64);

impl Sequence {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

fn python(p: usize, f: usize, seq: &mut Sequence) -> String {
    let mut out = format!(
        "from .m{:03} import f{}_0\nimport p{:02}.m{:03}\nfrom common.util import shared_helper\n\n",
        seq.next(FILES_PER_PACKAGE),
        seq.next(FILES_PER_PACKAGE),
        seq.next(PACKAGES),
        seq.next(FILES_PER_PACKAGE),
    );
    out.push_str(&format!("LIMIT_{f} = {}\n\n", seq.next(1000)));
    for k in 0..4 {
        out.push_str(&format!(
            "def f{f}_{k}(value, count=3):\n    total = shared_helper(value)\n    for i in range(count):\n        total += compute_{}(i, value)\n    return total\n\n",
            seq.next(40)
        ));
    }
    out.push_str(&format!("class Model{p}_{f}(Base):\n"));
    for k in 0..5 {
        out.push_str(&format!(
            "    def method_{k}(self, other: Model{p}_{f}) -> int:\n        result = self.helper_{}(other)\n        return result + {k}\n\n",
            seq.next(10)
        ));
    }
    out
}

fn typescript(p: usize, f: usize, seq: &mut Sequence) -> String {
    let mut out = format!(
        "import {{ f{}_0 }} from './m{:03}';\nimport {{ Base }} from '../common/base';\n\n",
        seq.next(FILES_PER_PACKAGE),
        seq.next(FILES_PER_PACKAGE),
    );
    out.push_str(&format!("export const LIMIT_{f} = {};\n\n", seq.next(1000)));
    out.push_str(&format!(
        "export interface Shape{f} {{\n  area(): number;\n  name: string;\n}}\n\n"
    ));
    for k in 0..4 {
        out.push_str(&format!(
            "export function f{f}_{k}(value: number, count = 3): number {{\n  let total = sharedHelper(value);\n  for (let i = 0; i < count; i++) {{\n    total += compute{}(i, value);\n  }}\n  return total;\n}}\n\n",
            seq.next(40)
        ));
    }
    out.push_str(&format!("export class Model{p}_{f} extends Base {{\n"));
    for k in 0..5 {
        out.push_str(&format!(
            "  method{k}(other: Model{p}_{f}): number {{\n    return this.helper{}(other) + {k};\n  }}\n\n",
            seq.next(10)
        ));
    }
    out.push_str("}\n");
    out
}

fn rust(p: usize, f: usize, seq: &mut Sequence) -> String {
    let mut out = format!(
        "use crate::p{:02}::m{:03}::f{}_0;\nuse crate::common::{{util, Base}};\n\n",
        seq.next(PACKAGES),
        seq.next(FILES_PER_PACKAGE),
        seq.next(FILES_PER_PACKAGE),
    );
    out.push_str(&format!(
        "pub const LIMIT_{f}: u32 = {};\n\n",
        seq.next(1000)
    ));
    for k in 0..4 {
        out.push_str(&format!(
            "pub fn f{f}_{k}(value: u32, count: u32) -> u32 {{\n    let mut total = util::shared_helper(value);\n    for i in 0..count {{\n        total += compute_{}(i, value);\n    }}\n    total\n}}\n\n",
            seq.next(40)
        ));
    }
    out.push_str(&format!(
        "pub struct Model{p}_{f} {{\n    base: Base,\n}}\n\nimpl Model{p}_{f} {{\n"
    ));
    for k in 0..5 {
        out.push_str(&format!(
            "    pub fn method_{k}(&self, other: &Model{p}_{f}) -> u32 {{\n        self.helper_{}(other) + {k}\n    }}\n\n",
            seq.next(10)
        ));
    }
    out.push_str("}\n");
    out
}

fn go(p: usize, f: usize, seq: &mut Sequence) -> String {
    let mut out = format!(
        "package p{p:02}\n\nimport (\n\t\"fmt\"\n\t\"example.com/bench/p{:02}\"\n)\n\nconst Limit{f} = {}\n\n",
        seq.next(PACKAGES),
        seq.next(1000)
    );
    for k in 0..4 {
        out.push_str(&format!(
            "func F{f}_{k}(value int, count int) int {{\n\ttotal := SharedHelper(value)\n\tfor i := 0; i < count; i++ {{\n\t\ttotal += Compute{}(i, value)\n\t}}\n\tfmt.Println(total)\n\treturn total\n}}\n\n",
            seq.next(40)
        ));
    }
    out.push_str(&format!("type Model{p}_{f} struct {{\n\tBase\n}}\n\n"));
    for k in 0..5 {
        out.push_str(&format!(
            "func (m *Model{p}_{f}) Method{k}(other *Model{p}_{f}) int {{\n\treturn m.Helper{}(other) + {k}\n}}\n\n",
            seq.next(10)
        ));
    }
    out
}

/// Writes the workspace: `p<NN>/m<NNN>.<ext>`, the language chosen per package.
fn generate(root: &Path) -> usize {
    let mut seq = Sequence(7);
    let mut bytes = 0;
    std::fs::write(root.join(".gitignore"), "build/\n").expect("write .gitignore");
    for p in 0..PACKAGES {
        let dir = root.join(format!("p{p:02}"));
        std::fs::create_dir_all(&dir).expect("create package");
        for f in 0..FILES_PER_PACKAGE {
            let (ext, text) = match p % 4 {
                0 => ("py", python(p, f, &mut seq)),
                1 => ("ts", typescript(p, f, &mut seq)),
                2 => ("rs", rust(p, f, &mut seq)),
                _ => ("go", go(p, f, &mut seq)),
            };
            bytes += text.len();
            std::fs::write(dir.join(format!("m{f:03}.{ext}")), text).expect("write file");
        }
    }
    bytes
}

fn built(root: &Path) -> std::sync::Arc<WorkspaceIndex> {
    let index = WorkspaceIndex::new(root.to_path_buf(), SETTINGS);
    index.build(&|_| {});
    index
}

fn bench_index(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let bytes = generate(dir.path());
    let files = PACKAGES * FILES_PER_PACKAGE;

    let mut group = c.benchmark_group("index");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    group.throughput(Throughput::Elements(files as u64));
    group.bench_function(format!("build {files} files ({} KB)", bytes / 1024), |b| {
        b.iter(|| black_box(built(dir.path()).len()))
    });
    group.finish();

    let index = built(dir.path());
    assert_eq!(index.len(), files);
    let python: PathBuf = dir.path().join("p00/m042.py");
    let rust: PathBuf = dir.path().join("p02/m042.rs");
    let mut lookups = c.benchmark_group("index lookups");
    // `f7_0` is defined in 50 files (one per package), `Model17_3` in one.
    lookups.bench_function("definitions_named (50 sites)", |b| {
        b.iter(|| black_box(index.definitions_named(black_box("f7_0")).len()))
    });
    lookups.bench_function("definitions_named (1 site)", |b| {
        b.iter(|| black_box(index.definitions_named(black_box("Model17_3")).len()))
    });
    lookups.bench_function("definitions_named (missing)", |b| {
        b.iter(|| black_box(index.definitions_named(black_box("no_such_name")).len()))
    });
    lookups.bench_function("related_files python limit 10", |b| {
        b.iter(|| black_box(index.related_files(black_box(&python), 10).len()))
    });
    lookups.bench_function("related_files rust limit 10", |b| {
        b.iter(|| black_box(index.related_files(black_box(&rust), 10).len()))
    });
    lookups.bench_function("related_files python limit 200", |b| {
        b.iter(|| black_box(index.related_files(black_box(&python), 200).len()))
    });
    lookups.finish();
}

/// Writes one generated source file: (file number, lines, name sequence).
type Generator = fn(usize, usize, &mut Sequence) -> String;

/// `extract` alone on one generated file per language: the parse + query share of a build.
fn bench_extract(c: &mut Criterion) {
    let mut group = c.benchmark_group("extract");
    let samples: [(&str, Generator); 4] = [
        ("python", python),
        ("typescript", typescript),
        ("rust", rust),
        ("go", go),
    ];
    for (name, generate) in samples {
        let language = language_named(name).expect("known language");
        let text = generate(3, 7, &mut Sequence(11));
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| black_box(extract(language, black_box(&text))))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_extract, bench_index);
criterion_main!(benches);
