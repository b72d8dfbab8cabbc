//! Apex static types: how type references resolve and which values may be assigned where.

use std::fmt;

use crate::data::schema::{FieldType, ObjectDef, schema};
use crate::interp::exception::{EXCEPTION, PLATFORM_EXCEPTIONS};
use crate::syntax::ast::TypeRef;
use crate::syntax::source::Diagnostic;

/// A static type of the checked language.
#[derive(Clone, Debug)]
pub enum Type {
    /// The result of a method that returns nothing.
    Void,
    /// The type of the `null` literal: assignable to every type.
    Null,
    /// `Boolean`
    Boolean,
    /// `Integer` (32-bit)
    Integer,
    /// `Long` (64-bit)
    Long,
    /// `Double`
    Double,
    /// `Decimal`
    Decimal,
    /// `String`
    String,
    /// `Id`
    Id,
    /// `Date`
    Date,
    /// `Datetime`
    Datetime,
    /// `Object`: any value.
    Object,
    /// A concrete sObject type such as `User`, or `SObject` itself when `None`.
    SObject(Option<&'static ObjectDef>),
    /// `List<T>` (also `T[]`).
    List(Box<Type>),
    /// `Set<T>`
    Set(Box<Type>),
    /// `Map<K, V>`
    Map(Box<Type>, Box<Type>),
    /// A platform exception type by qualified name; `System.Exception` is the base.
    Exception(&'static str),
    /// A platform class without source: results, errors, savepoints.
    Native(Native),
    /// A class, interface or enum declared in the program.
    Class(ClassRef),
}

/// A declared class, interface or enum, by its index in the program.
#[derive(Clone, Debug)]
pub struct ClassRef {
    /// Index into the program's classes.
    pub id: usize,
    /// The name as declared, for messages.
    pub name: std::rc::Rc<str>,
    /// Its own id, its superclasses' and every interface it implements:
    /// the types a value of this class may be assigned to.
    pub ancestors: std::rc::Rc<[usize]>,
}

/// Platform classes whose values the runtime builds itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Native {
    /// `Database.SaveResult`
    SaveResult,
    /// `Database.UpsertResult`
    UpsertResult,
    /// `Database.DeleteResult`
    DeleteResult,
    /// `Database.UndeleteResult`
    UndeleteResult,
    /// `Database.Error`
    DatabaseError,
    /// `System.Savepoint`
    Savepoint,
    /// `System.StatusCode`
    StatusCode,
    /// `System.RoundingMode`
    RoundingMode,
    /// `AggregateResult`, a row of an aggregate query.
    AggregateResult,
    /// `System.TriggerOperation`, the enum of `Trigger.operationType`; its
    /// values are held by name, as `StatusCode`'s are.
    TriggerOperation,
}

impl Native {
    fn name(self) -> &'static str {
        match self {
            Native::SaveResult => "Database.SaveResult",
            Native::UpsertResult => "Database.UpsertResult",
            Native::DeleteResult => "Database.DeleteResult",
            Native::UndeleteResult => "Database.UndeleteResult",
            Native::DatabaseError => "Database.Error",
            Native::Savepoint => "System.Savepoint",
            Native::StatusCode => "System.StatusCode",
            Native::RoundingMode => "System.RoundingMode",
            Native::AggregateResult => "AggregateResult",
            Native::TriggerOperation => "System.TriggerOperation",
        }
    }
}

impl Type {
    /// True for Integer, Long, Double and Decimal.
    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            Type::Integer | Type::Long | Type::Double | Type::Decimal
        )
    }

    /// The rank used for numeric promotion: Integer < Long < Double < Decimal.
    fn numeric_rank(&self) -> Option<u8> {
        match self {
            Type::Integer => Some(0),
            Type::Long => Some(1),
            Type::Double => Some(2),
            Type::Decimal => Some(3),
            _ => None,
        }
    }

    /// The wider of two numeric types, as binary arithmetic promotes them.
    pub fn promote(a: &Type, b: &Type) -> Option<Type> {
        let (ra, rb) = (a.numeric_rank()?, b.numeric_rank()?);
        Some(if ra >= rb { a.clone() } else { b.clone() })
    }

    /// True when a value of type `from` may be assigned to a place of type `self`.
    pub fn accepts(&self, from: &Type) -> bool {
        if self == from || *from == Type::Null || *self == Type::Object {
            return true;
        }
        match (self, from) {
            (Type::Long, Type::Integer) => true,
            (Type::Double | Type::Decimal, t) => t.is_numeric(),
            // Strings become Ids when assigned; malformed ones fail at run time.
            (Type::Id, Type::String) | (Type::String, Type::Id) => true,
            (Type::SObject(None), Type::SObject(_)) => true,
            (Type::List(to), Type::List(from)) => list_element_accepts(to, from),
            (Type::Exception(base), Type::Exception(_)) => *base == EXCEPTION,
            (Type::Class(to), Type::Class(from)) => from.ancestors.contains(&to.id),
            _ => false,
        }
    }

    /// The type of a value read from a field of this kind.
    pub fn of_field(ty: FieldType) -> Type {
        match ty {
            FieldType::Id | FieldType::Reference => Type::Id,
            FieldType::Boolean => Type::Boolean,
            FieldType::Int => Type::Integer,
            FieldType::Double => Type::Double,
            FieldType::Decimal | FieldType::Currency => Type::Decimal,
            FieldType::Date => Type::Date,
            FieldType::DateTime => Type::Datetime,
            FieldType::String
            | FieldType::TextArea
            | FieldType::Email
            | FieldType::Phone
            | FieldType::Url
            | FieldType::Picklist
            | FieldType::MultiPicklist => Type::String,
        }
    }
}

