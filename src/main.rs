//! The `apexlite` command: parses arguments, calls the library, maps results to exit codes.
//!
//! `apexlite run script.apex` runs an anonymous Apex script against the org in
//! `.apexlite/org.db`; `apexlite --help` lists the rest.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use apexlite::org::edition::Edition;
use apexlite::org::report::{self, Format};
use apexlite::org::setup::{self, InitOptions, SeatRequest};
use apexlite::{Org, Outcome, RunOptions, SourceFile, project};
use apexlite::{note, note_raw, say_raw};

/// Exit status when every statement ran and the transaction committed.
const EXIT_OK: u8 = 0;
/// Exit status when an Apex exception escaped the script (nothing was saved).
const EXIT_EXCEPTION: u8 = 1;
/// Exit status for bad arguments (clap uses it for its own usage errors).
const EXIT_USAGE: u8 = 2;
/// Exit status when the script does not compile (nothing ran).
const EXIT_COMPILE: u8 = 3;
/// Exit status when the org or a file could not be read or written.
const EXIT_ORG: u8 = 4;

/// A local runtime for Salesforce Apex with an embedded SQLite org.
#[derive(Parser)]
#[command(name = "apexlite", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run an anonymous Apex script as one transaction.
    Run(RunArgs),
    /// Check every .cls, .trigger and .apex file under the paths.
    Check(CheckArgs),
    /// Run a SOQL query and print the records.
    Query(QueryArgs),
    /// An interactive Apex prompt; reads entries from standard input when it
    /// is not a terminal.
    Repl(ReplArgs),
    /// Run the @isTest classes of a source tree, each test method isolated.
    Test(TestArgs),
    /// Create an org file and inspect its licenses and users.
    #[command(subcommand)]
    Org(OrgCommand),
}

#[derive(Args)]
struct CheckArgs {
    /// Files or folders to check (the current folder by default).
    paths: Vec<PathBuf>,
    /// Stop after parsing: report syntax errors only.
    #[arg(long)]
    syntax_only: bool,
    /// `full` prints each report with the source; `short` one line per problem.
    #[arg(long, value_enum, default_value = "full")]
    format: CheckFormat,
}

#[derive(Args)]
struct TestArgs {
    /// Files or folders of `.cls` files; by default the package folders of
    /// the SFDX project around the current directory, else the current folder.
    paths: Vec<PathBuf>,
    /// Run only this class, or one method as `Class.method` (repeatable).
    #[arg(long = "filter", value_name = "CLASS[.METHOD]")]
    filters: Vec<String>,
    /// Also write the results as JUnit XML to this file.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Print the results as JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Report line coverage of the non-test classes.
    #[arg(long)]
    coverage: bool,
    /// Also write the line coverage as lcov to this file (implies --coverage).
    #[arg(long, value_name = "FILE")]
    coverage_lcov: Option<PathBuf>,
    /// Fail the run when total line coverage is below this percentage
    /// (implies --coverage).
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent)]
    min_coverage: Option<f64>,
    /// Worker threads running test classes in parallel (default: one per core).
    #[arg(long, value_name = "N", default_value_t = 0)]
    jobs: usize,
    #[command(flatten)]
    cpu: CpuLimitArg,
    #[command(flatten)]
    org: OrgArg,
}

