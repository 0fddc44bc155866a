//! `cozegen all --workspace-id` on a workspace of thousands, against a fake Coze API on
//! 127.0.0.1 that answers every request after a fixed latency (default: 1,000 workflows, 100 ms
//! per request, list pages of 30 as Coze serves them).
//!
//! It times, with the release CLI, each as a ratio against the first (the baseline, measured
//! in the same run):
//!
//! 1. a sequential first run (`--jobs 1`) into an empty directory;
//! 2. a first run with the default pool (`--jobs 8`) into another empty directory (its files
//!    must equal the sequential run's);
//! 3. a second run there, nothing changed;
//! 4. a second run there with one workflow changed (new `updated_at`, new definition).
//!
//! For each it counts the requests by kind (list pages, workflow infos), and for the second
//! runs the time beyond listing (the list pages' latency alone). Run with
//! `cargo bench --bench workspace`; `COZEGEN_BENCH_WORKFLOWS` and `COZEGEN_BENCH_LATENCY_MS`
//! change the size and the latency. The README quotes its figures.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const WORKSPACE: &str = "7500000000000000001";
const TOKEN: &str = "pat_bench_token_not_secret";
/// Coze's largest list page, and cozegen's default.
const PAGE_SIZE: usize = 30;
/// The workflow that changes before the last run.
const CHANGED: usize = 500;

/// The fake workspace: its size, latency, and what it was asked.
struct Workspace {
    workflows: usize,
    latency: Duration,
    /// Whether [`CHANGED`] has changed.
    changed: AtomicBool,
    lists: AtomicUsize,
    infos: AtomicUsize,
    doc: Vec<u8>,
    changed_doc: Vec<u8>,
}

fn id(i: usize) -> String {
    format!("7400000000000{i:06}")
}

impl Workspace {
    fn page(&self, page_num: usize) -> Vec<u8> {
        let start = (page_num.max(1) - 1) * PAGE_SIZE;
        let end = (start + PAGE_SIZE).min(self.workflows);
        let items: Vec<serde_json::Value> = (start..end.max(start))
            .map(|i| {
                let stamp = if i == CHANGED && self.changed.load(Ordering::SeqCst) {
                    1_800_000_000
                } else {
                    1_752_060_000 + i
                };
                serde_json::json!({
                    "workflow_id": id(i),
                    "workflow_name": format!("Bench workflow {i}"),
                    "updated_at": stamp.to_string(),
                    "created_at": "1752060000",
                })
            })
            .collect();
        let body = serde_json::json!({
            "code": 0,
            "msg": "",
            "data": {"items": items, "has_more": end < self.workflows},
        });
        serde_json::to_vec(&body).expect("json")
    }

    /// The answer to a request target, counted by kind.
    fn answer(&self, target: &str) -> (u16, Vec<u8>) {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        if path == "/v1/workflows" {
            self.lists.fetch_add(1, Ordering::SeqCst);
            let page_num = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("page_num="))
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            return (200, self.page(page_num));
        }
        if let Some(workflow) = path.strip_prefix("/v1/workflows/") {
            self.infos.fetch_add(1, Ordering::SeqCst);
            if workflow == id(CHANGED) && self.changed.load(Ordering::SeqCst) {
                return (200, self.changed_doc.clone());
            }
            return (200, self.doc.clone());
        }
        (404, br#"{"code":4200,"msg":"no such route"}"#.to_vec())
    }

    fn take_counts(&self) -> (usize, usize) {
        (
            self.lists.swap(0, Ordering::SeqCst),
            self.infos.swap(0, Ordering::SeqCst),
        )
    }
}

/// Serves `workspace` on 127.0.0.1, a thread per connection; returns the base URL.
fn serve(workspace: Arc<Workspace>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let workspace = Arc::clone(&workspace);
            std::thread::spawn(move || respond(stream, &workspace));
        }
    });
    url
}

