//! Coze's request and answer bodies as serde types, one per endpoint cozegen calls (docs:
//! coze-dev/coze-sdk-gen, `docs/api-markdown/`).
//!
//! Requests serialize exactly what the docs show: optional fields are left out when they are
//! `None`, never sent as `null`. Answers are read leniently, like every WorkflowInfo: a field
//! of an unexpected type reads as absent rather than failing the answer, ids and codes may be
//! numbers or strings, and unknown fields are ignored. Every answer is read from a body the
//! token was already scrubbed from, and its envelope ([`Envelope`]) is read on its own. (A
//! version page is a document, nesting as deep as the workflow: it is read with the loader's
//! deep reader instead, in `fetch`.)

use crate::model::{ResponseDetail, Scalar};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The query of `GET /v1/workflows/:workflow_id`.
#[derive(Debug, Serialize)]
pub(crate) struct WorkflowQuery {
    /// Answer with the start and end nodes (what every artifact is made from).
    pub(crate) include_input_output: bool,
}

/// The query of `GET /v1/workflows/:workflow_id/versions`.
#[derive(Debug, Serialize)]
pub(crate) struct VersionsQuery<'a> {
    /// Only published versions (`published_online`).
    pub(crate) publish_status: &'static str,
    /// Each version with its start and end nodes.
    pub(crate) include_input_output: bool,
    /// Versions per page.
    pub(crate) page_size: u32,
    /// The previous page's `next_page_token`, after the first page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) page_token: Option<&'a str>,
}

/// The query of `GET /v1/workflows` (a workspace's workflows).
#[derive(Debug, Serialize)]
pub(crate) struct WorkflowsQuery<'a> {
    /// The workspace (digits, checked before it is sent).
    pub(crate) workspace_id: &'a str,
    /// The page, from 1.
    pub(crate) page_num: u32,
    /// Workflows per page.
    pub(crate) page_size: u32,
}

/// What to run: the body of `POST /v1/workflow/run` and `POST /v1/workflow/stream_run`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RunRequest {
    /// The workflow ID (digits; checked before anything is sent).
    pub workflow_id: String,
    /// The start node's `parameters`, sent as a JSON object.
    pub parameters: Map<String, Value>,
    /// A published version to run instead of the latest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workflow_version: Option<String>,
    /// The app the workflow belongs to, for workflows of a Coze app.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// The agent to run it with, for workflows with database or variable nodes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bot_id: Option<String>,
    /// Extra fields some plugins read (`ext`, a map of strings: `latitude`, `longitude`,
    /// `user_id` as the docs list them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ext: Option<BTreeMap<String, String>>,
    /// The channel to run in (`connector_id`; Coze's default is 1024, the API channel).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connector_id: Option<String>,
    /// Run asynchronously (`is_async: true`, `/v1/workflow/run` only): Coze answers at once
    /// with the run's `execute_id`, and the result is read from its run history. Left out
    /// when false.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub is_async: bool,
}

/// What to say to a chatflow: the body of `POST /v1/workflows/chat`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ChatRequest {
    /// The chatflow's ID (digits; checked before anything is sent).
    pub workflow_id: String,
    /// The conversation so far, ending with the user's message (the chatflow's `USER_INPUT`).
    pub additional_messages: Vec<ChatMessage>,
    /// The start node's other `parameters` (`CONVERSATION_NAME` and the custom ones).
    pub parameters: Map<String, Value>,
    /// A published version to run instead of the latest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workflow_version: Option<String>,
    /// The app to chat in: needed for a chatflow of an app.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// The agent to chat with, for a chatflow of the resource library.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bot_id: Option<String>,
    /// The conversation to file the chat under; it overrides `CONVERSATION_NAME`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<String>,
    /// Extra fields some plugins read (`ext`, a map of strings: `latitude`, `longitude`,
    /// `user_id` as the docs list them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ext: Option<BTreeMap<String, String>>,
    /// The channel to run in (`connector_id`; Coze's default is 1024, the API channel).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connector_id: Option<String>,
}

/// One message of a chat request's `additional_messages`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChatMessage {
    /// Who says it.
    pub role: Role,
    /// The message.
    pub content: String,
    /// How `content` is to be read.
    pub content_type: ContentType,
}

