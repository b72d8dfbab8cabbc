//! The runtime value: scalars inline, strings and heap data behind `Rc`.
//!
//! Cloning a value never copies a string, list or record; an sObject value
//! shares the data layer's [`Record`] so DML reads it without conversion.

use std::cell::RefCell;
use std::fmt::{self, Write as _};
use std::rc::Rc;

use chrono::{NaiveDate, NaiveDateTime};
use indexmap::{IndexMap, IndexSet};
use rust_decimal::Decimal;

use crate::check::ir::{Class, EnumConst};
use crate::data::id::Id;
use crate::data::record::{FieldValue, Record};
use crate::interp::exception::ApexException;
use crate::interp::key::Key;
use crate::org::{DmlError, RowResult};
use crate::syntax::ast::DmlOp;

/// One row's result of a `Database` DML call, with the operation that
/// decides its class (`Database.SaveResult` for insert and update, ...).
#[derive(Debug)]
pub struct DbResult {
    /// The operation that produced it.
    pub op: DmlOp,
    /// What happened to the row.
    pub row: RowResult,
}

/// A value of any Apex type.
#[derive(Clone, Debug)]
pub enum Value {
    /// `null`
    Null,
    /// A Boolean.
    Bool(bool),
    /// An Integer.
    Int(i32),
    /// A Long.
    Long(i64),
    /// A Double.
    Double(f64),
    /// A Decimal, with its scale.
    Decimal(Decimal),
    /// A String.
    String(Rc<str>),
    /// An Id, always held in its 18-character form.
    Id(Id),
    /// A Date.
    Date(NaiveDate),
    /// A Datetime (UTC).
    Datetime(NaiveDateTime),
    /// A List, shared by reference as in Apex.
    List(Rc<RefCell<Vec<Value>>>),
    /// A Set, in insertion order.
    Set(Rc<RefCell<IndexSet<Key>>>),
    /// A Map, in insertion order.
    Map(Rc<RefCell<IndexMap<Key, Value>>>),
    /// An sObject, shared by reference as in Apex.
    SObject(Rc<RefCell<Record>>),
    /// An exception object.
    Exception(Rc<ApexException>),
    /// A `Database.SaveResult`, `UpsertResult`, `DeleteResult` or `UndeleteResult`.
    Result(Rc<DbResult>),
    /// A `Database.Error`.
    DbError(Rc<DmlError>),
    /// A constant of `System.StatusCode`, `System.RoundingMode` or
    /// `System.TriggerOperation`, by name (the names do not overlap).
    StatusCode(&'static str),
    /// A `System.Savepoint`.
    Savepoint(u32),
    /// An instance of a declared class.
    Object(Rc<Instance>),
    /// A constant of a declared enum.
    Enum(Rc<EnumConst>),
    /// An `AggregateResult`: aliases and values in `SELECT` order.
    Aggregate(Rc<[(Rc<str>, Value)]>),
}

/// An object of a declared class: its class and its fields.
#[derive(Debug)]
pub struct Instance {
    /// The class, shared with every object of it.
    pub class: Rc<Class>,
    /// Instance fields, inherited ones first.
    pub fields: RefCell<Vec<Value>>,
}

impl Value {
    /// Wraps a string.
    pub fn string(s: &str) -> Value {
        Value::String(Rc::from(s))
    }

    /// Wraps a list.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(RefCell::new(items)))
    }

    /// Wraps a record.
    pub fn sobject(record: Record) -> Value {
        Value::SObject(Rc::new(RefCell::new(record)))
    }

    /// True for `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The value read from a record field.
    pub fn from_field(v: &FieldValue) -> Value {
        match v {
            FieldValue::Null => Value::Null,
            FieldValue::Bool(b) => Value::Bool(*b),
            FieldValue::Int(i) => Value::Int(*i),
            FieldValue::Long(i) => Value::Long(*i),
            FieldValue::Double(d) => Value::Double(*d),
            FieldValue::Decimal(d) => Value::Decimal(*d),
            FieldValue::Text(s) => Value::String(s.clone()),
            FieldValue::Id(id) => Value::Id(*id),
            FieldValue::Date(d) => Value::Date(*d),
            FieldValue::DateTime(d) => Value::Datetime(*d),
        }
    }

