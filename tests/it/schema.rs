//! The JSON Schema artifact: goldens over the corpus, checked by two independent validators
//! (the `jsonschema` crate and Ajv in strict mode) against meta-schemas and sample instances.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn schema_for(doc: &Path, extra: &[&str]) -> String {
    let mut args = vec!["schema", doc.to_str().expect("utf-8 path"), "--quiet"];
    args.extend_from_slice(extra);
    let out = cozegen(&args);
    assert!(
        out.status.success(),
        "cozegen schema {} failed: {}",
        doc.display(),
        stderr(&out)
    );
    stdout(&out)
}

fn instances(doc: &str) -> Vec<PathBuf> {
    let dir = root().join("tests/instances").join(doc);
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.map(|e| e.expect("entry").path()).collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

fn expects_valid(instance: &Path) -> bool {
    stem(instance).starts_with("valid")
}

#[test]
fn schema_goldens_match_for_every_corpus_document() {
    let mut goldens = Goldens::new();
    for doc in corpus() {
        let name = stem(&doc);
        goldens.check(&format!("{name}/schema.json"), &schema_for(&doc, &[]));
        goldens.check(
            &format!("{name}/schema-07.json"),
            &schema_for(&doc, &["--draft", "07"]),
        );
        goldens.check(
            &format!("{name}/output.schema.json"),
            &schema_for(&doc, &["--node", "output"]),
        );
    }
}

#[test]
fn warnings_match_goldens_for_every_corpus_document() {
    let mut goldens = Goldens::new();
    for doc in corpus() {
        let out = cozegen(&["schema", doc.to_str().expect("utf-8 path")]);
        assert!(out.status.success());
        goldens.check(&format!("{}/warnings.txt", stem(&doc)), &stderr(&out));
    }
}

#[test]
fn every_schema_passes_its_meta_schema_in_the_jsonschema_crate() {
    for doc in corpus() {
        for draft in ["2020-12", "07"] {
            let schema: Value =
                serde_json::from_str(&schema_for(&doc, &["--draft", draft])).expect("JSON");
            if let Err(e) = jsonschema::meta::validate(&schema) {
                panic!(
                    "{} (draft {draft}) fails its meta-schema: {e}",
                    doc.display()
                );
            }
            jsonschema::validator_for(&schema).expect("schema compiles");
        }
    }
}

#[test]
fn sample_instances_validate_as_expected_in_the_jsonschema_crate() {
    let mut checked = 0;
    for doc in corpus() {
        for draft in ["2020-12", "07"] {
            let schema: Value =
                serde_json::from_str(&schema_for(&doc, &["--draft", draft])).expect("JSON");
            let validator = jsonschema::validator_for(&schema).expect("schema compiles");
            for instance in instances(&stem(&doc)) {
                let value: Value =
                    serde_json::from_slice(&std::fs::read(&instance).expect("read")).expect("JSON");
                assert_eq!(
                    validator.is_valid(&value),
                    expects_valid(&instance),
                    "{} against {} (draft {draft})",
                    instance.display(),
                    doc.display()
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 40, "only {checked} instance checks ran");
}

#[test]
fn ajv_strict_mode_accepts_every_schema_and_agrees_on_instances() {
    if !js_tools_available("the Ajv check") {
        return;
    }
    let scratch = tempfile::tempdir().expect("tempdir");
    for doc in corpus() {
        for draft in ["2020-12", "07"] {
            let schema_path = scratch.path().join(format!("{}-{draft}.json", stem(&doc)));
            std::fs::write(&schema_path, schema_for(&doc, &["--draft", draft])).expect("write");
            let files = instances(&stem(&doc));
            let out = std::process::Command::new("node")
                .arg(root().join("tests/js/ajv-check.mjs"))
                .arg(&schema_path)
                .args(&files)
                .output()
                .expect("run node");
            assert!(
                out.status.success(),
                "Ajv rejected {} (draft {draft}): {}",
                doc.display(),
                stderr(&out)
            );
            let lines: Vec<Value> = stdout(&out)
                .lines()
                .map(|l| serde_json::from_str(l).expect("JSON line"))
                .collect();
            assert_eq!(lines.len(), files.len());
            for (file, line) in files.iter().zip(&lines) {
                assert_eq!(
                    line["valid"].as_bool(),
                    Some(expects_valid(file)),
                    "Ajv on {} (draft {draft}): {line}",
                    file.display()
                );
            }
        }
    }
}

#[test]
fn coze_keywords_are_opt_in_and_strict_ajv_rejects_them() {
    let doc = root().join("tests/corpus/all_types.json");
    let plain = schema_for(&doc, &[]);
    assert!(!plain.contains("x-coze-type"));
    let annotated: Value =
        serde_json::from_str(&schema_for(&doc, &["--coze-keywords"])).expect("JSON");
    assert_eq!(
        annotated["properties"]["image_input"]["x-coze-type"],
        "image"
    );
    assert_eq!(annotated["properties"]["when"]["x-coze-type"], "time");
    assert_eq!(
        annotated["properties"]["default_input"]["x-coze-type"],
        "file"
    );
    if js_tools_available("the Ajv check") {
        let scratch = tempfile::tempdir().expect("tempdir");
        let path = scratch.path().join("s.json");
        std::fs::write(&path, annotated.to_string()).expect("write");
        let out = std::process::Command::new("node")
            .arg(root().join("tests/js/ajv-check.mjs"))
            .arg(&path)
            .output()
            .expect("run node");
        assert_eq!(
            out.status.code(),
            Some(2),
            "strict Ajv should reject x- keywords"
        );
    }
}

#[test]
fn open_objects_allow_undeclared_keys() {
    let doc = root().join("tests/corpus/all_types.json");
    let schema: Value = serde_json::from_str(&schema_for(&doc, &["--open-objects"])).expect("JSON");
    assert!(schema.get("additionalProperties").is_none());
    let validator = jsonschema::validator_for(&schema).expect("compiles");
    assert!(validator.is_valid(&serde_json::json!({"title": "x", "extra": 1})));
}

#[test]
fn file_kinds_and_time_are_strings_with_their_coze_type_in_a_comment() {
    let schema: Value = serde_json::from_str(&schema_for(
        &root().join("tests/corpus/all_types.json"),
        &[],
    ))
    .expect("JSON");
    let props = &schema["properties"];
    for (name, kind) in [
        ("image_input", "image"),
        ("zip_input", "zip"),
        ("file_input", "file"),
        ("default_input", "file"),
    ] {
        assert_eq!(props[name]["type"], "string", "{name}");
        assert!(
            props[name]["$comment"]
                .as_str()
                .expect("comment")
                .contains(&format!("`{kind}`")),
            "{name}"
        );
    }
    assert_eq!(props["gallery"]["items"]["type"], "string");
    assert_eq!(props["when"]["type"], "string");
}

#[test]
fn defaults_are_typed_and_properties_keep_document_order() {
    let schema: Value = serde_json::from_str(&schema_for(
        &root().join("tests/corpus/all_types.json"),
        &[],
    ))
    .expect("JSON");
    let props = &schema["properties"];
    assert_eq!(props["count"]["default"], 3);
    assert_eq!(props["temperature"]["default"], 0.7);
    assert_eq!(props["dry_run"]["default"], false);
    assert_eq!(props["keywords"]["default"], serde_json::json!(["a", "b"]));
    assert_eq!(
        props["options"]["default"],
        serde_json::json!({"mode": "fast"})
    );
    let keys: Vec<&String> = props.as_object().expect("object").keys().collect();
    assert_eq!(keys[..4], ["title", "count", "temperature", "dry_run"]);
    assert_eq!(schema["title"], "all_types");
}

#[test]
fn output_node_schema_describes_the_end_node() {
    let schema: Value = serde_json::from_str(&schema_for(
        &root().join("tests/corpus/arrays.json"),
        &["--node", "output"],
    ))
    .expect("JSON");
    assert_eq!(schema["properties"]["output"]["type"], "string");
    assert!(
        schema["$comment"]
            .as_str()
            .expect("comment")
            .contains("use_answer_content")
    );
}

#[test]
fn generation_is_deterministic() {
    for doc in corpus() {
        assert_eq!(
            schema_for(&doc, &[]),
            schema_for(&doc, &[]),
            "{}",
            doc.display()
        );
    }
}

/// One walker writes the schema as text or as a value: the two are the same document, in every
/// profile, for every corpus document and both nodes.
#[test]
fn the_schema_as_a_value_is_the_schema_as_text() {
    use cozegen::emit::json_schema::{self, Draft, Profile, SchemaOptions, Walk};
    use cozegen::ir::Node;
    use cozegen::json::{Writer, drop_value};
    for doc in corpus() {
        let Ok((workflow, _)) = cozegen::load_workflow(&doc, &Default::default()) else {
            continue;
        };
        for node in [Node::Input, Node::Output] {
            let options = SchemaOptions {
                node,
                ..Default::default()
            };
            let text = json_schema::render(&workflow, &options).expect("renders");
            let schema = json_schema::schema(&workflow, &options).expect("schema");
            assert_eq!(
                schema.as_value(),
                &serde_json::from_str::<Value>(&text).expect("JSON"),
                "{}",
                doc.display()
            );
            for profile in [
                Profile::Standard(Draft::Draft07),
                Profile::Tool { cap: 40 },
                Profile::OpenAi { cap: 40 },
                Profile::OpenAiStrict { cap: 40 },
            ] {
                let walk = Walk {
                    node,
                    profile,
                    coze_keywords: true,
                    message: true,
                };
                let mut writer = Writer::compact(1024);
                json_schema::walk(&workflow, &walk, &mut writer);
                let value = json_schema::value(&workflow, &walk);
                assert_eq!(
                    cozegen::json::to_compact(&value),
                    writer.finish(),
                    "{} {profile:?}",
                    doc.display()
                );
                drop_value(value);
            }
        }
    }
}
