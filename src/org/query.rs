//! `apexlite query`: a SOQL query run from the shell, its rows printed as a
//! table, CSV or JSON. Parent fields (`Profile.Name`) become dotted columns.
//! A child subquery becomes a column named after its relationship: the
//! number of child records in a table or CSV, the records themselves in
//! JSON (`{"totalSize": n, "done": true, "records": [...]}`, or null when
//! there are none, as the platform's REST API and CLI print them).

use crate::data::record::{FieldValue, Record};
use crate::data::schema::{ObjectDef, child_relationship};
use crate::org::{Org, OrgError, QueryError, QueryOutput};
use crate::syntax::ast::{SoqlQuery, SoqlSelect};
use crate::syntax::source::Diagnostic;

/// How query results are printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum QueryFormat {
    /// Aligned columns and a count of the records.
    #[default]
    Table,
    /// Comma-separated values with a header line.
    Csv,
    /// A JSON array of objects, one per record.
    Json,
}

/// Why a query from the shell produced no rows.
#[derive(Debug)]
pub enum QueryFailure {
    /// The text is not SOQL.
    Syntax(Vec<Diagnostic>),
    /// Valid SOQL the org refuses (an unknown field, a bind), as the
    /// `System.QueryException` message.
    Invalid(String),
    /// The org could not be read.
    Org(OrgError),
}

/// The selected columns and each record's cells.
pub type Rows = (Vec<String>, Vec<Vec<Cell>>);

/// One value of a printed record.
#[derive(Clone, Debug)]
pub enum Cell {
    /// A field's value (`None` for null).
    Value(Option<FieldValue>),
    /// The records of a child subquery, with the subquery's own columns.
    Children(Rows),
}

/// What one selected item prints.
enum Column {
    /// A field path (`Profile.Name`).
    Path(Vec<String>),
    /// A child subquery: its relationship as written and its field paths.
    Children(String, Vec<Vec<String>>),
}

/// Parses and runs one query against the org.
pub fn run(org: &mut Org, text: &str) -> Result<Rows, QueryFailure> {
    let query = crate::syntax::parse_soql(text).map_err(QueryFailure::Syntax)?;
    if !crate::data::soql::bind_exprs(&query).is_empty() {
        let msg = "Bind variables are not available in a query from the shell";
        return Err(QueryFailure::Invalid(msg.into()));
    }
    let output = org.query(&query, &[]).map_err(|e| match e {
        QueryError::Invalid(msg) => QueryFailure::Invalid(msg),
        QueryError::Org(e) => QueryFailure::Org(e),
    })?;
    let records = match output {
        QueryOutput::Count(n) => {
            let count = Cell::Value(Some(FieldValue::Long(n)));
            return Ok((vec!["COUNT()".into()], vec![vec![count]]));
        }
        QueryOutput::Aggregates { rows, .. } => return Ok(aggregate_rows(&query, rows)),
        QueryOutput::Rows(records) => records,
    };
    let parent = crate::data::schema::schema().object(query.from.name.as_str());
    let columns: Vec<Column> = query
        .select
        .iter()
        .filter_map(|item| column(item, parent))
        .collect();
    Ok(record_rows(&columns, &records))
}

/// The column a selected item prints, if any; a child relationship is
/// named as the platform spells it.
fn column(item: &SoqlSelect, parent: Option<&ObjectDef>) -> Option<Column> {
    let path = |p: &[crate::syntax::ast::Ident]| p.iter().map(|i| i.name.to_string()).collect();
    match item {
        SoqlSelect::Field(p) => Some(Column::Path(path(p))),
        SoqlSelect::Subquery(sub) => {
            let fields = sub
                .select
                .iter()
                .filter_map(|s| match s {
                    SoqlSelect::Field(p) => Some(path(p)),
                    _ => None,
                })
                .collect();
            let written = sub.from.name.as_str();
            let name = parent
                .and_then(|p| child_relationship(p, written))
                .map_or(written, |r| r.name);
            Some(Column::Children(name.to_owned(), fields))
        }
        SoqlSelect::Count(_) | SoqlSelect::Aggregate(_) => None,
    }
}

/// The records' cells under `columns`, child records nested.
fn record_rows(columns: &[Column], records: &[Record]) -> Rows {
    let names = columns
        .iter()
        .map(|c| match c {
            Column::Path(p) => p.join("."),
            Column::Children(name, _) => name.clone(),
        })
        .collect();
    let rows = records
        .iter()
        .map(|r| {
            columns
                .iter()
                .map(|c| match c {
                    Column::Path(p) => Cell::Value(value_at(r, p)),
                    Column::Children(name, fields) => {
                        let inner: Vec<Column> = fields.iter().cloned().map(Column::Path).collect();
                        Cell::Children(record_rows(&inner, r.children(name).unwrap_or(&[])))
                    }
                })
                .collect()
        })
        .collect();
    (names, rows)
}

