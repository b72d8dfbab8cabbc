//! Source text to AST: tokens, parsers and compile diagnostics.
//!
//! Knows nothing of values or storage.

pub mod ast;
pub mod name;
pub mod parse;
pub mod render;
pub mod source;
pub mod token;

pub use parse::{parse_expression, parse_script, parse_soql, parse_unit};
pub use render::render_diagnostics;
