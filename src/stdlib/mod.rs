//! Built-in Apex classes and methods, one file per family.
//!
//! The checker asks [`static_method`] and [`instance_method`] for a call's
//! [`Signature`]; the interpreter evaluates the arguments and hands them to
//! [`call`].

mod collections;
mod database;
mod datetime;
mod exception;
mod json;
mod math;
mod numbers;
mod org_info;
mod string;
mod string_utils;
mod system;
mod test;

pub use database::{dml_results, records_of_ids};
pub use datetime::add_days;
pub use numbers::ROUNDING_MODES;
pub use test::TestMethod;

use std::io::Write;

use crate::org::Org;
use crate::syntax::source::SourceFile;

use crate::check::types::Type;
use crate::interp::eval::Eval;
use crate::interp::value::Value;
use crate::syntax::source::Span;

/// Built-in methods the checker resolves calls to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    /// `System.debug(value)`
    Debug,
    /// `System.assert(condition[, message])`
    Assert,
    /// `System.assertEquals(expected, actual[, message])`
    AssertEquals,
    /// `System.assertNotEquals(unexpected, actual[, message])`
    AssertNotEquals,
    /// `Math.mod(a, b)` on Integers
    ModInt,
    /// `Math.mod(a, b)` on Longs
    ModLong,
    /// `Integer.valueOf(text)`
    IntegerValueOf,
    /// `n.intValue()`, `n.longValue()` and friends.
    Number(math::Conversion),
    /// `String.valueOf(value)`
    StringValueOf,
    /// `String.isBlank(s)`
    IsBlank,
    /// `String.isNotBlank(s)`
    IsNotBlank,
    /// `String.isEmpty(s)`
    IsEmpty,
    /// `String.isNotEmpty(s)`
    IsNotEmpty,
    /// `String.join(list, separator)`
    Join,
    /// A `String` instance method.
    Str(string::Method),
    /// One of the less common `String` static methods.
    StrStatic(string::Static),
    /// A `Math` function or a numeric class's `valueOf`.
    NumStatic(numbers::Static),
    /// A Decimal, Double, Integer or Long instance method.
    NumMethod(numbers::Method),
    /// A `JSON` method.
    Json(json::Method),
    /// A `Date` or `Datetime` static method.
    DateStatic(datetime::Static),
    /// A `Date` or `Datetime` instance method.
    DateMethod(datetime::Method),
    /// A `List` instance method.
    List(collections::Method),
    /// A `Set` instance method.
    Set(collections::SetMethod),
    /// A `Map` instance method.
    Map(collections::MapMethod),
    /// `Database.insert(records[, allOrNone])` and the other DML methods.
    Dml(database::DmlCall),
    /// `Database.setSavepoint()`
    SetSavepoint,
    /// `Database.rollback(savepoint)`
    Rollback,
    /// A method of an exception object.
    Exception(exception::Method),
    /// A method of `Database.SaveResult` and the other results.
    Result(database::ResultMethod),
    /// A method of `Database.Error`.
    Error(database::ErrorMethod),
    /// `AggregateResult.get(alias)`
    AggregateGet,
    /// `UserInfo`, `Limits` and clock methods.
    Info(org_info::Info),
    /// `e.name()` on an enum constant.
    EnumName,
    /// `e.ordinal()` on an enum constant.
    EnumOrdinal,
    /// `Test.startTest()` and the other `Test` methods.
    Test(test::TestMethod),
    /// `Assert.areEqual(...)` and the other `Assert` methods.
    AssertClass(test::AssertMethod),
}

/// What built-ins may touch besides their arguments.
pub struct Context<'a> {
    /// Where `System.debug` writes.
    pub out: &'a mut dyn Write,
    /// The org, for `Database` methods.
    pub org: &'a mut Org,
    /// The script and class files, for line numbers in stack traces.
    pub sources: &'a [SourceFile],
    /// Lists and sets being walked by a for-each loop, by identity.
    pub iterating: &'a [usize],
    /// When the transaction's CPU time runs out, on the running thread's
    /// CPU clock (`Limits.getCpuTime()` is the limit less what is left).
    pub cpu_deadline: crate::interp::clock::CpuInstant,
    /// The transaction's CPU time limit (`Limits.getLimitCpuTime()`).
    pub cpu_limit: std::time::Duration,
}

/// What a built-in takes and returns.
#[derive(Debug)]
pub struct Signature {
    /// The method.
    pub builtin: Builtin,
    /// Parameter types, receiver first for instance methods.
    pub params: Vec<Type>,
    /// The result type.
    pub ret: Type,
}

fn sig(builtin: Builtin, params: Vec<Type>, ret: Type) -> Option<Signature> {
    Some(Signature {
        builtin,
        params,
        ret,
    })
}

/// Resolves `Class.method(args)` for the built-in classes.
pub fn static_method(class: &str, method: &str, args: &[Type]) -> Option<Signature> {
    if let Some(sig) = org_info::resolve(class, method, args) {
        return Some(sig);
    }
    match class {
        "system" => system::resolve(method, args),
        "string" => string::resolve_static(method, args),
        "date" | "datetime" => datetime::resolve_static(class, method, args),
        "json" => json::resolve(method, args),
        "math" => {
            math::resolve(method, args).or_else(|| numbers::resolve_static(class, method, args))
        }
        "long" | "decimal" | "double" => numbers::resolve_static(class, method, args),
        "database" => database::resolve(method, args),
        "test" => test::resolve_test(method, args),
        "assert" => test::resolve_assert(method, args),
        "integer" if method == "valueof" && args.len() == 1 => {
            sig(Builtin::IntegerValueOf, vec![Type::String], Type::Integer)
        }
        _ => None,
    }
}

