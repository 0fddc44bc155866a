//! Where WorkflowInfo documents come from over the network: Coze's "get workflow info" API,
//! `GET {base}/v1/workflows/{workflow_id}?include_input_output=true`, and for a published
//! version, its version list, `GET {base}/v1/workflows/{workflow_id}/versions` (see
//! [`snapshot_version`]).
//!
//! The client is [`ureq`] over rustls (no system OpenSSL). Every request has a connect timeout
//! and an overall timeout; connection failures, HTTP 429 and 5xx are retried a bounded number
//! of times with exponential backoff (or the server's `Retry-After`); other 4xx are not. The
//! body is always read, also on error statuses, because Coze explains failures in a
//! `{code, msg, detail: {logid}}` envelope, sometimes with HTTP 200.
//!
//! The token never appears in an error or a debug print: it lives in [`Token`], whose `Debug`
//! is redacted and which has no `Display`, and every piece of text that comes from the server
//! or the HTTP library is scrubbed of the token and escaped for the terminal before it goes
//! into an [`Error`].
//!
//! ```no_run
//! use cozegen::coze::fetch::{FetchOptions, Token};
//!
//! let options = FetchOptions {
//!     token: Some(Token::new(std::env::var("COZE_API_TOKEN").unwrap_or_default())),
//!     ..FetchOptions::default()
//! };
//! let info = cozegen::coze::fetch::fetch_workflow(&options, "7350583675492388916")?;
//! let (workflow, _warnings) = cozegen::build(&info, &Default::default())?;
//! # Ok::<(), cozegen::Error>(())
//! ```

use crate::coze::error::{Error, FetchFailure};
use crate::source::Error as SourceError;

/// Shorthand for results of talking to Coze.
pub type Result<T, E = Error> = std::result::Result<T, E>;
use crate::limits::MAX_ID_LEN;
use crate::model::{ResponseDetail, Scalar, WorkflowInfo};
use crate::text::{printable, quote};
use std::fmt;
use std::time::Duration;

/// The API of coze.cn. coze.com's is `https://api.coze.com`; a self-hosted Coze Studio serves
/// the same API at its own address.
pub const DEFAULT_BASE_URL: &str = "https://api.coze.cn";

/// The default cap on the response size, in bytes.
pub const MAX_RESPONSE_BYTES: u64 = 64 << 20;

/// The longest single wait between two attempts, whatever `Retry-After` asks for.
pub const MAX_RETRY_WAIT: Duration = Duration::from_secs(30);

/// The most time spent waiting between attempts, all retries together.
pub const MAX_TOTAL_RETRY_WAIT: Duration = Duration::from_secs(60);

/// The most read of an error answer's body: enough for any Coze envelope.
pub(crate) const MAX_ERROR_BODY_BYTES: u64 = 1 << 20;

const USER_AGENT: &str = concat!("cozegen/", env!("CARGO_PKG_VERSION"));

/// What replaces the token wherever server or library text happens to contain it.
const REDACTED: &str = "<redacted>";

/// A Coze API access token. Its `Debug` output is redacted and it has no `Display`, so it
/// cannot end up in a message by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Wraps a token (surrounding whitespace is removed).
    pub fn new(token: impl Into<String>) -> Self {
        let token = token.into();
        Token(token.trim().to_owned())
    }

    /// Whether the token is empty (an empty `COZE_API_TOKEN` counts as no token).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// How to reach the Coze API and how patient to be.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// The API's address, e.g. [`DEFAULT_BASE_URL`], `https://api.coze.com`, or a self-hosted
    /// Coze Studio. A path prefix is kept; a trailing `/` is ignored.
    pub base_url: String,
    /// The access token (needs the `getMetaData` permission). `None` or empty is an error.
    pub token: Option<Token>,
    /// The longest one request may take, from connecting to the last byte of the body.
    pub timeout: Duration,
    /// The longest connecting may take (never more than `timeout`).
    pub connect_timeout: Duration,
    /// How many times to retry after a connection error, HTTP 429 or 5xx.
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

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
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

/// Fetches a workflow's WorkflowInfo and unwraps it like [`crate::load_slice`] does: an error
/// envelope (`code != 0`, even with HTTP 200) is [`Error::Api`].
pub fn fetch_workflow(options: &FetchOptions, workflow_id: &str) -> Result<WorkflowInfo> {
    let (url, bytes) = fetch(options, workflow_id)?;
    let token = options.token.as_ref();
    let info = crate::source::load_slice(&bytes, &format!("the response from {url}"))
        .map_err(|e| scrub_error(e, token))?;
    refuse_echo(&url, &bytes, token)?;
    Ok(info)
}

/// Fetches a workflow's raw response body. Network and HTTP failures are errors; the body is
/// known to start like a JSON object but is otherwise unchecked (see [`fetch_workflow`]).
pub fn fetch_bytes(options: &FetchOptions, workflow_id: &str) -> Result<Vec<u8>> {
    let (url, bytes) = fetch(options, workflow_id)?;
    refuse_echo(&url, &bytes, options.token.as_ref())?;
    Ok(bytes)
}

/// Fetches a workflow's response, checks that it is a usable WorkflowInfo (not an error
/// envelope, `input` present), and returns it as pretty-printed JSON ending in a newline: a
/// snapshot to commit and generate from offline.
pub fn snapshot(options: &FetchOptions, workflow_id: &str) -> Result<String> {
    let (url, bytes) = fetch(options, workflow_id)?;
    let token = options.token.as_ref();
    let source_name = format!("the response from {url}");
    crate::source::load_slice(&bytes, &source_name).map_err(|e| scrub_error(e, token))?;
    refuse_echo(&url, &bytes, token)?;
    pretty(&bytes, &source_name)
}

/// An answer that was read as a success but holds the token that was sent is refused, so the
/// token never reaches generated files, snapshots or messages. (Error answers are quoted with
/// the token scrubbed instead; see [`scrub_error`].)
pub(crate) fn refuse_echo(url: &str, body: &[u8], token: Option<&Token>) -> Result<()> {
    match token {
        Some(t) if echoes(body, t.expose()) => Err(Error::TokenEchoed {
            url: clean(url, 300, t),
        }),
        _ => Ok(()),
    }
}

