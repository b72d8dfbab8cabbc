//! `String` methods, static and instance.
//!
//! Positions and lengths count UTF-16 code units, as Apex (a JVM language)
//! does: a character outside the Basic Multilingual Plane counts as two.

use std::cell::RefCell;
use std::rc::Rc;

use super::{Builtin, Signature, sig};
use crate::check::types::Type;
use crate::interp::eval::Eval;
use crate::interp::exception::{ApexException, STRING, check_string_size};
use crate::interp::value::Value;
use crate::syntax::source::Span;

/// String instance methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `s.length()`
    Length,
    /// `s.toLowerCase()`
    ToLowerCase,
    /// `s.toUpperCase()`
    ToUpperCase,
    /// `s.trim()`
    Trim,
    /// `s.contains(t)`
    Contains,
    /// `s.startsWith(t)`
    StartsWith,
    /// `s.endsWith(t)`
    EndsWith,
    /// `s.indexOf(t)`
    IndexOf,
    /// `s.substring(start[, end])`
    Substring,
    /// `s.left(n)`
    Left,
    /// `s.right(n)`
    Right,
    /// `s.replace(target, replacement)`
    Replace,
    /// `s.equals(other)`: exact, case-sensitive.
    Equals,
    /// `s.equalsIgnoreCase(other)`
    EqualsIgnoreCase,
    /// `s.countMatches(t)`: non-overlapping occurrences.
    CountMatches,
    /// `s.split(regex)`: pieces between matches of a regular expression.
    Split,
}

pub(super) fn resolve_static(method: &str, args: &[Type]) -> Option<Signature> {
    let s = || vec![Type::String];
    match (method, args.len()) {
        ("valueof", 1) => sig(Builtin::StringValueOf, vec![Type::Object], Type::String),
        ("isblank", 1) => sig(Builtin::IsBlank, s(), Type::Boolean),
        ("isnotblank", 1) => sig(Builtin::IsNotBlank, s(), Type::Boolean),
        ("isempty", 1) => sig(Builtin::IsEmpty, s(), Type::Boolean),
        ("isnotempty", 1) => sig(Builtin::IsNotEmpty, s(), Type::Boolean),
        ("join", 2) => {
            let params = vec![Type::List(Box::new(Type::Object)), Type::String];
            sig(Builtin::Join, params, Type::String)
        }
        _ => None,
    }
}

pub(super) fn resolve_instance(method: &str, args: &[Type]) -> Option<Signature> {
    use Type::{Boolean, Integer, String as Str};
    let (m, params, ret) = match (method, args.len()) {
        ("length", 0) => (Method::Length, vec![], Integer),
        ("tolowercase", 0) => (Method::ToLowerCase, vec![], Str),
        ("touppercase", 0) => (Method::ToUpperCase, vec![], Str),
        ("trim", 0) => (Method::Trim, vec![], Str),
        ("contains", 1) => (Method::Contains, vec![Str], Boolean),
        ("startswith", 1) => (Method::StartsWith, vec![Str], Boolean),
        ("endswith", 1) => (Method::EndsWith, vec![Str], Boolean),
        ("indexof", 1) => (Method::IndexOf, vec![Str], Integer),
        ("substring", 1) => (Method::Substring, vec![Integer], Str),
        ("substring", 2) => (Method::Substring, vec![Integer, Integer], Str),
        ("left", 1) => (Method::Left, vec![Integer], Str),
        ("right", 1) => (Method::Right, vec![Integer], Str),
        ("replace", 2) => (Method::Replace, vec![Str, Str], Str),
        ("equals", 1) => (Method::Equals, vec![Type::Object], Boolean),
        ("equalsignorecase", 1) => (Method::EqualsIgnoreCase, vec![Str], Boolean),
        ("split", 1) => (Method::Split, vec![Str], Type::List(Box::new(Str))),
        ("countmatches", 1) => (Method::CountMatches, vec![Str], Integer),
        _ => return None,
    };
    let mut all = vec![Str];
    all.extend(params);
    sig(Builtin::Str(m), all, ret)
}

pub(super) fn is_blank(v: &Value) -> bool {
    match v {
        Value::String(s) => s.trim().is_empty(),
        _ => true,
    }
}

pub(super) fn is_empty(v: &Value) -> bool {
    match v {
        Value::String(s) => s.is_empty(),
        _ => true,
    }
}

/// `String.join(list, separator)`
pub(super) fn join(list: &Value, sep: &Value, span: &Span) -> Eval<Value> {
    let Value::List(items) = list else {
        return Err(ApexException::null_pointer(span).into());
    };
    let sep = match sep {
        Value::String(s) => s.to_string(),
        _ => "null".to_string(),
    };
    let parts: Vec<String> = items.borrow().iter().map(Value::to_string).collect();
    Ok(Value::string(&parts.join(&sep)))
}

fn int(v: &Value, span: &Span) -> Eval<i64> {
    match v {
        Value::Int(i) => Ok(i64::from(*i)),
        _ => Err(ApexException::null_pointer(span).into()),
    }
}

fn text<'a>(v: &'a Value, span: &Span) -> Eval<&'a str> {
    match v {
        Value::String(s) => Ok(s),
        _ => Err(ApexException::null_pointer(span).into()),
    }
}

