//! `cozegen validate` and `cozegen diff` from the command line: tables of cases, exit codes.

use crate::common::*;

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path.to_str().expect("utf-8").to_owned()
}

#[test]
fn validate_reports_each_problem_with_its_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: &[(&str, &[&str])] = &[
        (r#"{"rows":[{"sku":"A","qty":1}]}"#, &[]),
        (
            r#"{"rows":[{"sku":"A","qty":1},{"sku":"B","qty":"3"}]}"#,
            &["rows[1].qty: expected an integer, got \"3\""],
        ),
        (
            r#"{"grid":[[1,"x"]]}"#,
            &[
                "rows: required parameter is missing",
                "grid[0][1]: expected a number, got \"x\"",
            ],
        ),
        (
            r#"{"rows":[],"flags":[true,1],"extra":{}}"#,
            &[
                "flags[1]: expected `true` or `false`, got 1",
                "extra: is not a parameter of this workflow",
            ],
        ),
        (r#"[]"#, &["parameters: expected an object, got an array"]),
    ];
    for (params, expected) in cases {
        let file = write(dir.path(), "params.json", params);
        let out = cozegen(&["validate", "tests/corpus/arrays.json", "--params", &file]);
        let lines: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
        assert_eq!(lines, *expected, "{params}");
        let code = if expected.is_empty() { 0 } else { 1 };
        assert_eq!(out.status.code(), Some(code), "{params}: {}", stderr(&out));
    }
}

#[test]
fn validate_accepts_every_valid_instance_and_rejects_every_invalid_one() {
    for doc in corpus() {
        let dir = root().join("tests/instances").join(stem(&doc));
        for entry in std::fs::read_dir(&dir).into_iter().flatten() {
            let instance = entry.expect("entry").path();
            let out = cozegen(&[
                "validate",
                doc.to_str().expect("utf-8"),
                "-q",
                "--params",
                instance.to_str().expect("utf-8"),
            ]);
            let valid = stem(&instance).starts_with("valid");
            assert_eq!(
                out.status.success(),
                valid,
                "{}: {}",
                instance.display(),
                stdout(&out)
            );
        }
    }
}

#[test]
fn validate_rejects_malformed_params_with_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "params.json", "{\n  \"rows\": [,]\n}");
    let out = cozegen(&["validate", "tests/corpus/arrays.json", "--params", &file]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("line 2, column"), "{}", stderr(&out));
}

#[test]
fn diff_classifies_changes_and_exits_1_only_when_something_breaks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = |params: &str| format!(r#"{{"input":{{"parameters":{params}}}}}"#);
    let base = r#"{"a":{"type":"string","required":true},"b":{"type":"integer"}}"#;
    let cases: &[(&str, &[&str], i32)] = &[
        (base, &["0 breaking, 0 compatible changes"], 0),
        (
            r#"{"a":{"type":"string","required":true},"b":{"type":"integer"},"c":{"type":"boolean"}}"#,
            &[
                "compatible: start node: c: new optional parameter",
                "0 breaking, 1 compatible change",
            ],
            0,
        ),
        (
            r#"{"a":{"type":"string","required":true},"b":{"type":"string","required":true}}"#,
            &[
                "breaking: start node: b: optional parameter became required",
                "breaking: start node: b: type changed from integer to string",
                "2 breaking, 0 compatible changes",
            ],
            1,
        ),
        (
            r#"{"b":{"type":"integer","default_value":"4"}}"#,
            &[
                "breaking: start node: a: parameter removed",
                "compatible: start node: b: default changed from none to 4",
                "1 breaking, 1 compatible change",
            ],
            1,
        ),
    ];
    let old = write(dir.path(), "old.json", &doc(base));
    for (new_params, expected, code) in cases {
        let new = write(dir.path(), "new.json", &doc(new_params));
        let out = cozegen(&["diff", &old, &new]);
        let lines: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
        assert_eq!(lines, *expected, "{new_params}");
        assert_eq!(out.status.code(), Some(*code), "{new_params}");
    }
}

#[test]
fn diff_judges_the_end_node_for_consumers_and_names_each_node() {
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = |input: &str, plan: &str, output: &str| {
        format!(
            r#"{{"input":{{"parameters":{input}}},"output":{{"terminate_plan":"{plan}","parameters":{output}}}}}"#
        )
    };
    let input = r#"{"q":{"type":"string","required":true}}"#;
    let output = r#"{"answer":{"type":"string"},"score":{"type":"integer"},"meta":{"type":"object","properties":{"lang":{"type":"string"}}}}"#;
    let cases: &[(&str, &str, &str, &[&str], i32)] = &[
        (
            input,
            "return_variables",
            r#"{"answer":{"type":"string"},"score":{"type":"integer"},"meta":{"type":"object","properties":{"lang":{"type":"string"}}},"extra":{"type":"boolean"}}"#,
            &[
                "compatible: end node: extra: new output variable",
                "0 breaking, 1 compatible change",
            ],
            0,
        ),
        (
            input,
            "return_variables",
            r#"{"answer":{"type":"string"},"score":{"type":"number"},"meta":{"type":"object","properties":{"code":{"type":"string"}}}}"#,
            &[
                "breaking: end node: score: type changed from integer to number",
                "breaking: end node: meta.lang: output variable removed",
                "compatible: end node: meta.code: new output variable",
                "2 breaking, 1 compatible change",
            ],
            1,
        ),
        (
            r#"{"q":{"type":"string","required":true},"n":{"type":"integer"}}"#,
            "use_answer_content",
            r#"{"answer":{"type":"string"},"meta":{"type":"object","properties":{"lang":{"type":"string"}}}}"#,
            &[
                "compatible: start node: n: new optional parameter",
                "breaking: end node: terminate_plan changed from \"return_variables\" to \"use_answer_content\": the run's result changes shape",
                "breaking: end node: score: output variable removed",
                "2 breaking, 1 compatible change",
            ],
            1,
        ),
    ];
    let old = write(
        dir.path(),
        "old.json",
        &doc(input, "return_variables", output),
    );
    for (new_input, plan, new_output, expected, code) in cases {
        let new = write(dir.path(), "new.json", &doc(new_input, plan, new_output));
        let out = cozegen(&["diff", &old, &new]);
        let lines: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
        assert_eq!(lines, *expected, "{new_output}");
        assert_eq!(out.status.code(), Some(*code), "{new_output}");
    }
}

