//! Running a published workflow through the Coze API, and resuming one that stopped at a
//! question:
//!
//! - [`run`]: `POST {base}/v1/workflow/run`, one JSON answer whose `data` is the end node's
//!   output as JSON *text* (or, when the end node answers with its content template, plain
//!   text); [`RunAnswer::output`] holds it parsed.
//! - [`stream`]: `POST {base}/v1/workflow/stream_run`, server-sent events (`Message`, `Error`,
//!   `Done`, `Interrupt`, `PING`) handed to a callback as they arrive.
//! - [`resume`] and [`stream_resume`]: `POST {base}/v1/workflows/resume` and
//!   `POST {base}/v1/workflow/stream_resume` with `{workflow_id, event_id, resume_data,
//!   interrupt_type}`.
//! - [`chat`]: `POST {base}/v1/workflows/chat`, a chat with a chatflow: the user's message in
//!   `additional_messages`, the other parameters in `parameters`; the answer is a stream of chat
//!   events (`conversation.chat.created`, `conversation.message.delta`,
//!   `conversation.message.completed`, `conversation.chat.completed`, `conversation.chat.failed`,
//!   `conversation.chat.requires_action`, `error`, `done`).
//!
//! **A run is never sent twice.** Once the request may have reached Coze, the run may have
//! started; a timeout, a dropped connection, a 5xx or a stream cut short is
//! [`Error::RunUnconfirmed`], with the execute id when it is known. Only failures before the
//! request was sent (connection refused, DNS or connect timeouts) and HTTP 429 with
//! `Retry-After` are retried. The token never appears in an error; text from the server is
//! scrubbed of it.

use crate::coze::Error;
use crate::coze::fetch::Result;
use crate::coze::fetch::{self, FetchOptions, Token, scalar_text};
use crate::ir::Workflow;
use crate::ir::rules::Problem;
use crate::model::Scalar;
use serde_json::{Map, Value};
use std::io::BufRead;
use std::time::Duration;

/// What to run: the body of `/v1/workflow/run` and `/v1/workflow/stream_run`.
#[derive(Debug, Clone, Default)]
pub struct RunRequest {
    /// The workflow ID (digits; checked before anything is sent).
    pub workflow_id: String,
    /// The start node's `parameters`, sent as a JSON object.
    pub parameters: Map<String, Value>,
    /// A published version to run instead of the latest (`workflow_version`).
    pub workflow_version: Option<String>,
    /// The app the workflow belongs to (`app_id`), for workflows of a Coze app.
    pub app_id: Option<String>,
    /// The agent to run it with (`bot_id`), for workflows with database or variable nodes.
    pub bot_id: Option<String>,
}

/// What to say to a chatflow: the body of `/v1/workflows/chat`.
#[derive(Debug, Clone, Default)]
pub struct ChatRequest {
    /// The chatflow's ID (digits; checked before anything is sent).
    pub workflow_id: String,
    /// The user's message: the last of `additional_messages`, and the chatflow's `USER_INPUT`.
    pub message: String,
    /// The start node's other `parameters` (`CONVERSATION_NAME` and the custom ones).
    pub parameters: Map<String, Value>,
    /// A published version to run instead of the latest (`workflow_version`).
    pub workflow_version: Option<String>,
    /// The app to chat in (`app_id`): needed for a chatflow of an app.
    pub app_id: Option<String>,
    /// The agent to chat with (`bot_id`), for a chatflow of the resource library.
    pub bot_id: Option<String>,
    /// The conversation to file the chat under (`conversation_id`); it overrides
    /// `CONVERSATION_NAME`.
    pub conversation_id: Option<String>,
}

/// How to answer an interrupt: the body of `/v1/workflows/resume` and
/// `/v1/workflow/stream_resume`.
#[derive(Debug, Clone, Default)]
pub struct ResumeRequest {
    /// The workflow the interrupted run belongs to.
    pub workflow_id: String,
    /// The interrupt's `event_id`.
    pub event_id: String,
    /// The interrupt's `type` (`interrupt_type`): 2 question node, 5 input node, 6 device
    /// plugin, 7 OAuth plugin.
    pub interrupt_type: i64,
    /// The answer (`resume_data`).
    pub answer: String,
}

/// The output of a run: the end node's variables as JSON, or the text of its answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// `data` was JSON text; this is it parsed.
    Json(Value),
    /// `data` was not JSON (the end node answers with its content template): the raw text.
    Text(String),
    /// The answer had no `data` (an asynchronous run, or an interrupted one).
    None,
}

/// A run's resource use, as Coze reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Usage {
    /// Input tokens the run used (`input_count`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_count: Option<i64>,
    /// Output tokens the run used (`output_count`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_count: Option<i64>,
    /// All tokens the run used (`token_count`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_count: Option<i64>,
}

