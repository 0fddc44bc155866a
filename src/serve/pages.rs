//! The pages `cozegen serve` writes: the index of workflows, a workflow's page (the form of
//! `cozegen html`, with the run panel of `templates/serve/serve.js`), a workflow's runs, and
//! the login page. Each is an askama template (HTML-escaped: every name and description from a
//! document stays text) and carries a `Content-Security-Policy` that allows only its own
//! inline scripts and styles, by hash.

use super::runs::{Record, utc};
use crate::emit::html::i18n::Lang;
use crate::emit::html::{self, HtmlOptions};
use askama::Template;
use std::collections::BTreeMap;
use std::sync::OnceLock;

const SCRIPT: &str = include_str!("../../templates/serve/serve.js");
const STYLE: &str = include_str!("../../templates/serve/serve.css");

/// The words of the served pages in one language.
#[derive(Debug)]
pub struct Words(BTreeMap<String, String>);

impl Words {
    /// The words of `lang`.
    pub fn of(lang: Lang) -> &'static Words {
        static TABLES: [OnceLock<Words>; 2] = [OnceLock::new(), OnceLock::new()];
        let (slot, source) = match lang {
            Lang::En => (
                &TABLES[0],
                include_str!("../../templates/serve/i18n/en.json"),
            ),
            Lang::ZhCn => (
                &TABLES[1],
                include_str!("../../templates/serve/i18n/zh-CN.json"),
            ),
        };
        slot.get_or_init(|| Words(serde_json::from_str(source).unwrap_or_default()))
    }

    /// The word for `key` (the key itself when the table lacks it; a test checks none does).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.0.get(key).map_or(key, String::as_str)
    }

    /// Every key.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

/// The policy of a page whose inline scripts are `scripts`: those and the two style sheets by
/// hash, requests to this server only.
fn csp(scripts: &[&str]) -> String {
    let hashes = |texts: &[&str]| {
        texts
            .iter()
            .map(|t| format!("'sha256-{}'", html::csp_hash(t)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let script = match scripts.is_empty() {
        true => "'none'".to_owned(),
        false => hashes(scripts),
    };
    format!(
        "default-src 'none'; script-src {script}; style-src {}; connect-src 'self'; \
         img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        hashes(&[html::style(), STYLE])
    )
}

/// A page: its HTML and its policy.
pub struct Page {
    /// The HTML.
    pub html: String,
    /// The `Content-Security-Policy`.
    pub csp: String,
}

/// One workflow on the index.
pub struct Listed<'a> {
    /// Its number (its pages are under `/w/<number>`).
    pub number: usize,
    /// Its name.
    pub title: &'a str,
    /// Its description.
    pub description: Option<&'a str>,
    /// The ID its runs go to.
    pub workflow_id: &'a str,
    /// The published version its runs go to, when not the latest.
    pub version: Option<&'a str>,
    /// "Workflow" or "Chatflow", in the page's language.
    pub kind: &'a str,
}

#[derive(Template)]
#[template(path = "serve/index.html")]
struct IndexView<'a> {
    lang: &'static str,
    t: &'static Words,
    form_style: &'static str,
    style: &'static str,
    workflows: &'a [Listed<'a>],
}

/// The index.
pub fn index(lang: Lang, workflows: &[Listed<'_>]) -> askama::Result<Page> {
    let html = IndexView {
        lang: lang.tag(),
        t: Words::of(lang),
        form_style: html::style(),
        style: STYLE,
        workflows,
    }
    .render()?;
    Ok(Page {
        html,
        csp: csp(&[]),
    })
}

#[derive(Template)]
#[template(path = "serve/workflow.html")]
struct WorkflowView<'a> {
    lang: &'static str,
    t: &'static Words,
    form_style: &'static str,
    style: &'static str,
    script: &'static str,
    number: usize,
    page_title: String,
    kicker: &'a str,
    title: &'a str,
    description: Option<&'a str>,
    workflow_id: &'a str,
    form: String,
    config: String,
}

/// What a workflow's page needs besides the workflow.
pub struct Wiring<'a> {
    /// Its number.
    pub number: usize,
    /// The ID its runs go to.
    pub workflow_id: &'a str,
    /// The origin the page was asked for (`http://host:port`), for the form's upload URL.
    pub origin: &'a str,
    /// The server's request secret.
    pub secret: &'a str,
    /// The language, when `--lang` chose one.
    pub lang: Option<Lang>,
}

