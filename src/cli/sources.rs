//! Where `cozegen tool`, `cozegen mcp` and `cozegen serve` get their workflows: files, fetched
//! workflows, or a whole workspace.

#[cfg(any(feature = "mcp", feature = "serve"))]
use super::args::API;
#[cfg(feature = "fetch")]
use super::args::{ApiArgs, split_id_version};
use super::error::Error;
use super::io::document_path;
#[cfg(feature = "fetch")]
use super::io::fetch_info;
use clap::Args;
use cozegen::model::WorkflowInfo;
use cozegen::{BuildOptions, Workflow};
use std::path::PathBuf;

/// Where `cozegen tool`, `cozegen mcp` and `cozegen serve` get their workflows: files, fetched
/// workflows, or a whole workspace.
#[derive(Debug, Args)]
pub(crate) struct Sources {
    /// Saved WorkflowInfo files (or Coze Studio canvases); `-` for stdin.
    #[arg(value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,

    /// Fetch this workflow from the Coze API (repeatable); `ID@VERSION` fetches its published
    /// version VERSION (e.g. 7350…@v0.0.2), and its runs then go to that version.
    #[cfg(feature = "fetch")]
    #[arg(short = 'w', long = "workflow-id", value_name = "ID[@VERSION]")]
    pub(crate) workflow_ids: Vec<String>,

    /// Every workflow of this workspace (the digits after `/space/` in the Coze URL), sorted
    /// by ID.
    #[cfg(feature = "fetch")]
    #[arg(long, value_name = "ID", conflicts_with_all = ["files", "workflow_ids"])]
    pub(crate) workspace_id: Option<String>,

    /// Accept keys a workflow does not declare (by default objects are closed).
    #[arg(long)]
    pub(crate) open_objects: bool,

    /// Do not print warnings.
    #[arg(short, long)]
    pub(crate) quiet: bool,

    #[cfg(feature = "fetch")]
    #[command(flatten)]
    pub(crate) api: ApiArgs,
}

/// A workflow as read, with the ID its runs go to when the source says.
type Info = (WorkflowInfo, Option<String>);

/// One workflow of [`Sources`]: its IR, the ID its runs go to when it is known, and the
/// published version it was fetched at (`-w ID@VERSION`), which its runs go to too.
pub(crate) struct Loaded {
    pub(crate) workflow: Workflow,
    #[cfg_attr(
        not(any(feature = "mcp", feature = "serve")),
        expect(
            dead_code,
            reason = "only the MCP server and the web server run the workflows they load"
        )
    )]
    pub(crate) id: Option<String>,
    pub(crate) version: Option<String>,
}

/// Whether a command may read a workflow from stdin when it is given none: `cozegen tool`
/// follows every command's rule (a pipe or a file on stdin is read, a terminal is a usage
/// error); `cozegen mcp` cannot, since its stdin carries the protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stdin {
    /// Read stdin when no workflow is named and it is not a terminal.
    Document,
    /// Stdin is the protocol's: never read a workflow from it.
    #[cfg_attr(
        not(feature = "mcp"),
        expect(dead_code, reason = "only the MCP server keeps stdin for its protocol")
    )]
    Protocol,
}

/// Loads every workflow [`Sources`] names, in order (a workspace sorted by ID), printing the
/// build warnings. A workspace workflow that fails is reported and left out; the count of
/// those is returned beside the workflows.
pub(crate) fn load_sources(sources: &Sources, stdin: Stdin) -> Result<(Vec<Loaded>, usize), Error> {
    let build = BuildOptions {
        open_objects: sources.open_objects,
        ..BuildOptions::default()
    };
    // Every `-w` is read, and its version checked, before anything is fetched.
    #[cfg(feature = "fetch")]
    let fetched = fetched(sources)?;
    let (mut infos, failed) = workspace(sources)?;
    let mut versions: Vec<Option<String>> = vec![None; infos.len()];
    #[cfg(feature = "fetch")]
    let none = sources.workspace_id.is_none() && sources.workflow_ids.is_empty();
    #[cfg(not(feature = "fetch"))]
    let none = true;
    let files = match (none && sources.files.is_empty(), stdin) {
        // No workflow named: stdin, by the rule every command that takes FILE follows.
        (true, Stdin::Document) => vec![document_path(&None).map_err(|_| no_workflow())?],
        (true, Stdin::Protocol) => return Err(no_workflow()),
        (false, _) => sources.files.clone(),
    };
    for file in &files {
        infos.push((cozegen::load_path(file)?, None));
        versions.push(None);
    }
    #[cfg(feature = "fetch")]
    for (id, version) in fetched {
        infos.push((fetch_info(&sources.api, id, version)?, Some(id.to_owned())));
        versions.push(version.map(str::to_owned));
    }
    let mut loaded = Vec::with_capacity(infos.len());
    for ((info, id), version) in infos.into_iter().zip(versions) {
        let (workflow, warnings) = cozegen::build(&info, &build)?;
        if !sources.quiet {
            let name = workflow.details.name.as_deref().or(id.as_deref());
            let label = cozegen::text::printable(name.unwrap_or("workflow"), 60);
            for w in &warnings {
                eprintln!("warning: {label}: {w}");
            }
        }
        let id = id.or_else(|| workflow.details.id.clone().filter(|id| !id.is_empty()));
        loaded.push(Loaded {
            workflow,
            id,
            version,
        });
    }
    Ok((loaded, failed))
}

fn no_workflow() -> Error {
    Error::Usage(
        "no workflow given: name saved WorkflowInfo FILEs (or `-` for stdin), fetch workflows \
         with -w ID, or give --workspace-id ID"
            .into(),
    )
}

