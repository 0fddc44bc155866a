//! Deep, huge and hostile documents: handled up to documented limits, clear errors beyond them,
//! never a panic or a stack overflow. These run through the library on ordinary test threads
//! (2 MiB stacks), so they also prove that callers' stack sizes do not decide what works.

use cozegen::emit::json_schema::{self, SchemaOptions};
use cozegen::ir::MAX_DEPTH;
use cozegen::{BuildOptions, Error, build, load_slice};
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
    json_schema::render(&workflow, &SchemaOptions::default())
}

fn schema_of(doc: &str) -> Result<Value, Error> {
    Ok(serde_json::from_str(&schema_text(doc)?).expect("schema is JSON"))
}

/// Follows `step` from the schema root `levels` times and returns the leaf's `type`. The test's
/// own parse of a deep schema needs a big stack and no recursion limit, like cozegen's.
fn leaf_type(schema: String, levels: usize, step: fn(&Value, usize) -> &Value) -> Value {
    std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(move || {
            let mut de = serde_json::Deserializer::from_str(&schema);
            de.disable_recursion_limit();
            let value: Value = serde::Deserialize::deserialize(&mut de).expect("schema is JSON");
            let mut node = &value["properties"]["l0"];
            for i in 1..levels {
                node = step(node, i);
            }
            node["type"].clone()
        })
        .expect("thread")
        .join()
        .expect("no panic")
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
fn objects_nested_past_the_limit_are_a_clear_error() {
    match schema_of(&nested(MAX_DEPTH + 1, false)) {
        Err(Error::TooDeep { path, limit }) => {
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
        Err(Error::TooDeep { .. })
    ));
}

#[test]
fn absurdly_deep_json_is_rejected_before_parsing() {
    let doc = format!("{}{}", "[".repeat(1_000_000), "]".repeat(1_000_000));
    match load_slice(doc.as_bytes(), "deep.json") {
        Err(e @ Error::JsonTooDeep { .. }) => {
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
        Err(Error::JsonTooDeep { .. })
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

#[test]
fn fifty_thousand_parameters_go_through() {
    let mut params = Vec::with_capacity(50_000);
    for i in 0..50_000 {
        let ty = ["string", "integer", "number", "boolean", "image"][i % 5];
        params.push(format!(
            r#""p{i}":{{"type":"{ty}","required":{},"description":"parameter {i}"}}"#,
            i % 2 == 0
        ));
    }
    let doc = format!(r#"{{"input":{{"parameters":{{{}}}}}}}"#, params.join(","));
    let schema = schema_of(&doc).expect("handled");
    let props = schema["properties"].as_object().expect("object");
    assert_eq!(props.len(), 50_000);
    assert_eq!(props.keys().nth(49_999).map(String::as_str), Some("p49999"));
    assert_eq!(schema["required"].as_array().expect("array").len(), 25_000);
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
        .fields
        .iter()
        .map(|f| f.ident.as_str())
        .collect();
    let total = idents.len();
    idents.sort_unstable();
    idents.dedup();
    assert_eq!(idents.len(), total);
}
