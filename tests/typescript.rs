//! The TypeScript artifact: goldens, and `tsc --strict` compiling the declarations together with
//! the sample instances (valid ones must type-check, ones missing a required field must not).

mod common;

use common::*;
use std::path::Path;

fn ts_for(doc: &Path, extra: &[&str]) -> String {
    let mut args = vec!["ts", doc.to_str().expect("utf-8"), "--quiet"];
    args.extend_from_slice(extra);
    let out = cozegen(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

fn root_type_name(doc: &Path) -> String {
    let out = cozegen(&["ir", doc.to_str().expect("utf-8"), "--quiet"]);
    let ir: serde_json::Value = serde_json::from_slice(&out.stdout).expect("IR is JSON");
    ir["input"]["objects"][0]["type_name"]
        .as_str()
        .expect("type name")
        .to_owned()
}

#[test]
fn typescript_goldens_match_for_every_corpus_document() {
    for doc in corpus() {
        assert_golden(&format!("{}/input.ts", stem(&doc)), &ts_for(&doc, &[]));
        assert_golden(
            &format!("{}/output.ts", stem(&doc)),
            &ts_for(&doc, &["--node", "output"]),
        );
    }
}

fn tsc(dir: &Path, files: &[String]) -> std::process::Output {
    std::process::Command::new("node")
        .arg(root().join("tests/js/node_modules/typescript/bin/tsc"))
        .args([
            "--strict", "--noEmit", "--target", "es2020", "--module", "esnext",
        ])
        .args(["--moduleResolution", "bundler", "--noUnusedLocals"])
        .args(files)
        .current_dir(dir)
        .output()
        .expect("run tsc")
}

#[test]
fn tsc_strict_accepts_declarations_and_valid_instances_and_rejects_missing_fields() {
    if !js_tools_available("the tsc check") {
        return;
    }
    let scratch = tempfile::tempdir().expect("tempdir");
    let (mut valid, mut missing) = (Vec::new(), Vec::new());
    for doc in corpus() {
        let name = stem(&doc);
        let dir = scratch.path().join(&name);
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(dir.join("input.ts"), ts_for(&doc, &[])).expect("write");
        std::fs::write(dir.join("output.ts"), ts_for(&doc, &["--node", "output"])).expect("write");
        valid.push(format!("{name}/input.ts"));
        valid.push(format!("{name}/output.ts"));
        let root_type = root_type_name(&doc);
        let instances = root().join("tests/instances").join(&name);
        for entry in std::fs::read_dir(&instances).into_iter().flatten() {
            let path = entry.expect("entry").path();
            let instance = stem(&path);
            let json = std::fs::read_to_string(&path).expect("read");
            let source = format!(
                "import type {{ {root_type} }} from \"./input\";\nexport const value: {root_type} = {json};\n"
            );
            let file = format!("{name}/{instance}.ts");
            std::fs::write(scratch.path().join(&file), source).expect("write");
            if instance.starts_with("valid") {
                valid.push(file);
            } else if instance.contains("missing") {
                missing.push(file);
            }
        }
    }
    let out = tsc(scratch.path(), &valid);
    assert!(
        out.status.success(),
        "tsc rejected valid code:\n{}",
        stdout(&out)
    );
    assert!(missing.len() >= 4);
    let out = tsc(scratch.path(), &missing);
    assert!(!out.status.success());
    let report = stdout(&out);
    for file in &missing {
        assert!(
            report.contains(file.as_str()),
            "tsc accepted {file}:\n{report}"
        );
    }
}

#[test]
fn comment_terminators_in_descriptions_cannot_close_jsdoc() {
    let ts = ts_for(&root().join("tests/corpus/hostile_names.json"), &[]);
    for line in ts.lines() {
        let in_comment = line.trim_start().starts_with('*') && !line.trim_start().starts_with("*/");
        assert!(!(in_comment && line.contains("*/")), "{line}");
    }
    assert!(ts.contains("*\\/ #![deny(x)]"));
}

#[test]
fn names_that_are_not_identifiers_are_quoted() {
    let ts = ts_for(&root().join("tests/corpus/hostile_names.json"), &[]);
    assert!(ts.contains("\n  \"first name\"?: string;"));
    assert!(ts.contains("\n  \"a\\\"b\\\\c\"?: string;"));
    assert!(ts.contains("\n  $price?: number;"));
    assert!(ts.contains("\n  type: string;"));
}
