//! The `String` methods Apex takes from Apache Commons' `StringUtils`:
//! padding and centring, abbreviation, case of the first letter, removal,
//! repetition, character classes (`isNumeric`, `isAlpha`, ...) and the
//! substrings around separators. They follow `StringUtils`' rules for empty
//! separators and missing matches; lengths count UTF-16 code units.

use crate::check::types::Type;
use crate::interp::eval::Eval;
use crate::interp::exception::{ApexException, STRING, check_string_size};
use crate::interp::value::Value;
use crate::syntax::source::Span;

/// One `StringUtils`-style method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Utils {
    /// `leftPad(n[, pad])`
    LeftPad,
    /// `rightPad(n[, pad])`
    RightPad,
    /// `center(n[, pad])`
    Center,
    /// `abbreviate(n)`
    Abbreviate,
    /// `capitalize()`
    Capitalize,
    /// `uncapitalize()`
    Uncapitalize,
    /// `swapCase()`
    SwapCase,
    /// `remove(t)`: every occurrence.
    Remove,
    /// `removeStart(t)`
    RemoveStart,
    /// `removeEnd(t)`
    RemoveEnd,
    /// `removeStartIgnoreCase(t)`
    RemoveStartIgnoreCase,
    /// `removeEndIgnoreCase(t)`
    RemoveEndIgnoreCase,
    /// `reverse()`
    Reverse,
    /// `repeat(n)` or `repeat(separator, n)`
    Repeat,
    /// `deleteWhitespace()`
    DeleteWhitespace,
    /// `normalizeSpace()`
    NormalizeSpace,
    /// `mid(start, length)`
    Mid,
    /// `substringBefore(t)`
    SubstringBefore,
    /// `substringAfter(t)`
    SubstringAfter,
    /// `substringBeforeLast(t)`
    SubstringBeforeLast,
    /// `substringAfterLast(t)`
    SubstringAfterLast,
    /// `substringBetween(tag)` or `substringBetween(open, close)`
    SubstringBetween,
    /// `containsAny(chars)`
    ContainsAny,
    /// `containsNone(chars)`
    ContainsNone,
    /// `containsOnly(chars)`
    ContainsOnly,
    /// `containsWhitespace()`
    ContainsWhitespace,
    /// A test of every character (`isNumeric()` and friends).
    Is(Class),
}

/// The character tests behind `isNumeric()`, `isAlpha()` and friends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// `isNumeric()`: Unicode digits only.
    Numeric,
    /// `isNumericSpace()`
    NumericSpace,
    /// `isAlpha()`: Unicode letters only.
    Alpha,
    /// `isAlphaSpace()`
    AlphaSpace,
    /// `isAlphanumeric()`
    Alphanumeric,
    /// `isAlphanumericSpace()`
    AlphanumericSpace,
    /// `isWhitespace()`
    Whitespace,
    /// `isAllLowerCase()`
    AllLowerCase,
    /// `isAllUpperCase()`
    AllUpperCase,
    /// `isAsciiPrintable()`
    AsciiPrintable,
}

/// The method named `method` (lower case) with `arity` arguments: what it
/// is, its parameter types and its return type.
pub(super) fn resolve(method: &str, arity: usize) -> Option<(Utils, Vec<Type>, Type)> {
    use Type::{Boolean, Integer, String as Str};
    use Utils as U;
    Some(match (method, arity) {
        ("leftpad", 1) => (U::LeftPad, vec![Integer], Str),
        ("leftpad", 2) => (U::LeftPad, vec![Integer, Str], Str),
        ("rightpad", 1) => (U::RightPad, vec![Integer], Str),
        ("rightpad", 2) => (U::RightPad, vec![Integer, Str], Str),
        ("center", 1) => (U::Center, vec![Integer], Str),
        ("center", 2) => (U::Center, vec![Integer, Str], Str),
        ("abbreviate", 1) => (U::Abbreviate, vec![Integer], Str),
        ("capitalize", 0) => (U::Capitalize, vec![], Str),
        ("uncapitalize", 0) => (U::Uncapitalize, vec![], Str),
        ("swapcase", 0) => (U::SwapCase, vec![], Str),
        ("remove", 1) => (U::Remove, vec![Str], Str),
        ("removestart", 1) => (U::RemoveStart, vec![Str], Str),
        ("removeend", 1) => (U::RemoveEnd, vec![Str], Str),
        ("removestartignorecase", 1) => (U::RemoveStartIgnoreCase, vec![Str], Str),
        ("removeendignorecase", 1) => (U::RemoveEndIgnoreCase, vec![Str], Str),
        ("reverse", 0) => (U::Reverse, vec![], Str),
        ("repeat", 1) => (U::Repeat, vec![Integer], Str),
        ("repeat", 2) => (U::Repeat, vec![Str, Integer], Str),
        ("deletewhitespace", 0) => (U::DeleteWhitespace, vec![], Str),
        ("normalizespace", 0) => (U::NormalizeSpace, vec![], Str),
        ("mid", 2) => (U::Mid, vec![Integer, Integer], Str),
        ("substringbefore", 1) => (U::SubstringBefore, vec![Str], Str),
        ("substringafter", 1) => (U::SubstringAfter, vec![Str], Str),
        ("substringbeforelast", 1) => (U::SubstringBeforeLast, vec![Str], Str),
        ("substringafterlast", 1) => (U::SubstringAfterLast, vec![Str], Str),
        ("substringbetween", 1) => (U::SubstringBetween, vec![Str], Str),
        ("substringbetween", 2) => (U::SubstringBetween, vec![Str, Str], Str),
        ("containsany", 1) => (U::ContainsAny, vec![Str], Boolean),
        ("containsnone", 1) => (U::ContainsNone, vec![Str], Boolean),
        ("containsonly", 1) => (U::ContainsOnly, vec![Str], Boolean),
        ("containswhitespace", 0) => (U::ContainsWhitespace, vec![], Boolean),
        (name, 0) => (U::Is(class(name)?), vec![], Boolean),
        _ => return None,
    })
}

