//! `cozegen all --workspace-id` against a fake Coze API on 127.0.0.1: a listing over three
//! pages with hostile names, an invalid ID, a workflow answering HTTP 500 and one answering an
//! error envelope; a directory per good workflow equal to the goldens, the index files, the
//! failures reported, `--check`, and the generated `mod.rs` compiled in a scratch crate. Reruns
//! of a two-workflow workspace where one fails: an earlier generation is kept and stays declared.
//! The pool: the same bytes with `--jobs 1` and `--jobs 8` whatever order fetches end in, and a
//! 429 (with `Retry-After` or not) that pauses every worker. Incremental runs: nothing fetched
//! when nothing changed, exactly the changed workflow refetched, `--full`, a workflow without
//! `updated_at`, incomplete files, other options, an index of an older cozegen, a corrupt index.

use crate::common::api::*;
use crate::common::*;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

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

fn doc(corpus: &str) -> Vec<u8> {
    std::fs::read(root().join(format!("tests/corpus/{corpus}.json"))).expect("corpus")
}

/// Three pages of size 2: explicit `has_more` on the first two, a short page without it last.
fn api() -> Api {
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

/// The workflow of [`pair`] that fails on demand, and the one that never does.
const FLAKY: (&str, &str, &str, &str) = GOOD[0];
const STEADY: (&str, &str, &str, &str) = GOOD[2];

/// A workspace of [`FLAKY`] and [`STEADY`] on one page; with `flaky_fails`, [`FLAKY`] answers
/// HTTP 500.
fn pair(flaky_fails: bool) -> Api {
    let listing = page(
        vec![item(FLAKY.0, FLAKY.2), item(STEADY.0, STEADY.2)],
        Some(false),
    );
    let flaky = if flaky_fails {
        (500, br#"{"code":5000,"msg":"internal error"}"#.to_vec())
    } else {
        (200, doc(FLAKY.1))
    };
    Api::start(vec![
        (list_target(WORKSPACE, 1, 2), 200, listing),
        (workflow_target(FLAKY.0), flaky.0, flaky.1),
        (workflow_target(STEADY.0), 200, doc(STEADY.1)),
    ])
}

/// Runs [`pair`] without retries, so a failure is quick, fetching every workflow (the
/// listing's `updated_at` stays the same whatever the workflows answer).
fn run_pair(api: &Api, dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["--full"];
    args.extend_from_slice(extra);
    run_workspace_retrying(api, dir, "0", &args)
}

fn run_workspace(api: &Api, dir: &Path, extra: &[&str]) -> std::process::Output {
    run_workspace_retrying(api, dir, "1", extra)
}

fn run_workspace_retrying(
    api: &Api,
    dir: &Path,
    retries: &str,
    extra: &[&str],
) -> std::process::Output {
    let mut args = vec!["--page-size", "2", "--quiet"];
    args.extend_from_slice(extra);
    run_all_workspace(api, dir, retries, "10", &args)
}

/// `cozegen all --workspace-id WORKSPACE -o DIR` against `api`, with `retries` and
/// `retry_delay_ms`, then `extra`.
fn run_all_workspace(
    api: &Api,
    dir: &Path,
    retries: &str,
    retry_delay_ms: &str,
    extra: &[&str],
) -> std::process::Output {
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
        retries,
        "--retry-delay-ms",
        retry_delay_ms,
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

/// The modules that `mod.rs` in `dir` declares, in order.
fn modules(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("mod.rs")).expect("mod.rs");
    let file = syn::parse_file(&text).expect("mod.rs parses");
    file.items
        .iter()
        .map(|item| match item {
            syn::Item::Mod(m) => m.ident.to_string(),
            _ => panic!("mod.rs holds something other than modules:\n{text}"),
        })
        .collect()
}

fn index(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("index.json")).expect("index.json"))
        .expect("index.json is JSON")
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
        stderr.contains("workspace 7500000000000000001: 6 workflows"),
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
    assert!(stderr.contains("3 of 6 workflows failed"), "{stderr}");
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
    expected.extend([
        "__init__.py".to_owned(),
        "index.json".to_owned(),
        "mod.rs".to_owned(),
    ]);
    expected.sort();
    assert_eq!(top, expected);
    let mut goldens = Goldens::new();
    for (_, corpus, _, directory) in GOOD {
        // Every file of the bundle equals its artifact's golden, under the same name.
        for file in cozegen::bundle::file_names() {
            let text = std::fs::read_to_string(dir.join(directory).join(file)).expect("artifact");
            goldens.check(&format!("{corpus}/{file}"), &text);
        }
    }

    // The index files, with the fake server's port made stable.
    // The fingerprint changes with cozegen's version: other tests check what it does.
    let fingerprint = self::index(dir)["fingerprint"]
        .as_str()
        .expect("a fingerprint")
        .to_owned();
    let normalize = |text: String| {
        text.replace(&api.url(), "http://127.0.0.1:PORT")
            .replace(&fingerprint, "FINGERPRINT")
    };
    let index = normalize(std::fs::read_to_string(dir.join("index.json")).expect("index"));
    goldens.check("workspace/index.json", &index);
    let mod_rs = std::fs::read_to_string(dir.join("mod.rs")).expect("mod.rs");
    goldens.check("workspace/mod.rs", &mod_rs);
    let init_py = std::fs::read_to_string(dir.join("__init__.py")).expect("__init__.py");
    goldens.check("workspace/__init__.py", &init_py);
    goldens.finish();

    // The directory is a Python package that imports every workflow's models.
    if let Some(python) = python_tools("the workspace's Python package") {
        let script = format!(
            "import importlib.util, sys\n\
             spec = importlib.util.spec_from_file_location('workflows', sys.argv[1] + \
             '/__init__.py', submodule_search_locations=[sys.argv[1]])\n\
             m = importlib.util.module_from_spec(spec)\nsys.modules['workflows'] = m\n\
             spec.loader.exec_module(m)\n\
             names = sorted(n for n in vars(m) if n.endswith(('_input', '_output')))\n\
             assert len(names) == 2 * {good}, names\nprint('ok')\n",
            good = GOOD.len()
        );
        let out = std::process::Command::new(python)
            .arg("-c")
            .arg(&script)
            .arg(dir)
            .output()
            .expect("run python");
        assert!(
            out.status.success(),
            "{}{}",
            crate::common::stdout(&out),
            crate::common::stderr(&out)
        );
    }

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
    assert_eq!(modules(scratch.path()), GOOD.map(|g| g.3));
}

