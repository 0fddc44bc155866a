//! A run planned and read back, with no I/O: what `cozegen run`, `cozegen mcp` (and any server)
//! send for one call of a workflow, and what they make of the answer.
//!
//! [`plan`] takes the workflow (its IR), the ID runs go to and the caller's [`Call`], and
//! returns the [`Request`] to send — a run, or for a chatflow a chat — or the [`Refusal`] that
//! says why nothing may be sent: the problems of the parameters against the start node, each
//! with its path, or a message that a chatflow needs and a workflow does not take. The app a
//! run is sent with is decided here, once: the caller's app, else the workflow's own app
//! ([`crate::ir::Details::run_app_id`]) unless the caller names an agent.
//!
//! [`read`] takes a run's answer and says what it is ([`Reading`]): an interrupt, the end
//! node's variables checked against the end node, unchecked output, or nothing.
//! [`read_history`] does the same for an asynchronous run read back from its run history
//! ([`HistoryReading`]): still running, failed, output cut by Coze, or ended with the same
//! [`Reading`] as a run's answer. A streamed run's output is gathered from its events by
//! [`StreamOutput`]; an interrupt's answer becomes the resume to send, or its problems, by
//! [`resume`]. The CLI prints what the plan decided; MCP turns it into tool
//! results. Sending is the client's business ([`crate::coze::Client`]).

use crate::check::validate::{Problem, validate};
use crate::coze::{
    ChatMessage, ChatRequest, Event, Interrupt, Output, ResumeRequest, RunAnswer, RunHistory,
    RunRequest, RunStatus,
};
use crate::ir::{ObjectId, Type, Types, Workflow};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub mod files;
#[cfg(any(feature = "mcp", feature = "serve"))]
pub mod serving;

/// What a caller asks of one run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Call {
    /// The start node's `parameters`; for a chatflow, the parameters besides the message.
    pub parameters: Value,
    /// A chatflow's message: the user's text, sent in `additional_messages`.
    pub message: Option<String>,
    /// A chat's conversation (it overrides `CONVERSATION_NAME`).
    pub conversation_id: Option<String>,
    /// The app to run in, instead of the workflow's own.
    pub app_id: Option<String>,
    /// The agent to run with (then the workflow's own app is not sent).
    pub bot_id: Option<String>,
    /// A published version to run instead of the latest.
    pub workflow_version: Option<String>,
    /// Extra fields some plugins read (`ext`: `latitude`, `longitude`, `user_id`).
    pub ext: Option<BTreeMap<String, String>>,
    /// The channel to run in (`connector_id`), instead of Coze's default (the API).
    pub connector_id: Option<String>,
}

/// How a caller's arguments are read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// A `null` given for an optional parameter means the parameter is absent, at any depth:
    /// strict tool callers (OpenAI's strict mode) send `null` for what they leave out.
    pub null_is_absent: bool,
}

/// What to send.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// A workflow's run (`/v1/workflow/run`, or streamed).
    Run(RunRequest),
    /// A chatflow's chat (`/v1/workflows/chat`).
    Chat(ChatRequest),
}

/// Why nothing may be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A chatflow is called with the user's message, and none was given.
    MessageMissing,
    /// The message is empty or only whitespace.
    MessageEmpty,
    /// A workflow takes no message (its parameters are all it takes).
    MessageForWorkflow,
    /// A conversation is a chat's, and a workflow is run, not chatted with.
    ConversationForWorkflow,
    /// The parameters do not fit the start node: every problem, with its path, in document
    /// order.
    Problems(Vec<Problem>),
}

/// Whether the message fits the workflow: a chatflow needs one that is not blank, a workflow
/// takes none. [`plan`] checks it first; a caller may check it before it reads the
/// parameters.
pub fn check_message(workflow: &Workflow, message: Option<&str>) -> Result<(), Refusal> {
    match (&workflow.chat, message) {
        (Some(_), None) => Err(Refusal::MessageMissing),
        (Some(_), Some(m)) if m.trim().is_empty() => Err(Refusal::MessageEmpty),
        (None, Some(_)) => Err(Refusal::MessageForWorkflow),
        _ => Ok(()),
    }
}

