//! Every artifact of one workflow under stable file names (`cozegen all`), and writing them
//! into a directory as a group, or drift-checking them.
//!
//! The files are the registry's ([`crate::artifact::files`]): their names are part of
//! cozegen's interface (build scripts and CI point at them) and do not change. Each artifact
//! renders with the [`Settings`] given (those `cozegen all` takes: derives, the form's
//! language and uploads) and its defaults otherwise; the IR's build options (root type names,
//! open objects) are the caller's.

use crate::artifact::{self, Settings};
use crate::ir::Workflow;
use crate::output::Error;
pub use crate::output::differs;
use crate::warning::Warning;
use std::path::{Path, PathBuf};

/// One rendered file of a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// The file's name in the bundle: one of the registry's ([`crate::artifact::File::name`]).
    pub name: &'static str,
    /// The file's contents.
    pub text: String,
}

/// The names of a bundle's files, in the order they are rendered and listed.
pub fn file_names() -> Vec<&'static str> {
    artifact::files().into_iter().map(|(_, f)| f.name).collect()
}

/// Renders every file of every artifact of `workflow`, in the registry's order, with the
/// artifacts' warnings (derives some types cannot have).
pub fn render(
    workflow: &Workflow,
    settings: &Settings,
) -> crate::emit::Result<(Vec<File>, Vec<Warning>)> {
    let mut warnings = Vec::new();
    let mut files = Vec::new();
    for (artifact, file) in artifact::files() {
        let rendered = artifact.render(workflow, file.node, settings)?;
        warnings.extend(rendered.warnings);
        files.push(File {
            name: file.name,
            text: rendered.text,
        });
    }
    Ok((files, warnings))
}

/// Writes the artifacts into `dir` (created if missing) as a group: either every changed file
/// is replaced, or, if any cannot be read or written, none is (and a directory this call
/// created is removed again). A file that already has the right contents is left alone, so
/// its modification time does not trigger rebuilds. Returns how many files were written.
pub fn write(dir: &Path, files: &[File]) -> crate::output::Result<usize> {
    let created = create_dirs(dir)?;
    // Two runs into one directory take turns: without the lock their renames interleave and
    // leave files of both workflows. The targets are compared under the lock, since the other
    // run may have written meanwhile; one that cannot be read (a directory in its place, say)
    // fails the write before any file is touched.
    let _lock = lock_dir(dir);
    let changed = || -> crate::output::Result<Vec<(PathBuf, &[u8])>> {
        let mut changed = Vec::new();
        for file in files {
            let path = dir.join(file.name);
            if differs(&path, &file.text)? {
                changed.push((path, file.text.as_bytes()));
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
    crate::output::check_directory(dir)?;
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

/// The files of `dir` that are missing or differ from `files`, in order. Nothing is written.
pub fn drift(dir: &Path, files: &[File]) -> crate::output::Result<Vec<PathBuf>> {
    let mut changed = Vec::new();
    for file in files {
        let path = dir.join(file.name);
        if differs(&path, &file.text)? {
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
        let (files, _) = render(&workflow(), &Settings::new()).expect("renders");
        let names: Vec<_> = files.iter().map(|f| f.name).collect();
        assert_eq!(
            names,
            [
                "schema.json",
                "output.schema.json",
                "input.rs",
                "output.rs",
                "input.ts",
                "output.ts",
                "input.zod.ts",
                "output.zod.ts",
                "input.py",
                "output.py",
                "form.html",
                "ir.json"
            ]
        );
        assert_eq!(names, file_names());
        assert!(files[3].text.contains("pub struct GreetOutput"));
    }

    #[test]
    fn drift_lists_missing_and_changed_files_and_write_fixes_them() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (artifacts, _) = render(&workflow(), &Settings::new()).expect("renders");
        assert_eq!(
            drift(dir.path(), &artifacts).expect("drift").len(),
            file_names().len()
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
