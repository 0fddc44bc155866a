//! The library's error and warning types.
//!
//! Every variant that concerns one parameter carries its path (`options.limits.max_items`,
//! `rows[].sku`), so a message always says where in the document the problem is.

use crate::ir::path::printable;
use std::fmt;

/// `1 file`, `2 files`: a count with its noun, in the plural where English wants it.
pub fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

impl Error {
    /// The exit code the CLI gives this error: 2 for a usage error (arguments that cannot
    /// work, whatever the document), 1 for everything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_)
            | Error::InvalidTypeName { .. }
            | Error::InvalidDerive { .. }
            | Error::InvalidAction { .. }
            | Error::InvalidVersion { .. }
            | Error::InvalidUploadAction { .. } => 2,
            Error::Interrupted { .. } => 3,
            _ => 1,
        }
    }
}

/// Everything that can stop cozegen from producing an artifact.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Arguments that parse but do not make sense together.
    #[error("{0}")]
    Usage(String),

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

    /// The document is larger than [`crate::load::MAX_DOCUMENT_BYTES`].
    #[error("{source_name} is larger than the {limit} bytes cozegen accepts")]
    TooLarge {
        /// The file the document came from, as given (`-` for stdin).
        source_name: String,
        /// The most bytes accepted.
        limit: u64,
    },

    /// The JSON nests deeper than [`crate::load::MAX_JSON_DEPTH`].
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
        /// The JSON nesting limit, [`crate::load::MAX_JSON_DEPTH`].
        limit: usize,
        /// The parameter nesting limit, [`crate::ir::MAX_DEPTH`], which is what a user
        /// can act on.
        param_limit: usize,
    },

    /// The system would not start a thread with the stack to read or rewrite JSON this deep (see
    /// [`crate::load::MAX_JSON_DEPTH`]): a resource limit of the machine, not a fault of the
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
        api_hint(None, Some(code.as_str()))
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

    /// Parameters nested deeper than [`crate::ir::MAX_DEPTH`].
    #[error("parameter `{path}`: nested deeper than {limit} levels, the most cozegen accepts")]
    TooDeep {
        /// The parameter that goes too deep, e.g. `rows[].tags[]`.
        path: String,
        /// The most levels accepted.
        limit: usize,
    },

    /// A parameter name longer than [`crate::ir::MAX_NAME_BYTES`].
    #[error(
        "parameter `{path}`: its name is {len} bytes long, more than the {limit} cozegen accepts \
         (compilers choke on such names in generated code)"
    )]
    NameTooLong {
        /// The parameter with the long name.
        path: String,
        /// The name's length in bytes.
        len: usize,
        /// The most bytes accepted.
        limit: usize,
    },

    /// A type name chosen by the caller (`--type-name`) is not a usable Rust type name.
    #[error(
        "`{name}` cannot be used as a type name: it must be an ASCII UpperCamelCase identifier \
         that does not shadow a std or serde name"
    )]
    InvalidTypeName {
        /// The name as given.
        name: String,
    },

    /// A derive requested for the Rust artifact (`--derive`) cannot be used.
    #[error("cannot derive `{derive}`: {reason}")]
    InvalidDerive {
        /// The derive as given.
        derive: String,
        /// Why it cannot be used.
        reason: String,
    },

    /// `--deny-warnings` was given and building produced warnings.
    #[error("{} denied by --deny-warnings", plural(*.count, "warning"))]
    DeniedWarnings {
        /// How many warnings there were.
        count: usize,
    },

    /// `cozegen validate` found problems (listed separately).
    #[error("the parameters do not fit the workflow: {}", plural(*.count, "problem"))]
    InvalidParameters {
        /// How many problems were found.
        count: usize,
    },

    /// `cozegen diff` found breaking changes (listed separately).
    #[error("{}", plural(*.count, "breaking change"))]
    BreakingChanges {
        /// How many breaking changes were found.
        count: usize,
    },

    /// `--check` found artifacts that are missing or differ from what would be generated.
    #[error("{} would change: {}", if .paths.len() == 1 { "1 file" } else { "files" }, .paths.join(", "))]
    Drift {
        /// The artifacts that would change, as paths.
        paths: Vec<String>,
    },

    /// `--check` found artifacts that are missing or differ; they were listed one per line.
    #[error("{} would change (listed on stdout)", plural(*.count, "file"))]
    DriftCount {
        /// How many artifacts would change.
        count: usize,
    },

    /// `cozegen all --workspace-id`: some workflows could not be generated (each was reported).
    #[error("{failed} of {} failed (see above and index.json)", plural(*.total, "workflow"))]
    WorkflowsFailed {
        /// How many workflows failed.
        failed: usize,
        /// How many workflows the workspace listed.
        total: usize,
    },

    /// The workspace ID is not a Coze workspace ID, so it is never put into a request.
    #[error(
        "`{id}` is not a Coze workspace ID: IDs are 1 to {max_len} digits, as after \
         `/space/` in the Coze URL"
    )]
    InvalidWorkspaceId {
        /// The ID as given, escaped and shortened.
        id: String,
        /// The most digits an ID has.
        max_len: usize,
    },

    /// The workspace list endpoint is not there (HTTP 404 without a Coze error).
    #[error(
        "GET {url}: HTTP 404: this server has no workspace list endpoint; a self-hosted Coze \
         Studio server has none (and its OpenAPI does not serve a workflow's start node either).\n  \
         hint: for Coze Studio, save each workflow's canvas (`POST /api/workflow_api/canvas`) and \
         give the files to cozegen; for Coze's cloud, check --base-url"
    )]
    NoWorkflowList {
        /// The list request's URL, with the token scrubbed.
        url: String,
    },

    /// The workspace lists more workflows (or pages) than cozegen reads.
    #[error("the workspace lists more than {limit} workflows, the most cozegen reads")]
    TooManyWorkflows {
        /// The most workflows read.
        limit: usize,
    },

    /// An output file could not be written; the previous file, if any, is untouched.
    #[error("cannot write {}: {source}", printable(.path, 300))]
    Write {
        /// The output file.
        path: String,
        /// The I/O error writing it.
        #[source]
        source: std::io::Error,
    },

    /// The workflow ID is not a Coze workflow ID, so it is never put into a request.
    #[error(
        "`{id}` is not a Coze workflow ID: IDs are 1 to {max_len} digits, as after \
         `workflow_id=` in the workflow editor's URL"
    )]
    InvalidWorkflowId {
        /// The ID as given, escaped and shortened.
        id: String,
        /// The most digits an ID has.
        max_len: usize,
    },

    /// A workflow version name that cannot be one, so nothing is fetched for it.
    #[error(
        "{version} is not a workflow version: give a published version's name as Coze shows it, \
         such as v0.0.1 (1 to {max_len} characters, no spaces or control characters)"
    )]
    InvalidVersion {
        /// The version as given, escaped and shortened.
        version: String,
        /// The most characters a version name has.
        max_len: usize,
    },

    /// The version list of a workflow was read to its end without the version asked for.
    /// `available` lists the first published versions seen (quoted, escaped), `total` counts
    /// them all.
    #[error(
        "workflow {workflow_id} has no published version {version}{}",
        match .total {
            0 => " (it has no published versions; publish it in Coze first)".to_owned(),
            n if *n > .available.len() => format!(
                "; its published versions: {}, and {} more",
                .available.join(", "),
                n - .available.len()
            ),
            _ => format!("; its published versions: {}", .available.join(", ")),
        }
    )]
    VersionNotFound {
        /// The workflow whose versions were listed.
        workflow_id: String,
        /// The version asked for.
        version: String,
        /// The first published versions seen, quoted and escaped.
        available: Vec<String>,
        /// How many published versions the workflow has.
        total: usize,
    },

    /// The version list of a workflow could not be paged to its end: the server repeated a
    /// page token, promised more without a token, or sent more pages than cozegen reads.
    #[error("cannot list the versions of workflow {workflow_id}: {reason}")]
    VersionListing {
        /// The workflow whose versions were listed.
        workflow_id: String,
        /// What went wrong with the paging.
        reason: String,
    },

    /// Fetching was asked for, but no API token was given.
    #[error(
        "no Coze API token: set the COZE_API_TOKEN environment variable or pass --token \
         (a personal access token with the getMetaData permission)"
    )]
    MissingToken,

    /// The token cannot be sent in an HTTP header. The token itself is never shown.
    #[error(
        "the Coze API token contains spaces or control characters, so it cannot be sent; \
         check COZE_API_TOKEN or --token"
    )]
    InvalidToken,

    /// The API base URL is not an absolute http(s) URL without query or fragment.
    #[error("cannot use `{url}` as the Coze API base URL: {reason}")]
    InvalidBaseUrl {
        /// The base URL as given, with the token scrubbed, escaped and shortened.
        url: String,
        /// What is wrong with it.
        reason: String,
    },

    /// Plain `http://` to a host that is not loopback, without `--allow-insecure-http`.
    #[error(
        "refusing to send the Coze API token over plain http to `{host}`: use https, or pass \
         --allow-insecure-http if the network is trusted (plain http is allowed without it \
         only for loopback hosts)"
    )]
    InsecureHttp {
        /// The host the token would have gone to.
        host: String,
    },

    /// The request failed before a complete answer arrived: timeout, connection, TLS, a
    /// truncated body. `attempts` counts the requests made, retries included.
    #[error("GET {url}: {message}{}", attempts_suffix(*.attempts))]
    Fetch {
        /// The request URL, with the token scrubbed, escaped and shortened.
        url: String,
        /// What kind of failure it was, for callers that retry or report differently.
        failure: FetchFailure,
        /// The HTTP client's description, with the token scrubbed.
        message: String,
        /// The requests made, retries included.
        attempts: u32,
    },

    /// The Coze API answered with an HTTP error status. `code`, `msg` and `logid` come from
    /// the body's Coze envelope; a body without one is quoted in `msg`.
    #[error(
        "GET {url}: HTTP {status}{}{}{}{}{}",
        reason_suffix(.reason),
        code_msg_suffix(.code, .msg),
        logid_suffix(.logid),
        attempts_suffix(*.attempts),
        api_hint(Some(*.status), .code.as_deref())
    )]
    HttpStatus {
        /// The request URL, with the token scrubbed, escaped and shortened.
        url: String,
        /// The HTTP status code.
        status: u16,
        /// The status's standard reason phrase (`Not Found`), or empty.
        reason: &'static str,
        /// The envelope's `code`, when the body has one.
        code: Option<String>,
        /// The envelope's `msg`, or an excerpt of a body without an envelope.
        msg: Option<String>,
        /// The envelope's `detail.logid`, when there is one.
        logid: Option<String>,
        /// The requests made, retries included.
        attempts: u32,
    },

    /// The API base URL answered with a redirect, which cozegen does not follow (the token
    /// would go along to wherever it points).
    #[error(
        "GET {url}: HTTP {status} redirect to `{location}`: cozegen does not follow redirects; \
         set --base-url (or COZE_API_BASE) to the address the API is really served from"
    )]
    Redirect {
        /// The request URL, with the token scrubbed, escaped and shortened.
        url: String,
        /// The redirect status (301, 302, 307, ...).
        status: u16,
        /// The `Location` header, scrubbed and escaped, or `(no Location header)`.
        location: String,
    },

    /// A successful answer that carries the caller's own token: a genuine Coze answer never
    /// does, and using it would copy the token into generated files and messages.
    #[error(
        "GET {url}: the answer contains the access token that was sent with the request; a \
         genuine Coze API answer never does, so it is not used (check --base-url or \
         COZE_API_BASE: is it really the Coze API?)"
    )]
    TokenEchoed {
        /// The request URL, with the token scrubbed, escaped and shortened.
        url: String,
    },

    /// The response is larger than the configured cap.
    #[error(
        "GET {url}: the response is larger than {} ({limit} bytes), the most cozegen accepts",
        human_bytes(*.limit)
    )]
    ResponseTooLarge {
        /// The request URL, with the token scrubbed, escaped and shortened.
        url: String,
        /// The most bytes accepted.
        limit: u64,
    },

    /// A successful HTTP status with a body that is not a JSON object.
    #[error(
        "GET {url}: the response is not JSON (HTTP {status}, Content-Type: {content_type}): \
         `{excerpt}`; is the base URL a Coze API?"
    )]
    NotJson {
        /// The request URL, with the token scrubbed, escaped and shortened.
        url: String,
        /// The HTTP status code.
        status: u16,
        /// The `Content-Type` header, or `none`.
        content_type: String,
        /// The start of the body, scrubbed and escaped.
        excerpt: String,
    },
    /// A run (or resume) request that Coze did not start: it could not be sent, or Coze
    /// refused it with an HTTP error. Only failures before sending and HTTP 429 with
    /// `Retry-After` are retried; `attempts` counts the requests made.
    #[error("POST {url}: {message}{}", attempts_suffix(*.attempts))]
    RunRequest {
        /// The request URL, with the token scrubbed.
        url: String,
        /// What went wrong, scrubbed.
        message: String,
        /// How many requests were made.
        attempts: u32,
    },

    /// A run (or resume) request was sent, but no complete answer came back (a timeout, a
    /// dropped connection, a 5xx, a stream cut short): the run may have started, so it is
    /// never sent again. `execute_id` is the run's, when it is known.
    #[error(
        "POST {url}: {message}; the run may have started on Coze, so cozegen did not send it \
         again: {}",
        match .execute_id {
            Some(id) => format!(
                "its execute id is {id}; check its result in the workflow's run history \
                 before running it again"
            ),
            None => "no execute id is known; check the workflow's run history on Coze before \
                     running it again"
                .to_owned(),
        }
    )]
    RunUnconfirmed {
        /// The request URL, with the token scrubbed.
        url: String,
        /// What went wrong, scrubbed.
        message: String,
        /// The run's execute id, when Coze sent it before the answer broke off.
        execute_id: Option<String>,
    },

    /// The output of a run does not fit the end node (the problems were listed separately).
    #[error(
        "the run's output does not fit the end node: {} (listed above; the raw output is on \
         stdout)",
        plural(*.count, "problem")
    )]
    OutputMismatch {
        /// How many problems were found.
        count: usize,
    },

    /// The run stopped at a question or input node and waits for an answer (how to resume
    /// was printed separately). The CLI exits 3.
    #[error("the run is waiting for an answer to interrupt {event_id} (resume it as shown above)")]
    Interrupted {
        /// The interrupt's event id, which `--resume` takes.
        event_id: String,
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

    /// An MCP session that could not begin: the client broke the protocol.
    #[error("MCP session: {0}")]
    Mcp(String),

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

/// Why a request got no complete answer (see [`Error::Fetch`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FetchFailure {
    /// No connection or no complete answer within the timeout.
    Timeout,
    /// The host name did not resolve.
    Dns,
    /// The connection was refused, reset or otherwise failed.
    Connect,
    /// The TLS handshake or certificate check failed.
    Tls,
    /// The connection closed before the whole response arrived.
    Truncated,
    /// The answer was not valid HTTP.
    Protocol,
    /// Anything else the HTTP client reported.
    Other,
}

