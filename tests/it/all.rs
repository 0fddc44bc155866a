//! `cozegen all`: every artifact into a directory under stable names, identical to the
//! single-artifact goldens, and `--check` as a drift check that never writes.

use crate::common::*;
use std::path::Path;

fn all(doc: &Path, dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "all",
        doc.to_str().expect("utf-8 path"),
        "-o",
        dir.to_str().expect("utf-8 path"),
    ];
    args.extend_from_slice(extra);
    cozegen(&args)
}

fn order_intake() -> std::path::PathBuf {
    root().join("tests/corpus/order_intake.json")
}

/// Every entry of `dir`, sorted, with its bytes (`None` for a directory).
fn snapshot(dir: &Path) -> Vec<(String, Option<Vec<u8>>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| {
            let e = e.expect("entry");
            let bytes = (!e.file_type().expect("file type").is_dir())
                .then(|| std::fs::read(e.path()).expect("read"));
            (e.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn all_writes_every_artifact_equal_to_its_golden_for_every_corpus_document() {
    let mut goldens = Goldens::new();
    for doc in corpus() {
        let scratch = tempfile::tempdir().expect("tempdir");
        let dir = scratch.path().join("nested/out");
        let out = all(&doc, &dir, &["--quiet"]);
        assert!(out.status.success(), "{}: {}", doc.display(), stderr(&out));
        assert_eq!(stdout(&out), "", "all prints nothing on stdout");
        let names: Vec<String> = snapshot(&dir).into_iter().map(|(n, _)| n).collect();
        // The registry's files, each equal to its artifact's golden under the same name.
        let mut expected = cozegen::bundle::file_names();
        expected.sort();
        assert_eq!(names, expected, "{}", doc.display());
        for file in cozegen::bundle::file_names() {
            let text = std::fs::read_to_string(dir.join(file)).expect("read artifact");
            goldens.check(&format!("{}/{file}", stem(&doc)), &text);
        }
    }
}

#[test]
fn all_is_deterministic_and_rewrites_nothing_that_is_up_to_date() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let dir = scratch.path();
    assert!(all(&order_intake(), dir, &["--quiet"]).status.success());
    let first = snapshot(dir);
    let mtime = |f: &str| {
        std::fs::metadata(dir.join(f))
            .expect("metadata")
            .modified()
            .expect("mtime")
    };
    let before = mtime("input.rs");
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert!(all(&order_intake(), dir, &["--quiet"]).status.success());
    assert_eq!(snapshot(dir), first);
    assert_eq!(mtime("input.rs"), before, "an unchanged file was rewritten");
}

#[test]
fn a_failed_run_leaves_every_existing_file_untouched() {
    // `ir.json` is written last; a directory in its place once failed the run only after the
    // other seven files had been rewritten, leaving a mix of two workflows.
    let scratch = tempfile::tempdir().expect("tempdir");
    let dir = scratch.path();
    assert!(all(&order_intake(), dir, &["--quiet"]).status.success());
    std::fs::remove_file(dir.join("ir.json")).expect("remove");
    std::fs::create_dir(dir.join("ir.json")).expect("mkdir");
    let before = snapshot(dir);
    let out = all(
        &root().join("tests/corpus/hostile_names.json"),
        dir,
        &["--quiet"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&dir.join("ir.json").display().to_string()),
        "the error names the path: {}",
        stderr(&out)
    );
    // Also no temporary file is left: it would be a new entry.
    assert_eq!(snapshot(dir), before, "a failed run changed the directory");
}

/// An artifact whose temporary file cannot be created, even as root (who ignores
/// permissions): the temporary's name, the target's with a prefix and suffix, is too long.
fn unwritable() -> cozegen::bundle::File {
    cozegen::bundle::File {
        name: Box::leak("x".repeat(250).into_boxed_str()),
        text: "never written\n".to_owned(),
    }
}

fn artifact(name: &'static str, text: &str) -> cozegen::bundle::File {
    cozegen::bundle::File {
        name,
        text: text.to_owned(),
    }
}

#[test]
fn a_file_that_cannot_be_written_leaves_the_others_untouched() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let dir = scratch.path();
    std::fs::write(dir.join("a.txt"), "old a\n").expect("write");
    std::fs::write(dir.join("same.txt"), "same\n").expect("write");
    let before = snapshot(dir);
    let artifacts = [
        artifact("a.txt", "new a\n"),
        artifact("b.txt", "new b\n"),
        artifact("same.txt", "same\n"),
        unwritable(),
    ];
    let e = cozegen::bundle::write(dir, &artifacts).expect_err("the long name fails");
    assert!(
        e.to_string().starts_with(&format!(
            "cannot write {}",
            dir.join(artifacts[3].name).display()
        )),
        "{e}"
    );
    assert_eq!(
        snapshot(dir),
        before,
        "a failed write changed the directory"
    );
}

#[test]
fn a_failed_write_into_a_new_directory_leaves_no_directory() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let dir = scratch.path().join("new/out");
    let artifacts = [artifact("a.txt", "a\n"), unwritable()];
    cozegen::bundle::write(&dir, &artifacts).expect_err("the long name fails");
    assert!(
        !scratch.path().join("new").exists(),
        "the directories a failed write made are removed"
    );
    // A directory that was there before stays.
    std::fs::create_dir(scratch.path().join("new")).expect("mkdir");
    cozegen::bundle::write(&dir, &artifacts).expect_err("the long name fails");
    assert!(scratch.path().join("new").is_dir());
    assert!(!dir.exists());
}

