//! Methods of exception objects, including `DmlException`'s per-row accessors.

use super::{Builtin, Signature, sig};
use crate::check::types::{Native, Type};
use crate::interp::eval::Eval;
use crate::interp::exception::{ApexException, DML, DmlRow, LIST};
use crate::interp::value::Value;
use crate::syntax::source::{SourceFile, Span};

/// Exception methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `getMessage()`
    GetMessage,
    /// `getTypeName()`
    GetTypeName,
    /// `getLineNumber()`
    GetLineNumber,
    /// `getStackTraceString()`
    GetStackTraceString,
    /// `getCause()`
    GetCause,
    /// `getNumDml()`
    NumDml,
    /// `getDmlMessage(i)`
    DmlMessage,
    /// `getDmlType(i)`
    DmlType,
    /// `getDmlStatusCode(i)`
    DmlStatusCode,
    /// `getDmlFieldNames(i)`
    DmlFieldNames,
    /// `getDmlIndex(i)`
    DmlIndex,
    /// `getDmlId(i)`
    DmlId,
}

pub(super) fn resolve(name: &'static str, method: &str, args: &[Type]) -> Option<Signature> {
    use Method as M;
    let strings = Type::List(Box::new(Type::String));
    let (m, ret) = match (method, args.len()) {
        ("getmessage", 0) => (M::GetMessage, Type::String),
        ("gettypename", 0) => (M::GetTypeName, Type::String),
        ("getlinenumber", 0) => (M::GetLineNumber, Type::Integer),
        ("getstacktracestring", 0) => (M::GetStackTraceString, Type::String),
        ("getcause", 0) => (
            M::GetCause,
            Type::Exception(crate::interp::exception::EXCEPTION),
        ),
        _ if name != DML => return None,
        ("getnumdml", 0) => (M::NumDml, Type::Integer),
        ("getdmlmessage", 1) => (M::DmlMessage, Type::String),
        ("getdmltype", 1) => (M::DmlType, Type::Native(Native::StatusCode)),
        ("getdmlstatuscode", 1) => (M::DmlStatusCode, Type::String),
        ("getdmlfieldnames", 1) => (M::DmlFieldNames, strings.clone()),
        // The platform returns `List<Schema.SObjectField>`; apexlite has no
        // field tokens yet, so the fields come as their API names, which
        // print the same (`(LastName)`). A known shortcoming: assigning the
        // result to `List<Schema.SObjectField>` does not compile.
        ("getdmlfields", 1) => (M::DmlFieldNames, strings),
        ("getdmlindex", 1) => (M::DmlIndex, Type::Integer),
        ("getdmlid", 1) => (M::DmlId, Type::Id),
        _ => return None,
    };
    let mut params = vec![Type::Exception(name)];
    params.extend(args.iter().map(|_| Type::Integer));
    sig(Builtin::Exception(m), params, ret)
}

pub(super) fn call(
    m: Method,
    target: &Value,
    index: Option<&Value>,
    sources: &[SourceFile],
    span: &Span,
) -> Eval<Value> {
    let Value::Exception(e) = target else {
        return Err(ApexException::null_pointer(span).into());
    };
    let line = sources
        .get(e.file())
        .map_or(0, |f| f.line_col(e.span.start).0);
    Ok(match m {
        Method::GetMessage => Value::string(&e.message),
        Method::GetTypeName => Value::string(&e.type_name),
        Method::GetLineNumber => Value::Int(i32::try_from(line).unwrap_or(i32::MAX)),
        Method::GetStackTraceString => Value::string(&e.trace(sources)),
        Method::GetCause => match &e.cause {
            Some(c) => Value::Exception(std::rc::Rc::new((**c).clone())),
            None => Value::Null,
        },
        Method::NumDml => Value::Int(i32::try_from(e.dml.len()).unwrap_or(i32::MAX)),
        _ => dml_row(m, row(e, index, span)?),
    })
}

fn row<'e>(e: &'e ApexException, index: Option<&Value>, span: &Span) -> Eval<&'e DmlRow> {
    let i = match index {
        Some(Value::Int(i)) => *i,
        _ => return Err(ApexException::null_pointer(span).into()),
    };
    let found = usize::try_from(i).ok().and_then(|i| e.dml.get(i));
    found.ok_or_else(|| {
        ApexException::new(LIST, format!("List index out of bounds: {i}"), span).into()
    })
}

fn dml_row(m: Method, row: &DmlRow) -> Value {
    let count = |n: usize| Value::Int(i32::try_from(n).unwrap_or(i32::MAX));
    match m {
        Method::DmlMessage => Value::string(&row.message),
        Method::DmlType => Value::StatusCode(row.code),
        Method::DmlStatusCode => Value::string(row.code),
        Method::DmlFieldNames => Value::list(row.fields.iter().map(|f| Value::string(f)).collect()),
        Method::DmlIndex => count(row.index),
        Method::DmlId => row.id.map_or(Value::Null, Value::Id),
        _ => Value::Null,
    }
}