    /// The field value stored for this value; `None` for lists and records,
    /// which no field can hold (the checker rules them out).
    pub fn to_field(&self) -> Option<FieldValue> {
        Some(match self {
            Value::Null => FieldValue::Null,
            Value::Bool(b) => FieldValue::Bool(*b),
            Value::Int(i) => FieldValue::Int(*i),
            Value::Long(i) => FieldValue::Long(*i),
            Value::Double(d) => FieldValue::Double(*d),
            Value::Decimal(d) => FieldValue::Decimal(*d),
            Value::String(s) => FieldValue::Text(s.clone()),
            Value::Id(id) => FieldValue::Id(*id),
            Value::Date(d) => FieldValue::Date(*d),
            Value::Datetime(d) => FieldValue::DateTime(*d),
            Value::List(_)
            | Value::Set(_)
            | Value::Map(_)
            | Value::SObject(_)
            | Value::Exception(_)
            | Value::Result(_)
            | Value::DbError(_)
            | Value::Savepoint(_)
            | Value::Aggregate(_)
            | Value::Object(_) => return None,
            Value::Enum(e) => FieldValue::Text(e.name.clone()),
            Value::StatusCode(s) => FieldValue::Text(Rc::from(*s)),
        })
    }
}

/// Formats a value the way `String.valueOf` and `System.debug` show it.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_value(f, self, &mut Vec::new())
    }
}

/// Writes a value; `open` holds the collections and objects being written,
/// so one that contains itself prints `already output` instead of recursing
/// forever, as on the platform.
fn write_value(f: &mut fmt::Formatter<'_>, v: &Value, open: &mut Vec<usize>) -> fmt::Result {
    let Some(ptr) = container_ptr(v) else {
        return write_scalar(f, v);
    };
    if open.contains(&ptr) {
        return f.write_str("already output");
    }
    open.push(ptr);
    let result = match v {
        Value::List(items) => write_list(f, items.borrow().iter(), open),
        Value::Set(items) => write_set(f, &items.borrow(), open),
        Value::Map(entries) => write_map(f, &entries.borrow(), open),
        Value::Object(o) => write_object(f, o, open),
        _ => write_scalar(f, v),
    };
    open.pop();
    result
}

/// The identity of a value that can contain other values.
fn container_ptr(v: &Value) -> Option<usize> {
    match v {
        Value::List(l) => Some(Rc::as_ptr(l) as *const () as usize),
        Value::Set(s) => Some(Rc::as_ptr(s) as *const () as usize),
        Value::Map(m) => Some(Rc::as_ptr(m) as *const () as usize),
        Value::Object(o) => Some(Rc::as_ptr(o) as *const () as usize),
        _ => None,
    }
}

fn write_scalar(f: &mut fmt::Formatter<'_>, v: &Value) -> fmt::Result {
    match v {
        Value::Null => f.write_str("null"),
        Value::Bool(b) => write!(f, "{b}"),
        Value::Int(i) => write!(f, "{i}"),
        Value::Long(i) => write!(f, "{i}"),
        Value::Double(d) => write_double(f, *d),
        Value::Decimal(d) => write!(f, "{d}"),
        Value::String(s) => f.write_str(s),
        Value::Id(id) => write!(f, "{id}"),
        Value::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
        Value::Datetime(d) => write!(f, "{}", d.format("%Y-%m-%d %H:%M:%S")),
        Value::SObject(rec) => write_record(f, &rec.borrow()),
        Value::Exception(e) => write!(f, "{e}"),
        Value::Result(r) => write_result(f, r),
        Value::DbError(e) => write_error(f, e),
        Value::StatusCode(s) => f.write_str(s),
        Value::Savepoint(n) => write!(f, "System.Savepoint[{n}]"),
        Value::Enum(e) => f.write_str(&e.name),
        Value::Aggregate(row) => write_aggregate(f, row),
        Value::List(_) | Value::Set(_) | Value::Map(_) | Value::Object(_) => Ok(()),
    }
}

/// `AggregateResult:{expr0=2, Name=Acme}`
fn write_aggregate(f: &mut fmt::Formatter<'_>, row: &[(Rc<str>, Value)]) -> fmt::Result {
    f.write_str("AggregateResult:{")?;
    for (i, (name, value)) in row.iter().enumerate() {
        let sep = if i == 0 { "" } else { ", " };
        write!(f, "{sep}{name}={value}")?;
    }
    f.write_str("}")
}