#[test]
fn an_existing_file_as_the_output_directory_is_refused_as_not_a_directory() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let file = scratch.path().join("afile");
    std::fs::write(&file, "a file").expect("write");
    for extra in [&["--quiet"][..], &["--check"]] {
        let out = all(&order_intake(), &file, extra);
        assert_eq!(out.status.code(), Some(1), "{extra:?}");
        let err = stderr(&out);
        assert!(
            err.contains("afile must be a directory: it names an existing file"),
            "{extra:?}: {err}"
        );
        assert!(!err.contains("os error"), "{err}");
    }
    assert_eq!(
        snapshot(scratch.path()),
        [("afile".to_owned(), Some(b"a file".to_vec()))]
    );
}

#[test]
fn an_output_directory_below_a_file_fails_and_creates_nothing() {
    let scratch = tempfile::tempdir().expect("tempdir");
    std::fs::write(scratch.path().join("file"), "a file").expect("write");
    let out = all(
        &order_intake(),
        &scratch.path().join("file/out"),
        &["--quiet"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("file/out"), "{}", stderr(&out));
    assert_eq!(
        snapshot(scratch.path()),
        [("file".to_owned(), Some(b"a file".to_vec()))]
    );
}

#[test]
fn a_symlinked_artifact_has_its_target_replaced_and_keeps_the_link() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let dir = scratch.path().join("out");
    let elsewhere = scratch.path().join("elsewhere");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::create_dir_all(&elsewhere).expect("mkdir");
    std::fs::write(elsewhere.join("ir.json"), "old").expect("write");
    std::os::unix::fs::symlink("../elsewhere/ir.json", dir.join("ir.json")).expect("symlink");
    assert!(all(&order_intake(), &dir, &["--quiet"]).status.success());
    assert!(
        std::fs::symlink_metadata(dir.join("ir.json"))
            .expect("link")
            .file_type()
            .is_symlink()
    );
    assert_golden(
        "order_intake/ir.json",
        &std::fs::read_to_string(elsewhere.join("ir.json")).expect("target"),
    );
    assert_eq!(snapshot(&elsewhere).len(), 1, "no temporary file is left");
}

#[test]
fn warnings_are_printed_once() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let doc = root().join("tests/corpus/odd_shapes.json");
    let out = all(&doc, scratch.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let expected = std::fs::read_to_string(root().join("tests/golden/odd_shapes/warnings.txt"))
        .expect("warnings golden");
    let warnings = stderr(&out);
    assert!(!expected.trim().is_empty(), "odd_shapes has warnings");
    for line in expected.lines() {
        assert_eq!(
            warnings.matches(line).count(),
            1,
            "{line:?} should be printed once in:\n{warnings}"
        );
    }
}

#[test]
fn deny_warnings_writes_nothing() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let dir = scratch.path().join("out");
    let doc = root().join("tests/corpus/odd_shapes.json");
    let out = all(&doc, &dir, &["--deny-warnings"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("denied by --deny-warnings"));
    assert!(!dir.exists(), "nothing may be written");
}

