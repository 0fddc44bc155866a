//! A local web server for workflows (`cozegen serve`): an index, each workflow's form (the
//! form of `cozegen html`) wired to runs on Coze, and each workflow's runs of the session.
//!
//! A submit is planned by [`crate::plan`] (the same `validate` as `cozegen run` and `cozegen
//! mcp`): parameters that do not fit are answered with their problems (`422`) and nothing is
//! sent. A run goes through the one client ([`crate::coze::Client`]) on tokio's blocking pool
//! ([`runs`]), at most [`Config::max_runs`] at once, and its events come back to the page as
//! server-sent events as they arrive; an interrupt is answered from the page (a resume, or a
//! chatflow's next message). A file is uploaded through the server to Coze's upload endpoint.
//! The token stays in the client: the client scrubs what Coze says where it enters, and no page
//! or answer holds it.
//!
//! What every request must pass (Host, login, origin, request secret) and the headers every
//! answer carries are [`security`]'s; the pages are [`pages`]'s. The server ends on `SIGINT` or
//! `SIGTERM`: open streams end, and a run still on Coze is let go (it is never sent again).

pub mod pages;
pub mod runs;
pub mod security;

use crate::coze::{Client, RunHistory, Wait};
use crate::emit::html::i18n::Lang;
use crate::ir::rules::FileValues;
pub use crate::plan::serving::Served;
use crate::plan::serving::{LET_GO_AFTER, signal};
use crate::plan::{self, Call, PlanOptions, Refusal, Request};
use crate::{Error, Result};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use runs::{Job, Note, Pending, Runs, Status, Work};
use security::Guard;
use serde::Deserialize;
use serde_json::{Value, json};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::{Semaphore, mpsc, watch};

/// The largest request body: Coze's own limit on a request (20 MB).
pub const MAX_BODY_BYTES: usize = 20 << 20;

/// How long a wrong access secret holds the login for everyone: guessing is slowed to two
/// tries a second, however many clients guess at once.
const WRONG_SECRET_PAUSE: Duration = Duration::from_millis(500);

/// How to serve.
#[derive(Debug, Clone)]
pub struct Config {
    /// The address to listen on.
    pub bind: IpAddr,
    /// The port; 0 picks a free one.
    pub port: u16,
    /// The access secret the pages ask for; needed on any address but loopback.
    pub password: Option<String>,
    /// Host names (besides IP addresses and `localhost`) a request's `Host` may name.
    pub allowed_hosts: Vec<String>,
    /// Origins whose pages (a `cozegen html --component` in another app) may send runs; only
    /// without an access secret.
    pub allowed_origins: Vec<String>,
    /// The pages' language; `None` picks it per workflow from its words.
    pub lang: Option<Lang>,
    /// Send every workflow run asynchronously and read it back from the run history, waiting
    /// as this says.
    pub async_runs: Option<Wait>,
    /// The most runs (and uploads) on Coze at once; more are answered `503`.
    pub max_runs: usize,
}

/// Where the server listens, once it does.
#[derive(Debug, Clone)]
pub struct Ready {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// The index's URL.
    pub url: String,
}

/// How the server ended.
#[derive(Debug, Clone)]
pub struct Ended {
    /// The signal that ended it.
    pub signal: &'static str,
    /// How many runs were still running on Coze.
    pub running: usize,
}

struct App {
    served: Vec<Served>,
    guard: Arc<Guard>,
    client: Client,
    config: Config,
    secret: String,
    runs: Runs,
    permits: Arc<Semaphore>,
    stopping: watch::Receiver<bool>,
    stopped: AtomicBool,
    /// Logins are checked one at a time (see [`WRONG_SECRET_PAUSE`]).
    logins: tokio::sync::Mutex<()>,
    note: Box<dyn Fn(&str) + Send + Sync>,
}

