//! Aggregate queries: `COUNT(field)`, `COUNT_DISTINCT`, `SUM`, `AVG`, `MIN`
//! and `MAX`, with `GROUP BY` and `HAVING`. Each row comes back as its
//! aliases and values, the interpreter's `AggregateResult`.
//!
//! An aggregate without an alias is named `expr0`, `expr1`, ... in the
//! order of the unaliased aggregates, as on the platform; a grouped field is
//! named after the field (`Name` for `Account.Name`). `COUNT` and
//! `COUNT_DISTINCT` are Integers, `SUM` and `AVG` Decimals (a guess for
//! `SUM` of an Integer field), `MIN` and `MAX` of the field's own type.

use std::fmt::Write as _;

use super::plan::Plan;
use super::{BindValue, QueryError, QueryOutput, Sql, path_text};
use crate::data::record::FieldValue;
use crate::data::schema::{FieldDef, FieldType, ObjectDef};
use crate::data::store::{Store, from_sql};
use crate::syntax::ast::{Ident, SoqlFunc, SoqlOp, SoqlQuery, SoqlSelect, SoqlValue};

/// What `COUNT` and `COUNT_DISTINCT` return.
static COUNT_RESULT: FieldDef = FieldDef::new("expr", "expr", FieldType::Int, 0);
/// What `SUM` and `AVG` return.
static NUMBER_RESULT: FieldDef = FieldDef::new("expr", "expr", FieldType::Decimal, 0);

/// One column of the result.
struct Item {
    /// The alias `get` finds it by.
    name: String,
    /// Its SQL expression.
    sql: String,
    /// How its values are read.
    def: &'static FieldDef,
}

/// Runs an aggregate query.
pub(super) fn run(
    store: &Store,
    object: &'static ObjectDef,
    q: &SoqlQuery,
    binds: &[BindValue],
) -> Result<QueryOutput, QueryError> {
    let mut sql = Sql::new(q, binds)?;
    let mut plan = Plan::new(object);
    plan.aggregated = true;
    let mut groups = Vec::with_capacity(q.group_by.len());
    for path in &q.group_by {
        groups.push(column(&mut plan, path)?.0);
    }
    let items = items(&mut plan, &q.select, &groups)?;
    let order_by = plan.order_by(&q.order_by)?;

    let list: Vec<&str> = items.iter().map(|i| i.sql.as_str()).collect();
    let _ = write!(
        sql.text,
        "SELECT {} FROM {} WHERE ",
        list.join(", "),
        plan.tables()
    );
    sql.filter(object, q)?;
    // The same FROM and WHERE, counted: the rows the aggregates read.
    let from = sql.text.find(" FROM ").unwrap_or(0);
    let counting = (
        format!("SELECT COUNT(*){}", &sql.text[from..]),
        sql.params.clone(),
    );
    if !groups.is_empty() {
        let _ = write!(sql.text, " GROUP BY {}", groups.join(", "));
    }
    if let Some(having) = &q.having {
        sql.text.push_str(" HAVING ");
        sql.having = true;
        sql.cond(object, having, "t0.")?;
        sql.having = false;
    }
    sql.text.push_str(&order_by);
    sql.limit_offset(q)?;
    let rows = read(sql, store, &items)?;
    let mut stmt = store.conn().prepare_cached(&counting.0)?;
    for (i, value) in counting.1.iter().enumerate() {
        stmt.raw_bind_parameter(i + 1, value)?;
    }
    let aggregated: i64 = stmt.raw_query().next()?.map_or(Ok(0), |r| r.get(0))?;
    Ok(QueryOutput::Aggregates {
        rows,
        aggregated: usize::try_from(aggregated).unwrap_or(0),
    })
}

/// The SQL column of a field path (joining parents) and its field.
fn column(plan: &mut Plan, path: &[Ident]) -> Result<(String, &'static FieldDef), QueryError> {
    let (chain, object, field) = plan.resolve(path)?;
    let alias = chain.last().copied().unwrap_or(0);
    let def = &object.fields[field];
    Ok((format!("t{alias}.\"{}\"", def.name), def))
}

