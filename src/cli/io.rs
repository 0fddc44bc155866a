//! What every command does around the library: read or fetch the document, report warnings,
//! write or `--check` the output.

#[cfg(feature = "fetch")]
use super::args::ApiArgs;
use super::args::Common;
use super::error::Error;
#[cfg(feature = "fetch")]
use cozegen::model::WorkflowInfo;
use cozegen::{BuildOptions, Warning, Workflow};
use std::io::Write;
use std::path::PathBuf;

/// The IR choices every generating command shares.
pub(crate) fn build_options(common: &Common) -> BuildOptions {
    BuildOptions {
        open_objects: common.open_objects,
        ..BuildOptions::default()
    }
}

/// Loads, builds, reports warnings, renders, and writes: the shape of every generating command.
pub(crate) fn generate(
    common: &Common,
    build: &BuildOptions,
    node: Option<cozegen::ir::Node>,
    render: impl FnOnce(&Workflow) -> Result<String, Error>,
) -> Result<(), Error> {
    let (workflow, mut warnings) = cozegen::build(&common.document.load()?, build)?;
    // An artifact of one node (`node`) is not about the other: its warnings would only
    // mislead (the same rule as `cozegen::generate_rust`, which the macro and build scripts
    // use). An artifact of the whole workflow (`None`) hears every warning.
    let other = match node {
        Some(cozegen::ir::Node::Input) => Some(cozegen::ir::Node::Output),
        Some(cozegen::ir::Node::Output) => Some(cozegen::ir::Node::Input),
        None => None,
    };
    if let Some(other) = other {
        warnings.retain(|w| !w.is_about_node(other.name()));
    }
    report(&warnings, common)?;
    let text = render(&workflow)?;
    match &common.output {
        Some(path) if common.check => check(path, &text),
        output => emit(output.as_deref(), &text),
    }
}

/// `--check`: compares instead of writing.
pub(crate) fn check(path: &std::path::Path, text: &str) -> Result<(), Error> {
    if cozegen::output::differs(path, text)? {
        return Err(Error::Drift {
            paths: vec![path.display().to_string()],
        });
    }
    Ok(())
}

/// Builds the IR of a workflow to check or run (not to generate from): its warnings are said
/// unless `quiet`, and never fail the command.
pub(crate) fn build_for_use(
    info: &cozegen::model::WorkflowInfo,
    open_objects: bool,
    quiet: bool,
) -> Result<Workflow, Error> {
    let build = BuildOptions {
        open_objects,
        ..BuildOptions::default()
    };
    let (workflow, warnings) = cozegen::build(info, &build)?;
    if !quiet {
        print_warnings(&warnings);
    }
    Ok(workflow)
}

pub(crate) fn print_warnings(warnings: &[Warning]) {
    let mut stderr = std::io::stderr().lock();
    for w in warnings {
        let _ = writeln!(stderr, "warning: {w}");
    }
}

/// Fetches a workflow: its latest definition, or the published `version`.
#[cfg(feature = "fetch")]
pub(crate) fn fetch_info(
    api: &ApiArgs,
    id: &str,
    version: Option<&str>,
) -> Result<WorkflowInfo, Error> {
    Ok(api.client().workflow_or_version(id, version)?)
}

/// Where the WorkflowInfo comes from: FILE, or stdin when FILE is `-` or not given. A
/// terminal on stdin with no FILE is a usage error rather than a silent wait.
pub(crate) fn document_path(file: &Option<PathBuf>) -> Result<PathBuf, Error> {
    use std::io::IsTerminal;
    let terminal = std::io::stdin().is_terminal();
    match file {
        Some(path) => {
            if path.as_os_str() == "-" && terminal {
                eprintln!("cozegen: reading the WorkflowInfo from stdin (end it with Ctrl-D)");
            }
            Ok(path.clone())
        }
        None if terminal => Err(Error::Usage(
            "no FILE given: name a saved WorkflowInfo, give `-` to read one from stdin, or \
             fetch it with --workflow-id ID"
                .to_owned(),
        )),
        None => Ok(PathBuf::from("-")),
    }
}

pub(crate) fn report(warnings: &[Warning], common: &Common) -> Result<(), Error> {
    if !common.quiet || common.deny_warnings {
        print_warnings(warnings);
    }
    if common.deny_warnings && !warnings.is_empty() {
        return Err(Error::DeniedWarnings {
            count: warnings.len(),
        });
    }
    Ok(())
}

pub(crate) fn emit(output: Option<&std::path::Path>, text: &str) -> Result<(), Error> {
    match output {
        Some(path) => Ok(cozegen::output::write_atomic(path, text.as_bytes())?),
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
            {
                // A closed pipe (`cozegen schema x | head`) is the reader's choice, not an error.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(source) => Err(Error::from(cozegen::output::Error::Write {
                    path: "<stdout>".to_owned(),
                    source,
                })),
                Ok(()) => Ok(()),
            }
        }
    }
}

/// Prints the drifted files one per line on stdout; an error if there is any.
pub(crate) fn report_drift(paths: &[PathBuf]) -> Result<(), Error> {
    let list: String = paths.iter().map(|p| format!("{}\n", p.display())).collect();
    emit(None, &list)?;
    match paths.len() {
        0 => Ok(()),
        count => Err(Error::DriftCount { count }),
    }
}
