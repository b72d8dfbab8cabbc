//! Checking statements: declarations, DML, control flow.

use super::ir::{Catch, Expr, ExprKind, Stmt, TriggerVar};
use super::types::Type;
use super::{Checked, Checker, Reported};
use crate::data::schema::ObjectDef;
use crate::syntax::ast::{self, DmlOp, StmtKind};

impl Checker {
    /// Checks statements in a new scope, keeping those that check cleanly.
    /// When compiling for coverage, each statement of a class file is
    /// preceded by the [`Stmt::Covered`] mark that counts its runs.
    pub(super) fn block(&mut self, stmts: &[ast::Stmt]) -> Vec<Stmt> {
        self.scopes.push(Default::default());
        let mut out = Vec::with_capacity(stmts.len());
        for s in stmts {
            let Ok(checked) = self.stmt(s) else { continue };
            out.extend(self.coverage_mark(s));
            out.push(checked);
        }
        self.scopes.pop();
        out
    }

    /// The coverage mark for `s`, when compiling for coverage and `s` is a
    /// statement of a class file other than a block.
    fn coverage_mark(&mut self, s: &ast::Stmt) -> Option<Stmt> {
        if !self.coverage || self.file == 0 || matches!(s.kind, StmtKind::Block(_)) {
            return None;
        }
        self.points.push((self.file, s.span.start));
        Some(Stmt::Covered(self.points.len() - 1))
    }

    pub(super) fn stmt(&mut self, s: &ast::Stmt) -> Checked<Stmt> {
        match &s.kind {
            StmtKind::Local { ty, vars } => self.local(ty, vars),
            StmtKind::Expr(e) => self.expr_stmt(e),
            StmtKind::Dml {
                op,
                target,
                upsert_key,
            } => self.dml(*op, target, upsert_key, s),
            StmtKind::Block(stmts) => Ok(Stmt::Block(self.block(stmts))),
            StmtKind::If {
                cond,
                then,
                otherwise,
            } => self.if_stmt(cond, then, otherwise),
            StmtKind::While { cond, body } => {
                let cond = self.condition(cond);
                let body = self.loop_body(body);
                Ok(Stmt::Loop {
                    cond: Some(cond?),
                    body: Box::new(body?),
                    update: Vec::new(),
                })
            }
            StmtKind::For {
                init,
                cond,
                update,
                body,
            } => self.for_stmt(init, cond, update, body),
            StmtKind::ForEach {
                ty,
                var,
                iterable,
                body,
            } => self.for_each(ty, var, iterable, body),
            StmtKind::Break | StmtKind::Continue if self.loop_depth == 0 => {
                let word = if matches!(s.kind, StmtKind::Break) {
                    "break"
                } else {
                    "continue"
                };
                let msg = format!("{word} must be in a loop");
                Err(self.error(msg, &s.span, "not inside a loop"))
            }
            StmtKind::Break => Ok(Stmt::Break),
            StmtKind::Continue => Ok(Stmt::Continue),
            StmtKind::Return(value) => self.return_stmt(value.as_ref(), &s.span),
            StmtKind::DoWhile { body, cond } => {
                let body = self.loop_body(body);
                let cond = self.condition(cond);
                Ok(Stmt::DoWhile {
                    body: Box::new(body?),
                    cond: cond?,
                })
            }
            StmtKind::Throw(e) => self.throw(e),
            StmtKind::Try {
                body,
                catches,
                finally,
            } => self.try_stmt(body, catches, finally),
            StmtKind::Switch { subject, whens } => self.switch(subject, whens),
            StmtKind::RunAs { user, body } => self.run_as(user, body, &s.span),
        }
    }

