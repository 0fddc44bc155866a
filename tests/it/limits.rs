//! Deep, huge and hostile documents: handled up to documented limits, clear errors beyond them,
//! never a panic or a stack overflow. These run through the library on ordinary test threads
//! (2 MiB stacks), so they also prove that callers' stack sizes do not decide what works. Every
//! emitter (schema, Rust, HTML, TypeScript, IR) gets the deepest and the largest documents.

use crate::checks::{html_is_inert, on_big_stack, parse_deep_json, rust_is_data_only};
use cozegen::emit::json_schema::{self, SchemaOptions};
use cozegen::emit::{html, ir_json, rust, typescript};
use cozegen::limits::MAX_DEPTH;
use cozegen::{BuildOptions, Error, Workflow, build, load_slice};
use serde_json::Value;

/// A document whose single parameter nests `levels` levels: objects, or arrays of arrays.
fn nested(levels: usize, arrays: bool) -> String {
    let mut param = String::from(r#"{"type":"string","required":true,"description":"leaf"}"#);
    for i in (1..levels).rev() {
        param = if arrays {
            format!(r#"{{"type":"array","required":true,"items":{param}}}"#)
        } else {
            format!(r#"{{"type":"object","required":true,"properties":{{"l{i}":{param}}}}}"#)
        };
    }
    format!(
        r#"{{"input":{{"parameters":{{"l0":{param}}}}},"workflow_detail":{{"workflow_name":"deep"}}}}"#
    )
}

fn schema_text(doc: &str) -> Result<String, Error> {
    let info = load_slice(doc.as_bytes(), "doc.json")?;
    let (workflow, _) = build(&info, &BuildOptions::default())?;
    Ok(json_schema::render(&workflow, &SchemaOptions::default())?)
}

fn schema_of(doc: &str) -> Result<Value, Error> {
    Ok(serde_json::from_str(&schema_text(doc)?).expect("schema is JSON"))
}

fn workflow_of(doc: &str) -> Workflow {
    let info = load_slice(doc.as_bytes(), "doc.json").expect("loads");
    build(&info, &BuildOptions::default()).expect("builds").0
}

/// Follows `step` from the schema root `levels` times and returns the leaf's `type`. The test's
/// own parse of a deep schema needs a big stack and no recursion limit, like cozegen's.
fn leaf_type(schema: String, levels: usize, step: fn(&Value, usize) -> &Value) -> Value {
    on_big_stack(move || {
        let value = parse_deep_json(&schema).expect("schema is JSON");
        let mut node = &value["properties"]["l0"];
        for i in 1..levels {
            node = step(node, i);
        }
        let leaf = node["type"].clone();
        drop(value);
        leaf
    })
}

/// The IR's leaf of a `nested` document, found by following the flat tables: the last object's
/// field, or the innermost array's items.
fn ir_leaf(ir: &str, arrays: bool) -> Value {
    let value: Value = serde_json::from_str(ir).expect("IR is JSON (flat, so not deep)");
    let input = &value["input"];
    if arrays {
        let arrays = input["arrays"].as_array().expect("arrays");
        let last = arrays.last().expect("an array");
        serde_json::json!({"kind": last["items"]["kind"], "count": arrays.len()})
    } else {
        let objects = input["objects"].as_array().expect("objects");
        let field = &objects.last().expect("an object")["fields"][0];
        serde_json::json!({"kind": field["type"]["kind"], "name": field["name"], "count": objects.len()})
    }
}

#[test]
fn objects_nested_to_the_limit_are_handled() {
    let schema = schema_text(&nested(MAX_DEPTH, false)).expect("handled");
    let leaf = leaf_type(schema, MAX_DEPTH, |node, i| {
        &node["properties"][format!("l{i}")]
    });
    assert_eq!(leaf, "string");
}

#[test]
fn arrays_nested_to_the_limit_are_handled() {
    let schema = schema_text(&nested(MAX_DEPTH, true)).expect("handled");
    assert_eq!(
        leaf_type(schema, MAX_DEPTH, |node, _| &node["items"]),
        "string"
    );
}

#[test]
fn objects_nested_to_the_limit_go_through_every_other_emitter() {
    let workflow = workflow_of(&nested(MAX_DEPTH, false));

    let code = rust::render(&workflow, &Default::default()).expect("rust renders");
    let shape = on_big_stack(|| rust_is_data_only(&code)).expect("data only");
    // The root and one struct per object level, one field each; and the `RunRequest` and
    // `ObjectOnly` helpers.
    assert_eq!(shape.structs.len(), MAX_DEPTH + 2);
    assert_eq!(shape.fields, MAX_DEPTH);
    let last = format!("pub l{}: String,", MAX_DEPTH - 1);
    assert!(code.contains(&last), "the leaf field is there");

    let page = html::render(&workflow, &Default::default()).expect("html renders");
    let shape = on_big_stack(|| html_is_inert(&page)).expect("inert");
    assert_eq!(shape.fieldsets, MAX_DEPTH - 1);
    assert_eq!(shape.controls, 1);
    assert_eq!(
        shape.model["nodes"].as_array().map(Vec::len),
        Some(MAX_DEPTH)
    );
    assert_eq!(shape.model["nodes"][MAX_DEPTH - 1]["kind"], "string");

    let ts = typescript::render(&workflow, &Default::default()).expect("ts renders");
    // One interface per object, and the run helpers' `RunRequest` and `RunOptions`.
    assert_eq!(ts.matches("export interface ").count(), MAX_DEPTH + 2);
    assert!(ts.contains(&format!("  l{}: string;", MAX_DEPTH - 1)));

    let ir = ir_json::render(&workflow).expect("ir renders");
    let leaf = ir_leaf(&ir, false);
    assert_eq!(leaf["kind"], "string");
    assert_eq!(leaf["name"], format!("l{}", MAX_DEPTH - 1));
    assert_eq!(leaf["count"], MAX_DEPTH);
}

#[test]
fn arrays_nested_to_the_limit_go_through_every_other_emitter() {
    let workflow = workflow_of(&nested(MAX_DEPTH, true));
    let vecs = MAX_DEPTH - 1;

    let code = rust::render(&workflow, &Default::default()).expect("rust renders");
    let shape = on_big_stack(|| rust_is_data_only(&code)).expect("data only");
    assert_eq!(shape.structs, ["DeepInput", "RunRequest", "ObjectOnly"]);
    assert!(code.contains("pub l0: Vec<"));
    // The field, its copy that serde reads the struct with, and `new`'s parameter.
    assert_eq!(
        code.matches("Vec<").count(),
        3 * vecs,
        "the field is {vecs} Vecs deep"
    );

    let page = html::render(&workflow, &Default::default()).expect("html renders");
    let shape = on_big_stack(|| html_is_inert(&page)).expect("inert");
    assert_eq!(shape.fieldsets, vecs);
    assert_eq!(shape.controls, 1);
    let nodes = shape.model["nodes"].as_array().expect("nodes");
    assert_eq!(nodes.len(), MAX_DEPTH);
    assert_eq!(
        nodes[MAX_DEPTH - 1]["names"].as_array().map(Vec::len),
        Some(MAX_DEPTH)
    );

    let ts = typescript::render(&workflow, &Default::default()).expect("ts renders");
    assert!(ts.contains(&format!("  l0: string{};", "[]".repeat(vecs))));

    let ir = ir_json::render(&workflow).expect("ir renders");
    let leaf = ir_leaf(&ir, true);
    assert_eq!(leaf["kind"], "string");
    assert_eq!(leaf["count"], vecs);
}

#[test]
fn objects_nested_past_the_limit_are_a_clear_error() {
    match schema_of(&nested(MAX_DEPTH + 1, false)) {
        Err(Error::Ir(cozegen::ir::Error::TooDeep { path, limit })) => {
            assert_eq!(limit, MAX_DEPTH);
            assert!(path.starts_with("input.l0.l1.l2"), "{path}");
            assert!(path.len() < 400, "path is shortened for the message");
        }
        other => panic!("expected TooDeep, got {other:?}"),
    }
}

#[test]
fn arrays_nested_past_the_limit_are_a_clear_error() {
    assert!(matches!(
        schema_of(&nested(MAX_DEPTH + 1, true)),
        Err(Error::Ir(cozegen::ir::Error::TooDeep { .. }))
    ));
}

#[test]
fn absurdly_deep_json_is_rejected_before_parsing() {
    let doc = format!("{}{}", "[".repeat(1_000_000), "]".repeat(1_000_000));
    match load_slice(doc.as_bytes(), "deep.json") {
        Err(e @ cozegen::source::Error::JsonTooDeep { .. }) => {
            let message = e.to_string();
            assert!(message.contains("deep.json: line 1"), "{message}");
        }
        other => panic!("expected JsonTooDeep, got {other:?}"),
    }
    let doc = format!(
        r#"{{"input":{{"parameters":{{"a":{{"type":"object","default_value":{}1{}}}}}}}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(matches!(
        load_slice(doc.as_bytes(), "x"),
        Err(cozegen::source::Error::JsonTooDeep { .. })
    ));
}

#[test]
fn brackets_inside_strings_do_not_count_as_nesting() {
    let description = "[{".repeat(50_000);
    let doc = format!(
        r#"{{"input":{{"parameters":{{"a":{{"type":"string","description":"{description}\"\\"}}}}}}}}"#
    );
    let schema = schema_of(&doc).expect("handled");
    assert!(
        schema["properties"]["a"]["description"]
            .as_str()
            .expect("text")
            .starts_with("[{[{")
    );
}

const WIDE: usize = 50_000;

/// 50,000 parameters of five types, every one with a description and a default (about 6 MB).
fn fifty_thousand() -> String {
    let mut params = Vec::with_capacity(WIDE);
    for i in 0..WIDE {
        let (ty, default) = [
            ("string", format!("text {i}")),
            ("integer", i.to_string()),
            ("number", format!("{i}.5")),
            ("boolean", "true".to_owned()),
            ("image", format!("https://example.com/{i}.png")),
        ][i % 5]
            .clone();
        params.push(format!(
            r#""p{i}":{{"type":"{ty}","required":{},"description":"parameter {i}","default_value":"{default}"}}"#,
            i % 2 == 0
        ));
    }
    format!(
        r#"{{"input":{{"parameters":{{{}}}}},"workflow_detail":{{"workflow_name":"wide"}}}}"#,
        params.join(",")
    )
}

#[test]
fn fifty_thousand_parameters_go_through_every_emitter() {
    let doc = fifty_thousand();
    let schema = schema_of(&doc).expect("handled");
    let props = schema["properties"].as_object().expect("object");
    assert_eq!(props.len(), WIDE);
    assert_eq!(
        props.keys().nth(WIDE - 1).map(String::as_str),
        Some("p49999")
    );
    assert_eq!(props["p49997"]["default"], 49997.5);
    assert_eq!(
        schema["required"].as_array().expect("array").len(),
        WIDE / 2
    );

    let workflow = workflow_of(&doc);
    let code = rust::render(&workflow, &Default::default()).expect("rust renders");
    let page = html::render(&workflow, &Default::default()).expect("html renders");
    // The two checkers (syn and html5ever, both slow on 50,000 of anything) side by side.
    let (rust_shape, html_shape) = std::thread::scope(|scope| {
        let rust = scope.spawn(|| rust_is_data_only(&code));
        let html = html_is_inert(&page);
        (rust.join().expect("the Rust checker"), html)
    });
    let shape = rust_shape.expect("data only");
    assert_eq!(
        shape.structs,
        [
            "WideInput",
            "RunRequest",
            "ObjectOnly",
            "CozeFile",
            "CozeValueError"
        ]
    );
    assert_eq!(shape.fields, WIDE);
    assert!(code.contains("pub fn default_p49996() -> i64 {\n        49996\n    }"));

    let shape = html_shape.expect("inert");
    // One control per parameter, and a local file picker next to each image parameter.
    assert_eq!(shape.controls, WIDE + WIDE / 5);
    assert_eq!(shape.model["root"].as_array().map(Vec::len), Some(WIDE));
    let last = page
        .lines()
        .find(|l| l.contains(r#"name="p49999""#))
        .expect("the last parameter's control");
    assert!(
        last.contains(r#"value="https://example.com/49999.png""#),
        "{last}"
    );

    let ts = typescript::render(&workflow, &Default::default()).expect("ts renders");
    let members = ts.lines().filter(|l| l.starts_with("  p")).count();
    // The parameters, and the run helpers' `RunRequest.parameters`.
    assert_eq!(members, WIDE + 1);
    assert!(ts.contains("  p49997?: number;"));

    let ir: Value =
        serde_json::from_str(&ir_json::render(&workflow).expect("ir renders")).expect("IR is JSON");
    let fields = ir["input"]["objects"][0]["fields"]
        .as_array()
        .expect("fields");
    assert_eq!(fields.len(), WIDE);
    assert_eq!(fields[WIDE - 4]["default"], 49996);
}

#[test]
fn many_names_that_collide_after_case_conversion_get_distinct_identifiers() {
    let mut params = Vec::new();
    for i in 0..3_000 {
        // "a", "A", "a_", "_a", … all become `a` in snake_case.
        let name = ["a", "A", "a_", "_a", "a-", "-a"][i % 6].repeat(1 + i / 6);
        params.push(format!(r#""{name}":{{"type":"string"}}"#));
    }
    let doc = format!(r#"{{"input":{{"parameters":{{{}}}}}}}"#, params.join(","));
    let info = load_slice(doc.as_bytes(), "x").expect("loads");
    let (workflow, _) = build(&info, &BuildOptions::default()).expect("builds");
    let mut idents: Vec<&str> = workflow
        .input
        .root()
        .fields
        .iter()
        .map(|f| f.ident(cozegen::ir::Lang::Rust))
        .collect();
    let total = idents.len();
    idents.sort_unstable();
    idents.dedup();
    assert_eq!(idents.len(), total);
}

#[test]
fn parameter_names_past_the_limit_are_a_clear_error() {
    let doc = |name: &str| {
        format!(
            r#"{{"input":{{"parameters":{{"outer":{{"type":"object","properties":{{"{name}":{{"type":"string"}}}}}}}}}}}}"#
        )
    };
    let longest = "n".repeat(cozegen::limits::MAX_NAME_BYTES);
    let schema = schema_of(&doc(&longest)).expect("a name at the limit is fine");
    assert!(schema["properties"]["outer"]["properties"][&longest].is_object());
    match schema_of(&doc(&format!("{longest}x"))) {
        Err(e @ Error::Ir(cozegen::ir::Error::NameTooLong { .. })) => {
            let message = e.to_string();
            assert!(message.contains("input.outer.nnn"), "{message}");
            assert!(message.contains("1025 bytes"), "{message}");
            assert!(message.len() < 500, "the path is shortened: {message}");
        }
        other => panic!("{other:?}"),
    }
}
