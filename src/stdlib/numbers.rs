//! `Math` functions, the numeric classes' `valueOf`, and the instance
//! methods of Decimal, Double, Integer and Long beyond the conversions:
//! scale and rounding with `System.RoundingMode`, `pow`, `divide`, `format`.
//!
//! Decimals are `rust_decimal` values: 28 significant digits where Apex
//! keeps 34, so operations whose result needs more fail with
//! `System.MathException`. `format()` writes the `en_US` form (grouping
//! commas, at most three decimals), whatever the user's locale.

use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::{Decimal, RoundingStrategy};

use super::{Builtin, Signature, sig};
use crate::check::types::{Native, Type};
use crate::interp::eval::Eval;
use crate::interp::exception::{ApexException, MATH, TYPE};
use crate::interp::value::Value;
use crate::syntax::source::Span;

/// The constants of `System.RoundingMode`, in the platform's order.
pub const ROUNDING_MODES: [&str; 8] = [
    "CEILING",
    "DOWN",
    "FLOOR",
    "HALF_DOWN",
    "HALF_EVEN",
    "HALF_UP",
    "UNNECESSARY",
    "UP",
];

/// A static numeric method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Static {
    /// `Math.abs`
    Abs,
    /// `Math.max`
    Max,
    /// `Math.min`
    Min,
    /// `Math.floor`
    Floor,
    /// `Math.ceil`
    Ceil,
    /// `Math.round`: to an Integer.
    Round,
    /// `Math.roundToLong`
    RoundToLong,
    /// `Math.random()`: a Double in [0, 1).
    Random,
    /// A Double function of Doubles (`sqrt`, `pow`, `exp`, ...).
    Float(Float),
    /// `Long.valueOf(text)`
    LongValueOf,
    /// `Decimal.valueOf(text or number)`
    DecimalValueOf,
    /// `Double.valueOf(text or number)`
    DoubleValueOf,
}

/// `Math` functions computed on Doubles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Float {
    /// `Math.sqrt`
    Sqrt,
    /// `Math.cbrt`
    Cbrt,
    /// `Math.pow`
    Pow,
    /// `Math.exp`
    Exp,
    /// `Math.log`
    Log,
    /// `Math.log10`
    Log10,
    /// `Math.signum`
    Signum,
    /// `Math.sin`
    Sin,
    /// `Math.cos`
    Cos,
    /// `Math.tan`
    Tan,
}

/// An instance method of a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `d.setScale(n[, mode])`
    SetScale,
    /// `d.round([mode])`: to a Long.
    Round,
    /// `d.scale()`
    Scale,
    /// `d.precision()`
    Precision,
    /// `d.abs()`
    Abs,
    /// `d.pow(n)`
    Pow,
    /// `d.divide(divisor, scale[, mode])`
    Divide,
    /// `d.stripTrailingZeros()`
    StripTrailingZeros,
    /// `d.toPlainString()`
    ToPlainString,
    /// `n.format()`
    Format,
}

fn rounding_mode() -> Type {
    Type::Native(Native::RoundingMode)
}

pub(super) fn resolve_static(class: &str, method: &str, args: &[Type]) -> Option<Signature> {
    use Type::{Decimal as Dec, Double, Integer, Long, String as Str};
    let widest = || args.iter().try_fold(Integer, |t, a| Type::promote(&t, a));
    let (m, params, ret) = match (class, method, args.len()) {
        ("math", "abs", 1) => (Static::Abs, vec![widest()?], widest()?),
        ("math", "max", 2) => (Static::Max, vec![widest()?; 2], widest()?),
        ("math", "min", 2) => (Static::Min, vec![widest()?; 2], widest()?),
        ("math", "floor" | "ceil", 1) => {
            let t = if widest()? == Double { Double } else { Dec };
            let m = if method == "floor" {
                Static::Floor
            } else {
                Static::Ceil
            };
            (m, vec![t.clone()], t)
        }
        ("math", "round", 1) => (Static::Round, vec![decimal_or_double(args)?], Integer),
        ("math", "roundtolong", 1) => (Static::RoundToLong, vec![decimal_or_double(args)?], Long),
        ("math", "random", 0) => (Static::Random, vec![], Double),
        ("math", "pow", 2) => (Static::Float(Float::Pow), vec![Double, Double], Double),
        ("math", name, 1) => {
            let f = match name {
                "sqrt" => Float::Sqrt,
                "cbrt" => Float::Cbrt,
                "exp" => Float::Exp,
                "log" => Float::Log,
                "log10" => Float::Log10,
                "signum" => Float::Signum,
                "sin" => Float::Sin,
                "cos" => Float::Cos,
                "tan" => Float::Tan,
                _ => return None,
            };
            (Static::Float(f), vec![Double], Double)
        }
        ("long", "valueof", 1) if args[0] == Str => (Static::LongValueOf, vec![Str], Long),
        ("decimal", "valueof", 1) => {
            let param = if args[0] == Str { Str } else { Type::Object };
            (Static::DecimalValueOf, vec![param], Dec)
        }
        ("double", "valueof", 1) => {
            let param = if args[0] == Str { Str } else { Type::Object };
            (Static::DoubleValueOf, vec![param], Double)
        }
        _ => return None,
    };
    sig(Builtin::NumStatic(m), params, ret)
}

