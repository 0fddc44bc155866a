//! Editing the workflow file rebuilds the crate that imports it: the macro's expansion makes
//! the compiler record the file as an input, so cargo sees the change without a build.rs.

#[path = "../../tests/it/common/scratch.rs"]
mod scratch;

use std::path::Path;
use std::process::Output;

const BEFORE: &str = r#"{"code": 0, "msg": "", "data": {
  "workflow_detail": {"workflow_id": "7350000000000000009", "workflow_name": "greet"},
  "input": {"parameters": {"name": {"type": "string", "required": true}}}
}}"#;

/// The same workflow after its author renamed `name` to `full_name`.
const AFTER: &str = r#"{"code": 0, "msg": "", "data": {
  "workflow_detail": {"workflow_id": "7350000000000000009", "workflow_name": "greet"},
  "input": {"parameters": {"full_name": {"type": "string", "required": true}}}
}}"#;

const MAIN: &str = r#"
mod greet {
    cozegen_macros::import_workflow!("workflow.json");
}

fn main() {
    let input = greet::GreetInput { name: "Ada".to_owned() };
    println!("{}", serde_json::to_string(&input).unwrap());
}
"#;

#[test]
fn editing_the_workflow_rebuilds_the_crate() {
    let macros = Path::new(env!("CARGO_MANIFEST_DIR"));
    // A crate of the cozegen tests' scratch area: it shares their target directory, so the
    // macro and serde are built once for both.
    let krate = scratch::Crate::new(
        "cozegen-macro-rebuild",
        &format!(
            "[dependencies]\ncozegen-macros = {{ path = {:?} }}\n{}",
            macros.display().to_string(),
            scratch::SERDE.trim_start_matches("[dependencies]\n")
        ),
    );
    krate.write("src/main.rs", MAIN);
    krate.write("workflow.json", BEFORE);

    let first = krate.cargo_output(&mut krate.cargo("run"));
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(
        String::from_utf8_lossy(&first.stdout).trim(),
        r#"{"name":"Ada"}"#
    );

    krate.write("workflow.json", AFTER);
    let second = krate.cargo_output(&mut krate.cargo("run"));
    assert!(
        !second.status.success(),
        "the crate was not rebuilt after the workflow changed:\n{}",
        stderr(&second)
    );
    assert!(
        stderr(&second).contains("has no field named `name`"),
        "{}",
        stderr(&second)
    );
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
