//! Fetching from the Coze API, against a scriptable HTTP/1.1 server each test starts on
//! 127.0.0.1: success, error envelopes, HTTP errors, retries, timeouts, broken bodies, argument
//! checks, snapshots. Every test also checks that the token never reaches stdout or stderr.

use crate::common::api::*;
use crate::common::*;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Output;
use std::time::Duration;

const ID: &str = "7350583675492388916";

fn read_corpus(name: &str) -> Vec<u8> {
    std::fs::read(root().join("tests/corpus").join(name)).expect("read corpus document")
}

/// A reply carrying the corpus document `corpus_name`.
fn corpus_reply(status: u16, corpus_name: &str) -> Reply {
    Reply::new(status, read_corpus(corpus_name))
}

/// Runs cozegen in the repository with the token in `COZE_API_TOKEN`.
fn run(args: &[&str]) -> Output {
    run_with_env(&root(), args, &[("COZE_API_TOKEN", TOKEN)])
}

/// `cozegen schema -w ID` against `server`, with short retry waits.
fn schema_from(server: &Api, extra: &[&str]) -> Output {
    schema_with_delay(server, "10", extra)
}

/// `cozegen schema -w ID` against `server`, with a first retry wait of `delay_ms`.
fn schema_with_delay(server: &Api, delay_ms: &str, extra: &[&str]) -> Output {
    let url = server.url();
    let mut args = vec![
        "schema",
        "-w",
        ID,
        "--base-url",
        &url,
        "--retry-delay-ms",
        delay_ms,
    ];
    args.extend_from_slice(extra);
    run(&args)
}

/// Asserts the exit code and that the token appears nowhere; returns stderr.
fn check(out: &Output, code: i32) -> String {
    expect_exit(out, code).1
}

fn assert_contains(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "expected {part:?} in: {text}");
    }
}

#[test]
fn fetch_help_matches_golden() {
    let out = run(&["fetch", "--help"]);
    check(&out, 0);
    assert_golden("cli/fetch-help.txt", &stdout(&out));
}

#[test]
fn schema_from_the_api_is_identical_to_schema_from_the_file() {
    let docs = corpus();
    assert!(docs.len() >= 5, "corpus too small: {docs:?}");
    for doc in docs {
        // Relative to tests/corpus: `studio/…` for a Coze Studio canvas.
        let name = doc
            .strip_prefix(root().join("tests/corpus"))
            .expect("a corpus document")
            .to_string_lossy()
            .into_owned();
        let server = Api::scripted(vec![corpus_reply(200, &name)]);
        let fetched = schema_from(&server, &[]);
        check(&fetched, 0);
        let from_file = cozegen(&["schema", &format!("tests/corpus/{name}")]);
        assert!(from_file.status.success(), "{name}: {}", stderr(&from_file));
        assert_eq!(
            stdout(&fetched),
            stdout(&from_file),
            "{name}: stdout differs"
        );
        assert_eq!(
            stderr(&fetched),
            stderr(&from_file),
            "{name}: warnings differ"
        );
        assert_eq!(server.count(), 1, "{name}");
    }
}

#[test]
fn request_has_the_documented_path_query_and_headers() {
    let server = Api::scripted(vec![corpus_reply(200, "order_intake.json")]);
    check(&schema_from(&server, &[]), 0);
    let requests = server.seen();
    assert_eq!(requests.len(), 1);
    let seen = &requests[0];
    assert_eq!(
        seen.request_line(),
        format!("GET /v1/workflows/{ID}?include_input_output=true HTTP/1.1")
    );
    assert_eq!(
        seen.header("Authorization"),
        Some(format!("Bearer {TOKEN}"))
    );
    assert_eq!(
        seen.header("User-Agent"),
        Some(format!("cozegen/{}", env!("CARGO_PKG_VERSION")))
    );
    assert_eq!(seen.header("Accept").as_deref(), Some("application/json"));
    assert_eq!(
        seen.header("Host"),
        server.url().strip_prefix("http://").map(str::to_owned)
    );
}

