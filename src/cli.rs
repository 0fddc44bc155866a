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

#[derive(Debug, Args)]
struct TsArgs {
    #[command(flatten)]
    common: Common,

    /// Which node to describe.
    #[arg(long, value_enum, default_value_t = NodeArg::Input)]
    node: NodeArg,

    /// Leave out the run helpers: `WORKFLOW_ID`, and `runRequest` (start node) or
    /// `parseOutput`, `parseRunAnswer` and `RunError` (end node).
    #[arg(long)]
    no_run_helpers: bool,
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

    /// With --workflow-id: that workflow's published version VERSION (e.g. v0.0.2, as the
    /// version list shows it) instead of the latest.
    #[cfg(feature = "fetch")]
    #[arg(long, value_name = "VERSION", requires = "workflow_id")]
    workflow_version: Option<String>,

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

    #[command(flatten)]
    form: FormArgs,

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

const TOOL_NOTES: &str = "\
The output is a JSON array of definitions, ready for a request's `tools` list (or, for mcp,
what `cozegen mcp` lists). Names match ^[a-zA-Z0-9_-]{1,64}$: the workflow name with other
characters made `_`; a name with non-ASCII letters (a Chinese name) becomes workflow_<id>;
repeats get _2, _3... OpenAI definitions are strict when the start node fits strict mode
(optional parameters nullable); otherwise `strict: false`, with a warning saying why.

Examples:
  cozegen tool workflow.json --format openai           OpenAI Responses API function tools
  cozegen tool a.json b.json --format anthropic        Anthropic tools, one per workflow
  cozegen tool --workspace-id 7350000000000000000 --format mcp -o tools.json";

#[cfg(feature = "mcp")]
const MCP_NOTES: &str = "\
The token comes from COZE_API_TOKEN (or --token) and never appears in a message. Tool names
are those of `cozegen tool --format mcp`. A call whose arguments do not fit the start node is
a tool error listing the problems, and nothing is sent; `null` for an optional parameter is
read as absent. A Coze error is a tool error with its code and logid.

Example client configuration (Claude Desktop and other `mcpServers` clients):
  {\"mcpServers\": {\"coze\": {\"command\": \"cozegen\",
    \"args\": [\"mcp\", \"--workspace-id\", \"7350000000000000000\"],
    \"env\": {\"COZE_API_TOKEN\": \"pat_...\"}}}}";

/// Where `cozegen tool` and `cozegen mcp` get their workflows: files, fetched workflows, or a
/// whole workspace.
#[derive(Debug, Args)]
struct Sources {
    /// Saved WorkflowInfo files (or Coze Studio canvases); `-` for stdin.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,

    /// Fetch this workflow from the Coze API (repeatable).
    #[cfg(feature = "fetch")]
    #[arg(short = 'w', long = "workflow-id", value_name = "ID")]
    workflow_ids: Vec<String>,

    /// Every workflow of this workspace (the digits after `/space/` in the Coze URL), sorted
    /// by ID.
    #[cfg(feature = "fetch")]
    #[arg(long, value_name = "ID", conflicts_with_all = ["files", "workflow_ids"])]
    workspace_id: Option<String>,

    /// Accept keys a workflow does not declare (by default objects are closed).
    #[arg(long)]
    open_objects: bool,

    /// Do not print warnings.
    #[arg(short, long)]
    quiet: bool,

    #[cfg(feature = "fetch")]
    #[command(flatten)]
    api: ApiArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ToolFormat {
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
struct ToolArgs {
    #[command(flatten)]
    sources: Sources,

    /// Which vendor's definitions to write.
    #[arg(long, value_enum)]
    format: ToolFormat,

    /// Write the JSON to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
}

#[cfg(feature = "mcp")]
#[derive(Debug, Args)]
struct McpArgs {
    #[command(flatten)]
    sources: Sources,

    /// The longest wait for a run's answer, in seconds.
    #[arg(
        help_heading = API,
        long,
        value_name = "SECONDS",
        default_value_t = 600,
        value_parser = clap::value_parser!(u64).range(1..=86400)
    )]
    run_timeout: u64,
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

    /// With --workflow-id: that workflow's published version VERSION (e.g. v0.0.2, as the
    /// version list shows it) instead of the latest.
    #[cfg(feature = "fetch")]
    #[arg(long, value_name = "VERSION", requires = "workflow_id")]
    workflow_version: Option<String>,

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
    /// The WorkflowInfo callers use today: a file, `-` for stdin, `id:<WORKFLOW_ID>` or
    /// `id:<WORKFLOW_ID>@<VERSION>`.
    #[arg(value_name = "OLD")]
    old: PathBuf,

    /// The WorkflowInfo about to replace it: a file, `-` for stdin, `id:<WORKFLOW_ID>` or
    /// `id:<WORKFLOW_ID>@<VERSION>`.
    #[arg(value_name = "NEW")]
    new: PathBuf,

    #[cfg(feature = "fetch")]
    #[command(flatten)]
    api: ApiArgs,
}

const DIFF_SOURCES: &str = "\
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

    /// With --workflow-id: that workflow's published version VERSION (e.g. v0.0.2, as the
    /// version list shows it) instead of the latest.
    #[cfg(feature = "fetch")]
    #[arg(long, value_name = "VERSION", requires = "workflow_id")]
    workflow_version: Option<String>,

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

    /// Save this published version (e.g. v0.0.2, as the version list shows it) instead of the
    /// latest: its input and output from the version list, the workflow's details beside them.
    #[arg(long, value_name = "VERSION")]
    workflow_version: Option<String>,

    /// Write the JSON to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,

    #[command(flatten)]
    api: ApiArgs,
}

