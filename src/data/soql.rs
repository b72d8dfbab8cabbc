//! SOQL → parameterised SQL → records.
//!
//! Values never enter the SQL text: literals and binds become parameters.
//! String comparisons ignore case (the columns use `NOCASE`; non-ASCII
//! values compare through `soql_fold`, Unicode lower case), `!=` and
//! `NOT IN` match nulls as SOQL does, Ids compare in 15 or 18 characters,
//! deleted records are left out unless the query says `ALL ROWS`.
//! Relationship paths (`Profile.Name`) work in `SELECT` and `ORDER BY` (as
//! `LEFT JOIN`s, parents nested in the returned records) and in `WHERE` (as
//! `IN` subqueries). Date literals become ranges (see `dates`), aggregate
//! queries are built in `aggregate`, child subqueries in `children`,
//! semi-joins and anti-joins in `semi`.

use std::collections::HashMap;
use std::fmt::Write as _;

use rusqlite::CachedStatement;
use rusqlite::types::Value;

use self::plan::Plan;

use crate::data::id::Id;
use crate::data::record::{FieldValue, Record};
use crate::data::schema::{FieldDef, FieldType, ObjectDef, schema};
use crate::data::store::{OrgError, Store, to_sql};
use crate::syntax::ast::{
    DateLiteral, Expr, Ident, Literal, SoqlCond, SoqlOp, SoqlQuery, SoqlSelect, SoqlValue,
    WrittenDate,
};

/// `IN` lists longer than this are bound as one JSON array.
const LONG_IN_LIST: usize = 500;

/// The values as a JSON array, for `json_each`.
fn json_array(values: &[Value]) -> String {
    let items: Vec<serde_json::Value> = values
        .iter()
        .map(|v| match v {
            Value::Integer(i) => serde_json::Value::from(*i),
            Value::Real(f) => serde_json::Value::from(*f),
            Value::Text(t) => serde_json::Value::from(t.as_str()),
            Value::Null | Value::Blob(_) => serde_json::Value::Null,
        })
        .collect();
    serde_json::Value::Array(items).to_string()
}

mod aggregate;
mod children;
mod dates;
mod plan;
pub mod semi;

/// The value of one `:bind`, evaluated by the interpreter.
#[derive(Clone, Debug, PartialEq)]
pub enum BindValue {
    /// A single value.
    One(FieldValue),
    /// A collection (`IN :ids`).
    Many(Vec<FieldValue>),
}

/// What a query returns.
#[derive(Clone, Debug)]
pub enum QueryOutput {
    /// The records, each with `queried` set and the selected fields (and `Id`).
    Rows(Vec<Record>),
    /// The result of `SELECT COUNT() ...`.
    Count(i64),
    /// The rows of an aggregate query.
    Aggregates {
        /// Each row's aliases and values in `SELECT` order.
        rows: Vec<Vec<(String, FieldValue)>>,
        /// The records the aggregates read: what the query charges against
        /// the row limit, as the platform counts it.
        aggregated: usize,
    },
}

/// Why a query failed.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// The query is not valid: becomes `System.QueryException` with this text.
    #[error("{0}")]
    Invalid(String),
    /// The org failed (or a governor limit: `OrgError::Apex`).
    #[error(transparent)]
    Org(#[from] OrgError),
}

impl From<rusqlite::Error> for QueryError {
    fn from(e: rusqlite::Error) -> QueryError {
        QueryError::Org(OrgError::Sqlite(e))
    }
}

/// The error for `INCLUDES`/`EXCLUDES` on any other field than a
/// multi-select picklist (the platform's text as commonly reported).
pub const INCLUDES_ON_OTHER: &str =
    "includes or excludes operator only valid on multipicklist field";

/// The most rows `OFFSET` may skip.
const MAX_OFFSET: i64 = 2000;

