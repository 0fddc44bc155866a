//! The README and every page under `docs/`, held to what they show. Pages added later join by
//! existing: every `*.md` file directly under `docs/` is read. The conventions a page follows:
//!
//! - **Commands.** In a fenced block tagged `sh` (or `bash`, `shell`) or `console`, every line
//!   that runs cozegen — it starts with `cozegen ` (after a `$ ` prompt in a `console` block), pipes into `| cozegen `,
//!   or is the README's `cargo run --release -- …` — is run by `sh`, in order, in a fresh
//!   directory per page, with the already-built `cozegen` first on `PATH` (no cargo build per
//!   command). Lines ending in `\` continue on the next line. A heredoc `cat > FILE <<'END'`
//!   writes FILE there first, so a page can show the file a command reads.
//! - **Files.** The directory holds `examples/` and `tests/` of this repository (so
//!   `examples/workflows/order_intake.json` and `tests/corpus/…` are there), `src/`, and the
//!   files pages name for the bundled example ([`FIXTURES`]): `workflow.json`, `order.json`,
//!   `old.json`, `new.json`, `params.json` (valid parameters for it), `canvas-answer.json` (a
//!   Coze Studio canvas answer), `canvas-params.json`, `a.json`, `b.json` and `trip_advisor.json` (a chatflow).
//! - **Exit codes.** A command must exit 0, unless its trailing comment starts with `exit N`
//!   (`cozegen diff old.json new.json   # exit 1 if anything breaks`).
//! - **Output.** In a `console` block, the lines after a `$ cozegen …` line up to the next `$ `
//!   line are what it prints: each must be a line of its stdout or stderr.
//! - **What cannot run here.** A block whose commands need the Coze API, a token or a server of
//!   their own is preceded by `<!-- tested by tests/it/<module>.rs::<test>[, …] -->` naming the
//!   tests that exercise what it shows; it is not run, and each test named must exist (a
//!   `#[test]` function of that file).
//! - **No command hides elsewhere.** A block of another tag (`text`, `rust`, an untagged one)
//!   has no line that starts with `$ ` or runs `cozegen `: a command shown there would escape
//!   these checks, so it belongs in a shell block.
//! - **Links.** Every relative link (`[text](path)` or `(path#anchor)`) resolves to a file of
//!   the repository, and an anchor to a heading of that file.
//!
//! The README's macro and build.rs sections are also pasted into new crates as a reader would
//! paste them, built and run against the bundled example.

use crate::common::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Files a page may name, each copied from the repository into the page's directory.
const FIXTURES: &[(&str, &str)] = &[
    ("workflow.json", "examples/workflows/order_intake.json"),
    ("order.json", "examples/workflows/order_intake.json"),
    ("old.json", "examples/workflows/order_intake.json"),
    ("new.json", "examples/workflows/order_intake.json"),
    (
        "canvas-answer.json",
        "tests/corpus/studio/answer_start_node_default_values.json",
    ),
    ("a.json", "tests/corpus/order_intake.json"),
    ("b.json", "tests/corpus/arrays.json"),
    ("trip_advisor.json", "tests/corpus/chatflow.json"),
];

/// Files a page may name, with their text.
const WRITTEN: &[(&str, &str)] = &[
    (
        "params.json",
        r#"{"customer": {"name": "Ada", "address": {"street": "1 Main St", "city": "Paris"}},
 "lines": [{"sku": "A1", "qty": 2}]}"#,
    ),
    ("canvas-params.json", r#"{"str": "hello", "inter": 7}"#),
];

