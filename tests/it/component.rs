//! `cozegen html --component`: the form as an ES module defining a custom element. Static
//! checks on the module (static code around string literals, the markup as inert as a page's,
//! hostile documents included), the options' usage errors, and the browser scenarios in
//! headless Chromium (tests/js/component-e2e.mjs) over the pages of docs/component.md, taken
//! from the document verbatim.
//!
//! The conformance suite's form leg (tests/it/conformance.rs) is not repeated here, nor is a
//! component leg added: the component runs the page's script text (`cozegenForm`,
//! templates/html/form.js, checked to be in the module verbatim) on the same model and the same
//! controls (checked below against the page's fragment), so its verdicts are the form leg's;
//! what differs is only where the form lives (a shadow root) and where it posts, which the
//! browser scenarios cover. A second leg would cost another browser pass over every case
//! within the suite's 10-minute budget and could only repeat the first's verdicts.

use crate::checks::html_is_inert;
use crate::common::*;
use std::path::Path;

/// The lines of a module that carry the document's data, each one string literal (or `null`).
const LITERALS: &[&str] = &[
    "const ELEMENT = ",
    "const MARKUP = ",
    "const STYLE = ",
    "const DEFAULT_ACTION = ",
    "const DEFAULT_UPLOAD = ",
];

fn component(doc: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "html",
        doc.to_str().expect("utf-8 path"),
        "--quiet",
        "--component",
    ];
    args.extend_from_slice(extra);
    let out = cozegen(&args);
    assert!(
        out.status.success(),
        "cozegen html --component {} failed: {}",
        doc.display(),
        stderr(&out)
    );
    assert_eq!(stderr(&out), "");
    stdout(&out)
}

/// The module with each data line's value replaced by a marker, and the values, parsed.
fn split(module: &str) -> (String, Vec<serde_json::Value>) {
    let mut values = Vec::new();
    let mut code = String::new();
    for line in module.lines() {
        match LITERALS.iter().find(|p| line.starts_with(*p)) {
            Some(prefix) => {
                let literal = line[prefix.len()..]
                    .strip_suffix(';')
                    .unwrap_or_else(|| panic!("{prefix}… does not end its line: {line:.200}"));
                // JSON text is a JavaScript literal (ES2019); one string or null, nothing else,
                // so a backtick or `${` in it is a character of the string.
                let value: serde_json::Value = serde_json::from_str(literal)
                    .unwrap_or_else(|e| panic!("{prefix}… is not one literal: {e}"));
                assert!(value.is_string() || value.is_null(), "{prefix}{value}");
                assert!(
                    !literal.contains(['<', '>', '&', '\'']),
                    "{prefix}… holds a character that could end a script element"
                );
                values.push(value);
                code.push_str(prefix);
                code.push_str("<data>;\n");
            }
            None => {
                code.push_str(line);
                code.push('\n');
            }
        }
    }
    assert_eq!(values.len(), LITERALS.len(), "every data line, once each");
    (code, values)
}

/// A workflow whose words try every way out of a string literal, a template literal, a script
/// element and the markup.
fn hostile_doc(dir: &Path) -> std::path::PathBuf {
    let evil = "`${alert(1)}` \"); alert(2); (\" '</script><script>alert(3)</script> \
                <img src=x onerror=alert(4)> \u{2028}\u{2029} {{ x }} {% raw %} \\u0022";
    let doc = serde_json::json!({"data": {
        "workflow_detail": {"workflow_name": evil, "description": evil},
        "input": {"parameters": {
            evil: {"type": "string", "required": true, "description": evil},
            "</form><form id=x>": {"type": "object", "description": evil, "properties": {
                "${x}": {"type": "integer", "default_value": "7", "description": evil}
            }},
            "__proto__": {"type": "array", "items": {"type": "string"}, "description": evil}
        }}
    }});
    let path = dir.join("hostile_component.json");
    std::fs::write(&path, doc.to_string()).expect("write hostile doc");
    path
}

#[test]
fn every_module_is_the_same_code_around_string_literals_and_its_markup_is_inert() {
    let scratch = tempfile::tempdir().expect("scratch");
    let mut docs = corpus();
    docs.push(hostile_doc(scratch.path()));
    let mut code_seen: Option<String> = None;
    for doc in &docs {
        let module = component(doc, &[]);
        assert_eq!(module, component(doc, &[]), "deterministic");
        let (code, values) = split(&module);
        // Everything but the data lines is the template and the form's script, the same for
        // every document.
        match &code_seen {
            None => code_seen = Some(code),
            Some(seen) => assert_eq!(&code, seen, "{}: code differs", doc.display()),
        }
        assert!(module.contains(cozegen::emit::html::FORM_SCRIPT));
        assert_eq!(values[0], "cozegen-form");
        assert!(values[3].is_null() && values[4].is_null());
        // The markup with the page's script after it passes the page form's checks: only the
        // templates' elements, no handler attributes, no javascript: URL, the model parses.
        let markup = values[1].as_str().expect("markup");
        let fragment = format!("{markup}<script>{}</script>", cozegen::emit::html::SCRIPT);
        let shape =
            html_is_inert(&fragment).unwrap_or_else(|e| panic!("{}: markup: {e}", doc.display()));
        assert!(markup.starts_with("<form id=\"cozegen-form\" class=\"cz-form\" part=\"form\""));
        // The same form as a page's with an upload URL (the conformance leg's verdicts carry
        // over): the same model but for the URL, the same controls and groups.
        let page = cozegen(&[
            "html",
            doc.to_str().expect("utf-8 path"),
            "--quiet",
            "--fragment",
            "--upload-action",
            "https://upload.example.com/",
        ]);
        assert!(page.status.success(), "{}", stderr(&page));
        let mut page = html_is_inert(&stdout(&page)).expect("the fragment is inert");
        let url = page.model.as_object_mut().and_then(|m| m.remove("upload"));
        assert_eq!(url, Some("https://upload.example.com/".into()));
        assert_eq!(shape.model, page.model, "{}: the model", doc.display());
        assert_eq!(
            (shape.controls, shape.fieldsets),
            (page.controls, page.fieldsets),
            "{}: the controls and groups",
            doc.display()
        );
    }
    // Node reads the hostile document's module as a module (its syntax, not only the lines).
    let hostile = scratch.path().join("hostile.mjs");
    std::fs::write(&hostile, component(docs.last().expect("hostile"), &[])).expect("write");
    if js_tools_available("node --check on a component") {
        let out = std::process::Command::new("node")
            .arg("--check")
            .arg(&hostile)
            .output()
            .expect("node");
        assert!(out.status.success(), "{}", stderr(&out));
    }
}