/// Runs a query against the store.
pub fn run(store: &Store, q: &SoqlQuery, binds: &[BindValue]) -> Result<QueryOutput, QueryError> {
    let object = resolve_object(&q.from)?;
    let aggregated = q
        .select
        .iter()
        .any(|s| matches!(s, SoqlSelect::Aggregate(_)));
    if aggregated || !q.group_by.is_empty() || q.having.is_some() {
        return aggregate::run(store, object, q, binds);
    }
    let mut sql = Sql::new(q, binds)?;
    let mut plan = Plan::new(object);
    let reading = plan.select(&q.select)?;
    let order_by = if reading {
        plan.order_by(&q.order_by)?
    } else {
        String::new()
    };

    // `COUNT()` with `LIMIT`/`OFFSET` counts the rows of that window only.
    let window = !reading && (q.limit.is_some() || q.offset.is_some());
    let list = match (reading, window) {
        (true, _) => plan.select_list(),
        (false, true) => "1".to_owned(),
        (false, false) => "COUNT(*)".to_owned(),
    };
    let outer = if window { "SELECT COUNT(*) FROM (" } else { "" };
    let _ = write!(
        sql.text,
        "{outer}SELECT {list} FROM {} WHERE ",
        plan.tables()
    );
    sql.filter(object, q)?;
    if !reading {
        if window {
            sql.limit_offset(q)?;
            sql.text.push(')');
        }
        return sql.count_rows(store);
    }
    sql.text.push_str(&order_by);
    sql.limit_offset(q)?;
    let mut output = sql.execute(store, &plan)?;
    if let QueryOutput::Rows(records) = &mut output {
        children::load(store, object, (q, binds), records)?;
    }
    Ok(output)
}

fn resolve_object(from: &Ident) -> Result<&'static ObjectDef, QueryError> {
    schema().object(from.name.as_str()).ok_or_else(|| {
        QueryError::Invalid(format!(
            "sObject type '{}' is not supported. If you are attempting to use a custom object, \
             be sure to append the '__c' after the entity name. Please reference your WSDL or \
             the describe call for the appropriate names.",
            from.name
        ))
    })
}

fn no_such_column(name: &str, object: &ObjectDef) -> QueryError {
    QueryError::Invalid(format!(
        "No such column '{name}' on entity '{}'. If you are attempting to use a custom field, \
         be sure to append the '__c' after the custom field name. Please reference your WSDL \
         or the describe call for the appropriate names.",
        object.name
    ))
}

fn resolve_field(object: &ObjectDef, name: &Ident) -> Result<usize, QueryError> {
    object
        .field_index(name.name.as_str())
        .ok_or_else(|| no_such_column(name.name.as_str(), object))
}

