//! `System` methods: debug output and assertions.
//!
//! `assertEquals` and `assertNotEquals` compare as `equals()` does: strings
//! with case, unlike `==`.

use std::io::Write;

use super::{Builtin, Signature, sig};
use crate::check::types::Type;
use crate::interp::eval::{Eval, equals};
use crate::interp::exception::{ASSERT, ApexException};
use crate::interp::value::Value;
use crate::syntax::source::Span;

pub(super) fn resolve(method: &str, args: &[Type]) -> Option<Signature> {
    let any = |n: usize| vec![Type::Object; n];
    match (method, args.len()) {
        ("debug", 1) => sig(Builtin::Debug, any(1), Type::Void),
        ("assert", 1 | 2) => {
            let mut params = vec![Type::Boolean];
            params.extend(any(args.len() - 1));
            sig(Builtin::Assert, params, Type::Void)
        }
        ("assertequals", 2 | 3) => sig(Builtin::AssertEquals, any(args.len()), Type::Void),
        ("assertnotequals", 2 | 3) => sig(Builtin::AssertNotEquals, any(args.len()), Type::Void),
        _ => None,
    }
}

/// `System.debug(value)`: one line on the output sink. A closed sink (a shell
/// pipe whose reader went away) does not stop the script.
pub(super) fn debug(value: &Value, out: &mut dyn Write) -> Eval<Value> {
    let _ = writeln!(out, "{value}");
    Ok(Value::Null)
}

/// `Assertion Failed` with the caller's message, if any, after a colon.
pub(super) fn failed(
    message: Option<&Value>,
    detail: Option<String>,
    span: &Span,
) -> ApexException {
    let mut text = String::from("Assertion Failed");
    if let Some(m) = message {
        text.push_str(&format!(": {m}"));
    }
    if let Some(d) = detail {
        text.push_str(&format!(": {d}"));
    }
    ApexException::new(ASSERT, text, span)
}

pub(super) fn assert(args: &[Value], span: &Span) -> Eval<Value> {
    match args[0] {
        Value::Bool(true) => Ok(Value::Null),
        _ => Err(failed(args.get(1), None, span).into()),
    }
}

pub(super) fn assert_equals(args: &[Value], span: &Span) -> Eval<Value> {
    if equals(&args[0], &args[1]) {
        return Ok(Value::Null);
    }
    let detail = format!("Expected: {}, Actual: {}", args[0], args[1]);
    Err(failed(args.get(2), Some(detail), span).into())
}

pub(super) fn assert_not_equals(args: &[Value], span: &Span) -> Eval<Value> {
    if !equals(&args[0], &args[1]) {
        return Ok(Value::Null);
    }
    let detail = format!("Same value: {}", args[1]);
    Err(failed(args.get(2), Some(detail), span).into())
}
