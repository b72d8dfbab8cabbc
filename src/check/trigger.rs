//! Triggers: each body is checked like a static method without parameters,
//! with the `Trigger` context variables typed for its object; and the
//! trigger-only expressions, `Trigger.*` and `addError`.

use super::expr::typed;
use super::ir::{Const, Expr, ExprKind, Function, Trigger, TriggerVar};
use super::types::{Native, Type};
use super::{Checked, Checker, Signature};
use crate::data::schema::{ObjectDef, schema};
use crate::syntax::ast::{self, Name};
use crate::syntax::source::Span;

/// The values of `System.TriggerOperation`, in declaration order.
pub const OPERATIONS: [&str; 7] = [
    "BEFORE_INSERT",
    "BEFORE_UPDATE",
    "BEFORE_DELETE",
    "AFTER_INSERT",
    "AFTER_UPDATE",
    "AFTER_DELETE",
    "AFTER_UNDELETE",
];

impl Checker {
    /// Declares each trigger's body as a function; returns their indexes,
    /// `None` for a trigger on an object apexlite does not know (reported).
    pub(super) fn declare_triggers(
        &mut self,
        triggers: &[(usize, ast::TriggerDecl)],
    ) -> Vec<Option<(usize, &'static ObjectDef)>> {
        triggers
            .iter()
            .map(|(file, t)| {
                self.file = *file;
                let Some(object) = schema().object(t.object.name.folded()) else {
                    let msg = format!("Invalid type: {}", t.object.name);
                    self.error(msg, &t.object.span, "no such sObject");
                    return None;
                };
                self.functions.push(Signature {
                    // Not an identifier, so no call can name it.
                    name: Name::new(&format!("trigger {}", t.name.name)),
                    params: Vec::new(),
                    ret: Type::Void,
                    owner: None,
                    is_static: true,
                    is_ctor: false,
                    is_abstract: false,
                    selector: None,
                });
                Some((self.functions.len() - 1, object))
            })
            .collect()
    }

