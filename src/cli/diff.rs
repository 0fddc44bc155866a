//! `cozegen diff`: two versions of a workflow compared for callers and consumers.

#[cfg(feature = "fetch")]
use super::args::ApiArgs;
use super::args::split_id_version;
use super::error::Error;
use super::io::emit;
use clap::Args;
use cozegen::BuildOptions;
use cozegen::check::diff::Impact;
use cozegen::model::WorkflowInfo;
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(after_help = DIFF_SOURCES)]
pub(crate) struct DiffArgs {
    /// The WorkflowInfo callers use today: a file, `-` for stdin, `id:<WORKFLOW_ID>` or
    /// `id:<WORKFLOW_ID>@<VERSION>`.
    #[arg(value_name = "OLD")]
    pub(crate) old: PathBuf,

    /// The WorkflowInfo about to replace it: a file, `-` for stdin, `id:<WORKFLOW_ID>` or
    /// `id:<WORKFLOW_ID>@<VERSION>`.
    #[arg(value_name = "NEW")]
    pub(crate) new: PathBuf,

    #[cfg(feature = "fetch")]
    #[command(flatten)]
    pub(crate) api: ApiArgs,
}

pub(crate) const DIFF_SOURCES: &str = "\
OLD and NEW are files, unless they start with `id:`: `id:7350583675492388916` fetches that
workflow from the Coze API (token in COZE_API_TOKEN), `id:7350583675492388916@v0.0.2` its
published version v0.0.2 (from the version list; the token needs the listVersion permission).
Write `./id:x` for a file named `id:x`.

Each change names its node: the start node (what callers send) or the end node (what consumers
of the run's result read: a removed or retyped output variable, or a changed terminate_plan,
is breaking).

Examples:
  cozegen diff workflow.json id:7350583675492388916    the committed snapshot against the
                                                       published workflow
  cozegen diff id:7350583675492388916@v0.0.1 id:7350583675492388916@v0.0.2
                                                       two published versions

Exit codes: 0 nothing breaks, 1 breaking changes (or an error), 2 usage error.";

/// What `diff` writes before a workflow ID.
pub(crate) const ID_PREFIX: &str = "id:";

pub(crate) fn diff(args: &DiffArgs) -> Result<(), Error> {
    if args.old.as_os_str() == "-" && args.new.as_os_str() == "-" {
        return Err(Error::Usage(
            "OLD and NEW cannot both come from stdin".into(),
        ));
    }
    // Both arguments are checked before either is read or fetched.
    let (old_side, new_side) = (diff_side(&args.old)?, diff_side(&args.new)?);
    #[cfg(feature = "fetch")]
    for side in [&old_side, &new_side] {
        if let DiffSide::Id(_, Some(version)) = side {
            args.api.client().check_version(version)?;
        }
    }
    let (old, _) = cozegen::build(&diff_source(args, old_side)?, &BuildOptions::default())?;
    let (new, _) = cozegen::build(&diff_source(args, new_side)?, &BuildOptions::default())?;
    let changes = cozegen::check::diff::diff(&old, &new);
    let breaking = changes
        .iter()
        .filter(|c| c.impact == Impact::Breaking)
        .count();
    let mut report: String = changes.iter().map(|c| format!("{c}\n")).collect();
    report.push_str(&format!(
        "{breaking} breaking, {}\n",
        cozegen::text::plural(changes.len() - breaking, "compatible change")
    ));
    emit(None, &report)?;
    match breaking {
        0 => Ok(()),
        count => Err(Error::BreakingChanges { count }),
    }
}

/// One side of `diff`: a file, or a workflow ID and perhaps one of its published versions.
pub(crate) enum DiffSide<'a> {
    File(&'a std::path::Path),
    Id(&'a str, Option<&'a str>),
}

/// Reads an argument of `diff`: a file, or with the `id:` prefix, `ID` or `ID@VERSION`.
pub(crate) fn diff_side(source: &std::path::Path) -> Result<DiffSide<'_>, Error> {
    match source.to_str().and_then(|s| s.strip_prefix(ID_PREFIX)) {
        Some(rest) => {
            let (id, version) = split_id_source(rest)?;
            Ok(DiffSide::Id(id, version))
        }
        None => Ok(DiffSide::File(source)),
    }
}

/// Reads one side of `diff`: a file, or a workflow (or one of its published versions) from
/// the API.
pub(crate) fn diff_source(args: &DiffArgs, side: DiffSide<'_>) -> Result<WorkflowInfo, Error> {
    let (id, version) = match side {
        DiffSide::File(path) => return Ok(cozegen::load_path(path)?),
        DiffSide::Id(id, version) => (id, version),
    };
    #[cfg(feature = "fetch")]
    {
        Ok(args.api.client().workflow_or_version(id, version)?)
    }
    #[cfg(not(feature = "fetch"))]
    {
        let _ = (args, version);
        Err(Error::Usage(format!(
            "`{ID_PREFIX}{}` names a workflow ID, but this cozegen was built without the `fetch` \
             feature",
            cozegen::text::printable(id, 40)
        )))
    }
}

/// `ID` or `ID@VERSION` (what follows `id:`), split ([`split_id_version`]).
pub(crate) fn split_id_source(rest: &str) -> Result<(&str, Option<&str>), Error> {
    split_id_version(rest, ID_PREFIX)
}
