//! Making lists, sets and maps.

use std::cell::RefCell;
use std::rc::Rc;

use indexmap::{IndexMap, IndexSet};

use super::eval::{Eval, Interpreter};
use super::exception::{ApexException, LIST};
use super::key::Key;
use super::value::Value;
use crate::check::ir::{Collection, Expr};

impl Interpreter<'_> {
    pub(super) fn new_array(&mut self, size: &Expr) -> Eval<Value> {
        match self.expr(size)? {
            Value::Int(n) if n >= 0 => {
                let len = usize::try_from(n).unwrap_or(0);
                Ok(Value::list(vec![Value::Null; len]))
            }
            Value::Int(n) => {
                let msg = format!("List index out of bounds: {n}");
                Err(ApexException::new(LIST, msg, &size.span).into())
            }
            _ => Err(ApexException::null_pointer(&size.span).into()),
        }
    }

    pub(super) fn new_set(&mut self, items: &[Expr]) -> Eval<Value> {
        let mut set = IndexSet::with_capacity(items.len());
        for i in items {
            set.insert(Key(self.expr(i)?));
        }
        Ok(set_value(set))
    }

    pub(super) fn new_map(&mut self, pairs: &[(Expr, Expr)]) -> Eval<Value> {
        let mut map = IndexMap::with_capacity(pairs.len());
        for (k, v) in pairs {
            let key = Key(self.expr(k)?);
            map.insert(key, self.expr(v)?);
        }
        Ok(map_value(map))
    }

    pub(super) fn copy_collection(&mut self, source: &Expr, into: Collection) -> Eval<Value> {
        let items: Vec<Value> = match self.expr(source)? {
            Value::List(l) => l.borrow().clone(),
            Value::Set(s) => s.borrow().iter().map(|k| k.0.clone()).collect(),
            Value::Map(m) => return Ok(map_value(m.borrow().clone())),
            _ => return Err(ApexException::null_pointer(&source.span).into()),
        };
        Ok(match into {
            Collection::List => Value::list(items),
            Collection::Set | Collection::Map => set_value(items.into_iter().map(Key).collect()),
        })
    }

    /// `new Map<Id, T>(records)`: each record under its Id; a record without
    /// an Id cannot be keyed.
    pub(super) fn map_by_ids(&mut self, records: &Expr) -> Eval<Value> {
        let Value::List(list) = self.expr(records)? else {
            return Err(ApexException::null_pointer(&records.span).into());
        };
        let mut map = IndexMap::new();
        for r in list.borrow().iter() {
            let Value::SObject(rec) = r else {
                return Err(ApexException::null_pointer(&records.span).into());
            };
            let Some(id) = rec.borrow().id().copied() else {
                let msg = "Invalid id value for this SObject type: null";
                return Err(ApexException::new(LIST, msg, &records.span).into());
            };
            map.insert(Key(Value::Id(id)), r.clone());
        }
        Ok(map_value(map))
    }
}

/// Wraps a set.
pub fn set_value(set: IndexSet<Key>) -> Value {
    Value::Set(Rc::new(RefCell::new(set)))
}

/// Wraps a map.
pub fn map_value(map: IndexMap<Key, Value>) -> Value {
    Value::Map(Rc::new(RefCell::new(map)))
}
