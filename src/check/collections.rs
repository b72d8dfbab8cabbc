//! Checking `new` for lists, sets and maps.

use super::ir::{Collection, Expr, ExprKind};
use super::types::Type;
use super::{Checked, Checker};
use crate::syntax::ast::{self, NewInit};
use crate::syntax::source::Span;

impl Checker {
    /// `new List<T>()`, `{...}`, `(other)`, `new T[n]` and the Set and Map forms.
    pub(super) fn new_collection(
        &mut self,
        ty: &Type,
        init: &NewInit,
        span: &Span,
    ) -> Checked<Expr> {
        let kind = match (ty, init) {
            (Type::List(_), NewInit::Args(a)) if a.is_empty() => ExprKind::NewList(Vec::new()),
            (Type::Set(_), NewInit::Args(a)) if a.is_empty() => ExprKind::NewSet(Vec::new()),
            (Type::Map(..), NewInit::Args(a)) if a.is_empty() => ExprKind::NewMap(Vec::new()),
            (Type::List(elem), NewInit::Elements(items)) => {
                ExprKind::NewList(self.elements(items, elem)?)
            }
            (Type::Set(elem), NewInit::Elements(items)) => {
                ExprKind::NewSet(self.elements(items, elem)?)
            }
            (Type::Map(k, v), NewInit::Pairs(pairs)) => {
                let mut out = Vec::with_capacity(pairs.len());
                for (key, value) in pairs {
                    out.push((self.expr_as(key, k)?, self.expr_as(value, v)?));
                }
                ExprKind::NewMap(out)
            }
            (Type::Map(..), NewInit::Elements(items)) if items.is_empty() => {
                ExprKind::NewMap(Vec::new())
            }
            (_, NewInit::Args(args)) if args.len() == 1 => self.copy_from(ty, &args[0])?,
            (Type::List(_), NewInit::ArraySize(n)) => {
                ExprKind::NewArray(Box::new(self.expr_as(n, &Type::Integer)?))
            }
            _ => {
                let msg = format!("Constructor not defined: [{ty}].<Constructor>");
                return Err(self.error(msg, span, "no such constructor"));
            }
        };
        Ok(Expr {
            kind,
            ty: ty.clone(),
            span: span.clone(),
        })
    }

    fn elements(&mut self, items: &[ast::Expr], elem: &Type) -> Checked<Vec<Expr>> {
        items.iter().map(|i| self.expr_as(i, elem)).collect()
    }

    /// A collection made from one argument: another collection of the same
    /// element type, or (for `Map<Id, T>`) a list of records.
    fn copy_from(&mut self, ty: &Type, arg: &ast::Expr) -> Checked<ExprKind> {
        let source = self.expr(arg)?;
        let fits = match (ty, &source.ty) {
            (Type::List(e) | Type::Set(e), Type::List(s) | Type::Set(s)) => {
                Type::List(e.clone()).accepts(&Type::List(s.clone()))
            }
            (Type::Map(..), Type::Map(..)) => ty.accepts(&source.ty),
            (Type::Map(k, v), Type::List(s)) if **k == Type::Id => {
                matches!(**s, Type::SObject(_)) && v.accepts(s)
            }
            _ => false,
        };
        if !fits {
            let msg = format!(
                "Constructor not defined: [{ty}].<Constructor>({})",
                source.ty
            );
            return Err(self.error(msg, &source.span, "cannot fill the collection from this"));
        }
        let into = match ty {
            Type::Map(..) if matches!(source.ty, Type::List(_)) => {
                return Ok(ExprKind::MapByIds(Box::new(source)));
            }
            Type::Map(..) => Collection::Map,
            Type::Set(_) => Collection::Set,
            _ => Collection::List,
        };
        Ok(ExprKind::Copy {
            source: Box::new(source),
            into,
        })
    }
}