#[cfg(feature = "fetch")]
const RUN_NOTES: &str = "\
The parameters are checked against the start node first; if they do not fit, the problems are
listed and nothing is sent. The output (the answer's `data`, JSON text holding the end node's
variables) is printed as JSON on stdout and checked against the end node; execute_id,
debug_url and usage go to stderr. An end node that answers with its content template returns
text that is not JSON: it is printed as it is, unchecked.

A run is never sent twice: after a timeout or a dropped connection the run may have started,
so cozegen says so (with the execute id if known) instead of retrying. Only failures before
the request was sent, and HTTP 429 with Retry-After, are retried.

With --stream, events are printed as they arrive: message content on stdout (one JSON object
per event with --json), errors on stderr. A run that stops at a question or input node prints
the interrupt's event id, type and question, and how to answer it with --resume and --answer.

A chatflow (`cozegen ir` says \"kind\": \"chatflow\") is chatted with instead: --message is the
user's message (the chatflow's USER_INPUT), sent in additional_messages to /v1/workflows/chat,
which always streams; --params holds the other parameters (CONVERSATION_NAME and the custom
ones), none when left out. The answer is printed as it arrives (one JSON object per event with
--json); conversation_id, chat_id and debug_url go to stderr.

A workflow or chatflow of a Coze app is sent with the app_id of its WorkflowInfo unless --app-id
or --bot-id is given.

Examples:
  cozegen run workflow.json --params params.json           run the saved workflow's latest version
  cozegen run -w 7350583675492388916 --params params.json  fetch the definition, then run it
  cozegen run workflow.json --params params.json --stream  print the run's messages as they come
  cozegen run workflow.json --stream --resume 7404830425073352713/2769808280134765896 \\
      --answer 'Hangzhou, 2024-08-20'                      answer a question node's interrupt
  cozegen run chatflow.json --message 'Hi' --params params.json  chat with a chatflow

Exit codes: 0 success, 1 error (invalid parameters, API error, output mismatch, run failed),
2 usage error, 3 the run is interrupted and waits for an answer (--resume; a chatflow: the
next --message in the same --conversation-id).";

/// `cozegen run`.
#[cfg(feature = "fetch")]
#[derive(Debug, Args)]
#[command(after_help = RUN_NOTES)]
struct RunArgs {
    /// A saved WorkflowInfo of the workflow to run (its `workflow_detail.workflow_id` is run),
    /// or `-` for stdin.
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,

    /// Run this workflow, fetching its WorkflowInfo from the Coze API to check the parameters
    /// and the output (not fetched with --resume).
    #[arg(short = 'w', long, value_name = "ID", conflicts_with = "file")]
    workflow_id: Option<String>,

    /// Run this published version (e.g. v0.0.2) instead of the latest; with -w, the checks use
    /// that version's definition.
    #[arg(long, value_name = "VERSION")]
    workflow_version: Option<String>,

    /// The `parameters` object to send (a JSON file, or `-` for stdin); for a chatflow, the
    /// parameters besides the message (none when left out).
    #[arg(long, value_name = "PARAMS.json", required_unless_present_any = ["resume", "message"])]
    params: Option<PathBuf>,

    /// Chat with a chatflow (`/v1/workflows/chat`, streamed): the user's message, sent in
    /// `additional_messages` (the chatflow's USER_INPUT). Required for a chatflow, refused for
    /// a workflow.
    #[arg(long, value_name = "TEXT")]
    message: Option<String>,

    /// With --message: file the chat under this conversation (`conversation_id`; it overrides
    /// CONVERSATION_NAME). Continue a chat that waits for an answer with the id it printed.
    #[arg(long, value_name = "ID", requires = "message")]
    conversation_id: Option<String>,

