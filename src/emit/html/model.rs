//! The script's model: everything `form.js` knows about the parameters and the value rules, as
//! JSON for a `<script type="application/json">` block.
//!
//! The rules are the IR's own constants ([`crate::ir::rules`]): the script compiles the
//! patterns and compares integers against the bounds as BigInts, so the form checks exactly
//! what the schema and `validate` check. Prefilled array rows are the exact JSON text of their
//! values (big integers included), which the script reads with its own exact parser.

use super::i18n::Messages;
use crate::ir::rules::{FileValues, INTEGER_MAX, INTEGER_MIN, TIME_PATTERN};
use crate::json::Writer;
use std::borrow::Cow;

/// The script's view of one parameter or array item.
///
/// What the script can do without is left out, since a large form has one node per parameter:
/// `required` and `fallback` when false, `names` outside arrays (the page's `name` attributes
/// are already whole there), and `label` and `trail` on members (whose labels the script never
/// touches).
pub(super) struct Node<'a> {
    /// The member's wire name; `None` for array items and an open object's other keys.
    pub key: Option<&'a str>,
    pub kind: &'static str,
    pub required: bool,
    /// A top-level parameter whose default Coze applies itself: sent only once changed.
    pub fallback: bool,
    /// The `name` attribute split where row indices go: `["rows[", "].sku"]`.
    pub names: Vec<Cow<'a, str>>,
    /// For an array item: the stem of its title ("Line"), and how many 1-based row numbers
    /// the script appends to it ("Line 2", "Grid item 1.3").
    pub label: Option<Cow<'a, str>>,
    pub trail: usize,
    /// An object's members.
    pub children: Vec<usize>,
    /// An array's item.
    pub item: Option<usize>,
    /// The rows an array starts with (its own default, or an enclosing default's value), as
    /// compact JSON text.
    pub prefill: Option<String>,
    /// A leaf's prefilled text, where the page cannot carry it exactly.
    pub exact: Option<&'a str>,
}

/// A chatflow's chat request, besides its parameters: the form emits
/// `{workflow_id, app_id, additional_messages, parameters}`.
pub(super) struct ChatModel<'a> {
    /// The chatflow's ID, when the document has one.
    pub workflow_id: Option<&'a str>,
    /// The app the chat runs in ([`crate::ir::Details::run_app_id`]).
    pub app_id: Option<&'a str>,
}

/// The model as JSON that is inert inside a `<script>` block.
pub(super) fn write(
    nodes: &[Node<'_>],
    root: &[usize],
    options: &super::HtmlOptions,
    messages: &Messages,
    files: FileValues,
    chat: Option<&ChatModel<'_>>,
) -> String {
    let (action, upload) = (options.action.as_deref(), options.upload_action.as_deref());
    let (headers, upload_raw) = (&options.request_headers, options.upload_raw);
    let mut w = Writer::compact(256 + nodes.len() * 48);
    w.begin_object();
    w.key("rules");
    w.begin_object();
    // Decimal text: the bounds are beyond what a JavaScript number holds exactly.
    w.entry_str("integer_min", &INTEGER_MIN.to_string());
    w.entry_str("integer_max", &INTEGER_MAX.to_string());
    w.entry_str("time", TIME_PATTERN);
    w.entry_str("file", files.pattern());
    if files == FileValues::UrlOnly {
        // Coze Studio: a file is a URL, never a file_id to wrap.
        w.key("file_url_only");
        w.bool(true);
    }
    w.end_object();
    if let Some(action) = action {
        w.entry_str("action", action);
    }
    if let Some(upload) = upload {
        w.entry_str("upload", upload);
    }
    if upload_raw {
        w.key("upload_raw");
        w.bool(true);
    }
    if !headers.is_empty() {
        w.key("headers");
        w.begin_object();
        for (name, value) in headers {
            w.entry_str(name, value);
        }
        w.end_object();
    }
    if let Some(chat) = chat {
        w.key("chat");
        w.begin_object();
        w.entry_opt("workflow_id", chat.workflow_id);
        w.entry_opt("app_id", chat.app_id);
        w.end_object();
    }
    w.entry_str("lang", messages.lang.tag());
    w.key("text");
    w.begin_object();
    // The script's messages (the `js.*` keys) only: the page's own are in its markup.
    for (key, message) in &messages.table {
        if key.starts_with("js.") {
            w.entry_str(key, message);
        }
    }
    w.end_object();
    w.key("root");
    ids(&mut w, root);
    w.key("nodes");
    w.begin_array();
    for node in nodes {
        w.begin_object();
        if let Some(key) = node.key {
            w.entry_str("key", key);
        }
        w.entry_str("kind", node.kind);
        if node.required {
            w.key("required");
            w.bool(true);
        }
        if node.fallback {
            w.key("fallback");
            w.bool(true);
        }
        if node.names.len() > 1 {
            w.key("names");
            w.begin_array();
            for piece in &node.names {
                w.string(piece);
            }
            w.end_array();
        }
        if let Some(label) = &node.label {
            w.entry_str("label", label);
        }
        if node.trail > 0 {
            w.key("trail");
            w.integer(node.trail as u64);
        }
        if !node.children.is_empty() {
            w.key("children");
            ids(&mut w, &node.children);
        }
        if let Some(item) = node.item {
            w.key("item");
            w.integer(item as u64);
        }
        if let Some(prefill) = &node.prefill {
            w.entry_str("prefill", prefill);
        }
        if let Some(exact) = node.exact {
            w.entry_str("exact", exact);
        }
        w.end_object();
    }
    w.end_array();
    w.end_object();
    escape_for_script(w.finish())
}

fn ids(w: &mut Writer, ids: &[usize]) {
    w.begin_array();
    for &id in ids {
        w.integer(id as u64);
    }
    w.end_array();
}

/// JSON text made inert inside a `<script>` block: `&`, `'`, `<` and `>` written as `\u00XX`
/// escapes (inside strings, the only place JSON text can hold them), exactly what askama's
/// `json` filter writes. Text without any of them is returned as it is.
pub(super) fn escape_for_script(text: String) -> String {
    let needs = |b: &u8| matches!(b, b'&' | b'\'' | b'<' | b'>');
    if !text.as_bytes().iter().any(needs) {
        return text;
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
    out
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
        let ours = escape_for_script(crate::json::to_compact(&value));
        assert_eq!(ours, filter);
        assert!(!ours.contains('<') && !ours.contains('&') && !ours.contains('\''));
    }

    #[test]
    fn the_model_carries_the_irs_rules() {
        let en = super::super::i18n::Lang::En.messages();
        let options = super::super::HtmlOptions::default();
        let text = write(&[], &[], &options, en, FileValues::UrlOrFileId, None);
        let model: serde_json::Value = serde_json::from_str(&text).expect("json");
        let rules = &model["rules"];
        assert_eq!(rules["time"], TIME_PATTERN);
        assert_eq!(rules["file"], crate::ir::rules::FILE_PATTERN);
        assert_eq!(rules["file_url_only"], serde_json::Value::Null);
        assert_eq!(rules["integer_min"], "-9223372036854775808");
        assert_eq!(rules["integer_max"], "9223372036854775807");
        let studio = write(&[], &[], &options, en, FileValues::UrlOnly, None);
        let model: serde_json::Value = serde_json::from_str(&studio).expect("json");
        assert_eq!(model["rules"]["file"], crate::ir::rules::FILE_URL_PATTERN);
        assert_eq!(model["rules"]["file_url_only"], true);
    }
}
