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
use crate::ir::{Field, FileKind, Path, Segment, Type, Workflow, path};
use askama::Template;
use serde::Serialize;
use serde_json::Value;

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
        let text = if options.fragment {
            FragmentView {
                form: &form,
                script: SCRIPT,
                script_hash: sha256_base64(SCRIPT.as_bytes()),
            }
            .render()?
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
                title: details
                    .name
                    .clone()
                    .unwrap_or_else(|| "Workflow".to_owned()),
                description: details.description.clone(),
                workflow_id: details.id.clone(),
            }
            .render()?
        };
        // NUL is the one character HTML cannot carry: parsers report it and drop it from text
        // or turn it into U+FFFD in attribute values. It can only come from the document (the
        // JSON model escapes it), so write what a browser would read.
        let text = if text.contains('\0') {
            text.replace('\0', "\u{FFFD}")
        } else {
            text
        };
        Ok(text + "\n")
    })
}

#[derive(Template)]
#[template(path = "html/page.html")]
struct PageView<'a> {
    form: &'a FormView,
    script: &'static str,
    style: &'static str,
    csp: String,
    title: String,
    description: Option<String>,
    workflow_id: Option<String>,
}

#[derive(Template)]
#[template(path = "html/fragment.html")]
struct FragmentView<'a> {
    form: &'a FormView,
    script: &'static str,
    script_hash: String,
}

/// What `templates/html/form.html` prints.
struct FormView {
    rows: Vec<Row>,
    /// The script's model, as JSON escaped for a `<script>` block by [`script_json`].
    model_json: String,
    empty: bool,
}

/// One step of the flattened parameter tree, in document order.
enum Row {
    /// A complete scalar (or JSON) parameter: label, control, help, error slot.
    Leaf(Leaf),
    ObjectOpen(Group),
    ObjectClose,
    /// An array's fieldset, legend, help and (empty) row list.
    ArrayOpen(Group),
    /// Opens the array's `<template>` and its one row; the item's rows follow.
    TemplateOpen,
    /// Closes the row (with its Remove button) and the `<template>`.
    TemplateClose,
    /// The Add button and the end of the array's fieldset.
    ArrayClose,
}

/// What every parameter's wrapper shows.
struct Head {
    /// Index into [`Model::nodes`]; element ids are `cz-{node}` and `cz-{node}-help|err|…`.
    node: usize,
    /// The `name` attribute: the path, with `[]` where the script fills in row indices.
    name: String,
    /// Label text: the parameter name (or `name[]` for an array item).
    label: String,
    /// An array item, whose label the script numbers.
    item: bool,
    /// The type, as shown next to the label.
    badge: String,
    required: bool,
    help: Option<String>,
}

struct Group {
    head: Head,
}

struct Leaf {
    head: Head,
    control: Control,
}

