//! `cozegen tool`: each vendor's definitions (goldens), tool names, untrusted descriptions,
//! and OpenAI strict mode's rules and limits.

use crate::common::api::{Api, TOKEN, expect_exit, list_target, run_in, workflow_target};
use crate::common::*;
use cozegen::emit::tool::{self, Format};
use serde_json::{Value, json};

const FORMATS: [&str; 4] = ["openai", "openai-chat", "anthropic", "mcp"];

fn tool_json(args: &[&str]) -> (Value, String) {
    let out = cozegen(args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    (
        serde_json::from_slice(&out.stdout).expect("tool output is JSON"),
        stderr(&out),
    )
}

/// A WorkflowInfo with these details and start-node parameters.
fn doc(name: &str, id: &str, description: &str, parameters: Value) -> String {
    json!({"code": 0, "msg": "", "data": {
        "workflow_detail": {"workflow_id": id, "workflow_name": name, "description": description},
        "input": {"parameters": parameters},
        "output": {"parameters": {"result": {"type": "string"}}}
    }})
    .to_string()
}

fn write_doc(dir: &std::path::Path, file: &str, text: &str) -> String {
    let path = dir.join(file);
    std::fs::write(&path, text).expect("write doc");
    path.to_str().expect("utf-8").to_owned()
}

#[test]
fn each_format_matches_its_golden() {
    let mut goldens = Goldens::new();
    for doc in ["order_intake", "hostile_names", "all_types"] {
        for format in FORMATS {
            let path = format!("tests/corpus/{doc}.json");
            let out = cozegen(&["tool", &path, "--format", format, "-q"]);
            assert!(out.status.success(), "{doc} {format}: {}", stderr(&out));
            goldens.check(&format!("{doc}/tool-{format}.json"), &stdout(&out));
        }
    }
}

#[test]
fn help_matches_golden() {
    assert_golden("cli/tool-help.txt", &stdout(&cozegen(&["tool", "--help"])));
    assert_golden("cli/mcp-help.txt", &stdout(&cozegen(&["mcp", "--help"])));
}

#[test]
fn each_vendor_has_its_shape() {
    let path = "tests/corpus/order_intake.json";
    let (openai, _) = tool_json(&["tool", path, "--format", "openai"]);
    let t = &openai[0];
    assert_eq!(t["type"], "function");
    assert_eq!(t["strict"], true);
    assert_eq!(t["parameters"]["type"], "object");
    let (chat, _) = tool_json(&["tool", path, "--format", "openai-chat"]);
    assert_eq!(chat[0]["type"], "function");
    assert_eq!(chat[0]["function"]["parameters"], t["parameters"]);
    let (anthropic, _) = tool_json(&["tool", path, "--format", "anthropic"]);
    let keys: Vec<&str> = anthropic[0]
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["name", "description", "input_schema"]);
    let (mcp, _) = tool_json(&["tool", path, "--format", "mcp"]);
    let keys: Vec<&str> = mcp[0]
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "name",
            "title",
            "description",
            "inputSchema",
            "outputSchema"
        ]
    );
    assert_eq!(mcp[0]["outputSchema"]["type"], "object");
    // The vendors' schemas describe the same parameters; only OpenAI's strict form differs.
    assert_eq!(anthropic[0]["input_schema"], mcp[0]["inputSchema"]);
    for schema in [&anthropic[0]["input_schema"], &mcp[0]["inputSchema"]] {
        assert!(schema.get("$schema").is_none() && schema.get("title").is_none());
    }
}

