//! Generation speed and memory against a baseline measured in the same run.
//!
//! The headline documents are what users have: 50,000 parameters whose descriptions run over
//! several lines with quotes, links and Chinese, whose defaults include nested objects and
//! arrays, and one object of 40,000 fields. Beside them, synthetic documents of 20 and 2,000
//! parameters and two nested 500 and 1,000 levels deep. For each, this reports the median time
//! of each stage (load+build, then each artifact, then every artifact at once as `all` writes
//! them) next to the baseline: serde_json parsing the same document into a `Value` and
//! pretty-printing it. On the 40,000-field object it also times `validate` (of a run that fills
//! every field) and `diff` (against a version with half the descriptions and a tenth of the
//! types changed) against `schema`. The stages and the baseline are timed in rounds, each round
//! timing every one of them once, so that load on a shared machine falls on all of them alike.
//! Before that it runs the release CLI on each document and reports wall time and peak memory
//! (max RSS) per artifact. Run with `cargo bench --bench generate`; the README quotes its
//! figures.

use cozegen::emit::json_schema::{self, SchemaOptions};
use cozegen::emit::{html, ir_json, rust, typescript};
use cozegen::{BuildOptions, Workflow, build, load_slice};
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

type Render = fn(&Workflow) -> cozegen::emit::Result<String>;

/// Set to `mimalloc` in the child process that repeats the in-process table with the allocator
/// the CLI ships with (the library leaves the choice to its users, so both are shown).
const ALLOCATOR_VAR: &std::ffi::CStr = c"COZEGEN_BENCH_ALLOCATOR";

/// The system allocator or mimalloc, chosen once per process from [`ALLOCATOR_VAR`] before the
/// first allocation (read with `getenv`, which does not allocate) and never changed, so every
/// block is freed by the allocator that made it.
struct Switch;

static MODE: AtomicU8 = AtomicU8::new(0);
const SYSTEM: u8 = 1;
const MIMALLOC: u8 = 2;

fn mode() -> u8 {
    match MODE.load(Ordering::Relaxed) {
        0 => {
            // SAFETY: getenv with a NUL-terminated name; the result is only read here, before
            // this process changes its environment (it never does).
            let value = unsafe { libc::getenv(ALLOCATOR_VAR.as_ptr()) };
            let chosen = if !value.is_null()
                // SAFETY: a non-null getenv result is a NUL-terminated string.
                && unsafe { std::ffi::CStr::from_ptr(value) } == c"mimalloc"
            {
                MIMALLOC
            } else {
                SYSTEM
            };
            MODE.store(chosen, Ordering::Relaxed);
            chosen
        }
        chosen => chosen,
    }
}

// SAFETY: every call is forwarded to one allocator, the same for the whole process.
unsafe impl GlobalAlloc for Switch {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe {
            if mode() == MIMALLOC {
                mimalloc::MiMalloc.alloc(layout)
            } else {
                System.alloc(layout)
            }
        }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from the same allocator, chosen once.
        unsafe {
            if mode() == MIMALLOC {
                mimalloc::MiMalloc.dealloc(ptr, layout)
            } else {
                System.dealloc(ptr, layout)
            }
        }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe {
            if mode() == MIMALLOC {
                mimalloc::MiMalloc.alloc_zeroed(layout)
            } else {
                System.alloc_zeroed(layout)
            }
        }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from the same allocator, chosen once.
        unsafe {
            if mode() == MIMALLOC {
                mimalloc::MiMalloc.realloc(ptr, layout, new_size)
            } else {
                System.realloc(ptr, layout, new_size)
            }
        }
    }
}

#[global_allocator]
static ALLOCATOR: Switch = Switch;

const ARTIFACTS: &[(&str, &str, Render)] = &[
    ("schema", "schema", |w| {
        json_schema::render(w, &SchemaOptions::default())
    }),
    ("rust", "rust", |w| rust::render(w, &Default::default())),
    ("html", "html", |w| html::render(w, &Default::default())),
    ("ts", "ts", |w| typescript::render(w, &Default::default())),
    ("ir", "ir", ir_json::render),
];