/// The app a run or chat is sent with: the caller's, else the workflow's own app unless the
/// caller names an agent (a workflow or chatflow of an app runs only with its app, and a chat
/// needs an app or an agent).
pub fn app_id(workflow: &Workflow, call: &Call) -> Option<String> {
    call.app_id.clone().or_else(|| {
        call.bot_id
            .is_none()
            .then(|| workflow.details.run_app_id.clone())
            .flatten()
    })
}

/// The request for `call` of `workflow`, sent to `workflow_id`; or why nothing may be sent.
pub fn plan(
    workflow: &Workflow,
    workflow_id: &str,
    call: Call,
    options: &PlanOptions,
) -> Result<Request, Refusal> {
    check_message(workflow, call.message.as_deref())?;
    if workflow.chat.is_none() && call.conversation_id.is_some() {
        return Err(Refusal::ConversationForWorkflow);
    }
    let app_id = app_id(workflow, &call);
    let Call {
        mut parameters,
        message,
        conversation_id,
        bot_id,
        workflow_version,
        ext,
        connector_id,
        ..
    } = call;
    if options.null_is_absent
        && let Value::Object(map) = &mut parameters
    {
        drop_optional_nulls(&workflow.input, Types::ROOT, map);
    }
    let problems = validate(&workflow.input, &parameters);
    if !problems.is_empty() {
        return Err(Refusal::Problems(problems));
    }
    let Value::Object(parameters) = parameters else {
        return Err(Refusal::Problems(vec![Problem {
            path: String::new(),
            message: "expected an object".to_owned(),
        }]));
    };
    let workflow_id = workflow_id.to_owned();
    Ok(match message {
        Some(message) => Request::Chat(ChatRequest {
            workflow_id,
            additional_messages: vec![ChatMessage::user(message)],
            parameters,
            workflow_version,
            app_id,
            bot_id,
            conversation_id,
            ext,
            connector_id,
        }),
        None => Request::Run(RunRequest {
            workflow_id,
            parameters,
            workflow_version,
            app_id,
            bot_id,
            ext,
            connector_id,
            is_async: false,
        }),
    })
}

/// The types of what an input node's interrupt asks for: its `required_parameters`, which
/// are in the start node's format, built by the IR builder as a start node's parameters are
/// (with its warnings). An answer is checked against them with [`check_answer`].
pub fn answer_types(
    required_parameters: &Map<String, Value>,
) -> crate::Result<(Types, Vec<crate::Warning>)> {
    let document = serde_json::json!({"input": {"parameters": required_parameters}});
    let bytes = serde_json::to_vec(&document).expect("a JSON map serializes");
    let info = crate::source::load_slice(&bytes, "required_parameters")?;
    let (workflow, warnings) = crate::ir::build(&info, &crate::ir::BuildOptions::default())?;
    Ok((workflow.input, warnings))
}

/// The problems of `answer` to an input node's interrupt, against the types of its
/// `required_parameters` ([`answer_types`]), by path, as a start node's parameters are
/// checked. An answer that fits is sent as its JSON text (`resume_data`).
pub fn check_answer(types: &Types, answer: &Value) -> Vec<Problem> {
    validate(types, answer)
}

/// The interrupt type a resume is sent with when Coze's interrupt named none: a question
/// node's.
pub const DEFAULT_INTERRUPT_TYPE: i64 = 2;

/// The resume that answers `interrupt` of a run of `workflow_id` with `answer`, or the problems
/// that keep it from being sent. An input node's interrupt (it has `required_parameters`) takes
/// an answer that fits their types ([`answer_types`], [`check_answer`]), sent as its JSON text;
/// a question's takes text that is not blank.
pub fn resume(
    workflow_id: &str,
    interrupt: &Interrupt,
    answer: &Value,
) -> Result<ResumeRequest, Vec<Problem>> {
    let whole = |message: String| {
        vec![Problem {
            path: String::new(),
            message,
        }]
    };
    let resume_data = match (&interrupt.required_parameters, answer) {
        (Some(required), answer) => {
            let (types, _) = answer_types(required)
                .map_err(|e| whole(format!("the input node's parameters cannot be read: {e}")))?;
            let problems = check_answer(&types, answer);
            if !problems.is_empty() {
                return Err(problems);
            }
            answer.to_string()
        }
        (None, Value::String(text)) if !text.trim().is_empty() => text.clone(),
        (None, _) => return Err(whole("the answer must be text that is not blank".into())),
    };
    Ok(ResumeRequest {
        workflow_id: workflow_id.to_owned(),
        event_id: interrupt.event_id.clone(),
        resume_data,
        interrupt_type: interrupt.interrupt_type.unwrap_or(DEFAULT_INTERRUPT_TYPE),
    })
}

