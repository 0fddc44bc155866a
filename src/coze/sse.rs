//! Server-sent events: reading a stream, and what the events of a run's stream
//! (`Message`, `Error`, `Done`, `Interrupt`, `PING`) and of a chat's stream
//! (`conversation.chat.*`, `conversation.message.*`, `error`, `done`) mean.
//!
//! Each event's data is scrubbed of the token before it is parsed. A printer joins the content
//! of consecutive messages, so a token could also arrive split across two events: the reader
//! holds back a message whose content ends with the start of the token until the next one
//! shows whether the token follows (`Seam`), and rewrites the contents so that their join has
//! it redacted. Events without content may pass held ones; an event that ends a message or the
//! stream releases everything held first.

use super::run::{Interrupt, read_interrupt};
use super::send::{MAX_ERROR_BODY_BYTES, Open, header};
use super::target::Target;
use super::token::REDACTED;
use super::wire::{Envelope, EventData, Usage, text};
use super::{Client, Error, Result, Scrub, ServerText};
use crate::endpoints::Endpoint;
use serde_json::{Map, Value};
use std::collections::VecDeque;
use std::io::BufRead;

/// The endpoint whose rules a stream's errors are read by: every stream (a run, a resume, a
/// chat) needs the same `run` permission.
const STREAMS: Endpoint = crate::endpoints::STREAM_RUN;

/// One server-sent event of a stream. `data` is the event's data parsed as JSON (a string if
/// it is not JSON), scrubbed of the token.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The event's `id:` line, if any.
    pub id: Option<String>,
    /// `Message`, `Error`, `Done`, `Interrupt`, `PING`, a chat's event, or whatever else the
    /// server sends.
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
    /// (`conversation.message.delta` of type `answer`): what a printer joins.
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

    /// Whether the event is the last chunk of its node's message (`node_is_finish`).
    pub fn ends_node(&self) -> bool {
        self.event == "Message"
            && self.data.get("node_is_finish").and_then(Value::as_bool) == Some(true)
    }

    fn set_content(&mut self, content: String) {
        if let Value::Object(data) = &mut self.data {
            data.insert("content".to_owned(), Value::String(content));
        }
    }
}

/// How a run's stream ended.
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

/// What the events of one kind of stream mean: which end it, which are errors.
pub(crate) trait Protocol {
    /// How the stream ends.
    type End;
    /// Reads one event (already handed to the caller); returns the end if it is one.
    fn event(&mut self, event: &Event, scrub: &Scrub) -> Result<Option<Self::End>, Problem>;
    /// Whether the event ends a message or the stream: everything held is released first.
    fn boundary(&self, event: &Event) -> bool;
    /// The run's execute id, when the stream has told it.
    fn execute_id(&self) -> Option<String> {
        None
    }
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
    fn set_logid(&mut self, _logid: Option<ServerText>) {}
}

/// What a protocol makes of an event that fails the stream.
pub(crate) enum Problem {
    /// Coze said the run or chat failed.
    Api(Error),
    /// The stream cannot go on (the run may have started).
    Unconfirmed(String),
}

