//! `UserInfo`, `Limits` and the clock: what a script can ask about where it runs.

use chrono::Utc;

use super::{Builtin, Context, Signature, sig};
use crate::check::types::Type;
use crate::data::limits;
use crate::interp::value::Value;

/// Methods answered from the org, the transaction or the clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Info {
    /// `UserInfo.getUserId()`
    UserId,
    /// `UserInfo.getUserName()`
    UserName,
    /// `UserInfo.getProfileId()`
    ProfileId,
    /// `Limits.getDmlStatements()`
    DmlStatements,
    /// `Limits.getLimitDmlStatements()`
    LimitDmlStatements,
    /// `Limits.getDmlRows()`
    DmlRows,
    /// `Limits.getLimitDmlRows()`
    LimitDmlRows,
    /// `Limits.getQueries()`
    Queries,
    /// `Limits.getLimitQueries()`
    LimitQueries,
    /// `Limits.getQueryRows()`
    QueryRows,
    /// `Limits.getLimitQueryRows()`
    LimitQueryRows,
    /// `Limits.getCpuTime()`: milliseconds of CPU time the running thread
    /// has used since the transaction (or `Test.startTest()`) began, as
    /// the CPU limit counts it.
    CpuTime,
    /// `Limits.getLimitCpuTime()`: the CPU limit in milliseconds
    /// (`--cpu-limit-ms`, 10,000 by default as on the platform).
    LimitCpuTime,
    /// `System.now()` / `Datetime.now()`
    Now,
    /// `System.today()` / `Date.today()`
    Today,
}

pub(super) fn resolve(class: &str, method: &str, args: &[Type]) -> Option<Signature> {
    if !args.is_empty() {
        return None;
    }
    let (info, ret) = match (class, method) {
        ("userinfo", "getuserid") => (Info::UserId, Type::Id),
        ("userinfo", "getusername") => (Info::UserName, Type::String),
        ("userinfo", "getprofileid") => (Info::ProfileId, Type::Id),
        ("limits", "getdmlstatements") => (Info::DmlStatements, Type::Integer),
        ("limits", "getlimitdmlstatements") => (Info::LimitDmlStatements, Type::Integer),
        ("limits", "getdmlrows") => (Info::DmlRows, Type::Integer),
        ("limits", "getlimitdmlrows") => (Info::LimitDmlRows, Type::Integer),
        ("limits", "getqueries") => (Info::Queries, Type::Integer),
        ("limits", "getlimitqueries") => (Info::LimitQueries, Type::Integer),
        ("limits", "getqueryrows") => (Info::QueryRows, Type::Integer),
        ("limits", "getlimitqueryrows") => (Info::LimitQueryRows, Type::Integer),
        ("limits", "getcputime") => (Info::CpuTime, Type::Integer),
        ("limits", "getlimitcputime") => (Info::LimitCpuTime, Type::Integer),
        ("system" | "datetime", "now") => (Info::Now, Type::Datetime),
        ("system" | "date", "today") => (Info::Today, Type::Date),
        _ => return None,
    };
    sig(Builtin::Info(info), vec![], ret)
}

pub(super) fn call(info: Info, cx: &Context<'_>) -> Value {
    let count = |n: u32| Value::Int(i32::try_from(n).unwrap_or(i32::MAX));
    let used = cx.org.limits();
    match info {
        Info::UserId => Value::Id(cx.org.running_user().id),
        Info::UserName => Value::string(&cx.org.running_user().username),
        Info::ProfileId => Value::Id(cx.org.running_user().profile_id),
        Info::DmlStatements => count(used.dml_statements),
        Info::LimitDmlStatements => count(limits::DML_STATEMENTS),
        Info::DmlRows => count(used.dml_rows),
        Info::LimitDmlRows => count(limits::DML_ROWS),
        Info::Queries => count(used.queries),
        Info::LimitQueries => count(limits::SOQL_QUERIES),
        Info::QueryRows => count(used.query_rows),
        Info::LimitQueryRows => count(limits::QUERY_ROWS),
        Info::CpuTime => {
            let left = cx.cpu_deadline - crate::interp::clock::CpuInstant::now();
            millis(cx.cpu_limit.saturating_sub(left))
        }
        Info::LimitCpuTime => millis(cx.cpu_limit),
        Info::Now => Value::Datetime(Utc::now().naive_utc()),
        Info::Today => Value::Date(super::datetime::today(cx)),
    }
}

fn millis(d: std::time::Duration) -> Value {
    Value::Int(i32::try_from(d.as_millis()).unwrap_or(i32::MAX))
}
