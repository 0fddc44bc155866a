//! Published versions: `fetch --workflow-version`, `-w ID --workflow-version`, `diff`'s
//! `id:ID@VERSION`, and `tool`'s and `mcp`'s `-w ID@VERSION` (the MCP server driven by the
//! official TypeScript SDK's client, `tests/js/mcp-client.mjs`), against a fake Coze API on
//! 127.0.0.1 that pages its version list.

use crate::common::api::*;
use crate::common::*;

const ID: &str = "7350583675492355001";

/// The page token of page 2: characters that must be percent-encoded in the query.
const TOKEN2: &str = "17526 66&x=1";
const TOKEN2_SENT: &str = "17526%2066%26x%3D1";

fn detail() -> String {
    format!(
        r#"{{"code":0,"msg":"","data":{{"workflow_detail":{{"workflow_id":"{ID}","workflow_name":"order_intake","description":"Takes orders"}},
        "input":{{"parameters":{{"latest":{{"type":"string"}}}}}}}},"detail":{{"logid":"L0"}}}}"#
    )
}

fn item(version: &str, input: &str, output: &str) -> String {
    format!(
        r#"{{"workflow_id":"{ID}","version":"{version}","description":"release {version}","created_at":"1755251584","updated_at":"1755251612","creator":{{"id":"3361","name":"dev"}},"input":{{"parameters":{input}}},"output":{output}}}"#
    )
}

const INPUT_1: &str = r#"{"q":{"type":"string","required":true}}"#;
const OUTPUT_1: &str = r#"{"terminate_plan":"return_variables","parameters":{"answer":{"type":"string"},"score":{"type":"integer"}}}"#;
const INPUT_2: &str = r#"{"q":{"type":"string","required":true},"n":{"type":"integer"}}"#;
const OUTPUT_2: &str = r#"{"terminate_plan":"return_variables","parameters":{"answer":{"type":"string"},"lang":{"type":"string"}}}"#;

fn page(items: &[String], has_more: bool, next: &str) -> String {
    format!(
        r#"{{"code":0,"msg":"","data":{{"items":[{}],"has_more":{has_more},"next_page_token":"{next}"}},"detail":{{"logid":"L1"}}}}"#,
        items.join(",")
    )
}

/// Page 1 holds v0.0.3 and v0.0.2, page 2 holds v0.0.1.
fn pages() -> Vec<(String, Reply)> {
    vec![
        (workflow_target(ID), Reply::new(200, detail())),
        (
            versions_target(ID, None),
            Reply::new(
                200,
                page(
                    &[
                        item("v0.0.3", INPUT_2, OUTPUT_2),
                        item("v0.0.2", INPUT_2, OUTPUT_2),
                    ],
                    true,
                    TOKEN2,
                ),
            ),
        ),
        (
            versions_target(ID, Some(TOKEN2_SENT)),
            Reply::new(
                200,
                page(&[item("v0.0.1", INPUT_1, OUTPUT_1)], false, "1755000000"),
            ),
        ),
    ]
}

fn run(api: &Api, dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    let url = api.url();
    let mut all = args.to_vec();
    all.extend(["--base-url", &url, "--retry-delay-ms", "10"]);
    run_in(dir, &all)
}

fn get(target: &str) -> String {
    format!("GET {target} HTTP/1.1")
}

#[test]
fn fetch_pages_to_the_version_and_saves_a_document_every_command_reads() {
    let api = Api::routes(pages());
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(
        &api,
        dir.path(),
        &["fetch", ID, "--workflow-version", "v0.0.1", "-o", "v1.json"],
    );
    expect_exit(&out, 0);
    assert_eq!(
        api.requests(),
        [
            get(&workflow_target(ID)),
            get(&versions_target(ID, None)),
            get(&versions_target(ID, Some(TOKEN2_SENT))),
        ]
    );
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("v1.json")).expect("read"))
            .expect("json");
    assert_eq!(saved["workflow_detail"]["workflow_name"], "order_intake");
    assert_eq!(saved["workflow_version"]["version"], "v0.0.1");
    assert_eq!(saved["workflow_version"]["description"], "release v0.0.1");
    assert_eq!(saved["workflow_version"]["creator"]["name"], "dev");
    assert!(saved["workflow_version"].get("input").is_none());
    // The version's own start and end nodes, not the latest's.
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&saved["input"]["parameters"]), ["q"]);
    assert_eq!(keys(&saved["output"]["parameters"]), ["answer", "score"]);
    assert_eq!(saved["output"]["terminate_plan"], "return_variables");

    let schema = run_in(dir.path(), &["schema", "v1.json"]);
    let (schema, _) = expect_exit(&schema, 0);
    assert!(schema.contains("\"q\""), "{schema}");
    let output = run_in(dir.path(), &["ts", "v1.json", "--node", "output"]);
    let (output, _) = expect_exit(&output, 0);
    assert!(output.contains("score"), "{output}");
}

