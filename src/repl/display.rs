//! How the REPL prints values: a record as a table of its fields, a list of
//! records as a table with a column per field, anything else as
//! `System.debug` prints it.

use crate::data::record::Record;
use crate::interp::value::Value;

/// The text printed for a bare expression's value, ending in a newline.
pub fn show(value: &Value) -> String {
    match value {
        Value::SObject(rec) => record_table(&rec.borrow()),
        Value::List(items) => {
            let items = items.borrow();
            let records: Option<Vec<_>> = items
                .iter()
                .map(|v| match v {
                    Value::SObject(rec) => Some(rec.clone()),
                    _ => None,
                })
                .collect();
            match records {
                Some(records) if !records.is_empty() => {
                    let borrowed: Vec<_> = records.iter().map(|r| r.borrow()).collect();
                    let refs: Vec<&Record> = borrowed.iter().map(|r| &**r).collect();
                    records_table(&refs)
                }
                _ => format!("{value}\n"),
            }
        }
        other => format!("{other}\n"),
    }
}

/// One record: its object's name, then a line per field that is set
/// (parent fields as `Profile.Name`), in schema order.
fn record_table(rec: &Record) -> String {
    let rows: Vec<Vec<String>> = fields(rec)
        .into_iter()
        .map(|(name, value)| vec![name, value])
        .collect();
    let mut out = format!("{}\n", rec.object.name);
    for line in table(&[], &rows).lines() {
        out.push_str("  ");
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Records as a table: a column for every field any of them has set, in
/// the order first met, then a count.
fn records_table(records: &[&Record]) -> String {
    let per_record: Vec<Vec<(String, String)>> = records.iter().map(|r| fields(r)).collect();
    let mut columns: Vec<String> = Vec::new();
    for (name, _) in per_record.iter().flatten() {
        if !columns.contains(name) {
            columns.push(name.clone());
        }
    }
    let rows: Vec<Vec<String>> = per_record
        .iter()
        .map(|fields| {
            columns
                .iter()
                .map(|c| {
                    let found = fields.iter().find(|(name, _)| name == c);
                    found.map(|(_, v)| v.clone()).unwrap_or_default()
                })
                .collect()
        })
        .collect();
    let noun = if records.len() == 1 {
        "record"
    } else {
        "records"
    };
    format!("{}{} {noun}\n", table(&columns, &rows), records.len())
}

/// The fields set on a record and on the parents loaded with it.
fn fields(rec: &Record) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = rec
        .set_fields()
        .map(|(i, v)| {
            let name = rec.object.fields[i].name.to_string();
            (name, Value::from_field(v).to_string())
        })
        .collect();
    for (index, parent) in rec.parents() {
        let Some(relationship) = rec.object.fields[index].relationship_name() else {
            continue;
        };
        for (name, value) in fields(parent) {
            out.push((format!("{relationship}.{name}"), value));
        }
    }
    out
}

/// Aligned columns two spaces apart, the header first when there is one;
/// trailing spaces trimmed.
pub fn table(header: &[String], rows: &[Vec<String>]) -> String {
    let mut lines: Vec<&[String]> = Vec::with_capacity(rows.len() + 1);
    if !header.is_empty() {
        lines.push(header);
    }
    lines.extend(rows.iter().map(Vec::as_slice));
    let columns = lines.iter().map(|l| l.len()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            let width = |l: &&[String]| l.get(i).map_or(0, |c| c.chars().count());
            lines.iter().map(width).max().unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for line in lines {
        let cells: Vec<String> = line
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}
