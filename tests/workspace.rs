//! `cozegen all --workspace-id` against a fake Coze API on 127.0.0.1: a listing over three
//! pages with hostile names, an invalid ID, a workflow answering HTTP 500 and one answering an
//! error envelope; a directory per good workflow equal to the goldens, the index files, the
//! failures reported, `--check`, and the generated `mod.rs` compiled in a scratch crate.

mod common;

use common::api::*;
use common::*;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

const WORKSPACE: &str = "7500000000000000001";

/// The good workflows: ID, corpus document, listed name, expected directory.
const GOOD: [(&str, &str, &str, &str); 3] = [
    (
        "7350583675492311001",
        "all_types",
        "../../etc/passwd\u{1b}[31m",
        "etc_passwd_31m_7350583675492311001",
    ),
    (
        "7350583675492311010",
        "hostile_names",
        "hostile </script><script>alert(1)</script>",
        "hostile_script_script_alert_1_script_7350583675492311010",
    ),
    (
        "7350583675492399001",
        "order_intake",
        "Order Intake",
        "order_intake_7350583675492399001",
    ),
];
const BROKEN: &str = "7350583675492300500";
const DENIED: &str = "7350583675492300401";

fn item(id: &str, name: &str) -> Value {
    json!({"workflow_id": id, "workflow_name": name, "description": "", "icon_url": "",
           "app_id": "0", "creator": {"id": "1", "name": "someone"},
           "created_at": 1752060786, "updated_at": 1752060827})
}

fn page(items: Vec<Value>, has_more: Option<bool>) -> Vec<u8> {
    let mut data = json!({ "items": items });
    if let Some(more) = has_more {
        data["has_more"] = json!(more);
    }
    serde_json::to_vec(&json!({"code": 0, "msg": "", "data": data})).expect("json")
}

/// Three pages of size 2: explicit `has_more` on the first two, a short page without it last.
fn api() -> Api {
    let doc = |name: &str| {
        std::fs::read(root().join(format!("tests/corpus/{name}.json"))).expect("corpus")
    };
    let mut routes = vec![
        (
            list_target(WORKSPACE, 1, 2),
            200,
            page(
                vec![item(GOOD[2].0, GOOD[2].2), item(GOOD[0].0, GOOD[0].2)],
                Some(true),
            ),
        ),
        (
            list_target(WORKSPACE, 2, 2),
            200,
            page(
                vec![
                    item(BROKEN, "Broken one"),
                    item("../x", "evil id"),
                    item(GOOD[1].0, GOOD[1].2),
                    // Listed twice: kept once.
                    item(GOOD[2].0, GOOD[2].2),
                ],
                Some(true),
            ),
        ),
        (
            list_target(WORKSPACE, 3, 2),
            200,
            page(vec![item(DENIED, "Denied")], None),
        ),
        (
            workflow_target(BROKEN),
            500,
            br#"{"code":5000,"msg":"internal error"}"#.to_vec(),
        ),
        (
            workflow_target(DENIED),
            200,
            br#"{"code":4200,"msg":"workflow not found","detail":{"logid":"L1"}}"#.to_vec(),
        ),
    ];
    for (id, corpus, _, _) in GOOD {
        routes.push((workflow_target(id), 200, doc(corpus)));
    }
    Api::start(routes)
}

fn run_workspace(api: &Api, dir: &Path, extra: &[&str]) -> std::process::Output {
    let url = api.url();
    let mut args = vec![
        "all",
        "--workspace-id",
        WORKSPACE,
        "-o",
        dir.to_str().expect("utf-8"),
        "--base-url",
        &url,
        "--retries",
        "1",
        "--retry-delay-ms",
        "10",
        "--page-size",
        "2",
        "--quiet",
    ];
    args.extend_from_slice(extra);
    run_in(&root(), &args)
}

/// Every file under `dir`, relative, sorted, with its bytes.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).expect("under base").to_owned();
                out.push((rel, std::fs::read(&path).expect("read")));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Runs the workspace once into a fresh directory; returns it with the output.
fn generated() -> (tempfile::TempDir, Api, std::process::Output) {
    let scratch = tempfile::tempdir().expect("tempdir");
    let api = api();
    let out = run_workspace(&api, scratch.path(), &[]);
    (scratch, api, out)
}