fn items(
    plan: &mut Plan,
    select: &[SoqlSelect],
    groups: &[String],
) -> Result<Vec<Item>, QueryError> {
    let mut out = Vec::with_capacity(select.len());
    let mut unnamed = 0;
    for item in select {
        match item {
            SoqlSelect::Field(path) => {
                let (sql, def) = column(plan, path)?;
                if !groups.contains(&sql) {
                    return Err(QueryError::Invalid(format!(
                        "Field must be grouped or aggregated: {}",
                        path_text(path)
                    )));
                }
                out.push(Item {
                    name: def.name.to_owned(),
                    sql,
                    def,
                });
            }
            SoqlSelect::Aggregate(a) => {
                let (sql, def) = function(plan, a.func, &a.field)?;
                let name = match &a.alias {
                    Some(alias) => alias.name.to_string(),
                    None => {
                        unnamed += 1;
                        format!("expr{}", unnamed - 1)
                    }
                };
                out.push(Item { name, sql, def });
            }
            SoqlSelect::Subquery(_) => {
                let msg = "A child subquery cannot be used in an aggregate query";
                return Err(QueryError::Invalid(msg.into()));
            }
            SoqlSelect::Count(_) => {
                let msg = "COUNT() cannot be used with GROUP BY or other aggregate functions";
                return Err(QueryError::Invalid(msg.into()));
            }
        }
    }
    Ok(out)
}

/// `SUM(t0."AnnualRevenue")` and the field its values are read as.
fn function(
    plan: &mut Plan,
    func: SoqlFunc,
    path: &[Ident],
) -> Result<(String, &'static FieldDef), QueryError> {
    let (column, def) = column(plan, path)?;
    let numeric = matches!(
        def.ty,
        FieldType::Int | FieldType::Double | FieldType::Decimal | FieldType::Currency
    );
    if matches!(func, SoqlFunc::Sum | SoqlFunc::Avg) && !numeric {
        return Err(QueryError::Invalid(format!(
            "field {} does not support aggregate operator {}",
            def.name,
            func_word(func)
        )));
    }
    Ok(apply(func, &column, def))
}

/// `func(column)` and the field its values are read as.
pub(super) fn apply(
    func: SoqlFunc,
    column: &str,
    def: &'static FieldDef,
) -> (String, &'static FieldDef) {
    match func {
        SoqlFunc::Count => (format!("COUNT({column})"), &COUNT_RESULT),
        SoqlFunc::CountDistinct => (format!("COUNT(DISTINCT {column})"), &COUNT_RESULT),
        SoqlFunc::Sum => (format!("SUM({column})"), &NUMBER_RESULT),
        SoqlFunc::Avg => (format!("AVG({column})"), &NUMBER_RESULT),
        SoqlFunc::Min => (format!("MIN({column})"), def),
        SoqlFunc::Max => (format!("MAX({column})"), def),
    }
}

/// The function as written in SOQL.
fn func_word(func: SoqlFunc) -> &'static str {
    match func {
        SoqlFunc::Count => "COUNT",
        SoqlFunc::CountDistinct => "COUNT_DISTINCT",
        SoqlFunc::Sum => "SUM",
        SoqlFunc::Avg => "AVG",
        SoqlFunc::Min => "MIN",
        SoqlFunc::Max => "MAX",
    }
}

/// The result rows, each its aliases and values.
type Rows = Vec<Vec<(String, FieldValue)>>;

fn read(sql: Sql<'_>, store: &Store, items: &[Item]) -> Result<Rows, QueryError> {
    let mut stmt = sql.statement(store)?;
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let mut values = Vec::with_capacity(items.len());
        for (n, item) in items.iter().enumerate() {
            let value = from_sql(item.def, row.get_ref(n)?)?;
            values.push((item.name.clone(), value));
        }
        out.push(values);
    }
    Ok(out)
}

impl Sql<'_> {
    /// `func(field) op value` in `HAVING`; refused in `WHERE`.
    pub(super) fn aggregate_compare(
        &mut self,
        object: &'static ObjectDef,
        (func, path): (SoqlFunc, &[Ident]),
        (op, value): (SoqlOp, &SoqlValue),
        qual: &str,
    ) -> Result<(), QueryError> {
        if !self.having {
            return Err(QueryError::Invalid(format!(
                "Aggregate functions are not allowed in WHERE: {}({})",
                func_word(func),
                path_text(path)
            )));
        }
        let [name] = path else {
            return Err(QueryError::Invalid(format!(
                "HAVING takes a field of {}: {}",
                object.name,
                path_text(path)
            )));
        };
        let def = &object.fields[super::resolve_field(object, name)?];
        let column = format!("{qual}\"{}\"", def.name);
        let (sql, result) = apply(func, &column, def);
        self.leaf(result, &sql, op, value)
    }
}
