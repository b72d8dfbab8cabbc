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
    /// `s.split(regex[, limit])`: pieces between matches of a regular
    /// expression.
    Split,
    /// `s.indexOf(t, from)`
    IndexOfFrom,
    /// `s.lastIndexOf(t[, from])`
    LastIndexOf,
    /// `s.indexOfIgnoreCase(t)`
    IndexOfIgnoreCase,
    /// `s.containsIgnoreCase(t)`
    ContainsIgnoreCase,
    /// `s.startsWithIgnoreCase(t)`
    StartsWithIgnoreCase,
    /// `s.endsWithIgnoreCase(t)`
    EndsWithIgnoreCase,
    /// `s.replaceAll(regex, replacement)`
    ReplaceAll,
    /// `s.replaceFirst(regex, replacement)`
    ReplaceFirst,
    /// `s.charAt(i)`: the UTF-16 code unit at `i`.
    CharAt,
    /// `s.compareTo(t)`
    CompareTo,
    /// `s.getChars()`: the UTF-16 code units.
    GetChars,
    /// One of the methods Apex takes from Apache Commons' `StringUtils`.
    Utils(super::string_utils::Utils),
}

/// String static methods beyond the common ones in [`Builtin`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Static {
    /// `String.escapeSingleQuotes(s)`
    EscapeSingleQuotes,
    /// `String.format(template, arguments)`
    Format,
    /// `String.fromCharArray(codes)`
    FromCharArray,
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
        ("escapesinglequotes", 1) => sig(
            Builtin::StrStatic(Static::EscapeSingleQuotes),
            s(),
            Type::String,
        ),
        ("format", 2) => {
            let params = vec![Type::String, Type::List(Box::new(Type::Object))];
            sig(Builtin::StrStatic(Static::Format), params, Type::String)
        }
        ("fromchararray", 1) => {
            let params = vec![Type::List(Box::new(Type::Integer))];
            sig(
                Builtin::StrStatic(Static::FromCharArray),
                params,
                Type::String,
            )
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
        ("split", 2) => (Method::Split, vec![Str, Integer], Type::List(Box::new(Str))),
        ("indexof", 2) => (Method::IndexOfFrom, vec![Str, Integer], Integer),
        ("lastindexof", 1) => (Method::LastIndexOf, vec![Str], Integer),
        ("lastindexof", 2) => (Method::LastIndexOf, vec![Str, Integer], Integer),
        ("indexofignorecase", 1) => (Method::IndexOfIgnoreCase, vec![Str], Integer),
        ("containsignorecase", 1) => (Method::ContainsIgnoreCase, vec![Str], Boolean),
        ("startswithignorecase", 1) => (Method::StartsWithIgnoreCase, vec![Str], Boolean),
        ("endswithignorecase", 1) => (Method::EndsWithIgnoreCase, vec![Str], Boolean),
        ("replaceall", 2) => (Method::ReplaceAll, vec![Str, Str], Str),
        ("replacefirst", 2) => (Method::ReplaceFirst, vec![Str, Str], Str),
        ("charat", 1) => (Method::CharAt, vec![Integer], Integer),
        ("compareto", 1) => (Method::CompareTo, vec![Str], Integer),
        ("getchars", 0) => (Method::GetChars, vec![], Type::List(Box::new(Integer))),
        _ => {
            let (u, params, ret) = super::string_utils::resolve(method, args.len())?;
            (Method::Utils(u), params, ret)
        }
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
        Method::Split => match args.get(2) {
            Some(limit) => split_limit(s, str_arg(1)?, int(limit, span)?, span)?,
            None => split(s, str_arg(1)?, span)?,
        },
        Method::IndexOfFrom => {
            let from = int(&args[2], span)?;
            index_of(&utf16(s), &utf16(str_arg(1)?), from)
        }
        Method::LastIndexOf => {
            let from = match args.get(2) {
                Some(v) => int(v, span)?,
                None => i64::MAX,
            };
            last_index_of(&utf16(s), &utf16(str_arg(1)?), from)
        }
        Method::IndexOfIgnoreCase => {
            let (s, t) = (s.to_lowercase(), str_arg(1)?.to_lowercase());
            index_of(&utf16(&s), &utf16(&t), 0)
        }
        Method::ContainsIgnoreCase => {
            Value::Bool(s.to_lowercase().contains(&str_arg(1)?.to_lowercase()))
        }
        Method::StartsWithIgnoreCase => {
            Value::Bool(s.to_lowercase().starts_with(&str_arg(1)?.to_lowercase()))
        }
        Method::EndsWithIgnoreCase => {
            Value::Bool(s.to_lowercase().ends_with(&str_arg(1)?.to_lowercase()))
        }
        Method::ReplaceAll => replace_regex(s, str_arg(1)?, str_arg(2)?, 0, span)?,
        Method::ReplaceFirst => replace_regex(s, str_arg(1)?, str_arg(2)?, 1, span)?,
        Method::CharAt => {
            let units = utf16(s);
            let i = int(&args[1], span)?;
            match usize::try_from(i).ok().and_then(|i| units.get(i)) {
                Some(unit) => Value::Int(i32::from(*unit)),
                // The platform's text for this case is a guess.
                None => {
                    let msg = format!("Char index out of bounds: {i}");
                    return Err(ApexException::new(STRING, msg, span).into());
                }
            }
        }
        Method::CompareTo => Value::Int(compare_to(s, str_arg(1)?)),
        Method::GetChars => Value::list(s.encode_utf16().map(|u| Value::Int(u.into())).collect()),
        Method::Utils(u) => super::string_utils::call(u, s, &args[1..], span)?,
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

/// Java's `indexOf(t, from)` on UTF-16 code units: a negative start counts
/// as 0; -1 when `t` does not occur.
fn index_of(s: &[u16], t: &[u16], from: i64) -> Value {
    let from = usize::try_from(from.max(0)).unwrap_or(usize::MAX);
    if t.is_empty() {
        return count(from.min(s.len()));
    }
    let found = (from..=s.len().saturating_sub(t.len()))
        .find(|&i| i + t.len() <= s.len() && s[i..i + t.len()] == *t);
    found.map_or(Value::Int(-1), count)
}

/// Java's `lastIndexOf(t, from)`: the last match starting at or before
/// `from`.
fn last_index_of(s: &[u16], t: &[u16], from: i64) -> Value {
    if from < 0 || t.len() > s.len() {
        return Value::Int(-1);
    }
    let last = (s.len() - t.len()).min(usize::try_from(from).unwrap_or(usize::MAX));
    let found = (0..=last).rev().find(|&i| s[i..i + t.len()] == *t);
    found.map_or(Value::Int(-1), count)
}

/// Java's `compareTo`: the difference of the first differing UTF-16 code
/// units, else of the lengths.
fn compare_to(a: &str, b: &str) -> i32 {
    let (mut a, mut b) = (a.encode_utf16(), b.encode_utf16());
    loop {
        match (a.next(), b.next()) {
            (Some(x), Some(y)) if x == y => {}
            (Some(x), Some(y)) => return i32::from(x) - i32::from(y),
            (Some(_), None) => return 1 + a.count() as i32,
            (None, Some(_)) => return -1 - b.count() as i32,
            (None, None) => return 0,
        }
    }
}

/// `String.escapeSingleQuotes`, `String.format` and `String.fromCharArray`.
pub(super) fn call_static(m: Static, args: &[Value], span: &Span) -> Eval<Value> {
    match m {
        Static::EscapeSingleQuotes => {
            let s = text(&args[0], span)?;
            Ok(Value::string(&s.replace('\'', "\\'")))
        }
        Static::Format => format(text(&args[0], span)?, &args[1], span),
        Static::FromCharArray => {
            let Value::List(codes) = &args[0] else {
                return Err(ApexException::null_pointer(span).into());
            };
            let mut units = Vec::new();
            for v in codes.borrow().iter() {
                let Value::Int(i) = v else {
                    return Err(ApexException::null_pointer(span).into());
                };
                // Each Integer is one UTF-16 code unit, as Java's `char`.
                units.push(*i as u16);
            }
            Ok(Value::string(&String::from_utf16_lossy(&units)))
        }
    }
}

/// `String.format(template, arguments)`: `{n}` becomes argument `n` as
/// `String.valueOf` writes it, as Java's `MessageFormat` does after the
/// platform turns every argument into a string; `''` is one quote and text
/// between single quotes is literal. A format type after the index
/// (`{0,number,#}`) is ignored: the argument is already a string.
fn format(template: &str, args: &Value, span: &Span) -> Eval<Value> {
    let Value::List(list) = args else {
        return Err(ApexException::null_pointer(span).into());
    };
    let list = list.borrow();
    let mut out = String::new();
    let mut chars = template.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '\'' if chars.peek() == Some(&'\'') => {
                chars.next();
                out.push('\'');
            }
            '\'' => quoted = !quoted,
            '{' if !quoted => {
                let mut inside = String::new();
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                    inside.push(c);
                }
                let index = inside.split(',').next().unwrap_or("").trim();
                let Ok(index) = index.parse::<usize>() else {
                    let msg = format!("can't parse argument number: {inside}");
                    return Err(ApexException::new(STRING, msg, span).into());
                };
                match list.get(index) {
                    Some(v) => out.push_str(&v.to_string()),
                    None => {
                        out.push('{');
                        out.push_str(&inside);
                        out.push('}');
                    }
                }
            }
            c => out.push(c),
        }
        check_string_size(out.len(), span)?;
    }
    Ok(Value::string(&out))
}

