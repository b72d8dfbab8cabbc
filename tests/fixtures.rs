//! File-driven tests: Apex scripts run through the `apexlite` binary and are
//! compared with expectation files.
//!
//! A fixture is `tests/fixtures/<area>/<name>.apex` with `<name>.expect`; later
//! steps `<name>.2.apex` + `<name>.2.expect`, `<name>.3...` run as separate
//! processes on the same org file, in a temporary folder of the fixture's own.
//! Before step 1 the org is created by a run of [`SEED_CODE`], so every step
//! starts from an existing, seeded org. The `.expect` format is described in
//! `tests/harness/expect.rs`.
//!
//! Run one area with `cargo test --test fixtures <area>`. Rewrite the stdout
//! sections from what the binary printed with
//! `APEXLITE_BLESS=1 cargo test --test fixtures`; exit codes, org checks and
//! stderr lines are never rewritten.

#[path = "harness/expect.rs"]
mod expect;
#[path = "harness/pattern.rs"]
mod pattern;
#[path = "harness/run.rs"]
mod run;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use expect::Expect;
use run::{RunOutput, run_apexlite};

/// A script that touches nothing, run once to create and seed each fixture's org.
const SEED_CODE: &str = "Integer seeded = 0;";

/// Text that means the binary crashed instead of reporting an error.
const PANIC_MARK: &str = "panicked";

/// One test per folder under `tests/fixtures`; `every_area_has_a_test` keeps
/// this list and the folders in step.
macro_rules! areas {
    ($($area:ident),* $(,)?) => {
        const AREAS: &[&str] = &[$(stringify!($area)),*];
        $(
            #[test]
            fn $area() {
                run_area(stringify!($area));
            }
        )*
    };
}

areas!(
    contactless,
    users,
    picklists,
    licenses,
    transactions,
    seed,
    language,
    syntax,
    compile,
    exceptions,
    database,
    classes,
    dml,
    users_flows,
    soql,
    triggers,
);