#[test]
fn workspace_generates_a_directory_per_good_workflow_and_reports_the_failures() {
    let (scratch, api, out) = generated();
    let dir = scratch.path();
    let (stdout, stderr) = expect_exit(&out, 1);
    assert_eq!(stdout, "");

    // Pagination: three pages of two, and nothing after the short page.
    let lists: Vec<String> = api
        .requests()
        .into_iter()
        .filter(|r| r.contains("workspace_id="))
        .collect();
    assert_eq!(
        lists,
        (1..=3)
            .map(|p| format!("GET {} HTTP/1.1", list_target(WORKSPACE, p, 2)))
            .collect::<Vec<_>>()
    );

    // Each failure is reported on stderr, the good ones are logged as plain lines.
    assert!(
        stderr.contains("workspace 7500000000000000001: 6 workflow(s)"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("error: workflow broken_one_{BROKEN}: GET ")),
        "{stderr}"
    );
    assert!(stderr.contains("HTTP 500"), "{stderr}");
    assert!(
        stderr.contains(&format!("error: workflow denied_{DENIED}: ")),
        "{stderr}"
    );
    assert!(stderr.contains("workflow not found"), "{stderr}");
    assert!(
        stderr.contains("error: workflow ../x (evil id): `../x` is not a Coze workflow ID"),
        "{stderr}"
    );
    assert!(stderr.contains("3 of 6 workflow(s) failed"), "{stderr}");
    for (_, _, _, directory) in GOOD {
        assert!(stderr.contains(&format!("{directory}: ok")), "{stderr}");
    }
    assert!(
        !stderr.contains('\u{1b}'),
        "control characters reached stderr: {stderr:?}"
    );

    // The directories of the good workflows hold the same files as `cozegen all`, which equal
    // the per-artifact goldens; failed workflows get none.
    let mut top: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    top.sort();
    let mut expected: Vec<String> = GOOD.iter().map(|g| g.3.to_owned()).collect();
    expected.extend(["index.json".to_owned(), "mod.rs".to_owned()]);
    expected.sort();
    assert_eq!(top, expected);
    for (_, corpus, _, directory) in GOOD {
        for (file, golden) in [
            ("schema.json", "schema.json"),
            ("output.schema.json", "schema-output.json"),
            ("input.rs", "input.rs"),
            ("output.rs", "output.rs"),
            ("input.ts", "input.ts"),
            ("output.ts", "output.ts"),
            ("form.html", "form.html"),
            ("ir.json", "ir.json"),
        ] {
            let text = std::fs::read_to_string(dir.join(directory).join(file)).expect("artifact");
            assert_golden(&format!("{corpus}/{golden}"), &text);
        }
    }

    // The index files, with the fake server's port made stable.
    let normalize = |text: String| text.replace(&api.url(), "http://127.0.0.1:PORT");
    let index = normalize(std::fs::read_to_string(dir.join("index.json")).expect("index"));
    assert_golden("workspace/index.json", &index);
    let mod_rs = std::fs::read_to_string(dir.join("mod.rs")).expect("mod.rs");
    assert_golden("workspace/mod.rs", &mod_rs);

    let index: Value = serde_json::from_str(&index).expect("index is JSON");
    let statuses: Vec<(&str, &str)> = index["workflows"]
        .as_array()
        .expect("workflows")
        .iter()
        .map(|w| (w["id"].as_str().unwrap(), w["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("../x", "failed"),
            (DENIED, "failed"),
            (BROKEN, "failed"),
            (GOOD[0].0, "ok"),
            (GOOD[1].0, "ok"),
            (GOOD[2].0, "ok"),
        ]
    );
}

#[test]
fn workspace_mod_rs_declares_one_module_per_good_workflow() {
    let (scratch, _api, out) = generated();
    expect_exit(&out, 1);
    let text = std::fs::read_to_string(scratch.path().join("mod.rs")).expect("mod.rs");
    let file = syn::parse_file(&text).expect("mod.rs parses");
    let modules: Vec<String> = file
        .items
        .iter()
        .map(|item| match item {
            syn::Item::Mod(m) => m.ident.to_string(),
            _ => panic!("mod.rs holds something other than modules:\n{text}"),
        })
        .collect();
    assert_eq!(modules, GOOD.map(|g| g.3));
}

#[test]
fn workspace_is_deterministic_and_check_finds_no_drift_after_a_run() {
    let (scratch, api, out) = generated();
    expect_exit(&out, 1);
    let dir = scratch.path();
    let first = tree(dir);

    // A second directory from a second run is byte-identical.
    let again = tempfile::tempdir().expect("tempdir");
    expect_exit(&run_workspace(&api, again.path(), &[]), 1);
    assert_eq!(tree(again.path()), first);

    // --check: nothing drifted (exit 1 only for the failed workflows), nothing written.
    let check = run_workspace(&api, dir, &["--check"]);
    let (stdout, stderr) = expect_exit(&check, 1);
    assert_eq!(stdout, "");
    assert!(stderr.contains("3 of 6 workflow(s) failed"), "{stderr}");
    assert_eq!(tree(dir), first);
}

#[test]
fn workspace_check_lists_changed_and_missing_files_and_writes_nothing() {
    let (scratch, api, out) = generated();
    expect_exit(&out, 1);
    let dir = scratch.path();
    let order = dir.join(GOOD[2].3);
    std::fs::write(order.join("input.ts"), "// stale\n").expect("edit");
    std::fs::remove_file(dir.join("mod.rs")).expect("remove");
    let before = tree(dir);
    let check = run_workspace(&api, dir, &["--check"]);
    let (stdout, _) = expect_exit(&check, 1);
    assert_eq!(
        stdout,
        format!(
            "{}\n{}\n",
            order.join("input.ts").display(),
            dir.join("mod.rs").display()
        )
    );
    assert_eq!(tree(dir), before, "--check wrote something");
}

#[test]
fn workspace_listing_error_envelope_is_an_error_before_anything_is_written() {
    let api = Api::start(vec![(
        list_target(WORKSPACE, 1, 2),
        200,
        br#"{"code":4100,"msg":"token pat_TESTSECRET_7c1e22ab is invalid"}"#.to_vec(),
    )]);
    let scratch = tempfile::tempdir().expect("tempdir");
    let dir = scratch.path().join("out");
    let (_, stderr) = expect_exit(&run_workspace(&api, &dir, &[]), 1);
    assert!(stderr.contains("error 4100"), "{stderr}");
    assert!(stderr.contains("<redacted>"), "{stderr}");
    assert!(!dir.exists());
}

#[test]
fn workspace_id_must_be_digits() {
    let api = api();
    let scratch = tempfile::tempdir().expect("tempdir");
    let url = api.url();
    let out = run_in(
        &root(),
        &[
            "all",
            "--workspace-id",
            "1&page_num=9",
            "-o",
            scratch.path().to_str().unwrap(),
            "--base-url",
            &url,
        ],
    );
    let (_, stderr) = expect_exit(&out, 1);
    assert!(stderr.contains("is not a Coze workspace ID"), "{stderr}");
    assert!(api.requests().is_empty());
}

#[test]
fn workspace_id_conflicts_with_a_file_and_a_workflow_id() {
    for extra in [["tests/corpus/order_intake.json"].as_slice(), &["-w", "1"]] {
        let mut args = vec!["all", "--workspace-id", WORKSPACE, "-o", "unused"];
        args.extend_from_slice(extra);
        assert_eq!(cozegen(&args).status.code(), Some(2), "{extra:?}");
    }
}

/// The generated `mod.rs`, used from a crate under `#![deny(warnings)]`: it must compile,
/// with the types reachable under the module names.
#[test]
fn workspace_mod_rs_compiles_in_a_crate() {
    let (scratch, _api, out) = generated();
    expect_exit(&out, 1);
    let krate = root().join("target/cozegen-workspace-check");
    std::fs::create_dir_all(krate.join("src")).expect("scratch crate");
    let generated = krate.join("workflows");
    let _ = std::fs::remove_dir_all(&generated);
    copy_tree(scratch.path(), &generated);
    std::fs::write(
        krate.join("Cargo.toml"),
        "[package]\nname = \"cozegen-workspace-check\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
         publish = false\n\n[dependencies]\nserde = { version = \"1\", features = [\"derive\"] }\n\
         serde_json = \"1\"\n\n[workspace]\n",
    )
    .expect("Cargo.toml");
    if !krate.join("Cargo.lock").exists() {
        std::fs::copy(root().join("Cargo.lock"), krate.join("Cargo.lock")).expect("lockfile");
    }
    let uses: String = GOOD
        .iter()
        .map(|(_, corpus, _, directory)| {
            let name = heck_upper(corpus);
            format!(
                "pub fn _{directory}(_: workflows::{directory}::input::{name}Input, \
                 _: workflows::{directory}::output::{name}Output) {{}}\n"
            )
        })
        .collect();
    std::fs::write(
        krate.join("src/lib.rs"),
        format!(
            "#![deny(warnings)]\n\n#[path = \"../workflows/mod.rs\"]\npub mod workflows;\n\n{uses}"
        ),
    )
    .expect("lib.rs");
    let build = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["build", "--offline", "--quiet"])
        .current_dir(&krate)
        // Shares the Rust compile test's target directory: serde is built once.
        .env(
            "CARGO_TARGET_DIR",
            root().join("target/cozegen-rust-check/target"),
        )
        .env_remove("RUSTFLAGS")
        // The outer cargo's jobserver file descriptors mean nothing in this process.
        .env_remove("CARGO_MAKEFLAGS")
        .env_remove("MAKEFLAGS")
        .env_remove("MFLAGS")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run cargo");
    assert!(
        build.status.success(),
        "the workspace's mod.rs does not compile:\n{}",
        stderr(&build)
    );
}

/// The root type prefix of a corpus document (its workflow name in UpperCamelCase).
fn heck_upper(corpus: &str) -> &'static str {
    match corpus {
        "all_types" => "AllTypes",
        "hostile_names" => "HostileScriptScriptAlert1Script",
        "order_intake" => "OrderIntake",
        other => panic!("no type name known for {other}"),
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy");
        }
    }
}
