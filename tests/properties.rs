//! Property tests: random WorkflowInfo trees (every type, random nesting, hostile names,
//! descriptions and defaults) through every emitter. For each document: no panic, the JSON
//! Schema passes its meta-schema, the TypeScript comments cannot be closed from inside, and
//! generation is deterministic.

use cozegen::emit::json_schema::{self, Draft, SchemaOptions};
use cozegen::emit::{Node, ir_json, typescript};
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
            any::<i32>().prop_map(|i| i.to_string()),
            Just("1.0".to_owned())
        ]
        .boxed(),
        "number" => any::<f32>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| f.to_string())
            .boxed(),
        "boolean" => prop::sample::select(vec!["true", "false"])
            .prop_map(str::to_owned)
            .boxed(),
        "time" => Just("2025-07-01 09:30:00".to_owned()).boxed(),
        _ => text().boxed(),
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

fn document() -> impl Strategy<Value = Value> {
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
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

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
            let ts = typescript::render(&workflow, &typescript::TsOptions { node }).expect("renders");
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

        let ir = ir_json::render(&workflow).expect("renders");
        prop_assert!(serde_json::from_str::<Value>(&ir).is_ok());
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
        if let Ok(info) = load_slice(&bytes, "mutated") {
            if let Ok((workflow, _)) = build(&info, &BuildOptions::default()) {
                prop_assert!(json_schema::render(&workflow, &SchemaOptions::default()).is_ok());
            }
        }
        // Every strict prefix of a JSON object is incomplete JSON: always an error.
        prop_assert!(load_slice(&original[..i], "truncated").is_err());
    }
}
