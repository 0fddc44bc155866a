//! The `cozegen` command line: argument parsing and the glue from arguments to the library.

use clap::{Args, Parser, Subcommand, ValueEnum};
use cozegen::diff::Impact;
use cozegen::emit::Node;
use cozegen::emit::html::{self, HtmlOptions};
use cozegen::emit::ir_json;
use cozegen::emit::json_schema::{self, Draft, SchemaOptions};
use cozegen::emit::rust::{self, RustOptions};
use cozegen::emit::typescript::{self, TsOptions};
use cozegen::model::WorkflowInfo;
use cozegen::{BuildOptions, Error, Warning, Workflow};
use std::io::Write;
use std::path::PathBuf;

const EXAMPLES: &str = "\
Examples:
  cozegen schema examples/workflows/order_intake.json   JSON Schema of the start node, to stdout
  cozegen schema workflow.json -o inputs.schema.json   write the schema to a file (atomically)
  cozegen schema --draft 07 - < workflow.json          draft-07, reading the document from stdin
  cozegen fetch 7350583675492388916 -o workflow.json   save a workflow from the Coze API
                                                       (token in COZE_API_TOKEN)
  cozegen schema -w 7350583675492388916                fetch and generate in one step
  cozegen rust workflow.json -o src/order.rs           Rust input structs (serde) for the start node
  cozegen html workflow.json -o form.html              an HTML form for the start node

Exit codes: 0 success, 1 error (bad input, API error, denied warnings), 2 usage error.";

/// Generate JSON Schema, Rust input structs and more from a Coze workflow's WorkflowInfo.
#[derive(Debug, Parser)]
#[command(name = "cozegen", version, about, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// JSON Schema of the start node's parameters (or the end node's, with --node output).
    Schema(SchemaArgs),
    /// Rust structs (serde) for the start node's parameters (or the end node's).
    Rust(RustArgs),
    /// A self-contained HTML form for the start node that collects a run's `parameters`.
    Html(HtmlArgs),
    /// TypeScript declarations of the start node's parameters (or the end node's).
    Ts(TsArgs),
    /// The normalized intermediate representation as JSON, for custom generators.
    Ir(IrArgs),
    /// Every artifact into a directory, with stable file names; or, with --workspace-id, a
    /// directory per workflow of a workspace plus an index.
    All(AllArgs),
    /// Check a `parameters` object against the start node before a run.
    Validate(ValidateArgs),
    /// Compare the start nodes of two WorkflowInfo versions; exit 1 on breaking changes.
    Diff(DiffArgs),
    /// Save a workflow's WorkflowInfo from the Coze API as pretty-printed JSON, to commit and
    /// generate from offline.
    #[cfg(feature = "fetch")]
    Fetch(FetchArgs),
    /// Print a shell completion script (e.g. `cozegen completions bash > /etc/bash_completion.d/cozegen`).
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
struct TsArgs {
    #[command(flatten)]
    common: Common,

    /// Which node to describe.
    #[arg(long, value_enum, default_value_t = NodeArg::Input)]
    node: NodeArg,
}

#[derive(Debug, Args)]
struct AllArgs {
    /// A saved WorkflowInfo (full API response or bare `data`), a Coze Studio canvas (or
    /// Studio's canvas answer), or `-` for stdin (the default when stdin is not a terminal).
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,

    /// Fetch the WorkflowInfo of this workflow from the Coze API instead of reading FILE.
    #[cfg(feature = "fetch")]
    #[arg(short = 'w', long, value_name = "ID", conflicts_with = "file")]
    workflow_id: Option<String>,

    /// Generate every workflow of this workspace: a directory per workflow, plus `mod.rs` and
    /// `index.json` (the digits after `/space/` in the Coze URL).
    #[cfg(feature = "fetch")]
    #[arg(long, value_name = "ID", conflicts_with_all = ["file", "workflow_id"])]
    workspace_id: Option<String>,

    /// The directory to write into (created if missing). Files already up to date are not
    /// rewritten; other files in it are left alone.
    #[arg(short, long, value_name = "DIR")]
    output: PathBuf,

    /// Do not print warnings.
    #[arg(short, long)]
    quiet: bool,

