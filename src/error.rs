//! The library's error and warning types.
//!
//! Every variant that concerns one parameter carries its path (`options.limits.max_items`,
//! `rows[].sku`), so a message always says where in the document the problem is.

use std::fmt;

/// Everything that can stop cozegen from producing an artifact.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The document could not be read from disk or stdin.
    #[error("cannot read {source_name}: {source}")]
    Read {
        source_name: String,
        #[source]
        source: std::io::Error,
    },

    /// The document is larger than [`crate::load::MAX_DOCUMENT_BYTES`].
    #[error("{source_name} is larger than the {limit} bytes cozegen accepts")]
    TooLarge { source_name: String, limit: u64 },

    /// The JSON nests deeper than [`crate::load::MAX_JSON_DEPTH`].
    #[error(
        "{source_name}: line {line}, column {column}: JSON nested deeper than {limit} levels; \
         cozegen accepts parameters nested up to {param_limit} levels"
    )]
    JsonTooDeep {
        source_name: String,
        line: usize,
        column: usize,
        limit: usize,
        param_limit: usize,
    },

    /// The document is not JSON, or not shaped like a WorkflowInfo where shape matters.
    #[error("{source_name}: line {line}, column {column}: {message}{}", at_path(.path))]
    Json {
        source_name: String,
        line: usize,
        column: usize,
        /// Where in the document, e.g. `data.input.parameters.rows.items` (empty at the top).
        path: String,
        message: String,
    },

    /// The response envelope carries a non-zero `code`.
    #[error("the Coze API answered with error {code}: {msg}{}", logid_suffix(.logid))]
    Api {
        code: String,
        msg: String,
        logid: Option<String>,
    },

    /// A successful envelope without a `data` object.
    #[error("{source_name}: the response has no `data` object, so there is no workflow to read")]
    MissingData { source_name: String },

    /// A WorkflowInfo fetched without `include_input_output=true`.
    #[error(
        "{source_name}: the WorkflowInfo has no `input`: it was fetched without \
         `include_input_output=true`; fetch it again with \
         `GET /v1/workflows/<id>?include_input_output=true`"
    )]
    MissingInput { source_name: String },

    /// Parameters nested deeper than [`crate::ir::MAX_DEPTH`].
    #[error("parameter `{path}`: nested deeper than {limit} levels, the most cozegen accepts")]
    TooDeep { path: String, limit: usize },

    /// A type name chosen by the caller (`--type-name`) is not a usable Rust type name.
    #[error(
        "`{name}` cannot be used as a type name: it must be an ASCII UpperCamelCase identifier \
         that does not shadow a std or serde name"
    )]
    InvalidTypeName { name: String },

    /// `--deny-warnings` was given and building produced warnings.
    #[error("{count} warning(s) denied by --deny-warnings")]
    DeniedWarnings { count: usize },

    /// An output file could not be written; the previous file, if any, is untouched.
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },

    /// The `--action` URL of the HTML form is not one the page can post to.
    #[error("--action {url}: {reason}")]
    InvalidAction { url: String, reason: String },

    /// A template failed to render. This is a bug in cozegen, not in the input.
    #[error("internal error (a bug in cozegen, please report it): {0}")]
    Internal(String),
}

fn at_path(path: &str) -> String {
    if path.is_empty() || path == "." {
        String::new()
    } else {
        format!(" (at `{path}`)")
    }
}

fn logid_suffix(logid: &Option<String>) -> String {
    match logid {
        Some(id) => format!(" (logid {id})"),
        None => String::new(),
    }
}

impl From<askama::Error> for Error {
    fn from(e: askama::Error) -> Self {
        Error::Internal(format!("template rendering failed: {e}"))
    }
}

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

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
