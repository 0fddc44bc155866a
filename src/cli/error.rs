//! The command line's errors, and the exit code of each: decided here, and only here.
//!
//! The library's errors come wrapped ([`Error::Lib`]); the rest are what a command finds that is
//! not the library's business (problems it listed, changes it found, drift it saw).

use cozegen::text::plural;

/// Everything that ends a command with a non-zero exit code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// What the library could not do.
    #[error(transparent)]
    Lib(#[from] cozegen::Error),

    /// Arguments that parse but do not make sense together.
    #[error("{0}")]
    Usage(String),

    /// `--deny-warnings` was given and building produced warnings.
    #[error("{} denied by --deny-warnings", plural(*.count, "warning"))]
    DeniedWarnings {
        /// How many warnings there were.
        count: usize,
    },

    /// `cozegen validate` found problems (listed separately).
    #[error("the parameters do not fit the workflow: {}", plural(*.count, "problem"))]
    InvalidParameters {
        /// How many problems were found.
        count: usize,
    },

    /// `cozegen diff` found breaking changes (listed separately).
    #[error("{}", plural(*.count, "breaking change"))]
    BreakingChanges {
        /// How many breaking changes were found.
        count: usize,
    },

    /// `--check` found artifacts that are missing or differ from what would be generated.
    #[error("{} would change: {}", if .paths.len() == 1 { "1 file" } else { "files" }, .paths.join(", "))]
    Drift {
        /// The artifacts that would change, as paths.
        paths: Vec<String>,
    },

    /// `--check` found artifacts that are missing or differ; they were listed one per line.
    #[error("{} would change (listed on stdout)", plural(*.count, "file"))]
    DriftCount {
        /// How many artifacts would change.
        count: usize,
    },

    /// `cozegen all --workspace-id`: some workflows could not be generated (each was reported).
    #[error("{failed} of {} failed (see above and index.json)", plural(*.total, "workflow"))]
    WorkflowsFailed {
        /// How many workflows failed.
        failed: usize,
        /// How many workflows the workspace listed.
        total: usize,
    },

    /// The output of a run does not fit the end node (the problems were listed separately).
    #[cfg(feature = "fetch")]
    #[error(
        "the run's output does not fit the end node: {} (listed above; the raw output is on \
         stdout)",
        plural(*.count, "problem")
    )]
    OutputMismatch {
        /// How many problems were found.
        count: usize,
    },

    /// An asynchronous run read from its history has not ended (after --wait-timeout, with
    /// --wait). It was not sent again; `command` reads it later.
    #[cfg(feature = "fetch")]
    #[error(
        "run {execute_id} is still running{}; it was not sent again. Read its result later \
         with: {command} (add --wait to wait for it)",
        match .waited { Some(s) => format!(" after --wait-timeout {s} s"), None => String::new() }
    )]
    StillRunning {
        /// The run's execute id, escaped.
        execute_id: String,
        /// How long cozegen waited, in seconds, when it did.
        waited: Option<u64>,
        /// The command that reads its result, escaped.
        command: String,
    },

    /// A run read from its history failed (`Fail`), with Coze's error code, message and log
    /// id when given.
    #[cfg(feature = "fetch")]
    #[error(
        "run {execute_id} failed{}{}{}",
        match .code { Some(c) => format!(": error {c}"), None => String::new() },
        match .message { Some(m) => format!(": {m}"), None => String::new() },
        match .logid { Some(l) => format!(" (logid {l})"), None => String::new() }
    )]
    RunFailed {
        /// The run's execute id, escaped.
        execute_id: String,
        /// `error_code`, escaped.
        code: Option<String>,
        /// `error_message`, escaped.
        message: Option<String>,
        /// The run's log id, escaped.
        logid: Option<String>,
    },

    /// A run read from its history succeeded, but Coze cut its output because it is too large
    /// (`is_output_trimmed`).
    #[cfg(feature = "fetch")]
    #[error(
        "the output of run {execute_id} was cut by Coze because it is too large \
         (is_output_trimmed): what is on stdout is incomplete and was not checked against the \
         end node; its debug_url shows each node's output"
    )]
    OutputTrimmed {
        /// The run's execute id, escaped.
        execute_id: String,
    },

    /// A run read from its history has a status cozegen does not read (Coze Studio's
    /// `Cancel`, or none): it gave no result.
    #[cfg(feature = "fetch")]
    #[error(
        "run {execute_id} ended with status `{status}`, not Success: it gave no output to read"
    )]
    RunEnded {
        /// The run's execute id, escaped.
        execute_id: String,
        /// The status as sent, escaped (empty when none was sent).
        status: String,
    },

    /// The run stopped at a question or input node and waits for an answer (how to resume
    /// was printed separately). The CLI exits 3.
    #[cfg(feature = "fetch")]
    #[error("the run is waiting for an answer to interrupt {event_id} (resume it as shown above)")]
    Interrupted {
        /// The interrupt's event id, which `--resume` takes.
        event_id: String,
    },
}

/// Each layer's error reaches a command through the library's.
macro_rules! from_layer {
    ($($layer:ty),* $(,)?) => {
        $(impl From<$layer> for Error {
            fn from(e: $layer) -> Self {
                Error::Lib(e.into())
            }
        })*
    };
}

from_layer!(
    cozegen::source::Error,
    cozegen::ir::Error,
    cozegen::emit::Error,
    cozegen::output::Error,
);
#[cfg(feature = "fetch")]
from_layer!(cozegen::coze::Error);

impl Error {
    /// The exit code: 2 for a usage error (arguments that cannot work, whatever the document),
    /// 3 for a run that waits for an answer, 1 for everything else.
    pub fn exit_code(&self) -> u8 {
        use cozegen::{emit, ir};
        match self {
            Error::Usage(_)
            | Error::Lib(cozegen::Error::Ir(ir::Error::InvalidTypeName { .. }))
            | Error::Lib(cozegen::Error::Emit(
                emit::Error::InvalidDerive { .. }
                | emit::Error::InvalidAction { .. }
                | emit::Error::InvalidUploadAction { .. }
                | emit::Error::ConflictingOptions(_),
            )) => 2,
            #[cfg(feature = "fetch")]
            // A malformed ID or version is a usage error wherever it is written (`-w`, `id:…`,
            // `--workspace-id`, `--execute-id`): nothing was or could be fetched for it.
            Error::Lib(cozegen::Error::Coze(
                cozegen::coze::Error::InvalidVersion { .. }
                | cozegen::coze::Error::InvalidWorkflowId { .. }
                | cozegen::coze::Error::InvalidWorkspaceId { .. }
                | cozegen::coze::Error::InvalidExecuteId { .. },
            )) => 2,
            #[cfg(feature = "fetch")]
            Error::Interrupted { .. } => 3,
            _ => 1,
        }
    }
}
