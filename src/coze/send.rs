//! The one send: every request to Coze goes through [`Client::exchange`].
//!
//! A request is an [`Endpoint`] (method, path, resend policy), its [`Target`] (the URL, checked:
//! `target`), its body and what it accepts back. The token is checked before anything is
//! sent. Each attempt uses a fresh agent whose connector raises a flag once a connection to
//! the server exists: a failure while it is down sent nothing. After a failure, the endpoint's
//! [`Resend`] policy decides whether the request goes again:
//!
//! - [`Resend::Safe`] (a read): a failure another attempt may mend — a dropped or refused
//!   connection, a name that did not resolve, a connect timeout, a truncated body, HTTP 429 or
//!   5xx — is retried;
//! - [`Resend::Never`] (a run, a chat, a resume): only a failure before any connection existed,
//!   or an HTTP 429 with `Retry-After` (Coze refused it unstarted), is retried. Anything else
//!   after the request may have reached Coze is [`Error::RunUnconfirmed`]: the run may have
//!   started, and is never sent twice.
//!
//! Retries wait as `retry` says, at most `retries` times. A `429` also pauses every other
//! request of the client (its gate, shared by its clones) for the same wait. Bodies are read with limits and
//! scrubbed of the token as they arrive; error statuses are read for Coze's
//! `{code, msg, detail: {logid}}`.

use super::retry::{MAX_TOTAL_RETRY_WAIT, parse_retry_after, retry_wait};
use super::target::Target;
use super::wire::Envelope;
use super::{Client, Error, FetchFailure, Result, ServerText, Token};
use crate::endpoints::{Endpoint, Resend};
use std::time::Duration;

/// The most read of an error answer's body: enough for any Coze envelope.
pub(crate) const MAX_ERROR_BODY_BYTES: u64 = 1 << 20;

const USER_AGENT: &str = concat!("cozegen/", env!("CARGO_PKG_VERSION"));

/// What a request carries.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Payload<'a> {
    /// Nothing (a `GET`).
    None,
    /// A JSON body.
    Json(&'a [u8]),
    /// A `multipart/form-data` body (an upload).
    Multipart(&'a super::multipart::Multipart),
}

impl Payload<'_> {
    /// The `Content-Type` the request is sent with. (The API documentation sends
    /// `application/json` also with a GET.)
    fn content_type(&self) -> &str {
        match self {
            Payload::None | Payload::Json(_) => "application/json",
            Payload::Multipart(form) => &form.content_type,
        }
    }
}

/// One request: where it goes, by which endpoint's rules, with what, wanting what back.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Request<'a> {
    pub(crate) endpoint: &'static Endpoint,
    pub(crate) target: &'a Target,
    pub(crate) payload: Payload<'a>,
    /// The `Accept` header: `application/json`, or `text/event-stream` for a stream.
    pub(crate) accept: &'static str,
}

/// A whole answer with a success status, its body scrubbed of the token.
#[derive(Debug)]
pub(crate) struct Received {
    /// The body, with the token taken out wherever it was.
    pub(crate) body: Vec<u8>,
    /// Whether the body as sent held the token.
    pub(crate) carried_token: bool,
    pub(crate) status: u16,
    /// The `Content-Type` header, as sent (scrub it to quote it).
    pub(crate) content_type: Option<String>,
}

/// An answer with a success status whose body is still to be read (a stream).
pub(crate) type Open = ureq::http::Response<ureq::Body>;

/// Why one attempt failed, whether the request may have reached the server, and how long the
/// server asked to wait.
#[derive(Debug)]
pub(crate) struct Failure {
    cause: Cause,
    /// Whether a connection to the server existed: if so, the request may have been sent.
    reached: bool,
    retry_after: Option<Duration>,
}

#[derive(Debug)]
enum Cause {
    /// No complete answer: the HTTP client's failure. `transient` when another attempt may
    /// fare better (not a certificate that will be refused again).
    Transport {
        failure: FetchFailure,
        message: ServerText,
        transient: bool,
    },
    /// An error status, with what its body said.
    Status {
        status: u16,
        reason: &'static str,
        code: Option<ServerText>,
        msg: Option<ServerText>,
        logid: Option<ServerText>,
    },
    /// A redirect, which is not followed.
    Redirect { status: u16, location: ServerText },
    /// The body is larger than the cap.
    TooLarge,
}

/// Whether the endpoint's policy lets a request that failed so go again.
fn may_resend(resend: Resend, failure: &Failure) -> bool {
    match (&failure.cause, resend) {
        (Cause::Transport { transient, .. }, Resend::Safe) => *transient,
        (Cause::Transport { transient, .. }, Resend::Never) => *transient && !failure.reached,
        (Cause::Status { status, .. }, Resend::Safe) => *status == 429 || *status >= 500,
        (Cause::Status { status, .. }, Resend::Never) => {
            *status == 429 && failure.retry_after.is_some()
        }
        (Cause::Redirect { .. } | Cause::TooLarge, _) => false,
    }
}

