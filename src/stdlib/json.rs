//! `JSON.serialize`, `serializePretty` and `deserializeUntyped`.
//!
//! Values serialize as Apex writes them: numbers keep a Decimal's scale,
//! Dates as `yyyy-MM-dd`, Datetimes as GMT `yyyy-MM-ddTHH:mm:ss.SSSZ`, enums
//! by name, sObjects with an `attributes` object first (its `url` names API
//! version 62.0, a guess) and then the fields set on them, in schema order,
//! parent records nested under their relationship name; objects of declared
//! classes with every instance field, nulls included unless suppressed.
//! `serializePretty` lays out the text as the platform's (Jackson's) pretty
//! printer does: `"key" : value`, two-space indents, arrays on one line.
//! Not supported: `JSON.deserialize` into a type (there are no `Type`
//! values), `JSONGenerator` and `JSONParser`.

use std::fmt::Write as _;

use indexmap::IndexMap;
use rust_decimal::Decimal;

use super::{Builtin, Signature, sig};
use crate::check::types::Type;
use crate::data::record::{FieldValue, Record};
use crate::interp::eval::Eval;
use crate::interp::exception::{ApexException, check_string_size};
use crate::interp::key::Key;
use crate::interp::value::Value;
use crate::syntax::source::Span;

/// `System.JSONException`
const JSON_EXCEPTION: &str = "System.JSONException";

/// The `JSON` methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `JSON.serialize(value[, suppressApexObjectNulls])`
    Serialize,
    /// `JSON.serializePretty(value[, suppressApexObjectNulls])`
    SerializePretty,
    /// `JSON.deserializeUntyped(text)`
    DeserializeUntyped,
}

pub(super) fn resolve(method: &str, args: &[Type]) -> Option<Signature> {
    let (m, params, ret) = match (method, args.len()) {
        ("serialize", 1) => (Method::Serialize, vec![Type::Object], Type::String),
        ("serialize", 2) => (
            Method::Serialize,
            vec![Type::Object, Type::Boolean],
            Type::String,
        ),
        ("serializepretty", 1) => (Method::SerializePretty, vec![Type::Object], Type::String),
        ("serializepretty", 2) => (
            Method::SerializePretty,
            vec![Type::Object, Type::Boolean],
            Type::String,
        ),
        ("deserializeuntyped", 1) => (Method::DeserializeUntyped, vec![Type::String], Type::Object),
        _ => return None,
    };
    sig(Builtin::Json(m), params, ret)
}

pub(super) fn call(m: Method, args: &[Value], span: &Span) -> Eval<Value> {
    match m {
        Method::Serialize | Method::SerializePretty => {
            let suppress = matches!(args.get(1), Some(Value::Bool(true)));
            let tree = to_json(&args[0], suppress, 0, span)?;
            let mut out = String::new();
            if m == Method::Serialize {
                write_compact(&tree, &mut out);
            } else {
                write_pretty(&tree, 0, &mut out);
            }
            check_string_size(out.len(), span)?;
            Ok(Value::string(&out))
        }
        Method::DeserializeUntyped => {
            let Value::String(text) = &args[0] else {
                return Err(ApexException::null_pointer(span).into());
            };
            let tree: serde_json::Value = serde_json::from_str(text).map_err(|e| {
                ApexException::new(JSON_EXCEPTION, format!("Malformed JSON: {e}"), span)
            })?;
            Ok(from_json(tree))
        }
    }
}

/// A JSON value before it is written out. Numbers keep their text, so a
/// Decimal's scale survives.
enum Json {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

/// How deep values may nest before serializing stops: a list that contains
/// itself would otherwise never end.
const MAX_DEPTH: usize = 512;

fn to_json(v: &Value, suppress: bool, depth: usize, span: &Span) -> Eval<Json> {
    if depth > MAX_DEPTH {
        let msg = "Maximum stack depth reached while serializing";
        return Err(ApexException::new(JSON_EXCEPTION, msg, span).into());
    }
    let nested = |v: &Value| to_json(v, suppress, depth + 1, span);
    Ok(match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::Number(i.to_string()),
        Value::Long(i) => Json::Number(i.to_string()),
        Value::Double(d) => Json::Number(double_text(*d)),
        Value::Decimal(d) => Json::Number(d.to_string()),
        Value::String(s) => Json::String(s.to_string()),
        Value::Id(id) => Json::String(id.to_string()),
        Value::Date(d) => Json::String(d.format("%Y-%m-%d").to_string()),
        Value::Datetime(t) => Json::String(t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()),
        Value::Enum(e) => Json::String(e.name.to_string()),
        Value::StatusCode(code) => Json::String((*code).to_string()),
        Value::List(items) => {
            let items = items.borrow();
            Json::Array(items.iter().map(nested).collect::<Eval<_>>()?)
        }
        Value::Set(items) => {
            let items = items.borrow();
            Json::Array(items.iter().map(|k| nested(&k.0)).collect::<Eval<_>>()?)
        }
        Value::Map(entries) => {
            let entries = entries.borrow();
            let mut out = Vec::with_capacity(entries.len());
            for (k, v) in entries.iter() {
                out.push((k.0.to_string(), nested(v)?));
            }
            Json::Object(out)
        }
        Value::SObject(r) => record_json(&r.borrow()),
        Value::Object(o) => {
            let fields = o.fields.borrow();
            let mut out = Vec::new();
            for (name, value) in o.class.fields.iter().zip(fields.iter()) {
                if suppress && matches!(value, Value::Null) {
                    continue;
                }
                out.push((name.clone(), nested(value)?));
            }
            Json::Object(out)
        }
        Value::Aggregate(fields) => Json::Object(
            fields
                .iter()
                .map(|(k, v)| Ok((k.to_string(), nested(v)?)))
                .collect::<Eval<_>>()?,
        ),
        other => {
            // Exceptions, savepoints and DML results: the platform's text
            // for these is not known.
            let msg = format!("Cannot serialize a value of this type: {other}");
            return Err(ApexException::new(JSON_EXCEPTION, msg, span).into());
        }
    })
}

