//! `cozegen run`, against a fake Coze API on 127.0.0.1: the parameters are checked before
//! anything is sent, the output after; error envelopes; what is retried and what never is (a
//! run that may have started); streamed events, interrupts and resumes. Every test also checks
//! that the token never reaches stdout or stderr.

use crate::common::api::*;
use crate::common::*;
use serde_json::{Value, json};
use std::io::Read;
use std::process::Output;
use std::time::{Duration, Instant};

/// The workflow of `examples/workflows/order_intake.json`.
const WORKFLOW: &str = "examples/workflows/order_intake.json";
const ID: &str = "7350583675492399001";

fn valid_params() -> Value {
    json!({
        "customer": {"name": "Ada", "address": {"street": "1 Main St", "city": "Paris"}},
        "lines": [{"sku": "A1", "qty": 2}]
    })
}

/// Writes `params` to a fresh file and returns its directory (kept alive) and path.
fn params_file(params: &Value) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("params.json");
    std::fs::write(&path, params.to_string()).expect("write params");
    let path = path.display().to_string();
    (dir, path)
}

/// `cozegen run WORKFLOW --params <valid> --base-url <server>` plus `extra`.
fn run_valid(server: &Api, extra: &[&str]) -> Output {
    run_with(server, &valid_params(), extra)
}

fn run_with(server: &Api, params: &Value, extra: &[&str]) -> Output {
    let (_dir, path) = params_file(params);
    let url = server.url();
    let mut args = vec![
        "run",
        WORKFLOW,
        "--params",
        &path,
        "--base-url",
        &url,
        "--retry-delay-ms",
        "10",
    ];
    args.extend_from_slice(extra);
    run_in(&root(), &args)
}

/// A successful run answer whose `data` is `data`.
fn answer(data: &str) -> Reply {
    Reply::new(
        200,
        json!({
            "code": 0,
            "msg": "",
            "data": data,
            "execute_id": "741364789030728",
            "debug_url": "https://www.coze.cn/work_flow?execute_id=741364789030728&space_id=1",
            "usage": {"input_count": 50, "token_count": 150, "output_count": 100},
            "detail": {"logid": "20241210152726467C48D89D6DB2"}
        })
        .to_string(),
    )
}

const OUTPUT: &str = r#"{"order_id":"A-17","eta":"2025-07-01 09:30:00"}"#;

fn assert_contains(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "expected {part:?} in: {text}");
    }
}

#[test]
fn run_help_matches_golden() {
    let out = run_in(&root(), &["run", "--help"]);
    let (stdout, _) = expect_exit(&out, 0);
    assert_golden("cli/run-help.txt", &stdout);
}

#[test]
fn a_run_prints_the_output_on_stdout_and_its_details_on_stderr() {
    let server = Api::routes(vec![(RUN_TARGET.to_owned(), answer(OUTPUT))]);
    let out = run_valid(&server, &[]);
    let (stdout, stderr) = expect_exit(&out, 0);
    let printed: Value = serde_json::from_str(&stdout).expect("stdout is JSON");
    assert_eq!(printed, serde_json::from_str::<Value>(OUTPUT).unwrap());
    assert_contains(
        &stderr,
        &[
            "execute_id: 741364789030728",
            "debug_url: https://www.coze.cn/work_flow?execute_id=741364789030728&space_id=1",
            r#"usage: {"input_count":50,"output_count":100,"token_count":150}"#,
            "logid: 20241210152726467C48D89D6DB2",
        ],
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].request_line(), "POST /v1/workflow/run HTTP/1.1");
    assert_eq!(
        seen[0].header("Authorization"),
        Some(format!("Bearer {TOKEN}"))
    );
    assert_eq!(
        seen[0].header("Content-Type").as_deref(),
        Some("application/json")
    );
    assert_eq!(
        seen[0].json(),
        json!({"workflow_id": ID, "parameters": valid_params()})
    );
}

#[test]
fn version_app_and_bot_go_into_the_request_body() {
    let server = Api::routes(vec![(RUN_TARGET.to_owned(), answer(OUTPUT))]);
    let out = run_valid(
        &server,
        &["--workflow-version", "v0.0.2", "--app-id", "744"],
    );
    expect_exit(&out, 0);
    let out = run_valid(&server, &["--bot-id", "734"]);
    expect_exit(&out, 0);
    let seen = server.seen();
    assert_eq!(
        seen[0].json(),
        json!({"workflow_id": ID, "parameters": valid_params(), "workflow_version": "v0.0.2", "app_id": "744"})
    );
    assert_eq!(
        seen[1].json(),
        json!({"workflow_id": ID, "parameters": valid_params(), "bot_id": "734"})
    );
}

