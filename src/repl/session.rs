//! One REPL session: the org, the classes in scope and the variables earlier
//! entries declared. Each entry is compiled in that scope and run as one
//! transaction of its own.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::check::{self, Entry, Global, Scope};
use crate::data::limits::Limits;
use crate::interp::eval::Interpreter;
use crate::interp::exception::{Failure, INTERRUPTED};
use crate::interp::value::Value;
use crate::syntax::ast::{MethodDecl, Script, StmtKind, TriggerDecl, TypeDecl, Unit};
use crate::syntax::source::{Diagnostic, SourceFile};
use crate::{Org, OrgError, syntax};

use super::display;

/// A source of classes and methods the session compiles every entry with.
struct Source {
    file: SourceFile,
    types: Vec<TypeDecl>,
    /// Methods declared at the top level of an entry.
    methods: Vec<MethodDecl>,
    /// A trigger loaded from a `.trigger` file.
    trigger: Option<TriggerDecl>,
    /// Loaded from a `.cls` or `.trigger` file (kept by `:reset`) rather than typed.
    from_file: bool,
}

/// What the last entry used of the governor limits, for `:limits`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Usage {
    /// The transaction's counters when it ended.
    pub limits: Limits,
    /// How long the entry ran.
    pub elapsed: Duration,
}

/// Where an entry's output goes: values and `System.debug` to `out`, errors
/// to `err`, with colour in error reports when `color` is set.
pub struct Sinks<'a> {
    /// Values and `System.debug` lines.
    pub out: &'a mut dyn Write,
    /// Compile errors, exceptions and notes.
    pub err: &'a mut dyn Write,
    /// Colour in compile error reports.
    pub color: bool,
}

/// The state that outlives one entry.
pub struct Session {
    org: Org,
    sources: Vec<Source>,
    globals: Vec<Global>,
    values: Vec<Value>,
    cpu_limit: Duration,
    interrupt: Arc<AtomicBool>,
    usage: Usage,
    entries: usize,
    failures: usize,
}

impl Session {
    /// A session on `org` whose entries may run for `cpu_limit` each.
    pub fn new(org: Org, cpu_limit: Duration) -> Session {
        Session {
            org,
            sources: Vec::new(),
            globals: Vec::new(),
            values: Vec::new(),
            cpu_limit,
            interrupt: Arc::new(AtomicBool::new(false)),
            usage: Usage::default(),
            entries: 0,
            failures: 0,
        }
    }

    /// The flag that interrupts the running entry when set (Ctrl-C).
    pub fn interrupt_flag(&self) -> Arc<AtomicBool> {
        self.interrupt.clone()
    }

    /// The org the session runs against.
    pub fn org_mut(&mut self) -> &mut Org {
        &mut self.org
    }

    /// The variables in scope, in the order they were declared.
    pub fn globals(&self) -> &[Global] {
        &self.globals
    }

    /// The names of the classes, interfaces and enums in scope.
    pub fn class_names(&self) -> Vec<String> {
        self.sources
            .iter()
            .flat_map(|s| &s.types)
            .map(|t| t.name.name.to_string())
            .collect()
    }

    /// How many entries did not compile, threw, were interrupted or met an
    /// org failure, and commands and lines that were refused.
    pub fn failures(&self) -> usize {
        self.failures
    }

    /// Counts a refused command or unreadable input line as a failure.
    pub fn count_failure(&mut self) {
        self.failures += 1;
    }

    /// The time each entry may run.
    pub fn cpu_limit(&self) -> Duration {
        self.cpu_limit
    }

    /// The governor counts and time of the last entry that ran.
    pub fn usage(&self) -> Usage {
        self.usage
    }

    /// Adds class (`.cls`) and trigger (`.trigger`) files to the scope of
    /// later entries: their triggers fire on the entries' DML. Nothing is
    /// added unless they parse and check together with what is in scope; the
    /// diagnostics are returned with the files they are about.
    pub fn add_class_files(
        &mut self,
        files: Vec<SourceFile>,
    ) -> Result<(), (Vec<SourceFile>, Vec<Diagnostic>)> {
        let before = self.sources.len();
        let mut diags = Vec::new();
        for file in files {
            let index = self.sources.len() + 1;
            match syntax::parse_unit(&file) {
                Ok(Unit::Type(t)) => self.push_source(file, vec![t], true),
                Ok(Unit::Trigger(t)) => {
                    self.push_source(file, Vec::new(), true);
                    if let Some(source) = self.sources.last_mut() {
                        source.trigger = Some(t);
                    }
                }
                Err(found) => {
                    diags.extend(found.into_iter().map(|mut d| {
                        d.file = index;
                        d
                    }));
                    self.push_source(file, Vec::new(), true);
                }
            }
        }
        if diags.is_empty() {
            let empty = Script {
                stmts: Vec::new(),
                methods: Vec::new(),
                types: Vec::new(),
            };
            let (types, methods) = (self.types(), self.methods());
            let triggers = self.triggers();
            let scope = Scope {
                triggers: &triggers,
                types: &types,
                methods: &methods,
                globals: &self.globals,
            };
            if let Err(found) = check::check_entry(&empty, scope, false) {
                diags = found;
            }
        }
        if diags.is_empty() {
            return Ok(());
        }
        let files = self.files(SourceFile::new("<prompt>", ""));
        self.sources.truncate(before);
        Err((files, diags))
    }

