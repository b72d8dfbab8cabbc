//! Criterion benches of the data path through Apex: `Database.insert(users,
//! false)` of 1,000 and 10,000 contactless users with every user rule, license
//! seat and governor limit applied, and SOQL lookups by `Username` and by `Id`
//! (inline, and by `Username` through `Database.query`) over orgs of N users.
//!
//! The scripts are generated here and compiled once, outside the timed
//! loop; each measured iteration is one `execute`, i.e. one transaction.

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{
    BatchSize, BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main,
};

use apexlite::check::ir::Program;
use apexlite::org::setup::{parse_seat_request, set_seats};
use apexlite::{Org, Outcome, RunOptions, SourceFile, compile, execute};

/// Rows per DML statement: the platform's per-transaction DML row limit.
const MAX_ROWS: usize = 10_000;

/// Lookups per query script: the platform's 100-query limit per transaction.
const LOOKUPS: usize = 100;

/// A compiled script ready to execute many times.
struct Script {
    file: SourceFile,
    program: Program,
}

impl Script {
    fn new(name: &str, text: String) -> Script {
        let file = SourceFile::new(name, text);
        match compile(&file) {
            Ok(program) => Script { file, program },
            Err(diags) => panic!("bench script {name} does not compile: {diags:?}"),
        }
    }

    /// Runs one transaction, returning what `System.debug` printed.
    fn run(&self, org: &mut Org) -> String {
        let mut out = Vec::new();
        let options = RunOptions {
            cpu_limit: Duration::from_secs(600),
        };
        match execute(
            &self.program,
            std::slice::from_ref(&self.file),
            org,
            &mut out,
            &options,
        ) {
            Ok(Outcome::Completed) => String::from_utf8_lossy(&out).into_owned(),
            other => panic!("{} did not complete: {other:?}", self.file.name),
        }
    }

    /// Runs one transaction with output discarded (the timed form).
    fn run_quiet(&self, org: &mut Org) -> bool {
        let options = RunOptions {
            cpu_limit: Duration::from_secs(600),
        };
        let outcome = execute(
            &self.program,
            std::slice::from_ref(&self.file),
            org,
            &mut std::io::sink(),
            &options,
        );
        matches!(outcome, Ok(Outcome::Completed))
    }
}

/// Anonymous Apex that builds `count` External Identity users numbered from
/// `first` and, when `insert` is set, saves them with
/// `Database.insert(users, false)` and prints how many were saved.
fn users_script(first: usize, count: usize, insert: bool) -> String {
    let mut text = format!(
        "Profile p = [SELECT Id FROM Profile WHERE Name = 'External Identity User' LIMIT 1];\n\
         List<User> users = new List<User>();\n\
         for (Integer i = {first}; i < {end}; i++) {{\n\
         \x20   String name = 'u' + i + '@bench.example.com';\n\
         \x20   users.add(new User(FirstName = 'Bench', LastName = 'User ' + i, Email = name,\n\
         \x20       Alias = 'u' + i, Username = name, TimeZoneSidKey = 'GMT',\n\
         \x20       LocaleSidKey = 'en_US', EmailEncodingKey = 'UTF-8',\n\
         \x20       LanguageLocaleKey = 'en_US', ProfileId = p.Id));\n\
         }}\n",
        end = first + count
    );
    if insert {
        text.push_str(
            "List<Database.SaveResult> results = Database.insert(users, false);\n\
             Integer saved = 0;\n\
             for (Database.SaveResult r : results) {\n\
             \x20   if (r.isSuccess()) {\n\
             \x20       saved++;\n\
             \x20   }\n\
             }\n\
             System.debug('saved=' + saved);\n",
        );
    } else {
        text.push_str("System.debug('built=' + users.size());\n");
    }
    text
}

/// An in-memory org (or a file org in `dir`) with room for 200,000
/// External Identity users, so the seat rule is checked but never refuses.
fn roomy_org(dir: Option<&tempfile::TempDir>) -> Org {
    let mut org = match dir {
        Some(dir) => Org::open(&dir.path().join("org.db")),
        None => Org::open_in_memory(),
    }
    .expect("org opens");
    let seats = parse_seat_request("External Identity=200000").expect("license name");
    set_seats(&mut org, &[seats]).expect("seats set");
    org
}

/// An in-memory org holding `n` bench users `u0..u{n-1}@bench.example.com`.
fn org_with_users(n: usize) -> Org {
    let mut org = roomy_org(None);
    for first in (0..n).step_by(MAX_ROWS) {
        let count = MAX_ROWS.min(n - first);
        let script = Script::new("seed.apex", users_script(first, count, true));
        let out = script.run(&mut org);
        assert!(out.contains(&format!("saved={count}")), "seeding: {out}");
    }
    org
}

