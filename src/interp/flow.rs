//! Exceptions in motion: `throw`, `try`/`catch`/`finally`, and exception objects.

use std::rc::Rc;

use super::eval::{Eval, Flow, Interpreter};
use super::exception::{ApexException, EXCEPTION, Failure};
use super::key::Key;
use super::value::Value;
use crate::check::ir::{Arm, ArmTest, Catch, Expr, Stmt};
use crate::check::types::Type;

impl Interpreter<'_> {
    /// Evaluates the thrown expression into the failure that unwinds.
    pub(super) fn throw(&mut self, e: &Expr) -> Eval<Failure> {
        match self.expr(e)? {
            Value::Exception(ex) => Ok(Failure::Exception(Box::new((*ex).clone()))),
            _ => Err(ApexException::null_pointer(&e.span).into()),
        }
    }

    /// Runs the guarded block; a catchable exception goes to the first
    /// matching handler; `finally` runs however the block ended, and its own
    /// exception or `return` wins over what was in flight.
    pub(super) fn try_stmt(
        &mut self,
        body: &[Stmt],
        catches: &[Catch],
        finally: Option<&[Stmt]>,
    ) -> Eval<Flow> {
        let mut outcome = self.block(body);
        let parents = &self.program().exception_parents;
        if let Err(Failure::Exception(e)) = &outcome
            && let Some(c) = catches.iter().find(|c| catches_exception(c, e, parents))
        {
            let Err(Failure::Exception(e)) = outcome else {
                unreachable!("matched above")
            };
            self.set_slot(c.slot, Value::Exception(Rc::new(*e)));
            outcome = self.block(&c.body);
        }
        if let Some(finally) = finally
            && !matches!(outcome, Err(Failure::Org(_)))
        {
            let after = self.block(finally)?;
            if after != Flow::Normal {
                return Ok(after);
            }
        }
        outcome
    }

    /// Runs the first arm whose values (or type) match, else `when else`.
    pub(super) fn switch(
        &mut self,
        subject: &Expr,
        arms: &[Arm],
        otherwise: Option<&[Stmt]>,
    ) -> Eval<Flow> {
        let value = self.expr(subject)?;
        for arm in arms {
            if self.arm_matches(&arm.test, &value)? {
                return self.block(&arm.body);
            }
        }
        match otherwise {
            Some(body) => self.block(body),
            None => Ok(Flow::Normal),
        }
    }

    fn arm_matches(&mut self, test: &ArmTest, value: &Value) -> Eval<bool> {
        match test {
            ArmTest::Values(values) => {
                for v in values {
                    if Key(self.expr(v)?) == Key(value.clone()) {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            ArmTest::Type { object, slot } => match value {
                Value::SObject(r) if std::ptr::eq(r.borrow().object, *object) => {
                    self.set_slot(*slot, value.clone());
                    Ok(true)
                }
                _ => Ok(false),
            },
        }
    }

    pub(super) fn new_exception(
        &mut self,
        type_name: &'static str,
        args: &[Expr],
        at: &Expr,
    ) -> Eval<Value> {
        let mut ex = ApexException::new(type_name, String::new(), &at.span);
        for a in args {
            match self.expr(a)? {
                Value::String(s) => ex.message = s.to_string(),
                Value::Exception(cause) => ex.cause = Some(Box::new((*cause).clone())),
                _ => {}
            }
        }
        if ex.message.is_empty() && args.is_empty() {
            // A platform exception made without a message reports `Script-thrown exception`.
            ex.message = "Script-thrown exception".to_string();
        }
        Ok(Value::Exception(Rc::new(ex)))
    }
}

/// True when the handler's type is the exception's type or one it extends.
fn catches_exception(c: &Catch, e: &ApexException, parents: &[(&str, &str)]) -> bool {
    e.is_catchable() && exception_is_a(&e.type_name, c.type_name, parents)
}

/// True when the exception type `name` is `base` or extends it.
pub(super) fn exception_is_a(name: &str, base: &str, parents: &[(&str, &str)]) -> bool {
    let mut name = name;
    loop {
        if base == EXCEPTION || name == base {
            return true;
        }
        match parents.iter().find(|(child, _)| *child == name) {
            Some((_, parent)) => name = parent,
            None => return false,
        }
    }
}

impl Interpreter<'_> {
    /// `value instanceof T`; null is no instance. Collections are tested
    /// for their kind only.
    pub(super) fn is_instance(&self, value: &Value, ty: &Type) -> bool {
        match (ty, value) {
            (_, Value::Null) => false,
            (Type::Object | Type::Void | Type::Null | Type::Native(_), _)
            | (Type::Boolean, Value::Bool(_))
            | (Type::Integer, Value::Int(_))
            | (Type::Long, Value::Long(_))
            | (Type::Double, Value::Double(_))
            | (Type::Decimal, Value::Decimal(_))
            | (Type::String, Value::String(_))
            | (Type::Id, Value::Id(_))
            | (Type::Date, Value::Date(_))
            | (Type::Datetime, Value::Datetime(_))
            | (Type::SObject(None), Value::SObject(_))
            | (Type::List(_), Value::List(_))
            | (Type::Set(_), Value::Set(_))
            | (Type::Map(..), Value::Map(_)) => true,
            (Type::SObject(Some(o)), Value::SObject(r)) => std::ptr::eq(r.borrow().object, *o),
            (Type::Exception(base), Value::Exception(e)) => {
                exception_is_a(&e.type_name, base, &self.program().exception_parents)
            }
            (Type::Class(c), Value::Object(o)) => o.class.ancestors.contains(&c.id),
            (Type::Class(c), Value::Enum(k)) => k.class == c.id,
            _ => false,
        }
    }

    /// The value's run-time type as messages name it (`Integer`, `Account`,
    /// `List<ANY>`, a class name).
    pub(super) fn type_name(&self, value: &Value) -> String {
        let name = match value {
            Value::Null => "null",
            Value::Bool(_) => "Boolean",
            Value::Int(_) => "Integer",
            Value::Long(_) => "Long",
            Value::Double(_) => "Double",
            Value::Decimal(_) => "Decimal",
            Value::String(_) => "String",
            Value::Id(_) => "Id",
            Value::Date(_) => "Date",
            Value::Datetime(_) => "Datetime",
            Value::List(_) => "List<ANY>",
            Value::Set(_) => "Set<ANY>",
            Value::Map(_) => "Map<ANY,ANY>",
            Value::SObject(r) => r.borrow().object.name,
            Value::Exception(e) => return e.type_name.to_string(),
            Value::Result(_) => "Database.SaveResult",
            Value::DbError(_) => "Database.Error",
            Value::StatusCode(name) if crate::stdlib::ROUNDING_MODES.contains(name) => {
                "System.RoundingMode"
            }
            Value::StatusCode(name) if crate::check::trigger::OPERATIONS.contains(name) => {
                "System.TriggerOperation"
            }
            Value::StatusCode(_) => "System.StatusCode",
            Value::Savepoint(_) => "System.Savepoint",
            Value::Aggregate(_) => "AggregateResult",
            Value::Object(o) => return o.class.name.clone(),
            Value::Enum(c) => return self.program().classes[c.class].name.clone(),
        };
        name.to_owned()
    }
}