    /// Treat warnings as errors (exit 1 and write nothing; in workspace mode, the workflow
    /// with warnings fails).
    #[arg(long)]
    deny_warnings: bool,

    /// Write nothing; print each file that is missing or would change, one per line, and exit
    /// 1 if there is any (a drift check for CI, like `cargo fmt --check`).
    #[arg(long)]
    check: bool,

    /// Name of the Rust input root struct (default: the workflow name in UpperCamelCase +
    /// `Input`).
    #[arg(long, value_name = "NAME")]
    type_name: Option<String>,

    /// Name of the Rust output root struct (default: the workflow name in UpperCamelCase +
    /// `Output`).
    #[arg(long, value_name = "NAME")]
    output_type_name: Option<String>,

    /// Add a derive to the generated Rust types (repeatable; see `cozegen rust --help`).
    #[arg(long = "derive", value_name = "PATH")]
    derives: Vec<String>,

    /// Accept keys a workflow does not declare, in every artifact (by default objects are
    /// closed: an extra key is almost always a typo).
    #[arg(long)]
    open_objects: bool,

    /// Workflows per page when listing a workspace.
    #[cfg(feature = "fetch")]
    #[arg(
        help_heading = API,
        long,
        value_name = "N",
        default_value_t = cozegen::fetch::DEFAULT_PAGE_SIZE,
        value_parser = clap::value_parser!(u32).range(1..=1000),
        hide = true
    )]
    page_size: u32,

    #[cfg(feature = "fetch")]
    #[command(flatten)]
    api: ApiArgs,
}

#[derive(Debug, Args)]
struct IrArgs {
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, Args)]
struct ValidateArgs {
    /// A saved WorkflowInfo or Coze Studio canvas, or `-` for stdin (the default when stdin is
    /// not a terminal).
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,

    /// Fetch the WorkflowInfo of this workflow from the Coze API instead of reading FILE.
    #[cfg(feature = "fetch")]
    #[arg(short = 'w', long, value_name = "ID", conflicts_with = "file")]
    workflow_id: Option<String>,

    /// The `parameters` object to check (a JSON file, or `-` for stdin).
    #[arg(long, value_name = "PARAMS.json")]
    params: PathBuf,

    /// Do not print warnings about the WorkflowInfo.
    #[arg(short, long)]
    quiet: bool,

    /// Accept keys the workflow does not declare (by default they are problems).
    #[arg(long)]
    open_objects: bool,

    #[cfg(feature = "fetch")]
    #[command(flatten)]
    api: ApiArgs,
}

#[derive(Debug, Args)]
#[command(after_help = DIFF_SOURCES)]
struct DiffArgs {
    /// The WorkflowInfo callers use today: a file, `-` for stdin, or `id:<WORKFLOW_ID>`.
    #[arg(value_name = "OLD")]
    old: PathBuf,

    /// The WorkflowInfo about to replace it: a file, `-` for stdin, or `id:<WORKFLOW_ID>`.
    #[arg(value_name = "NEW")]
    new: PathBuf,

    #[cfg(feature = "fetch")]
    #[command(flatten)]
    api: ApiArgs,
}

const DIFF_SOURCES: &str = "\
OLD and NEW are files, unless they start with `id:`: `id:7350583675492388916` fetches that
workflow from the Coze API (token in COZE_API_TOKEN). Write `./id:x` for a file named `id:x`.

Example: cozegen diff workflow.json id:7350583675492388916   (the committed snapshot against
         the published workflow; exit 1 on breaking changes)";

/// What `diff` writes before a workflow ID.
const ID_PREFIX: &str = "id:";

/// Where the document comes from and where the artifact goes.
#[derive(Debug, Args)]
struct Common {
    /// A saved WorkflowInfo (full API response or bare `data`), a Coze Studio canvas (or
    /// Studio's canvas answer), or `-` for stdin (the default when stdin is not a terminal).
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,

    /// Fetch the WorkflowInfo of this workflow from the Coze API instead of reading FILE.
    #[cfg(feature = "fetch")]
    #[arg(short = 'w', long, value_name = "ID", conflicts_with = "file")]
    workflow_id: Option<String>,

    /// Write the artifact to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,

