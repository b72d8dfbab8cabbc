//! Criterion benches of the pipeline's phases, each timed alone: lexing and
//! parsing (bytes/s), checking, and evaluating the compute workloads shared
//! with the cross-language runner (`/work/shared/bench/apex`).
//!
//! Inputs come from the repository (`scripts/`, `tests/fixtures/`) and from
//! the shared bench folder; a workload whose file is missing or does not
//! compile is reported on stderr and skipped rather than failing the run.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};

use apexlite::check::check_script;
use apexlite::syntax::parse_script;
use apexlite::{Org, Outcome, RunOptions, SourceFile, compile, execute};

/// Where the cross-language workloads live (override with `APEXLITE_BENCH_DIR`).
const SHARED_APEX: &str = "/work/shared/bench/apex";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(path: &Path) -> Option<SourceFile> {
    let text = std::fs::read_to_string(path).ok()?;
    Some(SourceFile::new(path.display().to_string(), text))
}

/// Every `.apex` file under `dir`, recursively, in a stable order.
fn apex_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            apex_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "apex") {
            found.push(path);
        }
    }
}

/// The fixture scripts that parse: the parser's ordinary path, not its
/// error recovery.
fn fixture_corpus() -> Vec<SourceFile> {
    let mut paths = Vec::new();
    apex_files(&root().join("tests/fixtures"), &mut paths);
    paths
        .iter()
        .filter_map(|p| load(p))
        .filter(|f| parse_script(f).is_ok())
        .collect()
}

/// A realistic script: the README's contactless-user script followed by the
/// bench workloads that parse, as one file (about the size of a real
/// anonymous-Apex snippet pasted into Execute Anonymous, times a few).
fn realistic_script() -> SourceFile {
    let mut text =
        std::fs::read_to_string(root().join("scripts/contactless_user.apex")).unwrap_or_default();
    for name in ["sobjects", "collections", "strings", "loop"] {
        if let Ok(more) = std::fs::read_to_string(shared_dir().join(format!("{name}.apex"))) {
            // Each workload declares its own locals; a block keeps them apart.
            text.push_str("\n{\n");
            text.push_str(&more);
            text.push_str("\n}\n");
        }
    }
    SourceFile::new("realistic.apex", text)
}

fn shared_dir() -> PathBuf {
    std::env::var_os("APEXLITE_BENCH_DIR").map_or_else(|| PathBuf::from(SHARED_APEX), PathBuf::from)
}

fn quick<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    group
}

fn bench_parse(c: &mut Criterion) {
    let mut group = quick(c, "parse");
    let realistic = realistic_script();
    group.throughput(Throughput::Bytes(realistic.text.len() as u64));
    group.bench_function("realistic_script", |b| {
        b.iter(|| parse_script(black_box(&realistic)).is_ok())
    });
    let corpus = fixture_corpus();
    let bytes: usize = corpus.iter().map(|f| f.text.len()).sum();
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("fixture_corpus", |b| {
        b.iter(|| {
            corpus
                .iter()
                .filter(|f| parse_script(black_box(f)).is_ok())
                .count()
        })
    });
    group.finish();
}

fn bench_check(c: &mut Criterion) {
    let mut group = quick(c, "check");
    let realistic = realistic_script();
    if let Ok(script) = parse_script(&realistic) {
        group.throughput(Throughput::Bytes(realistic.text.len() as u64));
        group.bench_function("realistic_script", |b| {
            b.iter(|| check_script(black_box(&script)).is_ok())
        });
    }
    let parsed: Vec<_> = fixture_corpus()
        .iter()
        .filter_map(|f| parse_script(f).ok().map(|s| (f.text.len(), s)))
        .collect();
    let bytes: usize = parsed.iter().map(|(n, _)| n).sum();
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("fixture_corpus", |b| {
        b.iter(|| {
            parsed
                .iter()
                .filter(|(_, s)| check_script(black_box(s)).is_ok())
                .count()
        })
    });
    group.finish();
}

/// Runs each compute workload, compiled once, on one in-memory org; every
/// iteration is one transaction. The CPU limit is lifted so a slow machine
/// measures rather than aborts.
fn bench_eval(c: &mut Criterion) {
    let mut group = quick(c, "eval");
    let options = RunOptions {
        cpu_limit: Duration::from_secs(600),
    };
    let Ok(mut org) = Org::open_in_memory() else {
        eprintln!("eval: cannot open an in-memory org");
        return;
    };
    for name in ["loop", "strings", "collections"] {
        let Some(file) = load(&shared_dir().join(format!("{name}.apex"))) else {
            eprintln!("eval/{name}: {} not found, skipped", shared_dir().display());
            continue;
        };
        let Ok(program) = compile(&file) else {
            eprintln!("eval/{name}: does not compile, skipped");
            continue;
        };
        let mut out = Vec::new();
        let first = execute(
            &program,
            std::slice::from_ref(&file),
            &mut org,
            &mut out,
            &options,
        );
        if !matches!(first, Ok(Outcome::Completed)) {
            eprintln!("eval/{name}: did not complete ({first:?}), skipped");
            continue;
        }
        eprintln!("eval/{name}: {}", String::from_utf8_lossy(&out).trim());
        group.bench_function(name, |b| {
            b.iter(|| {
                let outcome = execute(
                    &program,
                    std::slice::from_ref(&file),
                    &mut org,
                    &mut std::io::sink(),
                    &options,
                );
                matches!(outcome, Ok(Outcome::Completed))
            })
        });
    }
    group.finish();
}

/// The group criterion's `main` runs (a module, since the macro's function
/// cannot carry a doc comment).
mod group {
    use super::*;
    criterion_group!(benches, bench_parse, bench_check, bench_eval);
}

criterion_main!(group::benches);
