//! The layering of ARCHITECTURE.md, checked: each top-level module of the library imports
//! only the modules below it, so the layers form no circle. A new import that crosses a layer
//! fails here with the file and the import.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each layer and the layers it may import, from the bottom up. The command line (`src/cli`,
/// `src/main.rs`) sits on top of everything and `src/lib.rs` only declares and re-exports.
const LAYERS: &[(&str, &[&str])] = &[
    ("text", &[]),
    ("limits", &[]),
    ("warning", &[]),
    ("endpoints", &[]),
    ("json", &["limits"]),
    ("model", &["json", "limits", "text", "warning"]),
    // `endpoints`: an error envelope in a saved WorkflowInfo names the permission of the
    // endpoint that answered it.
    (
        "source",
        &["model", "json", "limits", "text", "warning", "endpoints"],
    ),
    (
        "ir",
        &["model", "json", "limits", "text", "warning", "endpoints"],
    ),
    (
        "emit",
        &["ir", "json", "limits", "text", "warning", "endpoints"],
    ),
    ("check", &["ir", "json", "text", "warning"]),
    ("output", &["text"]),
    (
        "coze",
        &[
            "source",
            "model",
            "json",
            "limits",
            "text",
            "warning",
            "endpoints",
        ],
    ),
    (
        "error",
        &["source", "ir", "emit", "output", "coze", "warning"],
    ),
    (
        "plan",
        &[
            "error",
            "source",
            "coze",
            "check",
            "ir",
            "json",
            "text",
            "warning",
            "endpoints",
        ],
    ),
    ("bundle", &["emit", "ir", "output", "text", "warning"]),
    (
        "workspace",
        &[
            "bundle", "emit", "coze", "ir", "output", "limits", "text", "warning", "error",
        ],
    ),
    (
        "mcp",
        &[
            "plan", "coze", "emit", "check", "ir", "json", "text", "warning", "error",
        ],
    ),
    (
        "serve",
        &[
            "plan", "coze", "emit", "check", "ir", "json", "text", "warning", "error",
        ],
    ),
];

/// The layer of `crate::X`: a re-export of the crate root counts as its origin, and the artifact
/// interface and registry (`artifact.rs`) belong to the emitters' layer, which it lists.
fn origin(name: &str) -> &str {
    match name {
        "artifact" => "emit",
        "build" | "BuildOptions" | "Workflow" => "ir",
        "load_path" | "load_slice" => "source",
        "Error" | "Result" => "error",
        "Warning" => "warning",
        other => other,
    }
}

/// `line` without its `//` comment (a `//` inside a string literal is not one).
fn code_of(line: &str) -> &str {
    let bytes = line.as_bytes();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return &line[..i],
            _ => {}
        }
        i += 1;
    }
    line
}

/// The top-level modules `text` (Rust source) imports with `crate::…`, comments left out.
fn imports(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in text.lines() {
        // A module's unit tests come last and may use anything.
        if line.starts_with("#[cfg(test)]") {
            break;
        }
        let mut rest = code_of(line);
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            // `crate::{a, b}` lists several.
            if name.is_empty() && after.starts_with('{') {
                let inner = &after[1..after.find('}').unwrap_or(after.len())];
                for part in inner.split(',') {
                    let part = part.trim().split("::").next().unwrap_or_default();
                    if !part.is_empty() {
                        found.insert(origin(part).to_owned());
                    }
                }
            } else if !name.is_empty() {
                found.insert(origin(&name).to_owned());
            }
            rest = after;
        }
    }
    found
}

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_module_imports_only_the_layers_below_it() {
    let allowed: BTreeMap<&str, &[&str]> = LAYERS.iter().copied().collect();
    let src = crate::common::root().join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    let mut crossings = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).expect("under src");
        let module = relative
            .components()
            .next()
            .expect("a component")
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        let top = origin(&module).to_owned();
        if matches!(top.as_str(), "lib" | "main" | "cli") {
            continue;
        }
        let Some(may) = allowed.get(top.as_str()) else {
            crossings.push(format!(
                "{}: module `{top}` is not in the layer table of tests/it/architecture.rs (and \
                 ARCHITECTURE.md): place it",
                relative.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(file).expect("read");
        for import in imports(&text) {
            if import != top && !may.contains(&import.as_str()) {
                crossings.push(format!(
                    "{}: `{top}` imports `crate::{import}`",
                    relative.display()
                ));
            }
        }
    }
    assert!(
        crossings.is_empty(),
        "imports that cross the layering:\n{}",
        crossings.join("\n")
    );
}

#[test]
fn the_layers_form_no_circle() {
    // Each layer may only import layers listed before it in the table.
    let mut seen = BTreeSet::new();
    for (layer, may) in LAYERS {
        for below in *may {
            assert!(
                seen.contains(below),
                "`{layer}` may import `{below}`, which is not below it"
            );
        }
        seen.insert(*layer);
    }
}

#[test]
fn imports_are_read_from_code_not_comments() {
    let text = "//! see [`crate::coze`]\nuse crate::{ir::Type, json::Writer};\n\
                let x = crate::text::quote(\"a\"); // crate::emit\n/// crate::mcp\n";
    let found: Vec<String> = imports(text).into_iter().collect();
    assert_eq!(found, ["ir", "json", "text"]);
}
