//! Running a published workflow, resuming one that stopped at a question, and chatting with a
//! chatflow:
//!
//! - [`Client::run`]: `POST /v1/workflow/run`, one JSON answer whose `data` is the end node's
//!   output as JSON *text* (or, when the end node answers with its content template, plain
//!   text); [`RunAnswer::output`] holds it parsed.
//! - [`Client::stream_run`]: `POST /v1/workflow/stream_run`, server-sent events handed to a
//!   callback as they arrive.
//! - [`Client::resume`] and [`Client::stream_resume`]: `POST /v1/workflows/resume` and
//!   `POST /v1/workflow/stream_resume`.
//! - [`Client::chat`]: `POST /v1/workflows/chat`, a chat with a chatflow, always streamed.
//!
//! **A run is never sent twice.** These endpoints' policy is [`Resend::Never`]: once the
//! request may have reached Coze, the run may have started, and a timeout, a dropped
//! connection, a 5xx or a stream cut short is [`Error::RunUnconfirmed`], with the execute id
//! when it is known. What the request is — which app, which parameters, whether it is a chat —
//! is decided by the plan of a run ([`crate::plan`]), not here.
//!
//! [`Resend::Never`]: crate::endpoints::Resend::Never
//! [`Error::RunUnconfirmed`]: crate::coze::Error::RunUnconfirmed

use super::send::{Payload, Request};
use super::sse::{ChatEnd, ChatStream, Event, RunStream, StreamEnd};
use super::target::Target;
use super::wire::{Envelope, InterruptWire, RunAnswerWire, Usage, text};
use super::{ChatRequest, Client, Result, ResumeRequest, RunRequest};
use crate::endpoints::{self, Endpoint};
use serde::Deserialize;
use serde_json::Value;

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
    /// What an input node asks for (`required_parameters`), in the start node's format; the
    /// plan builds it into types to check an answer against
    /// ([`crate::plan::answer_types`]). Absent when the interrupt has none, or they are not an
    /// object.
    pub required_parameters: Option<serde_json::Map<String, Value>>,
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

/// The answer of `/v1/workflow/run` or `/v1/workflows/resume` with `code` 0, read from a body
/// scrubbed of the token (its texts are not escaped: print them with
/// [`crate::text::printable`]).
#[derive(Debug, Clone, PartialEq)]
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

impl Client {
    /// `POST /v1/workflow/run`: runs the workflow and waits for its answer.
    pub fn run(&self, request: &RunRequest) -> Result<RunAnswer> {
        self.answer(&endpoints::RUN, &request.workflow_id, request)
    }

    /// `POST /v1/workflows/resume`: answers the interrupt of a run made with [`Client::run`].
    pub fn resume(&self, request: &ResumeRequest) -> Result<RunAnswer> {
        self.answer(&endpoints::RESUME, &request.workflow_id, request)
    }

    /// `POST /v1/workflow/stream_run`: runs the workflow and hands every event to `on_event`
    /// as it arrives. An `Error` event is [`Error::Api`]; a stream that ends without `Done` or
    /// `Interrupt` is [`Error::RunUnconfirmed`].
    ///
    /// [`Error::Api`]: crate::coze::Error::Api
    /// [`Error::RunUnconfirmed`]: crate::coze::Error::RunUnconfirmed
    pub fn stream_run(
        &self,
        request: &RunRequest,
        on_event: &mut dyn FnMut(&Event),
    ) -> Result<StreamEnd> {
        self.stream(
            &endpoints::STREAM_RUN,
            &request.workflow_id,
            request,
            on_event,
            RunStream::default(),
        )
    }

    /// `POST /v1/workflow/stream_resume`: answers the interrupt of a streamed run, streaming
    /// the rest of the run like [`Client::stream_run`].
    pub fn stream_resume(
        &self,
        request: &ResumeRequest,
        on_event: &mut dyn FnMut(&Event),
    ) -> Result<StreamEnd> {
        self.stream(
            &endpoints::STREAM_RESUME,
            &request.workflow_id,
            request,
            on_event,
            RunStream::default(),
        )
    }

    /// `POST /v1/workflows/chat`: chats with a chatflow, handing every event to `on_event` as
    /// it arrives. An `error` or `conversation.chat.failed` event is [`Error::Api`]; a stream
    /// that ends before the chat completed is [`Error::RunUnconfirmed`] (a chat is never sent
    /// twice either).
    ///
    /// [`Error::Api`]: crate::coze::Error::Api
    /// [`Error::RunUnconfirmed`]: crate::coze::Error::RunUnconfirmed
    pub fn chat(&self, request: &ChatRequest, on_event: &mut dyn FnMut(&Event)) -> Result<ChatEnd> {
        self.stream(
            &endpoints::CHAT,
            &request.workflow_id,
            request,
            on_event,
            ChatStream::default(),
        )
    }

    /// The target of a run endpoint, after checking the workflow ID its body names.
    fn run_target(&self, endpoint: &Endpoint, workflow_id: &str) -> Result<Target> {
        self.check_workflow_id(workflow_id)?;
        self.target(endpoint, None, ())
    }

