//! Property tests: random WorkflowInfo trees (every type, random nesting, hostile names,
//! descriptions and defaults) through every emitter. For each document: no panic, the JSON
//! Schema passes its meta-schema, the TypeScript comments cannot be closed from inside, the Zod
//! module is declarations only (keys as string literals), the Rust module is data declarations only, the HTML form holds no script or event handler beyond
//! cozegen's own, and generation is deterministic. The checkers themselves are tested below on
//! hand-written code and markup they must reject.

use crate::checks::{html_is_inert, rust_is_data_only};
use cozegen::emit::json_schema::{self, Draft, SchemaOptions};
use cozegen::emit::{html, ir_json, rust, typescript};
use cozegen::ir::Node;
use cozegen::{BuildOptions, build, load_slice};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

const TYPES: &[&str] = &[
    "string", "integer", "number", "boolean", "time", "object", "array", "file", "default",
    "image", "svg", "doc", "excel", "ppt", "txt", "code", "audio", "voice", "video", "zip", "list",
    "",
];

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "type",
            "self",
            "Self",
            "crate",
            "super",
            "_",
            "$",
            "$x",
            "1st",
            "a-b",
            "a b",
            "aB",
            "a_b",
            "A_B",
            "名称",
            "</script>",
            "\"'",
            "*/",
            "{{x}}",
            "\u{202e}rtl",
            "x\u{0}y",
            "Option",
            "String",
            "__proto__",
            "constructor",
        ])
        .prop_map(str::to_owned),
        "[a-zA-Z_$][a-zA-Z0-9_$]{0,8}",
        any::<String>().prop_map(|s| s.chars().take(12).collect()),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "",
            "plain",
            "*/ /* //",
            "</script><script>alert(1)</script>",
            "\"#]; fn evil() {}",
            "line\nbreak\r\n\u{2028}sep",
            "{% raw %}{{ x }}",
            "<img src=x onerror=alert(1)>",
            "' onfocus='alert(1)",
            "\\",
            "${x}`",
        ])
        .prop_map(str::to_owned),
        any::<String>().prop_map(|s| s.chars().take(30).collect()),
    ]
}

fn default_for(ty: &str) -> BoxedStrategy<Option<String>> {
    let typed = match ty {
        "integer" => prop_oneof![
            any::<i64>().prop_map(|i| i.to_string()),
            prop::sample::select(vec![
                "1.0",
                "1e3",
                "9223372036854775808",
                "-0",
                "9007199254740993"
            ])
            .prop_map(str::to_owned)
        ]
        .boxed(),
        "number" => prop_oneof![
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(|f| f.to_string()),
            prop::sample::select(vec!["1e400", "9007199254740993", "-0.0"]).prop_map(str::to_owned)
        ]
        .boxed(),
        "boolean" => prop::sample::select(vec!["true", "false", "TRUE", "1"])
            .prop_map(str::to_owned)
            .boxed(),
        "time" => prop::sample::select(vec![
            "2025-07-01 09:30:00",
            "2024-02-29 23:59:59",
            "2025-02-29 00:00:00",
            "2025-07-01 09:30",
            "2025-07-01T09:30:00",
        ])
        .prop_map(str::to_owned)
        .boxed(),
        "object" | "array" | "list" => prop::sample::select(vec![
            "{}",
            "[]",
            "[1,\"a\",null]",
            "{\"a\":{\"b\":[1.5]}}",
            "[[1],[2,3]]",
            "null",
            "[{}]",
        ])
        .prop_map(str::to_owned)
        .boxed(),
        "string" | "" => text().boxed(),
        // File kinds.
        _ => prop::sample::select(vec![
            "https://example.com/a.png",
            "http://x",
            "{\"file_id\":\"7351\"}",
            "7351",
            "ftp://x",
            "https://a b",
        ])
        .prop_map(str::to_owned)
        .boxed(),
    };
    prop::option::of(prop_oneof![typed, text()]).boxed()
}