    /// Do not print warnings.
    #[arg(short, long)]
    quiet: bool,

    /// Treat warnings as errors (exit 1 and write nothing).
    #[arg(long)]
    deny_warnings: bool,

    /// Write nothing; exit 1 if OUT is missing or differs from what would be generated
    /// (a drift check for CI, like `cargo fmt --check`).
    #[arg(long, requires = "output")]
    check: bool,

    /// Accept keys a workflow does not declare, in every artifact (by default objects are
    /// closed: an extra key is almost always a typo).
    #[arg(long)]
    open_objects: bool,

    #[cfg(feature = "fetch")]
    #[command(flatten)]
    api: ApiArgs,
}

#[cfg(feature = "fetch")]
const API: &str = "Coze API";

/// How to reach the Coze API (for `--workflow-id` and `cozegen fetch`).
#[cfg(feature = "fetch")]
#[derive(Debug, Args)]
struct ApiArgs {
    /// Access token with the getMetaData permission. Prefer the environment variable:
    /// arguments are visible to other users of the machine.
    #[arg(
        help_heading = API,
        long,
        env = "COZE_API_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN",
        value_parser = parse_token
    )]
    token: Option<cozegen::fetch::Token>,

    /// API address: https://api.coze.cn (coze.cn), https://api.coze.com (coze.com), or a
    /// self-hosted Coze Studio.
    #[arg(
        help_heading = API,
        long,
        env = "COZE_API_BASE",
        hide_env_values = true,
        value_name = "URL",
        default_value = cozegen::fetch::DEFAULT_BASE_URL
    )]
    base_url: String,

    /// Give up on a request after this many seconds (connecting: at most 10).
    #[arg(
        help_heading = API,
        long,
        value_name = "SECONDS",
        default_value_t = 30,
        value_parser = clap::value_parser!(u64).range(1..=3600)
    )]
    timeout: u64,

    /// Retries after connection errors, HTTP 429 and 5xx, with exponential backoff
    /// (Retry-After is honoured).
    #[arg(
        help_heading = API,
        long,
        value_name = "N",
        default_value_t = 3,
        value_parser = clap::value_parser!(u32).range(0..=10)
    )]
    retries: u32,

    /// The wait before the first retry, in milliseconds (doubling after); for tests.
    #[arg(help_heading = API, long, value_name = "MS", default_value_t = 500, hide = true)]
    retry_delay_ms: u64,

    /// Allow plain http:// to hosts other than loopback (the token travels unencrypted).
    #[arg(help_heading = API, long)]
    allow_insecure_http: bool,
}

#[cfg(feature = "fetch")]
impl ApiArgs {
    fn options(&self) -> cozegen::fetch::FetchOptions {
        cozegen::fetch::FetchOptions {
            base_url: self.base_url.clone(),
            token: self.token.clone(),
            timeout: std::time::Duration::from_secs(self.timeout),
            retries: self.retries,
            retry_delay: std::time::Duration::from_millis(self.retry_delay_ms),
            allow_insecure_http: self.allow_insecure_http,
            ..Default::default()
        }
    }
}

/// Never fails: clap quotes rejected values in its errors, and a token must not be quoted.
#[cfg(feature = "fetch")]
fn parse_token(s: &str) -> Result<cozegen::fetch::Token, std::convert::Infallible> {
    Ok(cozegen::fetch::Token::new(s))
}

#[cfg(feature = "fetch")]
#[derive(Debug, Args)]
struct FetchArgs {
    /// The workflow ID: the digits after `workflow_id=` in the workflow editor's URL.
    #[arg(value_name = "ID")]
    workflow_id: String,

    /// Write the JSON to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,

    #[command(flatten)]
    api: ApiArgs,
}

#[derive(Debug, Args)]
struct SchemaArgs {
    #[command(flatten)]
    common: Common,

    /// JSON Schema dialect.
    #[arg(long, value_enum, default_value_t = DraftArg::V2020_12)]
    draft: DraftArg,

    /// Which node to describe.
    #[arg(long, value_enum, default_value_t = NodeArg::Input)]
    node: NodeArg,

    /// Add an `x-coze-type` keyword to every parameter (strict validators such as Ajv reject
    /// unknown keywords unless told about them).
    #[arg(long)]
    coze_keywords: bool,
}