impl ChatMessage {
    /// A text message from the user.
    pub fn user(text: impl Into<String>) -> Self {
        ChatMessage {
            role: Role::User,
            content: text.into(),
            content_type: ContentType::Text,
        }
    }
}

/// Who says a chat message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Role {
    /// The user (`user`).
    User,
    /// The chatflow (`assistant`).
    Assistant,
}

/// How a chat message's content is to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ContentType {
    /// Plain text (`text`).
    Text,
}

/// How to answer an interrupt: the body of `POST /v1/workflows/resume` and
/// `POST /v1/workflow/stream_resume`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ResumeRequest {
    /// The workflow the interrupted run belongs to.
    pub workflow_id: String,
    /// The interrupt's `event_id`.
    pub event_id: String,
    /// The answer.
    pub resume_data: String,
    /// The interrupt's `type`: 2 question node, 5 input node, 6 device plugin, 7 OAuth plugin.
    pub interrupt_type: i64,
}

/// A field read leniently: a value of another shape than `T` reads as absent.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Lenient<T>(pub(crate) Option<T>);

impl<T> Default for Lenient<T> {
    fn default() -> Self {
        Lenient(None)
    }
}

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Ok(Lenient(T::deserialize(value).ok()))
    }
}

/// A nested object read leniently: anything but an object, or an object `T` does not read,
/// reads as absent. (A serde struct would also read an array as its fields in order.)
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Nested<T>(pub(crate) Option<T>);

impl<T> Default for Nested<T> {
    fn default() -> Self {
        Nested(None)
    }
}

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for Nested<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            object @ Value::Object(_) => Ok(Nested(T::deserialize(object).ok())),
            _ => Ok(Nested(None)),
        }
    }
}

impl<T> Nested<T> {
    pub(crate) fn get(&self) -> Option<&T> {
        self.0.as_ref()
    }
}

/// Text of a scalar field: strings as they are, numbers and booleans in their JSON spelling.
pub(crate) fn text(field: &Option<Scalar>) -> Option<String> {
    field.as_ref().and_then(Scalar::as_text)
}

/// A count given as a number or as digits.
fn count(field: &Option<Scalar>) -> Option<i64> {
    match field.as_ref()? {
        Scalar::Number(n) => n.as_i64(),
        Scalar::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Coze's envelope around every answer: `{code, msg, detail: {logid}}`, read from any answer.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Envelope {
    pub(crate) code: Option<Scalar>,
    pub(crate) msg: Option<Scalar>,
    pub(crate) detail: Nested<ResponseDetail>,
}

impl Envelope {
    /// The envelope of a document read with the loader's deep reader, by looking at its three
    /// fields only (a nested `code` or `detail` is not walked).
    pub(crate) fn of(value: &Value) -> Envelope {
        let logid = value
            .get("detail")
            .and_then(|d| d.get("logid"))
            .map(shallow);
        Envelope {
            code: value.get("code").map(shallow),
            msg: value.get("msg").map(shallow),
            detail: Nested(logid.map(|logid| ResponseDetail { logid: Some(logid) })),
        }
    }

    /// Whether `code` means a failure, by the loader's rule: absent, `null`, a number equal to
    /// zero (`0`, `0.0`, `-0`) or the text `"0"` is success.
    pub(crate) fn failed(&self) -> bool {
        match &self.code {
            None => false,
            Some(Scalar::Number(n)) => n.as_f64() != Some(0.0),
            Some(Scalar::String(s)) => s.trim() != "0",
            Some(Scalar::Json(text)) => text != "null",
            Some(Scalar::Bool(_)) => true,
        }
    }

    /// `code` as an error shows it: a nested value as JSON text.
    pub(crate) fn code(&self) -> Option<String> {
        match &self.code {
            Some(Scalar::Json(text)) => Some(text.clone()),
            code => text(code),
        }
    }

    pub(crate) fn msg(&self) -> Option<String> {
        text(&self.msg)
    }

    pub(crate) fn logid(&self) -> Option<String> {
        self.detail.get().and_then(|d| text(&d.logid))
    }
}

/// A value as a [`Scalar`] without walking into it: a non-empty object or array is `{…}` or
/// `[…]`.
fn shallow(value: &Value) -> Scalar {
    match value {
        Value::String(s) => Scalar::String(s.clone()),
        Value::Number(n) => Scalar::Number(n.clone()),
        Value::Bool(b) => Scalar::Bool(*b),
        Value::Null => Scalar::Json("null".to_owned()),
        Value::Array(a) if a.is_empty() => Scalar::Json("[]".to_owned()),
        Value::Object(m) if m.is_empty() => Scalar::Json("{}".to_owned()),
        Value::Array(_) => Scalar::Json("[…]".to_owned()),
        Value::Object(_) => Scalar::Json("{…}".to_owned()),
    }
}

/// A run's resource use, as Coze reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
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

/// `usage`, as sent.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct UsageWire {
    input_count: Option<Scalar>,
    output_count: Option<Scalar>,
    token_count: Option<Scalar>,
}

