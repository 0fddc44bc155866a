//! `cozegen all`: every artifact of a workflow into a directory, or of a whole workspace.

#[cfg(feature = "fetch")]
use super::args::API;
use super::args::Document;
use super::error::Error;
use super::io::{print_warnings, report_drift};
use clap::{Args, FromArgMatches};
use cozegen::BuildOptions;
use cozegen::artifact::Setting;
#[cfg(feature = "fetch")]
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub(crate) struct AllArgs {
    #[command(flatten)]
    pub(crate) document: Document,

    /// Generate every workflow of this workspace: a directory per workflow, plus `mod.rs` and
    /// `index.json` (the digits after `/space/` in the Coze URL).
    #[cfg(feature = "fetch")]
    #[arg(long, value_name = "ID", conflicts_with_all = ["file", "workflow_id"])]
    pub(crate) workspace_id: Option<String>,

    /// The directory to write into (created if missing). Files already up to date are not
    /// rewritten; other files in it are left alone.
    #[arg(short, long, value_name = "DIR")]
    pub(crate) output: PathBuf,

    /// Do not print warnings.
    #[arg(short, long)]
    pub(crate) quiet: bool,

    /// Treat warnings as errors (exit 1 and write nothing; in workspace mode, the workflow
    /// with warnings fails).
    #[arg(long)]
    pub(crate) deny_warnings: bool,

    /// Write nothing; print each file that is missing or would change, one per line, and exit
    /// 1 if there is any (a drift check for CI, like `cargo fmt --check`).
    #[arg(long)]
    pub(crate) check: bool,

    /// Name of the Rust input root struct (default: the workflow name in UpperCamelCase +
    /// `Input`).
    #[arg(long, value_name = "NAME")]
    pub(crate) type_name: Option<String>,

    /// Name of the Rust output root struct (default: the workflow name in UpperCamelCase +
    /// `Output`).
    #[arg(long, value_name = "NAME")]
    pub(crate) output_type_name: Option<String>,

    /// Accept keys a workflow does not declare, in every artifact (by default objects are
    /// closed: an extra key is almost always a typo).
    #[arg(long)]
    pub(crate) open_objects: bool,

    /// How many workflows of a workspace are fetched and generated at once. An HTTP 429 from
    /// Coze pauses them all.
    #[cfg(feature = "fetch")]
    #[arg(
        help_heading = API,
        long,
        value_name = "N",
        default_value_t = cozegen::workspace::DEFAULT_JOBS,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new()
            .range(1..=cozegen::workspace::MAX_JOBS as u64),
        requires = "workspace_id"
    )]
    pub(crate) jobs: usize,

    /// Fetch every workflow of the workspace again. By default a workflow whose `updated_at`
    /// is the one `index.json` recorded, and whose files are all there, is not fetched.
    #[cfg(feature = "fetch")]
    #[arg(help_heading = API, long, requires = "workspace_id")]
    pub(crate) full: bool,

    /// Workflows per page when listing a workspace.
    #[cfg(feature = "fetch")]
    #[arg(
        help_heading = API,
        long,
        value_name = "N",
        default_value_t = cozegen::coze::fetch::DEFAULT_PAGE_SIZE,
        value_parser = clap::value_parser!(u32).range(1..=1000),
        hide = true
    )]
    pub(crate) page_size: u32,
}

/// The settings `cozegen all` takes: each artifact's that it offers, once by name, in the
/// registry's order.
fn all_settings() -> Vec<(&'static Setting, &'static str)> {
    let mut taken = Vec::new();
    for artifact in cozegen::artifact::registry() {
        for setting in artifact.settings() {
            if let Some(help) = setting.in_all
                && !taken
                    .iter()
                    .any(|(s, _): &(&Setting, _)| s.name == setting.name)
            {
                taken.push((setting, help));
            }
        }
    }
    taken
}

/// The `all` subcommand with the artifacts' settings it offers.
pub(crate) fn with_settings(command: clap::Command) -> clap::Command {
    all_settings()
        .into_iter()
        .fold(command, |command, (setting, help)| {
            command.arg(super::generate::arg(setting, help))
        })
}

/// `cozegen all`: every artifact of one workflow into a directory, or a whole workspace.
pub(crate) fn all(matches: &clap::ArgMatches) -> Result<(), Error> {
    let args = AllArgs::from_arg_matches(matches).unwrap_or_else(|e| e.exit());
    let settings = super::generate::settings(all_settings().into_iter().map(|(s, _)| s), matches);
    let args = &args;
    // Said before anything is read or fetched: DIR receives several files.
    cozegen::output::check_directory(&args.output).map_err(cozegen::Error::from)?;
    let build = BuildOptions {
        input_type_name: args.type_name.clone(),
        output_type_name: args.output_type_name.clone(),
        open_objects: args.open_objects,
    };
    #[cfg(feature = "fetch")]
    if let Some(workspace_id) = &args.workspace_id {
        return workspace(args, workspace_id, build, settings);
    }
    // Checked here: clap's `requires` is not enforced on this subcommand.
    #[cfg(feature = "fetch")]
    for name in ["jobs", "full"] {
        if matches.value_source(name) == Some(clap::parser::ValueSource::CommandLine) {
            clap::Error::raw(
                clap::error::ErrorKind::MissingRequiredArgument,
                format!("--{name} applies to a workspace: give --workspace-id\n"),
            )
            .exit();
        }
    }
    let info = args.document.load()?;
    let (workflow, mut warnings) = cozegen::build(&info, &build)?;
    let (artifacts, rust_warnings) = cozegen::bundle::render(&workflow, &settings)?;
    warnings.extend(rust_warnings);
    if !args.quiet || args.deny_warnings {
        print_warnings(&warnings);
    }
    if args.deny_warnings && !warnings.is_empty() {
        return Err(Error::DeniedWarnings {
            count: warnings.len(),
        });
    }
    if args.check {
        let drift = cozegen::bundle::drift(&args.output, &artifacts)?;
        report_drift(&drift)
    } else {
        let written = cozegen::bundle::write(&args.output, &artifacts)?;
        if !args.quiet {
            let unchanged = artifacts.len() - written;
            eprintln!(
                "wrote {} in {}{}",
                cozegen::text::plural(written, "file"),
                args.output.display(),
                match unchanged {
                    0 => String::new(),
                    n => format!(
                        " ({} already up to date)",
                        cozegen::text::plural(n, "other")
                    ),
                }
            );
        }
        Ok(())
    }
}

