//! sObjects in the interpreter: fields, DML statements, inline SOQL and
//! `System.runAs`.
//!
//! Records go to the data layer as they are; what comes back (Ids, rows,
//! per-row errors) becomes Apex values or a `DmlException`.

use std::cell::RefCell;
use std::rc::Rc;

use super::eval::{Eval, Flow, Interpreter};
use super::exception::{ApexException, FINAL, Failure, QUERY, SOBJECT};
use super::value::Value;
use crate::check::ir::{Expr, Stmt};
use crate::data::record::{FieldValue, Record};
use crate::data::schema::ObjectDef;
use crate::org::{BindValue, Org, OrgError, QueryError, QueryOutput, RowResult, exception_message};
use crate::syntax::ast::{DmlOp, SoqlQuery};
use crate::syntax::source::Span;

impl Interpreter<'_> {
    /// `System.runAs(user) { body }`: the body runs as `user`, with mixed DML
    /// tracked apart from the code around it and license limits not
    /// enforced, as in platform tests; the block counts one DML statement.
    /// Outside test methods it throws (the platform allows `runAs` only in
    /// tests; the exception's text here is a guess).
    pub(super) fn run_as(&mut self, user: &Expr, body: &[Stmt], span: &Span) -> Eval<Flow> {
        let Value::SObject(record) = self.expr(user)? else {
            return Err(ApexException::null_pointer(&user.span).into());
        };
        if !self.org.is_running_test() {
            let msg = "System.runAs can only be used in test methods";
            return Err(ApexException::new("System.UnexpectedException", msg, span).into());
        }
        let Some(id) = record.borrow().id().copied() else {
            let msg = "User must be inserted before it is used in System.runAs";
            return Err(ApexException::new("System.UnexpectedException", msg, span).into());
        };
        let previous = match self.org.run_as(&id) {
            Ok(previous) => previous,
            Err(crate::org::OrgError::Transaction(_)) => {
                let msg = format!("No user with Id {id} for System.runAs");
                return Err(ApexException::new("System.UnexpectedException", msg, span).into());
            }
            Err(e) => return Err(org_failure(e, span)),
        };
        let flow = self.block(body);
        self.org.end_run_as(previous);
        flow
    }

    pub(super) fn read_field(&mut self, target: &Expr, field: usize, safe: bool) -> Eval<Value> {
        let record = match self.expr(target)? {
            Value::SObject(r) => r,
            Value::Null if safe => return Ok(Value::Null),
            _ => return Err(ApexException::null_pointer(&target.span).into()),
        };
        let record = record.borrow();
        match record.get(field) {
            Some(v) => Ok(Value::from_field(v)),
            None if record.queried && field != 0 => {
                let msg = format!(
                    "SObject row was retrieved via SOQL without querying the requested field: \
                     {}.{}",
                    record.object.name, record.object.fields[field].name
                );
                Err(ApexException::new(SOBJECT, msg, &target.span).into())
            }
            None => Ok(Value::Null),
        }
    }

    /// `u.Profile`: the parent record the query loaded with the child, null
    /// when the reference is empty. A queried record whose query did not
    /// select any field of that parent fails as the platform does.
    pub(super) fn read_parent(&mut self, target: &Expr, field: usize, safe: bool) -> Eval<Value> {
        let record = match self.expr(target)? {
            Value::SObject(r) => r,
            Value::Null if safe => return Ok(Value::Null),
            _ => return Err(ApexException::null_pointer(&target.span).into()),
        };
        let record = record.borrow();
        if let Some(parent) = record.parent(field) {
            return Ok(Value::sobject(parent.clone()));
        }
        let selected = record.get(field).is_some();
        if record.queried && !selected {
            let name = record.object.fields[field]
                .relationship_name()
                .unwrap_or_default();
            let msg = format!(
                "SObject row was retrieved via SOQL without querying the requested field: {}.{}",
                record.object.name, name
            );
            return Err(ApexException::new(SOBJECT, msg, &target.span).into());
        }
        Ok(Value::Null)
    }

    pub(super) fn write_field(&mut self, target: &Expr, field: usize, value: Value) -> Eval<()> {
        let Value::SObject(record) = self.expr(target)? else {
            return Err(ApexException::null_pointer(&target.span).into());
        };
        if !self.trigger_frames.is_empty() && self.is_read_only(&record) {
            return Err(ApexException::new(FINAL, "Record is read-only", &target.span).into());
        }
        let value = value.to_field().unwrap_or(FieldValue::Null);
        record.borrow_mut().set(field, value);
        Ok(())
    }

    pub(super) fn new_sobject(
        &mut self,
        object: &'static ObjectDef,
        fields: &[(usize, Expr)],
    ) -> Eval<Value> {
        let mut record = Record::new(object);
        for (index, e) in fields {
            let value = self.expr(e)?.to_field().unwrap_or(FieldValue::Null);
            record.set(*index, value);
        }
        Ok(Value::sobject(record))
    }

    /// Runs a DML statement: all or none, failing with a `DmlException`.
    pub(super) fn dml(
        &mut self,
        op: DmlOp,
        target: &Expr,
        key: Option<usize>,
        span: &Span,
    ) -> Eval<()> {
        let value = self.expr(target)?;
        let options = DmlOptions {
            all_or_none: true,
            key,
        };
        self.run_dml(op, &value, options, span).map(|_| ())
    }

    /// Runs one DML operation on a record or list value, firing triggers;
    /// see [`run_dml`].
    pub(super) fn run_dml(
        &mut self,
        op: DmlOp,
        value: &Value,
        options: DmlOptions,
        span: &Span,
    ) -> Eval<Vec<RowResult>> {
        if !self.trigger_frames.is_empty() && self.is_trigger_list(value) {
            // The platform refuses this at run time when the list reaches
            // the DML through a variable; the exception type is a guess.
            let msg = "DML statement cannot operate on trigger.new or trigger.old";
            return Err(ApexException::new(SOBJECT, msg, span).into());
        }
        let handles = dml_targets(value, span)?;
        let mut records: Vec<Record> = handles.iter().map(|h| h.borrow().clone()).collect();
        let (all_or_none, key) = (options.all_or_none, options.key);
        let results = self.save_records(op, &mut records, key, all_or_none, span)?;
        finish_dml(op, &handles, results, all_or_none, span)
    }

    pub(super) fn soql(
        &mut self,
        query: &SoqlQuery,
        binds: &[Expr],
        count: bool,
        span: &Span,
    ) -> Eval<Value> {
        let mut values = Vec::with_capacity(binds.len());
        for b in binds {
            values.push(bind_value(self.expr(b)?));
        }
        self.run_query(query, &values, count, span)
    }

    /// Runs a query with its bind values: rows as a list, `COUNT()` as an
    /// Integer (`count`) or Long, aggregate rows as `AggregateResult`s.
    pub(super) fn run_query(
        &mut self,
        query: &SoqlQuery,
        values: &[BindValue],
        count: bool,
        span: &Span,
    ) -> Eval<Value> {
        let output = match self.org.query(query, values) {
            Ok(output) => output,
            Err(QueryError::Invalid(msg)) => {
                return Err(ApexException::new(QUERY, msg, span).into());
            }
            Err(QueryError::Org(e)) => return Err(org_failure(e, span)),
        };
        Ok(match output {
            QueryOutput::Count(n) if count => Value::Int(i32::try_from(n).unwrap_or(i32::MAX)),
            QueryOutput::Count(n) => Value::Long(n),
            QueryOutput::Rows(rows) => Value::list(rows.into_iter().map(Value::sobject).collect()),
            QueryOutput::Aggregates { rows, .. } => aggregate_rows(rows),
        })
    }

    /// A query assigned to a single sObject must return exactly one row.
    pub(super) fn single_row(&mut self, query: &Expr) -> Eval<Value> {
        let Value::List(rows) = self.expr(query)? else {
            return Err(ApexException::null_pointer(&query.span).into());
        };
        let rows = rows.borrow();
        match rows.len() {
            1 => Ok(rows[0].clone()),
            0 => {
                let msg = "List has no rows for assignment to SObject";
                Err(ApexException::new(QUERY, msg, &query.span).into())
            }
            _ => {
                let msg = "List has more than 1 row for assignment to SObject";
                Err(ApexException::new(QUERY, msg, &query.span).into())
            }
        }
    }
}