/// The URL a fetch of `workflow_id` requests, after checking the ID, the base URL and the
/// plain-http rule. Nothing is sent.
pub fn request_url(options: &FetchOptions, workflow_id: &str) -> Result<String> {
    // The token could have been passed by mistake as the ID or the base URL (swapped
    // variables): the messages quoting them are scrubbed too.
    let token = options.token.as_ref();
    check_workflow_id(workflow_id, token)?;
    let base = check_base_url(&options.base_url, options.allow_insecure_http, token)?;
    Ok(format!(
        "{base}/v1/workflows/{workflow_id}?include_input_output=true"
    ))
}

pub(crate) fn check_workflow_id(id: &str, token: Option<&Token>) -> Result<()> {
    check_id(id, token, |id, max_len| Error::InvalidWorkflowId {
        id,
        max_len,
    })
}

/// Coze IDs are digits, which also keeps them from altering a request's path or query.
fn check_id(id: &str, token: Option<&Token>, error: fn(String, usize) -> Error) -> Result<()> {
    if id.is_empty() || id.len() > MAX_ID_LEN || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(error(printable(&scrub(id, token), 60), MAX_ID_LEN));
    }
    Ok(())
}

/// Checks the base URL and returns it without a trailing `/`.
pub(crate) fn check_base_url(
    base: &str,
    allow_insecure_http: bool,
    token: Option<&Token>,
) -> Result<String> {
    let invalid = |reason: &str| Error::InvalidBaseUrl {
        url: printable(&scrub(base, token), 200),
        reason: reason.to_owned(),
    };
    let trimmed = base.trim().trim_end_matches('/');
    let uri: ureq::http::Uri = trimmed
        .parse()
        .map_err(|_| invalid("it is not a URL such as https://api.coze.cn"))?;
    let scheme = uri.scheme_str().unwrap_or_default();
    if scheme != "https" && scheme != "http" {
        return Err(invalid(
            "it must start with https:// (or http:// for a local server)",
        ));
    }
    let Some(host) = uri.host().filter(|h| !h.is_empty()) else {
        return Err(invalid("it has no host"));
    };
    if uri.query().is_some() || trimmed.contains('#') {
        return Err(invalid("it must not have a query or fragment"));
    }
    if trimmed.contains('@') {
        return Err(invalid(
            "it must not contain credentials; pass the token with --token or COZE_API_TOKEN",
        ));
    }
    if scheme == "http" && !allow_insecure_http && !is_loopback(host) {
        return Err(Error::InsecureHttp {
            host: printable(&scrub(host, token), 200),
        });
    }
    Ok(trimmed.to_owned())
}

/// `localhost`, 127.0.0.0/8 and ::1 (also written as an IPv4-mapped address).
fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match host.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(ip)) => ip.is_loopback(),
        Ok(std::net::IpAddr::V6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => false,
    }
}

/// One attempt's failure, and whether another attempt may help.
pub(crate) struct Failure {
    pub(crate) error: Error,
    pub(crate) retry: bool,
    pub(crate) retry_after: Option<Duration>,
}

impl Failure {
    fn fatal(error: Error) -> Box<Self> {
        Box::new(Failure {
            error,
            retry: false,
            retry_after: None,
        })
    }
}

/// Runs the request for a workflow with retries; returns the URL (for messages) and the body.
fn fetch(options: &FetchOptions, workflow_id: &str) -> Result<(String, Vec<u8>)> {
    let url = request_url(options, workflow_id)?;
    get(options, url)
}

/// Runs a GET of `url` (already checked) with retries; returns the URL and the body.
fn get(options: &FetchOptions, url: String) -> Result<(String, Vec<u8>)> {
    let token = usable_token(options)?;
    let agent = agent(options);
    let mut waited = Duration::ZERO;
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        let failure = match attempt_once(&agent, &url, token, options) {
            Ok(body) => return Ok((url, body)),
            Err(failure) => failure,
        };
        let wait = retry_wait(options.retry_delay, attempt - 1, failure.retry_after);
        if !failure.retry || attempt > options.retries || waited + wait > MAX_TOTAL_RETRY_WAIT {
            return Err(with_attempts(failure.error, attempt));
        }
        std::thread::sleep(wait);
        waited += wait;
    }
}