/// The field a path from `object` ends at, or the `QueryException` text.
pub fn path_def(object: &'static ObjectDef, path: &[Ident]) -> Result<&'static FieldDef, String> {
    path_field(object, path).map_err(|e| e.to_string())
}

/// The field a relationship path ends at (`Account.Owner.Alias` → `Alias`).
fn path_field(object: &'static ObjectDef, path: &[Ident]) -> Result<&'static FieldDef, QueryError> {
    match path {
        [] => Err(no_such_column("", object)),
        [name] => Ok(&object.fields[resolve_field(object, name)?]),
        [first, rest @ ..] => path_field(relationship(object, first)?.1, rest),
    }
}

fn path_text(path: &[Ident]) -> String {
    path.iter()
        .map(|i| i.name.as_str())
        .collect::<Vec<_>>()
        .join(".")
}

/// A query being translated: SQL text, its parameters, and the binds.
struct Sql<'b> {
    text: String,
    params: Vec<Value>,
    binds: &'b [BindValue],
    /// Span start of each bind expression → its index in `binds`.
    bind_order: HashMap<usize, usize>,
    /// True while translating `HAVING`, where aggregate functions may appear.
    having: bool,
    /// Semi-joins translated so far, numbering their table aliases.
    semi_joins: usize,
}

impl<'b> Sql<'b> {
    fn new(q: &SoqlQuery, binds: &'b [BindValue]) -> Result<Sql<'b>, QueryError> {
        let starts: Vec<usize> = bind_exprs(q).iter().map(|e| e.span.start).collect();
        if starts.len() != binds.len() {
            return Err(QueryError::Invalid(format!(
                "the query has {} bind variables but {} values were supplied",
                starts.len(),
                binds.len()
            )));
        }
        let bind_order = starts
            .into_iter()
            .enumerate()
            .map(|(i, s)| (s, i))
            .collect();
        Ok(Sql {
            text: String::new(),
            params: Vec::new(),
            binds,
            bind_order,
            having: false,
            semi_joins: 0,
        })
    }

    /// The `WHERE` clause's body: the recycle-bin test (unless `ALL ROWS`)
    /// and the query's condition.
    fn filter(&mut self, object: &'static ObjectDef, q: &SoqlQuery) -> Result<(), QueryError> {
        if object.has_recycle_bin() && !q.all_rows {
            self.text.push_str("t0.\"IsDeleted\" = 0 AND ");
        }
        if let Some(msg) = q.filter.as_ref().and_then(semi::or_error) {
            return Err(QueryError::Invalid(msg.into()));
        }
        match &q.filter {
            Some(cond) => self.cond(object, cond, "t0."),
            None => {
                self.text.push('1');
                Ok(())
            }
        }
    }

    fn bind(&self, expr: &Expr) -> Result<&'b BindValue, QueryError> {
        let index = self.bind_order.get(&expr.span.start).copied();
        index
            .and_then(|i| self.binds.get(i))
            .ok_or_else(|| QueryError::Invalid("a bind variable has no value".into()))
    }

    fn param(&mut self, value: Value) {
        self.params.push(value);
        let _ = write!(self.text, "?{}", self.params.len());
    }

    /// Translates a condition on `object`; `qual` prefixes its columns
    /// (`t0.` at the top, nothing inside a subquery).
    fn cond(
        &mut self,
        object: &'static ObjectDef,
        cond: &SoqlCond,
        qual: &str,
    ) -> Result<(), QueryError> {
        match cond {
            SoqlCond::And(a, b) => self.pair(object, (a, " AND ", b), qual),
            SoqlCond::Or(a, b) => self.pair(object, (a, " OR ", b), qual),
            SoqlCond::Not(inner) => {
                // SQL NOT of an unknown (null) comparison stays unknown; SOQL
                // treats it as false first, so NOT makes it true.
                self.text.push_str("NOT IFNULL((");
                self.cond(object, inner, qual)?;
                self.text.push_str("), 0)");
                Ok(())
            }
            SoqlCond::Compare {
                func: Some(func),
                field,
                op,
                value,
                ..
            } => self.aggregate_compare(object, (*func, field), (*op, value), qual),
            SoqlCond::Compare {
                field, op, value, ..
            } => self.compare(object, field, (*op, value), qual),
        }
    }

    fn pair(
        &mut self,
        object: &'static ObjectDef,
        (a, join, b): (&SoqlCond, &str, &SoqlCond),
        qual: &str,
    ) -> Result<(), QueryError> {
        self.text.push('(');
        self.cond(object, a, qual)?;
        self.text.push_str(join);
        self.cond(object, b, qual)?;
        self.text.push(')');
        Ok(())
    }

    /// `field op value`; a relationship path becomes nested `IN (SELECT ...)`.
    fn compare(
        &mut self,
        object: &'static ObjectDef,
        path: &[Ident],
        (op, value): (SoqlOp, &SoqlValue),
        qual: &str,
    ) -> Result<(), QueryError> {
        let Some((first, rest)) = path.split_first() else {
            return Err(QueryError::Invalid("empty field in WHERE".into()));
        };
        if rest.is_empty() {
            let field = &object.fields[resolve_field(object, first)?];
            let column = format!("{qual}\"{}\"", field.name);
            return self.leaf(field, &column, op, value);
        }
        let (reference, parent) = relationship(object, first)?;
        let _ = write!(
            self.text,
            "({qual}\"{}\" IN (SELECT \"Id\" FROM \"{}\" WHERE ",
            reference.name, parent.name
        );
        self.compare(parent, rest, (op, value), "")?;
        // Without a parent, the field reads as null: `Account.Name != 'x'`
        // matches a contact without an account, `Account.Name = 'x'` does not.
        let _ = write!(self.text, ") OR ({qual}\"{}\" IS NULL AND ", reference.name);
        let field = path_field(parent, rest)?;
        self.leaf(field, "NULL", op, value)?;
        self.text.push_str("))");
        Ok(())
    }

    /// `column op value`, where `column` holds values of `field`.
    fn leaf(
        &mut self,
        field: &FieldDef,
        column: &str,
        op: SoqlOp,
        value: &SoqlValue,
    ) -> Result<(), QueryError> {
        if let SoqlValue::Date(literal, _) = value {
            return self.date_range(field, column, op, *literal);
        }
        if let SoqlValue::SemiJoin(sub) = value {
            return match op {
                SoqlOp::In => self.semi_join(field, column, true, sub),
                SoqlOp::NotIn => self.semi_join(field, column, false, sub),
                _ => Err(QueryError::Invalid(format!(
                    "invalid operator {} with a subquery on field {}",
                    op_word(op),
                    field.name
                ))),
            };
        }
        let values = self.values(field, value)?;
        let column = column.to_owned();
        match (op, values) {
            (SoqlOp::Eq, Operand::One(v)) => self.equals(&column, v, true),
            (SoqlOp::Ne, Operand::One(v)) => self.equals(&column, v, false),
            (SoqlOp::Eq | SoqlOp::In, Operand::Many(vs)) => self.in_list(&column, vs, true),
            (SoqlOp::Ne | SoqlOp::NotIn, Operand::Many(vs)) => self.in_list(&column, vs, false),
            (SoqlOp::In, Operand::One(v)) => self.in_list(&column, vec![v], true),
            (SoqlOp::NotIn, Operand::One(v)) => self.in_list(&column, vec![v], false),
            (SoqlOp::Like, Operand::One(v)) => self.like(field, &column, v),
            (SoqlOp::Includes | SoqlOp::Excludes, values) => {
                self.includes(field, &column, op == SoqlOp::Includes, values)
            }
            (SoqlOp::Lt | SoqlOp::Le | SoqlOp::Gt | SoqlOp::Ge, Operand::One(v)) => {
                self.order_compare(&column, op, v);
                Ok(())
            }
            (op, Operand::Many(_)) => Err(QueryError::Invalid(format!(
                "invalid operator {} with a list of values on field {}",
                op_word(op),
                field.name
            ))),
        }
    }

    fn equals(&mut self, column: &str, value: Value, equal: bool) -> Result<(), QueryError> {
        if value == Value::Null {
            let test = if equal { "IS NULL" } else { "IS NOT NULL" };
            let _ = write!(self.text, "{column} {test}");
            return Ok(());
        }
        let op = if equal { "=" } else { "IS NOT" };
        if needs_fold(std::slice::from_ref(&value)) {
            let _ = write!(self.text, "soql_fold({column}) {op} soql_fold(");
            self.param(value);
            self.text.push(')');
            return Ok(());
        }
        let _ = write!(self.text, "{column} {op} ");
        self.param(value);
        Ok(())
    }

    fn in_list(
        &mut self,
        column: &str,
        values: Vec<Value>,
        inside: bool,
    ) -> Result<(), QueryError> {
        let has_null = values.contains(&Value::Null);
        let values: Vec<Value> = values.into_iter().filter(|v| *v != Value::Null).collect();
        let null_test = match (inside, has_null) {
            (true, true) => format!(" OR {column} IS NULL"),
            (false, false) => format!(" OR {column} IS NULL"),
            (false, true) => format!(" AND {column} IS NOT NULL"),
            (true, false) => String::new(),
        };
        self.text.push('(');
        let fold = needs_fold(&values);
        let (open, close) = if fold { ("soql_fold(", ")") } else { ("", "") };
        let not = if inside { "" } else { "NOT " };
        if values.is_empty() {
            self.text.push_str(if inside { "0" } else { "1" });
        } else if values.len() > LONG_IN_LIST {
            // SQLite takes at most 32,766 parameters per statement: a long
            // list travels as one JSON array parameter instead.
            let _ = write!(
                self.text,
                "{open}{column}{close} {not}IN (SELECT {open}value{close} FROM json_each("
            );
            self.param(Value::Text(json_array(&values)));
            self.text.push_str("))");
        } else {
            let _ = write!(self.text, "{open}{column}{close} {not}IN (");
            for (n, value) in values.into_iter().enumerate() {
                if n > 0 {
                    self.text.push_str(", ");
                }
                self.text.push_str(open);
                self.param(value);
                self.text.push_str(close);
            }
            self.text.push(')');
        }
        self.text.push_str(&null_test);
        self.text.push(')');
        Ok(())
    }

    /// `INCLUDES ('a;b', 'c')`: the field holds both a and b, or c. Each
    /// string is a set of values that must all be selected; the list is
    /// any of those sets. `EXCLUDES` is its negation, true for a null field
    /// (a guess, in line with `!=` and `NOT IN`).
    fn includes(
        &mut self,
        field: &FieldDef,
        column: &str,
        inside: bool,
        values: Operand,
    ) -> Result<(), QueryError> {
        if field.ty != FieldType::MultiPicklist {
            return Err(QueryError::Invalid(INCLUDES_ON_OTHER.into()));
        }
        let sets = match values {
            Operand::One(v) => vec![v],
            Operand::Many(vs) => vs,
        };
        let not = if inside { "" } else { "NOT " };
        let _ = write!(self.text, "{not}IFNULL((0");
        for set in sets {
            let Value::Text(set) = set else { continue };
            self.text.push_str(" OR (1");
            for value in set.split(';').map(str::trim).filter(|v| !v.is_empty()) {
                let _ = write!(
                    self.text,
                    " AND instr(';' || lower({column}) || ';', ';' || lower("
                );
                self.param(Value::Text(value.to_owned()));
                self.text.push_str(") || ';') > 0");
            }
            self.text.push(')');
        }
        self.text.push_str("), 0)");
        Ok(())
    }

    fn like(&mut self, field: &FieldDef, column: &str, value: Value) -> Result<(), QueryError> {
        if !field.is_text() {
            return Err(QueryError::Invalid(format!(
                "invalid operator on {} field: LIKE on field '{}'",
                type_word(field),
                field.name
            )));
        }
        if needs_fold(std::slice::from_ref(&value)) {
            let _ = write!(self.text, "soql_fold({column}) LIKE soql_fold(");
            self.param(value);
            self.text.push_str(") ESCAPE '\\'");
            return Ok(());
        }
        let _ = write!(self.text, "{column} LIKE ");
        self.param(value);
        self.text.push_str(" ESCAPE '\\'");
        Ok(())
    }

    fn order_compare(&mut self, column: &str, op: SoqlOp, value: Value) {
        if value == Value::Null {
            // Nothing is less or greater than null.
            self.text.push('0');
            return;
        }
        let sym = match op {
            SoqlOp::Lt => "<",
            SoqlOp::Le => "<=",
            SoqlOp::Gt => ">",
            _ => ">=",
        };
        let _ = write!(self.text, "{column} {sym} ");
        self.param(value);
    }

    /// `column op LITERAL` for a date literal: the field's values within
    /// (or before, or after) the literal's range of days.
    fn date_range(
        &mut self,
        field: &FieldDef,
        column: &str,
        op: SoqlOp,
        literal: DateLiteral,
    ) -> Result<(), QueryError> {
        if !matches!(field.ty, FieldType::Date | FieldType::DateTime) {
            return Err(filter_type_error(field));
        }
        let (start, end) = dates::bounds(field, literal);
        match op {
            SoqlOp::Eq | SoqlOp::Ne => {
                let not = if op == SoqlOp::Ne { "NOT " } else { "" };
                let _ = write!(self.text, "{not}IFNULL(({column} >= ");
                self.param(start);
                let _ = write!(self.text, " AND {column} < ");
                self.param(end);
                self.text.push_str("), 0)");
            }
            SoqlOp::Lt | SoqlOp::Ge => {
                let sym = if op == SoqlOp::Lt { "<" } else { ">=" };
                let _ = write!(self.text, "{column} {sym} ");
                self.param(start);
            }
            SoqlOp::Le | SoqlOp::Gt => {
                let sym = if op == SoqlOp::Le { "<" } else { ">=" };
                let _ = write!(self.text, "{column} {sym} ");
                self.param(end);
            }
            _ => {
                return Err(QueryError::Invalid(format!(
                    "invalid operator on a date literal: {} {} on field '{}'",
                    op_word(op),
                    "date literal",
                    field.name
                )));
            }
        }
        Ok(())
    }

    /// The SQL values a right-hand side stands for, converted for `field`.
    fn values(&self, field: &FieldDef, value: &SoqlValue) -> Result<Operand, QueryError> {
        match value {
            SoqlValue::Literal(literal, _) => literal_value(field, literal).map(Operand::One),
            SoqlValue::Written(written, _) => written_value(field, *written).map(Operand::One),
            SoqlValue::Date(..) | SoqlValue::SemiJoin(_) => Err(filter_type_error(field)),
            SoqlValue::List(items, _) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match self.values(field, item)? {
                        Operand::One(v) => out.push(v),
                        Operand::Many(vs) => out.extend(vs),
                    }
                }
                Ok(Operand::Many(out))
            }
            SoqlValue::Bind(expr) => match self.bind(expr)? {
                BindValue::One(v) => bind_value(field, v).map(Operand::One),
                BindValue::Many(vs) => vs
                    .iter()
                    .map(|v| bind_value(field, v))
                    .collect::<Result<_, _>>()
                    .map(Operand::Many),
            },
        }
    }

    fn limit_offset(&mut self, q: &SoqlQuery) -> Result<(), QueryError> {
        let limit = q
            .limit
            .as_ref()
            .map(|v| self.count(v, "LIMIT"))
            .transpose()?;
        let offset = q
            .offset
            .as_ref()
            .map(|v| self.count(v, "OFFSET"))
            .transpose()?;
        if offset.is_some_and(|o| o > MAX_OFFSET) {
            return Err(QueryError::Invalid(format!(
                "Maximum SOQL offset allowed is {MAX_OFFSET}"
            )));
        }
        let _ = write!(self.text, " LIMIT {}", limit.unwrap_or(-1));
        if let Some(offset) = offset {
            let _ = write!(self.text, " OFFSET {offset}");
        }
        Ok(())
    }

    /// A `LIMIT`/`OFFSET` count (numbers are formatted, never bound text).
    fn count(&self, value: &SoqlValue, clause: &str) -> Result<i64, QueryError> {
        let n = match value {
            SoqlValue::Literal(Literal::Integer(n), _) => Some(i64::from(*n)),
            SoqlValue::Literal(Literal::Long(n), _) => Some(*n),
            SoqlValue::Bind(expr) => match self.bind(expr)? {
                BindValue::One(FieldValue::Int(n)) => Some(i64::from(*n)),
                BindValue::One(FieldValue::Long(n)) => Some(*n),
                _ => None,
            },
            _ => None,
        };
        match n {
            Some(n) if n >= 0 => Ok(n),
            _ => Err(QueryError::Invalid(format!(
                "{clause} must be a non-negative integer"
            ))),
        }
    }

    fn statement<'s>(&self, store: &'s Store) -> Result<CachedStatement<'s>, QueryError> {
        let mut stmt = store.conn().prepare_cached(&self.text)?;
        for (i, value) in self.params.iter().enumerate() {
            stmt.raw_bind_parameter(i + 1, value)?;
        }
        Ok(stmt)
    }

    fn count_rows(self, store: &Store) -> Result<QueryOutput, QueryError> {
        let mut stmt = self.statement(store)?;
        let mut rows = stmt.raw_query();
        let count = match rows.next()? {
            Some(row) => row.get::<_, i64>(0)?,
            None => 0,
        };
        Ok(QueryOutput::Count(count))
    }

    fn execute(self, store: &Store, plan: &Plan) -> Result<QueryOutput, QueryError> {
        let mut stmt = self.statement(store)?;
        let mut rows = stmt.raw_query();
        let mut records = Vec::new();
        while let Some(row) = rows.next()? {
            records.push(plan.read(row)?);
        }
        Ok(QueryOutput::Rows(records))
    }
}

