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
use crate::ir::{Field, FileKind, Type, Workflow, path};
use askama::Template;
use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;

/// The form's behaviour; hashed into the page's Content-Security-Policy.
const SCRIPT: &str = include_str!("../../templates/html/form.js");
/// The page's look; hashed into the page's Content-Security-Policy.
const STYLE: &str = include_str!("../../templates/html/form.css");

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
pub fn render(workflow: &Workflow, options: &HtmlOptions) -> Result<String> {
    let origin = match &options.action {
        Some(url) => Some(check_action(url).map_err(|reason| Error::InvalidAction {
            url: path::printable(url, 200),
            reason,
        })?),
        None => None,
    };
    crate::stack::run(|| {
        let form = build_form(workflow, options.action.clone())?;
        // Sized from the form so that a large page is not copied again and again as it grows
        // (rows average a few hundred bytes). Capped: a wrong guess only costs one more growth.
        let estimate = form.rows.len().saturating_mul(256).min(1 << 30)
            + form.model_json.len()
            + SCRIPT.len()
            + STYLE.len()
            + 8192;
        let mut text = String::with_capacity(estimate);
        if options.fragment {
            FragmentView {
                form: &form,
                script: SCRIPT,
                script_hash: sha256_base64(SCRIPT.as_bytes()),
            }
            .render_into(&mut text)?;
        } else {
            let connect = origin.unwrap_or_else(|| "'none'".to_owned());
            let csp = format!(
                "default-src 'none'; script-src 'sha256-{}'; style-src 'sha256-{}'; \
                 connect-src {connect}; form-action 'none'; base-uri 'none'",
                sha256_base64(SCRIPT.as_bytes()),
                sha256_base64(STYLE.as_bytes()),
            );
            let details = &workflow.details;
            PageView {
                form: &form,
                script: SCRIPT,
                style: STYLE,
                csp,
                title: details.name.as_deref().unwrap_or("Workflow"),
                description: details.description.as_deref(),
                workflow_id: details.id.as_deref(),
            }
            .render_into(&mut text)?;
        }
        text.push('\n');
        // NUL is the one character HTML cannot carry: parsers report it and drop it from text
        // or turn it into U+FFFD in attribute values. It can only come from the document (the
        // JSON model escapes it), so write what a browser would read.
        if text.contains('\0') {
            text = text.replace('\0', "\u{FFFD}");
        }
        Ok(text)
    })
}

#[derive(Template)]
#[template(path = "html/page.html")]
struct PageView<'a> {
    form: &'a FormView<'a>,
    script: &'static str,
    style: &'static str,
    csp: String,
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
    /// The script's model, as JSON escaped for a `<script>` block by [`script_json`].
    model_json: String,
    empty: bool,
}

/// One step of the flattened parameter tree, in document order.
enum Row<'a> {
    /// A complete scalar (or JSON) parameter: label, control, help, error slot.
    Leaf(Leaf<'a>),
    ObjectOpen(Group<'a>),
    ObjectClose,
    /// An array's fieldset, legend, help and (empty) row list.
    ArrayOpen(Group<'a>),
    /// Opens the array's `<template>` and its one row; the item's rows follow.
    TemplateOpen,
    /// Closes the row (with its Remove button) and the `<template>`.
    TemplateClose,
    /// The Add button and the end of the array's fieldset.
    ArrayClose,
}

/// What every parameter's wrapper shows.
struct Head<'a> {
    /// Index into [`Model::nodes`]; element ids are `cz-{node}` and `cz-{node}-help|err|…`.
    node: usize,
    /// The `name` attribute: the path, with `[]` where the script fills in row indices.
    name: Cow<'a, str>,
    /// Label text: the parameter name (or `name[]` for an array item).
    label: Cow<'a, str>,
    /// An array item, whose label the script numbers.
    item: bool,
    /// The type, as shown next to the label.
    badge: Cow<'static, str>,
    required: bool,
    help: Option<&'a str>,
}

struct Group<'a> {
    head: Head<'a>,
}

struct Leaf<'a> {
    head: Head<'a>,
    control: Control<'a>,
}

enum Control<'a> {
    Text {
        value: Option<Cow<'a, str>>,
    },
    Integer {
        value: Option<Cow<'a, str>>,
    },
    Number {
        value: Option<Cow<'a, str>>,
    },
    /// `unset`: an optional boolean without a value, shown indeterminate and left out of the
    /// parameters until the user ticks or unticks it.
    Checkbox {
        checked: bool,
        unset: bool,
    },
    /// `datetime-local`, whose value is `yyyy-MM-ddTHH:mm:ss`.
    Time {
        value: Option<Cow<'a, str>>,
    },
    File {
        value: Option<Cow<'a, str>>,
        kind: &'static str,
        accept: Option<&'static str>,
    },
    /// JSON text; `object` when only a JSON object will do.
    Json {
        value: Option<String>,
        object: bool,
    },
}

