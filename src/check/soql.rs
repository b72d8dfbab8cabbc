//! Checking inline SOQL: the object and fields exist, binds are typed.
//! `Database.query` and `Database.countQuery` keep the locals in scope, so
//! the binds of a text only known when it runs can be read.

use std::collections::HashMap;
use std::rc::Rc;

use super::ir::{Expr, ExprKind};
use super::types::{Native, Type};
use super::{Checked, Checker};
use crate::data::schema::{FieldDef, FieldType};
use crate::data::schema::{ObjectDef, child_relationship, schema};
use crate::data::soql::semi;
use crate::syntax::ast::{self, SoqlCond, SoqlOp, SoqlQuery, SoqlSelect, SoqlValue};
use crate::syntax::source::Span;

impl Checker {
    pub(super) fn soql(&mut self, q: &SoqlQuery, span: &Span) -> Checked<Expr> {
        let Some(object) = schema().object(q.from.name.folded()) else {
            let msg = format!("sObject type '{}' is not supported.", q.from.name);
            return Err(self.error(msg, &q.from.span, "unknown object"));
        };
        let mut count = false;
        // Binds in source order: child subqueries come first.
        let mut binds = Vec::new();
        let mut aggregated = !q.group_by.is_empty();
        for item in &q.select {
            match item {
                SoqlSelect::Field(path) => self.soql_field(object, path)?,
                SoqlSelect::Count(_) => count = true,
                SoqlSelect::Aggregate(a) => {
                    aggregated = true;
                    self.soql_field(object, &a.field)?;
                }
                SoqlSelect::Subquery(sub) => self.subquery(object, sub, &mut binds)?,
            }
        }
        for path in &q.group_by {
            self.soql_field(object, path)?;
        }
        if count && q.select.len() > 1 {
            let msg = "COUNT() must be the only element in the SELECT list";
            return Err(self.error(msg, &q.span, "mixes COUNT() with fields"));
        }
        if let Some(span) = q.filter.as_ref().and_then(aggregate_in) {
            let msg = "Aggregate functions are not allowed in WHERE; use HAVING";
            return Err(self.error(msg, span, "aggregate in WHERE"));
        }
        if let Some(msg) = q.filter.as_ref().and_then(semi::or_error) {
            return Err(self.error(msg, &q.span, "OR with a semi-join"));
        }
        for cond in q.filter.iter().chain(&q.having) {
            self.soql_cond(object, cond, &mut binds)?;
        }
        for item in &q.order_by {
            self.soql_field(object, &item.field)?;
            if item.func.is_some() && !aggregated {
                // A guess at the wording: the platform refuses it.
                let msg = "An aggregate in ORDER BY needs an aggregate query (GROUP BY)";
                return Err(self.error(msg, &q.span, "aggregate in ORDER BY"));
            }
        }
        for value in q.limit.iter().chain(q.offset.iter()) {
            self.soql_value(value, &mut binds)?;
        }
        let ty = if count {
            Type::Integer
        } else if aggregated {
            Type::List(Box::new(Type::Native(Native::AggregateResult)))
        } else {
            Type::List(Box::new(Type::SObject(Some(object))))
        };
        let kind = ExprKind::Soql {
            query: Rc::new(q.clone()),
            binds,
            count,
        };
        Ok(Expr {
            kind,
            ty,
            span: span.clone(),
        })
    }

    fn soql_field(&mut self, object: &'static ObjectDef, path: &[ast::Ident]) -> Checked<()> {
        match path {
            [field] if object.field_index(field.name.folded()).is_some() => Ok(()),
            [field] => {
                let msg = format!(
                    "No such column '{}' on entity '{}'. If you are attempting to use a custom \
                     field, be sure to append the '__c' after the custom field name. Please \
                     reference your WSDL or the describe call for the appropriate names.",
                    field.name, object.name
                );
                Err(self.error(msg, &field.span, "no such field"))
            }
            [first, .., last] => {
                let mut current: &'static ObjectDef = object;
                for step in &path[..path.len() - 1] {
                    match super::expr::relationship(current, step.name.as_str()) {
                        Some((_, parent)) => current = parent,
                        None => {
                            let span = first.span.start..last.span.end;
                            let msg = format!(
                                "Didn't understand relationship '{}' in field path",
                                step.name
                            );
                            return Err(self.error(msg, &span, "no such relationship"));
                        }
                    }
                }
                self.soql_field(current, std::slice::from_ref(last))
            }
            [] => Ok(()),
        }
    }

