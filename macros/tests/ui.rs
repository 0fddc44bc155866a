//! The macro as users meet it: code that must compile (and run), and mistakes that must fail
//! with the message checked in beside them (`TRYBUILD=overwrite cargo test -p cozegen-macros`
//! rewrites the `.stderr` files after a deliberate change).

use std::path::{Path, PathBuf};

#[test]
fn ui() {
    stage_workflows();
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}

/// trybuild compiles the cases as a crate of its own, under `target/tests/trybuild/`, and that
/// crate's `CARGO_MANIFEST_DIR` is what the macro resolves paths against. The workflows go
/// there, so that the cases say `"workflows/…"` as a user's crate would.
fn stage_workflows() {
    let exe = std::env::current_exe().expect("the test binary's path");
    // target/<profile>/deps/ui-<hash>
    let target = exe
        .ancestors()
        .nth(3)
        .expect("the test binary lives in target/<profile>/deps");
    let project = target.join("tests/trybuild").join(env!("CARGO_PKG_NAME"));
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/workflows");
    let to: PathBuf = project.join("workflows");
    std::fs::create_dir_all(&to).expect("the trybuild project directory");
    for entry in std::fs::read_dir(&from).expect("tests/workflows") {
        let entry = entry.expect("a directory entry");
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copies a workflow");
    }
}
