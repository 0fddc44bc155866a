//! What can stop an emitter: an option the artifact cannot honour, or (a bug) a template that
//! failed.

/// Why an artifact could not be rendered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A derive requested for the Rust artifact (`--derive`) cannot be used.
    #[error("cannot derive `{derive}`: {reason}")]
    InvalidDerive {
        /// The derive as given.
        derive: String,
        /// Why it cannot be used.
        reason: String,
    },

    /// The `--action` URL of the HTML form is not one the page can post to.
    #[error("--action {url}: {reason}")]
    InvalidAction {
        /// The action URL as given, escaped and shortened.
        url: String,
        /// Why the form cannot post to it.
        reason: String,
    },

    /// The `--upload-action` URL of the HTML form is not one the page can upload files to.
    #[error("--upload-action {url}: {reason}")]
    InvalidUploadAction {
        /// The upload URL as given, escaped and shortened.
        url: String,
        /// Why the form cannot upload to it.
        reason: String,
    },

    /// Options of the HTML form that do not go together (`--component` with `--fragment`), or
    /// one that needs another (`--element` without `--component`).
    #[error("{0}")]
    ConflictingOptions(String),

    /// A template failed to render, or an emitter broke its own invariant. This is a bug in
    /// cozegen, not in the input.
    #[error("internal error (a bug in cozegen, please report it): {0}")]
    Internal(String),
}

impl From<askama::Error> for Error {
    fn from(e: askama::Error) -> Self {
        Error::Internal(format!("template rendering failed: {e}"))
    }
}
