//! `apexlite test`: runs the test methods of a source tree, each in isolation.
//!
//! Every test class runs on its own in-memory copy of the org, so nothing a
//! test does reaches the org file. Without `@isTest(SeeAllData=true)` the
//! copy keeps only setup data (users, profiles, licenses, roles, the
//! organization), as platform tests see it. `@testSetup` methods run once
//! per class and are committed to the copy; each test method then runs in a
//! transaction of its own that is rolled back after it. Classes run in
//! parallel, one worker thread per core.
//!
//! With coverage on, every statement of the class files counts its runs
//! (see [`coverage`]).
//!
//! Triggers in the tree fire on the tests' DML and count for coverage.
//! Not supported yet: `System.runAs(Version)`.

pub mod coverage;
pub mod discover;
pub mod report;

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::check::ir::Program;
use crate::interp::eval::Interpreter;
use crate::interp::exception::Failure;
use crate::org::{Org, OrgError};
use crate::syntax::source::{Diagnostic, SourceFile};
pub use discover::{TestClass, TestMethod};

/// Which tests to run and on what.
#[derive(Clone, Debug)]
pub struct TestOptions {
    /// The org file whose setup data tests see (`:memory:` for a fresh seeded
    /// org). It is copied into memory and never written, except that a
    /// missing file is created and seeded first.
    pub org: PathBuf,
    /// `Class` or `Class.method` names (any case); empty runs everything.
    pub filters: Vec<String>,
    /// The CPU time limit of each test method.
    pub cpu_limit: Duration,
    /// Worker threads; 0 means one per core.
    pub jobs: usize,
    /// Count the runs of each statement for line coverage.
    pub coverage: bool,
}

/// How one test method ended.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum Outcome {
    /// It returned normally.
    Pass,
    /// An exception escaped it, or its class's `@testSetup` failed.
    Fail {
        /// The exception type, e.g. `System.AssertException`.
        exception: String,
        /// The exception's message.
        message: String,
        /// The Apex stack trace line.
        trace: String,
    },
}

/// The result of one test method.
#[derive(Clone, Debug, Serialize)]
pub struct TestResult {
    /// The class name as declared.
    pub class: String,
    /// The method name as declared.
    pub method: String,
    /// How it ended.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// How long it took, in milliseconds.
    #[serde(rename = "time_ms", serialize_with = "as_millis")]
    pub time: Duration,
    /// What `System.debug` printed.
    pub output: String,
}

impl TestResult {
    /// True when the method passed.
    pub fn passed(&self) -> bool {
        self.outcome == Outcome::Pass
    }
}

/// Every result of a run, in class and declaration order.
#[derive(Clone, Debug, Serialize)]
pub struct TestRun {
    /// One result per test method run.
    pub results: Vec<TestResult>,
    /// The wall time of the whole run, in milliseconds.
    #[serde(rename = "time_ms", serialize_with = "as_millis")]
    pub time: Duration,
    /// Line coverage of the non-test classes, when it was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<coverage::Coverage>,
}

impl TestRun {
    /// How many methods passed.
    pub fn passed(&self) -> usize {
        self.results.iter().filter(|r| r.passed()).count()
    }

    /// How many methods failed.
    pub fn failed(&self) -> usize {
        self.results.len() - self.passed()
    }
}

/// Why tests could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum TestError {
    /// A source file does not compile; `files[0]` is an empty script, the
    /// classes follow.
    #[error("the sources do not compile")]
    Compile(Vec<Diagnostic>),
    /// A `--filter` names no test.
    #[error("no test matches {0}")]
    NoMatch(String),
    /// The org could not be opened or copied.
    #[error(transparent)]
    Org(#[from] OrgError),
}

/// The files a test run compiles: an empty anonymous script, then the classes.
pub fn test_files(classes: Vec<SourceFile>) -> Vec<SourceFile> {
    let mut files = vec![SourceFile::new("<tests>", "")];
    files.extend(classes);
    files
}

/// What a caller of [`run_tests`] hears while the run goes on, from any
/// worker thread. Both do nothing by default.
pub trait TestEvents: Sync {
    /// After each test method: how many are done, of how many.
    fn method_done(&self, _done: usize, _total: usize) {}

    /// The results of one class, as soon as it and every class before it
    /// are done: classes arrive in the order of the final report.
    fn class_done(&self, _results: &[TestResult]) {}
}

/// Events nobody listens to.
pub struct Quiet;

impl TestEvents for Quiet {}

/// Collects each class's results and hands them on in class order: a class
/// that finishes early waits here until those before it are done.
struct InOrder<'a> {
    events: &'a dyn TestEvents,
    /// The index of the next class to hand on, and every class's results
    /// by index once done.
    state: Mutex<(usize, Vec<Option<Vec<TestResult>>>)>,
}

