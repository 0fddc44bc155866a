//! The Zod artifact: goldens; every corpus module under `tsc --strict` with zod's own types
//! (with the valid samples typed as the inferred root type); every module loaded by node and
//! its root schema judging the samples of `tests/instances/`; the structural check that a
//! module only declares data; hostile keys and descriptions arriving as data; open objects.
//! The conformance suite's `zod` leg holds the schemas to the value rules case by case.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

fn zod_for(doc: &Path, extra: &[&str]) -> String {
    let mut args = vec!["zod", doc.to_str().expect("utf-8"), "--quiet"];
    args.extend_from_slice(extra);
    let out = cozegen(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

/// The root type's name (`node` is `input` or `output`), from the IR JSON.
fn root_type_name(doc: &Path, node: &str) -> String {
    let out = cozegen(&["ir", doc.to_str().expect("utf-8"), "--quiet"]);
    let ir: Value = serde_json::from_slice(&out.stdout).expect("IR is JSON");
    let types = match node {
        "output" => &ir["output"]["parameters"],
        _ => &ir["input"],
    };
    types["objects"][0]["type_name"]
        .as_str()
        .expect("type name")
        .to_owned()
}

/// A scratch directory from which `zod` (and `typescript`) resolve: `node_modules` links to
/// `tests/js/node_modules`.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::os::unix::fs::symlink(
        root().join("tests/js/node_modules"),
        dir.path().join("node_modules"),
    )
    .expect("link node_modules");
    dir
}

/// Every corpus module, written as `<doc>/input.zod.ts` and `<doc>/output.zod.ts` under `dir`;
/// returns (doc stem, relative path, node, module text).
fn write_corpus(dir: &Path) -> Vec<(String, String, &'static str)> {
    let mut written = Vec::new();
    for doc in corpus() {
        let name = stem(&doc);
        std::fs::create_dir_all(dir.join(&name)).expect("mkdir");
        for node in ["input", "output"] {
            let file = format!("{name}/{node}.zod.ts");
            std::fs::write(dir.join(&file), zod_for(&doc, &["--node", node])).expect("write");
            written.push((name.clone(), file, node));
        }
    }
    written
}

fn tsc(dir: &Path, files: &[String]) -> std::process::Output {
    std::process::Command::new("node")
        .arg(root().join("tests/js/node_modules/typescript/bin/tsc"))
        .args([
            "--strict", "--noEmit", "--target", "es2022", "--module", "esnext",
        ])
        .args(["--moduleResolution", "bundler", "--noUnusedLocals"])
        .args(files)
        .current_dir(dir)
        .output()
        .expect("run tsc")
}

