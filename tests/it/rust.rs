//! The Rust artifact: goldens over the corpus, rustfmt-stability (goldens, a sweep over every
//! layout rule's thresholds, random documents), the generated code compiled and linted as a real
//! crate, round trips of the sample instances through the structs, the generated value checks
//! against cozegen's rules, and proof that hostile documents yield data declarations only.

use crate::checks::rust_is_data_only;
use crate::common::*;
use cozegen::emit::rust::{RustOptions, render, render_with_warnings};
use cozegen::ir::Node;
use cozegen::{BuildOptions, Workflow};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The derives the second copy of every module gets in the compile tests.
const EXTRA_DERIVES: [&str; 4] = ["schemars::JsonSchema", "Eq", "Hash", "PartialOrd"];

fn workflow_with(doc: &Path, build: &BuildOptions) -> Workflow {
    cozegen::load_workflow(doc, build)
        .expect("corpus document loads")
        .0
}

fn workflow(doc: &Path) -> Workflow {
    workflow_with(doc, &BuildOptions::default())
}

fn rust_of(workflow: &Workflow, node: Node, derives: &[&str]) -> String {
    let options = RustOptions {
        derives: derives.iter().map(|d| (*d).to_owned()).collect(),
        node,
        ..RustOptions::default()
    };
    render(workflow, &options).expect("renders")
}

fn rust_for(doc: &Path) -> String {
    rust_of(&workflow(doc), Node::Input, &[])
}

fn workflow_of(doc: &Value) -> Workflow {
    let info = cozegen::load_slice(doc.to_string().as_bytes(), "test.json").expect("loads");
    cozegen::build(&info, &BuildOptions::default())
        .expect("builds")
        .0
}

