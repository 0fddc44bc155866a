//! Every artifact of one workflow under stable file names (`cozegen all`), and writing them
//! into a directory as a group, or drift-checking them.
//!
//! The file names are part of cozegen's interface (build scripts and CI point at them) and do
//! not change: see [`FILE_NAMES`]. Each artifact is rendered by its emitter with default
//! options, except the Rust root type names ([`crate::BuildOptions`]), derives
//! ([`BundleOptions::derives`]) and the form's language and uploads.

use crate::emit::html::{self, HtmlOptions};
use crate::emit::ir_json;
use crate::emit::json_schema::{self, SchemaOptions};
use crate::emit::rust::{self, RustOptions};
use crate::emit::typescript::{self, TsOptions};
use crate::ir::Node;
use crate::ir::Workflow;
use crate::output::Error;
pub use crate::output::differs;
use crate::warning::Warning;
use std::path::{Path, PathBuf};

/// The files of a bundle, in the order they are rendered and listed.
pub const FILE_NAMES: [&str; 8] = [
    "schema.json",
    "output.schema.json",
    "input.rs",
    "output.rs",
    "input.ts",
    "output.ts",
    "form.html",
    "ir.json",
];

/// Choices for the artifacts that have any worth passing through.
#[derive(Debug, Clone, Default)]
pub struct BundleOptions {
    /// Extra derives for the Rust structs (see [`RustOptions::derives`]).
    pub derives: Vec<String>,
    /// The form's language (see [`HtmlOptions::lang`]); `None` picks it per workflow.
    pub lang: Option<html::i18n::Lang>,
    /// Where the form uploads files (see [`HtmlOptions::upload_action`]).
    pub upload_action: Option<String>,
}

/// One rendered file of a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// One of [`FILE_NAMES`].
    pub file_name: &'static str,
    /// The file's contents.
    pub text: String,
}

/// Renders every artifact of `workflow`, in [`FILE_NAMES`] order, with the Rust emitter's
/// warnings (derives some types cannot have).
pub fn render(
    workflow: &Workflow,
    options: &BundleOptions,
) -> crate::emit::Result<(Vec<Artifact>, Vec<Warning>)> {
    let schema = |node| {
        json_schema::render(
            workflow,
            &SchemaOptions {
                node,
                ..SchemaOptions::default()
            },
        )
    };
    let mut warnings = Vec::new();
    let mut rust = |node| -> crate::emit::Result<String> {
        let (code, w) = rust::render_with_warnings(
            workflow,
            &RustOptions {
                derives: options.derives.clone(),
                node,
                ..RustOptions::default()
            },
        )?;
        warnings.extend(w);
        Ok(code)
    };
    let texts = [
        schema(Node::Input)?,
        schema(Node::Output)?,
        rust(Node::Input)?,
        rust(Node::Output)?,
        typescript::render(
            workflow,
            &TsOptions {
                node: Node::Input,
                ..TsOptions::default()
            },
        )?,
        typescript::render(
            workflow,
            &TsOptions {
                node: Node::Output,
                ..TsOptions::default()
            },
        )?,
        html::render(
            workflow,
            &HtmlOptions {
                lang: options.lang,
                upload_action: options.upload_action.clone(),
                ..HtmlOptions::default()
            },
        )?,
        ir_json::render(workflow)?,
    ];
    let artifacts = FILE_NAMES
        .iter()
        .zip(texts)
        .map(|(file_name, text)| Artifact { file_name, text })
        .collect();
    Ok((artifacts, warnings))
}

