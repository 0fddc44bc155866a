//! The Rust artifact: goldens over the corpus, the generated code compiled and linted as a real
//! crate, round trips of the sample instances through the structs, schemars against our JSON
//! Schema, and proof that hostile documents yield data declarations only.

mod common;

use common::*;
use cozegen::emit::Node;
use cozegen::emit::rust::{RustOptions, render, render_reference, render_with_warnings};
use cozegen::{BuildOptions, Workflow};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The derives the second copy of every module gets in the compile tests.
const EXTRA_DERIVES: [&str; 4] = ["schemars::JsonSchema", "Eq", "Hash", "PartialOrd"];

fn workflow(doc: &Path) -> Workflow {
    cozegen::load_workflow(doc, &BuildOptions::default())
        .expect("corpus document loads")
        .0
}

fn rust_for(doc: &Path, extra: &[&str]) -> String {
    let mut args = vec!["rust", doc.to_str().expect("utf-8 path"), "--quiet"];
    args.extend_from_slice(extra);
    let out = cozegen(&args);
    assert!(
        out.status.success(),
        "cozegen rust {} failed: {}",
        doc.display(),
        stderr(&out)
    );
    stdout(&out)
}

fn with_derives(doc: &Path) -> String {
    let mut args = Vec::new();
    for d in EXTRA_DERIVES {
        args.extend(["--derive", d]);
    }
    rust_for(doc, &args)
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

/// The emitter lays out short, simple items directly and the rest item by item through syn and
/// prettyplease; the reference formats the whole module at once. Same bytes for every corpus
/// document, both nodes, with and without extra derives (long derive lists included).
#[test]
fn the_item_layout_matches_the_whole_module_reference() {
    let many: Vec<String> = EXTRA_DERIVES
        .iter()
        .chain(&[
            "Ord",
            "Copy",
            "::a_rather_long_crate_name::with_a_module::AndSomeDeriveName",
        ])
        .map(|d| (*d).to_owned())
        .collect();
    for doc in corpus() {
        let workflow = workflow(&doc);
        for node in [Node::Input, Node::Output] {
            for derives in [Vec::new(), many.clone()] {
                let options = RustOptions { derives, node };
                let fast = render(&workflow, &options).expect("render");
                let reference = render_reference(&workflow, &options).expect("reference");
                assert_eq!(
                    fast,
                    reference,
                    "{} {node:?} {:?}",
                    doc.display(),
                    options.derives
                );
            }
        }
    }
}

#[test]
fn rust_goldens_match_for_every_corpus_document() {
    for doc in corpus() {
        assert_golden(&format!("{}/input.rs", stem(&doc)), &rust_for(&doc, &[]));
    }
}

#[test]
fn output_node_goldens_match_for_every_corpus_document() {
    for doc in corpus() {
        assert_golden(
            &format!("{}/output.rs", stem(&doc)),
            &rust_for(&doc, &["--node", "output"]),
        );
    }
}

#[test]
fn output_node_root_is_named_by_type_name_and_documents_the_end_node() {
    let doc = root().join("tests/corpus/order_intake.json");
    let code = rust_for(&doc, &["--node", "output", "--type-name", "OrderResult"]);
    assert!(code.contains("pub struct OrderResult {"), "{code}");
    assert!(!code.contains("Input {"), "{code}");
    assert!(code.contains("what a run returns"), "{code}");
    let default = rust_for(&doc, &["--node", "output"]);
    assert!(default.contains("Output {"), "{default}");
}

#[test]
fn generation_is_deterministic() {
    for doc in corpus() {
        assert_eq!(
            rust_for(&doc, &[]),
            rust_for(&doc, &[]),
            "{}",
            doc.display()
        );
    }
}

#[test]
fn output_is_rustfmt_clean() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let mut files = Vec::new();
    for doc in corpus() {
        for (suffix, code) in [("", rust_for(&doc, &[])), ("_derived", with_derives(&doc))] {
            let path = scratch.path().join(format!("{}{suffix}.rs", stem(&doc)));
            std::fs::write(&path, code).expect("write");
            files.push(path);
        }
    }
    let out = Command::new("rustfmt")
        .args(["--check", "--edition", "2024"])
        .args(&files)
        .output()
        .expect("run rustfmt (rustup component add rustfmt)");
    assert!(
        out.status.success(),
        "rustfmt would change the output:\n{}",
        stdout(&out)
    );
}

