//! A Model Context Protocol server on stdio: one tool per workflow (`cozegen mcp`).
//!
//! `tools/list` lists exactly what `cozegen tool --format mcp` writes ([`crate::emit::tool`]).
//! `tools/call` is the plan of a run ([`crate::plan`]) turned into tool results:
//!
//! 1. a chatflow's tool takes the user's message as `USER_INPUT` (the tool definition puts it
//!    there), which becomes the chat's message; a `null` given for an optional parameter is
//!    read as absent (strict clients send `null` for what they leave out), at any depth;
//! 2. the plan checks the arguments against the start node; problems are a tool error listing
//!    each with its path, and nothing is sent to Coze;
//! 3. the client sends the run ([`crate::coze::Client::run`]) or chat
//!    ([`crate::coze::Client::chat`], answered with the answer's text): the same requests,
//!    resend policy and token scrubbing as `cozegen run`;
//! 4. the plan reads the answer: the output is `structuredContent` (when the tool has an
//!    `outputSchema`, and only once the output fits the end node) plus a text block.
//!
//! With [`Server::with_async_runs`] (`cozegen mcp --async`), step 3 sends the run
//! asynchronously ([`crate::coze::Client::run_async`]) and reads its run history until it ends
//! ([`crate::coze::Client::wait_for_run_watched`]), reporting each read as progress; step 4
//! reads the history as the plan says ([`crate::plan::read_history`]).
//!
//! A Coze error envelope is a tool error with its code, message and logid; a run that may have
//! started ([`crate::coze::Error::RunUnconfirmed`]) is a tool error saying so, with the execute
//! id, so that an agent does not blindly run it again. The client scrubs the token from
//! everything Coze says where it enters, so no message carries it.
//!
//! A tool served at a published version ([`Served::workflow_version`]) is built from that
//! version's start node, named after it ([`crate::emit::tool::versioned_tool_name`]), and sends
//! `workflow_version` with every run and chat.
//!
//! The protocol is the official Rust SDK's (`rmcp`), which hands each request to a task of its
//! own. Calls run concurrently: a run is a blocking HTTP call, made on tokio's blocking pool, at
//! most [`MAX_CONCURRENT_CALLS`] at once (more wait for a turn). While a call waits:
//!
//! - a `notifications/cancelled` from the client for it stops the wait at once: the call is
//!   answered no further, and the server says so in one line ([`Server::on_note`]). The blocking
//!   request cannot be interrupted: it goes on detached, and its answer is dropped. A run that
//!   may already be on Coze is never sent again.
//! - when the request carries a `progressToken`, the client gets a `notifications/progress`
//!   each [`PROGRESS_EVERY`] (progress: seconds since the call began) through the call's
//!   [`Progress`] hook, which anything waiting on Coze for the call can report through.

use crate::coze::{ChatRequest, Client, RunHistory, RunRequest, Wait};
use crate::emit::tool::{self, Format, ToolSource};
use crate::ir::MESSAGE_PARAM;
pub use crate::plan::serving::Served;
use crate::plan::serving::{LET_GO_AFTER, signal};
use crate::plan::{self, Call, HistoryReading, PlanOptions, Reading, Refusal, Request};
use crate::{Error, Result, Warning};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, CancelledNotificationParam,
    ContentBlock, Implementation, ListToolsResult, PaginatedRequestParams,
    ProgressNotificationParam, ProgressToken, RequestId, ServerCapabilities, ServerConfig,
};
use rmcp::service::{NotificationContext, Peer, RequestContext};
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, mpsc};

/// The most calls that wait for Coze at once; more wait for a turn. Each holds a thread of
/// tokio's blocking pool while its request goes (the client's HTTP is blocking): this bounds
/// them well below the pool's own limit, which the stdio transport's reads share.
pub const MAX_CONCURRENT_CALLS: usize = 64;

/// How often a waiting call whose client asked for progress (`progressToken`) is reported.
pub const PROGRESS_EVERY: Duration = Duration::from_secs(1);