fn attempts_suffix(attempts: u32) -> String {
    if attempts > 1 {
        format!(" (gave up after {attempts} attempts)")
    } else {
        String::new()
    }
}

fn reason_suffix(reason: &str) -> String {
    if reason.is_empty() {
        String::new()
    } else {
        format!(" {reason}")
    }
}

fn code_msg_suffix(code: &Option<String>, msg: &Option<String>) -> String {
    match (code, msg) {
        (Some(code), Some(msg)) if !msg.is_empty() => format!(", Coze error {code}: {msg}"),
        (Some(code), _) => format!(", Coze error {code}"),
        (None, Some(msg)) if !msg.is_empty() => format!(": {msg}"),
        (None, _) => String::new(),
    }
}

/// What the user can do about an authentication or not-found answer, on a line of its own.
fn api_hint(status: Option<u16>, code: Option<&str>) -> &'static str {
    match (status, code.map(str::trim)) {
        (_, Some("4100" | "4101")) | (Some(401 | 403), _) => {
            "\n  hint: check the token (COZE_API_TOKEN or --token): it must be valid and \
             unexpired, have the getMetaData permission, and come from the same Coze site as \
             the base URL (a coze.com token is rejected by https://api.coze.cn the same way; \
             use --base-url https://api.coze.com for coze.com)"
        }
        (_, Some("4200")) | (Some(404), _) => {
            "\n  hint: no workflow with this ID is visible to this token: check the ID (the \
             digits after `workflow_id=` in the workflow editor's URL), that the workflow is \
             published, and that the token can access its workspace"
        }
        _ => "",
    }
}

fn human_bytes(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes.is_multiple_of(1 << 10) {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
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
