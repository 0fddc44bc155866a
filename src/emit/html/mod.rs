//! An HTML form for the start node: one self-contained page (or, with
//! [`HtmlOptions::fragment`], just the `<form>` and its script) whose script collects exactly the
//! `parameters` object Coze's run-workflow call takes, checked by the IR's value rules. For a
//! chatflow the form has a message box too, and emits the whole chat request
//! (`{workflow_id, app_id, additional_messages, parameters}`).
//!
//! `layout` walks the IR's tables into rows for `templates/html/form.html` and nodes for the
//! script's `model`, in the words `human` chooses (titles from wire names, row titles, type
//! chips). The script (`templates/html/form.js`) is static: what it needs to know
//! about the parameters, and the value rules themselves, come from a JSON model in a
//! `<script type="application/json">` block, so no workflow data is ever executable, and the
//! page can pin its one script and one style sheet by hash in a `Content-Security-Policy`.
//!
//! Every word the page writes comes from one message table per language ([`i18n`]); the
//! script gets its messages in the model, so it stays one static, hashed file.
//!
//! With [`HtmlOptions::component`] the same form, model and script become an ES module that
//! defines a custom element (`templates/html/component.js`): the form's markup and style go
//! into the module as string literals escaped like the model, and the element puts them in its
//! shadow root and runs the script's one function on that form.

mod human;
pub mod i18n;
mod layout;
mod model;

use crate::artifact::{Artifact, File, Rendered, Setting, Settings};
use crate::emit::{Error, Result};
use crate::ir::Workflow;
use askama::Template;
use i18n::{Lang, Messages};
use layout::{Control, Row};

/// The form's behaviour: one function, `cozegenForm(form, host)`.
pub const FORM_SCRIPT: &str = include_str!("../../../templates/html/form.js");
/// A page's (or fragment's) script: the form's function called on the form of id
/// `cozegen-form`, all inside an arrow function so that it defines no global and two fragments
/// on one page run side by side. Hashed into the page's Content-Security-Policy.
pub const SCRIPT: &str = concat!(
    "(() => {\n",
    include_str!("../../../templates/html/form.js"),
    "cozegenForm(document.getElementById(\"cozegen-form\"));\n})();\n"
);
/// The page's look; hashed into the page's Content-Security-Policy.
const STYLE: &str = include_str!("../../../templates/html/form.css");
/// What a component's shadow root adds to the page's look (the host's box, hidden pickers).
const COMPONENT_STYLE: &str = include_str!("../../../templates/html/component.css");
/// A component's element name when `--element` is not given.
pub const DEFAULT_ELEMENT: &str = "cozegen-form";

/// Choices for the HTML artifact.
#[derive(Debug, Clone, Default)]
pub struct HtmlOptions {
    /// Emit only the `<form id="cozegen-form">` and its script, for embedding in a page.
    pub fragment: bool,
    /// Also POST `{"parameters": …}` as JSON to this absolute http(s) URL on submit.
    pub action: Option<String>,
    /// The language of every word the form writes; `None` picks it from the workflow's own
    /// words ([`i18n::detect`]).
    pub lang: Option<Lang>,
    /// Give file parameters a picker that POSTs the chosen file (multipart, field `file`) to
    /// this absolute http(s) URL, whose JSON answer (`{"url": …}` or `{"file_id": …}`) becomes
    /// the parameter's value.
    pub upload_action: Option<String>,
    /// Headers the script sends with every upload and post (`cozegen serve`: its per-server
    /// request secret, which another origin cannot read and so cannot send).
    pub request_headers: Vec<(String, String)>,
    /// Upload the chosen file's bytes as the body itself (its name, percent-encoded, in the
    /// `X-Cozegen-File-Name` header) instead of a multipart form.
    pub upload_raw: bool,
    /// Emit an ES module defining a custom element with this name (checked by
    /// [`check_element`]) whose shadow root holds the form, instead of a page.
    pub component: Option<String>,
}

/// The form's script, as the page inlines it (pin it with [`csp_hash`]).
pub fn script() -> &'static str {
    SCRIPT
}

/// The form's style sheet, as the page inlines it (pin it with [`csp_hash`]).
pub fn style() -> &'static str {
    STYLE
}

/// The CSP hash source of an inline script or style: SHA-256, base64 (without the quotes and
/// the `sha256-` prefix).
pub fn csp_hash(text: &str) -> String {
    sha256_base64(text.as_bytes())
}

