//! One record: the object it belongs to and its field values.
//!
//! A record distinguishes a field that was never set from one set to null:
//! `update` writes only the fields that were set, and reading a field that a
//! query did not select is an error in Apex.

use std::rc::Rc;

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

use crate::data::id::Id;
use crate::data::schema::ObjectDef;

/// A field value as the data layer stores and validates it.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    /// No value.
    Null,
    /// A checkbox.
    Bool(bool),
    /// An Integer.
    Int(i32),
    /// A Long.
    Long(i64),
    /// A Double.
    Double(f64),
    /// A number, currency or percent field.
    Decimal(Decimal),
    /// Text, email, phone, picklist, URL and text area fields.
    Text(Rc<str>),
    /// An Id or reference field.
    Id(Id),
    /// A date.
    Date(NaiveDate),
    /// A date and time, in UTC.
    DateTime(NaiveDateTime),
}

impl FieldValue {
    /// True for [`FieldValue::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, FieldValue::Null)
    }

    /// The text of a text value, `None` for anything else.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            FieldValue::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The Id of an Id value, `None` for anything else.
    pub fn as_id(&self) -> Option<&Id> {
        match self {
            FieldValue::Id(id) => Some(id),
            _ => None,
        }
    }
}

/// A record of one sObject type.
#[derive(Clone, Debug)]
pub struct Record {
    /// The object this record belongs to.
    pub object: &'static ObjectDef,
    /// One slot per field of the object, in schema order; `None` when not set.
    values: Vec<Option<FieldValue>>,
    /// True when the record came from a query: unset fields were not selected.
    pub queried: bool,
    /// Parent records a query loaded through relationship paths
    /// (`Profile.Name`), keyed by the index of their reference field.
    parents: Vec<(usize, Record)>,
    /// Child records a subquery loaded (`(SELECT LastName FROM Contacts)`),
    /// keyed by relationship name as the platform spells it.
    children: Vec<(&'static str, Vec<Record>)>,
}

impl Record {
    /// A new record with no field set.
    pub fn new(object: &'static ObjectDef) -> Record {
        Record {
            object,
            values: vec![None; object.fields.len()],
            queried: false,
            parents: Vec::new(),
            children: Vec::new(),
        }
    }

    /// The records a subquery loaded for the child relationship `name`
    /// (any case); `None` when the query did not select it.
    pub fn children(&self, name: &str) -> Option<&[Record]> {
        self.children
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, r)| r.as_slice())
    }

    /// How many child records subqueries loaded into this record.
    pub fn child_count(&self) -> usize {
        self.children.iter().map(|(_, r)| r.len()).sum()
    }

    /// Sets the records of the child relationship `name`.
    pub fn set_children(&mut self, name: &'static str, records: Vec<Record>) {
        match self.children.iter_mut().find(|(n, _)| *n == name) {
            Some((_, old)) => *old = records,
            None => self.children.push((name, records)),
        }
    }

    /// The value of the field at `index`, `None` when it was never set.
    pub fn get(&self, index: usize) -> Option<&FieldValue> {
        self.values.get(index).and_then(Option::as_ref)
    }

    /// Sets the field at `index`.
    pub fn set(&mut self, index: usize, value: FieldValue) {
        self.values[index] = Some(value);
    }

    /// Forgets the value of the field at `index`, as if never set.
    pub fn unset(&mut self, index: usize) {
        self.values[index] = None;
    }

    /// The value of a field looked up by name (any case); `None` when the
    /// object has no such field or the field was never set.
    pub fn get_by_name(&self, name: &str) -> Option<&FieldValue> {
        self.object.field_index(name).and_then(|i| self.get(i))
    }

    /// Sets a field by name (any case). Returns false when there is no such field.
    pub fn set_by_name(&mut self, name: &str, value: FieldValue) -> bool {
        match self.object.field_index(name) {
            Some(i) => {
                self.set(i, value);
                true
            }
            None => false,
        }
    }

    /// The record's Id, if it has one.
    pub fn id(&self) -> Option<&Id> {
        self.get(0).and_then(FieldValue::as_id)
    }

    /// The parent record loaded through the reference field at `index`
    /// (`Profile` of `ProfileId`); `None` when not queried or the lookup is null.
    pub fn parent(&self, index: usize) -> Option<&Record> {
        self.parents
            .iter()
            .find(|(i, _)| *i == index)
            .map(|(_, r)| r)
    }

    /// The parent record by relationship name, in any case (`profile`).
    pub fn parent_by_relationship(&self, name: &str) -> Option<&Record> {
        let (index, _) = self.object.fields.iter().enumerate().find(|(_, f)| {
            f.relationship_name()
                .is_some_and(|r| r.eq_ignore_ascii_case(name))
        })?;
        self.parent(index)
    }

    /// The parent record at reference field `index`, created empty (of
    /// `object`, marked queried) when there is none yet.
    pub fn parent_entry(&mut self, index: usize, object: &'static ObjectDef) -> &mut Record {
        let pos = match self.parents.iter().position(|(i, _)| *i == index) {
            Some(pos) => pos,
            None => {
                let mut parent = Record::new(object);
                parent.queried = true;
                self.parents.push((index, parent));
                self.parents.len() - 1
            }
        };
        &mut self.parents[pos].1
    }

    /// The parent records loaded, as `(reference field index, record)`.
    pub fn parents(&self) -> impl Iterator<Item = (usize, &Record)> {
        self.parents.iter().map(|(i, r)| (*i, r))
    }

    /// The fields that were set, as `(index, value)` pairs in schema order.
    pub fn set_fields(&self) -> impl Iterator<Item = (usize, &FieldValue)> {
        self.values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.as_ref().map(|v| (i, v)))
    }
}