/// Serves `workflows` until `SIGINT` or `SIGTERM`; `ready` is called once the server listens,
/// `note` with each line of progress (a run sent, how it ended).
pub fn serve(
    workflows: Vec<Served>,
    client: Client,
    config: Config,
    ready: impl FnOnce(&Ready),
    note: impl Fn(&str) + Send + Sync + 'static,
) -> Result<Ended> {
    if config.password.is_none() && !config.bind.is_loopback() {
        return Err(Error::Internal(
            "a server on an address other than loopback needs an access secret".into(),
        ));
    }
    let random = |what: &str| {
        security::random_hex(32)
            .map_err(|e| Error::Internal(format!("no random {what} from the system: {e}")))
    };
    let secret = random("request secret")?;
    let session = random("session")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| Error::Internal(format!("cannot start the server's runtime: {e}")))?;
    let (stop, stopping) = watch::channel(false);
    let ended = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind((config.bind, config.port))
            .await
            .map_err(|e| {
                Error::Serve(format!(
                    "cannot listen on {}:{}: {e}",
                    config.bind, config.port
                ))
            })?;
        let addr = listener
            .local_addr()
            .map_err(|e| Error::Serve(format!("cannot read the address listened on: {e}")))?;
        let guard = Arc::new(Guard {
            port: addr.port(),
            allowed_hosts: config.allowed_hosts.clone(),
            allowed_origins: config.allowed_origins.clone(),
            secret: secret.clone(),
            password: config.password.clone(),
            session,
        });
        let app = Arc::new(App {
            served: workflows,
            guard: Arc::clone(&guard),
            client,
            permits: Arc::new(Semaphore::new(config.max_runs.max(1))),
            config,
            secret,
            runs: Runs::default(),
            stopping,
            stopped: AtomicBool::new(false),
            logins: tokio::sync::Mutex::new(()),
            note: Box::new(note),
        });
        let router = Router::new()
            .route("/", get(index))
            .route("/login", get(login_page).post(login))
            .route("/w/{n}", get(workflow_page))
            .route("/w/{n}/runs", get(runs_page))
            .route("/w/{n}/run", post(run))
            .route("/w/{n}/runs/{run}/answer", post(answer))
            .route("/w/{n}/upload", post(upload))
            // Browsers ask for it on every page; there is none, and no 404 to log.
            .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
            .fallback(|| async { (StatusCode::NOT_FOUND, "not found\n") })
            .with_state(Arc::clone(&app))
            .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
            .layer(axum::middleware::from_fn_with_state(
                Arc::clone(&guard),
                security::guard,
            ));
        let host = match addr.ip() {
            IpAddr::V6(ip) => format!("[{ip}]"),
            IpAddr::V4(ip) if ip.is_unspecified() => "127.0.0.1".to_owned(),
            IpAddr::V4(ip) => ip.to_string(),
        };
        ready(&Ready {
            addr,
            url: format!("http://{host}:{}/", addr.port()),
        });
        let (signalled_tx, signalled_rx) = tokio::sync::oneshot::channel();
        let shutdown = {
            let app = Arc::clone(&app);
            async move {
                let name = signal().await;
                app.stopped.store(true, Ordering::Relaxed);
                // Open streams end with this; then the server closes its connections.
                let _ = stop.send(true);
                let _ = signalled_tx.send(name);
            }
        };
        axum::serve(listener, router)
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(|e| Error::Serve(format!("the server failed: {e}")))?;
        Ok(Ended {
            signal: signalled_rx.await.unwrap_or("a signal"),
            running: app.runs.running(),
        })
    });
    runtime.shutdown_timeout(LET_GO_AFTER);
    ended
}

type Shared = State<Arc<App>>;

fn page(page: pages::Page) -> Response {
    let mut response = axum::response::Html(page.html).into_response();
    if let Ok(csp) = HeaderValue::from_str(&page.csp) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    response
}

fn failure(status: StatusCode, message: impl Into<String>) -> Response {
    (status, axum::Json(json!({"error": message.into()}))).into_response()
}

