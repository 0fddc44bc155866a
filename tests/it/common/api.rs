//! A fake Coze API on 127.0.0.1, one per test: it answers either by request target (path and
//! query; unknown targets get a 404) for tests that make several different requests, or from a
//! script (the n-th request gets the n-th reply) for tests of retries, timeouts and broken
//! responses, or by a function of the request and its number. Every request is logged with its
//! headers and arrival time. Each connection is served on its own thread, so requests are
//! answered concurrently; the server keeps the peak number of requests that had arrived and
//! were not answered yet.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The token the tests send; it must never appear in cozegen's output.
pub const TOKEN: &str = "pat_TESTSECRET_7c1e22ab";

/// How a reply states its body's length.
#[derive(Clone, Copy)]
pub enum Length {
    /// `Content-Length` matches the body.
    Exact,
    /// `Content-Length` says this, whatever is sent.
    Declared(usize),
    /// No `Content-Length`: the body ends when the connection closes.
    UntilClose,
}

/// One answer.
#[derive(Clone)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    length: Length,
    /// Read the request, then say nothing for this long.
    hang: Option<Duration>,
    /// Read the request, then wait this long before answering.
    delay: Option<Duration>,
    /// Read the request, then close the connection without a word.
    drop: bool,
    /// Send the body as these chunks (`Transfer-Encoding: chunked`), each after its delay.
    chunks: Option<Vec<(Duration, Vec<u8>)>>,
    /// With `chunks`: close after the last chunk without the terminating empty chunk.
    cut: bool,
}

impl Reply {
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Reply {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.into(),
            length: Length::Exact,
            hang: None,
            delay: None,
            drop: false,
            chunks: None,
            cut: false,
        }
    }

    /// Reads the request, then closes the connection without answering.
    pub fn drop_connection() -> Self {
        Reply {
            drop: true,
            ..Reply::new(200, "")
        }
    }

    /// A `text/event-stream` answer: each event text is sent as its own chunk after its delay.
    pub fn events(events: Vec<(Duration, String)>) -> Self {
        Reply {
            chunks: Some(
                events
                    .into_iter()
                    .map(|(delay, text)| (delay, text.into_bytes()))
                    .collect(),
            ),
            ..Reply::new(200, "")
        }
        .header("Content-Type", "text/event-stream")
    }

    /// With `events`: the stream breaks off after the last event (no end of the chunked body).
    pub fn cut(mut self) -> Self {
        self.cut = true;
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn length(mut self, length: Length) -> Self {
        self.length = length;
        self
    }

    /// This reply, sent once `delay` has passed after the request was read (a run that takes
    /// its time).
    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    pub fn hang(duration: Duration) -> Self {
        Reply {
            hang: Some(duration),
            ..Reply::new(200, "")
        }
    }
}

/// A request as the server saw it.
pub struct Seen {
    /// The request line and headers, as sent.
    head: String,
    /// The request body (read by its Content-Length).
    pub body: Vec<u8>,
    pub at: Instant,
    /// How many requests to the same target came before this one.
    earlier_to_same_target: usize,
}

impl Seen {
    pub fn request_line(&self) -> &str {
        self.head.lines().next().unwrap_or_default().trim_end()
    }

    /// The request target: path and query.
    pub fn target(&self) -> &str {
        self.request_line().split(' ').nth(1).unwrap_or_default()
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON request body")
    }

    /// The body as a `multipart/form-data` form of one part, checked: the boundary of the
    /// `Content-Type` opens and closes it and does not occur in the part. Returns the part's
    /// headers (as text) and its content.
    pub fn multipart(&self) -> (String, Vec<u8>) {
        let content_type = self.header("Content-Type").expect("a Content-Type");
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap_or_else(|| panic!("not multipart: {content_type}"));
        let open = format!("--{boundary}\r\n");
        let close = format!("\r\n--{boundary}--\r\n");
        let body = &self.body;
        assert!(body.starts_with(open.as_bytes()), "opens with the boundary");
        assert!(body.ends_with(close.as_bytes()), "closes with the boundary");
        let part = &body[open.len()..body.len() - close.len()];
        let split = part
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("part headers end");
        let (head, content) = (&part[..split], &part[split + 4..]);
        assert!(
            !content
                .windows(boundary.len())
                .any(|w| w == boundary.as_bytes()),
            "the boundary occurs in the content"
        );
        (
            String::from_utf8(head.to_vec()).expect("ASCII headers"),
            content.to_vec(),
        )
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }
}

