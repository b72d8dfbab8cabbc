//! `List` methods.

use crate::interp::eval::Eval;
use crate::interp::exception::ApexException;
use crate::interp::value::Value;
use crate::syntax::source::Span;

/// `list.add(value)`
pub fn add(list: &Value, item: &Value, span: &Span) -> Eval<Value> {
    let Value::List(items) = list else {
        return Err(ApexException::null_pointer(span).into());
    };
    items.borrow_mut().push(item.clone());
    Ok(Value::Null)
}

/// `list.size()`
pub fn size(list: &Value, span: &Span) -> Eval<Value> {
    match list {
        Value::List(items) => Ok(Value::Int(
            i32::try_from(items.borrow().len()).unwrap_or(i32::MAX),
        )),
        _ => Err(ApexException::null_pointer(span).into()),
    }
}

/// `list.isEmpty()`
pub fn is_empty(list: &Value, span: &Span) -> Eval<Value> {
    match list {
        Value::List(items) => Ok(Value::Bool(items.borrow().is_empty())),
        _ => Err(ApexException::null_pointer(span).into()),
    }
}