/// A transient failure must not take a module away from code that uses it.
#[test]
fn workspace_keeps_a_failed_workflow_declared_when_its_earlier_generation_is_complete() {
    let (good, broken) = (pair(false), pair(true));
    let scratch = tempfile::tempdir().expect("tempdir");
    let dir = scratch.path();
    expect_exit(&run_pair(&good, dir, &[]), 0);
    let before = tree(dir);
    let index_before = index(dir);
    assert_eq!(modules(dir), [FLAKY.3, STEADY.3]);

    let (_, stderr) = expect_exit(&run_pair(&broken, dir, &[]), 1);
    assert!(
        stderr.contains(&format!("error: workflow {}: GET ", FLAKY.3)),
        "{stderr}"
    );
    assert!(stderr.contains("HTTP 500"), "{stderr}");
    assert!(
        stderr.contains("its files from an earlier run are kept"),
        "{stderr}"
    );
    assert!(stderr.contains("1 of 2 workflows failed"), "{stderr}");

    // Everything but the index is as the good run left it, `mod.rs` included.
    assert_eq!(modules(dir), [FLAKY.3, STEADY.3]);
    let without_index = |files: Vec<(PathBuf, Vec<u8>)>| -> Vec<(PathBuf, Vec<u8>)> {
        files
            .into_iter()
            .filter(|(path, _)| path != Path::new("index.json"))
            .collect()
    };
    assert!(
        without_index(tree(dir)) == without_index(before.clone()),
        "the failed run changed files other than index.json"
    );

    // The index records the failure and the files kept; nothing else about it changes.
    let index = index(dir);
    let flaky = &index["workflows"][0];
    assert_eq!(flaky["id"], FLAKY.0);
    let error = flaky["error"].as_str().expect("error");
    assert!(error.contains("HTTP 500"), "{error}");
    let mut expected = index_before;
    let entry = &mut expected["workflows"][0];
    entry["status"] = json!("failed");
    entry["kept_previous"] = json!(true);
    entry["error"] = json!(error);
    assert_eq!(index, expected);
    assert_eq!(
        flaky["files"],
        json!(cozegen::bundle::file_names()),
        "the kept files are listed"
    );

    // Once the workflow answers again, the output is what it was.
    expect_exit(&run_pair(&good, dir, &[]), 0);
    assert!(
        tree(dir) == before,
        "the recovered run differs from the first"
    );
}

