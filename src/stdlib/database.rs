//! `Database` methods, their result classes and `Database.Error`.

use std::rc::Rc;

use super::{Builtin, Signature, sig};
use crate::check::types::{Native, Type};
use crate::data::record::{FieldValue, Record};
use crate::data::schema::schema;
use crate::interp::eval::Eval;
use crate::interp::exception::{ApexException, SOBJECT, TYPE};
use crate::interp::sobject::{DmlOptions, org_failure, run_dml};
use crate::interp::value::{DbResult, Value};
use crate::org::{Org, RowResult};
use crate::syntax::ast::DmlOp;
use crate::syntax::source::Span;

/// A `Database` DML call: the operation, and whether it was given a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DmlCall {
    /// The operation.
    pub op: DmlOp,
    /// True when the records came as a list (results come back as a list).
    pub list: bool,
}

/// Methods of the result classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResultMethod {
    /// `getId()`
    GetId,
    /// `isSuccess()`
    IsSuccess,
    /// `getErrors()`
    GetErrors,
    /// `isCreated()` (UpsertResult)
    IsCreated,
}

/// Methods of `Database.Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorMethod {
    /// `getStatusCode()`
    StatusCode,
    /// `getMessage()`
    Message,
    /// `getFields()`
    Fields,
}

fn result_type(op: DmlOp) -> Native {
    match op {
        DmlOp::Insert | DmlOp::Update => Native::SaveResult,
        DmlOp::Upsert => Native::UpsertResult,
        DmlOp::Delete => Native::DeleteResult,
        DmlOp::Undelete => Native::UndeleteResult,
    }
}

pub(super) fn resolve(method: &str, args: &[Type]) -> Option<Signature> {
    let op = match method {
        "insert" => DmlOp::Insert,
        "update" => DmlOp::Update,
        "upsert" => DmlOp::Upsert,
        "delete" => DmlOp::Delete,
        "undelete" => DmlOp::Undelete,
        "setsavepoint" if args.is_empty() => {
            return sig(
                Builtin::SetSavepoint,
                vec![],
                Type::Native(Native::Savepoint),
            );
        }
        "rollback" if args.len() == 1 => {
            let params = vec![Type::Native(Native::Savepoint)];
            return sig(Builtin::Rollback, params, Type::Void);
        }
        _ => return None,
    };
    let (records, rest) = args.split_first()?;
    // Delete and undelete also take Ids: `Database.delete(id)`,
    // `Database.undelete(ids)`.
    let by_id = matches!(op, DmlOp::Delete | DmlOp::Undelete);
    let list = match records {
        Type::SObject(_) | Type::Null => false,
        Type::Id if by_id => false,
        Type::List(e) if matches!(**e, Type::SObject(_)) => true,
        Type::List(e) if by_id && **e == Type::Id => true,
        _ => return None,
    };
    let mut params = vec![records.clone()];
    match rest {
        [] => {}
        [Type::Boolean] => params.push(Type::Boolean),
        _ => return None,
    }
    let one = Type::Native(result_type(op));
    let ret = if list { Type::List(Box::new(one)) } else { one };
    sig(Builtin::Dml(DmlCall { op, list }), params, ret)
}

pub(super) fn resolve_instance(native: Native, method: &str, args: &[Type]) -> Option<Signature> {
    if native == Native::AggregateResult {
        let params = vec![Type::Native(native), Type::String];
        return match (method, args) {
            ("get", [_]) => sig(Builtin::AggregateGet, params, Type::Object),
            _ => None,
        };
    }
    if !args.is_empty() {
        return None;
    }
    let me = vec![Type::Native(native)];
    let result_like = matches!(
        native,
        Native::SaveResult | Native::UpsertResult | Native::DeleteResult | Native::UndeleteResult
    );
    let errors = Type::List(Box::new(Type::Native(Native::DatabaseError)));
    let (builtin, ret) = match (native, method) {
        (_, "getid") if result_like => (Builtin::Result(ResultMethod::GetId), Type::Id),
        (_, "issuccess") if result_like => {
            (Builtin::Result(ResultMethod::IsSuccess), Type::Boolean)
        }
        (_, "geterrors") if result_like => (Builtin::Result(ResultMethod::GetErrors), errors),
        (Native::UpsertResult, "iscreated") => {
            (Builtin::Result(ResultMethod::IsCreated), Type::Boolean)
        }
        (Native::DatabaseError, "getstatuscode") => (
            Builtin::Error(ErrorMethod::StatusCode),
            Type::Native(Native::StatusCode),
        ),
        (Native::DatabaseError, "getmessage") => {
            (Builtin::Error(ErrorMethod::Message), Type::String)
        }
        (Native::DatabaseError, "getfields") => (
            Builtin::Error(ErrorMethod::Fields),
            Type::List(Box::new(Type::String)),
        ),
        _ => return None,
    };
    sig(builtin, me, ret)
}