/// A streamed run's output, read from its events as they pass ([`StreamOutput::see`]): the
/// end node's messages (its `node_type` is `End`, or its title `End`/`结束` in streams that
/// give no type) — the JSON text of its variables, or the text of its answer — else the last
/// finished node's message. A stream's `Done` carries no output, so this is the run's answer
/// to [`read`].
#[derive(Debug, Default)]
pub struct StreamOutput {
    content: String,
    /// The last finished node's content, for a stream that names no end node.
    last: String,
    current: String,
    seen_end: bool,
}

impl StreamOutput {
    /// Takes in one event of the stream.
    pub fn see(&mut self, event: &Event) {
        let Some(content) = event.content().filter(|_| event.event == "Message") else {
            return;
        };
        let is_end = event.data.get("node_type").and_then(Value::as_str) == Some("End")
            || matches!(
                event.data.get("node_title").and_then(Value::as_str),
                Some("End" | "结束")
            );
        if is_end {
            self.seen_end = true;
            self.content.push_str(content);
        }
        self.current.push_str(content);
        if event.ends_node() {
            self.last = std::mem::take(&mut self.current);
        }
    }

    /// The output the stream carried.
    pub fn output(self) -> Output {
        let text = if self.seen_end {
            self.content
        } else {
            self.last
        };
        if text.is_empty() {
            return Output::None;
        }
        match serde_json::from_str::<Value>(&text) {
            Ok(value) => Output::Json(value),
            Err(_) => Output::Text(text),
        }
    }
}

/// What a run's answer is, for `workflow`.
#[derive(Debug, Clone, PartialEq)]
pub enum Reading<'a> {
    /// The run stopped at a question or input node and waits for an answer.
    Interrupted(&'a Interrupt),
    /// JSON output: the end node's variables, with every problem against the end node (none
    /// when they fit).
    Variables {
        /// The output.
        output: &'a Value,
        /// Its problems, in document order.
        problems: Vec<Problem>,
    },
    /// JSON output that is not checked: the end node answers with its content template, or
    /// the workflow is not known (the answer to a resume sent by its ID alone).
    Unchecked(&'a Value),
    /// Output that is not JSON (the end node answers with its content template): not checked.
    Text(&'a str),
    /// No output (an asynchronous run).
    Nothing,
}

/// What `answer` is: an interrupt first, else its output, checked against the end node of
/// `workflow` (when it is known) if the end node returns variables.
pub fn read<'a>(workflow: Option<&Workflow>, answer: &'a RunAnswer) -> Reading<'a> {
    read_output(workflow, &answer.output, answer.interrupt.as_ref())
}

/// What a run read back from its run history is.
#[derive(Debug, Clone, PartialEq)]
pub enum HistoryReading<'a> {
    /// The run has not ended (`Running`): read it again later; it is never run again.
    Running,
    /// The run failed (`Fail`), with Coze's `error_code` and `error_message` when given.
    Failed {
        /// `error_code`.
        code: Option<&'a str>,
        /// `error_message`.
        message: Option<&'a str>,
    },
    /// The run succeeded but Coze cut its output (`is_output_trimmed`): it is incomplete, so
    /// it is not checked.
    Trimmed,
    /// Another status, as sent (Coze Studio's `Cancel`; empty when none was sent): the run
    /// gave no result cozegen can read.
    Other(&'a str),
    /// The run succeeded, or waits for an answer: what it gave, read as a run's answer is
    /// ([`read`]), checked against the end node of the workflow.
    Ended(Reading<'a>),
}

/// What `history` is: an interrupt first (whatever the status), else by its status; a
/// successful run's output is read as a run's answer is ([`read`]).
pub fn read_history<'a>(
    workflow: Option<&Workflow>,
    history: &'a RunHistory,
) -> HistoryReading<'a> {
    if let Some(interrupt) = &history.interrupt {
        return HistoryReading::Ended(Reading::Interrupted(interrupt));
    }
    match &history.status {
        RunStatus::Running => HistoryReading::Running,
        RunStatus::Fail => HistoryReading::Failed {
            code: history.error_code.as_deref(),
            message: history.error_message.as_deref(),
        },
        RunStatus::Success if history.output_trimmed => HistoryReading::Trimmed,
        RunStatus::Success => HistoryReading::Ended(read_output(workflow, &history.output, None)),
        RunStatus::Other(status) => HistoryReading::Other(status),
    }
}