fn class(name: &str) -> Option<Class> {
    Some(match name {
        "isnumeric" => Class::Numeric,
        "isnumericspace" => Class::NumericSpace,
        "isalpha" => Class::Alpha,
        "isalphaspace" => Class::AlphaSpace,
        "isalphanumeric" => Class::Alphanumeric,
        "isalphanumericspace" => Class::AlphanumericSpace,
        "iswhitespace" => Class::Whitespace,
        "isalllowercase" => Class::AllLowerCase,
        "isalluppercase" => Class::AllUpperCase,
        "isasciiprintable" => Class::AsciiPrintable,
        _ => return None,
    })
}

/// Runs method `u` on `s` with `args`.
pub(super) fn call(u: Utils, s: &str, args: &[Value], span: &Span) -> Eval<Value> {
    let str_arg = |i: usize| -> Eval<&str> {
        match args.get(i) {
            Some(Value::String(t)) => Ok(t),
            _ => Err(ApexException::null_pointer(span).into()),
        }
    };
    let int_arg = |i: usize| -> Eval<i64> {
        match args.get(i) {
            Some(Value::Int(n)) => Ok(i64::from(*n)),
            _ => Err(ApexException::null_pointer(span).into()),
        }
    };
    let out = |t: String| Value::string(&t);
    Ok(match u {
        Utils::LeftPad | Utils::RightPad | Utils::Center => {
            let width = int_arg(0)?;
            let pad = if args.len() > 1 { str_arg(1)? } else { " " };
            out(pad_to(u, s, width, pad, span)?)
        }
        Utils::Abbreviate => {
            let width = int_arg(0)?;
            if width < 4 {
                let msg = "Minimum abbreviation width is 4";
                return Err(ApexException::new(STRING, msg, span).into());
            }
            let units: Vec<u16> = s.encode_utf16().collect();
            if units.len() as i64 <= width {
                out(s.to_string())
            } else {
                let keep = usize::try_from(width - 3).unwrap_or(0);
                out(String::from_utf16_lossy(&units[..keep]) + "...")
            }
        }
        Utils::Capitalize => out(first_char(s, |c| c.to_uppercase().collect())),
        Utils::Uncapitalize => out(first_char(s, |c| c.to_lowercase().collect())),
        Utils::SwapCase => out(s.chars().map(swap_case).collect()),
        Utils::Remove => {
            let t = str_arg(0)?;
            out(if t.is_empty() {
                s.to_string()
            } else {
                s.replace(t, "")
            })
        }
        Utils::RemoveStart => out(s.strip_prefix(str_arg(0)?).unwrap_or(s).to_string()),
        Utils::RemoveEnd => out(s.strip_suffix(str_arg(0)?).unwrap_or(s).to_string()),
        Utils::RemoveStartIgnoreCase => {
            let t = str_arg(0)?;
            let n = t.chars().count();
            let head: String = s.chars().take(n).collect();
            out(
                if !t.is_empty() && head.to_lowercase() == t.to_lowercase() {
                    s.chars().skip(n).collect()
                } else {
                    s.to_string()
                },
            )
        }
        Utils::RemoveEndIgnoreCase => {
            let t = str_arg(0)?;
            let n = t.chars().count();
            let total = s.chars().count();
            let tail: String = s.chars().skip(total.saturating_sub(n)).collect();
            out(
                if !t.is_empty() && n <= total && tail.to_lowercase() == t.to_lowercase() {
                    s.chars().take(total - n).collect()
                } else {
                    s.to_string()
                },
            )
        }
        Utils::Reverse => out(s.chars().rev().collect()),
        Utils::Repeat => {
            let (sep, times) = if args.len() == 2 {
                (str_arg(0)?, int_arg(1)?)
            } else {
                ("", int_arg(0)?)
            };
            let times = usize::try_from(times).unwrap_or(0);
            let size = s.len().saturating_add(sep.len()).saturating_mul(times);
            check_string_size(size, span)?;
            out(vec![s; times].join(sep))
        }
        Utils::DeleteWhitespace => out(s.chars().filter(|c| !c.is_whitespace()).collect()),
        Utils::NormalizeSpace => out(s.split_whitespace().collect::<Vec<_>>().join(" ")),
        Utils::Mid => {
            let units: Vec<u16> = s.encode_utf16().collect();
            let start = usize::try_from(int_arg(0)?.max(0)).unwrap_or(0);
            let len = int_arg(1)?;
            if len < 0 || start > units.len() {
                out(String::new())
            } else {
                let end = start.saturating_add(usize::try_from(len).unwrap_or(0));
                out(String::from_utf16_lossy(
                    &units[start..end.min(units.len())],
                ))
            }
        }
        Utils::SubstringBefore => {
            let t = str_arg(0)?;
            out(match s.find(t) {
                _ if t.is_empty() => String::new(),
                Some(i) => s[..i].to_string(),
                None => s.to_string(),
            })
        }
        Utils::SubstringAfter => {
            let t = str_arg(0)?;
            out(match s.find(t) {
                _ if t.is_empty() => s.to_string(),
                Some(i) => s[i + t.len()..].to_string(),
                None => String::new(),
            })
        }
        Utils::SubstringBeforeLast => {
            let t = str_arg(0)?;
            out(match s.rfind(t) {
                _ if t.is_empty() => s.to_string(),
                Some(i) => s[..i].to_string(),
                None => s.to_string(),
            })
        }
        Utils::SubstringAfterLast => {
            let t = str_arg(0)?;
            out(match s.rfind(t) {
                _ if t.is_empty() => String::new(),
                Some(i) => s[i + t.len()..].to_string(),
                None => String::new(),
            })
        }
        Utils::SubstringBetween => {
            let open = str_arg(0)?;
            let close = if args.len() > 1 { str_arg(1)? } else { open };
            let between = s.find(open).and_then(|i| {
                let rest = &s[i + open.len()..];
                rest.find(close).map(|j| rest[..j].to_string())
            });
            between.map_or(Value::Null, out)
        }
        Utils::ContainsAny => {
            let set = str_arg(0)?;
            Value::Bool(s.chars().any(|c| set.contains(c)))
        }
        Utils::ContainsNone => {
            let set = str_arg(0)?;
            Value::Bool(!s.chars().any(|c| set.contains(c)))
        }
        Utils::ContainsOnly => {
            let set = str_arg(0)?;
            Value::Bool(s.chars().all(|c| set.contains(c)))
        }
        Utils::ContainsWhitespace => Value::Bool(s.chars().any(char::is_whitespace)),
        Utils::Is(class) => Value::Bool(is_class(class, s)),
    })
}