fn count(n: usize) -> Value {
    Value::Int(i32::try_from(n).unwrap_or(i32::MAX))
}

pub(super) fn call(m: Method, args: &[Value], span: &Span) -> Eval<Value> {
    let s = text(&args[0], span)?;
    let str_arg = |i: usize| text(&args[i], span);
    Ok(match m {
        Method::Length => count(s.encode_utf16().count()),
        Method::ToLowerCase => Value::string(&s.to_lowercase()),
        Method::ToUpperCase => Value::string(&s.to_uppercase()),
        Method::Trim => Value::string(s.trim()),
        Method::Contains => Value::Bool(s.contains(str_arg(1)?)),
        Method::StartsWith => Value::Bool(s.starts_with(str_arg(1)?)),
        Method::EndsWith => Value::Bool(s.ends_with(str_arg(1)?)),
        Method::IndexOf => match s.find(str_arg(1)?) {
            Some(byte) => count(s[..byte].encode_utf16().count()),
            None => Value::Int(-1),
        },
        Method::Substring => substring(s, args, span)?,
        Method::Left => {
            let n = usize::try_from(int(&args[1], span)?.max(0)).unwrap_or(0);
            let units = utf16(s);
            Value::string(&String::from_utf16_lossy(&units[..n.min(units.len())]))
        }
        Method::Right => {
            let n = usize::try_from(int(&args[1], span)?.max(0)).unwrap_or(0);
            let units = utf16(s);
            Value::string(&String::from_utf16_lossy(
                &units[units.len().saturating_sub(n)..],
            ))
        }
        Method::Replace => replace(s, str_arg(1)?, str_arg(2)?, span)?,
        Method::Equals => Value::Bool(matches!(&args[1], Value::String(o) if **o == *s)),
        Method::EqualsIgnoreCase => Value::Bool(
            matches!(&args[1], Value::String(o) if o.to_lowercase() == s.to_lowercase()),
        ),
        Method::Split => split(s, str_arg(1)?, span)?,
        Method::CountMatches => {
            let needle = str_arg(1)?;
            count(if needle.is_empty() {
                0
            } else {
                s.matches(needle).count()
            })
        }
    })
}

/// `substring(start[, end])` with the platform's out-of-range messages.
fn substring(s: &str, args: &[Value], span: &Span) -> Eval<Value> {
    let units = utf16(s);
    let len = units.len() as i64;
    let start = int(&args[1], span)?;
    let end = match args.get(2) {
        Some(v) => int(v, span)?,
        None => len,
    };
    if start < 0 || start > len {
        let msg = format!("Starting position out of bounds: {start}");
        return Err(ApexException::new(STRING, msg, span).into());
    }
    if end < start || end > len {
        let msg = format!("Ending position out of bounds: {end}");
        return Err(ApexException::new(STRING, msg, span).into());
    }
    let (start, end) = (start as usize, end as usize);
    Ok(Value::string(&String::from_utf16_lossy(&units[start..end])))
}

/// A string's UTF-16 code units: positions in Apex strings count these, as
/// `length()` does.
fn utf16(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

/// Splits on a regular expression as Java does: trailing empty pieces are
/// dropped, and so is a leading empty piece left by a match at the start.
/// (Java's and Rust's regular expressions differ in rare features such as
/// look-around, which is refused here as an invalid pattern.)
fn split(s: &str, pattern: &str, span: &Span) -> Eval<Value> {
    let regex = cached_regex(pattern)
        .map_err(|_| ApexException::new(STRING, format!("Invalid regex: {pattern}"), span))?;
    let mut parts: Vec<Value> = Vec::new();
    let mut last = 0;
    for m in regex.find_iter(s) {
        // A zero-width match at the start makes no leading empty piece.
        if m.end() == 0 {
            continue;
        }
        parts.push(Value::string(&s[last..m.start()]));
        last = m.end();
    }
    parts.push(Value::string(&s[last..]));
    while matches!(parts.last(), Some(Value::String(p)) if p.is_empty()) {
        parts.pop();
    }
    if s.is_empty() {
        parts = vec![Value::String(Rc::from(""))];
    }
    Ok(Value::list(parts))
}

/// The compiled pattern, reusing the last one: scripts split many strings
/// by the same separator in a loop.
fn cached_regex(pattern: &str) -> Result<regex::Regex, regex::Error> {
    thread_local! {
        static LAST: RefCell<Option<regex::Regex>> = const { RefCell::new(None) };
    }
    LAST.with(|last| {
        if let Some(r) = last.borrow().as_ref().filter(|r| r.as_str() == pattern) {
            return Ok(r.clone());
        }
        let r = regex::Regex::new(pattern)?;
        *last.borrow_mut() = Some(r.clone());
        Ok(r)
    })
}

/// `s.replace(target, replacement)`; a result past the heap limit is refused
/// before it is built (an empty target inserts the replacement around every
/// character).
fn replace(s: &str, target: &str, replacement: &str, span: &Span) -> Eval<Value> {
    let places = if target.is_empty() {
        s.chars().count() + 1
    } else {
        s.matches(target).count()
    };
    let grown = places.saturating_mul(replacement.len());
    check_string_size(s.len().saturating_add(grown), span)?;
    Ok(Value::string(&s.replace(target, replacement)))
}
