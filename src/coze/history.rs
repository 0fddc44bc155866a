//! Asynchronous runs and their results: a run started with `is_async: true`, and one run read
//! back from the workflow's run history by its execute id.
//!
//! - [`Client::run_async`]: `POST /v1/workflow/run` with `is_async: true`. Coze answers at once
//!   with the run's `execute_id` ([`AsyncRun`]); like every run it is never sent twice once it
//!   may have reached Coze.
//! - [`Client::run_history`]: one run's state and result ([`RunHistory`]). On Coze's cloud,
//!   `GET /v1/workflows/:workflow_id/run_histories/:execute_id`; on a self-hosted Coze Studio,
//!   whose router has no such path, `GET /v1/workflow/get_run_history?workflow_id=…&execute_id=…`.
//!   A read: a dropped connection, HTTP 429 or 5xx is retried by the client's policy, and
//!   nothing is started by it.
//!
//! Which route is used is the workflow's platform ([`Platform`]), decided when its document
//! was read: a Coze Studio canvas (or canvas answer) is a Studio workflow. The base URL cannot
//! say it: a Studio is served from any address, and serves the same run endpoints.
//!
//! The two answers differ (docs: coze-dev/coze-sdk-gen `docs/api-markdown/workflow_history.md`;
//! coze-dev/coze-studio `WorkflowExecuteHistory` and `OpenAPIGetWorkflowRunHistory`): the
//! cloud's `output` is JSON text whose `Output` holds the end node's output (itself JSON text,
//! as a run's `data`), Studio's `output` is the end node's output; the cloud says
//! `error_message`, `logid`, `usage` and `is_output_trimmed`, Studio `error_msg`, `log_id` and
//! a `token` total. Both are read here into one [`RunHistory`], whose output is read by the
//! same rule as a run's `data` ([`Client::run`]), so the same checks apply
//! ([`crate::plan::read_history`]).

use super::run::{Output, RunAnswer};
use super::wire::{AsyncRunWire, Envelope, HistoryAnswerWire, HistoryWire, Usage, text};
use super::{Client, Error, Interrupt, Result, RunRequest};
use crate::endpoints::{self, Endpoint};
use crate::model::Platform;
use serde::Deserialize;
use serde_json::Value;
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

/// A run started asynchronously: how to find it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsyncRun {
    /// The run's id in the run history (`execute_id`), for [`Client::run_history`].
    pub execute_id: String,
    /// A link to the run's trace in the Coze editor (`debug_url`).
    pub debug_url: Option<String>,
    /// Coze's log id for the request (`detail.logid`), for support.
    pub logid: Option<String>,
}

/// Where a run stands (`execute_status`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunStatus {
    /// `Running`: not ended yet.
    Running,
    /// `Success`: ended, with its output.
    Success,
    /// `Fail`: ended, with its error code and message.
    Fail,
    /// Any other status (Coze Studio also says `Cancel`), as sent; empty when none was sent.
    Other(String),
}

impl RunStatus {
    fn of(status: Option<String>) -> RunStatus {
        let status = status.unwrap_or_default();
        match status.trim() {
            "Running" => RunStatus::Running,
            "Success" => RunStatus::Success,
            "Fail" => RunStatus::Fail,
            _ => RunStatus::Other(status),
        }
    }

    /// The status as Coze spells it.
    pub fn as_str(&self) -> &str {
        match self {
            RunStatus::Running => "Running",
            RunStatus::Success => "Success",
            RunStatus::Fail => "Fail",
            RunStatus::Other(status) => status,
        }
    }
}

/// One run as its run history tells it, read from a body scrubbed of the token (its texts are
/// not escaped: print them with [`crate::text::printable`]).
#[derive(Debug, Clone, PartialEq)]
pub struct RunHistory {
    /// The run's id, as the history gives it (else as asked).
    pub execute_id: String,
    /// Where the run stands.
    pub status: RunStatus,
    /// The end node's output, read like a run's `data`: [`Output::None`] while the run has
    /// none (running, failed, or an output without the end node's).
    pub output: Output,
    /// `output` as the server sent it.
    pub raw: Option<String>,
    /// Coze cut the output because it was too large (`is_output_trimmed`): it is incomplete.
    pub output_trimmed: bool,
    /// Why the run failed (`error_code`), when it did.
    pub error_code: Option<String>,
    /// Why the run failed (`error_message`, Studio's `error_msg`), when it did.
    pub error_message: Option<String>,
    /// The run's log id (`logid`, Studio's `log_id`; else the request's `detail.logid`).
    pub logid: Option<String>,
    /// A link to the run's trace in the Coze editor (`debug_url`).
    pub debug_url: Option<String>,
    /// What the run used, when Coze says.
    pub usage: Option<Usage>,
    /// Set when the run stopped at a question or input node.
    pub interrupt: Option<Interrupt>,
}

impl RunHistory {
    /// Whether the run has ended or waits for an answer: anything but `Running` without an
    /// interrupt.
    pub fn ended(&self) -> bool {
        self.interrupt.is_some() || self.status != RunStatus::Running
    }