fn decimal_or_double(args: &[Type]) -> Option<Type> {
    match args.first()? {
        Type::Double => Some(Type::Double),
        t if t.is_numeric() => Some(Type::Decimal),
        _ => None,
    }
}

pub(super) fn resolve_instance(t: &Type, method: &str, args: &[Type]) -> Option<Signature> {
    use Type::{Decimal as Dec, Integer, Long, String as Str};
    let is_dec = *t == Dec;
    let (m, params, ret) = match (method, args.len()) {
        ("format", 0) => (Method::Format, vec![], Str),
        ("round", 0) if *t == Type::Double || is_dec => (Method::Round, vec![], Long),
        _ if !is_dec => return None,
        ("setscale", 1) => (Method::SetScale, vec![Integer], Dec),
        ("setscale", 2) => (Method::SetScale, vec![Integer, rounding_mode()], Dec),
        ("round", 1) => (Method::Round, vec![rounding_mode()], Long),
        ("scale", 0) => (Method::Scale, vec![], Integer),
        ("precision", 0) => (Method::Precision, vec![], Integer),
        ("abs", 0) => (Method::Abs, vec![], Dec),
        ("pow", 1) => (Method::Pow, vec![Integer], Dec),
        ("divide", 2) => (Method::Divide, vec![Dec, Integer], Dec),
        ("divide", 3) => (Method::Divide, vec![Dec, Integer, rounding_mode()], Dec),
        ("striptrailingzeros", 0) => (Method::StripTrailingZeros, vec![], Dec),
        ("toplainstring", 0) => (Method::ToPlainString, vec![], Str),
        _ => return None,
    };
    let mut all = vec![t.clone()];
    all.extend(params);
    sig(Builtin::NumMethod(m), all, ret)
}

fn npe(span: &Span) -> crate::interp::exception::Failure {
    ApexException::null_pointer(span).into()
}

fn overflow(span: &Span) -> crate::interp::exception::Failure {
    // apexlite's Decimals hold 28 digits; the platform's hold 34.
    ApexException::new(MATH, "Decimal overflow: more than 28 digits", span).into()
}

fn decimal(v: &Value, span: &Span) -> Eval<Decimal> {
    match v {
        Value::Decimal(d) => Ok(*d),
        Value::Int(i) => Ok(Decimal::from(*i)),
        Value::Long(i) => Ok(Decimal::from(*i)),
        Value::Double(d) => Decimal::from_f64(*d).ok_or_else(|| overflow(span)),
        _ => Err(npe(span)),
    }
}

fn double(v: &Value, span: &Span) -> Eval<f64> {
    match v {
        Value::Double(d) => Ok(*d),
        Value::Int(i) => Ok(f64::from(*i)),
        Value::Long(i) => Ok(*i as f64),
        Value::Decimal(d) => d.to_f64().ok_or_else(|| npe(span)),
        _ => Err(npe(span)),
    }
}

fn int(v: &Value, span: &Span) -> Eval<i64> {
    match v {
        Value::Int(i) => Ok(i64::from(*i)),
        Value::Long(i) => Ok(*i),
        _ => Err(npe(span)),
    }
}

