//! Coze Studio canvases: every command reads a canvas, or Studio's `GetCanvasInfo` answer, into
//! the same IR as a cloud WorkflowInfo; file values follow the platform the document came from.
//!
//! The canvases of `tests/corpus/studio` are also in the corpus, so every golden, compile and
//! form test that runs over the corpus runs over them too; this file holds what is Studio's own.

use crate::common::api::{Api, Reply, expect_exit, workflow_target};
use crate::common::*;
use cozegen::emit::json_schema::{self, Draft, SchemaOptions};
use cozegen::emit::{html, ir_json, rust, typescript};
use cozegen::ir::Node;
use cozegen::ir::rules::{FILE_URL_PATTERN, FileValues};
use cozegen::ir::{FileKind, Platform, TerminatePlan, Type, Workflow};
use cozegen::{BuildOptions, Error, Warning, build, load_slice};
use serde_json::{Value, json};

fn load(doc: &Value) -> cozegen::Result<(Workflow, Vec<Warning>)> {
    let text = doc.to_string();
    let info = load_slice(text.as_bytes(), "canvas.json")?;
    Ok(build(&info, &BuildOptions::default())?)
}

fn canvas(outputs: Value) -> Value {
    json!({
        "nodes": [
            {"id": "100001", "type": "1", "data": {"outputs": outputs}},
            {"id": "900001", "type": "2", "data": {"inputs": {
                "terminatePlan": "returnVariables",
                "inputParameters": [
                    {"name": "out", "input": {"type": "string", "value": {"type": "ref"}}}
                ]
            }}}
        ],
        "edges": []
    })
}

fn field_types(w: &Workflow) -> Vec<(String, Type)> {
    w.input
        .root()
        .fields
        .iter()
        .map(|f| (f.name.clone(), f.ty.clone()))
        .collect()
}

fn messages(warnings: &[Warning]) -> Vec<String> {
    warnings.iter().map(ToString::to_string).collect()
}

#[test]
fn every_studio_canvas_loads_and_renders_every_artifact() {
    let docs = studio_corpus();
    assert!(docs.len() >= 9, "{docs:?}");
    for doc in docs {
        let (w, _) = cozegen::load_workflow(&doc, &BuildOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e}", doc.display()));
        assert_eq!(w.details.platform, Platform::Studio, "{}", doc.display());
        assert_eq!(w.input.files, FileValues::UrlOnly);
        for draft in [Draft::Draft2020_12, Draft::Draft07] {
            for node in [Node::Input, Node::Output] {
                let options = SchemaOptions {
                    draft,
                    node,
                    ..Default::default()
                };
                let schema = json_schema::render(&w, &options).expect("schema");
                serde_json::from_str::<Value>(&schema).expect("schema is JSON");
            }
        }
        for node in [Node::Input, Node::Output] {
            let options = rust::RustOptions {
                node,
                ..Default::default()
            };
            assert!(
                rust::render(&w, &options)
                    .expect("rust")
                    .contains("pub struct")
            );
            let options = typescript::TsOptions {
                node,
                ..Default::default()
            };
            typescript::render(&w, &options).expect("ts");
        }
        assert!(
            html::render(&w, &Default::default())
                .expect("html")
                .contains("<form")
        );
        let ir: Value = serde_json::from_str(&ir_json::render(&w).expect("ir")).expect("IR JSON");
        assert_eq!(ir["workflow"]["platform"], "coze_studio");
        assert_eq!(ir["rules"]["file_pattern"], FILE_URL_PATTERN);
    }
}