/// `replaceAll` (`limit` 0) and `replaceFirst` (`limit` 1) with a Java
/// regular expression and replacement (`$1` for a group, `\$` for a
/// dollar sign).
fn replace_regex(
    s: &str,
    pattern: &str,
    replacement: &str,
    limit: usize,
    span: &Span,
) -> Eval<Value> {
    let regex = cached_regex(pattern)
        .map_err(|_| ApexException::new(STRING, format!("Invalid regex: {pattern}"), span))?;
    let replacement = java_replacement(replacement, regex.captures_len());
    let out = regex.replacen(s, limit, replacement.as_str());
    check_string_size(out.len(), span)?;
    Ok(Value::string(&out))
}

/// A Java replacement string in the `regex` crate's syntax: `$n` takes as
/// many digits as still name a group, `\x` is a literal `x`, and a literal
/// `$` is doubled.
fn java_replacement(java: &str, groups: usize) -> String {
    let mut out = String::new();
    let mut chars = java.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('$') => out.push_str("$$"),
                Some(c) => out.push(c),
                None => {}
            },
            '$' if chars.peek().is_some_and(char::is_ascii_digit) => {
                let mut n = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    let longer = format!("{n}{d}");
                    if !n.is_empty() && longer.parse::<usize>().map_or(true, |g| g >= groups) {
                        break;
                    }
                    n = longer;
                    chars.next();
                }
                out.push_str(&format!("${{{n}}}"));
            }
            '$' => out.push_str("$$"),
            c => out.push(c),
        }
    }
    out
}

/// `split(regex, limit)` as Java does: a positive limit makes at most that
/// many pieces, the last holding the rest; zero drops trailing empty pieces
/// like `split(regex)`; a negative limit keeps them.
fn split_limit(s: &str, pattern: &str, limit: i64, span: &Span) -> Eval<Value> {
    if limit == 0 {
        return split(s, pattern, span);
    }
    let regex = cached_regex(pattern)
        .map_err(|_| ApexException::new(STRING, format!("Invalid regex: {pattern}"), span))?;
    let mut parts: Vec<Value> = Vec::new();
    let mut last = 0;
    for m in regex.find_iter(s) {
        if limit > 0 && parts.len() as i64 == limit - 1 {
            break;
        }
        if m.end() == 0 {
            continue;
        }
        parts.push(Value::string(&s[last..m.start()]));
        last = m.end();
    }
    parts.push(Value::string(&s[last..]));
    Ok(Value::list(parts))
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
