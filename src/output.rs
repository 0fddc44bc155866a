//! Writing artifacts to disk without ever leaving a partial file, or a partial set of files.
//!
//! Output goes to a temporary file beside the target, is flushed to disk, and is renamed over
//! the target only when complete. If anything fails, the temporary file is removed and the
//! existing target, if any, is left as it was. A target that is not a regular file (a device
//! such as `/dev/null`, a FIFO) is written to directly, and a symlink's target is replaced
//! while the link stays.
//!
//! Writing is split in two steps, staging (the temporary file) and committing (the rename), so
//! that a group of files (`write_all_atomic`, used by `cozegen all`) is staged completely
//! before the first rename: a failure while staging leaves every existing file as it was.

use crate::text::printable;

/// Why an output file could not be compared or written; the previous file, if any, is
/// untouched.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An existing output file could not be read to compare it.
    // Paths come from the command line or a workspace listing: escaped like any untrusted text.
    #[error("cannot read {}: {source}", printable(.path, 300))]
    Read {
        /// The file, as given.
        path: String,
        /// The I/O error reading it.
        #[source]
        source: std::io::Error,
    },

    /// An output file could not be written.
    #[error("cannot write {}: {source}", printable(.path, 300))]
    Write {
        /// The output file.
        path: String,
        /// The I/O error writing it.
        #[source]
        source: std::io::Error,
    },

    /// The directory to write several files into is an existing file (or another
    /// non-directory).
    #[error(
        "-o {} must be a directory: it names an existing file; give a directory (created if \
         missing) to write the files into",
        printable(.path, 300)
    )]
    NotADirectory {
        /// The path given.
        path: String,
    },
}

/// Refuses a `dir` that exists but is not a directory, before anything is written into it.
pub fn check_directory(dir: &Path) -> Result<()> {
    match std::fs::metadata(dir) {
        Ok(meta) if !meta.is_dir() => Err(Error::NotADirectory {
            path: dir.display().to_string(),
        }),
        _ => Ok(()),
    }
}

/// Shorthand for results of this module.
pub type Result<T, E = Error> = std::result::Result<T, E>;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `contents` to `path` atomically (on the same filesystem, readers see either the old
/// file or the new one, never a mix).
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    stage(path, contents)?
        .commit()
        .map_err(|source| write_error(path, source))
}

/// Writes every `(path, contents)` pair atomically and as a group: every file is staged
/// (written and flushed to a temporary file beside it) before the first is renamed into place.
/// If staging any of them fails, the temporary files are removed and no existing file is
/// touched. A rename failing once others have been done (hardly possible: the temporary files
/// sit beside their targets) is reported with the files that were already replaced.
#[cfg(feature = "bundle")]
pub(crate) fn write_all_atomic(files: &[(PathBuf, &[u8])]) -> Result<()> {
    // On an error, the files staged so far are dropped, which removes their temporaries.
    let staged = files
        .iter()
        .map(|(path, contents)| stage(path, contents))
        .collect::<Result<Vec<_>>>()?;
    commit_all(staged)
}

/// Commits staged files, devices first: a failed write to one then comes before any rename.
#[cfg(feature = "bundle")]
fn commit_all(staged: Vec<Staged<'_>>) -> Result<()> {
    let (direct, renamed): (Vec<_>, Vec<_>) = staged
        .into_iter()
        .partition(|s| matches!(s.step, Step::Direct(_)));
    let mut done: Vec<&Path> = Vec::new();
    for file in direct.into_iter().chain(renamed) {
        let path = file.path;
        if let Err(e) = file.commit() {
            let source = if done.is_empty() {
                e
            } else {
                let done: Vec<_> = done.iter().map(|p| p.display().to_string()).collect();
                std::io::Error::new(
                    e.kind(),
                    format!(
                        "{e}; already replaced: {} (the other files are unchanged)",
                        done.join(", ")
                    ),
                )
            };
            return Err(write_error(path, source));
        }
        done.push(path);
    }
    Ok(())
}

/// One file of a write, staged but not yet under its name. Dropping it uncommitted removes
/// its temporary file.
#[derive(Debug)]
struct Staged<'a> {
    /// The path asked for, for messages.
    path: &'a Path,
    step: Step<'a>,
}

#[derive(Debug)]
enum Step<'a> {
    /// A complete temporary file, to be renamed over `target`: the path itself, or the file
    /// its symlink points to.
    Rename { tmp: PathBuf, target: PathBuf },
    /// A device, FIFO or socket (`-o /dev/null`, `-o /dev/stdout`, a named pipe) is written
    /// to, never replaced: renaming over it would swap the device node for a plain file. It
    /// cannot be staged either (its contents are not a file to keep), so it is written at
    /// commit.
    Direct(&'a [u8]),
    /// Committed: nothing left to clean up.
    Done,
}