/// True when some value is text beyond ASCII. SQLite's `NOCASE` and `LIKE`
/// ignore the case of ASCII letters only, so such comparisons go through
/// `soql_fold` on both sides instead (Unicode lower case); ASCII ones keep
/// the plain column, and with it the indexes on Id, Username and lookups.
fn needs_fold(values: &[Value]) -> bool {
    values
        .iter()
        .any(|v| matches!(v, Value::Text(t) if !t.is_ascii()))
}

/// Registers the SQL functions queries use: `soql_fold(text)`, the text in
/// Unicode lower case (null stays null).
pub fn register_functions(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    use rusqlite::types::ValueRef;
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("soql_fold", 1, flags, |ctx| {
        Ok(match ctx.get_raw(0) {
            ValueRef::Text(t) => Some(String::from_utf8_lossy(t).to_lowercase()),
            _ => None,
        })
    })
}

/// An operator as written in SOQL, for messages.
fn op_word(op: SoqlOp) -> &'static str {
    match op {
        SoqlOp::Eq => "=",
        SoqlOp::Ne => "!=",
        SoqlOp::Lt => "<",
        SoqlOp::Le => "<=",
        SoqlOp::Gt => ">",
        SoqlOp::Ge => ">=",
        SoqlOp::Like => "LIKE",
        SoqlOp::In => "IN",
        SoqlOp::NotIn => "NOT IN",
        SoqlOp::Includes => "INCLUDES",
        SoqlOp::Excludes => "EXCLUDES",
    }
}

