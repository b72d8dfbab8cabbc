//! AST to resolved program: names to slots, types and fields checked.
//!
//! Apex compiles before it runs, so every error this stage finds is reported
//! (as many as it can find in one pass) and nothing runs. Messages follow the
//! platform compiler's wording.

mod cast;
mod class;
mod class_body;
mod collections;
mod entry;
mod expr;
mod function;
pub mod ir;
mod members;
mod soql;
mod stmt;
mod switch;
pub(crate) mod trigger;
pub mod types;

use std::collections::HashMap;

use crate::syntax::ast::{self, Name};
use crate::syntax::source::{Diagnostic, Span};
pub use entry::{Entry, Global, Scope, check_entry};
use ir::Program;
use types::Type;

/// Checks an anonymous script and resolves it for the interpreter.
pub fn check_script(script: &ast::Script) -> Result<Program, Vec<Diagnostic>> {
    check_program(script, &[])
}

/// Checks an anonymous script together with the classes it may use (from
/// `.cls` files), and resolves them for the interpreter.
pub fn check_program(
    script: &ast::Script,
    types: &[(usize, ast::TypeDecl)],
) -> Result<Program, Vec<Diagnostic>> {
    check_program_with(script, types, false)
}

/// [`check_program`]; with `coverage`, every statement of the class files
/// counts its runs for line coverage (see [`Program::points`]).
pub fn check_program_with(
    script: &ast::Script,
    types: &[(usize, ast::TypeDecl)],
    coverage: bool,
) -> Result<Program, Vec<Diagnostic>> {
    check_project(script, types, &[], coverage)
}

/// [`check_program_with`] for a project that also has triggers (from
/// `.trigger` files, each with its file index).
pub fn check_project(
    script: &ast::Script,
    types: &[(usize, ast::TypeDecl)],
    triggers: &[(usize, ast::TriggerDecl)],
    coverage: bool,
) -> Result<Program, Vec<Diagnostic>> {
    let checker = Checker {
        coverage,
        ..Checker::default()
    };
    let units = Units {
        types,
        methods: &[],
        triggers,
    };
    check_with(checker, script, units, |checker, stmts| {
        checker.block(stmts)
    })
}

/// What a script is checked with besides itself.
#[derive(Clone, Copy)]
struct Units<'a> {
    /// Classes, interfaces and enums, each with its file index.
    types: &'a [(usize, ast::TypeDecl)],
    /// Top-level methods from other files (the REPL's earlier entries).
    methods: &'a [(usize, ast::MethodDecl)],
    /// Triggers, each with its file index.
    triggers: &'a [(usize, ast::TriggerDecl)],
}

/// Checks a script with `checker` whose top-level statements `top` turns
/// into the body, after the classes and methods are declared and before
/// their bodies are checked. `units.methods` are top-level methods from
/// other files (the REPL's earlier entries), declared before the script's own.
fn check_with(
    mut checker: Checker,
    script: &ast::Script,
    units: Units<'_>,
    top: impl FnOnce(&mut Checker, &[ast::Stmt]) -> Vec<ir::Stmt>,
) -> Result<Program, Vec<Diagnostic>> {
    let (types, methods) = (units.types, units.methods);
    let mut all: Vec<(usize, ast::TypeDecl)> = types.to_vec();
    all.extend(script.types.iter().map(|t| (0, t.clone())));
    let decls = class::flatten(&all);
    checker.declare_classes(&decls);
    checker.declare_members(&decls);
    checker.check_implementations(&decls);
    let methods: Vec<(usize, &ast::MethodDecl)> = methods
        .iter()
        .map(|(file, m)| (*file, m))
        .chain(script.methods.iter().map(|m| (0, m)))
        .collect();
    let script_functions = checker.declare_functions(&methods);
    let synthesized = checker.declare_synthesized(&decls);
    let trigger_functions = checker.declare_triggers(units.triggers);
    checker.file = 0;
    let body = top(&mut checker, &script.stmts);
    let slots = checker.slots;
    let mut bodies = checker.function_bodies(&methods, &script_functions);
    bodies.extend(checker.class_bodies(&decls, &synthesized));
    let (trigger_bodies, triggers) = checker.trigger_bodies(units.triggers, &trigger_functions);
    bodies.extend(trigger_bodies);
    let classes = checker.class_table(&synthesized.class_init);
    let (init_guard, static_guard) = checker.init_guards(&synthesized.class_init);
    if !checker.errors.is_empty() {
        checker.errors.sort_by_key(|d| (d.file, d.span.start));
        return Err(checker.errors);
    }
    let mut functions: Vec<_> = bodies.into_iter().collect();
    functions.sort_by_key(|(index, _)| *index);
    Ok(Program {
        body,
        slots,
        functions: functions.into_iter().map(|(_, f)| f).collect(),
        classes,
        statics: checker.statics,
        init_guard,
        static_guard,
        properties: checker.properties,
        exception_parents: checker.exception_parents,
        points: checker.points,
        triggers,
    })
}

/// Marks a construct whose error is already recorded, so callers stop
/// checking it without piling up follow-on errors.
#[derive(Debug)]
struct Reported;

type Checked<T> = Result<T, Reported>;