impl Staged<'_> {
    /// Puts the staged contents under their name.
    fn commit(mut self) -> std::io::Result<()> {
        match std::mem::replace(&mut self.step, Step::Done) {
            Step::Rename { tmp, target } => std::fs::rename(&tmp, &target).inspect_err(|_| {
                let _ = std::fs::remove_file(&tmp);
            }),
            Step::Direct(contents) => {
                let mut file = std::fs::OpenOptions::new().write(true).open(self.path)?;
                file.write_all(contents)?;
                file.flush()
            }
            Step::Done => Ok(()),
        }
    }
}

impl Drop for Staged<'_> {
    fn drop(&mut self) {
        // Whatever ended the write early (an error in this file or another, a panic), a
        // temporary file is not left behind.
        if let Step::Rename { tmp, .. } = &self.step {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// Writes `contents` to a temporary file beside the file `path` names (for a symlink, beside
/// the file it points to, so the rename stays on one filesystem and keeps the link).
fn stage<'a>(path: &'a Path, contents: &'a [u8]) -> Result<Staged<'a>> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let err = |source| write_error(path, source);
    let target = match std::fs::metadata(path) {
        // Found now rather than when renaming, where it would fail a group halfway.
        Ok(meta) if meta.is_dir() => {
            return Err(err(std::io::ErrorKind::IsADirectory.into()));
        }
        Ok(meta) if !meta.is_file() => {
            return Ok(Staged {
                path,
                step: Step::Direct(contents),
            });
        }
        Ok(_) if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) => {
            std::fs::canonicalize(path).map_err(err)?
        }
        _ => path.to_path_buf(),
    };
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let file_name = target.file_name().ok_or_else(|| {
        err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a file path",
        ))
    })?;
    let tmp = dir.join(format!(
        ".{}.{}-{}.cozegen-tmp",
        file_name.to_string_lossy(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    // A file that is replaced keeps its mode: a private (0600) or read-only output must not
    // come back as the umask's 0644.
    let mode = std::fs::metadata(&target).ok().map(|m| m.permissions());
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .map_err(err)?;
    let staged = Staged {
        path,
        step: Step::Rename { tmp, target },
    };
    if let Some(mode) = mode {
        file.set_permissions(mode).map_err(err)?;
    }
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .map_err(err)?;
    Ok(staged)
}

/// Whether `path` is missing or holds something other than `text`: the one comparison every
/// `--check` uses. A FIFO or device is never read (reading a FIFO waits for a writer, forever
/// if there is none): it counts as differing, since writing is what it takes.
pub fn differs(path: &Path, text: &str) -> Result<bool> {
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        return Ok(true);
    }
    match std::fs::read(path) {
        Ok(current) => Ok(current != text.as_bytes()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        // A directory's parent that is a file, say: it cannot hold the artifact either.
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => Ok(true),
        Err(source) => Err(Error::Read {
            path: path.display().to_string(),
            source,
        }),
    }
}

fn write_error(path: &Path, source: std::io::Error) -> Error {
    Error::Write {
        path: path.display().to_string(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names in `dir`, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_directory_target_fails_before_anything_is_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("out");
        std::fs::create_dir(&target).expect("mkdir");
        let e = write_atomic(&target, b"text").expect_err("a directory is not replaced");
        assert!(e.to_string().contains("out"), "{e}");
        assert_eq!(names(dir.path()), ["out"], "no temporary file is left");
    }

    #[test]
    fn a_failed_staging_removes_the_temporaries_and_touches_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = dir.path().join("a");
        std::fs::write(&a, "old").expect("write");
        let bad = dir.path().join("b").join("c");
        std::fs::write(dir.path().join("b"), "a file, not a directory").expect("write");
        let e = write_all_atomic(&[(a.clone(), b"new"), (bad.clone(), b"x")]).expect_err("fails");
        assert!(e.to_string().contains(&bad.display().to_string()), "{e}");
        assert_eq!(std::fs::read_to_string(&a).expect("a"), "old");
        assert_eq!(names(dir.path()), ["a", "b"], "no temporary file is left");
    }

    #[test]
    fn a_rename_failing_halfway_names_the_files_already_replaced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::write(&a, "old a").expect("write");
        std::fs::write(&b, "old b").expect("write");
        let staged = vec![
            stage(&a, b"new a").expect("stage a"),
            stage(&b, b"new b").expect("stage b"),
        ];
        // Staging succeeded; the second rename then fails as it would if the file vanished.
        let Step::Rename { tmp, .. } = &staged[1].step else {
            panic!("a regular file is renamed");
        };
        std::fs::remove_file(tmp).expect("remove temporary");
        let e = commit_all(staged)
            .expect_err("second rename fails")
            .to_string();
        assert!(
            e.starts_with(&format!("cannot write {}", b.display())),
            "{e}"
        );
        assert!(
            e.contains(&format!("already replaced: {}", a.display())),
            "{e}"
        );
        assert_eq!(std::fs::read_to_string(&a).expect("a"), "new a");
        assert_eq!(std::fs::read_to_string(&b).expect("b"), "old b");
        assert_eq!(names(dir.path()), ["a", "b"], "no temporary file is left");
    }
}
