//! Helpers for the data layer's tests: seeded orgs, valid records, and SOQL
//! queries built by hand (the parser lives elsewhere).

use crate::data::id::Id;
use crate::data::record::{FieldValue, Record};
use crate::data::schema::schema;
use crate::org::{DmlError, Org, RowResult};
use crate::syntax::ast::{
    DmlOp, Expr, ExprKind, Ident, Literal, Name, SoqlCond, SoqlOp, SoqlOrder, SoqlQuery,
    SoqlSelect, SoqlValue,
};

/// A fresh seeded org in memory.
pub fn org() -> Org {
    Org::open_in_memory().expect("in-memory org")
}

/// The Id of the profile with this name.
pub fn profile(org: &Org, name: &str) -> Id {
    id_where(org, "Profile", "Name", name)
}

/// The Id of the first record of `object` whose `field` equals `value`.
pub fn id_where(org: &Org, object: &str, field: &str, value: &str) -> Id {
    let sql = format!("SELECT \"Id\" FROM \"{object}\" WHERE \"{field}\" = ?1");
    let id: String = org
        .store()
        .conn()
        .query_row(&sql, [value], |r| r.get(0))
        .expect("record exists");
    Id::parse(&id).expect("stored Id")
}

/// An integer column of one record, read straight from SQL.
pub fn int_where(org: &Org, object: &str, column: &str, field: &str, value: &str) -> i64 {
    let sql = format!("SELECT \"{column}\" FROM \"{object}\" WHERE \"{field}\" = ?1");
    org.store()
        .conn()
        .query_row(&sql, [value], |r| r.get(0))
        .expect("record exists")
}

/// The seats used on a license.
pub fn used(org: &Org, license: &str) -> i64 {
    int_where(org, "UserLicense", "UsedLicenses", "Name", license)
}

/// A record of `object` with the given text or Id values (Ids are parsed).
pub fn record(object: &str, values: &[(&str, &str)]) -> Record {
    let mut record = Record::new(schema().object(object).expect("object"));
    for (name, value) in values {
        let value = match Id::parse(value) {
            Some(id) if name.ends_with("Id") => FieldValue::Id(id),
            _ => FieldValue::Text((*value).into()),
        };
        assert!(record.set_by_name(name, value), "{object}.{name}");
    }
    record
}

/// A valid user on the named profile; `tag` makes username and nickname unique.
pub fn user(org: &Org, profile_name: &str, tag: &str) -> Record {
    let profile = profile(org, profile_name);
    let username = format!("{tag}@example.com.t");
    let mut u = record(
        "User",
        &[
            ("LastName", "Doe"),
            ("Email", "jd@x.com"),
            ("Alias", "jane"),
            ("Username", &username),
            ("CommunityNickname", tag),
            ("LocaleSidKey", "en_US"),
            ("TimeZoneSidKey", "GMT"),
            ("LanguageLocaleKey", "en_US"),
            ("EmailEncodingKey", "UTF-8"),
        ],
    );
    u.set_by_name("ProfileId", FieldValue::Id(profile));
    u
}

/// Runs DML, expecting no org failure.
pub fn run(org: &mut Org, op: DmlOp, records: &mut [Record], all_or_none: bool) -> Vec<RowResult> {
    org.dml(op, records, all_or_none).expect("dml runs")
}

/// Inserts one record all-or-none; returns its only result.
pub fn insert_one(org: &mut Org, record: &mut Record) -> RowResult {
    let mut rows = run(org, DmlOp::Insert, std::slice::from_mut(record), true);
    rows.remove(0)
}

/// The first error of a result, rendered as in a `DmlException` message.
pub fn first_error(result: &RowResult) -> String {
    result
        .errors
        .first()
        .map(DmlError::render)
        .unwrap_or_else(|| "success".into())
}

/// An identifier at a made-up position.
pub fn ident(name: &str) -> Ident {
    Ident {
        name: Name::new(name),
        span: 0..0,
    }
}

/// A dotted field path.
pub fn path(dotted: &str) -> Vec<Ident> {
    dotted.split('.').map(ident).collect()
}

/// `SELECT fields FROM object`.
pub fn select(fields: &[&str], from: &str) -> SoqlQuery {
    let select = fields.iter().map(|f| SoqlSelect::Field(path(f))).collect();
    SoqlQuery::plain(select, ident(from), None, 0..0)
}

/// `SELECT COUNT() FROM object`.
pub fn count(from: &str) -> SoqlQuery {
    SoqlQuery {
        select: vec![SoqlSelect::Count(0..0)],
        ..select(&[], from)
    }
}

/// `field op value`.
pub fn cmp(field: &str, op: SoqlOp, value: SoqlValue) -> SoqlCond {
    SoqlCond::Compare {
        func: None,
        field: path(field),
        op,
        value,
        span: 0..0,
    }
}

/// `a AND b`.
pub fn and(a: SoqlCond, b: SoqlCond) -> SoqlCond {
    SoqlCond::And(Box::new(a), Box::new(b))
}

/// A string literal.
pub fn s(text: &str) -> SoqlValue {
    SoqlValue::Literal(Literal::String(text.into()), 0..0)
}

/// Any literal.
pub fn lit(literal: Literal) -> SoqlValue {
    SoqlValue::Literal(literal, 0..0)
}

/// `:x` written at byte `at` (binds are matched to values by position).
pub fn bind(at: usize) -> SoqlValue {
    SoqlValue::Bind(Box::new(Expr {
        kind: ExprKind::Name(ident("x")),
        span: at..at + 2,
    }))
}

/// An `ORDER BY` item.
pub fn order(field: &str, descending: bool, nulls_first: Option<bool>) -> SoqlOrder {
    SoqlOrder {
        func: None,
        field: path(field),
        descending,
        nulls_first,
    }
}
