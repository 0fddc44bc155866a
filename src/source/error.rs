//! What can stop a document from being read: the file or stdin, its size and nesting, its
//! JSON, an error envelope in place of a workflow, a canvas that cannot be read.

use crate::text::printable;

/// Why a document (a WorkflowInfo, a Coze Studio canvas, a `parameters` file) could not be
/// read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The document could not be read from disk or stdin.
    // Paths come from the command line or a workspace listing: escaped like any untrusted text.
    #[error("cannot read {}: {source}", printable(.source_name, 300))]
    Read {
        /// The file the document came from, as given (`-` for stdin).
        source_name: String,
        /// The I/O error reading it.
        #[source]
        source: std::io::Error,
    },

    /// The document holds no JSON at all (an empty file, or only whitespace).
    #[error("{} is empty: it holds no JSON at all", printable(.source_name, 300))]
    Empty {
        /// The file the document came from, as given (`-` for stdin).
        source_name: String,
    },

    /// The document is larger than [`crate::limits::MAX_DOCUMENT_BYTES`].
    #[error("{source_name} is larger than the {limit} bytes cozegen accepts")]
    TooLarge {
        /// The file the document came from, as given (`-` for stdin).
        source_name: String,
        /// The most bytes accepted.
        limit: u64,
    },

    /// The JSON nests deeper than [`crate::limits::MAX_JSON_DEPTH`].
    #[error(
        "{source_name}: line {line}, column {column}: JSON nested deeper than {limit} levels; \
         cozegen accepts parameters nested up to {param_limit} levels"
    )]
    JsonTooDeep {
        /// Where the document came from: a file as given (`-` for stdin), or the fetched URL.
        source_name: String,
        /// The 1-based line of the bracket that went too deep.
        line: usize,
        /// The 1-based column (in bytes) of that bracket.
        column: usize,
        /// The JSON nesting limit, [`crate::limits::MAX_JSON_DEPTH`].
        limit: usize,
        /// The parameter nesting limit, [`crate::limits::MAX_DEPTH`], which is what a user
        /// can act on.
        param_limit: usize,
    },

    /// The system would not start a thread with the stack to read or rewrite JSON this deep (see
    /// [`crate::limits::MAX_JSON_DEPTH`]): a resource limit of the machine, not a fault of the
    /// document.
    #[error(
        "{}: cannot start a thread with the stack for JSON nested {depth} levels deep: {source}",
        printable(.source_name, 300)
    )]
    ReaderThread {
        /// Where the document came from: a file as given (`-` for stdin), or the fetched URL.
        source_name: String,
        /// How deep the document nests.
        depth: usize,
        /// Why the thread did not start.
        #[source]
        source: std::io::Error,
    },

    /// The document is not a JSON object: an array, a string, a number, or not JSON at all.
    #[error(
        "{}: line {line}, column {column}: expected a WorkflowInfo (the JSON object Coze's \
         get-workflow-info endpoint answers, or its `data`) or a Coze Studio canvas, but found \
         {found}",
        printable(.source_name, 300)
    )]
    NotAWorkflow {
        /// Where the document came from: a file as given (`-` for stdin), or the fetched URL.
        source_name: String,
        /// What was found instead, in words (`a JSON array`, `text that is not JSON (…)`).
        found: String,
        /// The 1-based line of what was found (of the error, for text that is not JSON).
        line: usize,
        /// The 1-based column there.
        column: usize,
    },

    /// The document is not JSON, or not shaped like a WorkflowInfo where shape matters.
    #[error("{source_name}: line {line}, column {column}: {message}{}", at_path(.path))]
    Json {
        /// Where the document came from: a file as given (`-` for stdin), or the fetched URL.
        source_name: String,
        /// The 1-based line of the error.
        line: usize,
        /// The 1-based column of the error.
        column: usize,
        /// Where in the document, e.g. `data.input.parameters.rows.items` (empty at the top).
        path: String,
        /// What is wrong there, as serde_json describes it.
        message: String,
    },

    /// The response envelope carries a non-zero `code`.
    #[error(
        "the Coze API answered with error {code}: {msg}{}{}",
        logid_suffix(.logid),
        api_hint(None, Some(code.as_str()), crate::endpoints::WORKFLOW.permission.as_str())
    )]
    Api {
        /// The envelope's `code`, as text.
        code: String,
        /// The envelope's `msg`, escaped and shortened.
        msg: String,
        /// The `detail.logid` Coze support asks for, when the envelope has one.
        logid: Option<String>,
    },

    /// A successful envelope without a `data` object.
    #[error("{source_name}: the response has no `data` object, so there is no workflow to read")]
    MissingData {
        /// Where the document came from: a file as given (`-` for stdin), or the fetched URL.
        source_name: String,
    },

    /// A WorkflowInfo fetched without `include_input_output=true`.
    #[error(
        "{source_name}: the WorkflowInfo has no `input`: it was fetched without \
         `include_input_output=true`; fetch it again with \
         `GET /v1/workflows/<id>?include_input_output=true`"
    )]
    MissingInput {
        /// Where the document came from: a file as given (`-` for stdin), or the fetched URL.
        source_name: String,
    },

    /// The answer of a self-hosted Coze Studio server: a chatflow's `role`, and no start node.
    #[error(
        "{source_name}: this is a Coze Studio server (the self-hosted, open-source Coze): it \
         answered with a chatflow's `role` and no `input`, because Coze Studio's OpenAPI does not \
         serve a workflow's start node.\n  hint: get the workflow's canvas instead: signed in to \
         Studio, `POST /api/workflow_api/canvas` with {{\"workflow_id\":\"…\",\"space_id\":\"…\"}} \
         (what the workflow editor loads; copy it from the browser's network tab) answers with it. \
         Save that answer, or the canvas JSON in its `data.workflow.schema_json`, to a file: every \
         cozegen command reads it in place of a WorkflowInfo"
    )]
    StudioAnswer {
        /// Where the document came from: a file as given (`-` for stdin), or the fetched URL.
        source_name: String,
    },

    /// A Coze Studio canvas that cannot be read: no start node, variables that are not lists
    /// of named objects. `path` is the place in the canvas (`nodes[0].data.outputs[2]`).
    #[error("{}: {message}{}", printable(.source_name, 300), at_path(.path))]
    Canvas {
        /// The file the canvas came from, as given.
        source_name: String,
        /// Where in the canvas, e.g. `nodes[0].data.outputs[2]`.
        path: String,
        /// What is wrong there.
        message: String,
    },

    /// A reader that broke its own invariant. This is a bug in cozegen, not in the input.
    #[error("internal error (a bug in cozegen, please report it): {0}")]
    Internal(String),
}