/// A flat-ish document: `n` parameters cycling through the vocabulary, every tenth an object
/// with three properties, every tenth+5 an array of objects.
fn wide(n: usize) -> String {
    let kinds = [
        "string", "integer", "number", "boolean", "time", "image", "file", "doc",
    ];
    let mut params = Vec::with_capacity(n);
    for i in 0..n {
        let p = match i % 10 {
            0 => format!(
                r#""obj{i}":{{"type":"object","required":true,"description":"object {i}","properties":{{"a":{{"type":"string","required":true}},"b":{{"type":"integer","default_value":"{i}"}},"c":{{"type":"boolean"}}}}}}"#
            ),
            5 => format!(
                r#""rows{i}":{{"type":"array","description":"rows {i}","items":{{"type":"object","properties":{{"sku":{{"type":"string","required":true}},"qty":{{"type":"integer","default_value":"1"}}}}}}}}"#
            ),
            _ => format!(
                r#""p{i}":{{"type":"{}","required":{},"description":"Parameter number {i}, described at some length as people do"}}"#,
                kinds[i % kinds.len()],
                i % 3 == 0
            ),
        };
        params.push(p);
    }
    format!(
        r#"{{"code":0,"msg":"","data":{{"workflow_detail":{{"workflow_name":"bench_{n}"}},"input":{{"parameters":{{{}}}}},"output":{{"parameters":{{"out":{{"type":"string"}}}}}}}}}}"#,
        params.join(",")
    )
}

