//! `Date` and `Datetime`: construction, parsing, arithmetic, the fields of
//! a value and formatting, including Java `SimpleDateFormat` patterns.
//!
//! A Datetime is an instant, kept in GMT. Methods without `Gmt` in their
//! name work in the running user's time zone (`User.TimeZoneSidKey`), as on
//! the platform; adding days, months or years keeps the local wall-clock
//! time across daylight-saving changes (a guess following Java's
//! `Calendar`, which Apex is built on). Locale-dependent output (`format()`
//! without a pattern, month and weekday names) follows `en_US`, whatever
//! the user's `LocaleSidKey`; the `format()` shapes are guesses after the
//! platform's ICU formats.

use chrono::{
    DateTime, Datelike, Duration, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike,
    Utc,
};
use chrono_tz::Tz;

use super::{Builtin, Context, Signature, sig};
use crate::check::types::Type;
use crate::interp::eval::Eval;
use crate::interp::exception::{ApexException, STRING, TYPE};
use crate::interp::value::Value;
use crate::syntax::source::Span;

/// `Date.*` and `Datetime.*` static methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Static {
    /// `Date.newInstance(year, month, day)`
    DateNew,
    /// `Date.valueOf(text)`: `yyyy-MM-dd`, a time after it ignored.
    DateValueOf,
    /// `Date.parse(text)`: the `en_US` short form `M/d/yyyy`.
    DateParse,
    /// `Date.isLeapYear(year)`
    IsLeapYear,
    /// `Date.daysInMonth(year, month)`
    DaysInMonth,
    /// `Datetime.newInstance(year, month, day[, hour, minute, second])`
    /// in the user's time zone.
    DatetimeNew,
    /// `Datetime.newInstanceGmt(...)`
    DatetimeNewGmt,
    /// `Datetime.newInstance(milliseconds)` since 1970 GMT.
    DatetimeFromMillis,
    /// `Datetime.valueOf(text)`: `yyyy-MM-dd HH:mm:ss`, user's time zone.
    DatetimeValueOf,
    /// `Datetime.valueOfGmt(text)`
    DatetimeValueOfGmt,
}

/// `Date` and `Datetime` instance methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `addDays(n)`
    AddDays,
    /// `addMonths(n)`
    AddMonths,
    /// `addYears(n)`
    AddYears,
    /// `addHours(n)` (Datetime)
    AddHours,
    /// `addMinutes(n)` (Datetime)
    AddMinutes,
    /// `addSeconds(n)` (Datetime)
    AddSeconds,
    /// `year()`, `month()`, `day()`, ... and their `Gmt` forms.
    Field(Field, bool),
    /// `daysBetween(other)` (Date)
    DaysBetween,
    /// `monthsBetween(other)` (Date)
    MonthsBetween,
    /// `toStartOfMonth()` (Date)
    ToStartOfMonth,
    /// `toStartOfWeek()` (Date): the Sunday before, in `en_US`.
    ToStartOfWeek,
    /// `isSameDay(other)`
    IsSameDay,
    /// `date()` / `dateGmt()` (Datetime)
    Date(bool),
    /// `getTime()`: milliseconds since 1970 GMT (Datetime)
    GetTime,
    /// `format()` in the user's locale and time zone.
    Format,
    /// `format(pattern[, timeZone])`
    FormatPattern,
    /// `formatGmt(pattern)`
    FormatGmt,
    /// `formatLong()`
    FormatLong,
}

/// A calendar or clock field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// The year.
    Year,
    /// The month, 1 to 12.
    Month,
    /// The day of the month.
    Day,
    /// The day of the year, from 1.
    DayOfYear,
    /// The hour, 0 to 23.
    Hour,
    /// The minute.
    Minute,
    /// The second.
    Second,
    /// The millisecond.
    Millisecond,
}