    /// The ID of the Coze app to run in (default: the app the WorkflowInfo names, if any).
    #[arg(long, value_name = "ID", conflicts_with = "bot_id")]
    app_id: Option<String>,

    /// The agent to run the workflow with (for workflows with database or variable nodes).
    #[arg(long, value_name = "ID")]
    bot_id: Option<String>,

    /// Stream the run (`/v1/workflow/stream_run`): print its events as they arrive.
    #[arg(long)]
    stream: bool,

    /// With --stream or --message: print every event as one line of JSON
    /// (`{"id","event","data"}`).
    #[arg(long)]
    json: bool,

    /// Answer the interrupt with this event id instead of starting a run (with --stream
    /// through `/v1/workflow/stream_resume`, else `/v1/workflows/resume`).
    #[arg(long, value_name = "EVENT_ID", requires = "answer", conflicts_with_all = ["params", "app_id", "bot_id", "workflow_version", "message"])]
    resume: Option<String>,

    /// With --resume: the answer to the question (`resume_data`).
    #[arg(long, value_name = "TEXT", requires = "resume")]
    answer: Option<String>,

    /// With --resume: the interrupt's type, as printed with its event id (2 question node, 5
    /// input node, 6 device plugin, 7 OAuth plugin).
    #[arg(long, value_name = "N", default_value_t = 2, requires = "resume")]
    interrupt_type: i64,

    /// Do not print warnings about the WorkflowInfo.
    #[arg(short, long)]
    quiet: bool,

    /// Accept keys the workflow does not declare (by default they are problems).
    #[arg(long)]
    open_objects: bool,

    /// Access token with the run permission (and getMetaData for -w). Prefer the environment
    /// variable: arguments are visible to other users of the machine.
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

    /// The longest wait for the run's answer (or the whole stream), in seconds.
    #[arg(
        help_heading = API,
        long,
        value_name = "SECONDS",
        default_value_t = 600,
        value_parser = clap::value_parser!(u64).range(1..=86400)
    )]
    timeout: u64,

    /// Retries after failures before the request was sent and HTTP 429 with Retry-After (a
    /// run that may have started is never sent again).
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

    /// Leave out the run helpers: `WORKFLOW_ID`, and `RunRequest` (start node) or
    /// `parse_output`, `parse_run_answer` and `RunError` (end node).
    #[arg(long)]
    no_run_helpers: bool,
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

    #[command(flatten)]
    form: FormArgs,
}

/// The form's choices that `all` passes through too.
#[derive(Debug, Args)]
struct FormArgs {
    /// The language of every word the form writes. `auto` picks zh-CN when the workflow's
    /// name and descriptions are mainly Chinese (at least as many Han characters as Latin
    /// words), else en.
    #[arg(long, value_enum, value_name = "LANG", default_value_t = LangArg::Auto)]
    lang: LangArg,

    /// Give file parameters an upload button: the chosen file is POSTed (multipart, field
    /// `file`) to this absolute http(s) URL, your own endpoint that uploads it to Coze with the
    /// API token, and its JSON answer (`{"url": …}` or `{"file_id": …}`) becomes the value.
    #[arg(long, value_name = "URL", value_parser = parse_upload_action)]
    upload_action: Option<String>,
}