    /// Forgets the variables, methods and classes typed at the prompt; classes
    /// loaded from files stay.
    pub fn reset(&mut self) {
        self.globals.clear();
        self.values.clear();
        self.sources.retain(|s| s.from_file);
    }

    /// Compiles and runs one entry, printing what it shows. An `Err` is a
    /// failure of the org itself (the entry was rolled back).
    pub fn eval(&mut self, text: &str, sinks: &mut Sinks<'_>) -> Result<(), OrgError> {
        let name = format!("<entry {}>", self.entries + 1);
        self.eval_named(&name, text, sinks)
    }

    /// [`Session::eval`] with the name compile errors and traces show for
    /// the entry (a loaded script's path).
    pub fn eval_named(
        &mut self,
        name: &str,
        text: &str,
        sinks: &mut Sinks<'_>,
    ) -> Result<(), OrgError> {
        self.entries += 1;
        let file = SourceFile::new(name, text);
        let (script, bare) = match parse_entry(&file) {
            Ok(parsed) => parsed,
            Err(diags) => {
                self.failures += 1;
                report(sinks, &[file], &diags);
                return Ok(());
            }
        };
        let kept = self.kept_globals(&script);
        let globals: Vec<Global> = kept.iter().map(|(g, _)| g.clone()).collect();
        let (types, methods) = (self.types(), self.methods());
        let triggers = self.triggers();
        let scope = Scope {
            triggers: &triggers,
            types: &types,
            methods: &methods,
            globals: &globals,
        };
        let entry = match check::check_entry(&script, scope, bare) {
            Ok(entry) => entry,
            Err(diags) => {
                self.failures += 1;
                report(sinks, &self.files(file), &diags);
                return Ok(());
            }
        };
        let values: Vec<Value> = kept.iter().map(|(_, v)| (*v).clone()).collect();
        let files = self.files(file);
        let (locals, failure) = self.run(&entry, &files, values, sinks).inspect_err(|_| {
            self.failures += 1;
        })?;
        let _ = sinks.out.flush();
        match failure {
            None => {
                self.keep(entry, globals, locals, script, files, sinks);
                Ok(())
            }
            Some(failure) => {
                self.failures += 1;
                self.keep_changes(&globals, &locals);
                show_failure(sinks, failure, &files)
            }
        }
    }

    /// Runs a checked entry in a transaction of its own: committed when it
    /// completes, rolled back otherwise. Returns the top-level slots and
    /// what stopped the run, if anything.
    fn run(
        &mut self,
        entry: &Entry,
        files: &[SourceFile],
        values: Vec<Value>,
        sinks: &mut Sinks<'_>,
    ) -> Result<(Vec<Value>, Option<Failure>), OrgError> {
        self.interrupt.store(false, Ordering::Relaxed);
        let started = Instant::now();
        self.org.begin()?;
        let interrupt = self.interrupt.clone();
        let mut interp = Interpreter::new(&entry.program, files, &mut self.org, sinks.out)
            .with_cpu_limit(self.cpu_limit)
            .with_interrupt(&interrupt)
            .with_locals(values);
        let result = interp.run();
        let locals = interp.into_locals();
        self.usage = Usage {
            limits: *self.org.limits(),
            elapsed: started.elapsed(),
        };
        match result {
            Ok(()) => {
                self.org.commit()?;
                Ok((locals, None))
            }
            Err(Failure::Org(e)) => {
                // The org error is what the user needs to see; a second
                // failure while rolling back adds nothing to it.
                let _ = self.org.rollback();
                Err(*e)
            }
            Err(failure) => {
                self.org.rollback()?;
                Ok((locals, Some(failure)))
            }
        }
    }

    /// After an entry completed: its variables and classes join the scope,
    /// and a bare expression's value is printed.
    fn keep(
        &mut self,
        entry: Entry,
        globals: Vec<Global>,
        locals: Vec<Value>,
        script: Script,
        mut files: Vec<SourceFile>,
        sinks: &mut Sinks<'_>,
    ) {
        let mut values = self.merge_values(&globals, &locals);
        let mut all = globals;
        for g in entry.declared {
            values.push(locals.get(g.slot).cloned().unwrap_or(Value::Null));
            all.push(Global {
                slot: all.len(),
                ..g
            });
        }
        self.globals = all;
        self.values = values;
        if !script.types.is_empty() || !script.methods.is_empty() {
            self.sources.push(Source {
                file: files.swap_remove(0),
                types: script.types,
                methods: script.methods,
                trigger: None,
                from_file: false,
            });
        }
        if let Some((slot, _)) = entry.value {
            let value = locals.get(slot).cloned().unwrap_or(Value::Null);
            let _ = sinks.out.write_all(display::show(&value).as_bytes());
        }
    }

