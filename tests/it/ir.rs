//! `cozegen ir`: the normalized IR as JSON, golden over the corpus.

use crate::common::*;

#[test]
fn ir_goldens_match_for_every_corpus_document() {
    let mut goldens = Goldens::new();
    for doc in corpus() {
        let out = cozegen(&["ir", doc.to_str().expect("utf-8"), "--quiet"]);
        assert!(out.status.success(), "{}", stderr(&out));
        goldens.check(&format!("{}/ir.json", stem(&doc)), &stdout(&out));
    }
}

#[test]
fn ir_shows_decisions_made_once() {
    let out = cozegen(&["ir", "tests/corpus/all_types.json", "--quiet"]);
    let ir: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(ir["cozegen_ir"], 3);
    assert_eq!(ir["rules"]["integer_maximum"], i64::MAX);
    let objects = ir["input"]["objects"].as_array().expect("objects");
    let fields = objects[0]["fields"].as_array().expect("fields");
    let count = fields.iter().find(|f| f["name"] == "count").expect("count");
    assert_eq!(count["default"], 3);
    assert_eq!(count["type"]["kind"], "integer");
    let default_input = fields
        .iter()
        .find(|f| f["name"] == "default_input")
        .expect("field");
    assert_eq!(
        default_input["type"],
        serde_json::json!({"kind": "file", "file_kind": "file"})
    );
    let options = fields
        .iter()
        .find(|f| f["name"] == "options")
        .expect("options");
    let id = options["type"]["object"].as_u64().expect("object id") as usize;
    assert_eq!(objects[id]["type_name"], "AllTypesInputOptions");
    assert_eq!(
        objects[id]["parent"],
        serde_json::json!({"object": 0, "field": 5})
    );
    assert_eq!(objects[id]["closed"], true);
    assert_eq!(objects[id]["fields"][1]["name"], "limits");
}