#[test]
fn the_canvas_maps_names_order_types_defaults_and_required() {
    let (w, warnings) = load(&canvas(json!([
        {"name": "s", "type": "string", "required": true, "description": "text"},
        {"name": "i", "type": "integer", "defaultValue": "100"},
        {"name": "f", "type": "float", "defaultValue": 12.5},
        {"name": "b", "type": "boolean", "defaultValue": false},
        {"name": "t", "type": "string", "assistType": 10000, "defaultValue": "2025-07-09 21:43:34"},
        {"name": "o", "type": "object", "required": true, "schema": [
            {"name": "z", "type": "integer", "required": true},
            {"name": "a", "type": "list", "schema": {"type": "string", "assistType": 2}}
        ], "defaultValue": "{\"z\":1,\"a\":[\"https://x/y.png\"]}"},
        {"name": "l", "type": "list", "schema": {"type": "object", "schema": [
            {"name": "k", "type": "string"}
        ]}, "defaultValue": [{"k": "v"}]}
    ])))
    .expect("loads");
    assert_eq!(messages(&warnings), Vec::<String>::new());
    let root = w.input.root();
    let names: Vec<&str> = root.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["s", "i", "f", "b", "t", "o", "l"]);
    let types = field_types(&w);
    assert_eq!(types[0].1, Type::String);
    assert_eq!(types[1].1, Type::Integer);
    assert_eq!(types[2].1, Type::Number);
    assert_eq!(types[3].1, Type::Boolean);
    assert_eq!(types[4].1, Type::Time);
    assert!(matches!(types[5].1, Type::Object(_)));
    assert!(matches!(types[6].1, Type::Array(_)));
    assert!(root.fields[0].required && root.fields[5].required && !root.fields[1].required);
    assert_eq!(root.fields[0].description.as_deref(), Some("text"));
    let defaults: Vec<Option<String>> = root
        .fields
        .iter()
        .map(|f| f.default.map(|d| w.input.value_json(d)))
        .collect();
    assert_eq!(
        defaults,
        [
            None,
            Some("100".to_owned()),
            Some("12.5".to_owned()),
            Some("false".to_owned()),
            Some("\"2025-07-09 21:43:34\"".to_owned()),
            Some("{\"z\":1,\"a\":[\"https://x/y.png\"]}".to_owned()),
            Some("[{\"k\":\"v\"}]".to_owned()),
        ]
    );
    let Type::Object(o) = types[5].1 else {
        unreachable!()
    };
    let object = w.input.object(o);
    assert_eq!(object.fields[0].name, "z");
    assert!(object.fields[0].required);
    let Type::Array(a) = object.fields[1].ty else {
        panic!("a is a list")
    };
    assert_eq!(w.input.array(a).items, Type::File(FileKind::Image));
    assert_eq!(w.terminate_plan, Some(TerminatePlan::ReturnVariables));
    assert_eq!(w.output.root().fields[0].name, "out");
}

#[test]
fn every_assist_type_is_a_file_kind_or_time() {
    let kinds = [
        (1, FileKind::Generic),
        (2, FileKind::Image),
        (3, FileKind::Doc),
        (4, FileKind::Code),
        (5, FileKind::Ppt),
        (6, FileKind::Txt),
        (7, FileKind::Excel),
        (8, FileKind::Audio),
        (9, FileKind::Zip),
        (10, FileKind::Video),
        (11, FileKind::Svg),
        (12, FileKind::Voice),
    ];
    let mut outputs: Vec<Value> = kinds
        .iter()
        .map(|(n, _)| json!({"name": format!("f{n}"), "type": "string", "assistType": n}))
        .collect();
    outputs.push(json!({"name": "time", "type": "string", "assistType": 10000}));
    outputs.push(json!({"name": "text", "type": "string", "assistType": 0}));
    outputs.push(json!({"name": "as_text", "type": "string", "assistType": "2"}));
    let (w, warnings) = load(&canvas(Value::Array(outputs))).expect("loads");
    assert_eq!(messages(&warnings), Vec::<String>::new());
    let types = field_types(&w);
    for (i, (_, kind)) in kinds.iter().enumerate() {
        assert_eq!(types[i].1, Type::File(*kind), "{}", types[i].0);
    }
    assert_eq!(types[12].1, Type::Time);
    assert_eq!(types[13].1, Type::String);
    assert_eq!(types[14].1, Type::File(FileKind::Image));
}

