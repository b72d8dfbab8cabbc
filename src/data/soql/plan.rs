//! The shape of a query's result: the columns to read, the `LEFT JOIN`s that
//! relationship paths (`Profile.Name`, `Contact.Account.Name`) need, and how
//! each row becomes a record with its parent records.
//!
//! The queried object is aliased `t0`, each joined parent `t1`, `t2`, ...

use std::collections::HashSet;
use std::fmt::Write as _;

use rusqlite::Row;

use super::{QueryError, no_such_column, path_text, relationship, resolve_field};
use crate::data::record::Record;
use crate::data::schema::ObjectDef;
use crate::data::store::from_sql;
use crate::syntax::ast::{Ident, SoqlOrder, SoqlSelect};

/// One parent object joined in.
struct Join {
    /// The alias number of the row it hangs from.
    from: usize,
    /// The reference field on that row (`ProfileId`).
    reference: &'static str,
    /// The reference field's index on its object.
    reference_index: usize,
    /// The parent object.
    object: &'static ObjectDef,
}

/// One column read from the result.
struct Column {
    alias: usize,
    object: &'static ObjectDef,
    field: usize,
    /// The joins from the queried object down to this column's object.
    chain: Vec<usize>,
}

/// The columns and joins of one query.
pub(super) struct Plan {
    base: &'static ObjectDef,
    /// Joins, numbered from 1 (alias `t<n>` is `joins[n - 1]`).
    joins: Vec<Join>,
    columns: Vec<Column>,
    selected: HashSet<String>,
    /// True for an aggregate query, whose `ORDER BY` may name aggregates.
    pub(super) aggregated: bool,
}

impl Plan {
    /// A plan reading only the queried object's Id.
    pub(super) fn new(base: &'static ObjectDef) -> Plan {
        let id = Column {
            alias: 0,
            object: base,
            field: 0,
            chain: Vec::new(),
        };
        Plan {
            base,
            joins: Vec::new(),
            columns: vec![id],
            selected: HashSet::new(),
            aggregated: false,
        }
    }

    /// Adds the SELECT list; false for `COUNT()`, which reads no columns.
    pub(super) fn select(&mut self, items: &[SoqlSelect]) -> Result<bool, QueryError> {
        if items.iter().any(|s| matches!(s, SoqlSelect::Count(_))) {
            if items.len() > 1 {
                let message = "COUNT() cannot be used with other fields in the SELECT list";
                return Err(QueryError::Invalid(message.into()));
            }
            return Ok(false);
        }
        for item in items {
            if let SoqlSelect::Field(path) = item {
                self.select_path(path)?;
            }
        }
        Ok(true)
    }

    fn select_path(&mut self, path: &[Ident]) -> Result<(), QueryError> {
        let (chain, object, field) = self.resolve(path)?;
        let key = path_text(path).to_ascii_lowercase();
        if !self.selected.insert(key) {
            let mut parts: Vec<&str> = chain
                .iter()
                .map(|&a| {
                    let reference = self.joins[a - 1].reference;
                    reference.strip_suffix("Id").unwrap_or(reference)
                })
                .collect();
            parts.push(object.fields[field].name);
            let shown = parts.join(".");
            return Err(QueryError::Invalid(format!(
                "duplicate field selected: {shown}"
            )));
        }
        // Each parent's Id is read first: a null one means no parent record.
        for n in 1..=chain.len() {
            let alias = chain[n - 1];
            let joined = self.joins[alias - 1].object;
            self.add_column(Column {
                alias,
                object: joined,
                field: 0,
                chain: chain[..n].to_vec(),
            });
        }
        let alias = chain.last().copied().unwrap_or(0);
        self.add_column(Column {
            alias,
            object,
            field,
            chain,
        });
        Ok(())
    }

    fn add_column(&mut self, column: Column) {
        let known = self
            .columns
            .iter()
            .any(|c| c.alias == column.alias && c.field == column.field);
        if !known {
            self.columns.push(column);
        }
    }

    /// The joins a path goes through (creating them), its object and field.
    pub(super) fn resolve(
        &mut self,
        path: &[Ident],
    ) -> Result<(Vec<usize>, &'static ObjectDef, usize), QueryError> {
        let Some((last, parents)) = path.split_last() else {
            return Err(no_such_column("", self.base));
        };
        let mut chain = Vec::new();
        let (mut alias, mut object) = (0, self.base);
        for name in parents {
            let (reference, parent) = relationship(object, name)?;
            let reference_index = object.field_index(reference.name).unwrap_or(0);
            alias = self.join(alias, reference.name, reference_index, parent);
            chain.push(alias);
            object = parent;
        }
        let field = resolve_field(object, last)?;
        Ok((chain, object, field))
    }