/// One value or a list of values on the right of a comparison.
enum Operand {
    One(Value),
    Many(Vec<Value>),
}

/// The bind expressions of a query in the order [`run`] takes their values:
/// source order, child subqueries and semi-joins included.
pub fn bind_exprs(q: &SoqlQuery) -> Vec<&Expr> {
    fn value<'q>(v: &'q SoqlValue, out: &mut Vec<&'q Expr>) {
        match v {
            SoqlValue::Bind(e) => out.push(e),
            SoqlValue::List(items, _) => items.iter().for_each(|i| value(i, out)),
            SoqlValue::SemiJoin(q) => q.filter.iter().for_each(|c| cond(c, out)),
            SoqlValue::Literal(..) | SoqlValue::Date(..) | SoqlValue::Written(..) => {}
        }
    }
    fn cond<'q>(c: &'q SoqlCond, out: &mut Vec<&'q Expr>) {
        match c {
            SoqlCond::And(a, b) | SoqlCond::Or(a, b) => {
                cond(a, out);
                cond(b, out);
            }
            SoqlCond::Not(a) => cond(a, out),
            SoqlCond::Compare { value: v, .. } => value(v, out),
        }
    }
    let mut out = Vec::new();
    for item in &q.select {
        if let SoqlSelect::Subquery(sub) = item {
            sub.filter.iter().for_each(|c| cond(c, &mut out));
            sub.limit.iter().for_each(|v| value(v, &mut out));
        }
    }
    q.filter
        .iter()
        .chain(&q.having)
        .for_each(|c| cond(c, &mut out));
    q.limit
        .iter()
        .chain(&q.offset)
        .for_each(|v| value(v, &mut out));
    out.sort_by_key(|e| e.span.start);
    out
}

