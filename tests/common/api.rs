//! A fake Coze API on 127.0.0.1 that answers by request target (path and query), for tests
//! that make several different requests: workspace listings, several workflows, diffs.
//! Unknown targets get a 404. Every request line is logged.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The token the tests send; it must never appear in cozegen's output.
pub const TOKEN: &str = "pat_TESTSECRET_7c1e22ab";

/// A running fake API.
pub struct Api {
    port: u16,
    log: Arc<Mutex<Vec<String>>>,
}

impl Api {
    /// Serves `routes`: request target (e.g. `/v1/workflows/1?include_input_output=true`) to
    /// `(status, body)`.
    pub fn start(routes: Vec<(String, u16, Vec<u8>)>) -> Api {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = listener.local_addr().expect("local addr").port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&log);
        let routes: Arc<HashMap<String, (u16, Vec<u8>)>> = Arc::new(
            routes
                .into_iter()
                .map(|(target, status, body)| (target, (status, body)))
                .collect(),
        );
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (seen, routes) = (Arc::clone(&seen), Arc::clone(&routes));
                std::thread::spawn(move || answer(stream, &routes, &seen));
            }
        });
        Api { port, log }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The request lines received so far (`GET /v1/… HTTP/1.1`).
    pub fn requests(&self) -> Vec<String> {
        self.log.lock().expect("log").clone()
    }
}

/// The target of the get-workflow request for `id`.
pub fn workflow_target(id: &str) -> String {
    format!("/v1/workflows/{id}?include_input_output=true")
}

/// The target of the list request for one page.
pub fn list_target(workspace: &str, page: u32, size: u32) -> String {
    format!("/v1/workflows?workspace_id={workspace}&page_num={page}&page_size={size}")
}

fn answer(stream: TcpStream, routes: &HashMap<String, (u16, Vec<u8>)>, log: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
        return;
    }
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) if line == "\r\n" => break,
            Ok(_) => {}
        }
    }
    let request_line = request_line.trim_end().to_owned();
    log.lock().expect("log").push(request_line.clone());
    let target = request_line.split(' ').nth(1).unwrap_or_default();
    let (status, body) = routes
        .get(target)
        .cloned()
        .unwrap_or((404, br#"{"code":4200,"msg":"no such route"}"#.to_vec()));
    let mut stream = reader.into_inner();
    let head = format!(
        "HTTP/1.1 {status} Scripted\r\nConnection: close\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = stream.read_to_end(&mut Vec::new());
}

/// Runs cozegen in `dir` with the token in `COZE_API_TOKEN`, no proxy settings from the
/// caller's shell, and short retry waits.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
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
    command.env("COZE_API_TOKEN", TOKEN);
    command.output().expect("run cozegen")
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
