//! `cozegen tool`: tool definitions for agents, one per workflow.

use super::error::Error;
use super::io::{emit, print_warnings};
use super::sources::{Sources, Stdin, load_sources};
use clap::{Args, ValueEnum};
use cozegen::emit::tool::ToolSource;
use std::path::PathBuf;

pub(crate) const TOOL_NOTES: &str = "\
The output is a JSON array of definitions, ready for a request's `tools` list (or, for mcp,
what `cozegen mcp` lists). Names match ^[a-zA-Z0-9_-]{1,64}$: the workflow name with other
characters made `_`; a name with non-ASCII letters (a Chinese name) becomes workflow_<id>;
repeats get _2, _3... A workflow fetched at a published version (-w ID@VERSION) is built from
that version's start node; its name ends in the version (order_intake_v0_0_2) and its title
and description say it. OpenAI definitions are strict when the start node fits strict mode
(optional parameters nullable); otherwise `strict: false`, with a warning saying why.

Examples:
  cozegen tool workflow.json --format openai           OpenAI Responses API function tools
  cozegen tool a.json b.json --format anthropic        Anthropic tools, one per workflow
  cozegen tool --workspace-id 7350000000000000000 --format mcp -o tools.json
  cozegen tool -w 7350583675492388916@v0.0.2 --format openai    a published version";

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ToolFormat {
    /// OpenAI Responses API: {type, name, description, parameters, strict}.
    Openai,
    /// OpenAI Chat Completions: {type, function: {name, description, parameters, strict}}.
    OpenaiChat,
    /// Anthropic Messages API: {name, description, input_schema}.
    Anthropic,
    /// MCP: {name, title, description, inputSchema, outputSchema}.
    Mcp,
}

#[derive(Debug, Args)]
#[command(after_help = TOOL_NOTES)]
pub(crate) struct ToolArgs {
    #[command(flatten)]
    pub(crate) sources: Sources,

    /// Which vendor's definitions to write.
    #[arg(long, value_enum)]
    pub(crate) format: ToolFormat,

    /// Write the JSON to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "OUT")]
    pub(crate) output: Option<PathBuf>,
}

/// `cozegen tool`: one definition per workflow, as a JSON array.
pub(crate) fn tool(args: &ToolArgs) -> Result<(), Error> {
    use cozegen::emit::tool::Format;
    let format = match args.format {
        ToolFormat::Openai => Format::OpenAi,
        ToolFormat::OpenaiChat => Format::OpenAiChat,
        ToolFormat::Anthropic => Format::Anthropic,
        ToolFormat::Mcp => Format::Mcp,
    };
    let (loaded, failed) = load_sources(&args.sources, Stdin::Document)?;
    let sources: Vec<ToolSource<'_>> = loaded
        .iter()
        .map(|l| ToolSource {
            workflow: &l.workflow,
            version: l.version.as_deref(),
        })
        .collect();
    let (text, warnings) = cozegen::emit::tool::render_for(&sources, format)?;
    if !args.sources.quiet {
        print_warnings(&warnings);
    }
    emit(args.output.as_deref(), &text)?;
    match failed {
        0 => Ok(()),
        failed => Err(Error::WorkflowsFailed {
            failed,
            total: failed + loaded.len(),
        }),
    }
}