/// One parameter nested `levels` deep, alternating objects and arrays.
fn deep(levels: usize) -> String {
    let mut p = String::from(r#"{"type":"string","required":true}"#);
    for i in (1..levels).rev() {
        p = if i % 2 == 0 {
            format!(r#"{{"type":"array","required":true,"items":{p}}}"#)
        } else {
            format!(
                r#"{{"type":"object","required":true,"properties":{{"l{i}":{p},"s":{{"type":"integer"}}}}}}"#
            )
        };
    }
    format!(
        r#"{{"input":{{"parameters":{{"l0":{p}}}}},"workflow_detail":{{"workflow_name":"bench_deep"}}}}"#
    )
}

/// What people write in descriptions: several lines, quotes, a link, Chinese, Markdown-ish
/// characters. JSON-escaped, ready to go between quotes.
const DESCRIPTIONS: [&str; 4] = [
    "订单编号，来自 \\\"商城\\\" 后台。\\n格式：ORD-2025-000123；见 https://www.coze.cn/open/docs。",
    "The customer's note, shown to the agent as is.\\n- may contain `code` and <tags>\\n- 最多 500 字",
    "价格（元），含税。\\nPrice in yuan, tax included: 1. round up; 2. never negative.",
    "Whether to notify \\\"everyone\\\" on the team.\\n\\n通知所有人？",
];

/// A document like the ones `gen_workflow.py` makes: `n` parameters of every type, described
/// at length (see [`DESCRIPTIONS`]), with defaults on scalars and on nested containers.
fn realistic(n: usize) -> String {
    let mut params = Vec::with_capacity(n);
    for i in 0..n {
        let d = DESCRIPTIONS[i % DESCRIPTIONS.len()];
        let p = match i % 12 {
            0 => format!(
                r#""order_{i}":{{"type":"object","required":true,"description":"{d}","default_value":"{{\"id\":\"ORD-{i}\",\"address\":{{\"city\":\"上海\",\"zip\":\"200000\"}},\"lines\":[{{\"sku\":\"A-{i}\",\"qty\":2}}]}}","properties":{{"id":{{"type":"string","required":true,"description":"{d}"}},"address":{{"type":"object","description":"{d}","properties":{{"city":{{"type":"string","required":true,"description":"城市"}},"zip":{{"type":"string"}}}}}},"lines":{{"type":"array","description":"{d}","items":{{"type":"object","properties":{{"sku":{{"type":"string","required":true}},"qty":{{"type":"integer","default_value":"1"}}}}}}}}}}}}"#
            ),
            1 => format!(
                r#""title_{i}":{{"type":"string","required":true,"description":"{d}","default_value":"默认标题 {i}\n第二行"}}"#
            ),
            2 => format!(
                r#""count_{i}":{{"type":"integer","description":"{d}","default_value":"{i}"}}"#
            ),
            3 => format!(
                r#""price_{i}":{{"type":"number","description":"{d}","default_value":"{i}.25"}}"#
            ),
            4 => format!(
                r#""notify_{i}":{{"type":"boolean","description":"{d}","default_value":"true"}}"#
            ),
            5 => format!(
                r#""grid_{i}":{{"type":"array","description":"{d}","default_value":"[[1,2],[3,{i}]]","items":{{"type":"array","items":{{"type":"integer"}}}}}}"#
            ),
            6 => format!(
                r#""when_{i}":{{"type":"time","description":"{d}","default_value":"2025-07-01 09:30:00"}}"#
            ),
            7 => format!(
                r#""photo_{i}":{{"type":"image","description":"{d}","default_value":"https://example.com/{i}.png"}}"#
            ),
            8 => format!(
                r#""tags_{i}":{{"type":"array","description":"{d}","default_value":"[\"a\",\"标签\"]","items":{{"type":"string","description":"一个标签"}}}}"#
            ),
            9 => format!(
                r#""meta_{i}":{{"type":"object","description":"{d}","default_value":"{{\"k\":[1,{{\"x\":null}}]}}"}}"#
            ),
            10 => format!(r#""doc_{i}":{{"type":"doc","required":true,"description":"{d}"}}"#),
            _ => format!(r#""extra_{i}":{{"type":"list","description":"{d}"}}"#),
        };
        params.push(p);
    }
    format!(
        r#"{{"code":0,"msg":"","data":{{"workflow_detail":{{"workflow_name":"订单处理 realistic {n}","description":"{}"}},"input":{{"parameters":{{{}}}}},"output":{{"parameters":{{"result":{{"type":"string","description":"{}"}}}}}}}}}}"#,
        DESCRIPTIONS[0],
        params.join(","),
        DESCRIPTIONS[1]
    )
}

/// One object parameter of `n` fields (every type but containers), and a `parameters` object
/// that gives every one of them a valid value.
fn wide_object(n: usize, changed: bool) -> (String, String) {
    let kinds = ["string", "integer", "number", "boolean", "time", "image"];
    let values = [
        r#""text""#,
        "42",
        "1.5",
        "true",
        r#""2025-07-01 09:30:00""#,
        r#""https://example.com/a.png""#,
    ];
    let mut fields = Vec::with_capacity(n);
    let mut run = Vec::with_capacity(n);
    for i in 0..n {
        // The changed version: half the descriptions differ and a tenth of the types.
        let kind = if changed && i % 10 == 0 {
            "string"
        } else {
            kinds[i % kinds.len()]
        };
        let description = if changed && i % 2 == 0 {
            "changed"
        } else {
            DESCRIPTIONS[i % DESCRIPTIONS.len()]
        };
        fields.push(format!(
            r#""f{i}":{{"type":"{kind}","required":{},"description":"{description}"}}"#,
            i % 3 == 0
        ));
        run.push(format!(r#""f{i}":{}"#, values[i % values.len()]));
    }
    (
        format!(
            r#"{{"input":{{"parameters":{{"big":{{"type":"object","required":true,"properties":{{{}}}}}}}}},"workflow_detail":{{"workflow_name":"wide_object"}}}}"#,
            fields.join(",")
        ),
        format!(r#"{{"big":{{{}}}}}"#, run.join(",")),
    )
}

/// How many rounds to time work that takes `once` (fewer for slow work, at least 5).
fn rounds(once: Duration) -> usize {
    if once > Duration::from_millis(100) {
        9
    } else if once > Duration::from_millis(10) {
        15
    } else {
        41
    }
}

fn time(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn baseline(doc: &[u8]) -> String {
    let parse_and_print = || {
        let mut de = serde_json::Deserializer::from_slice(doc);
        de.disable_recursion_limit();
        let value: serde_json::Value = serde::Deserialize::deserialize(&mut de).expect("JSON");
        serde_json::to_string_pretty(&value).expect("prints")
    };
    // A thread of its own costs more than the whole baseline of a small document: only the
    // deep documents (which serde_json parses recursively) get one, with unbounded depth.
    if doc.len() < 20_000 || !doc.starts_with(br#"{"input":{"parameters":{"l0":"#) {
        return parse_and_print();
    }
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(512 << 20)
            .spawn_scoped(s, || {
                let mut de = serde_json::Deserializer::from_slice(doc);
                de.disable_recursion_limit();
                let value: serde_json::Value =
                    serde::Deserialize::deserialize(&mut de).expect("JSON");
                serde_json::to_string_pretty(&value).expect("prints")
            })
            .expect("thread")
            .join()
            .expect("no panic")
    })
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// Wall time and peak RSS (KiB) of one CLI run.
///
/// On Linux a child's peak RSS starts from its parent's at fork time (the kernel carries the
/// high-water mark across fork and exec), so this process, which holds the big documents, does
/// not start cozegen itself: it starts a copy of itself as a small launcher (see
/// [`launch`]), which runs cozegen and reports what `wait4` says.
fn cli_run(args: &[&str]) -> (Duration, i64) {
    let out = std::process::Command::new(std::env::current_exe().expect("own path"))
        .env(LAUNCH, env!("CARGO_BIN_EXE_cozegen"))
        .args(args)
        .stderr(std::process::Stdio::inherit())
        .output()
        .expect("spawn the launcher");
    assert!(out.status.success(), "cozegen {args:?} failed");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let (nanos, rss) = text.trim().split_once(' ').expect("two numbers");
    (
        Duration::from_nanos(nanos.parse().expect("nanoseconds")),
        rss.parse().expect("KiB"),
    )
}

/// Set to the program to run when this binary is the launcher.
const LAUNCH: &str = "COZEGEN_BENCH_LAUNCH";

/// The launcher: runs `program` with this process's arguments, output discarded, and prints
/// its wall time in nanoseconds and its peak RSS in KiB.
// The child is reaped by `wait4`, which std's `wait` cannot replace: it alone reports rusage.
#[allow(clippy::zombie_processes)]
fn launch(program: &std::ffi::OsStr) -> ! {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let start = Instant::now();
    let child = std::process::Command::new(program)
        .args(&args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn cozegen");
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value, and wait4 only writes into it; the pid is
    // our own child, reaped exactly once here.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let elapsed = start.elapsed();
    assert_eq!(reaped, pid, "wait4 failed");
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        std::process::exit(1);
    }
    println!("{} {}", elapsed.as_nanos(), usage.ru_maxrss);
    std::process::exit(0)
}

fn main() {
    if let Some(program) = std::env::var_os(LAUNCH) {
        launch(&program);
    }
    let (object_doc, object_run) = wide_object(40_000, false);
    let docs = [
        ("20 params", wide(20)),
        ("2,000 params", wide(2_000)),
        ("**50,000 realistic**", realistic(50_000)),
        ("50,000 synthetic", wide(50_000)),
        ("40,000-field object", object_doc.clone()),
        ("500 deep", deep(500)),
        ("1,000 deep", deep(1_000)),
    ];
    // `COZEGEN_BENCH_DOCS=realistic,object` times only the documents whose label holds one of
    // the words (case-insensitive), for a quick look at one change.
    let docs: Vec<(&str, String)> = match std::env::var("COZEGEN_BENCH_DOCS") {
        Ok(filter) => docs
            .into_iter()
            .filter(|(label, _)| {
                filter
                    .split(',')
                    .any(|word| label.to_lowercase().contains(&word.to_lowercase()))
            })
            .collect(),
        Err(_) => docs.into_iter().collect(),
    };
    if mode() == MIMALLOC {
        in_process(&docs, "mimalloc (what the CLI uses)");
        return;
    }
    let dir = std::env::temp_dir().join(format!("cozegen-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");

    println!("## CLI (release binary), wall time and peak RSS, median of 5 runs\n");
    println!(
        "| document | {} | all |",
        ARTIFACTS
            .iter()
            .map(|a| a.1)
            .collect::<Vec<_>>()
            .join(" | ")
    );
    println!("|---|{}", "---|".repeat(ARTIFACTS.len() + 1));
    for (label, doc) in &docs {
        let path = dir.join("doc.json");
        std::fs::write(&path, doc).expect("write doc");
        let path = path.to_str().expect("utf-8");
        let out = dir.join("all");
        let out = out.to_str().expect("utf-8");
        let mut cells = Vec::new();
        let commands = ARTIFACTS.iter().map(|a| vec![a.1, path, "--quiet"]);
        for args in commands.chain([vec!["all", path, "--quiet", "-o", out]]) {
            let mut runs: Vec<(Duration, i64)> = (0..5)
                .map(|_| {
                    // `all` leaves files that are up to date alone: start from nothing each time.
                    let _ = std::fs::remove_dir_all(out);
                    cli_run(&args)
                })
                .collect();
            runs.sort();
            let (wall, _) = runs[2];
            let rss = runs.iter().map(|r| r.1).max().unwrap_or(0);
            cells.push(format!("{} / {:.1} MiB", ms(wall), rss as f64 / 1024.0));
        }
        println!("| {label} | {} |", cells.join(" | "));
    }
    println!();
    let _ = std::fs::remove_dir_all(&dir);

    if docs.iter().any(|(label, _)| label.starts_with("40,000")) {
        checks(&object_doc, &object_run);
    }
    in_process(&docs, "the system allocator");
    // The same table again in a process of its own that allocates through mimalloc.
    let status = std::process::Command::new(std::env::current_exe().expect("own path"))
        .env(ALLOCATOR_VAR.to_str().expect("ASCII"), "mimalloc")
        .status()
        .expect("spawn the mimalloc run");
    assert!(status.success(), "the mimalloc run failed");
}

/// The in-process table: every stage against the baseline, with this process's allocator.
fn in_process(docs: &[(&str, String)], allocator: &str) {
    println!();
    println!(
        "## In-process with {allocator}, median per stage (ratio = stage time / baseline time)\n"
    );
    println!(
        "| document | size | baseline: serde_json parse + pretty | load + build | {} | all |",
        ARTIFACTS
            .iter()
            .map(|a| a.0)
            .collect::<Vec<_>>()
            .join(" | ")
    );
    println!("|---|---|---|---|{}", "---|".repeat(ARTIFACTS.len() + 1));
    for (label, doc) in docs {
        let bytes = doc.as_bytes();
        let info = load_slice(bytes, "bench").expect("loads");
        let (workflow, _) = build(&info, &BuildOptions::default()).expect("builds");
        let load_build = || {
            let info = load_slice(bytes, "bench").expect("loads");
            black_box(build(&info, &BuildOptions::default()).expect("builds"));
        };
        // Warm-up, and a first timing to choose the number of rounds.
        let n = rounds(time(|| {
            black_box(baseline(bytes));
        }));
        load_build();
        // Each round times the baseline and every stage once, so that a machine that slows
        // down or speeds up during the run (shared cores) weighs on all of them alike.
        let mut base = Vec::new();
        let mut load = Vec::new();
        let mut stages = vec![Vec::new(); ARTIFACTS.len()];
        let mut all = Vec::new();
        for _ in 0..n {
            base.push(time(|| {
                black_box(baseline(bytes));
            }));
            load.push(time(load_build));
            for ((_, _, render), times) in ARTIFACTS.iter().zip(&mut stages) {
                times.push(time(|| {
                    black_box(render(&workflow).expect("renders"));
                }));
            }
            all.push(time(|| {
                black_box(
                    cozegen::bundle::render(&workflow, &Default::default()).expect("renders"),
                );
            }));
        }
        let base = median(base);
        let load = median(load);
        let ratio =
            |d: Duration| format!("{} ({:.2}x)", ms(d), d.as_secs_f64() / base.as_secs_f64());
        let mut cells = vec![ratio(load)];
        for times in stages.into_iter().chain([all]) {
            // What a user waits for: loading and building plus this artifact (or all of them).
            cells.push(ratio(load + median(times)));
        }
        println!(
            "| {label} | {} KB | {} | {} |",
            bytes.len() / 1024,
            ms(base),
            cells.join(" | ")
        );
    }
}

/// `validate` and `diff` on the 40,000-field object, against `schema` on the same document:
/// each is load + build + its own work, as the CLI does it.
fn checks(doc: &str, run: &str) {
    let (changed, _) = wide_object(40_000, true);
    let load = |text: &str| {
        let info = load_slice(text.as_bytes(), "bench").expect("loads");
        build(&info, &BuildOptions::default()).expect("builds").0
    };
    let schema = || {
        black_box(json_schema::render(&load(doc), &SchemaOptions::default()).expect("renders"));
    };
    let validate = || {
        let parameters = cozegen::source::parse_json(run.as_bytes(), "run").expect("parses");
        let problems = cozegen::check::validate::validate(&load(doc).input, parameters.value());
        assert!(problems.is_empty(), "{:?}", problems.first());
    };
    let diff = || {
        let changes = cozegen::check::diff::diff(&load(doc), &load(&changed));
        // Every even field's description, and the types that were not strings already.
        assert_eq!(changes.len(), 20_000 + 4_000 - 1_334);
    };
    schema();
    let n = rounds(time(schema));
    let (mut s, mut v, mut d) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..n {
        s.push(time(schema));
        v.push(time(validate));
        d.push(time(diff));
    }
    let (s, v, d) = (median(s), median(v), median(d));
    println!("## validate and diff on one object of 40,000 fields, against schema\n");
    println!("| schema | validate | diff |");
    println!("|---|---|---|");
    println!(
        "| {} | {} ({:.2}x) | {} ({:.2}x) |\n",
        ms(s),
        ms(v),
        v.as_secs_f64() / s.as_secs_f64(),
        ms(d),
        d.as_secs_f64() / s.as_secs_f64()
    );
}