fn read_output<'a>(
    workflow: Option<&Workflow>,
    output: &'a Output,
    interrupt: Option<&'a Interrupt>,
) -> Reading<'a> {
    if let Some(interrupt) = interrupt {
        return Reading::Interrupted(interrupt);
    }
    match (output, workflow) {
        (Output::Json(value), Some(workflow)) if !workflow.output_is_text() => Reading::Variables {
            output: value,
            problems: check_output(workflow, output),
        },
        (Output::Json(value), _) => Reading::Unchecked(value),
        (Output::Text(text), _) => Reading::Text(text),
        (Output::None, _) => Reading::Nothing,
    }
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

/// How to resume an interrupted run from the command line, given how it was started: with
/// `--answer` text, or, when an input node names its `required_parameters`, with
/// `--answer-params` checked against them (given back with `--required-parameters`).
pub fn resume_command(invocation: &str, interrupt: &Interrupt) -> String {
    let quoted = |text: &str| format!("'{}'", text.replace('\'', r"'\''"));
    let answer = match &interrupt.required_parameters {
        Some(required) => format!(
            "--answer-params ANSWER.json --required-parameters {}",
            quoted(&Value::Object(required.clone()).to_string())
        ),
        None => "--answer 'YOUR ANSWER'".to_owned(),
    };
    format!(
        "{invocation} --resume {} --interrupt-type {} {answer}",
        quoted(&interrupt.event_id),
        interrupt.interrupt_type.unwrap_or(DEFAULT_INTERRUPT_TYPE)
    )
}

/// How to read a run's result later from the command line, given how the workflow is named
/// (`cozegen run -w ID` or `cozegen run FILE`).
pub fn history_command(invocation: &str, execute_id: &str) -> String {
    format!(
        "{invocation} --execute-id '{}'",
        execute_id.replace('\'', r"'\''")
    )
}

/// Removes the `null`s given for optional fields of `object`, and of the objects nested in
/// the arguments.
fn drop_optional_nulls(types: &Types, object: ObjectId, map: &mut Map<String, Value>) {
    for field in &types.object(object).fields {
        match map.get_mut(&field.name) {
            Some(Value::Null) if !field.required => {
                map.remove(&field.name);
            }
            Some(value) => drop_nulls_in(types, &field.ty, value),
            None => {}
        }
    }
}