    /// The history as the answer of a run: for readers written for [`RunAnswer`].
    pub fn as_answer(&self) -> RunAnswer {
        RunAnswer {
            output: self.output.clone(),
            raw: self.raw.clone(),
            execute_id: Some(self.execute_id.clone()),
            debug_url: self.debug_url.clone(),
            usage: self.usage.clone(),
            logid: self.logid.clone(),
            interrupt: self.interrupt.clone(),
        }
    }
}

/// How long to wait for a run to end, and how often to look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    /// The wait after the first read; it doubles after each read, up to `max_interval`.
    pub interval: Duration,
    /// The longest wait between two reads.
    pub max_interval: Duration,
    /// The longest wait in all: when it is over the history is read once more, and the run's
    /// state then is the answer (still `Running`, perhaps).
    pub timeout: Duration,
}

impl Default for Wait {
    /// 1 s doubling to 10 s between reads, for at most 30 minutes.
    fn default() -> Self {
        Wait {
            interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(10),
            timeout: Duration::from_secs(1800),
        }
    }
}

/// The endpoint a workflow of `platform` reads its run history from.
pub fn history_endpoint(platform: Platform) -> &'static Endpoint {
    endpoints::run_history(platform == Platform::Studio)
}

impl Client {
    /// `POST /v1/workflow/run` with `is_async: true` (whatever `request` says): starts the
    /// run and answers with its execute id. Never sent twice once it may have reached Coze;
    /// an answer without an execute id is [`Error::RunUnconfirmed`] (the run may have
    /// started).
    pub fn run_async(&self, request: &RunRequest) -> Result<AsyncRun> {
        let request = RunRequest {
            is_async: true,
            ..request.clone()
        };
        let (target, value, envelope) =
            self.run_exchange(&endpoints::RUN, &request.workflow_id, &request)?;
        let answer = AsyncRunWire::deserialize(&value).unwrap_or_default();
        let Some(execute_id) = text(&answer.execute_id).filter(|id| !id.trim().is_empty()) else {
            return Err(self.unconfirmed(
                &target,
                "the answer to an asynchronous run has no execute_id, so its result cannot be \
                 read",
                None,
            ));
        };
        Ok(AsyncRun {
            execute_id,
            debug_url: text(&answer.debug_url),
            logid: envelope.logid(),
        })
    }

    /// One run of `workflow_id` read back from its run history by `execute_id`, by the route
    /// of `platform` (see the module's docs). A read: sent again after failures another
    /// attempt may mend. An error envelope is [`Error::Api`]; an answer without the run is
    /// [`Error::NoRunHistory`].
    pub fn run_history(
        &self,
        platform: Platform,
        workflow_id: &str,
        execute_id: &str,
    ) -> Result<RunHistory> {
        let endpoint = history_endpoint(platform);
        let target = self.history_target(endpoint, workflow_id, execute_id)?;
        let received = self.get(endpoint, &target)?;
        let value = match serde_json::from_slice::<Value>(&received.body) {
            Ok(value @ Value::Object(_)) => value,
            _ => {
                return Err(Error::NotJson {
                    method: endpoint.method,
                    url: target.shown.clone(),
                    status: received.status,
                    content_type: self
                        .scrub
                        .text(received.content_type.as_deref().unwrap_or("none"), 100),
                    excerpt: self.excerpt(&received.body),
                });
            }
        };
        let envelope = Envelope::deserialize(&value).unwrap_or_default();
        if envelope.failed() {
            return Err(self.api_error(&envelope, None, endpoint));
        }
        // Like a run's answer, the history is used scrubbed: the run's output may quote its
        // input, and is not copied into generated files.
        let answer = HistoryAnswerWire::deserialize(&value).unwrap_or_default();
        let Some(run) = answer
            .data
            .0
            .as_deref()
            .and_then(<[Value]>::first)
            .filter(|run| run.is_object())
        else {
            return Err(Error::NoRunHistory {
                url: target.shown.clone(),
                workflow_id: workflow_id.to_owned(),
                execute_id: execute_id.to_owned(),
            });
        };
        let run = HistoryWire::deserialize(run).unwrap_or_default();
        let raw = text(&run.output);
        let output = match (platform, raw.as_deref()) {
            (_, None) => Output::None,
            (_, Some(raw)) if raw.trim().is_empty() => Output::None,
            (Platform::Cloud, Some(raw)) => self.cloud_output(raw),
            (Platform::Studio, Some(raw)) => self.read_output(Some(raw)),
        };
        let nonempty = |field| text(field).filter(|t: &String| !t.trim().is_empty());
        Ok(RunHistory {
            execute_id: nonempty(&run.execute_id).unwrap_or_else(|| execute_id.to_owned()),
            status: RunStatus::of(text(&run.execute_status)),
            output,
            raw,
            output_trimmed: run.is_output_trimmed.0.unwrap_or(false),
            error_code: nonempty(&run.error_code),
            error_message: nonempty(&run.error_message).or_else(|| nonempty(&run.error_msg)),
            logid: nonempty(&run.logid)
                .or_else(|| nonempty(&run.log_id))
                .or_else(|| envelope.logid()),
            debug_url: nonempty(&run.debug_url),
            usage: run.usage(),
            interrupt: run
                .interrupt_data
                .get()
                .and_then(|i| super::run::read_interrupt(i, None, None)),
        })
    }

