//! `x instanceof T` and `(T) x`: what the checker proves about a value's type
//! and the run-time test it leaves for the rest.
//!
//! The compile errors follow the platform compiler's wording as commonly
//! reported ("Operation instanceof is always true since an instance of ...",
//! "Incompatible types since an instance of ... is never an instance of ...").

use super::expr::typed;
use super::ir::{Expr, ExprKind};
use super::types::Type;
use super::{Checked, Checker};
use crate::syntax::ast;
use crate::syntax::source::Span;

impl Checker {
    /// `x instanceof T`: refused when the answer is known at compile time.
    pub(super) fn instance_of(
        &mut self,
        value: &ast::Expr,
        ty: &ast::TypeRef,
        span: &Span,
    ) -> Checked<Expr> {
        let value = self.expr(value)?;
        let target = self.resolve_type(ty)?;
        if value.ty != Type::Null && value.ty != Type::Object && target.accepts(&value.ty) {
            let msg = format!(
                "Operation instanceof is always true since an instance of {} is always an \
                 instance of {target}",
                value.ty
            );
            return Err(self.error(msg, span, "always true"));
        }
        if never_related(&value.ty, &target) {
            let msg = format!(
                "Operation instanceof is always false since an instance of {} is never an \
                 instance of {target}",
                value.ty
            );
            return Err(self.error(msg, span, "always false"));
        }
        let kind = ExprKind::InstanceOf(Box::new(value), target);
        Ok(typed(kind, Type::Boolean, span))
    }

    /// `(T) x`: a widening cast converts at compile time; a narrowing one
    /// checks the value's run-time type; unrelated types are refused.
    pub(super) fn cast(
        &mut self,
        ty: &ast::TypeRef,
        value: &ast::Expr,
        span: &Span,
    ) -> Checked<Expr> {
        let value = self.expr(value)?;
        let target = self.resolve_type(ty)?;
        if target.accepts(&value.ty) {
            let mut converted = self.convert(value, &target)?;
            converted.ty = target;
            converted.span = span.clone();
            return Ok(converted);
        }
        if never_related(&value.ty, &target) || !value.ty.accepts(&target) {
            let msg = format!(
                "Incompatible types since an instance of {} is never an instance of {target}",
                value.ty
            );
            return Err(self.error(msg, span, "cannot be cast"));
        }
        Ok(typed(ExprKind::Cast(Box::new(value)), target, span))
    }
}

/// True when no value can have both types: two different built-in value
/// types, or two different concrete sObject types.
fn never_related(a: &Type, b: &Type) -> bool {
    let scalar = |t: &Type| {
        matches!(
            t,
            Type::Boolean
                | Type::Integer
                | Type::Long
                | Type::Double
                | Type::Decimal
                | Type::String
                | Type::Id
                | Type::Date
                | Type::Datetime
        )
    };
    match (a, b) {
        (Type::SObject(Some(x)), Type::SObject(Some(y))) => !std::ptr::eq(*x, *y),
        // `Object` accepts every type, so it is never unrelated.
        (x, y) if scalar(x) || scalar(y) => !(x.accepts(y) || y.accepts(x)),
        _ => false,
    }
}
