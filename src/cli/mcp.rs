//! `cozegen mcp`: workflows served as tools over the Model Context Protocol.

use super::args::API;
use super::error::Error;
use super::io::print_warnings;
use super::sources::{Sources, Stdin, load_served};
use clap::Args;

#[cfg(feature = "mcp")]
pub(crate) const MCP_NOTES: &str = "\
The token comes from COZE_API_TOKEN (or --token) and never appears in a message. Tool names
are those of `cozegen tool --format mcp`. A call whose arguments do not fit the start node is
a tool error listing the problems, and nothing is sent; `null` for an optional parameter is
read as absent. A Coze error is a tool error with its code and logid.

-w ID@VERSION serves a published version: the tool is built from that version's start node,
named with the version (order_intake_v0_0_2), and every call sends workflow_version.

Calls run concurrently (at most 64 wait for Coze at once; more queue). A call the client
cancels stops waiting at once and is answered no further; its run may already be on Coze and
is never sent again. A call whose request carries a progressToken gets a progress notification
each second while it waits.

Example client configuration (Claude Desktop and other `mcpServers` clients):
  {\"mcpServers\": {\"coze\": {\"command\": \"cozegen\",
    \"args\": [\"mcp\", \"--workspace-id\", \"7350000000000000000\"],
    \"env\": {\"COZE_API_TOKEN\": \"pat_...\"}}}}";

#[cfg(feature = "mcp")]
#[derive(Debug, Args)]
#[command(after_help = MCP_NOTES)]
pub(crate) struct McpArgs {
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
    /// run longer than a synchronous call's 90 s. Each read is reported to a client that asks
    /// for progress. Chatflows are chats, streamed as without it
    #[arg(help_heading = API, long = "async")]
    pub(crate) async_runs: bool,

    /// With --async: the wait before the first read of a run's history, in milliseconds
    /// (doubling after, to at most 10 s); for tests.
    #[arg(help_heading = API, long, value_name = "MS", default_value_t = 1000, hide = true)]
    pub(crate) poll_interval_ms: u64,
}

/// `cozegen mcp`: loads the workflows, then serves them until the client hangs up.
#[cfg(feature = "mcp")]
pub(crate) fn mcp(args: &McpArgs) -> Result<(), Error> {
    if args.sources.files.iter().any(|f| f.as_os_str() == "-") {
        return Err(Error::Usage(
            "cozegen mcp speaks the protocol on stdin, so it cannot read a WorkflowInfo from it: \
             name a file"
                .into(),
        ));
    }
    let served = load_served(&args.sources, Stdin::Protocol)?;
    let client = cozegen::coze::Client::new(cozegen::coze::Options {
        timeout: std::time::Duration::from_secs(args.run_timeout),
        ..args.sources.api.options()
    });
    // Said now, not only on each call: a client lists the tools happily without a token, and
    // every call would then fail the same way.
    if let Err(e) = client.token() {
        eprintln!("warning: {e}; the tools are listed, but every call will fail until it is set");
    }
    let (mut server, warnings) = cozegen::mcp::Server::new(served, client)?;
    if args.async_runs {
        server = server.with_async_runs(cozegen::coze::Wait {
            interval: std::time::Duration::from_millis(args.poll_interval_ms.max(1)),
            timeout: std::time::Duration::from_secs(args.run_timeout),
            ..cozegen::coze::Wait::default()
        });
    }
    if !args.sources.quiet {
        server = server.on_note(|note| eprintln!("{note}"));
    }
    if !args.sources.quiet {
        print_warnings(&warnings);
        eprintln!(
            "cozegen mcp: serving {} on stdio",
            cozegen::text::plural(server.tools().len(), "tool")
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
            cozegen::text::plural(in_flight, "call")
        );
    }
    Ok(())
}
