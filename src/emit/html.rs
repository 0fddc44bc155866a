//! An HTML form for the start node: one self-contained page (or, with
//! [`HtmlOptions::fragment`], just the `<form>` and its script) whose script collects exactly the
//! `parameters` object Coze's run-workflow call takes.
//!
//! The controls are laid out here, in Rust and askama, as a flat list of rows (templates cannot
//! recurse); the tree shape comes back as nested `<fieldset>`s. Each array holds a `<template>`
//! with one item, which the script clones for every row, so one renderer draws every control.
//! The script is static: everything it needs to know about the parameters (kinds, keys, path
//! pieces for `name`s, array prefills) is a JSON model in a `<script type="application/json">`
//! block, so no workflow data is ever executable, and the page can pin its one script and one
//! style sheet by hash in a `Content-Security-Policy`.
//!
//! Prefill rule, shared with the script: a value given by an enclosing default (an object's or
//! an array row's) wins; otherwise a parameter shows its own default.

use crate::error::{Error, Result};
use crate::ir::{Workflow, path};

/// Choices for the HTML artifact.
#[derive(Debug, Clone, Default)]
pub struct HtmlOptions {
    /// Emit only the `<form id="cozegen-form">` and its script, for embedding in a page.
    pub fragment: bool,
    /// Also POST `{"parameters": …}` as JSON to this absolute http(s) URL on submit.
    pub action: Option<String>,
}

/// Checks an `--action` URL and returns its origin (for the page's `connect-src`).
///
/// The page is often opened from disk, so only absolute `http`/`https` URLs make sense; and
/// since the origin goes into a Content-Security-Policy, characters that would end or split a
/// CSP source expression are refused rather than escaped.
pub fn check_action(url: &str) -> std::result::Result<String, String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("must be an absolute http:// or https:// URL")?;
    if let Some(c) = url
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || "\"'`;,<>\\^{}|".contains(*c))
    {
        return Err(format!("must not contain {:?}", c));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() {
        return Err("has no host".to_owned());
    }
    if authority.contains('@') {
        return Err("must not carry credentials (user@host)".to_owned());
    }
    // A browser drops a CSP source whose port is not a port, and the POST would be blocked.
    let port = match authority.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((_, "")) => None,
            Some((_, rest)) => Some(rest.strip_prefix(':').ok_or("has a malformed port")?),
            None => return Err("has an unclosed `[` in its host".to_owned()),
        },
        None => authority.split_once(':').map(|(_, port)| port),
    };
    if let Some(port) = port
        && (!(1..=5).contains(&port.len())
            || !port.bytes().all(|b| b.is_ascii_digit())
            || port.parse::<u32>().map_or(true, |p| p > 65_535))
    {
        return Err(format!("has an invalid port {port:?}"));
    }
    let scheme_len = url.len() - rest.len();
    Ok(format!("{}{}", &url[..scheme_len], authority))
}

/// The form as HTML text, ending in a newline.
pub fn render(_workflow: &Workflow, options: &HtmlOptions) -> Result<String> {
    if let Some(url) = &options.action {
        check_action(url).map_err(|reason| Error::InvalidAction {
            url: path::printable(url, 200),
            reason,
        })?;
    }
    Err(Error::Internal(
        "the HTML emitter is being ported".to_owned(),
    ))
}