#[derive(Debug, Args)]
struct RustArgs {
    #[command(flatten)]
    common: Common,

    /// Name of the root struct (default: the workflow name in UpperCamelCase + `Input`, or
    /// + `Output` with --node output).
    #[arg(long, value_name = "NAME")]
    type_name: Option<String>,

    /// Which node to describe.
    #[arg(long, value_enum, default_value_t = NodeArg::Input)]
    node: NodeArg,

    /// Add a derive to the generated types, e.g. `Eq`, `Hash`, `schemars::JsonSchema`
    /// (repeatable). `Eq`, `Hash`, `PartialOrd`, `Ord` and `Copy` go only on the types that can
    /// have them, with a warning for the others.
    #[arg(long = "derive", value_name = "PATH")]
    derives: Vec<String>,
}

#[derive(Debug, Args)]
struct HtmlArgs {
    #[command(flatten)]
    common: Common,

    /// Emit only the `<form id="cozegen-form">` and its script, for embedding in a page.
    #[arg(long)]
    fragment: bool,

    /// Also POST `{"parameters": …}` as JSON to this absolute http(s) URL on submit (your own
    /// endpoint, which adds the API token; the page never holds one).
    #[arg(long, value_name = "URL", value_parser = parse_action)]
    action: Option<String>,
}

fn parse_action(url: &str) -> Result<String, String> {
    html::check_action(url).map(|_| url.to_owned())
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum DraftArg {
    #[value(name = "2020-12")]
    V2020_12,
    #[value(name = "07")]
    V07,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum NodeArg {
    Input,
    Output,
}

impl From<NodeArg> for Node {
    fn from(n: NodeArg) -> Self {
        match n {
            NodeArg::Input => Node::Input,
            NodeArg::Output => Node::Output,
        }
    }
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Schema(args) => {
            let options = SchemaOptions {
                draft: match args.draft {
                    DraftArg::V2020_12 => Draft::Draft2020_12,
                    DraftArg::V07 => Draft::Draft07,
                },
                node: args.node.into(),
                coze_keywords: args.coze_keywords,
            };
            generate(&args.common, &build_options(&args.common), |w| {
                json_schema::render(w, &options)
            })
        }
        Command::Ts(args) => {
            let options = TsOptions {
                node: args.node.into(),
            };
            generate(&args.common, &build_options(&args.common), |w| {
                typescript::render(w, &options)
            })
        }
        Command::Ir(args) => generate(&args.common, &build_options(&args.common), ir_json::render),
        Command::Html(args) => {
            let options = HtmlOptions {
                fragment: args.fragment,
                action: args.action,
            };
            generate(&args.common, &build_options(&args.common), |w| {
                html::render(w, &options)
            })
        }
        Command::Rust(args) => {
            let node: Node = args.node.into();
            let build = match node {
                Node::Input => BuildOptions {
                    input_type_name: args.type_name.clone(),
                    ..build_options(&args.common)
                },
                Node::Output => BuildOptions {
                    output_type_name: args.type_name.clone(),
                    ..build_options(&args.common)
                },
            };
            let options = RustOptions {
                derives: args.derives.clone(),
                node,
            };
            let common = &args.common;
            generate(common, &build, |w| {
                let (code, warnings) = rust::render_with_warnings(w, &options)?;
                report(&warnings, common)?;
                Ok(code)
            })
        }
        Command::All(args) => all(&args),
        Command::Validate(args) => validate(&args),
        Command::Diff(args) => diff(&args),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(
                shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "cozegen",
                &mut script,
            );
            emit(None, &String::from_utf8_lossy(&script))
        }
        #[cfg(feature = "fetch")]
        Command::Fetch(args) => {
            let text = cozegen::fetch::snapshot(&args.api.options(), &args.workflow_id)?;
            emit(args.output.as_deref(), &text)
        }
    }
}