fn render_doc(doc: &Value) -> String {
    rust_of(&workflow_of(doc), Node::Input, &[])
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

#[test]
fn rust_goldens_match_for_every_corpus_document() {
    let mut goldens = Goldens::new();
    for doc in corpus() {
        goldens.check(&format!("{}/input.rs", stem(&doc)), &rust_for(&doc));
    }
}

#[test]
fn output_node_goldens_match_for_every_corpus_document() {
    let mut goldens = Goldens::new();
    for doc in corpus() {
        goldens.check(
            &format!("{}/output.rs", stem(&doc)),
            &rust_of(&workflow(&doc), Node::Output, &[]),
        );
    }
}

/// The goldens hold each fixed helper as a one-line marker (tests/it/common/golden.rs): every fixed
/// template is found in the corpus's modules, and once replaced none of its text is left. The
/// helpers themselves are compiled, linted and run by the scratch crate's tests below.
#[test]
fn every_fixed_template_is_found_and_replaced_whole() {
    use crate::common::golden::{FIXED_RUST, document_part, variants};
    let mut modules = corpus_modules();
    modules.push(("run_nested_output".to_owned(), nested_output_module()));
    let golden: Vec<String> = modules
        .iter()
        .map(|(_, code)| document_part("x.rs", code))
        .collect();
    for name in FIXED_RUST {
        let rel = format!("rust/{name}");
        let marker = format!("// <fixed: templates/{rel}");
        assert!(
            golden.iter().any(|g| g.contains(&marker)),
            "templates/{rel} is in no generated module of the corpus"
        );
        for variant in variants(&rel) {
            for ((module, _), g) in modules.iter().zip(&golden) {
                assert!(
                    !g.contains(variant.signature()),
                    "{module}: part of templates/{rel} is left after the marker: {:?}",
                    variant.signature()
                );
            }
        }
    }
}

#[test]
fn the_cli_prints_what_the_library_renders() {
    let doc = root().join("tests/corpus/all_types.json");
    let out = cozegen(&["rust", doc.to_str().expect("utf-8"), "--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), rust_for(&doc));
}

#[test]
fn output_node_root_is_named_by_type_name_and_documents_the_end_node() {
    let doc = root().join("tests/corpus/order_intake.json");
    let build = BuildOptions {
        output_type_name: Some("OrderResult".to_owned()),
        ..Default::default()
    };
    let code = rust_of(&workflow_with(&doc, &build), Node::Output, &[]);
    assert!(code.contains("pub struct OrderResult {"), "{code}");
    assert!(!code.contains("Input {"), "{code}");
    assert!(code.contains("what a run returns"), "{code}");
    assert!(
        code.contains("`terminate_plan`: `return_variables`"),
        "{code}"
    );
}

#[test]
fn generation_is_deterministic() {
    for doc in corpus() {
        let w = workflow(&doc);
        assert_eq!(
            rust_of(&w, Node::Input, &EXTRA_DERIVES),
            rust_of(&workflow(&doc), Node::Input, &EXTRA_DERIVES),
            "{}",
            doc.display()
        );
    }
}

/// Runs `rustfmt --check` once over all `modules` (name, code); panics with rustfmt's diff.
fn assert_rustfmt_clean(modules: &[(String, String)]) {
    let scratch = tempfile::tempdir().expect("tempdir");
    let mut files = Vec::new();
    for (name, code) in modules {
        let path = scratch.path().join(format!("{name}.rs"));
        std::fs::write(&path, code).expect("write");
        files.push(path);
    }
    for chunk in files.chunks(200) {
        let out = Command::new("rustfmt")
            .args(["--check", "--edition", "2024"])
            .args(chunk)
            .output()
            .expect("run rustfmt (rustup component add rustfmt)");
        let diff = stdout(&out);
        assert!(
            out.status.success(),
            "rustfmt would change the output:\n{}",
            &diff[..diff.len().min(20_000)]
        );
    }
}

/// Every corpus module, both nodes, plain and with extra derives, open and closed objects.
fn corpus_modules() -> Vec<(String, String)> {
    let mut modules = Vec::new();
    let open = BuildOptions {
        open_objects: true,
        ..Default::default()
    };
    for doc in corpus() {
        let name = stem(&doc);
        let w = workflow(&doc);
        modules.push((name.clone(), rust_of(&w, Node::Input, &[])));
        modules.push((
            format!("{name}_derived"),
            rust_of(&w, Node::Input, &EXTRA_DERIVES),
        ));
        modules.push((format!("{name}_output"), rust_of(&w, Node::Output, &[])));
        modules.push((
            format!("{name}_open"),
            rust_of(&workflow_with(&doc, &open), Node::Input, &[]),
        ));
    }
    modules
}

#[test]
fn output_is_rustfmt_clean() {
    assert_rustfmt_clean(&corpus_modules());
}

/// A parameter map of `n` fields `f{i}` made by `param(i)`.
fn params(n: usize, param: impl Fn(usize) -> Value) -> Value {
    Value::Object((0..n).map(|i| (format!("f{i}"), param(i))).collect())
}

fn doc_with(params: Value) -> Value {
    json!({"workflow_detail": {"workflow_name": "sweep"}, "input": {"parameters": params}})
}

/// `levels` arrays around `leaf`.
fn arrays_of(levels: usize, leaf: Value) -> Value {
    let mut param = leaf;
    for _ in 0..levels {
        param = json!({"type": "array", "items": param});
    }
    param
}

/// Documents that cross every threshold of every layout rule in `src/emit/rust/layout.rs`, by
/// one column at a time: field and identifier lengths, string, file and JSON default lengths
/// (ASCII and double-width text), array nesting with every leaf type, long derive lists and
/// type names. rustfmt must leave all of them as they are.
#[test]
fn layout_rules_match_rustfmt() {
    let mut modules = Vec::new();
    let mut add = |name: String, workflow: &Workflow, derives: &[&str]| {
        modules.push((name, rust_of(workflow, Node::Input, derives)));
    };
    // Long identifiers: field declarations, renames, signatures, `Default` inits.
    let names = params(1, |_| json!(null));
    let _ = names;
    for len in 20..=56 {
        let ident = format!("{}{}", "a_".repeat(len / 2), "b".repeat(len % 2));
        let ident = ident.trim_end_matches('_').to_owned();
        let p = json!({
            ident.clone(): {"type": "integer", "required": true, "default_value": "1"},
            format!("{ident}_opt"): {"type": "integer", "default_value": "2"},
            format!("{ident}-x"): {"type": "array", "items": {"type": "object", "properties": {"v": {"type": "string"}}}, "default_value": "[]"},
            format!("{}{}", "Z".repeat(len), "é"): {"type": "object"},
        });
        add(format!("idents_{len}"), &workflow_of(&doc_with(p)), &[]);
    }
    // Defaults of every length around the breaks, ASCII and double-width.
    for len in 55..=110 {
        let ascii = "x".repeat(len);
        let wide = "数".repeat(len / 2);
        let p = json!({
            "s": {"type": "string", "default_value": ascii},
            "w": {"type": "string", "default_value": wide},
            "q": {"type": "string", "default_value": format!("\"\\{}", &ascii[2..])},
            "file": {"type": "image", "default_value": format!("https://e.com/{}", &ascii[14..])},
            "wide_file": {"type": "file", "default_value": format!("https://e.com/{}", "文".repeat(len / 2))},
            "list": {"type": "array", "items": {"type": "string"}, "default_value": json!([ascii]).to_string()},
            "map": {"type": "object", "default_value": json!({"k": wide}).to_string()},
            "any": {"default_value": json!([len, ascii]).to_string()},
        });
        add(format!("defaults_{len}"), &workflow_of(&doc_with(p)), &[]);
    }
    // Arrays nested 1 to 40 deep around every leaf, with and without defaults, required and
    // optional, under short and long names.
    let leaves = [
        json!({"type": "integer"}),
        json!({"type": "time"}),
        json!({"type": "object"}),
        json!({"type": "object", "properties": {"leaf": {"type": "boolean"}}}),
        json!({}),
    ];
    for levels in 1..=40 {
        let p = Value::Object(
            leaves
                .iter()
                .enumerate()
                .flat_map(|(i, leaf)| {
                    let param = arrays_of(levels, leaf.clone());
                    let mut with_default = param.clone();
                    with_default["default_value"] = json!("[]");
                    with_default["required"] = json!(true);
                    [
                        (format!("l{i}"), param.clone()),
                        (format!("{}_{i}", "long_name".repeat(5)), with_default),
                    ]
                })
                .collect(),
        );
        add(format!("arrays_{levels}"), &workflow_of(&doc_with(p)), &[]);
    }
    // Builders: `Self { … }` around rustfmt's 18-column struct literal width, `new` around
    // the line width with 1 to 9 parameters, setters around it too.
    for len in 1..=22 {
        let name = "a".repeat(len);
        let short = json!({name.clone(): {"type": "integer", "required": true}});
        add(
            format!("literal_{len}"),
            &workflow_of(&doc_with(short)),
            &[],
        );
        let pair =
            json!({"r": {"type": "integer", "required": true}, name.clone(): {"type": "string"}});
        add(
            format!("literal_pair_{len}"),
            &workflow_of(&doc_with(pair)),
            &[],
        );
        let only_optional = json!({name: {"type": "boolean"}});
        add(
            format!("literal_optional_{len}"),
            &workflow_of(&doc_with(only_optional)),
            &[],
        );
    }
    for len in 1..=48 {
        for n in [1, 3, 8, 9] {
            let p = params(
                n,
                |i| json!({"type": "string", "required": true, "description": i}),
            );
            let p = Value::Object(
                p.as_object()
                    .expect("object")
                    .iter()
                    .map(|(k, v)| (format!("{k}_{}", "n".repeat(len)), v.clone()))
                    .collect(),
            );
            add(format!("new_{n}_{len}"), &workflow_of(&doc_with(p)), &[]);
        }
        let setter = json!({
            "b".repeat(len): {"type": "array", "items": {"type": "array", "items": {"type": "object"}}},
            format!("{}_t", "t".repeat(len)): {"type": "object", "properties": {"x": {"type": "string"}}},
        });
        add(
            format!("setters_{len}"),
            &workflow_of(&doc_with(setter)),
            &[],
        );
    }
    // Derive lists of every length, and long type names.
    let doc = doc_with(json!({"a": {"type": "string"}, "t": {"type": "time"}}));
    for len in 20..=100 {
        let derive = format!("a::{}", "D".repeat(len));
        let build = BuildOptions {
            input_type_name: Some(format!("T{}", "x".repeat(len))),
            ..Default::default()
        };
        let info = cozegen::load_slice(doc.to_string().as_bytes(), "t.json").expect("loads");
        let (w, _) = cozegen::build(&info, &build).expect("builds");
        add(format!("derives_{len}"), &w, &[&derive, "Eq", "Hash"]);
    }
    assert_rustfmt_clean(&modules);
}

/// Random documents with hostile and long names, long multi-line descriptions (Chinese,
/// backticks, URLs), long string, number and compound defaults, and deep arrays of arrays. The
/// modules are checked by one rustfmt run at the end, so each case costs only its rendering.
#[test]
fn random_documents_render_rustfmt_clean_data_only_modules() {
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let name = prop_oneof![
        "[a-z_]{1,12}",
        "[a-zA-Z0-9 _$.-]{1,60}",
        "[a-z]{40,70}",
        "(type|self|Self|fn|Option|CozeFile|present|from_json|extra)",
        "[\\u{0}-\\u{7f}\\u{4e00}-\\u{4e20}\\u{202e}]{1,20}",
    ];
    let description = prop_oneof![
        Just(None),
        "[ -~\\n\\r\\t\\u{4e00}-\\u{4e80}`]{0,300}".prop_map(Some),
        Just(Some(
            "See https://example.com/a_(b). 数组 `code` ```\nfn main() {}\n```".to_owned()
        )),
    ];
    let leaf = prop_oneof![
        Just(json!({"type": "string"})),
        "[ -~\\u{4e00}-\\u{4e20}\"\\\\]{0,140}"
            .prop_map(|d| json!({"type": "string", "default_value": d})),
        any::<i64>().prop_map(|i| json!({"type": "integer", "default_value": i.to_string()})),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!({"type": "number", "default_value": f.to_string()})),
        Just(json!({"type": "time", "default_value": "2024-02-29 23:59:59"})),
        "[a-z/.]{1,120}"
            .prop_map(|u| json!({"type": "image", "default_value": format!("https://{u}")})),
        Just(json!({"type": "object", "default_value": "{\"k\": [1, {\"x\": \"数\"}]}"})),
        Just(json!({"default_value": "[null, true, 1e300, \"\\u2028\"]"})),
        Just(json!({"type": "list<x>"})),
    ];
    let param = (leaf, 0..30usize, any::<bool>(), description.clone()).prop_map(
        |(leaf, levels, required, description)| {
            let mut param = arrays_of(levels, leaf);
            if levels > 0 && param["items"]["default_value"].is_string() {
                // A default for the outermost array: nested empty arrays.
                let default = format!("{}{}", "[".repeat(levels.min(3)), "]".repeat(levels.min(3)));
                param["default_value"] = json!(default);
            }
            param["required"] = json!(required);
            if let Some(d) = description {
                param["description"] = json!(d);
            }
            param
        },
    );
    let object = (
        prop::collection::vec((name.clone(), param.clone()), 1..6),
        description,
    )
        .prop_map(|(fields, description)| {
            let properties: serde_json::Map<String, Value> = fields.into_iter().collect();
            let mut p = json!({"type": "object", "properties": properties});
            if let Some(d) = description {
                p["description"] = json!(d);
            }
            p
        });
    let params = prop::collection::vec((name, prop_oneof![param, object]), 0..10);
    let document = (params, "[ -~\\u{4e00}-\\u{4e20}\\n]{0,80}", any::<bool>()).prop_map(
        |(params, workflow_name, open)| {
            let parameters: serde_json::Map<String, Value> = params.into_iter().collect();
            (
                json!({
                    "workflow_detail": {"workflow_name": workflow_name, "description": "a\n\nb `c` <d>"},
                    "input": {"parameters": parameters},
                    "output": {"parameters": {"r": {"type": "string"}}, "terminate_plan": "x```"},
                }),
                open,
            )
        },
    );

    let mut runner = TestRunner::deterministic();
    let mut modules = Vec::new();
    for case in 0..96 {
        let (doc, open) = document
            .new_tree(&mut runner)
            .expect("a document")
            .current();
        let info = cozegen::load_slice(doc.to_string().as_bytes(), "random.json").expect("loads");
        let build = BuildOptions {
            open_objects: open,
            ..Default::default()
        };
        let Ok((w, _)) = cozegen::build(&info, &build) else {
            continue;
        };
        for (node, derives) in [(Node::Input, &[][..]), (Node::Output, &EXTRA_DERIVES[..])] {
            let code = rust_of(&w, node, derives);
            let shape = rust_is_data_only(&code)
                .unwrap_or_else(|e| panic!("case {case}: {e}\n{doc}\n{code}"));
            assert_eq!(
                shape.structs.first(),
                Some(&node.types(&w).root().type_name),
                "case {case}"
            );
            modules.push((format!("case_{case}_{}", node.name()), code));
        }
    }
    assert!(modules.len() > 100, "{} modules", modules.len());
    assert_rustfmt_clean(&modules);
}

/// A crate holding every generated module (plain, with [`EXTRA_DERIVES`], the output node, with
/// open objects), in a library under `#![deny(warnings)]`, and a binary that uses them through
/// the `mod x { include!(…) }` pattern. It is a crate of the tests' scratch area
/// (`tests/it/common/scratch.rs`): its dependencies compile once, into the shared target.
struct ScratchCrate {
    krate: scratch::Crate,
}

impl ScratchCrate {
    fn create() -> ScratchCrate {
        let krate = scratch::Crate::new("cozegen-rust-check", scratch::SERDE_SCHEMARS);
        let mut lib = String::from(
            "//! Every corpus document's generated module, compiled as a library.\n\
             #![deny(warnings)]\n\n",
        );
        let mut dispatch = String::new();
        let mut modules = corpus_modules();
        modules.push(("run_nested_output".to_owned(), nested_output_module()));
        modules.push(("builders_wide".to_owned(), wide_builders_module()));
        for (name, code) in &modules {
            krate.write(&format!("generated/{name}.rs"), code);
            lib.push_str(&format!(
                "pub mod {name} {{\n    include!(\"../generated/{name}.rs\");\n}}\n\n"
            ));
        }
        for doc in corpus() {
            let name = stem(&doc);
            let root_type = workflow(&doc).input.root().type_name.clone();
            dispatch.push_str(&format!(
                "        \"{name}\" => run::<{name}::{root_type}>(json),\n        \
                 \"{name}_derived\" => run::<{name}_derived::{root_type}>(json),\n        \
                 \"{name}_open\" => run::<{name}_open::{root_type}>(json),\n        \
                 \"{name}_schema\" => serde_json::to_value(schemars::schema_for!({name}_derived::{root_type})).map_err(|e| e.to_string()),\n"
            ));
        }
        krate.write("src/lib.rs", &lib);
        krate.write("src/run_helpers.rs", RUN_HELPERS_DRIVER);
        krate.write("src/builders.rs", BUILDERS_DRIVER);

        // The binary includes a module privately, as a build.rs user would, so dead-code and
        // other lints apply as they would in a user's crate.
        let main = format!(
            r#"//! Reads `kind path` lines on stdin; for each prints one JSON line: the instance after a
//! round trip through the struct, or the deserialization error; the schemars schema; or the
//! verdicts of `CozeTime` and `CozeFile` on the strings of a JSON array.
#![deny(warnings)]

use cozegen_rust_check::*;
use serde::{{Serialize, de::DeserializeOwned}};
use std::io::BufRead;

mod builders;
mod run_helpers;

mod private {{
    include!("../generated/all_types.rs");
}}

fn run<T: Serialize + DeserializeOwned>(json: &str) -> Result<serde_json::Value, String> {{
    let value: T = serde_json::from_str(json).map_err(|e| e.to_string())?;
    serde_json::to_value(&value).map_err(|e| e.to_string())
}}

fn verdicts(json: &str) -> Result<serde_json::Value, String> {{
    let texts: Vec<String> = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let time: Vec<bool> = texts.iter().map(|t| private::CozeTime::new(t.as_str()).is_ok()).collect();
    let file: Vec<bool> = texts.iter().map(|t| private::CozeFile::try_from(t.as_str()).is_ok()).collect();
    Ok(serde_json::json!({{"time": time, "file": file}}))
}}

fn check(kind: &str, json: &str) -> Result<serde_json::Value, String> {{
    match kind {{
        "private" => run::<private::AllTypesInput>(json),
        "verdicts" => verdicts(json),
{dispatch}        other => panic!("unknown kind {{other}}"),
    }}
}}

fn main() {{
    // The private copy is used like a caller would use it.
    let input = private::AllTypesInput {{
        image_input: Some(private::CozeFile::file_id("42").expect("a file id")),
        when: Some(private::CozeTime::new("2025-07-01 09:30:00").expect("a time")),
        ..Default::default()
    }};
    let errors = [
        private::CozeFile::url("{{\"file_id\":\"1\"}}").map(|_| ()).unwrap_err().to_string(),
        private::CozeFile::file_id("").map(|_| ()).unwrap_err().to_string(),
        private::CozeTime::try_from("2025-02-29 00:00:00".to_owned()).map(|_| ()).unwrap_err().to_string(),
    ];
    println!("{{}}", serde_json::json!({{"private": serde_json::to_value(&input).expect("serialize"), "errors": errors, "built": builders::built()}}));
    for line in std::io::stdin().lock().lines() {{
        let line = line.expect("stdin");
        let (kind, path) = line.split_once(' ').expect("kind path");
        if let Some(out) = run_helpers::check(kind, path) {{
            println!("{{out}}");
            continue;
        }}
        let json = std::fs::read_to_string(path).unwrap_or_default();
        let out = match check(kind, &json) {{
            Ok(value) => serde_json::json!({{"ok": value}}),
            Err(error) => serde_json::json!({{"error": error}}),
        }};
        println!("{{out}}");
    }}
}}
"#
        );
        krate.write("src/main.rs", &main);
        ScratchCrate { krate }
    }

    fn cargo(&self, args: &[&str]) -> std::process::Output {
        self.cargo_with(args, &[])
    }

    fn cargo_with(&self, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
        let mut cargo = self.krate.cargo(args[0]);
        cargo.args(&args[1..]).envs(env.iter().copied());
        self.krate.cargo_output(&mut cargo)
    }

    /// Runs the binary with `kind path` lines; returns one JSON value per line of output
    /// (the first is the private copy's own check).
    fn run(&self, lines: &[String]) -> Vec<Value> {
        use std::io::Write;
        let mut child = Command::new(self.krate.binary("cozegen-rust-check"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("run the scratch binary");
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(lines.join("\n").as_bytes())
            .expect("write stdin");
        drop(stdin);
        let out = child.wait_with_output().expect("wait");
        assert!(out.status.success(), "the scratch binary failed");
        stdout(&out)
            .lines()
            .map(|l| serde_json::from_str(l).expect("JSON line"))
            .collect()
    }

    fn build(&self) {
        let build = self.cargo(&["build"]);
        assert!(
            build.status.success(),
            "the generated code does not compile warning-free:\n{}",
            stderr(&build)
        );
    }
}

/// A module whose end node is `order_intake`'s start node (nested objects, arrays of objects):
/// the generated answer parser names paths inside it.
fn nested_output_module() -> String {
    let text =
        std::fs::read_to_string(root().join("tests/corpus/order_intake.json")).expect("read");
    let mut doc: Value = serde_json::from_str(&text).expect("JSON");
    doc["data"]["output"] = json!({
        "terminate_plan": "return_variables",
        "parameters": doc["data"]["input"]["parameters"].clone(),
    });
    rust_of(&workflow_of(&doc), Node::Output, &[])
}

/// A module whose `new` takes nine parameters, more than clippy's `too_many_arguments` allows
/// unmarked. (A setter of an array nested deeply enough for `#[rustfmt::skip]` cannot be
/// linted here: from about six levels, its field already trips clippy's `type_complexity`.)
fn wide_builders_module() -> String {
    let mut params = serde_json::Map::new();
    for (i, ty) in [
        "string", "integer", "number", "boolean", "time", "image", "string", "integer", "string",
    ]
    .iter()
    .enumerate()
    {
        params.insert(format!("p{i}"), json!({"type": ty, "required": true}));
    }
    params.insert("deep".to_owned(), arrays_of(2, json!({"type": "integer"})));
    let doc =
        json!({"workflow_detail": {"workflow_name": "wide"}, "input": {"parameters": params}});
    let code = rust_of(&workflow_of(&doc), Node::Input, &[]);
    assert!(
        code.contains("#[allow(clippy::too_many_arguments)]"),
        "{code}"
    );
    code
}

/// Input structs built with the generated `new` and setters, as a caller would build them:
/// each is serialized, read back, and compared with what serde reads from its JSON.
const BUILDERS_DRIVER: &str = r##"//! Input structs built by hand with `new` and the `with_…` setters.

use cozegen_rust_check::{all_types, builders_wide, hostile_names, no_inputs, order_intake};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Value, json};

/// The value's JSON, and whether serde reads it back as the same value.
fn round_trip<T: Serialize + DeserializeOwned + PartialEq>(value: &T) -> Value {
    let json = serde_json::to_value(value).expect("serializes");
    let back: T = serde_json::from_value(json.clone()).expect("reads back");
    json!({"json": json, "same": back == *value})
}

/// Whether `new` with the required parameters is what serde reads from them alone.
fn agrees<T: DeserializeOwned + PartialEq>(built: T, json: Value) -> bool {
    serde_json::from_value::<T>(json).expect("reads") == built
}

pub fn built() -> Value {
    use order_intake::{
        OrderIntakeInput, OrderIntakeInputCustomer, OrderIntakeInputCustomerAddress,
        OrderIntakeInputLinesItem,
    };
    let address = OrderIntakeInputCustomerAddress::new("1 Main St".to_owned(), "Springfield".to_owned())
        .with_postcode("12345".to_owned());
    let customer =
        OrderIntakeInputCustomer::new("Ada".to_owned(), address).with_email("ada@example.com".to_owned());
    let order = OrderIntakeInput::new(
        customer,
        vec![
            OrderIntakeInputLinesItem::new("SKU-1".to_owned(), 2).with_gift_wrap(true),
            OrderIntakeInputLinesItem::new("SKU-2".to_owned(), 1),
        ],
    )
    .with_priority(1)
    .with_notes("ring twice".to_owned());
    let hostile = hostile_names::HostileScriptScriptAlert1ScriptInput::new("kw".to_owned())
        .with_self(7)
        .with_self_2(true)
        .with_crate("c".to_owned())
        .with_first_name_2("space".to_owned());
    let all = all_types::AllTypesInput::new("T".to_owned())
        .with_count(2)
        .with_keywords(vec!["a".to_owned()])
        .with_options(
            all_types::AllTypesInputOptions::new("fast".to_owned())
                .with_limits(all_types::AllTypesInputOptionsLimits::new().with_max_items(5)),
        );
    let wide = builders_wide::WideInput::new(
        "s".to_owned(),
        1,
        1.5,
        true,
        builders_wide::CozeTime::new("2025-07-01 09:30:00").expect("a time"),
        builders_wide::CozeFile::url("https://example.com/a.png").expect("a URL"),
        "t".to_owned(),
        2,
        "u".to_owned(),
    )
    .with_deep(vec![vec![1], vec![]]);
    let agree = [
        agrees(
            OrderIntakeInputLinesItem::new("S".to_owned(), 1),
            json!({"sku": "S", "qty": 1}),
        ),
        agrees(
            hostile_names::HostileScriptScriptAlert1ScriptInput::new("kw".to_owned()),
            json!({"type": "kw"}),
        ),
        agrees(all_types::AllTypesInputOptionsLimits::new(), json!({})),
        agrees(no_inputs::NoInputsInput::new(), json!({})),
        no_inputs::NoInputsInput::new() == no_inputs::NoInputsInput::default(),
    ];
    json!({
        "order_intake": round_trip(&order),
        "hostile_names": round_trip(&hostile),
        "all_types": round_trip(&all),
        "wide": round_trip(&wide),
        "agree": agree,
    })
}
"##;

/// The scratch binary's run checks: a run of `order_intake` built with the generated
/// `RunRequest`, sent by a minimal HTTP/1.1 POST to a fake Coze API, and its answer read by the
/// generated `parse_run_answer`; and `parse_output` on end-node data with nested shapes.
const RUN_HELPERS_DRIVER: &str = r##"//! The run helpers of the generated modules, used as a caller would use them.

use cozegen_rust_check::{order_intake, order_intake_output, run_nested_output, seed_example, seed_example_output};
use serde_json::{json, Value};
use std::io::{Read, Write};

/// A minimal HTTP/1.1 POST of `body` to `/v1/workflow/run` at `addr`; returns the answer's body.
fn post(addr: &str, body: &[u8]) -> String {
    let mut stream = std::net::TcpStream::connect(addr).expect("connect to the fake Coze API");
    let head = format!(
        "POST /v1/workflow/run HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer pat_test\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("send the head");
    stream.write_all(body).expect("send the body");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("read the answer");
    let answer = String::from_utf8(answer).expect("UTF-8");
    let (_, body) = answer.split_once("\r\n\r\n").expect("a head and a body");
    body.to_owned()
}

/// `{"ok": …}`, or `{"error": Display, "variant": …, "source": bool}`.
fn verdict<T, E: std::error::Error>(result: Result<T, E>, ok: impl FnOnce(T) -> Value) -> Value {
    match result {
        Ok(value) => json!({"ok": ok(value)}),
        Err(error) => {
            let debug = format!("{error:?}");
            let variant: String = debug.chars().take_while(char::is_ascii_alphanumeric).collect();
            json!({"error": error.to_string(), "variant": variant, "source": error.source().is_some()})
        }
    }
}

/// `None` for a kind that is not a run check.
pub fn check(kind: &str, arg: &str) -> Option<Value> {
    Some(match kind {
        "run" => {
            let input: order_intake::OrderIntakeInput = serde_json::from_value(json!({
                "customer": {"name": "Ada", "address": {"street": "1 Rue de Rivoli", "city": "Paris"}},
                "lines": [{"sku": "A-1", "qty": 2}],
                "deliver_at": "2025-07-01 09:30:00"
            }))
            .expect("valid parameters");
            let ext = std::collections::BTreeMap::from([("user_id".to_owned(), "u-1".to_owned())]);
            let request = order_intake::RunRequest {
                bot_id: Some("7342866812345"),
                ext: Some(&ext),
                ..order_intake::RunRequest::new(&input)
            };
            let body = serde_json::to_vec(&request).expect("the request serializes");
            let answer = order_intake_output::parse_run_answer(&post(arg, &body));
            verdict(answer, |a| {
                json!({
                    "output": a.output,
                    "execute_id": a.execute_id,
                    "debug_url": a.debug_url,
                    "logid": a.logid,
                    "usage": a.usage.map(|u| json!([u.input_count, u.output_count, u.token_count])),
                })
            })
        }
        "run_text" => {
            // The seed's example is a chatflow: its start node gets a chat request, not a run
            // request; its end node answers with text all the same.
            let input: seed_example::WorkflowImageInput =
                serde_json::from_value(json!({})).expect("valid");
            let request = seed_example::ChatRequest::with_workflow_id(
                "7507120000091219",
                "How many images?",
                input,
            );
            let body = serde_json::to_vec(&request).expect("the request serializes");
            let answer = seed_example_output::parse_run_answer(&post(arg, &body));
            verdict(answer, |a| json!(a.output))
        }
        "nested" => {
            let data = std::fs::read_to_string(arg).expect("read data");
            let output = run_nested_output::parse_output(&data);
            let path = match &output {
                Err(run_nested_output::RunError::Shape { path, .. }) => Some(path.clone()),
                _ => None,
            };
            let mut out = verdict(output, |o| serde_json::to_value(o).expect("serializes"));
            out["path"] = json!(path);
            out
        }
        _ => return None,
    })
}
"##;

/// Whether `instance` is valid for `doc`'s start node by cozegen's own rules.
fn valid_by_the_rules(doc: &Path, instance: &Value) -> bool {
    cozegen::check::validate::validate(&workflow(doc).input, instance).is_empty()
}

/// The scratch crate, created and built once for the tests that share it.
fn built_scratch() -> &'static ScratchCrate {
    static KRATE: std::sync::OnceLock<ScratchCrate> = std::sync::OnceLock::new();
    KRATE.get_or_init(|| {
        let krate = ScratchCrate::create();
        krate.build();
        krate
    })
}

/// The generated run helpers, in the scratch crate's binary: a `RunRequest` built from an input
/// value goes over HTTP/1.1 to a fake Coze API on 127.0.0.1, which gets exactly the body Coze
/// expects; each answer is read by the generated `parse_run_answer` into the output struct, or
/// into the `RunError` that names what failed.
#[test]
fn generated_run_helpers_send_a_request_and_read_the_answers() {
    use crate::common::api::{Api, Reply};
    let krate = built_scratch();
    let answers = [
        json!({"code": 0, "msg": "", "data": "{\"order_id\":\"A-17\",\"eta\":\"2025-07-02 10:00:00\"}",
               "execute_id": "741364789030728", "debug_url": "https://www.coze.cn/work_flow?execute_id=741364789030728",
               "usage": {"input_count": 50, "output_count": 100, "token_count": 150},
               "detail": {"logid": "20241210152726467C48D89D6DB2"}}),
        json!({"code": 0, "msg": "", "data": "the order is in"}),
        json!({"code": 0, "msg": "", "data": "{\"order_id\":17}"}),
        json!({"code": 0, "msg": "", "data": "{\"order_id\":\"A-17\",\"colour\":\"red\"}"}),
        json!({"code": 4200, "msg": "Workflow not published", "detail": {"logid": "20241210152726467C48D89D6DB2"}}),
        json!({"code": 0, "msg": "", "execute_id": "742482313128840"}),
        json!({"code": 0, "msg": "", "data": "There are 3 images."}),
    ];
    let api = Api::scripted(
        answers
            .iter()
            .map(|a| Reply::new(200, a.to_string()))
            .collect(),
    );
    let addr = api.url().trim_start_matches("http://").to_owned();
    let extra = tempfile::tempdir().expect("tempdir");
    let data = |name: &str, value: Value| {
        let path = extra.path().join(name);
        std::fs::write(&path, value.to_string()).expect("write");
        format!("nested {}", path.display())
    };
    let customer =
        json!({"name": "Ada", "address": {"street": "1 Rue de Rivoli", "city": "Paris"}});
    let mut lines: Vec<String> = (0..6).map(|_| format!("run {addr}")).collect();
    lines.push(format!("run_text {addr}"));
    lines.extend([
        data("ok.json", json!({"customer": customer, "lines": [{"sku": "A-1", "qty": 2}]})),
        data("city.json", json!({"customer": {"name": "Ada", "address": {"street": "x"}}, "lines": []})),
        data("qty.json", json!({"customer": customer, "lines": [{"sku": "A-1", "qty": 1}, {"sku": "B", "qty": "2"}]})),
        data("extra.json", json!({"customer": customer, "lines": [], "bogus": [1, {"a": 2}]})),
        data("array.json", json!([customer])),
        data("wide.json", json!({"customer": customer, "lines": [], "\"odd key\"": 1})),
        data("time.json", json!({"customer": customer, "lines": [], "deliver_at": "tomorrow"})),
        data("sku.json", json!({"customer": customer, "lines": [{"sku": "A-1", "qty": 1}, {"qty": 1}]})),
    ]);
    let results = krate.run(&lines);
    let results = &results[1..];
    assert_eq!(results.len(), lines.len(), "{results:?}");

    // What the fake API received: the generated request, exactly as Coze takes it.
    let seen = api.seen();
    assert_eq!(seen.len(), 7);
    assert_eq!(seen[0].request_line(), "POST /v1/workflow/run HTTP/1.1");
    assert_eq!(
        seen[0].header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(
        String::from_utf8(seen[0].body.clone()).expect("UTF-8"),
        json!({
            "workflow_id": "7350583675492399001",
            "parameters": {
                "customer": {"name": "Ada", "address": {"street": "1 Rue de Rivoli", "city": "Paris"}},
                "lines": [{"sku": "A-1", "qty": 2}],
                "deliver_at": "2025-07-01 09:30:00"
            },
            "bot_id": "7342866812345",
            "ext": {"user_id": "u-1"}
        })
        .to_string(),
        "the body's keys in Coze's order, options left out when unset"
    );
    assert_eq!(
        seen[6].json(),
        json!({"workflow_id": "7507120000091219",
               "additional_messages": [{"role": "user", "content": "How many images?", "content_type": "text"}],
               "parameters": {}})
    );
    drop(seen);

    assert_eq!(
        results[0],
        json!({"ok": {"output": {"order_id": "A-17", "eta": "2025-07-02 10:00:00"},
                      "execute_id": "741364789030728",
                      "debug_url": "https://www.coze.cn/work_flow?execute_id=741364789030728",
                      "logid": "20241210152726467C48D89D6DB2", "usage": [50, 100, 150]}})
    );
    let error = |i: usize| {
        (
            results[i]["variant"].as_str().unwrap_or_default(),
            results[i]["error"].as_str().unwrap_or_default(),
        )
    };
    let (variant, text) = error(1);
    assert_eq!(variant, "DataNotJson");
    assert!(
        text.starts_with("the run's `data` is not JSON: expected"),
        "{text}"
    );
    assert_eq!(
        results[1]["source"], true,
        "serde_json's error is the source"
    );
    let (variant, text) = error(2);
    assert_eq!(variant, "Shape");
    assert!(
        text.starts_with("the run's `data` is not the end node's output at `order_id`: invalid type: integer `17`, expected a string"),
        "{text}"
    );
    let (variant, text) = error(3);
    assert_eq!(variant, "Shape");
    assert!(
        text.contains("at `colour`: unknown field `colour`"),
        "{text}"
    );
    let (variant, text) = error(4);
    assert_eq!(variant, "Coze");
    assert_eq!(
        text,
        "Coze error 4200: \"Workflow not published\" (logid 20241210152726467C48D89D6DB2)"
    );
    let (variant, text) = error(5);
    assert_eq!(variant, "NoData");
    assert!(text.contains("(execute_id 742482313128840)"), "{text}");
    assert_eq!(
        results[6],
        json!({"ok": "There are 3 images."}),
        "an answer template's text"
    );

    // Paths inside nested data.
    assert_eq!(results[7]["ok"]["lines"][0]["qty"], 2);
    let shape = |i: usize| {
        assert_eq!(results[i]["variant"], "Shape", "{}", results[i]);
        (
            results[i]["path"].as_str().unwrap_or_default(),
            results[i]["error"].as_str().unwrap_or_default(),
        )
    };
    let (path, text) = shape(8);
    assert_eq!(path, "customer.address");
    assert!(
        text.contains("at `customer.address`: missing field `city`"),
        "{text}"
    );
    assert_eq!(shape(9).0, "lines[1].qty");
    assert_eq!(shape(10).0, "bogus");
    let (path, text) = shape(11);
    assert_eq!(path, "");
    assert!(
        text.starts_with("the run's `data` is not the end node's output: invalid type"),
        "{text}"
    );
    assert_eq!(shape(12).0, "[\"\\\"odd key\\\"\"]");
    // A value its type refuses after reading it (a time), and a missing field in an element.
    let (path, text) = shape(13);
    assert_eq!(path, "deliver_at");
    assert!(text.contains("\"tomorrow\" is not a Coze time"), "{text}");
    let (path, text) = shape(14);
    assert_eq!(path, "lines[1]");
    assert!(text.contains("missing field `sku`"), "{text}");
}

/// One test builds, lints and runs the scratch crate, since the steps share one build.
#[test]
fn generated_code_compiles_lints_clean_and_round_trips_the_instances() {
    let krate = built_scratch();
    let clippy = krate.cargo(&["clippy", "--all-targets", "--", "-D", "warnings"]);
    assert!(
        clippy.status.success(),
        "clippy rejects the generated code:\n{}",
        stderr(&clippy)
    );
    // Users document their crates too: the docs must pass rustdoc's lints (bare URLs, broken
    // links, unclosed HTML) with warnings denied.
    let doc = krate.cargo_with(
        &["doc", "--no-deps", "--lib"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    );
    assert!(
        doc.status.success(),
        "rustdoc warns about the generated code:\n{}",
        stderr(&doc)
    );

    // Instances beyond the shared ones: `null` is a value only of a parameter of any type, and
    // open objects keep undeclared keys.
    let extra = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, value: Value| {
        let path = extra.path().join(name);
        std::fs::write(&path, value.to_string()).expect("write");
        path
    };
    let odd = root().join("tests/corpus/odd_shapes.json");
    let all = root().join("tests/corpus/all_types.json");
    let cases: Vec<(&str, PathBuf, PathBuf, bool)> = vec![
        (
            "all_types",
            all.clone(),
            write("null-count.json", json!({"title": "x", "count": null})),
            false,
        ),
        (
            "all_types",
            all.clone(),
            write("null-title.json", json!({"title": null})),
            false,
        ),
        (
            "all_types",
            all.clone(),
            write(
                "bad-time.json",
                json!({"title": "x", "when": "2025-02-29 00:00:00"}),
            ),
            false,
        ),
        (
            "all_types",
            all.clone(),
            write("bad-file.json", json!({"title": "x", "svg_input": "u"})),
            false,
        ),
        (
            "all_types",
            all.clone(),
            write("int-as-float.json", json!({"title": "x", "count": 1.0})),
            false,
        ),
        (
            "all_types",
            all.clone(),
            write("empty-array.json", json!({"title": "", "keywords": []})),
            true,
        ),
        (
            "odd_shapes",
            odd.clone(),
            write(
                "null-any.json",
                json!({"no_type": null, "bare_array": [], "unknown": null, "required_as_text": "r"}),
            ),
            true,
        ),
        (
            "all_types_open",
            all.clone(),
            write(
                "open-extra.json",
                json!({"title": "x", "titel": [1, {"a": null}], "options": {"mode": "m", "more": true}}),
            ),
            true,
        ),
    ];

    let mut lines = Vec::new();
    let mut expected: Vec<(PathBuf, bool)> = Vec::new();
    for doc in corpus() {
        let name = stem(&doc);
        for instance in instances(&name) {
            let value: Value =
                serde_json::from_str(&std::fs::read_to_string(&instance).expect("read"))
                    .expect("JSON");
            let valid = stem(&instance).starts_with("valid");
            assert_eq!(
                valid_by_the_rules(&doc, &value),
                valid,
                "{}: cozegen validate disagrees with the file name",
                instance.display()
            );
            for kind in [name.clone(), format!("{name}_derived")] {
                lines.push(format!("{kind} {}", instance.display()));
                expected.push((instance.clone(), valid));
            }
        }
    }
    for (kind, doc, instance, valid) in &cases {
        let value: Value =
            serde_json::from_str(&std::fs::read_to_string(instance).expect("read")).expect("JSON");
        if !kind.ends_with("_open") {
            assert_eq!(
                valid_by_the_rules(doc, &value),
                *valid,
                "{}",
                instance.display()
            );
        }
        lines.push(format!("{kind} {}", instance.display()));
        expected.push((instance.clone(), *valid));
    }

    let results = krate.run(&lines);
    assert_eq!(
        results[0]["private"],
        json!({"title": "Untitled", "count": 3, "temperature": 0.7, "dry_run": false,
               "when": "2025-07-01 09:30:00", "options": {"mode": "fast"}, "keywords": ["a", "b"],
               "image_input": "{\"file_id\":\"42\"}"})
    );
    let built = &results[0]["built"];
    for name in ["order_intake", "hostile_names", "all_types", "wide"] {
        assert_eq!(built[name]["same"], json!(true), "{name}: {built}");
    }
    assert_eq!(
        built["agree"],
        json!([true, true, true, true, true]),
        "{built}"
    );
    assert_eq!(
        built["order_intake"]["json"],
        json!({"customer": {"name": "Ada", "email": "ada@example.com",
                            "address": {"street": "1 Main St", "city": "Springfield", "postcode": "12345"}},
               "lines": [{"sku": "SKU-1", "qty": 2, "gift_wrap": true}, {"sku": "SKU-2", "qty": 1}],
               "priority": 1, "notes": "ring twice"})
    );
    assert_eq!(
        built["hostile_names"]["json"],
        json!({"type": "kw", "self": 7, "Self": true, "crate": "c", "first name": "space"})
    );
    assert_eq!(
        built["all_types"]["json"],
        json!({"title": "T", "count": 2, "keywords": ["a"], "options": {"mode": "fast", "limits": {"max_items": 5}}})
    );
    assert_eq!(
        built["wide"]["json"],
        json!({"p0": "s", "p1": 1, "p2": 1.5, "p3": true, "p4": "2025-07-01 09:30:00",
               "p5": "https://example.com/a.png", "p6": "t", "p7": 2, "p8": "u", "deep": [[1], []]})
    );
    let errors = results[0]["errors"].to_string();
    assert!(errors.contains("is not an http(s) URL"), "{errors}");
    assert!(errors.contains("is not a Coze file"), "{errors}");
    assert!(errors.contains("is not a Coze time"), "{errors}");
    let (mut valid, mut invalid) = (0, 0);
    for ((instance, is_valid), result) in expected.iter().zip(&results[1..]) {
        let original: Value =
            serde_json::from_str(&std::fs::read_to_string(instance).expect("read")).expect("JSON");
        if *is_valid {
            assert!(
                same_json(&result["ok"], &original),
                "{} does not round-trip: {result}",
                instance.display()
            );
            valid += 1;
        } else {
            assert!(
                result.get("error").is_some(),
                "{} is invalid by the rules but deserializes: {result}",
                instance.display()
            );
            invalid += 1;
        }
    }
    assert!(
        valid >= 16 && invalid >= 35,
        "{valid} valid, {invalid} invalid"
    );
}

/// The generated `CozeTime` and `CozeFile` checks give `rules::is_time` and
/// `rules::is_file_value`'s verdict on near misses of every part of both rules.
#[test]
fn generated_value_checks_agree_with_the_rules() {
    use cozegen::ir::rules::{is_file_value, is_time};
    let mut texts: Vec<String> = Vec::new();
    for year in [
        "0000",
        "0001",
        "1900",
        "2000",
        "2023",
        "2024",
        "9999",
        "２０２５",
        "20a4",
    ] {
        for month in ["00", "01", "02", "04", "06", "09", "11", "12", "13"] {
            for day in ["00", "01", "28", "29", "30", "31", "32"] {
                texts.push(format!("{year}-{month}-{day} 12:00:00"));
            }
        }
    }
    for clock in [
        "00:00:00", "23:59:59", "24:00:00", "12:60:00", "12:00:60", "1:00:00", "12:00",
    ] {
        texts.push(format!("2025-07-01 {clock}"));
        texts.push(format!("2025-07-01T{clock}"));
        texts.push(format!(" 2025-07-01 {clock}"));
    }
    for text in [
        "",
        " ",
        "http://",
        "https://",
        "http://x",
        "https://e.com/a b",
        "https://e.com/\u{7f}",
        "https://例子.cn/文件.pdf",
        "HTTPS://x",
        "ftp://x",
        "https://\t",
        "https://a\u{a0}b",
        "{\"file_id\":\"1\"}",
        " {\n\"file_id\" :\t\"a-1\" }\r\n",
        "{\"file_id\":\"\"}",
        "{\"file_id\":1}",
        "{\"file_id\":\"a\\\"b\"}",
        "{\"file_id\":\"a\\nb\"}",
        "{\"file_id\":\"1\",\"x\":2}",
        "{\"id\":\"1\"}",
        "{\"file_id\":\"1\"",
        "\"file_id\":\"1\"}",
        "{\"file_id\":\"1\"}}",
        "{ \"file_id\":\"\u{1}\"}",
        "{\"file_id\":\"数\"}",
        "{\u{a0}\"file_id\":\"1\"}",
        "{\"FILE_ID\":\"1\"}",
    ] {
        texts.push(text.to_owned());
    }
    assert!(texts.len() > 600, "{}", texts.len());
    let file = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(file.path(), serde_json::to_string(&texts).expect("JSON")).expect("write");

    let krate = built_scratch();
    let results = krate.run(&[format!("verdicts {}", file.path().display())]);
    let verdicts = &results[1]["ok"];
    let (mut times, mut files) = (0, 0);
    for (i, text) in texts.iter().enumerate() {
        assert_eq!(verdicts["time"][i], is_time(text), "time {text:?}");
        assert_eq!(verdicts["file"][i], is_file_value(text), "file {text:?}");
        times += usize::from(is_time(text));
        files += usize::from(is_file_value(text));
    }
    assert!(times > 50 && files > 5, "{times} times, {files} files");
}

/// JSON equality where numbers compare by value: an `f64` field writes `1` back as `1.0`.
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        (x, y) => x == y,
    }
}

#[test]
fn derives_go_only_where_every_field_allows_them() {
    let doc = root().join("tests/corpus/all_types.json");
    let (code, warnings) = render_with_warnings(
        &workflow(&doc),
        &RustOptions {
            derives: vec!["Eq".into(), "Hash".into(), "Default".into()],
            ..Default::default()
        },
    )
    .expect("render");
    // `temperature` is an f64: no Eq or Hash on the root, but the nested structs have them.
    assert!(code.contains(
        "#[derive(Debug, Clone, PartialEq, Serialize)]\n#[serde(deny_unknown_fields)]\npub struct AllTypesInput {"
    ));
    assert!(code.contains("/// Does not derive `Eq`: field `temperature` cannot have it."));
    assert!(code.contains(
        "#[derive(Debug, Clone, PartialEq, Serialize, Eq, Hash)]\n#[serde(deny_unknown_fields)]\npub struct AllTypesInputOptions {"
    ));
    // The text helpers have Eq and Hash of their own.
    assert!(code.contains(
        "#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]\n#[serde(transparent)]\npub struct CozeTime(String);"
    ));
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0]
            .to_string()
            .contains("`AllTypesInput` does not derive `Eq`")
    );
    // `Default` is cozegen's to write: never derived twice.
    assert_eq!(code.matches("impl Default for AllTypesInput {").count(), 1);
}

#[test]
fn invalid_derives_are_errors() {
    let doc = root().join("tests/corpus/all_types.json");
    for bad in ["Eq)] struct X; #[derive(Eq", "Vec<u8>", "", "Ord", "fn"] {
        let out = cozegen(&["rust", doc.to_str().expect("utf-8"), "--derive", bad]);
        // A usage error: the arguments cannot work, whatever the document.
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(stderr(&out).contains("cannot derive"), "{}", stderr(&out));
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn type_name_option_names_the_root_struct() {
    let doc = root().join("tests/corpus/order_intake.json");
    let build = BuildOptions {
        input_type_name: Some("Order".to_owned()),
        ..Default::default()
    };
    let code = rust_of(&workflow_with(&doc, &build), Node::Input, &[]);
    assert!(code.contains("pub struct Order {"));
    assert!(code.contains("pub struct OrderCustomerAddress {"));
    let out = cozegen(&["rust", doc.to_str().expect("utf-8"), "--type-name", "Vec"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot be used as a type name"));
}

#[test]
fn optional_fields_refuse_null_and_renames_appear_only_where_needed() {
    let code = rust_for(&root().join("tests/corpus/hostile_names.json"));
    assert!(
        code.contains(
            "    /// keyword name\n    #[serde(rename = \"type\")]\n    pub type_: String,"
        )
    );
    assert!(code.contains(
        "    #[serde(default, skip_serializing_if = \"Option::is_none\")]\n    #[serde(deserialize_with = \"present\")]\n    pub doc_attack: Option<String>,"
    ));
    assert!(code.contains("#[serde(rename = \"a\\\"b\\\\c\")]\n    #[serde(default, skip"));
    assert!(code.contains("rename = \"bidi\\u{202e}name\""));
    assert!(!code.contains('\u{202e}'));
    assert_eq!(code.matches("fn present<").count(), 1);
}

#[test]
fn open_objects_keep_undeclared_keys_in_a_flattened_map() {
    let build = BuildOptions {
        open_objects: true,
        ..Default::default()
    };
    let doc = root().join("tests/corpus/all_types.json");
    let code = rust_of(&workflow_with(&doc, &build), Node::Input, &[]);
    assert!(!code.contains("deny_unknown_fields"));
    assert!(code.contains(
        "    /// The keys of this object that the workflow does not declare, kept as they are so that they round-trip.\n    #[serde(flatten)]\n    pub extra: serde_json::Map<String, serde_json::Value>,\n}"
    ));
    assert!(code.contains("            extra: serde_json::Map::new(),\n"));
}

#[test]
fn helpers_are_emitted_only_when_used() {
    let all = rust_for(&root().join("tests/corpus/all_types.json"));
    for helper in [
        "pub struct CozeFile(String);",
        "pub struct CozeTime(String);",
        "pub struct CozeValueError {",
        "fn present<",
        "fn from_json<",
    ] {
        assert_eq!(all.matches(helper).count(), 1, "{helper}");
    }
    let arrays = rust_for(&root().join("tests/corpus/arrays.json"));
    assert!(!arrays.contains("CozeFile") && !arrays.contains("CozeTime"));
    assert!(!arrays.contains("CozeValueError"));
    let none = rust_for(&root().join("tests/corpus/no_inputs.json"));
    assert!(!none.contains("fn present") && !none.contains("fn from_json"));
}

#[test]
fn defaults_are_literals_checked_text_or_json_text() {
    let code = render_doc(&doc_with(json!({
        "i": {"type": "integer", "required": true, "default_value": "-9223372036854775808"},
        "f": {"type": "number", "required": true, "default_value": "1e300"},
        "t": {"type": "time", "required": true, "default_value": "2024-02-29 23:59:59"},
        "u": {"type": "file", "required": true, "default_value": "{\"file_id\":\"7\"}"},
        "a": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}, "required": true, "default_value": "[[1, 2.5], []]"},
        "m": {"type": "object", "required": true, "default_value": "{\"k\": \"#\\\"\"}"},
    })));
    for expected in [
        "-> i64 {\n        -9223372036854775808\n    }",
        "-> f64 {\n        1e300\n    }",
        "-> CozeTime {\n        CozeTime(\"2024-02-29 23:59:59\".to_owned())\n    }",
        "-> CozeFile {\n        CozeFile(\"{\\\"file_id\\\":\\\"7\\\"}\".to_owned())\n    }",
        "-> Vec<Vec<f64>> {\n        from_json(r#\"[[1.0,2.5],[]]\"#)\n    }",
        "-> serde_json::Map<String, serde_json::Value> {\n        from_json(r##\"{\"k\":\"#\\\"\"}\"##)\n    }",
        "#[derive(Debug, Clone, PartialEq, Serialize)]",
        "impl Default for SweepInput {",
    ] {
        assert!(code.contains(expected), "{expected}\n{code}");
    }
    rust_is_data_only(&code).expect("data only");
}

#[test]
fn hostile_documents_produce_data_declarations_only() {
    // Every module of the corpus, both nodes, plain, with extra derives and with open objects:
    // with every variant of the fixed helpers, which the goldens hold only as markers.
    for (name, code) in corpus_modules() {
        rust_is_data_only(&code).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let code = rust_for(&root().join("tests/corpus/hostile_names.json"));
    // The description's fake code stays inside doc comments, one paragraph per line.
    assert!(code.contains("    /// fn main() { std::process::exit(1) }\n"));
    assert!(code.contains("/// \\<img src=x onerror=alert(1)\\>"));
    assert!(code.contains("\"\\\"#]; fn evil() {} //\".to_owned()"));
}

#[test]
fn hostile_defaults_and_descriptions_in_every_type_stay_data() {
    let code = render_doc(&json!({
        "workflow_detail": {"workflow_name": "x\n}\nfn evil() {}\n", "description": "```\nfn main() {}\n```\n    indented\n\u{202e}"},
        "input": {"parameters": {
            "s": {"type": "string", "default_value": "\"); std::process::exit(1); (\""},
            "n": {"type": "number", "default_value": "3.14159"},
            "any": {"default_value": "{\"a\\\"]; fn x() {}\": [1, -2, 1e300, null, true, \"```\"], \"\\\"#\": 1}"},
            "map": {"type": "object", "default_value": "{\"k\": {\"}\": []}}"},
            "files": {"type": "array", "items": {"type": "image"}, "default_value": "[\"https://x/\\\")]; fn y() {}\"]"},
            "nested": {"type": "object", "required": true,
                "properties": {"m": {"type": "string", "required": true, "description": "*/ /* [x](javascript:alert(1)) <b>"}},
                "default_value": "{\"m\": \"\\u0000\\r\\n\"}"}
        }}
    }));
    rust_is_data_only(&code).unwrap_or_else(|e| panic!("{e}\n{code}"));
    for line in code.lines() {
        let doc = line.trim_start().strip_prefix("///").map(str::trim_start);
        assert!(
            !doc.is_some_and(|d| d.starts_with("```") || d.starts_with("~~~")),
            "a code fence reaches the docs: {line}"
        );
    }
    assert!(code.contains("#[allow(clippy::approx_constant)]"));
    assert!(code.contains("impl Default for XFnEvilInput {"), "{code}");
    // JSON text escapes control characters itself: a raw string holds it as it is.
    assert!(
        code.contains(r###"from_json(r#"{"m":"\u0000\r\n"}"#)"###),
        "{code}"
    );
}

/// Runs `f` on a thread with the default 2 MiB stack: the emitter must not need more.
fn on_small_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn_scoped(s, f)
            .expect("thread")
            .join()
            .expect("no panic")
    })
}

#[test]
fn the_deepest_accepted_document_renders_on_a_small_stack() {
    // MAX_DEPTH levels of nesting: objects inside arrays inside objects … (built as text: a
    // `Value` this deep would overflow the test thread's stack when dropped).
    let mut param = r#"{"type": "string", "description": "leaf", "default_value": "x"}"#.to_owned();
    for level in 0..cozegen::limits::MAX_DEPTH - 1 {
        param = if level % 2 == 0 {
            format!(r#"{{"type": "array", "items": {param}, "description": "d{level}"}}"#)
        } else {
            format!(r#"{{"type": "object", "properties": {{"p": {param}}}}}"#)
        };
    }
    let doc = format!(r#"{{"input": {{"parameters": {{"root": {param}}}}}}}"#);
    let code = on_small_stack(|| {
        let info = cozegen::load_slice(doc.as_bytes(), "deep.json").expect("loads");
        let (workflow, _) = cozegen::build(&info, &BuildOptions::default()).expect("builds");
        render(&workflow, &RustOptions::default()).expect("renders")
    });
    assert!(code.contains("/// Each element: leaf"));
    assert!(code.contains("/// An element of the `p` parameter of [`"));
    // Docs do not repeat the path: the module grows with the depth, not its square (about
    // 1,000 structs here, each with its serde field copy: some 1.2 KB a level).
    assert!(code.len() < 2_000_000, "{} bytes", code.len());
    crate::checks::on_big_stack(|| rust_is_data_only(&code)).expect("data only");
}

#[test]
fn fifty_thousand_fields_render_on_a_small_stack() {
    let p = params(50_000, |i| {
        json!({"type": (["string", "integer", "number", "image", "time"][i % 5]),
               "required": i % 2 == 0,
               "description": format!("第{i}个参数\nline two `x` https://e.com/{i}")})
    });
    let doc = doc_with(p).to_string();
    let code = on_small_stack(|| {
        let info = cozegen::load_slice(doc.as_bytes(), "wide.json").expect("loads");
        let (workflow, _) = cozegen::build(&info, &BuildOptions::default()).expect("builds");
        render(&workflow, &RustOptions::default()).expect("renders")
    });
    let shape = rust_is_data_only(&code).expect("data only");
    assert_eq!(shape.fields, 50_000);
    assert!(code.contains("    pub f49999: Option<CozeTime>,\n"));
}

/// Generation time against parsing and pretty-printing the same bytes with serde_json (run with
/// `cargo test --release --test it -- rust:: --ignored --nocapture`).
#[test]
#[ignore = "a measurement: run it on a quiet machine"]
fn speed_against_serde_json() {
    let p = params(50_000, |i| {
        let mut param = json!({
            "type": (["string", "integer", "number", "array", "object"][i % 5]),
            "required": i % 3 == 0,
            "description": format!("参数 {i} 的说明\n第二行 \"quoted\" `code` https://example.com/{i}"),
        });
        match i % 5 {
            0 => param["default_value"] = json!(format!("默认值 {i}")),
            1 => param["default_value"] = json!(i.to_string()),
            2 => param["default_value"] = json!(format!("{i}.5")),
            3 => {
                param["items"] = json!({"type": "array", "items": {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "string"}}}});
                param["default_value"] = json!(format!("[[{{\"a\": {i}, \"b\": \"x\"}}], []]"));
            }
            _ => {
                param["properties"] = json!({"k": {"type": "array", "items": {"type": "string"}}});
                param["default_value"] = json!(format!("{{\"k\": [\"{i}\", \"y\"]}}"));
            }
        }
        param
    });
    let bytes = doc_with(p).to_string().into_bytes();
    let info = cozegen::load_slice(&bytes, "speed.json").expect("loads");
    let (workflow, _) = cozegen::build(&info, &BuildOptions::default()).expect("builds");
    let best = |f: &dyn Fn() -> usize| {
        (0..5)
            .map(|_| {
                let start = std::time::Instant::now();
                std::hint::black_box(f());
                start.elapsed()
            })
            .min()
            .expect("runs")
    };
    let baseline = best(&|| {
        let value: Value = serde_json::from_slice(&bytes).expect("JSON");
        serde_json::to_string_pretty(&value).expect("JSON").len()
    });
    let rust = best(&|| {
        render(&workflow, &RustOptions::default())
            .expect("renders")
            .len()
    });
    println!(
        "{} bytes in; serde_json parse + pretty: {baseline:?}; cozegen rust: {rust:?} ({:.2}x)",
        bytes.len(),
        rust.as_secs_f64() / baseline.as_secs_f64()
    );
}

#[test]
fn rust_help_matches_golden() {
    let out = cozegen(&["rust", "--help"]);
    assert!(out.status.success());
    assert_golden("cli/rust-help.txt", &stdout(&out));
}

/// A document nested as deep as the loader accepts compiles, with exactly what cozegen's
/// warning (and the root struct's docs) tell the user to add: rustc's defaults stop at about a
/// hundred levels of types.
#[test]
fn the_deepest_accepted_document_compiles_with_the_advice_it_gives() {
    let mut param = r#"{"type": "integer", "required": true}"#.to_owned();
    for level in (1..cozegen::limits::MAX_DEPTH).rev() {
        param = format!(
            r#"{{"type": "object", "required": true, "properties": {{"l{level}": {param}}}}}"#
        );
    }
    let doc = format!(r#"{{"input": {{"parameters": {{"l0": {param}}}}}}}"#);
    let (code, warnings) = on_small_stack(|| {
        let info = cozegen::load_slice(doc.as_bytes(), "deep.json").expect("loads");
        let (workflow, _) = cozegen::build(&info, &BuildOptions::default()).expect("builds");
        render_with_warnings(&workflow, &RustOptions::default()).expect("renders")
    });
    let advice = warnings
        .iter()
        .find(|w| w.message.contains("recursion_limit"))
        .expect("a warning says what the crate needs")
        .to_string();
    assert!(
        advice.contains("#![recursion_limit = \"4096\"]") && advice.contains("RUST_MIN_STACK"),
        "{advice}"
    );
    assert!(
        code.contains("recursion_limit = \"4096\""),
        "the root's docs say it too"
    );
    let krate = scratch::Crate::new("cozegen-deep-check", scratch::SERDE);
    krate.write("src/deep.rs", &code);
    krate.write(
        "src/main.rs",
        "#![recursion_limit = \"4096\"]\n\nmod deep {\n    include!(\"deep.rs\");\n}\n\n\
         fn main() {\n    let text = std::env::args().nth(1).unwrap_or_default();\n    \
         let value: Result<deep::WorkflowInput, _> = serde_json::from_str(&text);\n    \
         println!(\"{}\", value.is_ok());\n}\n",
    );
    let build = krate.cargo_output(krate.cargo("build").env("RUST_MIN_STACK", "268435456"));
    assert!(
        build.status.success(),
        "the 2,000-level module does not compile with the advice:\n{}",
        stderr(&build)
    );
}

/// `cozegen rust --list-types` names every struct the module declares for the workflow (the
/// helper types aside), in the module's order, each with the parameter path it comes from.
#[test]
fn list_types_names_every_generated_struct_with_its_path() {
    for doc in [
        "tests/corpus/order_intake.json",
        "tests/corpus/arrays.json",
        "tests/corpus/hostile_names.json",
        "tests/corpus/deep_nesting.json",
    ] {
        for node in ["input", "output"] {
            let out = cozegen(&["rust", doc, "--node", node, "--list-types", "--quiet"]);
            assert!(out.status.success(), "{doc}: {}", stderr(&out));
            let listed: Vec<(String, String)> = stdout(&out)
                .lines()
                .map(|l| {
                    let (name, path) = l.split_once("  ").expect("NAME  PATH");
                    (name.to_owned(), path.trim().to_owned())
                })
                .collect();
            let module = stdout(&cozegen(&["rust", doc, "--node", node, "--quiet"]));
            let declared: Vec<&str> = module
                .lines()
                .filter_map(|l| l.trim_start().strip_prefix("pub struct "))
                .map(|rest| rest.split([' ', '{', '(', ';', '<']).next().unwrap_or(""))
                .collect();
            let Some((root, root_path)) = listed.first() else {
                continue;
            };
            assert_eq!(root_path, "(root)", "{doc} {node}");
            let names: Vec<&str> = listed.iter().map(|(n, _)| n.as_str()).collect();
            let ours: Vec<&str> = declared
                .iter()
                .copied()
                .filter(|d| d.starts_with(root.as_str()))
                .collect();
            assert_eq!(names, ours, "{doc} {node}: listed vs declared");
            assert!(
                listed[1..]
                    .iter()
                    .all(|(_, p)| p != "(root)" && !p.is_empty()),
                "{doc} {node}: {listed:?}"
            );
        }
    }
    let out = cozegen(&[
        "rust",
        "examples/workflows/order_intake.json",
        "--list-types",
    ]);
    assert_eq!(
        stdout(&out),
        "OrderIntakeInput                 (root)\n\
         OrderIntakeInputCustomer         customer\n\
         OrderIntakeInputCustomerAddress  customer.address\n\
         OrderIntakeInputLinesItem        lines[]\n"
    );
}

/// A module of one node hears only that node's warnings (and the document's): the macro with
/// `node = output`, a build script, and `cozegen rust --node output` do not repeat the start
/// node's.
#[test]
fn a_module_of_one_node_gets_only_that_nodes_warnings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = dir.path().join("two_nodes.json");
    std::fs::write(
        &doc,
        r#"{"input":{"parameters":{"priority":{"type":"integer","default_value":"high"}}},
            "output":{"terminate_plan":"return_variables","parameters":{"score":{"type":"mystery"}}}}"#,
    )
    .expect("write");
    let (_, all) = cozegen::load_workflow(&doc, &Default::default()).expect("loads");
    assert!(all.iter().any(|w| w.path.starts_with("input")), "{all:?}");
    assert!(all.iter().any(|w| w.path.starts_with("output")), "{all:?}");
    for (node, other) in [
        (cozegen::ir::Node::Input, "output"),
        (cozegen::ir::Node::Output, "input"),
    ] {
        let options = cozegen::emit::rust::RustOptions {
            node,
            ..Default::default()
        };
        let (_, warnings) =
            cozegen::generate_rust(&doc, &Default::default(), &options).expect("generates");
        assert!(!warnings.is_empty(), "{node:?}");
        assert!(
            warnings.iter().all(|w| !w.is_about_node(other)),
            "{node:?}: {warnings:?}"
        );
        let cli = cozegen(&["rust", doc.to_str().expect("utf-8"), "--node", node.name()]);
        let said = stderr(&cli);
        assert!(!said.contains(&format!("warning: {other}.")), "{said}");
        assert!(
            said.contains(&format!("warning: {}", node.name())),
            "{said}"
        );
    }
}
