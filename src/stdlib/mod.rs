//! Built-in Apex classes and methods, one file per family.
//!
//! The checker resolves calls to [`Builtin`] values; the interpreter evaluates
//! the arguments and hands them here.

mod collections;
mod system;

use std::io::Write;

use crate::check::ir::Builtin;
use crate::interp::eval::Eval;
use crate::interp::value::Value;
use crate::syntax::source::Span;

/// Calls a built-in with its evaluated arguments (receiver first).
pub fn call(method: Builtin, args: &[Value], out: &mut dyn Write, span: &Span) -> Eval<Value> {
    match method {
        Builtin::Debug => system::debug(&args[0], out),
        Builtin::StringValueOf => Ok(Value::string(&args[0].to_string())),
        Builtin::StringLength => system::string_length(&args[0], span),
        Builtin::ListAdd => collections::add(&args[0], &args[1], span),
        Builtin::ListSize => collections::size(&args[0], span),
        Builtin::ListGet => crate::interp::eval::list_get(&args[0], &args[1], span),
        Builtin::ListIsEmpty => collections::is_empty(&args[0], span),
    }
}