#[test]
fn type_names_and_derives_pass_through_to_the_rust_files() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let dir = scratch.path();
    let out = all(
        &order_intake(),
        dir,
        &[
            "--type-name",
            "Order",
            "--output-type-name",
            "OrderResult",
            "--derive",
            "Eq",
            "--quiet",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let input = std::fs::read_to_string(dir.join("input.rs")).expect("input.rs");
    let output = std::fs::read_to_string(dir.join("output.rs")).expect("output.rs");
    assert!(input.contains("pub struct Order {"), "{input}");
    assert!(output.contains("pub struct OrderResult {"), "{output}");
    assert!(output.contains(", Eq)]"), "{output}");
}

#[test]
fn check_passes_when_everything_is_up_to_date() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let dir = scratch.path();
    assert!(all(&order_intake(), dir, &["--quiet"]).status.success());
    let out = all(&order_intake(), dir, &["--check", "--quiet"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
}

#[test]
fn check_lists_a_changed_and_a_missing_file_and_writes_nothing() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let dir = scratch.path();
    assert!(all(&order_intake(), dir, &["--quiet"]).status.success());
    std::fs::write(dir.join("input.ts"), "// edited by hand\n").expect("edit");
    std::fs::remove_file(dir.join("ir.json")).expect("remove");
    let before = snapshot(dir);
    let out = all(&order_intake(), dir, &["--check", "--quiet"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        format!(
            "{}\n{}\n",
            dir.join("input.ts").display(),
            dir.join("ir.json").display()
        )
    );
    assert!(
        stderr(&out).contains("2 files would change"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(dir), before, "--check wrote something");
}

#[test]
fn check_on_a_missing_directory_lists_every_file_and_creates_nothing() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let dir = scratch.path().join("absent");
    let out = all(&order_intake(), &dir, &["--check", "--quiet"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out).lines().count(),
        cozegen::bundle::file_names().len()
    );
    assert!(!dir.exists());
}

#[test]
fn all_reads_stdin() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let dir = scratch.path();
    let doc = std::fs::read(order_intake()).expect("read");
    let out = cozegen_with_stdin(&["all", "-", "-o", dir.to_str().unwrap(), "-q"], &doc);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_golden(
        "order_intake/input.rs",
        &std::fs::read_to_string(dir.join("input.rs")).expect("input.rs"),
    );
}

#[test]
fn all_requires_an_output_directory() {
    let out = cozegen(&["all", "tests/corpus/order_intake.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--output <DIR>"), "{}", stderr(&out));
}

#[test]
fn all_help_matches_golden() {
    let out = cozegen(&["all", "--help"]);
    assert!(out.status.success());
    assert_golden("cli/all-help.txt", &stdout(&out));
}

#[test]
fn the_readme_example_generates_the_golden_artifacts() {
    let mut goldens = Goldens::new();
    // README's first command runs `all` on examples/workflows/order_intake.json; the corpus
    // holds the same document, so its goldens are what a newcomer gets.
    let example = root().join("examples/workflows/order_intake.json");
    assert_eq!(
        std::fs::read(&example).expect("example"),
        std::fs::read(order_intake()).expect("corpus copy"),
        "examples/workflows/order_intake.json and tests/corpus/order_intake.json must stay equal"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let out = all(&example, dir.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    for file in cozegen::bundle::file_names() {
        let written = std::fs::read_to_string(dir.path().join(file)).expect("written");
        goldens.check(&format!("order_intake/{file}"), &written);
    }
}

#[test]
fn an_artifact_that_is_a_fifo_is_written_into_without_reading_it_first() {
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = root().join("tests/corpus/arrays.json");
    let first = all(&doc, dir.path(), &["-q"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let fifo = dir.path().join("schema.json");
    let expected = std::fs::read_to_string(&fifo).expect("schema");
    std::fs::remove_file(&fifo).expect("remove");
    let c_path = std::ffi::CString::new(fifo.to_str().expect("utf-8")).expect("no NUL");
    // SAFETY: a valid NUL-terminated path; mkfifo only creates the file.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0, "mkfifo");
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).expect("read fifo"))
    };
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cozegen"))
        .args(["all", doc.to_str().expect("utf-8"), "-q", "-o"])
        .arg(dir.path())
        .stdin(std::process::Stdio::null())
        .spawn()
        .expect("run cozegen");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            // Let the reader go, so the test fails instead of hanging.
            drop(std::fs::OpenOptions::new().write(true).open(&fifo));
            panic!("cozegen all blocked on the FIFO");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success());
    assert_eq!(reader.join().expect("reader"), expected);
}

#[test]
fn concurrent_runs_into_one_directory_leave_one_complete_workflow() {
    let docs = [
        root().join("tests/corpus/order_intake.json"),
        root().join("tests/corpus/hostile_names.json"),
    ];
    let scratch = tempfile::tempdir().expect("tempdir");
    // Each workflow's files, generated alone.
    let alone: Vec<Vec<(String, Vec<u8>)>> = docs
        .iter()
        .enumerate()
        .map(|(i, doc)| {
            let dir = scratch.path().join(format!("alone{i}"));
            assert!(all(doc, &dir, &["-q"]).status.success());
            files_in(&dir)
        })
        .collect();
    for round in 0..20 {
        let dir = scratch.path().join(format!("shared{round}"));
        let children: Vec<std::process::Child> = docs
            .iter()
            .map(|doc| {
                std::process::Command::new(env!("CARGO_BIN_EXE_cozegen"))
                    .args(["all", doc.to_str().expect("utf-8"), "-q", "-o"])
                    .arg(&dir)
                    .stdin(std::process::Stdio::null())
                    .spawn()
                    .expect("run cozegen")
            })
            .collect();
        for mut child in children {
            assert!(child.wait().expect("wait").success());
        }
        assert!(
            alone.contains(&files_in(&dir)),
            "round {round}: the directory mixes the two workflows"
        );
    }
}

/// The files of `dir` by name, with their contents, sorted.
fn files_in(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .map(|p| {
            let name = p.file_name().expect("file name").to_string_lossy();
            (name.into_owned(), std::fs::read(&p).expect("read"))
        })
        .collect();
    files.sort();
    files
}

#[test]
fn all_passes_the_form_language_and_upload_url_through() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = all(
        &order_intake(),
        dir.path(),
        &[
            "--lang",
            "zh-CN",
            "--upload-action",
            "https://example.com/upload",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let form = std::fs::read_to_string(dir.path().join("form.html")).expect("form.html");
    assert!(form.contains("<html lang=\"zh-CN\">"));
    assert!(form.contains("connect-src https://example.com;"));
    assert!(form.contains(r#""upload":"https://example.com/upload""#));
    let bad = all(&order_intake(), dir.path(), &["--lang", "xx"]);
    assert_eq!(bad.status.code(), Some(2));
}