    /// Reads the run history of `execute_id` until the run ends (or waits for an answer) or
    /// `wait.timeout` is over, waiting between reads as `wait` says; returns the last read
    /// ([`RunHistory::ended`] says whether the run ended). Each read is
    /// [`Client::run_history`], retried by the client's policy; an error ends the wait (the
    /// run is not sent again, and may still be running).
    pub fn wait_for_run(
        &self,
        platform: Platform,
        workflow_id: &str,
        execute_id: &str,
        wait: &Wait,
    ) -> Result<RunHistory> {
        self.wait_for_run_watched(platform, workflow_id, execute_id, wait, &mut |_| {
            ControlFlow::Continue(())
        })
    }

    /// [`Client::wait_for_run`], with `watch` shown each read of a run that has not ended: it
    /// may report how the wait goes, and stop it ([`ControlFlow::Break`]: the read it was shown
    /// is returned, still running), e.g. when whoever waits has gone. The run itself goes on.
    pub fn wait_for_run_watched(
        &self,
        platform: Platform,
        workflow_id: &str,
        execute_id: &str,
        wait: &Wait,
        watch: &mut dyn FnMut(&RunHistory) -> ControlFlow<()>,
    ) -> Result<RunHistory> {
        let deadline = Instant::now() + wait.timeout;
        let mut interval = wait.interval;
        loop {
            let history = self.run_history(platform, workflow_id, execute_id)?;
            let now = Instant::now();
            if history.ended() || now >= deadline || watch(&history).is_break() {
                return Ok(history);
            }
            std::thread::sleep(interval.min(deadline - now));
            interval = interval
                .saturating_mul(2)
                .min(wait.max_interval.max(wait.interval));
        }
    }

    /// The cloud's `output`: JSON text whose `Output` is the end node's output, read like a
    /// run's `data` (the other keys are output nodes'). Text of another shape is read like a
    /// run's `data` itself.
    fn cloud_output(&self, raw: &str) -> Output {
        match serde_json::from_slice::<Value>(&self.scrub.json(raw.as_bytes()).0) {
            Ok(Value::Object(mut outputs)) => match outputs.remove("Output") {
                Some(Value::String(end)) => self.read_output(Some(&end)),
                Some(Value::Null) | None => Output::None,
                Some(end) => Output::Json(end),
            },
            _ => self.read_output(Some(raw)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_read_and_unknown_ones_kept() {
        assert_eq!(RunStatus::of(Some("Running".into())), RunStatus::Running);
        assert_eq!(RunStatus::of(Some(" Success".into())), RunStatus::Success);
        assert_eq!(RunStatus::of(Some("Fail".into())), RunStatus::Fail);
        assert_eq!(
            RunStatus::of(Some("Cancel".into())),
            RunStatus::Other("Cancel".into())
        );
        assert_eq!(RunStatus::of(None).as_str(), "");
    }

    #[test]
    fn a_history_reads_as_the_answer_of_its_run() {
        let history = RunHistory {
            execute_id: "743".into(),
            status: RunStatus::Success,
            output: Output::Text("Hi".into()),
            raw: Some(r#"{"Output":"Hi"}"#.into()),
            output_trimmed: false,
            error_code: None,
            error_message: None,
            logid: Some("L".into()),
            debug_url: None,
            usage: None,
            interrupt: None,
        };
        assert!(history.ended());
        let answer = history.as_answer();
        assert_eq!(answer.execute_id.as_deref(), Some("743"));
        assert_eq!(answer.output, Output::Text("Hi".into()));
        assert_eq!(answer.logid.as_deref(), Some("L"));
        let running = RunHistory {
            status: RunStatus::Running,
            ..history
        };
        assert!(!running.ended());
    }

    #[test]
    fn the_clouds_output_holds_the_end_nodes_under_output() {
        let client = Client::new(super::super::Options::default());
        assert_eq!(
            client.cloud_output(r#"{"Output":"{\"answer\":\"yes\"}","Node_1":"x"}"#),
            Output::Json(serde_json::json!({"answer": "yes"}))
        );
        assert_eq!(
            client.cloud_output(r#"{"Output":"Hello"}"#),
            Output::Text("Hello".into())
        );
        assert_eq!(client.cloud_output(r#"{"Node_1":"x"}"#), Output::None);
        assert_eq!(
            client.cloud_output(r#"{"Output":{"a":1}}"#),
            Output::Json(serde_json::json!({"a": 1}))
        );
        assert_eq!(
            client.cloud_output("not json"),
            Output::Text("not json".into())
        );
    }
}