pub(super) fn resolve_static(class: &str, method: &str, args: &[Type]) -> Option<Signature> {
    use Type::{Boolean, Date, Datetime, Integer, Long, String as Str};
    let ints = |n: usize| vec![Integer; n];
    let (m, params, ret) = match (class, method, args.len()) {
        ("date", "newinstance", 3) => (Static::DateNew, ints(3), Date),
        ("date", "valueof", 1) => (Static::DateValueOf, vec![Str], Date),
        ("date", "parse", 1) => (Static::DateParse, vec![Str], Date),
        ("date", "isleapyear", 1) => (Static::IsLeapYear, ints(1), Boolean),
        ("date", "daysinmonth", 2) => (Static::DaysInMonth, ints(2), Integer),
        ("datetime", "newinstance", 1) => (Static::DatetimeFromMillis, vec![Long], Datetime),
        ("datetime", "newinstance", n @ (3 | 6)) => (Static::DatetimeNew, ints(n), Datetime),
        ("datetime", "newinstancegmt", n @ (3 | 6)) => (Static::DatetimeNewGmt, ints(n), Datetime),
        ("datetime", "valueof", 1) => (Static::DatetimeValueOf, vec![Str], Datetime),
        ("datetime", "valueofgmt", 1) => (Static::DatetimeValueOfGmt, vec![Str], Datetime),
        _ => return None,
    };
    sig(Builtin::DateStatic(m), params, ret)
}

pub(super) fn resolve_instance(receiver: &Type, method: &str, args: &[Type]) -> Option<Signature> {
    use Type::{Boolean, Date, Datetime, Integer, Long, String as Str};
    let is_dt = *receiver == Datetime;
    let field = |f: Field, gmt: bool| (Method::Field(f, gmt), vec![], Integer);
    let (m, params, ret) = match (method, args.len()) {
        ("adddays", 1) => (Method::AddDays, vec![Integer], receiver.clone()),
        ("addmonths", 1) => (Method::AddMonths, vec![Integer], receiver.clone()),
        ("addyears", 1) => (Method::AddYears, vec![Integer], receiver.clone()),
        ("year", 0) => field(Field::Year, false),
        ("month", 0) => field(Field::Month, false),
        ("day", 0) => field(Field::Day, false),
        ("dayofyear", 0) => field(Field::DayOfYear, false),
        ("issameday", 1) => (Method::IsSameDay, vec![receiver.clone()], Boolean),
        ("format", 0) => (Method::Format, vec![], Str),
        ("daysbetween", 1) if !is_dt => (Method::DaysBetween, vec![Date], Integer),
        ("monthsbetween", 1) if !is_dt => (Method::MonthsBetween, vec![Date], Integer),
        ("tostartofmonth", 0) if !is_dt => (Method::ToStartOfMonth, vec![], Date),
        ("tostartofweek", 0) if !is_dt => (Method::ToStartOfWeek, vec![], Date),
        _ if !is_dt => return None,
        ("addhours", 1) => (Method::AddHours, vec![Integer], Datetime),
        ("addminutes", 1) => (Method::AddMinutes, vec![Integer], Datetime),
        ("addseconds", 1) => (Method::AddSeconds, vec![Integer], Datetime),
        ("hour", 0) => field(Field::Hour, false),
        ("minute", 0) => field(Field::Minute, false),
        ("second", 0) => field(Field::Second, false),
        ("millisecond", 0) => field(Field::Millisecond, false),
        ("yeargmt", 0) => field(Field::Year, true),
        ("monthgmt", 0) => field(Field::Month, true),
        ("daygmt", 0) => field(Field::Day, true),
        ("dayofyeargmt", 0) => field(Field::DayOfYear, true),
        ("hourgmt", 0) => field(Field::Hour, true),
        ("minutegmt", 0) => field(Field::Minute, true),
        ("secondgmt", 0) => field(Field::Second, true),
        ("millisecondgmt", 0) => field(Field::Millisecond, true),
        ("date", 0) => (Method::Date(false), vec![], Date),
        ("dategmt", 0) => (Method::Date(true), vec![], Date),
        ("gettime", 0) => (Method::GetTime, vec![], Long),
        ("format", 1) => (Method::FormatPattern, vec![Str], Str),
        ("format", 2) => (Method::FormatPattern, vec![Str, Str], Str),
        ("formatgmt", 1) => (Method::FormatGmt, vec![Str], Str),
        ("formatlong", 0) => (Method::FormatLong, vec![], Str),
        _ => return None,
    };
    let mut all = vec![receiver.clone()];
    all.extend(params);
    sig(Builtin::DateMethod(m), all, ret)
}