#[test]
fn a_workflow_of_an_app_runs_in_its_app_unless_told_otherwise() {
    let server = Api::routes(vec![(RUN_TARGET.to_owned(), answer(OUTPUT))]);
    let dir = tempfile::tempdir().expect("temp dir");
    let doc = std::fs::read_to_string(root().join(WORKFLOW)).expect("read");
    let doc = doc.replacen(r#""app_id": "0""#, r#""app_id": "7493481000000008294""#, 1);
    let in_app = dir.path().join("in_app.json");
    std::fs::write(&in_app, doc).expect("write");
    let (_params_dir, params) = params_file(&valid_params());
    let url = server.url();
    let in_app = in_app.display().to_string();
    for extra in [&[][..], &["--app-id", "744"], &["--bot-id", "734"]] {
        let mut args = vec!["run", &in_app, "--params", &params, "--base-url", &url];
        args.extend_from_slice(extra);
        expect_exit(&run_in(&root(), &args), 0);
    }
    let seen = server.seen();
    let bodies: Vec<Value> = seen.iter().map(|r| r.json()).collect();
    assert_eq!(bodies[0]["app_id"], "7493481000000008294");
    assert_eq!(bodies[1]["app_id"], "744");
    assert_eq!(
        bodies[2].get("app_id"),
        None,
        "an agent runs it, not the app"
    );
    assert_eq!(bodies[2]["bot_id"], "734");
}

#[test]
fn invalid_parameters_are_listed_by_path_and_nothing_is_sent() {
    let server = Api::routes(vec![(RUN_TARGET.to_owned(), answer(OUTPUT))]);
    let params = json!({"customer": {"name": "Ada"}, "lines": [{"sku": "A1", "qty": "2"}]});
    let out = run_with(&server, &params, &[]);
    let (stdout, stderr) = expect_exit(&out, 1);
    assert_eq!(stdout, "");
    assert_contains(
        &stderr,
        &[
            "customer.address: required parameter is missing",
            "lines[0].qty: expected an integer, got \"2\"",
            "nothing was sent",
            "2 problems",
        ],
    );
    assert_eq!(server.count(), 0, "a request was sent");
}

#[test]
fn an_output_that_does_not_fit_the_end_node_names_the_field_and_is_still_shown() {
    let server = Api::routes(vec![(
        RUN_TARGET.to_owned(),
        answer(r#"{"order_id":17,"eta":"2025-07-01 09:30:00"}"#),
    )]);
    let out = run_valid(&server, &[]);
    let (stdout, stderr) = expect_exit(&out, 1);
    assert_contains(&stdout, &[r#""order_id": 17"#]);
    assert_contains(
        &stderr,
        &[
            "output order_id: expected a string, got 17",
            "the run's output does not fit the end node: 1 problem",
            "execute_id: 741364789030728",
        ],
    );
}

#[test]
fn data_that_is_not_json_is_printed_as_it_is_and_not_checked() {
    let server = Api::routes(vec![(
        RUN_TARGET.to_owned(),
        answer("Your order A-17 arrives tomorrow."),
    )]);
    let out = run_valid(&server, &[]);
    let (stdout, stderr) = expect_exit(&out, 0);
    assert_eq!(stdout, "Your order A-17 arrives tomorrow.\n");
    assert_contains(&stderr, &["the output is not JSON", "not checked"]);
}

#[test]
fn an_error_envelope_quotes_code_msg_and_logid() {
    let server = Api::routes(vec![(
        RUN_TARGET.to_owned(),
        Reply::new(
            200,
            format!(
                r#"{{"code":4200,"msg":"workflow not published (sent {TOKEN})","detail":{{"logid":"2024LOGID"}}}}"#
            ),
        ),
    )]);
    let out = run_valid(&server, &[]);
    let (stdout, stderr) = expect_exit(&out, 1);
    assert_eq!(stdout, "");
    assert_contains(
        &stderr,
        &[
            "error 4200",
            "workflow not published (sent <redacted>)",
            "logid 2024LOGID",
        ],
    );
}

#[test]
fn a_429_with_retry_after_is_retried() {
    let server = Api::scripted(vec![
        Reply::new(429, r#"{"code":4013,"msg":"too many requests"}"#).header("Retry-After", "1"),
        answer(OUTPUT),
    ]);
    let out = run_valid(&server, &[]);
    expect_exit(&out, 0);
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert!(seen[1].at - seen[0].at >= Duration::from_millis(900));
}

#[test]
fn a_429_without_retry_after_and_other_4xx_are_not_retried() {
    for reply in [
        Reply::new(429, r#"{"code":4013,"msg":"too many requests"}"#),
        Reply::new(400, r#"{"code":4000,"msg":"bad parameter"}"#),
    ] {
        let server = Api::scripted(vec![reply, answer(OUTPUT)]);
        let out = run_valid(&server, &[]);
        let (_, stderr) = expect_exit(&out, 1);
        assert_contains(&stderr, &["POST ", "the run was not started"]);
        assert_eq!(server.count(), 1);
    }
}

#[test]
fn a_dropped_connection_is_not_retried_because_the_run_may_have_started() {
    let server = Api::scripted(vec![Reply::drop_connection(), answer(OUTPUT)]);
    let out = run_valid(&server, &[]);
    let (_, stderr) = expect_exit(&out, 1);
    assert_contains(
        &stderr,
        &[
            "the run may have started",
            "did not send it again",
            "no execute id is known",
        ],
    );
    assert_eq!(server.count(), 1, "the run was sent again");
}

#[test]
fn a_server_error_is_not_retried_because_the_run_may_have_started() {
    let server = Api::scripted(vec![
        Reply::new(502, r#"{"code":5000,"msg":"upstream"}"#),
        answer(OUTPUT),
    ]);
    let out = run_valid(&server, &[]);
    let (_, stderr) = expect_exit(&out, 1);
    assert_contains(&stderr, &["HTTP 502", "the run may have started"]);
    assert_eq!(server.count(), 1, "the run was sent again");
}

#[test]
fn a_timeout_is_not_retried_because_the_run_may_have_started() {
    let server = Api::scripted(vec![Reply::hang(Duration::from_secs(4)), answer(OUTPUT)]);
    let started = Instant::now();
    let out = run_valid(&server, &["--timeout", "1"]);
    let (_, stderr) = expect_exit(&out, 1);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "--timeout 1 was not honoured"
    );
    assert_contains(&stderr, &["timed out", "the run may have started"]);
    assert_eq!(server.count(), 1, "the run was sent again");
}

#[test]
fn connection_refused_is_retried_then_reported_as_not_sent() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let (_dir, path) = params_file(&valid_params());
    let url = format!("http://127.0.0.1:{port}");
    let out = run_in(
        &root(),
        &[
            "run",
            WORKFLOW,
            "--params",
            &path,
            "--base-url",
            &url,
            "--retries",
            "2",
            "--retry-delay-ms",
            "10",
        ],
    );
    let (_, stderr) = expect_exit(&out, 1);
    assert_contains(
        &stderr,
        &[
            "connection refused",
            "nothing was sent",
            "gave up after 3 attempts",
        ],
    );
}

fn sse(id: usize, event: &str, data: &str) -> String {
    format!("id: {id}\nevent: {event}\ndata: {data}\n\n")
}

fn message(id: usize, content: &str, seq: usize, finish: bool, node: &str) -> String {
    sse(
        id,
        "Message",
        &json!({"content": content, "node_is_finish": finish, "node_seq_id": seq.to_string(), "node_title": node})
            .to_string(),
    )
}

/// A stream of two chunks of a message node, a gap, the end node's output, and Done.
fn joke_stream(gap: Duration) -> Reply {
    let ms = Duration::from_millis(20);
    Reply::events(vec![
        (ms, message(0, "Why did the ", 0, false, "Message")),
        (ms, sse(1, "PING", "{}")),
        (ms, message(2, "ruler go?", 1, true, "Message")),
        (gap, message(3, OUTPUT, 0, true, "")),
        (
            ms,
            sse(
                4,
                "Done",
                r#"{"debug_url":"https://www.coze.cn/work_flow?execute_id=7429&space_id=1"}"#,
            ),
        ),
    ])
}

/// Runs cozegen with stdout piped and returns each piece of stdout with the time it arrived,
/// plus the exit status and stderr.
fn run_timed(args: &[&str]) -> (Vec<(Instant, String)>, std::process::ExitStatus, String) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cozegen"))
        .args(args)
        .current_dir(root())
        .env("COZE_API_TOKEN", TOKEN)
        .env_remove("COZE_API_BASE")
        .env_remove("http_proxy")
        .env_remove("HTTP_PROXY")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn cozegen");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut pieces = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stdout.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => pieces.push((
                Instant::now(),
                String::from_utf8_lossy(&buf[..n]).into_owned(),
            )),
        }
    }
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let all: String = pieces.iter().map(|(_, p)| p.as_str()).collect();
    assert!(
        !all.contains(TOKEN) && !stderr.contains(TOKEN),
        "token leaked"
    );
    (pieces, out.status, stderr)
}

#[test]
fn a_stream_prints_messages_in_order_as_they_arrive() {
    let server = Api::routes(vec![(
        STREAM_RUN_TARGET.to_owned(),
        joke_stream(Duration::from_millis(1500)),
    )]);
    let (_dir, path) = params_file(&valid_params());
    let url = server.url();
    let (pieces, status, stderr) = run_timed(&[
        "run",
        WORKFLOW,
        "--params",
        &path,
        "--base-url",
        &url,
        "--stream",
    ]);
    assert_eq!(status.code(), Some(0), "{stderr}");
    let all: String = pieces.iter().map(|(_, p)| p.as_str()).collect();
    assert_eq!(all, format!("Why did the ruler go?\n{OUTPUT}\n"));
    // The first message was on stdout well before the end node's output was even sent.
    let first = pieces.first().expect("some output").0;
    let last = pieces.last().expect("some output").0;
    assert!(
        last - first >= Duration::from_millis(1000),
        "the messages were not printed as they arrived: {pieces:?}"
    );
    assert_contains(
        &stderr,
        &["debug_url: https://www.coze.cn/work_flow?execute_id=7429&space_id=1"],
    );
    let seen = server.seen();
    assert_eq!(
        seen[0].request_line(),
        "POST /v1/workflow/stream_run HTTP/1.1"
    );
    assert_eq!(
        seen[0].json(),
        json!({"workflow_id": ID, "parameters": valid_params()})
    );
}

#[test]
fn stream_json_prints_one_event_per_line() {
    let server = Api::routes(vec![(
        STREAM_RUN_TARGET.to_owned(),
        joke_stream(Duration::from_millis(20)),
    )]);
    let out = run_valid(&server, &["--stream", "--json"]);
    let (stdout, _) = expect_exit(&out, 0);
    let events: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    let names: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Message", "PING", "Message", "Message", "Done"]);
    assert_eq!(events[0]["id"], "0");
    assert_eq!(events[0]["data"]["content"], "Why did the ");
    assert_eq!(events[3]["data"]["content"], OUTPUT);
}

#[test]
fn an_error_event_fails_the_run() {
    let server = Api::routes(vec![(
        STREAM_RUN_TARGET.to_owned(),
        Reply::events(vec![
            (Duration::ZERO, message(0, "Working", 0, true, "Message")),
            (
                Duration::from_millis(20),
                sse(
                    1,
                    "Error",
                    r#"{"error_code":4000,"error_message":"Request parameter error"}"#,
                ),
            ),
        ]),
    )]);
    let out = run_valid(&server, &["--stream"]);
    let (stdout, stderr) = expect_exit(&out, 1);
    assert_eq!(stdout, "Working\n");
    assert_contains(&stderr, &["error 4000", "Request parameter error"]);
}

#[test]
fn a_stream_cut_short_is_not_retried_because_the_run_may_have_started() {
    let server = Api::scripted(vec![
        Reply::events(vec![(
            Duration::ZERO,
            message(0, "Half", 0, false, "Message"),
        )])
        .cut(),
        joke_stream(Duration::ZERO),
    ]);
    let out = run_valid(&server, &["--stream"]);
    let (stdout, stderr) = expect_exit(&out, 1);
    assert_eq!(stdout, "Half");
    assert_contains(&stderr, &["the run may have started"]);
    assert_eq!(server.count(), 1, "the run was sent again");
}

#[test]
fn an_interrupt_prints_its_event_id_question_and_how_to_resume() {
    // As in Coze's documentation: the question node's message, then the interrupt, whose
    // `data` is empty.
    let server = Api::routes(vec![(
        STREAM_RUN_TARGET.to_owned(),
        Reply::events(vec![
            (
                Duration::ZERO,
                message(0, "Which city, and which day?", 0, true, "Question"),
            ),
            (
                Duration::from_millis(20),
                sse(
                    1,
                    "Interrupt",
                    r#"{"interrupt_data":{"data":"","event_id":"7404830425073352713/2769808280134765896","type":2},"node_title":"Question"}"#,
                ),
            ),
        ]),
    )]);
    let out = run_valid(&server, &["--stream"]);
    let (stdout, stderr) = expect_exit(&out, 3);
    assert_eq!(stdout, "Which city, and which day?\n");
    assert_contains(
        &stderr,
        &[
            "interrupted: event_id 7404830425073352713/2769808280134765896 (type 2, question node) at node Question",
            "question: Which city, and which day?",
            &format!(
                "resume with: cozegen run {WORKFLOW} --stream --resume \
                 '7404830425073352713/2769808280134765896' --interrupt-type 2 --answer 'YOUR ANSWER'"
            ),
        ],
    );
}

#[test]
fn resume_with_stream_posts_the_answer_to_stream_resume() {
    let server = Api::routes(vec![(
        STREAM_RESUME_TARGET.to_owned(),
        Reply::events(vec![
            (Duration::ZERO, message(0, OUTPUT, 0, true, "End")),
            (Duration::ZERO, sse(1, "Done", "{}")),
        ]),
    )]);
    let url = server.url();
    let out = run_in(
        &root(),
        &[
            "run",
            WORKFLOW,
            "--base-url",
            &url,
            "--stream",
            "--resume",
            "7404830425073352713/2769808280134765896",
            "--interrupt-type",
            "5",
            "--answer",
            "Hangzhou, 2024-08-20",
        ],
    );
    let (stdout, _) = expect_exit(&out, 0);
    assert_eq!(stdout, format!("{OUTPUT}\n"));
    let seen = server.seen();
    assert_eq!(
        seen[0].request_line(),
        "POST /v1/workflow/stream_resume HTTP/1.1"
    );
    assert_eq!(
        seen[0].json(),
        json!({
            "workflow_id": ID,
            "event_id": "7404830425073352713/2769808280134765896",
            "resume_data": "Hangzhou, 2024-08-20",
            "interrupt_type": 5
        })
    );
}

#[test]
fn resume_without_stream_posts_to_workflows_resume_and_prints_the_output() {
    let server = Api::routes(vec![(RESUME_TARGET.to_owned(), answer(OUTPUT))]);
    let url = server.url();
    let out = run_in(
        &root(),
        &[
            "run",
            "-w",
            ID,
            "--base-url",
            &url,
            "--resume",
            "74/1",
            "--answer",
            "Paris",
        ],
    );
    let (stdout, _) = expect_exit(&out, 0);
    assert_eq!(
        serde_json::from_str::<Value>(&stdout).unwrap(),
        serde_json::from_str::<Value>(OUTPUT).unwrap()
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 1, "-w with --resume fetches nothing");
    assert_eq!(seen[0].request_line(), "POST /v1/workflows/resume HTTP/1.1");
    assert_eq!(
        seen[0].json(),
        json!({"workflow_id": ID, "event_id": "74/1", "resume_data": "Paris", "interrupt_type": 2})
    );
}

#[test]
fn an_interrupt_in_a_run_answer_prints_how_to_resume() {
    let server = Api::routes(vec![(
        RUN_TARGET.to_owned(),
        Reply::new(
            200,
            r#"{"code":0,"msg":"","execute_id":"75","interrupt_data":{"data":"{\"content_type\":\"text\",\"content\":\"Your name?\"}","type":5,"event_id":"7404/1"}}"#,
        ),
    )]);
    let out = run_valid(&server, &[]);
    let (stdout, stderr) = expect_exit(&out, 3);
    assert_eq!(stdout, "");
    assert_contains(
        &stderr,
        &[
            "interrupted: event_id 7404/1 (type 5, input node)",
            "question: Your name?",
            "--resume '7404/1' --interrupt-type 5",
            "execute_id: 75",
        ],
    );
}

#[test]
fn run_arguments_that_cannot_work_are_usage_errors() {
    for args in [
        &["run", WORKFLOW][..],
        &["run", WORKFLOW, "--params", "p.json", "--json"],
        &["run", WORKFLOW, "--resume", "1/2"],
        &[
            "run", WORKFLOW, "--params", "p.json", "--app-id", "1", "--bot-id", "2",
        ],
    ] {
        let out = run_in(&root(), args);
        expect_exit(&out, 2);
    }
}

#[test]
fn run_with_an_id_fetches_the_definition_then_runs_that_workflow() {
    let info = std::fs::read(root().join(WORKFLOW)).expect("example workflow");
    let server = Api::routes(vec![
        (workflow_target("42"), Reply::new(200, info)),
        (RUN_TARGET.to_owned(), answer(OUTPUT)),
    ]);
    let (_dir, path) = params_file(&valid_params());
    let url = server.url();
    let out = run_in(
        &root(),
        &["run", "-w", "42", "--params", &path, "--base-url", &url],
    );
    expect_exit(&out, 0);
    let requests = server.requests();
    assert_eq!(
        requests,
        [
            format!("GET {} HTTP/1.1", workflow_target("42")),
            "POST /v1/workflow/run HTTP/1.1".to_owned()
        ]
    );
    assert_eq!(server.seen()[1].json()["workflow_id"], "42");
}

#[test]
fn the_token_is_scrubbed_from_streamed_messages() {
    let server = Api::routes(vec![(
        STREAM_RUN_TARGET.to_owned(),
        Reply::events(vec![
            (
                Duration::ZERO,
                message(0, &format!("echo {TOKEN}"), 0, true, "Message"),
            ),
            (Duration::ZERO, sse(1, "Done", "{}")),
        ]),
    )]);
    for extra in [&["--stream"][..], &["--stream", "--json"]] {
        let out = run_valid(&server, extra);
        let (stdout, _) = expect_exit(&out, 0);
        assert_contains(&stdout, &["echo <redacted>"]);
    }
}

// Chatflows: `POST /v1/workflows/chat`, the message in `additional_messages`.

/// A cloud chatflow of an app (`USER_INPUT`, `CONVERSATION_NAME`, `city`, `days`).
const CHATFLOW: &str = "tests/corpus/chatflow.json";
const CHATFLOW_ID: &str = "7507120000000091219";

fn chat_event(event: &str, data: Value) -> String {
    format!("event: {event}\ndata: {data}\n\n")
}

fn delta(content: &str) -> String {
    chat_event(
        "conversation.message.delta",
        json!({"id": "122", "conversation_id": "456", "role": "assistant", "type": "answer",
               "content": content, "content_type": "text", "chat_id": "567"}),
    )
}

/// A chat as Coze's documentation shows it: created, in progress, two answer deltas (with
/// `gap` before the second), the completed answer and a verbose message, completed, done.
fn chat_stream(gap: Duration) -> Reply {
    let ms = Duration::from_millis(20);
    let chat = |status: &str| {
        json!({"id": "567", "conversation_id": "456", "status": status,
               "last_error": {"code": 0, "msg": ""},
               "usage": {"token_count": 30, "output_count": 10, "input_count": 20}})
    };
    Reply::events(vec![
        (ms, chat_event("conversation.chat.created", chat("created"))),
        (
            ms,
            chat_event("conversation.chat.in_progress", chat("in_progress")),
        ),
        (ms, delta("Paris is best ")),
        (gap, delta("in spring.")),
        (
            ms,
            chat_event(
                "conversation.message.completed",
                json!({"id": "122", "conversation_id": "456", "role": "assistant", "type": "answer",
                       "content": "Paris is best in spring.", "content_type": "text", "chat_id": "567"}),
            ),
        ),
        (
            ms,
            chat_event(
                "conversation.message.completed",
                json!({"id": "125", "conversation_id": "456", "role": "assistant", "type": "verbose",
                       "content": "{\"msg_type\":\"generate_answer_finish\",\"data\":\"\"}",
                       "content_type": "text", "chat_id": "567"}),
            ),
        ),
        (
            ms,
            chat_event("conversation.chat.completed", chat("completed")),
        ),
        (
            ms,
            chat_event(
                "done",
                json!({"debug_url": "https://www.coze.cn/work_flow?execute_id=7444&space_id=1"}),
            ),
        ),
    ])
}

fn chat_with(server: &Api, params: Option<&Value>, extra: &[&str]) -> Output {
    let (_dir, path) = params_file(params.unwrap_or(&json!({})));
    let url = server.url();
    let mut args = vec![
        "run",
        CHATFLOW,
        "--base-url",
        &url,
        "--retry-delay-ms",
        "10",
    ];
    if params.is_some() {
        args.extend_from_slice(&["--params", &path]);
    }
    args.extend_from_slice(extra);
    run_in(&root(), &args)
}

#[test]
fn a_chatflow_run_posts_the_message_in_additional_messages_and_prints_the_answer() {
    let server = Api::routes(vec![(CHAT_TARGET.to_owned(), chat_stream(Duration::ZERO))]);
    let params = json!({"city": "Paris", "CONVERSATION_NAME": "trips"});
    let out = chat_with(&server, Some(&params), &["--message", "When should I go?"]);
    let (stdout, stderr) = expect_exit(&out, 0);
    assert_eq!(stdout, "Paris is best in spring.\n");
    assert_contains(
        &stderr,
        &[
            "conversation_id: 456",
            "chat_id: 567",
            "debug_url: https://www.coze.cn/work_flow?execute_id=7444&space_id=1",
            r#"usage: {"input_count":20,"output_count":10,"token_count":30}"#,
        ],
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].request_line(), "POST /v1/workflows/chat HTTP/1.1");
    assert_eq!(
        seen[0].header("accept").as_deref(),
        Some("text/event-stream")
    );
    // The app the chatflow belongs to comes from its WorkflowInfo: Coze needs an app or an
    // agent for a chat.
    assert_eq!(
        seen[0].json(),
        json!({
            "workflow_id": CHATFLOW_ID,
            "additional_messages": [
                {"role": "user", "content": "When should I go?", "content_type": "text"}
            ],
            "parameters": {"city": "Paris", "CONVERSATION_NAME": "trips"},
            "app_id": "7493481000000008294"
        })
    );
}

