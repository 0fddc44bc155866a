//! The HTML form artifact: goldens over the corpus, static checks on escaping and structure,
//! the end-to-end scenarios in headless Chromium (tests/js/form-e2e.mjs), and the plans that
//! enter an instance through the form's UI (tests/it/common/form_plan.rs). Every corpus instance
//! goes through the form in the conformance suite's form leg (tests/it/conformance.rs).

use crate::common::form_plan::{Action, FormOutcome, plan, run_form_documents};
use crate::common::*;
use serde_json::Value;
use std::path::Path;

fn html_for(doc: &Path, extra: &[&str]) -> String {
    let mut args = vec!["html", doc.to_str().expect("utf-8 path"), "--quiet"];
    args.extend_from_slice(extra);
    let out = cozegen(&args);
    assert!(
        out.status.success(),
        "cozegen html {} failed: {}",
        doc.display(),
        stderr(&out)
    );
    stdout(&out)
}

fn corpus_doc(name: &str) -> std::path::PathBuf {
    root().join("tests/corpus").join(format!("{name}.json"))
}

/// The markup around the model block and the script: everything a document could inject into.
fn markup(html: &str) -> &str {
    let end = html
        .find("<script type=\"application/json\"")
        .expect("model block");
    let start = html.find("</style>").map_or(0, |i| i + "</style>".len());
    &html[start..end]
}

#[test]
fn html_goldens_match_for_every_corpus_document() {
    let mut goldens = Goldens::new();
    for doc in corpus() {
        goldens.check(&format!("{}/form.html", stem(&doc)), &html_for(&doc, &[]));
    }
    let doc = corpus_doc("order_intake");
    goldens.check(
        "order_intake/form-fragment.html",
        &html_for(&doc, &["--fragment"]),
    );
}

/// The fixed parts, which the goldens hold as markers (tests/it/common/golden.rs), tested once: every
/// page inlines `templates/html/form.js` exactly (inside its one-line entry, which calls the
/// script's function on the page's form) and `form.css`, its CSP pins both by their SHA-256, and
/// the fragment inlines the script and names its hash.
#[test]
fn every_page_inlines_the_fixed_script_and_style_verbatim_and_pins_their_hashes() {
    use crate::common::golden::{csp_hash, document_part, marker};
    let template = std::fs::read_to_string(root().join("templates/html/form.js")).expect("form.js");
    let script = format!(
        "(() => {{\n{template}cozegenForm(document.getElementById(\"cozegen-form\"));\n}})();\n"
    );
    assert_eq!(script, cozegen::emit::html::SCRIPT);
    let style = std::fs::read_to_string(root().join("templates/html/form.css")).expect("form.css");
    let inline = |html: &str, open: &str, close: &str| -> String {
        let start = html.find(open).expect("the tag") + open.len();
        html[start..start + html[start..].find(close).expect("its end")].to_owned()
    };
    for doc in corpus() {
        let html = html_for(&doc, &[]);
        assert!(
            inline(&html, "<script>", "</script>") == script,
            "{}: the script",
            doc.display()
        );
        assert!(
            inline(&html, "<style>", "</style>") == style,
            "{}: the style",
            doc.display()
        );
        for (source, text) in [("script-src", &script), ("style-src", &style)] {
            let pin = format!("{source} &#39;sha256-{}&#39;", csp_hash(text));
            assert!(html.contains(&pin), "{}: {pin}", doc.display());
        }
        let golden = document_part("x/form.html", &html);
        assert!(
            golden.contains(&marker("html/form.js")) && golden.contains(&marker("html/form.css"))
        );
        assert!(
            golden.len() < html.len() - script.len(),
            "{}",
            doc.display()
        );
    }
    let fragment = html_for(&corpus_doc("order_intake"), &["--fragment"]);
    assert_eq!(inline(&fragment, "<script>", "</script>"), script);
    assert!(fragment.contains(&format!("script-src 'sha256-{}'", csp_hash(&script))));
}

#[test]
fn generation_is_deterministic() {
    for doc in corpus() {
        assert_eq!(
            html_for(&doc, &[]),
            html_for(&doc, &[]),
            "{}",
            doc.display()
        );
    }
}