impl FormArgs {
    fn lang(&self) -> Option<html::i18n::Lang> {
        match self.lang {
            LangArg::Auto => None,
            LangArg::En => Some(html::i18n::Lang::En),
            LangArg::ZhCn => Some(html::i18n::Lang::ZhCn),
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LangArg {
    Auto,
    En,
    #[value(name = "zh-CN")]
    ZhCn,
}

fn parse_upload_action(url: &str) -> Result<String, String> {
    html::check_action(url).map(|_| url.to_owned())
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
                run_helpers: !args.no_run_helpers,
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
                lang: args.form.lang(),
                upload_action: args.form.upload_action.clone(),
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
                run_helpers: !args.no_run_helpers,
            };
            let common = &args.common;
            generate(common, &build, |w| {
                let (code, warnings) = rust::render_with_warnings(w, &options)?;
                report(&warnings, common)?;
                Ok(code)
            })
        }
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
        Command::Fetch(args) => {
            let options = args.api.options();
            let text = match &args.workflow_version {
                Some(version) => {
                    cozegen::fetch::snapshot_version(&options, &args.workflow_id, version)?
                }
                None => cozegen::fetch::snapshot(&options, &args.workflow_id)?,
            };
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
        Some(id) => fetch_info(&args.api, id, args.workflow_version.as_deref())?,
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
    warn_message_in_parameters(&workflow, params.value());
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

/// A chatflow's message given among its parameters, where `--open-objects` accepts it: Coze
/// drops it without a word, so say so (with closed objects it is a problem of its own).
fn warn_message_in_parameters(workflow: &Workflow, params: &serde_json::Value) {
    let message = cozegen::ir::MESSAGE_PARAM;
    if workflow.is_chatflow() && !workflow.input.root().closed && params.get(message).is_some() {
        eprintln!(
            "warning: {message}: the chat API ignores it in `parameters`; a chatflow's message \
             goes in `additional_messages` (cozegen run --message)"
        );
    }
}

/// `cozegen run`: check, send, check, print; or answer an interrupt.
#[cfg(feature = "fetch")]
fn run_workflow(args: &RunArgs) -> Result<(), Error> {
    use cozegen::run::{self, ResumeRequest, RunRequest};
    let options = cozegen::fetch::FetchOptions {
        base_url: args.base_url.clone(),
        token: args.token.clone(),
        timeout: std::time::Duration::from_secs(args.timeout),
        retries: args.retries,
        retry_delay: std::time::Duration::from_millis(args.retry_delay_ms),
        allow_insecure_http: args.allow_insecure_http,
        ..Default::default()
    };
    let stdin = std::path::Path::new("-");
    if args.workflow_id.is_none()
        && args.file.as_deref().is_none_or(|f| f == stdin)
        && args.params.as_deref() == Some(stdin)
    {
        return Err(Error::Usage(
            "the WorkflowInfo and --params cannot both come from stdin".into(),
        ));
    }
    if args.json && !args.stream && args.message.is_none() {
        return Err(Error::Usage(
            "--json prints the events of a stream: add --stream (or --message for a chatflow)"
                .into(),
        ));
    }
    if let Some(version) = &args.workflow_version {
        cozegen::fetch::check_version(version)?;
    }
    let invocation = match &args.workflow_id {
        Some(id) => format!("cozegen run -w {id}"),
        None => format!(
            "cozegen run {}",
            args.file.as_deref().unwrap_or(stdin).display()
        ),
    } + if args.stream { " --stream" } else { "" };

    // Answering an interrupt needs only the workflow's ID.
    if let (Some(event_id), Some(answer)) = (&args.resume, &args.answer) {
        let workflow_id = match &args.workflow_id {
            Some(id) => id.clone(),
            None => run_target(&cozegen::load_path(document_path(&args.file)?)?)?,
        };
        let request = ResumeRequest {
            workflow_id,
            event_id: event_id.clone(),
            interrupt_type: args.interrupt_type,
            answer: answer.clone(),
        };
        return if args.stream {
            let mut print = event_printer(args.json);
            let end = run::stream_resume(&options, &request, &mut print);
            stream_finished(end, &invocation)
        } else {
            let answer = run::resume(&options, &request)?;
            print_answer(&answer, &invocation, None)
        };
    }

    let info = match &args.workflow_id {
        Some(id) => fetch_info_with(&options, id, args.workflow_version.as_deref())?,
        None => cozegen::load_path(document_path(&args.file)?)?,
    };
    let workflow_id = match &args.workflow_id {
        Some(id) => id.clone(),
        None => run_target(&info)?,
    };
    let build = BuildOptions {
        open_objects: args.open_objects,
        ..BuildOptions::default()
    };
    let (workflow, warnings) = cozegen::build(&info, &build)?;
    if !args.quiet {
        print_warnings(&warnings);
    }
    match (&workflow.chat, &args.message) {
        (Some(_), None) => {
            return Err(Error::Usage(format!(
                "this is a chatflow: it is called through /v1/workflows/chat with the user's \
                 message; give it with --message TEXT (its {} is the message, not a parameter)",
                cozegen::ir::MESSAGE_PARAM
            )));
        }
        (None, Some(_)) => {
            return Err(Error::Usage(
                "--message is for chatflows, and this is a workflow: give its parameters with \
                 --params"
                    .into(),
            ));
        }
        _ => {}
    }
    let params = match (&args.params, &args.message) {
        (None, Some(_)) => cozegen::load::parse_json(b"{}", "--params")?,
        (params, _) => cozegen::load::read_json(params.as_deref().unwrap_or(stdin))?,
    };
    warn_message_in_parameters(&workflow, params.value());
    let problems = cozegen::validate::validate(&workflow.input, params.value());
    if !problems.is_empty() {
        let mut stderr = std::io::stderr().lock();
        for p in &problems {
            let _ = writeln!(stderr, "{p}");
        }
        let _ = writeln!(stderr, "nothing was sent");
        return Err(Error::InvalidParameters {
            count: problems.len(),
        });
    }
    // A workflow or chatflow of an app runs only with its app (and a chat needs an app or an
    // agent): the document's own app, unless the command line names an app or an agent.
    let app_id = args.app_id.clone().or_else(|| {
        args.bot_id
            .is_none()
            .then(|| workflow.details.run_app_id.clone())
            .flatten()
    });
    if let Some(message) = &args.message {
        let request = run::ChatRequest {
            workflow_id,
            message: message.clone(),
            parameters: params.value().as_object().cloned().unwrap_or_default(),
            workflow_version: args.workflow_version.clone(),
            app_id,
            bot_id: args.bot_id.clone(),
            conversation_id: args.conversation_id.clone(),
        };
        let mut print = event_printer(args.json);
        let end = run::chat(&options, &request, &mut print);
        let invocation = match &args.params {
            Some(path) => format!("{invocation} --params {}", path.display()),
            None => invocation,
        };
        return chat_finished(end, &invocation);
    }
    let request = RunRequest {
        workflow_id,
        parameters: params.value().as_object().cloned().unwrap_or_default(),
        workflow_version: args.workflow_version.clone(),
        app_id,
        bot_id: args.bot_id.clone(),
    };
    if args.stream {
        let mut print = event_printer(args.json);
        let end = run::stream(&options, &request, &mut print);
        return stream_finished(end, &invocation);
    }
    let answer = run::run(&options, &request)?;
    print_answer(&answer, &invocation, Some(&workflow))
}

/// The workflow a saved WorkflowInfo describes (`workflow_detail.workflow_id`).
#[cfg(feature = "fetch")]
fn run_target(info: &WorkflowInfo) -> Result<String, Error> {
    let (workflow, _) = cozegen::build(info, &BuildOptions::default())?;
    workflow
        .details
        .id
        .filter(|id| !id.is_empty())
        .ok_or_else(|| {
            Error::Usage(
            "the WorkflowInfo has no workflow_detail.workflow_id, so cozegen does not know which \
             workflow to run: run it with -w ID"
                .into(),
        )
        })
}

#[cfg(feature = "fetch")]
fn fetch_info_with(
    options: &cozegen::fetch::FetchOptions,
    id: &str,
    version: Option<&str>,
) -> Result<WorkflowInfo, Error> {
    match version {
        Some(version) => cozegen::fetch::fetch_version(options, id, version),
        None => cozegen::fetch::fetch_workflow(options, id),
    }
}

/// Prints a run's answer: the output on stdout, the rest on stderr; then checks the output
/// against the end node (when the workflow is known) and reports an interrupt.
#[cfg(feature = "fetch")]
fn print_answer(
    answer: &cozegen::run::RunAnswer,
    invocation: &str,
    workflow: Option<&Workflow>,
) -> Result<(), Error> {
    use cozegen::ir::path::printable;
    use cozegen::run::Output;
    let text = match &answer.output {
        Output::Json(value) => {
            serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string()) + "\n"
        }
        Output::Text(text) if text.ends_with('\n') => text.clone(),
        Output::Text(text) => format!("{text}\n"),
        Output::None => String::new(),
    };
    emit(None, &text)?;
    let mut stderr = std::io::stderr().lock();
    report_ids(
        &mut stderr,
        &[
            ("execute_id", &answer.execute_id),
            ("debug_url", &answer.debug_url),
            ("logid", &answer.logid),
        ],
        answer.usage.as_ref(),
    );
    if matches!(answer.output, Output::Text(_)) {
        let _ = writeln!(
            stderr,
            "note: the output is not JSON (an end node that answers with its content template), \
             so it is printed as it is and not checked"
        );
    }
    if let Some(interrupt) = &answer.interrupt {
        print_interrupt(&mut stderr, interrupt, invocation);
        return Err(Error::Interrupted {
            event_id: printable(&interrupt.event_id, 200),
        });
    }
    if let Some(workflow) = workflow {
        let problems = cozegen::run::check_output(workflow, &answer.output);
        for p in &problems {
            let _ = writeln!(stderr, "output {p}");
        }
        if !problems.is_empty() {
            return Err(Error::OutputMismatch {
                count: problems.len(),
            });
        }
    }
    Ok(())
}

#[cfg(feature = "fetch")]
fn print_interrupt(out: &mut impl Write, interrupt: &cozegen::run::Interrupt, invocation: &str) {
    use cozegen::ir::path::printable;
    let _ = writeln!(
        out,
        "interrupted: event_id {} (type {}, {}){}",
        printable(&interrupt.event_id, 200),
        interrupt
            .interrupt_type
            .map_or("?".to_owned(), |t| t.to_string()),
        interrupt.type_name(),
        interrupt
            .node_title
            .as_deref()
            .map(|t| format!(" at node {}", printable(t, 100)))
            .unwrap_or_default()
    );
    if let Some(question) = &interrupt.question {
        let _ = writeln!(out, "question: {}", printable(question, 2000));
    }
    let _ = writeln!(
        out,
        "resume with: {}",
        printable(&cozegen::run::resume_command(invocation, interrupt), 600)
    );
}

/// Prints stream events as they arrive: message content on stdout (a newline after a node's
/// last chunk), or each event as a line of JSON.
#[cfg(feature = "fetch")]
fn event_printer(json: bool) -> impl FnMut(&cozegen::run::Event) {
    let mut ended_line = true;
    move |event| {
        let mut stdout = std::io::stdout().lock();
        if json {
            let _ = writeln!(stdout, "{}", event.to_json_line());
        } else if let Some(content) = event.content() {
            let _ = stdout.write_all(content.as_bytes());
            if !content.is_empty() {
                ended_line = content.ends_with('\n');
            }
            let finished = event
                .data
                .get("node_is_finish")
                .and_then(serde_json::Value::as_bool)
                == Some(true);
            if finished && !ended_line {
                let _ = stdout.write_all(b"\n");
                ended_line = true;
            }
        } else if event.ends_answer() {
            let finished = true;
            if finished && !ended_line {
                let _ = stdout.write_all(b"\n");
                ended_line = true;
            }
        }
        // A closed stdout is the reader's choice; the run goes on.
        let _ = stdout.flush();
    }
}

/// Reports how a stream ended on stderr.
#[cfg(feature = "fetch")]
fn stream_finished(
    end: Result<cozegen::run::StreamEnd, Error>,
    invocation: &str,
) -> Result<(), Error> {
    use cozegen::ir::path::printable;
    use cozegen::run::StreamEnd;
    let mut stderr = std::io::stderr().lock();
    match end? {
        StreamEnd::Done { debug_url, usage } => {
            report_ids(&mut stderr, &[("debug_url", &debug_url)], usage.as_ref());
            Ok(())
        }
        StreamEnd::Interrupted(interrupt) => {
            print_interrupt(&mut stderr, &interrupt, invocation);
            Err(Error::Interrupted {
                event_id: printable(&interrupt.event_id, 200),
            })
        }
    }
}

/// Writes what Coze said about a run or chat besides its output (ids, links, usage) to stderr,
/// one `name: value` line each, escaped like any text from the server.
#[cfg(feature = "fetch")]
fn report_ids(
    stderr: &mut impl Write,
    values: &[(&str, &Option<String>)],
    usage: Option<&cozegen::run::Usage>,
) {
    for (name, value) in values {
        if let Some(value) = value {
            let _ = writeln!(
                stderr,
                "{name}: {}",
                cozegen::ir::path::printable(value, 500)
            );
        }
    }
    if let Some(usage) = usage {
        let _ = writeln!(stderr, "usage: {}", serde_json::json!(usage));
    }
}

/// Reports how a chat ended on stderr: its ids, and how to answer a chatflow that waits.
#[cfg(feature = "fetch")]
fn chat_finished(end: Result<cozegen::run::ChatEnd, Error>, invocation: &str) -> Result<(), Error> {
    use cozegen::ir::path::printable;
    let end = end?;
    let mut stderr = std::io::stderr().lock();
    report_ids(
        &mut stderr,
        &[
            ("conversation_id", &end.conversation_id),
            ("chat_id", &end.chat_id),
            ("debug_url", &end.debug_url),
        ],
        end.usage.as_ref(),
    );
    if !end.requires_action {
        return Ok(());
    }
    let conversation = end.conversation_id.as_deref().unwrap_or("CONVERSATION_ID");
    let _ = writeln!(
        stderr,
        "the chatflow waits for an answer (a question or input node): send it as the next \
         message in the same conversation"
    );
    let _ = writeln!(
        stderr,
        "answer with: {}",
        printable(
            &format!(
                "{invocation} --message 'YOUR ANSWER' --conversation-id '{}'",
                conversation.replace('\'', r"'\''")
            ),
            600
        )
    );
    Err(Error::Interrupted {
        event_id: printable(end.chat_id.as_deref().unwrap_or(conversation), 200),
    })
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
    // Both arguments are checked before either is read or fetched.
    let (old_side, new_side) = (diff_side(&args.old)?, diff_side(&args.new)?);
    let (old, _) = cozegen::build(&diff_source(args, old_side)?, &BuildOptions::default())?;
    let (new, _) = cozegen::build(&diff_source(args, new_side)?, &BuildOptions::default())?;
    let changes = cozegen::diff::diff(&old, &new);
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

/// One workflow of [`Sources`]: its IR, and the ID its runs go to when it is known.
struct Loaded {
    workflow: Workflow,
    id: Option<String>,
}

/// Loads every workflow [`Sources`] names, in order (a workspace sorted by ID), printing the
/// build warnings. A workspace workflow that fails is reported and left out; the count of
/// those is returned beside the workflows.
fn load_sources(sources: &Sources) -> Result<(Vec<Loaded>, usize), Error> {
    let build = BuildOptions {
        open_objects: sources.open_objects,
        ..BuildOptions::default()
    };
    let mut infos: Vec<(WorkflowInfo, Option<String>)> = Vec::new();
    let mut failed = 0;
    #[cfg(feature = "fetch")]
    if let Some(workspace_id) = &sources.workspace_id {
        let options = sources.api.options();
        let mut listed = cozegen::fetch::list_workflows(
            &options,
            workspace_id,
            cozegen::fetch::DEFAULT_PAGE_SIZE,
        )?;
        listed.sort_by(|a, b| cozegen::workspace::id_order(&a.id, &b.id));
        for listed in listed {
            match cozegen::fetch::fetch_workflow(&options, &listed.id) {
                Ok(info) => infos.push((info, Some(listed.id))),
                Err(e) => {
                    failed += 1;
                    eprintln!(
                        "error: workflow {}: {e}",
                        cozegen::ir::path::printable(&listed.id, 60)
                    );
                }
            }
        }
    }
    for file in &sources.files {
        infos.push((cozegen::load_path(file)?, None));
    }
    #[cfg(feature = "fetch")]
    for id in &sources.workflow_ids {
        infos.push((fetch_info(&sources.api, id, None)?, Some(id.clone())));
    }
    #[cfg(feature = "fetch")]
    let none = sources.workspace_id.is_none() && sources.workflow_ids.is_empty();
    #[cfg(not(feature = "fetch"))]
    let none = true;
    if none && sources.files.is_empty() {
        return Err(Error::Usage(
            "no workflow given: name saved WorkflowInfo FILEs, fetch workflows with -w ID, or \
             give --workspace-id ID"
                .into(),
        ));
    }
    let mut loaded = Vec::with_capacity(infos.len());
    for (info, id) in infos {
        let (workflow, warnings) = cozegen::build(&info, &build)?;
        if !sources.quiet {
            let name = workflow.details.name.as_deref().or(id.as_deref());
            let label = cozegen::ir::path::printable(name.unwrap_or("workflow"), 60);
            for w in &warnings {
                eprintln!("warning: {label}: {w}");
            }
        }
        let id = id.or_else(|| workflow.details.id.clone().filter(|id| !id.is_empty()));
        loaded.push(Loaded { workflow, id });
    }
    Ok((loaded, failed))
}

/// `cozegen tool`: one definition per workflow, as a JSON array.
fn tool(args: &ToolArgs) -> Result<(), Error> {
    use cozegen::tool::Format;
    let format = match args.format {
        ToolFormat::Openai => Format::OpenAi,
        ToolFormat::OpenaiChat => Format::OpenAiChat,
        ToolFormat::Anthropic => Format::Anthropic,
        ToolFormat::Mcp => Format::Mcp,
    };
    let (loaded, failed) = load_sources(&args.sources)?;
    let workflows: Vec<&Workflow> = loaded.iter().map(|l| &l.workflow).collect();
    let (text, warnings) = cozegen::tool::render(&workflows, format)?;
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

/// `cozegen mcp`: loads the workflows, then serves them until the client hangs up.
#[cfg(feature = "mcp")]
fn mcp(args: &McpArgs) -> Result<(), Error> {
    if args.sources.files.iter().any(|f| f.as_os_str() == "-") {
        return Err(Error::Usage(
            "cozegen mcp speaks the protocol on stdin, so it cannot read a WorkflowInfo from it: \
             name a file"
                .into(),
        ));
    }
    let (loaded, _failed) = load_sources(&args.sources)?;
    let mut served = Vec::with_capacity(loaded.len());
    for Loaded { workflow, id } in loaded {
        let Some(workflow_id) = id else {
            return Err(Error::Usage(format!(
                "the WorkflowInfo of {} has no workflow_detail.workflow_id, so its runs have \
                 nowhere to go: serve it with -w ID",
                cozegen::ir::path::printable(
                    workflow.details.name.as_deref().unwrap_or("a workflow"),
                    60
                )
            )));
        };
        served.push(cozegen::mcp::Served {
            workflow,
            workflow_id,
            workflow_version: None,
        });
    }
    if served.is_empty() {
        return Err(Error::Usage("no workflow to serve".into()));
    }
    let options = cozegen::fetch::FetchOptions {
        timeout: std::time::Duration::from_secs(args.run_timeout),
        ..args.sources.api.options()
    };
    // Said now, not only on each call: a client lists the tools happily without a token, and
    // every call would then fail the same way.
    if let Err(e) = cozegen::fetch::usable_token(&options) {
        eprintln!("warning: {e}; the tools are listed, but every call will fail until it is set");
    }
    let (server, warnings) = cozegen::mcp::Server::new(served, options)?;
    if !args.sources.quiet {
        print_warnings(&warnings);
        eprintln!(
            "cozegen mcp: serving {} on stdio",
            cozegen::error::plural(server.tools().len(), "tool")
        );
    }
    let ended = cozegen::mcp::serve(server)?;
    let in_flight = match ended {
        cozegen::mcp::Ended::NoSession => {
            if !args.sources.quiet {
                eprintln!("cozegen mcp: stdin closed before a client began a session");
            }
            0
        }
        cozegen::mcp::Ended::Closed { in_flight } => in_flight,
        cozegen::mcp::Ended::Signal { name, in_flight } => {
            if !args.sources.quiet {
                eprintln!("cozegen mcp: stopped by {name}");
            }
            in_flight
        }
    };
    if in_flight > 0 {
        eprintln!(
            "cozegen mcp: the session ended while {} waited for Coze: those runs may have \
             started; check the run history before running them again",
            cozegen::error::plural(in_flight, "call")
        );
    }
    Ok(())
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
        lang: args.form.lang(),
        upload_action: args.form.upload_action.clone(),
    };
    #[cfg(feature = "fetch")]
    if let Some(workspace_id) = &args.workspace_id {
        return workspace(args, workspace_id, build, bundle);
    }
    #[cfg(feature = "fetch")]
    let info = match &args.workflow_id {
        Some(id) => fetch_info(&args.api, id, args.workflow_version.as_deref())?,
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

/// One side of `diff`: a file, or a workflow ID and perhaps one of its published versions.
enum DiffSide<'a> {
    File(&'a std::path::Path),
    Id(&'a str, Option<&'a str>),
}

/// Reads an argument of `diff`: a file, or with the `id:` prefix, `ID` or `ID@VERSION`.
fn diff_side(source: &std::path::Path) -> Result<DiffSide<'_>, Error> {
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
fn diff_source(args: &DiffArgs, side: DiffSide<'_>) -> Result<WorkflowInfo, Error> {
    let (id, version) = match side {
        DiffSide::File(path) => return cozegen::load_path(path),
        DiffSide::Id(id, version) => (id, version),
    };
    #[cfg(feature = "fetch")]
    {
        let options = args.api.options();
        match version {
            Some(version) => cozegen::fetch::fetch_version(&options, id, version),
            None => cozegen::fetch::fetch_workflow(&options, id),
        }
    }
    #[cfg(not(feature = "fetch"))]
    {
        let _ = (args, version);
        Err(Error::Usage(format!(
            "`{ID_PREFIX}{}` names a workflow ID, but this cozegen was built without the `fetch` \
             feature",
            cozegen::ir::path::printable(id, 40)
        )))
    }
}

/// `ID` or `ID@VERSION` (what follows `id:`), split; an empty ID or version is a usage error.
fn split_id_source(rest: &str) -> Result<(&str, Option<&str>), Error> {
    use cozegen::ir::path::printable;
    let shown = || printable(&format!("{ID_PREFIX}{rest}"), 80);
    let (id, version) = match rest.split_once('@') {
        Some((id, version)) => (id, Some(version)),
        None => (rest, None),
    };
    if id.is_empty() {
        return Err(Error::Usage(format!(
            "`{}` names no workflow: write id:<WORKFLOW_ID>, or id:<WORKFLOW_ID>@<VERSION> for a \
             published version",
            shown()
        )));
    }
    if version.is_some_and(str::is_empty) {
        return Err(Error::Usage(format!(
            "`{}` names no version: write id:{}@<VERSION> (e.g. @v0.0.1), or drop the `@` for \
             the latest",
            shown(),
            printable(id, 40)
        )));
    }
    #[cfg(feature = "fetch")]
    if let Some(version) = version {
        cozegen::fetch::check_version(version)?;
    }
    Ok((id, version))
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
        return fetch_info(&common.api, id, common.workflow_version.as_deref());
    }
    cozegen::load_path(document_path(&common.file)?)
}

/// Fetches a workflow: its latest definition, or the published `version`.
#[cfg(feature = "fetch")]
fn fetch_info(api: &ApiArgs, id: &str, version: Option<&str>) -> Result<WorkflowInfo, Error> {
    let options = api.options();
    match version {
        Some(version) => cozegen::fetch::fetch_version(&options, id, version),
        None => cozegen::fetch::fetch_workflow(&options, id),
    }
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