    /// `Type a = x, b;`: each declarator is checked before it is in scope, so
    /// `Integer x = x;` refers to nothing.
    fn local(
        &mut self,
        ty: &ast::TypeRef,
        vars: &[(ast::Ident, Option<ast::Expr>)],
    ) -> Checked<Stmt> {
        // A declaration that fails still declares its names, poisoned, so
        // their later uses add no errors of their own.
        let Ok(ty) = self.resolve_type(ty) else {
            for (name, _) in vars {
                let _ = self.declare(name, None);
            }
            return Err(Reported);
        };
        let mut stmts = Vec::with_capacity(vars.len());
        let mut failed = false;
        for (name, init) in vars {
            let init = match init {
                Some(e) => self.expr_as(e, &ty).map(Some),
                None => Ok(None),
            };
            let slot = self.declare(name, Some(ty.clone()));
            match (init, slot) {
                (Ok(init), Ok(slot)) => stmts.push(Stmt::Local { slot, init }),
                _ => failed = true,
            }
        }
        if failed {
            return Err(Reported);
        }
        Ok(if stmts.len() == 1 {
            stmts.remove(0)
        } else {
            Stmt::Block(stmts)
        })
    }

    fn expr_stmt(&mut self, e: &ast::Expr) -> Checked<Stmt> {
        use ast::ExprKind as E;
        let allowed = match &e.kind {
            E::Assign { .. } | E::Call { .. } | E::New { .. } => true,
            E::Unary { op, .. } => matches!(
                op,
                ast::UnaryOp::PreInc
                    | ast::UnaryOp::PreDec
                    | ast::UnaryOp::PostInc
                    | ast::UnaryOp::PostDec
            ),
            _ => false,
        };
        if !allowed {
            return Err(self.error(
                "Expression cannot be a statement.",
                &e.span,
                "has no effect",
            ));
        }
        Ok(Stmt::Expr(self.expr(e)?))
    }

    fn dml(
        &mut self,
        op: DmlOp,
        target: &ast::Expr,
        upsert_key: &Option<ast::Ident>,
        s: &ast::Stmt,
    ) -> Checked<Stmt> {
        let target = self.expr(target)?;
        if let ExprKind::TriggerVar(TriggerVar::New | TriggerVar::Old) = target.kind {
            let msg = "DML statement cannot operate on trigger.new or trigger.old";
            let label = "the DML that fired the trigger saves these records";
            return Err(self.error(msg, &target.span, label));
        }
        let object = match &target.ty {
            Type::SObject(o) => *o,
            Type::List(t) => match **t {
                Type::SObject(o) => o,
                _ => return Err(self.dml_type_error(op, &target.ty, &target.span)),
            },
            _ => return Err(self.dml_type_error(op, &target.ty, &target.span)),
        };
        if let Some(msg) = object.and_then(|o| dml_refusal(op, o)) {
            return Err(self.error(msg, &s.span, "not allowed on this object"));
        }
        let key = match upsert_key {
            Some(field) => self.upsert_key(object, field)?,
            None => None,
        };
        Ok(Stmt::Dml {
            op,
            target,
            key,
            span: s.span.clone(),
        })
    }

    /// The matching field of `upsert records Field;`: a field of the
    /// records' concrete object with the idLookup property. Matching on `Id`
    /// is plain upsert, so it resolves to no key.
    fn upsert_key(
        &mut self,
        object: Option<&'static ObjectDef>,
        field: &ast::Ident,
    ) -> Checked<Option<usize>> {
        let Some(object) = object else {
            // The platform's wording for a generic list here is not known;
            // this text is a guess.
            let msg = "Upsert with a field specification requires a concrete SObject type";
            return Err(self.error(msg, &field.span, "the list's type is SObject"));
        };
        let Some((index, def)) = object.field(field.name.folded()) else {
            let msg = format!("Invalid field {} for {}", field.name, object.name);
            return Err(self.error(msg, &field.span, "no such field"));
        };
        if index == 0 {
            return Ok(None);
        }
        if !def.id_lookup {
            let msg = format!(
                "Invalid field for upsert, must be an External Id custom or standard \
                 indexed field: {}",
                def.name
            );
            return Err(self.error(msg, &field.span, "not an external Id or idLookup field"));
        }
        Ok(Some(index))
    }

