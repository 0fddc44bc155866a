//! The argument groups commands share: where a document comes from and where an artifact
//! goes, and how to reach the Coze API.

use super::error::Error;
use super::io::document_path;
#[cfg(feature = "fetch")]
use super::io::fetch_info;
use clap::Args;
use cozegen::model::WorkflowInfo;
use std::path::PathBuf;

/// Where the workflow comes from: a saved document (or stdin), or the Coze API.
#[derive(Debug, Args)]
pub(crate) struct Document {
    /// A saved WorkflowInfo (full API response or bare `data`), a Coze Studio canvas (or
    /// Studio's canvas answer), or `-` for stdin (the default when stdin is not a terminal).
    #[arg(value_name = "FILE")]
    pub(crate) file: Option<PathBuf>,

    /// Fetch the WorkflowInfo of this workflow from the Coze API instead of reading FILE.
    #[cfg(feature = "fetch")]
    #[arg(short = 'w', long, value_name = "ID", conflicts_with = "file")]
    pub(crate) workflow_id: Option<String>,

    /// With --workflow-id: that workflow's published version VERSION (e.g. v0.0.2, as the
    /// version list shows it) instead of the latest.
    #[cfg(feature = "fetch")]
    #[arg(long, value_name = "VERSION", requires = "workflow_id")]
    pub(crate) workflow_version: Option<String>,

    #[cfg(feature = "fetch")]
    #[command(flatten)]
    pub(crate) api: ApiArgs,
}

impl Document {
    /// Whether the document is read from stdin: FILE is `-`, or none is given and nothing is
    /// fetched.
    pub(crate) fn on_stdin(&self) -> bool {
        #[cfg(feature = "fetch")]
        if self.workflow_id.is_some() {
            return false;
        }
        self.file.as_deref().is_none_or(|f| f.as_os_str() == "-")
    }

    /// Reads FILE (or stdin), or fetches the workflow given with `--workflow-id`.
    pub(crate) fn load(&self) -> Result<WorkflowInfo, Error> {
        #[cfg(feature = "fetch")]
        if let Some(id) = &self.workflow_id {
            return fetch_info(&self.api, id, self.workflow_version.as_deref());
        }
        Ok(cozegen::load_path(document_path(&self.file)?)?)
    }
}

/// Where the document comes from and where the artifact goes.
#[derive(Debug, Args)]
pub(crate) struct Common {
    #[command(flatten)]
    pub(crate) document: Document,

    /// Write the artifact to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "OUT")]
    pub(crate) output: Option<PathBuf>,

    /// Do not print warnings.
    #[arg(short, long)]
    pub(crate) quiet: bool,

    /// Treat warnings as errors (exit 1 and write nothing).
    #[arg(long)]
    pub(crate) deny_warnings: bool,

    /// Write nothing; exit 1 if OUT is missing or differs from what would be generated
    /// (a drift check for CI, like `cargo fmt --check`).
    #[arg(long, requires = "output")]
    pub(crate) check: bool,

    /// Accept keys a workflow does not declare, in every artifact (by default objects are
    /// closed: an extra key is almost always a typo).
    #[arg(long)]
    pub(crate) open_objects: bool,
}

#[cfg(feature = "fetch")]
pub(crate) const API: &str = "Coze API";

/// How to reach the Coze API (for `--workflow-id` and `cozegen fetch`).
#[cfg(feature = "fetch")]
#[derive(Debug, Args)]
pub(crate) struct ApiArgs {
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
    pub(crate) token: Option<cozegen::coze::Token>,

    /// API address: https://api.coze.cn (coze.cn), https://api.coze.com (coze.com), or a
    /// self-hosted Coze Studio.
    #[arg(
        help_heading = API,
        long,
        env = "COZE_API_BASE",
        hide_env_values = true,
        value_name = "URL",
        default_value = cozegen::coze::DEFAULT_BASE_URL
    )]
    pub(crate) base_url: String,

    /// Give up on a request after this many seconds (connecting: at most 10).
    #[arg(
        help_heading = API,
        long,
        value_name = "SECONDS",
        default_value_t = 30,
        value_parser = clap::value_parser!(u64).range(1..=3600)
    )]
    pub(crate) timeout: u64,

    /// Retries after connection errors, HTTP 429 and 5xx, with exponential backoff
    /// (Retry-After is honoured).
    #[arg(
        help_heading = API,
        long,
        value_name = "N",
        default_value_t = 3,
        value_parser = clap::value_parser!(u32).range(0..=10)
    )]
    pub(crate) retries: u32,

    /// The wait before the first retry, in milliseconds (doubling after); for tests.
    #[arg(help_heading = API, long, value_name = "MS", default_value_t = 500, hide = true)]
    pub(crate) retry_delay_ms: u64,

    /// Allow plain http:// to hosts other than loopback (the token travels unencrypted).
    #[arg(help_heading = API, long)]
    pub(crate) allow_insecure_http: bool,
}

#[cfg(feature = "fetch")]
impl ApiArgs {
    pub(crate) fn options(&self) -> cozegen::coze::Options {
        cozegen::coze::Options {
            base_url: self.base_url.clone(),
            token: self.token.clone(),
            timeout: std::time::Duration::from_secs(self.timeout),
            retries: self.retries,
            retry_delay: std::time::Duration::from_millis(self.retry_delay_ms),
            allow_insecure_http: self.allow_insecure_http,
            ..Default::default()
        }
    }

    /// The client these arguments describe.
    pub(crate) fn client(&self) -> cozegen::coze::Client {
        cozegen::coze::Client::new(self.options())
    }
}

/// Never fails: clap quotes rejected values in its errors, and a token must not be quoted.
#[cfg(feature = "fetch")]
pub(crate) fn parse_token(s: &str) -> Result<cozegen::coze::Token, std::convert::Infallible> {
    Ok(cozegen::coze::Token::new(s))
}

/// A workflow named as `ID` or `ID@VERSION` (a published version, e.g. `7350…@v0.0.2`), split
/// in two: the one reading of `diff`'s `id:ID@VERSION` and of `-w ID@VERSION` (`tool`, `mcp`).
/// `written` is what stands before the ID on the command line (`id:`, `-w `), for the
/// messages. An empty ID or an empty version is a usage error; the version's own syntax is
/// the client's to check ([`cozegen::coze::Client::check_version`]).
pub(crate) fn split_id_version<'a>(
    text: &'a str,
    written: &str,
) -> Result<(&'a str, Option<&'a str>), Error> {
    use cozegen::text::printable;
    let shown = || printable(&format!("{written}{text}"), 80);
    let (id, version) = match text.split_once('@') {
        Some((id, version)) => (id, Some(version)),
        None => (text, None),
    };
    if id.is_empty() {
        return Err(Error::Usage(format!(
            "`{}` names no workflow: write {written}<WORKFLOW_ID>, or \
             {written}<WORKFLOW_ID>@<VERSION> for a published version",
            shown()
        )));
    }
    if version.is_some_and(str::is_empty) {
        return Err(Error::Usage(format!(
            "`{}` names no version: write {written}{}@<VERSION> (e.g. @v0.0.1), or drop the \
             `@` for the latest",
            shown(),
            printable(id, 40)
        )));
    }
    Ok((id, version))
}