/// Resolves `receiver.method(args)` on values of built-in types.
pub fn instance_method(receiver: &Type, method: &str, args: &[Type]) -> Option<Signature> {
    match receiver {
        Type::String => string::resolve_instance(method, args),
        Type::Date | Type::Datetime => datetime::resolve_instance(receiver, method, args),
        Type::List(elem) => collections::resolve(receiver, elem, method, args),
        Type::Set(elem) => collections::resolve_set(receiver, elem, method, args),
        Type::Map(k, v) => collections::resolve_map(receiver, k, v, method, args),
        Type::Exception(name) => exception::resolve(name, method, args),
        Type::Native(n) => database::resolve_instance(*n, method, args),
        t if t.is_numeric() => math::resolve_instance(t, method, args)
            .or_else(|| numbers::resolve_instance(t, method, args)),
        _ => None,
    }
}

/// Calls a built-in with its evaluated arguments (receiver first).
pub fn call(method: Builtin, args: &[Value], cx: &mut Context<'_>, span: &Span) -> Eval<Value> {
    if resizes(method)
        && args
            .first()
            .is_some_and(|r| being_iterated(r, cx.iterating))
    {
        let msg = "Cannot modify a collection while it is being iterated.";
        return Err(crate::interp::exception::ApexException::new(FINAL, msg, span).into());
    }
    match method {
        Builtin::Debug => system::debug(&args[0], cx.out),
        Builtin::Assert => system::assert(args, span),
        Builtin::AssertEquals => system::assert_equals(args, span),
        Builtin::AssertNotEquals => system::assert_not_equals(args, span),
        Builtin::ModInt | Builtin::ModLong => math::modulo(&args[0], &args[1], span),
        Builtin::IntegerValueOf => math::integer_value_of(&args[0], span),
        Builtin::Number(c) => math::convert(c, &args[0], span),
        Builtin::StringValueOf => Ok(Value::string(&args[0].to_string())),
        Builtin::IsBlank => Ok(Value::Bool(string::is_blank(&args[0]))),
        Builtin::IsNotBlank => Ok(Value::Bool(!string::is_blank(&args[0]))),
        Builtin::IsEmpty => Ok(Value::Bool(string::is_empty(&args[0]))),
        Builtin::IsNotEmpty => Ok(Value::Bool(!string::is_empty(&args[0]))),
        Builtin::Join => string::join(&args[0], &args[1], span),
        Builtin::Str(m) => string::call(m, args, span),
        Builtin::StrStatic(m) => string::call_static(m, args, span),
        Builtin::Json(m) => json::call(m, args, span),
        Builtin::NumStatic(m) => numbers::call_static(m, args, span),
        Builtin::NumMethod(m) => numbers::call(m, args, span),
        Builtin::DateStatic(m) => datetime::call_static(m, args, cx, span),
        Builtin::DateMethod(m) => datetime::call(m, args, cx, span),
        Builtin::List(m) => collections::call(m, args, span),
        Builtin::Set(m) => collections::set_call(m, args, span),
        Builtin::Map(m) => collections::map_call(m, args, span),
        Builtin::Dml(c) => database::dml(c, args, cx.org, span),
        Builtin::SetSavepoint => database::set_savepoint(cx.org, span),
        Builtin::Rollback => database::rollback(&args[0], cx.org, span),
        Builtin::Exception(m) => exception::call(m, &args[0], args.get(1), cx.sources, span),
        Builtin::Result(m) => database::result_call(m, &args[0], span),
        Builtin::Error(m) => database::error_call(m, &args[0], span),
        Builtin::AggregateGet => database::aggregate_get(&args[0], &args[1], span),
        Builtin::Info(i) => Ok(org_info::call(i, cx)),
        Builtin::Test(m) => test::call_test(m, cx, span),
        Builtin::AssertClass(m) => test::call_assert(m, args, span),
        Builtin::EnumName | Builtin::EnumOrdinal => match &args[0] {
            Value::Enum(e) if method == Builtin::EnumName => Ok(Value::String(e.name.clone())),
            Value::Enum(e) => Ok(Value::Int(i32::try_from(e.ordinal).unwrap_or(i32::MAX))),
            _ => Err(crate::interp::exception::ApexException::null_pointer(span).into()),
        },
    }
}

/// `System.FinalException`
const FINAL: &str = "System.FinalException";

/// Methods that change how many elements a list or set holds.
fn resizes(method: Builtin) -> bool {
    use collections::{Method as L, SetMethod as S};
    matches!(
        method,
        Builtin::List(L::Add | L::AddAll | L::Remove | L::Clear)
            | Builtin::Set(S::Add | S::AddAll | S::Remove | S::Clear)
    )
}

fn being_iterated(receiver: &Value, iterating: &[usize]) -> bool {
    let identity = match receiver {
        Value::List(l) => std::rc::Rc::as_ptr(l) as *const () as usize,
        Value::Set(s) => std::rc::Rc::as_ptr(s) as *const () as usize,
        _ => return false,
    };
    iterating.contains(&identity)
}
