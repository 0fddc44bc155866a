//! The runs of one `cozegen serve` session: what each is (its record, listed on the runs
//! page), and a run's work on tokio's blocking pool, which reports to the page as notes.
//!
//! A run is planned by [`crate::plan`] before it gets here. The work sends it once through the
//! one client — a streamed run, a resume, a chat, or an asynchronous run read back from its run
//! history — and hands each event to the page as a note (`event`, `started`, `done`,
//! `interrupt`, `error`) over a channel. The record is the work's to update, so a run whose page
//! went away (the client dropped the stream) still ends in the list; a note nobody reads is
//! dropped, and the run is never sent again.

use crate::check::validate::Problem;
use crate::coze::{
    ChatRequest, Client, Event, Interrupt, ResumeRequest, RunAnswer, RunHistory, RunRequest,
    StreamEnd, Wait,
};
use crate::ir::Workflow;
use crate::plan::{self, HistoryReading, Reading};
use serde_json::{Map, Value, json};
use std::ops::ControlFlow;
use std::sync::Mutex;
use std::time::SystemTime;
use tokio::sync::mpsc;

/// How a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Sent, and not ended (or, for an asynchronous run, not read as ended yet).
    Running,
    /// Ended with output.
    Succeeded,
    /// Waits for an answer (a question or input node).
    Interrupted,
    /// Refused by Coze, or failed there.
    Failed,
    /// May have started, but no complete answer came back.
    Unconfirmed,
}

impl Status {
    /// The key of its word in the page's message table.
    pub fn key(self) -> &'static str {
        match self {
            Status::Running => "status.running",
            Status::Succeeded => "status.succeeded",
            Status::Interrupted => "status.interrupted",
            Status::Failed => "status.failed",
            Status::Unconfirmed => "status.unconfirmed",
        }
    }
}

/// What a waiting run needs to go on.
#[derive(Debug, Clone)]
pub enum Pending {
    /// A run's interrupt: answered by a resume.
    Interrupt(Interrupt),
    /// A chatflow that asked: answered by the next message in the same conversation, with the
    /// same parameters.
    Chat {
        /// The conversation.
        conversation_id: Option<String>,
        /// The chat's parameters.
        parameters: Map<String, Value>,
        /// The app and agent the chat went with.
        request: Box<ChatRequest>,
    },
}

/// One run of the session.
#[derive(Debug, Clone)]
pub struct Record {
    /// Its number in the session, from 1.
    pub id: usize,
    /// The index of its workflow.
    pub workflow: usize,
    /// When it was sent.
    pub started: SystemTime,
    /// How it stands.
    pub status: Status,
    /// Its id in Coze's run history, when known.
    pub execute_id: Option<String>,
    /// A link to its trace in the Coze editor, when Coze gave one.
    pub debug_url: Option<String>,
    /// Sent asynchronously: its result is read from the run history.
    pub is_async: bool,
    /// What it waits for.
    pub pending: Option<Pending>,
}

/// The session's runs.
#[derive(Debug, Default)]
pub struct Runs {
    list: Mutex<Vec<Record>>,
}

impl Runs {
    /// Files a new run of `workflow`; returns its number.
    pub fn start(&self, workflow: usize, is_async: bool) -> usize {
        let mut list = self.list.lock().unwrap_or_else(|p| p.into_inner());
        let id = list.len() + 1;
        list.push(Record {
            id,
            workflow,
            started: SystemTime::now(),
            status: Status::Running,
            execute_id: None,
            debug_url: None,
            is_async,
            pending: None,
        });
        id
    }

    /// Changes run `id` by `change`.
    pub fn update(&self, id: usize, change: impl FnOnce(&mut Record)) {
        let mut list = self.list.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(record) = list.get_mut(id.wrapping_sub(1)) {
            change(record);
        }
    }

    /// Run `id`, if there is one.
    pub fn get(&self, id: usize) -> Option<Record> {
        let list = self.list.lock().unwrap_or_else(|p| p.into_inner());
        list.get(id.wrapping_sub(1)).cloned()
    }

    /// The runs of `workflow`, newest first.
    pub fn of(&self, workflow: usize) -> Vec<Record> {
        let list = self.list.lock().unwrap_or_else(|p| p.into_inner());
        list.iter()
            .rev()
            .filter(|r| r.workflow == workflow)
            .cloned()
            .collect()
    }