fn validate(args: &ValidateArgs) -> Result<(), Error> {
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
        Some(id) => cozegen::fetch::fetch_workflow(&args.api.options(), id)?,
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
    let params = cozegen::load::read_json(&args.params)?;
    let problems = cozegen::validate::validate(&workflow.input, params.value());
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

/// Whether `value` is a run request body (`{"workflow_id": …, "parameters": {…}}`) rather
/// than the parameters themselves: it has a `parameters` object the workflow does not declare.
fn looks_like_a_request_body(workflow: &Workflow, value: &serde_json::Value) -> bool {
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

fn diff(args: &DiffArgs) -> Result<(), Error> {
    if args.old.as_os_str() == "-" && args.new.as_os_str() == "-" {
        return Err(Error::Usage(
            "OLD and NEW cannot both come from stdin".into(),
        ));
    }
    let (old, _) = cozegen::build(&diff_source(args, &args.old)?, &BuildOptions::default())?;
    let (new, _) = cozegen::build(&diff_source(args, &args.new)?, &BuildOptions::default())?;
    let changes = cozegen::diff::diff(&old.input, &new.input);
    let breaking = changes
        .iter()
        .filter(|c| c.impact == Impact::Breaking)
        .count();
    let mut report: String = changes.iter().map(|c| format!("{c}\n")).collect();
    report.push_str(&format!(
        "{breaking} breaking, {}\n",
        cozegen::error::plural(changes.len() - breaking, "compatible change")
    ));
    emit(None, &report)?;
    match breaking {
        0 => Ok(()),
        count => Err(Error::BreakingChanges { count }),
    }
}

/// `cozegen all`: every artifact of one workflow into a directory, or a whole workspace.
fn all(args: &AllArgs) -> Result<(), Error> {
    let build = BuildOptions {
        input_type_name: args.type_name.clone(),
        output_type_name: args.output_type_name.clone(),
        open_objects: args.open_objects,
    };
    let bundle = cozegen::bundle::BundleOptions {
        derives: args.derives.clone(),
    };
    #[cfg(feature = "fetch")]
    if let Some(workspace_id) = &args.workspace_id {
        return workspace(args, workspace_id, build, bundle);
    }
    #[cfg(feature = "fetch")]
    let info = match &args.workflow_id {
        Some(id) => cozegen::fetch::fetch_workflow(&args.api.options(), id)?,
        None => cozegen::load_path(document_path(&args.file)?)?,
    };
    #[cfg(not(feature = "fetch"))]
    let info = cozegen::load_path(document_path(&args.file)?)?;
    let (workflow, mut warnings) = cozegen::build(&info, &build)?;
    let (artifacts, rust_warnings) = cozegen::bundle::render(&workflow, &bundle)?;
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
                cozegen::error::plural(written, "file"),
                args.output.display(),
                match unchanged {
                    0 => String::new(),
                    n => format!(
                        " ({} already up to date)",
                        cozegen::error::plural(n, "other")
                    ),
                }
            );
        }
        Ok(())
    }
}

/// Prints the drifted files one per line on stdout; an error if there is any.
fn report_drift(paths: &[PathBuf]) -> Result<(), Error> {
    let list: String = paths.iter().map(|p| format!("{}\n", p.display())).collect();
    emit(None, &list)?;
    match paths.len() {
        0 => Ok(()),
        count => Err(Error::DriftCount { count }),
    }
}