impl UsageWire {
    pub(crate) fn read(&self) -> Usage {
        Usage {
            input_count: count(&self.input_count),
            output_count: count(&self.output_count),
            token_count: count(&self.token_count),
        }
    }
}

/// `interrupt_data`: the question a run stopped at.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct InterruptWire {
    pub(crate) event_id: Option<Scalar>,
    #[serde(rename = "type")]
    pub(crate) interrupt_type: Option<Scalar>,
    /// JSON text such as `{"content_type":"text","content":"…"}`, or plain text.
    pub(crate) data: Option<Scalar>,
    /// An input node's parameters, in the start node's format (`{"name": {"type": "string",
    /// "required": true}}`).
    pub(crate) required_parameters: Lenient<Map<String, Value>>,
}

impl InterruptWire {
    pub(crate) fn interrupt_type(&self) -> Option<i64> {
        count(&self.interrupt_type)
    }
}

/// The answer of `POST /v1/workflow/run` and `POST /v1/workflows/resume`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RunAnswerWire {
    /// The end node's output: JSON text of its variables, or the text of its answer.
    pub(crate) data: Option<Scalar>,
    pub(crate) execute_id: Option<Scalar>,
    pub(crate) debug_url: Option<Scalar>,
    pub(crate) usage: Nested<UsageWire>,
    pub(crate) interrupt_data: Nested<InterruptWire>,
}

/// The answer of `POST /v1/files/upload`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct UploadAnswer {
    pub(crate) data: Nested<UploadedFile>,
}

/// `data` of an upload's answer: Coze's cloud sends `id`, `bytes`, `file_name`, `created_at`;
/// Coze Studio adds `url` and `uri`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct UploadedFile {
    pub(crate) id: Option<Scalar>,
    pub(crate) url: Option<Scalar>,
    pub(crate) file_name: Option<Scalar>,
    pub(crate) bytes: Lenient<i64>,
}

/// The answer of an asynchronous `POST /v1/workflow/run`: no `data`, the run's id and trace.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct AsyncRunWire {
    pub(crate) execute_id: Option<Scalar>,
    pub(crate) debug_url: Option<Scalar>,
}

/// The query of Coze Studio's `GET /v1/workflow/get_run_history`.
#[derive(Debug, Serialize)]
pub(crate) struct StudioHistoryQuery<'a> {
    /// The workflow (digits, checked before it is sent).
    pub(crate) workflow_id: &'a str,
    /// The run (digits, checked before it is sent).
    pub(crate) execute_id: &'a str,
}

/// The answer of a run history read: `data` is an array holding the one run asked for.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct HistoryAnswerWire {
    pub(crate) data: Lenient<Vec<Value>>,
}

/// One run in a run history (`WorkflowExecuteHistory`). Coze's cloud and Coze Studio name
/// some fields differently; both are read.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct HistoryWire {
    /// A number on Coze Studio, text on the cloud.
    pub(crate) execute_id: Option<Scalar>,
    /// `Running`, `Success`, `Fail` (Coze Studio also `Cancel`).
    pub(crate) execute_status: Option<Scalar>,
    /// The cloud: JSON text whose `Output` is the end node's output (itself JSON text, as a
    /// run's `data`), beside the output nodes' outputs. Coze Studio: the end node's output.
    pub(crate) output: Option<Scalar>,
    /// The cloud: the output was cut because it was too large.
    pub(crate) is_output_trimmed: Lenient<bool>,
    pub(crate) error_code: Option<Scalar>,
    /// The cloud's failure message.
    pub(crate) error_message: Option<Scalar>,
    /// Coze Studio's failure message.
    pub(crate) error_msg: Option<Scalar>,
    /// The cloud's log id of the run.
    pub(crate) logid: Option<Scalar>,
    /// Coze Studio's log id of the run.
    pub(crate) log_id: Option<Scalar>,
    pub(crate) debug_url: Option<Scalar>,
    /// The cloud's token use.
    pub(crate) usage: Nested<UsageWire>,
    /// Coze Studio's token use: the total only.
    pub(crate) token: Option<Scalar>,
    pub(crate) interrupt_data: Nested<InterruptWire>,
}