/// `Particle:[x=1, y=2, z=3]`, the platform's form for objects.
fn write_object(f: &mut fmt::Formatter<'_>, o: &Instance, open: &mut Vec<usize>) -> fmt::Result {
    write!(f, "{}:[", o.class.name)?;
    for (i, (name, value)) in o
        .class
        .fields
        .iter()
        .zip(o.fields.borrow().iter())
        .enumerate()
    {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{name}=")?;
        write_value(f, value, open)?;
    }
    f.write_char(']')
}

/// Doubles print as Java does: always a fraction digit, exponent form when large.
fn write_double(f: &mut fmt::Formatter<'_>, d: f64) -> fmt::Result {
    if d.is_finite() && d.fract() == 0.0 && d.abs() < 1e7 {
        write!(f, "{d:.1}")
    } else if d.is_finite() && (d.abs() >= 1e7 || (d != 0.0 && d.abs() < 1e-3)) {
        let s = format!("{d:E}");
        match s.split_once('E') {
            Some((m, e)) if !m.contains('.') => write!(f, "{m}.0E{e}"),
            _ => f.write_str(&s),
        }
    } else {
        write!(f, "{d}")
    }
}

fn write_list<'v>(
    f: &mut fmt::Formatter<'_>,
    items: impl Iterator<Item = &'v Value>,
    open: &mut Vec<usize>,
) -> fmt::Result {
    f.write_char('(')?;
    for (i, item) in items.enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write_value(f, item, open)?;
    }
    f.write_char(')')
}

fn write_set(
    f: &mut fmt::Formatter<'_>,
    items: &IndexSet<Key>,
    open: &mut Vec<usize>,
) -> fmt::Result {
    f.write_char('{')?;
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write_value(f, &item.0, open)?;
    }
    f.write_char('}')
}

fn write_map(
    f: &mut fmt::Formatter<'_>,
    entries: &IndexMap<Key, Value>,
    open: &mut Vec<usize>,
) -> fmt::Result {
    f.write_char('{')?;
    for (i, (k, v)) in entries.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write_value(f, &k.0, open)?;
        f.write_char('=')?;
        write_value(f, v, open)?;
    }
    f.write_char('}')
}

/// `User:{Id=005..., LastName=Doe}`: the fields that are set, in schema order.
/// (The platform lists them in the order they were set; schema order is a
/// stable stand-in.)
fn write_record(f: &mut fmt::Formatter<'_>, rec: &Record) -> fmt::Result {
    write!(f, "{}:{{", rec.object.name)?;
    for (n, (i, v)) in rec.set_fields().enumerate() {
        if n > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{}={}", rec.object.fields[i].name, Value::from_field(v))?;
    }
    f.write_char('}')
}

/// `Database.SaveResult[getErrors=();getId=005...;isSuccess=true;]`, the
/// platform's debug form, named after the operation's result class. An
/// upsert's result also lists `isCreated` (the getters in alphabetical
/// order, as the other entries are; a guess).
fn write_result(f: &mut fmt::Formatter<'_>, result: &DbResult) -> fmt::Result {
    let class = match result.op {
        DmlOp::Insert | DmlOp::Update => "SaveResult",
        DmlOp::Upsert => "UpsertResult",
        DmlOp::Delete => "DeleteResult",
        DmlOp::Undelete => "UndeleteResult",
    };
    let r = &result.row;
    write!(f, "Database.{class}[getErrors=(")?;
    for (i, e) in r.errors.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write_error(f, e)?;
    }
    f.write_str(");getId=")?;
    match &r.id {
        Some(id) => write!(f, "{id}")?,
        None => f.write_str("null")?,
    }
    if result.op == DmlOp::Upsert {
        write!(f, ";isCreated={}", r.created)?;
    }
    write!(f, ";isSuccess={};]", r.is_success())
}

fn write_error(f: &mut fmt::Formatter<'_>, e: &DmlError) -> fmt::Result {
    write!(
        f,
        "Database.Error[getFields=({});getMessage={};getStatusCode={};]",
        e.fields.join(", "),
        e.message,
        e.code.as_str()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_stays_small() {
        assert!(std::mem::size_of::<Value>() <= 24);
    }

    #[test]
    fn doubles_print_like_apex() {
        assert_eq!(Value::Double(1.0).to_string(), "1.0");
        assert_eq!(Value::Double(1.5).to_string(), "1.5");
        assert_eq!(Value::Double(1e10).to_string(), "1.0E10");
    }
}
