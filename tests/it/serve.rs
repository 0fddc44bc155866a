//! `cozegen serve` from outside: the binary against the fake Coze of `common::api`, driven by a
//! second, raw HTTP client that behaves as an attacker would (another origin, a forged Host,
//! no request secret, an oversized body), and as a page whose stream is dropped; every answer,
//! header and line of stderr is searched for the token. The browser side is
//! `tests/js/serve-e2e.mjs`.

use crate::common::api::{
    Api, CHAT_TARGET, Reply, STREAM_RESUME_TARGET, STREAM_RUN_TARGET, TOKEN, UPLOAD_TARGET,
};
use crate::common::{browser_scenarios, js_tools_available, root, stderr as stderr_of, stdout};
use serde_json::json;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const ID: &str = "7350583675492388001";
const HOSTILE: &str = "<script>alert('name')</script>";

/// A workflow whose name and descriptions are markup: they must stay text.
fn hostile_workflow(dir: &std::path::Path) {
    let info = json!({
        "workflow_detail": {"workflow_id": ID, "workflow_name": HOSTILE,
                            "description": "\"><img src=x onerror=alert(1)>"},
        "input": {"parameters": {
            "city": {"type": "string", "required": true, "description": "</textarea><b>x</b>"},
            "days": {"type": "integer"},
            "photo": {"type": "image", "description": "A photo of the sky"}
        }},
        "output": {"parameters": {"answer": {"type": "string"}}}
    });
    std::fs::write(dir.join("workflow.json"), info.to_string()).unwrap();
}

struct Served {
    child: Child,
    port: u16,
    stderr: Arc<Mutex<String>>,
    reader: std::thread::JoinHandle<()>,
}

/// Starts `cozegen serve` with `args` (and --port 0, the fake's URL), and waits for its address.
fn serve(dir: &std::path::Path, api: &Api, args: &[&str], env: &[(&str, &str)]) -> Served {
    let url = api.url();
    let mut command = Command::new(env!("CARGO_BIN_EXE_cozegen"));
    command
        .arg("serve")
        .args(args)
        .args(["--port", "0", "--base-url", &url, "--retry-delay-ms", "10"])
        .current_dir(dir)
        .env_remove("COZEGEN_SERVE_PASSWORD")
        .env("COZE_API_TOKEN", TOKEN)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("start cozegen serve");
    let stderr = Arc::new(Mutex::new(String::new()));
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut port = None;
    for line in lines.by_ref() {
        let line = line.expect("stderr");
        stderr.lock().unwrap().push_str(&format!("{line}\n"));
        if let Some(rest) = line.split("http://127.0.0.1:").nth(1)
            && line.starts_with("cozegen serve: serving")
        {
            port = rest.split('/').next().and_then(|p| p.parse().ok());
            break;
        }
    }
    let port = port.unwrap_or_else(|| panic!("no address: {}", stderr.lock().unwrap()));
    let log = Arc::clone(&stderr);
    let reader = std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            log.lock().unwrap().push_str(&format!("{line}\n"));
        }
    });
    Served {
        child,
        port,
        stderr,
        reader,
    }
}

impl Served {
    /// Sends `signal`, waits for the end; returns the exit code and stderr.
    fn stop(mut self, signal: i32) -> (Option<i32>, String) {
        unsafe { libc::kill(self.child.id() as i32, signal) };
        let status = self.child.wait().expect("wait");
        self.reader.join().expect("stderr reader");
        let stderr = self.stderr.lock().unwrap().clone();
        assert!(!stderr.contains(TOKEN), "token in stderr: {stderr}");
        (status.code(), stderr)
    }

    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn origin(&self) -> String {
        format!("http://{}", self.host())
    }
}

/// An answer as a raw client reads it.
struct Answer {
    status: u16,
    head: String,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// Sends one request (`Connection: close`) and reads the whole answer. Asserts that the token
/// is nowhere in it.
fn request(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let mut head = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes()).unwrap();
    // An oversized body may be refused before it is all sent.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    assert!(!text.contains(TOKEN), "token in an answer: {text}");
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Answer {
        status,
        head: head.to_owned(),
        body: body.to_owned(),
    }
}

/// The request secret a workflow page hands its script.
fn secret_of(page: &str) -> String {
    let config = page.split("id=\"sv-config\">").nth(1).expect("config");
    let config: serde_json::Value =
        serde_json::from_str(config.split("</script>").next().unwrap()).expect("json");
    config["secret"].as_str().expect("secret").to_owned()
}

fn sse(event: &str, data: &str) -> String {
    format!("event: {event}\ndata: {data}\n\n")
}

fn end_message(content: &str) -> String {
    sse(
        "Message",
        &json!({"content": content, "node_title": "End", "node_type": "End",
                "node_seq_id": "0", "node_is_finish": true})
        .to_string(),
    )
}