#[test]
fn a_chat_takes_an_agent_a_conversation_and_a_version_instead() {
    let server = Api::routes(vec![(CHAT_TARGET.to_owned(), chat_stream(Duration::ZERO))]);
    let out = chat_with(
        &server,
        Some(&json!({"city": "Oslo"})),
        &[
            "--message",
            "hi",
            "--bot-id",
            "7504921655593000",
            "--conversation-id",
            "7237029000",
            "--workflow-version",
            "v0.0.5",
        ],
    );
    expect_exit(&out, 0);
    let body = server.seen()[0].json();
    assert_eq!(body["bot_id"], "7504921655593000");
    assert_eq!(body["conversation_id"], "7237029000");
    assert_eq!(body["workflow_version"], "v0.0.5");
    assert!(body.get("app_id").is_none(), "{body}");
}

#[test]
fn a_chat_prints_the_answer_as_it_arrives() {
    let server = Api::routes(vec![(
        CHAT_TARGET.to_owned(),
        chat_stream(Duration::from_millis(1500)),
    )]);
    let (_dir, path) = params_file(&json!({"city": "Paris"}));
    let url = server.url();
    let (pieces, status, stderr) = run_timed(&[
        "run",
        CHATFLOW,
        "--params",
        &path,
        "--message",
        "When?",
        "--base-url",
        &url,
    ]);
    assert_eq!(status.code(), Some(0), "{stderr}");
    let all: String = pieces.iter().map(|(_, p)| p.as_str()).collect();
    assert_eq!(all, "Paris is best in spring.\n");
    let first = pieces.first().expect("some output");
    assert_eq!(first.1, "Paris is best ");
    let last = pieces.last().expect("some output").0;
    assert!(
        last - first.0 >= Duration::from_millis(1000),
        "the answer was not printed as it arrived: {pieces:?}"
    );
}

