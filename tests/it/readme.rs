//! The README's macro and build.rs sections, each pasted into a new crate as a reader would
//! paste it: its `Cargo.toml` lines (with the path pointing at this repository), `build.rs` and
//! `src/main.rs` build and run against the bundled example workflow.

use crate::common::*;

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
    let section = &section[..end];
    let mut blocks = Vec::new();
    let mut lines = section.lines();
    while let Some(line) = lines.next() {
        if line.starts_with("```") {
            let body: Vec<&str> = lines
                .by_ref()
                .take_while(|l| !l.starts_with("```"))
                .collect();
            blocks.push(body.join("\n") + "\n");
        }
    }
    blocks
}

#[test]
fn the_build_rs_section_works_when_pasted_into_a_new_crate() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let blocks = code_blocks(&readme, "### From build.rs");
    let [toml, build_rs, main_rs] = blocks.as_slice() else {
        panic!("expected Cargo.toml, build.rs and main.rs blocks, got {blocks:#?}");
    };
    assert!(toml.contains(r#"path = "../cozegen""#), "{toml}");
    let toml = toml.replace(
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
    // Cargo.toml, main.rs, then the sample error message.
    let [toml, main_rs, error, ..] = blocks.as_slice() else {
        panic!("expected Cargo.toml and main.rs blocks, got {blocks:#?}");
    };
    assert!(toml.contains(r#"path = "../cozegen/macros""#), "{toml}");
    assert!(error.contains("error: cozegen: "), "{error}");
    let toml = toml.replace(
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