/// A run stopped at a question or input node: what is asked and how to answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Interrupt {
    /// The id to resume it with (`event_id`).
    pub event_id: String,
    /// `type`: 2 question node, 5 input node, 6 device plugin, 7 OAuth plugin.
    pub interrupt_type: Option<i64>,
    /// The node that asked, if the server said.
    pub node_title: Option<String>,
    /// The question, when one is known (from the interrupt's `data`, or the asking node's
    /// messages in a stream).
    pub question: Option<String>,
}

impl Interrupt {
    /// A name for the interrupt type.
    pub fn type_name(&self) -> &'static str {
        match self.interrupt_type {
            Some(2) => "question node",
            Some(5) => "input node",
            Some(6) => "device plugin",
            Some(7) => "OAuth plugin",
            _ => "unknown type",
        }
    }
}

/// The answer of `/v1/workflow/run` or `/v1/workflows/resume` with `code` 0. Text from the
/// server is scrubbed of the token.
#[derive(Debug, Clone)]
pub struct RunAnswer {
    /// The run's output, parsed when it is JSON.
    pub output: Output,
    /// `data` as the server sent it.
    pub raw: Option<String>,
    /// The run's id in Coze's run history (`execute_id`).
    pub execute_id: Option<String>,
    /// A link to the run's trace in the Coze editor (`debug_url`).
    pub debug_url: Option<String>,
    /// What the run used, when Coze says.
    pub usage: Option<Usage>,
    /// Coze's log id for the request (`detail.logid`), for support.
    pub logid: Option<String>,
    /// Set when the run stopped at a question or input node.
    pub interrupt: Option<Interrupt>,
}

/// One server-sent event of a stream. `data` is the event's data parsed as JSON (a string if
/// it is not JSON), scrubbed of the token.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The event's `id:` line, if any.
    pub id: Option<String>,
    /// `Message`, `Error`, `Done`, `Interrupt`, `PING`, or whatever else the server sends.
    pub event: String,
    /// The event's data.
    pub data: Value,
}

impl Event {
    /// The event as one line of JSON: `{"id":…,"event":…,"data":…}`.
    pub fn to_json_line(&self) -> String {
        let mut object = Map::new();
        object.insert(
            "id".to_owned(),
            self.id.clone().map_or(Value::Null, Value::String),
        );
        object.insert("event".to_owned(), Value::String(self.event.clone()));
        object.insert("data".to_owned(), self.data.clone());
        Value::Object(object).to_string()
    }

    /// The content of a `Message` event, or the text of a chat's answer delta
    /// (`conversation.message.delta` of type `answer`).
    pub fn content(&self) -> Option<&str> {
        let answer = || {
            self.data
                .get("type")
                .and_then(Value::as_str)
                .is_none_or(|t| t == "answer")
        };
        let wanted = match self.event.as_str() {
            "Message" => true,
            "conversation.message.delta" => answer(),
            _ => false,
        };
        wanted
            .then(|| self.data.get("content").and_then(Value::as_str))
            .flatten()
    }

    /// Whether the event ends a chat's answer message (`conversation.message.completed` of
    /// type `answer`), after which a printer ends the line.
    pub fn ends_answer(&self) -> bool {
        self.event == "conversation.message.completed"
            && self.data.get("type").and_then(Value::as_str) == Some("answer")
    }
}

/// How a stream ended.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEnd {
    /// `Done`: the run finished.
    Done {
        /// A link to the run's trace in the Coze editor.
        debug_url: Option<String>,
        /// What the run used, when Coze says.
        usage: Option<Usage>,
    },
    /// `Interrupt`: the run waits for an answer.
    Interrupted(Interrupt),
}

/// How a chat ended (with `done`, or with `conversation.chat.completed` when `done` did not
/// follow).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChatEnd {
    /// The chat's id (`id` of the chat events).
    pub chat_id: Option<String>,
    /// The conversation the chat's messages were filed under (`conversation_id`).
    pub conversation_id: Option<String>,
    /// A link to the chatflow's trace in the Coze editor (`debug_url` of `done`).
    pub debug_url: Option<String>,
    /// What the chat used, from `conversation.chat.completed`.
    pub usage: Option<Usage>,
    /// The chatflow stopped at a question or input node
    /// (`conversation.chat.requires_action`): the answer is the next chat's message, in the
    /// same conversation.
    pub requires_action: bool,
}

/// The problems of a run's output against the end node, in document order. Text output (the
/// end node answers with its content template) is not checked: it has no variables.
pub fn check_output(workflow: &Workflow, output: &Output) -> Vec<Problem> {
    match output {
        Output::Json(value) if !workflow.output_is_text() => {
            crate::ir::rules::check(&workflow.output, value)
        }
        _ => Vec::new(),
    }
}