/// `cozegen all --workspace-id`: progress on stderr (a line redrawn in place on a terminal,
/// plain lines otherwise), every failure reported, exit 1 at the end if any workflow failed.
#[cfg(feature = "fetch")]
pub(crate) fn workspace(
    args: &AllArgs,
    workspace_id: &str,
    build: BuildOptions,
    settings: cozegen::artifact::Settings,
) -> Result<(), Error> {
    use cozegen::text::printable;
    use cozegen::workspace::{Event, Status};
    use std::io::IsTerminal;

    let options = cozegen::workspace::WorkspaceOptions {
        fetch: args.document.api.options(),
        workspace_id: workspace_id.to_owned(),
        page_size: args.page_size,
        build,
        settings,
        dir: args.output.clone(),
        check: args.check,
        deny_warnings: args.deny_warnings,
        jobs: args.jobs,
        full: args.full,
    };
    let tty = std::io::stderr().is_terminal();
    let show_warnings = !args.quiet || args.deny_warnings;
    let mut failed = 0;
    // Workflows finish in any order: progress counts them.
    let mut done = 0;
    let index_path = args.output.join(cozegen::workspace::INDEX_JSON);
    let label = |entry: &cozegen::workspace::Entry| {
        let name = entry.name.as_deref().map(|n| printable(n, 60));
        match (&entry.directory, name) {
            (Some(dir), _) => dir.clone(),
            (None, Some(name)) => format!("{} ({name})", entry.id),
            (None, None) => entry.id.clone(),
        }
    };
    let outcome = cozegen::workspace::generate(&options, &mut |event| {
        let mut stderr = std::io::stderr().lock();
        match event {
            Event::PreviousIndexIgnored { reason } => {
                let _ = writeln!(
                    stderr,
                    "note: {} is not used ({reason}): every workflow is fetched",
                    index_path.display()
                );
            }
            Event::Listed { total, unchanged } => {
                let _ = writeln!(
                    stderr,
                    "workspace {workspace_id}: {}{}",
                    cozegen::text::plural(total, "workflow"),
                    match unchanged {
                        0 => String::new(),
                        n => format!(", {n} unchanged since the last run (not fetched)"),
                    }
                );
            }
            Event::Started { total, entry, .. } if tty => {
                let bar = progress_bar(done, total, 20);
                let _ = write!(stderr, "\r\x1b[2K{bar} {done}/{total} {}", label(entry));
                let _ = stderr.flush();
            }
            Event::Started { .. } => {}
            Event::Finished {
                total,
                entry,
                warnings,
                unchanged,
                ..
            } => {
                done += 1;
                if tty {
                    let _ = write!(stderr, "\r\x1b[2K");
                }
                if show_warnings {
                    for w in warnings {
                        let _ = writeln!(stderr, "warning: {}: {w}", label(entry));
                    }
                }
                match (&entry.status, &entry.error) {
                    (Status::Failed, error) => {
                        failed += 1;
                        let _ = writeln!(
                            stderr,
                            "error: workflow {}: {}{}",
                            label(entry),
                            error.as_deref().unwrap_or("failed"),
                            if entry.kept_previous {
                                " (its files from an earlier run are kept, and mod.rs still \
                                 declares it)"
                            } else {
                                ""
                            }
                        );
                    }
                    (Status::Ok, _) if !tty => {
                        let _ = writeln!(
                            stderr,
                            "[{done}/{total}] {}: {}",
                            label(entry),
                            if unchanged { "unchanged" } else { "ok" }
                        );
                    }
                    (Status::Ok, _) => {}
                }
                if tty && done == total {
                    let _ = stderr.flush();
                }
            }
        }
    })?;
    let total = outcome.entries.len();
    if args.check {
        report_drift(&outcome.drift).and(match failed {
            0 => Ok(()),
            failed => Err(Error::WorkflowsFailed { failed, total }),
        })
    } else {
        eprintln!(
            "{} generated, {} unchanged, {failed} failed, in {}",
            total - failed - outcome.unchanged,
            outcome.unchanged,
            args.output.display()
        );
        match failed {
            0 => Ok(()),
            failed => Err(Error::WorkflowsFailed { failed, total }),
        }
    }
}

/// `[#####.....]` for `done` of `total`.
#[cfg(feature = "fetch")]
pub(crate) fn progress_bar(done: usize, total: usize, width: usize) -> String {
    let filled = (done * width).checked_div(total).unwrap_or(width);
    format!("[{}{}]", "#".repeat(filled), ".".repeat(width - filled))
}