#[test]
fn served_pages_keep_hostile_names_as_text_and_refuse_what_an_attacker_sends() {
    let dir = tempfile::tempdir().unwrap();
    hostile_workflow(dir.path());
    let api = Api::answering(|seen, _| match seen.target() {
        "/v1/workflow/stream_run" => Reply::events(vec![
            (Duration::ZERO, end_message(r#"{"answer":"sunny"}"#)),
            (
                Duration::ZERO,
                sse(
                    "Done",
                    r#"{"debug_url":"https://www.coze.cn/work_flow?execute_id=741"}"#,
                ),
            ),
        ]),
        _ => Reply::new(404, "{}"),
    });
    let server = serve(
        dir.path(),
        &api,
        &["workflow.json", "--allowed-host", "box.lan"],
        &[],
    );
    let (host, origin) = (server.host(), server.origin());
    let get = |path: &str, host: &str| request(server.port, "GET", path, &[("Host", host)], b"");

    let index = get("/", &host);
    assert_eq!(index.status, 200, "{}", index.body);
    for page in [&index, &get("/w/1", &host), &get("/w/1/runs", &host)] {
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(
            !page.body.contains(HOSTILE) && !page.body.contains("<img"),
            "{}",
            page.body
        );
        let csp = page.header("content-security-policy").expect("CSP");
        assert!(
            csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
            "{csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    }
    assert!(
        index
            .body
            .contains("&#60;script&#62;alert(&#39;name&#39;)&#60;/script&#62;"),
        "{}",
        index.body
    );
    let page = get("/w/1", &host);
    let secret = secret_of(&page.body);

    // A name given with --allowed-host is served; the attacker's name for this address
    // (DNS rebinding) is refused.
    assert_eq!(get("/", &format!("box.lan:{}", server.port)).status, 200);
    assert_eq!(
        get("/", &format!("evil.example:{}", server.port)).status,
        421
    );
    assert_eq!(get("/", "127.0.0.1:1").status, 421);
    // Nothing outside what the server generated.
    for path in [
        "/../Cargo.toml",
        "/w/2",
        "/w/0",
        "/static/",
        "/w/1/../../etc/passwd",
    ] {
        let answer = get(path, &host);
        assert!(
            matches!(answer.status, 400 | 404),
            "{path}: {}",
            answer.status
        );
    }

    let body = json!({"parameters": {"city": "Oslo"}}).to_string();
    let post = |headers: &[(&str, &str)], body: &[u8]| {
        let mut all = vec![
            ("Host", host.as_str()),
            ("Content-Type", "application/json"),
        ];
        all.extend_from_slice(headers);
        request(server.port, "POST", "/w/1/run", &all, body)
    };
    // Another origin, no origin, no secret, a wrong secret: refused, nothing sent.
    assert_eq!(
        post(
            &[
                ("Origin", "http://evil.example"),
                ("X-Cozegen-Secret", &secret)
            ],
            body.as_bytes()
        )
        .status,
        403
    );
    assert_eq!(
        post(&[("X-Cozegen-Secret", &secret)], body.as_bytes()).status,
        403
    );
    assert_eq!(post(&[("Origin", &origin)], body.as_bytes()).status, 403);
    assert_eq!(
        post(
            &[("Origin", &origin), ("X-Cozegen-Secret", "0")],
            body.as_bytes()
        )
        .status,
        403
    );
    // An oversized body (Coze's 20 MB) is refused.
    let big = format!(
        "{{\"parameters\":{{\"city\":\"{}\"}}}}",
        "x".repeat(21 << 20)
    );
    assert_eq!(
        post(
            &[("Origin", &origin), ("X-Cozegen-Secret", &secret)],
            big.as_bytes()
        )
        .status,
        413
    );
    // Parameters that do not fit the start node: their problems, and nothing sent.
    let wrong = post(
        &[("Origin", &origin), ("X-Cozegen-Secret", &secret)],
        json!({"parameters": {"days": "3"}}).to_string().as_bytes(),
    );
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    assert!(
        wrong.body.contains("\"path\":\"city\"") && wrong.body.contains("\"path\":\"days\""),
        "{}",
        wrong.body
    );
    assert_eq!(
        api.count(),
        0,
        "nothing reaches Coze before the parameters fit"
    );

    // A run that fits streams its events, then its output checked against the end node.
    let ran = post(
        &[("Origin", &origin), ("X-Cozegen-Secret", &secret)],
        body.as_bytes(),
    );
    assert_eq!(ran.status, 200, "{}", ran.body);
    assert!(
        ran.header("content-type")
            .unwrap_or_default()
            .starts_with("text/event-stream")
    );
    assert!(ran.body.contains("event: done"), "{}", ran.body);
    assert!(
        ran.body.contains(r#""checked":true"#) && ran.body.contains(r#""problems":[]"#),
        "{}",
        ran.body
    );
    assert!(ran.body.contains(r#""execute_id":"741""#), "{}", ran.body);
    assert_eq!(api.count_of("/v1/workflow/stream_run"), 1);
    assert_eq!(api.seen()[0].json()["parameters"], json!({"city": "Oslo"}));
    assert_eq!(
        api.seen()[0].header("authorization").as_deref(),
        Some(&*format!("Bearer {TOKEN}"))
    );
    let runs = get("/w/1/runs", &host);
    assert!(
        runs.body.contains("data-status=\"status.succeeded\"")
            && runs.body.contains("<code>741</code>"),
        "{}",
        runs.body
    );

    let (code, stderr) = server.stop(libc::SIGTERM);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("run 1 of") && stderr.contains("stopped by SIGTERM"),
        "{stderr}"
    );
}

/// `--allow-origin`: the listed origin's pages (a component in another app) may send a run —
/// after a preflight granted to that origin alone, without the request secret — and nothing
/// else; every other origin is refused as before, and the list never goes with a login.
#[test]
fn a_listed_origin_may_send_a_run_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    hostile_workflow(dir.path());
    let api = Api::answering(|seen, _| match seen.target() {
        "/v1/workflow/stream_run" => Reply::events(vec![
            (Duration::ZERO, end_message(r#"{"answer":"sunny"}"#)),
            (Duration::ZERO, sse("Done", "{}")),
        ]),
        _ => Reply::new(404, "{}"),
    });
    let app = "http://localhost:5173";
    let server = serve(
        dir.path(),
        &api,
        &["workflow.json", "--allow-origin", app],
        &[],
    );
    let host = server.host();
    let json = ("Content-Type", "application/json");
    let preflight = |origin: &str, path: &str| {
        request(
            server.port,
            "OPTIONS",
            path,
            &[
                ("Host", &host),
                ("Origin", origin),
                ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Headers", "content-type,x-session"),
            ],
            b"",
        )
    };
    let post = |origin: &str, path: &str, body: &[u8]| {
        request(
            server.port,
            "POST",
            path,
            &[("Host", &host), ("Origin", origin), json],
            body,
        )
    };

    let granted = preflight(app, "/w/1/run");
    assert_eq!(granted.status, 204, "{}", granted.head);
    assert_eq!(granted.header("access-control-allow-origin"), Some(app));
    assert_eq!(granted.header("access-control-allow-methods"), Some("POST"));
    assert_eq!(
        granted.header("access-control-allow-headers"),
        Some("content-type,x-session")
    );
    assert_eq!(granted.header("vary"), Some("Origin"));
    let run = post(app, "/w/1/run", br#"{"parameters":{"city":"Oslo"}}"#);
    assert_eq!(run.status, 200, "{}", run.body);
    assert_eq!(run.header("access-control-allow-origin"), Some(app));
    assert!(run.body.contains("sunny"), "{}", run.body);
    // A refusal is the listed origin's to read too: the parameters are checked all the same.
    let refused = post(app, "/w/1/run", br#"{"parameters":{"days":"x"}}"#);
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(refused.header("access-control-allow-origin"), Some(app));

    for other in ["http://localhost:5174", "https://localhost:5173", "null"] {
        let denied = preflight(other, "/w/1/run");
        assert_eq!(denied.status, 403, "{other}: {}", denied.head);
        assert_eq!(
            denied.header("access-control-allow-origin"),
            None,
            "{other}"
        );
        let denied = post(other, "/w/1/run", br#"{"parameters":{"city":"Rome"}}"#);
        assert_eq!(denied.status, 403, "{other}: {}", denied.body);
    }
    // Only the run endpoint: an upload or an interrupt's answer is the served pages' alone.
    for path in ["/w/1/upload", "/w/1/runs/1/answer", "/login"] {
        let denied = preflight(app, path);
        assert_eq!(denied.status, 403, "{path}: {}", denied.head);
        assert_eq!(denied.header("access-control-allow-origin"), None, "{path}");
        assert_eq!(post(app, path, b"{}").status, 403, "{path}");
    }
    let (code, stderr) = server.stop(libc::SIGTERM);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("runs may also be sent from the pages of http://localhost:5173"),
        "{stderr}"
    );
    let cities: Vec<serde_json::Value> = api
        .seen()
        .iter()
        .filter(|s| s.target() == "/v1/workflow/stream_run")
        .map(|s| s.json()["parameters"]["city"].clone())
        .collect();
    assert_eq!(cities, [json!("Oslo")]);

    for (args, says) in [
        (
            &["--allow-origin", app, "--password", "a long secret"][..],
            "does not go with an access secret",
        ),
        (&["--allow-origin", "http://localhost:5173/"], "no path"),
        (&["--allow-origin", "HTTP://localhost:5173"], "scheme"),
        (&["--allow-origin", "http://App.example"], "lowercase"),
        (&["--allow-origin", "http://localhost:80"], "default port"),
        (&["--allow-origin", "localhost:5173"], "scheme://host"),
    ] {
        let mut all = vec!["serve", "workflow.json"];
        all.extend_from_slice(args);
        let out = crate::common::api::run_in(dir.path(), &all);
        let (_, stderr) = crate::common::api::expect_exit(&out, 2);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}

#[test]
fn beyond_loopback_the_pages_ask_for_the_access_secret() {
    let dir = tempfile::tempdir().unwrap();
    hostile_workflow(dir.path());
    let api = Api::answering(|_, _| Reply::new(404, "{}"));
    let out = crate::common::api::run_in(
        dir.path(),
        &["serve", "workflow.json", "--bind", "0.0.0.0", "--port", "0"],
    );
    let (_, stderr) = crate::common::api::expect_exit(&out, 2);
    assert!(stderr.contains("--password"), "{stderr}");

    let server = serve(
        dir.path(),
        &api,
        &["workflow.json", "--bind", "0.0.0.0"],
        &[("COZEGEN_SERVE_PASSWORD", "correct horse")],
    );
    let host = server.host();
    let origin = server.origin();
    let first = request(server.port, "GET", "/w/1", &[("Host", &host)], b"");
    assert_eq!(
        (first.status, first.header("location")),
        (303, Some("/login"))
    );
    let login = |password: &str, origin: &str| {
        request(
            server.port,
            "POST",
            "/login",
            &[
                ("Host", &host),
                ("Origin", origin),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            format!("password={password}").as_bytes(),
        )
    };
    assert_eq!(login("wrong+horse", &origin).status, 401);
    assert_eq!(login("correct+horse", "http://evil.example").status, 403);
    let ok = login("correct+horse", &origin);
    assert_eq!(ok.status, 303);
    let cookie = ok.header("set-cookie").expect("a session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let session = cookie.split(';').next().unwrap();
    let page = request(
        server.port,
        "GET",
        "/w/1",
        &[("Host", &host), ("Cookie", session)],
        b"",
    );
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("correct horse"));
    // Without the cookie, a run is refused even with the page's secret.
    let secret = secret_of(&page.body);
    let refused = request(
        server.port,
        "POST",
        "/w/1/run",
        &[
            ("Host", &host),
            ("Origin", &origin),
            ("X-Cozegen-Secret", &secret),
            ("Content-Type", "application/json"),
        ],
        br#"{"parameters":{"city":"Oslo"}}"#,
    );
    assert_eq!(refused.status, 401);
    let (code, stderr) = server.stop(libc::SIGINT);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("correct horse"), "{stderr}");
    assert_eq!(
        stderr.matches("login: a wrong access secret").count(),
        1,
        "{stderr}"
    );
}

#[test]
fn a_dropped_stream_neither_stops_nor_resends_its_run_and_sigint_ends_a_streaming_server() {
    let dir = tempfile::tempdir().unwrap();
    hostile_workflow(dir.path());
    // The first run's end comes long after the page leaves; the second never ends.
    let api = Api::answering(|_, n| match n {
        0 => Reply::events(vec![
            (
                Duration::ZERO,
                sse(
                    "Message",
                    r#"{"content":"working","node_title":"LLM","node_seq_id":"0","node_is_finish":true}"#,
                ),
            ),
            (
                Duration::from_millis(300),
                end_message(r#"{"answer":"late"}"#),
            ),
            (Duration::ZERO, sse("Done", "{}")),
        ]),
        _ => Reply::events(vec![
            (
                Duration::ZERO,
                sse(
                    "Message",
                    r#"{"content":"forever","node_title":"LLM","node_seq_id":"0","node_is_finish":true}"#,
                ),
            ),
            (Duration::from_secs(600), sse("Done", "{}")),
        ]),
    });
    let server = serve(dir.path(), &api, &["workflow.json", "--max-runs", "1"], &[]);
    let host = server.host();
    let page = request(server.port, "GET", "/w/1", &[("Host", &host)], b"");
    let secret = secret_of(&page.body);
    let start = || {
        let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        let body = br#"{"parameters":{"city":"Oslo"}}"#;
        write!(
            stream,
            "POST /w/1/run HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\nX-Cozegen-Secret: {secret}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .unwrap();
        stream.write_all(body).unwrap();
        let mut reader = BufReader::new(stream);
        let mut seen = String::new();
        // Read until the first Coze event has come through.
        while !seen.contains("event: event") {
            let mut line = String::new();
            assert!(reader.read_line(&mut line).unwrap() > 0, "{seen}");
            seen.push_str(&line);
        }
        reader
    };
    drop(start());
    // The run goes on without its page, and ends in the list; it was sent once.
    loop {
        let runs = request(server.port, "GET", "/w/1/runs", &[("Host", &host)], b"");
        if runs.body.contains("status.succeeded") {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(api.count_of("/v1/workflow/stream_run"), 1);
    // A second run streams when the signal comes.
    let _open = start();
    // One run at a time: while it streams, another run or an upload is refused, not queued.
    let headers = [
        ("Host", host.as_str()),
        ("Origin", &*format!("http://{host}")),
        ("X-Cozegen-Secret", secret.as_str()),
        ("Content-Type", "application/json"),
    ];
    let busy = request(
        server.port,
        "POST",
        "/w/1/run",
        &headers,
        br#"{"parameters":{"city":"Oslo"}}"#,
    );
    assert_eq!(busy.status, 503, "{}", busy.body);
    assert!(busy.body.contains("too many runs"), "{}", busy.body);
    let upload = request(server.port, "POST", "/w/1/upload", &headers, b"bytes");
    assert_eq!(upload.status, 503, "{}", upload.body);
    let (code, stderr) = server.stop(libc::SIGINT);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("stopped by SIGINT"), "{stderr}");
    assert!(
        stderr.contains("let go of 1 run still running on Coze"),
        "{stderr}"
    );
    assert_eq!(api.count_of("/v1/workflow/stream_run"), 2);
}

fn node_event(node: &str, content: &str) -> String {
    sse(
        "Message",
        &json!({"content": content, "node_title": node, "node_seq_id": "0",
                "node_is_finish": true})
        .to_string(),
    )
}

fn chat_event(event: &str, data: serde_json::Value) -> String {
    sse(event, &data.to_string())
}

fn chat_delta(content: &str) -> String {
    chat_event(
        "conversation.message.delta",
        json!({"id": "122", "conversation_id": "456", "role": "assistant", "type": "answer",
               "content": content, "content_type": "text", "chat_id": "567"}),
    )
}

/// The fake Coze of the browser scenarios: a run answers by its `city`, a resume echoes its
/// answer, an upload names file F-77, a chat asks back when its message says "Ask".
fn browser_api() -> Api {
    let done = || {
        sse(
            "Done",
            r#"{"debug_url":"https://www.coze.cn/work_flow?execute_id=7001"}"#,
        )
    };
    Api::answering(move |seen, _| match seen.target() {
        STREAM_RUN_TARGET => {
            let body = seen.json();
            let city = body["parameters"]["city"].as_str().unwrap_or("").to_owned();
            let sky = (Duration::ZERO, node_event("LLM", "Looking at the sky…"));
            let end = |text: &str| {
                (
                    Duration::ZERO,
                    end_message(&json!({ "answer": text }).to_string()),
                )
            };
            match city.as_str() {
                "Slow" => Reply::events(vec![sky, (Duration::from_secs(600), done())]),
                "Ask" => Reply::events(vec![
                    sky,
                    (Duration::ZERO, node_event("Question", "Which day?")),
                    (
                        Duration::ZERO,
                        sse(
                            "Interrupt",
                            r#"{"interrupt_data":{"data":"","event_id":"7404/2769","type":2},"node_title":"Question"}"#,
                        ),
                    ),
                ]),
                "Form" => Reply::events(vec![(
                    Duration::ZERO,
                    sse(
                        "Interrupt",
                        &json!({"node_title": "Input", "interrupt_data": {
                        "event_id": "7405/1", "type": 5,
                        "data": "{\"content_type\":\"text\",\"content\":\"Who are you?\"}",
                        "required_parameters": {
                            "name": {"type": "string", "required": true,
                                     "description": "As on your badge"},
                            "age": {"type": "integer"},
                            "tags": {"type": "array", "items": {"type": "string"}}
                        }}})
                        .to_string(),
                    ),
                )]),
                "Fail" => Reply::events(vec![(
                    Duration::ZERO,
                    sse(
                        "Error",
                        r#"{"error_code":4000,"error_message":"Request parameter error","detail":{"logid":"20250101LOGID"}}"#,
                    ),
                )]),
                "" => Reply::events(vec![end("shipped"), (Duration::ZERO, done())]),
                city => Reply::events(vec![
                    sky,
                    end(&format!("sunny in {city}")),
                    (Duration::ZERO, done()),
                ]),
            }
        }
        STREAM_RESUME_TARGET => {
            let answer = seen.json()["resume_data"]
                .as_str()
                .unwrap_or("?")
                .to_owned();
            Reply::events(vec![
                (
                    Duration::ZERO,
                    end_message(&json!({ "answer": format!("resumed with {answer}") }).to_string()),
                ),
                (Duration::ZERO, done()),
            ])
        }
        UPLOAD_TARGET => Reply::new(
            200,
            json!({"code": 0, "msg": "", "data": {"id": "F-77", "bytes": 13,
                   "file_name": "x", "created_at": 1715847583}})
            .to_string(),
        ),
        CHAT_TARGET => {
            let body = seen.json();
            let message = body["additional_messages"][0]["content"]
                .as_str()
                .unwrap_or("")
                .to_owned();
            let completed = chat_event(
                "conversation.chat.completed",
                json!({"id": "567", "conversation_id": "456", "status": "completed"}),
            );
            let answer = match message.as_str() {
                "Ask me" => {
                    return Reply::events(vec![
                        (Duration::ZERO, chat_delta("Which month?")),
                        (
                            Duration::ZERO,
                            chat_event(
                                "conversation.chat.requires_action",
                                json!({"id": "567", "conversation_id": "456",
                                       "status": "requires_action"}),
                            ),
                        ),
                        (Duration::ZERO, chat_event("done", json!({}))),
                    ]);
                }
                "June" => "June it is.",
                _ => "Go in May.",
            };
            // As Coze sends it: the answer in deltas, then whole in `completed` (not shown
            // twice).
            let (head, tail) = answer.split_at(3);
            let whole = chat_event(
                "conversation.message.completed",
                json!({"id": "122", "conversation_id": "456", "role": "assistant",
                       "type": "answer", "content": answer, "content_type": "text",
                       "chat_id": "567"}),
            );
            Reply::events(vec![
                (Duration::ZERO, chat_delta(head)),
                (Duration::ZERO, chat_delta(tail)),
                (Duration::ZERO, whole),
                (Duration::ZERO, completed),
                (Duration::ZERO, chat_event("done", json!({}))),
            ])
        }
        _ => Reply::new(404, "{}"),
    })
}

#[test]
fn chromium_fills_streams_answers_uploads_and_chats_on_the_served_pages() {
    if !js_tools_available("the served pages' browser scenarios") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    hostile_workflow(dir.path());
    std::fs::copy(
        root().join("tests/i18n/zh_order.json"),
        dir.path().join("zh.json"),
    )
    .unwrap();
    std::fs::copy(
        root().join("tests/corpus/chatflow.json"),
        dir.path().join("chat.json"),
    )
    .unwrap();
    // The embedding app of the --allow-origin scenario: workflow 1's form as a component, and
    // a free port for its page (taken from the system, then left for node to listen on).
    let component = dir.path().join("form.js");
    let out = Command::new(env!("CARGO_BIN_EXE_cozegen"))
        .args(["html", "workflow.json", "--component", "-o", "form.js"])
        .current_dir(dir.path())
        .output()
        .expect("cozegen html --component");
    assert!(out.status.success(), "{}", stderr_of(&out));
    let app_port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let app_origin = format!("http://127.0.0.1:{app_port}");
    let api = browser_api();
    let server = serve(
        dir.path(),
        &api,
        &[
            "workflow.json",
            "zh.json",
            "chat.json",
            "--allow-origin",
            &app_origin,
        ],
        &[],
    );
    let screenshots = root().join("target/cozegen-screenshots");
    let config = json!({
        "url": format!("{}/", server.origin()),
        "screenshots": screenshots,
        "component": {"port": app_port, "module": component},
    });
    let scenarios = browser_scenarios("serve-e2e.mjs", &config, dir.path(), 12);
    let (code, stderr) = server.stop(libc::SIGINT);
    let report = scenarios.unwrap_or_else(|e| panic!("{e}\nserver:\n{stderr}"));
    eprintln!("{report}");
    assert_eq!(code, Some(0), "{stderr}");
    // The slow run still streamed when the server stopped: let go, not sent again.
    assert!(
        stderr.contains("let go of 1 run still running on Coze"),
        "{stderr}"
    );

    let seen = api.seen();
    // What reached Coze, in order: each run once; the resumes carry the page's answers.
    let targets: Vec<&str> = seen.iter().map(|s| s.target()).collect();
    assert_eq!(
        targets.iter().filter(|t| **t == STREAM_RUN_TARGET).count(),
        8,
        "{targets:?}"
    );
    // The listed origin's run reached Coze; the unlisted one's did not.
    let cities: Vec<serde_json::Value> = seen
        .iter()
        .filter(|s| s.target() == STREAM_RUN_TARGET)
        .map(|s| s.json()["parameters"]["city"].clone())
        .collect();
    assert!(cities.contains(&json!("Lisbon")), "{cities:?}");
    assert!(!cities.contains(&json!("Rome")), "{cities:?}");
    let resumes: Vec<serde_json::Value> = seen
        .iter()
        .filter(|s| s.target() == STREAM_RESUME_TARGET)
        .map(|s| s.json())
        .collect();
    assert_eq!(
        resumes,
        [
            json!({"workflow_id": ID, "event_id": "7404/2769", "resume_data": "Friday",
                   "interrupt_type": 2}),
            json!({"workflow_id": ID, "event_id": "7405/1",
                   "resume_data": r#"{"name":"Ada","age":36,"tags":["a","b"]}"#, "interrupt_type": 5}),
        ]
    );
    let upload = seen
        .iter()
        .find(|s| s.target() == UPLOAD_TARGET)
        .expect("an upload");
    let (head, bytes) = upload.multipart();
    assert!(head.contains("sky <1>.png"), "{head}");
    assert_eq!(bytes, b"PNG sky bytes");
    let with_photo: Vec<serde_json::Value> = seen
        .iter()
        .filter(|s| s.target() == STREAM_RUN_TARGET)
        .map(|s| s.json()["parameters"].clone())
        .filter(|p| p.get("photo").is_some())
        .collect();
    assert_eq!(
        with_photo,
        [json!({"city": "Oslo", "photo": r#"{"file_id":"F-77"}"#})]
    );
    let chats: Vec<serde_json::Value> = seen
        .iter()
        .filter(|s| s.target() == CHAT_TARGET)
        .map(|s| s.json())
        .collect();
    assert_eq!(chats.len(), 3);
    assert_eq!(chats[2]["conversation_id"], "456", "{}", chats[2]);
    assert_eq!(chats[2]["parameters"], chats[1]["parameters"]);
    assert_eq!(chats[0]["parameters"]["city"], "Paris");
    for s in seen.iter() {
        assert_eq!(
            s.header("authorization").as_deref(),
            Some(&*format!("Bearer {TOKEN}"))
        );
    }
}

#[test]
fn async_runs_are_read_back_from_the_run_history_and_the_runs_page_reads_them_again() {
    use crate::common::api::{RUN_TARGET, async_run_answer, history_target, run_history_answer};
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let dir = tempfile::tempdir().unwrap();
    hostile_workflow(dir.path());
    // Run 9001 is read as running once, then as done; 9002 runs until the test says; 9003
    // fails with a message that holds the token.
    let finished = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicUsize::new(0));
    let (finished2, reads2) = (Arc::clone(&finished), Arc::clone(&reads));
    let api = Api::answering(move |seen, _| {
        let target = seen.target().to_owned();
        if target == RUN_TARGET {
            let execute_id = match seen.json()["parameters"]["city"].as_str() {
                Some("Oslo") => "9001",
                Some("Bergen") => "9002",
                _ => "9003",
            };
            return async_run_answer(ID, execute_id);
        }
        let history = |id: &str, status: &str, extra| {
            run_history_answer(
                ID,
                id,
                status,
                &json!({"Output": r#"{"answer":"async sun"}"#}).to_string(),
                extra,
            )
        };
        if target == history_target(ID, "9001") {
            return match reads2.fetch_add(1, Ordering::SeqCst) {
                0 => history("9001", "Running", json!({"output": ""})),
                _ => history("9001", "Success", json!({})),
            };
        }
        if target == history_target(ID, "9002") {
            return match finished2.load(Ordering::SeqCst) {
                false => history("9002", "Running", json!({"output": ""})),
                true => history("9002", "Success", json!({})),
            };
        }
        if target == history_target(ID, "9003") {
            return history(
                "9003",
                "Fail",
                json!({"output": "", "error_code": "720701",
                       "error_message": format!("the token {TOKEN} was refused")}),
            );
        }
        Reply::new(404, "{}")
    });
    let server = serve(
        dir.path(),
        &api,
        &["workflow.json", "--async", "--poll-interval-ms", "1"],
        &[],
    );
    let host = server.host();
    let origin = server.origin();
    let page = request(server.port, "GET", "/w/1", &[("Host", &host)], b"");
    let secret = secret_of(&page.body);
    let headers = [
        ("Host", host.as_str()),
        ("Origin", origin.as_str()),
        ("X-Cozegen-Secret", secret.as_str()),
        ("Content-Type", "application/json"),
    ];
    let run = |city: &str| {
        let body = json!({ "parameters": { "city": city } }).to_string();
        request(server.port, "POST", "/w/1/run", &headers, body.as_bytes())
    };

    // Started, read as running, then read as done: the output checked against the end node.
    let ran = run("Oslo");
    assert_eq!(ran.status, 200, "{}", ran.body);
    let started = ran.body.find("event: started").expect("started");
    let done = ran.body.find("event: done").expect("done");
    assert!(started < done, "{}", ran.body);
    assert!(
        ran.body.contains(r#""execute_id":"9001""#)
            && ran.body.contains(r#""checked":true"#)
            && ran.body.contains("async sun"),
        "{}",
        ran.body
    );
    // Coze's failure, scrubbed of the token (request() searches every answer for it).
    let failed = run("Tromsø");
    assert!(
        failed.body.contains("event: error")
            && failed.body.contains("720701")
            && failed.body.contains("was refused"),
        "{}",
        failed.body
    );

    // A run whose page leaves while it runs: the runs page reads its history again.
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    let body = br#"{"parameters":{"city":"Bergen"}}"#;
    let mut head = String::from("POST /w/1/run HTTP/1.1\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut reader = BufReader::new(stream);
    let mut seen = String::new();
    while !seen.contains("event: started") {
        let mut line = String::new();
        assert!(reader.read_line(&mut line).unwrap() > 0, "{seen}");
        seen.push_str(&line);
    }
    drop(reader);
    let runs_page = || request(server.port, "GET", "/w/1/runs", &[("Host", &host)], b"");
    let listed = runs_page();
    assert!(
        listed
            .body
            .contains(r#"<tr data-status="status.running"><td>3</td>"#)
            && listed.body.contains("<code>9002</code>"),
        "{}",
        listed.body
    );
    finished.store(true, Ordering::SeqCst);
    let listed = runs_page();
    assert!(
        listed
            .body
            .contains(r#"<tr data-status="status.succeeded"><td>3</td>"#)
            && listed
                .body
                .contains(r#"<tr data-status="status.failed"><td>2</td>"#)
            && listed
                .body
                .contains(r#"<tr data-status="status.succeeded"><td>1</td>"#),
        "{}",
        listed.body
    );
    // Each run was sent once.
    assert_eq!(api.count_of(RUN_TARGET), 3);
    assert!(
        api.seen()
            .iter()
            .filter(|s| s.target() == RUN_TARGET)
            .all(|s| s.json()["is_async"] == true)
    );
    let (code, stderr) = server.stop(libc::SIGTERM);
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn serve_help_matches_golden() {
    crate::common::golden::assert_golden(
        "cli/serve-help.txt",
        &stdout(&crate::common::cozegen(&["serve", "--help"])),
    );
}

#[test]
fn a_workflow_fetched_by_id_is_served_and_open_hands_its_index_to_the_browser() {
    use crate::common::api::{expect_exit, run_in, workflow_target};
    let dir = tempfile::tempdir().unwrap();
    hostile_workflow(dir.path());
    let info: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("workflow.json")).unwrap())
            .unwrap();
    let api = Api::answering(move |seen, _| {
        if seen.target() == workflow_target(ID) {
            Reply::new(200, json!({"code": 0, "msg": "", "data": info}).to_string())
        } else {
            Reply::new(404, "{}")
        }
    });
    // $BROWSER is handed the index's URL.
    let opener = dir.path().join("opener.sh");
    let opened = dir.path().join("opened.txt");
    std::fs::write(
        &opener,
        format!(
            "#!/bin/sh\nprintf '%s' \"$1\" > {}.part && mv {0}.part {0}\n",
            opened.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&opener, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let server = serve(
        dir.path(),
        &api,
        &["-w", ID, "--open", "--lang", "zh-CN"],
        &[("BROWSER", opener.to_str().unwrap())],
    );
    while !opened.exists() {
        std::thread::sleep(Duration::from_millis(10));
    }
    let url = std::fs::read_to_string(&opened).unwrap();
    assert_eq!(url, format!("{}/", server.origin()));
    let page = request(server.port, "GET", "/w/1", &[("Host", &server.host())], b"");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<html lang=\"zh-CN\">"), "{}", page.body);
    assert!(page.body.contains(ID));
    let (code, stderr) = server.stop(libc::SIGINT);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains(&format!("/w/1  {HOSTILE}")), "{stderr}");

    // What cannot be served is said before anything listens.
    let out = run_in(
        dir.path(),
        &["serve", "workflow.json", "--password", "short"],
    );
    let (_, stderr) = expect_exit(&out, 2);
    assert!(stderr.contains("at least 8 characters"), "{stderr}");
    let mut no_id: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("workflow.json")).unwrap())
            .unwrap();
    no_id["workflow_detail"]
        .as_object_mut()
        .unwrap()
        .remove("workflow_id");
    std::fs::write(dir.path().join("no_id.json"), no_id.to_string()).unwrap();
    let out = run_in(dir.path(), &["serve", "no_id.json"]);
    let (_, stderr) = expect_exit(&out, 2);
    assert!(stderr.contains("serve it with -w ID"), "{stderr}");
}

#[test]
fn the_documented_commands_serve_a_file_and_a_workspace_behind_a_login() {
    use crate::common::api::{list_target, workflow_target};
    let dir = tempfile::tempdir().unwrap();
    let example = root().join("examples/workflows/order_intake.json");
    let api = Api::answering(|_, _| Reply::new(404, "{}"));
    let server = serve(dir.path(), &api, &[example.to_str().unwrap()], &[]);
    let host = server.host();
    let index = request(server.port, "GET", "/", &[("Host", &host)], b"");
    assert!(index.body.contains("order_intake"), "{}", index.body);
    let page = request(server.port, "GET", "/w/1", &[("Host", &host)], b"");
    assert!(
        page.status == 200 && page.body.contains("7350583675492399001"),
        "{}",
        page.body
    );
    let (code, _) = server.stop(libc::SIGINT);
    assert_eq!(code, Some(0));

    let one = std::fs::read(root().join("tests/corpus/order_intake.json")).unwrap();
    let two = std::fs::read(root().join("tests/corpus/chatflow.json")).unwrap();
    let list = json!({"code": 0, "msg": "", "data": {"has_more": false, "items": [
        {"workflow_id": "20", "workflow_name": "trip_advisor"},
        {"workflow_id": "10", "workflow_name": "order_intake"},
    ]}});
    let api = Api::start(vec![
        (
            list_target("7350000000000000000", 1, 30),
            200,
            list.to_string().into_bytes(),
        ),
        (workflow_target("10"), 200, one),
        (workflow_target("20"), 200, two),
    ]);
    let server = serve(
        dir.path(),
        &api,
        &["--workspace-id", "7350000000000000000", "--bind", "0.0.0.0"],
        &[("COZEGEN_SERVE_PASSWORD", "a long secret")],
    );
    let (host, origin) = (server.host(), server.origin());
    let index = request(server.port, "GET", "/", &[("Host", &host)], b"");
    assert_eq!(index.header("location"), Some("/login"));
    let login = request(
        server.port,
        "POST",
        "/login",
        &[
            ("Host", &host),
            ("Origin", &origin),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        b"password=a+long+secret",
    );
    let cookie = login.header("set-cookie").expect("cookie");
    let session = cookie.split(';').next().unwrap().to_owned();
    let index = request(
        server.port,
        "GET",
        "/",
        &[("Host", &host), ("Cookie", &session)],
        b"",
    );
    let first = index.body.find("order_intake").expect("order_intake");
    let second = index.body.find("trip_advisor").expect("trip_advisor");
    assert!(first < second, "in ID order: {}", index.body);
    assert!(index.body.contains("Chatflow"), "{}", index.body);
    let (code, stderr) = server.stop(libc::SIGTERM);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("behind a login"), "{stderr}");
}