/// sObject types are equal when they name the same schema object.
impl PartialEq for Type {
    fn eq(&self, other: &Type) -> bool {
        match (self, other) {
            (Type::SObject(Some(a)), Type::SObject(Some(b))) => std::ptr::eq(*a, *b),
            (Type::SObject(a), Type::SObject(b)) => a.is_none() && b.is_none(),
            (Type::List(a), Type::List(b)) | (Type::Set(a), Type::Set(b)) => a == b,
            (Type::Map(k, v), Type::Map(k2, v2)) => k == k2 && v == v2,
            (Type::Exception(a), Type::Exception(b)) => a == b,
            (Type::Native(a), Type::Native(b)) => a == b,
            (Type::Class(a), Type::Class(b)) => a.id == b.id,
            _ => std::mem::discriminant(self) == std::mem::discriminant(other),
        }
    }
}

/// Lists of sObjects are covariant (`List<User>` is a `List<SObject>`), and any
/// list is a `List<Object>`; other element types must match exactly.
fn list_element_accepts(to: &Type, from: &Type) -> bool {
    to == from
        || *to == Type::Object
        || matches!((to, from), (Type::SObject(None), Type::SObject(_)))
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Void => f.write_str("void"),
            Type::Null => f.write_str("null"),
            Type::Boolean => f.write_str("Boolean"),
            Type::Integer => f.write_str("Integer"),
            Type::Long => f.write_str("Long"),
            Type::Double => f.write_str("Double"),
            Type::Decimal => f.write_str("Decimal"),
            Type::String => f.write_str("String"),
            Type::Id => f.write_str("Id"),
            Type::Date => f.write_str("Date"),
            Type::Datetime => f.write_str("Datetime"),
            Type::Object => f.write_str("Object"),
            Type::SObject(Some(o)) => f.write_str(o.name),
            Type::SObject(None) => f.write_str("SObject"),
            Type::List(t) => write!(f, "List<{t}>"),
            Type::Set(t) => write!(f, "Set<{t}>"),
            Type::Map(k, v) => write!(f, "Map<{k},{v}>"),
            Type::Exception(name) => f.write_str(name),
            Type::Native(n) => f.write_str(n.name()),
            Type::Class(c) => f.write_str(&c.name),
        }
    }
}

/// Resolves a written type reference, or explains why it names no known type.
pub fn resolve_type(r: &TypeRef) -> Result<Type, Diagnostic> {
    let mut ty = resolve_named(r)?;
    for _ in 0..r.array_dims {
        ty = Type::List(Box::new(ty));
    }
    Ok(ty)
}

fn resolve_named(r: &TypeRef) -> Result<Type, Diagnostic> {
    let invalid = || {
        let written: Vec<&str> = r.path.iter().map(|p| p.name.as_str()).collect();
        let written = written.join(".");
        Diagnostic::new(
            format!("Invalid type: {written}"),
            r.span.clone(),
            "unknown type",
        )
    };
    // `System.String` and friends name the same types as their short forms.
    let parts: Vec<&str> = r.path.iter().map(|p| p.name.folded()).collect();
    let name = match parts.as_slice() {
        [name] => *name,
        ["system", name] => *name,
        ["schema", name] => *name,
        ["database", name] => {
            return database_type(name)
                .filter(|_| r.args.is_empty())
                .ok_or_else(invalid);
        }
        _ => return Err(invalid()),
    };
    if let Some(e) = exception_type(name) {
        return if r.args.is_empty() {
            Ok(e)
        } else {
            Err(invalid())
        };
    }
    let generic = |n: usize| -> Result<Vec<Type>, Diagnostic> {
        if r.args.len() != n {
            return Err(invalid());
        }
        r.args.iter().map(resolve_type).collect()
    };
    match name {
        "list" => return Ok(Type::List(Box::new(generic(1)?.remove(0)))),
        "set" => return Ok(Type::Set(Box::new(generic(1)?.remove(0)))),
        "map" => {
            let mut args = generic(2)?;
            let value = args.remove(1);
            return Ok(Type::Map(Box::new(args.remove(0)), Box::new(value)));
        }
        _ => {}
    }
    if !r.args.is_empty() {
        return Err(invalid());
    }
    let ty = match name {
        "boolean" => Type::Boolean,
        "integer" => Type::Integer,
        "long" => Type::Long,
        "double" => Type::Double,
        "decimal" => Type::Decimal,
        "string" => Type::String,
        "id" => Type::Id,
        "date" => Type::Date,
        "datetime" => Type::Datetime,
        "object" => Type::Object,
        "sobject" => Type::SObject(None),
        "savepoint" => Type::Native(Native::Savepoint),
        "statuscode" => Type::Native(Native::StatusCode),
        "roundingmode" => Type::Native(Native::RoundingMode),
        "triggeroperation" => Type::Native(Native::TriggerOperation),
        "aggregateresult" => Type::Native(Native::AggregateResult),
        other => Type::SObject(Some(schema().object(other).ok_or_else(invalid)?)),
    };
    Ok(ty)
}

/// `Database.SaveResult` and the other `Database` classes, by folded short name.
fn database_type(name: &str) -> Option<Type> {
    let native = match name {
        "saveresult" => Native::SaveResult,
        "upsertresult" => Native::UpsertResult,
        "deleteresult" => Native::DeleteResult,
        "undeleteresult" => Native::UndeleteResult,
        "error" => Native::DatabaseError,
        _ => return None,
    };
    Some(Type::Native(native))
}

/// A platform exception type by folded short name (`dmlexception`).
pub fn exception_type(name: &str) -> Option<Type> {
    PLATFORM_EXCEPTIONS
        .iter()
        .find(|q| {
            q.rsplit('.')
                .next()
                .is_some_and(|short| short.eq_ignore_ascii_case(name))
        })
        .map(|q| Type::Exception(q))
}