/// Runs one DML operation on a record or list value, writes new Ids back
/// into the sObjects that were saved, and returns each row's result. With
/// `all_or_none`, any failed row throws a `DmlException` naming every failure.
pub(crate) fn run_dml(
    org: &mut Org,
    op: DmlOp,
    value: &Value,
    options: DmlOptions,
    span: &Span,
) -> Eval<Vec<RowResult>> {
    let DmlOptions { all_or_none, key } = options;
    let handles = dml_targets(value, span)?;
    let mut records: Vec<Record> = handles.iter().map(|h| h.borrow().clone()).collect();
    let results = match key {
        Some(field) => org.upsert_by_field(field, &mut records, all_or_none),
        None => org.dml(op, &mut records, all_or_none),
    }
    .map_err(|e| org_failure(e, span))?;
    finish_dml(op, &handles, results, all_or_none, span)
}

/// Throws the `DmlException` of a failed all-or-none call, or writes the
/// new Ids into the sObjects that were saved.
fn finish_dml(
    op: DmlOp,
    handles: &[Rc<RefCell<Record>>],
    results: Vec<RowResult>,
    all_or_none: bool,
    span: &Span,
) -> Eval<Vec<RowResult>> {
    if all_or_none && let Some(message) = exception_message(op, &results) {
        return Err(ApexException::dml(message, &results, span).into());
    }
    if op == DmlOp::Insert || op == DmlOp::Upsert {
        for (handle, result) in handles.iter().zip(&results) {
            if let (Some(id), true) = (result.id, result.is_success()) {
                handle.borrow_mut().set(0, FieldValue::Id(id));
            }
        }
    }
    Ok(results)
}