#[test]
fn token_flag_works_like_the_environment_variable() {
    let server = Api::scripted(vec![corpus_reply(200, "arrays.json")]);
    let url = server.url();
    let out = run_with_env(
        &root(),
        &["schema", "-w", ID, "--base-url", &url, "--token", TOKEN],
        &[],
    );
    check(&out, 0);
    assert_eq!(
        server.seen()[0].header("Authorization"),
        Some(format!("Bearer {TOKEN}"))
    );
}

#[test]
fn base_url_comes_from_coze_api_base() {
    let server = Api::scripted(vec![corpus_reply(200, "arrays.json")]);
    let url = server.url() + "/";
    let out = run_with_env(
        &root(),
        &["schema", "-w", ID],
        &[("COZE_API_TOKEN", TOKEN), ("COZE_API_BASE", &url)],
    );
    check(&out, 0);
    assert_eq!(server.count(), 1);
}

#[test]
fn auth_error_envelope_with_http_200_explains_the_token() {
    let server = Api::scripted(vec![corpus_reply(200, "error_4101.json")]);
    let out = schema_from(&server, &[]);
    let err = check(&out, 1);
    assert!(out.stdout.is_empty());
    assert_contains(
        &err,
        &[
            "error 4101",
            "The token you entered is incorrect.",
            "20251124000000ERR4101",
            "getMetaData",
            "https://api.coze.com",
        ],
    );
    assert_eq!(server.count(), 1, "an auth error is not retried");
}

#[test]
fn auth_error_envelope_with_http_401_gives_status_code_and_hint() {
    let server = Api::scripted(vec![corpus_reply(401, "error_4101.json")]);
    let err = check(&schema_from(&server, &[]), 1);
    assert_contains(
        &err,
        &[
            "HTTP 401 Unauthorized",
            "Coze error 4101: The token you entered is incorrect.",
            "logid 20251124000000ERR4101",
            "hint: check the token",
            "getMetaData",
        ],
    );
    assert_eq!(server.count(), 1, "a 4xx is not retried");
}

#[test]
fn plain_401_and_403_give_the_token_hint() {
    for status in [401, 403] {
        let server = Api::scripted(vec![
            Reply::new(status, "Forbidden").header("Content-Type", "text/plain"),
        ]);
        let err = check(&schema_from(&server, &[]), 1);
        assert_contains(
            &err,
            &[
                &format!("HTTP {status}"),
                "`Forbidden`",
                "hint: check the token",
            ],
        );
        assert_eq!(server.count(), 1, "HTTP {status} is not retried");
    }
}

#[test]
fn plain_404_says_the_workflow_was_not_found() {
    let server = Api::scripted(vec![Reply::new(404, "")]);
    let err = check(&schema_from(&server, &[]), 1);
    assert_contains(&err, &["HTTP 404 Not Found", "no workflow with this ID"]);
    assert_eq!(server.count(), 1);
}

#[test]
fn not_found_envelope_without_detail_says_the_workflow_was_not_found() {
    let server = Api::scripted(vec![Reply::new(
        200,
        r#"{"code": 4200, "msg": "workflow not found"}"#,
    )]);
    let err = check(&schema_from(&server, &[]), 1);
    assert_contains(
        &err,
        &[
            "error 4200",
            "workflow not found",
            "no workflow with this ID",
        ],
    );
}