/// One tool: its definition and what a call runs.
#[derive(Debug)]
struct Entry {
    tool: rmcp::model::Tool,
    served: Served,
    /// Whether the tool has an `outputSchema` (and so answers `structuredContent`).
    structured: bool,
}

/// The server's state: the tools, the client that runs them, and the calls under way.
#[derive(Clone)]
pub struct Server {
    entries: Arc<Vec<Entry>>,
    client: Arc<Client>,
    /// The calls whose client waits for their answer, by request ID: a session that ends under
    /// one says so, a cancellation names its tool. A call leaves when it is answered or its
    /// client cancels it; one cut off by the end of the session stays.
    waiting: Arc<Mutex<HashMap<RequestId, Waiting>>>,
    /// One permit per call that waits for Coze ([`MAX_CONCURRENT_CALLS`]).
    permits: Arc<Semaphore>,
    /// Where the server's notes go (a cancelled call); nowhere unless [`Server::on_note`].
    note: Arc<dyn Fn(&str) + Send + Sync>,
    /// Set by [`Server::with_async_runs`]: every workflow run goes asynchronously and is read
    /// back from its run history, waiting as this says.
    async_runs: Option<Wait>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("entries", &self.entries)
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

/// A call whose client waits for its answer.
#[derive(Debug, Clone)]
struct Waiting {
    /// Its tool's name.
    tool: String,
    /// Whether its request went to the blocking pool, and so may be on Coze.
    sent: bool,
}

/// How a call tells its client how its wait goes: each [`Progress::report`] becomes one
/// `notifications/progress` whose progress is the seconds since the call began (rising with
/// each report), when the client asked for progress with a `progressToken`; otherwise reports
/// go nowhere. It can be cloned and called from any thread, so a run that polls Coze from the
/// blocking pool reports its status through the same hook as the waiting call's ticker.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    reports: Option<mpsc::UnboundedSender<String>>,
}

impl Progress {
    /// Tells the client `message` (e.g. "waiting for the run on Coze (3 s)"), in order with the
    /// other reports of the call. After the call has ended, nothing.
    pub fn report(&self, message: impl Into<String>) {
        if let Some(reports) = &self.reports {
            let _ = reports.send(message.into());
        }
    }
}

