//! Methods declared in a script: signatures first, so calls may come before
//! declarations and recurse, then bodies, each in a frame of its own.

use std::mem;

use super::class_body::Ctor;
use super::ir::{Expr, ExprKind, Function, Stmt};
use super::types::Type;
use super::{Checked, Checker, Signature};
use crate::syntax::ast::{self, StmtKind};
use crate::syntax::source::Span;

impl Checker {
    /// Records the signatures of the anonymous block's methods (each with
    /// its file) and returns their function indexes. A method whose types do
    /// not resolve is still recorded (with `Object` in their place) so calls
    /// to it add no errors.
    pub(super) fn declare_functions(
        &mut self,
        methods: &[(usize, &ast::MethodDecl)],
    ) -> Vec<usize> {
        methods
            .iter()
            .map(|&(file, m)| {
                self.file = file;
                self.declare_method(None, m, true)
            })
            .collect()
    }

    /// Checks the anonymous block's method bodies.
    pub(super) fn function_bodies(
        &mut self,
        methods: &[(usize, &ast::MethodDecl)],
        indexes: &[usize],
    ) -> Vec<(usize, Function)> {
        methods
            .iter()
            .zip(indexes)
            .map(|(&(file, m), &i)| {
                self.file = file;
                (i, self.method_body(i, m, None, None))
            })
            .collect()
    }

    /// Checks one method or constructor body in a fresh frame: the block's
    /// locals are not visible inside methods. Instance code gets `this` in
    /// slot 0; a constructor's prologue runs before its body.
    pub(super) fn method_body(
        &mut self,
        index: usize,
        m: &ast::MethodDecl,
        class: Option<usize>,
        ctor: Option<Ctor<'_>>,
    ) -> Function {
        let stmts = m.body.as_deref().unwrap_or_default();
        let (params, body) = self.in_frame(index, class, |c| {
            let types = c.functions[index].params.clone();
            for (p, ty) in m.params.iter().zip(types) {
                let _ = c.declare(&p.name, Some(ty));
            }
            let mut body = match ctor {
                Some(ctor) => c
                    .prologue(ctor.class, ctor.first, &ctor.span)
                    .unwrap_or_default(),
                None => Vec::new(),
            };
            body.extend(c.block(stmts));
            body
        });
        let ret = self.functions[index].ret.clone();
        if ret != Type::Void && m.body.is_some() && !always_returns(stmts) {
            let msg = format!("Missing return statement required return type: {ret}");
            self.error(msg, &m.name.span, "can end without returning a value");
        }
        let name = match class {
            Some(c) if self.functions[index].is_ctor => {
                format!("Class.{}.<init>", self.classes[c].name)
            }
            Some(c) => format!("Class.{}.{}", self.classes[c].name, m.name.name),
            // Methods of the anonymous block report as the block itself,
            // also when kept from an earlier REPL entry (another file).
            None => "AnonymousBlock".to_string(),
        };
        Function {
            name,
            file: self.file,
            params,
            slots: self.last_frame_slots,
            body,
        }
    }

    /// Runs `check` in a fresh frame for function `index`, declaring `this`
    /// first for instance code; returns the frame's parameter count
    /// (`this` included) and what `check` built.
    pub(super) fn in_frame<T>(
        &mut self,
        index: usize,
        class: Option<usize>,
        check: impl FnOnce(&mut Checker) -> T,
    ) -> (usize, T) {
        let saved_scopes = mem::take(&mut self.scopes);
        let saved_slots = mem::replace(&mut self.slots, 0);
        let saved_loops = mem::replace(&mut self.loop_depth, 0);
        let saved_ret = self.ret.replace(self.functions[index].ret.clone());
        let is_static = self.functions[index].is_static;
        let saved_class = mem::replace(&mut self.class, class);
        let saved_static = mem::replace(&mut self.static_ctx, is_static);
        self.scopes.push(Default::default());
        if let (Some(c), false) = (class, is_static) {
            let this = ast::Ident {
                name: ast::Name::new("this"),
                span: 0..0,
            };
            let ty = Type::Class(self.classes[c].reference(c));
            let _ = self.declare(&this, Some(ty));
        }
        let params =
            self.functions[index].params.len() + usize::from(class.is_some() && !is_static);
        let out = check(self);
        self.scopes = saved_scopes;
        self.ret = saved_ret;
        self.loop_depth = saved_loops;
        self.class = saved_class;
        self.static_ctx = saved_static;
        self.last_frame_slots = mem::replace(&mut self.slots, saved_slots);
        (params, out)
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
            f.owner.is_none()
                && f.name == method.name
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