/// A local variable in scope.
#[derive(Clone)]
struct Local {
    slot: usize,
    /// `None` when the declaration itself was in error.
    ty: Option<Type>,
}

/// What callers of a declared method see.
struct Signature {
    name: Name,
    params: Vec<Type>,
    ret: Type,
    /// The class declaring it; `None` for methods of the anonymous block.
    owner: Option<usize>,
    is_static: bool,
    is_ctor: bool,
    /// Declared without a body: an interface or abstract method.
    is_abstract: bool,
    /// For instance methods, the selector virtual calls use.
    selector: Option<usize>,
}

#[derive(Default)]
struct Checker {
    scopes: Vec<HashMap<Name, Local>>,
    slots: usize,
    /// Signatures of the program's methods, by index.
    functions: Vec<Signature>,
    /// The return type of the method being checked; `None` at the top level.
    ret: Option<Type>,
    /// Declared types, by id.
    classes: Vec<class::ClassInfo>,
    class_names: class::ClassNames,
    /// Instance-method selectors by name and parameter types.
    selectors: HashMap<String, usize>,
    /// Static fields declared so far.
    statics: usize,
    /// The class declaring each static field, by index.
    static_owner: Vec<usize>,
    /// Properties with an accessor body, by index.
    properties: Vec<ir::Property>,
    /// The class and name of the property whose accessor is being checked:
    /// there its bare name is the backing field.
    accessor: Option<(usize, Name)>,
    /// The class whose code is being checked, if any.
    class: Option<usize>,
    /// True inside static methods and static initialisers: no `this`.
    static_ctx: bool,
    /// Slots used by the frame [`Checker::in_frame`] last checked.
    last_frame_slots: usize,
    /// The source file of the code being checked (0 is the script).
    file: usize,
    /// Constants of the `when` clauses of the switch being checked.
    when_seen: Vec<ir::Const>,
    /// Custom exception types and the exception type each extends.
    exception_parents: Vec<(&'static str, &'static str)>,
    loop_depth: usize,
    errors: Vec<Diagnostic>,
    /// True when statements of class files get coverage marks.
    coverage: bool,
    /// The statements marked so far: file and byte offset.
    points: Vec<(usize, usize)>,
    /// The object of the trigger whose body is being checked, if any.
    trigger: Option<&'static crate::data::schema::ObjectDef>,
}

impl Checker {
    /// Records an error and returns the marker to propagate.
    fn error(&mut self, message: impl Into<String>, span: &Span, label: &str) -> Reported {
        let mut d = Diagnostic::new(message, span.clone(), label);
        d.file = self.file;
        self.errors.push(d);
        Reported
    }

    fn lookup(&self, name: &Name) -> Option<&Local> {
        self.scopes.iter().rev().find_map(|s| s.get(name))
    }

    /// Declares a local in the innermost scope. Apex refuses to shadow a local
    /// of an enclosing block as well as one of the same block.
    fn declare(&mut self, ident: &ast::Ident, ty: Option<Type>) -> Checked<usize> {
        if self.lookup(&ident.name).is_some() {
            let msg = format!("Duplicate variable: {}", ident.name);
            return Err(self.error(msg, &ident.span, "already declared"));
        }
        let slot = self.slots;
        self.slots += 1;
        if let Some(scope) = self.scopes.last_mut() {
            scope.insert(ident.name.clone(), Local { slot, ty });
        }
        Ok(slot)
    }

    fn resolve_type(&mut self, r: &ast::TypeRef) -> Checked<Type> {
        let mut ty = self.resolve_named(r)?;
        for _ in 0..r.array_dims {
            ty = Type::List(Box::new(ty));
        }
        Ok(ty)
    }

    /// A type reference without its `[]` suffixes: declared classes first,
    /// then collections (whose arguments may be declared classes), then the
    /// built-in and sObject types.
    fn resolve_named(&mut self, r: &ast::TypeRef) -> Checked<Type> {
        let last = r.path.last().map(|p| p.name.folded()).unwrap_or_default();
        let simple = r.path.len() == 1 || (r.path.len() == 2 && r.path[0].name.is("system"));
        if let (true, Some(last_ident)) = (r.args.is_empty(), r.path.last())
            && let Some(id) = self.class_named(&last_ident.name)
        {
            if let Some(name) = self.classes[id].exception {
                return Ok(Type::Exception(name));
            }
            return Ok(Type::Class(self.classes[id].reference(id)));
        }
        if simple && !r.args.is_empty() {
            let args = r
                .args
                .iter()
                .map(|a| self.resolve_type(a))
                .collect::<Checked<Vec<_>>>()?;
            match (last, args.as_slice()) {
                ("list", [e]) => return Ok(Type::List(Box::new(e.clone()))),
                ("set", [e]) => return Ok(Type::Set(Box::new(e.clone()))),
                ("map", [k, v]) => return Ok(Type::Map(Box::new(k.clone()), Box::new(v.clone()))),
                _ => {}
            }
        }
        let plain = ast::TypeRef {
            array_dims: 0,
            ..r.clone()
        };
        types::resolve_type(&plain).map_err(|mut d| {
            d.file = self.file;
            self.errors.push(d);
            Reported
        })
    }
}
