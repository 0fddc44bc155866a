//! `cozegen serve`: workflows served as web pages whose forms run them on Coze.

use super::error::Error;
use super::sources::{Serving, Stdin};
use clap::Args;
use std::net::IpAddr;

const SERVE_NOTES: &str = "\
The server listens on 127.0.0.1 unless --bind names another address, which needs an access
secret (--password or COZEGEN_SERVE_PASSWORD): its pages then ask for it. It answers only
requests whose Host names it (an IP address, localhost or an --allowed-host, with its port),
takes changes only from its own pages, and keeps the token (COZE_API_TOKEN or --token) to
itself. Ctrl-C (or SIGTERM) ends it, exit 0; a run still on Coze is let go, never sent again.
With --async, a workflow's runs page reads a run's result from the history again, for a run
whose page was closed.

Examples:
  cozegen serve examples/workflows/order_intake.json       one workflow, at http://127.0.0.1:8377/
  cozegen serve -w 7350583675492388916 --port 0 --open     pick a free port, open the browser
  COZEGEN_SERVE_PASSWORD=\"$SECRET\" cozegen serve --workspace-id 7350000000000000000 --bind 0.0.0.0";

#[derive(Debug, Args)]
#[command(after_help = SERVE_NOTES)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    pub(crate) serving: Serving,

    /// The address to listen on; other than loopback, it needs --password.
    #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1")]
    pub(crate) bind: IpAddr,

    /// The port to listen on; 0 picks a free one (the address is printed on stderr).
    #[arg(long, default_value_t = 8377)]
    pub(crate) port: u16,

    /// The access secret the pages ask for (at least 8 characters). Prefer the environment
    /// variable: arguments are visible to other users of the machine.
    #[arg(long, env = "COZEGEN_SERVE_PASSWORD", hide_env_values = true)]
    pub(crate) password: Option<String>,

    /// A host name the pages may be reached by, besides IP addresses and localhost
    /// (repeatable): any other Host is refused.
    #[arg(long = "allowed-host", value_name = "NAME")]
    pub(crate) allowed_hosts: Vec<String>,

    /// An origin (`http://localhost:5173`) whose pages may send runs to /w/N/run, for a form
    /// embedded with `cozegen html --component` in another app (repeatable). Only without an
    /// access secret, on a loopback address.
    #[arg(long = "allow-origin", value_name = "ORIGIN", value_parser = parse_origin)]
    pub(crate) allowed_origins: Vec<String>,

    /// Open the index in the browser ($BROWSER, else the system's opener).
    #[arg(long)]
    pub(crate) open: bool,

    /// The language of the pages. `auto` picks it per workflow from its words (as `cozegen
    /// html --lang auto`); the index is in English then.
    #[arg(long, value_name = "LANG", default_value = "auto", value_parser = ["auto", "en", "zh-CN"])]
    pub(crate) lang: String,

    /// The most runs (and uploads) on Coze at once; more are refused until one ends.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub(crate) max_runs: u16,
}

