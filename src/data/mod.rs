//! Records in, records out: schema, Ids, validation, the save pipeline, SOQL and SQLite.
//!
//! Nothing here sees an interpreter value: callers hand over [`record::Record`]s
//! and get back records, Ids and per-row errors with status codes.

pub mod dml;
pub mod external_id;
pub mod id;
pub mod limits;
pub mod objects;
pub mod picklists;
pub mod record;
pub mod schema;
pub mod soql;
pub mod status;
pub mod store;
pub mod validate;