/// `POST {base}/v1/workflow/run`: runs the workflow and waits for its answer.
pub fn run(options: &FetchOptions, request: &RunRequest) -> Result<RunAnswer> {
    let url = endpoint(
        options,
        &request.workflow_id,
        crate::endpoints::RUN.template,
    )?;
    sync_call(options, &url, &run_body(request))
}

/// `POST {base}/v1/workflows/resume`: answers the interrupt of a run made with [`run`].
pub fn resume(options: &FetchOptions, request: &ResumeRequest) -> Result<RunAnswer> {
    let url = endpoint(
        options,
        &request.workflow_id,
        crate::endpoints::RESUME.template,
    )?;
    sync_call(options, &url, &resume_body(request))
}

/// `POST {base}/v1/workflow/stream_run`: runs the workflow and hands every event to
/// `on_event` as it arrives. An `Error` event is [`Error::Api`]; a stream that ends without
/// `Done` or `Interrupt` is [`Error::RunUnconfirmed`].
pub fn stream(
    options: &FetchOptions,
    request: &RunRequest,
    on_event: &mut dyn FnMut(&Event),
) -> Result<StreamEnd> {
    let url = endpoint(
        options,
        &request.workflow_id,
        crate::endpoints::STREAM_RUN.template,
    )?;
    stream_call(
        options,
        &url,
        &run_body(request),
        on_event,
        StreamState::default(),
    )
}

/// `POST {base}/v1/workflows/chat`: chats with a chatflow, handing every event to `on_event`
/// as it arrives. An `error` or `conversation.chat.failed` event is [`Error::Api`]; a stream
/// that ends before the chat completed is [`Error::RunUnconfirmed`] (a chat is never sent
/// twice either).
pub fn chat(
    options: &FetchOptions,
    request: &ChatRequest,
    on_event: &mut dyn FnMut(&Event),
) -> Result<ChatEnd> {
    let url = endpoint(
        options,
        &request.workflow_id,
        crate::endpoints::CHAT.template,
    )?;
    stream_call(
        options,
        &url,
        &chat_body(request),
        on_event,
        ChatState::default(),
    )
}

/// `POST {base}/v1/workflow/stream_resume`: answers the interrupt of a streamed run, streaming
/// the rest of the run like [`stream`].
pub fn stream_resume(
    options: &FetchOptions,
    request: &ResumeRequest,
    on_event: &mut dyn FnMut(&Event),
) -> Result<StreamEnd> {
    let url = endpoint(
        options,
        &request.workflow_id,
        crate::endpoints::STREAM_RESUME.template,
    )?;
    stream_call(
        options,
        &url,
        &resume_body(request),
        on_event,
        StreamState::default(),
    )
}

fn endpoint(options: &FetchOptions, workflow_id: &str, path: &str) -> Result<String> {
    let token = options.token.as_ref();
    fetch::check_workflow_id(workflow_id, token)?;
    let base = fetch::check_base_url(&options.base_url, options.allow_insecure_http, token)?;
    Ok(format!("{base}{path}"))
}

/// The JSON body of a run: `workflow_id`, `parameters` as an object, and the options given.
pub fn run_body(request: &RunRequest) -> Vec<u8> {
    let mut body = Map::new();
    body.insert("workflow_id".into(), request.workflow_id.clone().into());
    body.insert(
        "parameters".into(),
        Value::Object(request.parameters.clone()),
    );
    for (key, value) in [
        ("workflow_version", &request.workflow_version),
        ("app_id", &request.app_id),
        ("bot_id", &request.bot_id),
    ] {
        if let Some(value) = value {
            body.insert(key.into(), value.clone().into());
        }
    }
    Value::Object(body).to_string().into_bytes()
}

/// The JSON body of a chat: `workflow_id`, the message as the one user message of
/// `additional_messages`, `parameters` as an object, and the options given.
pub fn chat_body(request: &ChatRequest) -> Vec<u8> {
    let mut message = Map::new();
    message.insert("role".into(), "user".into());
    message.insert("content".into(), request.message.clone().into());
    message.insert("content_type".into(), "text".into());
    let mut body = Map::new();
    body.insert("workflow_id".into(), request.workflow_id.clone().into());
    body.insert(
        "additional_messages".into(),
        Value::Array(vec![Value::Object(message)]),
    );
    body.insert(
        "parameters".into(),
        Value::Object(request.parameters.clone()),
    );
    for (key, value) in [
        ("workflow_version", &request.workflow_version),
        ("app_id", &request.app_id),
        ("bot_id", &request.bot_id),
        ("conversation_id", &request.conversation_id),
    ] {
        if let Some(value) = value {
            body.insert(key.into(), value.clone().into());
        }
    }
    Value::Object(body).to_string().into_bytes()
}