/// The hook of a call whose client gave `token`, and the future that sends its reports to
/// `peer` (it runs while the call waits, and never ends by itself). Without a token, the hook
/// reports nowhere and the future waits forever.
fn progress(
    peer: Peer<RoleServer>,
    token: Option<ProgressToken>,
    started: Instant,
) -> (Progress, impl Future<Output = ()>) {
    let (hook, reports) = match token {
        Some(_) => {
            let (tx, rx) = mpsc::unbounded_channel();
            (Progress { reports: Some(tx) }, Some(rx))
        }
        None => (Progress::default(), None),
    };
    let send = async move {
        let (Some(token), Some(mut reports)) = (token, reports) else {
            return std::future::pending().await;
        };
        let mut last = 0.0_f64;
        while let Some(message) = reports.recv().await {
            // Milliseconds, and always more than the last report's: the spec wants a rise.
            let elapsed = (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0;
            last = if elapsed > last {
                elapsed
            } else {
                last + 0.001
            };
            let param = ProgressNotificationParam::new(token.clone(), last).with_message(message);
            // A client that is gone cannot be told; the call ends with the session.
            let _ = peer.notify_progress(param).await;
        }
        std::future::pending().await
    };
    (hook, send)
}

impl Server {
    /// A server for `workflows`, named as `cozegen tool --format mcp` names them (in the
    /// order given), running them through `client`. Returns the warnings of the tool
    /// definitions.
    pub fn new(workflows: Vec<Served>, client: Client) -> Result<(Server, Vec<Warning>)> {
        let sources: Vec<ToolSource<'_>> = workflows
            .iter()
            .map(|s| ToolSource {
                workflow: &s.workflow,
                version: s.workflow_version.as_deref(),
            })
            .collect();
        let (tools, warnings) = tool::tools_for(&sources, Format::Mcp)?;
        let mut entries = Vec::with_capacity(tools.len());
        for (mut t, served) in tools.into_iter().zip(workflows) {
            let object = |v: Value| match v {
                Value::Object(map) => Ok(Arc::new(map)),
                _ => Err(Error::Internal("a tool schema is not an object".into())),
            };
            let mut definition = rmcp::model::Tool::new_with_raw(
                std::mem::take(&mut t.name),
                Some(std::mem::take(&mut t.description).into()),
                object(std::mem::take(&mut t.input_schema))?,
            );
            if let Some(title) = t.title.take() {
                definition = definition.with_title(title);
            }
            let structured = t.output_schema.is_some();
            if let Some(output) = t.output_schema.take() {
                definition = definition.with_raw_output_schema(object(output)?);
            }
            entries.push(Entry {
                tool: definition,
                served,
                structured,
            });
        }
        Ok((
            Server {
                entries: Arc::new(entries),
                client: Arc::new(client),
                waiting: Arc::new(Mutex::new(HashMap::new())),
                permits: Arc::new(Semaphore::new(MAX_CONCURRENT_CALLS)),
                note: Arc::new(|_: &str| {}),
                async_runs: None,
            },
            warnings,
        ))
    }

    /// The server with its notes (one line each: a call its client cancelled) given to
    /// `note`, e.g. printed on stderr.
    pub fn on_note(mut self, note: impl Fn(&str) + Send + Sync + 'static) -> Server {
        self.note = Arc::new(note);
        self
    }

    /// The server with every workflow run sent asynchronously (`is_async: true`) and read back
    /// from its run history, waiting as `wait` says, each read reported to a client that asked
    /// for progress: for workflows that run longer than a synchronous call's 90 s (Coze cuts
    /// the connection then, with no answer). Chatflows are chats, streamed as before.
    pub fn with_async_runs(mut self, wait: Wait) -> Server {
        self.async_runs = Some(wait);
        self
    }

    /// How many calls' clients wait for their answer now.
    pub fn waiting(&self) -> usize {
        self.waiting.lock().map_or(0, |w| w.len())
    }

    /// The tools, as `tools/list` answers them.
    pub fn tools(&self) -> Vec<rmcp::model::Tool> {
        self.entries.iter().map(|e| e.tool.clone()).collect()
    }

    /// Handles one `tools/call`: plans, runs, answers. An unknown tool is `None` (a protocol
    /// error); everything else, failures included, is a tool result. Blocks while the run
    /// goes.
    pub fn call(
        &self,
        name: &str,
        arguments: Option<Map<String, Value>>,
    ) -> Option<CallToolResult> {
        let entry = self.entries.iter().find(|e| e.tool.name == name)?;
        Some(self.call_entry(entry, arguments.unwrap_or_default(), &Watch::default()))
    }

    fn call_entry(
        &self,
        entry: &Entry,
        mut arguments: Map<String, Value>,
        watch: &Watch,
    ) -> CallToolResult {
        let served = &entry.served;
        let workflow = &served.workflow;
        // A chatflow's tool takes the user's message beside the parameters (see
        // `crate::emit::tool`); anything but text reads as no message.
        let message = match &workflow.chat {
            None => None,
            Some(_) => match arguments.shift_remove(MESSAGE_PARAM) {
                Some(Value::String(message)) => Some(message),
                _ => None,
            },
        };
        let call = Call {
            parameters: Value::Object(arguments),
            message,
            workflow_version: served.workflow_version.clone(),
            ..Call::default()
        };
        let options = PlanOptions {
            null_is_absent: true,
        };
        match plan::plan(workflow, &served.workflow_id, call, &options) {
            Ok(Request::Run(request)) => match &self.async_runs {
                Some(wait) => self.run_async(entry, &request, wait, watch),
                None => self.run(entry, &request),
            },
            Ok(Request::Chat(request)) => self.chat(&request),
            Err(refusal) => error(refused(&refusal)),
        }
    }

    /// Runs a workflow (`POST /v1/workflow/run`) and answers with what the plan reads in the
    /// answer.
    fn run(&self, entry: &Entry, request: &RunRequest) -> CallToolResult {
        let answer = match self.client.run(request) {
            Ok(answer) => answer,
            Err(e) => return error(run_error(&e)),
        };
        answered(
            entry,
            plan::read(Some(&entry.served.workflow), &answer),
            answer.execute_id.as_deref(),
        )
    }

    /// Runs a workflow asynchronously (`is_async: true`) and reads its run history until it
    /// ends, `wait.timeout` is over, or the call's client has gone (`watch`); each read that
    /// finds it running is reported as progress. The run is sent once; reads are retried.
    fn run_async(
        &self,
        entry: &Entry,
        request: &RunRequest,
        wait: &Wait,
        watch: &Watch,
    ) -> CallToolResult {
        let started = match self.client.run_async(request) {
            Ok(started) => started,
            Err(e) => return error(run_error(&e)),
        };
        let id = crate::text::printable(&started.execute_id, 120);
        watch
            .progress
            .report(format!("the run started on Coze (execute_id {id})"));
        let began = Instant::now();
        let workflow = &entry.served.workflow;
        let history = self.client.wait_for_run_watched(
            workflow.details.platform,
            &request.workflow_id,
            &started.execute_id,
            wait,
            &mut |_: &RunHistory| {
                if watch.cancelled.load(Ordering::Relaxed) {
                    return ControlFlow::Break(());
                }
                watch.progress.report(format!(
                    "the run is running on Coze ({} s, execute_id {id})",
                    began.elapsed().as_secs()
                ));
                ControlFlow::Continue(())
            },
        );
        let history = match history {
            Ok(history) => history,
            Err(e) => {
                return error(format!(
                    "The run started on Coze (execute_id {id}), but its run history could not                      be read: {e}. It was not sent again: read its result with `cozegen run                      --execute-id {id}`."
                ));
            }
        };
        match plan::read_history(Some(workflow), &history) {
            HistoryReading::Ended(reading) => answered(entry, reading, Some(&started.execute_id)),
            HistoryReading::Running => error(format!(
                "The run is still running on Coze after {} s (execute_id {id}); it was not sent                  again: read its result later with `cozegen run --execute-id {id}`.",
                began.elapsed().as_secs()
            )),
            HistoryReading::Failed { code, message } => error(format!(
                "The run failed on Coze (execute_id {id}){}{}{}.",
                code.map(|c| format!(": error code {}", crate::text::printable(c, 60)))
                    .unwrap_or_default(),
                message
                    .map(|m| format!(": {}", crate::text::printable(m, 2000)))
                    .unwrap_or_default(),
                history
                    .logid
                    .as_deref()
                    .map(|l| format!(" (logid {})", crate::text::printable(l, 120)))
                    .unwrap_or_default()
            )),
            HistoryReading::Trimmed => error(format!(
                "The run finished (execute_id {id}), but Coze cut its output because it was too                  large, so it cannot be given whole; do not run it again only for this."
            )),
            HistoryReading::Other(status) => error(format!(
                "The run ended on Coze with status `{}` (execute_id {id}), which gives no result                  to read.",
                crate::text::printable(status, 60)
            )),
        }
    }

    /// Chats with a chatflow (`POST /v1/workflows/chat`, streamed) and answers with the text
    /// of its answer.
    fn chat(&self, request: &ChatRequest) -> CallToolResult {
        let mut answer = String::new();
        let end = self.client.chat(request, &mut |event| {
            if let Some(content) = event.content() {
                answer.push_str(content);
            }
        });
        let end = match end {
            Ok(end) => end,
            Err(e) => return error(run_error(&e)),
        };
        if end.requires_action {
            return error(format!(
                "The chatflow asks a question and waits for the answer{}; this server cannot \
                 go on with a conversation: answer it with `cozegen run --message … \
                 --conversation-id …`.\nQuestion: {answer}",
                end.conversation_id
                    .as_deref()
                    .map(|id| format!(" (conversation_id {})", crate::text::printable(id, 120)))
                    .unwrap_or_default()
            ));
        }
        if answer.is_empty() {
            answer = "The chatflow finished without an answer.".to_owned();
        }
        CallToolResult::success(vec![ContentBlock::text(answer)])
    }
}

/// The tool result of a run that ended as `reading` says (synchronous, or read back from its
/// run history), with its `execute_id` when Coze gave one.
fn answered(entry: &Entry, reading: Reading<'_>, execute_id: Option<&str>) -> CallToolResult {
    let ids = || {
        execute_id
            .map(|id| format!(" (execute_id {})", crate::text::printable(id, 120)))
            .unwrap_or_default()
    };
    match (reading, entry.structured) {
        (Reading::Interrupted(interrupt), _) => {
            let mut text = format!(
                "The run stopped at a {} and waits for an answer (event_id {}, type {}){}; \
                 this server cannot answer it: answer it with `cozegen run --resume`.",
                interrupt.type_name(),
                crate::text::printable(&interrupt.event_id, 200),
                interrupt
                    .interrupt_type
                    .map_or("?".to_owned(), |t| t.to_string()),
                ids()
            );
            if let Some(question) = &interrupt.question {
                text.push_str(&format!("\nQuestion: {question}"));
            }
            error(text)
        }
        (Reading::Variables { output, problems }, true) => {
            if problems.is_empty() && output.is_object() {
                return CallToolResult::structured(output.clone());
            }
            let mut text = format!(
                "The run finished{}, but its output does not fit the end node; do not run \
                 it again only for this:",
                ids()
            );
            for p in &problems {
                text.push_str(&format!("\n- output {p}"));
            }
            if problems.is_empty() {
                text.push_str("\n- output: expected an object");
            }
            text.push_str(&format!("\nOutput: {output}"));
            error(text)
        }
        // Without an output schema, the tool answers text: the output as it came.
        (Reading::Variables { output, .. } | Reading::Unchecked(output), _) => {
            CallToolResult::success(vec![ContentBlock::text(
                serde_json::to_string_pretty(output).unwrap_or_else(|_| output.to_string()),
            )])
        }
        (Reading::Text(text), false) => {
            CallToolResult::success(vec![ContentBlock::text(text.to_owned())])
        }
        (Reading::Text(text), true) => error(format!(
            "The run finished{}, but its output is text, not the end node's variables: {text}",
            ids()
        )),
        (Reading::Nothing, _) => CallToolResult::success(vec![ContentBlock::text(format!(
            "The run finished without output{}.",
            ids()
        ))]),
    }
}

/// What a call's blocking work is told while its client waits: where to report progress, and
/// whether the client has gone (cancelled the call), so that a wait can stop.
#[derive(Debug, Clone, Default)]
struct Watch {
    progress: Progress,
    cancelled: Arc<AtomicBool>,
}

/// Why the plan sent nothing, as the text of a tool error.
fn refused(refusal: &Refusal) -> String {
    match refusal {
        Refusal::MessageMissing | Refusal::MessageEmpty => format!(
            "`{MESSAGE_PARAM}`, the user's message to the chatflow, must be text that is not \
             empty; nothing was sent to Coze."
        ),
        // A workflow's tool has no message and no conversation: a call cannot give them.
        Refusal::MessageForWorkflow | Refusal::ConversationForWorkflow => {
            "this workflow takes no message; nothing was sent to Coze.".to_owned()
        }
        Refusal::Problems(problems) => {
            let mut text = format!(
                "The arguments do not fit the workflow's start node ({}); nothing was sent to \
                 Coze:",
                crate::text::plural(problems.len(), "problem")
            );
            for p in problems {
                text.push_str(&format!("\n- {p}"));
            }
            text
        }
    }
}

/// A failed run as the text of a tool error.
fn run_error(e: &crate::coze::Error) -> String {
    use crate::coze::Error;
    match e {
        Error::Api {
            code, msg, logid, ..
        } => format!(
            "Coze refused the run: error code {code}: {msg}{}",
            logid
                .as_ref()
                .map(|l| format!(" (logid {l})"))
                .unwrap_or_default()
        ),
        Error::RunUnconfirmed { execute_id, .. } => format!(
            "The run may have started on Coze, but no complete answer came back{}; it was not \
             sent again. Check the run history before calling this tool again. {e}",
            execute_id
                .as_ref()
                .map(|id| format!(" (execute_id {id})"))
                .unwrap_or_default()
        ),
        other => format!("The run failed: {other}"),
    }
}

fn error(text: String) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(text)])
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("cozegen", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "Each tool runs one Coze workflow. Arguments are checked against the workflow's \
                 start node before anything is sent; a tool error lists the problems.",
            )
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> std::result::Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.tools()))
    }

    fn get_tool(&self, name: &str) -> Option<rmcp::model::Tool> {
        self.entries
            .iter()
            .find(|e| e.tool.name == name)
            .map(|e| e.tool.clone())
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> std::result::Result<CallToolResponse, ErrorData> {
        let Some(index) = self
            .entries
            .iter()
            .position(|e| e.tool.name == request.name)
        else {
            return Err(ErrorData::invalid_params(
                format!(
                    "no tool named {}",
                    crate::text::printable(&request.name, 80)
                ),
                None,
            ));
        };
        let id = context.id.clone();
        {
            let Ok(mut waiting) = self.waiting.lock() else {
                return Err(ErrorData::internal_error(
                    "the server's state is lost",
                    None,
                ));
            };
            // Cancelled before it began: nothing is sent, nothing is said.
            if context.ct.is_cancelled() {
                return Ok(stopped(false).into());
            }
            waiting.insert(
                id.clone(),
                Waiting {
                    tool: request.name.to_string(),
                    sent: false,
                },
            );
        }
        let started = Instant::now();
        let (hook, send_progress) = progress(
            context.peer.clone(),
            context.meta.get_progress_token(),
            started,
        );
        let what = match self.entries[index].served.workflow.chat {
            Some(_) => "chat",
            None => "run",
        };
        let ticker = {
            let hook = hook.clone();
            async move {
                if hook.reports.is_none() {
                    return std::future::pending().await;
                }
                let mut every =
                    tokio::time::interval_at((started + PROGRESS_EVERY).into(), PROGRESS_EVERY);
                every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    every.tick().await;
                    hook.report(format!(
                        "waiting for the {what} on Coze ({} s)",
                        started.elapsed().as_secs()
                    ));
                }
            }
        };
        let watch = Watch {
            progress: hook.clone(),
            cancelled: Arc::new(AtomicBool::new(false)),
        };
        let cancelled = Arc::clone(&watch.cancelled);
        let server = self.clone();
        let arguments = request.arguments;
        let work = async move {
            let permit = Arc::clone(&server.permits)
                .acquire_owned()
                .await
                .map_err(|_| ErrorData::internal_error("the server is closing", None))?;
            if let Ok(mut waiting) = server.waiting.lock()
                && let Some(call) = waiting.get_mut(&id)
            {
                call.sent = true;
            }
            // Detached if the wait is cancelled: the request cannot be taken back, and its
            // answer is dropped with the task.
            tokio::task::spawn_blocking(move || {
                let _permit = permit;
                server.call_entry(
                    &server.entries[index],
                    arguments.unwrap_or_default(),
                    &watch,
                )
            })
            .await
            .map_err(|e| ErrorData::internal_error(format!("the run's thread failed: {e}"), None))
        };
        let progress = async move {
            tokio::join!(ticker, send_progress);
        };
        let answer = tokio::select! {
            answer = beside(work, progress) => answer,
            () = context.ct.cancelled() => {
                // A run read back from its history stops being read at the next read.
                cancelled.store(true, Ordering::Relaxed);
                // The call stays among the waiting when the session ends under it.
                let sent = self
                    .waiting
                    .lock()
                    .ok()
                    .and_then(|w| w.get(&context.id).map(|c| c.sent))
                    .unwrap_or(true);
                return Ok(stopped(sent).into());
            }
        };
        if let Ok(mut waiting) = self.waiting.lock() {
            waiting.remove(&context.id);
        }
        Ok(answer?.into())
    }

    async fn on_cancelled(
        &self,
        notification: CancelledNotificationParam,
        _context: NotificationContext<RoleServer>,
    ) {
        let Some(id) = notification.request_id else {
            return;
        };
        // A call that was answered, or never began, is not waiting: nothing to say.
        let Some(call) = self.waiting.lock().ok().and_then(|mut w| w.remove(&id)) else {
            return;
        };
        let tool = crate::text::printable(&call.tool, 80);
        (self.note)(&match call.sent {
            true => format!(
                "cozegen mcp: the client cancelled its call of {tool}; the server stopped \
                 waiting (the run may already be on Coze, and is not sent again)"
            ),
            false => format!(
                "cozegen mcp: the client cancelled its call of {tool} before it was sent; \
                 nothing was sent to Coze"
            ),
        });
    }
}