#[test]
fn a_version_on_the_first_page_needs_no_second_page() {
    let api = Api::routes(pages());
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(
        &api,
        dir.path(),
        &["fetch", ID, "--workflow-version", "v0.0.2"],
    );
    let (stdout, _) = expect_exit(&out, 0);
    assert!(stdout.contains("\"v0.0.2\""), "{stdout}");
    assert_eq!(api.count(), 2);
}

#[test]
fn generating_commands_take_a_version_with_the_workflow_id() {
    let api = Api::routes(pages());
    let dir = tempfile::tempdir().expect("tempdir");
    let fetched = run(
        &api,
        dir.path(),
        &["fetch", ID, "--workflow-version", "v0.0.1", "-o", "v1.json"],
    );
    expect_exit(&fetched, 0);
    let from_file = run_in(dir.path(), &["schema", "v1.json"]);
    let from_api = run(
        &api,
        dir.path(),
        &["schema", "-w", ID, "--workflow-version", "v0.0.1"],
    );
    let (from_api, _) = expect_exit(&from_api, 0);
    assert_eq!(from_api, stdout(&from_file));
    let valid = dir.path().join("params.json");
    std::fs::write(&valid, r#"{"q":"hi"}"#).expect("write");
    let validate = run(
        &api,
        dir.path(),
        &[
            "validate",
            "-w",
            ID,
            "--workflow-version",
            "v0.0.1",
            "--params",
            "params.json",
        ],
    );
    expect_exit(&validate, 0);
    // A version without a workflow ID is a usage error.
    let alone = run(
        &api,
        dir.path(),
        &["schema", "--workflow-version", "v0.0.1"],
    );
    expect_exit(&alone, 2);
}

#[test]
fn diff_takes_a_published_version_on_either_side() {
    let api = Api::routes(pages());
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(
        &api,
        dir.path(),
        &[
            "diff",
            &format!("id:{ID}@v0.0.1"),
            &format!("id:{ID}@v0.0.2"),
        ],
    );
    let (stdout, _) = expect_exit(&out, 1);
    assert_eq!(
        stdout,
        "compatible: start node: n: new optional parameter\n\
         breaking: end node: score: output variable removed\n\
         compatible: end node: lang: new output variable\n\
         1 breaking, 2 compatible changes\n"
    );
    // A saved version against the same version fetched: nothing changed.
    let saved = run(
        &api,
        dir.path(),
        &["fetch", ID, "--workflow-version", "v0.0.2", "-o", "v2.json"],
    );
    expect_exit(&saved, 0);
    let same = run(
        &api,
        dir.path(),
        &["diff", &format!("id:{ID}@v0.0.2"), "v2.json"],
    );
    let (stdout, _) = expect_exit(&same, 0);
    assert_eq!(stdout, "0 breaking, 0 compatible changes\n");
}

#[test]
fn a_missing_version_is_an_error_naming_the_published_ones() {
    let api = Api::routes(pages());
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(
        &api,
        dir.path(),
        &["fetch", ID, "--workflow-version", "v9.9.9", "-o", "v9.json"],
    );
    let (_, stderr) = expect_exit(&out, 1);
    assert!(
        stderr.contains(&format!(
            "workflow {ID} has no published version \"v9.9.9\"; its published versions: \
             \"v0.0.3\", \"v0.0.2\", \"v0.0.1\""
        )),
        "{stderr}"
    );
    assert!(!dir.path().join("v9.json").exists());
    assert_eq!(api.count(), 3, "every page was read");
}

#[test]
fn a_workflow_without_published_versions_says_so() {
    let api = Api::routes(vec![
        (workflow_target(ID), Reply::new(200, detail())),
        (
            versions_target(ID, None),
            Reply::new(200, page(&[], false, "")),
        ),
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(
        &api,
        dir.path(),
        &["fetch", ID, "--workflow-version", "v0.0.1"],
    );
    let (_, stderr) = expect_exit(&out, 1);
    assert!(stderr.contains("it has no published versions"), "{stderr}");
}

#[test]
fn an_error_envelope_on_page_two_is_reported_with_code_msg_and_logid() {
    let mut routes = pages();
    routes[2].1 = Reply::new(
        200,
        r#"{"code":4101,"msg":"token lacks listVersion","detail":{"logid":"20250822LOGID"}}"#,
    );
    let api = Api::routes(routes);
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(
        &api,
        dir.path(),
        &["fetch", ID, "--workflow-version", "v0.0.1"],
    );
    let (stdout, stderr) = expect_exit(&out, 1);
    assert_eq!(stdout, "");
    for part in ["4101", "token lacks listVersion", "20250822LOGID"] {
        assert!(stderr.contains(part), "{part}: {stderr}");
    }
}

#[test]
fn a_repeated_page_token_stops_paging_with_an_error() {
    let api = Api::routes(vec![
        (workflow_target(ID), Reply::new(200, detail())),
        (
            versions_target(ID, None),
            Reply::new(200, page(&[item("v0.0.3", INPUT_2, OUTPUT_2)], true, "T")),
        ),
        (
            versions_target(ID, Some("T")),
            Reply::new(200, page(&[item("v0.0.2", INPUT_2, OUTPUT_2)], true, "T")),
        ),
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(
        &api,
        dir.path(),
        &["fetch", ID, "--workflow-version", "v0.0.1"],
    );
    let (_, stderr) = expect_exit(&out, 1);
    assert!(
        stderr.contains("sent the page token \"T\" again"),
        "{stderr}"
    );
    assert_eq!(api.count(), 3);
}

#[test]
fn has_more_without_a_page_token_is_an_error() {
    let api = Api::routes(vec![
        (workflow_target(ID), Reply::new(200, detail())),
        (
            versions_target(ID, None),
            Reply::new(200, page(&[item("v0.0.3", INPUT_2, OUTPUT_2)], true, "")),
        ),
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(
        &api,
        dir.path(),
        &["fetch", ID, "--workflow-version", "v0.0.1"],
    );
    let (_, stderr) = expect_exit(&out, 1);
    assert!(
        stderr.contains("said has_more but sent no next_page_token"),
        "{stderr}"
    );
}

#[test]
fn a_connection_dropped_mid_page_is_reported() {
    let mut routes = pages();
    let body = page(&[item("v0.0.1", INPUT_1, OUTPUT_1)], false, "");
    let cut = body.len() / 2;
    routes[2].1 = Reply::new(200, body[..cut].to_owned()).length(Length::Declared(body.len()));
    let api = Api::routes(routes);
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(
        &api,
        dir.path(),
        &[
            "fetch",
            ID,
            "--workflow-version",
            "v0.0.1",
            "--retries",
            "1",
        ],
    );
    let (_, stderr) = expect_exit(&out, 1);
    assert!(stderr.contains("truncated"), "{stderr}");
    // Retried like any truncated answer: detail, page 1, page 2 twice.
    assert_eq!(api.count(), 4);
}

#[test]
fn bad_version_syntax_is_a_usage_error_before_any_request() {
    let api = Api::routes(pages());
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a.json"), r#"{"input":{"parameters":{}}}"#).expect("write");
    for (args, message) in [
        (
            // Checked before the other side is read: missing.json does not exist.
            vec![
                "diff".to_owned(),
                "missing.json".to_owned(),
                format!("id:{ID}@"),
            ],
            "names no version",
        ),
        (
            vec![
                "diff".to_owned(),
                "id:@v0.0.1".to_owned(),
                "a.json".to_owned(),
            ],
            "names no workflow",
        ),
        (
            vec![
                "diff".to_owned(),
                "a.json".to_owned(),
                format!("id:{ID}@v 1"),
            ],
            "is not a workflow version",
        ),
        (
            vec![
                "fetch".to_owned(),
                ID.to_owned(),
                "--workflow-version".to_owned(),
                String::new(),
            ],
            "is not a workflow version",
        ),
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(&api, dir.path(), &args);
        let (_, stderr) = expect_exit(&out, 2);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    assert_eq!(api.count(), 0);
}

#[test]
fn the_token_never_leaves_through_a_version_page() {
    // Echoed in an error envelope on page 2: quoted scrubbed (expect_exit checks the output).
    let mut routes = pages();
    routes[2].1 = Reply::new(
        200,
        format!(r#"{{"code":4100,"msg":"bad token {TOKEN}","detail":{{"logid":"L2"}}}}"#),
    );
    let api = Api::routes(routes);
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(
        &api,
        dir.path(),
        &["fetch", ID, "--workflow-version", "v0.0.1"],
    );
    let (_, stderr) = expect_exit(&out, 1);
    assert!(stderr.contains("bad token <redacted>"), "{stderr}");

    // Echoed inside a successful page: refused, nothing saved.
    let mut routes = pages();
    routes[2].1 = Reply::new(
        200,
        page(&[item("v0.0.1", INPUT_1, OUTPUT_1)], false, TOKEN),
    );
    let api = Api::routes(routes);
    let out = run(
        &api,
        dir.path(),
        &["fetch", ID, "--workflow-version", "v0.0.1", "-o", "v1.json"],
    );
    expect_exit(&out, 1);
    assert!(!dir.path().join("v1.json").exists());
}

/// `cozegen tool -w ID@VERSION`: each tool built from its version's start node, named, titled
/// and described with the version; the same workflow at two versions (or twice at one) gets
/// names that stay apart.
#[test]
fn tool_builds_each_tool_from_its_published_version() {
    let api = Api::routes(pages());
    let dir = tempfile::tempdir().expect("tempdir");
    let (v1, v2) = (format!("{ID}@v0.0.1"), format!("{ID}@v0.0.2"));
    let out = run(
        &api,
        dir.path(),
        &["tool", "-w", &v1, "-w", &v2, "-w", ID, "--format", "mcp"],
    );
    let (stdout, _) = expect_exit(&out, 0);
    let tools: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let field = |key: &str| -> Vec<String> {
        tools
            .as_array()
            .expect("tools")
            .iter()
            .map(|t| t[key].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(
        field("name"),
        ["order_intake_v0_0_1", "order_intake_v0_0_2", "order_intake"]
    );
    assert_eq!(
        field("title"),
        [
            "order_intake (v0.0.1)",
            "order_intake (v0.0.2)",
            "order_intake"
        ]
    );
    assert_eq!(
        field("description"),
        [
            "Takes orders (published version v0.0.1)",
            "Takes orders (published version v0.0.2)",
            "Takes orders"
        ]
    );
    let parameters = |i: usize| -> Vec<String> {
        tools[i]["inputSchema"]["properties"]
            .as_object()
            .expect("properties")
            .keys()
            .cloned()
            .collect()
    };
    assert_eq!(parameters(0), ["q"]);
    assert_eq!(parameters(1), ["q", "n"]);
    assert_eq!(parameters(2), ["latest"]);
    assert!(tools[0]["outputSchema"]["properties"]["score"].is_object());
    assert!(tools[1]["outputSchema"]["properties"]["lang"].is_object());

    let twice = run(
        &api,
        dir.path(),
        &["tool", "-w", &v1, "-w", &v1, "--format", "openai"],
    );
    let (stdout, _) = expect_exit(&twice, 0);
    let tools: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(tools[0]["name"], "order_intake_v0_0_1");
    assert_eq!(tools[1]["name"], "order_intake_v0_0_1_2");
}

#[test]
fn a_bad_version_given_to_tool_or_mcp_is_a_usage_error_before_any_request() {
    let api = Api::routes(pages());
    let dir = tempfile::tempdir().expect("tempdir");
    for (command, version, message) in [
        (
            "tool",
            format!("{ID}@"),
            "`-w 7350583675492355001@` names no version",
        ),
        ("mcp", format!("{ID}@v 1"), "is not a workflow version"),
        (
            "tool",
            "@v0.0.1".to_owned(),
            "`-w @v0.0.1` names no workflow",
        ),
    ] {
        // The good -w first: nothing is fetched while another is wrong.
        let mut args = vec![command, "-w", ID, "-w", &version];
        if command == "tool" {
            args.extend(["--format", "mcp"]);
        }
        let out = run(&api, dir.path(), &args);
        let (_, stderr) = expect_exit(&out, 2);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    assert_eq!(api.count(), 0, "{:?}", api.requests());
}

/// `cozegen mcp -w ID@VERSION`: the tools of two versions and the latest side by side; each
/// call is checked against its own version's start node and sends that `workflow_version`.
#[test]
fn mcp_serves_published_versions_and_sends_workflow_version() {
    if !js_tools_available("the MCP client test") {
        return;
    }
    let mut routes = pages();
    routes.push((
        RUN_TARGET.to_owned(),
        Reply::new(
            200,
            r#"{"code":0,"msg":"","data":"{\"answer\":\"ok\"}","execute_id":"7"}"#,
        ),
    ));
    let api = Api::routes(routes);
    let (v1, v2) = (format!("{ID}@v0.0.1"), format!("{ID}@v0.0.2"));
    let command = serde_json::json!([
        env!("CARGO_BIN_EXE_cozegen"),
        "mcp",
        "-w",
        v1,
        "-w",
        v2,
        "-w",
        ID,
        "--retry-delay-ms",
        "10"
    ]);
    let calls = serde_json::json!([
        {"name": "order_intake_v0_0_1", "arguments": {"q": "a"}},
        {"name": "order_intake_v0_0_2", "arguments": {"q": "b", "n": 2}},
        {"name": "order_intake", "arguments": {"latest": "c"}},
        // `n` is a parameter of v0.0.2, not of v0.0.1: refused, nothing sent.
        {"name": "order_intake_v0_0_1", "arguments": {"q": "d", "n": 1}},
    ]);
    let out = std::process::Command::new("node")
        .arg(root().join("tests/js/mcp-client.mjs"))
        .arg(command.to_string())
        .arg(calls.to_string())
        .current_dir(root())
        .env("COZE_API_TOKEN", TOKEN)
        .env("COZE_API_BASE", api.url())
        .output()
        .expect("run node");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains(TOKEN), "{text}");
    let report: serde_json::Value = serde_json::from_str(&text).expect("the client's report");
    assert_eq!(
        report["exit"],
        serde_json::json!({"code": 0, "signal": null}),
        "{}",
        report["stderr"]
    );
    let names: Vec<&str> = report["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .map(|t| t["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        names,
        ["order_intake_v0_0_1", "order_intake_v0_0_2", "order_intake"]
    );
    let results = report["results"].as_array().expect("results");
    for result in &results[..3] {
        assert_eq!(result["result"]["isError"], false, "{result}");
    }
    assert_eq!(results[0]["result"]["structuredContent"]["answer"], "ok");
    let refused = &results[3]["result"];
    assert_eq!(refused["isError"], true, "{refused}");
    assert!(
        refused
            .to_string()
            .contains("n: is not a parameter of this workflow"),
        "{refused}"
    );
    let seen = api.seen();
    let runs: Vec<serde_json::Value> = seen
        .iter()
        .filter(|s| s.target() == RUN_TARGET)
        .map(|s| s.json())
        .collect();
    assert_eq!(
        runs,
        [
            serde_json::json!({"workflow_id": ID, "parameters": {"q": "a"}, "workflow_version": "v0.0.1"}),
            serde_json::json!({"workflow_id": ID, "parameters": {"q": "b", "n": 2}, "workflow_version": "v0.0.2"}),
            serde_json::json!({"workflow_id": ID, "parameters": {"latest": "c"}}),
        ]
    );
}