/// Every keyword OpenAI strict mode asks for, at every level: closed objects, every property
/// required, optional ones nullable, and none of the keywords it refuses.
fn assert_strict(schema: &Value, path: &str, optional: bool) {
    let object = schema
        .as_object()
        .unwrap_or_else(|| panic!("{path}: not an object"));
    for key in [
        "default",
        "$comment",
        "$schema",
        "title",
        "format",
        "minLength",
    ] {
        assert!(!object.contains_key(key), "{path}: has `{key}`");
    }
    let types: Vec<&str> = match &object["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        other => panic!("{path}: type {other}"),
    };
    assert_eq!(
        types.contains(&"null"),
        optional,
        "{path}: nullable iff optional"
    );
    if types.contains(&"object") {
        assert_eq!(object["additionalProperties"], false, "{path}");
        let props = object["properties"].as_object().expect("properties");
        let required: Vec<&str> = object["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert_eq!(
            required,
            props.keys().map(String::as_str).collect::<Vec<_>>(),
            "{path}: every property required"
        );
        for (name, child) in props {
            let child_optional = child["type"]
                .as_array()
                .is_some_and(|t| t.contains(&json!("null")));
            assert_strict(child, &format!("{path}.{name}"), child_optional);
        }
    }
    if types.contains(&"array") {
        assert_strict(&object["items"], &format!("{path}[]"), false);
    }
}

#[test]
fn openai_strict_definitions_follow_strict_mode_rules_for_every_corpus_document() {
    let name_rule = regex::Regex::new("^[a-zA-Z0-9_-]{1,64}$").expect("regex");
    let mut strict_count = 0;
    for path in corpus().into_iter().chain(studio_corpus()) {
        let Ok((workflow, _)) = cozegen::load_workflow(&path, &Default::default()) else {
            continue;
        };
        let (tools, warnings) = tool::tools(&[&workflow], Format::OpenAi).expect("tools");
        let t = &tools[0];
        assert!(
            name_rule.is_match(&t.name),
            "{}: {}",
            path.display(),
            t.name
        );
        match t.strict {
            Some(true) => {
                strict_count += 1;
                assert!(warnings.is_empty(), "{warnings:?}");
                assert_strict(&t.input_schema, &path.display().to_string(), false);
            }
            _ => assert_eq!(
                warnings.len(),
                1,
                "{}: a non-strict tool says why",
                path.display()
            ),
        }
    }
    assert!(strict_count >= 5, "only {strict_count} strict documents");
}

#[test]
fn strict_mode_moves_defaults_and_comments_into_descriptions() {
    let (openai, _) = tool_json(&["tool", "tests/corpus/all_types.json", "--format", "openai"]);
    let text = openai.to_string();
    assert!(
        !text.contains("\"default\"") && !text.contains("\"$comment\""),
        "{text}"
    );
    assert!(text.contains("Coze type `time`"), "{text}");
    let (mcp, _) = tool_json(&["tool", "tests/corpus/all_types.json", "--format", "mcp"]);
    assert!(mcp.to_string().contains("\"$comment\""));
}

#[test]
fn names_are_valid_unique_and_fall_back_to_the_id_for_non_ascii_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = json!({"q": {"type": "string", "required": true}});
    let files = [
        write_doc(
            dir.path(),
            "a.json",
            &doc("Order intake", "11", "A", p.clone()),
        ),
        write_doc(
            dir.path(),
            "b.json",
            &doc("Order intake", "12", "B", p.clone()),
        ),
        write_doc(
            dir.path(),
            "c.json",
            &doc("Order-intake!", "13", "C", p.clone()),
        ),
        write_doc(
            dir.path(),
            "d.json",
            &doc("查询订单", "7350583675492388916", "D", p.clone()),
        ),
        write_doc(
            dir.path(),
            "e.json",
            &doc("订单 export", "14", "E", p.clone()),
        ),
        write_doc(dir.path(), "f.json", &doc("Order_intake", "15", "F", p)),
    ];
    let mut args = vec!["tool", "--format", "anthropic"];
    args.extend(files.iter().map(String::as_str));
    let (tools, _) = tool_json(&args);
    let names: Vec<&str> = tools
        .as_array()
        .expect("array")
        .iter()
        .map(|t| t["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        names,
        [
            "Order_intake",
            "Order_intake_2",
            "Order-intake",
            "workflow_7350583675492388916",
            "workflow_14",
            "Order_intake_3"
        ]
    );
}

