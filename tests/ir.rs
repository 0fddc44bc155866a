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
    assert_eq!(ir["cozegen_ir"], 1);
    let fields = ir["input"]["fields"].as_array().expect("fields");
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
    assert_eq!(options["type"]["type_name"], "AllTypesInputOptions");
    assert_eq!(options["type"]["fields"][1]["path"], "options.limits");
}