#[test]
fn every_parameter_gets_a_control_named_by_its_path_in_document_order() {
    let html = html_for(&corpus_doc("order_intake"), &[]);
    let names = [
        "name=\"customer\"",
        "name=\"customer.name\"",
        "name=\"customer.email\"",
        "name=\"customer.address\"",
        "name=\"customer.address.street\"",
        "name=\"customer.address.city\"",
        "name=\"customer.address.postcode\"",
        "name=\"lines\"",
        "name=\"lines[].sku\"",
        "name=\"priority\"",
    ];
    let positions: Vec<usize> = names
        .iter()
        .map(|n| html.find(n).unwrap_or_else(|| panic!("{n} missing")))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
}

#[test]
fn controls_follow_the_parameter_types() {
    let html = html_for(&corpus_doc("all_types"), &[]);
    for expected in [
        "<textarea class=\"cz-control cz-text\" id=\"cz-0\" name=\"title\" rows=\"1\" \
         aria-describedby=\"cz-0-help cz-0-err\" required>\nUntitled</textarea>",
        r#"<input type="number" step="1" inputmode="numeric" class="cz-control" id="cz-1" name="count" value="3""#,
        r#"<input type="number" step="any" inputmode="decimal" class="cz-control" id="cz-2" name="temperature" value="0.7""#,
        // An optional boolean can be left out; its default is chosen.
        r#"<select class="cz-control" id="cz-3" name="dry_run""#,
        r#"<option value="false" selected>false</option>"#,
        r#"<input type="datetime-local" step="1" class="cz-control" id="cz-4" name="when""#,
        // An optional top-level object shows its default but starts left out: Coze applies it.
        r#"<fieldset class="cz-group cz-object" data-node="5" id="cz-5" name="options""#,
        r#"<input type="checkbox" class="cz-include" id="cz-5-inc"> include"#,
        r#"name="options.limits" aria-describedby="cz-7-err" data-excluded>"#,
        r#"<input type="checkbox" class="cz-include" id="cz-7-inc"> include"#,
        r#"<fieldset class="cz-group cz-array" data-node="9" id="cz-9" name="keywords""#,
        r#"accept="image/*""#,
        r#"accept=".zip,application/zip""#,
    ] {
        assert!(html.contains(expected), "missing {expected}");
    }
    assert!(html.contains(
        r#"<p class="cz-help" id="cz-0-help">Short title, as on https://www.coze.cn/open/docs.</p>"#
    ));
    // Every string is a text area, so that text with newlines can be entered.
    assert!(!html.contains(r#"<input type="text" class="cz-control" id="cz-0""#));
    let odd = html_for(&corpus_doc("odd_shapes"), &[]);
    assert!(
        odd.contains(r#"value="2025-07-01T09:30:00""#),
        "time default"
    );
    assert!(odd.contains(r#"class="cz-control cz-json" id="cz-0" name="no_type""#));
    // A required array is always sent, so it has no include box.
    let arrays = html_for(&corpus_doc("arrays"), &[]);
    let rows = &arrays[arrays.find(r#"name="rows""#).expect("rows")..];
    assert!(!rows[..rows.find("</legend>").expect("legend")].contains("cz-include"));
}

#[test]
fn labels_are_titles_with_the_wire_name_beside_them_and_a_type_chip_in_plain_words() {
    let html = html_for(&corpus_doc("order_intake"), &[]);
    for expected in [
        r#"<bdi class="cz-name">Deliver at</bdi> <code class="cz-wire">deliver_at</code> <span class="cz-badge" title="Coze type: time">date and time</span>"#,
        r#"<bdi class="cz-name">Invoice</bdi> <code class="cz-wire">invoice</code> <span class="cz-badge" title="Coze type: doc">document</span>"#,
        r#"<bdi class="cz-name">Lines</bdi> <code class="cz-wire">lines</code> <span class="cz-badge" title="Coze type: array of object">list of groups</span> <abbr class="cz-req" title="required">*</abbr>"#,
        // A row's title is the array's in the singular; the script numbers it from 1.
        r#"<legend class="cz-legend"><bdi class="cz-name" data-item>Line</bdi></legend>"#,
        r#"<button type="button" class="cz-add">Add line</button>"#,
        r#"<bdi class="cz-name">SKU</bdi> <code class="cz-wire">sku</code>"#,
        r#"<label class="cz-pick-label" for="cz-15-pick">Paste a link to the document in the box above. Picking a file here only shows its name and size: it is not uploaded.</label>"#,
    ] {
        assert!(html.contains(expected), "missing {expected}");
    }
    // The name attribute and the JSON key are the wire name, untouched.
    assert!(html.contains(r#"name="deliver_at""#));
    let model = model(&html);
    assert_eq!(model["nodes"][14]["key"], "deliver_at");
    assert_eq!(model["nodes"][8]["label"], "Line");
    assert_eq!(model["nodes"][8]["trail"], 1);

    let seed = html_for(&corpus_doc("seed_example"), &["--lang", "en"]);
    assert!(seed.contains(
        r#"<bdi class="cz-name">Conversation name</bdi> <code class="cz-wire">CONVERSATION_NAME</code>"#
    ));
    let hostile = html_for(&corpus_doc("hostile_names"), &[]);
    // A name that is not ASCII words is its own title, shown once.
    assert!(hostile.contains(
        r#"<bdi class="cz-name">名称</bdi> <span class="cz-badge" title="Coze type: string">text</span>"#
    ));
    assert!(hostile.contains(
        r#"<bdi class="cz-name">First name</bdi> <code class="cz-wire">firstName</code>"#
    ));
    let arrays = html_for(&corpus_doc("arrays"), &[]);
    assert!(arrays.contains(
        r#"title="Coze type: array of array of number">list of lists of numbers</span>"#
    ));
    assert!(arrays.contains(r#"<button type="button" class="cz-add">Add grid item</button>"#));
}

#[test]
fn a_top_level_optional_default_is_marked_as_coze_s_and_a_required_or_nested_one_is_not() {
    let doc = r#"{"input":{"parameters":{
        "count":{"type":"integer","default_value":"3"},
        "keep":{"type":"integer","required":true,"default_value":"7"},
        "opts":{"type":"object","default_value":"{\"n\":1}","properties":{"n":{"type":"integer","default_value":"2"}}},
        "tags":{"type":"array","items":{"type":"string"},"default_value":"[\"a\"]"}}}}"#;
    let html = html_from_stdin(doc, &[]);
    let model = model(&html);
    let fallback = |i: usize| model["nodes"][i]["fallback"] == true;
    assert!(fallback(0), "an optional top-level default");
    assert!(!fallback(1), "a required parameter is always sent");
    assert!(fallback(2), "an optional object's default");
    assert!(!fallback(3), "a default inside an object is sent as shown");
    assert!(fallback(4), "an optional array's default");
    assert!(html.contains(r#"<div class="cz-field" data-node="0" data-default>"#));
    assert!(html.contains(r#"<div class="cz-field" data-node="1">"#));
    assert!(html.contains(r#"<p class="cz-default" id="cz-0-def">Default: Coze applies it by itself, so it is sent only if you change it.</p>"#));
    assert!(html.contains(r#"name="count" value="3" aria-describedby="cz-0-def cz-0-err""#));
    // A group shows its default but starts left out; a change inside (or the box) includes it.
    assert!(html.contains(r#"<input type="checkbox" class="cz-include" id="cz-2-inc"> include"#));
    assert!(html.contains(r#"<input type="checkbox" class="cz-include" id="cz-4-inc"> include"#));
    assert!(html.contains(r#"<p class="cz-default" id="cz-2-def">Default shown: "#));
    assert!(
        html.contains(r#"name="opts.n" value="1""#),
        "the enclosing default wins"
    );
    assert_eq!(
        model["nodes"][4]["prefill"], r#"["a"]"#,
        "its rows are still drawn"
    );
}

#[test]
fn the_result_panel_has_a_copy_button_with_announced_feedback() {
    let html = html_for(&corpus_doc("bare_info"), &[]);
    assert!(html.contains(
        "<button type=\"button\" class=\"cz-copy\">Copy JSON</button>\n<span class=\"cz-copied\" role=\"status\"></span>"
    ));
    assert!(html.contains(r#"<pre class="cz-out" tabindex="0"></pre>"#));
    assert!(html.contains(r#"<p class="cz-left-out" hidden></p>"#));
}

/// The message tables, `templates/html/i18n/<lang>.json`, as key → message.
fn message_tables() -> Vec<(String, serde_json::Map<String, Value>)> {
    cozegen::emit::html::i18n::Lang::ALL
        .iter()
        .map(|lang| {
            let table: Value = serde_json::from_str(lang.source()).expect("a table is JSON");
            let Value::Object(table) = table else {
                panic!("{} is not an object", lang.tag())
            };
            for (key, message) in &table {
                assert!(
                    message.as_str().is_some_and(|m| !m.trim().is_empty()),
                    "{}: {key} is not a message",
                    lang.tag()
                );
            }
            (lang.tag().to_owned(), table)
        })
        .collect()
}

/// The `{name}` placeholders of a message.
fn placeholders(message: &str) -> std::collections::BTreeSet<&str> {
    message
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .filter(|name| !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase()))
        .collect()
}

#[test]
fn every_language_has_every_message_with_no_placeholder_english_lacks() {
    let tables = message_tables();
    let (_, en) = &tables[0];
    for (lang, table) in &tables[1..] {
        let missing: Vec<_> = en.keys().filter(|k| !table.contains_key(*k)).collect();
        let extra: Vec<_> = table.keys().filter(|k| !en.contains_key(*k)).collect();
        assert!(missing.is_empty(), "{lang} lacks {missing:?}");
        assert!(extra.is_empty(), "{lang} has keys English lacks: {extra:?}");
        for (key, message) in table {
            let theirs = placeholders(message.as_str().expect("text"));
            let ours = placeholders(en[key].as_str().expect("text"));
            assert!(
                theirs.is_subset(&ours),
                "{lang} {key}: placeholders {theirs:?}, English has {ours:?}"
            );
            // A sentence the script fills in must keep every argument.
            if key.starts_with("js.") && key != "js.row" {
                assert_eq!(theirs, ours, "{lang} {key}");
            }
        }
    }
    // Chinese messages are Chinese (those that are words at all).
    let zh = &tables[1].1;
    for key in [
        "form.submit",
        "form.add",
        "js.required",
        "js.summaryMany",
        "js.uploadFailed",
    ] {
        assert!(
            zh[key]
                .as_str()
                .expect("text")
                .chars()
                .any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)),
            "{key}"
        );
    }
    assert_eq!(zh["form.submit"], "提交");
    assert_eq!(zh["form.add"], "添加一项");
    assert_eq!(zh["js.required"], "此项为必填。");
}

#[test]
fn every_message_is_used_and_every_key_used_has_a_message() {
    let tables = message_tables();
    let keys: std::collections::BTreeSet<&str> = tables[0].1.keys().map(String::as_str).collect();
    let mut sources = String::new();
    for dir in ["templates/html", "src/emit/html"] {
        for entry in std::fs::read_dir(root().join(dir)).expect("dir") {
            let path = entry.expect("entry").path();
            // The tables themselves, and the tests of the table module, do not count as uses.
            if path.is_file() && path.file_name().is_some_and(|n| n != "i18n.rs") {
                sources.push_str(&std::fs::read_to_string(&path).expect("source"));
            }
        }
    }
    let mut used = std::collections::BTreeSet::new();
    // The artifact's file name (`form.html`) reads like a key, and is not one.
    let file_names = cozegen::bundle::file_names();
    for piece in sources.split('"') {
        if file_names.contains(&piece) {
            continue;
        }
        if matches!(
            piece.split_once('.'),
            Some(("page" | "form" | "chip" | "coze" | "noun" | "js", rest)) if !rest.is_empty()
        ) && piece.len() < 40
            && piece
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.')
        {
            used.insert(piece);
        }
    }
    let unused: Vec<_> = keys.iter().filter(|k| !used.contains(*k)).collect();
    let unknown: Vec<_> = used.iter().filter(|k| !keys.contains(*k)).collect();
    assert!(unused.is_empty(), "messages nothing uses: {unused:?}");
    assert!(unknown.is_empty(), "keys with no message: {unknown:?}");
}

#[test]
fn the_script_writes_no_sentence_of_its_own_and_explains_cors() {
    let script = std::fs::read_to_string(root().join("templates/html/form.js")).expect("form.js");
    for stray in [
        "\"Enter ",
        "\"This ",
        "\"Could ",
        "\"Copied",
        "\"Left out",
        "\" at line ",
        "\"unexpected",
        "\"expected",
        "\"Picked",
        "\"Upload",
        " KB\"",
        "\"(empty",
    ] {
        assert!(
            !script.contains(stray),
            "a message outside the tables: {stray}"
        );
    }
    let tables = message_tables();
    let unreachable = tables[0].1["js.unreachable"].as_str().expect("text");
    for sentence in [
        "Could not reach {url}. ",
        "it must allow this page's origin with CORS ",
        "(Access-Control-Allow-Origin; a page opened from disk sends Origin: null)",
        "for Content-Type: application/json.",
    ] {
        assert!(
            unreachable.contains(sentence),
            "js.unreachable lacks {sentence:?}"
        );
    }
    assert!(
        tables[1].1["js.uploadUnreachable"]
            .as_str()
            .expect("text")
            .contains("CORS")
    );
}

#[test]
fn auto_picks_chinese_for_a_workflow_described_in_chinese_and_english_otherwise() {
    let lang = |doc: &Path| {
        let html = html_for(doc, &[]);
        let start = html.find("<html lang=\"").expect("lang") + "<html lang=\"".len();
        html[start..start + html[start..].find('"').expect("end")].to_owned()
    };
    assert_eq!(lang(&root().join("tests/i18n/zh_order.json")), "zh-CN");
    // A Latin identifier as the name, and a Chinese description.
    assert_eq!(lang(&corpus_doc("seed_example")), "zh-CN");
    for doc in ["order_intake", "arrays", "hostile_names", "no_inputs"] {
        assert_eq!(lang(&corpus_doc(doc)), "en", "{doc}");
    }
    let zh = html_for(&root().join("tests/i18n/zh_order.json"), &[]);
    for expected in [
        "<title>order_intake_cn · 开始节点参数</title>",
        r#"<p class="cz-kicker">扣子工作流 · 开始节点</p>"#,
        r#"<button type="submit" class="cz-submit">提交</button>"#,
        r#"<button type="button" class="cz-add">添加一项</button>"#,
        r#"<bdi class="cz-name">customer_name</bdi> <span class="cz-badge" title="扣子类型：string">文本</span> <abbr class="cz-req" title="必填">*</abbr>"#,
        r#"title="扣子类型：array of image">图片列表</span>"#,
    ] {
        assert!(zh.contains(expected), "missing {expected}");
    }
    assert_eq!(model(&zh)["text"]["js.required"], "此项为必填。");
    // --lang overrides the detection, both ways.
    let en = html_for(&root().join("tests/i18n/zh_order.json"), &["--lang", "en"]);
    assert!(en.contains("<html lang=\"en\">") && en.contains(">Submit</button>"));
    assert_eq!(model(&en)["text"]["js.required"], "This field is required.");
    let zh = html_for(&corpus_doc("order_intake"), &["--lang", "zh-CN"]);
    assert!(zh.contains("<html lang=\"zh-CN\">") && zh.contains(">提交</button>"));
    // An embedded form says its language itself, whatever the host page's.
    let fragment = html_for(
        &corpus_doc("order_intake"),
        &["--lang", "zh-CN", "--fragment"],
    );
    assert!(
        fragment.contains(r#"<form id="cozegen-form" class="cz-form" lang="zh-CN" novalidate>"#)
    );
}

#[test]
fn an_unknown_language_is_a_usage_error() {
    let doc = corpus_doc("arrays");
    for bad in ["fr", "zh", "chinese", ""] {
        let out = cozegen(&["html", doc.to_str().expect("utf-8"), "--lang", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(stderr(&out).contains("--lang"), "{}", stderr(&out));
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn upload_action_gives_file_parameters_an_upload_picker_and_the_csp_its_origin() {
    let doc = root().join("tests/i18n/zh_order.json");
    let html = html_for(
        &doc,
        &[
            "--upload-action",
            "https://files.example.com:8443/coze/upload?x=1",
            "--action",
            "https://run.example.com/run",
            "--lang",
            "en",
        ],
    );
    assert!(html.contains(
        "connect-src https://run.example.com https://files.example.com:8443; form-action"
    ));
    assert_eq!(
        model(&html)["upload"],
        "https://files.example.com:8443/coze/upload?x=1"
    );
    assert!(
        html.contains(r#"<label class="cz-pick-label" for="cz-6-pick">Upload a document</label>"#)
    );
    // An upload picker for every file parameter, even where no file type narrows the choice.
    assert_eq!(
        html.matches(r#"<div class="cz-pick cz-upload">"#).count(),
        2
    );
    // One origin for both is listed once.
    let same = html_for(
        &doc,
        &[
            "--upload-action",
            "http://127.0.0.1:9/up",
            "--action",
            "http://127.0.0.1:9/run",
        ],
    );
    assert!(same.contains("connect-src http://127.0.0.1:9; form-action"));
    // Without it, files stay text inputs with a local check, as before.
    let plain = html_for(&doc, &[]);
    assert!(!plain.contains("cz-upload"));
    assert!(model(&plain).get("upload").is_none());
    assert!(plain.contains("connect-src &#39;none&#39;"));
}

#[test]
fn bad_upload_action_urls_are_usage_errors() {
    let doc = corpus_doc("all_types");
    for bad in [
        "ftp://files.example.com/up",
        "/upload",
        "https://user:secret@files.example.com/up",
        "https://x/;script-src *",
        "https://a.com:99999/",
    ] {
        let out = cozegen(&["html", doc.to_str().expect("utf-8"), "--upload-action", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(stderr(&out).contains("--upload-action"), "{}", stderr(&out));
        assert!(out.stdout.is_empty());
    }
    // The library refuses it too.
    let (workflow, _) =
        cozegen::load_workflow(corpus_doc("all_types"), &Default::default()).expect("loads");
    let options = cozegen::emit::html::HtmlOptions {
        upload_action: Some("javascript:alert(1)".into()),
        ..Default::default()
    };
    let err = cozegen::emit::html::render(&workflow, &options).expect_err("refused");
    assert!(err.to_string().starts_with("--upload-action"), "{err}");
}

#[test]
fn golden_chinese_form_with_uploads() {
    assert_golden(
        "i18n/zh_order.html",
        &html_for(
            &root().join("tests/i18n/zh_order.json"),
            &["--upload-action", "https://example.com/coze/upload"],
        ),
    );
}

/// The `<script type="application/json">` model of a page, parsed.
fn model(html: &str) -> Value {
    let start = html
        .find(r#"<script type="application/json" class="cz-model">"#)
        .expect("model block");
    let text = &html[start..];
    let text = &text[text.find('>').expect("tag end") + 1..text.find("</script>").expect("end")];
    serde_json::from_str(text).expect("the model is JSON")
}

#[test]
fn the_form_checks_values_with_the_irs_own_rules() {
    use cozegen::ir::rules::{FILE_PATTERN, INTEGER_MAX, INTEGER_MIN, TIME_PATTERN};
    let rules = &model(&html_for(&corpus_doc("all_types"), &[]))["rules"];
    assert_eq!(rules["time"], TIME_PATTERN);
    assert_eq!(rules["file"], FILE_PATTERN);
    assert_eq!(rules["integer_min"], INTEGER_MIN.to_string());
    assert_eq!(rules["integer_max"], INTEGER_MAX.to_string());
    // The script has no rule of its own: no date, URL or integer bound is written in it.
    let script = std::fs::read_to_string(root().join("templates/html/form.js")).expect("form.js");
    for copied in ["9223372036854775807", "https?:", "0[13578]", "[0-5][0-9]"] {
        assert!(
            !script.contains(copied),
            "form.js restates a rule: {copied}"
        );
    }
}

#[test]
fn array_prefills_are_the_exact_json_of_the_defaults() {
    let doc = r#"{"input":{"parameters":{
        "ids":{"type":"array","items":{"type":"integer"},"default_value":"[9007199254740993,-9223372036854775808]"},
        "one":{"type":"integer","default_value":"9223372036854775807"},
        "blob":{"type":"object","default_value":"{\"n\":18446744073709551615,\"z\":[1.5]}"}}}}"#;
    let html = html_from_stdin(doc, &[]);
    let model = model(&html);
    assert_eq!(
        model["nodes"][0]["prefill"],
        "[9007199254740993,-9223372036854775808]"
    );
    assert!(html.contains(r#"name="one" value="9223372036854775807""#));
    assert!(
        html.contains("\n  &#34;n&#34;: 18446744073709551615,"),
        "a map default keeps its digits"
    );
}

fn html_from_stdin(doc: &str, extra: &[&str]) -> String {
    let mut args = vec!["html", "-", "--quiet"];
    args.extend_from_slice(extra);
    let out = cozegen_with_stdin(&args, doc.as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn hostile_documents_cannot_add_markup_or_script() {
    let html = html_for(&corpus_doc("hostile_names"), &[]);
    let text = markup(&html);
    for bad in [
        "<script>alert",
        "<img",
        "</textarea><script>",
        "onmouseover=\"",
        "onfocus='",
    ] {
        assert!(!text.contains(bad), "markup contains {bad:?}");
    }
    assert!(text.contains("&#60;img src=x onerror=alert(1)&#62;"));
    assert!(
        text.contains("&#60;!-- {{ x }} {% raw %} --&#62;"),
        "template syntax stays text"
    );
    assert!(!html[..html.find("<body>").expect("body")].contains("<script>alert"));
    // Exactly two scripts: the JSON model and our code; the model cannot end its element.
    assert_eq!(html.matches("<script").count(), 2);
    let model_start = html
        .find("<script type=\"application/json\"")
        .expect("model");
    let model = &html[model_start..];
    let model = &model[..model.find("</script>").expect("end")];
    assert!(!model[1..].contains('<'), "model block contains a raw <");
}

#[test]
fn no_inline_event_handlers_or_styles_anywhere() {
    for doc in corpus() {
        let html = html_for(&doc, &[]);
        let text = markup(&html);
        for tag in text.split('<').skip(1) {
            let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
            // Attribute names come before `=`; values are quoted, so split on quotes first.
            let names: Vec<&str> = tag
                .split('"')
                .step_by(2)
                .flat_map(|s| s.split_whitespace())
                .map(|a| a.split('=').next().unwrap_or_default())
                .collect();
            assert!(
                !names.iter().any(|n| n.starts_with("on") || *n == "style"),
                "{}: <{tag}>",
                doc.display()
            );
        }
    }
}

#[test]
fn the_page_pins_its_script_and_style_with_a_csp_and_never_asks_for_a_token() {
    let html = html_for(&corpus_doc("arrays"), &[]);
    assert!(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;none&#39;; script-src &#39;sha256-"));
    assert!(html.contains("connect-src &#39;none&#39;"));
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("token\""), "no token field");
    assert!(!lower.contains("authorization"));
    let action = html_for(
        &corpus_doc("arrays"),
        &["--action", "https://example.com/api/run?x=1"],
    );
    assert!(action.contains("connect-src https://example.com;"));
    assert!(action.contains(r#""action":"https://example.com/api/run?x=1""#));
}

#[test]
fn fragment_is_the_form_and_its_script_only() {
    let html = html_for(&corpus_doc("order_intake"), &["--fragment"]);
    assert!(!html.contains("<html"));
    assert!(!html.contains("<style"));
    assert!(html.contains("<form id=\"cozegen-form\""));
    assert!(html.trim_end().ends_with("</script>"));
    assert!(html.starts_with("<!-- cozegen form"));
}

#[test]
fn bad_action_urls_are_usage_errors() {
    let doc = corpus_doc("arrays");
    for bad in [
        "javascript:alert(1)",
        "/relative",
        "https://x/;script-src *",
    ] {
        let out = cozegen(&["html", doc.to_str().expect("utf-8"), "--action", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(stderr(&out).contains("--action"), "{}", stderr(&out));
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn forms_work_end_to_end_in_headless_chromium() {
    if !chromium_available("the browser tests of the HTML form") {
        return;
    }
    let scratch = tempfile::tempdir().expect("tempdir");
    let mut pages = serde_json::Map::new();
    let mut schemas = serde_json::Map::new();
    for doc in corpus() {
        let name = stem(&doc);
        let page = scratch.path().join(format!("{name}.html"));
        std::fs::write(&page, html_for(&doc, &[])).expect("write page");
        pages.insert(name.clone(), page.to_string_lossy().into_owned().into());
        let out = cozegen(&["schema", doc.to_str().expect("utf-8"), "--quiet"]);
        assert!(out.status.success());
        let schema = scratch.path().join(format!("{name}.schema.json"));
        std::fs::write(&schema, &out.stdout).expect("write schema");
        schemas.insert(name, schema.to_string_lossy().into_owned().into());
    }
    let fragment = scratch.path().join("order_intake.fragment.html");
    std::fs::write(
        &fragment,
        html_for(&corpus_doc("order_intake"), &["--fragment"]),
    )
    .expect("write fragment");
    let screenshots = root().join("target/cozegen-screenshots");
    let config = serde_json::json!({
        "bin": env!("CARGO_BIN_EXE_cozegen"),
        "corpus": root().join("tests/corpus"),
        "pages": pages,
        "schemas": schemas,
        "fragment": fragment,
        "work": scratch.path(),
        "screenshots": screenshots,
        "zh_order": root().join("tests/i18n/zh_order.json"),
    });
    let report = browser_scenarios("form-e2e.mjs", &config, scratch.path(), 29)
        .unwrap_or_else(|e| panic!("{e}"));
    eprintln!("{report}screenshots in {}", screenshots.display());
}

#[test]
fn html_help_matches_golden() {
    let out = cozegen(&["html", "--help"]);
    assert!(out.status.success());
    assert_golden("cli/html-help.txt", &stdout(&out));
}

#[test]
fn a_plan_sets_every_parameter_and_includes_what_the_instance_gives() {
    let (workflow, _) =
        cozegen::load_workflow(corpus_doc("arrays"), &Default::default()).expect("loads");
    let instance = serde_json::json!({
        "rows": [{"sku": "A", "qty": 9007199254740993u64, "tags": ["x"]}],
        "flags": [true]
    });
    let text = |name: &str, value: &str| Action::Text {
        name: name.to_owned(),
        value: value.to_owned(),
    };
    let name = |op: fn(String) -> Action, n: &str| op(n.to_owned());
    assert_eq!(
        plan(&workflow.input, &instance),
        [
            name(|name| Action::Empty { name }, "rows"),
            name(|name| Action::Add { name }, "rows"),
            text("rows[0].sku", "A"),
            text("rows[0].qty", "9007199254740993"),
            name(|name| Action::Include { name }, "rows[0].tags"),
            name(|name| Action::Empty { name }, "rows[0].tags"),
            name(|name| Action::Add { name }, "rows[0].tags"),
            text("rows[0].tags[0]", "x"),
            name(|name| Action::Exclude { name }, "grid"),
            name(|name| Action::Include { name }, "flags"),
            name(|name| Action::Empty { name }, "flags"),
            name(|name| Action::Add { name }, "flags"),
            Action::Check {
                name: "flags[0]".to_owned(),
                value: true
            },
        ]
    );
    let json = serde_json::to_value(&plan(&workflow.input, &instance)[..3]).expect("json");
    assert_eq!(
        json,
        serde_json::json!([
            {"op": "empty", "name": "rows"},
            {"op": "add", "name": "rows"},
            {"op": "text", "name": "rows[0].sku", "value": "A"}
        ])
    );
    // A value of the wrong JSON type, or an undeclared key, cannot be entered.
    let bad = plan(
        &workflow.input,
        &serde_json::json!({"rows": [{"qty": "3"}], "x": 1}),
    );
    assert!(matches!(&bad[3], Action::Unfillable { name, .. } if name == "rows[0].qty"));
    assert!(matches!(bad.last(), Some(Action::Unfillable { name, .. }) if name == "x"));
}

#[test]
fn open_objects_take_undeclared_keys_through_the_form() {
    if !chromium_available("the form's open objects") {
        return;
    }
    let doc = corpus_doc("arrays");
    let instance = serde_json::json!({
        "rows": [{"sku": "A", "qty": 1, "note": {"z": [1.5]}}],
        "grid": [],
        "9": null,
        "x": 9007199254740993u64
    });
    let mut pages = Vec::new();
    let mut plans = Vec::new();
    for open in [true, false] {
        let build = cozegen::BuildOptions {
            open_objects: open,
            ..Default::default()
        };
        let (workflow, _) = cozegen::load_workflow(&doc, &build).expect("loads");
        assert_eq!(
            cozegen::check::validate::validate(&workflow.input, &instance).is_empty(),
            open
        );
        pages.push(cozegen::emit::html::render(&workflow, &Default::default()).expect("renders"));
        plans.push(vec![("open".to_owned(), plan(&workflow.input, &instance))]);
    }
    let outcomes = run_form_documents(&[(&pages[0], &plans[0]), (&pages[1], &plans[1])]);
    for (open, mut outcomes) in [true, false].into_iter().zip(outcomes) {
        match outcomes.remove(0) {
            FormOutcome::Submitted { json } if open => assert_eq!(
                json,
                r#"{"rows":[{"sku":"A","qty":1,"note":{"z":[1.5]}}],"grid":[],"9":null,"x":9007199254740993}"#
            ),
            FormOutcome::Unfillable { reason } if !open => {
                assert!(reason.contains("no control"), "{reason}")
            }
            other => panic!("open objects {open}: {other:?}"),
        }
    }
}
