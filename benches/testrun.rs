//! Criterion bench of `apexlite test`'s engine: 1,000 trivial test methods in
//! 50 `@isTest` classes, run on a fresh in-memory org per class with the
//! default worker count (one per core). Each iteration compiles the classes,
//! runs every method in its own rolled-back transaction, and collects the
//! results, as `apexlite test --org :memory:` does.
//!
//! `cargo bench --bench testrun`

use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

use apexlite::SourceFile;
use apexlite::testing::{Quiet, TestOptions, run_tests, test_files};

const CLASSES: usize = 50;
const METHODS: usize = 20;

fn classes() -> Vec<SourceFile> {
    (0..CLASSES)
        .map(|c| {
            let methods: String = (0..METHODS)
                .map(|m| {
                    format!(
                        "    @isTest static void t{m}() {{ Integer x = {m} + 1; \
                         Assert.areEqual({m} + 1, x); }}\n"
                    )
                })
                .collect();
            let text = format!("@isTest\nprivate class C{c}Test {{\n{methods}}}\n");
            SourceFile::new(format!("C{c}Test.cls"), text)
        })
        .collect()
}

fn bench_test_run(c: &mut Criterion) {
    let files = test_files(classes());
    let options = TestOptions {
        org: PathBuf::from(":memory:"),
        filters: Vec::new(),
        cpu_limit: Duration::from_secs(10),
        jobs: 0,
        coverage: false,
    };
    let mut group = c.benchmark_group("test_run");
    group.sample_size(10);
    group.bench_function("1000_methods_50_classes", |b| {
        b.iter(|| {
            let run = run_tests(&files, &options, &Quiet).expect("the bench classes run");
            assert_eq!(run.passed(), CLASSES * METHODS);
        });
    });
    group.finish();
}

/// The group criterion's `main` runs (a module, since the macro's function
/// cannot carry a doc comment).
mod group {
    use super::*;
    criterion_group!(benches, bench_test_run);
}

criterion_main!(group::benches);