/// The running user's time zone; GMT when it is not a known zone.
pub(super) fn user_zone(cx: &Context<'_>) -> Tz {
    let id = cx.org.running_user().id;
    let zone = cx.org.fetch(&id).ok().flatten().and_then(|user| {
        user.get_by_name("TimeZoneSidKey")
            .and_then(|v| v.as_text())
            .and_then(|name| name.parse::<Tz>().ok())
    });
    zone.unwrap_or(Tz::GMT)
}

/// Today in the running user's time zone: `Date.today()`.
pub(super) fn today(cx: &Context<'_>) -> NaiveDate {
    Utc::now().with_timezone(&user_zone(cx)).date_naive()
}

fn int(v: &Value, span: &Span) -> Eval<i64> {
    match v {
        Value::Int(i) => Ok(i64::from(*i)),
        Value::Long(i) => Ok(*i),
        _ => Err(ApexException::null_pointer(span).into()),
    }
}

fn text<'a>(v: &'a Value, span: &Span) -> Eval<&'a str> {
    match v {
        Value::String(s) => Ok(s),
        _ => Err(ApexException::null_pointer(span).into()),
    }
}

/// A value out of the range Apex dates cover.
fn out_of_range(span: &Span) -> crate::interp::exception::Failure {
    ApexException::new(TYPE, "Date out of range", span).into()
}

/// A date from fields that may overflow, as Java's lenient calendar takes
/// them: month 13 is January of the next year, day 0 the last of the month
/// before (a guess at the platform's handling of such input).
fn lenient_date(year: i64, month: i64, day: i64, span: &Span) -> Eval<NaiveDate> {
    let months = year * 12 + (month - 1);
    let (y, m) = (months.div_euclid(12), months.rem_euclid(12) + 1);
    let first = i32::try_from(y)
        .ok()
        .and_then(|y| NaiveDate::from_ymd_opt(y, u32::try_from(m).ok()?, 1))
        .ok_or_else(|| out_of_range(span))?;
    first
        .checked_add_signed(Duration::days(day - 1))
        .ok_or_else(|| out_of_range(span))
}

/// Local wall-clock time in `zone` as an instant; a time skipped by a
/// daylight-saving change is taken an hour later, as Java does.
fn from_local(local: NaiveDateTime, zone: Tz) -> NaiveDateTime {
    zone.from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            zone.from_local_datetime(&(local + Duration::hours(1)))
                .earliest()
        })
        .map_or(local, |t| t.naive_utc())
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    let head = s.trim().split([' ', 'T']).next()?;
    NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()
}

fn parse_datetime(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M"))
        .ok()
        .or_else(|| parse_date(s).map(|d| d.and_time(NaiveTime::MIN)))
}