/// `cozegen serve`: loads the workflows, then serves them until Ctrl-C.
pub(crate) fn serve(args: &ServeArgs) -> Result<(), Error> {
    if args.password.is_none() && !args.bind.is_loopback() {
        return Err(Error::Usage(format!(
            "--bind {} reaches beyond this machine: give an access secret with --password or \
             COZEGEN_SERVE_PASSWORD",
            args.bind
        )));
    }
    if args.password.as_deref().is_some_and(|p| p.len() < 8) {
        return Err(Error::Usage(
            "the access secret must have at least 8 characters".into(),
        ));
    }
    if args.password.is_some() && !args.allowed_origins.is_empty() {
        return Err(Error::Usage(
            "--allow-origin does not go with an access secret: a page of another origin cannot \
             log in (serve on a loopback address without --password)"
                .into(),
        ));
    }
    let (served, client) = args.serving.load(
        Stdin::Document,
        "the pages are served, but every run will fail until it is set",
    )?;
    let names: Vec<String> = served
        .iter()
        .map(|s| {
            cozegen::text::printable(s.workflow.details.name.as_deref().unwrap_or("workflow"), 60)
        })
        .collect();
    let config = cozegen::serve::Config {
        bind: args.bind,
        port: args.port,
        password: args.password.clone(),
        allowed_hosts: args.allowed_hosts.clone(),
        allowed_origins: args.allowed_origins.clone(),
        lang: cozegen::emit::html::i18n::Lang::from_tag(&args.lang),
        async_runs: args.serving.wait(),
        max_runs: usize::from(args.max_runs),
    };
    let quiet = args.serving.sources.quiet;
    let open = args.open;
    let login = args.password.is_some();
    let origins = args.allowed_origins.clone();
    let ended = cozegen::serve::serve(
        served,
        client,
        config,
        |ready| {
            eprintln!(
                "cozegen serve: serving {} at {}{} (Ctrl-C to stop)",
                cozegen::text::plural(names.len(), "workflow"),
                ready.url,
                if login { ", behind a login" } else { "" }
            );
            for (i, name) in names.iter().enumerate() {
                eprintln!("  {}w/{}  {name}", ready.url, i + 1);
            }
            for origin in &origins {
                eprintln!("  runs may also be sent from the pages of {origin}");
            }
            if open {
                open_browser(&ready.url);
            }
        },
        move |note| {
            if !quiet {
                eprintln!("{note}");
            }
        },
    )?;
    eprintln!("cozegen serve: stopped by {}", ended.signal);
    if ended.running > 0 {
        eprintln!(
            "cozegen serve: let go of {} still running on Coze (never sent again): check the \
             run history before running it again",
            cozegen::text::plural(ended.running, "run")
        );
    }
    Ok(())
}

/// An `--allow-origin` value: what a browser sends as `Origin`, `http(s)://host[:port]` in
/// lowercase, with no path — compared byte for byte with each request's.
fn parse_origin(text: &str) -> Result<String, String> {
    let (scheme, rest) = text
        .split_once("://")
        .ok_or("an origin is scheme://host[:port], e.g. http://localhost:5173")?;
    if scheme != "http" && scheme != "https" {
        return Err(format!("the scheme must be http or https, not {scheme:?}"));
    }
    if rest.contains(['/', '?', '#', '@']) {
        return Err("an origin has no path, query or trailing `/`: scheme://host[:port]".into());
    }
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') => (host, Some(port)),
        _ => (rest, None),
    };
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-.[]:".contains(&b));
    if !host_ok {
        return Err(
            "the host must be lowercase letters, digits, `-` and `.` (or an [IPv6] address)".into(),
        );
    }
    if let Some(port) = port
        && (port.parse::<u16>().is_err() || port.starts_with('0'))
    {
        return Err(format!("{port:?} is not a port"));
    }
    if matches!(
        (scheme, port),
        ("http", Some("80")) | ("https", Some("443"))
    ) {
        return Err(format!(
            "leave out the default port: browsers send {scheme}://{host}"
        ));
    }
    Ok(text.to_owned())
}

/// Opens `url` in the browser: `$BROWSER` if set, else the system's opener. A failure is said,
/// not fatal: the address is printed.
fn open_browser(url: &str) {
    let opener = std::env::var_os("BROWSER")
        .filter(|b| !b.is_empty())
        .unwrap_or_else(|| {
            if cfg!(target_os = "macos") {
                "open".into()
            } else if cfg!(windows) {
                "explorer".into()
            } else {
                "xdg-open".into()
            }
        });
    match std::process::Command::new(&opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
    {
        Ok(_) => {}
        Err(e) => eprintln!(
            "warning: cannot open the browser with {}: {e}",
            opener.to_string_lossy()
        ),
    }
}