/// Checks a custom element name for `--element`: what `customElements.define` takes, kept to
/// ASCII (a lowercase letter, then lowercase letters, digits, `-`, `.` or `_`, with at least
/// one `-`), and none of the names the HTML standard reserves.
pub fn check_element(name: &str) -> std::result::Result<(), String> {
    const RESERVED: &[&str] = &[
        "annotation-xml",
        "color-profile",
        "font-face",
        "font-face-src",
        "font-face-uri",
        "font-face-format",
        "font-face-name",
        "missing-glyph",
    ];
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err("must start with a lowercase letter a-z".to_owned());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || "-._".contains(*c)))
    {
        return Err(format!(
            "must hold only lowercase letters, digits, `-`, `.` and `_`, not {c:?}"
        ));
    }
    if !name.contains('-') {
        return Err("must contain a hyphen (`my-form`)".to_owned());
    }
    if RESERVED.contains(&name) {
        return Err("is reserved by the HTML standard".to_owned());
    }
    Ok(())
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
pub fn render(workflow: &Workflow, options: &HtmlOptions) -> Result<String> {
    let origin = match &options.action {
        Some(url) => Some(check_action(url).map_err(|reason| Error::InvalidAction {
            url: crate::text::printable(url, 200),
            reason,
        })?),
        None => None,
    };
    let upload_origin = match &options.upload_action {
        Some(url) => Some(
            check_action(url).map_err(|reason| Error::InvalidUploadAction {
                url: crate::text::printable(url, 200),
                reason,
            })?,
        ),
        None => None,
    };
    let lang = options.lang.unwrap_or_else(|| i18n::detect(workflow));
    let t = lang.messages();
    let layout = layout::lay_out(&workflow.input, t);
    let chat = workflow.chat.as_ref().map(|_| model::ChatModel {
        workflow_id: workflow.details.id.as_deref(),
        app_id: workflow.details.run_app_id.as_deref(),
    });
    let component = match &options.component {
        Some(_) if options.fragment => {
            return Err(Error::ConflictingOptions(
                "--component and --fragment: a component is a module, not a fragment of a page"
                    .to_owned(),
            ));
        }
        Some(name) => Some(
            check_element(name)
                .map(|()| name.as_str())
                .map_err(|reason| {
                    Error::ConflictingOptions(format!(
                        "--element {}: {reason}",
                        crate::text::printable(name, 100)
                    ))
                })?,
        ),
        None => None,
    };
    let form = FormView {
        empty: layout.root.is_empty(),
        chat: workflow.chat.as_ref().map(|chat| ChatView {
            help: chat.message_description.as_deref(),
        }),
        model_json: model::write(
            &layout.nodes,
            &layout.root,
            options,
            t,
            workflow.input.files,
            chat.as_ref(),
        ),
        rows: layout.rows,
        t,
        // A component's element decides at run time whether its pickers upload (its `upload`
        // attribute), so its markup has the upload picker and both labels.
        upload: options.upload_action.is_some() || component.is_some(),
        component: component.is_some(),
    };
    if let Some(element) = component {
        return render_component(&form, element, options);
    }
    // Sized from the form so that a large page is not copied again and again as it grows
    // (rows average a few hundred bytes). Capped: a wrong guess only costs one more growth.
    let estimate = form.rows.len().saturating_mul(320).min(1 << 30)
        + form.model_json.len()
        + SCRIPT.len()
        + STYLE.len()
        + 8192;
    let mut text = String::with_capacity(estimate);
    let script_hash = sha256_base64(SCRIPT.as_bytes());
    if options.fragment {
        FragmentView {
            form: &form,
            script: SCRIPT,
            script_hash,
        }
        .render_into(&mut text)?;
    } else {
        let mut origins: Vec<String> = origin.into_iter().collect();
        origins.extend(upload_origin.filter(|o| !origins.contains(o)));
        let connect = match origins.is_empty() {
            true => "'none'".to_owned(),
            false => origins.join(" "),
        };
        let csp = format!(
            "default-src 'none'; script-src 'sha256-{script_hash}'; style-src 'sha256-{}'; \
             connect-src {connect}; form-action 'none'; base-uri 'none'",
            sha256_base64(STYLE.as_bytes()),
        );
        let details = &workflow.details;
        PageView {
            form: &form,
            script: SCRIPT,
            style: STYLE,
            csp,
            lang: lang.tag(),
            kicker: t.get(if workflow.is_chatflow() {
                "page.kickerChat"
            } else {
                "page.kicker"
            }),
            page_title: t.format(
                "page.title",
                &[("title", details.name.as_deref().unwrap_or("Workflow"))],
            ),
            title: details.name.as_deref().unwrap_or("Workflow"),
            description: details.description.as_deref(),
            workflow_id: details.id.as_deref(),
        }
        .render_into(&mut text)?;
    }
    text.push('\n');
    // NUL is the one character HTML cannot carry: parsers report it and drop it from text or
    // turn it into U+FFFD in attribute values. It can only come from the document (the JSON
    // model escapes it, and keeps the exact text of such a default), so write what a browser
    // would read.
    if text.contains('\0') {
        text = text.replace('\0', "\u{FFFD}");
    }
    Ok(text)
}