/// The strategy a `System.RoundingMode` constant names; `None` for
/// `UNNECESSARY`.
fn strategy(v: &Value, span: &Span) -> Eval<Option<RoundingStrategy>> {
    let Value::StatusCode(name) = v else {
        return Err(npe(span));
    };
    Ok(match *name {
        "CEILING" => Some(RoundingStrategy::ToPositiveInfinity),
        "DOWN" => Some(RoundingStrategy::ToZero),
        "FLOOR" => Some(RoundingStrategy::ToNegativeInfinity),
        "HALF_DOWN" => Some(RoundingStrategy::MidpointTowardZero),
        "HALF_EVEN" => Some(RoundingStrategy::MidpointNearestEven),
        "HALF_UP" => Some(RoundingStrategy::MidpointAwayFromZero),
        "UP" => Some(RoundingStrategy::AwayFromZero),
        _ => None,
    })
}

/// `d` at `scale` decimals by `mode`; `UNNECESSARY` refuses to lose digits.
fn rescale(d: Decimal, scale: i64, mode: Option<&Value>, span: &Span) -> Eval<Decimal> {
    let scale = u32::try_from(scale).map_err(|_| overflow(span))?;
    if scale > 28 {
        return Err(overflow(span));
    }
    let strategy = match mode {
        Some(m) => strategy(m, span)?,
        // The platform rounds half-even when no mode is given.
        None => Some(RoundingStrategy::MidpointNearestEven),
    };
    let rounded = match strategy {
        Some(s) => d.round_dp_with_strategy(scale, s),
        None => {
            let exact = d.round_dp_with_strategy(scale, RoundingStrategy::ToZero);
            if exact != d {
                let msg = "Rounding necessary";
                return Err(ApexException::new(MATH, msg, span).into());
            }
            exact
        }
    };
    let mut out = rounded;
    if out.scale() < scale {
        out.rescale(scale);
    }
    Ok(out)
}

pub(super) fn call_static(m: Static, args: &[Value], span: &Span) -> Eval<Value> {
    let same = |f: fn(f64) -> f64, v: &Value| -> Eval<Value> {
        Ok(match v {
            Value::Double(d) => Value::Double(f(*d)),
            other => {
                let d = decimal(other, span)?;
                let r = Decimal::from_f64(f(d.to_f64().ok_or_else(|| npe(span))?))
                    .ok_or_else(|| overflow(span))?;
                Value::Decimal(r)
            }
        })
    };
    Ok(match m {
        Static::Abs => match &args[0] {
            Value::Int(i) => Value::Int(i.wrapping_abs()),
            Value::Long(i) => Value::Long(i.wrapping_abs()),
            Value::Double(d) => Value::Double(d.abs()),
            Value::Decimal(d) => Value::Decimal(d.abs()),
            _ => return Err(npe(span)),
        },
        Static::Max | Static::Min => {
            let (a, b) = (&args[0], &args[1]);
            let a_wins = match (a, b) {
                (Value::Int(x), Value::Int(y)) => x >= y,
                (Value::Long(x), Value::Long(y)) => x >= y,
                (Value::Double(x), Value::Double(y)) => x >= y,
                (Value::Decimal(x), Value::Decimal(y)) => x >= y,
                _ => return Err(npe(span)),
            };
            if a_wins == (m == Static::Max) {
                a.clone()
            } else {
                b.clone()
            }
        }
        Static::Floor => match &args[0] {
            Value::Decimal(d) => Value::Decimal(d.floor()),
            v => same(f64::floor, v)?,
        },
        Static::Ceil => match &args[0] {
            Value::Decimal(d) => Value::Decimal(d.ceil()),
            v => same(f64::ceil, v)?,
        },
        Static::Round | Static::RoundToLong => {
            let n = match &args[0] {
                // Java's Math.round: halves go up.
                Value::Double(d) => (d + 0.5).floor(),
                v => decimal(v, span)?
                    .round_dp_with_strategy(0, RoundingStrategy::MidpointNearestEven)
                    .to_f64()
                    .ok_or_else(|| npe(span))?,
            };
            if m == Static::Round {
                Value::Int(n as i32)
            } else {
                Value::Long(n as i64)
            }
        }
        Static::Random => Value::Double(random_unit()),
        Static::Float(f) => {
            let x = double(&args[0], span)?;
            Value::Double(match f {
                Float::Sqrt => x.sqrt(),
                Float::Cbrt => x.cbrt(),
                Float::Pow => x.powf(double(&args[1], span)?),
                Float::Exp => x.exp(),
                Float::Log => x.ln(),
                Float::Log10 => x.log10(),
                Float::Signum => {
                    if x == 0.0 || x.is_nan() {
                        x
                    } else {
                        x.signum()
                    }
                }
                Float::Sin => x.sin(),
                Float::Cos => x.cos(),
                Float::Tan => x.tan(),
            })
        }
        Static::LongValueOf => {
            let Value::String(s) = &args[0] else {
                return Err(npe(span));
            };
            let n = s
                .trim()
                .parse::<i64>()
                .map_err(|_| ApexException::new(TYPE, format!("Invalid long: {s}"), span))?;
            Value::Long(n)
        }
        Static::DecimalValueOf => match &args[0] {
            Value::String(s) => {
                let t = s.trim();
                let d = t
                    .parse::<Decimal>()
                    .or_else(|_| Decimal::from_scientific(t))
                    .map_err(|_| ApexException::new(TYPE, format!("Invalid decimal: {s}"), span))?;
                Value::Decimal(d)
            }
            Value::Null => return Err(npe(span)),
            v => Value::Decimal(decimal(v, span)?),
        },
        Static::DoubleValueOf => match &args[0] {
            Value::String(s) => {
                let d = s
                    .trim()
                    .parse::<f64>()
                    .map_err(|_| ApexException::new(TYPE, format!("Invalid double: {s}"), span))?;
                Value::Double(d)
            }
            Value::Null => return Err(npe(span)),
            v => Value::Double(double(v, span)?),
        },
    })
}

