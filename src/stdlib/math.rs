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

/// Numeric conversions available on every number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conversion {
    /// `intValue()`: truncates, wrapping Longs as a Java cast does.
    Int,
    /// `longValue()`
    Long,
    /// `doubleValue()`
    Double,
}

pub(super) fn resolve_instance(t: &Type, method: &str, args: &[Type]) -> Option<Signature> {
    if !args.is_empty() {
        return None;
    }
    let (c, ret) = match method {
        "intvalue" => (Conversion::Int, Type::Integer),
        "longvalue" => (Conversion::Long, Type::Long),
        "doublevalue" => (Conversion::Double, Type::Double),
        _ => return None,
    };
    sig(Builtin::Number(c), vec![t.clone()], ret)
}

pub(super) fn convert(c: Conversion, v: &Value, span: &Span) -> Eval<Value> {
    use rust_decimal::prelude::ToPrimitive;
    let as_f64 = |v: &Value| match v {
        Value::Int(i) => Some(f64::from(*i)),
        Value::Long(i) => Some(*i as f64),
        Value::Double(d) => Some(*d),
        Value::Decimal(d) => d.to_f64(),
        _ => None,
    };
    let as_i64 = |v: &Value| match v {
        Value::Int(i) => Some(i64::from(*i)),
        Value::Long(i) => Some(*i),
        Value::Double(d) => Some(*d as i64),
        Value::Decimal(d) => d.trunc().to_i64(),
        _ => None,
    };
    let npe = || -> crate::interp::exception::Failure { ApexException::null_pointer(span).into() };
    Ok(match c {
        Conversion::Int => Value::Int(as_i64(v).ok_or_else(npe)? as i32),
        Conversion::Long => Value::Long(as_i64(v).ok_or_else(npe)?),
        Conversion::Double => Value::Double(as_f64(v).ok_or_else(npe)?),
    })
}