fn internal(e: impl std::fmt::Display) -> Response {
    failure(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
}

impl App {
    fn workflow(&self, n: usize) -> Option<&Served> {
        n.checked_sub(1).and_then(|i| self.served.get(i))
    }

    fn lang_of(&self, served: Option<&Served>) -> Lang {
        self.config.lang.unwrap_or_else(|| match served {
            Some(s) => crate::emit::html::i18n::detect(&s.workflow),
            None => Lang::En,
        })
    }

    fn title(&self, served: &Served) -> String {
        crate::text::printable(
            served
                .workflow
                .details
                .name
                .as_deref()
                .unwrap_or("workflow"),
            60,
        )
    }
}

async fn index(State(app): Shared) -> Response {
    let listed: Vec<pages::Listed<'_>> = app
        .served
        .iter()
        .enumerate()
        .map(|(i, s)| pages::Listed {
            number: i + 1,
            title: s.workflow.details.name.as_deref().unwrap_or("Workflow"),
            description: s.workflow.details.description.as_deref(),
            workflow_id: &s.workflow_id,
            version: s.workflow_version.as_deref(),
            kind: pages::Words::of(app.lang_of(None)).get(if s.workflow.is_chatflow() {
                "kind.chatflow"
            } else {
                "kind.workflow"
            }),
        })
        .collect();
    match pages::index(app.lang_of(None), &listed) {
        Ok(p) => page(p),
        Err(e) => internal(e),
    }
}

async fn login_page(State(app): Shared) -> Response {
    match pages::login(app.lang_of(None), false) {
        Ok(p) => page(p),
        Err(e) => internal(e),
    }
}

#[derive(Deserialize)]
struct LoginForm {
    password: String,
}

async fn login(State(app): Shared, axum::Form(form): axum::Form<LoginForm>) -> Response {
    let _turn = app.logins.lock().await;
    let right = app
        .guard
        .password
        .as_deref()
        .is_some_and(|p| security::same_secret(p, &form.password));
    if !right {
        (app.note)("login: a wrong access secret");
        tokio::time::sleep(WRONG_SECRET_PAUSE).await;
        return match pages::login(app.lang_of(None), true) {
            Ok(p) => (StatusCode::UNAUTHORIZED, page(p)).into_response(),
            Err(e) => internal(e),
        };
    }
    let cookie = format!(
        "{}={}; HttpOnly; SameSite=Strict; Path=/",
        security::COOKIE,
        app.guard.session
    );
    let mut response = Redirect::to("/").into_response();
    if let Ok(cookie) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

async fn workflow_page(State(app): Shared, Path(n): Path<usize>, headers: HeaderMap) -> Response {
    let Some(served) = app.workflow(n) else {
        return failure(StatusCode::NOT_FOUND, "no such workflow");
    };
    // The guard has checked the Host: it names this server.
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let wiring = pages::Wiring {
        number: n,
        workflow_id: &served.workflow_id,
        origin: &format!("http://{host}"),
        secret: &app.secret,
        lang: app.config.lang,
    };
    match pages::workflow(&served.workflow, &wiring) {
        Ok(p) => page(p),
        Err(e) => internal(e),
    }
}

async fn runs_page(State(app): Shared, Path(n): Path<usize>) -> Response {
    let Some(served) = app.workflow(n) else {
        return failure(StatusCode::NOT_FOUND, "no such workflow");
    };
    // An asynchronous run not seen to end is read from its run history now.
    for record in app.runs.of(n) {
        let (true, Status::Running, Some(execute_id)) =
            (record.is_async, record.status, record.execute_id.clone())
        else {
            continue;
        };
        let Ok(permit) = Arc::clone(&app.permits).try_acquire_owned() else {
            break;
        };
        let app2 = Arc::clone(&app);
        let read = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let served = app2.workflow(n)?;
            let history: RunHistory = app2
                .client
                .run_history(
                    served.workflow.details.platform,
                    &served.workflow_id,
                    &execute_id,
                )
                .ok()?;
            let status = runs::history_status(&served.workflow, &history);
            app2.runs.update(record.id, |r| {
                r.status = status;
                if r.debug_url.is_none() {
                    r.debug_url.clone_from(&history.debug_url);
                }
            });
            Some(())
        });
        let _ = read.await;
    }
    let lang = app.lang_of(Some(served));
    match pages::runs(lang, n, &app.title(served), &app.runs.of(n)) {
        Ok(p) => page(p),
        Err(e) => internal(e),
    }
}