/// The token, if it is there and can be sent in a header.
pub fn usable_token(options: &FetchOptions) -> Result<&Token> {
    let token = options
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

/// Whether a JSON body holds `token` anywhere: in its raw bytes, or inside a string once its
/// escapes are decoded (`\u0070at_…` spells the same token). Tokens shorter than 8 characters
/// are not looked for: they would match ordinary text.
fn echoes(body: &[u8], token: &str) -> bool {
    let token = token.as_bytes();
    if token.len() < 8 {
        return false;
    }
    let contains = |hay: &[u8]| hay.windows(token.len()).any(|w| w == token);
    if contains(body) {
        return true;
    }
    // Only strings with escapes can hide it; decode each of those on its own (a string
    // literal is flat, so this needs no recursion and no depth limit).
    let mut i = 0;
    while let Some(offset) = body[i..].iter().position(|&b| b == b'"') {
        let start = i + offset;
        let mut end = start + 1;
        let mut escaped = false;
        while end < body.len() {
            match body[end] {
                b'\\' => {
                    escaped = true;
                    end += 2;
                    continue;
                }
                b'"' => break,
                _ => end += 1,
            }
        }
        if end >= body.len() {
            return false;
        }
        if escaped
            && serde_json::from_slice::<String>(&body[start..=end])
                .is_ok_and(|s| contains(s.as_bytes()))
        {
            return true;
        }
        i = end + 1;
    }
    false
}

pub(crate) fn agent(options: &FetchOptions) -> ureq::Agent {
    watched_agent(options).0
}

/// An agent for one request, and a flag it raises once a connection to the server exists
/// (TCP, and TLS for https). A failure while the flag is down sent nothing: the name did not
/// resolve, the connection was refused or unreachable, the handshake failed. Once it is up,
/// the request may have left the machine.
pub(crate) fn watched_agent(options: &FetchOptions) -> (ureq::Agent, Connected) {
    use ureq::unversioned::transport::{Connector, DefaultConnector};
    let config = ureq::Agent::config_builder()
        // Error statuses are answers too: their bodies carry Coze's code, msg and logid.
        .http_status_as_error(false)
        // A redirect is reported, not followed: the base URL should be the API itself.
        .max_redirects(0)
        .max_redirects_will_error(false)
        .timeout_global(Some(options.timeout))
        .timeout_connect(Some(options.connect_timeout.min(options.timeout)))
        .user_agent(USER_AGENT)
        .accept("application/json")
        .build();
    let connected = Connected::default();
    let connector = DefaultConnector::new().chain(MarkConnected(connected.clone()));
    let agent = ureq::Agent::with_parts(config, connector, NamesResolved);
    (agent, connected)
}

/// Whether an agent of [`watched_agent`] has connected to the server.
#[derive(Debug, Clone, Default)]
pub(crate) struct Connected(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Connected {
    /// Whether a connection to the server existed at some point: if so, a request may have
    /// been sent.
    pub(crate) fn ever(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// The last link of the connector chain: it sees the finished connection go by and raises
/// the flag. (ureq's connector API is in its `unversioned` module: pinned by Cargo.lock.)
#[derive(Debug)]
struct MarkConnected(Connected);

impl ureq::unversioned::transport::Connector<Box<dyn ureq::unversioned::transport::Transport>>
    for MarkConnected
{
    type Out = Box<dyn ureq::unversioned::transport::Transport>;

    fn connect(
        &self,
        _details: &ureq::unversioned::transport::ConnectionDetails,
        chained: Option<Self::Out>,
    ) -> std::result::Result<Option<Self::Out>, ureq::Error> {
        if chained.is_some() {
            (self.0).0.store(true, std::sync::atomic::Ordering::SeqCst);
        }
        Ok(chained)
    }
}

/// ureq's resolver, with a failed lookup reported as [`ureq::Error::HostNotFound`]: the
/// system resolver's failure reaches ureq as a bare I/O error, which would read as a broken
/// connection. (The default resolver's only I/O error is the lookup's.)
#[derive(Debug)]
struct NamesResolved;

impl ureq::unversioned::resolver::Resolver for NamesResolved {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> std::result::Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        use ureq::unversioned::resolver::DefaultResolver;
        match DefaultResolver::default().resolve(uri, config, timeout) {
            Err(ureq::Error::Io(_)) => Err(ureq::Error::HostNotFound),
            other => other,
        }
    }
}

fn attempt_once(
    agent: &ureq::Agent,
    url: &str,
    token: &Token,
    options: &FetchOptions,
) -> std::result::Result<Vec<u8>, Box<Failure>> {
    let mut response = agent
        .get(url)
        .header("Authorization", format!("Bearer {}", token.expose()))
        // The API documentation sends it, although a GET has no body.
        .header("Content-Type", "application/json")
        .call()
        .map_err(|e| transport_failure(e, url, options, token))?;

    let status = response.status();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let retry_after = header("retry-after")
        .as_deref()
        .and_then(|v| parse_retry_after(v, std::time::SystemTime::now()));
    let content_type = header("content-type");
    let location = header("location");

    if status.is_redirection() {
        return Err(Failure::fatal(Error::Redirect {
            url: clean(url, 300, token),
            status: status.as_u16(),
            location: clean(
                location.as_deref().unwrap_or("(no Location header)"),
                300,
                token,
            ),
        }));
    }
    if status.is_success() {
        let too_large = || {
            Failure::fatal(Error::ResponseTooLarge {
                url: clean(url, 300, token),
                limit: options.max_bytes,
            })
        };
        if response
            .body()
            .content_length()
            .is_some_and(|n| n > options.max_bytes)
        {
            return Err(too_large());
        }
        let body = match response
            .body_mut()
            .with_config()
            .limit(options.max_bytes)
            .read_to_vec()
        {
            Ok(body) => body,
            Err(ureq::Error::BodyExceedsLimit(_)) => return Err(too_large()),
            Err(e) => return Err(transport_failure(e, url, options, token)),
        };
        if !looks_like_json_object(&body) {
            return Err(Failure::fatal(Error::NotJson {
                url: clean(url, 300, token),
                status: status.as_u16(),
                content_type: clean(content_type.as_deref().unwrap_or("none"), 100, token),
                excerpt: excerpt(&body, token),
            }));
        }
        return Ok(body);
    }

    // An error status: the status is the news, the body (if it arrives, and is of a sensible
    // size) explains it.
    let body = response
        .body_mut()
        .with_config()
        .limit(options.max_bytes.min(MAX_ERROR_BODY_BYTES))
        .read_to_vec()
        .unwrap_or_default();
    let envelope: ErrorEnvelope = serde_json::from_slice(&body).unwrap_or_default();
    let text = |s: &Option<Scalar>, max| {
        s.as_ref()
            .and_then(Scalar::as_text)
            .map(|t| clean(&t, max, token))
    };
    let code = text(&envelope.code, 40);
    let msg = match text(&envelope.msg, 500) {
        None if code.is_none() && !body.is_empty() => Some(format!("`{}`", excerpt(&body, token))),
        msg => msg,
    };
    let error = Error::HttpStatus {
        url: clean(url, 300, token),
        status: status.as_u16(),
        reason: status.canonical_reason().unwrap_or_default(),
        code,
        msg,
        logid: envelope.detail.and_then(|d| text(&d.logid, 120)),
        attempts: 1,
    };
    Err(Box::new(Failure {
        error,
        retry: status.as_u16() == 429 || status.is_server_error(),
        retry_after,
    }))
}

/// The `{code, msg, detail}` of an error answer, read leniently.
#[derive(Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct ErrorEnvelope {
    pub(crate) code: Option<Scalar>,
    pub(crate) msg: Option<Scalar>,
    pub(crate) detail: Option<ResponseDetail>,
}

pub(crate) fn transport_failure(
    e: ureq::Error,
    url: &str,
    options: &FetchOptions,
    token: &Token,
) -> Box<Failure> {
    use std::io::ErrorKind;
    use ureq::Timeout;
    let host = url
        .parse::<ureq::http::Uri>()
        .ok()
        .and_then(|u| u.authority().map(|a| a.to_string()))
        .unwrap_or_default();
    let secs = |d: Duration| format!("{:.0} s", d.as_secs_f64().max(1.0));
    let (failure, message, retry) = match &e {
        ureq::Error::BodyExceedsLimit(_) => {
            return Failure::fatal(Error::ResponseTooLarge {
                url: clean(url, 300, token),
                limit: options.max_bytes,
            });
        }
        ureq::Error::Timeout(Timeout::Connect | Timeout::Resolve) => (
            FetchFailure::Timeout,
            format!(
                "could not connect to {host} within {}",
                secs(options.connect_timeout.min(options.timeout))
            ),
            true,
        ),
        ureq::Error::Timeout(_) => (
            FetchFailure::Timeout,
            format!(
                "timed out: no complete answer within {} (raise it with --timeout)",
                secs(options.timeout)
            ),
            false,
        ),
        // A resolver can fail for a moment; nothing was sent, so another attempt is safe.
        ureq::Error::HostNotFound => (
            FetchFailure::Dns,
            format!("cannot resolve the host of {host}: check the base URL and the network"),
            true,
        ),
        ureq::Error::Io(io) => match io.kind() {
            ErrorKind::ConnectionRefused => (
                FetchFailure::Connect,
                format!("connection refused by {host}: check the base URL"),
                true,
            ),
            ErrorKind::TimedOut | ErrorKind::WouldBlock => (
                FetchFailure::Timeout,
                format!("timed out talking to {host}"),
                true,
            ),
            // rustls reports handshake and certificate failures as invalid data.
            ErrorKind::InvalidData if url.starts_with("https:") => (
                FetchFailure::Tls,
                format!(
                    "TLS with {host} failed: {io}; check that the base URL serves https with a \
                     valid certificate"
                ),
                false,
            ),
            ErrorKind::UnexpectedEof => (
                FetchFailure::Truncated,
                "the connection closed before the whole response arrived (truncated response)"
                    .to_owned(),
                true,
            ),
            _ => (
                FetchFailure::Connect,
                format!("connection to {host} failed: {io}"),
                true,
            ),
        },
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) => (
            FetchFailure::Tls,
            format!(
                "TLS with {host} failed: {e}; check that the base URL serves https with a \
                 valid certificate"
            ),
            false,
        ),
        ureq::Error::Protocol(_) | ureq::Error::LargeResponseHeader(..) => (
            FetchFailure::Protocol,
            format!("{host} did not answer valid HTTP: {e}"),
            false,
        ),
        ureq::Error::ConnectionFailed => (
            FetchFailure::Connect,
            format!("cannot connect to {host}"),
            true,
        ),
        _ => (FetchFailure::Other, e.to_string(), false),
    };
    Box::new(Failure {
        error: Error::Fetch {
            url: clean(url, 300, token),
            failure,
            message: clean(&message, 500, token),
            attempts: 1,
        },
        retry,
        retry_after: None,
    })
}

/// `Retry-After` as a wait from `now`: a number of seconds, or an HTTP date in the IMF-fixdate
/// form every current server sends (`Wed, 21 Oct 2015 07:28:00 GMT`); a date already past
/// means no wait. Anything else (including the obsolete date forms) is `None`, and the usual
/// backoff applies.
pub(crate) fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Beyond u64 is still "a long time": the cap applies, not the backoff.
        return Some(value.parse().map_or(Duration::MAX, Duration::from_secs));
    }
    let at = std::time::UNIX_EPOCH + Duration::from_secs(http_date(value)?);
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Seconds since the Unix epoch of an IMF-fixdate (RFC 9110, section 5.6.7).
fn http_date(value: &str) -> Option<u64> {
    let rest = value.split_once(", ")?.1;
    let mut parts = rest.split(' ');
    let (day, month, year, time, zone) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if parts.next().is_some() || zone != "GMT" || day.len() != 2 || year.len() != 4 {
        return None;
    }
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| *m == month)? as u64 + 1;
    let number = |text: &str| -> Option<u64> {
        text.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| text.parse().ok())
            .flatten()
    };
    let (day, year) = (number(day)?, number(year)?);
    let mut hms = time.split(':');
    let (h, m, sec) = (
        number(hms.next()?)?,
        number(hms.next()?)?,
        number(hms.next()?)?,
    );
    if hms.next().is_some()
        || year < 1970
        || !(1..=31).contains(&day)
        || h > 23
        || m > 59
        || sec > 60
    {
        return None;
    }
    // Days from 1970-01-01 to the date (Howard Hinnant's days_from_civil, for years ≥ 1970).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = (era * 146_097 + doe).checked_sub(719_468)?;
    Some(days * 86_400 + h * 3_600 + m * 60 + sec)
}