impl HistoryWire {
    /// The token use, as the cloud or Coze Studio reports it.
    pub(crate) fn usage(&self) -> Option<Usage> {
        match (self.usage.get(), count(&self.token)) {
            (Some(usage), _) => Some(usage.read()),
            (None, Some(total)) => Some(Usage {
                token_count: Some(total),
                ..Usage::default()
            }),
            (None, None) => None,
        }
    }
}

/// The data of a stream's events, run and chat alike: each event uses some of these fields.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct EventData {
    /// `Message`, `conversation.message.*`: the text.
    pub(crate) content: Option<Scalar>,
    /// `Message`, `Interrupt`: the node that speaks or asks.
    pub(crate) node_title: Option<Scalar>,
    /// `Message`: the chunk's number within its node's message, from `"0"`.
    pub(crate) node_seq_id: Option<Scalar>,
    /// `Message`: the node's last chunk.
    pub(crate) node_is_finish: Lenient<bool>,
    /// `Message`, `conversation.chat.completed`: what the run or chat used.
    pub(crate) usage: Nested<UsageWire>,
    /// `Done`, `done`: a link to the trace.
    pub(crate) debug_url: Option<Scalar>,
    /// `Interrupt`: the question.
    pub(crate) interrupt_data: Nested<InterruptWire>,
    /// `Error`: the failure.
    pub(crate) error_code: Option<Scalar>,
    /// `Error`: the failure.
    pub(crate) error_message: Option<Scalar>,
    /// `error`, `conversation.chat.failed`: the failure's code.
    pub(crate) code: Option<Scalar>,
    /// `error`, `conversation.chat.failed`: the failure's message.
    pub(crate) msg: Option<Scalar>,
    /// `error`, `conversation.chat.failed`: the failure's log id.
    pub(crate) detail: Nested<ResponseDetail>,
    /// A chat's events: the chat's id (`id` of a chat object), or a message's.
    pub(crate) id: Option<Scalar>,
    /// A chat's message events: the chat they belong to.
    pub(crate) chat_id: Option<Scalar>,
    /// A chat's events: the conversation.
    pub(crate) conversation_id: Option<Scalar>,
    /// A chat's message events: `answer`, `verbose`, `follow_up`, …
    #[serde(rename = "type")]
    pub(crate) message_type: Option<Scalar>,
    /// `conversation.chat.failed`: the chat's error.
    pub(crate) last_error: Nested<Envelope>,
}

impl EventData {
    /// The event's data read leniently; anything else than an object reads as empty.
    pub(crate) fn of(data: &Value) -> EventData {
        EventData::deserialize(data).unwrap_or_default()
    }
}

/// One page of `GET /v1/workflows`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct WorkflowsPage {
    pub(crate) data: Nested<WorkflowsData>,
}

/// `data` of a workspace list page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct WorkflowsData {
    pub(crate) items: Lenient<Vec<Value>>,
    pub(crate) has_more: Lenient<bool>,
}

