//! Editing the workflow file rebuilds the crate that imports it: the macro's expansion makes
//! the compiler record the file as an input, so cargo sees the change without a build.rs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

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
    let workspace = macros
        .parent()
        .expect("the macros crate sits in the workspace");
    let dir = scratch_dir();
    std::fs::create_dir_all(dir.join("src")).expect("scratch crate");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"greet\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n\
             [dependencies]\ncozegen-macros = {{ path = {:?} }}\n\
             serde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n\n\
             [workspace]\n",
            macros.display().to_string()
        ),
    )
    .expect("Cargo.toml");
    // The workspace's lock file: the same versions, and no registry lookup (`--offline`).
    std::fs::copy(workspace.join("Cargo.lock"), dir.join("Cargo.lock")).expect("Cargo.lock");
    std::fs::write(dir.join("src/main.rs"), MAIN).expect("main.rs");
    std::fs::write(dir.join("workflow.json"), BEFORE).expect("workflow.json");
    let target = workspace.join("target/macro-rebuild");

    let first = cargo(&dir, &target);
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(
        String::from_utf8_lossy(&first.stdout).trim(),
        r#"{"name":"Ada"}"#
    );

    std::fs::write(dir.join("workflow.json"), AFTER).expect("workflow.json");
    let second = cargo(&dir, &target);
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
    let _ = std::fs::remove_dir_all(&dir);
}

fn scratch_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cozegen-macro-rebuild-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// `cargo run --offline --quiet`, cut loose from the cargo running the tests: its jobserver
/// file descriptors and RUSTFLAGS mean nothing to the inner build.
fn cargo(dir: &Path, target: &Path) -> Output {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["run", "--offline", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_MAKEFLAGS")
        .env_remove("MAKEFLAGS")
        .env_remove("MFLAGS")
        .stdin(Stdio::null())
        .output()
        .expect("runs cargo")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
