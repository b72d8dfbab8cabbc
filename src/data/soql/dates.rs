//! Date literals (`TODAY`, `LAST_N_DAYS:7`, `THIS_MONTH`) as ranges of days.
//!
//! A literal covers whole days, weeks (Sunday to Saturday, the en_US
//! locale's weeks), months, quarters or years around today. Fiscal quarters
//! and years are calendar ones: the seeded org's fiscal year starts in
//! January, the platform's default. The platform reads "today"
//! in the running user's time zone; apexlite uses UTC, as `System.today()`
//! does here (a guess at what matters least for local scripts).

use chrono::{Datelike, Days, Months, NaiveDate, Utc};
use rusqlite::types::Value;

use crate::data::schema::{FieldDef, FieldType};
use crate::syntax::ast::{DateLiteral, DateUnit};

/// The first day of the literal's range and the day after its last, as SQL
/// values comparable with the field's stored text.
pub(super) fn bounds(field: &FieldDef, literal: DateLiteral) -> (Value, Value) {
    let (start, end) = range(literal, Utc::now().date_naive());
    let text = |d: NaiveDate| match field.ty {
        FieldType::DateTime => Value::Text(format!("{} 00:00:00.000", d.format("%Y-%m-%d"))),
        _ => Value::Text(d.format("%Y-%m-%d").to_string()),
    };
    (text(start), text(end))
}

/// The days a literal covers when today is `today`: `start..end`, the end
/// excluded. Ranges stop at years 1 and 9999, which stored text orders
/// correctly (chrono's own extremes print with a sign).
pub(super) fn range(literal: DateLiteral, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let DateLiteral { unit, from, to } = literal;
    let to = to.saturating_add(1);
    match unit {
        DateUnit::Day => (add_days(today, from), add_days(today, to)),
        DateUnit::Week => {
            let sunday = add_days(today, -(today.weekday().num_days_from_sunday() as i32));
            let weeks = |n: i32| add_days(sunday, n.saturating_mul(7));
            (weeks(from), weeks(to))
        }
        DateUnit::Month => {
            let first = today.with_day(1).unwrap_or(today);
            (add_months(first, from), add_months(first, to))
        }
        DateUnit::Quarter => {
            let month0 = today.month0() / 3 * 3;
            let first = NaiveDate::from_ymd_opt(today.year(), month0 + 1, 1).unwrap_or(today);
            let quarters = |n: i32| add_months(first, n.saturating_mul(3));
            (quarters(from), quarters(to))
        }
        DateUnit::Year => {
            let year = |n: i32| {
                let year = today.year().saturating_add(n);
                NaiveDate::from_ymd_opt(year, 1, 1).map_or(edge(n), |d| d.clamp(edge(-1), edge(1)))
            };
            (year(from), year(to))
        }
    }
}

fn add_days(day: NaiveDate, n: i32) -> NaiveDate {
    let moved = if n < 0 {
        day.checked_sub_days(Days::new(u64::from(n.unsigned_abs())))
    } else {
        day.checked_add_days(Days::new(n as u64))
    };
    moved.map_or(edge(n), |d| d.clamp(edge(-1), edge(1)))
}

/// The first day of year 1 for a negative `n`, the last of 9999 otherwise.
fn edge(n: i32) -> NaiveDate {
    let (y, m, d) = if n < 0 { (1, 1, 1) } else { (9999, 12, 31) };
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn add_months(day: NaiveDate, n: i32) -> NaiveDate {
    let moved = if n < 0 {
        day.checked_sub_months(Months::new(n.unsigned_abs()))
    } else {
        day.checked_add_months(Months::new(n as u32))
    };
    moved.map_or(edge(n), |d| d.clamp(edge(-1), edge(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a test date")
    }

    fn on(unit: DateUnit, from: i32, to: i32, today: &str) -> (String, String) {
        let (a, b) = range(DateLiteral { unit, from, to }, day(today));
        (a.to_string(), b.to_string())
    }

    fn pair(a: &str, b: &str) -> (String, String) {
        (a.to_owned(), b.to_owned())
    }

    #[test]
    fn days_count_from_today() {
        // TODAY, YESTERDAY, LAST_N_DAYS:3 (today included), NEXT_N_DAYS:2.
        let today = "2024-03-01";
        assert_eq!(
            on(DateUnit::Day, 0, 0, today),
            pair("2024-03-01", "2024-03-02")
        );
        assert_eq!(
            on(DateUnit::Day, -1, -1, today),
            pair("2024-02-29", "2024-03-01")
        );
        assert_eq!(
            on(DateUnit::Day, -3, 0, today),
            pair("2024-02-27", "2024-03-02")
        );
        assert_eq!(
            on(DateUnit::Day, 1, 2, today),
            pair("2024-03-02", "2024-03-04")
        );
    }

    #[test]
    fn weeks_start_on_sunday() {
        // 2024-03-06 is a Wednesday; THIS_WEEK and LAST_WEEK.
        let today = "2024-03-06";
        assert_eq!(
            on(DateUnit::Week, 0, 0, today),
            pair("2024-03-03", "2024-03-10")
        );
        assert_eq!(
            on(DateUnit::Week, -1, -1, today),
            pair("2024-02-25", "2024-03-03")
        );
        assert_eq!(
            on(DateUnit::Week, 0, 0, "2024-03-03"),
            pair("2024-03-03", "2024-03-10")
        );
    }

    #[test]
    fn months_and_years_are_calendar_ones() {
        let today = "2024-01-31";
        assert_eq!(
            on(DateUnit::Month, 0, 0, today),
            pair("2024-01-01", "2024-02-01")
        );
        assert_eq!(
            on(DateUnit::Month, -1, -1, today),
            pair("2023-12-01", "2024-01-01")
        );
        assert_eq!(
            on(DateUnit::Month, -2, -1, today),
            pair("2023-11-01", "2024-01-01")
        );
        assert_eq!(
            on(DateUnit::Year, 0, 0, today),
            pair("2024-01-01", "2025-01-01")
        );
        assert_eq!(
            on(DateUnit::Year, -1, -1, today),
            pair("2023-01-01", "2024-01-01")
        );
    }

    #[test]
    fn quarters_are_calendar_quarters() {
        // THIS_QUARTER, LAST_QUARTER across a year, NEXT_N_QUARTERS:2.
        assert_eq!(
            on(DateUnit::Quarter, 0, 0, "2024-05-15"),
            pair("2024-04-01", "2024-07-01")
        );
        assert_eq!(
            on(DateUnit::Quarter, -1, -1, "2024-02-29"),
            pair("2023-10-01", "2024-01-01")
        );
        assert_eq!(
            on(DateUnit::Quarter, 1, 2, "2024-12-31"),
            pair("2025-01-01", "2025-07-01")
        );
    }

    #[test]
    fn huge_counts_stop_at_the_calendar_ends() {
        let (start, _) = range(
            DateLiteral {
                unit: DateUnit::Day,
                from: -i32::MAX,
                to: 0,
            },
            day("2024-01-01"),
        );
        assert_eq!(start.to_string(), "0001-01-01");
    }
}