/// One workflow of a list page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct WorkflowItem {
    pub(crate) workflow_id: Option<Scalar>,
    pub(crate) workflow_name: Option<Scalar>,
    /// When the workflow last changed: Unix seconds, documented as a string
    /// (`"1752060827"`); a number is read too.
    pub(crate) updated_at: Option<Scalar>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The request bodies as Coze's docs show them (`docs/api-markdown/`): the documented
    /// fields, in order, with no `null`s for what is not given.
    #[test]
    fn run_bodies_are_what_the_docs_show() {
        let mut parameters = Map::new();
        parameters.insert("city".into(), "Paris".into());
        let body = RunRequest {
            workflow_id: "73".into(),
            parameters: parameters.clone(),
            workflow_version: Some("v0.0.2".into()),
            bot_id: Some("9".into()),
            ..RunRequest::default()
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"workflow_id":"73","parameters":{"city":"Paris"},"workflow_version":"v0.0.2","bot_id":"9"}"#
        );
        let bare = RunRequest {
            workflow_id: "73".into(),
            ..RunRequest::default()
        };
        assert_eq!(
            serde_json::to_string(&bare).unwrap(),
            r#"{"workflow_id":"73","parameters":{}}"#
        );
    }

    #[test]
    fn chat_bodies_are_what_the_docs_show() {
        let mut parameters = Map::new();
        parameters.insert("CONVERSATION_NAME".into(), "Default".into());
        let body = ChatRequest {
            workflow_id: "7366055842027922437".into(),
            additional_messages: vec![ChatMessage::user("Hi")],
            parameters,
            app_id: Some("7366055842027900000".into()),
            conversation_id: Some("7237029000".into()),
            ..ChatRequest::default()
        };
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            json!({
                "workflow_id": "7366055842027922437",
                "additional_messages": [{"role": "user", "content": "Hi", "content_type": "text"}],
                "parameters": {"CONVERSATION_NAME": "Default"},
                "app_id": "7366055842027900000",
                "conversation_id": "7237029000"
            })
        );
        let text = serde_json::to_string(&body).unwrap();
        assert!(
            text.starts_with(r#"{"workflow_id":"7366055842027922437","additional_messages":[{"role":"user","content":"Hi","content_type":"text"}],"parameters":"#),
            "{text}"
        );
        assert!(!text.contains("null"), "{text}");
    }

    #[test]
    fn resume_bodies_are_what_the_docs_show() {
        let body = ResumeRequest {
            workflow_id: "73".into(),
            event_id: "1/2".into(),
            resume_data: "Hangzhou".into(),
            interrupt_type: 2,
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"workflow_id":"73","event_id":"1/2","resume_data":"Hangzhou","interrupt_type":2}"#
        );
    }

    #[test]
    fn answers_are_read_leniently() {
        let body = json!({
            "code": 0, "data": "{}", "execute_id": 741, "usage": "none",
            "detail": {"logid": "L"}, "interrupt_data": [1], "extra": {"x": 1}
        });
        let answer: RunAnswerWire = serde_json::from_value(body.clone()).unwrap();
        let envelope: Envelope = serde_json::from_value(body).unwrap();
        assert!(!envelope.failed());
        assert_eq!(text(&answer.execute_id).as_deref(), Some("741"));
        assert!(answer.usage.get().is_none() && answer.interrupt_data.get().is_none());
        assert_eq!(envelope.logid().as_deref(), Some("L"));
        let usage: UsageWire =
            serde_json::from_value(json!({"input_count": "50", "token_count": 150.5})).unwrap();
        assert_eq!(
            usage.read(),
            Usage {
                input_count: Some(50),
                ..Usage::default()
            }
        );
    }

    #[test]
    fn an_envelope_fails_by_the_loaders_rule() {
        let failed = |v: Value| serde_json::from_value::<Envelope>(v).unwrap().failed();
        let ok = [
            json!({}),
            json!({"code": null}),
            json!({"code": 0}),
            json!({"code": -0.0}),
            json!({"code": " 0"}),
        ];
        for ok in ok {
            assert!(!failed(ok.clone()), "{ok}");
            assert!(!Envelope::of(&ok).failed(), "{ok}");
        }
        for bad in [
            json!({"code": 4101}),
            json!({"code": "4200"}),
            json!({"code": true}),
            json!({"code": {}}),
        ] {
            assert!(failed(bad.clone()), "{bad}");
            assert!(Envelope::of(&bad).failed(), "{bad}");
        }
        let read = Envelope::of(&json!({"code": {"a": 1}, "msg": 7, "detail": {"logid": "L"}}));
        assert_eq!(read.code().as_deref(), Some("{…}"));
        assert_eq!(read.msg().as_deref(), Some("7"));
        assert_eq!(read.logid().as_deref(), Some("L"));
    }
}
