//! Child subqueries: `SELECT Name, (SELECT LastName FROM Contacts) FROM
//! Account` loads each account's contacts into the account's record.
//!
//! The children are read with one query per 500 parents, as
//! `SELECT ... FROM Contact WHERE AccountId IN (...)`, so the subquery's own
//! `WHERE` and `ORDER BY` apply and its `LIMIT` counts per parent. The
//! reference field (`AccountId`) is read even when not selected. Binds inside
//! a subquery take their values from the parent query's, matched by position
//! in the text.

use std::collections::HashMap;

use super::{BindValue, QueryError, QueryOutput, bind_exprs, run};
use crate::data::record::{FieldValue, Record};
use crate::data::schema::{ChildRelationship, ObjectDef, child_relationship};
use crate::data::store::Store;
use crate::syntax::ast::{Ident, Literal, SoqlCond, SoqlOp, SoqlQuery, SoqlSelect, SoqlValue};
use crate::syntax::name::Name;

/// Parents per child query: well under SQLite's limit on parameters.
const CHUNK: usize = 500;

/// Fills in the child records of every subquery of `q` on `records`.
pub(super) fn load(
    store: &Store,
    parent: &'static ObjectDef,
    (q, binds): (&SoqlQuery, &[BindValue]),
    records: &mut [Record],
) -> Result<(), QueryError> {
    // The query's binds by where they start, to hand each subquery its own.
    let by_start: HashMap<usize, &BindValue> = bind_exprs(q)
        .iter()
        .map(|e| e.span.start)
        .zip(binds)
        .collect();
    for item in &q.select {
        if let SoqlSelect::Subquery(sub) = item {
            let relationship = resolve(parent, sub)?;
            load_one(store, sub, (relationship, &by_start), records)?;
        }
    }
    Ok(())
}

/// The values of `exprs`, taken from the parent query's binds.
fn values_of(
    exprs: &[&crate::syntax::ast::Expr],
    by_start: &HashMap<usize, &BindValue>,
) -> Result<Vec<BindValue>, QueryError> {
    exprs
        .iter()
        .map(|e| by_start.get(&e.span.start).map(|v| (*v).clone()))
        .collect::<Option<_>>()
        .ok_or_else(|| QueryError::Invalid("a bind variable has no value".into()))
}

/// The child relationship a subquery names, refusing what is not supported.
pub(super) fn resolve(
    parent: &'static ObjectDef,
    sub: &SoqlQuery,
) -> Result<ChildRelationship, QueryError> {
    let found = child_relationship(parent, sub.from.name.as_str());
    let relationship = found.ok_or_else(|| {
        QueryError::Invalid(format!(
            "Didn't understand relationship '{}' in FROM part of query call. If you are \
             attempting to use a custom relationship, be sure to append the '__r' after the \
             custom relationship name. Please reference your WSDL or the describe call for the \
             appropriate names.",
            sub.from.name
        ))
    })?;
    Ok(relationship)
}

fn load_one(
    store: &Store,
    sub: &SoqlQuery,
    (relationship, by_start): (ChildRelationship, &HashMap<usize, &BindValue>),
    records: &mut [Record],
) -> Result<(), QueryError> {
    let ids: Vec<String> = records
        .iter()
        .filter_map(|r| r.id().map(|id| id.as_str().to_owned()))
        .collect();
    let mut by_parent: HashMap<String, Vec<Record>> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let query = child_query(sub, relationship, chunk);
        let values = values_of(&bind_exprs(&query), by_start)?;
        let QueryOutput::Rows(rows) = run(store, &query, &values)? else {
            continue;
        };
        for row in rows {
            if let Some(FieldValue::Id(parent)) = row.get(relationship.field) {
                by_parent
                    .entry(parent.as_str().to_owned())
                    .or_default()
                    .push(row);
            }
        }
    }
    let limit = match &sub.limit {
        Some(SoqlValue::Literal(Literal::Integer(n), _)) => usize::try_from(*n).ok(),
        Some(SoqlValue::Bind(e)) => match values_of(&[e], by_start)?.pop() {
            Some(BindValue::One(FieldValue::Int(n))) => usize::try_from(n).ok(),
            Some(BindValue::One(FieldValue::Long(n))) => usize::try_from(n).ok(),
            _ => {
                let msg = "LIMIT must be a non-negative integer";
                return Err(QueryError::Invalid(msg.into()));
            }
        },
        _ => None,
    };
    for record in records.iter_mut() {
        let key = record.id().map(|id| id.as_str().to_owned());
        let mut children = key.and_then(|k| by_parent.remove(&k)).unwrap_or_default();
        if let Some(limit) = limit {
            children.truncate(limit);
        }
        record.set_children(relationship.name, children);
    }
    Ok(())
}

/// `SELECT <sub's fields>, AccountId FROM Contact WHERE AccountId IN (ids)
/// AND (<sub's condition>) ORDER BY <sub's order>`.
fn child_query(sub: &SoqlQuery, relationship: ChildRelationship, ids: &[String]) -> SoqlQuery {
    let span = sub.span.clone();
    let ident = |name: &str| Ident {
        name: Name::new(name),
        span: span.clone(),
    };
    let field = relationship.child.fields[relationship.field].name;
    let mut select = sub.select.clone();
    let selected = select
        .iter()
        .any(|s| matches!(s, SoqlSelect::Field(p) if p.len() == 1 && p[0].name.is(field)));
    if !selected {
        select.push(SoqlSelect::Field(vec![ident(field)]));
    }
    let values = ids
        .iter()
        .map(|id| SoqlValue::Literal(Literal::String(id.clone()), span.clone()))
        .collect();
    let within = SoqlCond::Compare {
        func: None,
        field: vec![ident(field)],
        op: SoqlOp::In,
        value: SoqlValue::List(values, span.clone()),
        span: span.clone(),
    };
    let filter = match &sub.filter {
        Some(cond) => SoqlCond::And(Box::new(within), Box::new(cond.clone())),
        None => within,
    };
    let mut query = SoqlQuery::plain(select, ident(relationship.child.name), Some(filter), span);
    query.order_by = sub.order_by.clone();
    query
}