fn param(depth: u32) -> BoxedStrategy<Value> {
    let leaf = (
        prop::sample::select(TYPES),
        any::<bool>(),
        prop::option::of(text()),
    )
        .prop_flat_map(|(ty, required, description)| {
            default_for(ty).prop_map(move |default| {
                let mut p = Map::new();
                p.insert("type".into(), ty.into());
                p.insert("required".into(), required.into());
                if let Some(d) = &description {
                    p.insert("description".into(), d.clone().into());
                }
                if let Some(d) = default {
                    p.insert("default_value".into(), d.into());
                }
                Value::Object(p)
            })
        })
        .boxed();
    if depth == 0 {
        return leaf;
    }
    prop_oneof![
        3 => leaf,
        1 => (params(depth - 1), any::<bool>(), prop::option::of(text())).prop_map(|(props, required, d)| {
            json!({"type": "object", "required": required, "properties": props, "description": d})
        }),
        1 => (param(depth - 1), any::<bool>()).prop_map(|(items, required)| {
            json!({"type": "array", "required": required, "items": items})
        }),
    ]
    .boxed()
}

fn params(depth: u32) -> BoxedStrategy<Value> {
    prop::collection::vec((name(), param(depth)), 0..6)
        .prop_map(|entries| {
            // Later duplicates are dropped: duplicate keys are a load error, tested elsewhere.
            let mut map = Map::new();
            for (k, v) in entries {
                map.entry(k).or_insert(v);
            }
            Value::Object(map)
        })
        .boxed()
}

/// Named fields of every object of a node: one Rust struct field each.
fn count_fields(types: &cozegen::ir::Types) -> usize {
    types.objects.iter().map(|o| o.fields.len()).sum()
}