#[derive(Args)]
struct QueryArgs {
    /// The query, e.g. "SELECT Username, Profile.Name FROM User".
    soql: String,
    /// How the records are printed.
    #[arg(long, value_enum, default_value = "table")]
    format: apexlite::org::query::QueryFormat,
    #[command(flatten)]
    org: OrgArg,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum CheckFormat {
    Full,
    Short,
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Create and seed a new org file.
    Init(InitArgs),
    /// Set the seats (TotalLicenses) of licenses in an existing org.
    Seats(SeatsArgs),
    /// List the licenses with their total, used and remaining seats.
    Licenses(ReportArgs),
    /// List the users with their profile, license and contact.
    Users(ReportArgs),
    /// Make an internal user a delegated administrator.
    Delegate(DelegateArgs),
}

#[derive(Args)]
struct DelegateArgs {
    #[command(flatten)]
    org: OrgArg,
    /// The user's username (any case).
    username: String,
}

#[derive(Args)]
struct InitArgs {
    #[command(flatten)]
    org: OrgArg,
    /// The edition: Enterprise (default), Professional, Performance, Unlimited,
    /// Developer, Essentials, Group or Contact Manager.
    #[arg(long, value_name = "NAME", default_value = "Enterprise")]
    edition: Edition,
    /// Seats of a license, e.g. 'External Identity=20000' (repeatable).
    #[arg(long = "seats", value_name = "LICENSE=N")]
    seats: Vec<SeatRequest>,
    /// Replace an existing org file.
    #[arg(long)]
    force: bool,
}

#[derive(Args)]
struct SeatsArgs {
    #[command(flatten)]
    org: OrgArg,
    /// Seats of a license, e.g. 'External Identity=20000'.
    #[arg(required = true, value_name = "LICENSE=N")]
    seats: Vec<SeatRequest>,
}

#[derive(Args)]
struct ReportArgs {
    #[command(flatten)]
    org: OrgArg,
    /// How to print the report.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Args)]
struct RunArgs {
    /// The script to run; `-` reads it from standard input.
    #[arg(required_unless_present = "code", conflicts_with = "code")]
    file: Option<PathBuf>,
    /// Run this Apex code instead of a file.
    #[arg(short = 'e', long = "eval", value_name = "CODE")]
    code: Option<String>,
    #[command(flatten)]
    session: SessionArgs,
    #[command(flatten)]
    org: OrgArg,
}

/// What `run` and `repl` share: the classes code may use, who runs it, and
/// its CPU time limit.
#[derive(Args)]
struct SessionArgs {
    /// A folder of `.cls` files the code may use (repeatable); by default
    /// the package folders of the SFDX project around the current directory.
    #[arg(long = "path", value_name = "DIR")]
    paths: Vec<PathBuf>,
    /// Run as this user (username, any case) instead of the admin.
    #[arg(long = "as", value_name = "USERNAME")]
    run_as: Option<String>,
    #[command(flatten)]
    cpu: CpuLimitArg,
}

/// `--cpu-limit-ms` of `run`, `repl` and `test`.
#[derive(Args)]
struct CpuLimitArg {
    /// The CPU time limit of a script, a REPL entry or a test method, in
    /// milliseconds, after which it ends with `System.LimitException: Apex
    /// CPU time limit exceeded`.
    #[arg(
        long = "cpu-limit-ms",
        value_name = "MS",
        default_value_t = 10_000,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    cpu_limit_ms: u64,
}

impl CpuLimitArg {
    fn limit(&self) -> Duration {
        Duration::from_millis(self.cpu_limit_ms)
    }
}

#[derive(Args)]
struct ReplArgs {
    #[command(flatten)]
    session: SessionArgs,
    /// The history file (default: apexlite/history in the user's data directory).
    #[arg(long, env = "APEXLITE_HISTORY", value_name = "FILE")]
    history: Option<PathBuf>,
    #[command(flatten)]
    org: OrgArg,
}

#[derive(Args)]
struct OrgArg {
    /// The org file, created and seeded on first use; `:memory:` is a throwaway org.
    #[arg(long = "org", env = "APEXLITE_ORG", default_value = ".apexlite/org.db")]
    path: PathBuf,
}

impl OrgArg {
    /// Opens the org and logs in as `run_as` when given; on failure prints
    /// why and returns the exit status.
    fn open_as(&self, run_as: Option<&str>) -> Result<Org, u8> {
        let mut org = self.open().map_err(|e| {
            note!("error: cannot open org {}: {e}", self.path.display());
            EXIT_ORG
        })?;
        if let Some(username) = run_as
            && let Err(e) = apexlite::org::login::log_in_as(&mut org, username)
        {
            note!("error: {e}");
            return Err(EXIT_ORG);
        }
        Ok(org)
    }

