//! `Math` and the numeric classes' static methods.

use super::{Builtin, Signature, sig};
use crate::check::types::Type;
use crate::interp::eval::Eval;
use crate::interp::exception::{ApexException, MATH, TYPE};
use crate::interp::value::Value;
use crate::syntax::source::Span;

pub(super) fn resolve(method: &str, args: &[Type]) -> Option<Signature> {
    match (method, args) {
        ("mod", [a, b]) if a.is_numeric() && b.is_numeric() => {
            if *a == Type::Integer && *b == Type::Integer {
                sig(
                    Builtin::ModInt,
                    vec![Type::Integer, Type::Integer],
                    Type::Integer,
                )
            } else {
                sig(Builtin::ModLong, vec![Type::Long, Type::Long], Type::Long)
            }
        }
        _ => None,
    }
}

/// `Math.mod`: the remainder with the sign of the dividend, as Java's `%`.
pub(super) fn modulo(a: &Value, b: &Value, span: &Span) -> Eval<Value> {
    let zero = || ApexException::new(MATH, "Divide by 0", span);
    match (a, b) {
        (Value::Int(_), Value::Int(0)) | (Value::Long(_), Value::Long(0)) => Err(zero().into()),
        (Value::Int(a), Value::Int(b)) => Ok(Value::Int(a.wrapping_rem(*b))),
        (Value::Long(a), Value::Long(b)) => Ok(Value::Long(a.wrapping_rem(*b))),
        _ => Err(ApexException::null_pointer(span).into()),
    }
}

/// `Integer.valueOf(text)`
pub(super) fn integer_value_of(text: &Value, span: &Span) -> Eval<Value> {
    match text {
        Value::String(s) => match s.trim().parse::<i32>() {
            Ok(i) => Ok(Value::Int(i)),
            Err(_) => {
                let msg = format!("Invalid integer: {s}");
                Err(ApexException::new(TYPE, msg, span).into())
            }
        },
        Value::Null => Ok(Value::Null),
        _ => Err(ApexException::null_pointer(span).into()),
    }
}
