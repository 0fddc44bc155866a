//! Helpers shared by the integration tests: the corpus, golden files, the binary, and tools
//! that some tests need (node, Chromium).
#![allow(dead_code)]

pub mod api;
pub mod form_plan;
pub mod golden;
pub mod scratch;

#[allow(unused_imports)]
pub use golden::{Goldens, assert_golden};
#[allow(unused_imports)]
pub use scratch::nested_cargo;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every corpus document that describes a workflow (error envelopes excluded), sorted: the
/// WorkflowInfo documents in `tests/corpus`, then the Coze Studio canvases in
/// `tests/corpus/studio`.
pub fn corpus() -> Vec<PathBuf> {
    let mut docs = json_files(&root().join("tests/corpus"));
    docs.extend(json_files(&root().join("tests/corpus/studio")));
    docs
}

/// The Coze Studio canvases (and canvas answers) of the corpus, sorted.
pub fn studio_corpus() -> Vec<PathBuf> {
    json_files(&root().join("tests/corpus/studio"))
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut docs: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("corpus directory exists")
        .map(|e| e.expect("readable corpus entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| !stem(p).starts_with("error_"))
        .collect();
    docs.sort();
    docs
}

/// A corpus document's name for golden directories and Rust modules: its file stem, with
/// `studio_` in front for a Coze Studio canvas (`tests/corpus/studio/…`).
pub fn stem(path: &Path) -> String {
    let stem = path
        .file_stem()
        .expect("file name")
        .to_string_lossy()
        .into_owned();
    let in_studio = path
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|d| d == "studio");
    if in_studio {
        format!("studio_{stem}")
    } else {
        stem
    }
}

/// Runs the `cozegen` binary with `args` and no stdin.
pub fn cozegen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cozegen"))
        .args(args)
        .current_dir(root())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run cozegen")
}

/// Runs the `cozegen` binary with `stdin` as its standard input.
pub fn cozegen_with_stdin(args: &[&str], stdin: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_cozegen"))
        .args(args)
        .current_dir(root())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn cozegen");
    let mut pipe = child.stdin.take().expect("stdin");
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().expect("wait for cozegen");
    writer.join().expect("stdin writer");
    out
}

/// Runs the browser scenarios of `tests/js/<script>` (one Chromium launch, one scenario after
/// another) on `config`, written into `dir`. Returns their report — an `ok NAME (TIME)` line per
/// scenario — when the script succeeded and every one of the `expected` scenarios ran, else
/// why not, with the report and the script's stderr.
pub fn browser_scenarios(
    script: &str,
    config: &serde_json::Value,
    dir: &Path,
    expected: usize,
) -> Result<String, String> {
    let config_path = dir.join("config.json");
    std::fs::write(&config_path, config.to_string()).expect("write config");
    let out = Command::new("node")
        .arg(root().join("tests/js").join(script))
        .arg(&config_path)
        .output()
        .expect("run node");
    let report = stdout(&out);
    let passed = report.lines().filter(|l| l.starts_with("ok ")).count();
    if !out.status.success() || passed != expected {
        return Err(format!(
            "{script}: {passed} of {expected} scenarios passed ({}):\n{report}\n{}",
            out.status,
            stderr(&out)
        ));
    }
    Ok(report)
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("utf-8 stdout")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("utf-8 stderr")
}

/// Whether the test may use the JS tools under `tests/js` (installed by `npm ci` there).
/// Locally a missing install skips the test with a note; under `CI=true` it fails.
pub fn js_tools_available(what: &str) -> bool {
    let ok = root().join("tests/js/node_modules").is_dir() && which("node");
    if !ok {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{what} needs node and `npm ci` in tests/js, and CI=true forbids skipping");
        }
        eprintln!(
            "skipping {what}: run `npm ci --prefix tests/js` (or scripts/test.sh) to enable it"
        );
    }
    ok
}

/// The Python of `tests/py/.venv`, where scripts/test.sh installs `tests/py/requirements.txt`,
/// if the test may use it. Locally a missing install skips the test with a note; under
/// `CI=true` it fails.
pub fn python_tools(what: &str) -> Option<PathBuf> {
    let python = root().join("tests/py/.venv/bin/python");
    if python.is_file() {
        return Some(python);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "{what} needs tests/py/.venv (scripts/test.sh makes it), and CI=true forbids skipping"
        );
    }
    eprintln!(
        "skipping {what}: run scripts/test.sh, or `python3 -m venv tests/py/.venv && \
         tests/py/.venv/bin/pip install -r tests/py/requirements.txt`, to enable it"
    );
    None
}

pub fn which(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(tool).is_file()))
}

/// Whether the browser tests can run: the JS tools plus Debian's Chromium at /usr/bin/chromium.
/// Locally a missing browser skips the test with a note; under `CI=true` it fails.
pub fn chromium_available(what: &str) -> bool {
    if !js_tools_available(what) {
        return false;
    }
    let ok = Path::new("/usr/bin/chromium").is_file();
    if !ok {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{what} needs /usr/bin/chromium, and CI=true forbids skipping");
        }
        eprintln!("skipping {what}: install Chromium (`apt-get install -y chromium`) to enable it");
    }
    ok
}