    fn open(&self) -> Result<Org, apexlite::OrgError> {
        if self.path == Path::new(":memory:") {
            Org::open_in_memory()
        } else {
            Org::open(&self.path)
        }
    }
}

/// The parser, checker and interpreter recurse over the program; a thread
/// with a large stack lets deeply nested (but legal) code through. The memory
/// is reserved, not committed, until used.
const STACK_SIZE: usize = 512 << 20;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let worker = std::thread::Builder::new()
        .stack_size(STACK_SIZE)
        .spawn(move || match cli.command {
            Command::Run(args) => run(&args),
            Command::Check(args) => check(&args),
            Command::Query(args) => query(&args),
            Command::Repl(args) => repl(&args),
            Command::Test(args) => test(&args),
            Command::Org(command) => org_command(&command),
        });
    match worker.map(|w| w.join()) {
        Ok(Ok(status)) => ExitCode::from(status),
        _ => {
            note!("error: apexlite stopped unexpectedly");
            ExitCode::from(EXIT_ORG)
        }
    }
}

fn run(args: &RunArgs) -> u8 {
    let file = match read_source(args) {
        Ok(f) => f,
        Err(ReadError::Io(msg)) => {
            note!("error: {msg}");
            return EXIT_ORG;
        }
        Err(ReadError::NotText(file, bad)) => {
            report_diagnostics(&[file], &[bad]);
            return EXIT_COMPILE;
        }
    };
    let mut files = vec![file];
    match project::class_files(&class_dirs(&args.session.paths)) {
        Ok(classes) => files.extend(classes),
        Err(msg) => {
            note!("error: {msg}");
            return EXIT_ORG;
        }
    }
    let program = match apexlite::compile_project(&files[0], &files[1..]) {
        Ok(program) => program,
        Err(diags) => {
            report_diagnostics(&files, &diags);
            return EXIT_COMPILE;
        }
    };
    let mut org = match args.org.open_as(args.session.run_as.as_deref()) {
        Ok(org) => org,
        Err(status) => return status,
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let options = RunOptions {
        cpu_limit: args.session.cpu.limit(),
    };
    let outcome = apexlite::execute(&program, &files, &mut org, &mut out, &options);
    let _ = out.flush();
    match outcome {
        Ok(Outcome::Completed) => EXIT_OK,
        Ok(Outcome::Uncaught(e)) => {
            note!("{e}");
            note!("{}", e.trace(&files));
            EXIT_EXCEPTION
        }
        Ok(Outcome::CompileFailed(diags)) => {
            report_diagnostics(&files, &diags);
            EXIT_COMPILE
        }
        Err(e) => {
            note!("error: {e}");
            EXIT_ORG
        }
    }
}

/// `apexlite repl`: the prompt on the org, with the class files and user
/// given. Exit status 1 when an entry read from a pipe failed.
fn repl(args: &ReplArgs) -> u8 {
    let classes = match project::class_files(&class_dirs(&args.session.paths)) {
        Ok(classes) => classes,
        Err(msg) => {
            note!("error: {msg}");
            return EXIT_ORG;
        }
    };
    let org = match args.org.open_as(args.session.run_as.as_deref()) {
        Ok(org) => org,
        Err(status) => return status,
    };
    let cpu_limit = args.session.cpu.limit();
    let mut session = apexlite::repl::session::Session::new(org, cpu_limit);
    if let Err((files, diags)) = session.add_class_files(classes) {
        report_diagnostics(&files, &diags);
        return EXIT_COMPILE;
    }
    let summary = apexlite::repl::run(&mut session, args.history.as_deref());
    u8::from(summary.failed > 0 && !std::io::stdin().is_terminal())
}

/// The folders given with `--path`, else the SFDX project's package folders.
fn class_dirs(paths: &[PathBuf]) -> Vec<PathBuf> {
    if !paths.is_empty() {
        return paths.to_vec();
    }
    std::env::current_dir()
        .map(|d| project::sfdx_package_dirs(&d))
        .unwrap_or_default()
}

/// `apexlite check`: every diagnostic of every file, then a count. Exit
/// status 1 when any file has errors.
fn check(args: &CheckArgs) -> u8 {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (files, diags) = match project::check_paths(&paths, args.syntax_only) {
        Ok(found) => found,
        Err(msg) => {
            note!("error: {msg}");
            return EXIT_ORG;
        }
    };
    let color = std::io::stdout().is_terminal();
    let mut out = std::io::stdout().lock();
    for (file, found) in files.iter().zip(&diags) {
        let text = match args.format {
            CheckFormat::Full if !found.is_empty() => {
                apexlite::syntax::render_diagnostics(file, found, color)
            }
            CheckFormat::Full => String::new(),
            CheckFormat::Short => short_report(file, found),
        };
        let _ = out.write_all(text.as_bytes());
    }
    let failed = diags.iter().filter(|d| !d.is_empty()).count();
    let noun = if files.len() == 1 { "file" } else { "files" };
    let _ = writeln!(out, "checked {} {noun}, {failed} with errors", files.len());
    u8::from(failed > 0)
}

/// `apexlite test`: runs the tests, prints the report; exit status 1 when
/// any test failed.
fn test(args: &TestArgs) -> u8 {
    use apexlite::testing::{self, TestError, TestOptions, report};
    let paths = if args.paths.is_empty() {
        let dirs = std::env::current_dir()
            .map(|d| project::sfdx_package_dirs(&d))
            .unwrap_or_default();
        if dirs.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            dirs
        }
    } else {
        args.paths.clone()
    };
    let classes = match project::source_files(&paths, &["cls", "trigger"]) {
        Ok(classes) => classes,
        Err(msg) => {
            note!("error: {msg}");
            return EXIT_ORG;
        }
    };
    let files = testing::test_files(classes);
    let options = TestOptions {
        org: args.org.path.clone(),
        filters: args.filters.clone(),
        cpu_limit: args.cpu.limit(),
        jobs: args.jobs,
        coverage: args.coverage || args.coverage_lcov.is_some() || args.min_coverage.is_some(),
    };
    let events = TestProgress {
        bar: std::sync::OnceLock::new(),
        stream: !args.json,
    };
    let outcome = testing::run_tests(&files, &options, &events);
    if let Some(bar) = events.bar.get() {
        bar.finish_and_clear();
    }
    let run = match outcome {
        Ok(run) => run,
        Err(TestError::Compile(diags)) => {
            report_diagnostics(&files, &diags);
            // A report left from an earlier run must not pass for this one.
            if let Some(path) = &args.junit {
                let _ = std::fs::remove_file(path);
            }
            return EXIT_COMPILE;
        }
        Err(e @ TestError::NoMatch(_)) => {
            note!("error: {e}");
            return EXIT_USAGE;
        }
        Err(TestError::Org(e)) => {
            note!("error: cannot open org {}: {e}", args.org.path.display());
            return EXIT_ORG;
        }
    };
    if let Some(path) = &args.junit
        && let Err(e) = std::fs::write(path, report::junit(&run))
    {
        note!("error: cannot write {}: {e}", path.display());
        return EXIT_ORG;
    }
    if let (Some(path), Some(coverage)) = (&args.coverage_lcov, &run.coverage)
        && let Err(e) = std::fs::write(path, report::lcov(coverage))
    {
        note!("error: cannot write {}: {e}", path.display());
        return EXIT_ORG;
    }
    if args.json {
        say_raw!("{}", report::json(&run));
    } else {
        say_raw!("{}", report::summary_text(&run));
    }
    let mut status = u8::from(run.failed() > 0);
    if let (Some(min), Some(coverage)) = (args.min_coverage, &run.coverage)
        && coverage.percent() < min
    {
        note!(
            "error: line coverage {:.1}% is below the minimum of {min}%",
            coverage.percent()
        );
        status = 1;
    }
    status
}

/// What `apexlite test` shows while tests run: each class's results as soon
/// as they are final (text reports only), and a progress bar on standard
/// error for long runs when standard output is a terminal.
struct TestProgress {
    bar: std::sync::OnceLock<indicatif::ProgressBar>,
    stream: bool,
}

impl apexlite::testing::TestEvents for TestProgress {
    fn method_done(&self, done: usize, total: usize) {
        if total >= PROGRESS_FROM && std::io::stdout().is_terminal() {
            self.bar
                .get_or_init(|| indicatif::ProgressBar::new(total as u64))
                .set_position(done as u64);
        }
    }