/// The wait before retry number `retry` (0 for the first): the server's `Retry-After` if it
/// gave one, else `delay` doubled per retry; never more than [`MAX_RETRY_WAIT`].
pub(crate) fn retry_wait(delay: Duration, retry: u32, retry_after: Option<Duration>) -> Duration {
    retry_after
        .unwrap_or_else(|| delay.saturating_mul(2u32.saturating_pow(retry.min(16))))
        .min(MAX_RETRY_WAIT)
}

fn with_attempts(error: Error, n: u32) -> Error {
    match error {
        Error::Fetch {
            url,
            failure,
            message,
            ..
        } => Error::Fetch {
            url,
            failure,
            message,
            attempts: n,
        },
        Error::HttpStatus {
            url,
            status,
            reason,
            code,
            msg,
            logid,
            ..
        } => Error::HttpStatus {
            url,
            status,
            reason,
            code,
            msg,
            logid,
            attempts: n,
        },
        other => other,
    }
}

fn looks_like_json_object(body: &[u8]) -> bool {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

/// The start of an unexpected body, for a message.
pub(crate) fn excerpt(body: &[u8], token: &Token) -> String {
    let head = &body[..body.len().min(1000)];
    let text = String::from_utf8_lossy(head);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        "(empty body)".to_owned()
    } else {
        clean(&text, 200, token)
    }
}

