//! Map keys and set members: values hashed and compared the way Apex
//! collections compare them (strings with case, records by content).

use std::hash::{Hash, Hasher};

use super::value::Value;
use crate::data::record::FieldValue;

/// A value used as a map key or set member.
#[derive(Clone, Debug)]
pub struct Key(pub Value);

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        key_eq(&self.0, &other.0, &mut Vec::new())
    }
}

/// The identity of a list, for spotting one that contains itself: a list
/// already being compared or hashed further up is compared by identity and
/// hashed no deeper, so such lists never recurse forever.
fn list_ptr(l: &std::rc::Rc<std::cell::RefCell<Vec<Value>>>) -> usize {
    std::rc::Rc::as_ptr(l) as *const () as usize
}

impl Eq for Key {}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_value(&self.0, state, &mut Vec::new());
    }
}

fn key_eq(a: &Value, b: &Value, path: &mut Vec<usize>) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Long(x), Value::Long(y)) => x == y,
        (Value::Double(x), Value::Double(y)) => x.to_bits() == y.to_bits(),
        (Value::Decimal(x), Value::Decimal(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Id(x), Value::Id(y)) => x == y,
        (Value::Date(x), Value::Date(y)) => x == y,
        (Value::Datetime(x), Value::Datetime(y)) => x == y,
        (Value::StatusCode(x), Value::StatusCode(y)) => x == y,
        (Value::Enum(x), Value::Enum(y)) => x == y,
        (Value::Object(x), Value::Object(y)) => std::rc::Rc::ptr_eq(x, y),
        (Value::List(x), Value::List(y)) if std::rc::Rc::ptr_eq(x, y) => true,
        (Value::List(x), Value::List(_)) if path.contains(&list_ptr(x)) => false,
        (Value::List(x), Value::List(y)) => {
            path.push(list_ptr(x));
            let (xs, ys) = (x.borrow(), y.borrow());
            let same =
                xs.len() == ys.len() && xs.iter().zip(ys.iter()).all(|(p, q)| key_eq(p, q, path));
            path.pop();
            same
        }
        (Value::Set(x), Value::Set(y)) => std::rc::Rc::ptr_eq(x, y),
        (Value::Map(x), Value::Map(y)) => std::rc::Rc::ptr_eq(x, y),
        (Value::SObject(x), Value::SObject(y)) => {
            let (x, y) = (x.borrow(), y.borrow());
            std::ptr::eq(x.object, y.object) && x.set_fields().eq(y.set_fields())
        }
        _ => false,
    }
}

fn hash_value<H: Hasher>(v: &Value, state: &mut H, path: &mut Vec<usize>) {
    std::mem::discriminant(v).hash(state);
    match v {
        Value::Bool(b) => b.hash(state),
        Value::Int(i) => i.hash(state),
        Value::Long(i) => i.hash(state),
        Value::Double(d) => d.to_bits().hash(state),
        Value::Decimal(d) => d.normalize().hash(state),
        Value::String(s) => s.hash(state),
        Value::Id(id) => id.hash(state),
        Value::Date(d) => d.hash(state),
        Value::Datetime(d) => d.hash(state),
        Value::StatusCode(s) => s.hash(state),
        Value::Enum(e) => e.hash(state),
        Value::Object(o) => std::rc::Rc::as_ptr(o).hash(state),
        Value::List(items) if path.contains(&list_ptr(items)) => {}
        Value::List(items) => {
            path.push(list_ptr(items));
            items
                .borrow()
                .iter()
                .for_each(|i| hash_value(i, state, path));
            path.pop();
        }
        Value::SObject(r) => {
            let r = r.borrow();
            r.object.name.hash(state);
            for (i, f) in r.set_fields() {
                i.hash(state);
                hash_field(f, state);
            }
        }
        _ => {}
    }
}

fn hash_field<H: Hasher>(f: &FieldValue, state: &mut H) {
    hash_value(&Value::from_field(f), state, &mut Vec::new());
}
