//! Objects of declared classes: creation, fields, static fields and virtual calls.

use std::cell::RefCell;
use std::rc::Rc;

use super::eval::{Eval, Interpreter};
use super::exception::ApexException;
use super::value::{Instance, Value};
use crate::check::ir::Expr;
use crate::syntax::source::Span;

impl Interpreter<'_> {
    /// `new C(args)`: an object with every field null, handed to the
    /// constructor, which runs the superclass constructor and the field
    /// initialisers before its own body.
    pub(super) fn new_object(
        &mut self,
        class: usize,
        ctor: usize,
        args: &[Expr],
        span: &Span,
    ) -> Eval<Value> {
        let class = self.program().classes[class].clone();
        let size = class.fields.len();
        let object = Value::Object(Rc::new(Instance {
            class,
            fields: RefCell::new(vec![Value::Null; size]),
        }));
        self.call_with(ctor, Some(object.clone()), args, span)?;
        Ok(object)
    }

    pub(super) fn object_field(&mut self, target: &Expr, index: usize) -> Eval<Value> {
        match self.expr(target)? {
            Value::Object(o) => Ok(o.fields.borrow()[index].clone()),
            _ => Err(ApexException::null_pointer(&target.span).into()),
        }
    }

    /// Reads (`value` `None`) or writes the field at `index` of object
    /// `this`: a property's backing field.
    pub(super) fn backing(
        &mut self,
        this: &Value,
        index: usize,
        value: Option<Value>,
        span: &Span,
    ) -> Eval<Value> {
        let Value::Object(o) = this else {
            return Err(ApexException::null_pointer(span).into());
        };
        Ok(match value {
            Some(v) => {
                o.fields.borrow_mut()[index] = v;
                Value::Null
            }
            None => o.fields.borrow()[index].clone(),
        })
    }

    pub(super) fn set_object_field(
        &mut self,
        target: &Expr,
        index: usize,
        value: Value,
    ) -> Eval<()> {
        match self.expr(target)? {
            Value::Object(o) => {
                o.fields.borrow_mut()[index] = value;
                Ok(())
            }
            _ => Err(ApexException::null_pointer(&target.span).into()),
        }
    }

    /// A virtual call: the receiver's class decides which method runs.
    pub(super) fn invoke(&mut self, selector: usize, args: &[Expr], span: &Span) -> Eval<Value> {
        let Some((receiver, rest)) = args.split_first() else {
            return Err(ApexException::null_pointer(span).into());
        };
        let this = self.expr(receiver)?;
        let function = match &this {
            Value::Object(o) => o.class.dispatch.get(selector).copied().flatten(),
            _ => return Err(ApexException::null_pointer(&receiver.span).into()),
        };
        let Some(function) = function else {
            // The checker only allows selectors every implementation has.
            return Err(ApexException::null_pointer(span).into());
        };
        self.call_with(function, Some(this), rest, span)
    }

    /// `EnumType.values()`
    pub(super) fn enum_values(&self, class: usize) -> Value {
        let values = &self.program().classes[class].values;
        Value::list(values.iter().map(|v| Value::Enum(v.clone())).collect())
    }
}
