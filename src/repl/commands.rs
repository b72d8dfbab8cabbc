//! The REPL's own commands, typed with a leading colon: `:help`, `:quit`,
//! `:describe OBJECT`, `:load FILE`, `:reset`, `:limits`, `:as USERNAME`.

use std::path::Path;

use super::display::table;
use super::session::{Session, Sinks, report};
use crate::data::limits;
use crate::data::schema::{FieldDef, FieldType, schema};
use crate::org::OrgError;
use crate::syntax::source::SourceFile;

/// What the prompt does after a command.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// Reads the next entry.
    Continue,
    /// Ends the session.
    Quit,
}

/// The commands with their arguments and what they do, for `:help`.
pub const COMMANDS: &[(&str, &str)] = &[
    (":help", "this list"),
    (":quit", "leave the prompt (Ctrl-D too)"),
    (
        ":describe OBJECT",
        "fields of an sObject: types, required, picklist values",
    ),
    (
        ":load FILE",
        "add a class (.cls) or trigger to the scope, or run a script as one entry",
    ),
    (
        ":reset",
        "forget the variables and classes typed at the prompt",
    ),
    (":limits", "governor limits used by the last entry"),
    (":as USERNAME", "run the next entries as that user"),
];

/// Runs one command line (starting with `:`). An `Err` is a failure of the
/// org itself.
pub fn run(session: &mut Session, line: &str, sinks: &mut Sinks<'_>) -> Result<Next, OrgError> {
    let line = line.trim().trim_start_matches(':');
    let (name, arg) = match line.split_once(char::is_whitespace) {
        Some((name, arg)) => (name, arg.trim()),
        None => (line, ""),
    };
    let text = match (name.to_ascii_lowercase().as_str(), arg) {
        ("quit" | "q" | "exit", _) => return Ok(Next::Quit),
        ("help" | "h" | "?", _) => help(),
        ("describe" | "d", "") => usage(":describe OBJECT"),
        ("describe" | "d", object) => describe(object),
        ("load" | "l", "") => usage(":load FILE"),
        ("load" | "l", path) => {
            return load(session, Path::new(path), sinks).map(|()| Next::Continue);
        }
        ("reset", _) => {
            session.reset();
            Ok("Variables, methods and classes typed at the prompt are forgotten.\n".into())
        }
        ("limits", _) => Ok(limits_report(session)),
        ("as", "") => usage(":as USERNAME"),
        ("as", username) => run_as(session, username),
        _ => Err(format!(
            "Unknown command :{name}; :help lists the commands\n"
        )),
    };
    let _ = match text {
        Ok(text) => sinks.out.write_all(text.as_bytes()),
        Err(text) => {
            session.count_failure();
            sinks.err.write_all(text.as_bytes())
        }
    };
    Ok(Next::Continue)
}

fn usage(form: &str) -> Result<String, String> {
    Err(format!("Usage: {form}\n"))
}

fn help() -> Result<String, String> {
    let rows: Vec<Vec<String>> = COMMANDS
        .iter()
        .map(|(c, what)| vec![c.to_string(), what.to_string()])
        .collect();
    let mut text = String::from(
        "Type Apex statements, declarations or an expression to see its value.\n\
         An entry goes on over several lines while a bracket is open; each entry\n\
         runs as one transaction.\n\n",
    );
    text.push_str(&table(&[], &rows));
    Ok(text)
}

/// `:describe Account`: one line per field.
fn describe(object: &str) -> Result<String, String> {
    let Some(def) = schema().object(object) else {
        return Err(format!("No sObject named {object}\n"));
    };
    let header: Vec<String> = ["FIELD", "TYPE", "REQUIRED", "DETAILS"]
        .iter()
        .map(|h| h.to_string())
        .collect();
    let rows: Vec<Vec<String>> = def
        .fields
        .iter()
        .map(|f| {
            let required = if f.required { "yes" } else { "" };
            vec![
                f.name.to_string(),
                type_label(f),
                required.into(),
                details(f),
            ]
        })
        .collect();
    Ok(format!("{}\n{}", def.name, table(&header, &rows)))
}

/// `String(80)`, `Reference`, `Integer`, ...
fn type_label(f: &FieldDef) -> String {
    let base = match f.ty {
        FieldType::Int => "Integer".to_string(),
        FieldType::DateTime => "Datetime".to_string(),
        other => format!("{other:?}"),
    };
    if f.length > 0
        && f.is_text()
        && !f.is_id()
        && !matches!(f.ty, FieldType::Picklist | FieldType::MultiPicklist)
    {
        format!("{base}({})", f.length)
    } else {
        base
    }
}

/// What else a developer needs to know: the target of a lookup, the values
/// of a picklist, uniqueness.
fn details(f: &FieldDef) -> String {
    let mut parts = Vec::new();
    if !f.reference_to.is_empty() {
        parts.push(format!("to {}", f.reference_to.join(", ")));
    }
    if !f.picklist.is_empty() {
        let kind = if f.restricted { "restricted" } else { "values" };
        parts.push(format!("{kind}: {}", f.picklist.join(", ")));
    }
    if f.unique {
        parts.push("unique".into());
    }
    if f.id_lookup {
        parts.push("idLookup".into());
    }
    if !f.createable {
        parts.push("read-only".into());
    }
    parts.join("; ")
}

/// `:load FILE`: a class or trigger file joins the scope; any other file
/// runs as one entry.
fn load(session: &mut Session, path: &Path, sinks: &mut Sinks<'_>) -> Result<(), OrgError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            session.count_failure();
            let _ = writeln!(sinks.err, "Cannot read {}: {e}", path.display());
            return Ok(());
        }
    };
    let name = path.display().to_string();
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("cls") || e.eq_ignore_ascii_case("trigger"))
    {
        match session.add_class_files(vec![SourceFile::new(&name, text)]) {
            Ok(()) => {
                let _ = writeln!(sinks.out, "Loaded {name}");
            }
            Err((files, diags)) => {
                session.count_failure();
                report(sinks, &files, &diags);
            }
        }
        return Ok(());
    }
    session.eval_named(&name, &text, sinks)
}

/// `:limits`: what the last entry used of each governor limit.
fn limits_report(session: &Session) -> String {
    let usage = session.usage();
    let l = usage.limits;
    let row =
        |name: &str, used: u128, max: u128| vec![name.to_string(), format!("{used} of {max}")];
    let rows = vec![
        row(
            "SOQL queries",
            l.queries.into(),
            limits::SOQL_QUERIES.into(),
        ),
        row("Query rows", l.query_rows.into(), limits::QUERY_ROWS.into()),
        row(
            "DML statements",
            l.dml_statements.into(),
            limits::DML_STATEMENTS.into(),
        ),
        row("DML rows", l.dml_rows.into(), limits::DML_ROWS.into()),
        row(
            "CPU time (ms)",
            usage.elapsed.as_millis(),
            session.cpu_limit().as_millis(),
        ),
    ];
    table(&[], &rows)
}

/// `:as USERNAME`: later entries run as that user.
fn run_as(session: &mut Session, username: &str) -> Result<String, String> {
    match crate::org::login::log_in_as(session.org_mut(), username) {
        Ok(user) => Ok(format!("Running as {}\n", user.username)),
        Err(e) => Err(format!("{e}\n")),
    }
}