    /// How many runs are still running.
    pub fn running(&self) -> usize {
        let list = self.list.lock().unwrap_or_else(|p| p.into_inner());
        list.iter().filter(|r| r.status == Status::Running).count()
    }
}

/// A note to the page: its SSE event name and its data.
pub type Note = (&'static str, Value);

/// What one piece of work sends.
#[derive(Debug)]
pub enum Job {
    /// A streamed run.
    Run(RunRequest),
    /// A run sent asynchronously, read back from the run history as this says.
    Async(RunRequest, Wait),
    /// A resume of a streamed run's interrupt.
    Resume(ResumeRequest),
    /// A chat with a chatflow.
    Chat(ChatRequest),
}

/// Where a piece of work reports.
pub struct Work<'a> {
    /// The client.
    pub client: &'a Client,
    /// The workflow, to read its output.
    pub workflow: &'a Workflow,
    /// The session's runs.
    pub runs: &'a Runs,
    /// The run's number.
    pub id: usize,
    /// The page's notes.
    pub notes: mpsc::Sender<Note>,
    /// Set once the server stops: an asynchronous run's wait ends.
    pub stopping: &'a dyn Fn() -> bool,
    /// The run's place among the runs at once, given back as the run ends (before the page
    /// hears of it, so the page can send the next at once).
    pub permit: std::cell::Cell<Option<tokio::sync::OwnedSemaphorePermit>>,
}

