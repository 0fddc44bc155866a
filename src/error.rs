//! The library's error: one variant per layer, each layer's own error inside.
//!
//! A layer's functions return its own error ([`crate::source::Error`] while reading a document,
//! [`crate::ir::Error`] while building the IR, [`crate::emit::Error`] while rendering,
//! [`crate::output::Error`] while writing, [`crate::coze::Error`] talking to Coze); this one
//! gathers them for the functions that span layers. Without the `fetch` feature it has no HTTP
//! variant: a build script sees only what can go wrong in a build script. Exit codes are the
//! command line's business (`src/cli/error.rs`), not the library's.

pub use crate::warning::Warning;

/// Everything that can stop cozegen, by layer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A document could not be read.
    #[error(transparent)]
    Source(#[from] crate::source::Error),
    /// The IR could not be built.
    #[error(transparent)]
    Ir(#[from] crate::ir::Error),
    /// An artifact could not be rendered.
    #[error(transparent)]
    Emit(#[from] crate::emit::Error),
    /// An output file could not be compared or written.
    #[error(transparent)]
    Output(#[from] crate::output::Error),
    /// A request to the Coze API failed.
    #[cfg(feature = "fetch")]
    #[error(transparent)]
    Coze(#[from] crate::coze::Error),
    /// An MCP session could not begin: the client broke the protocol.
    #[cfg(feature = "mcp")]
    #[error("MCP session: {0}")]
    Mcp(String),
    /// The web server of `cozegen serve` could not listen, or failed.
    #[cfg(feature = "serve")]
    #[error("{0}")]
    Serve(String),
    /// A bug in cozegen, not in the input.
    #[error("internal error (a bug in cozegen, please report it): {0}")]
    Internal(String),
}

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