/// Runs `tests/js/conformance-zod.mjs` on `documents` and returns its lines.
fn judge(dir: &Path, documents: Vec<Value>) -> Vec<Value> {
    let input = serde_json::json!({"dir": dir.to_str().expect("utf-8"), "documents": documents});
    let mut child = std::process::Command::new("node")
        .arg(root().join("tests/js/conformance-zod.mjs"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run node");
    use std::io::Write as _;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.to_string().as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("node");
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

#[test]
fn zod_goldens_match_for_every_corpus_document() {
    let mut goldens = Goldens::new();
    for doc in corpus() {
        goldens.check(&format!("{}/input.zod.ts", stem(&doc)), &zod_for(&doc, &[]));
        goldens.check(
            &format!("{}/output.zod.ts", stem(&doc)),
            &zod_for(&doc, &["--node", "output"]),
        );
    }
}

/// `tsc --strict` (no emit) takes every module with zod's types, and the valid samples typed as
/// the inferred root type; a sample missing a required field does not type-check.
#[test]
fn tsc_strict_accepts_every_module_and_the_inferred_types_fit_the_samples() {
    if !js_tools_available("the tsc check of the Zod modules") {
        return;
    }
    let dir = scratch();
    let mut valid: Vec<String> = write_corpus(dir.path())
        .into_iter()
        .map(|(_, file, _)| file)
        .collect();
    let mut missing = Vec::new();
    for doc in corpus() {
        let name = stem(&doc);
        let root_type = root_type_name(&doc, "input");
        let instances = root().join("tests/instances").join(&name);
        for entry in std::fs::read_dir(&instances).into_iter().flatten() {
            let path = entry.expect("entry").path();
            let instance = stem(&path);
            let json = std::fs::read_to_string(&path).expect("read");
            let source = format!(
                "import type {{ {root_type} }} from \"./input.zod\";\nexport const value: {root_type} = {json};\n"
            );
            let file = format!("{name}/{instance}.ts");
            std::fs::write(dir.path().join(&file), source).expect("write");
            if instance.starts_with("valid") {
                valid.push(file);
            } else if instance.contains("missing") {
                missing.push(file);
            }
        }
    }
    let out = tsc(dir.path(), &valid);
    assert!(out.status.success(), "tsc rejected:\n{}", stdout(&out));
    assert!(missing.len() >= 2, "{missing:?}");
    let out = tsc(dir.path(), &missing);
    let report = stdout(&out);
    for file in &missing {
        assert!(
            report.contains(file.as_str()),
            "tsc accepted {file}:\n{report}"
        );
    }
}

/// Every corpus module loads under node (transpiled by the TypeScript compiler), and its input
/// schema accepts each `valid*` sample as it is and refuses each `invalid*` one.
#[test]
fn node_loads_every_module_and_the_schemas_judge_the_samples() {
    if !js_tools_available("the Zod modules under node") {
        return;
    }
    let dir = scratch();
    let mut documents = Vec::new();
    let mut expected = Vec::new();
    for (name, file, node) in write_corpus(dir.path()) {
        let doc = corpus().into_iter().find(|d| stem(d) == name).expect("doc");
        let mut cases = Vec::new();
        let mut verdicts = Vec::new();
        let instances = root().join("tests/instances").join(&name);
        if node == "input" {
            let mut paths: Vec<_> = std::fs::read_dir(&instances)
                .into_iter()
                .flatten()
                .map(|e| e.expect("entry").path())
                .collect();
            paths.sort();
            for path in paths {
                let instance = stem(&path);
                let text = std::fs::read_to_string(&path).expect("read");
                cases.push(serde_json::json!({"name": instance, "text": text}));
                verdicts.push((instance.clone(), instance.starts_with("valid")));
            }
        }
        documents.push(serde_json::json!({
            "name": format!("{name}_{node}"),
            "module": dir.path().join(&file).to_str().expect("utf-8"),
            "root": root_type_name(&doc, node),
            "cases": cases,
        }));
        expected.push(verdicts);
    }
    let lines = judge(dir.path(), documents);
    assert_eq!(lines.len(), expected.len());
    let mut judged = 0;
    for (line, verdicts) in lines.iter().zip(&expected) {
        assert!(line["module_error"].is_null(), "{line}");
        for (v, (name, valid)) in line["verdicts"]
            .as_array()
            .expect("verdicts")
            .iter()
            .zip(verdicts)
        {
            assert_eq!(v["name"], name.as_str());
            assert_eq!(v["valid"], *valid, "{} / {name}: {v}", line["document"]);
            judged += 1;
        }
    }
    assert!(judged >= 10, "{judged} samples judged");
}

/// Runs `tests/js/zod-shape.mjs` on `files`.
fn shapes(files: &[String]) -> Vec<Value> {
    let out = cozegen_free_node(
        "tests/js/zod-shape.mjs",
        &serde_json::json!(files).to_string(),
    );
    out.lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

fn cozegen_free_node(script: &str, input: &str) -> String {
    use std::io::Write as _;
    let mut child = std::process::Command::new("node")
        .arg(root().join(script))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run node");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("node");
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

/// Every module only declares data: an import of `z`, consts built by Zod's builders (and the
/// rule patterns by `new RegExp`), and `z.infer` types; the check itself refuses code.
#[test]
fn every_module_only_declares_data() {
    if !js_tools_available("the structural check of the Zod modules") {
        return;
    }
    let dir = scratch();
    let mut files: Vec<String> = write_corpus(dir.path())
        .into_iter()
        .map(|(_, file, _)| dir.path().join(file).to_str().expect("utf-8").to_owned())
        .collect();
    // Code the check must refuse, each beside a module it accepts.
    let good = "import { z } from \"zod\";\nexport const A = z.strictObject({\n  \"a\": z.string(),\n});\nexport type A = z.infer<typeof A>;\n";
    let bad = [
        "fetch(\"https://example.com\");\n",
        "export const B = z.string().transform((s) => s.length);\n",
        "export const B = z.strictObject({ a: z.string() });\n",
        "export const B = z.string().describe(`${process.env.HOME}`);\n",
        "export const B = z.string().regex(new RegExp(\"a\" + \"b\", \"u\"));\n",
        "export const B = z.strictObject({ \"a\": C });\n",
    ];
    for (i, tail) in bad.iter().enumerate() {
        let file = dir.path().join(format!("bad{i}.zod.ts"));
        std::fs::write(&file, format!("{good}{tail}")).expect("write");
        files.push(file.to_str().expect("utf-8").to_owned());
    }
    let lines = shapes(&files);
    assert_eq!(lines.len(), files.len());
    let (checked, refused) = lines.split_at(files.len() - bad.len());
    for line in checked {
        assert_eq!(line["ok"], true, "{line}");
        assert!(
            line["consts"].as_u64() >= Some(1) && line["types"].as_u64() >= Some(1),
            "{line}"
        );
    }
    for line in refused {
        assert_eq!(line["ok"], false, "the check accepted {line}");
    }
}

/// Hostile keys and descriptions are string literals: the schema's keys are the wire names,
/// and each `.describe(…)` gives back the document's description exactly (read at run time
/// from the schema); a key `__proto__` is an own key of the shape; JSDoc cannot be closed.
#[test]
fn hostile_names_and_descriptions_arrive_as_data() {
    let doc = root().join("tests/corpus/hostile_names.json");
    let code = zod_for(&doc, &[]);
    for line in code.lines() {
        let in_comment = line.trim_start().starts_with('*') && !line.trim_start().starts_with("*/");
        assert!(!(in_comment && line.contains("*/")), "{line}");
    }
    assert!(code.contains("\n  \"a\\\"b\\\\c\": z.string().optional()"));
    if !js_tools_available("the Zod hostile-names check") {
        return;
    }
    let dir = scratch();
    std::fs::write(dir.path().join("input.zod.ts"), &code).expect("write");
    let root_type = root_type_name(&doc, "input");
    let probe = format!(
        "import ts from \"typescript\";\nimport {{ readFileSync, writeFileSync }} from \"node:fs\";\n\
         const js = ts.transpileModule(readFileSync(\"input.zod.ts\", \"utf8\"), {{ compilerOptions: {{ module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 }} }}).outputText;\n\
         writeFileSync(\"input.zod.mjs\", js);\n\
         const m = await import(\"./input.zod.mjs\");\n\
         const shape = m[{root:?}].shape;\n\
         const out = {{}};\n\
         for (const key of Object.keys(shape)) out[key] = shape[key].description ?? null;\n\
         process.stdout.write(JSON.stringify(out));\n",
        root = root_type
    );
    std::fs::write(dir.path().join("probe.mjs"), probe).expect("write");
    let out = std::process::Command::new("node")
        .arg("probe.mjs")
        .current_dir(dir.path())
        .output()
        .expect("node");
    assert!(out.status.success(), "{}", stderr(&out));
    let got: serde_json::Map<String, Value> = serde_json::from_slice(&out.stdout).expect("JSON");
    let ir: Value =
        serde_json::from_slice(&cozegen(&["ir", doc.to_str().expect("utf-8"), "--quiet"]).stdout)
            .expect("IR");
    let fields = ir["input"]["objects"][0]["fields"]
        .as_array()
        .expect("fields");
    assert_eq!(got.len(), fields.len(), "{got:?}");
    let mut described = 0;
    for field in fields {
        let name = field["name"].as_str().expect("name");
        assert!(got.contains_key(name), "missing key {name:?} in {got:?}");
        assert_eq!(got[name], field["description"], "description of {name:?}");
        described += usize::from(field["description"].is_string());
    }
    assert!(described >= 5, "{described}");
}

/// `--open-objects` writes `z.looseObject`, which keeps keys the workflow does not declare; the
/// default `z.strictObject` refuses them.
#[test]
fn open_objects_keep_unknown_keys_and_closed_ones_refuse_them() {
    let doc = root().join("tests/corpus/all_types.json");
    let closed = zod_for(&doc, &[]);
    let open = zod_for(&doc, &["--open-objects"]);
    assert!(closed.contains("z.strictObject(") && !closed.contains("z.looseObject("));
    assert!(open.contains("z.looseObject(") && !open.contains("z.strictObject("));
    if !js_tools_available("the Zod open-objects check") {
        return;
    }
    let dir = scratch();
    let sample = root().join("tests/instances/all_types/valid-minimal.json");
    let base: Value =
        serde_json::from_str(&std::fs::read_to_string(sample).expect("read")).expect("JSON");
    let mut extra = base.clone();
    extra
        .as_object_mut()
        .expect("object")
        .insert("not_declared".into(), Value::from(1));
    let root_type = root_type_name(&doc, "input");
    let mut documents = Vec::new();
    for (name, code) in [("closed", &closed), ("open", &open)] {
        let module = dir.path().join(format!("{name}.zod.ts"));
        std::fs::write(&module, code).expect("write");
        documents.push(serde_json::json!({
            "name": name,
            "module": module.to_str().expect("utf-8"),
            "root": root_type,
            "cases": [
                {"name": "declared", "text": base.to_string()},
                {"name": "extra", "text": extra.to_string()},
            ],
        }));
    }
    let lines = judge(dir.path(), documents);
    let verdicts = |i: usize| -> Vec<Value> {
        lines[i]["verdicts"]
            .as_array()
            .expect("verdicts")
            .iter()
            .map(|v| v["valid"].clone())
            .collect()
    };
    assert_eq!(
        verdicts(0),
        [Value::Bool(true), Value::Bool(false)],
        "{}",
        lines[0]
    );
    assert_eq!(
        verdicts(1),
        [Value::Bool(true), Value::Bool(true)],
        "{}",
        lines[1]
    );
}

/// A document whose single parameter nests `levels` levels: objects, or arrays of arrays (as
/// `tests/it/limits.rs` builds them).
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

/// A value of `nested(levels, arrays)` with `leaf` at the bottom.
fn nested_value(levels: usize, arrays: bool, leaf: &str) -> String {
    let mut value = leaf.to_owned();
    for i in (1..levels).rev() {
        value = if arrays {
            format!("[{value}]")
        } else {
            format!("{{\"l{i}\":{value}}}")
        };
    }
    format!("{{\"l0\":{value}}}")
}

/// Documents nested to the IR's depth limit: the module is flat (one const per object, or per
/// inner array, and no builder nested in another past one level), and `tsc --strict` takes it.
/// Under node's default stack, Zod parses values through a document 1,000 levels deep (its
/// parse is recursive: the full 2,000 levels need `node --stack-size`, see docs/artifacts.md).
#[test]
fn documents_nested_to_the_limit_are_flat_modules_that_compile_and_parse() {
    use cozegen::limits::MAX_DEPTH;
    let dir = scratch();
    let mut files = Vec::new();
    for arrays in [false, true] {
        let name = if arrays { "arrays" } else { "objects" };
        let doc = dir.path().join(format!("{name}.json"));
        std::fs::write(&doc, nested(MAX_DEPTH, arrays)).expect("write");
        let code = zod_for(&doc, &[]);
        if arrays {
            assert_eq!(code.matches("\nconst ARRAY_").count(), MAX_DEPTH - 2);
            assert_eq!(code.matches("export const ").count(), 1);
        } else {
            assert_eq!(code.matches("export const ").count(), MAX_DEPTH);
            let leaf = format!("  \"l{}\": z.string().describe(\"leaf\"),", MAX_DEPTH - 1);
            assert!(code.contains(&leaf), "the leaf field is there");
        }
        assert!(!code.contains("z.array(z.array("), "an array nested inline");
        let file = format!("{name}.zod.ts");
        std::fs::write(dir.path().join(&file), code).expect("write");
        files.push(file);
    }
    if !js_tools_available("the deep Zod modules under tsc and node") {
        return;
    }
    let out = tsc(dir.path(), &files);
    assert!(out.status.success(), "tsc rejected:\n{}", stdout(&out));

    const DEEP: usize = 1_000;
    let mut documents = Vec::new();
    for arrays in [false, true] {
        let name = if arrays { "arrays1000" } else { "objects1000" };
        let doc = dir.path().join(format!("{name}.json"));
        std::fs::write(&doc, nested(DEEP, arrays)).expect("write");
        let module = dir.path().join(format!("{name}.zod.ts"));
        std::fs::write(&module, zod_for(&doc, &[])).expect("write");
        documents.push(serde_json::json!({
            "name": name,
            "module": module.to_str().expect("utf-8"),
            "root": "DeepInput",
            "cases": [
                {"name": "leaf-string", "text": nested_value(DEEP, arrays, "\"x\"")},
                {"name": "leaf-number", "text": nested_value(DEEP, arrays, "1")},
            ],
        }));
    }
    for line in judge(dir.path(), documents) {
        assert!(line["module_error"].is_null(), "{line}");
        let verdicts: Vec<&Value> = line["verdicts"]
            .as_array()
            .expect("verdicts")
            .iter()
            .map(|v| &v["valid"])
            .collect();
        assert_eq!(
            verdicts,
            [&Value::Bool(true), &Value::Bool(false)],
            "{line}"
        );
    }
}

/// The Zod module and the TypeScript declarations of a document live together under the same
/// type names: for every corpus document and node, the type Zod infers is assignable to the
/// interface `cozegen ts` declares (the other way, `unknown` in the declarations is wider than
/// the JSON values Zod infers for maps and unknown types).
#[test]
fn inferred_types_fit_the_typescript_declarations_of_the_same_name() {
    if !js_tools_available("tsc on the Zod and TypeScript modules") {
        return;
    }
    let dir = scratch();
    let mut files = Vec::new();
    for (name, file, node) in write_corpus(dir.path()) {
        let doc = corpus().into_iter().find(|d| stem(d) == name).expect("doc");
        let out = cozegen(&[
            "ts",
            doc.to_str().expect("utf-8"),
            "--quiet",
            "--node",
            node,
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        std::fs::write(dir.path().join(format!("{name}/{node}.ts")), stdout(&out)).expect("write");
        let root_type = root_type_name(&doc, node);
        let check = format!("{name}/{node}.check.ts");
        std::fs::write(
            dir.path().join(&check),
            format!(
                "import type * as Ts from \"./{node}\";\nimport type * as Zod from \"./{node}.zod\";\n\
                 export const fits = (value: Zod.{root_type}): Ts.{root_type} => value;\n"
            ),
        )
        .expect("write");
        files.push(file);
        files.push(check);
    }
    let out = tsc(dir.path(), &files);
    assert!(out.status.success(), "tsc rejected:\n{}", stdout(&out));
}

/// `cozegen all` writes `input.zod.ts` and `output.zod.ts`, equal to `cozegen zod`, and
/// `--check` reports a Zod file that drifted.
#[test]
fn all_writes_the_zod_files_and_check_reports_their_drift() {
    let doc = root().join("tests/corpus/order_intake.json");
    let scratch = tempfile::tempdir().expect("tempdir");
    let dir = scratch.path();
    let args = |extra: &[&'static str]| {
        let mut args = vec![
            "all".to_owned(),
            doc.to_str().expect("utf-8").to_owned(),
            "-o".to_owned(),
            dir.to_str().expect("utf-8").to_owned(),
            "--quiet".to_owned(),
        ];
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        args
    };
    let run = |extra: &[&'static str]| {
        let args = args(extra);
        cozegen(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    assert!(run(&[]).status.success());
    for (file, node) in [("input.zod.ts", "input"), ("output.zod.ts", "output")] {
        let written = std::fs::read_to_string(dir.join(file)).expect("written");
        assert_eq!(written, zod_for(&doc, &["--node", node]), "{file}");
    }
    assert!(run(&["--check"]).status.success(), "up to date");
    std::fs::write(dir.join("output.zod.ts"), "// edited\n").expect("write");
    let out = run(&["--check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("output.zod.ts"), "{}", stdout(&out));
    assert!(!stdout(&out).contains("input.zod.ts"), "{}", stdout(&out));
}
