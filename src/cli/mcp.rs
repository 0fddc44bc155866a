//! `cozegen mcp`: workflows served as tools over the Model Context Protocol.

use super::error::Error;
use super::io::print_warnings;
use super::sources::{Serving, Stdin};
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
each second while it waits (with --async, also each read of the run's history).

Example client configuration (Claude Desktop and other `mcpServers` clients):
  {\"mcpServers\": {\"coze\": {\"command\": \"cozegen\",
    \"args\": [\"mcp\", \"--workspace-id\", \"7350000000000000000\"],
    \"env\": {\"COZE_API_TOKEN\": \"pat_...\"}}}}";

#[cfg(feature = "mcp")]
#[derive(Debug, Args)]
#[command(after_help = MCP_NOTES)]
pub(crate) struct McpArgs {
    #[command(flatten)]
    pub(crate) serving: Serving,
}

/// `cozegen mcp`: loads the workflows, then serves them until the client hangs up.
#[cfg(feature = "mcp")]
pub(crate) fn mcp(args: &McpArgs) -> Result<(), Error> {
    let sources = &args.serving.sources;
    let quiet = sources.quiet;
    if sources.files.iter().any(|f| f.as_os_str() == "-") {
        return Err(Error::Usage(
            "cozegen mcp speaks the protocol on stdin, so it cannot read a WorkflowInfo from it: \
             name a file"
                .into(),
        ));
    }
    let (served, client) = args.serving.load(
        Stdin::Protocol,
        "the tools are listed, but every call will fail until it is set",
    )?;
    let (mut server, warnings) = cozegen::mcp::Server::new(served, client)?;
    if let Some(wait) = args.serving.wait() {
        server = server.with_async_runs(wait);
    }
    if !quiet {
        server = server.on_note(|note| eprintln!("{note}"));
        print_warnings(&warnings);
        eprintln!(
            "cozegen mcp: serving {} on stdio",
            cozegen::text::plural(server.tools().len(), "tool")
        );
    }
    let ended = cozegen::mcp::serve(server)?;
    let in_flight = match ended {
        cozegen::mcp::Ended::NoSession => {
            if !quiet {
                eprintln!("cozegen mcp: stdin closed before a client began a session");
            }
            0
        }
        cozegen::mcp::Ended::Closed { in_flight } => in_flight,
        cozegen::mcp::Ended::Signal { name, in_flight } => {
            if !quiet {
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