/// `leftPad`, `rightPad` and `center` to `width` code units with `pad`
/// repeated (a space when `pad` is empty, as `StringUtils` does).
fn pad_to(u: Utils, s: &str, width: i64, pad: &str, span: &Span) -> Eval<String> {
    let len = s.encode_utf16().count() as i64;
    if width <= len {
        return Ok(s.to_string());
    }
    let missing = usize::try_from(width - len).unwrap_or(0);
    check_string_size(s.len().saturating_add(missing.saturating_mul(4)), span)?;
    let pad: Vec<u16> = if pad.is_empty() {
        vec![u16::from(b' ')]
    } else {
        pad.encode_utf16().collect()
    };
    let fill = |n: usize| {
        String::from_utf16_lossy(&pad.iter().copied().cycle().take(n).collect::<Vec<_>>())
    };
    Ok(match u {
        Utils::LeftPad => fill(missing) + s,
        Utils::RightPad => s.to_string() + &fill(missing),
        _ => {
            let left = missing / 2;
            fill(left) + s + &fill(missing - left)
        }
    })
}

/// `s` with its first character changed by `change`.
fn first_char(s: &str, change: impl Fn(char) -> String) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => change(first) + chars.as_str(),
        None => String::new(),
    }
}

fn swap_case(c: char) -> char {
    if c.is_uppercase() {
        c.to_lowercase().next().unwrap_or(c)
    } else if c.is_lowercase() {
        c.to_uppercase().next().unwrap_or(c)
    } else {
        c
    }
}

/// Whether every character of `s` is of `class`. The empty string is
/// whitespace only, and nothing else (`isNumeric('')` is false, as in
/// `StringUtils` 3; the platform's answer for the empty string is a guess).
fn is_class(class: Class, s: &str) -> bool {
    let all = |f: fn(char) -> bool| !s.is_empty() && s.chars().all(f);
    match class {
        Class::Numeric => all(char::is_numeric),
        Class::NumericSpace => all(|c| c.is_numeric() || c == ' '),
        Class::Alpha => all(char::is_alphabetic),
        Class::AlphaSpace => all(|c| c.is_alphabetic() || c == ' '),
        Class::Alphanumeric => all(char::is_alphanumeric),
        Class::AlphanumericSpace => all(|c| c.is_alphanumeric() || c == ' '),
        Class::Whitespace => s.chars().all(char::is_whitespace),
        Class::AllLowerCase => all(char::is_lowercase),
        Class::AllUpperCase => all(char::is_uppercase),
        Class::AsciiPrintable => s.chars().all(|c| (' '..='~').contains(&c)),
    }
}