/// The JSON body of a resume: `workflow_id`, `event_id`, `resume_data`, `interrupt_type`.
pub fn resume_body(request: &ResumeRequest) -> Vec<u8> {
    let mut body = Map::new();
    body.insert("workflow_id".into(), request.workflow_id.clone().into());
    body.insert("event_id".into(), request.event_id.clone().into());
    body.insert("resume_data".into(), request.answer.clone().into());
    body.insert("interrupt_type".into(), request.interrupt_type.into());
    Value::Object(body).to_string().into_bytes()
}

/// The message of a transport failure, as the fetch client words it (scrubbed, escaped).
fn transport_message(e: ureq::Error, url: &str, options: &FetchOptions, token: &Token) -> String {
    match fetch::transport_failure(e, url, options, token).error {
        Error::Fetch { message, .. } => message,
        other => other.to_string(),
    }
}

/// Sends the POST, retrying only what cannot have started a run; returns the response.
fn post(
    options: &FetchOptions,
    url: &str,
    body: &[u8],
    accept: &str,
) -> Result<ureq::http::Response<ureq::Body>> {
    let token = fetch::usable_token(options)?;
    let mut waited = Duration::ZERO;
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        // A fresh agent (and flag) per attempt: no pooled connection can hide whether this
        // attempt reached the server.
        let (agent, connected) = fetch::watched_agent(options);
        let result = agent
            .post(url)
            .header("Authorization", format!("Bearer {}", token.expose()))
            .header("Content-Type", "application/json")
            .header("Accept", accept)
            .send(body);
        let (error, retry_after) = match result {
            // No connection was ever made, so nothing of the request left the machine.
            Err(e) if !connected.ever() => {
                let failure = fetch::transport_failure(e, url, options, token);
                let message = match failure.error {
                    Error::Fetch { message, .. } => message,
                    other => other.to_string(),
                };
                let error = Error::RunRequest {
                    url: fetch::clean(url, 300, token),
                    message: format!("{message} (nothing was sent, so no run started)"),
                    attempts: attempt,
                };
                // Safe to send again, but only worth it where another attempt may fare better
                // (not a certificate that will be refused again).
                if !failure.retry {
                    return Err(error);
                }
                (error, None)
            }
            Err(e) => {
                return Err(Error::RunUnconfirmed {
                    url: fetch::clean(url, 300, token),
                    message: transport_message(e, url, options, token),
                    execute_id: None,
                });
            }
            Ok(response) if response.status().is_success() => return Ok(response),
            Ok(response) => {
                let status = response.status();
                let retry_after = (status.as_u16() == 429)
                    .then(|| header(&response, "retry-after"))
                    .flatten()
                    .and_then(|v| fetch::parse_retry_after(&v, std::time::SystemTime::now()));
                let error = status_error(response, url, options, token, attempt);
                if retry_after.is_none() {
                    return Err(error);
                }
                (error, retry_after)
            }
        };
        let wait = fetch::retry_wait(options.retry_delay, attempt - 1, retry_after);
        if attempt > options.retries || waited + wait > fetch::MAX_TOTAL_RETRY_WAIT {
            return Err(error);
        }
        std::thread::sleep(wait);
        waited += wait;
    }
}

