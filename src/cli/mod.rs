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
#[cfg(feature = "serve")]
mod serve;
mod sources;
mod tool;
mod validate;

pub use error::Error;

use all::{AllArgs, all};
use clap::Subcommand;
use diff::{DiffArgs, diff};
#[cfg(feature = "fetch")]
use fetch::{FetchArgs, fetch};
use io::emit;
#[cfg(feature = "mcp")]
use mcp::{McpArgs, mcp};
#[cfg(feature = "fetch")]
use run::{RunArgs, run_workflow};
#[cfg(feature = "serve")]
use serve::{ServeArgs, serve};
use tool::{ToolArgs, tool};
use validate::{ValidateArgs, validate};

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
  cozegen all workflow.json -o generated/order         every artifact into one directory
  cozegen all --workspace-id 7500000000000000001 -o src/workflows
                                                       every workflow of a workspace
  cozegen validate workflow.json --params params.json  check a run's parameters before sending
  cozegen diff old.json new.json                       what a new version breaks (exit 1 if any)
  cozegen run workflow.json --params params.json       run the published workflow: check the
                                                       parameters, print the checked output
  cozegen tool workflow.json --format openai           tool definitions for an agent
  cozegen mcp workflow.json                            serve workflows to MCP clients (stdio)
  cozegen serve workflow.json                          each workflow's form on 127.0.0.1, run on Coze
  cozegen html workflow.json --component -o form.js    the form as a custom element for any web app

Exit codes: 0 success, 1 error (bad input, API error, denied warnings), 2 usage error
(`cozegen run`: 3 when the run is interrupted and waits for an answer).";

#[derive(Debug, Subcommand)]
enum Command {
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
    Run(Box<RunArgs>),
    /// Tool definitions for agents, one per workflow: OpenAI function tools (strict mode),
    /// Anthropic tools or MCP tools, with the start node as the parameter schema.
    Tool(ToolArgs),
    /// Serve workflows as tools over the Model Context Protocol (stdio): each call is checked
    /// against the start node, then runs the workflow through the Coze API.
    #[cfg(feature = "mcp")]
    Mcp(McpArgs),
    /// Serve each workflow's form as a local web page that runs it on Coze: checked against
    /// the start node, events streamed back, interrupts answered, files uploaded.
    #[cfg(feature = "serve")]
    Serve(ServeArgs),
    /// Print a shell completion script (e.g. `cozegen completions bash > /etc/bash_completion.d/cozegen`).
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// The command line: the artifacts' subcommands, built from the registry, then the other
/// commands.
pub fn command() -> clap::Command {
    let command = clap::Command::new("cozegen")
        .version(env!("CARGO_PKG_VERSION"))
        .about(env!("CARGO_PKG_DESCRIPTION"))
        .after_help(EXAMPLES)
        .subcommand_required(true)
        .arg_required_else_help(true);
    let command = cozegen::artifact::registry()
        .into_iter()
        .fold(command, |command, artifact| {
            command.subcommand(generate::command(artifact))
        });
    Command::augment_subcommands(command).mut_subcommand("all", all::with_settings)
}

/// Runs the command `matches` (of [`command`]) names.
pub fn run(matches: &clap::ArgMatches) -> Result<(), Error> {
    use clap::FromArgMatches;
    let Some((name, sub)) = matches.subcommand() else {
        unreachable!("clap requires a subcommand");
    };
    if let Some(artifact) = cozegen::artifact::find(name) {
        return generate::run(artifact, sub);
    }
    // `all` also takes the artifacts' settings, which its derived arguments do not hold.
    if name == "all" {
        return all(sub);
    }
    match Command::from_arg_matches(matches).unwrap_or_else(|e| e.exit()) {
        Command::All(_) => unreachable!("handled above"),
        Command::Tool(args) => tool(&args),
        #[cfg(feature = "mcp")]
        Command::Mcp(args) => mcp(&args),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve(&args),
        Command::Validate(args) => validate(&args),
        Command::Diff(args) => diff(&args),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command(), "cozegen", &mut script);
            emit(None, &String::from_utf8_lossy(&script))
        }
        #[cfg(feature = "fetch")]
        Command::Run(args) => run_workflow(&args),
        #[cfg(feature = "fetch")]
        Command::Fetch(args) => fetch(&args),
    }
}