pub(super) fn call_static(m: Static, args: &[Value], cx: &Context<'_>, span: &Span) -> Eval<Value> {
    let n = |i: usize| int(&args[i], span);
    let datetime = |gmt: bool| -> Eval<Value> {
        let date = lenient_date(n(0)?, n(1)?, n(2)?, span)?;
        let (h, mi, s) = if args.len() == 6 {
            (n(3)?, n(4)?, n(5)?)
        } else {
            (0, 0, 0)
        };
        let local = date.and_time(NaiveTime::MIN) + Duration::seconds(h * 3600 + mi * 60 + s);
        Ok(Value::Datetime(if gmt {
            local
        } else {
            from_local(local, user_zone(cx))
        }))
    };
    Ok(match m {
        Static::DateNew => Value::Date(lenient_date(n(0)?, n(1)?, n(2)?, span)?),
        Static::DateValueOf => {
            let s = text(&args[0], span)?;
            let date = parse_date(s)
                .ok_or_else(|| ApexException::new(TYPE, format!("Invalid date: {s}"), span))?;
            Value::Date(date)
        }
        Static::DateParse => {
            let s = text(&args[0], span)?;
            let date = NaiveDate::parse_from_str(s.trim(), "%m/%d/%Y")
                .map_err(|_| ApexException::new(TYPE, format!("Invalid date: {s}"), span))?;
            Value::Date(date)
        }
        Static::IsLeapYear => {
            let y = n(0)?;
            Value::Bool((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)
        }
        Static::DaysInMonth => {
            let first = lenient_date(n(0)?, n(1)?, 1, span)?;
            let next = first
                .checked_add_months(Months::new(1))
                .ok_or_else(|| out_of_range(span))?;
            Value::Int((next - first).num_days() as i32)
        }
        Static::DatetimeNew => datetime(false)?,
        Static::DatetimeNewGmt => datetime(true)?,
        Static::DatetimeFromMillis => {
            let t = DateTime::from_timestamp_millis(n(0)?).ok_or_else(|| out_of_range(span))?;
            Value::Datetime(t.naive_utc())
        }
        Static::DatetimeValueOf | Static::DatetimeValueOfGmt => {
            let s = text(&args[0], span)?;
            let local = parse_datetime(s)
                .ok_or_else(|| ApexException::new(TYPE, format!("Invalid date/time: {s}"), span))?;
            Value::Datetime(if m == Static::DatetimeValueOfGmt {
                local
            } else {
                from_local(local, user_zone(cx))
            })
        }
    })
}

pub(super) fn call(m: Method, args: &[Value], cx: &Context<'_>, span: &Span) -> Eval<Value> {
    match &args[0] {
        Value::Date(d) => date_method(m, *d, args, span),
        Value::Datetime(t) => datetime_method(m, *t, args, cx, span),
        _ => Err(ApexException::null_pointer(span).into()),
    }
}

fn add_months(d: NaiveDate, months: i64, span: &Span) -> Eval<NaiveDate> {
    let step = Months::new(u32::try_from(months.unsigned_abs()).unwrap_or(u32::MAX));
    let moved = if months >= 0 {
        d.checked_add_months(step)
    } else {
        d.checked_sub_months(step)
    };
    moved.ok_or_else(|| out_of_range(span))
}

fn shift_date(m: Method, d: NaiveDate, n: i64, span: &Span) -> Eval<NaiveDate> {
    match m {
        Method::AddDays => d
            .checked_add_signed(Duration::days(n))
            .ok_or_else(|| out_of_range(span)),
        Method::AddMonths => add_months(d, n, span),
        _ => add_months(d, n.saturating_mul(12), span),
    }
}

fn date_method(m: Method, d: NaiveDate, args: &[Value], span: &Span) -> Eval<Value> {
    let other = || -> Eval<NaiveDate> {
        match args.get(1) {
            Some(Value::Date(o)) => Ok(*o),
            _ => Err(ApexException::null_pointer(span).into()),
        }
    };
    Ok(match m {
        Method::AddDays | Method::AddMonths | Method::AddYears => {
            Value::Date(shift_date(m, d, int(&args[1], span)?, span)?)
        }
        Method::Field(f, _) => Value::Int(date_field(f, &d)),
        Method::DaysBetween => Value::Int((other()? - d).num_days() as i32),
        Method::MonthsBetween => {
            let o = other()?;
            let months = (o.year() - d.year()) * 12 + o.month() as i32 - d.month() as i32;
            Value::Int(months)
        }
        Method::ToStartOfMonth => Value::Date(d.with_day(1).unwrap_or(d)),
        Method::ToStartOfWeek => {
            let back = d.weekday().num_days_from_sunday();
            Value::Date(d - Duration::days(i64::from(back)))
        }
        Method::IsSameDay => Value::Bool(other()? == d),
        Method::Format => Value::string(&format!("{}/{}/{}", d.month(), d.day(), d.year())),
        _ => return Err(ApexException::null_pointer(span).into()),
    })
}

fn date_field(f: Field, d: &impl Datelike) -> i32 {
    match f {
        Field::Year => d.year(),
        Field::Month => d.month() as i32,
        Field::Day => d.day() as i32,
        _ => d.ordinal() as i32,
    }
}

fn datetime_method(
    m: Method,
    t: NaiveDateTime,
    args: &[Value],
    cx: &Context<'_>,
    span: &Span,
) -> Eval<Value> {
    let zone = user_zone(cx);
    let local = Utc.from_utc_datetime(&t).with_timezone(&zone);
    let seconds = |n: i64| -> Eval<Value> {
        t.checked_add_signed(Duration::seconds(n))
            .map(Value::Datetime)
            .ok_or_else(|| out_of_range(span))
    };
    Ok(match m {
        Method::AddDays | Method::AddMonths | Method::AddYears => {
            let n = int(&args[1], span)?;
            let date = shift_date(m, local.date_naive(), n, span)?;
            Value::Datetime(from_local(date.and_time(local.time()), zone))
        }
        Method::AddHours => seconds(int(&args[1], span)?.saturating_mul(3600))?,
        Method::AddMinutes => seconds(int(&args[1], span)?.saturating_mul(60))?,
        Method::AddSeconds => seconds(int(&args[1], span)?)?,
        Method::Field(f, true) => Value::Int(clock_field(f, &Utc.from_utc_datetime(&t))),
        Method::Field(f, false) => Value::Int(clock_field(f, &local)),
        Method::Date(true) => Value::Date(t.date()),
        Method::Date(false) => Value::Date(local.date_naive()),
        Method::IsSameDay => match args.get(1) {
            Some(Value::Datetime(o)) => {
                let other = Utc.from_utc_datetime(o).with_timezone(&zone);
                Value::Bool(other.date_naive() == local.date_naive())
            }
            _ => return Err(ApexException::null_pointer(span).into()),
        },
        Method::GetTime => Value::Long(t.and_utc().timestamp_millis()),
        Method::Format => Value::string(&java_format(&local, "M/d/yyyy, h:mm a", span)?),
        Method::FormatLong => Value::string(&java_format(&local, "M/d/yyyy, h:mm:ss a z", span)?),
        Method::FormatGmt => {
            let pattern = text(&args[1], span)?;
            let gmt = Utc.from_utc_datetime(&t).with_timezone(&Tz::GMT);
            Value::string(&java_format(&gmt, pattern, span)?)
        }
        Method::FormatPattern => {
            let pattern = text(&args[1], span)?;
            let zone = match args.get(2) {
                Some(Value::String(name)) => name.parse::<Tz>().unwrap_or(Tz::GMT),
                _ => zone,
            };
            let there = Utc.from_utc_datetime(&t).with_timezone(&zone);
            Value::string(&java_format(&there, pattern, span)?)
        }
        _ => return Err(ApexException::null_pointer(span).into()),
    })
}

fn clock_field<T: TimeZone>(f: Field, t: &DateTime<T>) -> i32 {
    match f {
        Field::Hour => t.hour() as i32,
        Field::Minute => t.minute() as i32,
        Field::Second => t.second() as i32,
        Field::Millisecond => (t.nanosecond() / 1_000_000) as i32,
        _ => date_field(f, t),
    }
}

/// `Date`/`Datetime` ± a number of days: whole days for a Date, days and
/// fractions of a day for a Datetime.
pub fn add_days(value: &Value, days: &Value, negate: bool, span: &Span) -> Eval<Value> {
    let sign = if negate { -1.0 } else { 1.0 };
    let days_f = match days {
        Value::Int(n) => f64::from(*n),
        Value::Long(n) => *n as f64,
        Value::Double(d) => *d,
        Value::Decimal(d) => d.to_string().parse::<f64>().unwrap_or(0.0),
        _ => return Err(ApexException::null_pointer(span).into()),
    } * sign;
    match value {
        Value::Date(d) => {
            let moved = d.checked_add_signed(Duration::days(days_f.trunc() as i64));
            moved.map(Value::Date).ok_or_else(|| out_of_range(span))
        }
        Value::Datetime(t) => {
            let millis = (days_f * 86_400_000.0).round() as i64;
            let moved = t.checked_add_signed(Duration::milliseconds(millis));
            moved.map(Value::Datetime).ok_or_else(|| out_of_range(span))
        }
        _ => Err(ApexException::null_pointer(span).into()),
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Formats `t` by a Java `SimpleDateFormat` pattern: letters repeated give
/// the field and its width, text in single quotes is literal (`''` is one
/// quote). Names are English; `z` gives the zone's abbreviation at any width.
fn java_format(t: &DateTime<Tz>, pattern: &str, span: &Span) -> Eval<String> {
    let mut out = String::new();
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            if chars.get(i + 1) == Some(&'\'') {
                out.push('\'');
                i += 2;
                continue;
            }
            i += 1;
            while i < chars.len() {
                if chars[i] == '\'' {
                    if chars.get(i + 1) == Some(&'\'') {
                        out.push('\'');
                        i += 2;
                        continue;
                    }
                    break;
                }
                out.push(chars[i]);
                i += 1;
            }
            i += 1;
            continue;
        }
        if !c.is_ascii_alphabetic() {
            out.push(c);
            i += 1;
            continue;
        }
        let mut n = 1;
        while chars.get(i + n) == Some(&c) {
            n += 1;
        }
        i += n;
        let num = |v: i64| format!("{v:0n$}");
        let hour12 = |h: u32| if h.is_multiple_of(12) { 12 } else { h % 12 };
        let piece = match c {
            'G' => "AD".to_string(),
            'y' | 'Y' if n == 2 => format!("{:02}", t.year().rem_euclid(100)),
            'y' | 'Y' => num(i64::from(t.year())),
            'M' | 'L' if n >= 4 => MONTHS[t.month0() as usize].to_string(),
            'M' | 'L' if n == 3 => MONTHS[t.month0() as usize][..3].to_string(),
            'M' | 'L' => num(i64::from(t.month())),
            'd' => num(i64::from(t.day())),
            'D' => num(i64::from(t.ordinal())),
            'E' if n >= 4 => WEEKDAYS[t.weekday().num_days_from_monday() as usize].to_string(),
            'E' => WEEKDAYS[t.weekday().num_days_from_monday() as usize][..3].to_string(),
            'u' => num(i64::from(t.weekday().number_from_monday())),
            'a' => if t.hour() < 12 { "AM" } else { "PM" }.to_string(),
            'H' => num(i64::from(t.hour())),
            'k' => num(i64::from(if t.hour() == 0 { 24 } else { t.hour() })),
            'K' => num(i64::from(t.hour() % 12)),
            'h' => num(i64::from(hour12(t.hour()))),
            'm' => num(i64::from(t.minute())),
            's' => num(i64::from(t.second())),
            'S' => num(i64::from(t.nanosecond() / 1_000_000)),
            'z' => t.format("%Z").to_string(),
            'Z' => t.format("%z").to_string(),
            'X' if t.offset().to_string() == "GMT" || t.format("%z").to_string() == "+0000" => {
                "Z".to_string()
            }
            'X' if n == 1 => t.format("%z").to_string()[..3].to_string(),
            'X' if n == 2 => t.format("%z").to_string(),
            'X' => t.format("%:z").to_string(),
            'w' => num(i64::from(t.iso_week().week())),
            _ => {
                let msg = format!("Illegal pattern character '{c}'");
                return Err(ApexException::new(STRING, msg, span).into());
            }
        };
        out.push_str(&piece);
    }
    Ok(out)
}