fn quick<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    group
}

fn bench_insert(c: &mut Criterion) {
    let mut group = quick(c, "insert_users");
    for n in [1_000, MAX_ROWS] {
        let insert = Script::new("insert.apex", users_script(0, n, true));
        let build = Script::new("build.apex", users_script(0, n, false));
        let out = insert.run(&mut roomy_org(None));
        assert!(
            out.contains(&format!("saved={n}")),
            "every user saved: {out}"
        );
        group.throughput(Throughput::Elements(n as u64));
        // Building the list alone: subtract it from the others for the DML cost.
        group.bench_function(format!("build_only/{n}"), |b| {
            b.iter_batched(
                || roomy_org(None),
                |mut org| (build.run_quiet(&mut org), org),
                BatchSize::PerIteration,
            )
        });
        group.bench_function(format!("memory/{n}"), |b| {
            b.iter_batched(
                || roomy_org(None),
                |mut org| (insert.run_quiet(&mut org), org),
                BatchSize::PerIteration,
            )
        });
        // A file org, as the command line uses: comparable with sqlite-limit.
        group.bench_function(format!("file/{n}"), |b| {
            b.iter_batched(
                || {
                    let dir = tempfile::tempdir().expect("temp dir");
                    (roomy_org(Some(&dir)), dir)
                },
                |(mut org, dir)| (insert.run_quiet(&mut org), org, dir),
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

/// `LOOKUPS` queries by `Username`, spread over the `n` users.
fn by_username_script(n: usize) -> String {
    format!(
        "Integer hits = 0;\n\
         for (Integer i = 0; i < {LOOKUPS}; i++) {{\n\
         \x20   String name = 'u' + Math.mod(i * 7919, {n}) + '@bench.example.com';\n\
         \x20   List<User> found = [SELECT Id, Username FROM User WHERE Username = :name];\n\
         \x20   hits += found.size();\n\
         }}\n\
         System.debug('hits=' + hits);\n"
    )
}

/// `LOOKUPS` dynamic queries by `Username`: the text is parsed on every call.
fn dynamic_script(n: usize) -> String {
    format!(
        "Integer hits = 0;\n\
         String soql = 'SELECT Id, Username FROM User WHERE Username = :name';\n\
         for (Integer i = 0; i < {LOOKUPS}; i++) {{\n\
         \x20   String name = 'u' + Math.mod(i * 7919, {n}) + '@bench.example.com';\n\
         \x20   hits += Database.query(soql).size();\n\
         }}\n\
         System.debug('hits=' + hits);\n"
    )
}

/// One query for some Ids, then a query by `Id` for each (`LOOKUPS` in all).
fn by_id_script() -> String {
    format!(
        "List<User> some = [SELECT Id FROM User WHERE Username LIKE 'u%' LIMIT {}];\n\
         Integer hits = 0;\n\
         for (User u : some) {{\n\
         \x20   List<User> found = [SELECT Id, Username FROM User WHERE Id = :u.Id];\n\
         \x20   hits += found.size();\n\
         }}\n\
         System.debug('hits=' + hits);\n",
        LOOKUPS - 1
    )
}

fn bench_soql(c: &mut Criterion) {
    let mut group = quick(c, "soql_users");
    group.throughput(Throughput::Elements(LOOKUPS as u64));
    for n in [1_000, 10_000, 100_000] {
        let mut org = org_with_users(n);
        let by_username = Script::new("by_username.apex", by_username_script(n));
        let by_id = Script::new("by_id.apex", by_id_script());
        let dynamic = Script::new("dynamic.apex", dynamic_script(n));
        let out = by_username.run(&mut org);
        assert!(
            out.contains(&format!("hits={LOOKUPS}")),
            "by Username: {out}"
        );
        let out = by_id.run(&mut org);
        assert!(
            out.contains(&format!("hits={}", LOOKUPS - 1)),
            "by Id: {out}"
        );
        group.bench_function(format!("by_username/{n}"), |b| {
            b.iter(|| by_username.run_quiet(black_box(&mut org)))
        });
        let out = dynamic.run(&mut org);
        assert!(
            out.contains(&format!("hits={LOOKUPS}")),
            "Database.query: {out}"
        );
        group.bench_function(format!("by_id/{n}"), |b| {
            b.iter(|| by_id.run_quiet(black_box(&mut org)))
        });
        group.bench_function(format!("dynamic_by_username/{n}"), |b| {
            b.iter(|| dynamic.run_quiet(black_box(&mut org)))
        });
    }
    group.finish();
}

/// The group criterion's `main` runs (a module, since the macro's function
/// cannot carry a doc comment).
mod group {
    use super::*;
    criterion_group!(benches, bench_insert, bench_soql);
}

criterion_main!(group::benches);