fn header(response: &ureq::http::Response<ureq::Body>, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// An HTTP error status: a 4xx means Coze refused the run; a 5xx may come after it started.
fn status_error(
    mut response: ureq::http::Response<ureq::Body>,
    url: &str,
    options: &FetchOptions,
    token: &Token,
    attempts: u32,
) -> Error {
    let status = response.status();
    let body = response
        .body_mut()
        .with_config()
        .limit(options.max_bytes.min(fetch::MAX_ERROR_BODY_BYTES))
        .read_to_vec()
        .unwrap_or_default();
    let envelope: fetch::ErrorEnvelope = serde_json::from_slice(&body).unwrap_or_default();
    let text = |s: &Option<Scalar>, max| {
        s.as_ref()
            .and_then(Scalar::as_text)
            .map(|t| fetch::clean(&t, max, token))
    };
    let mut message = format!(
        "HTTP {}{}",
        status.as_u16(),
        status
            .canonical_reason()
            .map(|r| format!(" {r}"))
            .unwrap_or_default()
    );
    match (text(&envelope.code, 40), text(&envelope.msg, 500)) {
        (Some(code), Some(msg)) => message.push_str(&format!(", Coze error {code}: {msg}")),
        (Some(code), None) => message.push_str(&format!(", Coze error {code}")),
        (None, _) if !body.is_empty() => {
            message.push_str(&format!(": `{}`", fetch::excerpt(&body, token)));
        }
        (None, _) => {}
    }
    if let Some(logid) = envelope.detail.and_then(|d| text(&d.logid, 120)) {
        message.push_str(&format!(" (logid {logid})"));
    }
    let url = fetch::clean(url, 300, token);
    if status.is_server_error() {
        Error::RunUnconfirmed {
            url,
            message,
            execute_id: None,
        }
    } else {
        message.push_str(" (the run was not started)");
        Error::RunRequest {
            url,
            message,
            attempts,
        }
    }
}

/// A sent request whose answer did not come back whole.
fn unconfirmed(url: &str, token: &Token, message: String, execute_id: Option<String>) -> Error {
    Error::RunUnconfirmed {
        url: fetch::clean(url, 300, token),
        message,
        execute_id,
    }
}

fn sync_call(options: &FetchOptions, url: &str, body: &[u8]) -> Result<RunAnswer> {
    let token = fetch::usable_token(options)?;
    let mut response = post(options, url, body, "application/json")?;
    let bytes = match response
        .body_mut()
        .with_config()
        .limit(options.max_bytes)
        .read_to_vec()
    {
        Ok(bytes) => bytes,
        Err(e) => {
            let message = transport_message(e, url, options, token);
            return Err(unconfirmed(url, token, message, None));
        }
    };
    let value: Value = match serde_json::from_slice(&bytes) {
        Ok(value @ Value::Object(_)) => value,
        _ => {
            let message = format!(
                "the answer is not a JSON object: `{}`",
                fetch::excerpt(&bytes, token)
            );
            return Err(unconfirmed(url, token, message, None));
        }
    };
    let text = |v: Option<&Value>| scalar_text(v).map(|t| fetch::scrub(&t, Some(token)));
    if let Some(error) = fetch::envelope_error(&value, Some(token)) {
        return Err(error);
    }
    let raw = text(value.get("data"));
    let output = match &raw {
        None => Output::None,
        Some(raw) => match serde_json::from_str::<Value>(raw) {
            Ok(parsed) => Output::Json(parsed),
            Err(_) => Output::Text(raw.clone()),
        },
    };
    Ok(RunAnswer {
        output,
        raw,
        execute_id: text(value.get("execute_id")),
        debug_url: text(value.get("debug_url")),
        usage: value.get("usage").and_then(usage),
        logid: text(value.pointer("/detail/logid")),
        interrupt: value
            .get("interrupt_data")
            .and_then(|i| interrupt(i, None, None, token)),
    })
}

fn usage(v: &Value) -> Option<Usage> {
    let count = |k: &str| {
        v.get(k).and_then(|n| {
            n.as_i64()
                .or_else(|| n.as_str().and_then(|s| s.trim().parse().ok()))
        })
    };
    v.is_object().then(|| Usage {
        input_count: count("input_count"),
        output_count: count("output_count"),
        token_count: count("token_count"),
    })
}

/// An `interrupt_data` object; `question` is what the asking node said in the stream, if
/// anything, used when `data` has no question.
fn interrupt(
    v: &Value,
    node_title: Option<String>,
    question: Option<String>,
    token: &Token,
) -> Option<Interrupt> {
    let event_id = scalar_text(v.get("event_id")).filter(|id| !id.is_empty())?;
    let interrupt_type = v.get("type").and_then(|t| {
        t.as_i64()
            .or_else(|| t.as_str().and_then(|s| s.trim().parse().ok()))
    });
    // `data` is JSON text such as {"content_type":"text","content":"…"}, or plain text.
    let from_data = scalar_text(v.get("data"))
        .filter(|d| !d.trim().is_empty())
        .map(|d| match serde_json::from_str::<Value>(&d) {
            Ok(parsed) => parsed
                .get("content")
                .and_then(Value::as_str)
                .map_or(d.clone(), str::to_owned),
            Err(_) => d,
        });
    let question = from_data.or(question).filter(|q| !q.trim().is_empty());
    Some(Interrupt {
        event_id: fetch::scrub(&event_id, Some(token)),
        interrupt_type,
        node_title: node_title.map(|t| fetch::scrub(&t, Some(token))),
        question: question.map(|q| fetch::scrub(&q, Some(token))),
    })
}

/// The `execute_id` in a debug URL's query, if there is one.
fn execute_id_of(debug_url: &str) -> Option<String> {
    let query = debug_url.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let id = pair.strip_prefix("execute_id=")?;
        (!id.is_empty()).then(|| id.to_owned())
    })
}