    /// Checks the trigger bodies; returns their functions and the triggers.
    pub(super) fn trigger_bodies(
        &mut self,
        triggers: &[(usize, ast::TriggerDecl)],
        declared: &[Option<(usize, &'static ObjectDef)>],
    ) -> (Vec<(usize, Function)>, Vec<Trigger>) {
        let mut functions = Vec::new();
        let mut found = Vec::new();
        for ((file, t), declared) in triggers.iter().zip(declared) {
            let Some((index, object)) = *declared else {
                continue;
            };
            self.file = *file;
            let saved = self.trigger.replace(object);
            let (params, body) = self.in_frame(index, None, |c| c.block(&t.body));
            self.trigger = saved;
            functions.push((
                index,
                Function {
                    name: format!("Trigger.{}", t.name.name),
                    file: *file,
                    params,
                    slots: self.last_frame_slots,
                    body,
                },
            ));
            found.push(Trigger {
                name: t.name.name.as_str().to_string(),
                object,
                events: t.events.clone(),
                function: index,
            });
        }
        (functions, found)
    }

    /// `Trigger.new` and the other context variables, unless a local or a
    /// class named `Trigger` hides the name. Inside a trigger the records
    /// have its object's type; elsewhere (a handler class) they are generic
    /// sObjects, and the values are null or false outside a trigger's run.
    pub(super) fn trigger_var(
        &mut self,
        target: &ast::Expr,
        field: &ast::Ident,
        span: &Span,
    ) -> Option<Checked<Expr>> {
        let ast::ExprKind::Name(name) = &target.kind else {
            return None;
        };
        if !name.name.is("trigger")
            || self.lookup(&name.name).is_some()
            || self.class_named(&name.name).is_some()
        {
            return None;
        }
        let Some(var) = TriggerVar::parse(field.name.folded()) else {
            let msg = format!("Variable does not exist: {}", field.name);
            return Some(Err(self.error(msg, &field.span, "not a trigger variable")));
        };
        let record = Type::SObject(self.trigger);
        let ty = match var {
            TriggerVar::New | TriggerVar::Old => Type::List(Box::new(record)),
            TriggerVar::NewMap | TriggerVar::OldMap => {
                Type::Map(Box::new(Type::Id), Box::new(record))
            }
            TriggerVar::OperationType => Type::Native(Native::TriggerOperation),
            TriggerVar::Size => Type::Integer,
            _ => Type::Boolean,
        };
        Some(Ok(typed(ExprKind::TriggerVar(var), ty, span)))
    }

    /// `TriggerOperation.BEFORE_INSERT` (or `System.TriggerOperation.X`).
    pub(super) fn trigger_operation(&mut self, field: &ast::Ident, span: &Span) -> Checked<Expr> {
        match OPERATIONS.iter().find(|op| field.name.is(op)) {
            Some(op) => Ok(typed(
                ExprKind::Const(Const::StatusCode(op)),
                Type::Native(Native::TriggerOperation),
                span,
            )),
            None => {
                let msg = format!("Variable does not exist: {}", field.name);
                Err(self.error(msg, &field.span, "not a TriggerOperation value"))
            }
        }
    }

    /// A `when` value of a switch on `Trigger.operationType`: a bare
    /// constant name such as `BEFORE_INSERT`.
    pub(super) fn when_operation(
        &mut self,
        subject: &Type,
        v: &ast::Expr,
    ) -> Option<Checked<Expr>> {
        let (Type::Native(Native::TriggerOperation), ast::ExprKind::Name(name)) =
            (subject, &v.kind)
        else {
            return None;
        };
        Some(self.trigger_operation(name, &v.span))
    }

    /// `record.addError(msg[, escape])`, `record.addError(fieldName, msg)`
    /// and `record.Field.addError(msg[, escape])`: `receiver` is a record
    /// or a field read of one.
    pub(super) fn add_error(
        &mut self,
        receiver: Expr,
        args: Vec<Expr>,
        span: &Span,
    ) -> Checked<Expr> {
        let on_field = matches!(receiver.kind, ExprKind::Field { .. });
        let mut args = args.into_iter();
        let (first, second) = (args.next(), args.next());
        let extra = args.next().is_some();
        let (record, field, message) = match (receiver.kind, first, second) {
            (ExprKind::Field { target, field, .. }, Some(msg), escape) if !extra => {
                if escape.as_ref().is_some_and(|e| e.ty != Type::Boolean) {
                    return Err(self.add_error_signature(&receiver.span));
                }
                let Type::SObject(Some(object)) = target.ty else {
                    return Err(self.add_error_signature(&receiver.span));
                };
                let name = Const::String(object.fields[field].name.into());
                let name = typed(ExprKind::Const(name), Type::String, &receiver.span);
                (target, Some(Box::new(name)), msg)
            }
            (kind, Some(msg), None) if !on_field => (
                Box::new(typed(kind, receiver.ty, &receiver.span)),
                None,
                msg,
            ),
            (kind, Some(first), Some(second)) if !on_field && !extra => {
                let record = Box::new(typed(kind, receiver.ty, &receiver.span));
                if second.ty == Type::Boolean {
                    (record, None, first)
                } else {
                    let name = self.convert(first, &Type::String)?;
                    (record, Some(Box::new(name)), second)
                }
            }
            _ => return Err(self.add_error_signature(&receiver.span)),
        };
        let message = Box::new(self.convert(message, &Type::String)?);
        let kind = ExprKind::AddError {
            record,
            field,
            message,
        };
        Ok(typed(kind, Type::Void, span))
    }

    fn add_error_signature(&mut self, span: &Span) -> super::Reported {
        let msg = "Method does not exist or incorrect signature: addError";
        self.error(
            msg,
            span,
            "addError takes a message, or a field name and a message",
        )
    }
}
