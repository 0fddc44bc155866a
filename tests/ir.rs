//! `cozegen ir`: the normalized IR as JSON, golden over the corpus.

mod common;

use common::*;

#[test]
fn ir_goldens_match_for_every_corpus_document() {
    for doc in corpus() {
        let out = cozegen(&["ir", doc.to_str().expect("utf-8"), "--quiet"]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_golden(&format!("{}/ir.json", stem(&doc)), &stdout(&out));
    }
}

#[test]
fn ir_shows_decisions_made_once() {
    let out = cozegen(&["ir", "tests/corpus/all_types.json", "--quiet"]);
    let ir: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(ir["cozegen_ir"], 2);
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
