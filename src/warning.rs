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

impl Warning {
    /// Whether the warning is about the node named `node` (`input` or `output`): its path is
    /// the node or starts inside it. A warning about the document as a whole is about neither.
    pub fn is_about_node(&self, node: &str) -> bool {
        self.path
            .strip_prefix(node)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}