/// The form as an ES module defining the custom element `element`.
fn render_component(form: &FormView, element: &str, options: &HtmlOptions) -> Result<String> {
    let markup = ComponentFormView { form }.render()?;
    let js = |text: &str| {
        let mut out = String::with_capacity(text.len() + 16);
        crate::json::push_string(&mut out, text);
        model::escape_for_script(out)
    };
    let optional = |value: Option<&str>| value.map_or_else(|| "null".to_owned(), js);
    let mut text = ComponentView {
        element: js(element),
        markup: js(&markup),
        style: js(&[STYLE, COMPONENT_STYLE].concat()),
        action: optional(options.action.as_deref()),
        upload: optional(options.upload_action.as_deref()),
        script: FORM_SCRIPT,
    }
    .render()?;
    text.push('\n');
    Ok(text)
}

#[derive(Template)]
#[template(path = "html/component.js", escape = "none")]
struct ComponentView<'a> {
    /// Each of these is a JavaScript string literal (or `null`), escaped like the model.
    element: String,
    markup: String,
    style: String,
    action: String,
    upload: String,
    script: &'a str,
}

/// The form's markup alone, for a component's shadow root.
#[derive(Template)]
#[template(path = "html/component-form.html")]
struct ComponentFormView<'a> {
    form: &'a FormView<'a>,
}

#[derive(Template)]
#[template(path = "html/page.html")]
struct PageView<'a> {
    form: &'a FormView<'a>,
    script: &'static str,
    style: &'static str,
    csp: String,
    /// `<html lang>`.
    lang: &'static str,
    /// The `<title>`: the workflow's name and what the page is.
    page_title: String,
    /// What the page is, above its title.
    kicker: &'a str,
    title: &'a str,
    description: Option<&'a str>,
    workflow_id: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "html/fragment.html")]
struct FragmentView<'a> {
    form: &'a FormView<'a>,
    script: &'static str,
    script_hash: String,
}

/// What `templates/html/form.html` prints. Text is borrowed from the IR wherever it is used
/// as it is, so a large form costs few allocations beyond its output.
struct FormView<'a> {
    rows: Vec<Row<'a>>,
    /// The script's model, as JSON escaped for a `<script>` block.
    model_json: String,
    empty: bool,
    /// The messages of the form's language.
    t: &'static Messages,
    /// Whether file parameters get an upload picker (`--upload-action`).
    upload: bool,
    /// For a chatflow: the message box.
    chat: Option<ChatView<'a>>,
    /// In a component's shadow root: the form's main pieces carry `part` names (for `::part`),
    /// and a file field's picker has both labels, upload and local check, one shown by the
    /// element's style.
    component: bool,
}

/// A chatflow's message box.
struct ChatView<'a> {
    /// The message parameter's description, shown as the box's help.
    help: Option<&'a str>,
}

/// SHA-256 of `data`, base64-encoded: a CSP hash source. The browser tests check it end to end
/// (a wrong hash would stop the page's script).
fn sha256_base64(data: &[u8]) -> String {
    use base64::Engine;
    use sha2::Digest;
    base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(data))
}

/// The HTML form: `cozegen html`, `form.html`.
pub static ARTIFACT: Form = Form;

/// The HTML form artifact (see [`ARTIFACT`]).
#[derive(Debug)]
pub struct Form;

const FRAGMENT: Setting = Setting::switch(
    "fragment",
    "Emit only the `<form id=\"cozegen-form\">` and its script, for embedding in a page",
);

const ACTION: Setting = Setting::value(
    "action",
    "URL",
    "Also POST `{\"parameters\": …}` as JSON to this absolute http(s) URL on submit (your own \
     endpoint, which adds the API token; the page never holds one)",
)
.checked(check_url);

const LANG: Setting = Setting::choice(
    "lang",
    "LANG",
    "The language of every word the form writes. `auto` picks zh-CN when the workflow's name \
     and descriptions are mainly Chinese (at least as many Han characters as Latin words), else \
     en",
    &["auto", "en", "zh-CN"],
    "auto",
)
.in_all(
    "The language of every word the form writes. `auto` picks zh-CN when the workflow's name \
     and descriptions are mainly Chinese (at least as many Han characters as Latin words), else \
     en",
);