    fn join(
        &mut self,
        from: usize,
        reference: &'static str,
        reference_index: usize,
        object: &'static ObjectDef,
    ) -> usize {
        let existing = self
            .joins
            .iter()
            .position(|j| j.from == from && j.reference == reference);
        if let Some(i) = existing {
            return i + 1;
        }
        self.joins.push(Join {
            from,
            reference,
            reference_index,
            object,
        });
        self.joins.len()
    }

    /// The `ORDER BY` clause (empty when there is none).
    pub(super) fn order_by(&mut self, items: &[SoqlOrder]) -> Result<String, QueryError> {
        let mut out = String::new();
        for (n, item) in items.iter().enumerate() {
            let (chain, object, field) = self.resolve(&item.field)?;
            let alias = chain.last().copied().unwrap_or(0);
            let direction = if item.descending { "DESC" } else { "ASC" };
            // SOQL puts nulls first when ascending and last when descending.
            let nulls_first = item.nulls_first.unwrap_or(!item.descending);
            let nulls = if nulls_first { "FIRST" } else { "LAST" };
            let sep = if n == 0 { " ORDER BY " } else { ", " };
            let def = &object.fields[field];
            let column = format!("t{alias}.\"{}\"", def.name);
            let target = match item.func {
                Some(func) if self.aggregated => super::aggregate::apply(func, &column, def).0,
                Some(_) => {
                    // A guess at the wording: the platform refuses it.
                    let msg = "An aggregate in ORDER BY needs an aggregate query (GROUP BY)";
                    return Err(QueryError::Invalid(msg.into()));
                }
                None => column,
            };
            let _ = write!(out, "{sep}{target} {direction} NULLS {nulls}");
        }
        Ok(out)
    }

    /// `t0."Id", t1."Name", ...`
    pub(super) fn select_list(&self) -> String {
        let names: Vec<String> = self
            .columns
            .iter()
            .map(|c| format!("t{}.\"{}\"", c.alias, c.object.fields[c.field].name))
            .collect();
        names.join(", ")
    }

    /// `"User" t0 LEFT JOIN "Profile" t1 ON t1."Id" = t0."ProfileId" ...`
    pub(super) fn tables(&self) -> String {
        let mut out = format!("\"{}\" t0", self.base.name);
        for (i, join) in self.joins.iter().enumerate() {
            let _ = write!(
                out,
                " LEFT JOIN \"{}\" t{} ON t{}.\"Id\" = t{}.\"{}\"",
                join.object.name,
                i + 1,
                i + 1,
                join.from,
                join.reference
            );
        }
        out
    }

    /// One result row as a queried record, parents nested.
    pub(super) fn read(&self, row: &Row<'_>) -> Result<Record, QueryError> {
        let mut record = Record::new(self.base);
        record.queried = true;
        let mut absent: HashSet<usize> = HashSet::new();
        for (n, column) in self.columns.iter().enumerate() {
            if column.chain.iter().any(|a| absent.contains(a)) {
                continue;
            }
            let value = from_sql(&column.object.fields[column.field], row.get_ref(n)?)?;
            if column.alias != 0 && column.field == 0 {
                // A parent's Id fills in the reference field that leads to
                // it, as the platform does; without a parent the reference
                // reads as null (`c.Account` is null, not an unqueried field).
                let join = &self.joins[column.alias - 1];
                let mut holder = &mut record;
                for &alias in &column.chain[..column.chain.len().saturating_sub(1)] {
                    let outer = &self.joins[alias - 1];
                    holder = holder.parent_entry(outer.reference_index, outer.object);
                }
                if holder.get(join.reference_index).is_none() {
                    holder.set(join.reference_index, value.clone());
                }
                if value.is_null() {
                    absent.insert(column.alias);
                    continue;
                }
            }
            let mut target = &mut record;
            for &alias in &column.chain {
                let join = &self.joins[alias - 1];
                target = target.parent_entry(join.reference_index, join.object);
            }
            target.set(column.field, value);
        }
        Ok(record)
    }
}