/// Strings as they are, numbers in their JSON spelling: how an answer's ids and codes read.
pub(crate) fn scalar_text(v: Option<&serde_json::Value>) -> Option<String> {
    match v? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The error a parsed answer's envelope stands for, or `None` when its `code` means success,
/// by the loader's rule: absent, `null`, a number equal to zero (`0`, `0.0`, `-0`) or the text
/// `"0"`. Its `code`, `msg` and `detail.logid` are quoted scrubbed of the token and escaped.
pub(crate) fn envelope_error(value: &serde_json::Value, token: Option<&Token>) -> Option<Error> {
    use serde_json::Value;
    let code = match value.get("code")? {
        Value::Null => return None,
        Value::Number(n) if n.as_f64() == Some(0.0) => return None,
        Value::String(s) if s.trim() == "0" => return None,
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let s = |t: String| scrub(&t, token);
    Some(Error::Api {
        code: printable(&s(code), 40),
        msg: printable(&s(scalar_text(value.get("msg")).unwrap_or_default()), 500),
        logid: scalar_text(value.pointer("/detail/logid")).map(|l| printable(&s(l), 120)),
    })
}

/// Removes the token from untrusted text, then escapes it for the terminal and shortens it.
/// Scrubbing comes first so that shortening cannot leave part of the token behind.
pub(crate) fn clean(text: &str, max: usize, token: &Token) -> String {
    printable(&scrub(text, Some(token)), max)
}

pub(crate) fn scrub(text: &str, token: Option<&Token>) -> String {
    match token.map(Token::expose) {
        Some(t) if !t.is_empty() => text.replace(t, REDACTED),
        _ => text.to_owned(),
    }
}

/// Scrubs the token from the texts of an error raised while reading a fetched body.
pub(crate) fn scrub_error(error: SourceError, token: Option<&Token>) -> Error {
    let s = |text: String| scrub(&text, token);
    Error::Document(match error {
        SourceError::Api { code, msg, logid } => SourceError::Api {
            code: s(code),
            msg: s(msg),
            logid: logid.map(s),
        },
        SourceError::Json {
            source_name,
            line,
            column,
            path,
            message,
        } => SourceError::Json {
            source_name: s(source_name),
            line,
            column,
            path: s(path),
            message: s(message),
        },
        SourceError::TooLarge { source_name, limit } => SourceError::TooLarge {
            source_name: s(source_name),
            limit,
        },
        SourceError::JsonTooDeep {
            source_name,
            line,
            column,
            limit,
            param_limit,
        } => SourceError::JsonTooDeep {
            source_name: s(source_name),
            line,
            column,
            limit,
            param_limit,
        },
        SourceError::MissingData { source_name } => SourceError::MissingData {
            source_name: s(source_name),
        },
        SourceError::MissingInput { source_name } => SourceError::MissingInput {
            source_name: s(source_name),
        },
        SourceError::StudioAnswer { source_name } => SourceError::StudioAnswer {
            source_name: s(source_name),
        },
        other => other,
    })
}

/// Re-indents a JSON document (key order and values kept). Depth was checked by `load_slice`.
fn pretty(bytes: &[u8], source_name: &str) -> Result<String> {
    let value = crate::json::Deep::from_slice(bytes).map_err(|e| {
        Error::Document(SourceError::Json {
            source_name: source_name.to_owned(),
            line: e.line(),
            column: e.column(),
            path: String::new(),
            message: printable(&e.to_string(), 240),
        })
    })?;
    let mut writer = crate::json::Writer::pretty(bytes.len() * 2);
    writer.value(value.value());
    let mut text = writer.finish();
    text.push('\n');
    Ok(text)
}

/// The most workflows a workspace listing may hold; a longer list is an error rather than an
/// unbounded run.
pub const MAX_WORKSPACE_WORKFLOWS: usize = 2000;

/// The most pages a workspace listing is read for.
pub const MAX_LIST_PAGES: u32 = 200;

/// The page size asked of the list endpoint by default.
pub const DEFAULT_PAGE_SIZE: u32 = 30;

/// One workflow of a workspace listing, as the API sent it (untrusted text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedWorkflow {
    /// `workflow_id`, as text (numbers are accepted too); not checked yet.
    pub id: String,
    /// `workflow_name`, if any.
    pub name: Option<String>,
}

/// The URL of one page of a workspace's workflow list, after checking the IDs and base URL.
pub fn list_url(
    options: &FetchOptions,
    workspace_id: &str,
    page_num: u32,
    page_size: u32,
) -> Result<String> {
    let token = options.token.as_ref();
    check_workspace_id(workspace_id, token)?;
    let base = check_base_url(&options.base_url, options.allow_insecure_http, token)?;
    Ok(format!(
        "{base}/v1/workflows?workspace_id={workspace_id}&page_num={page_num}&page_size={page_size}"
    ))
}

fn check_workspace_id(id: &str, token: Option<&Token>) -> Result<()> {
    check_id(id, token, |id, max_len| Error::InvalidWorkspaceId {
        id,
        max_len,
    })
}

/// Lists a workspace's workflows with Coze's list endpoint,
/// `GET {base}/v1/workflows?workspace_id=…&page_num=…&page_size=…`, page by page.
///
/// Reading is lenient about the envelope `{code, msg, data: {items, has_more}}`: listing stops
/// when `has_more` is false, when a page is empty, when a page without `has_more` is shorter
/// than `page_size`, or when a page brings no workflow not seen before (a server that ignores
/// `page_num`). IDs listed twice are kept once, in first-seen order. More than
/// [`MAX_WORKSPACE_WORKFLOWS`] workflows or [`MAX_LIST_PAGES`] pages is an error. Items that are
/// not objects are skipped; an item without a `workflow_id` is kept with an empty ID (the caller
/// reports it).
pub fn list_workflows(
    options: &FetchOptions,
    workspace_id: &str,
    page_size: u32,
) -> Result<Vec<ListedWorkflow>> {
    let page_size = page_size.clamp(1, 1000);
    let token = options.token.as_ref();
    let mut out: Vec<ListedWorkflow> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for page_num in 1..=MAX_LIST_PAGES {
        let url = list_url(options, workspace_id, page_num, page_size)?;
        let (url, body) = match get(options, url) {
            Err(Error::HttpStatus {
                url,
                status: 404,
                code: None,
                ..
            }) => return Err(Error::NoWorkflowList { url }),
            other => other?,
        };
        let (items, has_more) = parse_list_page(&body, &format!("the response from {url}"), token)?;
        refuse_echo(&url, &body, token)?;
        let count = items.len();
        let mut new = 0;
        for item in items {
            if item.id.is_empty() || seen.insert(item.id.clone()) {
                new += 1;
                out.push(item);
            }
            if out.len() > MAX_WORKSPACE_WORKFLOWS {
                return Err(Error::TooManyWorkflows {
                    limit: MAX_WORKSPACE_WORKFLOWS,
                });
            }
        }
        let more = match has_more {
            Some(more) => more,
            None => count >= page_size as usize,
        };
        if !more || count == 0 || new == 0 {
            return Ok(out);
        }
    }
    Err(Error::TooManyWorkflows {
        limit: MAX_WORKSPACE_WORKFLOWS,
    })
}

/// One page of the list endpoint: its items and `has_more`, if the server said.
fn parse_list_page(
    body: &[u8],
    source_name: &str,
    token: Option<&Token>,
) -> Result<(Vec<ListedWorkflow>, Option<bool>)> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        Error::Document(SourceError::Json {
            source_name: source_name.to_owned(),
            line: e.line(),
            column: e.column(),
            path: String::new(),
            message: e.to_string(),
        })
    })?;
    let text = scalar_text;
    if let Some(error) = envelope_error(&value, token) {
        return Err(error);
    }
    let Some(data) = value.get("data").filter(|d| d.is_object()) else {
        return Err(Error::Document(SourceError::MissingData {
            source_name: source_name.to_owned(),
        }));
    };
    let items = match data.get("items") {
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter(|item| item.is_object())
            .map(|item| ListedWorkflow {
                id: text(item.get("workflow_id")).unwrap_or_default(),
                name: text(item.get("workflow_name")),
            })
            .collect(),
        _ => Vec::new(),
    };
    Ok((
        items,
        data.get("has_more").and_then(serde_json::Value::as_bool),
    ))
}