/// Chooses the reply to a request, given the request and how many came before it.
type Answer = dyn Fn(&Seen, usize) -> Reply + Send + Sync;

/// A running fake API.
pub struct Api {
    port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
    waiting: Arc<Waiting>,
}

/// Requests that arrived and are not answered yet: now, and at most.
#[derive(Default)]
struct Waiting {
    now: std::sync::atomic::AtomicUsize,
    peak: std::sync::atomic::AtomicUsize,
}

impl Api {
    /// Serves `routes`: request target (e.g. `/v1/workflows/1?include_input_output=true`) to
    /// `(status, body)`.
    pub fn start(routes: Vec<(String, u16, Vec<u8>)>) -> Api {
        Api::serve(Arc::new(move |seen: &Seen, _| {
            routes
                .iter()
                .find(|(target, _, _)| target == seen.target())
                .map(|(_, status, body)| Reply::new(*status, body.clone()))
                .unwrap_or_else(|| Reply::new(404, r#"{"code":4200,"msg":"no such route"}"#))
        }))
    }

    /// Serves `routes`: request target to a reply (for replies `start` cannot make, such as a
    /// body cut short). Unknown targets get a 404.
    pub fn routes(routes: Vec<(String, Reply)>) -> Api {
        Api::serve(Arc::new(move |seen: &Seen, _| {
            routes
                .iter()
                .find(|(target, _)| target == seen.target())
                .map(|(_, reply)| reply.clone())
                .unwrap_or_else(|| Reply::new(404, r#"{"code":4200,"msg":"no such route"}"#))
        }))
    }

    /// Serves `routes`: request target to its replies in turn (the n-th request to a target
    /// gets its n-th reply; the last repeats). Unknown targets get a 404.
    pub fn sequences(routes: Vec<(String, Vec<Reply>)>) -> Api {
        Api::serve(Arc::new(move |seen: &Seen, _| {
            let Some((_, replies)) = routes.iter().find(|(target, _)| target == seen.target())
            else {
                return Reply::new(404, r#"{"code":4200,"msg":"no such route"}"#);
            };
            // `seen` is not logged yet: the requests before it to the same target.
            let before = seen.earlier_to_same_target;
            replies[before.min(replies.len() - 1)].clone()
        }))
    }

    /// Answers the n-th request with `replies[n]`; the last reply repeats.
    pub fn scripted(replies: Vec<Reply>) -> Api {
        Api::serve(Arc::new(move |_: &Seen, n| {
            replies[n.min(replies.len() - 1)].clone()
        }))
    }

    /// Answers each request with what `answer` makes of it and of how many came before it
    /// (for concurrent requests, whose order is not known).
    pub fn answering(answer: impl Fn(&Seen, usize) -> Reply + Send + Sync + 'static) -> Api {
        Api::serve(Arc::new(answer))
    }

    fn serve(answer: Arc<Answer>) -> Api {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = listener.local_addr().expect("local addr").port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let waiting = Arc::new(Waiting::default());
        let (log, counts) = (Arc::clone(&seen), Arc::clone(&waiting));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (log, answer, counts) =
                    (Arc::clone(&log), Arc::clone(&answer), Arc::clone(&counts));
                std::thread::spawn(move || respond(stream, &*answer, &log, &counts));
            }
        });
        Api {
            port,
            seen,
            waiting,
        }
    }

    /// The most requests that were waiting for their answers at the same time. (A request
    /// counts from its arrival until its answer starts: a client cannot send its next request
    /// before that.)
    pub fn peak_waiting(&self) -> usize {
        self.waiting.peak.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// How many requests had a target starting with `prefix`.
    pub fn count_of(&self, prefix: &str) -> usize {
        self.seen()
            .iter()
            .filter(|s| s.target().starts_with(prefix))
            .count()
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The requests received so far.
    pub fn seen(&self) -> MutexGuard<'_, Vec<Seen>> {
        self.seen.lock().expect("request log")
    }

    pub fn count(&self) -> usize {
        self.seen().len()
    }

    /// The request lines received so far (`GET /v1/… HTTP/1.1`).
    pub fn requests(&self) -> Vec<String> {
        self.seen()
            .iter()
            .map(|s| s.request_line().to_owned())
            .collect()
    }
}

/// The target of the get-workflow request for `id`.
pub fn workflow_target(id: &str) -> String {
    format!("/v1/workflows/{id}?include_input_output=true")
}

/// The target of one page of a workflow's published versions (`page_token` as sent, already
/// percent-encoded).
pub fn versions_target(id: &str, page_token: Option<&str>) -> String {
    let mut target = format!(
        "/v1/workflows/{id}/versions?publish_status=published_online&include_input_output=true&page_size=30"
    );
    if let Some(page_token) = page_token {
        target.push_str("&page_token=");
        target.push_str(page_token);
    }
    target
}

/// The target of a run, a streamed run, and their resumes.
pub const RUN_TARGET: &str = "/v1/workflow/run";
pub const STREAM_RUN_TARGET: &str = "/v1/workflow/stream_run";
pub const RESUME_TARGET: &str = "/v1/workflows/resume";
pub const STREAM_RESUME_TARGET: &str = "/v1/workflow/stream_resume";
pub const CHAT_TARGET: &str = "/v1/workflows/chat";
pub const UPLOAD_TARGET: &str = "/v1/files/upload";

/// The answer to an asynchronous run, as the docs show it (`workflow_run.md`): no `code`,
/// no `data`.
pub fn async_run_answer(workflow_id: &str, execute_id: &str) -> Reply {
    Reply::new(
        200,
        json!({
            "debug_url": format!("https://www.coze.cn/work_flow?execute_id={execute_id}&space_id=7313757844443210000&workflow_id={workflow_id}"),
            "execute_id": execute_id,
            "msg": ""
        })
        .to_string(),
    )
}

/// A run history answer shaped as the docs' example (`workflow_history.md`), with the run's
/// `execute_status` and `output`, and `extra` fields replacing the example's.
pub fn run_history_answer(
    workflow_id: &str,
    execute_id: &str,
    status: &str,
    output: &str,
    extra: Value,
) -> Reply {
    let mut run = json!({
        "update_time": 1730174065,
        "usage": {"input_count": 50, "token_count": 150, "output_count": 100},
        "output": output,
        "bot_id": "0",
        "token": "0",
        "execute_status": status,
        "connector_uid": "2236870734640000",
        "run_mode": 2,
        "connector_id": "1024",
        "logid": "20241029115423ED85C3401395715F726E",
        "debug_url": format!("https://www.coze.cn/work_flow?execute_id={execute_id}&space_id=7309760604397600000&workflow_id={workflow_id}"),
        "error_code": "",
        "error_message": "",
        "execute_id": execute_id,
        "create_time": 1730174063
    });
    if let (Value::Object(run), Value::Object(extra)) = (&mut run, extra) {
        run.extend(extra);
    }
    Reply::new(
        200,
        json!({
            "detail": {"logid": "20241029152003BC531DC784F1897B0000"},
            "code": 0,
            "msg": "",
            "data": [run]
        })
        .to_string(),
    )
}

/// The target of one run's history on Coze's cloud.
pub fn history_target(workflow_id: &str, execute_id: &str) -> String {
    format!("/v1/workflows/{workflow_id}/run_histories/{execute_id}")
}

/// The target of one run's history on a Coze Studio.
pub fn studio_history_target(workflow_id: &str, execute_id: &str) -> String {
    format!("/v1/workflow/get_run_history?workflow_id={workflow_id}&execute_id={execute_id}")
}

/// The target of the list request for one page.
pub fn list_target(workspace: &str, page: u32, size: u32) -> String {
    format!("/v1/workflows?workspace_id={workspace}&page_num={page}&page_size={size}")
}

fn respond(stream: TcpStream, answer: &Answer, log: &Mutex<Vec<Seen>>, waiting: &Waiting) {
    use std::sync::atomic::Ordering::SeqCst;
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) if line == "\r\n" => break,
            Ok(_) => head.push_str(&line),
        }
    }
    let length = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())
                .flatten()
        })
        .unwrap_or(0);
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let now = waiting.now.fetch_add(1, SeqCst) + 1;
    waiting.peak.fetch_max(now, SeqCst);
    let reply = {
        let mut log = log.lock().expect("request log");
        let mut seen = Seen {
            head,
            body,
            at: Instant::now(),
            earlier_to_same_target: 0,
        };
        seen.earlier_to_same_target = log.iter().filter(|s| s.target() == seen.target()).count();
        let reply = answer(&seen, log.len());
        log.push(seen);
        reply
    };
    let mut stream = reader.into_inner();
    if let Some(delay) = reply.delay {
        std::thread::sleep(delay);
    }
    waiting.now.fetch_sub(1, SeqCst);
    if let Some(duration) = reply.hang {
        std::thread::sleep(duration);
        return;
    }
    if reply.drop {
        let _ = stream.shutdown(std::net::Shutdown::Both);
        return;
    }
    let mut out = format!(
        "HTTP/1.1 {} Scripted\r\nConnection: close\r\n",
        reply.status
    );
    for (name, value) in &reply.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(chunks) = &reply.chunks {
        out.push_str("Transfer-Encoding: chunked\r\n\r\n");
        if stream.write_all(out.as_bytes()).is_err() {
            return;
        }
        let _ = stream.flush();
        for (delay, chunk) in chunks {
            std::thread::sleep(*delay);
            let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
            framed.extend_from_slice(chunk);
            framed.extend_from_slice(b"\r\n");
            if stream
                .write_all(&framed)
                .and_then(|()| stream.flush())
                .is_err()
            {
                return;
            }
        }
        if reply.cut {
            let _ = stream.shutdown(std::net::Shutdown::Both);
            return;
        }
        let _ = stream.write_all(b"0\r\n\r\n");
        let _ = stream.flush();
        let _ = stream.shutdown(std::net::Shutdown::Write);
        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
        let _ = stream.read_to_end(&mut Vec::new());
        return;
    }
    match reply.length {
        Length::Exact => out.push_str(&format!("Content-Length: {}\r\n", reply.body.len())),
        Length::Declared(n) => out.push_str(&format!("Content-Length: {n}\r\n")),
        Length::UntilClose => {}
    }
    out.push_str("\r\n");
    let _ = stream.write_all(out.as_bytes());
    let _ = stream.write_all(&reply.body);
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Write);
    // Drain until the client hangs up, so closing never resets the connection under it.
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = stream.read_to_end(&mut Vec::new());
}

/// Runs cozegen in `dir` with no API or proxy settings from the caller's shell, plus `env`.
pub fn run_with_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cozegen"));
    command
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::null());
    for var in [
        "COZE_API_TOKEN",
        "COZE_API_BASE",
        "ALL_PROXY",
        "all_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        command.env_remove(var);
    }
    command.envs(env.iter().copied());
    command.output().expect("run cozegen")
}

/// Runs cozegen in `dir` with the token in `COZE_API_TOKEN`.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    run_with_env(dir, args, &[("COZE_API_TOKEN", TOKEN)])
}

/// Asserts the exit code and that the token appears nowhere; returns (stdout, stderr).
pub fn expect_exit(out: &Output, code: i32) -> (String, String) {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stdout.contains(TOKEN), "token in stdout: {stdout}");
    assert!(!stderr.contains(TOKEN), "token in stderr: {stderr}");
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    (stdout, stderr)
}