#[test]
fn server_error_then_success_is_retried() {
    let server = Api::scripted(vec![
        Reply::new(500, r#"{"code": 5000, "msg": "internal"}"#),
        corpus_reply(200, "order_intake.json"),
    ]);
    let out = schema_from(&server, &[]);
    check(&out, 0);
    assert_eq!(server.count(), 2);
    let from_file = cozegen(&["schema", "tests/corpus/order_intake.json"]);
    assert_eq!(out.stdout, from_file.stdout);
}

#[test]
fn persistent_server_errors_give_up_after_the_retries() {
    let server = Api::scripted(vec![Reply::new(
        503,
        r#"{"code": 5000, "msg": "busy", "detail": {"logid": "L503"}}"#,
    )]);
    let err = check(&schema_from(&server, &["--retries", "2"]), 1);
    assert_contains(
        &err,
        &[
            "HTTP 503",
            "Coze error 5000: busy",
            "logid L503",
            "gave up after 3 attempts",
        ],
    );
    assert_eq!(server.count(), 3);
}

#[test]
fn rate_limit_with_retry_after_is_honoured() {
    let server = Api::scripted(vec![
        Reply::new(429, r#"{"code": 4013, "msg": "rate limited"}"#).header("Retry-After", "1"),
        corpus_reply(200, "arrays.json"),
    ]);
    check(&schema_from(&server, &[]), 0);
    let requests = server.seen();
    assert_eq!(requests.len(), 2);
    // The configured backoff is 10 ms; only Retry-After explains a wait of about a second.
    let gap = requests[1].at - requests[0].at;
    assert!(gap >= Duration::from_millis(900), "retried after {gap:?}");
}

#[test]
fn rate_limit_with_a_past_http_date_is_retried_at_once() {
    let server = Api::scripted(vec![
        Reply::new(429, r#"{"code": 4013, "msg": "rate limited"}"#)
            .header("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"),
        corpus_reply(200, "arrays.json"),
    ]);
    // Were the date ignored, the 5 s backoff would apply.
    check(&schema_with_delay(&server, "5000", &[]), 0);
    let requests = server.seen();
    assert_eq!(requests.len(), 2);
    let gap = requests[1].at - requests[0].at;
    assert!(gap < Duration::from_secs(3), "retried after {gap:?}");
}

#[test]
fn server_that_never_answers_times_out() {
    let server = Api::scripted(vec![Reply::hang(Duration::from_secs(10))]);
    let err = check(&schema_from(&server, &["--timeout", "1"]), 1);
    assert_contains(&err, &["timed out", "within 1 s", "--timeout"]);
    assert_eq!(
        server.count(),
        1,
        "a request that timed out is not repeated"
    );
}

#[test]
fn truncated_body_is_reported_and_retried() {
    let body = read_corpus("order_intake.json");
    let server = Api::scripted(vec![
        Reply::new(200, body.clone()).length(Length::Declared(body.len() + 500)),
    ]);
    let err = check(&schema_from(&server, &["--retries", "1"]), 1);
    assert_contains(&err, &["truncated", "gave up after 2 attempts"]);
    assert_eq!(server.count(), 2);
}

#[test]
fn non_json_body_is_reported_with_its_content_type() {
    let server = Api::scripted(vec![
        Reply::new(200, "<html><body>Welcome to nginx!</body></html>")
            .header("Content-Type", "text/html"),
    ]);
    let err = check(&schema_from(&server, &[]), 1);
    assert_contains(
        &err,
        &["not JSON", "text/html", "Welcome to nginx!", "base URL"],
    );
    assert_eq!(server.count(), 1);
}

#[test]
fn malformed_json_body_reports_line_and_column() {
    let server = Api::scripted(vec![Reply::new(200, "{\"code\": 0,\n \"data\": {,}}")]);
    let err = check(&schema_from(&server, &[]), 1);
    assert_contains(
        &err,
        &["the response from http://127.0.0.1:", "line 2, column"],
    );
}

#[test]
fn oversized_body_is_refused_by_its_content_length() {
    let server = Api::scripted(vec![
        Reply::new(200, "{}").length(Length::Declared(100 << 20)),
    ]);
    let err = check(&schema_from(&server, &[]), 1);
    assert_contains(&err, &["larger than 64 MiB", "67108864 bytes"]);
    assert_eq!(server.count(), 1);
}

#[test]
fn oversized_body_without_content_length_is_cut_off_at_the_cap() {
    let body = format!("{{\"pad\": \"{}\"}}", "x".repeat(5000));
    let server = Api::scripted(vec![Reply::new(200, body).length(Length::UntilClose)]);
    let client = cozegen::coze::Client::new(cozegen::coze::Options {
        base_url: server.url(),
        token: Some(cozegen::coze::Token::new(TOKEN)),
        max_bytes: 1024,
        retries: 0,
        ..Default::default()
    });
    let err = client.workflow_body(ID).unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(
            err,
            cozegen::coze::Error::ResponseTooLarge { limit: 1024, .. }
        ),
        "{text}"
    );
    assert_contains(&text, &["larger than 1 KiB (1024 bytes)"]);
    assert!(!text.contains(TOKEN) && !format!("{err:?}").contains(TOKEN));
}

#[test]
fn redirects_are_reported_not_followed() {
    let server = Api::scripted(vec![
        Reply::new(301, "").header("Location", "https://elsewhere.example/v1/workflows/1"),
    ]);
    let err = check(&schema_from(&server, &[]), 1);
    assert_contains(
        &err,
        &[
            "HTTP 301 redirect",
            "https://elsewhere.example/v1/workflows/1",
            "--base-url",
        ],
    );
    assert_eq!(server.count(), 1);
}

#[test]
fn connection_refused_is_retried_then_reported() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let out = run(&[
        "schema",
        "-w",
        ID,
        "--base-url",
        &url,
        "--retries",
        "1",
        "--retry-delay-ms",
        "10",
    ]);
    let err = check(&out, 1);
    assert_contains(&err, &["connection refused", "gave up after 2 attempts"]);
}

#[test]
fn token_echoed_by_the_server_is_redacted() {
    let body = format!(
        r#"{{"code": 4101, "msg": "token {TOKEN} is invalid", "detail": {{"logid": "{TOKEN}"}}}}"#
    );
    for status in [200, 400] {
        let server = Api::scripted(vec![Reply::new(status, body.clone())]);
        let err = check(&schema_from(&server, &[]), 1);
        assert_contains(&err, &["token <redacted> is invalid"]);
    }
    // A non-JSON error body is quoted, and scrubbed too.
    let server = Api::scripted(vec![Reply::new(
        400,
        format!("bad Authorization: Bearer {TOKEN}"),
    )]);
    let err = check(&schema_from(&server, &[]), 1);
    assert_contains(&err, &["Bearer <redacted>"]);
}

#[test]
fn a_successful_answer_carrying_the_token_is_refused() {
    let escaped: String = TOKEN
        .chars()
        .map(|c| format!("\\u{:04x}", c as u32))
        .collect();
    for name in [TOKEN.to_owned(), escaped] {
        let body = format!(
            r#"{{"code":0,"data":{{"workflow_detail":{{"workflow_name":"x"}},
              "input":{{"parameters":{{"{name}":{{"type":"string","description":"d"}}}}}}}}}}"#
        );
        let server = Api::scripted(vec![Reply::new(200, body)]);
        let err = check(&schema_from(&server, &[]), 1);
        assert_contains(&err, &["contains the access token", "never does"]);
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("workflow.json");
        let url = server.url();
        let args = [
            "fetch",
            ID,
            "--base-url",
            &url,
            "-o",
            out.to_str().expect("utf-8"),
        ];
        check(&run(&args), 1);
        assert!(!out.exists(), "nothing is written");
    }
}