fn stream_call<P: Protocol>(
    options: &FetchOptions,
    url: &str,
    body: &[u8],
    on_event: &mut dyn FnMut(&Event),
    mut state: P,
) -> Result<P::End> {
    let token = fetch::usable_token(options)?;
    let mut response = post(options, url, body, "text/event-stream")?;
    state.set_logid(header(&response, "x-tt-logid").map(|l| fetch::clean(&l, 120, token)));
    let content_type = header(&response, "content-type").unwrap_or_default();
    if !content_type.starts_with("text/event-stream") {
        // Coze refuses a stream with a JSON envelope (`code`, `msg`), sometimes with HTTP 200.
        let bytes = response
            .body_mut()
            .with_config()
            .limit(fetch::MAX_ERROR_BODY_BYTES)
            .read_to_vec()
            .unwrap_or_default();
        let value: Value = serde_json::from_slice(&bytes).unwrap_or_default();
        if let Some(error) = fetch::envelope_error(&value, Some(token)) {
            return Err(error);
        }
        let message = format!(
            "the answer is not an event stream (Content-Type: {}): `{}`",
            fetch::clean(&content_type, 100, token),
            fetch::excerpt(&bytes, token)
        );
        return Err(unconfirmed(url, token, message, None));
    }
    let reader = std::io::BufReader::new(
        response
            .into_body()
            .into_with_config()
            .limit(options.max_bytes)
            .reader(),
    );
    let mut pending = PendingEvent::default();
    let mut lines = reader.split(b'\n');
    loop {
        let line = match lines.next() {
            Some(Ok(line)) => line,
            Some(Err(e)) => {
                let message = format!(
                    "the event stream broke off before the run finished: {}{}",
                    fetch::clean(&e.to_string(), 300, token),
                    state.progress()
                );
                return Err(unconfirmed(url, token, message, state.execute_id()));
            }
            None => {
                // The last event may lack its blank line.
                if let Some(end) = pending.dispatch(&mut state, on_event, url, token)? {
                    return Ok(end);
                }
                if let Some(end) = state.at_eof() {
                    return Ok(end);
                }
                let message = state.unfinished();
                return Err(unconfirmed(url, token, message, state.execute_id()));
            }
        };
        let line = String::from_utf8_lossy(&line);
        let line = line.strip_suffix('\r').unwrap_or(&line);
        if line.is_empty() {
            if let Some(end) = pending.dispatch(&mut state, on_event, url, token)? {
                return Ok(end);
            }
            continue;
        }
        if line.starts_with(':') {
            continue;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        // Coze's documented examples sometimes omit the blank line between events: a new
        // `id` or `event` after data starts the next event.
        if matches!(field, "id" | "event")
            && pending.data.is_some()
            && let Some(end) = pending.dispatch(&mut state, on_event, url, token)?
        {
            return Ok(end);
        }
        match field {
            "id" => pending.id = Some(value.to_owned()),
            "event" => pending.event = Some(value.to_owned()),
            "data" => match &mut pending.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => pending.data = Some(value.to_owned()),
            },
            _ => {}
        }
    }
}

/// What the events of one kind of stream mean: which end it, which are errors.
trait Protocol {
    /// How the stream ends.
    type End;
    /// Reads one event (already handed to the caller); returns the end if it is one.
    fn event(&mut self, event: &Event, url: &str, token: &Token) -> Result<Option<Self::End>>;
    /// The run's execute id, when the stream has told it.
    fn execute_id(&self) -> Option<String>;
    /// How the stream ends when it stops without its last event, if that is an end.
    fn at_eof(&mut self) -> Option<Self::End> {
        None
    }
    /// Why a stream that stopped early leaves the run unconfirmed.
    fn unfinished(&self) -> String;
    /// What the stream said about the run before it stopped, for an error (`; chat id …`).
    fn progress(&self) -> String {
        String::new()
    }
    /// The response's `X-Tt-Logid` header, for errors.
    fn set_logid(&mut self, _logid: Option<String>) {}
}

/// What a chat's stream has said so far.
#[derive(Default)]
struct ChatState {
    end: ChatEnd,
    completed: bool,
    logid: Option<String>,
}

impl ChatState {
    fn ids(&mut self, data: &Value, id_key: &str, token: &Token) {
        let get = |k: &str| scalar_text(data.get(k)).map(|v| fetch::clean(&v, 120, token));
        if let Some(id) = get(id_key) {
            self.end.chat_id = Some(id);
        }
        if let Some(id) = get("conversation_id") {
            self.end.conversation_id = Some(id);
        }
    }