#[test]
fn element_action_and_upload_are_data_lines() {
    let doc = root().join("tests/corpus/order_intake.json");
    let module = component(
        &doc,
        &[
            "--element",
            "order-form.v2",
            "--action",
            "https://api.example.com/run",
            "--upload-action",
            "https://api.example.com/upload",
            "--lang",
            "zh-CN",
        ],
    );
    let (_, values) = split(&module);
    assert_eq!(values[0], "order-form.v2");
    assert_eq!(values[3], "https://api.example.com/run");
    assert_eq!(values[4], "https://api.example.com/upload");
    assert!(
        values[1]
            .as_str()
            .expect("markup")
            .contains("lang=\"zh-CN\"")
    );
}

#[test]
fn bad_element_names_and_option_clashes_are_usage_errors() {
    let doc = root().join("tests/corpus/order_intake.json");
    let doc = doc.to_str().expect("utf-8");
    for (args, says) in [
        (vec!["--component", "--element", "orderform"], "hyphen"),
        (vec!["--component", "--element", "Order-form"], "lowercase"),
        (vec!["--component", "--element", "font-face"], "reserved"),
        (vec!["--component", "--element", "my-<b>"], "'<'"),
        (vec!["--element", "order-form"], "needs --component"),
        (vec!["--component", "--fragment"], "--fragment"),
    ] {
        let mut all = vec!["html", doc, "--quiet"];
        all.extend_from_slice(&args);
        let out = cozegen(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

/// The fenced blocks of a Markdown page in `lang`, in order.
fn doc_blocks(text: &str, lang: &str) -> Vec<String> {
    let open = format!("```{lang}\n");
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(&open) {
        let body = &rest[start + open.len()..];
        let end = body.find("\n```").expect("a closed block");
        blocks.push(body[..=end].to_owned());
        rest = &body[end..];
    }
    blocks
}

/// The README shows the plain page, its script and the React component of
/// `docs/component.md`, which the browser test runs: the same text, so that what the README
/// shows is what ran.
#[test]
fn the_readme_shows_the_pages_the_browser_test_runs() {
    let docs = std::fs::read_to_string(root().join("docs/component.md")).expect("docs");
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    for lang in ["html", "js", "jsx"] {
        assert_eq!(
            doc_blocks(&readme, lang),
            doc_blocks(&docs, lang),
            "the README's ```{lang} blocks and docs/component.md's"
        );
    }
}

#[test]
fn the_documented_pages_work_in_headless_chromium() {
    if !chromium_available("the browser tests of the component") {
        return;
    }
    let scratch = tempfile::tempdir().expect("scratch");
    let site = scratch.path().join("site");
    std::fs::create_dir(&site).expect("site dir");
    let docs = std::fs::read_to_string(root().join("docs/component.md")).expect("docs");
    // The doc's examples, verbatim: the page, its script, the React component and the
    // styling rules.
    for (lang, file) in [
        ("html", "index.html"),
        ("js", "page.js"),
        ("jsx", "OrderForm.jsx"),
        ("css", "theme.css"),
    ] {
        let blocks = doc_blocks(&docs, lang);
        assert_eq!(blocks.len(), 1, "one ```{lang} block in docs/component.md");
        std::fs::write(site.join(file), &blocks[0]).expect("write example");
    }
    let corpus_doc = |name: &str| root().join("tests/corpus").join(format!("{name}.json"));
    let hostile = hostile_doc(scratch.path());
    for (file, doc, extra) in [
        ("order-form.js", corpus_doc("order_intake"), vec![]),
        (
            "order-intake.js",
            corpus_doc("order_intake"),
            vec!["--element", "order-intake"],
        ),
        (
            "trip-chat.js",
            corpus_doc("chatflow"),
            vec!["--element", "trip-chat"],
        ),
        ("trip-default.js", corpus_doc("chatflow"), vec![]),
        (
            "zh-order.js",
            root().join("tests/i18n/zh_order.json"),
            vec!["--element", "zh-order", "--lang", "zh-CN"],
        ),
        (
            "hostile-form.js",
            hostile.clone(),
            vec!["--element", "hostile-form"],
        ),
    ] {
        std::fs::write(site.join(file), component(&doc, &extra)).expect("write module");
    }
    let config = serde_json::json!({ "site": site });
    let report = browser_scenarios("component-e2e.mjs", &config, scratch.path(), 8)
        .unwrap_or_else(|e| panic!("{e}"));
    eprintln!("{report}");
}