    fn class_done(&self, results: &[apexlite::testing::TestResult]) {
        if !self.stream {
            return;
        }
        let text: String = results
            .iter()
            .map(apexlite::testing::report::result_text)
            .collect();
        match self.bar.get() {
            Some(bar) => bar.suspend(|| say_raw!("{text}")),
            None => say_raw!("{text}"),
        }
    }
}

/// A percentage from 0 to 100 for `--min-coverage`.
fn parse_percent(text: &str) -> Result<f64, String> {
    match text.trim_end_matches('%').parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        _ => Err(format!("'{text}' is not a percentage from 0 to 100")),
    }
}

/// Runs with at least this many test methods show a progress bar on a terminal.
const PROGRESS_FROM: usize = 50;

/// `apexlite query`: the records as a table, CSV or JSON on standard output.
fn query(args: &QueryArgs) -> u8 {
    use apexlite::org::query::{self, QueryFailure};
    let mut org = match args.org.open() {
        Ok(org) => org,
        Err(e) => {
            note!("error: cannot open org {}: {e}", args.org.path.display());
            return EXIT_ORG;
        }
    };
    match query::run(&mut org, &args.soql) {
        Ok(rows) => {
            say_raw!("{}", query::render(&rows, args.format));
            EXIT_OK
        }
        Err(QueryFailure::Syntax(diags)) => {
            report_diagnostics(&[SourceFile::new("<query>", args.soql.clone())], &diags);
            EXIT_COMPILE
        }
        Err(QueryFailure::Invalid(msg)) => {
            note!("System.QueryException: {msg}");
            EXIT_EXCEPTION
        }
        Err(QueryFailure::Org(apexlite::OrgError::Apex(e))) => {
            // A governor limit: an Apex exception, as in a script.
            note!("{}: {}", e.type_name, e.message);
            EXIT_EXCEPTION
        }
        Err(QueryFailure::Org(e)) => {
            note!("error: {e}");
            EXIT_ORG
        }
    }
}