/// The reference field named by a relationship (`Profile` → `ProfileId`)
/// and the object it points to.
fn relationship(
    object: &'static ObjectDef,
    name: &Ident,
) -> Result<(&'static FieldDef, &'static ObjectDef), QueryError> {
    let found = object.fields.iter().find(|f| {
        f.relationship_name()
            .is_some_and(|r| r.eq_ignore_ascii_case(name.name.as_str()))
    });
    let pair = found.and_then(|f| Some((f, schema().object(f.reference_to.first()?)?)));
    pair.ok_or_else(|| {
        QueryError::Invalid(format!(
            "Didn't understand relationship '{}' in field path. If you are attempting to use a \
             custom relationship, be sure to append the '__r' after the custom relationship \
             name. Please reference your WSDL or the describe call for the appropriate names.",
            name.name
        ))
    })
}

/// The word SOQL uses for a field's type in filter errors.
fn type_word(field: &FieldDef) -> &'static str {
    match field.ty {
        FieldType::Id | FieldType::Reference => "id",
        FieldType::Boolean => "boolean",
        FieldType::Int => "integer",
        FieldType::Double | FieldType::Decimal | FieldType::Currency => "double",
        FieldType::Date => "date",
        FieldType::DateTime => "dateTime",
        _ => "string",
    }
}

