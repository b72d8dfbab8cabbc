//! Runs the resolved program.
