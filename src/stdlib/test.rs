//! `Test` and `Assert`: what test methods call to shape and check a test.
//!
//! The failure texts of `Assert.isTrue`, `isFalse`, `isNull`, `isNotNull`
//! and `fail` are not documented; apexlite uses the `Assertion Failed[: msg]`
//! form the `System` assertions use (a guess).

use super::system::failed;
use super::{Builtin, Context, Signature, sig};
use crate::check::types::Type;
use crate::interp::eval::Eval;
use crate::interp::exception::ApexException;
use crate::interp::value::Value;
use crate::syntax::source::Span;

/// `Test` methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestMethod {
    /// `Test.startTest()`
    Start,
    /// `Test.stopTest()`
    Stop,
    /// `Test.isRunningTest()`
    IsRunning,
}

/// `Assert` methods; every one takes an optional message last.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssertMethod {
    /// `Assert.areEqual(expected, actual)`
    AreEqual,
    /// `Assert.areNotEqual(notExpected, actual)`
    AreNotEqual,
    /// `Assert.isTrue(condition)`
    IsTrue,
    /// `Assert.isFalse(condition)`
    IsFalse,
    /// `Assert.isNull(value)`
    IsNull,
    /// `Assert.isNotNull(value)`
    IsNotNull,
    /// `Assert.fail()`
    Fail,
}

pub(super) fn resolve_test(method: &str, args: &[Type]) -> Option<Signature> {
    let m = match (method, args.len()) {
        ("starttest", 0) => TestMethod::Start,
        ("stoptest", 0) => TestMethod::Stop,
        ("isrunningtest", 0) => {
            return sig(Builtin::Test(TestMethod::IsRunning), vec![], Type::Boolean);
        }
        _ => return None,
    };
    sig(Builtin::Test(m), vec![], Type::Void)
}

pub(super) fn resolve_assert(method: &str, args: &[Type]) -> Option<Signature> {
    use AssertMethod as A;
    let (m, params) = match method {
        "areequal" => (A::AreEqual, vec![Type::Object, Type::Object]),
        "arenotequal" => (A::AreNotEqual, vec![Type::Object, Type::Object]),
        "istrue" => (A::IsTrue, vec![Type::Boolean]),
        "isfalse" => (A::IsFalse, vec![Type::Boolean]),
        "isnull" => (A::IsNull, vec![Type::Object]),
        "isnotnull" => (A::IsNotNull, vec![Type::Object]),
        "fail" => (A::Fail, vec![]),
        _ => return None,
    };
    if args.len() != params.len() && args.len() != params.len() + 1 {
        return None;
    }
    let mut params = params;
    if args.len() > params.len() {
        params.push(Type::String);
    }
    sig(Builtin::AssertClass(m), params, Type::Void)
}

pub(super) fn call_test(m: TestMethod, cx: &mut Context<'_>, span: &Span) -> Eval<Value> {
    let done = match m {
        TestMethod::IsRunning => return Ok(Value::Bool(cx.org.is_running_test())),
        TestMethod::Start => cx.org.start_test(),
        TestMethod::Stop => cx.org.stop_test(),
    };
    done.map_err(|f| ApexException::new(f.type_name, f.message, span))?;
    Ok(Value::Null)
}

pub(super) fn call_assert(m: AssertMethod, args: &[Value], span: &Span) -> Eval<Value> {
    use AssertMethod as A;
    let message = |i: usize| args.get(i).filter(|v| !matches!(v, Value::Null));
    let holds = match m {
        A::AreEqual => return super::system::assert_equals(args, span),
        A::AreNotEqual => return super::system::assert_not_equals(args, span),
        A::IsTrue => matches!(args[0], Value::Bool(true)),
        A::IsFalse => matches!(args[0], Value::Bool(false)),
        A::IsNull => matches!(args[0], Value::Null),
        A::IsNotNull => !matches!(args[0], Value::Null),
        A::Fail => return Err(failed(message(0), None, span).into()),
    };
    if holds {
        Ok(Value::Null)
    } else {
        Err(failed(message(1), None, span).into())
    }
}