/// `path:line:col: message`, one line per problem.
fn short_report(file: &SourceFile, diags: &[apexlite::Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| {
            let (line, col) = file.line_col(d.span.start);
            format!("{}:{line}:{col}: {}\n", file.name, d.message)
        })
        .collect()
}

fn org_command(command: &OrgCommand) -> u8 {
    let result = match command {
        OrgCommand::Init(args) => org_init(args),
        OrgCommand::Seats(args) => org_seats(args),
        OrgCommand::Licenses(args) => open_report(&args.org).and_then(|org| {
            Ok(report::render_licenses(
                &report::licenses(&org)?,
                args.format,
            ))
        }),
        OrgCommand::Users(args) => open_report(&args.org)
            .and_then(|org| Ok(report::render_users(&report::users(&org)?, args.format))),
        OrgCommand::Delegate(args) => org_delegate(args),
    };
    match result {
        Ok(text) => {
            say_raw!("{text}");
            EXIT_OK
        }
        Err(msg) => {
            note!("error: {msg}");
            EXIT_ORG
        }
    }
}

fn open_report(org: &OrgArg) -> Result<Org, setup::SetupError> {
    Ok(org.open()?)
}

fn org_init(args: &InitArgs) -> Result<String, setup::SetupError> {
    let options = InitOptions {
        edition: args.edition,
        seats: args.seats.clone(),
        force: args.force,
    };
    setup::init(&args.org.path, &options)?;
    Ok(format!(
        "created org {} ({} Edition)\n",
        args.org.path.display(),
        args.edition
    ))
}

fn org_seats(args: &SeatsArgs) -> Result<String, setup::SetupError> {
    let mut org = args.org.open()?;
    setup::set_seats(&mut org, &args.seats)?;
    Ok(report::render_licenses(
        &report::licenses(&org)?,
        Format::Table,
    ))
}

fn org_delegate(args: &DelegateArgs) -> Result<String, setup::SetupError> {
    let mut org = args.org.open()?;
    let added = setup::delegate(&mut org, &args.username)?;
    let already = if added { "" } else { "already " };
    Ok(format!(
        "{} is {already}a delegated administrator ({})\n",
        args.username,
        setup::DELEGATE_GROUP
    ))
}

/// Renders each diagnostic against the file it is about.
fn report_diagnostics(files: &[SourceFile], diags: &[apexlite::Diagnostic]) {
    let color = std::io::stderr().is_terminal();
    for (i, file) in files.iter().enumerate() {
        let mine: Vec<_> = diags.iter().filter(|d| d.file == i).cloned().collect();
        if !mine.is_empty() {
            note_raw!(
                "{}",
                apexlite::syntax::render_diagnostics(file, &mine, color)
            );
        }
    }
}

/// Why the script could not be read.
enum ReadError {
    /// The file or standard input could not be read.
    Io(String),
    /// It is not UTF-8 text: the text with the offending byte replaced, and
    /// the diagnostic pointing at it.
    NotText(SourceFile, apexlite::Diagnostic),
}

/// The script named on the command line: a file, standard input, or `-e` code.
fn read_source(args: &RunArgs) -> Result<SourceFile, ReadError> {
    if let Some(code) = &args.code {
        return Ok(SourceFile::new("<eval>", code.clone()));
    }
    let path = args.file.as_deref().unwrap_or(Path::new("-"));
    let (name, bytes) = if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| ReadError::Io(format!("cannot read standard input: {e}")))?;
        ("<stdin>".to_owned(), bytes)
    } else {
        let bytes = std::fs::read(path)
            .map_err(|e| ReadError::Io(format!("cannot read {}: {e}", path.display())))?;
        (path.display().to_string(), bytes)
    };
    match SourceFile::decode(name, bytes) {
        (file, None) => Ok(file),
        (file, Some(bad)) => Err(ReadError::NotText(file, bad)),
    }
}