/// A crate holding every generated module twice (plain, and with [`EXTRA_DERIVES`]), in a
/// library under `#![deny(warnings)]`, and a binary that uses them through the
/// `mod x { include!(…) }` pattern. It lives under `target/` with a target directory of its own
/// that persists, so only the first run compiles serde and schemars.
struct ScratchCrate {
    dir: PathBuf,
}

impl ScratchCrate {
    fn create() -> ScratchCrate {
        let dir = root().join("target/cozegen-rust-check");
        let src = dir.join("src");
        let generated = dir.join("generated");
        std::fs::create_dir_all(&src).expect("scratch src");
        std::fs::create_dir_all(&generated).expect("scratch generated");
        write_if_changed(
            &dir.join("Cargo.toml"),
            r#"[package]
name = "cozegen-rust-check"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
schemars = "1"
serde = { version = "1", features = ["derive"] }
serde_json = "1"

# Not a member of the cozegen workspace.
[workspace]
"#,
        );
        // The same versions as cozegen's own lockfile, so `--offline` finds them in the cache.
        if !dir.join("Cargo.lock").exists() {
            std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).expect("lockfile");
        }

        let mut lib = String::from(
            "//! Every corpus document's generated module, compiled as a library.\n\
             #![deny(warnings)]\n\n",
        );
        let mut dispatch = String::new();
        for doc in corpus() {
            let name = stem(&doc);
            let root_type = workflow(&doc).input.type_name;
            write_if_changed(&generated.join(format!("{name}.rs")), &rust_for(&doc, &[]));
            write_if_changed(
                &generated.join(format!("{name}_derived.rs")),
                &with_derives(&doc),
            );
            write_if_changed(
                &generated.join(format!("{name}_output.rs")),
                &rust_for(&doc, &["--node", "output"]),
            );
            lib.push_str(&format!(
                "pub mod {name} {{\n    include!(\"../generated/{name}.rs\");\n}}\n\n\
                 pub mod {name}_derived {{\n    include!(\"../generated/{name}_derived.rs\");\n}}\n\n\
                 pub mod {name}_output {{\n    include!(\"../generated/{name}_output.rs\");\n}}\n\n"
            ));
            dispatch.push_str(&format!(
                "        \"{name}\" => run::<{name}::{root_type}>(json),\n        \
                 \"{name}_derived\" => run::<{name}_derived::{root_type}>(json),\n        \
                 \"{name}_schema\" => serde_json::to_value(schemars::schema_for!({name}_derived::{root_type})).map_err(|e| e.to_string()),\n"
            ));
        }
        write_if_changed(&src.join("lib.rs"), &lib);