    fn api_error(&self, error: &Value, token: &Token) -> Error {
        let code = scalar_text(error.get("code").or_else(|| error.get("error_code")));
        let msg = scalar_text(error.get("msg").or_else(|| error.get("error_message")));
        Error::Api {
            code: fetch::clean(&code.unwrap_or_else(|| "?".to_owned()), 40, token),
            msg: fetch::clean(&msg.unwrap_or_default(), 500, token),
            logid: scalar_text(error.pointer("/detail/logid"))
                .map(|l| fetch::clean(&l, 120, token))
                .or_else(|| self.logid.clone()),
        }
    }
}

impl Protocol for ChatState {
    type End = ChatEnd;

    fn event(&mut self, event: &Event, _url: &str, token: &Token) -> Result<Option<ChatEnd>> {
        let data = &event.data;
        match event.event.as_str() {
            "conversation.chat.created" | "conversation.chat.in_progress" => {
                self.ids(data, "id", token);
            }
            "conversation.message.delta" | "conversation.message.completed" => {
                self.ids(data, "chat_id", token);
            }
            "conversation.chat.completed" => {
                self.ids(data, "id", token);
                self.completed = true;
                if let Some(u) = data.get("usage").and_then(usage) {
                    self.end.usage = Some(u);
                }
            }
            "conversation.chat.requires_action" => {
                self.ids(data, "id", token);
                self.completed = true;
                self.end.requires_action = true;
            }
            "conversation.chat.failed" => {
                // The chat object's `last_error`, or (as Coze's example shows) `code` and `msg`
                // on the event itself.
                let error = data
                    .get("last_error")
                    .filter(|e| e.get("code").is_some())
                    .unwrap_or(data);
                return Err(self.api_error(error, token));
            }
            "error" => return Err(self.api_error(data, token)),
            "done" => {
                self.end.debug_url =
                    scalar_text(data.get("debug_url")).map(|u| fetch::clean(&u, 2_000, token));
                return Ok(Some(std::mem::take(&mut self.end)));
            }
            _ => {}
        }
        Ok(None)
    }

    fn execute_id(&self) -> Option<String> {
        None
    }

    fn at_eof(&mut self) -> Option<ChatEnd> {
        // The chat completed; only the closing `done` (and its debug link) is missing.
        self.completed.then(|| std::mem::take(&mut self.end))
    }

    fn unfinished(&self) -> String {
        format!(
            "the event stream ended before the chat completed (no conversation.chat.completed \
             or done event){}",
            self.progress()
        )
    }

    fn progress(&self) -> String {
        let mut said = String::new();
        if let Some(chat) = &self.end.chat_id {
            said.push_str(&format!("; chat id {chat}"));
        }
        if let Some(conversation) = &self.end.conversation_id {
            said.push_str(&format!(" in conversation {conversation}"));
        }
        said
    }

    fn set_logid(&mut self, logid: Option<String>) {
        self.logid = logid;
    }
}

/// What a stream has said so far that its end needs.
#[derive(Default)]
struct StreamState {
    /// The text of each node's latest message, by node title (the question of an interrupt).
    said: std::collections::HashMap<String, String>,
    usage: Option<Usage>,
    debug_url: Option<String>,
}

#[derive(Default)]
struct PendingEvent {
    id: Option<String>,
    event: Option<String>,
    data: Option<String>,
}

impl PendingEvent {
    /// Hands the event gathered so far to `on_event`; returns how the stream ended if it did.
    fn dispatch<P: Protocol>(
        &mut self,
        state: &mut P,
        on_event: &mut dyn FnMut(&Event),
        url: &str,
        token: &Token,
    ) -> Result<Option<P::End>> {
        let pending = std::mem::take(self);
        if pending.event.is_none() && pending.data.is_none() {
            return Ok(None);
        }
        let raw = fetch::scrub(&pending.data.unwrap_or_default(), Some(token));
        let data = serde_json::from_str::<Value>(&raw).unwrap_or(Value::String(raw));
        let event = Event {
            id: pending.id.map(|id| fetch::scrub(&id, Some(token))),
            event: fetch::scrub(pending.event.as_deref().unwrap_or("message"), Some(token)),
            data,
        };
        on_event(&event);
        state.event(&event, url, token)
    }
}

impl Protocol for StreamState {
    type End = StreamEnd;

    fn execute_id(&self) -> Option<String> {
        self.debug_url.as_deref().and_then(execute_id_of)
    }

    fn unfinished(&self) -> String {
        "the event stream ended before the run finished (no Done event)".to_owned()
    }

