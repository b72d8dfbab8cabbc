//! What makes a store a Salesforce org: seed data and the user-management rules.