    /// Checks a condition, collecting bind expressions in source order.
    fn soql_cond(
        &mut self,
        object: &'static ObjectDef,
        cond: &SoqlCond,
        binds: &mut Vec<Expr>,
    ) -> Checked<()> {
        match cond {
            SoqlCond::And(a, b) | SoqlCond::Or(a, b) => {
                self.soql_cond(object, a, binds)?;
                self.soql_cond(object, b, binds)
            }
            SoqlCond::Not(a) => self.soql_cond(object, a, binds),
            SoqlCond::Compare {
                field,
                value: SoqlValue::SemiJoin(sub),
                ..
            } => {
                self.soql_field(object, field)?;
                self.semi_join(object, field, sub, binds)
            }
            SoqlCond::Compare {
                func,
                field,
                op,
                value,
                span,
            } => {
                self.soql_field(object, field)?;
                let def = crate::data::soql::path_def(object, field).ok();
                if matches!(op, SoqlOp::Includes | SoqlOp::Excludes)
                    && def.is_some_and(|d| d.ty != FieldType::MultiPicklist)
                {
                    let msg = crate::data::soql::INCLUDES_ON_OTHER;
                    return Err(self.error(msg, span, "not a multi-select picklist"));
                }
                let first = binds.len();
                self.soql_value(value, binds)?;
                match (def, func, binds.get(first)) {
                    (Some(def), None, Some(bind)) => self.bind_fits(def, bind),
                    _ => Ok(()),
                }
            }
        }
    }

    /// `field IN (SELECT ...)`: the platform's restrictions, then the
    /// subquery's own condition on its object.
    fn semi_join(
        &mut self,
        object: &'static ObjectDef,
        path: &[ast::Ident],
        sub: &SoqlQuery,
        binds: &mut Vec<Expr>,
    ) -> Checked<()> {
        let checked =
            crate::data::soql::path_def(object, path).and_then(|left| semi::check(left, sub));
        let inner = match checked {
            Ok((inner, _)) => inner,
            Err(msg) => return Err(self.error(msg, &sub.span, "semi-join")),
        };
        match &sub.filter {
            Some(cond) => self.soql_cond(inner, cond, binds),
            None => Ok(()),
        }
    }

    fn soql_value(&mut self, value: &SoqlValue, binds: &mut Vec<Expr>) -> Checked<()> {
        match value {
            SoqlValue::Literal(..)
            | SoqlValue::Date(..)
            | SoqlValue::Written(..)
            | SoqlValue::SemiJoin(_) => Ok(()),
            SoqlValue::List(items, _) => items.iter().try_for_each(|v| self.soql_value(v, binds)),
            SoqlValue::Bind(e) => {
                binds.push(self.expr(e)?);
                Ok(())
            }
        }
    }
}