/// The page size asked of the version list: the most the API allows.
pub const VERSION_PAGE_SIZE: u32 = 30;

/// The most pages of a version list read before giving up (6,000 versions).
pub const MAX_VERSION_PAGES: u32 = 200;

/// The longest version name accepted.
pub const MAX_VERSION_LEN: usize = 100;

/// How many published versions a "no such version" error names.
const VERSIONS_NAMED: usize = 10;

/// The URL of one page of a workflow's published versions, with their inputs and outputs:
/// `GET {base}/v1/workflows/{id}/versions?publish_status=published_online&include_input_output=true&page_size=30`,
/// plus `&page_token=…` (percent-encoded) after the first page.
pub fn versions_url(
    options: &FetchOptions,
    workflow_id: &str,
    page_token: Option<&str>,
) -> Result<String> {
    let token = options.token.as_ref();
    check_workflow_id(workflow_id, token)?;
    let base = check_base_url(&options.base_url, options.allow_insecure_http, token)?;
    let mut url = format!(
        "{base}/v1/workflows/{workflow_id}/versions?publish_status=published_online\
         &include_input_output=true&page_size={VERSION_PAGE_SIZE}"
    );
    if let Some(page_token) = page_token {
        url.push_str("&page_token=");
        url.push_str(&percent_encode(page_token));
    }
    Ok(url)
}

/// Every byte but the unreserved ones (RFC 3986) as `%XX`: a page token is server text and
/// must not add query parameters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Checks a version name given by the user (it is only compared, never sent).
pub fn check_version(version: &str) -> Result<()> {
    if version.is_empty()
        || version.chars().count() > MAX_VERSION_LEN
        || version.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(Error::InvalidVersion {
            version: quote(&printable(version, 60)),
            max_len: MAX_VERSION_LEN,
        });
    }
    Ok(())
}

/// A successful answer's body parsed (with the document limits) and checked: an error
/// envelope is [`Error::Api`], an answer without a `data` object [`Error::MissingData`].
fn checked_answer(url: &str, body: &[u8], token: Option<&Token>) -> Result<crate::json::Deep> {
    let source_name = format!("the response from {url}");
    let deep = crate::source::parse_json(body, &source_name).map_err(|e| scrub_error(e, token))?;
    let value = deep.value();
    if let Some(error) = envelope_error(value, token) {
        return Err(error);
    }
    // An error answer is quoted scrubbed (above); a successful one holding the token is refused.
    refuse_echo(url, body, token)?;
    if !value.get("data").is_some_and(serde_json::Value::is_object) {
        return Err(Error::Document(SourceError::MissingData {
            source_name: scrub(&source_name, token),
        }));
    }
    Ok(deep)
}

/// A published version's definition as a WorkflowInfo document that the loader reads like any
/// other: `workflow_detail` from the workflow itself (`GET /v1/workflows/{id}`: its name, ID
/// and icon), `input` and `output` from the version list's item for `version`, and that item's
/// other fields (`version`, `description`, `created_at`, `updated_at`, `creator`) under
/// `workflow_version`. Returned pretty-printed, ending in a newline.
///
/// The list (`GET /v1/workflows/{id}/versions`, see [`versions_url`]; it needs the token's
/// `listVersion` permission) is read page by page until the version is found. A version that is
/// not there is [`Error::VersionNotFound`], naming the versions that are; a server that repeats
/// a page token, says `has_more` without a token, or sends more than [`MAX_VERSION_PAGES`]
/// pages is [`Error::VersionListing`]. (The "get workflow info" endpoint takes no version: Coze
/// documents only `include_input_output` for it.)
pub fn snapshot_version(
    options: &FetchOptions,
    workflow_id: &str,
    version: &str,
) -> Result<String> {
    check_version(version)?;
    let token = options.token.as_ref();
    let (detail_url, detail_body) = fetch(options, workflow_id)?;
    let detail = checked_answer(&detail_url, &detail_body, token)?;
    let (page_url, page, index) = find_version(options, workflow_id, version)?;
    let item = &page.value()["data"]["items"][index];
    let empty = serde_json::Value::Object(serde_json::Map::new());
    let workflow_detail = detail
        .value()
        .pointer("/data/workflow_detail")
        .filter(|d| d.is_object())
        .unwrap_or(&empty);
    let mut writer = crate::json::Writer::pretty(detail_body.len() + 4096);
    writer.begin_object();
    writer.key("workflow_detail");
    writer.value(workflow_detail);
    writer.key("workflow_version");
    writer.begin_object();
    if let Some(fields) = item.as_object() {
        for (key, value) in fields {
            if key != "input" && key != "output" {
                writer.key(key);
                writer.value(value);
            }
        }
    }
    writer.end_object();
    for key in ["input", "output"] {
        if let Some(value) = item.get(key) {
            writer.key(key);
            writer.value(value);
        }
    }
    writer.end_object();
    let mut text = writer.finish();
    text.push('\n');
    let source_name = format!(
        "version {} of workflow {workflow_id} from {page_url}",
        quote(&printable(version, 60))
    );
    crate::source::load_slice(text.as_bytes(), &source_name).map_err(|e| scrub_error(e, token))?;
    Ok(text)
}

