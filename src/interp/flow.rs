//! Exceptions in motion: `throw`, `try`/`catch`/`finally`, and exception objects.

use std::rc::Rc;

use super::eval::{Eval, Flow, Interpreter};
use super::exception::{ApexException, EXCEPTION, Failure};
use super::key::Key;
use super::value::Value;
use crate::check::ir::{Arm, ArmTest, Catch, Expr, Stmt};

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
    if !e.is_catchable() {
        return false;
    }
    let mut name: &str = &e.type_name;
    loop {
        if c.type_name == EXCEPTION || name == c.type_name {
            return true;
        }
        match parents.iter().find(|(child, _)| *child == name) {
            Some((_, parent)) => name = parent,
            None => return false,
        }
    }
}