#[derive(Deserialize)]
struct RunBody {
    parameters: Value,
    #[serde(default)]
    message: Option<String>,
}

fn problems(problems: &[crate::check::validate::Problem]) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        axum::Json(json!({"problems": runs::problem_list(problems)})),
    )
        .into_response()
}

fn refusal(refusal: &Refusal) -> Response {
    let message = match refusal {
        Refusal::Problems(p) => return problems(p),
        Refusal::MessageMissing | Refusal::MessageEmpty => {
            "the chatflow's message must be text that is not blank"
        }
        Refusal::MessageForWorkflow | Refusal::ConversationForWorkflow => {
            "this workflow takes no message"
        }
    };
    problems(&[crate::check::validate::Problem {
        path: String::new(),
        message: message.to_owned(),
    }])
}

async fn run(
    State(app): Shared,
    Path(n): Path<usize>,
    axum::Json(body): axum::Json<RunBody>,
) -> Response {
    let Some(served) = app.workflow(n) else {
        return failure(StatusCode::NOT_FOUND, "no such workflow");
    };
    let call = Call {
        parameters: body.parameters,
        message: body.message,
        workflow_version: served.workflow_version.clone(),
        ..Call::default()
    };
    let job = match plan::plan(
        &served.workflow,
        &served.workflow_id,
        call,
        &PlanOptions::default(),
    ) {
        Ok(Request::Run(request)) => match app.config.async_runs {
            Some(wait) => Job::Async(request, wait),
            None => Job::Run(request),
        },
        Ok(Request::Chat(request)) => Job::Chat(request),
        Err(r) => return refusal(&r),
    };
    let is_async = matches!(job, Job::Async(..));
    start(app, n, None, job, is_async)
}

#[derive(Deserialize)]
struct AnswerBody {
    answer: Value,
}

async fn answer(
    State(app): Shared,
    Path((n, id)): Path<(usize, usize)>,
    axum::Json(body): axum::Json<AnswerBody>,
) -> Response {
    let Some(served) = app.workflow(n) else {
        return failure(StatusCode::NOT_FOUND, "no such workflow");
    };
    let record = app.runs.get(id).filter(|r| r.workflow == n);
    let Some(pending) = record
        .and_then(|r| (r.status == Status::Interrupted).then_some(r.pending))
        .flatten()
    else {
        return failure(StatusCode::CONFLICT, "this run does not wait for an answer");
    };
    let job = match pending {
        Pending::Interrupt(interrupt) => {
            match plan::resume(&served.workflow_id, &interrupt, &body.answer) {
                Ok(request) => Job::Resume(request),
                Err(found) => return problems(&found),
            }
        }
        Pending::Chat {
            conversation_id,
            parameters,
            request,
        } => {
            let Value::String(message) = body.answer else {
                return failure(StatusCode::UNPROCESSABLE_ENTITY, "the answer must be text");
            };
            let call = Call {
                parameters: Value::Object(parameters),
                message: Some(message),
                conversation_id,
                app_id: request.app_id.clone(),
                bot_id: request.bot_id.clone(),
                workflow_version: request.workflow_version.clone(),
                ..Call::default()
            };
            match plan::plan(
                &served.workflow,
                &served.workflow_id,
                call,
                &PlanOptions::default(),
            ) {
                Ok(Request::Chat(request)) => Job::Chat(request),
                Ok(Request::Run(_)) => return internal("a chat planned as a run"),
                Err(r) => return refusal(&r),
            }
        }
    };
    app.runs.update(id, |r| {
        r.status = Status::Running;
        r.pending = None;
    });
    start(app, n, Some(id), job, false)
}