/// `cozegen all --workspace-id`: progress on stderr (a line redrawn in place on a terminal,
/// plain lines otherwise), every failure reported, exit 1 at the end if any workflow failed.
#[cfg(feature = "fetch")]
fn workspace(
    args: &AllArgs,
    workspace_id: &str,
    build: BuildOptions,
    bundle: cozegen::bundle::BundleOptions,
) -> Result<(), Error> {
    use cozegen::ir::path::printable;
    use cozegen::workspace::{Event, Status};
    use std::io::IsTerminal;

    let options = cozegen::workspace::WorkspaceOptions {
        fetch: args.api.options(),
        workspace_id: workspace_id.to_owned(),
        page_size: args.page_size,
        build,
        bundle,
        dir: args.output.clone(),
        check: args.check,
        deny_warnings: args.deny_warnings,
    };
    let tty = std::io::stderr().is_terminal();
    let show_warnings = !args.quiet || args.deny_warnings;
    let mut failed = 0;
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
            Event::Listed { total } => {
                let _ = writeln!(
                    stderr,
                    "workspace {workspace_id}: {}",
                    cozegen::error::plural(total, "workflow")
                );
            }
            Event::Started {
                index,
                total,
                entry,
            } if tty => {
                let bar = progress_bar(index, total, 20);
                let _ = write!(
                    stderr,
                    "\r\x1b[2K{bar} {}/{total} {}",
                    index + 1,
                    label(entry)
                );
                let _ = stderr.flush();
            }
            Event::Started { .. } => {}
            Event::Finished {
                index,
                total,
                entry,
                warnings,
            } => {
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
                        let _ = writeln!(stderr, "[{}/{total}] {}: ok", index + 1, label(entry));
                    }
                    (Status::Ok, _) => {}
                }
                if tty && index + 1 == total {
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
            "{} generated, {failed} failed, in {}",
            total - failed,
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
fn progress_bar(done: usize, total: usize, width: usize) -> String {
    let filled = (done * width).checked_div(total).unwrap_or(width);
    format!("[{}{}]", "#".repeat(filled), ".".repeat(width - filled))
}

/// Reads one side of `diff`: a file, or with the `id:` prefix, a workflow from the API.
fn diff_source(args: &DiffArgs, source: &std::path::Path) -> Result<WorkflowInfo, Error> {
    let Some(id) = source.to_str().and_then(|s| s.strip_prefix(ID_PREFIX)) else {
        return cozegen::load_path(source);
    };
    #[cfg(feature = "fetch")]
    {
        cozegen::fetch::fetch_workflow(&args.api.options(), id)
    }
    #[cfg(not(feature = "fetch"))]
    {
        let _ = (args, id);
        Err(Error::Usage(format!(
            "`{}` names a workflow ID, but this cozegen was built without the `fetch` feature",
            source.display()
        )))
    }
}

/// The IR choices every generating command shares.
fn build_options(common: &Common) -> BuildOptions {
    BuildOptions {
        open_objects: common.open_objects,
        ..BuildOptions::default()
    }
}

/// Loads, builds, reports warnings, renders, and writes: the shape of every generating command.
fn generate(
    common: &Common,
    build: &BuildOptions,
    render: impl FnOnce(&Workflow) -> Result<String, Error>,
) -> Result<(), Error> {
    let (workflow, warnings) = cozegen::build(&load(common)?, build)?;
    report(&warnings, common)?;
    let text = render(&workflow)?;
    match &common.output {
        Some(path) if common.check => check(path, &text),
        output => emit(output.as_deref(), &text),
    }
}

/// `--check`: compares instead of writing.
fn check(path: &std::path::Path, text: &str) -> Result<(), Error> {
    if cozegen::output::differs(path, text)? {
        return Err(Error::Drift {
            paths: vec![path.display().to_string()],
        });
    }
    Ok(())
}

fn print_warnings(warnings: &[Warning]) {
    let mut stderr = std::io::stderr().lock();
    for w in warnings {
        let _ = writeln!(stderr, "warning: {w}");
    }
}

/// Reads FILE, or fetches the workflow given with `--workflow-id`.
fn load(common: &Common) -> Result<WorkflowInfo, Error> {
    #[cfg(feature = "fetch")]
    if let Some(id) = &common.workflow_id {
        return cozegen::fetch::fetch_workflow(&common.api.options(), id);
    }
    cozegen::load_path(document_path(&common.file)?)
}

/// Where the WorkflowInfo comes from: FILE, or stdin when FILE is `-` or not given. A
/// terminal on stdin with no FILE is a usage error rather than a silent wait.
fn document_path(file: &Option<PathBuf>) -> Result<PathBuf, Error> {
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

fn report(warnings: &[Warning], common: &Common) -> Result<(), Error> {
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

fn emit(output: Option<&std::path::Path>, text: &str) -> Result<(), Error> {
    match output {
        Some(path) => cozegen::output::write_atomic(path, text.as_bytes()),
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
            {
                // A closed pipe (`cozegen schema x | head`) is the reader's choice, not an error.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(source) => Err(Error::Write {
                    path: "<stdout>".to_owned(),
                    source,
                }),
                Ok(()) => Ok(()),
            }
        }
    }
}
