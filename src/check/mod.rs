//! AST to resolved program: names to slots, types and fields checked.
//!
//! Apex compiles before it runs, so every error this stage finds is reported
//! (as many as it can find in one pass) and nothing runs. Messages follow the
//! platform compiler's wording.

mod collections;
mod expr;
mod function;
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
    for t in &script.types {
        checker.unsupported("types declared in anonymous blocks", &t.span);
    }
    checker.declare_functions(&script.methods);
    let body = checker.block(&script.stmts);
    let slots = checker.slots;
    let functions = checker.function_bodies(&script.methods);
    if checker.errors.is_empty() {
        Ok(Program {
            body,
            slots,
            functions,
        })
    } else {
        checker.errors.sort_by_key(|d| d.span.start);
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

/// What callers of a declared method see.
struct Signature {
    name: Name,
    params: Vec<Type>,
    ret: Type,
}

#[derive(Default)]
struct Checker {
    scopes: Vec<HashMap<Name, Local>>,
    slots: usize,
    /// Signatures of the program's methods, by index.
    functions: Vec<Signature>,
    /// The return type of the method being checked; `None` at the top level.
    ret: Option<Type>,
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
