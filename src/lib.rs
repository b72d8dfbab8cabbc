//! apexlite: a local runtime for Salesforce Apex with an embedded SQLite org.
//!
//! The modules follow the pipeline, left to right:
//!
//! - [`syntax`]: source text → tokens → AST, and the diagnostics that point into it.
//! - [`check`]: AST → resolved program; every compile error comes from here.
//! - [`interp`]: runs the resolved program; runtime failures are Apex exceptions.
//! - [`stdlib`]: the built-in Apex classes the interpreter calls.
//! - [`data`]: records in, records out: schema, validation, DML, SOQL, SQLite.
//! - [`org`]: what makes a store a Salesforce org: seed data and user rules.
//! - [`project`]: finding the class files a script may use.
//! - [`repl`]: the interactive prompt on top of all of them.
//! - [`testing`]: `apexlite test`: test classes run in isolation, and reports.
//!
//! [`run`] is the front door: one anonymous script, one transaction.

/// Writes a line to standard error for the command line's own messages. A
/// closed standard error (a reader that went away) is ignored: printing an
/// error must never turn into a crash.
#[macro_export]
#[doc(hidden)]
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// [`note!`] without the line end.
#[macro_export]
#[doc(hidden)]
macro_rules! note_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

/// Writes a line to standard output; a closed standard output is ignored.
#[macro_export]
#[doc(hidden)]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// [`say!`] without the line end.
#[macro_export]
#[doc(hidden)]
macro_rules! say_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}

pub mod check;
pub mod data;
pub mod interp;
pub mod org;
pub mod project;
pub mod repl;
pub mod stdlib;
pub mod syntax;
pub mod testing;

use std::io::Write;
use std::time::Duration;

pub use interp::exception::ApexException;
pub use org::{Org, OrgError};
pub use syntax::source::{Diagnostic, SourceFile};

use interp::eval::Interpreter;
use interp::exception::Failure;

/// How a run of an anonymous script ended.
#[derive(Debug)]
pub enum Outcome {
    /// Every statement ran and the transaction was committed.
    Completed,
    /// An exception escaped the script; the transaction was rolled back.
    Uncaught(ApexException),
    /// The script did not compile; nothing ran and the org was not touched.
    CompileFailed(Vec<Diagnostic>),
}

/// Parses and checks a script without running it.
pub fn compile(file: &SourceFile) -> Result<check::ir::Program, Vec<Diagnostic>> {
    compile_project(file, &[])
}

/// Parses and checks a script together with class (`.cls`) and trigger
/// (`.trigger`) files it may use. Each diagnostic's `file` is 0 for the script and `i + 1` for
/// `classes[i]`; every file is parsed, so all syntax errors are reported.
pub fn compile_project(
    script: &SourceFile,
    classes: &[SourceFile],
) -> Result<check::ir::Program, Vec<Diagnostic>> {
    compile_project_with(script, classes, false)
}

/// [`compile_project`]; with `coverage`, the statements of the class files
/// count their runs (see [`check::check_program_with`]).
pub fn compile_project_with(
    script: &SourceFile,
    classes: &[SourceFile],
    coverage: bool,
) -> Result<check::ir::Program, Vec<Diagnostic>> {
    let (types, triggers, mut diags) = parse_units(classes);
    let script = match syntax::parse_script(script) {
        Ok(s) => s,
        Err(errors) => {
            diags.extend(errors);
            return Err(diags);
        }
    };
    if !diags.is_empty() {
        return Err(diags);
    }
    check::check_project(&script, &types, &triggers, coverage)
}

/// Parses class and trigger files: the types declared, each with its file
/// number (`i + 1` for `classes[i]`, as in [`compile_project`]), and every
/// syntax error.
pub fn parse_classes(
    classes: &[SourceFile],
) -> (Vec<(usize, syntax::ast::TypeDecl)>, Vec<Diagnostic>) {
    let (types, _, diags) = parse_units(classes);
    (types, diags)
}

/// Types and triggers declared in class and trigger files.
type Units = (
    Vec<(usize, syntax::ast::TypeDecl)>,
    Vec<(usize, syntax::ast::TriggerDecl)>,
    Vec<Diagnostic>,
);

/// [`parse_classes`], with the triggers declared, each with its file number.
pub fn parse_units(classes: &[SourceFile]) -> Units {
    let mut diags = Vec::new();
    let mut types = Vec::new();
    let mut triggers = Vec::new();
    for (i, file) in classes.iter().enumerate() {
        match syntax::parse_unit(file) {
            Ok(syntax::ast::Unit::Type(t)) => types.push((i + 1, t)),
            Ok(syntax::ast::Unit::Trigger(t)) => triggers.push((i + 1, t)),
            Err(errors) => diags.extend(errors.into_iter().map(|mut d| {
                d.file = i + 1;
                d
            })),
        }
    }
    (types, triggers, diags)
}

/// How a script is run.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// The CPU time limit (the platform's 10 seconds by default).
    pub cpu_limit: Duration,
}

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions {
            cpu_limit: interp::eval::DEFAULT_CPU_LIMIT,
        }
    }
}

/// Runs an anonymous script as one transaction on `org`, writing
/// `System.debug` output to `out`. An `Err` is a failure of the org itself
/// (I/O, a corrupt file), after which the transaction has been rolled back.
pub fn run(file: &SourceFile, org: &mut Org, out: &mut dyn Write) -> Result<Outcome, OrgError> {
    run_with(file, org, out, &RunOptions::default())
}

/// [`run`] with options.
pub fn run_with(
    file: &SourceFile,
    org: &mut Org,
    out: &mut dyn Write,
    options: &RunOptions,
) -> Result<Outcome, OrgError> {
    match compile(file) {
        Ok(program) => execute(&program, std::slice::from_ref(file), org, out, options),
        Err(diags) => Ok(Outcome::CompileFailed(diags)),
    }
}

/// Runs a compiled script as one transaction: committed when it completes,
/// rolled back when an exception escapes. `files` are the script (first)
/// and the class files it was compiled with, for stack traces.
pub fn execute(
    program: &check::ir::Program,
    files: &[SourceFile],
    org: &mut Org,
    out: &mut dyn Write,
    options: &RunOptions,
) -> Result<Outcome, OrgError> {
    org.begin()?;
    let result = Interpreter::new(program, files, org, out)
        .with_cpu_limit(options.cpu_limit)
        .run();
    match result {
        Ok(()) => {
            org.commit()?;
            Ok(Outcome::Completed)
        }
        Err(Failure::Exception(e)) => {
            org.rollback()?;
            Ok(Outcome::Uncaught(*e))
        }
        Err(Failure::Org(e)) => {
            // The org error is what the caller needs to see; a second
            // failure while rolling back adds nothing to it.
            let _ = org.rollback();
            Err(*e)
        }
    }
}