impl Work<'_> {
    fn note(&self, name: &'static str, data: Value) {
        // A page that went away reads nothing more; the run goes on, and its record ends.
        let _ = self.notes.blocking_send((name, data));
    }

    /// The end of the work: the record says `status`, the permit is given back, and then the
    /// page hears `name` (so an answer to an interrupt finds the run waiting for it).
    fn end(&self, status: Status, name: &'static str, data: Value) -> Status {
        self.runs.update(self.id, |r| r.status = status);
        drop(self.permit.take());
        self.note(name, data);
        status
    }

    /// Does `job`, reporting as it goes; returns the run's status at the end.
    pub fn run(&self, job: Job) -> Status {
        match job {
            Job::Run(request) => {
                let mut end = plan::StreamOutput::default();
                let ended = self.client.stream_run(&request, &mut |e| {
                    end.see(e);
                    self.note("event", event_note(e));
                });
                self.stream_ended(ended, end)
            }
            Job::Resume(request) => {
                let mut end = plan::StreamOutput::default();
                let ended = self.client.stream_resume(&request, &mut |e| {
                    end.see(e);
                    self.note("event", event_note(e));
                });
                self.stream_ended(ended, end)
            }
            Job::Chat(request) => self.chat(request),
            Job::Async(request, wait) => self.run_async(&request, &wait),
        }
    }

    fn stream_ended(
        &self,
        ended: crate::coze::Result<StreamEnd>,
        end: plan::StreamOutput,
    ) -> Status {
        match ended {
            Ok(StreamEnd::Done { debug_url, .. }) => {
                let execute_id = debug_url.as_deref().and_then(crate::coze::execute_id_of);
                self.runs.update(self.id, |r| {
                    r.debug_url.clone_from(&debug_url);
                    r.execute_id.clone_from(&execute_id);
                    r.pending = None;
                });
                let answer = RunAnswer {
                    output: end.output(),
                    raw: None,
                    execute_id,
                    debug_url,
                    usage: None,
                    logid: None,
                    interrupt: None,
                };
                self.answered(plan::read(Some(self.workflow), &answer), &answer)
            }
            Ok(StreamEnd::Interrupted(interrupt)) => self.interrupted(interrupt),
            Err(e) => self.failed(&e),
        }
    }

    fn answered(&self, reading: Reading<'_>, answer: &RunAnswer) -> Status {
        let ids = json!({
            "execute_id": answer.execute_id,
            "debug_url": link(answer.debug_url.as_deref()),
        });
        let mut note = match reading {
            Reading::Interrupted(interrupt) => return self.interrupted(interrupt.clone()),
            Reading::Variables { output, problems } => json!({
                "output": pretty(output),
                "problems": problem_list(&problems),
                "checked": true,
            }),
            Reading::Unchecked(output) => json!({"output": pretty(output), "checked": false}),
            Reading::Text(text) => json!({"output": text, "checked": false}),
            Reading::Nothing => json!({"output": null, "checked": false}),
        };
        merge(&mut note, ids);
        self.end(Status::Succeeded, "done", note)
    }

    fn interrupted(&self, interrupt: Interrupt) -> Status {
        // The input node's parameters as the IR reads them (as a start node's): one field of
        // the page's small form each. Parameters the IR cannot read get a free-text answer,
        // which the server then refuses with the reason.
        let parameters = interrupt
            .required_parameters
            .as_ref()
            .and_then(|required| plan::answer_types(required).ok())
            .map(|(types, _)| answer_fields(&types));
        let note = json!({
            "run": self.id,
            "kind": interrupt.type_name(),
            "node": interrupt.node_title,
            "question": interrupt.question,
            "parameters": parameters,
        });
        self.runs.update(self.id, |r| {
            r.pending = Some(Pending::Interrupt(interrupt));
        });
        self.end(Status::Interrupted, "interrupt", note)
    }

    fn failed(&self, e: &crate::coze::Error) -> Status {
        use crate::coze::Error;
        let (note, status) = match e {
            Error::Api {
                code, msg, logid, ..
            } => (
                json!({
                    "code": code.as_str(),
                    "message": msg.as_str(),
                    "logid": logid.as_ref().map(|l| l.as_str()),
                }),
                Status::Failed,
            ),
            Error::RunUnconfirmed { execute_id, .. } => {
                let execute_id = execute_id.as_ref().map(|i| i.as_str().to_owned());
                self.runs
                    .update(self.id, |r| r.execute_id.clone_from(&execute_id));
                (
                    json!({"unconfirmed": true, "execute_id": execute_id, "message": e.to_string()}),
                    Status::Unconfirmed,
                )
            }
            other => (json!({"message": other.to_string()}), Status::Failed),
        };
        self.end(status, "error", note)
    }

    fn chat(&self, request: ChatRequest) -> Status {
        let mut answer = String::new();
        let ended = self.client.chat(&request, &mut |e| {
            if let Some(content) = e.content() {
                answer.push_str(content);
            }
            self.note("event", event_note(e));
        });
        let end = match ended {
            Ok(end) => end,
            Err(e) => return self.failed(&e),
        };
        self.runs
            .update(self.id, |r| r.debug_url.clone_from(&end.debug_url));
        if end.requires_action {
            let note =
                json!({"run": self.id, "kind": "question", "question": answer, "chat": true});
            let parameters = request.parameters.clone();
            self.runs.update(self.id, |r| {
                r.pending = Some(Pending::Chat {
                    conversation_id: end.conversation_id.clone(),
                    parameters,
                    request: Box::new(request),
                });
            });
            return self.end(Status::Interrupted, "interrupt", note);
        }
        self.runs.update(self.id, |r| r.pending = None);
        let note = json!({
            "output": answer,
            "checked": false,
            "debug_url": link(end.debug_url.as_deref()),
        });
        self.end(Status::Succeeded, "done", note)
    }

    fn run_async(&self, request: &RunRequest, wait: &Wait) -> Status {
        let started = match self.client.run_async(request) {
            Ok(started) => started,
            Err(e) => return self.failed(&e),
        };
        self.runs.update(self.id, |r| {
            r.execute_id = Some(started.execute_id.clone());
            r.debug_url.clone_from(&started.debug_url);
        });
        self.note(
            "started",
            json!({"execute_id": started.execute_id, "debug_url": link(started.debug_url.as_deref())}),
        );
        let history = self.client.wait_for_run_watched(
            self.workflow.details.platform,
            &request.workflow_id,
            &started.execute_id,
            wait,
            &mut |_| match self.notes.is_closed() || (self.stopping)() {
                true => ControlFlow::Break(()),
                false => ControlFlow::Continue(()),
            },
        );
        match history {
            Ok(history) => self.history(&history),
            Err(e) => self.end(
                Status::Running,
                "error",
                json!({"message": e.to_string(), "execute_id": started.execute_id}),
            ),
        }
    }

    /// Reports a run read back from its run history; returns its status.
    pub fn history(&self, history: &RunHistory) -> Status {
        let status = history_status(self.workflow, history);
        if status == Status::Running {
            return self.end(
                status,
                "started",
                json!({"execute_id": history.execute_id, "running": true}),
            );
        }
        match plan::read_history(Some(self.workflow), history) {
            HistoryReading::Ended(reading) => {
                let answer = history.as_answer();
                self.answered(reading, &answer)
            }
            HistoryReading::Failed { code, message } => self.end(
                Status::Failed,
                "error",
                json!({"code": code, "message": message, "logid": history.logid, "execute_id": history.execute_id}),
            ),
            HistoryReading::Trimmed => self.end(
                Status::Succeeded,
                "error",
                json!({"trimmed": true, "execute_id": history.execute_id}),
            ),
            HistoryReading::Other(status) => self.end(
                Status::Failed,
                "error",
                json!({"message": status, "execute_id": history.execute_id}),
            ),
            HistoryReading::Running => self.end(
                Status::Running,
                "started",
                json!({"execute_id": history.execute_id, "running": true}),
            ),
        }
    }
}

