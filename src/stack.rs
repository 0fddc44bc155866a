//! Room for deep documents.
//!
//! Parsing, building and emitting all recurse once per nesting level. Rather than let the
//! caller's stack size (2 MiB on a test thread, 8 MiB on a main thread) decide how deep a
//! document may be, that work runs on a thread of its own with a stack sized for
//! [`crate::ir::MAX_DEPTH`]; the limits themselves are checked explicitly and reported as errors.

use crate::error::{Error, Result};

/// Stack for the worker thread. Only touched pages are committed, so this costs nothing for
/// small documents.
const STACK_BYTES: usize = 512 << 20;

/// Runs `f` on a thread with a large stack and returns its result.
pub fn run<T: Send>(f: impl FnOnce() -> Result<T> + Send) -> Result<T> {
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("cozegen".to_owned())
            .stack_size(STACK_BYTES)
            .spawn_scoped(scope, f)
            .map_err(|e| Error::Internal(format!("cannot start a worker thread: {e}")))?;
        match handle.join() {
            Ok(result) => result,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}