#[test]
fn every_area_has_a_test() {
    let mut on_disk = Vec::new();
    for entry in fs::read_dir(fixtures_root()).expect("tests/fixtures is readable") {
        let entry = entry.expect("tests/fixtures lists");
        if entry.path().is_dir() {
            on_disk.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    on_disk.sort();
    let mut listed: Vec<String> = AREAS.iter().map(|a| a.to_string()).collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "folders under tests/fixtures vs the areas! list"
    );
}

/// A fixture: its steps in order.
struct Fixture {
    /// `<area>/<name>`, for reports.
    label: String,
    steps: Vec<Step>,
}

/// One step: an expectation file and, unless it names a script, its `.apex` file.
struct Step {
    number: u32,
    expect_path: PathBuf,
    apex_path: Option<PathBuf>,
}

fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures_root() -> PathBuf {
    crate_root().join("tests").join("fixtures")
}

fn bless_requested() -> bool {
    std::env::var_os("APEXLITE_BLESS").is_some_and(|v| v == "1")
}

fn run_area(area: &str) {
    let (fixtures, mut failures) = discover(&fixtures_root().join(area), area);
    assert!(
        !fixtures.is_empty() || !failures.is_empty(),
        "no fixtures in tests/fixtures/{area}"
    );
    let total = fixtures.len();
    for fixture in &fixtures {
        if let Err(report) = run_fixture(fixture) {
            failures.push(report);
        }
    }
    if !failures.is_empty() {
        panic!(
            "{} problem(s) in {total} fixture(s) of tests/fixtures/{area}:\n\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}

// ---------------------------------------------------------------------------
// Discovery

/// Finds the fixtures of one area; the second list holds files that fit no fixture.
fn discover(dir: &Path, area: &str) -> (Vec<Fixture>, Vec<String>) {
    let mut problems = Vec::new();
    let mut expects: BTreeMap<String, BTreeMap<u32, PathBuf>> = BTreeMap::new();
    let mut apex_files: BTreeMap<(String, u32), PathBuf> = BTreeMap::new();
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            return (
                Vec::new(),
                vec![format!("cannot list {}: {e}", dir.display())],
            );
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let file = entry.file_name().to_string_lossy().into_owned();
        match split_file_name(&file) {
            Some((name, step, "expect")) => {
                expects.entry(name).or_default().insert(step, path);
            }
            Some((name, step, "apex")) => {
                apex_files.insert((name, step), path);
            }
            _ => problems.push(format!(
                "{area}/{file}: not a fixture file (.apex or .expect)"
            )),
        }
    }
    for (name, step) in apex_files.keys() {
        if !expects
            .get(name)
            .is_some_and(|steps| steps.contains_key(step))
        {
            problems.push(format!(
                "{area}/{name}: step {step} has an .apex file but no .expect"
            ));
        }
    }
    let mut fixtures = Vec::new();
    for (name, steps) in expects {
        let label = format!("{area}/{name}");
        match assemble(&label, &name, steps, &mut apex_files) {
            Ok(fixture) => fixtures.push(fixture),
            Err(problem) => problems.push(problem),
        }
    }
    (fixtures, problems)
}

/// `name.apex` → (name, 1, apex); `name.2.expect` → (name, 2, expect).
fn split_file_name(file: &str) -> Option<(String, u32, &str)> {
    let (stem, ext) = file.rsplit_once('.')?;
    if ext != "apex" && ext != "expect" {
        return None;
    }
    match stem.rsplit_once('.') {
        Some((name, n)) if n.bytes().all(|b| b.is_ascii_digit()) => {
            let step: u32 = n.parse().ok()?;
            (step >= 2 && !name.contains('.')).then(|| (name.to_string(), step, ext))
        }
        Some(_) => None,
        None => Some((stem.to_string(), 1, ext)),
    }
}

fn assemble(
    label: &str,
    name: &str,
    steps: BTreeMap<u32, PathBuf>,
    apex_files: &mut BTreeMap<(String, u32), PathBuf>,
) -> Result<Fixture, String> {
    let mut out = Vec::new();
    for (expected, (number, expect_path)) in (1..).zip(steps) {
        if number != expected {
            return Err(format!(
                "{label}: step {expected} is missing (found step {number})"
            ));
        }
        let apex_path = apex_files.remove(&(name.to_string(), number));
        out.push(Step {
            number,
            expect_path,
            apex_path,
        });
    }
    Ok(Fixture {
        label: label.to_string(),
        steps: out,
    })
}

// ---------------------------------------------------------------------------
// Running

fn run_fixture(fixture: &Fixture) -> Result<(), String> {
    let tmp = tempfile::tempdir().map_err(|e| format!("{}: no temp dir: {e}", fixture.label))?;
    let org = tmp.path().join("org.db");
    seed_org(&org, tmp.path()).map_err(|e| format!("{}: {e}\n", fixture.label))?;
    let count = fixture.steps.len();
    for step in &fixture.steps {
        let header = format!(
            "{} step {} of {count} ({})",
            fixture.label,
            step.number,
            relative(&step.expect_path)
        );
        if let Err(problems) = run_step(step, &org, tmp.path()) {
            let skipped = if (step.number as usize) < count {
                "later steps skipped\n"
            } else {
                ""
            };
            return Err(format!("{header}:\n{problems}{skipped}"));
        }
    }
    Ok(())
}

fn seed_org(org: &Path, cwd: &Path) -> Result<(), String> {
    let args = [
        OsStr::new("run"),
        OsStr::new("-e"),
        OsStr::new(SEED_CODE),
        OsStr::new("--org"),
    ];
    let args: Vec<&OsStr> = args.into_iter().chain([org.as_os_str()]).collect();
    let out = run_apexlite(&args, cwd)?;
    if out.code == Some(0) && org.is_file() {
        return Ok(());
    }
    Err(format!(
        "seeding the org with `apexlite run -e '{SEED_CODE}' --org {}` failed: exit {}, \
         org file {}\n{}",
        org.display(),
        show_code(&out),
        if org.is_file() {
            "created"
        } else {
            "not created"
        },
        block("stderr", &out.stderr)
    ))
}

/// Runs one step and checks it; the error is the report body.
fn run_step(step: &Step, org: &Path, cwd: &Path) -> Result<(), String> {
    let text = fs::read_to_string(&step.expect_path).map_err(|e| format!("  unreadable: {e}\n"))?;
    let mut expect = Expect::parse(&text).map_err(|e| format!("  bad .expect file: {e}\n"))?;
    let source = source_of(step, &expect)?;
    let before = expect.org_unchanged.then(|| fs::read(org).ok()).flatten();
    let classes = expect.path.as_ref().map(|p| crate_root().join(p));
    let mut args = vec![
        OsStr::new("run"),
        source.as_os_str(),
        OsStr::new("--org"),
        org.as_os_str(),
    ];
    if let Some(classes) = &classes {
        args.extend([OsStr::new("--path"), classes.as_os_str()]);
    }
    let out = run_apexlite(&args, cwd).map_err(|e| format!("  {e}\n"))?;

    let mut problems = String::new();
    check_exit(&expect, &out, &mut problems);
    let stdout_ok = stdout_matches(expect.stdout(), &out.stdout);
    check_stderr(&expect, &out, &mut problems);
    check_org(&expect, before.as_deref(), org, &mut problems);

    if !stdout_ok {
        if bless_requested() && Some(expect.exit) == out.code {
            expect.set_stdout(blessed_lines(expect.stdout(), &out.stdout));
            fs::write(&step.expect_path, expect.render())
                .map_err(|e| format!("  cannot bless {}: {e}\n", step.expect_path.display()))?;
        } else {
            report_stdout(expect.stdout(), &out.stdout, &mut problems);
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    problems.push_str(&block("full stderr", &out.stderr));
    Err(problems)
}

fn source_of(step: &Step, expect: &Expect) -> Result<PathBuf, String> {
    match (&expect.script, &step.apex_path) {
        (Some(_), Some(apex)) => Err(format!(
            "  both `script:` and {} given; keep one\n",
            relative(apex)
        )),
        (Some(script), None) => {
            let path = crate_root().join(script);
            if path.is_file() {
                Ok(path)
            } else {
                Err(format!("  script {script} does not exist\n"))
            }
        }
        (None, Some(apex)) => Ok(apex.clone()),
        (None, None) => Err("  no .apex file and no `script:` line\n".to_string()),
    }
}

// ---------------------------------------------------------------------------
// Checks

fn check_exit(expect: &Expect, out: &RunOutput, problems: &mut String) {
    if out.timed_out {
        problems.push_str("  timed out and was killed\n");
    }
    if out.code != Some(expect.exit) {
        let _ = writeln!(
            problems,
            "  exit: expected {}, got {}",
            expect.exit,
            show_code(out)
        );
    }
}

fn check_stderr(expect: &Expect, out: &RunOutput, problems: &mut String) {
    for wanted in expect.stderr_contains() {
        if !out.stderr.contains(wanted) {
            let _ = writeln!(problems, "  stderr should contain: {wanted}");
        }
    }
    for unwanted in expect.stderr_lacks().chain([PANIC_MARK]) {
        if out.stderr.contains(unwanted) {
            let _ = writeln!(problems, "  stderr should not contain: {unwanted}");
        }
    }
}

fn check_org(expect: &Expect, before: Option<&[u8]>, org: &Path, problems: &mut String) {
    if !expect.org_unchanged {
        return;
    }
    let after = fs::read(org).ok();
    if before.is_none() || before != after.as_deref() {
        let what = match (&before, &after) {
            (None, _) => "was not readable before the step",
            (_, None) => "is gone or unreadable after the step",
            _ => "changed (bytes differ) although `org: unchanged` was expected",
        };
        let _ = writeln!(problems, "  org file {what}");
    }
}

fn stdout_matches(expected: &[String], actual: &str) -> bool {
    let lines: Vec<&str> = actual.lines().collect();
    let terminated = actual.is_empty() || actual.ends_with('\n');
    terminated
        && lines.len() == expected.len()
        && expected
            .iter()
            .zip(&lines)
            .all(|(p, a)| pattern::line_matches(p, a))
}

/// Blessed stdout: the actual lines, except that an expected line with
/// placeholders is kept where it still matches, so Ids stay unspelled.
fn blessed_lines(expected: &[String], actual: &str) -> Vec<String> {
    let keep = |i: usize, line: &str| {
        expected
            .get(i)
            .filter(|p| pattern::line_matches(p, line))
            .cloned()
    };
    actual
        .lines()
        .enumerate()
        .map(|(i, line)| keep(i, line).unwrap_or_else(|| line.to_string()))
        .collect()
}

fn report_stdout(expected: &[String], actual: &str, problems: &mut String) {
    let lines: Vec<&str> = actual.lines().collect();
    let first_diff =
        (0..expected.len().max(lines.len())).find(|&i| match (expected.get(i), lines.get(i)) {
            (Some(p), Some(a)) => !pattern::line_matches(p, a),
            _ => true,
        });
    match first_diff {
        Some(i) => {
            let _ = writeln!(problems, "  stdout differs from line {}", i + 1);
        }
        None => problems.push_str("  stdout's last line lacks its newline\n"),
    }
    problems.push_str(&block("expected stdout", &with_newlines(expected)));
    problems.push_str(&block("actual stdout", actual));
}

// ---------------------------------------------------------------------------
// Report formatting

fn show_code(out: &RunOutput) -> String {
    out.code.map_or_else(
        || "no exit code (killed by a signal)".to_string(),
        |c| c.to_string(),
    )
}

fn with_newlines(lines: &[String]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// Indents text under a title, with `|` so blank and trailing-space lines show.
fn block(title: &str, text: &str) -> String {
    if text.is_empty() {
        return format!("  {title}: (empty)\n");
    }
    let mut out = format!("  {title}:\n");
    for line in text.lines() {
        let _ = writeln!(out, "    | {line}");
    }
    out
}

fn relative(path: &Path) -> String {
    let root = crate_root();
    path.strip_prefix(&root)
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(test)]
mod harness_tests {
    use super::*;

    #[test]
    fn file_names_split_into_fixture_and_step() {
        assert_eq!(
            split_file_name("twice.apex"),
            Some(("twice".into(), 1, "apex"))
        );
        assert_eq!(
            split_file_name("twice.2.expect"),
            Some(("twice".into(), 2, "expect"))
        );
        assert_eq!(
            split_file_name("twice.1.apex"),
            None,
            "step 1 has no number"
        );
        assert_eq!(split_file_name("a.b.apex"), None);
        assert_eq!(split_file_name("notes.md"), None);
    }

    #[test]
    fn stdout_comparison_is_exact_apart_from_ids() {
        let expected = vec!["created {Id:005}".to_string(), "done".to_string()];
        assert!(stdout_matches(
            &expected,
            "created 005000000000001AAA\ndone\n"
        ));
        assert!(!stdout_matches(
            &expected,
            "created 005000000000001AAA\ndone"
        ));
        assert!(!stdout_matches(&expected, "created 005000000000001AAA\n"));
        assert!(stdout_matches(&[], ""));
        assert!(!stdout_matches(&[], "\n"));
    }

    #[test]
    fn blessing_keeps_matching_placeholders() {
        let expected = vec!["created {Id:005}".to_string(), "old".to_string()];
        let got = blessed_lines(&expected, "created 005000000000001AAA\nnew\nmore\n");
        assert_eq!(got, ["created {Id:005}", "new", "more"]);
    }
}
