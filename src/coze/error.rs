//! What can go wrong between cozegen and the Coze API: the token, the base URL or an ID refused
//! before anything is sent; a transport failure, an HTTP error or an error envelope; a run that
//! may have started. Every text in here that came from outside (the server, the HTTP client,
//! an argument quoted back) is a [`ServerText`]: scrubbed of the token and escaped where it
//! entered the client. A fetched document that does not load was read from a scrubbed body.

use crate::coze::ServerText;
use crate::endpoints::Method;
use crate::source::error::api_hint;

/// Why a request to the Coze API failed, or what it answered instead of what was asked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Fetching was asked for, but no API token was given.
    #[error(
        "no Coze API token: set the COZE_API_TOKEN environment variable or pass --token \
         (a personal access token with the permissions the command needs: getMetaData to read \
         a workflow, run to run it)"
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
        url: ServerText,
        /// What is wrong with it.
        reason: &'static str,
    },

    /// Plain `http://` to a host that is not loopback, without `--allow-insecure-http`.
    #[error(
        "refusing to send the Coze API token over plain http to `{host}`: use https, or pass \
         --allow-insecure-http if the network is trusted (plain http is allowed without it \
         only for loopback hosts)"
    )]
    InsecureHttp {
        /// The host the token would have gone to.
        host: ServerText,
    },

    /// The workflow ID is not a Coze workflow ID, so it is never put into a request.
    #[error(
        "`{id}` is not a Coze workflow ID: IDs are 1 to {max_len} digits, as after \
         `workflow_id=` in the workflow editor's URL"
    )]
    InvalidWorkflowId {
        /// The ID as given, escaped and shortened.
        id: ServerText,
        /// The most digits an ID has.
        max_len: usize,
    },

    /// The execute id is not a Coze run's id, so it is never put into a request.
    #[error(
        "`{id}` is not a Coze execute id: a run's id is 1 to {max_len} digits, as printed \
         by `cozegen run --async` (or the execute_id of any run)"
    )]
    InvalidExecuteId {
        /// The id as given, escaped and shortened.
        id: ServerText,
        /// The most digits an id has.
        max_len: usize,
    },

    /// A run history answer with no run in it (`data` empty or missing).
    #[error(
        "GET {url}: the answer holds no run (its `data` has none): check the execute id \
         {execute_id} and that the run belongs to workflow {workflow_id}"
    )]
    NoRunHistory {
        /// The request URL, with the token scrubbed.
        url: ServerText,
        /// The workflow asked about.
        workflow_id: String,
        /// The run asked about.
        execute_id: String,
    },

    /// The workspace ID is not a Coze workspace ID, so it is never put into a request.
    #[error(
        "`{id}` is not a Coze workspace ID: IDs are 1 to {max_len} digits, as after \
         `/space/` in the Coze URL"
    )]
    InvalidWorkspaceId {
        /// The ID as given, escaped and shortened.
        id: ServerText,
        /// The most digits an ID has.
        max_len: usize,
    },

    /// A workflow version name that cannot be one, so nothing is fetched for it.
    #[error(
        "{version} is not a workflow version: give a published version's name as Coze shows it, \
         such as v0.0.1 (1 to {max_len} characters, no spaces or control characters)"
    )]
    InvalidVersion {
        /// The version as given, quoted, escaped and shortened.
        version: ServerText,
        /// The most characters a version name has.
        max_len: usize,
    },

    /// The request failed before a complete answer arrived: timeout, connection, TLS, a
    /// truncated body. `attempts` counts the requests made, retries included.
    #[error("{method} {url}: {message}{}", attempts_suffix(*.attempts))]
    Fetch {
        /// The request's method.
        method: Method,
        /// The request URL, with the token scrubbed, escaped and shortened.
        url: ServerText,
        /// What kind of failure it was, for callers that retry or report differently.
        failure: FetchFailure,
        /// The HTTP client's description, with the token scrubbed.
        message: ServerText,
        /// The requests made, retries included.
        attempts: u32,
    },

    /// The Coze API answered with an HTTP error status. `code`, `msg` and `logid` come from
    /// the body's Coze envelope; a body without one is quoted in `msg`.
    #[error(
        "{method} {url}: HTTP {status}{}{}{}{}{}",
        reason_suffix(.reason),
        code_msg_suffix(.code, .msg),
        logid_suffix(.logid),
        attempts_suffix(*.attempts),
        api_hint(Some(*.status), .code.as_ref().map(ServerText::as_str), .permission.as_str())
    )]
    HttpStatus {
        /// The permission the endpoint needs, named when the token was refused.
        permission: crate::endpoints::Permission,
        /// The request's method.
        method: Method,
        /// The request URL, with the token scrubbed, escaped and shortened.
        url: ServerText,
        /// The HTTP status code.
        status: u16,
        /// The status's standard reason phrase (`Not Found`), or empty.
        reason: &'static str,
        /// The envelope's `code`, when the body has one.
        code: Option<ServerText>,
        /// The envelope's `msg`, or an excerpt of a body without an envelope.
        msg: Option<ServerText>,
        /// The envelope's `detail.logid`, when there is one.
        logid: Option<ServerText>,
        /// The requests made, retries included.
        attempts: u32,
    },

    /// The API base URL answered with a redirect, which cozegen does not follow (the token
    /// would go along to wherever it points).
    #[error(
        "{method} {url}: HTTP {status} redirect to `{location}`: cozegen does not follow \
         redirects; set --base-url (or COZE_API_BASE) to the address the API is really served \
         from"
    )]
    Redirect {
        /// The request's method.
        method: Method,
        /// The request URL, with the token scrubbed, escaped and shortened.
        url: ServerText,
        /// The redirect status (301, 302, 307, ...).
        status: u16,
        /// The `Location` header, scrubbed and escaped, or `(no Location header)`.
        location: ServerText,
    },

    /// A successful answer that carries the caller's own token: a genuine Coze answer never
    /// does, and using it would copy the token into generated files and messages.
    #[error(
        "{method} {url}: the answer contains the access token that was sent with the request; \
         a genuine Coze API answer never does, so it is not used (check --base-url or \
         COZE_API_BASE: is it really the Coze API?)"
    )]
    TokenEchoed {
        /// The request's method.
        method: Method,
        /// The request URL, with the token scrubbed, escaped and shortened.
        url: ServerText,
    },

    /// The response is larger than the configured cap.
    #[error(
        "{method} {url}: the response is larger than {} ({limit} bytes), the most cozegen \
         accepts",
        human_bytes(*.limit)
    )]
    ResponseTooLarge {
        /// The request's method.
        method: Method,
        /// The request URL, with the token scrubbed, escaped and shortened.
        url: ServerText,
        /// The most bytes accepted.
        limit: u64,
    },

    /// A successful HTTP status with a body that is not a JSON object.
    #[error(
        "{method} {url}: the response is not JSON (HTTP {status}, Content-Type: \
         {content_type}): `{excerpt}`; is the base URL a Coze API?"
    )]
    NotJson {
        /// The request's method.
        method: Method,
        /// The request URL, with the token scrubbed, escaped and shortened.
        url: ServerText,
        /// The HTTP status code.
        status: u16,
        /// The `Content-Type` header, or `none`.
        content_type: ServerText,
        /// The start of the body, scrubbed and escaped.
        excerpt: ServerText,
    },

    /// The response envelope carries a non-zero `code`.
    #[error(
        "the Coze API answered with error {code}: {msg}{}{}",
        logid_suffix(.logid),
        api_hint(None, Some(code.as_str()), .permission.as_str())
    )]
    Api {
        /// The permission the endpoint needs, named when the token was refused.
        permission: crate::endpoints::Permission,
        /// The envelope's `code`, as text.
        code: ServerText,
        /// The envelope's `msg`, escaped and shortened.
        msg: ServerText,
        /// The `detail.logid` Coze support asks for, when the envelope has one.
        logid: Option<ServerText>,
    },

    /// A run (or resume) request that Coze did not start: it could not be sent, or Coze
    /// refused it with an HTTP error. Only failures before sending and HTTP 429 with
    /// `Retry-After` are retried; `attempts` counts the requests made.
    #[error("POST {url}: {message}{}", attempts_suffix(*.attempts))]
    RunRequest {
        /// The request URL, with the token scrubbed.
        url: ServerText,
        /// What went wrong, scrubbed.
        message: ServerText,
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
        url: ServerText,
        /// What went wrong, scrubbed.
        message: ServerText,
        /// The run's execute id, when Coze sent it before the answer broke off.
        execute_id: Option<ServerText>,
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
        /// The version asked for, quoted and escaped.
        version: ServerText,
        /// The first published versions seen, quoted and escaped.
        available: Vec<ServerText>,
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
        reason: ServerText,
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
        url: ServerText,
    },

    /// The workspace lists more workflows (or pages) than cozegen reads.
    #[error("the workspace lists more than {limit} workflows, the most cozegen reads")]
    TooManyWorkflows {
        /// The most workflows read.
        limit: usize,
    },

    /// A local file to upload cannot be read (checked before anything is uploaded).
    #[error("cannot upload {path}: {message}")]
    LocalFile {
        /// The file as given, escaped and shortened.
        path: String,
        /// What is wrong: missing, not a file, unreadable.
        message: String,
    },

    /// A local file to upload is larger than Coze takes (checked before anything is uploaded).
    #[error(
        "cannot upload {path}: it has {size} bytes, more than the {} ({limit} bytes) Coze's \
         upload takes",
        human_bytes(*.limit)
    )]
    FileTooLarge {
        /// The file as given, escaped and shortened.
        path: String,
        /// Its size in bytes.
        size: u64,
        /// The most Coze takes ([`crate::coze::upload::MAX_UPLOAD_BYTES`]).
        limit: u64,
    },

    /// An upload answered with success but without what a run needs of it: the file's `id`
    /// (Coze's cloud) or its `url` (Coze Studio, which resolves URLs only).
    #[error("POST {url}: the upload of {path} answered without the file's {wanted}: `{excerpt}`")]
    UploadAnswer {
        /// The request URL, with the token scrubbed.
        url: ServerText,
        /// The file as given, escaped and shortened.
        path: String,
        /// `id` or `url`.
        wanted: &'static str,
        /// The start of the answer, scrubbed and escaped.
        excerpt: ServerText,
    },

    /// A fetched document that does not read as a workflow (an error envelope in a 200 answer,
    /// JSON that is not a WorkflowInfo). It was read from the body with the token scrubbed out,
    /// and named after the scrubbed URL, so none of its texts holds the token.
    #[error(transparent)]
    Document(crate::source::Error),
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

pub(crate) fn logid_suffix(logid: &Option<ServerText>) -> String {
    match logid {
        Some(id) => format!(" (logid {id})"),
        None => String::new(),
    }
}

pub(crate) fn reason_suffix(reason: &str) -> String {
    if reason.is_empty() {
        String::new()
    } else {
        format!(" {reason}")
    }
}

pub(crate) fn code_msg_suffix(code: &Option<ServerText>, msg: &Option<ServerText>) -> String {
    match (code, msg) {
        (Some(code), Some(msg)) if !msg.as_str().is_empty() => {
            format!(", Coze error {code}: {msg}")
        }
        (Some(code), _) => format!(", Coze error {code}"),
        (None, Some(msg)) if !msg.as_str().is_empty() => format!(": {msg}"),
        (None, _) => String::new(),
    }
}

pub(crate) fn human_bytes(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes.is_multiple_of(1 << 10) {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}