#[test]
fn control_characters_from_the_server_are_escaped() {
    let server = Api::scripted(vec![Reply::new(
        400,
        r#"{"code": 4000, "msg": "bad\u001b[31m red"}"#,
    )]);
    let err = check(&schema_from(&server, &[]), 1);
    assert!(!err.contains('\u{1b}'), "{err:?}");
    assert_contains(&err, &["\\u{1b}[31m"]);
}

#[test]
fn non_digit_workflow_id_is_rejected_before_any_request() {
    let server = Api::scripted(vec![corpus_reply(200, "arrays.json")]);
    let url = server.url();
    // A malformed ID is a usage error (exit 2), wherever it is written.
    for id in ["12/../34", "123?x=1", "abc", ""] {
        let out = run(&["schema", "-w", id, "--base-url", &url]);
        let err = check(&out, 2);
        assert_contains(&err, &["is not a Coze workflow ID", "digits"]);
        let out = run(&["fetch", id, "--base-url", &url]);
        check(&out, 2);
    }
    assert_eq!(server.count(), 0);
}

#[test]
fn plain_http_to_a_non_loopback_host_is_rejected() {
    let out = run(&["schema", "-w", ID, "--base-url", "http://api.coze.example"]);
    let err = check(&out, 1);
    assert_contains(
        &err,
        &[
            "refusing to send the Coze API token over plain http",
            "--allow-insecure-http",
        ],
    );
}