#[test]
fn a_chat_with_json_prints_one_event_per_line() {
    let server = Api::routes(vec![(CHAT_TARGET.to_owned(), chat_stream(Duration::ZERO))]);
    let out = chat_with(
        &server,
        Some(&json!({"city": "Paris"})),
        &["--message", "When?", "--json"],
    );
    let (stdout, _) = expect_exit(&out, 0);
    let names: Vec<String> = stdout
        .lines()
        .map(|l| {
            let event: Value = serde_json::from_str(l).expect("a JSON line");
            event["event"].as_str().expect("event").to_owned()
        })
        .collect();
    assert_eq!(
        names,
        [
            "conversation.chat.created",
            "conversation.chat.in_progress",
            "conversation.message.delta",
            "conversation.message.delta",
            "conversation.message.completed",
            "conversation.message.completed",
            "conversation.chat.completed",
            "done"
        ]
    );
}

#[test]
fn chat_errors_quote_code_msg_and_logid() {
    let failed = Reply::events(vec![
        (Duration::ZERO, delta("Let me ")),
        (
            Duration::from_millis(20),
            chat_event(
                "conversation.chat.failed",
                json!({"code": "720702204", "msg": "会话名不存在"}),
            ),
        ),
    ])
    .header("X-Tt-Logid", "2025071621341000004D");
    let error = Reply::events(vec![(
        Duration::ZERO,
        chat_event(
            "error",
            json!({"code": 4000, "msg": format!("bad token {TOKEN}")}),
        ),
    )]);
    for (reply, parts) in [
        (
            failed,
            &[
                "error 720702204",
                "会话名不存在",
                "logid 2025071621341000004D",
            ][..],
        ),
        (error, &["error 4000", "bad token <redacted>"][..]),
    ] {
        let server = Api::routes(vec![(CHAT_TARGET.to_owned(), reply)]);
        let out = chat_with(
            &server,
            Some(&json!({"city": "Paris"})),
            &["--message", "hi"],
        );
        let (_, stderr) = expect_exit(&out, 1);
        assert_contains(&stderr, parts);
        assert_eq!(server.count(), 1);
    }
}

#[test]
fn a_chat_cut_short_is_not_sent_again() {
    let server = Api::scripted(vec![
        Reply::events(vec![(Duration::ZERO, delta("Half"))]).cut(),
        chat_stream(Duration::ZERO),
    ]);
    let out = chat_with(
        &server,
        Some(&json!({"city": "Paris"})),
        &["--message", "hi"],
    );
    let (stdout, stderr) = expect_exit(&out, 1);
    assert_eq!(stdout, "Half");
    assert_contains(
        &stderr,
        &["may have started", "chat id 567 in conversation 456"],
    );
    assert_eq!(server.count(), 1, "the chat was sent again");
}

#[test]
fn a_chatflow_waiting_for_an_answer_says_how_to_continue() {
    let server = Api::routes(vec![(
        CHAT_TARGET.to_owned(),
        Reply::events(vec![
            (Duration::ZERO, delta("Which month?")),
            (
                Duration::ZERO,
                chat_event(
                    "conversation.chat.requires_action",
                    json!({"id": "567", "conversation_id": "456", "status": "requires_action"}),
                ),
            ),
            (Duration::ZERO, chat_event("done", json!({}))),
        ]),
    )]);
    let out = chat_with(
        &server,
        Some(&json!({"city": "Paris"})),
        &["--message", "hi"],
    );
    let (stdout, stderr) = expect_exit(&out, 3);
    assert_eq!(stdout, "Which month?");
    assert_contains(
        &stderr,
        &[
            "the chatflow waits for an answer",
            &format!("answer with: cozegen run {CHATFLOW} --params "),
            "--message 'YOUR ANSWER' --conversation-id '456'",
        ],
    );
}

#[test]
fn a_chatflow_needs_its_message_and_a_workflow_refuses_one() {
    let server = Api::routes(vec![(CHAT_TARGET.to_owned(), chat_stream(Duration::ZERO))]);
    let out = chat_with(&server, Some(&json!({"city": "Paris"})), &[]);
    let (_, stderr) = expect_exit(&out, 2);
    assert_contains(&stderr, &["this is a chatflow", "--message TEXT"]);
    let out = run_valid(&server, &["--message", "hi"]);
    let (_, stderr) = expect_exit(&out, 2);
    assert_contains(&stderr, &["--message is for chatflows"]);
    assert_eq!(server.count(), 0, "something was sent");
}

#[test]
fn a_chat_checks_its_parameters_and_refuses_the_message_among_them() {
    let server = Api::routes(vec![(CHAT_TARGET.to_owned(), chat_stream(Duration::ZERO))]);
    let out = chat_with(
        &server,
        Some(&json!({"USER_INPUT": "hi", "days": "3"})),
        &["--message", "hi"],
    );
    let (_, stderr) = expect_exit(&out, 1);
    assert_contains(
        &stderr,
        &[
            "city: required parameter is missing",
            "days: expected an integer",
            "USER_INPUT: is a chatflow's message",
            "nothing was sent",
        ],
    );
    assert_eq!(server.count(), 0);
}

/// A name that cannot resolve (`.invalid` is reserved for that): nothing reached Coze, so the
/// run, the stream and the chat each say nothing was sent, and are tried again.
#[test]
fn an_unresolvable_host_is_reported_as_not_sent_and_retried() {
    let (_dir, params) = params_file(&valid_params());
    let (_chat_dir, chat_params) = params_file(&json!({"city": "Paris"}));
    let base = "https://coze-api.invalid";
    let common = [
        "--base-url",
        base,
        "--retries",
        "2",
        "--retry-delay-ms",
        "1",
    ];
    let cases: [(&str, Vec<&str>); 3] = [
        ("run", vec!["run", WORKFLOW, "--params", &params]),
        (
            "stream",
            vec!["run", WORKFLOW, "--params", &params, "--stream"],
        ),
        (
            "chat",
            vec!["run", CHATFLOW, "--message", "Hi", "--params", &chat_params],
        ),
    ];
    for (what, mut args) in cases {
        args.extend_from_slice(&common);
        let out = run_in(&root(), &args);
        let (_, stderr) = expect_exit(&out, 1);
        assert_contains(
            &stderr,
            &[
                "cannot resolve the host of coze-api.invalid",
                "nothing was sent",
                "gave up after 3 attempts",
            ],
        );
        assert!(!stderr.contains("may have started"), "{what}: {stderr}");
    }
}

