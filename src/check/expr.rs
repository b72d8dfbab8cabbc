//! Checking expressions: typing, conversions, places, fields and built-in calls.

use std::rc::Rc;

use rust_decimal::Decimal;

use super::ir::{Arith, BinOp, Bitwise, Const, Conversion, Expr, ExprKind, Ordering, Place};
use super::types::{Native, Type};
use super::{Checked, Checker, Local, Reported};
use crate::data::schema::{ObjectDef, child_relationship};
use crate::interp::exception::{ASSERT, LIMIT};
use crate::stdlib::{self, Signature};
use crate::syntax::ast::{self, BinaryOp, ExprKind as E, Literal, NewInit, UnaryOp};
use crate::syntax::source::Span;

/// An expression of a known type.
pub(super) fn typed(kind: ExprKind, ty: Type, span: &Span) -> Expr {
    Expr {
        kind,
        ty,
        span: span.clone(),
    }
}

impl Checker {
    /// Checks an expression and works out its type.
    pub(super) fn expr(&mut self, e: &ast::Expr) -> Checked<Expr> {
        let span = &e.span;
        match &e.kind {
            E::Literal(lit) => self.literal(lit, span),
            E::Name(ident) => self.name(ident),
            E::Field {
                target,
                field,
                safe,
            } => self.field(target, field, *safe, span),
            E::Call {
                target,
                method,
                args,
                safe: _,
            } => self.call(target.as_deref(), method, args, span),
            E::Index { target, index } => self.index(target, index, span),
            E::New { ty, init } => self.new_expr(ty, init, span),
            E::Unary { op, expr } => self.unary(*op, expr, span),
            E::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, span),
            E::Assign { target, op, value } => self.assign(target, *op, value, span),
            E::Ternary {
                cond,
                then,
                otherwise,
            } => self.ternary(cond, then, otherwise, span),
            E::Soql(q) => self.soql(q, span),
            E::Cast { ty, expr } => self.cast(ty, expr, span),
            E::InstanceOf { expr, ty } => self.instance_of(expr, ty, span),
            E::Sosl(_) => Err(self.unsupported("SOSL searches", span)),
        }
    }

    /// A construct the parser accepts but this runtime cannot run yet.
    pub(super) fn unsupported(&mut self, what: &str, span: &Span) -> Reported {
        let msg = format!("apexlite does not support {what} yet");
        self.error(msg, span, "not supported yet")
    }

    /// Checks an expression used where a value of type `to` is expected, and
    /// inserts the conversion the assignment implies.
    pub(super) fn expr_as(&mut self, e: &ast::Expr, to: &Type) -> Checked<Expr> {
        let expr = self.expr(e)?;
        self.convert(expr, to)
    }

    pub(super) fn convert(&mut self, expr: Expr, to: &Type) -> Checked<Expr> {
        let expr = retype_dynamic(expr, to);
        if is_query(&expr)
            && matches!(to, Type::SObject(_) | Type::Native(Native::AggregateResult))
            && let Type::List(elem) = &expr.ty
            && to.accepts(elem)
        {
            let span = expr.span.clone();
            return Ok(typed(
                ExprKind::SingleRow(Box::new(expr)),
                to.clone(),
                &span,
            ));
        }
        if !to.accepts(&expr.ty) {
            let msg = format!("Illegal assignment from {} to {}", expr.ty, to);
            return Err(self.error(msg, &expr.span, &format!("this is {}", expr.ty)));
        }
        let conversion = match (to, &expr.ty) {
            (_, Type::Null) => None,
            (Type::Long, Type::Integer) => Some(Conversion::ToLong),
            (Type::Double, t) if *t != Type::Double => Some(Conversion::ToDouble),
            (Type::Decimal, t) if *t != Type::Decimal => Some(Conversion::ToDecimal),
            (Type::Id, Type::String) => Some(Conversion::ToId),
            (Type::String, Type::Id) => Some(Conversion::IdToString),
            _ => None,
        };
        Ok(match conversion {
            Some(c) if let Some(folded) = fold_conversion(&expr, c) => {
                typed(ExprKind::Const(folded), to.clone(), &expr.span)
            }
            Some(c) => {
                let span = expr.span.clone();
                typed(
                    ExprKind::Convert {
                        expr: Box::new(expr),
                        to: c,
                    },
                    to.clone(),
                    &span,
                )
            }
            None => expr,
        })
    }

    fn literal(&mut self, lit: &Literal, span: &Span) -> Checked<Expr> {
        let (c, ty) = match lit {
            Literal::Null => (Const::Null, Type::Null),
            Literal::Bool(b) => (Const::Bool(*b), Type::Boolean),
            Literal::Integer(i) => (Const::Int(*i), Type::Integer),
            Literal::Long(i) => (Const::Long(*i), Type::Long),
            Literal::Double(d) => (Const::Double(*d), Type::Double),
            Literal::String(s) => (Const::String(Rc::from(s.as_str())), Type::String),
            Literal::Decimal(text) => match text.parse::<Decimal>() {
                Ok(d) => (Const::Decimal(d), Type::Decimal),
                Err(_) => {
                    let msg = format!("Invalid decimal: {text}");
                    return Err(self.error(msg, span, "out of range"));
                }
            },
        };
        Ok(typed(ExprKind::Const(c), ty, span))
    }

    fn name(&mut self, ident: &ast::Ident) -> Checked<Expr> {
        match self.lookup(&ident.name) {
            Some(Local { slot, ty: Some(ty) }) => {
                Ok(typed(ExprKind::Local(*slot), ty.clone(), &ident.span))
            }
            Some(Local { ty: None, .. }) => Err(Reported),
            None => {
                if let Some(found) = self.class_name_ref(ident) {
                    return found;
                }
                let msg = format!("Variable does not exist: {}", ident.name);
                Err(self.error(msg, &ident.span, "not declared"))
            }
        }
    }

    /// Resolves `target.field` on an sObject to the field's index.
    fn field_of(
        &mut self,
        target: &Expr,
        field: &ast::Ident,
    ) -> Checked<(&'static ObjectDef, usize)> {
        let object = match &target.ty {
            Type::SObject(Some(o)) => *o,
            Type::SObject(None) => {
                let msg = "Field expression not allowed for generic SObject";
                return Err(self.error(msg, &field.span, "cast to a concrete type first"));
            }
            other => {
                let msg = format!("Variable does not exist: {}", field.name);
                let label = format!("{other} has no field of that name");
                return Err(self.error(msg, &field.span, &label));
            }
        };
        match object.field_index(field.name.folded()) {
            Some(i) => Ok((object, i)),
            None => {
                let msg = format!("Invalid field {} for {}", field.name, object.name);
                Err(self.error(msg, &field.span, "no such field"))
            }
        }
    }

    fn field(
        &mut self,
        target: &ast::Expr,
        field: &ast::Ident,
        safe: bool,
        span: &Span,
    ) -> Checked<Expr> {
        if let Some(var) = self.trigger_var(target, field, span) {
            return var;
        }
        if let Some(c) = self.static_constant(target, field)? {
            return Ok(c);
        }
        if let Some(member) = self.static_member(target, field) {
            return member;
        }
        let mut target = self.expr(target)?;
        if matches!(target.ty, Type::Class(_)) {
            return self.object_field(target, field, span);
        }
        if let Type::SObject(Some(object)) = target.ty
            && object.field_index(field.name.folded()).is_none()
            && let Some(children) = child_relationship(object, field.name.folded())
        {
            let ty = Type::List(Box::new(Type::SObject(Some(children.child))));
            let kind = ExprKind::Children {
                target: Box::new(target),
                name: children.name,
                object,
            };
            return Ok(typed(kind, ty, span));
        }
        if let Type::SObject(Some(object)) = target.ty
            && object.field_index(field.name.folded()).is_none()
            && let Some((index, parent)) = relationship(object, field.name.as_str())
        {
            let kind = ExprKind::Parent {
                target: Box::new(target),
                field: index,
                safe,
            };
            return Ok(typed(kind, Type::SObject(Some(parent)), span));
        }
        // `[SELECT Id FROM Profile LIMIT 1].Id` reads the query's only row.
        if is_query(&target)
            && let Type::List(row) = &target.ty
        {
            let (row, span) = ((**row).clone(), target.span.clone());
            target = typed(ExprKind::SingleRow(Box::new(target)), row, &span);
        }
        let (object, index) = self.field_of(&target, field)?;
        let ty = Type::of_field(object.fields[index].ty);
        let kind = ExprKind::Field {
            target: Box::new(target),
            field: index,
            safe,
        };
        Ok(typed(kind, ty, span))
    }

    /// `StatusCode.REQUIRED_FIELD_MISSING` and `RoundingMode.HALF_UP` (also
    /// with `System.`), unless a local hides the class name.
    fn static_constant(&mut self, target: &ast::Expr, field: &ast::Ident) -> Checked<Option<Expr>> {
        let class = match &target.kind {
            E::Name(class) => class,
            E::Field {
                target: inner,
                field: class,
                ..
            } if matches!(&inner.kind, E::Name(ns) if ns.name.is("system")) => class,
            _ => return Ok(None),
        };
        if self.lookup(&class.name).is_some() {
            return Ok(None);
        }
        if class.name.is("roundingmode") {
            let name = field.name.as_str().to_ascii_uppercase();
            let Some(mode) = crate::stdlib::ROUNDING_MODES.iter().find(|m| **m == name) else {
                let msg = format!("Variable does not exist: {}", field.name);
                return Err(self.error(msg, &field.span, "not a rounding mode"));
            };
            let span = target.span.start..field.span.end;
            let ty = Type::Native(crate::check::types::Native::RoundingMode);
            return Ok(Some(typed(
                ExprKind::Const(Const::StatusCode(mode)),
                ty,
                &span,
            )));
        }
        if class.name.is("triggeroperation") {
            let span = target.span.start..field.span.end;
            return self.trigger_operation(field, &span).map(Some);
        }
        if !class.name.is("statuscode") {
            return Ok(None);
        }
        let Some(code) = crate::org::StatusCode::parse(field.name.as_str()) else {
            let msg = format!("Variable does not exist: {}", field.name);
            return Err(self.error(msg, &field.span, "not a status code apexlite knows"));
        };
        let span = target.span.start..field.span.end;
        let ty = Type::Native(crate::check::types::Native::StatusCode);
        Ok(Some(typed(
            ExprKind::Const(Const::StatusCode(code.as_str())),
            ty,
            &span,
        )))
    }

    fn index(&mut self, target: &ast::Expr, index: &ast::Expr, span: &Span) -> Checked<Expr> {
        let target = self.expr(target)?;
        let index = self.expr_as(index, &Type::Integer)?;
        let Type::List(elem) = &target.ty else {
            let msg = format!("Expression must be a list type: {}", target.ty);
            return Err(self.error(msg, &target.span, "not a list"));
        };
        let ty = (**elem).clone();
        Ok(typed(
            ExprKind::Index {
                target: Box::new(target),
                index: Box::new(index),
            },
            ty,
            span,
        ))
    }

    fn ternary(
        &mut self,
        c: &ast::Expr,
        a: &ast::Expr,
        b: &ast::Expr,
        span: &Span,
    ) -> Checked<Expr> {
        let c = self.expr_as(c, &Type::Boolean)?;
        let a = self.expr(a)?;
        let b = self.expr(b)?;
        let ty = if a.ty.accepts(&b.ty) {
            a.ty.clone()
        } else if b.ty.accepts(&a.ty) {
            b.ty.clone()
        } else {
            let msg = format!("Incompatible types in ternary operator: {}, {}", a.ty, b.ty);
            return Err(self.error(msg, span, "branches differ"));
        };
        let (a, b) = (self.convert(a, &ty)?, self.convert(b, &ty)?);
        Ok(typed(
            ExprKind::Ternary(Box::new(c), Box::new(a), Box::new(b)),
            ty,
            span,
        ))
    }

    fn unary(&mut self, op: UnaryOp, operand: &ast::Expr, span: &Span) -> Checked<Expr> {
        match op {
            UnaryOp::Not => {
                let e = self.expr_as(operand, &Type::Boolean)?;
                Ok(typed(ExprKind::Not(Box::new(e)), Type::Boolean, span))
            }
            UnaryOp::Neg | UnaryOp::Plus => {
                let e = self.expr(operand)?;
                if !e.ty.is_numeric() {
                    let msg = format!("Invalid type for unary operator: {}", e.ty);
                    return Err(self.error(msg, span, "needs a number"));
                }
                let ty = e.ty.clone();
                if op == UnaryOp::Plus {
                    return Ok(e);
                }
                Ok(typed(ExprKind::Neg(Box::new(e)), ty, span))
            }
            UnaryOp::BitNot => {
                let e = self.expr(operand)?;
                if !matches!(e.ty, Type::Integer | Type::Long) {
                    let msg = format!("Invalid type for unary operator: {}", e.ty);
                    return Err(self.error(msg, span, "needs an Integer or Long"));
                }
                let ty = e.ty.clone();
                Ok(typed(ExprKind::BitNot(Box::new(e)), ty, span))
            }
            UnaryOp::PreInc | UnaryOp::PreDec | UnaryOp::PostInc | UnaryOp::PostDec => {
                self.step(op, operand, span)
            }
        }
    }

    fn step(&mut self, op: UnaryOp, operand: &ast::Expr, span: &Span) -> Checked<Expr> {
        let (place, ty) = self.place(operand)?;
        if !ty.is_numeric() {
            let msg = format!("Invalid type for increment or decrement: {ty}");
            return Err(self.error(msg, span, "needs a number"));
        }
        let delta = if matches!(op, UnaryOp::PreInc | UnaryOp::PostInc) {
            1
        } else {
            -1
        };
        let postfix = matches!(op, UnaryOp::PostInc | UnaryOp::PostDec);
        Ok(typed(
            ExprKind::Step {
                place,
                delta,
                postfix,
            },
            ty,
            span,
        ))
    }

    /// Resolves the left side of an assignment to a place and its type.
    fn place(&mut self, target: &ast::Expr) -> Checked<(Place, Type)> {
        let expr = self.expr(target)?;
        let ty = expr.ty.clone();
        let place = match expr.kind {
            ExprKind::Local(slot) => Place::Local(slot),
            ExprKind::ObjField { target, index } => Place::ObjField { target, index },
            ExprKind::Static(index) => Place::Static(index),
            ExprKind::Prop { target, prop } => Place::Prop { target, prop },
            ExprKind::Index { target, index } => Place::Index { target, index },
            ExprKind::Field {
                target: record,
                field,
                ..
            } => {
                // The Id is writable in Apex: it names the record to update.
                if let Type::SObject(Some(object)) = record.ty {
                    let def = &object.fields[field];
                    if field != 0 && !def.createable && !def.updateable {
                        let msg = format!("Field is not writeable: {}.{}", object.name, def.name);
                        return Err(self.error(msg, &expr.span, "set by the platform"));
                    }
                }
                Place::Field {
                    target: record,
                    field,
                }
            }
            _ => {
                let msg = "Expression cannot be assigned";
                return Err(self.error(msg, &target.span, "not a variable"));
            }
        };
        Ok((place, ty))
    }

    fn assign(
        &mut self,
        target: &ast::Expr,
        op: Option<BinaryOp>,
        value: &ast::Expr,
        span: &Span,
    ) -> Checked<Expr> {
        let (place, ty) = self.place(target)?;
        let value = match op {
            // `a op= b` reads the place again: `a = a op b`. The target's
            // sub-expressions are therefore evaluated twice.
            Some(op) => {
                let combined = self.binary(op, target, value, span)?;
                self.convert(combined, &ty)?
            }
            None => self.expr_as(value, &ty)?,
        };
        Ok(typed(
            ExprKind::Assign {
                place,
                value: Box::new(value),
            },
            ty,
            span,
        ))
    }

    fn new_expr(&mut self, ty_ref: &ast::TypeRef, init: &NewInit, span: &Span) -> Checked<Expr> {
        let ty = self.resolve_type(ty_ref)?;
        match (&ty, init) {
            (Type::SObject(Some(object)), NewInit::Args(args)) if args.is_empty() => {
                let kind = ExprKind::NewSObject {
                    object,
                    fields: Vec::new(),
                };
                Ok(typed(kind, ty.clone(), span))
            }
            (Type::SObject(Some(object)), NewInit::Fields(fields)) => {
                let fields = self.new_fields(object, fields)?;
                Ok(typed(
                    ExprKind::NewSObject { object, fields },
                    ty.clone(),
                    span,
                ))
            }
            (Type::List(_) | Type::Set(_) | Type::Map(..), _) => {
                self.new_collection(&ty, init, span)
            }
            (Type::Exception(name), NewInit::Args(args)) => self.new_exception(name, args, span),
            (Type::Class(c), NewInit::Args(args)) => self.new_object(c.id, args, span),
            _ => {
                let msg = format!("Constructor not defined: [{ty}].<Constructor>");
                Err(self.error(msg, span, "no such constructor"))
            }
        }
    }

    /// `new DmlException()`, `(message)`, `(cause)` or `(message, cause)`.
    fn new_exception(
        &mut self,
        name: &'static str,
        args: &[ast::Expr],
        span: &Span,
    ) -> Checked<Expr> {
        if name == LIMIT || name == ASSERT {
            let msg = format!("Type cannot be constructed: {name}");
            return Err(self.error(msg, span, "thrown only by the platform"));
        }
        let args = args
            .iter()
            .map(|a| self.expr(a))
            .collect::<Checked<Vec<_>>>()?;
        let fits = match args.as_slice() {
            [] => true,
            [a] => matches!(a.ty, Type::String | Type::Null | Type::Exception(_)),
            [m, c] => {
                matches!(m.ty, Type::String | Type::Null)
                    && matches!(c.ty, Type::Exception(_) | Type::Null)
            }
            _ => false,
        };
        if !fits {
            let msg = format!(
                "Constructor not defined: [{name}].<Constructor>({})",
                arg_types(&args)
            );
            return Err(self.error(msg, span, "no such constructor"));
        }
        let kind = ExprKind::NewException {
            type_name: name,
            args,
        };
        Ok(typed(kind, Type::Exception(name), span))
    }

    fn new_fields(
        &mut self,
        object: &'static ObjectDef,
        fields: &[(ast::Ident, ast::Expr)],
    ) -> Checked<Vec<(usize, Expr)>> {
        let mut out = Vec::with_capacity(fields.len());
        for (name, value) in fields {
            let Some((index, def)) = object.field(name.name.folded()) else {
                let msg = format!("Invalid field {} for {}", name.name, object.name);
                return Err(self.error(msg, &name.span, "no such field"));
            };
            if index != 0 && !def.createable && !def.updateable {
                let msg = format!("Field is not writeable: {}.{}", object.name, def.name);
                return Err(self.error(msg, &name.span, "set by the platform"));
            }
            out.push((index, self.expr_as(value, &Type::of_field(def.ty))?));
        }
        Ok(out)
    }

    fn binary(&mut self, op: BinaryOp, l: &ast::Expr, r: &ast::Expr, span: &Span) -> Checked<Expr> {
        let lhs = self.expr(l);
        let rhs = self.expr(r);
        let (lhs, rhs) = (lhs?, rhs?);
        match op {
            BinaryOp::And | BinaryOp::Or => self.logical(op, lhs, rhs, span),
            BinaryOp::Add if is_text(&lhs.ty) || is_text(&rhs.ty) => {
                let kind = ExprKind::Binary {
                    op: BinOp::Concat,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                };
                Ok(typed(kind, Type::String, span))
            }
            BinaryOp::Add => self.arith(Arith::Add, lhs, rhs, span),
            BinaryOp::Sub => self.arith(Arith::Sub, lhs, rhs, span),
            BinaryOp::Mul => self.arith(Arith::Mul, lhs, rhs, span),
            BinaryOp::Div => self.arith(Arith::Div, lhs, rhs, span),
            BinaryOp::Eq | BinaryOp::Ne => self.equality(
                BinOp::Eq {
                    negate: op == BinaryOp::Ne,
                },
                lhs,
                rhs,
                span,
            ),
            BinaryOp::ExactEq | BinaryOp::ExactNe => self.equality(
                BinOp::ExactEq {
                    negate: op == BinaryOp::ExactNe,
                },
                lhs,
                rhs,
                span,
            ),
            BinaryOp::Lt => self.compare(Ordering::Lt, lhs, rhs, span),
            BinaryOp::Le => self.compare(Ordering::Le, lhs, rhs, span),
            BinaryOp::Gt => self.compare(Ordering::Gt, lhs, rhs, span),
            BinaryOp::Ge => self.compare(Ordering::Ge, lhs, rhs, span),
            BinaryOp::Coalesce => self.coalesce(lhs, rhs, span),
            BinaryOp::BitAnd => self.bitwise(Bitwise::And, lhs, rhs, span),
            BinaryOp::BitOr => self.bitwise(Bitwise::Or, lhs, rhs, span),
            BinaryOp::BitXor => self.bitwise(Bitwise::Xor, lhs, rhs, span),
            BinaryOp::Shl => self.bitwise(Bitwise::Shl, lhs, rhs, span),
            BinaryOp::Shr => self.bitwise(Bitwise::Shr, lhs, rhs, span),
            BinaryOp::UShr => self.bitwise(Bitwise::UShr, lhs, rhs, span),
        }
    }

    /// `a ?? b`: the result has the left operand's type, which the right
    /// operand must fit.
    fn coalesce(&mut self, lhs: Expr, rhs: Expr, span: &Span) -> Checked<Expr> {
        let ty = if lhs.ty == Type::Null {
            rhs.ty.clone()
        } else {
            lhs.ty.clone()
        };
        let rhs = self.convert(rhs, &ty)?;
        let kind = ExprKind::Coalesce(Box::new(lhs), Box::new(rhs));
        Ok(typed(kind, ty, span))
    }

    /// Bitwise operators: `&`, `|` and `^` on Integers and Longs (the wider
    /// type wins) or on Booleans; shifts keep the left operand's type.
    fn bitwise(&mut self, op: Bitwise, lhs: Expr, rhs: Expr, span: &Span) -> Checked<Expr> {
        let integral = |t: &Type| matches!(t, Type::Integer | Type::Long);
        let shift = matches!(op, Bitwise::Shl | Bitwise::Shr | Bitwise::UShr);
        let ty = match (&lhs.ty, &rhs.ty) {
            (Type::Boolean, Type::Boolean) if !shift => Type::Boolean,
            (l, r) if shift && integral(l) && integral(r) => l.clone(),
            (l, r) if integral(l) && integral(r) => Type::promote(l, r).unwrap_or(Type::Long),
            (l, r) => {
                let msg = format!("Invalid bitwise operator arguments: {l}, {r}");
                return Err(self.error(msg, span, "needs Integers, Longs or Booleans"));
            }
        };
        let (lhs, rhs) = if shift || ty == Type::Boolean {
            (lhs, rhs)
        } else {
            (self.convert(lhs, &ty)?, self.convert(rhs, &ty)?)
        };
        let kind = ExprKind::Binary {
            op: BinOp::Bit(op),
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        };
        Ok(typed(kind, ty, span))
    }

    fn logical(&mut self, op: BinaryOp, lhs: Expr, rhs: Expr, span: &Span) -> Checked<Expr> {
        let lhs = self.convert(lhs, &Type::Boolean)?;
        let rhs = self.convert(rhs, &Type::Boolean)?;
        let kind = if op == BinaryOp::And {
            ExprKind::And(Box::new(lhs), Box::new(rhs))
        } else {
            ExprKind::Or(Box::new(lhs), Box::new(rhs))
        };
        Ok(typed(kind, Type::Boolean, span))
    }

    /// Promotes both operands to the wider numeric type.
    fn promoted(&mut self, lhs: Expr, rhs: Expr) -> Checked<Option<(Expr, Expr, Type)>> {
        let Some(ty) = Type::promote(&lhs.ty, &rhs.ty) else {
            return Ok(None);
        };
        Ok(Some((self.convert(lhs, &ty)?, self.convert(rhs, &ty)?, ty)))
    }

    fn arith(&mut self, op: Arith, lhs: Expr, rhs: Expr, span: &Span) -> Checked<Expr> {
        let days = match (&lhs.ty, &rhs.ty) {
            (Type::Date, Type::Integer | Type::Long) => true,
            (Type::Datetime, r) => r.is_numeric(),
            _ => false,
        };
        if days && matches!(op, Arith::Add | Arith::Sub) {
            let ty = lhs.ty.clone();
            let kind = ExprKind::Binary {
                op: BinOp::AddDays {
                    negate: op == Arith::Sub,
                },
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            };
            return Ok(typed(kind, ty, span));
        }
        let Some((lhs, rhs, ty)) = self.promoted(lhs, rhs)? else {
            return Err(self.error(
                "Arithmetic expressions must use numeric arguments",
                span,
                "not numbers",
            ));
        };
        let kind = ExprKind::Binary {
            op: BinOp::Arith(op),
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        };
        Ok(typed(kind, ty, span))
    }

    fn equality(&mut self, op: BinOp, lhs: Expr, rhs: Expr, span: &Span) -> Checked<Expr> {
        let (lhs, rhs) = match self.promoted_pair(lhs, rhs)? {
            Some(pair) => pair,
            None => return Err(Reported),
        };
        let kind = ExprKind::Binary {
            op,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        };
        Ok(typed(kind, Type::Boolean, span))
    }

    /// Operands of a comparison: numbers promoted, otherwise compatible types.
    fn promoted_pair(&mut self, lhs: Expr, rhs: Expr) -> Checked<Option<(Expr, Expr)>> {
        if lhs.ty.is_numeric() && rhs.ty.is_numeric() {
            return Ok(self.promoted(lhs, rhs)?.map(|(l, r, _)| (l, r)));
        }
        if lhs.ty.accepts(&rhs.ty) || rhs.ty.accepts(&lhs.ty) {
            return Ok(Some((lhs, rhs)));
        }
        let msg = format!(
            "Comparison arguments must be compatible types: {}, {}",
            lhs.ty, rhs.ty
        );
        let span = lhs.span.start..rhs.span.end;
        self.error(msg, &span, "cannot be compared");
        Ok(None)
    }

    fn compare(&mut self, ord: Ordering, lhs: Expr, rhs: Expr, span: &Span) -> Checked<Expr> {
        let orderable = |t: &Type| {
            t.is_numeric()
                || matches!(
                    t,
                    Type::String | Type::Id | Type::Date | Type::Datetime | Type::Null
                )
        };
        if !orderable(&lhs.ty) || !orderable(&rhs.ty) {
            let msg = format!(
                "Inequality operator not allowed for type: {}",
                if orderable(&lhs.ty) { &rhs.ty } else { &lhs.ty }
            );
            return Err(self.error(msg, span, "cannot be ordered"));
        }
        self.equality(BinOp::Compare(ord), lhs, rhs, span)
    }

    fn call(
        &mut self,
        target: Option<&ast::Expr>,
        method: &ast::Ident,
        args: &[ast::Expr],
        span: &Span,
    ) -> Checked<Expr> {
        // `System.debug(...)`, `String.valueOf(...)`: a static call on a class
        // name, unless a local of that name hides the class.
        if let Some(ast::Expr {
            kind: E::Name(class),
            ..
        }) = target
            && self.lookup(&class.name).is_none()
            && !self.is_own_field(&class.name)
        {
            if let Some(call) = self.class_static_call(class, method, args, span) {
                return call;
            }
            if let Some(call) = self.dynamic_soql(class, method, args, span) {
                return call;
            }
            return self.static_call(class, method, args, span);
        }
        let Some(target) = target else {
            let args = args
                .iter()
                .map(|a| self.expr(a))
                .collect::<Checked<Vec<_>>>()?;
            let types: Vec<Type> = args.iter().map(|a| a.ty.clone()).collect();
            let args = match self.own_method_call(method, args, span)? {
                Ok(call) => return Ok(call),
                Err(args) => args,
            };
            if let Some(call) = self.function_call(method, args, span)? {
                return Ok(call);
            }
            let msg = format!(
                "Method does not exist or incorrect signature: void {}({})",
                method.name,
                types
                    .iter()
                    .map(Type::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            return Err(self.error(msg, &method.span, "no such method"));
        };
        let receiver = self.expr(target)?;
        let args = args
            .iter()
            .map(|a| self.expr(a))
            .collect::<Checked<Vec<_>>>()?;
        self.instance_call(receiver, method, args, span)
    }

    fn static_call(
        &mut self,
        class: &ast::Ident,
        method: &ast::Ident,
        args: &[ast::Expr],
        span: &Span,
    ) -> Checked<Expr> {
        let args = args
            .iter()
            .map(|a| self.expr(a))
            .collect::<Checked<Vec<_>>>()?;
        let types: Vec<Type> = args.iter().map(|a| a.ty.clone()).collect();
        let found = stdlib::static_method(class.name.folded(), method.name.folded(), &types);
        let Some(sig) = found else {
            return Err(self.no_such_method(method, &args, class.name.as_str()));
        };
        if let stdlib::Builtin::Dml(call) = sig.builtin
            && let Some(msg) = types.first().and_then(|t| database_refusal(call.op, t))
        {
            return Err(self.error(msg, span, "not allowed on this object"));
        }
        self.builtin_call(sig, args, span)
    }

    fn instance_call(
        &mut self,
        receiver: Expr,
        method: &ast::Ident,
        args: Vec<Expr>,
        span: &Span,
    ) -> Checked<Expr> {
        if matches!(receiver.ty, Type::Class(_)) {
            return self.object_call(receiver, method, args, span);
        }
        let on_record = matches!(receiver.kind, ExprKind::Field { .. })
            || matches!(receiver.ty, Type::SObject(_));
        if on_record && method.name.is("adderror") {
            return self.add_error(receiver, args, span);
        }
        let types: Vec<Type> = args.iter().map(|a| a.ty.clone()).collect();
        let Some(sig) = stdlib::instance_method(&receiver.ty, method.name.folded(), &types) else {
            let owner = receiver.ty.to_string();
            return Err(self.no_such_method(method, &args, &owner));
        };
        let mut all = Vec::with_capacity(args.len() + 1);
        all.push(receiver);
        all.extend(args);
        self.builtin_call(sig, all, span)
    }

    /// Converts the arguments to the parameter types of a resolved built-in.
    fn builtin_call(&mut self, sig: Signature, args: Vec<Expr>, span: &Span) -> Checked<Expr> {
        let args = args
            .into_iter()
            .zip(&sig.params)
            .map(|(a, p)| self.convert(a, p))
            .collect::<Checked<Vec<_>>>()?;
        let kind = ExprKind::Builtin {
            method: sig.builtin,
            args,
        };
        Ok(typed(kind, sig.ret, span))
    }

    fn no_such_method(&mut self, method: &ast::Ident, args: &[Expr], owner: &str) -> Reported {
        let msg = format!(
            "Method does not exist or incorrect signature: void {}({}) from the type {}",
            method.name,
            arg_types(args),
            owner
        );
        self.error(msg, &method.span, "no such method")
    }
}

fn is_text(t: &Type) -> bool {
    matches!(t, Type::String | Type::Id)
}

fn is_query(e: &Expr) -> bool {
    matches!(
        e.kind,
        ExprKind::Soql { count: false, .. } | ExprKind::DynamicSoql { count: false, .. }
    )
}

/// `Database.query` returns `List<SObject>`; assigned to `List<Account>` or
/// `Account`, it takes that row type, checked when the query runs.
pub(super) fn retype_dynamic(mut expr: Expr, to: &Type) -> Expr {
    let object = match to {
        Type::SObject(Some(o)) => *o,
        Type::List(e) => match **e {
            Type::SObject(Some(o)) => o,
            _ => return expr,
        },
        _ => return expr,
    };
    if let ExprKind::DynamicSoql {
        count: false, row, ..
    } = &mut expr.kind
        && row.is_none()
    {
        *row = Some(object);
        expr.ty = Type::List(Box::new(Type::SObject(Some(object))));
    }
    expr
}

fn arg_types(args: &[Expr]) -> String {
    args.iter()
        .map(|a| a.ty.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A numeric literal converted at check time (`Long x = 7;` stores a Long 7),
/// so loops do not convert the same constant on every pass.
fn fold_conversion(expr: &Expr, to: Conversion) -> Option<Const> {
    let ExprKind::Const(c) = &expr.kind else {
        return None;
    };
    Some(match (to, c) {
        (Conversion::ToLong, Const::Int(i)) => Const::Long(i64::from(*i)),
        (Conversion::ToDouble, Const::Int(i)) => Const::Double(f64::from(*i)),
        (Conversion::ToDecimal, Const::Int(i)) => Const::Decimal((*i).into()),
        (Conversion::ToDecimal, Const::Long(i)) => Const::Decimal((*i).into()),
        _ => return None,
    })
}

/// The reference field behind a relationship name (`Profile` for
/// `ProfileId`, `Owner` for `OwnerId`) and the object it points to.
pub(super) fn relationship(
    object: &'static ObjectDef,
    name: &str,
) -> Option<(usize, &'static ObjectDef)> {
    let (index, def) = object.fields.iter().enumerate().find(|(_, f)| {
        f.relationship_name()
            .is_some_and(|r| r.eq_ignore_ascii_case(name))
    })?;
    let target = crate::data::schema::schema().object(def.reference_to.first()?)?;
    Some((index, target))
}

/// The compile error for a `Database` DML call whose records' static type
/// is an object that refuses the operation (`Database.delete(user)`).
fn database_refusal(op: crate::syntax::ast::DmlOp, records: &Type) -> Option<String> {
    let object = match records {
        Type::SObject(Some(o)) => *o,
        Type::List(t) => match **t {
            Type::SObject(Some(o)) => o,
            _ => return None,
        },
        _ => return None,
    };
    crate::check::stmt::dml_refusal(op, object)
}
