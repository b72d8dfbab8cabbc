//! Entries typed at the REPL: each is checked in the scope the earlier
//! entries left, so variables declared at the prompt stay usable, and a bare
//! expression is checked for the value it prints.

use std::collections::HashMap;

use super::ir::{Program, Stmt};
use super::types::Type;
use super::{Checker, Local, Units, check_with};
use crate::syntax::ast::{self, Name};
use crate::syntax::source::Diagnostic;

/// A variable declared at the top level of an earlier entry.
#[derive(Clone, Debug)]
pub struct Global {
    /// Its name, as declared.
    pub name: Name,
    /// Its declared type.
    pub ty: Type,
    /// Its slot in the top-level frame.
    pub slot: usize,
}

/// What earlier entries and loaded files put in scope for an entry.
#[derive(Clone, Copy, Default)]
pub struct Scope<'a> {
    /// Classes, interfaces and enums, each with its file index (the entry
    /// itself is file 0).
    pub types: &'a [(usize, ast::TypeDecl)],
    /// Top-level methods of earlier entries, each with its file index.
    pub methods: &'a [(usize, ast::MethodDecl)],
    /// Variables; their slots must be distinct and below `globals.len()`.
    pub globals: &'a [Global],
    /// Triggers loaded from files, each with its file index.
    pub triggers: &'a [(usize, ast::TriggerDecl)],
}

/// A checked entry, ready to run.
#[derive(Debug)]
pub struct Entry {
    /// The resolved program; its top-level frame starts with the globals' slots.
    pub program: Program,
    /// The variables the entry declares at its top level, in order.
    pub declared: Vec<Global>,
    /// For a bare expression with a value: the slot it is stored in and its type.
    pub value: Option<(usize, Type)>,
}

/// Checks one entry with what `scope` holds in scope. When `bare` is set,
/// the script's only statement is an expression whose value is kept rather
/// than refused as a statement (`1 + 2`, `u.Alias`).
pub fn check_entry(
    script: &ast::Script,
    scope: Scope<'_>,
    bare: bool,
) -> Result<Entry, Vec<Diagnostic>> {
    let globals = scope.globals;
    let mut declared = Vec::new();
    let mut value = None;
    let checker = Checker::default();
    let program = check_with(
        checker,
        script,
        Units {
            types: scope.types,
            methods: scope.methods,
            triggers: scope.triggers,
        },
        |checker, stmts| {
            let scope = globals
                .iter()
                .map(|g| {
                    let local = Local {
                        slot: g.slot,
                        ty: Some(g.ty.clone()),
                    };
                    (g.name.clone(), local)
                })
                .collect();
            checker.scopes.push(scope);
            checker.slots = globals.len();
            let body = match (bare, stmts) {
                (
                    true,
                    [
                        ast::Stmt {
                            kind: ast::StmtKind::Expr(e),
                            ..
                        },
                    ],
                ) => checker.bare_expr(e, &mut value),
                _ => stmts.iter().filter_map(|s| checker.stmt(s).ok()).collect(),
            };
            let top = checker.scopes.pop().unwrap_or_default();
            declared = new_globals(top, globals.len());
            body
        },
    )?;
    Ok(Entry {
        program,
        declared,
        value,
    })
}

impl Checker {
    /// A bare expression: its value goes to a slot of its own unless it is void.
    fn bare_expr(&mut self, e: &ast::Expr, value: &mut Option<(usize, Type)>) -> Vec<Stmt> {
        let Ok(e) = self.expr(e) else {
            return Vec::new();
        };
        if e.ty == Type::Void {
            return vec![Stmt::Expr(e)];
        }
        let slot = self.slots;
        self.slots += 1;
        *value = Some((slot, e.ty.clone()));
        vec![Stmt::Local {
            slot,
            init: Some(e),
        }]
    }
}

/// The top-level scope's variables that are not globals already, by slot.
fn new_globals(scope: HashMap<Name, Local>, first: usize) -> Vec<Global> {
    let mut out: Vec<Global> = scope
        .into_iter()
        .filter(|(_, local)| local.slot >= first)
        .filter_map(|(name, local)| {
            let ty = local.ty?;
            Some(Global {
                name,
                ty,
                slot: local.slot,
            })
        })
        .collect();
    out.sort_by_key(|g| g.slot);
    out
}
