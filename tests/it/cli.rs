//! The command line: input sources, errors and exit codes, output files, warnings, `--help`.

use crate::common::*;

#[test]
fn help_matches_golden() {
    let out = cozegen(&["--help"]);
    assert!(out.status.success());
    assert_golden("cli/help.txt", &stdout(&out));
    let out = cozegen(&["schema", "--help"]);
    assert!(out.status.success());
    assert_golden("cli/schema-help.txt", &stdout(&out));
}

#[test]
fn reads_the_document_from_stdin() {
    let doc = std::fs::read(root().join("tests/corpus/bare_info.json")).expect("read");
    let from_stdin = cozegen_with_stdin(&["schema", "-"], &doc);
    let from_file = cozegen(&["schema", "tests/corpus/bare_info.json"]);
    assert!(from_stdin.status.success(), "{}", stderr(&from_stdin));
    assert_eq!(from_stdin.stdout, from_file.stdout);
}

#[test]
fn bare_info_and_envelope_give_the_same_schema() {
    let bare = std::fs::read_to_string(root().join("tests/corpus/bare_info.json")).expect("read");
    let envelope =
        format!(r#"{{"code": 0, "msg": "", "data": {bare}, "detail": {{"logid": "x"}}}}"#);
    let a = cozegen_with_stdin(&["schema", "-"], bare.as_bytes());
    let b = cozegen_with_stdin(&["schema", "-"], envelope.as_bytes());
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn error_envelope_is_an_error_quoting_code_msg_and_logid() {
    let out = cozegen(&["schema", "tests/corpus/error_4101.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(err.contains("4101"), "{err}");
    assert!(err.contains("The token you entered is incorrect."), "{err}");
    assert!(err.contains("20251124000000ERR4101"), "{err}");
}

#[test]
fn error_envelope_with_code_as_text_and_no_detail_is_still_an_error() {
    let out = cozegen_with_stdin(
        &["schema", "-"],
        br#"{"code": "4200", "msg": "workflow not found"}"#,
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("4200") && err.contains("workflow not found"),
        "{err}"
    );
}

#[test]
fn control_characters_in_api_messages_are_escaped() {
    let out = cozegen_with_stdin(
        &["schema", "-"],
        b"{\"code\": 1, \"msg\": \"bad\\u001b[31m red\"}",
    );
    let err = stderr(&out);
    assert!(!err.contains('\u{1b}'), "{err:?}");
    assert!(err.contains("\\u{1b}"), "{err:?}");
}

#[test]
fn missing_input_names_include_input_output() {
    let out = cozegen_with_stdin(
        &["schema", "-"],
        br#"{"code":0,"msg":"","data":{"workflow_detail":{"workflow_name":"x"}}}"#,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("include_input_output=true"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn success_envelope_without_data_is_an_error() {
    let out = cozegen_with_stdin(&["schema", "-"], br#"{"code":0,"msg":""}"#);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no `data`"), "{}", stderr(&out));
}

#[test]
fn malformed_json_reports_line_and_column() {
    let out = cozegen_with_stdin(
        &["schema", "-"],
        b"{\n  \"input\": {\n    \"parameters\": {,\n",
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("line 3, column"), "{err}");
}

#[test]
fn wrong_shapes_name_the_path() {
    let out = cozegen_with_stdin(
        &["schema", "-"],
        br#"{"input": {"parameters": {"a": {"type": "array", "items": "string"}}}}"#,
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("input.parameters.a.items"), "{err}");
}

#[test]
fn duplicate_parameter_names_are_an_error() {
    let out = cozegen_with_stdin(
        &["schema", "-"],
        br#"{"input": {"parameters": {"a": {"type": "string"}, "a": {"type": "integer"}}}}"#,
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("duplicate parameter name \"a\""), "{err}");
}

#[test]
fn trailing_garbage_is_an_error() {
    let out = cozegen_with_stdin(&["schema", "-"], br#"{"input": {}} {"#);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("trailing"), "{}", stderr(&out));
}

#[test]
fn non_object_documents_are_errors_not_panics() {
    for doc in [&b"[]"[..], b"null", b"42", b"\"x\"", b"", b"\xff\xfe"] {
        let out = cozegen_with_stdin(&["schema", "-"], doc);
        assert_eq!(out.status.code(), Some(1), "{:?}: {}", doc, stderr(&out));
        assert!(stderr(&out).starts_with("error: "), "{}", stderr(&out));
    }
}

#[test]
fn control_characters_in_a_file_name_are_escaped_in_errors() {
    let out = cozegen(&["schema", "tests/corpus/no\u{1b}[31mfile.json"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(!err.contains('\u{1b}'), "{err:?}");
    assert!(err.contains("no\\u{1b}[31mfile.json"), "{err}");
}

#[test]
fn missing_file_is_an_error() {
    let out = cozegen(&["schema", "tests/corpus/does-not-exist.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot read tests/corpus/does-not-exist.json"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(cozegen(&["schema", "--draft", "04"]).status.code(), Some(2));
    assert_eq!(cozegen(&["no-such-command"]).status.code(), Some(2));
}

#[test]
fn output_file_is_written_and_nothing_is_printed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out_path = dir.path().join("schema.json");
    let out = cozegen(&[
        "schema",
        "tests/corpus/arrays.json",
        "-o",
        out_path.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&out_path).expect("written");
    assert_eq!(
        written,
        stdout(&cozegen(&["schema", "tests/corpus/arrays.json"]))
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
    assert_eq!(leftovers.len(), 1, "temporary files left behind");
}

#[test]
fn a_replaced_output_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    for mode in [0o600, 0o444, 0o640] {
        let out = dir.path().join(format!("schema-{mode:o}.json"));
        std::fs::write(&out, "old").expect("write");
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(mode)).expect("chmod");
        let run = cozegen(&[
            "schema",
            "tests/corpus/arrays.json",
            "-o",
            out.to_str().expect("utf-8"),
        ]);
        assert!(run.status.success(), "{}", stderr(&run));
        let meta = std::fs::metadata(&out).expect("exists");
        assert_eq!(meta.permissions().mode() & 0o777, mode, "mode {mode:o}");
        assert_ne!(std::fs::read_to_string(&out).expect("read"), "old");
    }
}

#[test]
fn a_failing_run_leaves_an_existing_output_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out_path = dir.path().join("schema.json");
    std::fs::write(&out_path, "previous").expect("write");
    let out = cozegen(&[
        "schema",
        "tests/corpus/error_4101.json",
        "-o",
        out_path.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(&out_path).expect("read"),
        "previous"
    );
    let out = cozegen(&[
        "schema",
        "tests/corpus/odd_shapes.json",
        "--deny-warnings",
        "-o",
        out_path.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(&out_path).expect("read"),
        "previous"
    );
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);
}

#[test]
fn writing_into_a_missing_directory_is_an_error() {
    let out = cozegen(&[
        "schema",
        "tests/corpus/arrays.json",
        "-o",
        "/nonexistent-dir/x/schema.json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot write /nonexistent-dir/x/schema.json"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn warnings_go_to_stderr_and_quiet_silences_them() {
    let loud = cozegen(&["schema", "tests/corpus/odd_shapes.json"]);
    assert!(loud.status.success());
    assert!(
        stderr(&loud).contains("warning: input.unknown: has unknown type \"list<string>\""),
        "{}",
        stderr(&loud)
    );
    let quiet = cozegen(&["schema", "tests/corpus/odd_shapes.json", "--quiet"]);
    assert!(quiet.status.success());
    assert!(quiet.stderr.is_empty());
    assert_eq!(loud.stdout, quiet.stdout);
}

#[test]
fn deny_warnings_turns_warnings_into_an_error() {
    let out = cozegen(&["schema", "tests/corpus/odd_shapes.json", "--deny-warnings"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("denied by --deny-warnings"));
    let clean = cozegen(&["schema", "tests/corpus/all_types.json", "--deny-warnings"]);
    assert!(clean.status.success(), "{}", stderr(&clean));
}

#[test]
fn closed_stdout_is_not_an_error() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_cozegen"))
        .args(["schema", "tests/corpus/all_types.json"])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
}

#[test]
fn check_passes_when_up_to_date_and_fails_on_drift_without_writing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out_path = dir.path().join("schema.json");
    let out_arg = out_path.to_str().expect("utf-8");
    let missing = cozegen(&[
        "schema",
        "tests/corpus/arrays.json",
        "-o",
        out_arg,
        "--check",
    ]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(!out_path.exists(), "--check must not write");
    assert!(
        cozegen(&["schema", "tests/corpus/arrays.json", "-o", out_arg])
            .status
            .success()
    );
    let fresh = cozegen(&[
        "schema",
        "tests/corpus/arrays.json",
        "-o",
        out_arg,
        "--check",
    ]);
    assert!(fresh.status.success(), "{}", stderr(&fresh));
    let drift = cozegen(&[
        "schema",
        "tests/corpus/arrays.json",
        "-o",
        out_arg,
        "--check",
        "--draft",
        "07",
    ]);
    assert_eq!(drift.status.code(), Some(1));
    assert!(stderr(&drift).contains("would change") && stderr(&drift).contains("schema.json"));
    let unchanged = std::fs::read_to_string(&out_path).expect("read");
    assert!(
        unchanged.contains("2020-12"),
        "--check must not rewrite the file"
    );
}

#[test]
fn check_without_an_output_file_is_a_usage_error() {
    assert_eq!(
        cozegen(&["schema", "tests/corpus/arrays.json", "--check"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn completions_are_printed_for_each_shell() {
    for (shell, marker) in [
        ("bash", "_cozegen()"),
        ("zsh", "#compdef cozegen"),
        ("fish", "complete -c cozegen"),
        ("elvish", "edit:completion:arg-completer[cozegen]"),
        (
            "powershell",
            "Register-ArgumentCompleter -Native -CommandName 'cozegen'",
        ),
    ] {
        let out = cozegen(&["completions", shell]);
        assert!(out.status.success());
        assert!(stdout(&out).contains(marker), "{shell}");
        assert!(stdout(&out).contains("schema"), "{shell}");
    }
}

#[test]
fn output_to_a_fifo_writes_into_it_instead_of_replacing_it() {
    // `-o /dev/null` once replaced the device node with a plain file (the rename of an
    // atomic write); a FIFO stands in for any non-regular target.
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("pipe");
    let c_path = std::ffi::CString::new(fifo.to_str().expect("utf-8")).expect("no NUL");
    // SAFETY: a valid NUL-terminated path; mkfifo only creates the file.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0, "mkfifo");
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).expect("read fifo"))
    };
    let out = cozegen(&[
        "schema",
        "tests/corpus/arrays.json",
        "-o",
        fifo.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let read = reader.join().expect("reader");
    assert_eq!(
        read,
        stdout(&cozegen(&["schema", "tests/corpus/arrays.json"]))
    );
    assert!(
        std::fs::symlink_metadata(&fifo)
            .expect("exists")
            .file_type()
            .is_fifo()
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("dir").count(),
        1,
        "no temporary files"
    );
}

#[test]
fn check_against_a_fifo_reports_drift_without_waiting_for_a_writer() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("pipe");
    let c_path = std::ffi::CString::new(fifo.to_str().expect("utf-8")).expect("no NUL");
    // SAFETY: a valid NUL-terminated path; mkfifo only creates the file.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0, "mkfifo");
    // Reading the FIFO would block until a writer came: no writer ever comes here.
    let out = cozegen(&[
        "schema",
        "tests/corpus/arrays.json",
        "-o",
        fifo.to_str().expect("utf-8"),
        "--check",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("would change"), "{}", stderr(&out));
}

#[test]
fn output_through_a_symlink_replaces_the_target_and_keeps_the_link() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("real.json");
    let link = dir.path().join("link.json");
    std::fs::write(&target, "old").expect("write");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    let out = cozegen(&[
        "schema",
        "tests/corpus/arrays.json",
        "-o",
        link.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(&target).expect("target"),
        stdout(&cozegen(&["schema", "tests/corpus/arrays.json"]))
    );
}

/// No command needs a thread with a huge stack: on a small document every one runs in a
/// 400 MB address space, and on one nested to the limit (which is read on a thread whose stack
/// is sized to its depth) so does every artifact whose size grows with the document's. A schema or a form of
/// 2,000 levels is larger: its lines are indented, or its names spelled out, to their depth.
#[test]
fn every_command_runs_within_a_400_mb_address_space() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut param = String::from(r#"{"type":"string","required":true}"#);
    for i in (1..cozegen::limits::MAX_DEPTH).rev() {
        param = format!(r#"{{"type":"object","required":true,"properties":{{"l{i}":{param}}}}}"#);
    }
    let deep = dir.path().join("deep.json");
    std::fs::write(
        &deep,
        format!(r#"{{"input":{{"parameters":{{"l0":{param}}}}}}}"#),
    )
    .expect("write");
    let deep = deep.to_str().expect("utf-8");
    let out_dir = dir.path().join("out");
    let small = "tests/corpus/all_types.json";
    let mut runs = vec![
        vec!["schema", small],
        vec!["rust", small],
        vec!["html", small],
        vec!["ts", small],
        vec!["ir", small],
        vec!["all", small, "-o", out_dir.to_str().expect("utf-8")],
        vec!["diff", small, small],
        vec!["rust", deep],
        vec!["ts", deep],
        vec!["ir", deep],
        vec!["diff", deep, deep],
    ];
    for args in runs.drain(..) {
        let script = format!(
            "ulimit -v 400000 && exec \"$0\" {} >/dev/null",
            args.iter()
                .map(|a| format!("'{a}'"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        let out = std::process::Command::new("sh")
            .args(["-c", &script, env!("CARGO_BIN_EXE_cozegen")])
            .current_dir(root())
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run sh");
        assert!(
            out.status.success(),
            "{args:?} under ulimit -v 400000: {}",
            stderr(&out)
        );
    }
    for args in [vec!["schema", deep], vec!["html", deep]] {
        let out = cozegen(&args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    let out = std::process::Command::new("sh")
        .args([
            "-c",
            "ulimit -v 400000 && exec \"$0\" validate tests/corpus/all_types.json -q --params \
             tests/instances/all_types/valid-full.json",
            env!("CARGO_BIN_EXE_cozegen"),
        ])
        .current_dir(root())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run sh");
    assert!(out.status.success(), "validate: {}", stderr(&out));
}

#[test]
fn arguments_that_cannot_work_are_usage_errors() {
    for args in [
        &["rust", "tests/corpus/arrays.json", "--type-name", "lower"][..],
        &["rust", "tests/corpus/arrays.json", "--type-name", "Option"],
        &["rust", "tests/corpus/arrays.json", "--derive", "Vec<u8>"],
        &["rust", "tests/corpus/arrays.json", "--derive", "Ord"],
        &[
            "all",
            "tests/corpus/arrays.json",
            "-o",
            "x",
            "--type-name",
            "a b",
        ],
    ] {
        let out = cozegen(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).starts_with("error: "), "{args:?}");
    }
}

/// With no FILE and a terminal on stdin, waiting for input nobody knows to type is no help:
/// the command says what it needs instead.
#[test]
fn no_file_on_a_terminal_is_a_usage_error_not_a_silent_wait() {
    use std::os::fd::{FromRawFd, OwnedFd};
    let (mut leader, mut follower) = (0, 0);
    // SAFETY: openpty writes two descriptors into the given integers; the other arguments may
    // be null.
    let opened = unsafe {
        libc::openpty(
            &mut leader,
            &mut follower,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(opened, 0, "openpty");
    // SAFETY: both descriptors were just opened by openpty and are owned here alone.
    let (leader, follower) =
        unsafe { (OwnedFd::from_raw_fd(leader), OwnedFd::from_raw_fd(follower)) };
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cozegen"))
        .arg("schema")
        .current_dir(root())
        .stdin(std::process::Stdio::from(follower))
        .output()
        .expect("run cozegen");
    drop(leader);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("no FILE given"), "{}", stderr(&out));
}

#[test]
fn top_level_help_says_everything_the_tool_does() {
    let out = cozegen(&["--help"]);
    let help = stdout(&out);
    // Every command, the ones built on the Coze API included, and what they are for.
    for command in [
        "schema", "rust", "ts", "zod", "python", "html", "ir", "all", "validate", "diff", "fetch",
        "run", "tool", "mcp",
    ] {
        assert!(
            help.lines()
                .any(|l| l.trim_start().starts_with(&format!("{command} "))),
            "`{command}` missing from --help:\n{help}"
        );
    }
    let about = help.lines().next().expect("a first line");
    for what in [
        "Rust",
        "TypeScript",
        "HTML forms",
        "agent tools",
        "validate",
        "diff",
        "run",
        "MCP",
        "workspaces",
    ] {
        assert!(
            about.contains(what),
            "the description does not say {what}: {about}"
        );
    }
    assert!(
        help.contains("--workspace-id"),
        "the examples show a workspace:\n{help}"
    );
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).expect("Cargo.toml");
    assert!(
        manifest.contains(&format!("description = \"{about}\"")),
        "{about}"
    );
}

#[test]
fn a_document_that_is_not_an_object_says_what_was_expected_and_what_was_found() {
    for (input, found, at) in [
        ("[1, 2]", "but found a JSON array", "line 1, column 1"),
        (
            "\n  \"order\"",
            "but found a JSON string",
            "line 2, column 3",
        ),
        ("42", "but found a JSON number", "line 1, column 1"),
        ("null", "but found JSON null", "line 1, column 1"),
        (
            "hello",
            "but found text that is not JSON (expected value)",
            "line 1, column 1",
        ),
        (
            "[1, 2",
            "but found text that is not JSON (EOF while parsing a list)",
            "line 1, column 5",
        ),
    ] {
        let out = cozegen_with_stdin(&["schema"], input.as_bytes());
        assert_eq!(out.status.code(), Some(1), "{input}");
        let err = stderr(&out);
        assert!(
            err.contains(&format!("<stdin>: {at}: expected a WorkflowInfo"))
                && err.contains("or a Coze Studio canvas")
                && err.contains(found),
            "{input:?}: {err}"
        );
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn every_command_that_takes_a_file_reads_a_piped_stdin() {
    let doc = std::fs::read(root().join("tests/corpus/order_intake.json")).expect("read");
    for args in [
        &["schema"][..],
        &["rust"],
        &["ir"],
        &["tool", "--format", "openai"],
        &["tool", "--format", "anthropic"],
    ] {
        let piped = cozegen_with_stdin(args, &doc);
        let mut named = args.to_vec();
        named.push("tests/corpus/order_intake.json");
        let from_file = cozegen(&named);
        assert!(piped.status.success(), "{args:?}: {}", stderr(&piped));
        assert_eq!(piped.stdout, from_file.stdout, "{args:?}");
    }
    // `-` among several files is stdin too.
    let out = cozegen_with_stdin(
        &["tool", "--format", "mcp", "-", "tests/corpus/arrays.json"],
        &doc,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let tools: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(tools.as_array().map(Vec::len), Some(2));
}