#[test]
fn an_unknown_assist_type_is_a_warning_and_a_plain_string() {
    let (w, warnings) = load(&canvas(json!([
        {"name": "odd", "type": "string", "assistType": 77},
        {"name": "count", "type": "integer", "assistType": 2},
        {"name": "rows", "type": "list", "schema": {"type": "string", "assistType": 99}}
    ])))
    .expect("loads");
    assert_eq!(
        messages(&warnings),
        [
            "input.odd: has unknown assistType 77; read as a plain `string` (any text)",
            "input.count: has assistType 2 on a `integer`, which takes none; ignored",
            "input.rows[]: has unknown assistType 99; read as a plain `string` (any text)",
        ]
    );
    let types = field_types(&w);
    assert_eq!(types[0].1, Type::String);
    assert_eq!(types[1].1, Type::Integer);
}

#[test]
fn unknown_node_types_and_shapes_are_ignored() {
    let mut doc = canvas(json!([{"name": "a", "type": "string"}]));
    let nodes = doc["nodes"].as_array_mut().expect("nodes");
    nodes.insert(
        0,
        json!({"id": "x", "type": "9999", "data": {"outputs": "not a list"}}),
    );
    nodes.insert(0, json!({"id": "y", "type": "3"}));
    nodes.push(json!("not a node"));
    nodes.push(json!({"id": "z", "type": "1", "data": {"outputs": []}}));
    let (w, warnings) = load(&doc).expect("loads");
    assert_eq!(
        messages(&warnings),
        [
            "nodes[4]: is not a node (a JSON object); skipped",
            "nodes[5]: is a second start node; only the first is read",
        ]
    );
    assert_eq!(w.input.root().fields[0].name, "a");
}

#[test]
fn unknown_variable_types_fall_back_to_any_value_with_a_warning() {
    let (w, warnings) = load(&canvas(json!([
        {"name": "x", "type": "any"},
        {"name": "y"}
    ])))
    .expect("loads");
    assert_eq!(
        messages(&warnings),
        [
            "input.x: has unknown type \"any\"; any JSON value is accepted",
            "input.y: has no `type`; any JSON value is accepted",
        ]
    );
    assert!(matches!(field_types(&w)[0].1, Type::Any(_)));
}

#[test]
fn a_canvas_without_a_start_node_is_an_error() {
    let doc = json!({"nodes": [{"id": "900001", "type": "2", "data": {}}], "edges": []});
    let err = load(&doc).expect_err("no start node");
    assert!(
        matches!(err, Error::Source(cozegen::source::Error::Canvas { .. })),
        "{err:?}"
    );
    assert!(err.to_string().contains("no start node"), "{err}");
}

#[test]
fn badly_shaped_canvases_are_errors_naming_the_place() {
    for (doc, place, words) in [
        (
            json!({"nodes": {"a": 1}}),
            "at `nodes`",
            "not a list of nodes",
        ),
        (
            json!({"nodes": [{"type": "1", "data": {"outputs": {"a": 1}}}]}),
            "at `nodes[0].data.outputs`",
            "not a list of variables",
        ),
        (
            json!({"nodes": [{"type": "1", "data": {"outputs": [{"type": "string"}]}}]}),
            "at `nodes[0].data.outputs[0]`",
            "has no `name`",
        ),
        (
            json!({"nodes": [{"type": "1", "data": {"outputs": [
                {"name": "a", "type": "string"}, {"name": "a", "type": "integer"}]}}]}),
            "at `nodes[0].data.outputs[1]`",
            "a second variable is named",
        ),
        (
            json!({"nodes": [{"type": "1", "data": {"outputs": [
                {"name": "o", "type": "object", "schema": {"name": "x"}}]}}]}),
            "at `nodes[0].data.outputs[0].schema`",
            "not a list of variables",
        ),
        (
            json!({"nodes": [{"type": "1", "data": {"outputs": [
                {"name": "l", "type": "list", "schema": ["x"]}]}}]}),
            "at `nodes[0].data.outputs[0].schema`",
            "not a variable",
        ),
    ] {
        let err = load(&doc).expect_err("error");
        let text = err.to_string();
        assert!(
            text.contains(place) && text.contains(words),
            "{doc}: {text}"
        );
    }
}