impl Client {
    /// Reads the event stream of `response` (sent to `target`) to its end, handing every event
    /// to `on_event` as it arrives (held back only while a message may continue the token),
    /// with `protocol` deciding what the events mean.
    pub(crate) fn read_stream<P: Protocol>(
        &self,
        target: &Target,
        mut response: Open,
        on_event: &mut dyn FnMut(&Event),
        mut protocol: P,
    ) -> Result<P::End> {
        protocol.set_logid(header(&response, "x-tt-logid").map(|l| self.scrub.text(&l, 120)));
        let content_type = header(&response, "content-type").unwrap_or_default();
        if !content_type.starts_with("text/event-stream") {
            // Coze refuses a stream with a JSON envelope (`code`, `msg`), sometimes with HTTP
            // 200.
            let raw = response
                .body_mut()
                .with_config()
                .limit(MAX_ERROR_BODY_BYTES)
                .read_to_vec()
                .unwrap_or_default();
            let (body, _) = self.scrub.json(&raw);
            let envelope: Envelope = serde_json::from_slice(&body).unwrap_or_default();
            if envelope.failed() {
                return Err(self.api_error(&envelope, None, &STREAMS));
            }
            let message = format!(
                "the answer is not an event stream (Content-Type: {}): `{}`",
                self.scrub.text(&content_type, 100),
                self.excerpt(&body)
            );
            return Err(self.unconfirmed(target, &message, None));
        }
        let reader = std::io::BufReader::new(
            response
                .into_body()
                .into_with_config()
                .limit(self.options.max_bytes)
                .reader(),
        );
        let mut reading = Reading {
            client: self,
            target,
            on_event,
            protocol,
            seam: Seam::new(self.scrub.needle()),
        };
        let mut pending = PendingEvent::default();
        let mut lines = reader.split(b'\n');
        loop {
            let line = match lines.next() {
                Some(Ok(line)) => line,
                Some(Err(e)) => {
                    reading.release_all()?;
                    let message = format!(
                        "the event stream broke off before the run finished: {}{}",
                        self.scrub.text(&e.to_string(), 300),
                        reading.protocol.progress()
                    );
                    let execute_id = reading.protocol.execute_id();
                    return Err(self.unconfirmed(target, &message, execute_id));
                }
                None => {
                    // The last event may lack its blank line.
                    if let Some(end) = reading.dispatch(&mut pending)? {
                        return Ok(end);
                    }
                    if let Some(end) = reading.release_all()? {
                        return Ok(end);
                    }
                    if let Some(end) = reading.protocol.at_eof() {
                        return Ok(end);
                    }
                    let message = reading.protocol.unfinished();
                    let execute_id = reading.protocol.execute_id();
                    return Err(self.unconfirmed(target, &message, execute_id));
                }
            };
            let line = String::from_utf8_lossy(&line);
            let line = line.strip_suffix('\r').unwrap_or(&line);
            if line.is_empty() {
                if let Some(end) = reading.dispatch(&mut pending)? {
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
                && let Some(end) = reading.dispatch(&mut pending)?
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

    /// A sent request whose answer did not come back whole.
    pub(crate) fn unconfirmed(
        &self,
        target: &Target,
        message: &str,
        execute_id: Option<String>,
    ) -> Error {
        Error::RunUnconfirmed {
            url: target.shown.clone(),
            message: self.scrub.text(message, 1_000),
            execute_id: execute_id.map(|id| self.scrub.text(&id, 120)),
        }
    }

    /// Coze's error in an envelope (of an answer, or of an `error` event).
    pub(crate) fn api_error(
        &self,
        envelope: &Envelope,
        logid: Option<ServerText>,
        endpoint: &Endpoint,
    ) -> Error {
        api_error(&self.scrub, envelope, logid, endpoint)
    }
}

fn api_error(
    scrub: &Scrub,
    envelope: &Envelope,
    logid: Option<ServerText>,
    endpoint: &Endpoint,
) -> Error {
    Error::Api {
        permission: endpoint.permission,
        code: scrub.text(&envelope.code().unwrap_or_else(|| "?".to_owned()), 40),
        msg: scrub.text(&envelope.msg().unwrap_or_default(), 500),
        logid: envelope.logid().map(|l| scrub.text(&l, 120)).or(logid),
    }
}

/// A stream being read: where events go, what they mean, what is held back.
struct Reading<'a, P> {
    client: &'a Client,
    target: &'a Target,
    on_event: &'a mut dyn FnMut(&Event),
    protocol: P,
    seam: Seam,
}

impl<P: Protocol> Reading<'_, P> {
    /// Turns the lines gathered so far into an event, and passes it on through the seam.
    fn dispatch(&mut self, pending: &mut PendingEvent) -> Result<Option<P::End>> {
        let pending = std::mem::take(pending);
        if pending.event.is_none() && pending.data.is_none() {
            return Ok(None);
        }
        let scrub = &self.client.scrub;
        let raw = pending.data.unwrap_or_default();
        let (clean, _) = scrub.json(raw.as_bytes());
        let clean = String::from_utf8_lossy(&clean).into_owned();
        let data = serde_json::from_str::<Value>(&clean).unwrap_or(Value::String(clean));
        let event = Event {
            id: pending.id.map(|id| scrub.plain(&id).into_owned()),
            event: scrub
                .plain(pending.event.as_deref().unwrap_or("message"))
                .into_owned(),
            data,
        };
        let boundary = self.protocol.boundary(&event);
        let released = self.seam.push(event, boundary);
        self.deliver(released)
    }

    /// Releases everything the seam holds (the stream stopped).
    fn release_all(&mut self) -> Result<Option<P::End>> {
        let released = self.seam.release();
        self.deliver(released)
    }

    /// Hands events to the caller, then to the protocol, in order; stops at the end.
    fn deliver(&mut self, events: Vec<Event>) -> Result<Option<P::End>> {
        for event in events {
            (self.on_event)(&event);
            match self.protocol.event(&event, &self.client.scrub) {
                Ok(None) => {}
                Ok(Some(end)) => return Ok(Some(end)),
                Err(Problem::Api(error)) => return Err(error),
                Err(Problem::Unconfirmed(message)) => {
                    let execute_id = self.protocol.execute_id();
                    return Err(self.client.unconfirmed(self.target, &message, execute_id));
                }
            }
        }
        Ok(None)
    }
}

#[derive(Default)]
struct PendingEvent {
    id: Option<String>,
    event: Option<String>,
    data: Option<String>,
}

/// Holds back messages whose joined content ends with the start of the token, so that a token
/// split across two events never reaches a printer whole: once the next message shows the
/// token, the contents are rewritten so that their join has it redacted (the marker goes to
/// the message where the token began). Only messages are held; at most one per character of
/// the token.
struct Seam {
    token: Option<String>,
    held: VecDeque<Event>,
}

impl Seam {
    fn new(token: Option<&str>) -> Self {
        Seam {
            token: token.map(str::to_owned),
            held: VecDeque::new(),
        }
    }

    /// Takes `event`; returns the events to pass on now, in order.
    fn push(&mut self, event: Event, boundary: bool) -> Vec<Event> {
        let Some(token) = self.token.clone() else {
            return vec![event];
        };
        let has_content = event.content().is_some_and(|c| !c.is_empty());
        if !has_content {
            if boundary {
                let mut out = self.release();
                out.push(event);
                return out;
            }
            // Nothing to join: it may pass what is held.
            return vec![event];
        }
        self.held.push_back(event);
        let pieces: Vec<String> = self
            .held
            .iter()
            .map(|e| e.content().unwrap_or_default().to_owned())
            .collect();
        let (rewritten, rest) = redistribute(&pieces, &token);
        for (event, (old, new)) in self.held.iter_mut().zip(pieces.iter().zip(rewritten)) {
            if *old != new {
                event.set_content(new);
            }
        }
        let joined: String = pieces.concat();
        let keep = started_token(&joined[rest..], &token);
        if boundary || keep == 0 {
            return self.release();
        }
        // Hold from the message where the possible start of the token begins.
        let cut = joined.len() - keep;
        let mut end = 0;
        let mut first_held = 0;
        for (i, piece) in pieces.iter().enumerate() {
            end += piece.len();
            if end > cut {
                first_held = i;
                break;
            }
        }
        self.held.drain(..first_held).collect()
    }

    /// Everything held, in order.
    fn release(&mut self) -> Vec<Event> {
        self.held.drain(..).collect()
    }
}

/// `pieces` joined have the token at some places: the pieces with it taken out, the marker in
/// the piece where each occurrence begins; and the offset in the join after the last one.
fn redistribute(pieces: &[String], token: &str) -> (Vec<String>, usize) {
    let joined: String = pieces.concat();
    let found: Vec<(usize, usize)> = joined
        .match_indices(token)
        .map(|(start, m)| (start, start + m.len()))
        .collect();
    let mut out = Vec::with_capacity(pieces.len());
    let mut start = 0;
    for piece in pieces {
        let end = start + piece.len();
        let mut text = String::with_capacity(piece.len());
        let mut at = start;
        for &(s, e) in &found {
            if e <= start || s >= end {
                continue;
            }
            let upto = s.max(start);
            if upto > at {
                text.push_str(&joined[at..upto]);
            }
            if s >= start {
                text.push_str(REDACTED);
            }
            at = e.min(end);
        }
        if at < end {
            text.push_str(&joined[at..end]);
        }
        out.push(text);
        start = end;
    }
    (out, found.last().map_or(0, |&(_, e)| e))
}

/// The length of the longest end of `text` that is a proper start of `token`.
fn started_token(text: &str, token: &str) -> usize {
    (1..token.len())
        .rev()
        .find(|&k| token.is_char_boundary(k) && text.ends_with(&token[..k]))
        .unwrap_or(0)
}

/// What a run's stream has said so far that its end needs.
#[derive(Default)]
pub(crate) struct RunStream {
    /// The text of each node's latest message, by node title (the question of an interrupt).
    said: std::collections::HashMap<String, String>,
    usage: Option<Usage>,
    debug_url: Option<String>,
}

impl Protocol for RunStream {
    type End = StreamEnd;

    fn boundary(&self, event: &Event) -> bool {
        matches!(event.event.as_str(), "Done" | "Error" | "Interrupt") || event.ends_node()
    }

    fn execute_id(&self) -> Option<String> {
        self.debug_url.as_deref().and_then(execute_id_of)
    }

    fn unfinished(&self) -> String {
        "the event stream ended before the run finished (no Done event)".to_owned()
    }

    fn event(&mut self, event: &Event, scrub: &Scrub) -> Result<Option<StreamEnd>, Problem> {
        let data = EventData::of(&event.data);
        match event.event.as_str() {
            "Message" => {
                if let Some(usage) = data.usage.get() {
                    self.usage = Some(usage.read());
                }
                let node = text(&data.node_title).unwrap_or_default();
                let first = text(&data.node_seq_id).as_deref() == Some("0");
                let said = self.said.entry(node).or_default();
                if first {
                    said.clear();
                }
                said.push_str(event.content().unwrap_or_default());
                Ok(None)
            }
            "Error" => {
                let envelope = Envelope {
                    code: data.error_code.or(data.code),
                    msg: data.error_message.or(data.msg),
                    detail: data.detail,
                };
                Err(Problem::Api(api_error(scrub, &envelope, None, &STREAMS)))
            }
            "Done" => {
                let debug_url = text(&data.debug_url);
                self.debug_url.clone_from(&debug_url);
                Ok(Some(StreamEnd::Done {
                    debug_url,
                    usage: self.usage.clone(),
                }))
            }
            "Interrupt" => {
                let node_title = text(&data.node_title);
                let question = node_title.as_ref().and_then(|t| self.said.get(t)).cloned();
                let found = data
                    .interrupt_data
                    .get()
                    .and_then(|i| read_interrupt(i, node_title, question));
                match found {
                    Some(found) => Ok(Some(StreamEnd::Interrupted(found))),
                    None => Err(Problem::Unconfirmed(
                        "an Interrupt event without an event_id, so the run cannot be resumed"
                            .to_owned(),
                    )),
                }
            }
            _ => Ok(None),
        }
    }
}

/// What a chat's stream has said so far.
#[derive(Default)]
pub(crate) struct ChatStream {
    end: ChatEnd,
    completed: bool,
    logid: Option<ServerText>,
}

impl ChatStream {
    fn ids(&mut self, data: &EventData, chat_id: &Option<crate::model::Scalar>) {
        if let Some(id) = text(chat_id) {
            self.end.chat_id = Some(id);
        }
        if let Some(id) = text(&data.conversation_id) {
            self.end.conversation_id = Some(id);
        }
    }
}

impl Protocol for ChatStream {
    type End = ChatEnd;

    fn boundary(&self, event: &Event) -> bool {
        matches!(
            event.event.as_str(),
            "done"
                | "error"
                | "conversation.chat.completed"
                | "conversation.chat.failed"
                | "conversation.chat.requires_action"
                | "conversation.message.completed"
        )
    }

    fn event(&mut self, event: &Event, scrub: &Scrub) -> Result<Option<ChatEnd>, Problem> {
        let data = EventData::of(&event.data);
        match event.event.as_str() {
            "conversation.chat.created" | "conversation.chat.in_progress" => {
                self.ids(&data, &data.id);
            }
            "conversation.message.delta" | "conversation.message.completed" => {
                self.ids(&data, &data.chat_id);
            }
            "conversation.chat.completed" => {
                self.ids(&data, &data.id);
                self.completed = true;
                if let Some(usage) = data.usage.get() {
                    self.end.usage = Some(usage.read());
                }
            }
            "conversation.chat.requires_action" => {
                self.ids(&data, &data.id);
                self.completed = true;
                self.end.requires_action = true;
            }
            "conversation.chat.failed" => {
                // The chat object's `last_error`, or (as Coze's example shows) `code` and `msg`
                // on the event itself.
                let EventData {
                    last_error,
                    code,
                    msg,
                    error_code,
                    error_message,
                    detail,
                    ..
                } = data;
                let envelope = match last_error.0 {
                    Some(last) if last.code.is_some() => last,
                    _ => Envelope {
                        code: code.or(error_code),
                        msg: msg.or(error_message),
                        detail,
                    },
                };
                return Err(Problem::Api(api_error(
                    scrub,
                    &envelope,
                    self.logid.clone(),
                    &STREAMS,
                )));
            }
            "error" => {
                let envelope = event_envelope(data);
                return Err(Problem::Api(api_error(
                    scrub,
                    &envelope,
                    self.logid.clone(),
                    &STREAMS,
                )));
            }
            "done" => {
                self.end.debug_url = text(&data.debug_url);
                return Ok(Some(std::mem::take(&mut self.end)));
            }
            _ => {}
        }
        Ok(None)
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

    fn set_logid(&mut self, logid: Option<ServerText>) {
        self.logid = logid;
    }
}

/// The failure an `error` event states: `code` and `msg`, or `error_code` and
/// `error_message`.
fn event_envelope(data: EventData) -> Envelope {
    Envelope {
        code: data.code.or(data.error_code),
        msg: data.msg.or(data.error_message),
        detail: data.detail,
    }
}

/// The `execute_id` in a debug URL's query, if there is one.
pub(crate) fn execute_id_of(debug_url: &str) -> Option<String> {
    let query = debug_url.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let id = pair.strip_prefix("execute_id=")?;
        (!id.is_empty()).then(|| id.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TOKEN: &str = "pat_SECRET_1234";

    fn message(content: &str, finish: bool) -> Event {
        Event {
            id: None,
            event: "Message".into(),
            data: json!({"content": content, "node_is_finish": finish}),
        }
    }

    fn ping() -> Event {
        Event {
            id: None,
            event: "PING".into(),
            data: json!({}),
        }
    }

    /// Feeds `events` through a seam as a run stream's reader does; returns what a printer
    /// sees (the released events' names and contents, in order).
    fn through(events: Vec<Event>) -> Vec<(String, String)> {
        let mut seam = Seam::new(Some(TOKEN));
        let stream = RunStream::default();
        let mut out = Vec::new();
        for event in events {
            let boundary = stream.boundary(&event);
            out.extend(seam.push(event, boundary));
        }
        out.extend(seam.release());
        out.iter()
            .map(|e| (e.event.clone(), e.content().unwrap_or_default().to_owned()))
            .collect()
    }

    fn joined(out: &[(String, String)]) -> String {
        out.iter().map(|(_, c)| c.as_str()).collect()
    }

    #[test]
    fn a_token_split_across_two_messages_is_redacted_in_their_join() {
        let out = through(vec![
            message("key: pat_SEC", false),
            message("RET_1234 ok", true),
        ]);
        assert_eq!(joined(&out), "key: <redacted> ok");
        assert_eq!(out[0].1, "key: <redacted>");
        assert_eq!(out[1].1, " ok");
    }

    #[test]
    fn a_token_split_over_many_messages_and_pings_is_redacted() {
        let mut events: Vec<Event> = TOKEN
            .chars()
            .map(|c| message(&c.to_string(), false))
            .collect();
        events.insert(3, ping());
        events.push(message("!", true));
        let out = through(events);
        assert_eq!(joined(&out), "<redacted>!");
        assert_eq!(
            out.iter().filter(|(e, _)| e == "Message").count(),
            TOKEN.len() + 1
        );
        // The ping passed the held messages; nothing else changed places.
        assert_eq!(out[0].0, "PING");
    }

    #[test]
    fn text_that_only_looks_like_the_start_of_the_token_is_released_unchanged() {
        let out = through(vec![
            message("a pat_S", false),
            message("ECOND thing", false),
            message("pat_", false),
        ]);
        assert_eq!(joined(&out), "a pat_SECOND thingpat_");
        assert_eq!(out[0].1, "a pat_S");
    }

    #[test]
    fn only_a_possible_start_of_the_token_is_held() {
        let mut seam = Seam::new(Some(TOKEN));
        assert_eq!(seam.push(message("Why did the ", false), false).len(), 1);
        assert!(seam.push(message("ruler pa", false), false).is_empty());
        assert_eq!(seam.push(ping(), false).len(), 1);
        let released = seam.push(message("rt", false), false);
        assert_eq!(released.len(), 2, "{released:?}");
        // The end of a node's message releases what is held.
        assert!(seam.push(message("pat", false), false).is_empty());
        assert_eq!(seam.push(message("", true), true).len(), 2);
    }

    #[test]
    fn without_a_token_nothing_is_held() {
        let mut seam = Seam::new(None);
        assert_eq!(seam.push(message("pat_SEC", false), false).len(), 1);
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
}