    fn event(&mut self, event: &Event, url: &str, token: &Token) -> Result<Option<StreamEnd>> {
        let state = self;
        let title = || scalar_text(event.data.get("node_title"));
        match event.event.as_str() {
            "Message" => {
                if let Some(u) = event.data.get("usage").and_then(usage) {
                    state.usage = Some(u);
                }
                let node = title().unwrap_or_default();
                let first = scalar_text(event.data.get("node_seq_id")).as_deref() == Some("0");
                let said = state.said.entry(node).or_default();
                if first {
                    said.clear();
                }
                said.push_str(event.content().unwrap_or_default());
                Ok(None)
            }
            "Error" => Err(Error::Api {
                code: fetch::clean(
                    &scalar_text(event.data.get("error_code")).unwrap_or_else(|| "?".to_owned()),
                    40,
                    token,
                ),
                msg: fetch::clean(
                    &scalar_text(event.data.get("error_message")).unwrap_or_default(),
                    500,
                    token,
                ),
                logid: scalar_text(event.data.pointer("/detail/logid"))
                    .map(|l| fetch::clean(&l, 120, token)),
            }),
            "Done" => {
                let debug_url = scalar_text(event.data.get("debug_url"));
                state.debug_url.clone_from(&debug_url);
                Ok(Some(StreamEnd::Done {
                    debug_url,
                    usage: state.usage.clone(),
                }))
            }
            "Interrupt" => {
                let node_title = title();
                let question = node_title.as_ref().and_then(|t| state.said.get(t)).cloned();
                let found = event
                    .data
                    .get("interrupt_data")
                    .and_then(|i| interrupt(i, node_title, question, token));
                match found {
                    Some(found) => Ok(Some(StreamEnd::Interrupted(found))),
                    None => Err(unconfirmed(
                        url,
                        token,
                        "an Interrupt event without an event_id, so the run cannot be resumed"
                            .to_owned(),
                        state.execute_id(),
                    )),
                }
            }
            _ => Ok(None),
        }
    }
}

/// How to resume an interrupted run from the command line, given how it was started.
pub fn resume_command(invocation: &str, interrupt: &Interrupt) -> String {
    format!(
        "{invocation} --resume '{}' --interrupt-type {} --answer 'YOUR ANSWER'",
        interrupt.event_id.replace('\'', r"'\''"),
        interrupt.interrupt_type.unwrap_or(2)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_body_sends_parameters_as_an_object_and_only_the_options_given() {
        let mut parameters = Map::new();
        parameters.insert("city".into(), "Paris".into());
        let body = run_body(&RunRequest {
            workflow_id: "73".into(),
            parameters,
            workflow_version: Some("v0.0.2".into()),
            bot_id: Some("9".into()),
            ..RunRequest::default()
        });
        assert_eq!(
            String::from_utf8(body).unwrap(),
            r#"{"workflow_id":"73","parameters":{"city":"Paris"},"workflow_version":"v0.0.2","bot_id":"9"}"#
        );
    }

    #[test]
    fn resume_body_has_the_documented_fields() {
        let body = resume_body(&ResumeRequest {
            workflow_id: "73".into(),
            event_id: "1/2".into(),
            interrupt_type: 2,
            answer: "Hangzhou".into(),
        });
        assert_eq!(
            String::from_utf8(body).unwrap(),
            r#"{"workflow_id":"73","event_id":"1/2","resume_data":"Hangzhou","interrupt_type":2}"#
        );
    }

    #[test]
    fn the_execute_id_is_read_from_a_debug_url() {
        assert_eq!(
            execute_id_of("https://www.coze.cn/work_flow?execute_id=741&space_id=7").as_deref(),
            Some("741")
        );
        assert_eq!(
            execute_id_of("https://www.coze.cn/work_flow?space_id=7"),
            None
        );
    }

    #[test]
    fn an_interrupt_question_comes_from_its_data_or_the_stream() {
        let token = Token::new("pat_secret_token");
        let v: Value = serde_json::from_str(
            r#"{"event_id":"1/2","type":2,"data":"{\"content_type\":\"text\",\"content\":\"Which city?\"}"}"#,
        )
        .unwrap();
        let i = interrupt(&v, None, Some("ignored".into()), &token).unwrap();
        assert_eq!(i.question.as_deref(), Some("Which city?"));
        assert_eq!(i.type_name(), "question node");
        let v: Value = serde_json::from_str(r#"{"event_id":"1/2","type":5,"data":""}"#).unwrap();
        let i = interrupt(&v, None, Some("Name?".into()), &token).unwrap();
        assert_eq!(i.question.as_deref(), Some("Name?"));
        assert!(interrupt(&serde_json::json!({"type":2}), None, None, &token).is_none());
        assert_eq!(
            resume_command("cozegen run -w 7 --stream", &i),
            "cozegen run -w 7 --stream --resume '1/2' --interrupt-type 5 --answer 'YOUR ANSWER'"
        );
    }
}
