//! `List`, `Set` and `Map` methods.

use super::{Builtin, Signature, sig};
use crate::check::types::Type;
use crate::interp::collections::set_value;
use crate::interp::eval::{Eval, list_get, loose_eq};
use crate::interp::exception::{ApexException, LIST};
use crate::interp::key::Key;
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
    /// `list.sort()`: ascending, nulls first, for primitive elements.
    Sort,
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
        ("sort", 0) if sortable(elem) => (Method::Sort, vec![], Type::Void),
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
        Method::Sort => {
            items.borrow_mut().sort_by(sort_order);
            Value::Null
        }
    })
}

/// Element types `List.sort()` orders without a comparator.
fn sortable(t: &Type) -> bool {
    t.is_numeric()
        || matches!(
            t,
            Type::String | Type::Id | Type::Date | Type::Datetime | Type::Boolean
        )
}

/// Ascending order with nulls first; strings by their UTF-16 code units as
/// Apex does (so upper case sorts before lower case).
fn sort_order(a: &Value, b: &Value) -> std::cmp::Ordering {
    use std::cmp::Ordering::{Equal, Greater, Less};
    match (a, b) {
        (Value::Null, Value::Null) => Equal,
        (Value::Null, _) => Less,
        (_, Value::Null) => Greater,
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Long(x), Value::Long(y)) => x.cmp(y),
        (Value::Double(x), Value::Double(y)) => x.total_cmp(y),
        (Value::Decimal(x), Value::Decimal(y)) => x.cmp(y),
        (Value::String(x), Value::String(y)) => x.encode_utf16().cmp(y.encode_utf16()),
        (Value::Id(x), Value::Id(y)) => x.cmp(y),
        (Value::Date(x), Value::Date(y)) => x.cmp(y),
        (Value::Datetime(x), Value::Datetime(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => Equal,
    }
}

/// Element equality for `contains`: like `==`, except that strings compare
/// with case, as collection methods do in Apex.
fn same_element(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x == y,
        _ => loose_eq(a, b),
    }
}

/// Set instance methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetMethod {
    /// `set.add(item)`: true when it was not there yet.
    Add,
    /// `set.addAll(listOrSet)`: true when the set changed.
    AddAll,
    /// `set.contains(item)`
    Contains,
    /// `set.containsAll(listOrSet)`
    ContainsAll,
    /// `set.remove(item)`: true when it was there.
    Remove,
    /// `set.size()`
    Size,
    /// `set.isEmpty()`
    IsEmpty,
    /// `set.clear()`
    Clear,
}

/// Map instance methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapMethod {
    /// `map.put(key, value)`: the previous value or null.
    Put,
    /// `map.putAll(other)`
    PutAll,
    /// `map.get(key)`
    Get,
    /// `map.containsKey(key)`
    ContainsKey,
    /// `map.remove(key)`: the removed value or null.
    Remove,
    /// `map.keySet()`
    KeySet,
    /// `map.values()`
    Values,
    /// `map.size()`
    Size,
    /// `map.isEmpty()`
    IsEmpty,
    /// `map.clear()`
    Clear,
}

pub(super) fn resolve_set(
    set: &Type,
    elem: &Type,
    method: &str,
    args: &[Type],
) -> Option<Signature> {
    let e = elem.clone();
    let many = || {
        let arg = args.first().cloned().unwrap_or(Type::Void);
        match arg {
            Type::List(_) | Type::Set(_) => Some(arg),
            _ => None,
        }
    };
    let (m, params, ret) = match (method, args.len()) {
        ("add", 1) => (SetMethod::Add, vec![e], Type::Boolean),
        ("addall", 1) => (SetMethod::AddAll, vec![many()?], Type::Boolean),
        ("contains", 1) => (SetMethod::Contains, vec![e], Type::Boolean),
        ("containsall", 1) => (SetMethod::ContainsAll, vec![many()?], Type::Boolean),
        ("remove", 1) => (SetMethod::Remove, vec![e], Type::Boolean),
        ("size", 0) => (SetMethod::Size, vec![], Type::Integer),
        ("isempty", 0) => (SetMethod::IsEmpty, vec![], Type::Boolean),
        ("clear", 0) => (SetMethod::Clear, vec![], Type::Void),
        _ => return None,
    };
    let mut all = vec![set.clone()];
    all.extend(params);
    sig(Builtin::Set(m), all, ret)
}