    /// Sends a run (or resume) that answers with one JSON object, by the endpoint's policy;
    /// returns its target, the answer and its envelope, an error envelope being
    /// [`Error::Api`](crate::coze::Error::Api).
    pub(crate) fn run_exchange(
        &self,
        endpoint: &'static Endpoint,
        workflow_id: &str,
        body: &impl serde::Serialize,
    ) -> Result<(Target, Value, Envelope)> {
        let target = self.run_target(endpoint, workflow_id)?;
        let body = json_body(body);
        let received = self.receive(&Request {
            endpoint,
            target: &target,
            payload: Payload::Json(&body),
            accept: "application/json",
        })?;
        let value = match serde_json::from_slice::<Value>(&received.body) {
            Ok(value @ Value::Object(_)) => value,
            _ => {
                let message = format!(
                    "the answer is not a JSON object: `{}`",
                    self.excerpt(&received.body)
                );
                return Err(self.unconfirmed(&target, &message, None));
            }
        };
        let envelope = Envelope::deserialize(&value).unwrap_or_default();
        if envelope.failed() {
            return Err(self.api_error(&envelope, None, endpoint));
        }
        Ok((target, value, envelope))
    }

    fn answer(
        &self,
        endpoint: &'static Endpoint,
        workflow_id: &str,
        body: &impl serde::Serialize,
    ) -> Result<RunAnswer> {
        let (_, value, envelope) = self.run_exchange(endpoint, workflow_id, body)?;
        let answer = RunAnswerWire::deserialize(&value).unwrap_or_default();
        let raw = text(&answer.data);
        let output = self.read_output(raw.as_deref());
        Ok(RunAnswer {
            output,
            raw,
            execute_id: text(&answer.execute_id),
            debug_url: text(&answer.debug_url),
            usage: answer.usage.get().map(|u| u.read()),
            logid: envelope.logid(),
            interrupt: answer
                .interrupt_data
                .get()
                .and_then(|i| read_interrupt(i, None, None)),
        })
    }

    /// The end node's output as a run answers it (`data`): JSON text, parsed; text that is
    /// not JSON (an end node answering with its content template) as it is. A run history's
    /// output is read by the same rule, so the same checks apply to both.
    pub(crate) fn read_output(&self, raw: Option<&str>) -> Output {
        match raw {
            None => Output::None,
            // JSON text inside the body: scrubbed once more, at its own level.
            Some(raw) => {
                match serde_json::from_slice::<Value>(&self.scrub.json(raw.as_bytes()).0) {
                    Ok(parsed) => Output::Json(parsed),
                    Err(_) => Output::Text(raw.to_owned()),
                }
            }
        }
    }

    fn stream<P: super::sse::Protocol>(
        &self,
        endpoint: &'static Endpoint,
        workflow_id: &str,
        body: &impl serde::Serialize,
        on_event: &mut dyn FnMut(&Event),
        protocol: P,
    ) -> Result<P::End> {
        let target = self.run_target(endpoint, workflow_id)?;
        let body = json_body(body);
        let response = self.open(&Request {
            endpoint,
            target: &target,
            payload: Payload::Json(&body),
            accept: "text/event-stream",
        })?;
        self.read_stream(&target, response, on_event, protocol)
    }
}

/// A request body as JSON.
fn json_body(body: &impl serde::Serialize) -> Vec<u8> {
    serde_json::to_vec(body)
        .expect("request bodies are structs of strings, numbers and JSON maps, which serialize")
}

/// An `interrupt_data` object; `question` is what the asking node said in the stream, if
/// anything, used when `data` has no question.
pub(crate) fn read_interrupt(
    wire: &InterruptWire,
    node_title: Option<String>,
    question: Option<String>,
) -> Option<Interrupt> {
    let event_id = text(&wire.event_id).filter(|id| !id.is_empty())?;
    // `data` is JSON text such as {"content_type":"text","content":"…"}, or plain text.
    let from_data = text(&wire.data).filter(|d| !d.trim().is_empty()).map(|d| {
        match serde_json::from_str::<Value>(&d) {
            Ok(parsed) => parsed
                .get("content")
                .and_then(Value::as_str)
                .map_or(d.clone(), str::to_owned),
            Err(_) => d,
        }
    });
    let question = from_data.or(question).filter(|q| !q.trim().is_empty());
    Some(Interrupt {
        event_id,
        interrupt_type: wire.interrupt_type(),
        node_title,
        question,
        required_parameters: wire.required_parameters.0.clone().filter(|p| !p.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interrupt_question_comes_from_its_data_or_the_stream() {
        let wire: InterruptWire = serde_json::from_str(
            r#"{"event_id":"1/2","type":2,"data":"{\"content_type\":\"text\",\"content\":\"Which city?\"}"}"#,
        )
        .unwrap();
        let i = read_interrupt(&wire, None, Some("ignored".into())).unwrap();
        assert_eq!(i.question.as_deref(), Some("Which city?"));
        assert_eq!(i.type_name(), "question node");
        let wire: InterruptWire =
            serde_json::from_str(r#"{"event_id":"1/2","type":"5","data":""}"#).unwrap();
        let i = read_interrupt(&wire, None, Some("Name?".into())).unwrap();
        assert_eq!(i.question.as_deref(), Some("Name?"));
        assert_eq!(i.interrupt_type, Some(5));
        let no_id: InterruptWire = serde_json::from_str(r#"{"type":2}"#).unwrap();
        assert!(read_interrupt(&no_id, None, None).is_none());
    }
}
