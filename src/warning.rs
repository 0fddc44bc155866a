//! Warnings: what cozegen decided on the user's behalf, at a place in the document.

use std::fmt;

/// Something cozegen decided on the user's behalf: a fallback for an unknown type, a dropped
/// default, a renamed identifier. Never fatal unless `--deny-warnings` is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Where in the document, e.g. `input.options.limits` (node name first).
    pub path: String,
    /// What happened and what cozegen did about it.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}
