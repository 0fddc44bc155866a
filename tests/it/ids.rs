//! `validate -w ID` and `diff` with `id:` arguments, against a fake Coze API on 127.0.0.1.

use crate::common::api::*;
use crate::common::*;

const ALL_TYPES_ID: &str = "7350583675492311001";
const ORDER_ID: &str = "7350583675492399001";

fn corpus_bytes(name: &str) -> Vec<u8> {
    std::fs::read(root().join("tests/corpus").join(name)).expect("read corpus")
}

fn api() -> Api {
    Api::start(vec![
        (
            workflow_target(ALL_TYPES_ID),
            200,
            corpus_bytes("all_types.json"),
        ),
        (
            workflow_target(ORDER_ID),
            200,
            corpus_bytes("order_intake.json"),
        ),
    ])
}

fn run(api: &Api, args: &[&str]) -> std::process::Output {
    let url = api.url();
    let mut all = args.to_vec();
    all.extend(["--base-url", &url, "--retry-delay-ms", "10"]);
    run_in(&root(), &all)
}

#[test]
fn validate_with_a_workflow_id_accepts_a_valid_instance() {
    let api = api();
    let out = run(
        &api,
        &[
            "validate",
            "-w",
            ALL_TYPES_ID,
            "--params",
            "tests/instances/all_types/valid-full.json",
        ],
    );
    let (stdout, _) = expect_exit(&out, 0);
    assert_eq!(stdout, "");
    assert_eq!(
        api.requests(),
        [format!("GET {} HTTP/1.1", workflow_target(ALL_TYPES_ID))]
    );
}

#[test]
fn validate_with_a_workflow_id_reports_problems_like_with_a_file() {
    let api = api();
    let params = "tests/instances/all_types/invalid-missing-required.json";
    let fetched = run(&api, &["validate", "-w", ALL_TYPES_ID, "--params", params]);
    let from_file = cozegen(&[
        "validate",
        "tests/corpus/all_types.json",
        "--params",
        params,
    ]);
    let (stdout, _) = expect_exit(&fetched, 1);
    assert!(!stdout.is_empty());
    assert_eq!(stdout, crate::common::stdout(&from_file));
}

#[test]
fn validate_with_a_workflow_id_may_read_params_from_stdin() {
    let api = api();
    let url = api.url();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cozegen"))
        .args([
            "validate",
            "-w",
            ALL_TYPES_ID,
            "--params",
            "-",
            "--base-url",
            &url,
        ])
        .env("COZE_API_TOKEN", TOKEN)
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(
                &std::fs::read(root().join("tests/instances/all_types/valid-minimal.json"))
                    .expect("instance"),
            )
            .expect("write stdin");
    }
    let out = child.wait_with_output().expect("wait");
    expect_exit(&out, 0);
}

#[test]
fn validate_rejects_a_workflow_id_together_with_a_file() {
    let out = cozegen(&[
        "validate",
        "tests/corpus/all_types.json",
        "-w",
        ALL_TYPES_ID,
        "--params",
        "x.json",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn diff_fetches_arguments_with_the_id_prefix() {
    let api = api();
    // A file against the same workflow fetched: nothing changed.
    let same = run(
        &api,
        &[
            "diff",
            "tests/corpus/order_intake.json",
            &format!("id:{ORDER_ID}"),
        ],
    );
    let (stdout, _) = expect_exit(&same, 0);
    assert_eq!(stdout, "0 breaking, 0 compatible changes\n");

    // Two fetched workflows: the same report as for the two files.
    let fetched = run(
        &api,
        &[
            "diff",
            &format!("id:{ORDER_ID}"),
            &format!("id:{ALL_TYPES_ID}"),
        ],
    );
    let files = cozegen(&[
        "diff",
        "tests/corpus/order_intake.json",
        "tests/corpus/all_types.json",
    ]);
    let (stdout, _) = expect_exit(&fetched, 1);
    assert_eq!(stdout, crate::common::stdout(&files));
    assert!(stdout.contains("breaking"), "{stdout}");
    let requests = api.requests();
    assert!(requests.contains(&format!("GET {} HTTP/1.1", workflow_target(ALL_TYPES_ID))));
}

#[test]
fn diff_reports_an_api_failure_for_an_id_argument() {
    let api = api();
    let out = run(
        &api,
        &[
            "diff",
            "tests/corpus/order_intake.json",
            "id:7350583675492300404",
            "--retries",
            "0",
        ],
    );
    let (_, stderr) = expect_exit(&out, 1);
    assert!(stderr.contains("HTTP 404"), "{stderr}");
    assert!(stderr.contains("7350583675492300404"), "{stderr}");
}

#[test]
fn diff_rejects_an_id_argument_that_is_not_an_id_before_any_request() {
    let api = api();
    let out = run(
        &api,
        &["diff", "tests/corpus/order_intake.json", "id:../etc"],
    );
    let (_, stderr) = expect_exit(&out, 2);
    assert!(stderr.contains("is not a Coze workflow ID"), "{stderr}");
    assert!(api.requests().is_empty());
}

/// One rule wherever an ID is written: a malformed workflow ID, workspace ID, execute id or
/// version is a usage error (exit 2), said before any request.
#[test]
fn malformed_ids_are_usage_errors_wherever_they_are_written() {
    let api = api();
    let doc = "tests/corpus/order_intake.json";
    for args in [
        &["diff", "id:abc", doc][..],
        &["diff", doc, "id:@v1"],
        &["diff", "id:123@", doc],
        &["schema", "-w", "abc"],
        &["schema", "-w", "12 34"],
        &[
            "validate",
            "-w",
            "x1",
            "--params",
            "tests/instances/no_inputs/valid.json",
        ],
        &["tool", "-w", "abc", "--format", "openai"],
        &["tool", "--workspace-id", "space", "--format", "mcp"],
        &[
            "all",
            "--workspace-id",
            "../x",
            "-o",
            "target/never-written",
        ],
        &["fetch", "7350583675492388916x"],
        &["run", doc, "--execute-id", "not-an-id"],
    ] {
        let out = run(&api, args);
        let (_, stderr) = expect_exit(&out, 2);
        assert!(
            stderr.contains("is not a Coze") || stderr.contains("names no"),
            "{args:?}: {stderr}"
        );
    }
    assert!(api.requests().is_empty(), "{:?}", api.requests());
}

#[test]
fn diff_reads_a_file_whose_name_starts_with_id_through_a_dot_slash_path() {
    let scratch = tempfile::tempdir().expect("tempdir");
    std::fs::copy(
        root().join("tests/corpus/order_intake.json"),
        scratch.path().join("id:x"),
    )
    .expect("copy");
    let out = run_in(
        scratch.path(),
        &[
            "diff",
            "./id:x",
            root()
                .join("tests/corpus/order_intake.json")
                .to_str()
                .unwrap(),
        ],
    );
    expect_exit(&out, 0);
}

#[test]
fn diff_and_validate_help_match_goldens() {
    for command in ["diff", "validate"] {
        let out = cozegen(&[command, "--help"]);
        assert!(out.status.success());
        assert_golden(
            &format!("cli/{command}-help.txt"),
            &crate::common::stdout(&out),
        );
    }
}