    /// `System.runAs(user) { ... }` takes a `User` record. The platform's
    /// `runAs(Version)` form for package tests is not supported.
    fn run_as(
        &mut self,
        user: &ast::Expr,
        body: &[ast::Stmt],
        span: &crate::syntax::source::Span,
    ) -> Checked<Stmt> {
        let user = self.expr(user)?;
        if !matches!(&user.ty, Type::SObject(Some(o)) if o.name == "User") {
            let msg = format!(
                "Method does not exist or incorrect signature: void runAs({}) from the type System",
                user.ty
            );
            return Err(self.error(msg, &user.span, "System.runAs takes a User"));
        }
        let body = self.block(body);
        Ok(Stmt::RunAs {
            user,
            body,
            span: span.clone(),
        })
    }

    fn dml_type_error(
        &mut self,
        op: DmlOp,
        ty: &Type,
        span: &crate::syntax::source::Span,
    ) -> super::Reported {
        let msg = format!("DML requires SObject or SObject list type: {ty}",);
        let label = format!(
            "{} needs a record or a list of records",
            op.title().to_lowercase()
        );
        self.error(msg, span, &label)
    }

    fn if_stmt(
        &mut self,
        cond: &ast::Expr,
        then: &ast::Stmt,
        otherwise: &Option<Box<ast::Stmt>>,
    ) -> Checked<Stmt> {
        let cond = self.condition(cond);
        let then = self.scoped(then);
        let otherwise = match otherwise {
            Some(s) => Some(Box::new(self.scoped(s)?)),
            None => None,
        };
        Ok(Stmt::If {
            cond: cond?,
            then: Box::new(then?),
            otherwise,
        })
    }

    /// A statement in its own scope, as the body of `if` or a loop is
    /// (`else if` too), with its coverage mark when it is not a block.
    fn scoped(&mut self, s: &ast::Stmt) -> Checked<Stmt> {
        self.scopes.push(Default::default());
        let out = self.stmt(s);
        self.scopes.pop();
        match self.coverage_mark(s) {
            Some(mark) => Ok(Stmt::Block(vec![mark, out?])),
            None => out,
        }
    }

    fn loop_body(&mut self, body: &ast::Stmt) -> Checked<Stmt> {
        self.loop_depth += 1;
        let out = self.scoped(body);
        self.loop_depth -= 1;
        out
    }

    fn for_stmt(
        &mut self,
        init: &Option<Box<ast::Stmt>>,
        cond: &Option<ast::Expr>,
        update: &[ast::Expr],
        body: &ast::Stmt,
    ) -> Checked<Stmt> {
        self.scopes.push(Default::default());
        let out = self.for_parts(init, cond, update, body);
        self.scopes.pop();
        out
    }

    fn for_parts(
        &mut self,
        init: &Option<Box<ast::Stmt>>,
        cond: &Option<ast::Expr>,
        update: &[ast::Expr],
        body: &ast::Stmt,
    ) -> Checked<Stmt> {
        let init = match init {
            Some(s) => Some(self.stmt(s)?),
            None => None,
        };
        let cond = match cond {
            Some(c) => Some(self.condition(c)?),
            None => None,
        };
        let update = update
            .iter()
            .map(|u| self.expr(u))
            .collect::<Checked<Vec<_>>>()?;
        let body = Box::new(self.loop_body(body)?);
        let looped = Stmt::Loop { cond, body, update };
        Ok(match init {
            Some(init) => Stmt::Block(vec![init, looped]),
            None => looped,
        })
    }

    fn for_each(
        &mut self,
        ty: &ast::TypeRef,
        var: &ast::Ident,
        iterable: &ast::Expr,
        body: &ast::Stmt,
    ) -> Checked<Stmt> {
        let var_ty = self.resolve_type(ty)?;
        let iterable = query_batches(self.expr(iterable)?, &var_ty);
        let element = match &iterable.ty {
            Type::List(t) | Type::Set(t) => (**t).clone(),
            other => {
                let msg = format!("Loop must iterate over collection: {other}");
                return Err(self.error(msg, &iterable.span, "not a list"));
            }
        };
        if !var_ty.accepts(&element) {
            let msg = format!("Loop variable must be of type {element}");
            return Err(self.error(msg, &ty.span, "does not match the elements"));
        }
        self.scopes.push(Default::default());
        let slot = self.declare(var, Some(var_ty));
        let body = self.loop_body(body);
        self.scopes.pop();
        Ok(Stmt::ForEach {
            slot: slot?,
            iterable,
            body: Box::new(body?),
        })
    }