/// A workflow's page.
pub fn workflow(workflow: &crate::ir::Workflow, wiring: &Wiring<'_>) -> crate::Result<Page> {
    let lang = wiring.lang.unwrap_or_else(|| html::i18n::detect(workflow));
    let t = Words::of(lang);
    let n = wiring.number;
    let header = super::security::SECRET_HEADER;
    let form = html::render(
        workflow,
        &HtmlOptions {
            fragment: true,
            lang: Some(lang),
            upload_action: Some(format!("{}/w/{n}/upload", wiring.origin)),
            request_headers: vec![(header.to_owned(), wiring.secret.to_owned())],
            upload_raw: true,
            ..HtmlOptions::default()
        },
    )?;
    let text: serde_json::Map<String, serde_json::Value> = t
        .keys()
        .filter(|k| k.starts_with("run.") || k.starts_with("answer."))
        .map(|k| (k.to_owned(), t.get(k).into()))
        .collect();
    let config = serde_json::json!({
        "run": format!("/w/{n}/run"),
        "answer": format!("/w/{n}/runs/{{run}}/answer"),
        "header": header,
        "secret": wiring.secret,
        "text": text,
    });
    let details = &workflow.details;
    let title = details.name.as_deref().unwrap_or("Workflow");
    let kind = if workflow.is_chatflow() {
        "kind.chatflow"
    } else {
        "kind.workflow"
    };
    let html = WorkflowView {
        lang: lang.tag(),
        t,
        form_style: html::style(),
        style: STYLE,
        script: SCRIPT,
        number: n,
        page_title: format!("{title} · cozegen"),
        kicker: t.get(kind),
        title,
        description: details.description.as_deref(),
        workflow_id: wiring.workflow_id,
        form,
        config: script_json(&config),
    }
    .render()
    .map_err(crate::emit::Error::from)?;
    Ok(Page {
        html,
        csp: csp(&[html::script(), SCRIPT]),
    })
}

/// A run as the runs page lists it.
pub struct Row<'a> {
    id: usize,
    started: String,
    status: &'a str,
    status_key: &'static str,
    is_async: bool,
    execute_id: Option<String>,
    debug_url: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "serve/runs.html")]
struct RunsView<'a> {
    lang: &'static str,
    t: &'static Words,
    form_style: &'static str,
    style: &'static str,
    number: usize,
    title: &'a str,
    runs: Vec<Row<'a>>,
}

/// A workflow's runs page.
pub fn runs(lang: Lang, number: usize, title: &str, records: &[Record]) -> askama::Result<Page> {
    let t = Words::of(lang);
    let rows = records
        .iter()
        .map(|r| Row {
            id: r.id,
            started: utc(r.started),
            status: t.get(r.status.key()),
            status_key: r.status.key(),
            is_async: r.is_async,
            execute_id: r.execute_id.clone(),
            debug_url: super::runs::link(r.debug_url.as_deref()),
        })
        .collect();
    let html = RunsView {
        lang: lang.tag(),
        t,
        form_style: html::style(),
        style: STYLE,
        number,
        title,
        runs: rows,
    }
    .render()?;
    Ok(Page {
        html,
        csp: csp(&[]),
    })
}

#[derive(Template)]
#[template(path = "serve/login.html")]
struct LoginView {
    lang: &'static str,
    t: &'static Words,
    form_style: &'static str,
    style: &'static str,
    wrong: bool,
}

/// The login page; `wrong` after a wrong secret.
pub fn login(lang: Lang, wrong: bool) -> askama::Result<Page> {
    let html = LoginView {
        lang: lang.tag(),
        t: Words::of(lang),
        form_style: html::style(),
        style: STYLE,
        wrong,
    }
    .render()?;
    Ok(Page {
        html,
        csp: csp(&[]),
    })
}

/// JSON that is inert inside a `<script>` block: `<`, `>` and `&` escaped.
fn script_json(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_word() {
        let en: Vec<&str> = Words::of(Lang::En).keys().collect();
        let zh: Vec<&str> = Words::of(Lang::ZhCn).keys().collect();
        assert_eq!(en, zh);
        assert!(en.len() > 40);
    }

    #[test]
    fn the_run_panels_script_cannot_end_its_element_early() {
        assert!(!SCRIPT.to_ascii_lowercase().contains("</script"));
        assert!(!SCRIPT.contains("<!--"));
        assert_eq!(
            script_json(&serde_json::json!({"a": "</script><!--&"})),
            r#"{"a":"\u003c/script\u003e\u003c!--\u0026"}"#
        );
    }
}