const UPLOAD_ACTION: Setting = Setting::value(
    "upload-action",
    "URL",
    "Give file parameters an upload button: the chosen file is POSTed (multipart, field \
     `file`) to this absolute http(s) URL, your own endpoint that uploads it to Coze with the API \
     token, and its JSON answer (`{\"url\": …}` or `{\"file_id\": …}`) becomes the value",
)
.checked(check_url)
.in_all(
    "Give file parameters an upload button: the chosen file is POSTed (multipart, field \
     `file`) to this absolute http(s) URL, your own endpoint that uploads it to Coze with the API \
     token, and its JSON answer (`{\"url\": …}` or `{\"file_id\": …}`) becomes the value",
);

const COMPONENT: Setting = Setting::switch(
    "component",
    "Emit an ES module that defines a custom element (`<cozegen-form>`, or `--element`) with the \
     form in its shadow root; it raises `cozegen-submit` and POSTs to its `action` attribute",
);

const ELEMENT: Setting = Setting::value(
    "element",
    "NAME",
    "The custom element's name for `--component` (lowercase, with a hyphen; default \
     `cozegen-form`)",
)
.checked(check_element);

fn check_url(url: &str) -> std::result::Result<(), String> {
    check_action(url).map(|_| ())
}

impl Artifact for Form {
    fn name(&self) -> &'static str {
        "html"
    }

    fn about(&self) -> &'static str {
        "A self-contained HTML form for the start node that collects a run's `parameters`"
    }

    fn feature(&self) -> &'static str {
        "html"
    }

    fn files(&self) -> &'static [File] {
        &[File {
            name: "form.html",
            node: crate::ir::Node::Input,
        }]
    }

    fn settings(&self) -> &'static [Setting] {
        &[FRAGMENT, ACTION, LANG, UPLOAD_ACTION, COMPONENT, ELEMENT]
    }

    fn render(
        &self,
        workflow: &Workflow,
        _node: crate::ir::Node,
        settings: &Settings,
    ) -> Result<Rendered> {
        let options = HtmlOptions {
            fragment: settings.switch(FRAGMENT.name),
            action: settings.value(ACTION.name).map(str::to_owned),
            lang: match settings.choice(&LANG) {
                "en" => Some(Lang::En),
                "zh-CN" => Some(Lang::ZhCn),
                _ => None,
            },
            upload_action: settings.value(UPLOAD_ACTION.name).map(str::to_owned),
            component: match (
                settings.switch(COMPONENT.name),
                settings.value(ELEMENT.name),
            ) {
                (true, name) => Some(name.unwrap_or(DEFAULT_ELEMENT).to_owned()),
                (false, None) => None,
                (false, Some(name)) => {
                    return Err(Error::ConflictingOptions(format!(
                        "--element {} needs --component",
                        crate::text::printable(name, 100)
                    )));
                }
            },
            ..HtmlOptions::default()
        };
        render(workflow, &options).map(Rendered::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_the_standard_test_vectors() {
        assert_eq!(
            sha256_base64(b""),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
        assert_eq!(
            sha256_base64(b"abc"),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
        // Two blocks.
        assert_eq!(
            sha256_base64(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "JI1qYdIGOLjlwCaTDD5gOaM85Flk/yFn9uzt1BnbBsE="
        );
    }

    #[test]
    fn the_script_and_style_cannot_end_their_elements_early() {
        assert!(!SCRIPT.to_ascii_lowercase().contains("</script"));
        assert!(SCRIPT.contains(FORM_SCRIPT));
        assert!(!SCRIPT.contains("<!--"));
        assert!(!STYLE.to_ascii_lowercase().contains("</style"));
    }

    #[test]
    fn element_names_are_what_custom_elements_define_takes() {
        for good in ["cozegen-form", "order-form-2", "a-b.c_d", "x-"] {
            assert_eq!(check_element(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "form",
            "Cozegen-form",
            "2-form",
            "-form",
            "my form-x",
            "my-<b>",
            "my-f\u{f6}rm",
            "font-face",
            "annotation-xml",
        ] {
            assert!(check_element(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn action_urls_must_be_absolute_http_and_csp_safe() {
        assert_eq!(
            check_action("http://127.0.0.1:8080/run?x=1").as_deref(),
            Ok("http://127.0.0.1:8080")
        );
        assert_eq!(
            check_action("https://example.com").as_deref(),
            Ok("https://example.com")
        );
        assert_eq!(
            check_action("http://[::1]:65535/run").as_deref(),
            Ok("http://[::1]:65535")
        );
        for bad in [
            "javascript:alert(1)",
            "/run",
            "https://",
            "https://a b",
            "https://x;script-src *",
            "https://u:p@host/",
            "https://x/'unsafe-inline'",
            "https://a.com:99999/",
            "https://a.com:/",
            "https://a.com:8o/",
            "http://[::1:8080/",
            "http://[::1]x/",
        ] {
            assert!(check_action(bad).is_err(), "{bad}");
        }
    }
}