#[test]
fn a_start_node_without_data_declares_nothing_with_a_warning() {
    let (w, warnings) = load(&json!({"nodes": [{"id": "100001", "type": "1"}]})).expect("loads");
    assert!(w.input.root().fields.is_empty());
    assert_eq!(
        messages(&warnings),
        ["nodes[0].data: is missing or not an object; the node declares no variables"]
    );
}

#[test]
fn hostile_names_are_kept_on_the_wire_and_made_safe_in_code() {
    let (w, _) = load(&canvas(json!([
        {"name": "type", "type": "string"},
        {"name": "</script><b>\"x\"\n", "type": "string"},
        {"name": "数量", "type": "integer"}
    ])))
    .expect("loads");
    let code = rust::render(&w, &Default::default()).expect("rust");
    assert!(code.contains("#[serde(rename = \"type\")]"), "{code}");
    assert!(code.contains("pub type_: Option<String>"), "{code}");
    let page = html::render(&w, &Default::default()).expect("html");
    assert!(
        !page.contains("</script><b>"),
        "names are escaped in the form"
    );
}

#[test]
fn deep_canvases_load_without_overflowing_the_stack_and_too_deep_ones_are_refused() {
    fn nested(levels: usize) -> String {
        let mut text = String::new();
        for _ in 0..levels {
            text.push_str(r#"{"name":"n","type":"object","schema":["#);
        }
        text.push_str(r#"{"name":"leaf","type":"string"}"#);
        for _ in 0..levels {
            text.push_str("]}");
        }
        format!(r#"{{"nodes":[{{"type":"1","data":{{"outputs":[{text}]}}}}]}}"#)
    }
    // The GetCanvasInfo answer holds the canvas as JSON text: the answer is shallow, the canvas
    // in it as deep as the bare one.
    let answer = |levels: usize| {
        let canvas = serde_json::Value::String(nested(levels)).to_string();
        format!(r#"{{"code":0,"msg":"","data":{{"workflow":{{"schema_json":{canvas}}}}}}}"#)
    };
    // Loaded on a thread far smaller than the document needs: the loader finds its own stack.
    let depth_on_a_small_stack = |text: String| {
        std::thread::Builder::new()
            .stack_size(256 << 10)
            .spawn(move || -> cozegen::Result<usize> {
                let info = load_slice(text.as_bytes(), "deep.json")?;
                Ok(build(&info, &BuildOptions::default())?.0.input.depth)
            })
            .expect("thread")
            .join()
            .expect("no stack overflow")
    };
    for document in [nested, answer] {
        assert_eq!(
            depth_on_a_small_stack(document(1_900)).expect("loads"),
            1_901
        );
        assert!(matches!(
            depth_on_a_small_stack(document(2_005)),
            Err(Error::Ir(cozegen::ir::Error::TooDeep { .. })
                | Error::Source(cozegen::source::Error::JsonTooDeep { .. }))
        ));
    }
}

#[test]
fn the_get_canvas_info_answer_gives_the_canvas_and_the_workflow_details() {
    let bare = root().join("tests/corpus/studio/start_node_default_values.json");
    let answer = root().join("tests/corpus/studio/answer_start_node_default_values.json");
    let (from_canvas, _) = cozegen::load_workflow(&bare, &BuildOptions::default()).expect("bare");
    let (from_answer, _) =
        cozegen::load_workflow(&answer, &BuildOptions::default()).expect("answer");
    let d = &from_answer.details;
    assert_eq!(d.id.as_deref(), Some("7524318236492030002"));
    assert_eq!(d.name.as_deref(), Some("default_values"));
    assert_eq!(d.creator_name.as_deref(), Some("studio-user"));
    assert_eq!(d.flow_mode.as_deref(), Some("0"));
    assert!(!from_answer.is_chatflow());
    assert_eq!(d.platform, Platform::Studio);
    assert_eq!(from_canvas.details.flow_mode, None);
    // The same start node, named after the workflow.
    let fields = |w: &Workflow| w.input.root().fields.clone();
    assert_eq!(fields(&from_canvas), fields(&from_answer));
    assert_eq!(from_answer.input.root().type_name, "DefaultValuesInput");
}

#[test]
fn a_studio_chatflow_records_its_flow_mode_from_either_source() {
    let answer = root().join("tests/corpus/studio/answer_chatflow_start_exit.json");
    let (w, _) = cozegen::load_workflow(&answer, &BuildOptions::default()).expect("answer");
    assert_eq!(w.details.flow_mode.as_deref(), Some("3"));
    assert_eq!(w.details.platform, Platform::Studio);
    let names: Vec<&str> = w
        .input
        .root()
        .fields
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    // flow_mode 3 (WorkflowMode.ChatFlow) makes it a chatflow: USER_INPUT is its message, not a
    // run parameter; CONVERSATION_NAME stays one.
    assert_eq!(names, ["CONVERSATION_NAME"]);
    let chat = w.chat.as_ref().expect("a chatflow");
    assert_eq!(chat.decided_by, cozegen::ir::ChatEvidence::FlowMode);
    assert!(chat.message_declared && chat.conversation_param);
    assert_eq!(w.terminate_plan, Some(TerminatePlan::UseAnswerContent));
    assert_eq!(w.content.as_deref(), Some("{{output}}"));
    let ir = cozegen::emit::ir_json::to_value(&w).expect("ir");
    assert_eq!(ir.value()["workflow"]["kind"], "chatflow");
    assert_eq!(ir.value()["call"]["endpoint"], "/v1/workflows/chat");
    // The bare canvas has no flow_mode: its start node says it.
    let bare = root().join("tests/corpus/studio/chatflow_start_exit.json");
    let (w, _) = cozegen::load_workflow(&bare, &BuildOptions::default()).expect("canvas");
    assert_eq!(w.details.platform, Platform::Studio);
    assert_eq!(w.input.root().fields.len(), 1);
    assert_eq!(
        w.chat.as_ref().map(|c| c.decided_by),
        Some(cozegen::ir::ChatEvidence::StartNode)
    );
    // A cloud WorkflowInfo is the cloud's, whatever it holds.
    let cloud = root().join("tests/corpus/seed_example.json");
    let (w, _) = cozegen::load_workflow(&cloud, &BuildOptions::default()).expect("cloud");
    assert_eq!(w.details.platform, Platform::Cloud);
    assert_eq!(w.input.files, FileValues::UrlOrFileId);
    assert!(w.is_chatflow(), "the seed's example is a chatflow");
}

#[test]
fn a_canvas_answer_with_broken_schema_json_says_where() {
    let answer = |schema_json: Value| json!({"code": 0, "msg": "", "data": {"workflow": {"workflow_id": "7", "schema_json": schema_json}}});
    let err = load(&answer(json!("{\"nodes\": [}"))).expect_err("not JSON");
    let text = err.to_string();
    assert!(text.contains("data.workflow.schema_json"), "{text}");
    let err = load(&answer(json!("{\"edges\": []}"))).expect_err("no nodes");
    assert!(
        err.to_string().contains("the canvas has no `nodes`"),
        "{err}"
    );
    let err = load(&answer(Value::Null)).expect_err("no canvas");
    assert!(err.to_string().contains("holds no canvas"), "{err}");
    // The canvas as JSON rather than JSON text is read all the same.
    let (w, _) = load(&answer(canvas(json!([{"name": "a", "type": "string"}])))).expect("loads");
    assert_eq!(w.input.root().fields[0].name, "a");
}

#[test]
fn studio_file_values_are_urls_only_in_validate() {
    let (w, _) = load(&canvas(json!([
        {"name": "photo", "type": "string", "assistType": 2, "required": true}
    ])))
    .expect("loads");
    let check = |v: Value| -> Vec<String> {
        cozegen::check::validate::validate(&w.input, &v)
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    assert_eq!(
        check(json!({"photo": "https://x/y.png"})),
        Vec::<String>::new()
    );
    let refused = check(json!({"photo": "{\"file_id\":\"7351\"}"}));
    assert_eq!(refused.len(), 1);
    assert!(
        refused[0].contains("Coze Studio resolves URLs only") && refused[0].contains("file_id"),
        "{refused:?}"
    );
    assert_eq!(check(json!({"photo": "7351"})).len(), 1);
    // The same parameter in a cloud WorkflowInfo takes a file_id.
    let cloud = json!({"input": {"parameters": {"photo": {"type": "image", "required": true}}}});
    let (w, _) = load(&cloud).expect("cloud");
    assert!(
        cozegen::check::validate::validate(&w.input, &json!({"photo": "{\"file_id\":\"7351\"}"}))
            .is_empty()
    );
}

/// However a Studio document is given a file value it cannot take (`null`, a `{"file_id":…}`
/// object or text, a nested default), no message suggests a file_id: each states the
/// platform's rule, in the IR's words.
#[test]
fn studio_messages_never_suggest_a_file_id() {
    let (w, warnings) = load(&canvas(json!([
        {"name": "photo", "type": "string", "assistType": 2},
        {"name": "docs", "type": "list", "schema": {"type": "string", "assistType": 3},
         "defaultValue": "[\"{\\\"file_id\\\":\\\"1\\\"}\"]"},
        {"name": "more", "type": "list", "schema": {"type": "string", "assistType": 3},
         "defaultValue": "[{\"file_id\":\"1\"}]"}
    ])))
    .expect("loads");
    let rule = "a Coze file (an http(s) URL, as Coze Studio resolves URLs only)";
    let mut said: Vec<String> = messages(&warnings);
    for value in [
        json!(null),
        json!({"file_id": "7351"}),
        json!("{\"file_id\":\"7351\"}"),
        json!(7351),
        json!(""),
    ] {
        let problems = cozegen::check::validate::validate(&w.input, &json!({"photo": value}));
        assert_eq!(problems.len(), 1, "{value}");
        said.push(problems[0].to_string());
    }
    assert_eq!(said.len(), 7, "{said:?}");
    for message in &said {
        assert!(message.contains(rule), "{message}");
        assert!(!message.contains("JSON text"), "{message}");
        assert!(!message.contains("{\"file_id\":\"…\"}"), "{message}");
    }
    // A cloud document's messages state the cloud's rule.
    let cloud = json!({"input": {"parameters": {"photo": {"type": "image"}}}});
    let (w, _) = load(&cloud).expect("cloud");
    let problems = cozegen::check::validate::validate(&w.input, &json!({"photo": null}));
    assert!(
        problems[0].to_string().contains(
            "expected a Coze file (an http(s) URL, or the JSON text `{\"file_id\":\"…\"}` of a \
             file uploaded to Coze), got null"
        ),
        "{problems:?}"
    );
}

#[test]
fn a_file_id_default_in_a_studio_canvas_is_dropped_with_a_warning() {
    let (w, warnings) = load(&canvas(json!([
        {"name": "doc", "type": "string", "assistType": 3, "defaultValue": "{\"file_id\":\"1\"}"}
    ])))
    .expect("loads");
    assert_eq!(w.input.root().fields[0].default, None);
    assert_eq!(messages(&warnings).len(), 1);
    assert!(messages(&warnings)[0].contains("Coze Studio resolves URLs only"));
}

#[test]
fn studio_artifacts_state_the_url_only_file_rule() {
    let (w, _) = load(&canvas(
        json!([{"name": "f", "type": "string", "assistType": 1}]),
    ))
    .expect("loads");
    let schema: Value =
        serde_json::from_str(&json_schema::render(&w, &Default::default()).expect("schema"))
            .expect("JSON");
    assert_eq!(schema["properties"]["f"]["pattern"], FILE_URL_PATTERN);
    let code = rust::render(&w, &Default::default()).expect("rust");
    assert!(code.contains("Coze Studio resolves URLs only"), "{code}");
    assert!(!code.contains("pub fn file_id("), "{code}");
    let ts = typescript::render(&w, &Default::default()).expect("ts");
    assert!(ts.contains("Coze Studio resolves URLs only"), "{ts}");
    let page = html::render(&w, &Default::default()).expect("html");
    assert!(
        page.contains("\"file_url_only\":true"),
        "the form's model says so"
    );
    assert!(
        page.contains("placeholder=\"https://…\""),
        "no file_id placeholder"
    );
}

#[test]
fn every_command_takes_a_canvas() {
    let doc = "tests/corpus/studio/start_node_default_values.json";
    for args in [
        vec!["schema", doc, "--quiet"],
        vec!["rust", doc, "--quiet"],
        vec!["ts", doc, "--quiet"],
        vec!["html", doc, "--quiet"],
        vec!["ir", doc, "--quiet"],
    ] {
        let out = cozegen(&args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    let scratch = tempfile::tempdir().expect("tempdir");
    let params = scratch.path().join("p.json");
    std::fs::write(&params, r#"{"files":"{\"file_id\":\"1\"}"}"#).expect("write");
    let out = cozegen(&["validate", doc, "--params", params.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let said = format!("{}{}", stdout(&out), stderr(&out));
    assert!(said.contains("Coze Studio resolves URLs only"), "{said}");
    let out = cozegen(&[
        "diff",
        doc,
        "tests/corpus/studio/answer_start_node_default_values.json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
}

fn studio_answer() -> Vec<u8> {
    br#"{"code":0,"msg":"","data":{"role":{"name":"bot","avatar":{}},"workflow_detail":{"workflow_id":"7524318236492030002"}}}"#.to_vec()
}

fn assert_studio_message(text: &str) {
    for part in [
        "this is a Coze Studio server",
        "does not serve a workflow's start node",
        "POST /api/workflow_api/canvas",
        "data.workflow.schema_json",
    ] {
        assert!(text.contains(part), "missing {part:?} in: {text}");
    }
}

#[test]
fn fetch_and_w_name_a_coze_studio_server_and_say_how_to_get_the_canvas() {
    let id = "7524318236492030002";
    for args in [vec!["fetch", id], vec!["schema", "-w", id]] {
        let api = Api::start(vec![(workflow_target(id), 200, studio_answer())]);
        let mut full = args.clone();
        let url = api.url();
        full.extend(["--base-url", url.as_str()]);
        let out = crate::common::api::run_with_env(
            &root(),
            &full,
            &[("COZE_API_TOKEN", crate::common::api::TOKEN)],
        );
        let (_, err) = expect_exit(&out, 1);
        assert_studio_message(&err);
        assert_eq!(api.count(), 1, "{args:?}");
    }
}

#[test]
fn workspace_id_on_a_studio_server_says_it_has_no_list_endpoint() {
    // Coze Studio's router answers an unknown route with a plain 404.
    let api = Api::scripted(vec![
        Reply::new(404, "404 page not found").header("Content-Type", "text/plain"),
    ]);
    let scratch = tempfile::tempdir().expect("tempdir");
    let out_dir = scratch.path().join("out");
    let url = api.url();
    let out = crate::common::api::run_with_env(
        &root(),
        &[
            "all",
            "--workspace-id",
            "7521695817242001412",
            "-o",
            out_dir.to_str().expect("utf-8"),
            "--base-url",
            url.as_str(),
        ],
        &[("COZE_API_TOKEN", crate::common::api::TOKEN)],
    );
    let (_, err) = expect_exit(&out, 1);
    assert!(err.contains("no workspace list endpoint"), "{err}");
    assert!(err.contains("Coze Studio"), "{err}");
    assert!(!out_dir.exists(), "nothing written");
}