/// The script's view of the parameters, embedded as JSON.
#[derive(Serialize)]
struct Model<'a> {
    /// The root object's members.
    root: Vec<usize>,
    nodes: Vec<ModelNode<'a>>,
    /// Where the form POSTs, if anywhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    action: Option<String>,
}

///
/// What the script can do without is left out, since a large form has one node per parameter:
/// `required` when false, `names` outside arrays (the page's `name` attributes are already
/// whole there), and `label` and `trail` on members (whose labels the script never touches).
#[derive(Serialize)]
struct ModelNode<'a> {
    /// The member's wire name; absent for array items.
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<&'a str>,
    kind: &'static str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    required: bool,
    /// The `name` attribute split where row indices go: `["rows[", "].sku"]`.
    #[serde(skip_serializing_if = "whole")]
    names: Vec<Cow<'a, str>>,
    /// For an array item: the nearest member name, and how many row indices follow it in the
    /// item's label.
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
    #[serde(skip_serializing_if = "is_zero")]
    trail: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    children: Vec<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<usize>,
    /// Rows an array starts with (its own default, or an enclosing default's value).
    #[serde(skip_serializing_if = "Option::is_none")]
    prefill: Option<&'a Value>,
}

/// Name pieces with no row index between them.
fn whole(names: &[Cow<'_, str>]) -> bool {
    names.len() < 2
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

fn build_form(workflow: &Workflow, action: Option<String>) -> Result<FormView<'_>> {
    let (nodes, rows) = workflow
        .input
        .fields
        .iter()
        .fold((0, 0), |acc, f| add(acc, counts(&f.ty)));
    let mut flat = Flattener {
        rows: Vec::with_capacity(rows),
        nodes: Vec::with_capacity(nodes),
    };
    let root = workflow
        .input
        .fields
        .iter()
        .map(|f| flat.field(f, &[Cow::Borrowed("")], None))
        .collect();
    let model = Model {
        root,
        nodes: flat.nodes,
        action,
    };
    Ok(FormView {
        empty: workflow.input.fields.is_empty(),
        rows: flat.rows,
        model_json: script_json(&model, nodes * 64)?,
    })
}

/// `value` as JSON that is inert inside a `<script>` block: serde_json's text with `&`, `'`, `<`
/// and `>` written as `\u00XX` escapes, exactly what askama's `json` filter writes. The filter
/// escapes through one small write per JSON token, which made it the form's hottest spot on
/// large documents; here serde_json writes into one buffer, which is escaped only if it holds
/// one of the four characters at all.
fn script_json(value: &impl Serialize, size_hint: usize) -> Result<String> {
    let mut json = Vec::with_capacity(size_hint);
    serde_json::to_writer(&mut json, value)
        .map_err(|e| Error::Internal(format!("cannot serialize the form's model: {e}")))?;
    let text = String::from_utf8(json)
        .map_err(|e| Error::Internal(format!("the form's model is not UTF-8: {e}")))?;
    let needs = |b: &u8| matches!(b, b'&' | b'\'' | b'<' | b'>');
    if !text.as_bytes().iter().any(needs) {
        return Ok(text);
    }
    let mut out = String::with_capacity(text.len() + text.len() / 32);
    let mut last = 0;
    for (i, byte) in text.bytes().enumerate() {
        let escaped = match byte {
            b'&' => "\\u0026",
            b'\'' => "\\u0027",
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(escaped);
        last = i + 1;
    }
    out.push_str(&text[last..]);
    Ok(out)
}

/// How many model nodes and rows a parameter of type `ty` takes, so that the flattener's
/// lists are allocated once (growing them copied the whole list again and again).
fn counts(ty: &Type) -> (usize, usize) {
    match ty {
        Type::Object(object) => object
            .fields
            .iter()
            .fold((1, 2), |acc, f| add(acc, counts(&f.ty))),
        Type::Array(array) => add((1, 4), counts(&array.items)),
        _ => (1, 1),
    }
}

fn add(a: (usize, usize), b: (usize, usize)) -> (usize, usize) {
    (a.0 + b.0, a.1 + b.1)
}

struct Flattener<'a> {
    rows: Vec<Row<'a>>,
    nodes: Vec<ModelNode<'a>>,
}

/// One parameter or array item on its way into rows.
struct Param<'a> {
    key: Option<&'a str>,
    /// The `name` attribute in pieces, split where row indices go (see [`field_names`]).
    names: Vec<Cow<'a, str>>,
    /// The nearest member name, and how many array levels follow it.
    label: &'a str,
    trail: usize,
    required: bool,
    description: Option<&'a str>,
    ty: &'a Type,
    /// After the prefill rule.
    prefill: Option<&'a Value>,
}