/// `work`'s output, with `also` driven while it goes (and dropped with it).
async fn beside<T>(work: impl Future<Output = T>, also: impl Future<Output = ()>) -> T {
    tokio::pin!(work);
    tokio::pin!(also);
    let mut also_done = false;
    loop {
        tokio::select! {
            out = &mut work => return out,
            () = &mut also, if !also_done => also_done = true,
        }
    }
}

/// The answer to a call that stopped waiting. rmcp drops it when the client cancelled the call;
/// a client still there when a signal stops the server reads it.
fn stopped(sent: bool) -> CallToolResult {
    error(match sent {
        true => "The server stopped waiting before Coze answered (the session is ending); the \
                 run may have started on Coze and was not sent again: check the run history \
                 before calling this tool again."
            .to_owned(),
        false => "The server stopped before the run was sent (the session is ending); nothing \
                  was sent to Coze."
            .to_owned(),
    })
}

/// How a session of [`serve`] ended. Each is a clean end: the client, or whoever started the
/// server, chose it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// The client closed stdin, or the connection to it dropped, after the session began.
    Closed {
        /// Calls still waiting for Coze's answer when the session ended: their runs may have
        /// started, and their answers are lost.
        in_flight: usize,
    },
    /// Stdin closed before any client initialized a session.
    NoSession,
    /// A signal (`SIGINT` or `SIGTERM`) asked the server to stop.
    Signal {
        /// The signal's name.
        name: &'static str,
        /// As in [`Ended::Closed`].
        in_flight: usize,
    },
}