    fn throw(&mut self, e: &ast::Expr) -> Checked<Stmt> {
        let value = self.expr(e)?;
        if !matches!(value.ty, Type::Exception(_)) {
            let msg = format!("Throw expression must be of type Exception: {}", value.ty);
            return Err(self.error(msg, &e.span, "not an exception"));
        }
        Ok(Stmt::Throw(value))
    }

    fn try_stmt(
        &mut self,
        body: &[ast::Stmt],
        catches: &[ast::Catch],
        finally: &Option<Vec<ast::Stmt>>,
    ) -> Checked<Stmt> {
        let body = self.block(body);
        let mut out = Vec::with_capacity(catches.len());
        let mut failed = false;
        for c in catches {
            match self.catch(c) {
                Ok(c) => out.push(c),
                Err(Reported) => failed = true,
            }
        }
        let finally = finally.as_ref().map(|f| self.block(f));
        if failed {
            return Err(Reported);
        }
        Ok(Stmt::Try {
            body,
            catches: out,
            finally,
        })
    }

    fn catch(&mut self, c: &ast::Catch) -> Checked<Catch> {
        let ty = self.resolve_type(&c.ty)?;
        let Type::Exception(type_name) = ty else {
            let msg = format!("Catch block variable must be of type exception: {ty}");
            return Err(self.error(msg, &c.ty.span, "not an exception type"));
        };
        self.scopes.push(Default::default());
        let slot = self.declare(&c.var, Some(ty));
        let body = self.block(&c.body);
        self.scopes.pop();
        Ok(Catch {
            type_name,
            slot: slot?,
            body,
        })
    }

    /// A condition of `if`, `while` or `for`: must be Boolean.
    fn condition(&mut self, e: &ast::Expr) -> Checked<super::ir::Expr> {
        let cond = self.expr(e)?;
        if cond.ty != Type::Boolean {
            let msg = format!("Condition expression must be of type Boolean: {}", cond.ty);
            return Err(self.error(msg, &e.span, "not a Boolean"));
        }
        Ok(cond)
    }
}

/// `for (List<Account> batch : [SELECT ...])` walks the rows in lists of 200.
/// A `Database.query` loop takes the loop variable's row type.
fn query_batches(iterable: Expr, var_ty: &Type) -> Expr {
    let iterable = match var_ty {
        Type::List(_) => super::expr::retype_dynamic(iterable, var_ty),
        _ => super::expr::retype_dynamic(iterable, &Type::List(Box::new(var_ty.clone()))),
    };
    let is_query = matches!(
        iterable.kind,
        ExprKind::Soql { count: false, .. } | ExprKind::DynamicSoql { count: false, .. }
    );
    match (&iterable.ty, var_ty) {
        (Type::List(_), Type::List(_)) if is_query => {
            let ty = Type::List(Box::new(iterable.ty.clone()));
            let span = iterable.span.clone();
            Expr {
                kind: ExprKind::Batches(Box::new(iterable)),
                ty,
                span,
            }
        }
        _ => iterable,
    }
}

/// The compile error for DML the platform never allows on an object, for
/// the statements and the `Database` methods alike: users are deactivated,
/// never deleted; profiles, licenses, the organization and delegated
/// administration are setup data that DML cannot touch at all.
pub(crate) fn dml_refusal(op: DmlOp, object: &ObjectDef) -> Option<String> {
    let refused = match object.name {
        "User" => matches!(op, DmlOp::Delete | DmlOp::Undelete),
        "Profile" | "UserLicense" | "Organization" | "DelegateGroup" | "DelegateGroupMember" => {
            true
        }
        _ => false,
    };
    let op_name = op.title().to_uppercase();
    refused.then(|| format!("DML operation {op_name} not allowed on {}", object.name))
}