/// The fields of an input node's small form: each parameter's wire name, its type in Coze's
/// words, the control that takes it (`string`, `integer`, `number`, `boolean`, or `json` for
/// what is typed as JSON text), whether it is required, and its description.
fn answer_fields(types: &crate::ir::Types) -> Vec<Value> {
    use crate::ir::Type;
    types
        .root()
        .fields
        .iter()
        .map(|field| {
            let input = match field.ty {
                Type::String | Type::Time | Type::File(_) => "string",
                Type::Integer => "integer",
                Type::Number => "number",
                Type::Boolean => "boolean",
                Type::Object(_) | Type::Map | Type::Array(_) | Type::Any(_) => "json",
            };
            json!({
                "name": field.name,
                "type": field.ty.coze_name(),
                "input": input,
                "description": field.description,
                "required": field.required,
            })
        })
        .collect()
}

/// The status a run history says.
pub fn history_status(workflow: &Workflow, history: &RunHistory) -> Status {
    match plan::read_history(Some(workflow), history) {
        HistoryReading::Running => Status::Running,
        HistoryReading::Ended(Reading::Interrupted(_)) => Status::Interrupted,
        HistoryReading::Ended(_) | HistoryReading::Trimmed => Status::Succeeded,
        HistoryReading::Failed { .. } | HistoryReading::Other(_) => Status::Failed,
    }
}

/// A Coze event as the page reads it: its name, the text it adds to the answer, and the node.
fn event_note(event: &Event) -> Value {
    json!({
        "event": event.event,
        "content": event.content(),
        "node": event.data.get("node_title").and_then(Value::as_str),
        "ends": event.ends_node() || event.ends_answer(),
    })
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// The problems as the page lists them.
pub fn problem_list(problems: &[Problem]) -> Vec<Value> {
    problems
        .iter()
        .map(|p| json!({"path": p.path, "message": p.message}))
        .collect()
}

/// A link the page may show: only `http(s)`, so no `javascript:` from a server's answer.
pub fn link(url: Option<&str>) -> Option<&str> {
    url.filter(|u| u.starts_with("https://") || u.starts_with("http://"))
}

fn merge(into: &mut Value, from: Value) {
    if let (Value::Object(into), Value::Object(from)) = (into, from) {
        into.extend(from);
    }
}

/// `at` as `YYYY-MM-DD HH:MM:SS` UTC.
pub fn utc(at: SystemTime) -> String {
    let secs = at
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Howard Hinnant's civil_from_days, for days since 1970-01-01.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn times_are_utc_dates() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_709_251_199);
        assert_eq!(utc(at), "2024-02-29 23:59:59");
        assert_eq!(utc(SystemTime::UNIX_EPOCH), "1970-01-01 00:00:00");
    }

    #[test]
    fn only_http_links_are_shown() {
        assert_eq!(link(Some("https://coze.cn/x")), Some("https://coze.cn/x"));
        assert_eq!(link(Some("javascript:alert(1)")), None);
    }
}