/// Writes the artifacts into `dir` (created if missing) as a group: either every changed file
/// is replaced, or, if any cannot be read or written, none is (and a directory this call
/// created is removed again). A file that already has the right contents is left alone, so
/// its modification time does not trigger rebuilds. Returns how many files were written.
pub fn write(dir: &Path, artifacts: &[Artifact]) -> crate::output::Result<usize> {
    let created = create_dirs(dir)?;
    // Two runs into one directory take turns: without the lock their renames interleave and
    // leave files of both workflows. The targets are compared under the lock, since the other
    // run may have written meanwhile; one that cannot be read (a directory in its place, say)
    // fails the write before any file is touched.
    let _lock = lock_dir(dir);
    let changed = || -> crate::output::Result<Vec<(PathBuf, &[u8])>> {
        let mut changed = Vec::new();
        for artifact in artifacts {
            let path = dir.join(artifact.file_name);
            if differs(&path, &artifact.text)? {
                changed.push((path, artifact.text.as_bytes()));
            }
        }
        Ok(changed)
    };
    changed()
        .and_then(|changed| crate::output::write_all_atomic(&changed).map(|()| changed.len()))
        .inspect_err(|_| remove_dirs(&created))
}

/// An exclusive advisory lock on `dir` itself (no lock file is left behind), held until the
/// returned handle is dropped. Best effort: where a directory cannot be opened or locked, the
/// write goes ahead unlocked.
fn lock_dir(dir: &Path) -> Option<std::fs::File> {
    let handle = std::fs::File::open(dir).ok()?;
    handle.lock().ok()?;
    Some(handle)
}

/// Creates `dir` and its missing parents, and returns the ones it created, deepest first.
fn create_dirs(dir: &Path) -> crate::output::Result<Vec<PathBuf>> {
    let missing: Vec<PathBuf> = dir
        .ancestors()
        .filter(|a| !a.as_os_str().is_empty())
        .take_while(|a| {
            std::fs::symlink_metadata(a).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
        })
        .map(Path::to_path_buf)
        .collect();
    std::fs::create_dir_all(dir).map_err(|source| {
        // create_dir_all may have made some of the parents before failing.
        remove_dirs(&missing);
        Error::Write {
            path: dir.display().to_string(),
            source,
        }
    })?;
    Ok(missing)
}

/// Removes directories a failed write created, deepest first. `remove_dir` removes only empty
/// ones, so nothing another process put there meanwhile is lost.
fn remove_dirs(created: &[PathBuf]) {
    for dir in created {
        if std::fs::remove_dir(dir).is_err() {
            break;
        }
    }
}

/// The files of `dir` that are missing or differ from `artifacts`, in order. Nothing is written.
pub fn drift(dir: &Path, artifacts: &[Artifact]) -> crate::output::Result<Vec<PathBuf>> {
    let mut changed = Vec::new();
    for artifact in artifacts {
        let path = dir.join(artifact.file_name);
        if differs(&path, &artifact.text)? {
            changed.push(path);
        }
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workflow() -> Workflow {
        let json = r#"{"code":0,"data":{"workflow_detail":{"workflow_name":"greet"},
          "input":{"parameters":{"name":{"type":"string","required":true}}},
          "output":{"parameters":{"reply":{"type":"string"}}}}}"#;
        let info = crate::load_slice(json.as_bytes(), "greet.json").expect("loads");
        crate::build(&info, &Default::default()).expect("builds").0
    }

    #[test]
    fn every_file_name_is_rendered_once_in_order() {
        let (artifacts, _) = render(&workflow(), &BundleOptions::default()).expect("renders");
        let names: Vec<_> = artifacts.iter().map(|a| a.file_name).collect();
        assert_eq!(names, FILE_NAMES);
        assert!(artifacts[3].text.contains("pub struct GreetOutput"));
    }

    #[test]
    fn drift_lists_missing_and_changed_files_and_write_fixes_them() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (artifacts, _) = render(&workflow(), &BundleOptions::default()).expect("renders");
        assert_eq!(
            drift(dir.path(), &artifacts).expect("drift").len(),
            FILE_NAMES.len()
        );
        write(dir.path(), &artifacts).expect("write");
        assert!(drift(dir.path(), &artifacts).expect("drift").is_empty());
        std::fs::write(dir.path().join("input.ts"), "changed").expect("edit");
        assert_eq!(
            drift(dir.path(), &artifacts).expect("drift"),
            [dir.path().join("input.ts")]
        );
    }
}