/// A Double as Java prints it in JSON: always with a decimal point.
fn double_text(d: f64) -> String {
    if d.is_finite() && d.fract() == 0.0 && d.abs() < 1e16 {
        format!("{d:.1}")
    } else {
        d.to_string()
    }
}

fn record_json(r: &Record) -> Json {
    let object = r.object;
    let mut attributes = vec![("type".to_string(), Json::String(object.name.to_string()))];
    if let Some(id) = r.id() {
        let url = format!("/services/data/v62.0/sobjects/{}/{id}", object.name);
        attributes.push(("url".to_string(), Json::String(url)));
    }
    let mut out = vec![("attributes".to_string(), Json::Object(attributes))];
    for (index, value) in r.set_fields() {
        out.push((object.fields[index].name.to_string(), field_json(value)));
    }
    for (index, parent) in r.parents() {
        if let Some(name) = object.fields[index].relationship_name() {
            out.push((name.to_string(), record_json(parent)));
        }
    }
    Json::Object(out)
}

fn field_json(v: &FieldValue) -> Json {
    match v {
        FieldValue::Null => Json::Null,
        FieldValue::Bool(b) => Json::Bool(*b),
        FieldValue::Int(i) => Json::Number(i.to_string()),
        FieldValue::Long(i) => Json::Number(i.to_string()),
        FieldValue::Double(d) => Json::Number(double_text(*d)),
        FieldValue::Decimal(d) => Json::Number(d.to_string()),
        FieldValue::Text(s) => Json::String(s.to_string()),
        FieldValue::Id(id) => Json::String(id.to_string()),
        FieldValue::Date(d) => Json::String(d.format("%Y-%m-%d").to_string()),
        FieldValue::DateTime(t) => {
            // The REST form of a record's date-time fields.
            Json::String(t.format("%Y-%m-%dT%H:%M:%S%.3f+0000").to_string())
        }
    }
}

fn write_string(s: &str, out: &mut String) {
    // serde_json escapes as JSON requires; Apex also escapes nothing more.
    out.push_str(&serde_json::Value::String(s.to_string()).to_string());
}

fn write_compact(j: &Json, out: &mut String) {
    match j {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => out.push_str(n),
        Json::String(s) => write_string(s, out),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_compact(item, out);
            }
            out.push(']');
        }
        Json::Object(fields) => {
            out.push('{');
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write_compact(v, out);
            }
            out.push('}');
        }
    }
}

/// Jackson's default pretty printer: objects one field per line at two
/// more spaces, `"key" : value`; arrays on the line they start, `[ a, b ]`.
fn write_pretty(j: &Json, indent: usize, out: &mut String) {
    match j {
        Json::Array(items) if items.is_empty() => out.push_str("[ ]"),
        Json::Array(items) => {
            out.push_str("[ ");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_pretty(item, indent, out);
            }
            out.push_str(" ]");
        }
        Json::Object(fields) if fields.is_empty() => out.push_str("{ }"),
        Json::Object(fields) => {
            out.push('{');
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(out, "\n{:width$}", "", width = indent + 2);
                write_string(k, out);
                out.push_str(" : ");
                write_pretty(v, indent + 2, out);
            }
            let _ = write!(out, "\n{:width$}}}", "", width = indent);
        }
        other => write_compact(other, out),
    }
}

/// Parsed JSON as Apex values: objects become `Map<String, Object>` in
/// document order, arrays `List<Object>`, whole numbers Integer or (when
/// too large) Long, other numbers Decimal.
fn from_json(j: serde_json::Value) -> Value {
    match j {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => i32::try_from(i).map_or(Value::Long(i), Value::Int),
            None => {
                let text = n.to_string();
                text.parse::<Decimal>()
                    .or_else(|_| Decimal::from_scientific(&text))
                    .map_or_else(|_| Value::Double(n.as_f64().unwrap_or(0.0)), Value::Decimal)
            }
        },
        serde_json::Value::String(s) => Value::string(&s),
        serde_json::Value::Array(items) => Value::list(items.into_iter().map(from_json).collect()),
        serde_json::Value::Object(fields) => {
            let map: IndexMap<Key, Value> = fields
                .into_iter()
                .map(|(k, v)| (Key(Value::string(&k)), from_json(v)))
                .collect();
            Value::Map(std::rc::Rc::new(std::cell::RefCell::new(map)))
        }
    }
}