/// Starts `job` as run `id` (a new run when `None`) on the blocking pool, and answers with its
/// notes as server-sent events.
fn start(app: Arc<App>, n: usize, id: Option<usize>, job: Job, is_async: bool) -> Response {
    let Ok(permit) = Arc::clone(&app.permits).try_acquire_owned() else {
        if let Some(id) = id {
            app.runs.update(id, |r| r.status = Status::Interrupted);
        }
        return failure(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many runs are under way; try again when one has ended",
        );
    };
    let id = id.unwrap_or_else(|| app.runs.start(n, is_async));
    let (notes, received) = mpsc::channel::<Note>(256);
    let title = app.workflow(n).map(|s| app.title(s)).unwrap_or_default();
    (app.note)(&format!("run {id} of {title}: sent to Coze"));
    let worker = Arc::clone(&app);
    tokio::task::spawn_blocking(move || {
        let Some(served) = worker.workflow(n) else {
            return;
        };
        let stopping = || worker.stopped.load(Ordering::Relaxed);
        let work = Work {
            client: &worker.client,
            workflow: &served.workflow,
            runs: &worker.runs,
            id,
            notes,
            stopping: &stopping,
            permit: std::cell::Cell::new(Some(permit)),
        };
        let status = work.run(job);
        let record = worker.runs.get(id);
        let execute = record
            .and_then(|r| r.execute_id)
            .map(|e| format!(" (execute_id {})", crate::text::printable(&e, 40)))
            .unwrap_or_default();
        (worker.note)(&format!(
            "run {id} of {title}: {}{execute}",
            pages::Words::of(Lang::En).get(status.key())
        ));
    });
    let first = Some(("run", json!({"run": id})));
    let stream = futures_util::stream::unfold(
        (received, app.stopping.clone(), first),
        |(mut received, mut stopping, first)| async move {
            let sse = |(name, data): Note| {
                Ok::<_, std::convert::Infallible>(
                    SseEvent::default().event(name).data(data.to_string()),
                )
            };
            if let Some(note) = first {
                return Some((sse(note), (received, stopping, None)));
            }
            if *stopping.borrow() {
                return None;
            }
            tokio::select! {
                note = received.recv() => note.map(|note| (sse(note), (received, stopping, None))),
                _ = stopping.changed() => None,
            }
        },
    );
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// Answers an upload: the body is the file's bytes, its name in `X-Cozegen-File-Name`
/// (percent-encoded); the answer is what the form takes (`{"file_id"}` or `{"url"}`).
async fn upload(
    State(app): Shared,
    Path(n): Path<usize>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(served) = app.workflow(n) else {
        return failure(StatusCode::NOT_FOUND, "no such workflow");
    };
    let name = headers
        .get("x-cozegen-file-name")
        .and_then(|v| v.to_str().ok())
        .map(percent_decoded)
        .filter(|n| !n.is_empty() && !n.contains(['/', '\\']) && !n.chars().any(char::is_control))
        .unwrap_or_else(|| "file".to_owned());
    let Ok(permit) = Arc::clone(&app.permits).try_acquire_owned() else {
        return failure(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many runs are under way; try again when one has ended",
        );
    };
    let need_url = served.workflow.input.files == FileValues::UrlOnly;
    let worker = Arc::clone(&app);
    let shown = crate::text::printable(&name, 80);
    let sent = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        worker.client.upload_bytes(&name, body.to_vec(), need_url)
    })
    .await;
    match sent {
        Ok(Ok(uploaded)) => {
            (app.note)(&format!("uploaded {shown} to Coze"));
            axum::Json(json!({"file_id": uploaded.id, "url": uploaded.url})).into_response()
        }
        Ok(Err(e)) => failure(StatusCode::BAD_GATEWAY, e.to_string()),
        Err(e) => internal(e),
    }
}

/// `text` with its `%XX` escapes decoded (as `encodeURIComponent` wrote it); invalid UTF-8 is
/// replaced.
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_percent_decoded() {
        assert_eq!(percent_decoded("a%20b%E4%B8%AD.pdf"), "a b中.pdf");
        assert_eq!(percent_decoded("100%"), "100%");
    }
}
