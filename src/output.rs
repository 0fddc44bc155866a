//! Writing artifacts to disk without ever leaving a partial file.
//!
//! Output goes to a temporary file beside the target, is flushed to disk, and is renamed over
//! the target only when complete. If anything fails, the temporary file is removed and the
//! existing target, if any, is left as it was. A target that is not a regular file (a device
//! such as `/dev/null`, a FIFO) is written to directly, and a symlink's target is replaced
//! while the link stays.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `contents` to `path` atomically (on the same filesystem, readers see either the old
/// file or the new one, never a mix).
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let err = |source| Error::Write {
        path: path.display().to_string(),
        source,
    };
    match std::fs::metadata(path) {
        // A device, FIFO or socket (`-o /dev/null`, `-o /dev/stdout`, a named pipe) is written
        // to, never replaced: renaming over it would swap the device node for a plain file.
        Ok(meta) if !meta.is_file() && !meta.is_dir() => {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(err)?;
            return file
                .write_all(contents)
                .and_then(|()| file.flush())
                .map_err(err);
        }
        // Through a symlink, the file it points to is replaced and the link is kept.
        Ok(_) if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) => {
            let target = std::fs::canonicalize(path).map_err(err)?;
            return write_atomic(&target, contents);
        }
        _ => {}
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let file_name = path.file_name().ok_or_else(|| {
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
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(contents)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(err(e));
    }
    Ok(())
}