impl<'a> Flattener<'a> {
    /// `parent` is the enclosing object's name pieces (`[""]` at the root).
    fn field(
        &mut self,
        field: &'a Field,
        parent: &[Cow<'a, str>],
        inherited: Option<&'a Value>,
    ) -> usize {
        let prefill = inherited
            .filter(|v| !v.is_null() || matches!(field.ty, Type::Any(_)))
            .or(field.default.as_ref());
        self.node(Param {
            key: Some(&field.name),
            names: field_names(parent, &field.name),
            label: &field.name,
            trail: 0,
            required: field.required,
            description: field.description.as_deref(),
            ty: &field.ty,
            prefill,
        })
    }

    fn node(&mut self, p: Param<'a>) -> usize {
        let id = self.nodes.len();
        let head = Head {
            node: id,
            name: match p.names.as_slice() {
                [one] => one.clone(),
                pieces => Cow::Owned(pieces.concat()),
            },
            label: match p.trail {
                0 => Cow::Borrowed(p.label),
                n => Cow::Owned(format!("{}{}", p.label, "[]".repeat(n))),
            },
            item: p.key.is_none(),
            badge: badge(p.ty),
            required: p.required,
            help: p.description,
        };
        self.nodes.push(ModelNode {
            key: p.key,
            kind: kind(p.ty),
            required: p.required,
            names: Vec::new(),
            label: p.key.is_none().then_some(p.label),
            trail: p.trail,
            children: Vec::new(),
            item: None,
            prefill: None,
        });
        match p.ty {
            Type::Object(object) => {
                self.rows.push(Row::ObjectOpen(Group { head }));
                let children = object
                    .fields
                    .iter()
                    .map(|f| self.field(f, &p.names, p.prefill.and_then(|v| v.get(&f.name))))
                    .collect();
                self.nodes[id].children = children;
                self.rows.push(Row::ObjectClose);
            }
            Type::Array(array) => {
                self.rows.push(Row::ArrayOpen(Group { head }));
                self.rows.push(Row::TemplateOpen);
                let item = self.node(Param {
                    key: None,
                    names: item_names(&p.names),
                    label: p.label,
                    trail: p.trail + 1,
                    required: true,
                    description: array.description.as_deref(),
                    ty: &array.items,
                    prefill: None,
                });
                self.rows.push(Row::TemplateClose);
                self.rows.push(Row::ArrayClose);
                self.nodes[id].item = Some(item);
                self.nodes[id].prefill = p.prefill.filter(|v| v.is_array());
            }
            ty => {
                // An optional boolean without a value starts unset (omitted); array items
                // and required booleans always have one.
                let control = control(ty, p.prefill, p.required);
                self.rows.push(Row::Leaf(Leaf { head, control }));
            }
        }
        self.nodes[id].names = p.names;
        id
    }
}

/// The name pieces of the member `name` of an object whose pieces are `parent`: the last piece
/// grows by `.name` (or `["odd name"]`). A plain top-level name is borrowed as it is.
fn field_names<'a>(parent: &[Cow<'a, str>], name: &'a str) -> Vec<Cow<'a, str>> {
    let (last, rest) = parent.split_last().expect("name pieces are never empty");
    let mut pieces = Vec::with_capacity(parent.len());
    pieces.extend_from_slice(rest);
    if last.is_empty() && path::is_plain(name) {
        pieces.push(Cow::Borrowed(name));
    } else {
        let mut text = String::with_capacity(last.len() + name.len() + 1);
        text.push_str(last);
        // After a row index (`rows[0]` then `.sku`) the name is dotted too.
        path::push_name(&mut text, name, !last.is_empty());
        pieces.push(Cow::Owned(text));
    }
    pieces
}

/// The name pieces of an array's item: a row index goes between the array's name and the rest.
fn item_names<'a>(array: &[Cow<'a, str>]) -> Vec<Cow<'a, str>> {
    let (last, rest) = array.split_last().expect("name pieces are never empty");
    let mut pieces = Vec::with_capacity(array.len() + 1);
    pieces.extend_from_slice(rest);
    pieces.push(Cow::Owned(format!("{last}[")));
    pieces.push(Cow::Borrowed("]"));
    pieces
}

