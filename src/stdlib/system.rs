//! `System` and `String` methods.

use std::io::Write;

use crate::interp::eval::Eval;
use crate::interp::exception::ApexException;
use crate::interp::value::Value;
use crate::syntax::source::Span;

/// `System.debug(value)`: one line on the output sink. A closed sink (a shell
/// pipe whose reader went away) does not stop the script.
pub fn debug(value: &Value, out: &mut dyn Write) -> Eval<Value> {
    let _ = writeln!(out, "{value}");
    Ok(Value::Null)
}

/// `s.length()`, counted in UTF-16 units as Apex (a JVM language) counts them.
pub fn string_length(s: &Value, span: &Span) -> Eval<Value> {
    match s {
        Value::String(s) => {
            let n = s.encode_utf16().count();
            Ok(Value::Int(i32::try_from(n).unwrap_or(i32::MAX)))
        }
        _ => Err(ApexException::null_pointer(span).into()),
    }
}