impl Client {
    /// Sends `request` by its endpoint's policy and reads the whole answer.
    pub(crate) fn receive(&self, request: &Request<'_>) -> Result<Received> {
        self.exchange(request, |client, response| client.read_whole(response))
    }

    /// Sends `request` by its endpoint's policy and hands back an answer with a success status
    /// whose body is still to be read.
    pub(crate) fn open(&self, request: &Request<'_>) -> Result<Open> {
        self.exchange(request, |_, response| Ok(response))
    }

    /// The retry loop: attempts `request` until it succeeds, the endpoint's policy forbids
    /// another attempt, the retries are spent, or the waits would exceed
    /// [`MAX_TOTAL_RETRY_WAIT`]. `finish` reads a success answer within the attempt (so that a
    /// read that breaks off is an attempt's failure too).
    fn exchange<T>(
        &self,
        request: &Request<'_>,
        finish: impl Fn(&Client, Open) -> std::result::Result<T, Failure>,
    ) -> Result<T> {
        let token = self.token()?;
        let mut waited = Duration::ZERO;
        let mut attempt = 0u32;
        loop {
            self.gate.wait();
            attempt += 1;
            let failure = match self.attempt(request, token, &finish) {
                Ok(answer) => return Ok(answer),
                Err(failure) => failure,
            };
            let wait = retry_wait(self.options.retry_delay, attempt - 1, failure.retry_after);
            if matches!(failure.cause, Cause::Status { status: 429, .. }) {
                // The limit is the token's: every request of this client waits it out.
                self.gate.pause(wait);
            }
            if !may_resend(request.endpoint.resend, &failure)
                || attempt > self.options.retries
                || waited + wait > MAX_TOTAL_RETRY_WAIT
            {
                return Err(self.conclude(request, failure, attempt));
            }
            std::thread::sleep(wait);
            waited += wait;
        }
    }

    fn attempt<T>(
        &self,
        request: &Request<'_>,
        token: &Token,
        finish: &impl Fn(&Client, Open) -> std::result::Result<T, Failure>,
    ) -> std::result::Result<T, Failure> {
        // A fresh agent (and flag) per attempt: no pooled connection can hide whether this
        // attempt reached the server.
        let (agent, connected) = watched_agent(&self.options);
        let builder = ureq::http::Request::builder()
            .method(request.endpoint.method.as_str())
            .uri(&request.target.url)
            .header("Authorization", format!("Bearer {}", token.expose()))
            .header("Content-Type", request.payload.content_type())
            .header("Accept", request.accept);
        let sent = match request.payload {
            Payload::None => builder.body(()).map(|r| agent.run(r)),
            Payload::Json(body) => builder.body(body).map(|r| agent.run(r)),
            Payload::Multipart(form) => builder.body(&form.body[..]).map(|r| agent.run(r)),
        };
        let response = match sent {
            Ok(Ok(response)) => response,
            Ok(Err(e)) => return Err(self.transport(e, request.target, connected.ever())),
            Err(e) => {
                return Err(Failure {
                    cause: Cause::Transport {
                        failure: FetchFailure::Other,
                        message: self
                            .scrub
                            .text(&format!("cannot make the request: {e}"), 300),
                        transient: false,
                    },
                    reached: false,
                    retry_after: None,
                });
            }
        };
        let status = response.status();
        if status.is_success() {
            return finish(self, response);
        }
        if status.is_redirection() {
            let location = header(&response, "location");
            return Err(Failure {
                cause: Cause::Redirect {
                    status: status.as_u16(),
                    location: self
                        .scrub
                        .text(location.as_deref().unwrap_or("(no Location header)"), 300),
                },
                reached: true,
                retry_after: None,
            });
        }
        Err(self.status_failure(response))
    }

    /// An error status: the status is the news, the body (if it arrives, and is of a sensible
    /// size) explains it.
    fn status_failure(&self, mut response: Open) -> Failure {
        let status = response.status();
        let retry_after = header(&response, "retry-after")
            .and_then(|v| parse_retry_after(&v, std::time::SystemTime::now()));
        let raw = response
            .body_mut()
            .with_config()
            .limit(self.options.max_bytes.min(MAX_ERROR_BODY_BYTES))
            .read_to_vec()
            .unwrap_or_default();
        let (body, _) = self.scrub.json(&raw);
        let envelope: Envelope = serde_json::from_slice(&body).unwrap_or_default();
        let code = envelope.code().map(|c| self.scrub.text(&c, 40));
        let msg = match envelope.msg() {
            None if code.is_none() && !body.is_empty() => {
                Some(self.scrub.text(&format!("`{}`", self.excerpt(&body)), 300))
            }
            msg => msg.map(|m| self.scrub.text(&m, 500)),
        };
        Failure {
            cause: Cause::Status {
                status: status.as_u16(),
                reason: status.canonical_reason().unwrap_or_default(),
                code,
                msg,
                logid: envelope.logid().map(|l| self.scrub.text(&l, 120)),
            },
            reached: true,
            retry_after,
        }
    }