fn control<'a>(ty: &Type, value: Option<&'a Value>, required: bool) -> Control<'a> {
    let text = || match value {
        Some(Value::String(s)) => Some(Cow::Borrowed(s.as_str())),
        Some(Value::Number(n)) => Some(Cow::Owned(n.to_string())),
        _ => None,
    };
    match ty {
        Type::String => Control::Text { value: text() },
        Type::Integer => Control::Integer { value: text() },
        Type::Number => Control::Number { value: text() },
        Type::Boolean => Control::Checkbox {
            checked: value == Some(&Value::Bool(true)),
            unset: !required && !matches!(value, Some(Value::Bool(_))),
        },
        // Coze's `yyyy-MM-dd HH:mm:ss` is `datetime-local`'s value with a space for the `T`.
        Type::Time => Control::Time {
            value: text().map(|t| Cow::Owned(t.replacen(' ', "T", 1))),
        },
        Type::File(kind) => Control::File {
            value: text(),
            kind: kind.coze_name(),
            accept: kind.accept(),
        },
        Type::Map | Type::Any(_) | Type::Object(_) | Type::Array(_) => Control::Json {
            value: value.map(|v| serde_json::to_string_pretty(v).unwrap_or_default()),
            object: matches!(ty, Type::Map),
        },
    }
}

/// What the script does with a node.
fn kind(ty: &Type) -> &'static str {
    match ty {
        Type::String => "string",
        Type::Integer => "integer",
        Type::Number => "number",
        Type::Boolean => "boolean",
        Type::Time => "time",
        Type::File(_) => "file",
        Type::Object(_) => "object",
        Type::Map => "map",
        Type::Array(_) => "array",
        Type::Any(_) => "any",
    }
}

/// The type as the user reads it next to the label.
fn badge(ty: &Type) -> Cow<'static, str> {
    match ty {
        Type::Array(array) => Cow::Owned(format!("array of {}", badge(&array.items))),
        Type::Map => Cow::Borrowed("JSON object"),
        Type::Any(Some(declared)) => {
            Cow::Owned(format!("{} (JSON)", path::printable(declared, 40)))
        }
        Type::Any(None) => Cow::Borrowed("any JSON"),
        Type::File(FileKind::Generic) => Cow::Borrowed("file"),
        Type::File(kind) => Cow::Owned(format!("{} file", kind.coze_name())),
        Type::String => Cow::Borrowed("string"),
        Type::Integer => Cow::Borrowed("integer"),
        Type::Number => Cow::Borrowed("number"),
        Type::Boolean => Cow::Borrowed("boolean"),
        Type::Time => Cow::Borrowed("time"),
        Type::Object(_) => Cow::Borrowed("object"),
    }
}

/// SHA-256 of `data`, base64-encoded: a CSP hash source. The browser tests check it end to end
/// (a wrong hash would stop the page's script).
fn sha256_base64(data: &[u8]) -> String {
    use base64::Engine;
    use sha2::Digest;
    base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_escapes_exactly_like_askamas_json_filter() {
        let value = serde_json::json!({
            "a": "</script><!-- & ' \" \\ \u{2028} 名称 \u{0}",
            "b": [1, 2.5, true, null],
            "<key>": {"&": "'"}
        });
        let filter = askama::filters::json(&value).expect("filter").to_string();
        assert_eq!(script_json(&value, 0).expect("serializes"), filter);
        let plain = serde_json::json!({"a": ["b", 1, "\u{2028}\"\\"]});
        assert_eq!(
            script_json(&plain, 0).expect("serializes"),
            askama::filters::json(&plain).expect("filter").to_string()
        );
        assert!(!filter.contains('<') && !filter.contains('&') && !filter.contains('\''));
    }

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
        assert!(!SCRIPT.contains("<!--"));
        assert!(!STYLE.to_ascii_lowercase().contains("</style"));
    }

    #[test]
    fn name_pieces_leave_room_for_every_row_index() {
        let root = [Cow::Borrowed("")];
        let rows = field_names(&root, "rows");
        assert_eq!(rows, ["rows"]);
        assert!(matches!(rows[0], Cow::Borrowed(_)));
        assert_eq!(field_names(&item_names(&rows), "sku"), ["rows[", "].sku"]);
        let grid = field_names(&root, "grid");
        assert_eq!(item_names(&item_names(&grid)), ["grid[", "][", "]"]);
        let ab = field_names(&root, "a b");
        assert_eq!(field_names(&ab, "c"), [r#"["a b"].c"#]);
        let x = item_names(&field_names(&root, "x"));
        assert_eq!(field_names(&x, "first name"), ["x[", r#"]["first name"]"#]);
        assert_eq!(field_names(&field_names(&root, "a"), "b"), ["a.b"]);
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