fn filter_type_error(field: &FieldDef) -> QueryError {
    let quotes = if field.is_text() {
        "should be enclosed"
    } else {
        "should not be enclosed"
    };
    QueryError::Invalid(format!(
        "value of filter criterion for field '{}' must be of type {} and {quotes} in quotes",
        field.name,
        type_word(field)
    ))
}

fn literal_value(field: &FieldDef, literal: &Literal) -> Result<Value, QueryError> {
    let value = match (literal, field.ty) {
        (Literal::Null, _) => Value::Null,
        (Literal::String(s), FieldType::Id | FieldType::Reference) => Value::Text(id_text(s)?),
        (Literal::String(s), _) if field.is_text() => Value::Text(s.clone()),
        (Literal::Bool(b), FieldType::Boolean) => Value::Integer(i64::from(*b)),
        (Literal::Integer(n), FieldType::Int | FieldType::Double) => Value::Integer(i64::from(*n)),
        (Literal::Long(n), FieldType::Int | FieldType::Double) => Value::Integer(*n),
        (Literal::Integer(n), FieldType::Decimal | FieldType::Currency) => {
            Value::Integer(i64::from(*n))
        }
        (Literal::Long(n), FieldType::Decimal | FieldType::Currency) => Value::Integer(*n),
        (Literal::Decimal(s), FieldType::Double | FieldType::Decimal | FieldType::Currency) => {
            Value::Real(s.parse::<f64>().map_err(|_| filter_type_error(field))?)
        }
        (Literal::Double(d), FieldType::Double | FieldType::Decimal | FieldType::Currency) => {
            Value::Real(*d)
        }
        _ => return Err(filter_type_error(field)),
    };
    Ok(value)
}