/// How a DML call treats its rows.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DmlOptions {
    /// One bad row fails the call with a `DmlException`.
    pub all_or_none: bool,
    /// For upsert, the index of the field that matches existing records;
    /// `None` matches on Id.
    pub key: Option<usize>,
}

/// The records a DML statement acts on: one sObject or each of a list's.
fn dml_targets(value: &Value, span: &Span) -> Eval<Vec<Rc<RefCell<Record>>>> {
    match value {
        Value::SObject(r) => Ok(vec![r.clone()]),
        // A null element is reported as a null dereference; the platform's
        // exact wording for this case is not known.
        Value::List(items) => items
            .borrow()
            .iter()
            .map(|v| match v {
                Value::SObject(r) => Ok(r.clone()),
                _ => Err(ApexException::null_pointer(span).into()),
            })
            .collect(),
        _ => Err(ApexException::null_pointer(span).into()),
    }
}

/// Aggregate rows as `AggregateResult` values.
fn aggregate_rows(rows: Vec<Vec<(String, FieldValue)>>) -> Value {
    let row = |r: Vec<(String, FieldValue)>| {
        let items: Vec<(Rc<str>, Value)> = r
            .into_iter()
            .map(|(name, v)| (Rc::from(name), Value::from_field(&v)))
            .collect();
        Value::Aggregate(Rc::from(items))
    };
    Value::list(rows.into_iter().map(row).collect())
}

/// The value a bind expression contributes to a query.
pub(super) fn bind_value(v: Value) -> BindValue {
    match v {
        Value::List(items) => BindValue::Many(items.borrow().iter().map(bind_scalar).collect()),
        Value::Set(items) => {
            BindValue::Many(items.borrow().iter().map(|k| bind_scalar(&k.0)).collect())
        }
        other => BindValue::One(bind_scalar(&other)),
    }
}

/// Records bind as their Ids, as in `WHERE Id IN :users`.
fn bind_scalar(v: &Value) -> FieldValue {
    match v {
        Value::SObject(r) => r
            .borrow()
            .id()
            .map_or(FieldValue::Null, |id| FieldValue::Id(*id)),
        other => other.to_field().unwrap_or(FieldValue::Null),
    }
}

/// Org errors that are Apex exceptions (governor limits, refused operations)
/// are thrown at the statement; the rest are internal failures.
pub(crate) fn org_failure(e: OrgError, span: &Span) -> Failure {
    match e {
        OrgError::Apex(f) => ApexException::new(f.type_name, f.message, span).into(),
        other => other.into(),
    }
}