/// The flat format lists each object once and writes no paths, so a deep document's IR grows
/// with its depth, not with its depth squared.
#[test]
fn ir_of_a_deep_document_grows_linearly() {
    let nested = |levels: usize| {
        let mut param = String::from(r#"{"type":"string"}"#);
        for i in (1..levels).rev() {
            param = format!(r#"{{"type":"object","properties":{{"l{i}":{param}}}}}"#);
        }
        format!(r#"{{"input":{{"parameters":{{"l0":{param}}}}}}}"#)
    };
    let size = |levels: usize| {
        let dir = tempfile::tempdir().expect("tempdir");
        let doc = dir.path().join("deep.json");
        std::fs::write(&doc, nested(levels)).expect("write");
        let out = cozegen(&["ir", doc.to_str().expect("utf-8"), "--quiet"]);
        assert!(out.status.success(), "{}", stderr(&out));
        out.stdout.len()
    };
    let (small, large) = (size(250), size(1000));
    // Four times the depth: about four times the output (names grow a little with the count).
    assert!(
        large < small * 5,
        "{small} bytes at 250 levels, {large} at 1000"
    );
}

fn build(doc: &serde_json::Value, open: bool) -> cozegen::Workflow {
    let info = cozegen::load_slice(doc.to_string().as_bytes(), "doc").expect("loads");
    let options = cozegen::BuildOptions {
        open_objects: open,
        ..Default::default()
    };
    cozegen::build(&info, &options).expect("builds").0
}

fn fields(w: &cozegen::Workflow) -> Vec<&str> {
    w.input
        .root()
        .fields
        .iter()
        .map(|f| f.name.as_str())
        .collect()
}

#[test]
fn a_chatflow_is_known_from_its_start_node_and_its_message_is_not_a_parameter() {
    use cozegen::ir::ChatEvidence;
    // The seed's own example: a cloud WorkflowInfo, no flow_mode.
    let out = cozegen(&["ir", "tests/corpus/seed_example.json", "--quiet"]);
    let ir: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(ir["workflow"]["kind"], "chatflow");
    assert_eq!(ir["call"]["endpoint"], "/v1/workflows/chat");
    assert_eq!(ir["call"]["decided_by"], "start_node");
    assert_eq!(ir["call"]["message"]["parameter"], "USER_INPUT");
    assert_eq!(ir["call"]["message"]["goes_in"], "additional_messages");
    assert_eq!(ir["call"]["conversation_parameter"], "CONVERSATION_NAME");
    // `app_id` "7493481****8294" is masked in the docs: not an id to send.
    assert_eq!(ir["call"]["app_id"], serde_json::Value::Null);
    let names: Vec<&str> = ir["input"]["objects"][0]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["CONVERSATION_NAME"]);

    let doc = |params: serde_json::Value| {
        serde_json::json!({"workflow_detail": {"workflow_name": "w", "app_id": "744208683"},
                           "input": {"parameters": params}})
    };
    let w = build(
        &doc(serde_json::json!({
            "USER_INPUT": {"type": "string", "description": "The question"},
            "CONVERSATION_NAME": {"type": "string"},
            "city": {"type": "string", "required": true}
        })),
        false,
    );
    let chat = w.chat.as_ref().expect("a chatflow");
    assert_eq!(chat.decided_by, ChatEvidence::StartNode);
    assert_eq!(chat.message_description.as_deref(), Some("The question"));
    assert_eq!(w.details.run_app_id.as_deref(), Some("744208683"));
    assert_eq!(fields(&w), ["CONVERSATION_NAME", "city"]);
    // USER_INPUT alone is an ordinary parameter of an ordinary workflow.
    let w = build(
        &doc(serde_json::json!({"USER_INPUT": {"type": "string"}})),
        false,
    );
    assert!(!w.is_chatflow());
    assert_eq!(fields(&w), ["USER_INPUT"]);
    // A hostile message parameter (an object, nested) leaves no types behind.
    let w = build(
        &doc(serde_json::json!({
            "USER_INPUT": {"type": "object", "properties": {"a": {"type": "array", "items": {"type": "object", "properties": {"b": {"type": "string"}}}}}},
            "CONVERSATION_NAME": {"type": "string"}
        })),
        false,
    );
    assert!(w.is_chatflow());
    assert_eq!(w.input.objects.len(), 1);
    assert!(w.input.arrays.is_empty());
}

#[test]
fn flow_mode_decides_when_the_answer_has_one() {
    use cozegen::ir::ChatEvidence;
    let text =
        std::fs::read_to_string(root().join("tests/corpus/studio/answer_chatflow_start_exit.json"))
            .expect("answer");
    let mut answer: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let w = build(&answer, false);
    assert_eq!(
        w.chat.as_ref().map(|c| c.decided_by),
        Some(ChatEvidence::FlowMode)
    );
    assert_eq!(fields(&w), ["CONVERSATION_NAME"]);
    // flow_mode 0 (WorkflowMode.Workflow) says workflow, whatever the start node holds.
    answer["data"]["workflow"]["flow_mode"] = serde_json::json!(0);
    let w = build(&answer, false);
    assert!(!w.is_chatflow());
    assert_eq!(fields(&w), ["USER_INPUT", "CONVERSATION_NAME"]);
}

#[test]
fn the_message_among_a_chatflows_parameters_is_a_problem_that_says_where_it_goes() {
    let text = std::fs::read_to_string(root().join("tests/corpus/chatflow.json")).expect("doc");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let params = serde_json::json!({"city": "Paris", "USER_INPUT": "When?"});
    let w = build(&doc, false);
    let problems: Vec<String> = cozegen::check::validate::validate(&w.input, &params)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        problems,
        [
            "USER_INPUT: is a chatflow's message, which the chat API ignores in `parameters`: \
          send it as the user message in `additional_messages` (cozegen run --message)"
        ]
    );
    // With open objects every undeclared key is accepted; the CLI warns about this one.
    let w = build(&doc, true);
    assert!(cozegen::check::validate::validate(&w.input, &params).is_empty());
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("params.json");
    std::fs::write(&path, params.to_string()).expect("write");
    let path = path.to_str().expect("utf-8");
    let out = cozegen(&[
        "validate",
        "tests/corpus/chatflow.json",
        "--open-objects",
        "--params",
        path,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning: USER_INPUT: the chat API ignores it in `parameters`"),
        "{}",
        stderr(&out)
    );
    let out = cozegen(&["validate", "tests/corpus/chatflow.json", "--params", path]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn the_terminate_plan_is_decided_once_and_shown_as_the_document_spells_it() {
    use cozegen::ir::TerminatePlan;
    let doc = |plan: &str| {
        serde_json::json!({"workflow_detail": {"workflow_name": "w"},
            "input": {"parameters": {}},
            "output": {"terminate_plan": plan, "content": "{{r}}",
                       "parameters": {"r": {"type": "string"}}}})
    };
    for (plan, decided, text) in [
        ("return_variables", TerminatePlan::ReturnVariables, false),
        ("use_answer_content", TerminatePlan::UseAnswerContent, true),
        // Only the names Coze sends are plans; anything else is kept to show, and the output
        // is read as variables.
        (
            " Use_Answer_Content",
            TerminatePlan::Other(" Use_Answer_Content".to_owned()),
            false,
        ),
    ] {
        let w = build(&doc(plan), false);
        assert_eq!(w.terminate_plan.as_ref(), Some(&decided), "{plan}");
        assert_eq!(w.output_is_text(), text, "{plan}");
        let ir = cozegen::emit::ir_json::to_value(&w).expect("IR JSON");
        assert_eq!(ir.value()["output"]["terminate_plan"], plan);
    }
    let w = build(&serde_json::json!({"input": {"parameters": {}}}), false);
    assert_eq!(w.terminate_plan, None);
    assert!(!w.output_is_text());
}

/// Every language's helper type names are reserved once, in the IR: an object that would be
/// named like one gets a suffix, and every artifact writes its helpers beside it.
#[test]
fn helper_type_names_are_reserved_once_for_every_language() {
    let doc = serde_json::json!({
        "workflow_detail": {"workflow_id": "7", "workflow_name": "w"},
        "input": {"parameters": {
            "USER_INPUT": {"type": "string"},
            "CONVERSATION_NAME": {"type": "string"},
            "message": {"type": "object", "properties": {"text": {"type": "string"}}},
            "request": {"type": "object", "properties": {"id": {"type": "integer"}}}
        }}
    });
    let info = cozegen::load_slice(doc.to_string().as_bytes(), "doc").expect("loads");
    let options = cozegen::BuildOptions {
        input_type_name: Some("Chat".to_owned()),
        ..Default::default()
    };
    let (w, _) = cozegen::build(&info, &options).expect("builds");
    let names: Vec<(&str, Option<&str>)> = w
        .input
        .objects
        .iter()
        .map(|o| (o.type_name.as_str(), o.wanted_name.as_deref()))
        .collect();
    assert_eq!(
        names,
        [
            ("Chat", None),
            ("ChatMessage2", Some("ChatMessage")),
            ("ChatRequest2", Some("ChatRequest"))
        ]
    );
    let (rust, warnings) =
        cozegen::emit::rust::render_with_warnings(&w, &Default::default()).expect("Rust");
    assert!(warnings.is_empty(), "{warnings:?}");
    let file = syn::parse_file(&rust).expect("the module parses");
    let mut structs: Vec<String> = file
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            _ => None,
        })
        .collect();
    structs.retain(|s| !s.starts_with("fields_"));
    assert_eq!(
        structs,
        [
            "Chat",
            "ChatMessage2",
            "ChatRequest2",
            "ObjectOnly",
            "ChatMessage",
            "ChatRequest"
        ]
    );
    let ts = cozegen::emit::typescript::render(&w, &Default::default()).expect("TypeScript");
    for interface in [
        "Chat",
        "ChatMessage2",
        "ChatRequest2",
        "ChatMessage",
        "ChatRequest",
    ] {
        assert!(
            ts.contains(&format!("export interface {interface} {{")),
            "{interface}:\n{ts}"
        );
    }
    // A reserved name is refused as a chosen root name, in every language's name.
    for reserved in ["ChatMessage", "RunRequest", "Record", "Option"] {
        let options = cozegen::BuildOptions {
            input_type_name: Some(reserved.to_owned()),
            ..Default::default()
        };
        let err = cozegen::build(&info, &options).expect_err(reserved);
        assert!(
            err.to_string().contains("cannot be used as a type name"),
            "{err}"
        );
    }
}