/// A pseudo-random Double in [0, 1) from the system's hasher seeds: not for
/// security, as `Math.random()` is not either.
fn random_unit() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64),
    );
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

pub(super) fn call(m: Method, args: &[Value], span: &Span) -> Eval<Value> {
    if matches!(args[0], Value::Null) {
        return Err(npe(span));
    }
    if let (Method::Round, Value::Double(d)) = (m, &args[0]) {
        return Ok(Value::Long((d + 0.5).floor() as i64));
    }
    let d = decimal(&args[0], span)?;
    Ok(match m {
        Method::SetScale => Value::Decimal(rescale(d, int(&args[1], span)?, args.get(2), span)?),
        Method::Round => {
            let r = rescale(d, 0, args.get(1), span)?;
            Value::Long(r.to_i64().ok_or_else(|| overflow(span))?)
        }
        Method::Scale => Value::Int(d.scale() as i32),
        Method::Precision => {
            let digits = d.mantissa().unsigned_abs().to_string().len();
            Value::Int(digits.max(d.scale() as usize + 1) as i32)
        }
        Method::Abs => Value::Decimal(d.abs()),
        Method::Pow => {
            let n = int(&args[1], span)?;
            Value::Decimal(power(d, n).ok_or_else(|| overflow(span))?)
        }
        Method::Divide => {
            let divisor = decimal(&args[1], span)?;
            if divisor.is_zero() {
                return Err(ApexException::new(MATH, "Divide by 0", span).into());
            }
            let q = d.checked_div(divisor).ok_or_else(|| overflow(span))?;
            Value::Decimal(rescale(q, int(&args[2], span)?, args.get(3), span)?)
        }
        Method::StripTrailingZeros => Value::Decimal(d.normalize()),
        Method::ToPlainString => Value::string(&d.to_string()),
        Method::Format => Value::string(&format_number(&args[0], span)?),
    })
}

/// `d` to the power `n` by repeated squaring; a negative power divides.
fn power(d: Decimal, n: i64) -> Option<Decimal> {
    let (mut base, mut e, mut out) = (d, n.unsigned_abs(), Decimal::ONE);
    while e > 0 {
        if e & 1 == 1 {
            out = out.checked_mul(base)?;
        }
        e >>= 1;
        if e > 0 {
            base = base.checked_mul(base)?;
        }
    }
    if n < 0 {
        Decimal::ONE.checked_div(out)
    } else {
        Some(out)
    }
}

/// The `en_US` form of a number: grouping commas, at most three decimals
/// (rounded half-even), no trailing zeros.
fn format_number(v: &Value, span: &Span) -> Eval<String> {
    let d = match v {
        Value::Double(x) => Decimal::from_f64(*x).ok_or_else(|| overflow(span))?,
        other => decimal(other, span)?,
    };
    let d = d
        .round_dp_with_strategy(3, RoundingStrategy::MidpointNearestEven)
        .normalize();
    let text = d.abs().to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if d.is_sign_negative() && !d.is_zero() {
        "-"
    } else {
        ""
    };
    Ok(if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{fraction}")
    })
}