#[test]
fn missing_token_names_the_variable_and_the_flag() {
    let server = Api::scripted(vec![corpus_reply(200, "arrays.json")]);
    let url = server.url();
    for env in [&[][..], &[("COZE_API_TOKEN", "")][..]] {
        let out = run_with_env(&root(), &["schema", "-w", ID, "--base-url", &url], env);
        let err = check(&out, 1);
        assert_contains(&err, &["no Coze API token", "COZE_API_TOKEN", "--token"]);
    }
    assert_eq!(server.count(), 0);
}

#[test]
fn workflow_id_and_file_cannot_be_combined() {
    let out = run(&["schema", "-w", ID, "tests/corpus/arrays.json"]);
    let err = check(&out, 2);
    assert_contains(&err, &["cannot be used with"]);
}

#[test]
fn fetch_saves_pretty_json_atomically() {
    let raw = read_corpus("seed_example.json");
    let compact: serde_json::Value = serde_json::from_slice(&raw).expect("corpus is JSON");
    let server = Api::scripted(vec![Reply::new(200, compact.to_string())]);
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("workflow.json");
    let url = server.url();
    let out = run(&[
        "fetch",
        ID,
        "-o",
        file.to_str().unwrap(),
        "--base-url",
        &url,
    ]);
    check(&out, 0);
    assert!(out.stdout.is_empty());
    let saved = std::fs::read_to_string(&file).expect("saved file");
    let expected = serde_json::to_string_pretty(&compact).unwrap() + "\n";
    assert_eq!(saved, expected);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["workflow.json"], "no temporary file is left behind");
    // The snapshot generates what the original document generates.
    let from_snapshot = cozegen(&["schema", file.to_str().unwrap()]);
    let from_corpus = cozegen(&["schema", "tests/corpus/seed_example.json"]);
    assert_eq!(from_snapshot.stdout, from_corpus.stdout);
}

#[test]
fn fetch_without_output_prints_the_json() {
    let server = Api::scripted(vec![corpus_reply(200, "bare_info.json")]);
    let url = server.url();
    let out = run(&["fetch", ID, "--base-url", &url]);
    check(&out, 0);
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let original: serde_json::Value =
        serde_json::from_slice(&read_corpus("bare_info.json")).unwrap();
    assert_eq!(printed, original);
    assert!(stdout(&out).contains("\n  \""), "pretty-printed");
}

#[test]
fn failed_fetch_leaves_the_existing_file_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("workflow.json");
    std::fs::write(&file, "previous snapshot\n").unwrap();
    for reply in [
        corpus_reply(200, "error_4101.json"),
        Reply::new(
            200,
            r#"{"code": 0, "msg": "", "data": {"workflow_detail": {}}}"#,
        ),
        Reply::new(502, "bad gateway"),
    ] {
        let server = Api::scripted(vec![reply]);
        let url = server.url();
        let out = run(&[
            "fetch",
            ID,
            "-o",
            file.to_str().unwrap(),
            "--base-url",
            &url,
            "--retries",
            "0",
        ]);
        check(&out, 1);
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            "previous snapshot\n"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}

#[test]
fn error_status_with_an_oversized_body_still_reports_the_status() {
    let server = Api::scripted(vec![
        Reply::new(500, "{}").length(Length::Declared(100 << 20)),
    ]);
    let err = check(&schema_from(&server, &["--retries", "0"]), 1);
    assert_contains(&err, &["HTTP 500 Internal Server Error"]);
}

#[test]
fn https_to_a_plain_http_server_is_a_tls_error() {
    // A plain HTTP server answers a TLS ClientHello with a plain-text 400, as nginx does.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.read(&mut [0u8; 4096]);
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
            let _ = stream.shutdown(std::net::Shutdown::Write);
            let _ = stream.read_to_end(&mut Vec::new());
        }
    });
    let url = format!("https://127.0.0.1:{port}");
    let out = run(&["schema", "-w", ID, "--base-url", &url, "--retries", "0"]);
    let err = check(&out, 1);
    assert_contains(&err, &["TLS with 127.0.0.1:", "https"]);
}