// Recursion is bounded here: a level is only entered where the start node's types nest too,
// and arguments from a protocol were parsed with serde_json's limit of 128 levels.
fn drop_nulls_in(types: &Types, ty: &Type, value: &mut Value) {
    match (ty, value) {
        (Type::Object(id), Value::Object(map)) => drop_optional_nulls(types, *id, map),
        (Type::Array(id), Value::Array(items)) => {
            let element = &types.array(*id).items;
            for item in items {
                drop_nulls_in(types, element, item);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn workflow(doc: &str) -> Workflow {
        let info = crate::load_slice(doc.as_bytes(), "test").expect("loads");
        crate::build(&info, &crate::BuildOptions::default())
            .expect("builds")
            .0
    }

    /// A workflow of an app: a required `city`, an optional `days`, an optional object with an
    /// optional field; its end node returns `answer`.
    fn order() -> Workflow {
        workflow(
            r#"{"workflow_detail":{"workflow_id":"7","app_id":"744"},
                "input":{"parameters":{
                    "city":{"type":"string","required":true},
                    "days":{"type":"integer"},
                    "opts":{"type":"object","properties":{"fast":{"type":"boolean"}}}}},
                "output":{"parameters":{"answer":{"type":"string"}}}}"#,
        )
    }

    fn chatflow() -> Workflow {
        workflow(
            r#"{"workflow_detail":{"workflow_id":"9","app_id":"744"},
                "input":{"parameters":{
                    "USER_INPUT":{"type":"string"},
                    "CONVERSATION_NAME":{"type":"string"},
                    "city":{"type":"string","required":true}}}}"#,
        )
    }

    fn call(parameters: Value) -> Call {
        Call {
            parameters,
            ..Call::default()
        }
    }

    #[test]
    fn a_workflow_is_run_with_its_parameters_in_its_app() {
        let planned = plan(
            &order(),
            "7",
            call(json!({"city": "Oslo"})),
            &PlanOptions::default(),
        );
        let Ok(Request::Run(run)) = planned else {
            panic!("{planned:?}")
        };
        assert_eq!(run.workflow_id, "7");
        assert_eq!(Value::Object(run.parameters), json!({"city": "Oslo"}));
        assert_eq!(run.app_id.as_deref(), Some("744"));
        assert_eq!(run.bot_id, None);
    }

    #[test]
    fn the_callers_app_or_agent_replaces_the_workflows_app() {
        let with = |app: Option<&str>, bot: Option<&str>| Call {
            app_id: app.map(str::to_owned),
            bot_id: bot.map(str::to_owned),
            ..call(json!({}))
        };
        let order = order();
        assert_eq!(app_id(&order, &with(None, None)).as_deref(), Some("744"));
        assert_eq!(app_id(&order, &with(Some("1"), None)).as_deref(), Some("1"));
        assert_eq!(app_id(&order, &with(None, Some("2"))), None);
        let outside = workflow(r#"{"workflow_detail":{"app_id":"0"},"input":{"parameters":{}}}"#);
        assert_eq!(app_id(&outside, &with(None, None)), None);
    }

    #[test]
    fn parameters_that_do_not_fit_are_problems_with_paths() {
        let refused = plan(
            &order(),
            "7",
            call(json!({"days": "3", "extra": 1})),
            &PlanOptions::default(),
        );
        let Err(Refusal::Problems(problems)) = refused else {
            panic!("{refused:?}")
        };
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["city", "days", "extra"]);
        let refused = plan(&order(), "7", call(json!([1])), &PlanOptions::default());
        assert!(matches!(refused, Err(Refusal::Problems(p)) if p.len() == 1));
    }

    #[test]
    fn nulls_of_optional_parameters_are_absent_only_when_asked() {
        let nulls = json!({"city": "Oslo", "days": null, "opts": {"fast": null}});
        let strict = PlanOptions {
            null_is_absent: true,
        };
        let Ok(Request::Run(run)) = plan(&order(), "7", call(nulls.clone()), &strict) else {
            panic!("nulls of optional parameters are absent")
        };
        assert_eq!(
            Value::Object(run.parameters),
            json!({"city": "Oslo", "opts": {}})
        );
        assert!(matches!(
            plan(&order(), "7", call(nulls), &PlanOptions::default()),
            Err(Refusal::Problems(_))
        ));
        // A required parameter's null stays, and is a problem.
        assert!(matches!(
            plan(&order(), "7", call(json!({"city": null})), &strict),
            Err(Refusal::Problems(_))
        ));
    }

    #[test]
    fn a_chatflow_is_chatted_with_the_message_and_a_workflow_takes_none() {
        let chat = Call {
            message: Some("When?".into()),
            conversation_id: Some("456".into()),
            ..call(json!({"city": "Paris"}))
        };
        let planned = plan(&chatflow(), "9", chat.clone(), &PlanOptions::default());
        let Ok(Request::Chat(request)) = planned else {
            panic!("{planned:?}")
        };
        assert_eq!(request.additional_messages, [ChatMessage::user("When?")]);
        assert_eq!(request.app_id.as_deref(), Some("744"));
        assert_eq!(request.conversation_id.as_deref(), Some("456"));
        let plan_of = |w: &Workflow, c: Call| plan(w, "9", c, &PlanOptions::default());
        let no_message = Call {
            message: None,
            ..chat.clone()
        };
        assert_eq!(
            plan_of(&chatflow(), no_message),
            Err(Refusal::MessageMissing)
        );
        let blank = Call {
            message: Some(" \n".into()),
            ..chat.clone()
        };
        assert_eq!(plan_of(&chatflow(), blank), Err(Refusal::MessageEmpty));
        assert_eq!(plan_of(&order(), chat), Err(Refusal::MessageForWorkflow));
        let conversation = Call {
            conversation_id: Some("1".into()),
            ..call(json!({"city": "Oslo"}))
        };
        assert_eq!(
            plan_of(&order(), conversation),
            Err(Refusal::ConversationForWorkflow)
        );
    }

    #[test]
    fn a_chatflows_message_among_its_parameters_is_a_problem() {
        let refused = plan(
            &chatflow(),
            "9",
            Call {
                message: Some("hi".into()),
                ..call(json!({"city": "Paris", "USER_INPUT": "hi"}))
            },
            &PlanOptions::default(),
        );
        let Err(Refusal::Problems(problems)) = refused else {
            panic!("{refused:?}")
        };
        assert_eq!(problems[0].path, "USER_INPUT");
    }

    fn answer(output: Output, interrupt: Option<Interrupt>) -> RunAnswer {
        RunAnswer {
            output,
            raw: None,
            execute_id: None,
            debug_url: None,
            usage: None,
            logid: None,
            interrupt,
        }
    }

    #[test]
    fn an_answer_reads_as_an_interrupt_checked_variables_text_or_nothing() {
        let order = order();
        let interrupt = Interrupt {
            event_id: "1/2".into(),
            interrupt_type: Some(5),
            node_title: None,
            question: Some("Name?".into()),
            required_parameters: None,
        };
        let interrupted = answer(Output::None, Some(interrupt.clone()));
        assert_eq!(
            read(Some(&order), &interrupted),
            Reading::Interrupted(&interrupt)
        );
        let fits = answer(Output::Json(json!({"answer": "yes"})), None);
        assert!(
            matches!(read(Some(&order), &fits), Reading::Variables { problems, .. } if problems.is_empty())
        );
        let wrong = answer(Output::Json(json!({"answer": 17})), None);
        let Reading::Variables { problems, .. } = read(Some(&order), &wrong) else {
            panic!("variables")
        };
        assert_eq!(problems[0].to_string(), "answer: expected a string, got 17");
        let text = answer(Output::Text("Hi".into()), None);
        assert_eq!(read(Some(&order), &text), Reading::Text("Hi"));
        assert_eq!(
            read(Some(&order), &answer(Output::None, None)),
            Reading::Nothing
        );
        let template = workflow(
            r#"{"input":{"parameters":{}},"output":{"terminate_plan":"use_answer_content",
                "content":"{{x}}","parameters":{"x":{"type":"string"}}}}"#,
        );
        let json = answer(Output::Json(json!(17)), None);
        assert_eq!(read(Some(&template), &json), Reading::Unchecked(&json!(17)));
        let fits = answer(Output::Json(json!({"answer": 17})), None);
        assert_eq!(
            read(None, &fits),
            Reading::Unchecked(&json!({"answer": 17}))
        );
    }

    fn history(status: RunStatus, output: Output) -> RunHistory {
        RunHistory {
            execute_id: "743".into(),
            status,
            output,
            raw: None,
            output_trimmed: false,
            error_code: None,
            error_message: None,
            logid: None,
            debug_url: None,
            usage: None,
            interrupt: None,
        }
    }

    #[test]
    fn a_history_reads_as_running_failed_trimmed_or_a_checked_answer() {
        let order = order();
        let running = history(RunStatus::Running, Output::None);
        assert_eq!(
            read_history(Some(&order), &running),
            HistoryReading::Running
        );
        let failed = RunHistory {
            error_code: Some("720701013".into()),
            error_message: Some("node timeout".into()),
            ..history(RunStatus::Fail, Output::None)
        };
        assert_eq!(
            read_history(Some(&order), &failed),
            HistoryReading::Failed {
                code: Some("720701013"),
                message: Some("node timeout")
            }
        );
        let wrong = history(RunStatus::Success, Output::Json(json!({"answer": 17})));
        let HistoryReading::Ended(Reading::Variables { problems, .. }) =
            read_history(Some(&order), &wrong)
        else {
            panic!("checked variables")
        };
        assert_eq!(problems[0].to_string(), "answer: expected a string, got 17");
        let trimmed = RunHistory {
            output_trimmed: true,
            ..history(RunStatus::Success, Output::Text("{\"answer\":\"ye".into()))
        };
        assert_eq!(
            read_history(Some(&order), &trimmed),
            HistoryReading::Trimmed
        );
        let cancelled = history(RunStatus::Other("Cancel".into()), Output::None);
        assert_eq!(
            read_history(Some(&order), &cancelled),
            HistoryReading::Other("Cancel")
        );
        let interrupt = Interrupt {
            event_id: "1/2".into(),
            interrupt_type: Some(5),
            node_title: None,
            question: None,
            required_parameters: None,
        };
        let waiting = RunHistory {
            interrupt: Some(interrupt.clone()),
            ..history(RunStatus::Running, Output::None)
        };
        assert_eq!(
            read_history(Some(&order), &waiting),
            HistoryReading::Ended(Reading::Interrupted(&interrupt))
        );
    }

    #[test]
    fn the_history_command_quotes_the_execute_id() {
        assert_eq!(
            history_command("cozegen run -w 7", "74'3"),
            "cozegen run -w 7 --execute-id '74'\\''3'"
        );
    }

    #[test]
    fn the_resume_command_quotes_the_event_id() {
        let interrupt = Interrupt {
            event_id: "1/'2".into(),
            interrupt_type: Some(5),
            node_title: None,
            question: None,
            required_parameters: None,
        };
        assert_eq!(
            resume_command("cozegen run -w 7 --stream", &interrupt),
            "cozegen run -w 7 --stream --resume '1/'\\''2' --interrupt-type 5 --answer 'YOUR ANSWER'"
        );
    }

    #[test]
    fn a_resume_takes_a_question_s_text_or_an_input_node_s_fitting_answer() {
        let question = Interrupt {
            event_id: "1/2".into(),
            interrupt_type: None,
            node_title: None,
            question: Some("Which day?".into()),
            required_parameters: None,
        };
        let sent = resume("7", &question, &json!("Friday")).expect("text");
        assert_eq!(
            (sent.workflow_id.as_str(), sent.event_id.as_str()),
            ("7", "1/2")
        );
        assert_eq!(sent.resume_data, "Friday");
        assert_eq!(sent.interrupt_type, DEFAULT_INTERRUPT_TYPE);
        for blank in [json!("  "), json!(3), json!({"a": 1})] {
            let problems = resume("7", &question, &blank).expect_err("not text");
            assert_eq!(problems.len(), 1, "{blank}");
        }
        let input = Interrupt {
            interrupt_type: Some(5),
            required_parameters: Some(
                json!({"name": {"type": "string", "required": true}, "age": {"type": "integer"}})
                    .as_object()
                    .cloned()
                    .expect("an object"),
            ),
            ..question.clone()
        };
        let sent = resume("7", &input, &json!({"name": "Ada", "age": 36})).expect("fits");
        assert_eq!(sent.resume_data, r#"{"name":"Ada","age":36}"#);
        assert_eq!(sent.interrupt_type, 5);
        let problems = resume("7", &input, &json!({"age": "x"})).expect_err("does not fit");
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["name", "age"]);
    }

    fn message(node: &str, node_type: Option<&str>, content: &str, finish: bool) -> Event {
        let mut data = json!({"content": content, "node_title": node, "node_is_finish": finish});
        if let Some(t) = node_type {
            data["node_type"] = json!(t);
        }
        Event {
            id: None,
            event: "Message".into(),
            data,
        }
    }

    #[test]
    fn the_output_is_the_end_nodes_message_else_the_last_finished_nodes() {
        let mut end = StreamOutput::default();
        for e in [
            message("LLM", None, "thinking", true),
            message("Finish", Some("End"), r#"{"a":"#, false),
            message("Finish", Some("End"), "1}", true),
            message("Note", None, "after", true),
        ] {
            end.see(&e);
        }
        assert_eq!(end.output(), Output::Json(json!({"a": 1})));
        // No node says it is the end (an old stream): the last finished node's message.
        let mut last = StreamOutput::default();
        for e in [
            message("LLM", None, "first", true),
            message("Answer", None, "plain ", false),
            message("Answer", None, "text", true),
        ] {
            last.see(&e);
        }
        assert_eq!(last.output(), Output::Text("plain text".into()));
        assert_eq!(StreamOutput::default().output(), Output::None);
    }
}