/// A written-out date for a Date field, a datetime for a Datetime field,
/// as the stored text; anything else is the platform's type error.
fn written_value(field: &FieldDef, written: WrittenDate) -> Result<Value, QueryError> {
    match (written, field.ty) {
        (WrittenDate::Date(d), FieldType::Date) => {
            Ok(Value::Text(d.format("%Y-%m-%d").to_string()))
        }
        (WrittenDate::DateTime(d), FieldType::DateTime) => {
            Ok(Value::Text(d.format("%Y-%m-%d %H:%M:%S%.3f").to_string()))
        }
        _ => Err(filter_type_error(field)),
    }
}

/// An Id written as text: 15 or 18 characters, any case for 18.
fn id_text(text: &str) -> Result<String, QueryError> {
    Id::parse(text)
        .map(|id| id.as_str().to_owned())
        .ok_or_else(|| QueryError::Invalid(format!("invalid ID field: {text}")))
}

fn bind_value(field: &FieldDef, value: &FieldValue) -> Result<Value, QueryError> {
    match (value, field.is_id()) {
        (FieldValue::Text(s), true) => Ok(Value::Text(id_text(s)?)),
        (FieldValue::Id(id), false) => Ok(Value::Text(id.to_string())),
        _ => Ok(to_sql(value)),
    }
}
