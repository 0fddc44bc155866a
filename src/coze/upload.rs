//! Uploading a local file for a file parameter: `POST /v1/files/upload`, a
//! `multipart/form-data` body whose field `file` is the file (docs: `upload_files`).
//!
//! [`Client::check_file`] says whether a file can be uploaded at all — it exists, is a file,
//! opens, and is at most [`MAX_UPLOAD_BYTES`] — so that a caller checks every file before it
//! uploads any. [`Client::upload`] reads it and sends it. Coze's cloud answers
//! `{"data": {"id", "bytes", "file_name", "created_at"}}`, and a run then takes the file as
//! the JSON text `{"file_id":"…"}`; Coze Studio's upload answers the same with a `url` (a
//! signed link to its object store) besides the `id`, and as Studio resolves only URLs for a
//! workflow's file inputs, a run there takes that URL. Which of the two a parameter gets is
//! the plan's decision ([`crate::plan::files`]). An upload may be sent again
//! ([`crate::endpoints::UPLOAD`]).

use super::multipart;
use super::send::{Payload, Request};
use super::wire::{Envelope, UploadAnswer, text};
use super::{Client, Error, Result};
use crate::endpoints;
use crate::text::printable;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The largest file Coze's upload takes: 512 MB (docs: `upload_files`, 使用限制).
pub const MAX_UPLOAD_BYTES: u64 = 512 << 20;

/// A local file that can be uploaded: it was there, a file, readable and small enough when
/// it was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalFile {
    /// Where it is.
    pub path: PathBuf,
    /// Its name, as the upload sends it (the last component of the path).
    pub name: String,
    /// Its size in bytes when it was checked.
    pub size: u64,
}

impl LocalFile {
    /// The file's extension, without the dot, if its name has one.
    pub fn extension(&self) -> Option<&str> {
        Path::new(&self.name)
            .extension()
            .and_then(|e| e.to_str())
            .filter(|e| !e.is_empty())
    }

    fn shown(&self) -> String {
        shown(&self.path)
    }
}

/// What an upload answered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Uploaded {
    /// The file's ID (`id`), for the `{"file_id":"…"}` text Coze's cloud takes.
    pub id: Option<String>,
    /// A URL of the file (`url`): Coze Studio answers one; Coze's cloud does not.
    pub url: Option<String>,
    /// Its name as Coze stored it (`file_name`).
    pub file_name: Option<String>,
    /// Its size as Coze counted it (`bytes`).
    pub bytes: Option<i64>,
}

impl Client {
    /// Whether `path` can be uploaded: it exists, is a file, opens for reading, and has at most
    /// [`MAX_UPLOAD_BYTES`]. Nothing is sent.
    pub fn check_file(&self, path: &Path) -> Result<LocalFile> {
        let unreadable = |message: String| Error::LocalFile {
            path: shown(path),
            message,
        };
        let file = std::fs::File::open(path).map_err(|e| {
            unreadable(match e.kind() {
                std::io::ErrorKind::NotFound => "no such file".to_owned(),
                _ => e.to_string(),
            })
        })?;
        let meta = file.metadata().map_err(|e| unreadable(e.to_string()))?;
        if !meta.is_file() {
            return Err(unreadable("not a file".to_owned()));
        }
        if meta.len() > MAX_UPLOAD_BYTES {
            return Err(Error::FileTooLarge {
                path: shown(path),
                size: meta.len(),
                limit: MAX_UPLOAD_BYTES,
            });
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| !n.is_empty())
            .ok_or_else(|| unreadable("the path has no file name".to_owned()))?;
        Ok(LocalFile {
            path: path.to_owned(),
            name,
            size: meta.len(),
        })
    }

    /// `POST /v1/files/upload`: reads `file` and uploads it. The answer must name the file's
    /// `id`, and its `url` when `need_url` (Coze Studio).
    pub fn upload(&self, file: &LocalFile, need_url: bool) -> Result<Uploaded> {
        // The target is checked (base URL, token) before the file is read.
        self.target(&endpoints::UPLOAD, None, ())?;
        let bytes = std::fs::read(&file.path).map_err(|e| Error::LocalFile {
            path: file.shown(),
            message: e.to_string(),
        })?;
        // Checked again: the file may have grown since it was checked.
        if bytes.len() as u64 > MAX_UPLOAD_BYTES {
            return Err(Error::FileTooLarge {
                path: file.shown(),
                size: bytes.len() as u64,
                limit: MAX_UPLOAD_BYTES,
            });
        }
        self.send_upload(&file.name, bytes, need_url, &file.shown())
    }

    /// `POST /v1/files/upload` of bytes already in memory, named `name` (a file a browser sent
    /// to `cozegen serve`). The answer must name the file's `id`, and its `url` when
    /// `need_url` (Coze Studio).
    pub fn upload_bytes(&self, name: &str, bytes: Vec<u8>, need_url: bool) -> Result<Uploaded> {
        if bytes.len() as u64 > MAX_UPLOAD_BYTES {
            return Err(Error::FileTooLarge {
                path: printable(name, 200),
                size: bytes.len() as u64,
                limit: MAX_UPLOAD_BYTES,
            });
        }
        self.send_upload(name, bytes, need_url, &printable(name, 200))
    }

    fn send_upload(
        &self,
        name: &str,
        bytes: Vec<u8>,
        need_url: bool,
        shown: &str,
    ) -> Result<Uploaded> {
        let endpoint = &endpoints::UPLOAD;
        let target = self.target(endpoint, None, ())?;
        let form = multipart::file_form("file", name, bytes);
        let received = self.receive(&Request {
            endpoint,
            target: &target,
            payload: Payload::Multipart(&form),
            accept: "application/json",
        })?;
        let value: serde_json::Value = serde_json::from_slice(&received.body).unwrap_or_default();
        let envelope = Envelope::deserialize(&value).unwrap_or_default();
        if envelope.failed() {
            return Err(self.api_error(&envelope, None, endpoint));
        }
        if received.carried_token {
            return Err(Error::TokenEchoed {
                method: endpoint.method,
                url: target.shown.clone(),
            });
        }
        let answer = UploadAnswer::deserialize(&value).unwrap_or_default();
        let data = answer.data.get();
        let field = |f: fn(&super::wire::UploadedFile) -> &Option<crate::model::Scalar>| {
            data.and_then(|d| text(f(d)))
                .filter(|t| !t.trim().is_empty())
        };
        let uploaded = Uploaded {
            id: field(|d| &d.id),
            url: field(|d| &d.url),
            file_name: field(|d| &d.file_name),
            bytes: data.and_then(|d| d.bytes.0),
        };
        let missing = match (&uploaded.id, &uploaded.url) {
            (None, _) if !need_url => Some("id"),
            (_, None) if need_url => Some("url"),
            _ => None,
        };
        if let Some(wanted) = missing {
            return Err(Error::UploadAnswer {
                url: target.shown.clone(),
                path: shown.to_owned(),
                wanted,
                excerpt: self.excerpt(&received.body),
            });
        }
        Ok(uploaded)
    }
}

fn shown(path: &Path) -> String {
    printable(&path.display().to_string(), 200)
}