    /// Reads a success answer's whole body, within the cap, and scrubs it.
    fn read_whole(&self, mut response: Open) -> std::result::Result<Received, Failure> {
        let too_large = || Failure {
            cause: Cause::TooLarge,
            reached: true,
            retry_after: None,
        };
        let status = response.status().as_u16();
        let content_type = header(&response, "content-type");
        let max = self.options.max_bytes;
        if response.body().content_length().is_some_and(|n| n > max) {
            return Err(too_large());
        }
        let raw = match response.body_mut().with_config().limit(max).read_to_vec() {
            Ok(raw) => raw,
            Err(ureq::Error::BodyExceedsLimit(_)) => return Err(too_large()),
            Err(e) => return Err(self.transport_cause(e, None, true)),
        };
        let (body, carried_token) = self.scrub.json(&raw);
        Ok(Received {
            body: body.into_owned(),
            carried_token,
            status,
            content_type,
        })
    }

    /// The error for the last attempt's failure, as the endpoint's policy reads it.
    fn conclude(&self, request: &Request<'_>, failure: Failure, attempts: u32) -> Error {
        let method = request.endpoint.method;
        let url = request.target.shown.clone();
        let limit = self.options.max_bytes;
        match (request.endpoint.resend, failure.cause) {
            (_, Cause::Redirect { status, location }) => Error::Redirect {
                method,
                url,
                status,
                location,
            },
            (
                Resend::Safe,
                Cause::Transport {
                    failure, message, ..
                },
            ) => Error::Fetch {
                method,
                url,
                failure,
                message,
                attempts,
            },
            (
                Resend::Safe,
                Cause::Status {
                    status,
                    reason,
                    code,
                    msg,
                    logid,
                },
            ) => Error::HttpStatus {
                permission: request.endpoint.permission,
                method,
                url,
                status,
                reason,
                code,
                msg,
                logid,
                attempts,
            },
            (Resend::Safe, Cause::TooLarge) => Error::ResponseTooLarge { method, url, limit },
            (Resend::Never, Cause::Transport { message, .. }) if !failure.reached => {
                Error::RunRequest {
                    url,
                    message: self.scrub.text(
                        &format!("{message} (nothing was sent, so no run started)"),
                        1_000,
                    ),
                    attempts,
                }
            }
            (Resend::Never, Cause::Transport { message, .. }) => Error::RunUnconfirmed {
                url,
                message,
                execute_id: None,
            },
            (
                Resend::Never,
                Cause::Status {
                    status,
                    reason,
                    code,
                    msg,
                    logid,
                },
            ) => {
                let mut message = format!(
                    "HTTP {status}{}{}{}",
                    super::error::reason_suffix(reason),
                    super::error::code_msg_suffix(&code, &msg),
                    super::error::logid_suffix(&logid),
                );
                if status >= 500 {
                    Error::RunUnconfirmed {
                        url,
                        message: self.scrub.text(&message, 1_000),
                        execute_id: None,
                    }
                } else {
                    message.push_str(" (the run was not started)");
                    // A refused token is said as for a read, with the permission a run needs.
                    message.push_str(&crate::source::error::api_hint(
                        Some(status),
                        code.as_ref().map(ServerText::as_str),
                        request.endpoint.permission.as_str(),
                    ));
                    Error::RunRequest {
                        url,
                        message: self.scrub.text(&message, 1_000),
                        attempts,
                    }
                }
            }
            (Resend::Never, Cause::TooLarge) => Error::RunUnconfirmed {
                url,
                message: self.scrub.text(
                    &format!(
                        "the answer is larger than {} ({limit} bytes), the most cozegen accepts",
                        super::error::human_bytes(limit)
                    ),
                    300,
                ),
                execute_id: None,
            },
        }
    }

    /// A failure of the HTTP client before an answer's status arrived.
    fn transport(&self, e: ureq::Error, target: &Target, reached: bool) -> Failure {
        self.transport_cause(e, Some(target), reached)
    }

