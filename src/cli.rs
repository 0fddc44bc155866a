//! The `cozegen` command line: argument parsing and the glue from arguments to the library.

use clap::{Args, Parser, Subcommand, ValueEnum};
use cozegen::emit::Node;
use cozegen::emit::html::{self, HtmlOptions};
use cozegen::emit::json_schema::{self, Draft, SchemaOptions};
use cozegen::{BuildOptions, Error, Warning, Workflow};
use std::io::Write;
use std::path::PathBuf;

const EXAMPLES: &str = "\
Examples:
  cozegen schema examples/workflows/order_intake.json   JSON Schema of the start node, to stdout
  cozegen schema workflow.json -o inputs.schema.json   write the schema to a file (atomically)
  cozegen schema --draft 07 - < workflow.json          draft-07, reading the document from stdin
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
    /// A self-contained HTML form for the start node that collects a run's `parameters`.
    Html(HtmlArgs),
}

/// Where the document comes from and where the artifact goes.
#[derive(Debug, Args)]
struct Common {
    /// A saved WorkflowInfo (full API response or bare `data`), or `-` for stdin.
    #[arg(value_name = "FILE", default_value = "-")]
    file: PathBuf,

    /// Write the artifact to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,

    /// Do not print warnings.
    #[arg(short, long)]
    quiet: bool,

    /// Treat warnings as errors (exit 1 and write nothing).
    #[arg(long)]
    deny_warnings: bool,
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

    /// Allow undeclared keys in objects (by default objects are closed with
    /// `additionalProperties: false`).
    #[arg(long)]
    open_objects: bool,

    /// Add an `x-coze-type` keyword to every parameter (strict validators such as Ajv reject
    /// unknown keywords unless told about them).
    #[arg(long)]
    coze_keywords: bool,
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
                open_objects: args.open_objects,
                coze_keywords: args.coze_keywords,
            };
            generate(&args.common, &BuildOptions::default(), |w| {
                json_schema::render(w, &options)
            })
        }
        Command::Html(args) => {
            let options = HtmlOptions {
                fragment: args.fragment,
                action: args.action,
            };
            generate(&args.common, &BuildOptions::default(), |w| {
                html::render(w, &options)
            })
        }
    }
}

/// Loads, builds, reports warnings, renders, and writes: the shape of every generating command.
fn generate(
    common: &Common,
    build: &BuildOptions,
    render: impl FnOnce(&Workflow) -> Result<String, Error>,
) -> Result<(), Error> {
    let (workflow, warnings) = cozegen::load_workflow(&common.file, build)?;
    report(&warnings, common)?;
    let text = render(&workflow)?;
    emit(common.output.as_deref(), &text)
}

fn report(warnings: &[Warning], common: &Common) -> Result<(), Error> {
    if !common.quiet || common.deny_warnings {
        let mut stderr = std::io::stderr().lock();
        for w in warnings {
            let _ = writeln!(stderr, "warning: {w}");
        }
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
