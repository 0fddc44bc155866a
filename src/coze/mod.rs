//! The Coze API client: one [`Client`] for every endpoint cozegen calls (the constants of
//! [`crate::endpoints`]).
//!
//! - Reads ([`fetch`]): a workflow's WorkflowInfo (`GET /v1/workflows/:workflow_id`), a
//!   published version from the version list (`GET /v1/workflows/:workflow_id/versions`), a
//!   workspace's workflows (`GET /v1/workflows`).
//! - Uploads ([`upload`]): a local file for a file parameter (`POST /v1/files/upload`).
//! - Runs ([`run`]): a run and a streamed run (`POST /v1/workflow/run`,
//!   `/v1/workflow/stream_run`), their resumes (`POST /v1/workflows/resume`,
//!   `/v1/workflow/stream_resume`), a chat with a chatflow (`POST /v1/workflows/chat`).
//! - Asynchronous runs ([`history`]): a run started with `is_async: true`, and one run read
//!   back from the run history (`GET /v1/workflows/:workflow_id/run_histories/:execute_id`, or
//!   Coze Studio's `GET /v1/workflow/get_run_history`).
//!
//! Every request goes through one send (`send`): the IDs, base URL and token are checked
//! before anything leaves the machine; the endpoint's resend policy says whether a failed
//! request may go again (a read may; a run is never sent twice once it may have reached Coze);
//! bodies are read with limits. Request and answer bodies are serde types (`wire`); streams
//! are read as server-sent events (`sse`). The token never appears in an error or a debug
//! print: it lives in [`Token`], and text from outside is scrubbed of it where it enters the
//! client (`token`), so errors hold only [`ServerText`].
//!
//! ```no_run
//! use cozegen::coze::{Client, Options, Token};
//!
//! let client = Client::new(Options {
//!     token: Some(Token::new(std::env::var("COZE_API_TOKEN").unwrap_or_default())),
//!     ..Options::default()
//! });
//! let info = client.workflow_info("7350583675492388916")?;
//! let (workflow, _warnings) = cozegen::build(&info, &Default::default())?;
//! # Ok::<(), cozegen::Error>(())
//! ```

pub mod error;
pub mod fetch;
pub mod history;
mod multipart;
mod retry;
pub mod run;
mod send;
mod sse;
mod target;
mod token;
pub mod upload;
mod wire;

pub use error::{Error, FetchFailure};
pub use fetch::ListedWorkflow;
pub use history::{AsyncRun, RunHistory, RunStatus, Wait};
pub use retry::{MAX_RETRY_WAIT, MAX_TOTAL_RETRY_WAIT};
pub use run::{Interrupt, Output, RunAnswer};
pub use sse::{ChatEnd, Event, StreamEnd};
pub use token::{MIN_SCRUBBED_LEN, ServerText, Token};
pub use upload::{LocalFile, Uploaded};
pub use wire::{ChatMessage, ChatRequest, ContentType, ResumeRequest, Role, RunRequest, Usage};

#[cfg(feature = "serve")]
pub(crate) use sse::execute_id_of;
pub(crate) use token::Scrub;

use std::time::Duration;

/// Shorthand for results of talking to Coze.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The API of coze.cn. coze.com's is `https://api.coze.com`; a self-hosted Coze Studio serves
/// the same API at its own address.
pub const DEFAULT_BASE_URL: &str = "https://api.coze.cn";

/// The default cap on the response size, in bytes.
pub const MAX_RESPONSE_BYTES: u64 = 64 << 20;

/// How to reach the Coze API and how patient to be.
#[derive(Debug, Clone)]
pub struct Options {
    /// The API's address, e.g. [`DEFAULT_BASE_URL`], `https://api.coze.com`, or a self-hosted
    /// Coze Studio. A path prefix is kept; a trailing `/` is ignored.
    pub base_url: String,
    /// The access token (`getMetaData` permission to read workflows, `listVersion` for their
    /// versions, the run permission to run them). `None` or empty is an error.
    pub token: Option<Token>,
    /// The longest one request may take, from connecting to the last byte of the body (or of
    /// a stream).
    pub timeout: Duration,
    /// The longest connecting may take (never more than `timeout`).
    pub connect_timeout: Duration,
    /// How many times a request may be sent again after a failure its endpoint's resend
    /// policy lets go again.
    pub retries: u32,
    /// The wait before the first retry; it doubles for each further retry. A `Retry-After`
    /// header replaces it. Each wait is capped at [`MAX_RETRY_WAIT`], all of them together at
    /// [`MAX_TOTAL_RETRY_WAIT`].
    pub retry_delay: Duration,
    /// The largest response accepted, in bytes.
    pub max_bytes: u64,
    /// Send the token over plain `http://` to hosts other than loopback.
    pub allow_insecure_http: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            base_url: DEFAULT_BASE_URL.to_owned(),
            token: None,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retries: 3,
            retry_delay: Duration::from_millis(500),
            max_bytes: MAX_RESPONSE_BYTES,
            allow_insecure_http: false,
        }
    }
}

/// The Coze API, reached with [`Options`]. It holds no connection between requests (each
/// attempt connects afresh), so one client serves any number of calls, from any thread. Its
/// one state is a pause: after an HTTP 429, no request of the client or of its clones is sent
/// until the wait asked for (`Retry-After`, else the backoff) is over.
#[derive(Debug, Clone)]
pub struct Client {
    options: Options,
    scrub: Scrub,
    gate: std::sync::Arc<retry::Gate>,
}

impl Client {
    /// A client for `options`.
    pub fn new(options: Options) -> Client {
        let scrub = Scrub::new(options.token.as_ref());
        Client {
            options,
            scrub,
            gate: Default::default(),
        }
    }

    /// How the client reaches Coze.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The token, if it is there and can be sent in a header: [`Error::MissingToken`] or
    /// [`Error::InvalidToken`] otherwise. Every request checks it; a server can check it when
    /// it starts.
    pub fn token(&self) -> Result<&Token> {
        let token = self
            .options
            .token
            .as_ref()
            .filter(|t| !t.is_empty())
            .ok_or(Error::MissingToken)?;
        // Visible ASCII only: anything else either cannot go into a header or could inject one.
        if !token.expose().bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::InvalidToken);
        }
        Ok(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_debug_print_holds_no_token() {
        let client = Client::new(Options {
            token: Some(Token::new("pat_secret_token")),
            ..Options::default()
        });
        let debug = format!("{client:?}");
        assert!(!debug.contains("pat_secret_token"), "{debug}");
        assert!(debug.contains("Token(<redacted>)"), "{debug}");
    }

    #[test]
    fn a_token_must_be_there_and_fit_in_a_header() {
        let with = |token: Option<&str>| {
            Client::new(Options {
                token: token.map(Token::new),
                ..Options::default()
            })
        };
        assert!(matches!(with(None).token(), Err(Error::MissingToken)));
        assert!(matches!(with(Some("  ")).token(), Err(Error::MissingToken)));
        assert!(matches!(
            with(Some("pat_a b")).token(),
            Err(Error::InvalidToken)
        ));
        assert!(with(Some("pat_ok")).token().is_ok());
    }
}