        // The binary includes the modules privately, as a build.rs user would, so dead-code
        // and other lints apply as they would in a user's crate.
        let main = format!(
            r#"//! Reads `kind path` lines on stdin; for each prints one JSON line: the instance after a
//! round trip through the struct, or the deserialization error; or the schemars schema.
#![deny(warnings)]

use cozegen_rust_check::*;
use serde::{{Serialize, de::DeserializeOwned}};
use std::io::BufRead;

mod private {{
    include!("../generated/all_types.rs");
}}

fn run<T: Serialize + DeserializeOwned>(json: &str) -> Result<serde_json::Value, String> {{
    let value: T = serde_json::from_str(json).map_err(|e| e.to_string())?;
    serde_json::to_value(&value).map_err(|e| e.to_string())
}}

fn check(kind: &str, json: &str) -> Result<serde_json::Value, String> {{
    match kind {{
        "private" => run::<private::AllTypesInput>(json),
{dispatch}        other => panic!("unknown kind {{other}}"),
    }}
}}

fn main() {{
    // The private copy is used like a caller would use it.
    let input = private::AllTypesInput {{
        image_input: Some(private::CozeFile::file_id("42")),
        ..Default::default()
    }};
    println!("{{}}", serde_json::json!({{"private": serde_json::to_value(&input).expect("serialize")}}));
    for line in std::io::stdin().lock().lines() {{
        let line = line.expect("stdin");
        let (kind, path) = line.split_once(' ').expect("kind path");
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
        write_if_changed(&src.join("main.rs"), &main);
        ScratchCrate { dir }
    }

    fn cargo(&self, args: &[&str]) -> std::process::Output {
        self.cargo_with(args, &[])
    }

    fn cargo_with(&self, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
        Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
            .arg(args[0])
            .args(["--offline", "--quiet"])
            .args(&args[1..])
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", self.dir.join("target"))
            .env_remove("RUSTFLAGS")
            // The outer cargo's jobserver file descriptors mean nothing in this process.
            .env_remove("CARGO_MAKEFLAGS")
            .env_remove("MAKEFLAGS")
            .env_remove("MFLAGS")
            .envs(env.iter().copied())
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run cargo")
    }

    /// Runs the binary with `kind path` lines; returns one JSON value per line of output
    /// (the first is the private copy's own check).
    fn run(&self, lines: &[String]) -> Vec<Value> {
        use std::io::Write;
        let mut child = Command::new(self.dir.join("target/debug/cozegen-rust-check"))
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
}

fn write_if_changed(path: &Path, text: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).expect("write scratch file");
    }
}

/// One test builds, lints and runs the scratch crate, since the steps share one build.
#[test]
fn generated_code_compiles_lints_clean_and_round_trips_the_instances() {
    let krate = ScratchCrate::create();
    let build = krate.cargo(&["build"]);
    assert!(
        build.status.success(),
        "the generated code does not compile warning-free:\n{}",
        stderr(&build)
    );
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

    let mut lines = Vec::new();
    let mut expected = Vec::new();
    for doc in corpus() {
        let name = stem(&doc);
        for instance in instances(&name) {
            for kind in [name.clone(), format!("{name}_derived")] {
                lines.push(format!("{kind} {}", instance.display()));
                expected.push(instance.clone());
            }
        }
    }
    let results = krate.run(&lines);
    assert_eq!(
        results[0]["private"],
        json!({"title": "Untitled", "count": 3, "temperature": 0.7, "dry_run": false,
               "options": {"mode": "fast"}, "keywords": ["a", "b"],
               "image_input": "{\"file_id\":\"42\"}"})
    );
    let (mut valid, mut invalid) = (0, 0);
    for (instance, result) in expected.iter().zip(&results[1..]) {
        let original: Value =
            serde_json::from_str(&std::fs::read_to_string(instance).expect("read")).expect("JSON");
        if stem(instance).starts_with("valid") {
            assert!(
                same_json(&result["ok"], &original),
                "{} does not round-trip: {result}",
                instance.display()
            );
            valid += 1;
        } else {
            assert!(
                result.get("error").is_some(),
                "{} is invalid for the schema but deserializes: {result}",
                instance.display()
            );
            invalid += 1;
        }
    }
    assert!(
        valid >= 14 && invalid >= 30,
        "{valid} valid, {invalid} invalid"
    );
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

/// The property types and `required` lists of every object in `schema`, by property path,
/// following `$ref`s into `$defs`; `null` alternatives of `Option`s are ignored.
fn shape(schema: &Value, defs: &Value, path: &str, out: &mut Vec<(String, String)>) {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => &defs[r.rsplit('/').next().expect("ref name")],
        None => schema,
    };
    let mut types: Vec<String> = match &schema["type"] {
        Value::String(t) => vec![t.clone()],
        Value::Array(ts) => ts
            .iter()
            .filter_map(|t| t.as_str().map(String::from))
            .collect(),
        _ => vec!["any".to_owned()],
    };
    types.retain(|t| t != "null");
    // A `$ref` wrapped in `anyOf` with `null` (schemars' `Option<Struct>`).
    if let Some(alternatives) = schema.get("anyOf").and_then(Value::as_array) {
        for alt in alternatives.iter().filter(|a| a["type"] != "null") {
            shape(alt, defs, path, out);
        }
        return;
    }
    out.push((path.to_owned(), types.join("|")));
    // schemars leaves out the `properties` of a struct without fields.
    if let Some(props) = schema
        .get("properties")
        .and_then(Value::as_object)
        .filter(|p| !p.is_empty())
    {
        let mut required: Vec<&str> = schema["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        required.sort_unstable();
        out.push((format!("{path} required"), required.join(",")));
        for (name, prop) in props {
            shape(prop, defs, &format!("{path}.{name}"), out);
        }
    }
    if let Some(items) = schema.get("items") {
        shape(items, defs, &format!("{path}[]"), out);
    }
}

#[test]
fn schemars_on_the_generated_structs_agrees_with_cozegen_schema() {
    let krate = ScratchCrate::create();
    let build = krate.cargo(&["build"]);
    assert!(build.status.success(), "{}", stderr(&build));
    let docs = corpus();
    let lines: Vec<String> = docs
        .iter()
        .map(|d| format!("{}_schema -", stem(d)))
        .collect();
    let results = krate.run(&lines);
    for (doc, result) in docs.iter().zip(&results[1..]) {
        let ours: Value = serde_json::from_str(&{
            let out = cozegen(&["schema", doc.to_str().expect("utf-8"), "--quiet"]);
            stdout(&out)
        })
        .expect("JSON");
        let theirs = &result["ok"];
        let (mut a, mut b) = (Vec::new(), Vec::new());
        shape(&ours, &Value::Null, "", &mut a);
        shape(theirs, &theirs["$defs"], "", &mut b);
        // The scratch crate's serde_json sorts keys; document order is the goldens' business.
        a.sort();
        b.sort();
        assert_eq!(a, b, "{}: cozegen schema vs schemars", doc.display());
        assert!(a.len() > 1 || stem(doc) == "no_inputs", "{}", doc.display());
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
        "#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]\n#[serde(deny_unknown_fields)]\npub struct AllTypesInput {"
    ));
    assert!(code.contains("/// Does not derive `Eq`: field `temperature` cannot have it."));
    assert!(code.contains(
        "#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Eq, Hash)]\n#[serde(deny_unknown_fields)]\npub struct AllTypesInputOptions {"
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
    for bad in ["Eq)] struct X; #[derive(Eq", "Vec<u8>", "", "Ord"] {
        let out = cozegen(&["rust", doc.to_str().expect("utf-8"), "--derive", bad]);
        assert_eq!(out.status.code(), Some(1), "{bad:?}");
        assert!(stderr(&out).contains("cannot derive"), "{}", stderr(&out));
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn type_name_option_names_the_root_struct() {
    let doc = root().join("tests/corpus/order_intake.json");
    let code = rust_for(&doc, &["--type-name", "Order"]);
    assert!(code.contains("pub struct Order {"));
    assert!(code.contains("pub struct OrderCustomerAddress {"));
    let out = cozegen(&["rust", doc.to_str().expect("utf-8"), "--type-name", "Vec"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot be used as a type name"));
}

#[test]
fn optional_fields_are_options_skipped_when_none_and_renames_only_where_needed() {
    let code = rust_for(&root().join("tests/corpus/hostile_names.json"), &[]);
    assert!(
        code.contains(
            "    /// keyword name\n    #[serde(rename = \"type\")]\n    pub type_: String,"
        )
    );
    assert!(code.contains(
        "    #[serde(default, skip_serializing_if = \"Option::is_none\")]\n    pub doc_attack: Option<String>,"
    ));
    assert!(code.contains("#[serde(rename = \"a\\\"b\\\\c\")]\n    #[serde(default, skip"));
    assert!(code.contains("rename = \"bidi\\u{202e}name\""));
    assert!(!code.contains('\u{202e}'));
}

#[test]
fn helper_types_are_emitted_only_when_used() {
    let with_files = rust_for(&root().join("tests/corpus/all_types.json"), &[]);
    assert!(with_files.contains("pub struct CozeFile(String);"));
    let without = rust_for(&root().join("tests/corpus/arrays.json"), &[]);
    assert!(!without.contains("CozeFile"));
}

/// What an item may be: the shapes the emitter writes, nothing else.
fn assert_data_only(code: &str) {
    let file = syn::parse_file(code).expect("the output parses");
    assert!(file.attrs.is_empty(), "inner attributes");
    assert!(file.shebang.is_none());
    for item in &file.items {
        match item {
            syn::Item::Use(_) => {
                assert_eq!(quote_item(item), "use serde::{Deserialize, Serialize};");
            }
            syn::Item::Struct(s) => {
                for attr in &s.attrs {
                    let name = attr.path().get_ident().map(ToString::to_string);
                    assert!(
                        matches!(name.as_deref(), Some("doc" | "derive" | "serde")),
                        "unexpected attribute on {}",
                        s.ident
                    );
                }
                for field in &s.fields {
                    for attr in &field.attrs {
                        let name = attr.path().get_ident().map(ToString::to_string);
                        assert!(matches!(name.as_deref(), Some("doc" | "serde")));
                    }
                }
            }
            syn::Item::Impl(i) => {
                assert!(i.generics.params.is_empty());
                for item in &i.items {
                    let syn::ImplItem::Fn(f) = item else {
                        panic!("only functions in impls");
                    };
                    assert!(
                        matches!(f.sig.safety, syn::Safety::Default) && f.sig.asyncness.is_none()
                    );
                    for stmt in &f.block.stmts {
                        assert_no_macros(stmt);
                    }
                }
            }
            other => panic!("unexpected item: {}", quote_item(other)),
        }
    }
}

fn quote_item(item: &syn::Item) -> String {
    let mut file = syn::parse_file("").expect("empty file");
    file.items.push(item.clone());
    prettyplease::unparse(&file).trim().to_owned()
}

/// Default functions build values: literals, paths, calls and struct literals, no macro.
fn assert_no_macros(stmt: &syn::Stmt) {
    let text = quote_item(&syn::parse_quote!(fn f() { #stmt }));
    for (i, _) in text.match_indices('!') {
        assert!(is_in_string(&text, i), "a macro in {text}");
    }
}

fn is_in_string(text: &str, at: usize) -> bool {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if i == at {
            return in_string;
        }
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            _ => {}
        }
    }
    false
}

#[test]
fn hostile_documents_produce_data_declarations_only() {
    for doc in corpus() {
        assert_data_only(&rust_for(&doc, &[]));
    }
    let code = rust_for(&root().join("tests/corpus/hostile_names.json"), &[]);
    // The description's fake code stays inside doc comments, one paragraph per line.
    assert!(code.contains("    /// fn main() { std::process::exit(1) }\n"));
    assert!(code.contains("/// \\<img src=x onerror=alert(1)\\>"));
    assert!(code.contains("\"\\\"#]; fn evil() {} //\".to_owned()"));
    let file = syn::parse_file(&code).expect("parses");
    let names: Vec<String> = file
        .items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Fn(f) => Some(f.sig.ident.to_string()),
            _ => None,
        })
        .collect();
    assert!(names.is_empty(), "free functions: {names:?}");
}

#[test]
fn hostile_defaults_and_descriptions_in_every_type_stay_data() {
    let code = render_doc(&json!({
        "workflow_detail": {"workflow_name": "x\n}\nfn evil() {}\n", "description": "```\nfn main() {}\n```\n    indented\n\u{202e}"},
        "input": {"parameters": {
            "s": {"type": "string", "default_value": "\"); std::process::exit(1); (\""},
            "n": {"type": "number", "default_value": "3.14159"},
            "any": {"default_value": "{\"a\\\"]; fn x() {}\": [1, -2, 1e300, null, true, \"```\"]}"},
            "map": {"type": "object", "default_value": "{\"k\": {\"}\": []}}"},
            "files": {"type": "array", "items": {"type": "image"}, "default_value": "[\"\\\")]; fn y() {}\"]"},
            "nested": {"type": "object", "required": true,
                "properties": {"m": {"type": "string", "required": true, "description": "*/ /* [x](javascript:alert(1)) <b>"}},
                "default_value": "{\"m\": \"\\u0000\\r\\n\"}"}
        }}
    }));
    assert_data_only(&code);
    for line in code.lines() {
        let doc = line.trim_start().strip_prefix("///").map(str::trim_start);
        assert!(
            !doc.is_some_and(|d| d.starts_with("```") || d.starts_with("~~~")),
            "a code fence reaches the docs: {line}"
        );
    }
    assert!(code.contains("#[allow(clippy::approx_constant)]"));
    assert!(code.contains("impl Default for XFnEvilInput {"), "{code}");
}

fn render_doc(doc: &Value) -> String {
    let info = cozegen::load_slice(doc.to_string().as_bytes(), "test.json").expect("loads");
    let (workflow, _) = cozegen::build(&info, &BuildOptions::default()).expect("builds");
    render(&workflow, &RustOptions::default()).expect("renders")
}

#[test]
fn the_deepest_accepted_document_renders() {
    // MAX_DEPTH levels of nesting: objects inside arrays inside objects … (built as text: a
    // `Value` this deep would overflow the test thread's stack when dropped).
    let mut param = r#"{"type": "string", "description": "leaf", "default_value": "x"}"#.to_owned();
    for level in 0..cozegen::ir::MAX_DEPTH - 1 {
        param = if level % 2 == 0 {
            format!(r#"{{"type": "array", "items": {param}}}"#)
        } else {
            format!(r#"{{"type": "object", "properties": {{"p": {param}}}}}"#)
        };
    }
    let doc = format!(r#"{{"input": {{"parameters": {{"root": {param}}}}}}}"#);
    let info = cozegen::load_slice(doc.as_bytes(), "deep.json").expect("loads");
    let (workflow, _) = cozegen::build(&info, &BuildOptions::default()).expect("builds");
    let code = render(&workflow, &RustOptions::default()).expect("renders");
    // The IR is as deep as the document: drop it where there is room.
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || drop((info, workflow)))
        .expect("thread")
        .join()
        .expect("drop");
    assert!(code.contains("/// Each element: leaf"));
    assert!(syn::parse_file(&code).is_ok());
}

#[test]
fn rust_help_matches_golden() {
    let out = cozegen(&["rust", "--help"]);
    assert!(out.status.success());
    assert_golden("cli/rust-help.txt", &stdout(&out));
}