#[test]
fn a_published_versions_name_ends_in_the_version_and_stays_within_64_characters() {
    assert_eq!(
        tool::versioned_tool_name("order_intake", "v0.0.2"),
        "order_intake_v0_0_2"
    );
    let long = "a".repeat(64);
    let name = tool::versioned_tool_name(&long, "v1.2.3");
    assert_eq!(name.len(), 64, "{name}");
    assert!(name.ends_with("a_v1_2_3"), "{name}");
    let long_version = format!("v{}", "9".repeat(200));
    let name = tool::versioned_tool_name("order", &long_version);
    assert_eq!(
        name,
        format!("order_v{}", "9".repeat(tool::MAX_VERSION_CHARS - 1))
    );
    // A version with no ASCII letter or digit leaves the name as it is (repeats get `_2`).
    assert_eq!(tool::versioned_tool_name("order", "版本"), "order");
    let w = workflow_of(
        r#"{"workflow_detail":{"workflow_name":"order","workflow_id":"1"},"input":{"parameters":{}}}"#,
    );
    let sources = [
        tool::ToolSource {
            workflow: &w,
            version: Some("版本"),
        },
        tool::ToolSource {
            workflow: &w,
            version: None,
        },
    ];
    let (tools, _) = tool::tools_for(&sources, Format::Mcp).expect("tools");
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["order", "order_2"]);
}

#[test]
fn hostile_descriptions_are_escaped_and_capped_per_vendor() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hostile = format!(
        "\"}}]}} </script><!-- {{{{ x }}}} \u{0}\u{1b}[31m\n{}",
        "很长".repeat(3000)
    );
    let params = json!({"q": {"type": "string", "description": hostile, "required": true}});
    let file = write_doc(dir.path(), "h.json", &doc("h", "1", &hostile, params));
    for (format, cap) in [("openai", 1024), ("anthropic", 4096), ("mcp", 4096)] {
        let (tools, _) = tool_json(&["tool", &file, "--format", format]);
        let t = &tools[0];
        let description = t["description"].as_str().expect("description");
        assert_eq!(description.chars().count(), cap, "{format}");
        assert!(description.ends_with('…'));
        assert!(
            description.starts_with("\"}]} </script>"),
            "{format}: {description:?}"
        );
        let schema = t
            .get("parameters")
            .or(t.get("input_schema"))
            .or(t.get("inputSchema"));
        let q = schema.expect("schema")["properties"]["q"]["description"]
            .as_str()
            .expect("q description");
        assert_eq!(q.chars().count(), cap, "{format}");
    }
}