/// The README and every page under `docs/`, as (path relative to the repository, text).
fn pages() -> Vec<(String, String)> {
    let mut names = vec!["README.md".to_owned()];
    let mut docs: Vec<String> = std::fs::read_dir(root().join("docs"))
        .expect("docs/")
        .map(|e| {
            e.expect("docs entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("docs/{n}"))
        .collect();
    docs.sort();
    names.extend(docs);
    names
        .into_iter()
        .map(|n| {
            let text = std::fs::read_to_string(root().join(&n)).expect("page");
            (n, text)
        })
        .collect()
}

/// A fenced block: its tag, its lines, the line it starts on (1-based), and the tests named
/// by a `<!-- tested by … -->` line just above it.
struct Block {
    tag: String,
    lines: Vec<String>,
    line: usize,
    tested_by: Option<Vec<String>>,
}

impl Block {
    /// Whether the block shows shell commands: the blocks whose commands the harness runs.
    fn is_shell(&self) -> bool {
        matches!(self.tag.as_str(), "sh" | "bash" | "shell" | "console")
    }
}

fn blocks(text: &str) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(tag) = lines[i].strip_prefix("```") else {
            i += 1;
            continue;
        };
        let tested_by = i
            .checked_sub(1)
            .and_then(|j| lines[j].trim().strip_prefix("<!-- tested by "))
            .and_then(|rest| rest.strip_suffix("-->"))
            .map(|names| names.split(',').map(|n| n.trim().to_owned()).collect());
        let start = i;
        i += 1;
        let mut body = Vec::new();
        while i < lines.len() && !lines[i].starts_with("```") {
            body.push(lines[i].to_owned());
            i += 1;
        }
        i += 1;
        out.push(Block {
            tag: tag.trim().to_owned(),
            lines: body,
            line: start + 1,
            tested_by,
        });
    }
    out
}

/// One step of a shell block: a file a heredoc writes, or a command that runs cozegen, with the
/// exit code its comment promises and the output a `console` block shows after it.
enum Step {
    Write {
        name: String,
        text: String,
    },
    Run {
        command: String,
        exit: i32,
        output: Vec<String>,
        line: usize,
    },
}

fn steps(block: &Block) -> Vec<Step> {
    let console = block.tag == "console";
    debug_assert!(block.is_shell());
    let mut steps = Vec::new();
    let mut i = 0;
    let lines = &block.lines;
    while i < lines.len() {
        let line_no = block.line + 1 + i;
        let mut line = lines[i].clone();
        i += 1;
        if console {
            match line.strip_prefix("$ ") {
                Some(command) => line = command.to_owned(),
                None => continue,
            }
        }
        while line.ends_with('\\') && i < lines.len() {
            line.pop();
            line.push_str(lines[i].trim_start_matches("$ "));
            i += 1;
        }
        if let Some((name, end)) = heredoc(&line) {
            let mut text = String::new();
            while i < lines.len() && lines[i] != end {
                text.push_str(&lines[i]);
                text.push('\n');
                i += 1;
            }
            i += 1;
            steps.push(Step::Write { name, text });
            continue;
        }
        let (command, comment) = split_comment(&line);
        let command = match command.trim().strip_prefix("cargo run --release -- ") {
            Some(args) => format!("cozegen {args}"),
            None => command.trim().to_owned(),
        };
        if !(command.starts_with("cozegen ") || command.contains("| cozegen ")) {
            continue;
        }
        let exit = comment
            .and_then(|c| c.trim().strip_prefix("exit "))
            .and_then(|rest| rest.split_whitespace().next())
            .map_or(0, |n| n.parse().expect("an exit code after `# exit`"));
        let mut output = Vec::new();
        while console && i < lines.len() && !lines[i].starts_with("$ ") {
            if !lines[i].trim().is_empty() {
                output.push(lines[i].clone());
            }
            i += 1;
        }
        steps.push(Step::Run {
            command,
            exit,
            output,
            line: line_no,
        });
    }
    steps
}

/// `cat > NAME <<'END'` (or `<<END`): the file it writes and the line that ends it.
fn heredoc(line: &str) -> Option<(String, String)> {
    let rest = line.trim().strip_prefix("cat > ")?;
    let (name, end) = rest.split_once(" <<")?;
    Some((
        name.trim().to_owned(),
        end.trim().trim_matches('\'').to_owned(),
    ))
}

/// A shell line and its trailing `#` comment (a `#` after a space, outside quotes).
fn split_comment(line: &str) -> (&str, Option<&str>) {
    let (mut single, mut double) = (false, false);
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            b'#' if !single && !double && i > 0 && bytes[i - 1] == b' ' => {
                return (&line[..i], Some(&line[i + 1..]));
            }
            _ => {}
        }
    }
    (line, None)
}