fn respond(stream: TcpStream, workspace: &Workspace) {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
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
    let target = request_line
        .split(' ')
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    std::thread::sleep(workspace.latency);
    let (status, body) = workspace.answer(&target);
    let mut stream = reader.into_inner();
    let head = format!(
        "HTTP/1.1 {status} OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = stream.read_to_end(&mut Vec::new());
}

/// One timed run of the release CLI.
fn run(url: &str, dir: &Path, jobs: usize) -> Duration {
    let start = Instant::now();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cozegen"))
        .args([
            "all",
            "--workspace-id",
            WORKSPACE,
            "-o",
            dir.to_str().expect("utf-8"),
            "--base-url",
            url,
            "--quiet",
            "--jobs",
            &jobs.to_string(),
        ])
        .env("COZE_API_TOKEN", TOKEN)
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .output()
        .expect("run cozegen");
    let elapsed = start.elapsed();
    assert!(
        out.status.success(),
        "cozegen failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    elapsed
}

/// Every file under `dir`, relative, sorted, with its bytes.
fn tree(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(std::path::PathBuf, Vec<u8>)>) {
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

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    // `cargo bench` passes `--bench`; there is nothing to filter.
    let workflows = env_number("COZEGEN_BENCH_WORKFLOWS", 1000);
    let latency = Duration::from_millis(env_number("COZEGEN_BENCH_LATENCY_MS", 100) as u64);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |name: &str| std::fs::read(root.join("tests/corpus").join(name)).expect("corpus");
    let workspace = Arc::new(Workspace {
        workflows,
        latency,
        changed: AtomicBool::new(false),
        lists: AtomicUsize::new(0),
        infos: AtomicUsize::new(0),
        doc: read("order_intake.json"),
        changed_doc: read("all_types.json"),
    });
    let url = serve(Arc::clone(&workspace));
    let scratch =
        std::env::temp_dir().join(format!("cozegen-bench-workspace-{}", std::process::id()));
    let (serial_dir, pool_dir) = (scratch.join("jobs-1"), scratch.join("jobs-8"));
    let pages = workflows.div_ceil(PAGE_SIZE).max(1);
    let listing = latency * pages as u32;
    println!(
        "workspace of {workflows} workflows, {} ms per request, {pages} list pages of {PAGE_SIZE} \
         (listing alone: {:.1} s)\n",
        latency.as_millis(),
        listing.as_secs_f64()
    );

    let mut rows = Vec::new();
    let mut measure = |name: &str, dir: &Path, jobs: usize| {
        let time = run(&url, dir, jobs);
        let (lists, infos) = workspace.take_counts();
        rows.push((name.to_owned(), time, lists, infos));
        time
    };
    let baseline = measure("first run, --jobs 1 (baseline)", &serial_dir, 1);
    measure("first run, --jobs 8", &pool_dir, 8);
    assert!(
        tree(&serial_dir) == tree(&pool_dir),
        "--jobs 8 wrote other files than --jobs 1"
    );
    measure("second run, nothing changed", &pool_dir, 8);
    workspace.changed.store(true, Ordering::SeqCst);
    measure("second run, one workflow changed", &pool_dir, 8);
    let index = std::fs::read_to_string(pool_dir.join("index.json")).expect("index");
    assert!(
        index.contains("\"updated_at\": \"1800000000\""),
        "the change was not recorded"
    );

    println!("| run | wall | ratio to --jobs 1 | beyond listing | list requests | info requests |");
    println!("|---|---|---|---|---|---|");
    for (name, time, lists, infos) in &rows {
        println!(
            "| {name} | {:.2} s | {:.3}x | {:.2} s | {lists} | {infos} |",
            time.as_secs_f64(),
            time.as_secs_f64() / baseline.as_secs_f64(),
            time.saturating_sub(listing).as_secs_f64(),
        );
    }
    let _ = std::fs::remove_dir_all(&scratch);
}