impl InOrder<'_> {
    /// Records the results of class `index`, then hands on every class from
    /// the next one due up to the first not yet done.
    fn finished(&self, index: usize, results: Vec<TestResult>) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let (next, waiting) = &mut *state;
        if waiting.len() <= index {
            waiting.resize(index + 1, None);
        }
        waiting[index] = Some(results);
        while let Some(Some(results)) = waiting.get(*next) {
            self.events.class_done(results);
            *next += 1;
        }
    }
}

/// Compiles `files` (see [`test_files`]), finds the test classes and runs
/// them, telling `events` how the run goes.
pub fn run_tests(
    files: &[SourceFile],
    options: &TestOptions,
    events: &dyn TestEvents,
) -> Result<TestRun, TestError> {
    let started = Instant::now();
    let (types, mut diags) = crate::parse_classes(&files[1..]);
    let (classes, misplaced) = discover::discover(&types);
    diags.extend(misplaced);
    if !diags.is_empty() {
        return Err(TestError::Compile(diags));
    }
    let program = crate::compile_project_with(&files[0], &files[1..], options.coverage)
        .map_err(TestError::Compile)?;
    let test_files: Vec<usize> = classes.iter().map(|c| c.file).collect();
    let classes = select(classes, &options.filters)?;
    let total = classes.iter().map(|c| c.methods.len()).sum();
    // A missing org file is created and seeded once here, not by each worker.
    if options.org.as_os_str() != ":memory:" && !options.org.exists() {
        drop(Org::open(&options.org)?);
    }

    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let in_order = InOrder {
        events,
        state: Mutex::new((0, Vec::new())),
    };
    let hits: Mutex<Vec<u32>> = Mutex::new(vec![0; program.points.len()]);
    let failure: Mutex<Option<TestError>> = Mutex::new(None);
    let workers = worker_count(options.jobs, classes.len());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                let worker = Worker {
                    files,
                    options,
                    events: &in_order,
                    done: &done,
                    total,
                    hits: Default::default(),
                };
                match worker.run(&classes, &next) {
                    Ok(counted) => add_hits(&hits, &counted),
                    Err(e) => *failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(e),
                }
            });
        }
    });
    if let Some(e) = failure.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e);
    }
    let (_, by_class) = in_order
        .state
        .into_inner()
        .unwrap_or_else(|p| p.into_inner());
    let hits = hits.into_inner().unwrap_or_else(|p| p.into_inner());
    let coverage = options
        .coverage
        .then(|| coverage::summarize(files, &program.points, &hits, &test_files));
    Ok(TestRun {
        results: by_class.into_iter().flatten().flatten().collect(),
        time: started.elapsed(),
        coverage,
    })
}

/// Adds one worker's statement runs to the total.
fn add_hits(total: &Mutex<Vec<u32>>, counted: &[u32]) {
    let mut total = total.lock().unwrap_or_else(|p| p.into_inner());
    for (t, c) in total.iter_mut().zip(counted) {
        *t = t.saturating_add(*c);
    }
}

/// The classes and methods the filters name, or all of them.
fn select(classes: Vec<TestClass>, filters: &[String]) -> Result<Vec<TestClass>, TestError> {
    if filters.is_empty() {
        return Ok(classes);
    }
    for filter in filters {
        let matched = classes
            .iter()
            .any(|c| c.methods.iter().any(|m| matches(filter, c, m)));
        if !matched {
            return Err(TestError::NoMatch(filter.clone()));
        }
    }
    Ok(classes
        .into_iter()
        .filter_map(|mut c| {
            let keep: Vec<TestMethod> = c
                .methods
                .iter()
                .filter(|m| filters.iter().any(|f| matches(f, &c, m)))
                .cloned()
                .collect();
            c.methods = keep;
            (!c.methods.is_empty()).then_some(c)
        })
        .collect())
}

/// `Class` or `Class.method`, without case.
fn matches(filter: &str, class: &TestClass, method: &TestMethod) -> bool {
    match filter.split_once('.') {
        Some((c, m)) => c.eq_ignore_ascii_case(&class.name) && m.eq_ignore_ascii_case(&method.name),
        None => filter.eq_ignore_ascii_case(&class.name),
    }
}

fn worker_count(jobs: usize, classes: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let wanted = if jobs == 0 { cores } else { jobs };
    wanted.clamp(1, classes.max(1))
}

/// One worker thread: compiles the sources itself (compiled programs are
/// not shared across threads) and takes classes until none are left.
struct Worker<'a> {
    files: &'a [SourceFile],
    options: &'a TestOptions,
    events: &'a InOrder<'a>,
    done: &'a AtomicUsize,
    total: usize,
    /// Runs of each coverage point in this worker's classes.
    hits: std::cell::RefCell<Vec<u32>>,
}

