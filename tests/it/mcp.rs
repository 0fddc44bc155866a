//! `cozegen mcp`, driven by the official MCP TypeScript SDK client (`tests/js/mcp-client.mjs`)
//! against a fake Coze API on 127.0.0.1: the tools it lists, a valid call, an invalid one, a
//! Coze error, a run that may have started, and the token in no message. And the life of the
//! server process: however a session ends (the client closes stdin, the client vanishes
//! mid-session or mid-call, a signal), with the TypeScript and the Python SDK's clients
//! (`tests/js/mcp-peer.mjs`, `tests/py/mcp_peer.py`), it exits 0 with nothing alarming on
//! stderr.

use crate::common::api::{
    Api, RUN_TARGET, Reply, TOKEN, async_run_answer, history_target, run_history_answer,
};
use crate::common::*;
use serde_json::{Value, json};
use std::process::Command;
use std::time::Duration;

const ORDER: &str = "tests/corpus/order_intake.json";
const ORDER_ID: &str = "7350583675492399001";

/// Runs the client against `cozegen mcp ARGS`, making `calls`; returns its report.
fn session(api: &Api, args: &[&str], calls: Value) -> Value {
    session_at(&api.url(), args, calls)
}

/// [`session`] with Coze at `base`.
fn session_at(base: &str, args: &[&str], calls: Value) -> Value {
    session_with(base, args, calls, &json!({}), |_| {})
}

/// [`session_at`] with the client's options (see `tests/js/mcp-client.mjs`), and `meanwhile`
/// given the client's stdin while the calls go (a line on it fires a call's abort).
fn session_with(
    base: &str,
    args: &[&str],
    calls: Value,
    options: &Value,
    meanwhile: impl FnOnce(&mut std::process::ChildStdin),
) -> Value {
    use std::process::Stdio;
    let mut command = vec![env!("CARGO_BIN_EXE_cozegen").to_owned(), "mcp".to_owned()];
    command.extend(args.iter().map(|a| (*a).to_owned()));
    let mut child = Command::new("node")
        .arg(root().join("tests/js/mcp-client.mjs"))
        .arg(serde_json::to_string(&command).expect("json"))
        .arg(calls.to_string())
        .arg(options.to_string())
        .current_dir(root())
        .env("COZE_API_TOKEN", TOKEN)
        .env("COZE_API_BASE", base)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run node");
    let mut stdin = child.stdin.take().expect("the client's stdin");
    meanwhile(&mut stdin);
    drop(stdin);
    let out = child.wait_with_output().expect("the client ends");
    assert!(
        out.status.success(),
        "mcp-client failed: {}\n{}",
        stderr(&out),
        stdout(&out)
    );
    let text = stdout(&out);
    assert!(!text.contains(TOKEN), "the token is in a message: {text}");
    let report: Value = serde_json::from_str(&text).expect("the client's report is JSON");
    // The SDK's close: stdin closed, then SIGTERM after 2 s. The server ends on the first.
    assert_eq!(
        report["exit"],
        json!({"code": 0, "signal": null}),
        "{}",
        report["stderr"]
    );
    assert_calm(report["stderr"].as_str().expect("stderr"));
    report
}

/// Waits (at most `patience`) until the run has reached the fake Coze, and checks it came once.
fn await_one_request(api: &Api, patience: Duration) {
    let deadline = std::time::Instant::now() + patience;
    while api.count() == 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(api.count(), 1);
}

/// Nothing on a server's stderr that would send a user looking for a bug.
fn assert_calm(stderr: &str) {
    for alarming in ["panicked", "internal error", "error:", "RUST_BACKTRACE"] {
        assert!(
            !stderr.contains(alarming),
            "{alarming:?} on stderr:\n{stderr}"
        );
    }
}

/// `value` with every number as a double, as JavaScript reads it (the integer bounds
/// ±2^63 are not doubles).
fn as_js(value: &Value) -> Value {
    match value {
        Value::Number(n) => json!(n.as_f64().expect("a number")),
        Value::Array(items) => Value::Array(items.iter().map(as_js).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), as_js(v))).collect())
        }
        other => other.clone(),
    }
}

