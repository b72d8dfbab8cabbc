//! Semi-joins and anti-joins: `Id IN (SELECT ContactId FROM User WHERE ...)`
//! and `AccountId NOT IN (SELECT ...)`, with the platform's restrictions,
//! shared by the compile-time check of inline queries and by [`super::run`].
//!
//! The subquery selects one Id or reference field of its object, the field
//! on the left is an Id or a reference field, subqueries do not nest, and
//! `OR` cannot join them. A row whose field on the left is null is never in
//! a semi-join and always in an anti-join, as null compares with `NOT IN`
//! lists here (a guess: the platform documents no null rule for anti-joins).

use std::fmt::Write as _;

use super::{QueryError, Sql, resolve_object};
use crate::data::schema::{FieldDef, ObjectDef};
use crate::syntax::ast::{SoqlCond, SoqlQuery, SoqlSelect, SoqlValue};

/// The subquery's object and the field it selects, or the reason the
/// semi-join is refused (the `QueryException` or compile error text).
pub fn check(
    outer: &FieldDef,
    sub: &SoqlQuery,
) -> Result<(&'static ObjectDef, &'static FieldDef), String> {
    if !outer.is_id() {
        // The platform's wording is not known; this one is a guess.
        return Err(format!(
            "Semi join sub-selects can only be used with Id or reference fields, not with '{}'",
            outer.name
        ));
    }
    let object = resolve_object(&sub.from).map_err(|e| e.to_string())?;
    let [SoqlSelect::Field(path)] = sub.select.as_slice() else {
        // A guess at the wording too.
        return Err("semi join sub selects can only select one field".into());
    };
    let written = super::path_text(path);
    let only_ids =
        || format!("semi join sub selects can only query id fields, cannot use: '{written}'");
    let field = match path.as_slice() {
        [name] => object
            .field(name.name.as_str())
            .map(|(_, f)| f)
            .ok_or_else(|| super::no_such_column(&written, object).to_string())?,
        _ => return Err(only_ids()),
    };
    if !field.is_id() {
        return Err(only_ids());
    }
    if sub.filter.as_ref().is_some_and(has_semi_join) {
        return Err("Nesting of semi join sub-selects is not supported".into());
    }
    Ok((object, field))
}

/// The error when `OR` joins a semi-join to anything, as the platform words it.
pub fn or_error(cond: &SoqlCond) -> Option<&'static str> {
    let bad = match cond {
        SoqlCond::Or(a, b) => has_semi_join(a) || has_semi_join(b) || or_in(a) || or_in(b),
        SoqlCond::And(a, b) => or_in(a) || or_in(b),
        SoqlCond::Not(a) => or_in(a),
        SoqlCond::Compare { .. } => false,
    };
    bad.then_some("Semi join sub-selects are not allowed with the 'OR' operator")
}

fn or_in(cond: &SoqlCond) -> bool {
    or_error(cond).is_some()
}

/// True when the condition holds a semi-join anywhere.
pub fn has_semi_join(cond: &SoqlCond) -> bool {
    match cond {
        SoqlCond::And(a, b) | SoqlCond::Or(a, b) => has_semi_join(a) || has_semi_join(b),
        SoqlCond::Not(a) => has_semi_join(a),
        SoqlCond::Compare { value, .. } => matches!(value, SoqlValue::SemiJoin(_)),
    }
}

impl Sql<'_> {
    /// `column [NOT] IN (SELECT s."Field" FROM "Object" s WHERE ...)`.
    pub(super) fn semi_join(
        &mut self,
        outer: &FieldDef,
        column: &str,
        inside: bool,
        sub: &SoqlQuery,
    ) -> Result<(), QueryError> {
        let (object, field) = check(outer, sub).map_err(QueryError::Invalid)?;
        // Each semi-join gets its own alias: an outer `t0` stays visible.
        self.semi_joins += 1;
        let alias = format!("s{}", self.semi_joins);
        let not = if inside { "" } else { "NOT " };
        let _ = write!(
            self.text,
            "({column} {not}IN (SELECT {alias}.\"{0}\" FROM \"{1}\" {alias} \
             WHERE {alias}.\"{0}\" IS NOT NULL AND ",
            field.name, object.name
        );
        if object.has_recycle_bin() {
            let _ = write!(self.text, "{alias}.\"IsDeleted\" = 0 AND ");
        }
        match &sub.filter {
            Some(cond) => self.cond(object, cond, &format!("{alias}."))?,
            None => self.text.push('1'),
        }
        self.text.push(')');
        if !inside {
            let _ = write!(self.text, " OR {column} IS NULL");
        }
        self.text.push(')');
        Ok(())
    }
}