#[test]
fn token_given_by_mistake_as_the_id_or_base_url_is_not_echoed() {
    // Longer than the part of an ID or URL that messages quote.
    let token = format!("pat_{}", "Zq7".repeat(30));
    // A token as the ID is a malformed ID (a usage error, exit 2); as the base URL, exit 1.
    let cases: [(&[&str], i32); 3] = [
        (&["schema", "-w", &token], 2),
        (&["fetch", &token], 2),
        (&["schema", "-w", ID, "--base-url", &token], 1),
    ];
    for (args, code) in cases {
        let out = run_with_env(&root(), args, &[("COZE_API_TOKEN", &token)]);
        assert_eq!(out.status.code(), Some(code), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(!err.contains("Zq7Zq7"), "token (or part of it) in: {err}");
        assert_contains(&err, &["<redacted>"]);
    }
}

/// A client of `server` with the test token and short retry waits.
fn client(server: &Api) -> cozegen::coze::Client {
    cozegen::coze::Client::new(cozegen::coze::Options {
        base_url: server.url(),
        token: Some(cozegen::coze::Token::new(TOKEN)),
        retry_delay: Duration::from_millis(1),
        ..Default::default()
    })
}

/// Every read (a workflow, a page of its versions, a page of a workspace's list) is sent again
/// after a dropped connection or a 5xx: reading twice changes nothing on Coze.
#[test]
fn every_read_is_sent_again_after_a_dropped_connection_or_a_server_error() {
    let failures = || {
        vec![
            Reply::drop_connection(),
            Reply::new(503, r#"{"code":5000,"msg":"busy"}"#),
        ]
    };

    let mut replies = failures();
    replies.push(corpus_reply(200, "order_intake.json"));
    let server = Api::scripted(replies);
    client(&server).workflow_info(ID).expect("the workflow");
    assert_eq!(server.count(), 3);

    let mut replies = failures();
    replies.push(Reply::new(
        200,
        r#"{"code":0,"data":{"items":[{"workflow_id":"7","workflow_name":"a"}],"has_more":false}}"#,
    ));
    let server = Api::scripted(replies);
    let listed = client(&server).list_workflows("75", 30).expect("the list");
    assert_eq!(listed.len(), 1);
    assert_eq!(
        server.requests(),
        vec![format!("GET {} HTTP/1.1", list_target("75", 1, 30)); 3]
    );

    let detail = r#"{"code":0,"data":{"workflow_detail":{"workflow_id":"7350583675492388916"}}}"#;
    let page = r#"{"code":0,"data":{"items":[{"version":"v0.0.1",
        "input":{"parameters":{"q":{"type":"string"}}}}],"has_more":false}}"#;
    let mut replies = vec![Reply::new(200, detail)];
    replies.extend(failures());
    replies.push(Reply::new(200, page));
    let server = Api::scripted(replies);
    client(&server)
        .version_info(ID, "v0.0.1")
        .expect("the version");
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    assert!(
        requests[1..]
            .iter()
            .all(|r| *r == format!("GET {} HTTP/1.1", versions_target(ID, None))),
        "{requests:?}"
    );
}

/// An answer of a read that holds the token is refused (a document, a list page), and an error
/// answer holding it is quoted scrubbed: by the library, not only by the CLI.
#[test]
fn the_client_never_hands_out_the_token() {
    let echo = format!(
        r#"{{"code":0,"data":{{"items":[{{"workflow_id":"7","workflow_name":"{TOKEN}"}}]}}}}"#
    );
    let server = Api::scripted(vec![Reply::new(200, echo)]);
    let err = client(&server).list_workflows("75", 30).unwrap_err();
    assert!(
        matches!(err, cozegen::coze::Error::TokenEchoed { .. }),
        "{err}"
    );
    let refused = format!(r#"{{"code":4100,"msg":"token {TOKEN}","detail":{{"logid":"L"}}}}"#);
    let server = Api::scripted(vec![Reply::new(200, refused)]);
    let err = client(&server).list_workflows("75", 30).unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(!text.contains(TOKEN), "{text}");
    assert_contains(&text, &["token <redacted>", "logid L"]);
}