    /// After an entry failed: its own declarations go, and the variables it
    /// could see keep the values it left them with. `seen` is the part of
    /// the globals the entry did not declare again, in order.
    fn keep_changes(&mut self, seen: &[Global], locals: &[Value]) {
        let mut seen = seen.iter().peekable();
        for (g, value) in self.globals.iter().zip(self.values.iter_mut()) {
            if let Some(s) = seen.next_if(|s| s.name == g.name) {
                *value = locals.get(s.slot).cloned().unwrap_or(Value::Null);
            }
        }
    }

    /// The globals' values from the run's slots.
    fn merge_values(&self, globals: &[Global], locals: &[Value]) -> Vec<Value> {
        globals
            .iter()
            .map(|g| locals.get(g.slot).cloned().unwrap_or(Value::Null))
            .collect()
    }

    /// The variables the entry does not declare again, renumbered from slot
    /// 0, with their values. Declaring a variable again at the prompt
    /// replaces it (a REPL convenience; a script would get `Duplicate
    /// variable`).
    fn kept_globals(&self, script: &Script) -> Vec<(Global, &Value)> {
        let redeclared: Vec<_> = script
            .stmts
            .iter()
            .filter_map(|s| match &s.kind {
                StmtKind::Local { vars, .. } => Some(vars.iter().map(|(name, _)| &name.name)),
                _ => None,
            })
            .flatten()
            .collect();
        let mut kept = Vec::new();
        for (g, v) in self.globals.iter().zip(&self.values) {
            if !redeclared.contains(&&g.name) {
                let slot = kept.len();
                kept.push((Global { slot, ..g.clone() }, v));
            }
        }
        kept
    }

    /// Adds a class file's types.
    fn push_source(&mut self, file: SourceFile, types: Vec<TypeDecl>, from_file: bool) {
        self.sources.push(Source {
            file,
            types,
            methods: Vec::new(),
            trigger: None,
            from_file,
        });
    }

    /// Every trigger in scope with its file index.
    fn triggers(&self) -> Vec<(usize, TriggerDecl)> {
        let with_index = |(i, s): (usize, &Source)| Some((i + 1, s.trigger.clone()?));
        self.sources
            .iter()
            .enumerate()
            .filter_map(with_index)
            .collect()
    }

    /// Every class in scope with its file index (the entry is file 0).
    fn types(&self) -> Vec<(usize, TypeDecl)> {
        self.sources
            .iter()
            .enumerate()
            .flat_map(|(i, s)| s.types.iter().map(move |t| (i + 1, t.clone())))
            .collect()
    }

    /// Every method kept from earlier entries with its file index.
    fn methods(&self) -> Vec<(usize, MethodDecl)> {
        self.sources
            .iter()
            .enumerate()
            .flat_map(|(i, s)| s.methods.iter().map(move |m| (i + 1, m.clone())))
            .collect()
    }

    /// The entry followed by every source in scope, as the checker numbers them.
    fn files(&self, entry: SourceFile) -> Vec<SourceFile> {
        std::iter::once(entry)
            .chain(self.sources.iter().map(|s| s.file.clone()))
            .collect()
    }
}

/// Parses an entry: statements and declarations, or one expression whose
/// value is printed (`bare`). An expression ended by `;` is a statement
/// when it can be one (`c.next();` prints nothing), and a missing final `;`
/// after statements is forgiven.
fn parse_entry(file: &SourceFile) -> Result<(Script, bool), Vec<Diagnostic>> {
    let ends_with_semi = file.text.trim_end().ends_with(';');
    if !ends_with_semi && let Ok(script) = syntax::parse_expression(file) {
        return Ok((script, true));
    }
    let diags = match syntax::parse_script(file) {
        Ok(script) => return Ok((script, false)),
        Err(diags) => diags,
    };
    if ends_with_semi {
        return syntax::parse_expression(file)
            .map(|script| (script, true))
            .map_err(|_| diags);
    }
    let with_semi = SourceFile::new(file.name.clone(), format!("{};", file.text.trim_end()));
    syntax::parse_script(&with_semi)
        .map(|script| (script, false))
        .map_err(|_| diags)
}

/// Prints an exception (or the interrupt) that ended an entry.
fn show_failure(
    sinks: &mut Sinks<'_>,
    failure: Failure,
    files: &[SourceFile],
) -> Result<(), OrgError> {
    let text = match failure {
        Failure::Exception(e) if e.type_name == INTERRUPTED => {
            "Interrupted; the entry was rolled back\n".to_string()
        }
        Failure::Exception(e) => format!("{e}\n{}\n", e.trace(files)),
        Failure::Org(e) => return Err(*e),
    };
    let _ = sinks.err.write_all(text.as_bytes());
    Ok(())
}

/// Renders diagnostics against the files they are about.
pub(super) fn report(sinks: &mut Sinks<'_>, files: &[SourceFile], diags: &[Diagnostic]) {
    for (i, file) in files.iter().enumerate() {
        let mine: Vec<_> = diags.iter().filter(|d| d.file == i).cloned().collect();
        if !mine.is_empty() {
            let text = syntax::render_diagnostics(file, &mine, sinks.color);
            let _ = sinks.err.write_all(text.as_bytes());
        }
    }
}
