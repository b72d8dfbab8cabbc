//! `List` methods.

use super::{Builtin, Signature, sig};
use crate::check::types::Type;
use crate::interp::eval::{Eval, list_get, loose_eq};
use crate::interp::exception::{ApexException, LIST};
use crate::interp::value::Value;
use crate::syntax::source::Span;

/// List instance methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `list.add(item)`
    Add,
    /// `list.addAll(other)`
    AddAll,
    /// `list.size()`
    Size,
    /// `list.get(i)`
    Get,
    /// `list.set(i, item)`
    Set,
    /// `list.remove(i)`
    Remove,
    /// `list.isEmpty()`
    IsEmpty,
    /// `list.contains(item)`
    Contains,
    /// `list.clear()`
    Clear,
}

pub(super) fn resolve(list: &Type, elem: &Type, method: &str, args: &[Type]) -> Option<Signature> {
    let e = elem.clone();
    let (m, params, ret) = match (method, args.len()) {
        ("add", 1) => (Method::Add, vec![e], Type::Void),
        ("addall", 1) => (Method::AddAll, vec![list.clone()], Type::Void),
        ("size", 0) => (Method::Size, vec![], Type::Integer),
        ("get", 1) => (Method::Get, vec![Type::Integer], e),
        ("set", 2) => (Method::Set, vec![Type::Integer, e], Type::Void),
        ("remove", 1) => (Method::Remove, vec![Type::Integer], e),
        ("isempty", 0) => (Method::IsEmpty, vec![], Type::Boolean),
        ("contains", 1) => (Method::Contains, vec![e], Type::Boolean),
        ("clear", 0) => (Method::Clear, vec![], Type::Void),
        _ => return None,
    };
    let mut all = vec![list.clone()];
    all.extend(params);
    sig(Builtin::List(m), all, ret)
}

fn out_of_bounds(i: &Value, span: &Span) -> ApexException {
    ApexException::new(LIST, format!("List index out of bounds: {i}"), span)
}

pub(super) fn call(m: Method, args: &[Value], span: &Span) -> Eval<Value> {
    let Value::List(items) = &args[0] else {
        return Err(ApexException::null_pointer(span).into());
    };
    let len = items.borrow().len();
    let index = |v: &Value| match v {
        Value::Int(i) => usize::try_from(*i).ok().filter(|&i| i < len),
        _ => None,
    };
    Ok(match m {
        Method::Add => {
            items.borrow_mut().push(args[1].clone());
            Value::Null
        }
        Method::AddAll => {
            let Value::List(other) = &args[1] else {
                return Err(ApexException::null_pointer(span).into());
            };
            let copied = other.borrow().clone();
            items.borrow_mut().extend(copied);
            Value::Null
        }
        Method::Size => Value::Int(i32::try_from(len).unwrap_or(i32::MAX)),
        Method::Get => list_get(&args[0], &args[1], span)?,
        Method::Set => {
            let i = index(&args[1]).ok_or_else(|| out_of_bounds(&args[1], span))?;
            items.borrow_mut()[i] = args[2].clone();
            Value::Null
        }
        Method::Remove => {
            let i = index(&args[1]).ok_or_else(|| out_of_bounds(&args[1], span))?;
            items.borrow_mut().remove(i)
        }
        Method::IsEmpty => Value::Bool(len == 0),
        Method::Contains => Value::Bool(items.borrow().iter().any(|v| same_element(v, &args[1]))),
        Method::Clear => {
            items.borrow_mut().clear();
            Value::Null
        }
    })
}

/// Element equality for `contains`: like `==`, except that strings compare
/// with case, as collection methods do in Apex.
fn same_element(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x == y,
        _ => loose_eq(a, b),
    }
}