pub(crate) fn at_path(path: &str) -> String {
    if path.is_empty() || path == "." {
        String::new()
    } else {
        format!(" (at `{path}`)")
    }
}

pub(crate) fn logid_suffix(logid: &Option<String>) -> String {
    match logid {
        Some(id) => format!(" (logid {id})"),
        None => String::new(),
    }
}

/// What the user can do about an authentication or not-found answer, on a line of its own.
///
/// `permission` is the one the request's endpoint needs (`crate::endpoints`), named in the
/// token hint: a run needs `run`, a history read `listRunHistory`, a definition `getMetaData`.
pub(crate) fn api_hint(status: Option<u16>, code: Option<&str>, permission: &str) -> String {
    match (status, code.map(str::trim)) {
        (_, Some("4100" | "4101")) | (Some(401 | 403), _) => format!(
            "\n  hint: check the token (COZE_API_TOKEN or --token): it must be valid and \
             unexpired, have the {permission} permission, and come from the same Coze site as \
             the base URL (a coze.com token is rejected by https://api.coze.cn the same way; \
             use --base-url https://api.coze.com for coze.com)"
        ),
        (_, Some("4200")) | (Some(404), _) => {
            "\n  hint: no workflow with this ID is visible to this token: check the ID (the \
             digits after `workflow_id=` in the workflow editor's URL), that the workflow is \
             published, and that the token can access its workspace"
                .to_owned()
        }
        _ => String::new(),
    }
}
