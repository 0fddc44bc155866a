//! `cozegen validate`: a run's `parameters` checked against the start node.

use super::args::Document;
use super::error::Error;
use super::io::{build_for_use, emit};
use clap::Args;
use cozegen::Workflow;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    #[command(flatten)]
    pub(crate) document: Document,

    /// The `parameters` object to check (a JSON file, or `-` for stdin).
    #[arg(long, value_name = "PARAMS.json")]
    pub(crate) params: PathBuf,

    /// Do not print warnings about the WorkflowInfo.
    #[arg(short, long)]
    pub(crate) quiet: bool,

    /// Accept keys the workflow does not declare (by default they are problems).
    #[arg(long)]
    pub(crate) open_objects: bool,
}

pub(crate) fn validate(args: &ValidateArgs) -> Result<(), Error> {
    if args.document.on_stdin() && args.params.as_os_str() == "-" {
        return Err(Error::Usage(
            "the WorkflowInfo and --params cannot both come from stdin".into(),
        ));
    }
    let info = args.document.load()?;
    let workflow = build_for_use(&info, args.open_objects, args.quiet)?;
    let (params, text) = cozegen::source::read_json_with_text(&args.params)?;
    warn_message_in_parameters(&workflow, params.value());
    let problems = cozegen::check::validate::validate_text(&workflow.input, params.value(), &text);
    let report: String = problems.iter().map(|p| format!("{p}\n")).collect();
    emit(None, &report)?;
    if !problems.is_empty() && looks_like_a_request_body(&workflow, params.value()) {
        eprintln!(
            "hint: this looks like a whole run request; validate its `parameters` object \
             instead (for example `jq .parameters {}`)",
            args.params.display()
        );
    }
    match problems.len() {
        0 => Ok(()),
        count => Err(Error::InvalidParameters { count }),
    }
}

/// A chatflow's message given among its parameters, where `--open-objects` accepts it: Coze
/// drops it without a word, so say so (with closed objects it is a problem of its own).
pub(crate) fn warn_message_in_parameters(workflow: &Workflow, params: &serde_json::Value) {
    let message = cozegen::ir::MESSAGE_PARAM;
    if workflow.is_chatflow() && !workflow.input.root().closed && params.get(message).is_some() {
        eprintln!(
            "warning: {message}: the chat API ignores it in `parameters`; a chatflow's message \
             goes in `additional_messages` (cozegen run --message)"
        );
    }
}

/// Whether `value` is a run request body (`{"workflow_id": …, "parameters": {…}}`) rather
/// than the parameters themselves: it has a `parameters` object the workflow does not declare.
pub(crate) fn looks_like_a_request_body(workflow: &Workflow, value: &serde_json::Value) -> bool {
    value
        .get("parameters")
        .is_some_and(serde_json::Value::is_object)
        && !workflow
            .input
            .root()
            .fields
            .iter()
            .any(|f| f.name == "parameters")
}