/// Every endpoint that starts something (a run, a streamed run, their resumes, a chat) is sent
/// once, whatever follows: a dropped connection or a 5xx after the request may have reached
/// Coze is reported as a run that may have started, never sent again.
#[test]
fn no_run_endpoint_sends_a_request_twice_once_it_may_have_reached_coze() {
    let (_dir, params) = params_file(&valid_params());
    let (_chat_dir, chat_params) = params_file(&json!({"city": "Paris"}));
    let resume = ["--resume", "74/1", "--answer", "Paris"];
    let cases: [(&str, Vec<&str>); 5] = [
        (RUN_TARGET, vec!["run", WORKFLOW, "--params", &params]),
        (
            STREAM_RUN_TARGET,
            vec!["run", WORKFLOW, "--params", &params, "--stream"],
        ),
        (RESUME_TARGET, [&["run", WORKFLOW][..], &resume].concat()),
        (
            STREAM_RESUME_TARGET,
            [&["run", WORKFLOW, "--stream"][..], &resume].concat(),
        ),
        (
            CHAT_TARGET,
            vec!["run", CHATFLOW, "--message", "Hi", "--params", &chat_params],
        ),
    ];
    for (target, args) in cases {
        for failure in [
            Reply::drop_connection(),
            Reply::new(502, r#"{"code":5000,"msg":"upstream"}"#),
        ] {
            let server = Api::scripted(vec![failure, answer(OUTPUT)]);
            let url = server.url();
            let mut args = args.clone();
            args.extend_from_slice(&["--base-url", &url, "--retry-delay-ms", "1"]);
            let (_, stderr) = expect_exit(&run_in(&root(), &args), 1);
            assert_contains(&stderr, &["may have started", "did not send it again"]);
            let requests = server.requests();
            assert_eq!(requests, [format!("POST {target} HTTP/1.1")], "{stderr}");
        }
    }
}

/// The token arriving in two pieces of one `data:` line (two chunks of the HTTP body, apart in
/// time) is joined before it is scrubbed.
#[test]
fn a_token_cut_between_two_chunks_of_one_event_is_scrubbed() {
    let event = message(0, &format!("key {TOKEN} ok"), 0, true, "Message");
    let cut = event.find(&TOKEN[..8]).expect("the token is in the event") + 8;
    let (head, tail) = event.split_at(cut);
    let server = Api::routes(vec![(
        STREAM_RUN_TARGET.to_owned(),
        Reply::events(vec![
            (Duration::ZERO, head.to_owned()),
            (Duration::from_millis(200), tail.to_owned()),
            (Duration::ZERO, sse(1, "Done", "{}")),
        ]),
    )]);
    let out = run_valid(&server, &["--stream"]);
    let (stdout, _) = expect_exit(&out, 0);
    assert_eq!(stdout, "key <redacted> ok\n");
    let out = run_valid(&server, &["--stream", "--json"]);
    let (stdout, _) = expect_exit(&out, 0);
    assert_contains(&stdout, &[r#""content":"key <redacted> ok""#]);
}

/// The token arriving as the end of one message's content and the start of the next: what is
/// printed as it arrives (the contents joined) has it redacted, as do the JSON lines' contents.
#[test]
fn a_token_split_across_two_messages_is_redacted_where_they_join() {
    let (first, second) = TOKEN.split_at(9);
    let server = Api::routes(vec![
        (
            STREAM_RUN_TARGET.to_owned(),
            Reply::events(vec![
                (
                    Duration::ZERO,
                    message(0, &format!("key {first}"), 0, false, "Message"),
                ),
                (Duration::from_millis(50), sse(1, "PING", "{}")),
                (
                    Duration::from_millis(50),
                    message(2, &format!("{second} ok"), 1, true, "Message"),
                ),
                (Duration::ZERO, sse(3, "Done", "{}")),
            ]),
        ),
        (
            CHAT_TARGET.to_owned(),
            Reply::events(vec![
                (Duration::ZERO, delta(&format!("key {first}"))),
                (Duration::from_millis(50), delta(&format!("{second} ok"))),
                (
                    Duration::ZERO,
                    chat_event("conversation.chat.completed", json!({"id": "567"})),
                ),
                (Duration::ZERO, chat_event("done", json!({}))),
            ]),
        ),
    ]);
    let out = run_valid(&server, &["--stream"]);
    let (stdout, _) = expect_exit(&out, 0);
    assert_eq!(stdout, "key <redacted> ok\n");
    let out = run_valid(&server, &["--stream", "--json"]);
    let (stdout, _) = expect_exit(&out, 0);
    let contents: String = stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("a JSON line"))
        .filter_map(|e| e["data"]["content"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(contents, "key <redacted> ok");
    let out = chat_with(
        &server,
        Some(&json!({"city": "Paris"})),
        &["--message", "hi"],
    );
    let (stdout, _) = expect_exit(&out, 0);
    assert_eq!(stdout, "key <redacted> ok");
}

// Local files as file parameters (`--file`), input nodes' answers (`--answer-params`), `ext`
// and `connector_id`.

const FILES_ID: &str = "7350583675492399123";

/// A workflow with file parameters at the top level, in an object and in arrays, saved in a
/// fresh directory with the files `po.pdf`, `a.jpg`, `b.png` and `notes.txt`.
fn files_workflow() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let info = json!({
        "workflow_detail": {"workflow_id": FILES_ID},
        "input": {"parameters": {
            "invoice": {"type": "doc", "required": true},
            "photos": {"type": "array", "items": {"type": "image"}},
            "order": {"type": "object", "properties": {"attachment": {"type": "file"}}},
            "items": {"type": "array", "items": {"type": "object", "properties": {
                "scan": {"type": "image"}, "qty": {"type": "integer"}}}},
            "note": {"type": "string"}
        }},
        "output": {"parameters": {"ok": {"type": "boolean"}}}
    });
    std::fs::write(dir.path().join("wf.json"), info.to_string()).unwrap();
    for (name, bytes) in [
        ("po.pdf", &b"%PDF-1.7 --cozegen-boundary-0000000000"[..]),
        ("a.jpg", b"\xff\xd8\xff\xe0 jpeg"),
        ("b.png", b"\x89PNG"),
        ("notes.txt", b"notes"),
    ] {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

fn uploaded(id: &str) -> Reply {
    Reply::new(
        200,
        json!({"code": 0, "msg": "", "data": {"id": id, "bytes": 5, "file_name": "x",
               "created_at": 1715847583}})
        .to_string(),
    )
}

fn run_files(dir: &std::path::Path, server: &Api, extra: &[&str]) -> Output {
    let url = server.url();
    let mut args = vec![
        "run",
        "wf.json",
        "--base-url",
        &url,
        "--retry-delay-ms",
        "10",
    ];
    args.extend_from_slice(extra);
    run_in(dir, &args)
}

#[test]
fn files_are_uploaded_then_filled_at_their_paths_as_file_id_text() {
    let dir = files_workflow();
    std::fs::write(
        dir.path().join("p.json"),
        r#"{"items":[{"qty":1}],"note":"n"}"#,
    )
    .unwrap();
    let server = Api::scripted(vec![
        uploaded("701"),
        uploaded("702"),
        uploaded("703"),
        uploaded("704"),
        answer(r#"{"ok":true}"#),
    ]);
    let out = run_files(
        dir.path(),
        &server,
        &[
            "--params",
            "p.json",
            "--file",
            "invoice=po.pdf",
            "--file",
            "photos[0]=a.jpg",
            "--file",
            "order.attachment=notes.txt",
            "--file",
            "items[0].scan=b.png",
        ],
    );
    let (_, stderr) = expect_exit(&out, 0);
    assert_contains(
        &stderr,
        &[r#"uploaded po.pdf for invoice: {"file_id":"701"}"#],
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 5);
    for (i, (name, content)) in [
        ("po.pdf", &b"%PDF-1.7 --cozegen-boundary-0000000000"[..]),
        ("a.jpg", b"\xff\xd8\xff\xe0 jpeg"),
        ("notes.txt", b"notes"),
        ("b.png", b"\x89PNG"),
    ]
    .into_iter()
    .enumerate()
    {
        assert_eq!(seen[i].request_line(), "POST /v1/files/upload HTTP/1.1");
        assert_eq!(
            seen[i].header("Authorization"),
            Some(format!("Bearer {TOKEN}"))
        );
        let (head, body) = seen[i].multipart();
        assert_contains(
            &head,
            &[&format!(
                "Content-Disposition: form-data; name=\"file\"; filename=\"{name}\""
            )],
        );
        assert_eq!(body, content);
    }
    // The PDF holds the first boundary, so its form uses another one.
    assert!(
        seen[0]
            .header("Content-Type")
            .unwrap()
            .ends_with("cozegen-boundary-0000000001")
    );
    assert_eq!(seen[4].target(), RUN_TARGET);
    assert_eq!(
        seen[4].json()["parameters"],
        json!({
            "items": [{"qty": 1, "scan": "{\"file_id\":\"704\"}"}],
            "note": "n",
            "invoice": "{\"file_id\":\"701\"}",
            "photos": ["{\"file_id\":\"702\"}"],
            "order": {"attachment": "{\"file_id\":\"703\"}"}
        })
    );
}

#[test]
fn bad_files_and_paths_are_refused_before_anything_is_sent() {
    let dir = files_workflow();
    let server = Api::scripted(vec![uploaded("1"), answer("{}")]);
    let cases: [(&[&str], i32, &str); 7] = [
        (
            &["--file", "invoice=po.pdf", "--file", "photos[0]=po.pdf"],
            2,
            "--file photos[0]: the parameter takes a `image` file, and po.pdf is a `doc` file",
        ),
        (
            &["--file", "invoice=missing.pdf"],
            1,
            "cannot upload missing.pdf: no such file",
        ),
        (
            &["--file", "invoce=po.pdf"],
            2,
            "--file invoce: not a parameter of this workflow",
        ),
        (
            &["--file", "note=notes.txt"],
            2,
            "--file note: the parameter is of type `string`, not a file",
        ),
        (
            &["--file", "invoice=po.pdf", "--file", "photos[1]=a.jpg"],
            2,
            "--file photos[1]: index 1 is past the end of photos, which has 0 elements",
        ),
        (&["--file", "invoice"], 2, "is not PARAMETER=FILE"),
        // The parameters are checked with the files in place before any upload.
        (
            &["--file", "photos[0]=a.jpg"],
            1,
            "invoice: required parameter is missing",
        ),
    ];
    for (args, code, message) in cases {
        let out = run_files(dir.path(), &server, args);
        let (_, stderr) = expect_exit(&out, code);
        assert_contains(&stderr, &[message]);
        assert_eq!(server.count(), 0, "{args:?}: {stderr}");
    }
}

#[test]
fn a_failed_upload_sends_no_run() {
    let dir = files_workflow();
    let server = Api::scripted(vec![
        uploaded("1"),
        Reply::new(400, r#"{"code":4000,"msg":"bad file"}"#),
        answer("{}"),
    ]);
    let out = run_files(
        dir.path(),
        &server,
        &["--file", "invoice=po.pdf", "--file", "photos[0]=a.jpg"],
    );
    let (_, stderr) = expect_exit(&out, 1);
    assert_contains(&stderr, &["/v1/files/upload", "bad file"]);
    assert_eq!(
        server.requests(),
        [
            "POST /v1/files/upload HTTP/1.1",
            "POST /v1/files/upload HTTP/1.1"
        ]
    );
}

#[test]
fn hostile_file_names_are_encoded_safely() {
    let dir = files_workflow();
    let name = "a\"b\r\nX-Evil: 1 发票.pdf";
    std::fs::write(dir.path().join(name), b"pdf").unwrap();
    let server = Api::scripted(vec![uploaded("9"), answer(r#"{"ok":true}"#)]);
    let arg = format!("invoice={name}");
    let out = run_files(dir.path(), &server, &["--file", &arg]);
    expect_exit(&out, 0);
    let seen = server.seen();
    let (head, body) = seen[0].multipart();
    assert_eq!(body, b"pdf");
    let lines: Vec<&str> = head.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "Content-Disposition: form-data; name=\"file\"; filename=\"a_b__X-Evil: 1 __.pdf\"; \
         filename*=UTF-8''a%22b%0D%0AX-Evil%3A%201%20%E5%8F%91%E7%A5%A8.pdf"
    );
    assert_eq!(lines.len(), 2, "{head}");
}

/// A Coze Studio canvas answer for a workflow with an image parameter.
fn studio_workflow(dir: &std::path::Path) {
    let canvas = json!({
        "nodes": [
            {"id": "100001", "type": "1", "data": {"outputs": [
                {"name": "photo", "type": "string", "assistType": 2, "required": true}
            ]}},
            {"id": "900001", "type": "2", "data": {"inputs": {
                "terminatePlan": "returnVariables", "inputParameters": []}}}
        ],
        "edges": []
    });
    let answer = json!({"code": 0, "msg": "", "data": {"workflow": {
        "workflow_id": FILES_ID, "name": "photo", "schema_json": canvas.to_string()}}});
    std::fs::write(dir.join("wf.json"), answer.to_string()).unwrap();
}

#[test]
fn on_coze_studio_an_uploaded_file_is_passed_by_the_url_its_upload_answers() {
    let dir = files_workflow();
    studio_workflow(dir.path());
    let studio_upload = Reply::new(
        200,
        json!({"code": 0, "msg": "", "data": {"id": "7", "uri": "obj/a.jpg",
               "url": "http://127.0.0.1:9000/bucket/obj/a.jpg?X-Amz-Signature=1",
               "file_name": "a.jpg", "bytes": 9}})
        .to_string(),
    );
    let server = Api::scripted(vec![studio_upload, answer("{}")]);
    let out = run_files(dir.path(), &server, &["--file", "photo=a.jpg"]);
    expect_exit(&out, 0);
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[1].json()["parameters"],
        json!({"photo": "http://127.0.0.1:9000/bucket/obj/a.jpg?X-Amz-Signature=1"})
    );
    drop(seen);
    // An upload that answers only an id cannot be used on Studio: no run.
    let server = Api::scripted(vec![uploaded("7"), answer("{}")]);
    let out = run_files(dir.path(), &server, &["--file", "photo=a.jpg"]);
    let (_, stderr) = expect_exit(&out, 1);
    assert_contains(&stderr, &["answered without the file's url"]);
    assert_eq!(server.count(), 1);
}

fn input_interrupt() -> Reply {
    Reply::new(
        200,
        json!({"code": 0, "msg": "", "execute_id": "1",
        "interrupt_data": {
            "event_id": "75694987037/2691977632", "type": 5,
            "data": "{\"content_type\":\"text\",\"content\":\"Your name and photo\"}",
            "required_parameters": {
                "name": {"type": "string", "required": true},
                "img": {"type": "image", "required": true},
                "age": {"type": "integer"}
            }}})
        .to_string(),
    )
}

#[test]
fn an_input_nodes_required_parameters_are_printed_and_an_answer_is_checked_against_them() {
    let server = Api::scripted(vec![input_interrupt()]);
    let out = run_valid(&server, &[]);
    let (_, stderr) = expect_exit(&out, 3);
    let required = r#"{"name":{"type":"string","required":true},"img":{"type":"image","required":true},"age":{"type":"integer"}}"#;
    assert_contains(
        &stderr,
        &[
            &format!("required_parameters: {required}"),
            &format!(
                "--resume '75694987037/2691977632' --interrupt-type 5 --answer-params \
                 ANSWER.json --required-parameters '{required}'"
            ),
        ],
    );

    let dir = tempfile::tempdir().unwrap();
    let resume = |answer: &Value, server: &Api| {
        std::fs::write(dir.path().join("answer.json"), answer.to_string()).unwrap();
        let url = server.url();
        run_in(
            dir.path(),
            &[
                "run",
                "-w",
                ID,
                "--resume",
                "75694987037/2691977632",
                "--interrupt-type",
                "5",
                "--answer-params",
                "answer.json",
                "--required-parameters",
                required,
                "--base-url",
                &url,
            ],
        )
    };
    let server = Api::scripted(vec![answer(OUTPUT)]);
    let out = resume(&json!({"img": "photo.png", "age": "3"}), &server);
    let (_, stderr) = expect_exit(&out, 1);
    assert_contains(
        &stderr,
        &[
            "name: required parameter is missing",
            "img: expected a Coze file",
            "age: expected an integer, got \"3\"",
            "nothing was sent",
        ],
    );
    assert_eq!(server.count(), 0);

    let fits = json!({"name": "Ada", "img": "{\"file_id\":\"5\"}", "age": 3});
    let out = resume(&fits, &server);
    expect_exit(&out, 0);
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].target(), RESUME_TARGET);
    let body = seen[0].json();
    assert_eq!(body["interrupt_type"], 5);
    let data: Value = serde_json::from_str(body["resume_data"].as_str().unwrap()).unwrap();
    assert_eq!(data, fits);
}

#[test]
fn ext_and_connector_id_go_into_run_and_chat_requests() {
    let server = Api::routes(vec![(RUN_TARGET.to_owned(), answer(OUTPUT))]);
    let out = run_valid(
        &server,
        &[
            "--ext",
            "latitude=39.9042",
            "--ext",
            "user_id=u=1",
            "--connector-id",
            "999",
        ],
    );
    expect_exit(&out, 0);
    let body = server.seen()[0].json();
    assert_eq!(
        body["ext"],
        json!({"latitude": "39.9042", "user_id": "u=1"})
    );
    assert_eq!(body["connector_id"], "999");

    let twice = run_valid(&server, &["--ext", "a=1", "--ext", "a=2"]);
    let (_, stderr) = expect_exit(&twice, 2);
    assert_contains(&stderr, &["--ext a is given twice"]);
    let bad = run_valid(&server, &["--ext", "nokey"]);
    expect_exit(&bad, 2);
    assert_eq!(server.count(), 1);

    let chat = Api::routes(vec![(CHAT_TARGET.to_owned(), chat_stream(Duration::ZERO))]);
    let params = json!({"city": "Paris"});
    let out = chat_with(
        &chat,
        Some(&params),
        &[
            "--message",
            "Hi",
            "--ext",
            "user_id=7",
            "--connector-id",
            "1024",
        ],
    );
    expect_exit(&out, 0);
    let body = chat.seen()[0].json();
    assert_eq!(body["ext"], json!({"user_id": "7"}));
    assert_eq!(body["connector_id"], "1024");
}

// Asynchronous runs (`--async`, `--wait`, `--execute-id`) and their run history.

const EXECUTE_ID: &str = "7431040978805850001";

fn async_answer() -> Reply {
    crate::common::api::async_run_answer(ID, EXECUTE_ID)
}

fn history(status: &str, output: &str, extra: Value) -> Reply {
    crate::common::api::run_history_answer(ID, EXECUTE_ID, status, output, extra)
}

/// The cloud's `output` of a run whose end node gave `end` (JSON text): `{"Output": end}`.
fn cloud_output(end: &str) -> String {
    json!({ "Output": end }).to_string()
}

fn running() -> Reply {
    history("Running", "", json!({}))
}

fn succeeded(end: &str) -> Reply {
    history("Success", &cloud_output(end), json!({}))
}

/// A server for one asynchronous run: the run's answer, and the history's answers in turn.
fn async_server(histories: Vec<Reply>) -> Api {
    Api::sequences(vec![
        (RUN_TARGET.to_owned(), vec![async_answer()]),
        (history_target(ID, EXECUTE_ID), histories),
    ])
}

/// How many requests went to `target`, by method.
fn sent(server: &Api, method: &str, target: &str) -> usize {
    let line = format!("{method} {target} HTTP/1.1");
    server.requests().iter().filter(|r| **r == line).count()
}

/// `cozegen run WORKFLOW --execute-id EXECUTE_ID --base-url <server>` plus `extra`.
fn read_run(server: &Api, extra: &[&str]) -> Output {
    let url = server.url();
    let mut args = vec![
        "run",
        WORKFLOW,
        "--execute-id",
        EXECUTE_ID,
        "--base-url",
        &url,
        "--retry-delay-ms",
        "10",
    ];
    args.extend_from_slice(extra);
    run_in(&root(), &args)
}

const FAST_POLLS: [&str; 3] = ["--wait", "--poll-interval-ms", "10"];

#[test]
fn an_async_run_sends_is_async_once_and_prints_the_execute_id() {
    let server = async_server(vec![running()]);
    let out = run_valid(&server, &["--async"]);
    let (stdout, stderr) = expect_exit(&out, 0);
    assert_eq!(stdout, format!("{EXECUTE_ID}\n"));
    assert_contains(
        &stderr,
        &[
            &format!("debug_url: https://www.coze.cn/work_flow?execute_id={EXECUTE_ID}"),
            &format!("read its result with: cozegen run {WORKFLOW} --execute-id '{EXECUTE_ID}'"),
        ],
    );
    let seen = server.seen();
    assert_eq!(
        seen.len(),
        1,
        "the run only: nothing is read without --wait"
    );
    assert_eq!(seen[0].request_line(), "POST /v1/workflow/run HTTP/1.1");
    assert_eq!(
        seen[0].json(),
        json!({"workflow_id": ID, "parameters": valid_params(), "is_async": true})
    );
    drop(seen);
    let out = run_valid(&server, &["--async", "--json"]);
    let (stdout, _) = expect_exit(&out, 0);
    let printed: Value = serde_json::from_str(&stdout).expect("stdout is JSON");
    assert_eq!(printed["execute_id"], EXECUTE_ID);
}

#[test]
fn an_async_answer_without_an_execute_id_is_not_sent_again() {
    let server = Api::routes(vec![(
        RUN_TARGET.to_owned(),
        Reply::new(200, r#"{"msg":"","debug_url":"https://www.coze.cn/x"}"#),
    )]);
    let out = run_valid(&server, &["--async", "--wait"]);
    let (_, stderr) = expect_exit(&out, 1);
    assert_contains(&stderr, &["no execute_id", "may have started"]);
    assert_eq!(server.count(), 1);
}

#[test]
fn wait_reads_the_history_until_the_run_ends_then_checks_the_output_like_a_run() {
    let server = async_server(vec![running(), running(), succeeded(OUTPUT)]);
    let mut args = vec!["--async"];
    args.extend(FAST_POLLS);
    let out = run_valid(&server, &args);
    let (stdout, stderr) = expect_exit(&out, 0);
    let printed: Value = serde_json::from_str(&stdout).expect("stdout is JSON");
    assert_eq!(printed, serde_json::from_str::<Value>(OUTPUT).unwrap());
    assert_contains(
        &stderr,
        &[
            &format!("execute_id: {EXECUTE_ID}"),
            "status: Success",
            "logid: 20241029115423ED85C3401395715F726E",
            r#"usage: {"input_count":50,"output_count":100,"token_count":150}"#,
        ],
    );
    assert_eq!(sent(&server, "POST", RUN_TARGET), 1);
    assert_eq!(sent(&server, "GET", &history_target(ID, EXECUTE_ID)), 3);
    let seen = server.seen();
    assert_eq!(
        seen[1].header("Authorization"),
        Some(format!("Bearer {TOKEN}"))
    );

    // The same checks as a run's: an output that does not fit names the field.
    let server = async_server(vec![succeeded(r#"{"order_id":17}"#)]);
    let out = run_valid(&server, &args);
    let (stdout, stderr) = expect_exit(&out, 1);
    assert_eq!(
        serde_json::from_str::<Value>(&stdout).unwrap(),
        json!({"order_id": 17})
    );
    assert_contains(&stderr, &["output order_id: expected a string, got 17"]);
}

#[test]
fn a_failed_run_reports_its_error_code_message_and_logid() {
    let failed = history(
        "Fail",
        "",
        json!({"error_code": "720701002", "error_message": "Plugin request failed: timeout", "logid": "20241210152726FAILED"}),
    );
    let server = async_server(vec![running(), failed]);
    let mut args = vec!["--async"];
    args.extend(FAST_POLLS);
    let out = run_valid(&server, &args);
    let (stdout, stderr) = expect_exit(&out, 1);
    assert_eq!(stdout, "");
    assert_contains(
        &stderr,
        &[
            "status: Fail",
            &format!(
                "run {EXECUTE_ID} failed: error 720701002: Plugin request failed: timeout (logid 20241210152726FAILED)"
            ),
        ],
    );
    assert_eq!(sent(&server, "POST", RUN_TARGET), 1);
}

#[test]
fn a_trimmed_output_is_printed_but_reported_incomplete_and_not_checked() {
    let trimmed = history(
        "Success",
        &cloud_output(r#"{"order_id":"A-17","eta":"2025-"#),
        json!({"is_output_trimmed": true}),
    );
    let server = async_server(vec![trimmed]);
    let out = read_run(&server, &[]);
    let (stdout, stderr) = expect_exit(&out, 1);
    assert_eq!(stdout, "{\"order_id\":\"A-17\",\"eta\":\"2025-\n");
    assert_contains(
        &stderr,
        &[
            "was cut by Coze because it is too large (is_output_trimmed)",
            "incomplete and was not checked",
        ],
    );
    assert!(!stderr.contains("output order_id"), "{stderr}");
}

#[test]
fn a_run_still_running_at_the_wait_timeout_says_how_to_read_it_later() {
    let server = async_server(vec![running()]);
    let mut args = vec!["--async", "--wait-timeout", "1"];
    args.extend(FAST_POLLS);
    let started = Instant::now();
    let out = run_valid(&server, &args);
    let elapsed = started.elapsed();
    let (stdout, stderr) = expect_exit(&out, 1);
    assert_eq!(stdout, "");
    assert_contains(
        &stderr,
        &[
            "status: Running",
            &format!(
                "run {EXECUTE_ID} is still running after --wait-timeout 1 s; it was not sent again"
            ),
            &format!("cozegen run {WORKFLOW} --execute-id '{EXECUTE_ID}'"),
        ],
    );
    assert!(!stderr.contains("re-run"), "{stderr}");
    assert_eq!(sent(&server, "POST", RUN_TARGET), 1);
    assert!(sent(&server, "GET", &history_target(ID, EXECUTE_ID)) >= 2);
    // The bound the user set: at least the timeout was waited, and the wait ended (the upper
    // bound is generous headroom for a loaded machine; the polls themselves take milliseconds).
    assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(60), "{elapsed:?}");

    // Without --wait, one read says the same, without a timeout.
    let out = read_run(&server, &[]);
    let (_, stderr) = expect_exit(&out, 1);
    assert_contains(
        &stderr,
        &[&format!(
            "run {EXECUTE_ID} is still running; it was not sent again"
        )],
    );
}

#[test]
fn a_history_read_that_fails_transiently_is_retried_but_the_run_is_not_sent_again() {
    let server = async_server(vec![
        Reply::new(500, r#"{"code":5000,"msg":"busy"}"#),
        Reply::drop_connection(),
        succeeded(OUTPUT),
    ]);
    let mut args = vec!["--async"];
    args.extend(FAST_POLLS);
    let out = run_valid(&server, &args);
    let (stdout, _) = expect_exit(&out, 0);
    assert_eq!(
        serde_json::from_str::<Value>(&stdout).unwrap(),
        serde_json::from_str::<Value>(OUTPUT).unwrap()
    );
    assert_eq!(sent(&server, "POST", RUN_TARGET), 1);
    assert_eq!(sent(&server, "GET", &history_target(ID, EXECUTE_ID)), 3);

    // Reads that keep failing end the wait, with how to read the run later; still one run.
    let server = async_server(vec![Reply::new(503, "")]);
    let out = run_valid(&server, &args);
    let (_, stderr) = expect_exit(&out, 1);
    assert_contains(
        &stderr,
        &[
            "HTTP 503",
            "the run was not sent again",
            &format!("--execute-id '{EXECUTE_ID}'"),
        ],
    );
    assert_eq!(sent(&server, "POST", RUN_TARGET), 1);
}

#[test]
fn execute_id_reads_a_run_started_before_without_sending_one() {
    let server = async_server(vec![succeeded(OUTPUT)]);
    let out = read_run(&server, &[]);
    let (stdout, stderr) = expect_exit(&out, 0);
    assert_eq!(
        serde_json::from_str::<Value>(&stdout).unwrap(),
        serde_json::from_str::<Value>(OUTPUT).unwrap()
    );
    assert_contains(&stderr, &["status: Success"]);
    assert_eq!(
        server.requests(),
        [format!("GET {} HTTP/1.1", history_target(ID, EXECUTE_ID))]
    );

    // With -w: the definition, then the history.
    let info = std::fs::read(root().join(WORKFLOW)).expect("example workflow");
    let server = Api::routes(vec![
        (workflow_target("42"), Reply::new(200, info)),
        (history_target("42", EXECUTE_ID), succeeded(OUTPUT)),
    ]);
    let url = server.url();
    let out = run_in(
        &root(),
        &[
            "run",
            "-w",
            "42",
            "--execute-id",
            EXECUTE_ID,
            "--json",
            "--base-url",
            &url,
        ],
    );
    let (stdout, _) = expect_exit(&out, 0);
    let printed: Value = serde_json::from_str(&stdout).expect("one JSON object");
    assert_eq!(printed["execute_id"], EXECUTE_ID);
    assert_eq!(printed["status"], "Success");
    assert_eq!(
        printed["output"],
        serde_json::from_str::<Value>(OUTPUT).unwrap()
    );
    assert_eq!(server.count(), 2);
}

#[test]
fn an_interrupted_run_in_the_history_says_how_to_resume_and_what_it_needs() {
    let waiting = history(
        "Running",
        "",
        json!({"interrupt_data": {
            "data": "{\"content_type\":\"text\",\"content\":\"请输入您的姓名\"}",
            "type": 5,
            "event_id": "7404831988202520000/1",
            "required_parameters": {"name": {"type": "string", "required": true}}
        }}),
    );
    let server = async_server(vec![waiting]);
    let out = read_run(&server, &["--wait", "--poll-interval-ms", "10"]);
    let (_, stderr) = expect_exit(&out, 3);
    assert_contains(
        &stderr,
        &[
            "interrupted: event_id 7404831988202520000/1 (type 5, input node)",
            "question: 请输入您的姓名",
            r#"required_parameters: {"name":{"type":"string","required":true}}"#,
            &format!("resume with: cozegen run {WORKFLOW} --resume '7404831988202520000/1'"),
        ],
    );
    assert_eq!(sent(&server, "GET", &history_target(ID, EXECUTE_ID)), 1);
}

#[test]
fn a_studio_workflow_reads_studios_run_history_route() {
    const STUDIO: &str = "tests/corpus/studio/answer_start_node_default_values.json";
    const STUDIO_ID: &str = "7524318236492030002";
    let end = json!({
        "str": "s", "inter": 100, "number": 12.4, "bool": false, "ts": "2025-07-09 21:43:34",
        "object": {"a": "1"}, "array": ["1", "2"], "files": "https://example.com/a.jpeg"
    });
    // Coze Studio's `WorkflowExecuteHistory`: a numeric execute id, `log_id`, `error_msg`, a
    // `token` total, and the end node's output as `output` itself.
    let answer = json!({
        "code": 0,
        "msg": "",
        "data": [{
            "execute_id": 7431040978805850001_i64,
            "execute_status": "Success",
            "bot_id": 0,
            "connector_id": 1024,
            "connector_uid": "7521695817242001410",
            "run_mode": 2,
            "log_id": "20250709214334STUDIO",
            "create_time": 1752068614,
            "update_time": 1752068615,
            "debug_url": "http://localhost:8888/work_flow?execute_id=7431040978805850001",
            "input": "{}",
            "output": end.to_string(),
            "token": 42,
            "cost": "0.00000"
        }],
        "BaseResp": {"StatusMessage": "", "StatusCode": 0}
    });
    let server = Api::routes(vec![(
        studio_history_target(STUDIO_ID, EXECUTE_ID),
        Reply::new(200, answer.to_string()),
    )]);
    let url = server.url();
    let out = run_in(
        &root(),
        &[
            "run",
            STUDIO,
            "--execute-id",
            EXECUTE_ID,
            "--base-url",
            &url,
            "-q",
        ],
    );
    let (stdout, stderr) = expect_exit(&out, 0);
    assert_eq!(serde_json::from_str::<Value>(&stdout).unwrap(), end);
    assert_contains(
        &stderr,
        &[
            &format!("execute_id: {EXECUTE_ID}"),
            "logid: 20250709214334STUDIO",
            r#"usage: {"token_count":42}"#,
        ],
    );
    assert_eq!(server.count(), 1);

    // Studio's failure fields.
    let failed = json!({"code": 0, "data": [{"execute_id": 7431040978805850001_i64,
        "execute_status": "Fail", "error_code": "720702001", "error_msg": "node failed",
        "log_id": "L1"}]});
    let server = Api::routes(vec![(
        studio_history_target(STUDIO_ID, EXECUTE_ID),
        Reply::new(200, failed.to_string()),
    )]);
    let url = server.url();
    let out = run_in(
        &root(),
        &[
            "run",
            STUDIO,
            "--execute-id",
            EXECUTE_ID,
            "--base-url",
            &url,
            "-q",
        ],
    );
    let (_, stderr) = expect_exit(&out, 1);
    assert_contains(
        &stderr,
        &["failed: error 720702001: node failed (logid L1)"],
    );
}

#[test]
fn the_token_is_scrubbed_from_history_answers_and_errors() {
    let failed = history(
        "Fail",
        &cloud_output(&format!(r#"{{"order_id":"{TOKEN}"}}"#)),
        json!({"error_code": "4000", "error_message": format!("bad token {TOKEN}")}),
    );
    let out = read_run(&async_server(vec![failed]), &[]);
    let (_, stderr) = expect_exit(&out, 1);
    assert_contains(&stderr, &["bad token", "failed: error 4000"]);

    let refused = Reply::new(
        200,
        format!(r#"{{"code":4100,"msg":"token {TOKEN} has no listRunHistory permission"}}"#),
    );
    let out = read_run(&async_server(vec![refused]), &[]);
    let (_, stderr) = expect_exit(&out, 1);
    assert_contains(&stderr, &["4100", "has no listRunHistory permission"]);

    // The end node's output, JSON text inside JSON text inside the answer: scrubbed at each
    // level, like a run's.
    let echoed = succeeded(&format!(
        r#"{{"order_id":"{TOKEN}","eta":"2025-07-01 09:30:00"}}"#
    ));
    let out = read_run(&async_server(vec![echoed]), &[]);
    let (stdout, _) = expect_exit(&out, 0);
    assert_eq!(
        serde_json::from_str::<Value>(&stdout).unwrap(),
        json!({"order_id": "<redacted>", "eta": "2025-07-01 09:30:00"})
    );
}

#[test]
fn async_arguments_that_cannot_work_are_refused_before_anything_is_sent() {
    let server = async_server(vec![running()]);
    let url = server.url();
    for args in [
        &[
            "run",
            WORKFLOW,
            "--params",
            "p.json",
            "--wait",
            "--base-url",
            &url,
        ][..],
        &["run", WORKFLOW, "--params", "p.json", "--async", "--stream"],
        &[
            "run",
            WORKFLOW,
            "--execute-id",
            EXECUTE_ID,
            "--params",
            "p.json",
        ],
        &[
            "run",
            WORKFLOW,
            "--execute-id",
            EXECUTE_ID,
            "--wait-timeout",
            "5",
        ],
        &[
            "run",
            WORKFLOW,
            "--execute-id",
            EXECUTE_ID,
            "--wait",
            "--wait-timeout",
            "0",
        ],
    ] {
        let out = run_in(&root(), args);
        expect_exit(&out, 2);
    }
    let out = read_run(&server, &[]);
    expect_exit(&out, 1);
    let out = run_in(
        &root(),
        &[
            "run",
            WORKFLOW,
            "--execute-id",
            "74/../1",
            "--base-url",
            &url,
        ],
    );
    // A malformed execute id is a usage error, like a malformed workflow ID (docs/exit-codes.md).
    let (_, stderr) = expect_exit(&out, 2);
    assert_contains(&stderr, &["`74/../1` is not a Coze execute id"]);
    assert_eq!(server.count(), 1, "only the valid read was sent");
}

#[test]
fn a_finished_run_without_the_end_nodes_output_says_what_it_had() {
    let only_nodes = history("Success", r#"{"Message_1":"halfway"}"#, json!({}));
    let out = read_run(&async_server(vec![only_nodes]), &[]);
    let (stdout, stderr) = expect_exit(&out, 0);
    assert_eq!(stdout, "");
    assert_contains(
        &stderr,
        &[r#"note: the run's output holds no end node output (`Output`): {"Message_1":"halfway"}"#],
    );
}

/// A refused token's hint names the permission of the endpoint that refused it, as Coze's docs
/// name it (`src/endpoints.rs`): a run needs `run`, a history read `listRunHistory`.
#[test]
fn a_refused_token_names_the_permission_each_endpoint_needs() {
    let refused = || Reply::new(200, r#"{"code":4100,"msg":"authentication is invalid"}"#);
    let hint = |permission: &str| format!("have the {permission} permission");

    let out = run_valid(&Api::routes(vec![(RUN_TARGET.to_owned(), refused())]), &[]);
    let (_, stderr) = expect_exit(&out, 1);
    assert_contains(&stderr, &["error 4100", &hint("run")]);
    assert!(!stderr.contains("getMetaData"), "{stderr}");

    let out = run_valid(
        &Api::routes(vec![(
            RUN_TARGET.to_owned(),
            Reply::new(401, r#"{"code":4101,"msg":"token expired"}"#),
        )]),
        &[],
    );
    let (_, stderr) = expect_exit(&out, 1);
    assert_contains(
        &stderr,
        &["HTTP 401", "the run was not started", &hint("run")],
    );

    let out = run_valid(
        &Api::routes(vec![(STREAM_RUN_TARGET.to_owned(), refused())]),
        &["--stream"],
    );
    let (_, stderr) = expect_exit(&out, 1);
    assert_contains(&stderr, &["error 4100", &hint("run")]);

    let out = read_run(&async_server(vec![refused()]), &[]);
    let (_, stderr) = expect_exit(&out, 1);
    assert_contains(&stderr, &["error 4100", &hint("listRunHistory")]);
    assert!(!stderr.contains("getMetaData"), "{stderr}");
}