enum Control {
    Text {
        value: Option<String>,
    },
    Integer {
        value: Option<String>,
    },
    Number {
        value: Option<String>,
    },
    /// `unset`: an optional boolean without a value, shown indeterminate and left out of the
    /// parameters until the user ticks or unticks it.
    Checkbox {
        checked: bool,
        unset: bool,
    },
    /// `datetime-local`, whose value is `yyyy-MM-ddTHH:mm:ss`.
    Time {
        value: Option<String>,
    },
    File {
        value: Option<String>,
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
struct Model {
    /// The root object's members.
    root: Vec<usize>,
    nodes: Vec<ModelNode>,
    /// Where the form POSTs, if anywhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    action: Option<String>,
}

#[derive(Serialize)]
struct ModelNode {
    /// The member's wire name; absent for array items.
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    kind: &'static str,
    required: bool,
    /// The `name` attribute split where row indices go: `["rows[", "].sku"]`.
    names: Vec<String>,
    /// The nearest member name, and how many row indices follow it in the label.
    label: String,
    trail: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    children: Vec<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<usize>,
    /// Rows an array starts with (its own default, or an enclosing default's value).
    #[serde(skip_serializing_if = "Option::is_none")]
    prefill: Option<Value>,
}

fn build_form(workflow: &Workflow, action: Option<String>) -> Result<FormView> {
    let mut flat = Flattener::default();
    let root = workflow
        .input
        .fields
        .iter()
        .map(|f| flat.field(f, None))
        .collect();
    let model = Model {
        root,
        nodes: flat.nodes,
        action,
    };
    Ok(FormView {
        empty: workflow.input.fields.is_empty(),
        rows: flat.rows,
        model_json: script_json(&model)?,
    })
}

/// `value` as JSON that is inert inside a `<script>` block: serde_json's text with `&`, `'`, `<`
/// and `>` written as `\u00XX` escapes, exactly what askama's `json` filter writes. The filter
/// escapes through one small write per JSON token, which made it the form's hottest spot on
/// large documents; one pass over the finished text does the same work.
fn script_json(value: &impl Serialize) -> Result<String> {
    let text = serde_json::to_string(value)
        .map_err(|e| Error::Internal(format!("cannot serialize the form's model: {e}")))?;
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

#[derive(Default)]
struct Flattener {
    rows: Vec<Row>,
    nodes: Vec<ModelNode>,
}

/// One parameter or array item on its way into rows.
struct Param<'a> {
    key: Option<&'a str>,
    path: &'a Path,
    required: bool,
    description: Option<&'a str>,
    ty: &'a Type,
    /// After the prefill rule.
    prefill: Option<Value>,
}

impl Flattener {
    fn field(&mut self, field: &Field, inherited: Option<&Value>) -> usize {
        let prefill = inherited
            .filter(|v| !v.is_null() || matches!(field.ty, Type::Any(_)))
            .or(field.default.as_ref())
            .cloned();
        self.node(Param {
            key: Some(&field.name),
            path: &field.path,
            required: field.required,
            description: field.description.as_deref(),
            ty: &field.ty,
            prefill,
        })
    }

    fn node(&mut self, p: Param<'_>) -> usize {
        let id = self.nodes.len();
        let (label, trail) = label_parts(p.path);
        let names = name_pieces(p.path);
        let head = Head {
            node: id,
            name: names.concat(),
            label: format!("{label}{}", "[]".repeat(trail)),
            item: p.key.is_none(),
            badge: badge(p.ty),
            required: p.required,
            help: p.description.map(str::to_owned),
        };
        self.nodes.push(ModelNode {
            key: p.key.map(str::to_owned),
            kind: kind(p.ty),
            required: p.required,
            names,
            label,
            trail,
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
                    .map(|f| self.field(f, p.prefill.as_ref().and_then(|v| v.get(&f.name))))
                    .collect();
                self.nodes[id].children = children;
                self.rows.push(Row::ObjectClose);
            }
            Type::Array(array) => {
                self.rows.push(Row::ArrayOpen(Group { head }));
                self.rows.push(Row::TemplateOpen);
                let items_path = p.path.items();
                let item = self.node(Param {
                    key: None,
                    path: &items_path,
                    required: true,
                    description: array.description.as_deref(),
                    ty: &array.items,
                    prefill: None,
                });
                self.rows.push(Row::TemplateClose);
                self.rows.push(Row::ArrayClose);
                self.nodes[id].item = Some(item);
                self.nodes[id].prefill = p.prefill.filter(Value::is_array);
            }
            ty => {
                // An optional boolean without a value starts unset (omitted); array items
                // and required booleans always have one.
                let control = control(ty, p.prefill.as_ref(), p.required);
                self.rows.push(Row::Leaf(Leaf { head, control }));
            }
        }
        id
    }
}

fn control(ty: &Type, value: Option<&Value>, required: bool) -> Control {
    let text = || match value {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
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
            value: text().map(|t| t.replacen(' ', "T", 1)),
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
fn badge(ty: &Type) -> String {
    match ty {
        Type::Array(array) => format!("array of {}", badge(&array.items)),
        Type::Map => "JSON object".to_owned(),
        Type::Any(Some(declared)) => format!("{} (JSON)", path::printable(declared, 40)),
        Type::Any(None) => "any JSON".to_owned(),
        Type::File(FileKind::Generic) => "file".to_owned(),
        Type::File(kind) => format!("{} file", kind.coze_name()),
        ty => ty.coze_name().to_owned(),
    }
}

/// The path as text, split where the script puts row indices (one piece more than there are
/// array levels): `rows[].sku` → `["rows[", "].sku"]`.
fn name_pieces(path: &Path) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut run_start = 0;
    let mut closing = "";
    for (i, segment) in path.0.iter().enumerate() {
        if *segment == Segment::Items {
            pieces.push(format!(
                "{closing}{}[",
                run(&path.0[run_start..i], run_start > 0)
            ));
            closing = "]";
            run_start = i + 1;
        }
    }
    pieces.push(format!(
        "{closing}{}",
        run(&path.0[run_start..], run_start > 0)
    ));
    pieces
}

/// A run of named segments as path text; `dotted` when something comes before it.
fn run(segments: &[Segment], dotted: bool) -> String {
    let sub = Path(segments.to_vec());
    if dotted {
        // `display_with` dots the first name after a non-empty prefix; drop the prefix.
        sub.display_with("x")[1..].to_owned()
    } else {
        sub.display_with("")
    }
}

/// The last member name on the path, and how many array levels follow it.
fn label_parts(path: &Path) -> (String, usize) {
    let mut trail = 0;
    for segment in path.0.iter().rev() {
        match segment {
            Segment::Items => trail += 1,
            Segment::Name(name) => return (name.clone(), trail),
        }
    }
    (String::new(), trail)
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
        assert_eq!(script_json(&value).expect("serializes"), filter);
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
        let p = Path::default().child("rows").items().child("sku");
        assert_eq!(name_pieces(&p), ["rows[", "].sku"]);
        let p = Path::default().child("grid").items().items();
        assert_eq!(name_pieces(&p), ["grid[", "][", "]"]);
        let p = Path::default().child("a b").child("c");
        assert_eq!(name_pieces(&p), [r#"["a b"].c"#]);
        let p = Path::default().child("x").items().child("first name");
        assert_eq!(name_pieces(&p), ["x[", r#"]["first name"]"#]);
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
        for bad in [
            "javascript:alert(1)",
            "/run",
            "https://",
            "https://a b",
            "https://x;script-src *",
            "https://u:p@host/",
            "https://x/'unsafe-inline'",
        ] {
            assert!(check_action(bad).is_err(), "{bad}");
        }
    }
}