#[test]
fn workspace_check_does_not_count_a_kept_workflow_as_drift_and_still_fails() {
    let (good, broken) = (pair(false), pair(true));
    let scratch = tempfile::tempdir().expect("tempdir");
    let dir = scratch.path();
    expect_exit(&run_pair(&good, dir, &[]), 0);
    let before = tree(dir);

    // Only the index would change, to record the failure.
    let (stdout, stderr) = expect_exit(&run_pair(&broken, dir, &["--check"]), 1);
    assert_eq!(stdout, format!("{}\n", dir.join("index.json").display()));
    assert!(
        stderr.contains(&format!("error: workflow {}: GET ", FLAKY.3)),
        "{stderr}"
    );
    assert_eq!(tree(dir), before, "--check wrote something");

    // Once the index records it (the error names the same server), nothing drifts, and the
    // failure alone fails the run.
    expect_exit(&run_pair(&broken, dir, &[]), 1);
    let after = tree(dir);
    let (stdout, stderr) = expect_exit(&run_pair(&broken, dir, &["--check"]), 1);
    assert_eq!(stdout, "");
    assert!(stderr.contains("1 of 2 workflows failed"), "{stderr}");
    assert_eq!(tree(dir), after, "--check wrote something");
}

#[test]
fn workspace_does_not_declare_a_failed_workflow_without_a_complete_earlier_generation() {
    let (good, broken) = (pair(false), pair(true));
    let scratch = tempfile::tempdir().expect("tempdir");
    let dir = scratch.path();
    let flaky_dir = dir.join(FLAKY.3);
    let not_kept = |dir: &Path| {
        assert_eq!(modules(dir), [STEADY.3]);
        let flaky = &index(dir)["workflows"][0];
        assert_eq!(flaky["status"], "failed");
        assert_eq!(flaky["files"], json!([]));
        assert_eq!(flaky.get("kept_previous"), None, "{flaky}");
    };

    // Failing on its first run: never generated, never declared.
    expect_exit(&run_pair(&broken, dir, &[]), 1);
    not_kept(dir);
    assert!(!flaky_dir.exists());

    // An incomplete earlier generation is left as it was, but not declared.
    expect_exit(&run_pair(&good, dir, &[]), 0);
    std::fs::remove_file(flaky_dir.join("ir.json")).expect("remove");
    let left = tree(&flaky_dir);
    expect_exit(&run_pair(&broken, dir, &[]), 1);
    not_kept(dir);
    assert_eq!(tree(&flaky_dir), left);
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
    assert!(stderr.contains("3 of 6 workflows failed"), "{stderr}");
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
    // A hand-edited file is only seen when the workflow is fetched: --full.
    let check = run_workspace(&api, dir, &["--check", "--full"]);
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
    // A usage error, like a malformed workflow ID: nothing could be listed for it.
    let (_, stderr) = expect_exit(&out, 2);
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
    let krate = scratch::Crate::new("cozegen-workspace-check", scratch::SERDE);
    let generated = krate.dir.join("workflows");
    let _ = std::fs::remove_dir_all(&generated);
    copy_tree(scratch.path(), &generated);
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
    krate.write(
        "src/lib.rs",
        &format!(
            "#![deny(warnings)]\n\n#[path = \"../workflows/mod.rs\"]\npub mod workflows;\n\n{uses}"
        ),
    );
    // A crate of the tests' scratch area: serde is built once, into its shared target.
    let build = krate.cargo_output(&mut krate.cargo("build"));
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

// Concurrency, the pool-wide pause after a 429, and incremental runs.

/// The info requests' target prefix, and the list's.
const INFO: &str = "/v1/workflows/";
const LIST: &str = "/v1/workflows?";

/// A workspace of `workflows` (ID, name, corpus document, `updated_at` or none) on one page, each
/// info answer after `latency(n)` for the n-th info request, except the one `special` answers
/// (given the info request's number from 0).
fn live_api(
    workflows: Vec<(String, &'static str, &'static str, Option<String>)>,
    latency: impl Fn(&str) -> std::time::Duration + Send + Sync + 'static,
    special: impl Fn(usize) -> Option<Reply> + Send + Sync + 'static,
) -> Api {
    let items: Vec<Value> = workflows
        .iter()
        .map(|(id, name, _, stamp)| {
            let mut item = json!({"workflow_id": id, "workflow_name": name});
            if let Some(stamp) = stamp {
                item["updated_at"] = json!(stamp);
            }
            item
        })
        .collect();
    let listing = page(items, Some(false));
    let docs: Vec<(String, Vec<u8>)> = workflows
        .iter()
        .map(|(id, _, corpus, _)| (workflow_target(id), doc(corpus)))
        .collect();
    let infos = std::sync::atomic::AtomicUsize::new(0);
    Api::answering(move |seen, _| {
        if seen.target() == list_target(WORKSPACE, 1, 30) {
            return Reply::new(200, listing.clone());
        }
        let Some((target, body)) = docs.iter().find(|(t, _)| t == seen.target()) else {
            return Reply::new(404, r#"{"code":4200,"msg":"no such route"}"#);
        };
        let n = infos.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        special(n).unwrap_or_else(|| Reply::new(200, body.clone()).after(latency(target)))
    })
}

/// Runs a workspace of [`live_api`] (default page size, quick retries) with `extra` flags.
fn run_live(api: &Api, dir: &Path, extra: &[&str]) -> std::process::Output {
    run_live_retrying(api, dir, "10", extra)
}

fn run_live_retrying(
    api: &Api,
    dir: &Path,
    retry_delay_ms: &str,
    extra: &[&str],
) -> std::process::Output {
    run_all_workspace(api, dir, "3", retry_delay_ms, extra)
}

/// `n` workflows cycling through some corpus documents, stamped `1752060000 + i`.
fn many(n: usize) -> Vec<(String, &'static str, &'static str, Option<String>)> {
    const DOCS: [&str; 6] = [
        "order_intake",
        "all_types",
        "hostile_names",
        "arrays",
        "odd_shapes",
        "no_inputs",
    ];
    (0..n)
        .map(|i| {
            (
                format!("73505836754924{i:05}"),
                DOCS[i % DOCS.len()],
                DOCS[i % DOCS.len()],
                Some(format!("{}", 1_752_060_000 + i)),
            )
        })
        .collect()
}

#[test]
fn workspace_output_is_the_same_whatever_the_number_of_jobs_and_the_order_fetches_end() {
    let mut workflows = many(12);
    // One answers an error envelope: it fails the same way with any number of jobs.
    workflows[5].2 = "error_4101";
    // Later IDs answer sooner, so with several jobs fetches complete out of order.
    let latency = |target: &str| {
        let path = &target[..target.find('?').expect("a query")];
        let last = path.bytes().next_back().expect("an ID") - b'0';
        std::time::Duration::from_millis(20 * u64::from(10 - last))
    };
    let serial = live_api(workflows.clone(), latency, |_| None);
    let pool = live_api(workflows, latency, |_| None);
    let (one, eight) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    expect_exit(&run_live(&serial, one.path(), &["--jobs", "1"]), 1);
    let (_, stderr) = expect_exit(&run_live(&pool, eight.path(), &["--jobs", "8"]), 1);
    assert!(stderr.contains("1 of 12 workflows failed"), "{stderr}");
    assert_eq!(tree(one.path()), tree(eight.path()));
    assert_eq!(serial.peak_waiting(), 1, "--jobs 1 fetched concurrently");
    let peak = pool.peak_waiting();
    assert!((2..=8).contains(&peak), "--jobs 8: {peak} requests at once");
    assert_eq!(pool.count_of(INFO), 12);
}

/// With four workers, the last of the first four info requests (the others are all waiting
/// for their answers, held back `HELD`) is answered 429 with `reply`'s headers; every request
/// that arrives after it must arrive once `pause` is over, and everything completes.
///
/// The one bound in time: the client must read the 429 within `HELD` (1 s: ample headroom for
/// a small answer on loopback), else a worker answered meanwhile could send before the pause
/// is set.
fn check_pool_pause(reply: Reply, retry_delay_ms: &str, pause: std::time::Duration) {
    const HELD: std::time::Duration = std::time::Duration::from_secs(1);
    let api = live_api(many(8), |_| HELD, move |n| (n == 3).then(|| reply.clone()));
    let scratch = tempfile::tempdir().expect("tempdir");
    let run = run_live_retrying(&api, scratch.path(), retry_delay_ms, &["--jobs", "4"]);
    let (_, stderr) = expect_exit(&run, 0);
    assert!(
        stderr.contains("8 generated, 0 unchanged, 0 failed"),
        "{stderr}"
    );
    let seen = api.seen();
    let infos: Vec<&Seen> = seen
        .iter()
        .filter(|s| s.target().starts_with(INFO))
        .collect();
    assert_eq!(infos.len(), 9, "eight workflows and one retry");
    let refused = infos[3].at;
    let after: Vec<std::time::Duration> = infos[4..].iter().map(|s| s.at - refused).collect();
    assert!(
        after.iter().all(|d| *d >= pause),
        "requests arrived during the {pause:?} pause: {after:?}"
    );
}

#[test]
fn workspace_429_with_retry_after_pauses_every_worker() {
    check_pool_pause(
        Reply::new(429, r#"{"code":4013,"msg":"too many requests"}"#).header("Retry-After", "2"),
        "10",
        std::time::Duration::from_secs(2),
    );
}

#[test]
fn workspace_429_without_retry_after_pauses_every_worker_for_the_backoff() {
    check_pool_pause(
        Reply::new(429, r#"{"code":4013,"msg":"too many requests"}"#),
        "1500",
        std::time::Duration::from_millis(1500),
    );
}

/// The three good workflows of [`GOOD`], stamped; `changed` of them answers the `arrays`
/// document under its own ID and name, stamped anew.
fn stamped(stamps: [Option<&str>; 3], changed: Option<usize>) -> Api {
    let workflows = GOOD
        .iter()
        .zip(stamps)
        .enumerate()
        .map(|(i, ((id, corpus, name, _), stamp))| {
            if changed == Some(i) {
                (
                    id.to_string(),
                    *name,
                    "arrays",
                    Some("1800000000".to_owned()),
                )
            } else {
                (id.to_string(), *name, *corpus, stamp.map(str::to_owned))
            }
        })
        .collect();
    live_api(workflows, |_| std::time::Duration::ZERO, |_| None)
}

const STAMPS: [Option<&str>; 3] = [Some("1752060001"), Some("1752060002"), Some("1752060003")];

/// The directory of the [`stamped`] workspace after a first run, and its files.
fn first_run() -> (tempfile::TempDir, Vec<(PathBuf, Vec<u8>)>) {
    let scratch = tempfile::tempdir().expect("tempdir");
    let api = stamped(STAMPS, None);
    expect_exit(&run_live(&api, scratch.path(), &[]), 0);
    assert_eq!(api.count_of(INFO), 3);
    let files = tree(scratch.path());
    (scratch, files)
}

#[test]
fn workspace_index_records_each_workflows_updated_at() {
    let (scratch, _) = first_run();
    let index = index(scratch.path());
    let stamps: Vec<&Value> = index["workflows"]
        .as_array()
        .expect("workflows")
        .iter()
        .map(|w| &w["updated_at"])
        .collect();
    assert_eq!(
        stamps,
        STAMPS.map(|s| json!(s.unwrap())).iter().collect::<Vec<_>>()
    );
    assert!(index["fingerprint"].is_string(), "{index}");
}

#[test]
fn workspace_second_run_with_nothing_changed_lists_and_fetches_nothing() {
    let (scratch, before) = first_run();
    let api = stamped(STAMPS, None);
    let (_, stderr) = expect_exit(&run_live(&api, scratch.path(), &[]), 0);
    assert_eq!(api.count_of(INFO), 0, "{:?}", api.requests());
    assert_eq!(api.count_of(LIST), 1);
    assert!(
        stderr.contains("3 unchanged since the last run"),
        "{stderr}"
    );
    assert!(
        stderr.contains("0 generated, 3 unchanged, 0 failed"),
        "{stderr}"
    );
    assert_eq!(tree(scratch.path()), before);

    // --check agrees that a run would change nothing, again without fetching.
    let api = stamped(STAMPS, None);
    let (stdout, _) = expect_exit(&run_live(&api, scratch.path(), &["--check"]), 0);
    assert_eq!(stdout, "");
    assert_eq!(api.count_of(INFO), 0);
}

#[test]
fn workspace_second_run_refetches_and_regenerates_exactly_the_changed_workflow() {
    let (scratch, _) = first_run();
    let dir = scratch.path();
    let changed = GOOD[1];

    // --check fetches it, and lists its changed files and the index.
    let api = stamped(STAMPS, Some(1));
    let (stdout, _) = expect_exit(&run_live(&api, dir, &["--check"]), 1);
    assert_eq!(
        api.requests(),
        [
            format!("GET {} HTTP/1.1", list_target(WORKSPACE, 1, 30)),
            format!("GET {} HTTP/1.1", workflow_target(changed.0)),
        ]
    );
    assert!(
        stdout.contains(&format!("{}/input.rs\n", changed.3)),
        "{stdout}"
    );
    assert!(stdout.ends_with("index.json\n"), "{stdout}");

    let api = stamped(STAMPS, Some(1));
    expect_exit(&run_live(&api, dir, &[]), 0);
    assert_eq!(api.count_of(INFO), 1);
    assert_eq!(api.count_of(&workflow_target(changed.0)), 1);
    assert_eq!(index(dir)["workflows"][1]["updated_at"], "1800000000");

    // What it wrote is what a full run into an empty directory writes.
    let fresh = tempfile::tempdir().expect("tempdir");
    expect_exit(&run_live(&stamped(STAMPS, Some(1)), fresh.path(), &[]), 0);
    assert_eq!(tree(dir), tree(fresh.path()));
}

#[test]
fn workspace_full_refetches_every_workflow_and_writes_the_same() {
    let (scratch, before) = first_run();
    let api = stamped(STAMPS, None);
    expect_exit(&run_live(&api, scratch.path(), &["--full"]), 0);
    assert_eq!(api.count_of(INFO), 3);
    assert_eq!(tree(scratch.path()), before);
}

#[test]
fn workspace_workflow_listed_without_updated_at_is_fetched_every_time() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let stamps = [STAMPS[0], None, STAMPS[2]];
    expect_exit(&run_live(&stamped(stamps, None), scratch.path(), &[]), 0);
    assert_eq!(
        index(scratch.path())["workflows"][1].get("updated_at"),
        None
    );
    let api = stamped(stamps, None);
    expect_exit(&run_live(&api, scratch.path(), &[]), 0);
    assert_eq!(
        api.requests()[1..],
        [format!("GET {} HTTP/1.1", workflow_target(GOOD[1].0))]
    );
}

#[test]
fn workspace_refetches_a_workflow_whose_files_are_incomplete() {
    let (scratch, before) = first_run();
    std::fs::remove_file(scratch.path().join(GOOD[2].3).join("form.html")).expect("remove");
    let api = stamped(STAMPS, None);
    expect_exit(&run_live(&api, scratch.path(), &[]), 0);
    assert_eq!(
        api.requests()[1..],
        [format!("GET {} HTTP/1.1", workflow_target(GOOD[2].0))]
    );
    assert_eq!(tree(scratch.path()), before);
}

#[test]
fn workspace_other_options_refetch_every_workflow() {
    let (scratch, _) = first_run();
    let api = stamped(STAMPS, None);
    expect_exit(&run_live(&api, scratch.path(), &["--open-objects"]), 0);
    assert_eq!(api.count_of(INFO), 3);
    let (stdout, stderr) = expect_exit(
        &run_live(&stamped(STAMPS, None), scratch.path(), &["--check"]),
        1,
    );
    assert!(stderr.contains("with other options"), "{stderr}");
    assert!(stdout.contains("schema.json"), "{stdout}");
}

#[test]
fn workspace_index_of_an_older_cozegen_leads_to_a_full_fetch() {
    let (scratch, before) = first_run();
    let path = scratch.path().join("index.json");
    let mut old = index(scratch.path());
    old.as_object_mut().unwrap().remove("fingerprint");
    for workflow in old["workflows"].as_array_mut().unwrap() {
        workflow.as_object_mut().unwrap().remove("updated_at");
    }
    std::fs::write(&path, serde_json::to_vec_pretty(&old).unwrap()).expect("write");
    let api = stamped(STAMPS, None);
    let (_, stderr) = expect_exit(&run_live(&api, scratch.path(), &[]), 0);
    assert!(stderr.contains("an older cozegen wrote it"), "{stderr}");
    assert_eq!(api.count_of(INFO), 3);
    assert_eq!(tree(scratch.path()), before);
}

/// A corrupt index is not an error: it is reported, every workflow is fetched, and it is
/// written anew.
#[test]
fn workspace_corrupt_index_is_reported_and_leads_to_a_full_fetch() {
    let (scratch, before) = first_run();
    let path = scratch.path().join("index.json");
    std::fs::write(&path, "{\"workflows\": [").expect("write");
    let api = stamped(STAMPS, None);
    let (_, stderr) = expect_exit(&run_live(&api, scratch.path(), &[]), 0);
    assert!(
        stderr.contains(&format!(
            "note: {} is not used (it is not valid JSON",
            path.display()
        )),
        "{stderr}"
    );
    assert_eq!(api.count_of(INFO), 3);
    assert_eq!(tree(scratch.path()), before);
}

#[test]
fn workspace_jobs_must_be_between_1_and_64() {
    for jobs in ["0", "65", "x"] {
        let out = cozegen(&[
            "all",
            "--workspace-id",
            WORKSPACE,
            "-o",
            "unused",
            "--jobs",
            jobs,
        ]);
        assert_eq!(out.status.code(), Some(2), "--jobs {jobs}");
    }
    let out = cozegen(&[
        "all",
        "tests/corpus/order_intake.json",
        "-o",
        "unused",
        "--full",
    ]);
    assert_eq!(out.status.code(), Some(2), "--full without --workspace-id");
}
