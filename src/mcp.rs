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
//! A Coze error envelope is a tool error with its code, message and logid; a run that may have
//! started ([`crate::coze::Error::RunUnconfirmed`]) is a tool error saying so, with the execute
//! id, so that an agent does not blindly run it again. The client scrubs the token from
//! everything Coze says where it enters, so no message carries it.
//!
//! A tool served at a published version ([`Served::workflow_version`]) is built from that
//! version's start node, named after it ([`crate::emit::tool::versioned_tool_name`]), and sends
//! `workflow_version` with every run and chat.
//!
//! The protocol is the official Rust SDK's (`rmcp`); runs are blocking HTTP calls, made on
//! tokio's blocking pool so that the server keeps answering while one runs.

use crate::coze::{ChatRequest, Client, RunRequest};
use crate::emit::tool::{self, Format, ToolSource};
use crate::ir::{MESSAGE_PARAM, Workflow};
use crate::plan::{self, Call, PlanOptions, Reading, Refusal, Request};
use crate::{Error, Result, Warning};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt};
use serde_json::{Map, Value};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// A workflow to serve: its IR and the ID runs go to.
#[derive(Debug, Clone)]
pub struct Served {
    /// The workflow, built from its WorkflowInfo.
    pub workflow: Workflow,
    /// The workflow ID sent with each run.
    pub workflow_id: String,
    /// The published version to run, when not the latest.
    pub workflow_version: Option<String>,
}

/// One tool: its definition and what a call runs.
#[derive(Debug)]
struct Entry {
    tool: rmcp::model::Tool,
    served: Served,
    /// Whether the tool has an `outputSchema` (and so answers `structuredContent`).
    structured: bool,
}

/// The server's state: the tools, and the client that runs them.
#[derive(Debug, Clone)]
pub struct Server {
    entries: Arc<Vec<Entry>>,
    client: Arc<Client>,
    /// Calls waiting for Coze's answer now, so that a session that ends under one can say so.
    in_flight: Arc<AtomicUsize>,
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
                in_flight: Arc::new(AtomicUsize::new(0)),
            },
            warnings,
        ))
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
        Some(self.call_entry(entry, arguments.unwrap_or_default()))
    }

    fn call_entry(&self, entry: &Entry, mut arguments: Map<String, Value>) -> CallToolResult {
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
            Ok(Request::Run(request)) => self.run(entry, &request),
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
        let ids = || {
            answer
                .execute_id
                .as_deref()
                .map(|id| format!(" (execute_id {})", crate::text::printable(id, 120)))
                .unwrap_or_default()
        };
        match (
            plan::read(Some(&entry.served.workflow), &answer),
            entry.structured,
        ) {
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
        Error::Api { code, msg, logid } => format!(
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
        _context: RequestContext<RoleServer>,
    ) -> std::result::Result<CallToolResponse, ErrorData> {
        let server = self.clone();
        let name = request.name.to_string();
        let arguments = request.arguments;
        let answer = tokio::task::spawn_blocking(move || {
            let _counted = InFlight::enter(&server.in_flight);
            server.call(&name, arguments)
        })
        .await
        .map_err(|e| ErrorData::internal_error(format!("the run's thread failed: {e}"), None))?;
        match answer {
            Some(result) => Ok(result.into()),
            None => Err(ErrorData::invalid_params(
                format!(
                    "no tool named {}",
                    crate::text::printable(&request.name, 80)
                ),
                None,
            )),
        }
    }
}

/// Counts a call as in flight while it lives.
struct InFlight<'a>(&'a AtomicUsize);

impl<'a> InFlight<'a> {
    fn enter(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        InFlight(count)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
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

/// How long a session that ends waits for calls still running before it lets them go: rmcp
/// itself gives in-flight answers 5 s to be written after stdin closes (2 s after a signal), and
/// a run on Coze can take minutes, which no departed client would read.
const LET_GO_AFTER: Duration = Duration::from_millis(200);

/// Serves `server` on stdin and stdout until the client closes stdin, the connection drops or a
/// signal (`SIGINT`, `SIGTERM`) arrives; every one of those is a clean end ([`Ended`]).
pub fn serve(server: Server) -> Result<Ended> {
    let in_flight = Arc::clone(&server.in_flight);
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
                in_flight: in_flight.load(Ordering::SeqCst),
            });
        }
        Ok(Ended::Closed {
            in_flight: in_flight.load(Ordering::SeqCst),
        })
    });
    // A call still running blocks on Coze; dropping the runtime would wait for it.
    runtime.shutdown_timeout(LET_GO_AFTER);
    ended
}

/// The next `SIGINT` or `SIGTERM`, by name. Where a handler cannot be installed, it never comes.
async fn signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut int), Ok(mut term)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) else {
            return std::future::pending().await;
        };
        tokio::select! {
            _ = int.recv() => "SIGINT",
            _ = term.recv() => "SIGTERM",
        }
    }
    #[cfg(not(unix))]
    {
        match tokio::signal::ctrl_c().await {
            Ok(()) => "Ctrl-C",
            Err(_) => std::future::pending().await,
        }
    }
}