fn text_of(result: &Value) -> String {
    result["content"]
        .as_array()
        .expect("content")
        .iter()
        .filter_map(|c| c["text"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn an_mcp_client_lists_calls_and_gets_checked_answers() {
    if !js_tools_available("the MCP client test") {
        return;
    }
    let output = json!({"order_id": "A-1", "eta": "2025-07-01 09:30:00"});
    let api = Api::scripted(vec![
        Reply::new(
            200,
            json!({"code": 0, "msg": "", "data": output.to_string(), "execute_id": "7401",
                   "detail": {"logid": "LOG-OK"}})
            .to_string(),
        ),
        Reply::new(
            200,
            json!({"code": 4200, "msg": format!("workflow not published (token {TOKEN})"),
                   "detail": {"logid": "20250101LOGID"}})
            .to_string(),
        ),
        Reply::drop_connection(),
    ]);
    let valid = json!({
        "customer": {"name": "Ada", "email": null, "address": {"street": "1 Main St", "city": "Paris"}},
        "lines": [{"sku": "A1", "qty": 2, "gift_wrap": null}],
        "priority": null
    });
    let calls = json!([
        {"name": "order_intake", "arguments": valid},
        {"name": "order_intake", "arguments": {"customer": {"name": 7, "address": {"street": "s", "city": "c"}}, "extra": 1}},
        {"name": "order_intake", "arguments": {"customer": {"name": "Ada", "address": {"street": "s", "city": "c"}}, "lines": []}},
        {"name": "no_such_tool", "arguments": {}},
        {"name": "order_intake", "arguments": {"customer": {"name": "Ada", "address": {"street": "s", "city": "c"}}, "lines": []}},
    ]);
    let report = session(&api, &[ORDER, "tests/corpus/arrays.json"], calls);

    // tools/list: what `cozegen tool --format mcp` writes, for both workflows.
    let listed = std::fs::read_to_string(root().join("tests/golden/order_intake/tool-mcp.json"))
        .expect("golden");
    let golden: Value = serde_json::from_str(&listed).expect("json");
    let tools = report["tools"].as_array().expect("tools");
    let names: Vec<&str> = tools
        .iter()
        .map(|t| t["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["order_intake", "order_rows"]);
    assert_eq!(
        as_js(&tools[0]["inputSchema"]),
        as_js(&golden[0]["inputSchema"])
    );
    assert_eq!(
        as_js(&tools[0]["outputSchema"]),
        as_js(&golden[0]["outputSchema"])
    );
    assert_eq!(tools[0]["description"], golden[0]["description"]);
    assert!(tools[1].get("outputSchema").is_none(), "{}", tools[1]);

    let results = report["results"].as_array().expect("results");
    // A valid call: the nulls of optional parameters left out, one request with the token.
    let ok = &results[0]["result"];
    assert_eq!(ok["isError"], false, "{ok}");
    assert_eq!(ok["structuredContent"], output);
    let text: Value = serde_json::from_str(&text_of(ok)).expect("the text block is the JSON");
    assert_eq!(text, output);
    {
        let seen = api.seen();
        assert_eq!(
            seen[0].request_line(),
            format!("POST {RUN_TARGET} HTTP/1.1")
        );
        assert_eq!(
            seen[0].header("authorization"),
            Some(format!("Bearer {TOKEN}"))
        );
        assert_eq!(
            seen[0].json(),
            json!({"workflow_id": ORDER_ID, "parameters": {
                "customer": {"name": "Ada", "address": {"street": "1 Main St", "city": "Paris"}},
                "lines": [{"sku": "A1", "qty": 2}]
            }})
        );
    }

    // An invalid call: every problem by path, and nothing sent.
    let bad = &results[1]["result"];
    assert_eq!(bad["isError"], true, "{bad}");
    let text = text_of(bad);
    for needle in [
        "nothing was sent to Coze",
        "customer.name: expected",
        "lines: required parameter is missing",
        "extra: is not a parameter of this workflow",
    ] {
        assert!(text.contains(needle), "{needle:?} not in {text}");
    }

    // A Coze error envelope: a tool error with the code and the logid, the token scrubbed.
    let refused = &results[2]["result"];
    assert_eq!(refused["isError"], true, "{refused}");
    let text = text_of(refused);
    assert!(
        text.contains("4200") && text.contains("20250101LOGID"),
        "{text}"
    );
    assert!(text.contains("workflow not published"), "{text}");

    // An unknown tool is a protocol error, not a run.
    assert!(
        results[3]["error"]
            .as_str()
            .is_some_and(|e| e.contains("no_such_tool")),
        "{}",
        results[3]
    );
    // A run whose answer broke off: a tool error saying it may have started, sent once.
    let unconfirmed = &results[4]["result"];
    assert_eq!(unconfirmed["isError"], true, "{unconfirmed}");
    assert!(
        text_of(unconfirmed).contains("may have started"),
        "{unconfirmed}"
    );
    assert_eq!(api.count(), 3, "{:?}", api.requests());

    let messages = report["messages"].to_string();
    assert!(!messages.contains(TOKEN));
    assert!(
        !report["stderr"]
            .as_str()
            .unwrap_or_default()
            .contains(TOKEN)
    );
}

#[test]
fn a_call_to_an_unresolvable_host_says_nothing_was_sent() {
    if !js_tools_available("the MCP client test") {
        return;
    }
    let calls = json!([{"name": "order_intake", "arguments": {
        "customer": {"name": "Ada", "address": {"street": "s", "city": "c"}}, "lines": []}}]);
    let report = session_at("https://coze-api.invalid", &[ORDER], calls);
    let result = &report["results"][0]["result"];
    assert_eq!(result["isError"], true, "{result}");
    let text = text_of(result);
    assert!(
        text.contains("cannot resolve the host of coze-api.invalid")
            && text.contains("nothing was sent"),
        "{text}"
    );
    assert!(!text.contains("may have started"), "{text}");
}

#[test]
fn a_server_without_a_workflow_id_to_run_refuses_to_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = dir.path().join("bare.json");
    std::fs::write(&doc, r#"{"input":{"parameters":{"q":{"type":"string"}}}}"#).expect("write");
    let out = cozegen(&["mcp", doc.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("serve it with -w ID"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn stdin_is_the_protocol_not_a_document() {
    let out = cozegen(&["mcp", "-"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("protocol on stdin"),
        "{}",
        stderr(&out)
    );
}

/// A chatflow's tool takes the user's message as `USER_INPUT` and chats through
/// `/v1/workflows/chat`, answering with the text of the chatflow's answer.
#[test]
fn a_chatflow_tool_takes_the_message_and_chats() {
    if !js_tools_available("the MCP client test") {
        return;
    }
    let event = |name: &str, data: Value| {
        (
            Duration::from_millis(10),
            format!("event: {name}\ndata: {data}\n\n"),
        )
    };
    let delta = |content: &str| {
        event(
            "conversation.message.delta",
            json!({"id": "122", "conversation_id": "456", "role": "assistant", "type": "answer",
                   "content": content, "content_type": "text", "chat_id": "567"}),
        )
    };
    let chat = json!({"id": "567", "conversation_id": "456", "status": "completed",
                      "usage": {"token_count": 30, "output_count": 10, "input_count": 20}});
    let api = Api::scripted(vec![Reply::events(vec![
        delta("Paris is best "),
        delta("in spring."),
        event("conversation.chat.completed", chat),
        event(
            "done",
            json!({"debug_url": "https://www.coze.cn/work_flow?execute_id=7444"}),
        ),
    ])]);
    let calls = json!([
        {"name": "trip_advisor", "arguments": {"USER_INPUT": "When should I go?", "city": "Paris", "days": null}},
        {"name": "trip_advisor", "arguments": {"city": "Paris"}},
        {"name": "trip_advisor", "arguments": {"USER_INPUT": "  ", "city": "Paris"}},
    ]);
    let report = session(&api, &["tests/corpus/chatflow.json"], calls);

    let tool = &report["tools"][0];
    assert_eq!(tool["inputSchema"]["required"][0], "USER_INPUT", "{tool}");
    let first = tool["inputSchema"]["properties"]
        .as_object()
        .and_then(|p| p.keys().next().cloned());
    assert_eq!(first.as_deref(), Some("USER_INPUT"));
    assert_eq!(
        tool["inputSchema"]["properties"]["USER_INPUT"]["description"],
        "The traveller's question"
    );
    assert!(
        tool.get("outputSchema").is_none(),
        "a chat answers text: {tool}"
    );

    let results = report["results"].as_array().expect("results");
    let answer = &results[0]["result"];
    assert_eq!(answer["isError"], false, "{answer}");
    assert_eq!(text_of(answer), "Paris is best in spring.");
    for refused in &results[1..] {
        let refused = &refused["result"];
        assert_eq!(refused["isError"], true, "{refused}");
        assert!(text_of(refused).contains("USER_INPUT"), "{refused}");
        assert!(text_of(refused).contains("nothing was sent"), "{refused}");
    }
    let seen = api.seen();
    assert_eq!(seen.len(), 1, "only the valid call reached Coze");
    assert_eq!(seen[0].request_line(), "POST /v1/workflows/chat HTTP/1.1");
    assert_eq!(
        seen[0].json(),
        json!({"workflow_id": "7507120000000091219", "app_id": "7493481000000008294",
               "additional_messages": [{"role": "user", "content": "When should I go?", "content_type": "text"}],
               "parameters": {"city": "Paris"}})
    );
}

/// A token split across two of a chat's deltas reaches the client redacted: the client's
/// stream reader joins what a caller would join (the server adds no scrubbing of its own).
#[test]
fn a_token_split_across_chat_deltas_reaches_no_client() {
    if !js_tools_available("the MCP client test") {
        return;
    }
    let (first, second) = TOKEN.split_at(9);
    let event = |name: &str, data: Value| {
        (
            Duration::from_millis(10),
            format!("event: {name}\ndata: {data}\n\n"),
        )
    };
    let delta = |content: String| {
        event(
            "conversation.message.delta",
            json!({"type": "answer", "content": content, "chat_id": "567"}),
        )
    };
    let api = Api::scripted(vec![Reply::events(vec![
        delta(format!("key {first}")),
        delta(format!("{second} ok")),
        event("conversation.chat.completed", json!({"id": "567"})),
        event("done", json!({})),
    ])]);
    let calls =
        json!([{"name": "trip_advisor", "arguments": {"USER_INPUT": "hi", "city": "Paris"}}]);
    let report = session(&api, &["tests/corpus/chatflow.json"], calls);
    let answer = &report["results"][0]["result"];
    assert_eq!(answer["isError"], false, "{answer}");
    assert_eq!(text_of(answer), "key <redacted> ok");
}

/// A real client, wired to a `cozegen mcp` this test started, so the test sees how the server
/// ends.
struct Wired {
    server: std::process::Child,
    client: std::process::Child,
    /// The client's progress lines.
    said: std::sync::mpsc::Receiver<String>,
    server_stderr: std::thread::JoinHandle<String>,
}

/// Which SDK's client to wire: its program and script.
enum Sdk {
    TypeScript,
    Python(std::path::PathBuf),
}

fn wire(sdk: &Sdk, api: &Api, token: Option<&str>, docs: &[&str], plan: Value) -> Wired {
    use std::io::{BufRead, BufReader, Read};
    use std::process::Stdio;
    let mut server = Command::new(env!("CARGO_BIN_EXE_cozegen"));
    server
        .arg("mcp")
        .args(docs)
        .current_dir(root())
        .env_remove("COZE_API_TOKEN")
        .env("COZE_API_BASE", api.url())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(token) = token {
        server.env("COZE_API_TOKEN", token);
    }
    let mut server = server.spawn().expect("start cozegen mcp");
    // The client's stdout is the server's stdin and the other way round. The commands are
    // dropped at the end of this block, so this process keeps no end of either pipe, and the
    // server sees its stdin close exactly when the client's stdout does.
    let mut client = {
        let mut command = match sdk {
            Sdk::TypeScript => {
                let mut c = Command::new("node");
                c.arg(root().join("tests/js/mcp-peer.mjs"));
                c
            }
            Sdk::Python(python) => {
                let mut c = Command::new(python);
                c.arg(root().join("tests/py/mcp_peer.py"));
                c
            }
        };
        command
            .arg(plan.to_string())
            .current_dir(root())
            .stdin(Stdio::from(server.stdout.take().expect("server stdout")))
            .stdout(Stdio::from(server.stdin.take().expect("server stdin")))
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the client")
    };
    let mut errors = server.stderr.take().expect("server stderr");
    let server_stderr = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = errors.read_to_string(&mut text);
        text
    });
    let (tell, said) = std::sync::mpsc::channel();
    let lines = BufReader::new(client.stderr.take().expect("client stderr"));
    std::thread::spawn(move || {
        for line in lines.lines().map_while(Result::ok) {
            if tell.send(line).is_err() {
                break;
            }
        }
    });
    Wired {
        server,
        client,
        said,
        server_stderr,
    }
}

impl Wired {
    /// Waits for the client to say a line starting with `prefix`, and returns it.
    fn expect(&self, prefix: &str) -> String {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        let mut heard = Vec::new();
        while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
            match self.said.recv_timeout(left) {
                Ok(line) if line.starts_with(prefix) => return line,
                Ok(line) => heard.push(line),
                Err(_) => break,
            }
        }
        panic!("the client never said {prefix:?}; it said: {heard:#?}");
    }

    /// Sends `signal` to the server.
    fn signal_server(&self, signal: libc::c_int) {
        let pid = libc::pid_t::try_from(self.server.id()).expect("pid");
        // SAFETY: kill(2) on the pid of a child this test started and has not yet reaped.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0, "kill");
    }

    /// Kills the client outright: its ends of both pipes close without a word.
    fn kill_client(&mut self) {
        self.client.kill().expect("kill the client");
        let _ = self.client.wait();
    }

    /// Waits for the server to exit; returns its exit code and stderr.
    fn server_end(mut self) -> (Option<i32>, String) {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        let status = loop {
            if let Some(status) = self.server.try_wait().expect("wait") {
                break status;
            }
            if std::time::Instant::now() > deadline {
                let _ = self.server.kill();
                panic!("cozegen mcp did not end within 20 s");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let _ = self.client.kill();
        let _ = self.client.wait();
        let stderr = self.server_stderr.join().expect("stderr reader");
        (status.code(), stderr)
    }
}

/// Both SDKs' clients, where this machine has them (never skipped under `CI=true`).
fn sdks() -> Vec<Sdk> {
    let mut sdks = Vec::new();
    if js_tools_available("the MCP TypeScript SDK client") {
        sdks.push(Sdk::TypeScript);
    }
    if let Some(python) = python_tools("the MCP Python SDK client") {
        sdks.push(Sdk::Python(python));
    }
    sdks
}

#[test]
fn a_session_the_client_closes_ends_with_exit_0() {
    for sdk in sdks() {
        let api = Api::scripted(vec![Reply::new(
            200,
            json!({"code": 0, "msg": "", "data": "{\"order_id\":\"A-1\"}"}).to_string(),
        )]);
        let call = json!({"name": "order_intake", "arguments": {
            "customer": {"name": "Ada", "address": {"street": "s", "city": "c"}}, "lines": []}});
        let wired = wire(
            &sdk,
            &api,
            Some(TOKEN),
            &[ORDER],
            json!({"call": call, "then": "close"}),
        );
        wired.expect("listed 1");
        let called = wired.expect("called");
        assert!(called.contains("A-1"), "{called}");
        let (code, stderr) = wired.server_end();
        assert_eq!(code, Some(0), "{stderr}");
        assert_calm(&stderr);
        assert_eq!(stderr.trim(), "cozegen mcp: serving 1 tool on stdio");
        assert_eq!(api.count(), 1);
    }
}

#[test]
fn a_client_that_vanishes_mid_session_ends_the_server_cleanly() {
    for sdk in sdks() {
        let api = Api::scripted(vec![]);
        let mut wired = wire(
            &sdk,
            &api,
            Some(TOKEN),
            &[ORDER],
            json!({"call": null, "then": "wait"}),
        );
        wired.expect("listed 1");
        wired.kill_client();
        let (code, stderr) = wired.server_end();
        assert_eq!(code, Some(0), "{stderr}");
        assert_calm(&stderr);
        assert_eq!(stderr.trim(), "cozegen mcp: serving 1 tool on stdio");
    }
}

#[test]
fn a_client_that_vanishes_mid_call_is_told_nothing_and_the_server_says_the_run_may_have_started() {
    for sdk in sdks() {
        // Coze takes its time: the call is still waiting when the client goes.
        let api = Api::scripted(vec![Reply::hang(Duration::from_secs(30))]);
        let call = json!({"name": "order_intake", "arguments": {
            "customer": {"name": "Ada", "address": {"street": "s", "city": "c"}}, "lines": []}});
        let mut wired = wire(
            &sdk,
            &api,
            Some(TOKEN),
            &[ORDER],
            json!({"call": call, "then": "close"}),
        );
        wired.expect("calling");
        // The request has reached Coze before the client goes.
        await_one_request(&api, Duration::from_secs(20));
        wired.kill_client();
        let (code, stderr) = wired.server_end();
        assert_eq!(code, Some(0), "{stderr}");
        assert_calm(&stderr);
        assert!(
            stderr.contains("the session ended while 1 call waited for Coze")
                && stderr.contains("may have started"),
            "{stderr}"
        );
    }
}

#[test]
fn a_signal_ends_a_session_cleanly() {
    for (sdk, (signal, name)) in sdks().into_iter().zip(
        [(libc::SIGTERM, "SIGTERM"), (libc::SIGINT, "SIGINT")]
            .into_iter()
            .cycle(),
    ) {
        let api = Api::scripted(vec![]);
        let wired = wire(
            &sdk,
            &api,
            Some(TOKEN),
            &[ORDER],
            json!({"call": null, "then": "wait"}),
        );
        wired.expect("listed 1");
        wired.signal_server(signal);
        let (code, stderr) = wired.server_end();
        assert_eq!(code, Some(0), "{name}: {stderr}");
        assert_calm(&stderr);
        assert!(
            stderr.contains(&format!("cozegen mcp: stopped by {name}")),
            "{stderr}"
        );
    }
}

#[test]
fn a_closed_stdin_before_any_session_is_a_clean_end() {
    let out = cozegen(&["mcp", ORDER]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stderr = stderr(&out);
    assert_calm(&stderr);
    assert!(
        stderr.contains("stdin closed before a client began a session"),
        "{stderr}"
    );
}

#[test]
fn a_missing_token_is_said_at_startup() {
    let Some(sdk) = sdks().into_iter().next() else {
        return;
    };
    let api = Api::scripted(vec![]);
    let wired = wire(
        &sdk,
        &api,
        None,
        &[ORDER],
        json!({"call": null, "then": "close"}),
    );
    wired.expect("listed 1");
    let (code, stderr) = wired.server_end();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.starts_with("warning: no Coze API token")
            && stderr.contains("every call will fail until it is set"),
        "{stderr}"
    );
}

/// Sixteen calls at once, each answered by Coze after 1 s: they wait together, not in turn, and
/// each gets its own answer.
#[test]
fn sixteen_concurrent_calls_finish_together_each_with_its_own_answer() {
    if !js_tools_available("the MCP client test") {
        return;
    }
    let api = Api::answering(|seen, _| {
        let name = seen.json()["parameters"]["customer"]["name"]
            .as_str()
            .unwrap_or("?")
            .to_owned();
        let output = json!({"order_id": name, "eta": "2025-07-01 09:30:00"});
        Reply::new(
            200,
            json!({"code": 0, "msg": "", "data": output.to_string(),
                   "execute_id": format!("run-{name}")})
            .to_string(),
        )
        .after(Duration::from_secs(1))
    });
    let names: Vec<String> = (0..16).map(|i| format!("C{i:02}")).collect();
    let calls: Vec<Value> = names
        .iter()
        .map(|name| {
            json!({"name": "order_intake", "arguments": {
                "customer": {"name": name, "address": {"street": "s", "city": "c"}}, "lines": []}})
        })
        .collect();
    let report = session_with(
        &api.url(),
        &[ORDER],
        Value::Array(calls),
        &json!({"concurrent": true}),
        |_| {},
    );
    let results = report["results"].as_array().expect("results");
    assert_eq!(results.len(), 16);
    for (name, result) in names.iter().zip(results) {
        let result = &result["result"];
        assert_eq!(result["isError"], false, "{result}");
        assert_eq!(
            result["structuredContent"]["order_id"],
            name.as_str(),
            "{result}"
        );
    }
    // Each call sent once, none lost or crossed.
    let mut seen: Vec<String> = api
        .seen()
        .iter()
        .map(|s| s.json()["parameters"]["customer"]["name"].to_string())
        .collect();
    seen.sort();
    let expected: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    assert_eq!(seen, expected);
    // The issue's bound: in turn they would take 16 s; together, about 1.
    let elapsed = report["elapsedMs"].as_f64().expect("elapsedMs");
    eprintln!("16 concurrent calls of 1 s each took {elapsed:.0} ms");
    assert!(elapsed <= 3000.0, "16 calls took {elapsed} ms");
    // No call asked for progress, so none was sent.
    assert!(
        !report["messages"]
            .to_string()
            .contains("notifications/progress"),
        "{}",
        report["messages"]
    );
}

/// A call the client aborts: the client gets no answer for it, the server stops waiting at once
/// (no progress for it after the cancellation), says so in one line, sends the run only once,
/// and goes on serving; the session ends with exit 0 while that run still hangs on Coze.
#[test]
fn a_cancelled_call_stops_waiting_and_the_server_stays_healthy() {
    if !js_tools_available("the MCP client test") {
        return;
    }
    let api = Api::answering(|seen, _| {
        if seen.json()["parameters"]["customer"]["name"] == "slow" {
            return Reply::hang(Duration::from_secs(60));
        }
        // Long enough that a progress report of the cancelled call would show up meanwhile.
        Reply::new(
            200,
            json!({"code": 0, "msg": "", "data": "{\"order_id\":\"next\"}"}).to_string(),
        )
        .after(Duration::from_millis(2500))
    });
    let call = |name: &str| {
        json!({"name": "order_intake", "arguments": {
            "customer": {"name": name, "address": {"street": "s", "city": "c"}}, "lines": []}})
    };
    let mut slow = call("slow");
    slow["progress"] = json!(true);
    slow["abort"] = json!(true);
    let calls = json!([slow, call("next")]);
    let report = session_with(&api.url(), &[ORDER], calls, &json!({}), |stdin| {
        use std::io::Write;
        // The run is on Coze before the client gives up on it.
        await_one_request(&api, Duration::from_secs(30));
        stdin.write_all(b"abort\n").expect("tell the client");
    });
    let results = report["results"].as_array().expect("results");
    let cancelled = &results[0];
    assert!(
        cancelled.get("result").is_none() && cancelled["error"].is_string(),
        "{cancelled}"
    );
    assert!(
        !cancelled["progress"]
            .as_array()
            .expect("progress")
            .is_empty(),
        "{cancelled}"
    );
    let next = &results[1]["result"];
    assert_eq!(next["isError"], false, "{next}");
    assert_eq!(next["structuredContent"]["order_id"], "next");
    assert_eq!(api.count(), 2, "{:?}", api.requests());

    // What the client said: the cancellation of the call, whose progress token is known.
    let sent = report["sent"].as_array().expect("sent");
    let id = sent
        .iter()
        .find(|m| m["method"] == "notifications/cancelled")
        .map(|m| m["params"]["requestId"].clone())
        .expect("the client sent a cancellation");
    let request = sent
        .iter()
        .find(|m| m["method"] == "tools/call" && m["id"] == id)
        .expect("the cancelled call");
    let token = &request["params"]["_meta"]["progressToken"];
    assert!(!token.is_null(), "{request}");
    // What the server said: no answer for it ever, and no progress after the cancellation.
    let messages = report["messages"].as_array().expect("messages");
    assert!(
        !messages.iter().any(|m| m["id"] == id),
        "an answer to a cancelled call: {messages:?}"
    );
    let aborted_at = cancelled["abortedAt"].as_u64().expect("abortedAt") as usize;
    let late: Vec<&Value> = messages[aborted_at..]
        .iter()
        .filter(|m| {
            m["method"] == "notifications/progress" && m["params"]["progressToken"] == *token
        })
        .collect();
    assert!(late.is_empty(), "progress after the cancellation: {late:?}");

    let stderr = report["stderr"].as_str().expect("stderr");
    assert!(
        stderr.contains(
            "cozegen mcp: the client cancelled its call of order_intake; the server stopped \
             waiting (the run may already be on Coze, and is not sent again)"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("the session ended while"), "{stderr}");
}

/// A call whose request carries a progress token hears how its wait goes, each second, until
/// the answer comes; the answer is the run's as ever.
#[test]
fn a_call_with_a_progress_token_is_told_how_its_wait_goes() {
    if !js_tools_available("the MCP client test") {
        return;
    }
    let api = Api::answering(|_, _| {
        Reply::new(
            200,
            json!({"code": 0, "msg": "", "data": "{\"order_id\":\"A-1\"}"}).to_string(),
        )
        .after(Duration::from_millis(2500))
    });
    let calls = json!([{"name": "order_intake", "progress": true, "arguments": {
        "customer": {"name": "Ada", "address": {"street": "s", "city": "c"}}, "lines": []}}]);
    let report = session(&api, &[ORDER], calls);
    let result = &report["results"][0];
    assert_eq!(
        result["result"]["structuredContent"]["order_id"], "A-1",
        "{result}"
    );
    let progress = result["progress"].as_array().expect("progress");
    // Each second of the 2.5 s wait; at least the first whatever the machine's load.
    assert!(!progress.is_empty(), "{result}");
    let mut last = 0.0;
    for (i, update) in progress.iter().enumerate() {
        let value = update["progress"].as_f64().expect("progress");
        assert!(value > last, "progress must rise: {progress:?}");
        assert!(
            value >= 1.0,
            "the first report comes after a second: {progress:?}"
        );
        last = value;
        let message = update["message"].as_str().expect("message");
        let seconds = message
            .strip_prefix("waiting for the run on Coze (")
            .and_then(|m| m.strip_suffix(" s)"))
            .and_then(|n| n.parse::<u64>().ok());
        assert!(seconds.is_some_and(|s| s > i as u64), "{message}");
    }
}

/// The Python SDK's client cancels a call (its task's scope) at the first progress report: the
/// SDK tells the server, which stops waiting, says so, and answers the next call; the session
/// then ends with exit 0 while the cancelled run still hangs on Coze.
#[test]
fn a_call_the_python_sdk_cancels_stops_waiting_and_the_next_is_answered() {
    let Some(python) = sdks().into_iter().find_map(|sdk| match sdk {
        Sdk::Python(python) => Some(python),
        Sdk::TypeScript => None,
    }) else {
        return;
    };
    let api = Api::answering(|seen, _| {
        if seen.json()["parameters"]["customer"]["name"] == "slow" {
            return Reply::hang(Duration::from_secs(60));
        }
        Reply::new(
            200,
            json!({"code": 0, "msg": "", "data": "{\"order_id\":\"next\"}"}).to_string(),
        )
    });
    let call = |name: &str| {
        json!({"name": "order_intake", "arguments": {
            "customer": {"name": name, "address": {"street": "s", "city": "c"}}, "lines": []}})
    };
    let wired = wire(
        &Sdk::Python(python),
        &api,
        Some(TOKEN),
        &[ORDER],
        json!({"cancel": call("slow"), "call": call("next"), "then": "close"}),
    );
    let cancelling = wired.expect("cancelling");
    assert!(
        cancelling.contains("waiting for the run on Coze (1 s)"),
        "{cancelling}"
    );
    wired.expect("cancelled");
    let called = wired.expect("called");
    assert!(called.contains("next"), "{called}");
    let (code, stderr) = wired.server_end();
    assert_eq!(code, Some(0), "{stderr}");
    assert_calm(&stderr);
    assert!(
        stderr.contains("cozegen mcp: the client cancelled its call of order_intake"),
        "{stderr}"
    );
    assert!(!stderr.contains("the session ended while"), "{stderr}");
    assert_eq!(api.count(), 2, "{:?}", api.requests());
}

/// A signal while a call waits for Coze: the client still there is told the server stopped
/// waiting and that the run may have started; the server exits 0 and says so on stderr.
#[test]
fn a_signal_during_a_call_tells_the_client_the_run_may_have_started() {
    for sdk in sdks() {
        let api = Api::scripted(vec![Reply::hang(Duration::from_secs(60))]);
        let call = json!({"name": "order_intake", "arguments": {
            "customer": {"name": "Ada", "address": {"street": "s", "city": "c"}}, "lines": []}});
        let wired = wire(
            &sdk,
            &api,
            Some(TOKEN),
            &[ORDER],
            json!({"call": call, "then": "close"}),
        );
        wired.expect("calling");
        await_one_request(&api, Duration::from_secs(20));
        wired.signal_server(libc::SIGTERM);
        let called = wired.expect("called");
        assert!(
            called.contains("stopped waiting before Coze answered")
                && called.contains("check the run history"),
            "{called}"
        );
        let (code, stderr) = wired.server_end();
        assert_eq!(code, Some(0), "{stderr}");
        assert_calm(&stderr);
        assert!(
            stderr.contains("cozegen mcp: stopped by SIGTERM")
                && stderr.contains("the session ended while 1 call waited for Coze"),
            "{stderr}"
        );
        assert_eq!(api.count(), 1, "never sent again");
    }
}

const EXECUTE_ID: &str = "7431040978805850077";

/// The arguments of a valid order_intake call.
fn order_arguments() -> Value {
    json!({"customer": {"name": "Ada", "address": {"street": "s", "city": "c"}}, "lines": []})
}

/// A fake Coze for one asynchronous run of order_intake: the run's answer, then `histories`
/// in turn (the last repeats).
fn async_coze(histories: Vec<Reply>) -> Api {
    Api::sequences(vec![
        (
            RUN_TARGET.to_owned(),
            vec![async_run_answer(ORDER_ID, EXECUTE_ID)],
        ),
        (history_target(ORDER_ID, EXECUTE_ID), histories),
    ])
}

fn history(status: &str, output: &str, extra: Value) -> Reply {
    run_history_answer(ORDER_ID, EXECUTE_ID, status, output, extra)
}

/// `cozegen mcp --async`: the run goes asynchronously, once; the server reads its history
/// until it ends, telling a client that asked for progress of the start and of each read, and
/// answers with the output, checked against the end node as a synchronous run's is.
#[test]
fn an_async_server_reads_the_run_history_until_the_run_ends() {
    if !js_tools_available("the MCP client test") {
        return;
    }
    let running = history("Running", "", json!({}));
    let output = json!({"Output": "{\"order_id\":\"A-7\"}"}).to_string();
    let api = async_coze(vec![
        running.clone(),
        running,
        history("Success", &output, json!({})),
    ]);
    let calls = json!([{"name": "order_intake", "progress": true, "arguments": order_arguments()}]);
    let report = session(
        &api,
        &[ORDER, "--async", "--poll-interval-ms", "300"],
        calls,
    );
    let result = &report["results"][0];
    assert_eq!(
        result["result"]["structuredContent"],
        json!({"order_id": "A-7"}),
        "{result}"
    );
    let messages: Vec<&str> = result["progress"]
        .as_array()
        .expect("progress")
        .iter()
        .filter_map(|p| p["message"].as_str())
        .collect();
    assert!(
        messages.contains(&format!("the run started on Coze (execute_id {EXECUTE_ID})").as_str()),
        "{messages:?}"
    );
    let reads = messages
        .iter()
        .filter(|m| m.starts_with("the run is running on Coze ("))
        .count();
    assert_eq!(
        reads, 2,
        "one report per read that found it running: {messages:?}"
    );
    // Sent once, asynchronously; read three times.
    let seen = api.seen();
    let runs: Vec<_> = seen.iter().filter(|r| r.target() == RUN_TARGET).collect();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].json()["is_async"], json!(true));
    let history_reads = seen
        .iter()
        .filter(|r| r.target() == history_target(ORDER_ID, EXECUTE_ID))
        .count();
    assert_eq!(history_reads, 3);
}

/// What an asynchronous run that does not give its output says, each without sending it again:
/// a failure with Coze's code, message and logid; a run still running when --run-timeout is
/// over, with how to read it later.
#[test]
fn an_async_run_that_fails_or_outlasts_the_wait_says_so_and_is_not_sent_again() {
    if !js_tools_available("the MCP client test") {
        return;
    }
    let failed = async_coze(vec![history(
        "Fail",
        "",
        json!({"error_code": "720701002", "error_message": "node timed out",
               "logid": "20241029115423ED85C3401395715F726E"}),
    )]);
    let calls = json!([{"name": "order_intake", "arguments": order_arguments()}]);
    let report = session(&failed, &[ORDER, "--async"], calls.clone());
    let result = &report["results"][0]["result"];
    assert_eq!(result["isError"], json!(true), "{result}");
    let text = text_of(result);
    for part in [
        "The run failed on Coze",
        EXECUTE_ID,
        "720701002",
        "node timed out",
        "20241029115423ED85C3401395715F726E",
    ] {
        assert!(text.contains(part), "{part:?} missing: {text}");
    }

    let endless = async_coze(vec![history("Running", "", json!({}))]);
    let report = session(
        &endless,
        &[
            ORDER,
            "--async",
            "--run-timeout",
            "1",
            "--poll-interval-ms",
            "200",
        ],
        calls,
    );
    let result = &report["results"][0]["result"];
    assert_eq!(result["isError"], json!(true), "{result}");
    let text = text_of(result);
    assert!(
        text.contains("still running on Coze")
            && text.contains(&format!("cozegen run --execute-id {EXECUTE_ID}")),
        "{text}"
    );
    for api in [&failed, &endless] {
        let runs = api
            .seen()
            .iter()
            .filter(|r| r.target() == RUN_TARGET)
            .count();
        assert_eq!(runs, 1, "the run is sent once");
    }
}

/// A client that vanishes while an `--async` call reads a run's history that never ends: the
/// server ends the session with exit 0, says the call was waiting, and reads no more.
#[test]
fn a_client_that_vanishes_while_an_async_run_is_polled_ends_the_session_cleanly() {
    for sdk in sdks() {
        let api = async_coze(vec![history("Running", "", json!({}))]);
        let mut wired = wire(
            &sdk,
            &api,
            Some(TOKEN),
            &[ORDER, "--async", "--poll-interval-ms", "50"],
            json!({"call": {"name": "order_intake", "arguments": order_arguments()},
                   "then": "close"}),
        );
        wired.expect("calling");
        // The run is sent and its history read at least twice before the client goes.
        let target = history_target(ORDER_ID, EXECUTE_ID);
        let reads = || api.seen().iter().filter(|r| r.target() == target).count();
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while reads() < 2 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(reads() >= 2, "the history is polled");
        wired.kill_client();
        let (code, stderr) = wired.server_end();
        assert_eq!(code, Some(0), "{stderr}");
        assert_calm(&stderr);
        assert!(
            stderr.contains("the session ended while 1 call waited for Coze"),
            "{stderr}"
        );
        let runs = api
            .seen()
            .iter()
            .filter(|r| r.target() == RUN_TARGET)
            .count();
        assert_eq!(runs, 1, "the run is sent once");
    }
}
