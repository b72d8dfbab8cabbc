//! Methods declared in a script: signatures first, so calls may come before
//! declarations and recurse, then bodies, each in a frame of its own.

use std::mem;

use super::ir::{Expr, ExprKind, Function, Stmt};
use super::types::Type;
use super::{Checked, Checker, Signature};
use crate::syntax::ast::{self, StmtKind};
use crate::syntax::source::Span;

impl Checker {
    /// Records every method's signature; a method whose types do not resolve
    /// is still recorded (with `Object` in their place) so calls to it do not
    /// add errors of their own.
    pub(super) fn declare_functions(&mut self, methods: &[ast::MethodDecl]) {
        for m in methods {
            let params = m
                .params
                .iter()
                .map(|p| self.resolve_type(&p.ty).unwrap_or(Type::Object))
                .collect::<Vec<_>>();
            let ret = match &m.ret {
                Some(t) => self.resolve_type(t).unwrap_or(Type::Object),
                None => Type::Void,
            };
            let clash = self
                .functions
                .iter()
                .any(|f| f.name == m.name.name && f.params == params);
            if clash {
                let msg = format!("Method already defined: {}", m.name.name);
                self.error(msg, &m.name.span, "declared twice");
            }
            self.functions.push(Signature {
                name: m.name.name.clone(),
                params,
                ret,
            });
        }
    }

    /// Checks each method body in a fresh frame: the script's locals are not
    /// visible inside methods.
    pub(super) fn function_bodies(&mut self, methods: &[ast::MethodDecl]) -> Vec<Function> {
        methods
            .iter()
            .enumerate()
            .map(|(i, m)| self.function_body(i, m))
            .collect()
    }

    fn function_body(&mut self, index: usize, m: &ast::MethodDecl) -> Function {
        let saved_scopes = mem::take(&mut self.scopes);
        let saved_slots = mem::replace(&mut self.slots, 0);
        let saved_loops = mem::replace(&mut self.loop_depth, 0);
        let ret = self.functions[index].ret.clone();
        let saved_ret = self.ret.replace(ret.clone());
        self.scopes.push(Default::default());
        let param_types = self.functions[index].params.clone();
        for (p, ty) in m.params.iter().zip(param_types) {
            let _ = self.declare(&p.name, Some(ty));
        }
        let stmts = m.body.as_deref().unwrap_or_default();
        let body = self.block(stmts);
        if ret != Type::Void && !always_returns(stmts) {
            let msg = format!("Missing return statement required return type: {ret}");
            self.error(msg, &m.name.span, "can end without returning a value");
        }
        self.scopes = saved_scopes;
        self.ret = saved_ret;
        self.loop_depth = saved_loops;
        let slots = mem::replace(&mut self.slots, saved_slots);
        Function {
            name: m.name.name.to_string(),
            params: m.params.len(),
            slots,
            body,
        }
    }

    /// `return;` and `return value;` checked against the enclosing method.
    pub(super) fn return_stmt(&mut self, value: Option<&ast::Expr>, span: &Span) -> Checked<Stmt> {
        match (self.ret.clone(), value) {
            (None | Some(Type::Void), None) => Ok(Stmt::Return(None)),
            (None | Some(Type::Void), Some(e)) => {
                let msg = "Void method must not return a value";
                Err(self.error(msg, &e.span, "this method returns nothing"))
            }
            (Some(ret), Some(e)) => Ok(Stmt::Return(Some(self.expr_as(e, &ret)?))),
            (Some(ret), None) => {
                let msg = format!("Missing return value of type: {ret}");
                Err(self.error(msg, span, "a value is needed"))
            }
        }
    }

    /// A call of a method declared in the script, by name and arguments.
    pub(super) fn function_call(
        &mut self,
        method: &ast::Ident,
        args: Vec<Expr>,
        span: &Span,
    ) -> Checked<Option<Expr>> {
        let fits = |f: &Signature| {
            f.name == method.name
                && f.params.len() == args.len()
                && f.params.iter().zip(&args).all(|(p, a)| p.accepts(&a.ty))
        };
        let exact = self
            .functions
            .iter()
            .position(|f| fits(f) && f.params.iter().zip(&args).all(|(p, a)| *p == a.ty));
        let Some(index) = exact.or_else(|| self.functions.iter().position(fits)) else {
            return Ok(None);
        };
        let params = self.functions[index].params.clone();
        let ret = self.functions[index].ret.clone();
        let args = args
            .into_iter()
            .zip(&params)
            .map(|(a, p)| self.convert(a, p))
            .collect::<Checked<Vec<_>>>()?;
        let kind = ExprKind::Call {
            function: index,
            args,
        };
        Ok(Some(Expr {
            kind,
            ty: ret,
            span: span.clone(),
        }))
    }
}

/// True when every path through the statements ends in `return` or `throw`;
/// the compiler insists on it for methods that return a value.
fn always_returns(stmts: &[ast::Stmt]) -> bool {
    stmts.last().is_some_and(stmt_returns)
}

fn stmt_returns(s: &ast::Stmt) -> bool {
    match &s.kind {
        StmtKind::Return(_) | StmtKind::Throw(_) => true,
        StmtKind::Block(b) => always_returns(b),
        StmtKind::If {
            then,
            otherwise: Some(other),
            ..
        } => stmt_returns(then) && stmt_returns(other),
        StmtKind::Try {
            body,
            catches,
            finally,
        } => {
            finally.as_deref().is_some_and(always_returns)
                || (always_returns(body) && catches.iter().all(|c| always_returns(&c.body)))
        }
        StmtKind::Switch { whens, .. } => {
            whens.iter().any(|w| matches!(w.kind, ast::WhenKind::Else))
                && whens.iter().all(|w| always_returns(&w.body))
        }
        StmtKind::While { cond, .. } => is_true(cond),
        _ => false,
    }
}

fn is_true(e: &ast::Expr) -> bool {
    matches!(e.kind, ast::ExprKind::Literal(ast::Literal::Bool(true)))
}
