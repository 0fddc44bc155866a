//! `cozegen fetch`: a WorkflowInfo saved from the Coze API.

use super::args::ApiArgs;
use super::error::Error;
use super::io::emit;
use clap::Args;
use std::path::PathBuf;

#[cfg(feature = "fetch")]
#[derive(Debug, Args)]
pub(crate) struct FetchArgs {
    /// The workflow ID: the digits after `workflow_id=` in the workflow editor's URL.
    #[arg(value_name = "ID")]
    pub(crate) workflow_id: String,

    /// Save this published version (e.g. v0.0.2, as the version list shows it) instead of the
    /// latest: its input and output from the version list, the workflow's details beside them.
    #[arg(long, value_name = "VERSION")]
    pub(crate) workflow_version: Option<String>,

    /// Write the JSON to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "OUT")]
    pub(crate) output: Option<PathBuf>,

    #[command(flatten)]
    pub(crate) api: ApiArgs,
}

/// `cozegen fetch`.
pub(crate) fn fetch(args: &FetchArgs) -> Result<(), Error> {
    let client = args.api.client();
    let text = match &args.workflow_version {
        Some(version) => client.version_snapshot(&args.workflow_id, version)?,
        None => client.workflow_snapshot(&args.workflow_id)?,
    };
    emit(args.output.as_deref(), &text)
}
