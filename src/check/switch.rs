//! Checking `switch on`: the subject's type, each `when` clause's values or
//! type, and `when else` coming last.

use super::ir::{Arm, ArmTest, ExprKind, Stmt};
use super::types::Type;
use super::{Checked, Checker, Reported};
use crate::syntax::ast::{self, WhenKind};

impl Checker {
    pub(super) fn switch(&mut self, subject: &ast::Expr, whens: &[ast::When]) -> Checked<Stmt> {
        let subject = self.expr(subject)?;
        let switchable = matches!(
            subject.ty,
            Type::Integer
                | Type::Long
                | Type::String
                | Type::Id
                | Type::SObject(_)
                | Type::Class(_)
                | Type::Native(crate::check::types::Native::TriggerOperation)
        );
        if !switchable {
            let msg = format!(
                "Switch expression must be of type Integer, Long, String, \
                 SObject or an enum: {}",
                subject.ty
            );
            return Err(self.error(msg, &subject.span, "cannot be switched on"));
        }
        let saved_seen = std::mem::take(&mut self.when_seen);
        let mut arms = Vec::with_capacity(whens.len());
        let mut otherwise = None;
        let mut failed = false;
        for (i, w) in whens.iter().enumerate() {
            if otherwise.is_some() || (matches!(w.kind, WhenKind::Else) && i + 1 != whens.len()) {
                self.error(
                    "'when else' must be the last when block",
                    &w.span,
                    "must come last",
                );
                failed = true;
                continue;
            }
            match self.when(&subject.ty, w) {
                Ok(Some(arm)) => arms.push(arm),
                Ok(None) => otherwise = Some(self.block(&w.body)),
                Err(Reported) => failed = true,
            }
        }
        self.when_seen = saved_seen;
        if failed {
            return Err(Reported);
        }
        Ok(Stmt::Switch {
            subject,
            arms,
            otherwise,
        })
    }

    /// One clause; `None` for `when else`.
    fn when(&mut self, subject: &Type, w: &ast::When) -> Checked<Option<Arm>> {
        let test = match &w.kind {
            WhenKind::Else => return Ok(None),
            WhenKind::Values(values) => {
                let values = values
                    .iter()
                    .map(|v| self.when_value(subject, v))
                    .collect::<Checked<Vec<_>>>()?;
                for v in &values {
                    if let ExprKind::Const(c) = &v.kind {
                        if self.when_seen.contains(c) {
                            let msg = "Duplicate when value";
                            return Err(self.error(msg, &v.span, "already matched above"));
                        }
                        self.when_seen.push(c.clone());
                    }
                }
                ArmTest::Values(values)
            }
            WhenKind::Type { ty, var } => {
                let Type::SObject(Some(object)) = self.resolve_type(ty)? else {
                    let msg = "Type when clauses must name an sObject type";
                    return Err(self.error(msg, &ty.span, "not an sObject type"));
                };
                self.scopes.push(Default::default());
                let slot = self.declare(var, Some(Type::SObject(Some(object))));
                let body = self.block(&w.body);
                self.scopes.pop();
                return Ok(Some(Arm {
                    test: ArmTest::Type {
                        object,
                        slot: slot?,
                    },
                    body,
                }));
            }
        };
        Ok(Some(Arm {
            test,
            body: self.block(&w.body),
        }))
    }

    fn when_value(&mut self, subject: &Type, v: &ast::Expr) -> Checked<super::ir::Expr> {
        if let Some(constant) = self.when_enum(subject, v) {
            return constant;
        }
        if let Some(constant) = self.when_operation(subject, v) {
            return constant;
        }
        let value = self.expr_as(v, subject)?;
        if !matches!(value.kind, ExprKind::Const(_) | ExprKind::Convert { .. }) {
            let msg = "When expressions must be literals or enum values";
            return Err(self.error(msg, &v.span, "not a constant"));
        }
        Ok(value)
    }
}
