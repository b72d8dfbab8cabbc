//! Governor limit counters for one transaction: DML statements and rows, SOQL
//! queries and rows, with the platform's synchronous limits and messages.
//!
//! Exceeding a limit yields an [`ApexFailure`] of type `System.LimitException`
//! (wrapped in `OrgError::Apex` by the org); the interpreter throws it, and
//! Apex cannot catch it.

use crate::data::store::ApexFailure;

/// DML statements per transaction (including savepoints and rollbacks).
pub const DML_STATEMENTS: u32 = 150;
/// DML rows per transaction.
pub const DML_ROWS: u32 = 10_000;
/// SOQL queries per synchronous transaction.
pub const SOQL_QUERIES: u32 = 100;
/// Rows returned by SOQL per transaction.
pub const QUERY_ROWS: u32 = 50_000;

/// How much of each limit the transaction has used.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    /// DML statements so far (`Limits.getDmlStatements()`).
    pub dml_statements: u32,
    /// DML rows so far (`Limits.getDmlRows()`).
    pub dml_rows: u32,
    /// SOQL queries so far (`Limits.getQueries()`).
    pub queries: u32,
    /// Rows returned by SOQL so far (`Limits.getQueryRows()`).
    pub query_rows: u32,
}

impl Limits {
    /// Counts one DML statement of `rows` rows.
    ///
    /// The message shows the count reached, e.g. `Too many DML rows: 10001`
    /// when one row too many was written; for a statement that overshoots by
    /// more, showing the total it would reach is a guess.
    pub fn charge_dml(&mut self, rows: usize) -> Result<(), ApexFailure> {
        self.dml_statements += 1;
        if self.dml_statements > DML_STATEMENTS {
            return Err(limit(format!(
                "Too many DML statements: {}",
                self.dml_statements
            )));
        }
        self.dml_rows = self.dml_rows.saturating_add(saturate(rows));
        if self.dml_rows > DML_ROWS {
            return Err(limit(format!("Too many DML rows: {}", self.dml_rows)));
        }
        Ok(())
    }

    /// Counts a statement that writes no rows (`Database.setSavepoint`,
    /// `Database.rollback`, `System.runAs`).
    pub fn charge_dml_statement(&mut self) -> Result<(), ApexFailure> {
        self.charge_dml(0)
    }

    /// Counts one SOQL query, before it runs.
    pub fn charge_query(&mut self) -> Result<(), ApexFailure> {
        self.queries += 1;
        if self.queries > SOQL_QUERIES {
            return Err(limit(format!("Too many SOQL queries: {}", self.queries)));
        }
        Ok(())
    }

    /// Counts the rows a query returned.
    pub fn charge_query_rows(&mut self, rows: usize) -> Result<(), ApexFailure> {
        self.query_rows = self.query_rows.saturating_add(saturate(rows));
        if self.query_rows > QUERY_ROWS {
            // The platform stops at the first row past the limit, so its
            // message always names that row, however many the query had.
            return Err(limit(format!("Too many query rows: {}", QUERY_ROWS + 1)));
        }
        Ok(())
    }
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn limit(message: String) -> ApexFailure {
    ApexFailure {
        type_name: "System.LimitException",
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_151st_dml_statement_fails() {
        let mut limits = Limits::default();
        for _ in 0..150 {
            limits.charge_dml(1).expect("within limit");
        }
        let err = limits.charge_dml(1).expect_err("over limit");
        assert_eq!(err.type_name, "System.LimitException");
        assert_eq!(err.message, "Too many DML statements: 151");
    }

    #[test]
    fn rows_and_queries_have_their_own_messages() {
        let mut limits = Limits::default();
        limits.charge_dml(10_000).expect("exactly the limit");
        assert_eq!(
            limits.charge_dml(1).expect_err("over").message,
            "Too many DML rows: 10001"
        );
        for _ in 0..100 {
            limits.charge_query().expect("within limit");
        }
        assert_eq!(
            limits.charge_query().expect_err("over").message,
            "Too many SOQL queries: 101"
        );
        limits.charge_query_rows(50_000).expect("exactly the limit");
        let err = limits.charge_query_rows(1).expect_err("over");
        assert_eq!(err.message, "Too many query rows: 50001");
        // One query far past the limit names the first row over it too.
        let mut fresh = Limits::default();
        let err = fresh.charge_query_rows(60_011).expect_err("over");
        assert_eq!(err.message, "Too many query rows: 50001");
    }
}