#[test]
fn documents_beyond_strict_limits_are_not_strict_and_say_why() {
    // Ten levels of objects (the root included) is strict mode's limit; eleven is past it.
    let nested = |levels: usize| {
        let mut p = json!({"type": "string", "required": true});
        for _ in 1..levels {
            p = json!({"type": "object", "required": true, "properties": {"n": p}});
        }
        json!({"n": p})
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let ten = write_doc(dir.path(), "ten.json", &doc("ten", "1", "", nested(10)));
    let eleven = write_doc(
        dir.path(),
        "eleven.json",
        &doc("eleven", "2", "", nested(11)),
    );
    let mut many = serde_json::Map::new();
    for i in 0..5001 {
        many.insert(format!("p{i}"), json!({"type": "integer"}));
    }
    let many = write_doc(
        dir.path(),
        "many.json",
        &doc("many", "3", "", Value::Object(many)),
    );
    let any = write_doc(
        dir.path(),
        "any.json",
        &doc("any", "4", "", json!({"x": {}})),
    );

    let (tools, stderr) = tool_json(&["tool", &ten, &eleven, &many, &any, "--format", "openai"]);
    let strict: Vec<bool> = tools
        .as_array()
        .expect("array")
        .iter()
        .map(|t| t["strict"].as_bool().expect("strict"))
        .collect();
    assert_eq!(strict, [true, false, false, false]);
    assert!(
        stderr.contains("tool eleven: not strict") && stderr.contains("nested 11 levels deep"),
        "{stderr}"
    );
    assert!(
        stderr.contains("5001 properties, more than the 5000"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`parameters.x` is any JSON value"),
        "{stderr}"
    );
    // The non-strict definition keeps optional parameters optional.
    assert_eq!(tools[2]["parameters"].get("required"), None);
}

#[test]
fn mcp_has_an_output_schema_only_for_workflows_that_return_variables() {
    let (tools, _) = tool_json(&[
        "tool",
        "tests/corpus/order_intake.json",
        "tests/corpus/arrays.json",
        "tests/corpus/no_inputs.json",
        "--format",
        "mcp",
    ]);
    let has: Vec<bool> = tools
        .as_array()
        .expect("array")
        .iter()
        .map(|t| t.get("outputSchema").is_some())
        .collect();
    // arrays answers with its content template; no_inputs declares no output variables.
    assert_eq!(has, [true, false, false]);
}

#[test]
fn a_deep_document_gets_its_tools_without_a_big_stack() {
    let out = cozegen(&[
        "tool",
        "tests/corpus/deep_nesting.json",
        "--format",
        "mcp",
        "-q",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut param = String::from(r#"{"type":"string","required":true}"#);
    for i in (1..cozegen::limits::MAX_DEPTH).rev() {
        param = format!(r#"{{"type":"object","required":true,"properties":{{"l{i}":{param}}}}}"#);
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let deep = dir.path().join("deep.json");
    std::fs::write(
        &deep,
        format!(r#"{{"input":{{"parameters":{{"l0":{param}}}}}}}"#),
    )
    .expect("write");
    // OpenAI's takes both the strict and the fallback path; the others are a subset of it.
    let out = cozegen(&["tool", deep.to_str().expect("utf-8"), "--format", "openai"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nested 11 levels deep"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_workspace_gives_one_file_with_every_workflow_in_id_order() {
    let one = std::fs::read("tests/corpus/order_intake.json").expect("read");
    let two = std::fs::read("tests/corpus/all_types.json").expect("read");
    let list = json!({"code": 0, "msg": "", "data": {"has_more": false, "items": [
        {"workflow_id": "20", "workflow_name": "all_types"},
        {"workflow_id": "10", "workflow_name": "order_intake"},
    ]}});
    let api = Api::start(vec![
        (list_target("77", 1, 30), 200, list.to_string().into_bytes()),
        (workflow_target("10"), 200, one),
        (workflow_target("20"), 200, two),
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let out_file = dir.path().join("tools.json");
    let out = run_in(
        &root(),
        &[
            "tool",
            "--workspace-id",
            "77",
            "--format",
            "mcp",
            "-q",
            "--base-url",
            &api.url(),
            "-o",
            out_file.to_str().expect("utf-8"),
        ],
    );
    expect_exit(&out, 0);
    let text = std::fs::read_to_string(&out_file).expect("output");
    assert!(!text.contains(TOKEN));
    let tools: Value = serde_json::from_str(&text).expect("json");
    let names: Vec<&str> = tools
        .as_array()
        .expect("array")
        .iter()
        .map(|t| t["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["order_intake", "all_types"]);
}

fn workflow_of(doc: &str) -> cozegen::Workflow {
    workflow_with(doc, false)
}

fn workflow_with(doc: &str, open_objects: bool) -> cozegen::Workflow {
    let info = cozegen::load_slice(doc.as_bytes(), "doc").expect("loads");
    let options = cozegen::BuildOptions {
        open_objects,
        ..Default::default()
    };
    cozegen::build(&info, &options).expect("builds").0
}

/// Strict mode is decided from the IR's tables before anything is written: the first
/// parameter that cannot be strict, in document order, is the one named.
#[test]
fn strict_mode_is_decided_from_the_ir_and_names_the_first_parameter_in_the_way() {
    let strict = |doc: &Value, open: bool| {
        let w = workflow_with(&doc.to_string(), open);
        let (tools, warnings) = tool::tools(&[&w], Format::OpenAi).expect("tools");
        (
            tools[0].strict,
            warnings
                .iter()
                .map(|w| w.message.clone())
                .collect::<Vec<_>>(),
        )
    };
    let params =
        |p: Value| json!({"workflow_detail": {"workflow_name": "w"}, "input": {"parameters": p}});
    let (ok, warnings) = strict(
        &params(json!({"a": {"type": "object", "properties": {"b": {"type": "time"}}}})),
        false,
    );
    assert_eq!((ok, warnings.len()), (Some(true), 0));
    let (ok, warnings) = strict(
        &params(json!({
            "a": {"type": "array", "items": {"type": "array", "items": {"type": "object"}}},
            "b": {}
        })),
        false,
    );
    assert_eq!(ok, Some(false));
    assert!(
        warnings[0].contains("`parameters.a[][]` is an object without declared properties"),
        "{warnings:?}"
    );
    // A name from the document is quoted in the message, escapes and all.
    let (ok, warnings) = strict(
        &params(json!({"odd \u{1b}[31m name": {"type": "array", "items": {}}})),
        false,
    );
    assert_eq!(ok, Some(false));
    assert!(
        warnings[0].contains(r#"`parameters["odd \u{1b}[31m name"][]` is any JSON value"#),
        "{warnings:?}"
    );
    let (ok, warnings) = strict(
        &params(json!({"a": {"type": "object", "properties": {"b": {"type": "string"}}}})),
        true,
    );
    assert_eq!(ok, Some(false));
    assert!(
        warnings[0].contains("`parameters` is an open object (built with open objects)"),
        "{warnings:?}"
    );
    // 120,000 characters of names is the most; a chatflow's message argument counts.
    let names = |n: usize, chat: bool| {
        let mut p = serde_json::Map::new();
        for i in 0..120 {
            p.insert(format!("{:0>1000}", i), json!({"type": "string"}));
        }
        p.insert("x".repeat(n), json!({"type": "string"}));
        if chat {
            p.insert("USER_INPUT".into(), json!({"type": "string"}));
            p.insert("CONVERSATION_NAME".into(), json!({"type": "string"}));
        }
        params(Value::Object(p))
    };
    assert_eq!(strict(&names(0, false), false).0, Some(true));
    let (ok, warnings) = strict(&names(1, false), false);
    assert_eq!(ok, Some(false));
    assert!(
        warnings[0].contains("120001 characters of property names"),
        "{warnings:?}"
    );
    // With the message (10 characters) and CONVERSATION_NAME (17), 27 more.
    let (ok, warnings) = strict(&names(0, true), false);
    assert_eq!(ok, Some(false));
    assert!(
        warnings[0].contains("120027 characters of property names"),
        "{warnings:?}"
    );
}

/// A document nested as deep as cozegen accepts gets every vendor's tool on a small stack:
/// the schemas are written into values level by level, and dropped that way.
#[test]
fn a_deep_document_gets_its_tools_on_a_small_stack() {
    let mut param = String::from(r#"{"type":"string","required":true}"#);
    for i in (1..cozegen::limits::MAX_DEPTH).rev() {
        param = if i % 2 == 0 {
            format!(r#"{{"type":"array","items":{param}}}"#)
        } else {
            format!(r#"{{"type":"object","properties":{{"l{i}":{param}}}}}"#)
        };
    }
    let doc = format!(
        r#"{{"input":{{"parameters":{{"l0":{param}}}}},"output":{{"parameters":{{"l0":{param}}}}}}}"#
    );
    let workflow = workflow_of(&doc);
    std::thread::Builder::new()
        .stack_size(256 << 10)
        .spawn(move || {
            for format in [Format::OpenAi, Format::Mcp] {
                let (tools, _) = tool::tools(&[&workflow], format).expect("tools");
                assert!(tools[0].input_schema.is_object());
            }
            let (text, _) = tool::render(&[&workflow], Format::Anthropic).expect("renders");
            assert!(text.len() > 100_000);
        })
        .expect("thread")
        .join()
        .expect("no stack overflow");
}
