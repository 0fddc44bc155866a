//! Checks over the IR for CI and callers: a run's `parameters` against the start node
//! ([`validate`]), and two versions of a workflow against each other ([`diff`]).

#[cfg(feature = "diff")]
pub mod diff;
#[cfg(feature = "validate")]
pub mod validate;