/// A fresh directory for `page`'s commands, with the repository's examples and tests and the
/// files pages name.
fn workdir(page: &str) -> PathBuf {
    let dir = root()
        .join("target")
        .join("cozegen-docs")
        .join(page.replace(['/', '.'], "_"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).expect("page directory");
    for link in ["examples", "tests"] {
        std::os::unix::fs::symlink(root().join(link), dir.join(link)).expect("symlink");
    }
    for (name, from) in FIXTURES {
        std::fs::copy(root().join(from), dir.join(name)).expect("fixture");
    }
    for (name, text) in WRITTEN {
        std::fs::write(dir.join(name), text).expect("fixture");
    }
    dir
}

/// Runs every shown command of `page` as the module's docs say, and returns what did not go
/// as shown.
fn run_page(page: &str, text: &str) -> Vec<String> {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_cozegen"));
    let path = format!(
        "{}:{}",
        bin.parent().expect("bin dir").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut failures = Vec::new();
    let mut dir = None;
    for block in blocks(text) {
        if !block.is_shell() || block.tested_by.is_some() {
            continue;
        }
        for step in steps(&block) {
            let dir = dir.get_or_insert_with(|| workdir(page));
            match step {
                Step::Write { name, text } => {
                    std::fs::write(dir.join(name), text).expect("heredoc");
                }
                Step::Run {
                    command,
                    exit,
                    output,
                    line,
                } => {
                    // A command that never ends (a server shown without its `tested by` line)
                    // is stopped, with its process group, and reported rather than hanging
                    // the suite: coreutils' timeout exits 124 then.
                    let out = std::process::Command::new("timeout")
                        .args(["120", "sh", "-c", &command])
                        .current_dir(&*dir)
                        .env("PATH", &path)
                        .env_remove("COZE_API_TOKEN")
                        // Nothing shown here may reach the network: a closed local port.
                        .env("COZE_API_BASE", "http://127.0.0.1:9")
                        .stdin(std::process::Stdio::null())
                        .output()
                        .expect("run sh");
                    let (stdout, stderr) = (stdout(&out), stderr(&out));
                    let printed: BTreeSet<&str> = stdout.lines().chain(stderr.lines()).collect();
                    let missing: Vec<&String> = output
                        .iter()
                        .filter(|l| !printed.contains(l.as_str()))
                        .collect();
                    if out.status.code() != Some(exit) || !missing.is_empty() {
                        failures.push(format!(
                            "{page}:{line}: `{command}` exited {:?} (shown: {exit}){}\n  stderr: {}",
                            out.status.code(),
                            if missing.is_empty() {
                                String::new()
                            } else {
                                format!("; it did not print {missing:?}")
                            },
                            stderr.trim()
                        ));
                    }
                }
            }
        }
    }
    failures
}

#[test]
fn every_command_the_readme_and_docs_show_runs_as_shown() {
    let mut failures = Vec::new();
    let mut run = 0;
    for (page, text) in pages() {
        run += blocks(&text)
            .iter()
            .filter(|b| b.is_shell() && b.tested_by.is_none())
            .flat_map(steps)
            .filter(|s| matches!(s, Step::Run { .. }))
            .count();
        failures.extend(run_page(&page, &text));
    }
    assert!(
        run >= 20,
        "only {run} commands found: is the harness still reading the pages?"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_block_that_cannot_run_here_names_tests_that_exist() {
    let mut failures = Vec::new();
    let mut named = 0;
    for (page, text) in pages() {
        for block in blocks(&text) {
            if block.tested_by.is_some() && !block.is_shell() {
                failures.push(format!(
                    "{page}:{}: `tested by` stands above a `{}` block, not a shell block",
                    block.line, block.tag
                ));
            }
            for test in block.tested_by.iter().flatten() {
                named += 1;
                let Some((file, name)) = test.split_once("::") else {
                    failures.push(format!("{page}:{}: `{test}` is not FILE::TEST", block.line));
                    continue;
                };
                let source = std::fs::read_to_string(root().join(file)).unwrap_or_default();
                if !is_test(&source, name) {
                    failures.push(format!("{page}:{}: no test `{name}` in {file}", block.line));
                }
            }
        }
    }
    assert!(named > 0, "no block names a test");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Whether `source` has a function `name` marked `#[test]` (among the attributes and doc lines
/// just above it).
fn is_test(source: &str, name: &str) -> bool {
    let lines: Vec<&str> = source.lines().collect();
    lines.iter().enumerate().any(|(i, line)| {
        line.trim_start().starts_with(&format!("fn {name}("))
            && lines[..i]
                .iter()
                .rev()
                .map(|l| l.trim())
                .take_while(|l| l.starts_with("#[") || l.starts_with("///"))
                .any(|l| l == "#[test]")
    })
}

/// Whether a line of a block that is not a shell block reads as a command: a prompt, or a
/// line running cozegen (`cozegen = { … }` in a manifest is not one).
fn looks_like_a_command(line: &str) -> bool {
    line.starts_with("$ ")
        || line.strip_prefix("cozegen ").is_some_and(|rest| {
            // `cozegen = { … }` is a manifest line, and `cozegen serve: …` what a command
            // prints (its messages start with the command's name and a colon).
            let first = rest.split_whitespace().next().unwrap_or("");
            !rest.trim_start().starts_with('=') && !first.ends_with(':')
        })
}

#[test]
fn no_command_is_shown_outside_a_shell_block() {
    // What the check looks for, and the manifest line it must let through.
    assert!(looks_like_a_command("cozegen schema workflow.json"));
    assert!(looks_like_a_command(
        "$ cat workflow.json | cozegen tool --format openai"
    ));
    assert!(!looks_like_a_command(
        r#"cozegen = { path = "../cozegen" }"#
    ));
    assert!(!looks_like_a_command("cozegen serve: stopped by SIGINT"));
    let mut failures = Vec::new();
    for (page, text) in pages() {
        for block in blocks(&text).iter().filter(|b| !b.is_shell()) {
            for (i, line) in block.lines.iter().enumerate() {
                if looks_like_a_command(line) {
                    failures.push(format!(
                        "{page}:{}: `{line}` is shown in a `{}` block: put it in a `sh` or \
                         `console` block, where it is run",
                        block.line + 1 + i,
                        block.tag
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The anchor GitHub gives a heading: lowercase, punctuation but `-` and `_` dropped, spaces
/// made `-`.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of a Markdown page's headings (outside code blocks).
fn anchors(text: &str) -> BTreeSet<String> {
    let mut fenced = false;
    let mut out = BTreeSet::new();
    for line in text.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        } else if !fenced && line.starts_with('#') {
            out.insert(anchor(line.trim_start_matches('#')));
        }
    }
    out
}

/// The relative links of a Markdown page (outside code blocks and code spans).
fn links(text: &str) -> Vec<String> {
    let mut fenced = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        // Code spans are not links.
        let prose: String = line.split('`').step_by(2).collect::<Vec<_>>().join(" ");
        let mut rest = prose.as_str();
        while let Some(i) = rest.find("](") {
            rest = &rest[i + 2..];
            let end = rest.find(')').unwrap_or(rest.len());
            let target = &rest[..end];
            if !target.contains("://") && !target.starts_with("mailto:") {
                out.push(target.to_owned());
            }
            rest = &rest[end..];
        }
    }
    out
}

#[test]
fn every_relative_link_of_the_readme_and_docs_resolves() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for (page, text) in pages() {
        let base = Path::new(&page).parent().expect("page dir").to_path_buf();
        for link in links(&text) {
            checked += 1;
            let (file, fragment) = match link.split_once('#') {
                Some((file, fragment)) => (file, Some(fragment)),
                None => (link.as_str(), None),
            };
            let target = if file.is_empty() {
                root().join(&page)
            } else {
                root().join(&base).join(file)
            };
            if !target.exists() {
                failures.push(format!("{page}: `{link}`: no file {}", target.display()));
                continue;
            }
            if let Some(fragment) = fragment {
                let text = std::fs::read_to_string(&target).unwrap_or_default();
                if !anchors(&text).contains(fragment) {
                    failures.push(format!("{page}: `{link}`: no heading #{fragment} there"));
                }
            }
        }
    }
    assert!(checked > 20, "only {checked} links found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_readme_is_short_and_links_every_topic_page() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let index = std::fs::read_to_string(root().join("docs/README.md")).expect("docs index");
    assert!(
        readme.lines().count() <= 300,
        "the README has {} lines",
        readme.lines().count()
    );
    for (page, _) in pages() {
        let Some(name) = page.strip_prefix("docs/") else {
            continue;
        };
        if name == "README.md" {
            continue;
        }
        assert!(
            readme.contains(&format!("](docs/{name}")),
            "the README does not link {page}"
        );
        assert!(
            index.contains(&format!("]({name})")),
            "docs/README.md does not link {page}"
        );
    }
    // The snippets' `order.json` is said to be the bundled example, and the workflow is called
    // by its name in the example (`order_intake`), which names the generated types.
    let example: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("examples/workflows/order_intake.json"))
            .expect("example"),
    )
    .expect("json");
    let name = example["data"]["workflow_detail"]["workflow_name"]
        .as_str()
        .expect("a workflow name");
    assert!(
        readme.contains(&format!("named `{name}`")),
        "the README does not name `{name}`"
    );
    assert!(
        readme.contains("call it `order.json`"),
        "the README does not say what order.json is"
    );
    assert!(
        !readme.contains("Order Intake"),
        "the README calls the example `Order Intake`"
    );
    // The two commands: the main job on the bundled example, and the test command.
    let first = blocks(&readme).into_iter().next().expect("a first block");
    let body = first.lines.join("\n");
    assert!(
        body.contains("cargo run --release -- all examples/workflows/order_intake.json"),
        "{body}"
    );
    assert!(body.contains("scripts/test.sh"), "{body}");
    let script = root().join("scripts/test.sh");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&script)
        .expect("scripts/test.sh")
        .permissions()
        .mode();
    assert!(mode & 0o111 != 0, "scripts/test.sh is not executable");
}

/// The fenced code blocks of the README section headed `heading` (a `###` heading), in order.
fn code_blocks(readme: &str, heading: &str) -> Vec<String> {
    let start = readme
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("README has no section {heading:?}"));
    let section = &readme[start + heading.len() + 2..];
    // The section ends at the next heading of its level or above.
    let end = ["\n## ", "\n### "]
        .iter()
        .filter_map(|h| section.find(h))
        .min()
        .unwrap_or(section.len());
    blocks(&section[..end])
        .into_iter()
        .filter(|b| b.tag == "toml" || b.tag == "rust" || b.tag == "text")
        .map(|b| b.lines.join("\n") + "\n")
        .collect()
}

/// What `cargo new` writes after `[package]`: a crate's dependencies table, empty. The
/// README's lines are appended to it as a reader appends them.
const CARGO_NEW_TAIL: &str = "[dependencies]\n";

#[test]
fn the_build_rs_section_works_when_pasted_into_a_new_crate() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let blocks = code_blocks(&readme, "### From build.rs");
    let [toml, build_rs, main_rs] = blocks.as_slice() else {
        panic!("expected Cargo.toml, build.rs and main.rs blocks, got {blocks:#?}");
    };
    assert!(toml.contains(r#"path = "../cozegen""#), "{toml}");
    // Appended to a `cargo new` manifest, as the README says: no second `[dependencies]`.
    let toml = format!("{CARGO_NEW_TAIL}{toml}").replace(
        r#"path = "../cozegen""#,
        &format!("path = {:?}", root().display().to_string()),
    );
    let printed = paste_and_run("readme-build-rs", &toml, Some(build_rs), main_rs);
    assert_eq!(printed["customer"]["address"]["city"], "Paris");
    assert_eq!(printed["deliver_at"], "2025-07-01 09:30:00");
}

#[test]
fn the_macro_section_works_when_pasted_into_a_new_crate() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let blocks = code_blocks(&readme, "### With the macro: `import_workflow!`");
    // Cargo.toml, then main.rs.
    let [toml, main_rs, ..] = blocks.as_slice() else {
        panic!("expected Cargo.toml and main.rs blocks, got {blocks:#?}");
    };
    assert!(toml.contains(r#"path = "../cozegen/macros""#), "{toml}");
    // Appended to a `cargo new` manifest, as the README says: no second `[dependencies]`.
    let toml = format!("{CARGO_NEW_TAIL}{toml}").replace(
        r#"path = "../cozegen/macros""#,
        &format!("path = {:?}", root().join("macros").display().to_string()),
    );
    let printed = paste_and_run("readme-macro", &toml, None, main_rs);
    assert_eq!(printed["customer"]["address"]["city"], "Paris");
    assert_eq!(printed["lines"][0]["qty"], 2);
}

/// Builds and runs a new crate named `name` from the README's blocks, with the bundled example
/// workflow as `order.json`, and returns what it printed as JSON. The crates are crates of the
/// tests' scratch area (`tests/it/common/scratch.rs`): serde and cozegen build once, into its
/// shared target.
fn paste_and_run(
    name: &str,
    toml: &str,
    build_rs: Option<&String>,
    main_rs: &str,
) -> serde_json::Value {
    let krate = scratch::Crate::new(name, toml);
    if let Some(build_rs) = build_rs {
        krate.write("build.rs", build_rs);
    }
    krate.write("src/main.rs", main_rs);
    krate.write(
        "order.json",
        &std::fs::read_to_string(root().join("examples/workflows/order_intake.json"))
            .expect("example workflow"),
    );
    let out = krate.cargo_output(&mut krate.cargo("run"));
    assert!(
        out.status.success(),
        "the README's {name} section does not build as written:\n{}",
        stderr(&out)
    );
    serde_json::from_str(stdout(&out).trim()).expect("main prints the parameters as JSON")
}