    fn transport_cause(&self, e: ureq::Error, target: Option<&Target>, reached: bool) -> Failure {
        use std::io::ErrorKind;
        use ureq::Timeout;
        let host = target
            .and_then(|t| t.url.parse::<ureq::http::Uri>().ok())
            .and_then(|u| u.authority().map(|a| a.to_string()))
            .unwrap_or_else(|| "the server".to_owned());
        let https = target.is_some_and(|t| t.url.starts_with("https:"));
        let secs = |d: Duration| format!("{:.0} s", d.as_secs_f64().max(1.0));
        let options = &self.options;
        let (failure, message, transient) = match &e {
            ureq::Error::BodyExceedsLimit(_) => {
                return Failure {
                    cause: Cause::TooLarge,
                    reached,
                    retry_after: None,
                };
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
                ErrorKind::InvalidData if https => (
                    FetchFailure::Tls,
                    format!(
                        "TLS with {host} failed: {io}; check that the base URL serves https \
                         with a valid certificate"
                    ),
                    false,
                ),
                ErrorKind::UnexpectedEof => (
                    FetchFailure::Truncated,
                    "the connection closed before the whole response arrived (truncated \
                     response)"
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
        Failure {
            cause: Cause::Transport {
                failure,
                message: self.scrub.text(&message, 500),
                transient,
            },
            reached,
            retry_after: None,
        }
    }

    /// The start of an unexpected body (already scrubbed), for a message.
    pub(crate) fn excerpt(&self, body: &[u8]) -> ServerText {
        let head = &body[..body.len().min(1000)];
        let text = String::from_utf8_lossy(head);
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            self.scrub.text("(empty body)", 20)
        } else {
            self.scrub.text(&text, 200)
        }
    }
}

pub(crate) fn header(response: &Open, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// An agent for one request, and a flag it raises once a connection to the server exists
/// (TCP, and TLS for https). A failure while the flag is down sent nothing: the name did not
/// resolve, the connection was refused or unreachable, the handshake failed. Once it is up,
/// the request may have left the machine.
fn watched_agent(options: &super::Options) -> (ureq::Agent, Connected) {
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
        .build();
    let connected = Connected::default();
    let connector = DefaultConnector::new().chain(MarkConnected(connected.clone()));
    let agent = ureq::Agent::with_parts(config, connector, NamesResolved);
    (agent, connected)
}

/// Whether an agent of [`watched_agent`] has connected to the server.
#[derive(Debug, Clone, Default)]
struct Connected(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Connected {
    /// Whether a connection to the server existed at some point: if so, a request may have
    /// been sent.
    fn ever(&self) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoints;

    fn failure(cause: Cause, reached: bool, retry_after: Option<u64>) -> Failure {
        Failure {
            cause,
            reached,
            retry_after: retry_after.map(Duration::from_secs),
        }
    }

    fn transport(transient: bool) -> Cause {
        Cause::Transport {
            failure: FetchFailure::Connect,
            message: crate::coze::Scrub::default().text("x", 10),
            transient,
        }
    }

    fn status(status: u16) -> Cause {
        Cause::Status {
            status,
            reason: "",
            code: None,
            msg: None,
            logid: None,
        }
    }

    /// Each endpoint's policy, failure by failure: a read goes again whenever another attempt
    /// may mend it; a run only when it cannot have started.
    #[test]
    fn the_resend_policy_of_each_endpoint() {
        let reads = [
            endpoints::WORKFLOW,
            endpoints::VERSIONS,
            endpoints::WORKFLOWS,
        ];
        let runs = [
            endpoints::RUN,
            endpoints::STREAM_RUN,
            endpoints::RESUME,
            endpoints::STREAM_RESUME,
            endpoints::CHAT,
        ];
        for read in reads {
            let again = |f: Failure| may_resend(read.resend, &f);
            assert!(again(failure(transport(true), false, None)));
            assert!(
                again(failure(transport(true), true, None)),
                "a dropped read"
            );
            assert!(
                !again(failure(transport(false), false, None)),
                "a TLS failure"
            );
            assert!(again(failure(status(429), true, None)));
            assert!(again(failure(status(502), true, None)));
            assert!(!again(failure(status(404), true, None)));
            assert!(!again(failure(Cause::TooLarge, true, None)));
        }
        for run in runs {
            let again = |f: Failure| may_resend(run.resend, &f);
            assert!(again(failure(transport(true), false, None)), "nothing sent");
            assert!(
                !again(failure(transport(true), true, None)),
                "may have started"
            );
            assert!(!again(failure(transport(false), false, None)));
            assert!(
                again(failure(status(429), true, Some(1))),
                "refused unstarted"
            );
            assert!(!again(failure(status(429), true, None)));
            assert!(!again(failure(status(502), true, Some(1))));
            assert!(!again(failure(status(400), true, None)));
            assert!(!again(failure(Cause::TooLarge, true, None)));
        }
    }
}
