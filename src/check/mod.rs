//! AST to resolved program: names to slots, types and fields checked.
//!
//! Apex compiles before it runs, so every error this stage finds is reported
//! (as many as it can find in one pass) and nothing runs. Messages follow the
//! platform compiler's wording.

mod collections;
mod expr;
pub mod ir;
mod soql;
mod stmt;
mod switch;
pub mod types;

use std::collections::HashMap;

use crate::syntax::ast::{self, Name};
use crate::syntax::source::{Diagnostic, Span};
use ir::Program;
use types::Type;

/// Checks an anonymous script and resolves it for the interpreter.
pub fn check_script(script: &ast::Script) -> Result<Program, Vec<Diagnostic>> {
    let mut checker = Checker::default();
    for m in &script.methods {
        checker.unsupported("methods declared in anonymous blocks", &m.span);
    }
    for t in &script.types {
        checker.unsupported("types declared in anonymous blocks", &t.span);
    }
    let body = checker.block(&script.stmts);
    if checker.errors.is_empty() {
        Ok(Program {
            body,
            slots: checker.slots,
        })
    } else {
        Err(checker.errors)
    }
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

#[derive(Default)]
struct Checker {
    scopes: Vec<HashMap<Name, Local>>,
    slots: usize,
    loop_depth: usize,
    errors: Vec<Diagnostic>,
}

impl Checker {
    /// Records an error and returns the marker to propagate.
    fn error(&mut self, message: impl Into<String>, span: &Span, label: &str) -> Reported {
        self.errors
            .push(Diagnostic::new(message, span.clone(), label));
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
        types::resolve_type(r).map_err(|d| {
            self.errors.push(d);
            Reported
        })
    }
}