/// The workflows of `-w`, each `ID` or `ID@VERSION`, with every version checked: a mistake in
/// any of them is said before the first request.
#[cfg(feature = "fetch")]
fn fetched(sources: &Sources) -> Result<Vec<(&str, Option<&str>)>, Error> {
    let client = sources.api.client();
    let mut out = Vec::with_capacity(sources.workflow_ids.len());
    for text in &sources.workflow_ids {
        let (id, version) = split_id_version(text, "-w ")?;
        if let Some(version) = version {
            client.check_version(version)?;
        }
        out.push((id, version));
    }
    Ok(out)
}

/// The workflows of `--workspace-id`, sorted by ID, and how many of them could not be fetched
/// (each reported on stderr).
#[cfg(feature = "fetch")]
fn workspace(sources: &Sources) -> Result<(Vec<Info>, usize), Error> {
    let mut infos = Vec::new();
    let mut failed = 0;
    if let Some(workspace_id) = &sources.workspace_id {
        let client = sources.api.client();
        let mut listed =
            client.list_workflows(workspace_id, cozegen::coze::fetch::DEFAULT_PAGE_SIZE)?;
        listed.sort_by(|a, b| cozegen::workspace::id_order(&a.id, &b.id));
        for listed in listed {
            match client.workflow_info(&listed.id) {
                Ok(info) => infos.push((info, Some(listed.id))),
                Err(e) => {
                    failed += 1;
                    eprintln!(
                        "error: workflow {}: {e}",
                        cozegen::text::printable(&listed.id, 60)
                    );
                }
            }
        }
    }
    Ok((infos, failed))
}

/// Without the Coze client there is no workspace to read.
#[cfg(not(feature = "fetch"))]
fn workspace(_: &Sources) -> Result<(Vec<Info>, usize), Error> {
    Ok((Vec::new(), 0))
}

/// What a server of runs (`cozegen mcp`, `cozegen serve`) is given: its workflows, and how a
/// run is waited for. One group, so that both wait and run alike.
#[cfg(any(feature = "mcp", feature = "serve"))]
#[derive(Debug, Args)]
pub(crate) struct Serving {
    #[command(flatten)]
    pub(crate) sources: Sources,

    /// The longest wait for a run's answer, in seconds.
    #[arg(
        help_heading = API,
        long,
        value_name = "SECONDS",
        default_value_t = 600,
        value_parser = clap::value_parser!(u64).range(1..=86400)
    )]
    pub(crate) run_timeout: u64,

    /// Send every workflow run asynchronously (`is_async: true`, a feature of Coze's paid
    /// plans) and read its run history until it ends, within --run-timeout: for workflows that
    /// run longer than a synchronous call's 90 s. Chatflows are chats, streamed as without it
    #[arg(help_heading = API, long = "async")]
    pub(crate) async_runs: bool,

    /// With --async: the wait before the first read of a run's history, in milliseconds
    /// (doubling after, to at most 10 s); for tests.
    #[arg(help_heading = API, long, value_name = "MS", default_value_t = 1000, hide = true)]
    pub(crate) poll_interval_ms: u64,
}

#[cfg(any(feature = "mcp", feature = "serve"))]
impl Serving {
    /// Loads every workflow the sources name, each with the workflow ID its runs go to (there
    /// must be one), and makes the one client their runs go through, which waits
    /// --run-timeout for an answer. Without a token it says so now, and `without_token` (what
    /// still works and what will fail): a client lists tools and a browser shows pages happily
    /// without one, and every run would then fail the same way.
    pub(crate) fn load(
        &self,
        stdin: Stdin,
        without_token: &str,
    ) -> Result<(Vec<cozegen::plan::serving::Served>, cozegen::coze::Client), Error> {
        let workflows = self.workflows(stdin)?;
        let client = cozegen::coze::Client::new(cozegen::coze::Options {
            timeout: std::time::Duration::from_secs(self.run_timeout),
            ..self.sources.api.options()
        });
        if let Err(e) = client.token() {
            eprintln!("warning: {e}; {without_token}");
        }
        Ok((workflows, client))
    }

    /// With --async: how a run's history is read until the run ends.
    pub(crate) fn wait(&self) -> Option<cozegen::coze::Wait> {
        self.async_runs.then(|| cozegen::coze::Wait {
            interval: std::time::Duration::from_millis(self.poll_interval_ms.max(1)),
            timeout: std::time::Duration::from_secs(self.run_timeout),
            ..cozegen::coze::Wait::default()
        })
    }

    fn workflows(&self, stdin: Stdin) -> Result<Vec<cozegen::plan::serving::Served>, Error> {
        let (loaded, _failed) = load_sources(&self.sources, stdin)?;
        let mut served = Vec::with_capacity(loaded.len());
        for Loaded {
            workflow,
            id,
            version,
        } in loaded
        {
            let Some(workflow_id) = id else {
                return Err(Error::Usage(format!(
                    "the WorkflowInfo of {} has no workflow_detail.workflow_id, so its runs have \
                     nowhere to go: serve it with -w ID",
                    cozegen::text::printable(
                        workflow.details.name.as_deref().unwrap_or("a workflow"),
                        60
                    )
                )));
            };
            served.push(cozegen::plan::serving::Served {
                workflow,
                workflow_id,
                workflow_version: version,
            });
        }
        if served.is_empty() {
            return Err(Error::Usage("no workflow to serve".into()));
        }
        Ok(served)
    }
}