impl Checker {
    /// A bind's type must suit the field it is compared with, as the
    /// platform checks when the code compiles: `CreatedDate > :someString`
    /// is refused. A list or set binds its elements; `Object` is checked
    /// when the query runs.
    fn bind_fits(&mut self, def: &FieldDef, bind: &Expr) -> Checked<()> {
        let ty = match &bind.ty {
            Type::List(inner) | Type::Set(inner) => inner.as_ref(),
            other => other,
        };
        let fits = match (def.ty, ty) {
            (_, Type::Object | Type::Null) => true,
            (FieldType::Id | FieldType::Reference, t) => {
                matches!(t, Type::Id | Type::String | Type::SObject(_))
            }
            (FieldType::Boolean, t) => *t == Type::Boolean,
            (FieldType::Int | FieldType::Double | FieldType::Decimal | FieldType::Currency, t) => {
                matches!(t, Type::Integer | Type::Long | Type::Double | Type::Decimal)
            }
            (FieldType::Date, t) => *t == Type::Date,
            // A Date bind compares with a Datetime field from midnight UTC.
            (FieldType::DateTime, t) => matches!(t, Type::Datetime | Type::Date),
            (_, t) => matches!(t, Type::String | Type::Id),
        };
        if fits {
            return Ok(());
        }
        let msg = format!(
            "Invalid bind expression type of {} for column of type {}",
            bind.ty,
            Type::of_field(def.ty)
        );
        Err(self.error(msg, &bind.span, "bind type"))
    }
}

/// The first comparison of a condition with an aggregate on its left.
fn aggregate_in(cond: &SoqlCond) -> Option<&Span> {
    match cond {
        SoqlCond::And(a, b) | SoqlCond::Or(a, b) => aggregate_in(a).or_else(|| aggregate_in(b)),
        SoqlCond::Not(a) => aggregate_in(a),
        SoqlCond::Compare {
            func: Some(_),
            span,
            ..
        } => Some(span),
        SoqlCond::Compare { .. } => None,
    }
}

impl Checker {
    /// `(SELECT LastName FROM Contacts WHERE LastName = :n)`: the
    /// relationship and the child object's fields exist; binds join the
    /// query's own, in source order.
    fn subquery(
        &mut self,
        parent: &'static ObjectDef,
        sub: &SoqlQuery,
        binds: &mut Vec<Expr>,
    ) -> Checked<()> {
        let Some(relationship) = child_relationship(parent, sub.from.name.folded()) else {
            let msg = format!(
                "Didn't understand relationship '{}' in FROM part of query call",
                sub.from.name
            );
            return Err(self.error(msg, &sub.from.span, "no such child relationship"));
        };
        let child = relationship.child;
        for item in &sub.select {
            match item {
                SoqlSelect::Field(path) => self.soql_field(child, path)?,
                _ => {
                    let msg = "apexlite supports only fields in a child subquery";
                    return Err(self.error(msg, &sub.span, "not a field"));
                }
            }
        }
        for item in &sub.order_by {
            self.soql_field(child, &item.field)?;
        }
        if let Some(cond) = &sub.filter {
            self.soql_cond(child, cond, binds)?;
        }
        if let Some(limit) = &sub.limit {
            self.soql_value(limit, binds)?;
        }
        Ok(())
    }

    /// `Database.query(text)` and `Database.countQuery(text)`; `None` for
    /// any other call.
    pub(super) fn dynamic_soql(
        &mut self,
        class: &ast::Ident,
        method: &ast::Ident,
        args: &[ast::Expr],
        span: &Span,
    ) -> Option<Checked<Expr>> {
        let count = match (class.name.folded(), method.name.folded(), args) {
            ("database", "query", [_]) => false,
            ("database", "countquery", [_]) => true,
            _ => return None,
        };
        Some(self.dynamic_query(&args[0], count, span))
    }

    fn dynamic_query(&mut self, text: &ast::Expr, count: bool, span: &Span) -> Checked<Expr> {
        let text = self.expr_as(text, &Type::String)?;
        let mut scope = HashMap::new();
        for level in &self.scopes {
            for (name, local) in level {
                scope.insert(name.folded().to_owned(), local.slot);
            }
        }
        let ty = if count {
            Type::Integer
        } else {
            Type::List(Box::new(Type::SObject(None)))
        };
        let kind = ExprKind::DynamicSoql {
            text: Box::new(text),
            scope: Rc::new(scope),
            count,
            row: None,
        };
        Ok(Expr {
            kind,
            ty,
            span: span.clone(),
        })
    }
}
