//! What a server of runs — `cozegen mcp` and `cozegen serve` — holds and how it ends: the
//! workflows it serves ([`Served`]), the signal that stops it ([`signal`]), and how long a run
//! still on Coze may hold the process after that ([`LET_GO_AFTER`]). One definition, so that the
//! two servers cannot come to disagree on what they serve or how they stop.

use crate::ir::Workflow;
use std::time::Duration;

/// A workflow to serve: its IR and the ID runs go to.
#[derive(Debug, Clone)]
pub struct Served {
    /// The workflow, built from its WorkflowInfo.
    pub workflow: Workflow,
    /// The workflow ID sent with each run.
    pub workflow_id: String,
    /// The published version to run, when not the latest.
    pub workflow_version: Option<String>,
}

/// How long a server that ends waits for runs still on Coze before it lets them go: a run
/// cannot be interrupted and can take minutes, which no departed client would read (rmcp itself
/// gives in-flight MCP answers 5 s after stdin closes, 2 s after a signal).
pub const LET_GO_AFTER: Duration = Duration::from_millis(200);

/// The next `SIGINT` or `SIGTERM`, by name (Ctrl-C elsewhere). Where a handler cannot be
/// installed, it never comes.
pub async fn signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut int), Ok(mut term)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) else {
            return std::future::pending().await;
        };
        tokio::select! {
            _ = int.recv() => "SIGINT",
            _ = term.recv() => "SIGTERM",
        }
    }
    #[cfg(not(unix))]
    {
        match tokio::signal::ctrl_c().await {
            Ok(()) => "Ctrl-C",
            Err(_) => std::future::pending().await,
        }
    }
}