/// A random document: the strategy of these tests, and of the Python module check
/// (`tests/it/python.rs`), which runs Python once over many of them.
pub(crate) fn document() -> impl Strategy<Value = Value> {
    (params(4), text(), text()).prop_map(|(params, name, description)| {
        json!({
            "code": 0, "msg": "",
            "data": {
                "workflow_detail": {"workflow_name": name, "description": description},
                "input": {"parameters": params},
                "output": {"parameters": {"out": {"type": "string"}}, "content": "{{out}}"}
            }
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn random_documents_go_through_every_emitter(doc in document()) {
        let bytes = serde_json::to_vec(&doc).expect("serializable");
        let info = load_slice(&bytes, "random.json").expect("well-formed documents load");
        let (workflow, _warnings) = build(&info, &BuildOptions::default()).expect("builds");
        let (again, _) = build(&load_slice(&bytes, "random.json").expect("loads"), &BuildOptions::default()).expect("builds");
        prop_assert_eq!(&workflow, &again);

        for draft in [Draft::Draft2020_12, Draft::Draft07] {
            let options = SchemaOptions { draft, ..SchemaOptions::default() };
            let text = json_schema::render(&workflow, &options).expect("renders");
            prop_assert_eq!(&text, &json_schema::render(&again, &options).expect("renders"));
            let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
            prop_assert!(jsonschema::meta::validate(&schema).is_ok(), "meta-schema: {}", text);
            prop_assert!(jsonschema::validator_for(&schema).is_ok());
        }

        for node in [Node::Input, Node::Output] {
            // The declarations alone; the run helpers, cozegen's fixed code, come after them.
            let ts = typescript::render(&workflow, &typescript::TsOptions { node, run_helpers: false }).expect("renders");
            let with_helpers = typescript::render(&workflow, &typescript::TsOptions { node, run_helpers: true }).expect("renders");
            prop_assert!(with_helpers.starts_with(ts.trim_end()), "the run helpers follow the declarations");
            for line in with_helpers.lines() {
                let body = line.trim_start();
                if body.starts_with("* ") || body == "*" {
                    prop_assert!(!body.contains("*/"), "comment closed early: {}", line);
                }
            }
            for line in ts.lines() {
                let body = line.trim_start();
                if body.starts_with("* ") || body == "*" {
                    prop_assert!(!body.contains("*/"), "comment closed early: {}", line);
                } else if !body.is_empty() && !body.starts_with("/*") && !body.starts_with("*/") {
                    // Outside comments only declarations: interface headers, members, braces.
                    prop_assert!(
                        body.starts_with("export interface ") || body == "}" || body.ends_with(';'),
                        "unexpected line: {}", line
                    );
                }
            }
        }

        for node in [Node::Input, Node::Output] {
            let zod = cozegen::emit::zod::render(&workflow, node).expect("renders");
            prop_assert_eq!(&zod, &cozegen::emit::zod::render(&again, node).expect("renders"));
            for line in zod.lines() {
                let body = line.trim_start();
                if body.starts_with("* ") || body == "*" {
                    prop_assert!(!body.contains("*/"), "comment closed early: {}", line);
                } else if !body.is_empty() && !body.starts_with("/*") && !body.starts_with("*/") {
                    // Outside comments only declarations: consts, types, and one key per line
                    // whose name is a string literal.
                    prop_assert!(
                        body == "import { z } from \"zod\";"
                            || body.starts_with("const ")
                            || body.starts_with("export const ")
                            || body.starts_with("export type ")
                            || body == "});"
                            || (line.starts_with("  \"") || line.starts_with("  [\"__proto__\"]:"))
                                && body.ends_with(','),
                        "unexpected line: {}", line
                    );
                }
            }
        }

        let ir = ir_json::render(&workflow).expect("renders");
        prop_assert!(serde_json::from_str::<Value>(&ir).is_ok());
        prop_assert_eq!(&ir, &ir_json::render(&again).expect("renders"));

        let code = rust::render(&workflow, &rust::RustOptions::default()).expect("renders");
        prop_assert_eq!(&code, &rust::render(&again, &rust::RustOptions::default()).expect("renders"));
        let output = rust::RustOptions { node: Node::Output, derives: vec!["Eq".into(), "Hash".into()], ..Default::default() };
        let output_code = rust::render(&workflow, &output).expect("renders");
        rust_is_data_only(&output_code).map_err(|e| TestCaseError::fail(format!("{e}\n{output_code}")))?;
        let shape = rust_is_data_only(&code).map_err(|e| TestCaseError::fail(format!("{e}\n{code}")))?;
        prop_assert_eq!(shape.structs.first(), Some(&workflow.input.root().type_name));
        prop_assert_eq!(shape.fields, count_fields(&workflow.input));

        // One contract: every default the IR keeps is a valid value of its parameter, by the
        // same check `validate` runs, and by the JSON Schema of the field.
        for object in &workflow.input.objects {
            for field in &object.fields {
                if let Some(default) = field.default {
                    let value: Value = serde_json::from_str(&workflow.input.value_json(default)).expect("JSON");
                    let problems = cozegen::ir::rules::check_value(&workflow.input, &field.ty, &value);
                    prop_assert!(problems.is_empty(), "default of {}: {:?}", field.name, problems);
                }
            }
        }
        let schema: Value = serde_json::from_str(&json_schema::render(&workflow, &SchemaOptions::default()).expect("renders")).expect("JSON");
        for field in &workflow.input.root().fields {
            if let Some(default) = field.default {
                let value: Value = serde_json::from_str(&workflow.input.value_json(default)).expect("JSON");
                let subschema = &schema["properties"][&field.name];
                let validator = jsonschema::validator_for(subschema).expect("compiles");
                prop_assert!(validator.is_valid(&value), "default {} of {} against {}", value, field.name, subschema);
            }
        }

        for options in [
            html::HtmlOptions::default(),
            html::HtmlOptions { fragment: true, action: Some("https://example.com/run".into()), ..Default::default() },
            html::HtmlOptions {
                lang: Some(html::i18n::Lang::ZhCn),
                upload_action: Some("https://example.com/upload".into()),
                ..Default::default()
            },
        ] {
            let page = html::render(&workflow, &options).expect("renders");
            prop_assert_eq!(&page, &html::render(&again, &options).expect("renders"));
            let shape = html_is_inert(&page).map_err(|e| TestCaseError::fail(format!("{e}\n{page}")))?;
            let root = shape.model["root"].as_array().map_or(0, Vec::len);
            prop_assert_eq!(root, workflow.input.root().fields.len());
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(info) = load_slice(&bytes, "bytes") {
            let _ = build(&info, &BuildOptions::default());
        }
    }

    #[test]
    fn mutated_documents_never_panic(doc in document(), cut in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let original = serde_json::to_vec(&doc).expect("serializable");
        let i = cut.index(original.len());
        let mut bytes = original.clone();
        bytes[i] = byte;
        if let Ok(info) = load_slice(&bytes, "mutated")
            && let Ok((workflow, _)) = build(&info, &BuildOptions::default()) {
                prop_assert!(json_schema::render(&workflow, &SchemaOptions::default()).is_ok());
            }
        // Every strict prefix of a JSON object is incomplete JSON: always an error.
        prop_assert!(load_slice(&original[..i], "truncated").is_err());
    }
}

#[test]
fn the_rust_checker_accepts_every_golden_module() {
    let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut seen = 0;
    for dir in std::fs::read_dir(golden).expect("goldens") {
        let dir = dir.expect("entry").path();
        for path in [dir.join("input.rs"), dir.join("output.rs")] {
            if let Ok(code) = std::fs::read_to_string(&path) {
                rust_is_data_only(&code).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                seen += 1;
            }
        }
    }
    assert!(seen >= 5, "only {seen} golden modules");
}

#[test]
fn the_rust_checker_rejects_code() {
    let ok = "use serde::{Deserialize, Serialize};\n\
              #[derive(Debug, Serialize)]\n#[serde(deny_unknown_fields)]\n\
              pub struct A { #[doc = \" x\"] pub a: i64 }\n\
              #[derive(Deserialize)]\n#[serde(remote = \"A\")]\n#[serde(deny_unknown_fields)]\n\
              #[allow(dead_code, non_camel_case_types)]\nstruct fields_0 { pub a: i64 }\n\
              impl<'de> Deserialize<'de> for A { fn deserialize<D: serde::Deserializer<'de>>(\
              deserializer: D) -> Result<Self, D::Error> { fields_0::deserialize(ObjectOnly(\
              deserializer)) } }\n\
              impl A { pub fn default_a() -> i64 { 1 } }\n";
    assert!(rust_is_data_only(ok).is_ok(), "{:?}", rust_is_data_only(ok));
    // An input struct's builders, in the shapes the emitter writes them.
    let builders = format!(
        "{ok}impl A {{ #[allow(clippy::too_many_arguments)] pub fn new(a: i64, b: Vec<B>) -> \
         Self {{ Self {{ a, b, c: None, d: Some(1), extra: serde_json::Map::new() }} }} \
         pub fn with_c(mut self, value: String) -> Self {{ self.c = Some(value); self }} }}\n"
    );
    let shape = rust_is_data_only(&builders).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(shape.fns, 3);
    for bad in [
        "pub fn new(a: i64) -> Self { Self { a: a.pow(2) } }",
        "pub fn new(a: i64) -> Self { Self { a: b } }",
        "pub fn new(a: i64) -> Self { Self { a, b: a } }",
        "pub fn new(a: i64, b: i64) -> Self { Self { a } }",
        "pub fn new(mut a: i64) -> Self { Self { a } }",
        "pub fn new((a, b): (i64, i64)) -> Self { Self { a, b } }",
        "pub fn new(a: i64) -> Self { std::process::exit(1) }",
        "pub fn new(a: i64) -> Self { let x = 1; Self { a } }",
        "pub fn new(a: i64) -> A { A { a } }",
        "pub fn new(a: i64) -> Self { Self { a, ..Default::default() } }",
        "pub fn new(self, a: i64) -> Self { Self { a } }",
        "pub fn with_a(mut self, value: i64) -> Self { self.a = Some(value); std::process::exit(1) }",
        "pub fn with_a(mut self, value: i64) -> Self { self.a = Some(value.pow(2)); self }",
        "pub fn with_a(mut self, value: i64) -> Self { self.a = evil(value); self }",
        "pub fn with_a(mut self, value: i64) -> Self { self.a.push(value); self }",
        "pub fn with_a(mut self, value: i64) -> Self { self.a = Some(value); self.b = None; self }",
        "pub fn with_a(mut self, value: i64) -> Self { other.a = Some(value); self }",
        "pub fn with_a(&mut self, value: i64) -> Self { self.a = Some(value); self }",
        "pub fn with_a(self, value: i64) -> Self { self.a = Some(value); self }",
        "pub fn with_a(mut self, v: i64) -> Self { self.a = Some(v); self }",
        "pub fn with_a(mut self, value: i64, b: i64) -> Self { self.a = Some(value); self }",
        "pub fn with_a(mut self, value: i64) -> i64 { self.a = Some(value); 1 }",
        "pub fn with_a(mut self, value: i64) -> Self { self.a = Some(value); loop {} }",
        "pub fn set_a(mut self, value: i64) -> Self { self.a = Some(value); self }",
        "#[allow(unused)] pub fn new(a: i64) -> Self { Self { a } }",
    ] {
        let code = format!("{ok}impl A {{ {bad} }}\n");
        assert!(rust_is_data_only(&code).is_err(), "accepted: {bad}");
    }
    for bad in [
        "macro_rules! m { () => {} }",
        "pub struct A { pub a: i64 } m!();",
        "impl A { pub fn f() -> i64 { std::process::exit(1) } }",
        "impl A { pub fn f() -> i64 { println!(\"x\"); 1 } }",
        "impl A { pub fn f() -> String { format!(\"x\") } }",
        "impl A { pub fn f() -> i64 { unsafe { 1 } } }",
        "impl A { pub unsafe fn f() -> i64 { 1 } }",
        "impl A { pub fn f() -> i64 { if true { 1 } else { 2 } } }",
        "impl A { pub fn f() -> i64 { let x = std::fs::remove_file(\"x\"); 1 } }",
        "impl A { pub fn f() -> i64 { (|| 1)() } }",
        "impl A { pub fn f() { } }",
        "impl A { pub fn f() -> String { \"x\".repeat(9) } }",
        "unsafe impl Send for A {}",
        "impl Drop for A { fn drop(&mut self) -> () { () } }",
        "extern \"C\" { fn f(); }",
        "extern crate std;",
        "static X: i64 = 1;",
        "const X: i64 = 1;",
        "pub const WORKFLOW_ID: &str = \"1\\\"; fn x() {}\";",
        "pub const WORKFLOW_ID: &str = \"12a\";",
        "pub const WORKFLOW_ID: i64 = 1;",
        "#[path = \"x\"] pub const WORKFLOW_ID: &str = \"1\";",
        "pub type RunOutput = std::process::Command;",
        "pub type Other = String;",
        "mod m {}",
        "fn main() -> i64 { 1 }",
        "use std::process::exit;",
        "#[derive(Debug)] #[path = \"x\"] pub struct A { pub a: i64 }",
        "#[serde(deserialize_with = \"evil\")] pub struct A { pub a: i64 }",
        "pub struct A { #[serde(skip_serializing_if = \"evil\")] pub a: i64 }",
        "#[doc = include_str!(\"/etc/passwd\")] pub struct A { pub a: i64 }",
        "#[allow(unsafe_code)] pub struct A { pub a: i64 }",
        "pub struct A { a: i64 }",
        "pub struct A<T> { pub a: T }",
        "#![allow(dead_code)] pub struct A { pub a: i64 }",
        "trait T {}",
        "pub struct A { pub a: i64 } impl A { pub fn f() -> A { A { ..Default::default() } } }",
        // The serde field copy and its impl, and nothing that merely looks like them.
        "struct fields_0 { pub a: i64 }",
        "#[derive(Deserialize)] #[serde(remote = \"A\")] pub struct fields_0 { pub a: i64 }",
        "#[derive(Deserialize)] #[serde(remote = \"std::process::Command\")] struct fields_0 { pub a: i64 }",
        "impl<'de> Deserialize<'de> for A { fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> { std::process::exit(1) } }",
        "impl<'de> Deserialize<'de> for A { fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> { evil::deserialize(ObjectOnly(deserializer)) } }",
    ] {
        assert!(rust_is_data_only(bad).is_err(), "accepted: {bad}");
    }
}

#[test]
fn the_html_checker_rejects_script_content() {
    let page = html::render(
        &build(
            &load_slice(br#"{"input":{"parameters":{"a":{"type":"string"}}}}"#, "x")
                .expect("loads"),
            &BuildOptions::default(),
        )
        .expect("builds")
        .0,
        &html::HtmlOptions::default(),
    )
    .expect("renders");
    let shape = html_is_inert(&page).expect("cozegen's own page passes");
    assert_eq!(shape.controls, 1);
    let inject = |at: &str, what: &str| page.replacen(at, &format!("{what}{at}"), 1);
    for bad in [
        inject("<form", "<script>alert(1)</script>"),
        inject("<form", "<img src=x onerror=alert(1)>"),
        inject("<form", "<div OnClick=\"x()\"></div>"),
        inject("<form", "<a href=\" java\tscript:alert(1)\">x</a>"),
        inject("<form", "<p title=\"javascript:x\"></p>"),
        inject("<form", "<iframe src=\"x\"></iframe>"),
        inject("<form", "<template><button onfocus=x></button></template>"),
        inject("<form", "<svg><script>1</script></svg>"),
        page.replacen(
            "<script type=\"application/json\" class=\"cz-model\">{",
            "<script type=\"application/json\" class=\"cz-model\">{{",
            1,
        ),
        page.replacen("<script>", "<script type=\"module\">", 1),
        page.replacen("\"use strict\"", "\"use strict\";alert(1)", 1),
    ] {
        assert_ne!(bad, page, "the injection point exists");
        assert!(html_is_inert(&bad).is_err(), "accepted:\n{bad}");
    }
}