/// [`snapshot_version`], loaded.
pub fn fetch_version(
    options: &FetchOptions,
    workflow_id: &str,
    version: &str,
) -> Result<WorkflowInfo> {
    let text = snapshot_version(options, workflow_id, version)?;
    crate::source::load_slice(text.as_bytes(), "the fetched version").map_err(Error::Document)
}

/// Pages through the published versions until `version`; returns the page's URL, the page,
/// and the item's index in its `data.items`.
fn find_version(
    options: &FetchOptions,
    workflow_id: &str,
    version: &str,
) -> Result<(String, crate::json::Deep, usize)> {
    let token = options.token.as_ref();
    let listing = |reason: String| Error::VersionListing {
        workflow_id: workflow_id.to_owned(),
        reason,
    };
    let mut page_token: Option<String> = None;
    let mut tokens_seen = std::collections::HashSet::new();
    let mut available = Vec::new();
    let mut total = 0;
    for _ in 0..MAX_VERSION_PAGES {
        let url = versions_url(options, workflow_id, page_token.as_deref())?;
        let (url, body) = get(options, url)?;
        let page = checked_answer(&url, &body, token)?;
        let data = &page.value()["data"];
        let items = data["items"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        let found = items.iter().position(|item| {
            item.get("version").and_then(serde_json::Value::as_str) == Some(version)
        });
        if let Some(index) = found {
            return Ok((url, page, index));
        }
        for name in items
            .iter()
            .filter_map(|item| item.get("version").and_then(serde_json::Value::as_str))
        {
            total += 1;
            if available.len() < VERSIONS_NAMED {
                available.push(clean_opt(name, token));
            }
        }
        if data.get("has_more").and_then(serde_json::Value::as_bool) != Some(true) {
            return Err(Error::VersionNotFound {
                workflow_id: workflow_id.to_owned(),
                version: quote(&printable(version, 60)),
                available,
                total,
            });
        }
        let next = match data.get("next_page_token") {
            Some(serde_json::Value::String(s)) if !s.is_empty() => s.clone(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => {
                return Err(listing(
                    "the server said has_more but sent no next_page_token".to_owned(),
                ));
            }
        };
        if !tokens_seen.insert(next.clone()) {
            return Err(listing(format!(
                "the server sent the page token {} again, so paging would never end",
                clean_opt(&next, token)
            )));
        }
        page_token = Some(next);
    }
    Err(listing(format!(
        "it has more than {MAX_VERSION_PAGES} pages, the most cozegen reads"
    )))
}

/// Server text for a message: scrubbed of the token, escaped, quoted, shortened.
fn clean_opt(text: &str, token: Option<&Token>) -> String {
    quote(&printable(&scrub(text, token), 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(base: &str) -> FetchOptions {
        FetchOptions {
            base_url: base.to_owned(),
            token: Some(Token::new("pat_secret")),
            ..FetchOptions::default()
        }
    }

    #[test]
    fn token_debug_is_redacted() {
        let debug = format!("{:?}", options(DEFAULT_BASE_URL));
        assert!(!debug.contains("pat_secret"), "{debug}");
        assert!(debug.contains("Token(<redacted>)"), "{debug}");
    }

    #[test]
    fn request_url_has_the_documented_path_and_query() {
        let url = request_url(&options("https://api.coze.com/"), "7350583675492388916").unwrap();
        assert_eq!(
            url,
            "https://api.coze.com/v1/workflows/7350583675492388916?include_input_output=true"
        );
        let url = request_url(&options("http://localhost:8888/api"), "1").unwrap();
        assert_eq!(
            url,
            "http://localhost:8888/api/v1/workflows/1?include_input_output=true"
        );
    }

    #[test]
    fn workflow_ids_are_digits_only() {
        for id in ["", "12a", "1/../2", "1?x=2", "１２", " 12", &"1".repeat(33)] {
            let err = request_url(&options(DEFAULT_BASE_URL), id).unwrap_err();
            assert!(
                matches!(err, Error::InvalidWorkflowId { .. }),
                "{id}: {err}"
            );
        }
    }

    #[test]
    fn plain_http_is_for_loopback_only() {
        for base in [
            "http://127.0.0.1:1",
            "http://127.8.9.10",
            "http://[::1]:80",
            "http://LOCALHOST",
            "http://[::ffff:127.0.0.1]",
        ] {
            assert!(request_url(&options(base), "1").is_ok(), "{base}");
        }
        for base in [
            "http://api.coze.cn",
            "http://10.0.0.1",
            "http://localhost.evil.com",
        ] {
            let err = request_url(&options(base), "1").unwrap_err();
            assert!(matches!(err, Error::InsecureHttp { .. }), "{base}: {err}");
            let mut allowed = options(base);
            allowed.allow_insecure_http = true;
            assert!(request_url(&allowed, "1").is_ok(), "{base}");
        }
    }

    #[test]
    fn unusable_base_urls_are_rejected() {
        for base in [
            "api.coze.cn",
            "ftp://api.coze.cn",
            "https://",
            "https://api.coze.cn?x=1",
            "https://api.coze.cn#x",
            "https://user:pw@api.coze.cn",
        ] {
            let err = request_url(&options(base), "1").unwrap_err();
            assert!(matches!(err, Error::InvalidBaseUrl { .. }), "{base}: {err}");
        }
    }

    #[test]
    fn retry_waits_double_and_are_capped() {
        let d = Duration::from_millis(500);
        assert_eq!(retry_wait(d, 0, None), Duration::from_millis(500));
        assert_eq!(retry_wait(d, 2, None), Duration::from_secs(2));
        assert_eq!(retry_wait(d, 40, None), MAX_RETRY_WAIT);
        assert_eq!(
            retry_wait(d, 0, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        let now = std::time::SystemTime::now();
        assert_eq!(
            retry_wait(d, 0, parse_retry_after("86400", now)),
            MAX_RETRY_WAIT
        );
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(
            retry_wait(d, 0, parse_retry_after("99999999999999999999999", now)),
            MAX_RETRY_WAIT
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn echoed_tokens_are_found_raw_or_escaped() {
        let token = "pat_SECRET_1234";
        assert!(echoes(br#"{"msg":"pat_SECRET_1234"}"#, token));
        assert!(echoes(br#"{"a":"x","pat_SECRET_1234":1}"#, token));
        assert!(echoes(
            br#"{"d":"pat_SECRET_1234 and more "quoted""}"#,
            token
        ));
        assert!(!echoes(
            br#"{"d":"pat_SECRET_123","e":""pat_SECRET""}"#,
            token
        ));
        assert!(!echoes(br#"{"d":""unterminated"#, token));
        assert!(!echoes(br#"{"d":"short"}"#, "short"));
        assert!(!echoes(b"", token));
    }

    #[test]
    fn retry_after_dates_are_waits_from_now() {
        // 2015-10-21T07:28:00Z, and the day before.
        let at = std::time::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        assert_eq!(
            http_date("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(1_445_412_480)
        );
        assert_eq!(http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            http_date("Tue, 29 Feb 2000 23:59:59 GMT"),
            Some(951_868_799)
        );
        let before = at - Duration::from_secs(90);
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", before),
            Some(Duration::from_secs(90))
        );
        let after = at + Duration::from_secs(5);
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", after),
            Some(Duration::ZERO)
        );
        for bad in [
            "Wed, 21 Oct 2015 07:28:00 UTC",
            "Wed, 21 Okt 2015 07:28:00 GMT",
            "Wed, 1 Oct 2015 07:28:00 GMT",
            "Wed, 21 Oct 2015 7:28 GMT",
            "Wednesday, 21-Oct-15 07:28:00 GMT",
            "Wed Oct 21 07:28:00 2015",
            "Wed, 21 Oct 1969 07:28:00 GMT",
            "Wed, 99 Oct 2015 07:28:00 GMT",
            "Wed, 21 Oct +015 07:28:00 GMT",
            "Wed, 21 Oct 2015 07:28:00 GMT x",
            "",
        ] {
            assert_eq!(http_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn list_pages_are_read_leniently() {
        let page = br#"{"code":0,"msg":"","data":{"items":[
            {"workflow_id":"1","workflow_name":"a"},{"workflow_id":2},"junk",{"workflow_name":"no id"}],
            "has_more":true}}"#;
        let (items, more) = parse_list_page(page, "page", None).expect("parses");
        assert_eq!(more, Some(true));
        let ids: Vec<_> = items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["1", "2", ""]);
        assert_eq!(items[0].name.as_deref(), Some("a"));
        let (items, more) = parse_list_page(br#"{"data":{}}"#, "page", None).expect("parses");
        assert!(items.is_empty() && more.is_none());
        let err = parse_list_page(br#"{"code":4101,"msg":"bad token"}"#, "page", None).unwrap_err();
        assert!(matches!(err, Error::Api { .. }), "{err}");
        assert!(parse_list_page(br#"{"code":0}"#, "page", None).is_err());
    }

    #[test]
    fn list_url_checks_the_workspace_id() {
        let options = options("https://api.coze.cn");
        assert_eq!(
            list_url(&options, "75", 2, 30).expect("valid"),
            "https://api.coze.cn/v1/workflows?workspace_id=75&page_num=2&page_size=30"
        );
        for bad in ["", "7&x=1", "../1", &"9".repeat(40)] {
            assert!(matches!(
                list_url(&options, bad, 1, 30),
                Err(Error::InvalidWorkspaceId { .. })
            ));
        }
    }

    #[test]
    fn versions_url_asks_for_published_versions_with_inputs_and_encodes_the_page_token() {
        let options = options("https://api.coze.cn/");
        assert_eq!(
            versions_url(&options, "75", None).expect("valid"),
            "https://api.coze.cn/v1/workflows/75/versions?publish_status=published_online\
             &include_input_output=true&page_size=30"
        );
        let url = versions_url(&options, "75", Some("17&page_size=1 é")).expect("valid");
        assert!(
            url.ends_with("&page_size=30&page_token=17%26page_size%3D1%20%C3%A9"),
            "{url}"
        );
        assert!(matches!(
            versions_url(&options, "7/../1", None),
            Err(Error::InvalidWorkflowId { .. })
        ));
    }

    #[test]
    fn version_names_are_checked() {
        for good in ["v0.0.1", "1.2", "release-2025_08"] {
            assert!(check_version(good).is_ok(), "{good}");
        }
        for bad in ["", "v 1", "v1\n", &"v".repeat(MAX_VERSION_LEN + 1)] {
            let err = check_version(bad).unwrap_err();
            assert!(matches!(err, Error::InvalidVersion { .. }), "{bad}: {err}");
        }
    }

    #[test]
    fn scrubbing_comes_before_shortening() {
        let token = Token::new("pat_0123456789");
        let text = format!("{}pat_0123456789", "x".repeat(10));
        let cleaned = clean(&text, 15, &token);
        assert!(!cleaned.contains("pat_01234"), "{cleaned}");
        assert!(cleaned.starts_with("xxxxxxxxxx<red"), "{cleaned}");
    }

    #[test]
    fn api_errors_from_the_body_are_scrubbed() {
        let token = Token::new("pat_secret");
        let err = scrub_error(
            crate::load_slice(
                br#"{"code": 4101, "msg": "token pat_secret is wrong"}"#,
                "response",
            )
            .unwrap_err(),
            Some(&token),
        );
        let text = err.to_string();
        assert!(!text.contains("pat_secret"), "{text}");
        assert!(text.contains("token <redacted> is wrong"), "{text}");
    }
}