/// An aggregate query's rows, its aliases as the columns.
fn aggregate_rows(query: &SoqlQuery, rows: Vec<Vec<(String, FieldValue)>>) -> Rows {
    let mut unnamed = 0;
    let columns = query
        .select
        .iter()
        .map(|item| match item {
            SoqlSelect::Aggregate(a) => a.alias.as_ref().map_or_else(
                || {
                    unnamed += 1;
                    format!("expr{}", unnamed - 1)
                },
                |alias| alias.name.to_string(),
            ),
            SoqlSelect::Field(path) => path.last().map(|p| p.name.to_string()).unwrap_or_default(),
            SoqlSelect::Count(_) | SoqlSelect::Subquery(_) => "COUNT()".into(),
        })
        .collect();
    let values = rows
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|(_, v)| Cell::Value(Some(v).filter(|v| !v.is_null())))
                .collect()
        })
        .collect();
    (columns, values)
}

/// A field of the record or of a parent loaded through relationships.
fn value_at(record: &Record, path: &[String]) -> Option<FieldValue> {
    match path {
        [field] => record.get_by_name(field).filter(|v| !v.is_null()).cloned(),
        [relationship, rest @ ..] => value_at(record.parent_by_relationship(relationship)?, rest),
        [] => None,
    }
}

/// Prints the rows in the chosen format.
pub fn render(rows: &Rows, format: QueryFormat) -> String {
    let (columns, records) = rows;
    match format {
        QueryFormat::Table => table(columns, records),
        QueryFormat::Csv => csv(columns, records),
        QueryFormat::Json => json(columns, records),
    }
}

/// A cell as text: the value, or the number of child records.
fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Value(v) => text(v),
        Cell::Children((_, records)) => records.len().to_string(),
    }
}

fn text(v: &Option<FieldValue>) -> String {
    match v {
        None => String::new(),
        Some(FieldValue::Null) => String::new(),
        Some(FieldValue::Bool(b)) => b.to_string(),
        Some(FieldValue::Int(i)) => i.to_string(),
        Some(FieldValue::Long(i)) => i.to_string(),
        Some(FieldValue::Double(d)) => d.to_string(),
        Some(FieldValue::Decimal(d)) => d.to_string(),
        Some(FieldValue::Text(s)) => s.to_string(),
        Some(FieldValue::Id(id)) => id.to_string(),
        Some(FieldValue::Date(d)) => d.format("%Y-%m-%d").to_string(),
        Some(FieldValue::DateTime(d)) => d.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
    }
}

fn table(columns: &[String], records: &[Vec<Cell>]) -> String {
    let cells: Vec<Vec<String>> = records
        .iter()
        .map(|r| r.iter().map(cell_text).collect())
        .collect();
    let widths: Vec<usize> = (0..columns.len())
        .map(|i| {
            let longest = cells
                .iter()
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0);
            longest.max(columns[i].chars().count())
        })
        .collect();
    let mut out = String::new();
    for row in std::iter::once(columns.to_vec()).chain(cells) {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    if columns != ["COUNT()"] {
        out.push_str(&format!(
            "Total number of records retrieved: {}.\n",
            records.len()
        ));
    }
    out
}

/// RFC 4180 quoting: fields with commas, quotes or line breaks are quoted.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv(columns: &[String], records: &[Vec<Cell>]) -> String {
    let mut out = String::new();
    let line = |cells: Vec<String>| {
        cells
            .iter()
            .map(|c| csv_field(c))
            .collect::<Vec<_>>()
            .join(",")
    };
    out.push_str(&line(columns.to_vec()));
    out.push('\n');
    for r in records {
        out.push_str(&line(r.iter().map(cell_text).collect()));
        out.push('\n');
    }
    out
}

fn json(columns: &[String], records: &[Vec<Cell>]) -> String {
    let rows = serde_json::Value::Array(json_records(columns, records));
    let mut out = serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".into());
    out.push('\n');
    out
}

/// Each record as a JSON object, keys in column order.
fn json_records(columns: &[String], records: &[Vec<Cell>]) -> Vec<serde_json::Value> {
    use serde_json::{Map, Value};
    records
        .iter()
        .map(|r| {
            let mut object = Map::new();
            for (column, cell) in columns.iter().zip(r) {
                object.insert(column.clone(), json_cell(cell));
            }
            Value::Object(object)
        })
        .collect()
}

fn json_cell(cell: &Cell) -> serde_json::Value {
    use serde_json::Value;
    match cell {
        Cell::Children((_, records)) if records.is_empty() => Value::Null,
        Cell::Children((columns, records)) => serde_json::json!({
            "totalSize": records.len(),
            "done": true,
            "records": json_records(columns, records),
        }),
        Cell::Value(None | Some(FieldValue::Null)) => Value::Null,
        Cell::Value(Some(FieldValue::Bool(b))) => Value::Bool(*b),
        Cell::Value(Some(FieldValue::Int(i))) => Value::from(*i),
        Cell::Value(Some(FieldValue::Long(i))) => Value::from(*i),
        Cell::Value(Some(FieldValue::Double(d))) => Value::from(*d),
        Cell::Value(other) => Value::String(text(other)),
    }
}
