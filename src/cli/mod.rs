//! The `cozegen` command line: one file per command, each parsing its arguments and calling the
//! library; [`error`] decides the exit codes.

mod all;
mod args;
mod diff;
mod error;
#[cfg(feature = "fetch")]
mod fetch;
mod generate;
mod io;
#[cfg(feature = "mcp")]
mod mcp;
#[cfg(feature = "fetch")]
mod run;
mod sources;
mod tool;
mod validate;

pub use error::Error;

use all::*;
use args::*;
use clap::{Args, Parser, Subcommand, ValueEnum};
use cozegen::check::diff::Impact;
use cozegen::emit::html::{self, HtmlOptions};
use cozegen::emit::ir_json;
use cozegen::emit::json_schema::{self, Draft, SchemaOptions};
use cozegen::emit::rust::{self, RustOptions};
use cozegen::emit::typescript::{self, TsOptions};
use cozegen::ir::Node;
use cozegen::model::WorkflowInfo;
use cozegen::{BuildOptions, Warning, Workflow};
use diff::*;
#[cfg(feature = "fetch")]
use fetch::*;
use generate::*;
use io::*;
#[cfg(feature = "mcp")]
use mcp::*;
#[cfg(feature = "fetch")]
use run::*;
use sources::*;
use std::io::Write;
use std::path::PathBuf;
use tool::*;
use validate::*;

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
  cozegen run workflow.json --params params.json       run the published workflow: check the
                                                       parameters, print the checked output

Exit codes: 0 success, 1 error (bad input, API error, denied warnings), 2 usage error
(`cozegen run`: 3 when the run is interrupted and waits for an answer).";

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
    /// Compare two WorkflowInfo versions: the start node for callers, the end node for
    /// consumers of the result; exit 1 on breaking changes.
    Diff(DiffArgs),
    /// Save a workflow's WorkflowInfo from the Coze API as pretty-printed JSON, to commit and
    /// generate from offline.
    #[cfg(feature = "fetch")]
    Fetch(FetchArgs),
    /// Run a published workflow through the Coze API: check the parameters against the start
    /// node, send them, check the output against the end node (or stream the run's events).
    #[cfg(feature = "fetch")]
    Run(RunArgs),
    /// Tool definitions for agents, one per workflow: OpenAI function tools (strict mode),
    /// Anthropic tools or MCP tools, with the start node as the parameter schema.
    #[command(after_help = TOOL_NOTES)]
    Tool(ToolArgs),
    /// Serve workflows as tools over the Model Context Protocol (stdio): each call is checked
    /// against the start node, then runs the workflow through the Coze API.
    #[cfg(feature = "mcp")]
    #[command(after_help = MCP_NOTES)]
    Mcp(McpArgs),
    /// Print a shell completion script (e.g. `cozegen completions bash > /etc/bash_completion.d/cozegen`).
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Schema(args) => schema(&args),
        Command::Ts(args) => ts(&args),
        Command::Ir(args) => ir(&args),
        Command::Html(args) => html(&args),
        Command::Rust(args) => rust(&args),
        Command::All(args) => all(&args),
        Command::Tool(args) => tool(&args),
        #[cfg(feature = "mcp")]
        Command::Mcp(args) => mcp(&args),
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
        Command::Run(args) => run_workflow(&args),
        #[cfg(feature = "fetch")]
        Command::Fetch(args) => fetch(&args),
    }
}
