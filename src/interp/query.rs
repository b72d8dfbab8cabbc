//! `Database.query` and `Database.countQuery`, whose text is parsed when it
//! runs, the batches of a SOQL `for` loop over lists, and the child records
//! of a subquery (`acct.Contacts`).
//!
//! A dynamic query's binds (`:name`) are plain names of locals in scope, as
//! on the platform; anything else is a `QueryException`. The text only ever
//! becomes SOQL: quotes, `;` and comments in it are SOQL syntax errors or
//! parts of a literal, and values reach SQLite as parameters.

use std::collections::HashMap;

use super::eval::{Eval, Interpreter};
use super::exception::{ApexException, QUERY, SOBJECT, TYPE};
use super::sobject::bind_value;
use super::value::Value;
use crate::check::ir::Expr;
use crate::data::schema::{ObjectDef, schema};
use crate::data::soql::bind_exprs;
use crate::syntax::ast::{ExprKind, SoqlQuery};
use crate::syntax::parse_soql;
use crate::syntax::source::Span;

/// Rows per batch of `for (List<T> batch : [SELECT ...])`.
const BATCH: usize = 200;

impl Interpreter<'_> {
    /// Parses and runs a query text; `row` is the object the result is
    /// assigned as, if the code named one.
    pub(super) fn dynamic_soql(
        &mut self,
        text: &Expr,
        scope: &HashMap<String, usize>,
        (count, row): (bool, Option<&'static ObjectDef>),
        span: &Span,
    ) -> Eval<Value> {
        let Value::String(source) = self.expr(text)? else {
            return Err(ApexException::null_pointer(&text.span).into());
        };
        let query = parse_soql(&source).map_err(|diags| {
            let msg = diags
                .first()
                .map_or_else(|| "unexpected token".to_owned(), |d| d.message.clone());
            ApexException::new(QUERY, msg, span)
        })?;
        check_shape(&query, count, row, span)?;
        let mut values = Vec::new();
        for bind in bind_exprs(&query) {
            let slot = match &bind.kind {
                ExprKind::Name(name) => scope.get(name.name.folded()).copied(),
                _ => None,
            };
            let Some(slot) = slot else {
                let name = source.get(bind.span.clone()).unwrap_or_default();
                let msg = format!("Variable does not exist: {name}");
                return Err(ApexException::new(QUERY, msg, span).into());
            };
            values.push(bind_value(self.local(slot)));
        }
        self.run_query(&query, &values, count, span)
    }

    /// `acct.Contacts`: the child records a subquery loaded, as a new list.
    /// A record that did not come from a query has none (null; a guess at
    /// the platform's answer); a queried one without the subquery throws.
    pub(super) fn children(
        &mut self,
        target: &Expr,
        name: &'static str,
        object: &'static ObjectDef,
    ) -> Eval<Value> {
        let Value::SObject(record) = self.expr(target)? else {
            return Err(ApexException::null_pointer(&target.span).into());
        };
        let record = record.borrow();
        match record.children(name) {
            Some(rows) => Ok(Value::list(
                rows.iter().cloned().map(Value::sobject).collect(),
            )),
            None if record.queried => {
                let msg = format!(
                    "SObject row was retrieved via SOQL without querying the requested field: \
                     {}.{name}",
                    object.name
                );
                Err(ApexException::new(SOBJECT, msg, &target.span).into())
            }
            None => Ok(Value::Null),
        }
    }

    /// A query's rows in lists of [`BATCH`].
    pub(super) fn batches(&mut self, query: &Expr) -> Eval<Value> {
        let Value::List(rows) = self.expr(query)? else {
            return Err(ApexException::null_pointer(&query.span).into());
        };
        let rows = rows.borrow();
        let lists = rows
            .chunks(BATCH)
            .map(|c| Value::list(c.to_vec()))
            .collect();
        Ok(Value::list(lists))
    }
}

/// `countQuery` needs `SELECT COUNT()` and `query` anything else; a result
/// assigned as `List<Account>` must query Account.
fn check_shape(
    query: &SoqlQuery,
    count: bool,
    row: Option<&'static ObjectDef>,
    span: &Span,
) -> Eval<()> {
    let is_count = query
        .select
        .iter()
        .any(|s| matches!(s, crate::syntax::ast::SoqlSelect::Count(_)));
    if count != is_count {
        // The platform's wording for these two is not known; these are guesses.
        let msg = if count {
            "Database.countQuery needs a SELECT COUNT() query"
        } else {
            "Database.query cannot run a SELECT COUNT() query; use Database.countQuery"
        };
        return Err(ApexException::new(QUERY, msg, span).into());
    }
    let queried = schema().object(query.from.name.folded());
    if let (Some(want), Some(got)) = (row, queried)
        && want.name != got.name
    {
        let msg = format!(
            "Invalid conversion from runtime type List<{}> to List<{}>",
            got.name, want.name
        );
        return Err(ApexException::new(TYPE, msg, span).into());
    }
    Ok(())
}