/// The value a `Database` DML call returns: one result, or a list of them.
pub fn dml_results(call: DmlCall, results: Vec<RowResult>) -> Value {
    let op = call.op;
    let mut values = results
        .into_iter()
        .map(|row| Value::Result(Rc::new(DbResult { op, row })));
    if call.list {
        Value::list(values.collect())
    } else {
        values.next().unwrap_or(Value::Null)
    }
}

/// `Database.insert(records, allOrNone)` and friends, without triggers:
/// the interpreter runs these calls itself (so that they fire triggers);
/// this is the path for callers of [`super::call`] that have no program.
pub(super) fn dml(call: DmlCall, args: &[Value], org: &mut Org, span: &Span) -> Eval<Value> {
    let all_or_none = !matches!(args.get(1), Some(Value::Bool(false)));
    let options = DmlOptions {
        all_or_none,
        key: None,
    };
    let records = records_of_ids(&args[0], span)?;
    let results = run_dml(org, call.op, &records, options, span)?;
    let op = call.op;
    let mut values = results
        .into_iter()
        .map(|row| Value::Result(Rc::new(DbResult { op, row })));
    if call.list {
        Ok(Value::list(values.collect()))
    } else {
        Ok(values.next().unwrap_or(Value::Null))
    }
}

/// For `Database.delete(ids)` and `Database.undelete(ids)`: each Id as a
/// record of its object with only the Id set. Records pass through as they
/// are. An Id whose key prefix names no object apexlite knows fails the call
/// with `System.TypeException: Invalid id: <id>` (the platform's reaction to
/// such an Id is not documented; the text is a guess).
pub fn records_of_ids(value: &Value, span: &Span) -> Eval<Value> {
    let record = |v: &Value| -> Eval<Value> {
        match v {
            Value::Id(id) => match schema().object_by_prefix(id.prefix()) {
                Some(object) => {
                    let mut record = Record::new(object);
                    record.set(0, FieldValue::Id(*id));
                    Ok(Value::sobject(record))
                }
                None => {
                    let message = format!("Invalid id: {id}");
                    Err(ApexException::new(TYPE, message, span).into())
                }
            },
            other => Ok(other.clone()),
        }
    };
    match value {
        Value::Id(_) => record(value),
        Value::List(items) if items.borrow().iter().any(|v| matches!(v, Value::Id(_))) => {
            let items = items.borrow();
            Ok(Value::list(items.iter().map(record).collect::<Eval<_>>()?))
        }
        other => Ok(other.clone()),
    }
}

pub(super) fn set_savepoint(org: &mut Org, span: &Span) -> Eval<Value> {
    let n = org.set_savepoint().map_err(|e| org_failure(e, span))?;
    Ok(Value::Savepoint(n))
}

pub(super) fn rollback(savepoint: &Value, org: &mut Org, span: &Span) -> Eval<Value> {
    let Value::Savepoint(n) = savepoint else {
        return Err(ApexException::null_pointer(span).into());
    };
    org.rollback_to_savepoint(*n)
        .map_err(|e| org_failure(e, span))?;
    Ok(Value::Null)
}

pub(super) fn result_call(m: ResultMethod, result: &Value, span: &Span) -> Eval<Value> {
    let Value::Result(result) = result else {
        return Err(ApexException::null_pointer(span).into());
    };
    let r = &result.row;
    Ok(match m {
        ResultMethod::GetId => r.id.map_or(Value::Null, Value::Id),
        ResultMethod::IsSuccess => Value::Bool(r.is_success()),
        ResultMethod::IsCreated => Value::Bool(r.created),
        ResultMethod::GetErrors => {
            let errors = r.errors.iter().map(|e| Value::DbError(Rc::new(e.clone())));
            Value::list(errors.collect())
        }
    })
}

pub(super) fn error_call(m: ErrorMethod, error: &Value, span: &Span) -> Eval<Value> {
    let Value::DbError(e) = error else {
        return Err(ApexException::null_pointer(span).into());
    };
    Ok(match m {
        ErrorMethod::StatusCode => Value::StatusCode(e.code.as_str()),
        ErrorMethod::Message => Value::string(&e.message),
        ErrorMethod::Fields => Value::list(e.fields.iter().map(|f| Value::string(f)).collect()),
    })
}

/// `AggregateResult.get(alias)`: the alias in any case (a guess; the
/// platform's documentation does not say).
pub(super) fn aggregate_get(row: &Value, alias: &Value, span: &Span) -> Eval<Value> {
    let (Value::Aggregate(row), Value::String(alias)) = (row, alias) else {
        return Err(ApexException::null_pointer(span).into());
    };
    match row
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(alias))
    {
        Some((_, value)) => Ok(value.clone()),
        None => {
            let msg = format!("Invalid field {alias} for AggregateResult");
            Err(ApexException::new(SOBJECT, msg, span).into())
        }
    }
}