#[test]
fn diff_of_a_corpus_document_with_itself_is_empty() {
    for doc in corpus() {
        let path = doc.to_str().expect("utf-8");
        let out = cozegen(&["diff", path, path]);
        assert!(out.status.success());
        assert_eq!(stdout(&out), "0 breaking, 0 compatible changes\n");
    }
}

#[test]
fn a_whole_run_request_gets_a_hint_to_validate_its_parameters() {
    let dir = tempfile::tempdir().expect("tempdir");
    let body = r#"{"workflow_id":"73","parameters":{"rows":[{"sku":"A","qty":1}]}}"#;
    let file = write(dir.path(), "body.json", body);
    let out = cozegen(&[
        "validate",
        "tests/corpus/arrays.json",
        "-q",
        "--params",
        &file,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("hint: this looks like a whole run request"),
        "{}",
        stderr(&out)
    );
    let parameters = write(dir.path(), "p.json", r#"{"rows":[{"sku":"A","qty":1}]}"#);
    let out = cozegen(&[
        "validate",
        "tests/corpus/arrays.json",
        "-q",
        "--params",
        &parameters,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("hint"), "{}", stderr(&out));
}

#[test]
fn empty_inputs_say_they_are_empty() {
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = write(dir.path(), "empty.json", " \n");
    let out = cozegen(&["schema", &empty]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("empty.json is empty"),
        "{}",
        stderr(&out)
    );
    let out = cozegen(&["validate", "tests/corpus/arrays.json", "--params", &empty]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("empty.json is empty"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_workflow_turned_chatflow_or_back_breaks_its_callers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let answer =
        std::fs::read_to_string(root().join("tests/corpus/studio/answer_chatflow_start_exit.json"))
            .expect("answer");
    let chatflow = write(dir.path(), "chatflow.json", &answer);
    let mut value: serde_json::Value = serde_json::from_str(&answer).expect("JSON");
    value["data"]["workflow"]["flow_mode"] = serde_json::json!(0);
    let workflow = write(dir.path(), "workflow.json", &value.to_string());
    let out = cozegen(&["diff", &workflow, &chatflow]);
    assert_eq!(
        stdout(&out).lines().collect::<Vec<_>>(),
        [
            "breaking: start node: the workflow became a chatflow: it is called through \
             /v1/workflows/chat with the user's message in additional_messages, and no longer \
             through /v1/workflow/run",
            "breaking: start node: USER_INPUT: parameter removed",
            "2 breaking, 0 compatible changes",
        ]
    );
    assert_eq!(out.status.code(), Some(1));
    let out = cozegen(&["diff", &chatflow, &workflow]);
    let text = stdout(&out);
    assert!(
        text.starts_with("breaking: start node: the chatflow became a workflow"),
        "{text}"
    );
    assert_eq!(out.status.code(), Some(1));
    // A chatflow compared with itself has no change.
    let out = cozegen(&["diff", &chatflow, &chatflow]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn validate_quotes_numbers_as_they_were_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let workflow = write(
        dir.path(),
        "w.json",
        r#"{"input":{"parameters":{"n":{"type":"integer"},"rows":{"type":"array","items":{"type":"integer"}},"s":{"type":"string"}}}}"#,
    );
    let params = write(
        dir.path(),
        "p.json",
        r#"{"n": 1e3, "rows": [1, 2.50, -0.0, 123456789012345678901234567890, 1E+2], "s": 12.0}"#,
    );
    let out = cozegen(&["validate", &workflow, "--params", &params]);
    let lines: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    assert_eq!(
        lines,
        [
            "n: expected an integer, got 1e3 (an integer is written without a fraction or exponent)",
            "rows[1]: expected an integer, got 2.50 (an integer is written without a fraction or exponent)",
            "rows[2]: expected an integer, got -0 (write 0: -0 is not an integer value)",
            "rows[3]: expected an integer from -9223372036854775808 to 9223372036854775807, got 123456789012345678901234567890",
            "rows[4]: expected an integer, got 1E+2 (an integer is written without a fraction or exponent)",
            "s: expected a string, got 12.0",
        ]
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn diff_of_a_parameter_that_changed_type_says_one_change_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = |params: &str| format!(r#"{{"input":{{"parameters":{params}}}}}"#);
    let old = write(
        dir.path(),
        "old.json",
        &doc(
            r#"{"n":{"type":"integer","default_value":"3"},"m":{"type":"integer","default_value":"3"}}"#,
        ),
    );
    let new = write(
        dir.path(),
        "new.json",
        &doc(
            r#"{"n":{"type":"string","default_value":"3"},"m":{"type":"integer","default_value":"4"}}"#,
        ),
    );
    let out = cozegen(&["diff", &old, &new]);
    let lines: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    assert_eq!(
        lines,
        [
            "breaking: start node: n: type changed from integer to string",
            "compatible: start node: m: default changed from 3 to 4",
            "1 breaking, 1 compatible change",
        ]
    );
    assert_eq!(out.status.code(), Some(1));
}
