//! `apexlite query`: a SOQL query run from the shell, its rows printed as a
//! table, CSV or JSON. Parent fields (`Profile.Name`) become dotted columns;
//! child subqueries run but their records are not printed.

use crate::data::record::{FieldValue, Record};
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

/// The selected columns and each record's values (`None` for null).
pub type Rows = (Vec<String>, Vec<Vec<Option<FieldValue>>>);

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
            let count = Some(FieldValue::Long(n));
            return Ok((vec!["COUNT()".into()], vec![vec![count]]));
        }
        QueryOutput::Aggregates { rows, .. } => return Ok(aggregate_rows(&query, rows)),
        QueryOutput::Rows(records) => records,
    };
    let paths: Vec<Vec<String>> = query
        .select
        .iter()
        .filter_map(|s| match s {
            SoqlSelect::Field(path) => Some(path.iter().map(|p| p.name.to_string()).collect()),
            SoqlSelect::Count(_) | SoqlSelect::Aggregate(_) | SoqlSelect::Subquery(_) => None,
        })
        .collect();
    let rows = records
        .iter()
        .map(|r| paths.iter().map(|p| value_at(r, p)).collect())
        .collect();
    Ok((paths.iter().map(|p| p.join(".")).collect(), rows))
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
                .map(|(_, v)| Some(v).filter(|v| !v.is_null()))
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

fn table(columns: &[String], records: &[Vec<Option<FieldValue>>]) -> String {
    let cells: Vec<Vec<String>> = records
        .iter()
        .map(|r| r.iter().map(text).collect())
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

fn csv(columns: &[String], records: &[Vec<Option<FieldValue>>]) -> String {
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
        out.push_str(&line(r.iter().map(text).collect()));
        out.push('\n');
    }
    out
}

fn json(columns: &[String], records: &[Vec<Option<FieldValue>>]) -> String {
    use serde_json::{Map, Value};
    let rows: Vec<Value> = records
        .iter()
        .map(|r| {
            let mut object = Map::new();
            for (column, v) in columns.iter().zip(r) {
                let value = match v {
                    None | Some(FieldValue::Null) => Value::Null,
                    Some(FieldValue::Bool(b)) => Value::Bool(*b),
                    Some(FieldValue::Int(i)) => Value::from(*i),
                    Some(FieldValue::Long(i)) => Value::from(*i),
                    Some(FieldValue::Double(d)) => Value::from(*d),
                    other => Value::String(text(other)),
                };
                object.insert(column.clone(), value);
            }
            Value::Object(object)
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".into());
    out.push('\n');
    out
}
