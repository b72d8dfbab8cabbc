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
//!
//! [`run`] is the front door: one anonymous script, one transaction.

pub mod check;
pub mod data;
pub mod interp;
pub mod org;
pub mod stdlib;
pub mod syntax;

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
    let script = syntax::parse_script(file)?;
    check::check_script(&script)
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
        Ok(program) => execute(&program, file, org, out, options),
        Err(diags) => Ok(Outcome::CompileFailed(diags)),
    }
}

/// Runs a compiled script as one transaction: committed when it completes,
/// rolled back when an exception escapes.
pub fn execute(
    program: &check::ir::Program,
    file: &SourceFile,
    org: &mut Org,
    out: &mut dyn Write,
    options: &RunOptions,
) -> Result<Outcome, OrgError> {
    org.begin()?;
    let result = Interpreter::new(program, file, org, out)
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