/// Serves `server` on stdin and stdout until the client closes stdin, the connection drops or a
/// signal (`SIGINT`, `SIGTERM`) arrives; every one of those is a clean end ([`Ended`]).
pub fn serve(server: Server) -> Result<Ended> {
    let waiting = Arc::clone(&server.waiting);
    let in_flight = move || waiting.lock().map_or(0, |w| w.len());
    // rmcp needs both drivers: I/O for stdio, and timers for the drain on a closed stdin.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| Error::Internal(format!("cannot start the MCP runtime: {e}")))?;
    let ended = runtime.block_on(async move {
        let service = tokio::select! {
            started = server.serve(rmcp::transport::stdio()) => match started {
                Ok(service) => service,
                // EOF before `initialize`: nobody came, nothing to serve.
                Err(rmcp::service::ServerInitializeError::ConnectionClosed(_)) => {
                    return Ok(Ended::NoSession);
                }
                Err(e) => {
                    return Err(Error::Mcp(format!(
                        "the client did not initialize a session: {e}"
                    )));
                }
            },
            name = signal() => return Ok(Ended::Signal { name, in_flight: 0 }),
        };
        let cancel = service.cancellation_token();
        let waiting = service.waiting();
        tokio::pin!(waiting);
        let signalled = tokio::select! {
            quit = &mut waiting => {
                quit.map_err(|e| Error::Internal(format!("the MCP session failed: {e}")))?;
                None
            }
            name = signal() => Some(name),
        };
        if let Some(name) = signalled {
            // Let rmcp drain what is ready, as on a closed stdin.
            cancel.cancel();
            let _ = (&mut waiting).await;
            return Ok(Ended::Signal {
                name,
                in_flight: in_flight(),
            });
        }
        Ok(Ended::Closed {
            in_flight: in_flight(),
        })
    });
    // A call still running blocks on Coze; dropping the runtime would wait for it.
    runtime.shutdown_timeout(LET_GO_AFTER);
    ended
}