pub(super) fn resolve_map(
    map: &Type,
    k: &Type,
    v: &Type,
    method: &str,
    args: &[Type],
) -> Option<Signature> {
    let (k, v) = (k.clone(), v.clone());
    let (m, params, ret) = match (method, args.len()) {
        ("put", 2) => (MapMethod::Put, vec![k, v.clone()], v),
        ("putall", 1) => (MapMethod::PutAll, vec![map.clone()], Type::Void),
        ("get", 1) => (MapMethod::Get, vec![k], v),
        ("containskey", 1) => (MapMethod::ContainsKey, vec![k], Type::Boolean),
        ("remove", 1) => (MapMethod::Remove, vec![k], v),
        ("keyset", 0) => (MapMethod::KeySet, vec![], Type::Set(Box::new(k))),
        ("values", 0) => (MapMethod::Values, vec![], Type::List(Box::new(v))),
        ("size", 0) => (MapMethod::Size, vec![], Type::Integer),
        ("isempty", 0) => (MapMethod::IsEmpty, vec![], Type::Boolean),
        ("clear", 0) => (MapMethod::Clear, vec![], Type::Void),
        _ => return None,
    };
    let mut all = vec![map.clone()];
    all.extend(params);
    sig(Builtin::Map(m), all, ret)
}

fn members(v: &Value, span: &Span) -> Eval<Vec<Value>> {
    match v {
        Value::List(l) => Ok(l.borrow().clone()),
        Value::Set(s) => Ok(s.borrow().iter().map(|k| k.0.clone()).collect()),
        _ => Err(ApexException::null_pointer(span).into()),
    }
}

fn count(n: usize) -> Value {
    Value::Int(i32::try_from(n).unwrap_or(i32::MAX))
}

pub(super) fn set_call(m: SetMethod, args: &[Value], span: &Span) -> Eval<Value> {
    let Value::Set(set) = &args[0] else {
        return Err(ApexException::null_pointer(span).into());
    };
    let key = || Key(args[1].clone());
    Ok(match m {
        SetMethod::Add => Value::Bool(set.borrow_mut().insert(key())),
        SetMethod::AddAll => {
            let items = members(&args[1], span)?;
            let mut set = set.borrow_mut();
            let before = set.len();
            set.extend(items.into_iter().map(Key));
            Value::Bool(set.len() != before)
        }
        SetMethod::Contains => Value::Bool(set.borrow().contains(&key())),
        SetMethod::ContainsAll => {
            let items = members(&args[1], span)?;
            let set = set.borrow();
            Value::Bool(items.into_iter().all(|i| set.contains(&Key(i))))
        }
        SetMethod::Remove => Value::Bool(set.borrow_mut().shift_remove(&key())),
        SetMethod::Size => count(set.borrow().len()),
        SetMethod::IsEmpty => Value::Bool(set.borrow().is_empty()),
        SetMethod::Clear => {
            set.borrow_mut().clear();
            Value::Null
        }
    })
}

pub(super) fn map_call(m: MapMethod, args: &[Value], span: &Span) -> Eval<Value> {
    let Value::Map(map) = &args[0] else {
        return Err(ApexException::null_pointer(span).into());
    };
    let key = || Key(args[1].clone());
    let or_null = |v: Option<Value>| v.unwrap_or(Value::Null);
    Ok(match m {
        MapMethod::Put => or_null(map.borrow_mut().insert(key(), args[2].clone())),
        MapMethod::PutAll => {
            let Value::Map(other) = &args[1] else {
                return Err(ApexException::null_pointer(span).into());
            };
            let entries = other.borrow().clone();
            map.borrow_mut().extend(entries);
            Value::Null
        }
        MapMethod::Get => or_null(map.borrow().get(&key()).cloned()),
        MapMethod::ContainsKey => Value::Bool(map.borrow().contains_key(&key())),
        MapMethod::Remove => or_null(map.borrow_mut().shift_remove(&key())),
        MapMethod::KeySet => set_value(map.borrow().keys().cloned().collect()),
        MapMethod::Values => Value::list(map.borrow().values().cloned().collect()),
        MapMethod::Size => count(map.borrow().len()),
        MapMethod::IsEmpty => Value::Bool(map.borrow().is_empty()),
        MapMethod::Clear => {
            map.borrow_mut().clear();
            Value::Null
        }
    })
}
