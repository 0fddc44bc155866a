//! `cozegen validate`: a run's `parameters` checked against the start node.

#[cfg(feature = "fetch")]
use super::args::ApiArgs;
use super::error::Error;
#[cfg(feature = "fetch")]
use super::io::fetch_info;
use super::io::{document_path, emit, print_warnings};
use clap::Args;
use cozegen::{BuildOptions, Workflow};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    /// A saved WorkflowInfo or Coze Studio canvas, or `-` for stdin (the default when stdin is
    /// not a terminal).
    #[arg(value_name = "FILE")]
    pub(crate) file: Option<PathBuf>,

    /// Fetch the WorkflowInfo of this workflow from the Coze API instead of reading FILE.
    #[cfg(feature = "fetch")]
    #[arg(short = 'w', long, value_name = "ID", conflicts_with = "file")]
    pub(crate) workflow_id: Option<String>,

    /// With --workflow-id: that workflow's published version VERSION (e.g. v0.0.2, as the
    /// version list shows it) instead of the latest.
    #[cfg(feature = "fetch")]
    #[arg(long, value_name = "VERSION", requires = "workflow_id")]
    pub(crate) workflow_version: Option<String>,

    /// The `parameters` object to check (a JSON file, or `-` for stdin).
    #[arg(long, value_name = "PARAMS.json")]
    pub(crate) params: PathBuf,

    /// Do not print warnings about the WorkflowInfo.
    #[arg(short, long)]
    pub(crate) quiet: bool,

    /// Accept keys the workflow does not declare (by default they are problems).
    #[arg(long)]
    pub(crate) open_objects: bool,

    #[cfg(feature = "fetch")]
    #[command(flatten)]
    pub(crate) api: ApiArgs,
}

pub(crate) fn validate(args: &ValidateArgs) -> Result<(), Error> {
    #[cfg(feature = "fetch")]
    let fetched = args.workflow_id.is_some();
    #[cfg(not(feature = "fetch"))]
    let fetched = false;
    let stdin = || std::path::Path::new("-");
    if !fetched
        && args.file.as_deref().is_none_or(|f| f == stdin())
        && args.params.as_path() == stdin()
    {
        return Err(Error::Usage(
            "the WorkflowInfo and --params cannot both come from stdin".into(),
        ));
    }
    #[cfg(feature = "fetch")]
    let info = match &args.workflow_id {
        Some(id) => fetch_info(&args.api, id, args.workflow_version.as_deref())?,
        None => cozegen::load_path(document_path(&args.file)?)?,
    };
    #[cfg(not(feature = "fetch"))]
    let info = cozegen::load_path(document_path(&args.file)?)?;
    let build = BuildOptions {
        open_objects: args.open_objects,
        ..BuildOptions::default()
    };
    let (workflow, warnings) = cozegen::build(&info, &build)?;
    if !args.quiet {
        print_warnings(&warnings);
    }
    let params = cozegen::source::read_json(&args.params)?;
    warn_message_in_parameters(&workflow, params.value());
    let problems = cozegen::check::validate::validate(&workflow.input, params.value());
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