impl Worker<'_> {
    /// Returns the runs of each coverage point over the classes it ran.
    fn run(&self, classes: &[TestClass], next: &AtomicUsize) -> Result<Vec<u32>, TestError> {
        let program =
            crate::compile_project_with(&self.files[0], &self.files[1..], self.options.coverage)
                .map_err(TestError::Compile)?;
        self.hits.replace(vec![0; program.points.len()]);
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(class) = classes.get(i) else {
                return Ok(self.hits.take());
            };
            let outcome = self.run_class(&program, class)?;
            self.events.finished(i, outcome);
        }
    }

    /// Runs `@testSetup` once, then each test method rolled back.
    fn run_class(&self, program: &Program, class: &TestClass) -> Result<Vec<TestResult>, OrgError> {
        let mut org = self.class_org(class.see_all_data)?;
        let setup_failure = self.run_setup(program, class, &mut org)?;
        let mut results = Vec::with_capacity(class.methods.len());
        for method in &class.methods {
            let result = match &setup_failure {
                Some(failed) => TestResult {
                    class: class.name.clone(),
                    method: method.name.clone(),
                    outcome: failed.clone(),
                    time: Duration::ZERO,
                    output: String::new(),
                },
                None if method.see_all_data && !class.see_all_data => {
                    // Method-level SeeAllData: this method alone sees the
                    // org's data, on a copy of its own.
                    let mut own = self.class_org(true)?;
                    self.run_test(program, class, &method.name, &mut own)?
                }
                None => self.run_test(program, class, &method.name, &mut org)?,
            };
            results.push(result);
            let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
            self.events.events.method_done(done, self.total);
        }
        Ok(results)
    }

    /// A copy of the org for one class: with all its data, or setup data only.
    fn class_org(&self, see_all_data: bool) -> Result<Org, OrgError> {
        let mut org = Org::open_copy(&self.options.org)?;
        if !see_all_data {
            org.clear_non_setup_records()?;
        }
        org.enter_test_mode();
        Ok(org)
    }

    /// Runs the class's `@testSetup` methods in one committed transaction;
    /// returns the failure every test method then reports, if one threw.
    fn run_setup(
        &self,
        program: &Program,
        class: &TestClass,
        org: &mut Org,
    ) -> Result<Option<Outcome>, OrgError> {
        if class.setup.is_empty() {
            return Ok(None);
        }
        org.begin()?;
        for name in &class.setup {
            let (outcome, _) = self.call(program, &class.name, name, org);
            match outcome {
                Ok(()) => {}
                Err(Failure::Exception(e)) => {
                    org.rollback()?;
                    return Ok(Some(failure(&e, self.files)));
                }
                Err(Failure::Org(e)) => {
                    let _ = org.rollback();
                    return Err(*e);
                }
            }
        }
        org.commit()?;
        Ok(None)
    }

    /// Runs one test method in a transaction that is rolled back after it.
    fn run_test(
        &self,
        program: &Program,
        class: &TestClass,
        method: &str,
        org: &mut Org,
    ) -> Result<TestResult, OrgError> {
        let started = Instant::now();
        org.begin()?;
        let (outcome, output) = self.call(program, &class.name, method, org);
        let time = started.elapsed();
        org.rollback()?;
        let outcome = match outcome {
            Ok(()) => Outcome::Pass,
            Err(Failure::Exception(e)) => failure(&e, self.files),
            Err(Failure::Org(e)) => return Err(*e),
        };
        Ok(TestResult {
            class: class.name.clone(),
            method: method.to_owned(),
            outcome,
            time,
            output,
        })
    }

    /// Calls `Class.method()` with fresh static variables, capturing
    /// `System.debug` output.
    fn call(
        &self,
        program: &Program,
        class: &str,
        method: &str,
        org: &mut Org,
    ) -> (Result<(), Failure>, String) {
        let Some(function) = find_function(program, class, method) else {
            // Discovery and the checker read the same declarations, so a
            // test method always has a compiled function.
            let e = OrgError::Transaction("a test method was not compiled");
            return (Err(Failure::Org(Box::new(e))), String::new());
        };
        let mut out = Vec::new();
        let mut interpreter = Interpreter::new(program, self.files, org, &mut out)
            .with_cpu_limit(self.options.cpu_limit);
        if self.options.coverage {
            interpreter = interpreter.with_coverage();
        }
        let result = interpreter.run_method(function);
        let mut hits = self.hits.borrow_mut();
        for (total, runs) in hits.iter_mut().zip(interpreter.coverage()) {
            *total = total.saturating_add(*runs);
        }
        drop(interpreter);
        (result, String::from_utf8_lossy(&out).into_owned())
    }
}

fn failure(e: &crate::ApexException, files: &[SourceFile]) -> Outcome {
    Outcome::Fail {
        exception: e.type_name.to_string(),
        message: e.message.clone(),
        trace: e.trace(files),
    }
}

/// The compiled static method `Class.method` without parameters.
fn find_function(program: &Program, class: &str, method: &str) -> Option<usize> {
    let name = format!("Class.{class}.{method}");
    program
        .functions
        .iter()
        .position(|f| f.params == 0 && f.name == name)
}

fn as_millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 1_000_000.0).round() / 1000.0)
}
