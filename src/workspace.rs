//! Whole workspaces (`cozegen all --workspace-id`): a directory per workflow, named safely
//! from untrusted names, and an index of them: a Rust `mod.rs`, a Python `__init__.py` and a
//! JSON manifest.
//!
//! A workflow's directory is also its Rust module name: `<slug>_<id>`, where the slug is the
//! workflow name folded to ASCII snake_case (at most [`MAX_SLUG_LEN`] characters, `workflow`
//! when nothing is left) and the ID is the workflow's digits. Such a name is a plain
//! lowercase ASCII identifier: never empty, `.` or `..`, without separators or control
//! characters, never a keyword or a reserved Windows device name, and the same whatever the
//! file system's case rules. Two workflows can only get the same name if they have the same
//! ID; that is resolved anyway, deterministically, by sorting on the ID and suffixing `_2`, `_3`…
//!
//! The outcome of a run is [`Entry`] per workflow, sorted by ID, rendered by [`mod_rs`] and
//! [`index_json`]; both depend on nothing but the entries, so the same workspace gives
//! byte-identical files.
//!
//! A workflow that fails is never written, so its directory keeps whatever an earlier run left.
//! When that is a complete generation, the workflow stays in `mod.rs` (marked `kept_previous`
//! in the manifest): a transient API error must not break code that uses its module.
//!
//! Workflows are fetched by a pool of threads sharing one client, so an HTTP 429 seen by one
//! pauses them all (the client's gate); results are collected by index, so the output is the
//! same whatever the pool's size and the order fetches complete in. The manifest records each
//! workflow's `updated_at` from the list: a later run fetches only the workflows whose
//! `updated_at` changed (or is not given), or whose files are no longer complete.

use crate::error::{Error, Result};
use crate::text::printable;
use heck::ToSnakeCase;
use serde::Serialize;
use std::collections::HashSet;

/// The longest slug taken from a workflow name.
pub const MAX_SLUG_LEN: usize = 40;

/// The longest workflow name kept in the manifest (longer names are cut, with `…`).
pub const MAX_NAME_LEN: usize = 200;

/// The index files written next to the workflow directories.
pub const MOD_RS: &str = "mod.rs";
/// The Python index: the workspace directory as a package (see [`init_py`]).
pub const INIT_PY: &str = "__init__.py";
/// The manifest: the workspace ID and every workflow's [`Entry`] (see [`index_json`]).
pub const INDEX_JSON: &str = "index.json";

/// What happened to one workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Its artifacts were generated (or, with `--check`, compared).
    Ok,
    /// It could not be fetched or generated; `error` says why, and `kept_previous` whether an
    /// earlier generation still stands in for it.
    Failed,
}

/// One workflow of the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The workflow ID as listed (shortened and escaped if it is not one).
    pub id: String,
    /// The workflow name as listed, at most [`MAX_NAME_LEN`] characters.
    pub name: Option<String>,
    /// When the workflow last changed, as the list gave it (Unix seconds, as text); absent
    /// when the list gave none, and then the workflow is fetched on every run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// The directory (and Rust module) name; `None` when the ID is unusable.
    pub directory: Option<String>,
    /// The files generated in `directory`, or kept there from an earlier run; empty when the
    /// workflow failed with nothing kept.
    pub files: Vec<String>,
    /// Whether the workflow was generated.
    pub status: Status,
    /// The workflow failed, but `directory` holds a complete earlier generation, which was left
    /// as it was and stays declared in `mod.rs`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub kept_previous: bool,
    /// Why the workflow failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Entry {
    /// Whether `mod.rs` declares the workflow: its files are in `directory` (with `--check`,
    /// they are meant to be).
    pub fn declared(&self) -> bool {
        self.status == Status::Ok || self.kept_previous
    }
}

/// Whether `id` looks like a Coze ID (what the fetch module will accept).
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 32 && id.bytes().all(|b| b.is_ascii_digit())
}

/// The slug of a workflow name: ASCII snake_case, at most [`MAX_SLUG_LEN`] characters,
/// starting with a letter; `workflow` when the name has nothing usable.
pub fn slug(name: Option<&str>) -> String {
    let ascii: String = name
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let mut slug: String = ascii
        .to_snake_case()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
        .take(MAX_SLUG_LEN)
        .collect();
    while slug.ends_with('_') {
        slug.pop();
    }
    match slug.chars().next() {
        None => "workflow".to_owned(),
        Some(c) if !c.is_ascii_lowercase() => format!("w{slug}"),
        Some(_) => slug,
    }
}

/// Directory names for workflows given as `(id, name)`, in the same order: `<slug>_<id>`, with
/// `_2`, `_3`… on repeats (in the order of the IDs, so it does not depend on the listing's
/// order). `None` for an ID that is not a Coze ID.
pub fn directories(workflows: &[(&str, Option<&str>)]) -> Vec<Option<String>> {
    let mut order: Vec<usize> = (0..workflows.len()).collect();
    order.sort_by(|&a, &b| id_order(workflows[a].0, workflows[b].0));
    let mut taken = HashSet::new();
    let mut out = vec![None; workflows.len()];
    for i in order {
        let (id, name) = workflows[i];
        if !is_valid_id(id) {
            continue;
        }
        let base = format!("{}_{id}", slug(name));
        let mut candidate = base.clone();
        let mut n = 2;
        while !taken.insert(candidate.clone()) {
            candidate = format!("{base}_{n}");
            n += 1;
        }
        out[i] = Some(candidate);
    }
    out
}

/// Orders IDs numerically (shorter digit strings first), then as text.
pub fn id_order(a: &str, b: &str) -> std::cmp::Ordering {
    (a.len(), a).cmp(&(b.len(), b))
}

/// The manifest: the workspace ID, the fingerprint of what shaped the files besides each
/// workflow (`WorkspaceOptions::fingerprint`), and every workflow, as pretty JSON ending in a
/// newline.
pub fn index_json(workspace_id: &str, fingerprint: &str, entries: &[Entry]) -> Result<String> {
    #[derive(Serialize)]
    struct Index<'a> {
        generator: &'static str,
        workspace_id: &'a str,
        fingerprint: &'a str,
        workflows: &'a [Entry],
    }
    let mut text = serde_json::to_string_pretty(&Index {
        generator: "cozegen",
        workspace_id,
        fingerprint,
        workflows: entries,
    })
    .map_err(|e| Error::Internal(format!("index.json: {e}")))?;
    text.push('\n');
    Ok(text)
}

/// The Rust index: a module per generated workflow, with `input` and `output` submodules that
/// `include!` the workflow's `input.rs` and `output.rs` (paths relative to the index, which
/// sits beside the directories). Failed workflows are left out, as their files may not exist,
/// unless an earlier generation of them was kept.
///
/// Use it from a crate as `#[path = "…/mod.rs"] mod workflows;` or
/// `mod workflows { include!("…/mod.rs"); }`.
pub fn mod_rs(entries: &[Entry]) -> Result<String> {
    let mut out = String::from(
        "// @generated by cozegen from a Coze workspace. Do not edit: regenerate it.\n",
    );
    let mut first = true;
    for entry in entries.iter().filter(|e| e.declared()) {
        let Some(dir) = &entry.directory else {
            continue;
        };
        if std::mem::take(&mut first) {
            out.push('\n');
        }
        // The name is untrusted text: a code span shows it verbatim and ends where it should;
        // the directory is a slug cozegen made, safe in an identifier and a string literal.
        let doc = match &entry.name {
            Some(name) => format!(
                "The Coze workflow {} (id {}).",
                crate::emit::rust::docs::code_span(&printable(name, 200)),
                entry.id
            ),
            None => format!("The Coze workflow with id {}.", entry.id),
        };
        out.push_str(&format!(
            "/// {doc}\npub mod {dir} {{\n    \
             /// The start node: the `parameters` of a run.\n    \
             pub mod input {{\n        include!(\"{dir}/input.rs\");\n    }}\n    \
             /// The end node: what a run returns.\n    \
             pub mod output {{\n        include!(\"{dir}/output.rs\");\n    }}\n}}\n"
        ));
    }
    Ok(out)
}

/// The Python index: it makes the workspace directory a package that imports each generated
/// workflow's `input` and `output` modules (`import workflows` then
/// `workflows.<dir>.input.<Type>`; each workflow's directory is a namespace package). The
/// workflows are those of [`mod_rs`], in the same order; a name shows in a comment, printable.
pub fn init_py(entries: &[Entry]) -> Result<String> {
    let mut out = String::from(
        "# Generated by cozegen from a Coze workspace. Do not edit: regenerate it.\n\
         \"\"\"The Coze workflows of a workspace: a package per workflow, each with its `input` \
         and `output`\nmodules.\"\"\"\n",
    );
    for entry in entries.iter().filter(|e| e.declared()) {
        let Some(dir) = &entry.directory else {
            continue;
        };
        let what = match &entry.name {
            Some(name) => format!(
                "The Coze workflow `{}` (id {}).",
                printable(name, 200),
                entry.id
            ),
            None => format!("The Coze workflow with id {}.", entry.id),
        };
        out.push_str(&format!(
            "\n# {what}\nfrom .{dir} import input as {dir}_input, output as {dir}_output\n"
        ));
    }
    Ok(out)
}

/// What [`generate`] needs to know.
#[cfg(feature = "fetch")]
#[derive(Debug, Clone)]
pub struct WorkspaceOptions {
    /// The API base URL, token and limits for listing and fetching.
    pub fetch: crate::coze::Options,
    /// The workspace to list, as after `/space/` in the Coze URL.
    pub workspace_id: String,
    /// The page size asked of the list endpoint.
    pub page_size: u32,
    /// How each workflow's IR is built.
    pub build: crate::BuildOptions,
    /// Choices for each workflow's artifacts (the settings `cozegen all` takes).
    pub settings: crate::artifact::Settings,
    /// Where the workflow directories and the index go.
    pub dir: std::path::PathBuf,
    /// Compare instead of writing (`--check`).
    pub check: bool,
    /// A workflow with warnings fails.
    pub deny_warnings: bool,
    /// How many workflows are fetched and generated at once (1 to [`MAX_JOBS`]).
    pub jobs: usize,
    /// Fetch every workflow, even those unchanged since the run that wrote the index.
    pub full: bool,
}

/// How many workflows [`generate`] fetches at once by default.
pub const DEFAULT_JOBS: usize = 8;

/// The most workflows [`generate`] fetches at once.
pub const MAX_JOBS: usize = 64;

/// The largest `index.json` read back from an earlier run.
pub const MAX_INDEX_BYTES: u64 = 64 << 20;

#[cfg(feature = "fetch")]
impl WorkspaceOptions {
    /// What, besides each workflow's definition, shapes its files: cozegen's version, the build
    /// options, the artifacts' settings and `--deny-warnings`, hashed (FNV-1a, 64 bits, as 16
    /// hex digits). `index.json` records it; an earlier run's files are only kept unfetched
    /// when it is the same.
    pub fn fingerprint(&self) -> String {
        let text = format!(
            "cozegen {}\n{:?}\n{:?}\ndeny_warnings={}",
            env!("CARGO_PKG_VERSION"),
            self.build,
            self.settings,
            self.deny_warnings
        );
        let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
        format!("{hash:016x}")
    }
}

/// Progress of [`generate`], for a progress bar or log lines. Workflows are fetched
/// concurrently: `Started` and `Finished` come in the order things happen, not by index.
#[cfg(feature = "fetch")]
#[derive(Debug)]
pub enum Event<'a> {
    /// The index of an earlier run in the output directory cannot be used, so every workflow
    /// is fetched; `reason` says why (it is not JSON, it was written for another workspace, by
    /// another version of cozegen or with other options).
    PreviousIndexIgnored {
        /// Why, as a sentence fragment (`it is not valid JSON: …`).
        reason: String,
    },
    /// The workspace was listed.
    Listed {
        /// How many workflows it lists.
        total: usize,
        /// How many of them are unchanged since the earlier run and will not be fetched.
        unchanged: usize,
    },
    /// Workflow `index` (from 0) of `total` is about to be fetched.
    Started {
        /// The workflow's position in the sorted list, from 0.
        index: usize,
        /// How many workflows the workspace lists.
        total: usize,
        /// The workflow's entry as listed: ID, name and directory; its status is not settled yet.
        entry: &'a Entry,
    },
    /// Workflow `index` is done; `warnings` are its build and Rust warnings.
    Finished {
        /// The workflow's position in the sorted list, from 0.
        index: usize,
        /// How many workflows the workspace lists.
        total: usize,
        /// The workflow's entry as it goes into the index.
        entry: &'a Entry,
        /// The workflow's build and Rust warnings.
        warnings: &'a [crate::Warning],
        /// It was not fetched: its `updated_at` is the one recorded when its files (complete
        /// on disk) were generated, with the same options.
        unchanged: bool,
    },
}

/// What a run produced: the index entries (sorted by ID) and, with `check`, the files that are
/// missing or would change.
#[cfg(feature = "fetch")]
#[derive(Debug)]
pub struct Outcome {
    /// One per listed workflow, sorted by ID.
    pub entries: Vec<Entry>,
    /// With `check`: the files that are missing or would change.
    pub drift: Vec<std::path::PathBuf>,
    /// How many workflows were not fetched, being unchanged since the earlier run.
    pub unchanged: usize,
}

/// Lists the workspace, then fetches and generates its workflows, `jobs` at a time, then writes
/// the index. A workflow that fails is recorded in its [`Entry`], its directory left as it
/// was, and the others go on; only a failure to list the workspace or to write the index is an
/// error.
///
/// Unless `full`, a workflow is not fetched when the `index.json` of an earlier run (for the
/// same workspace, with the same [`WorkspaceOptions::fingerprint`]) generated it with the
/// `updated_at` the list gives now, and its directory still holds every file: its files and
/// entry are kept as they are. A workflow listed without `updated_at` is always fetched. The
/// output does not depend on `jobs` or on the order the fetches complete in.
#[cfg(feature = "fetch")]
pub fn generate(options: &WorkspaceOptions, on_event: &mut dyn FnMut(Event)) -> Result<Outcome> {
    use crate::bundle;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let file_names = bundle::file_names();
    let all_files = || {
        file_names
            .iter()
            .map(|f| (*f).to_owned())
            .collect::<Vec<_>>()
    };
    let client = crate::coze::Client::new(options.fetch.clone());
    let fingerprint = options.fingerprint();
    let mut listed = client.list_workflows(&options.workspace_id, options.page_size)?;
    listed.sort_by(|a, b| id_order(&a.id, &b.id));
    let pairs: Vec<(&str, Option<&str>)> = listed
        .iter()
        .map(|w| (w.id.as_str(), w.name.as_deref()))
        .collect();
    let dirs = directories(&pairs);
    let total = listed.len();

    let previous = if options.full {
        Previous::default()
    } else {
        match Previous::read(&options.dir, &options.workspace_id, &fingerprint) {
            Ok(previous) => previous,
            Err(reason) => {
                on_event(Event::PreviousIndexIgnored { reason });
                Previous::default()
            }
        }
    };
    let mut entries: Vec<Entry> = listed
        .iter()
        .zip(&dirs)
        .map(|(workflow, directory)| Entry {
            id: if is_valid_id(&workflow.id) {
                workflow.id.clone()
            } else {
                printable(&workflow.id, 60)
            },
            name: workflow.name.as_ref().map(|n| cut(n, MAX_NAME_LEN)),
            updated_at: workflow.updated_at.clone(),
            directory: directory.clone(),
            files: Vec::new(),
            status: Status::Failed,
            kept_previous: false,
            error: None,
        })
        .collect();
    let unchanged: Vec<bool> = entries
        .iter()
        .map(|entry| previous.unchanged(entry, &options.dir, &file_names))
        .collect();
    let unchanged_count = unchanged.iter().filter(|u| **u).count();
    on_event(Event::Listed {
        total,
        unchanged: unchanged_count,
    });
    for (index, entry) in entries.iter_mut().enumerate() {
        if unchanged[index] {
            entry.status = Status::Ok;
            entry.files = all_files();
            on_event(Event::Finished {
                index,
                total,
                entry,
                warnings: &[],
                unchanged: true,
            });
        }
    }

    // One workflow, fetched and generated on a worker: what it wrote or would change, or why
    // it failed (as text, recorded in its entry), and its warnings.
    let work = |index: usize| -> (std::result::Result<Vec<std::path::PathBuf>, String>, Vec<_>) {
        let workflow = &listed[index];
        let mut warnings = Vec::new();
        let result = (|| {
            let text = |e: &dyn std::fmt::Display| e.to_string();
            // A listed ID that is not one has no directory; the client says why.
            client
                .check_workflow_id(&workflow.id)
                .map_err(|e| text(&e))?;
            let Some(dir) = &dirs[index] else {
                return Err(format!("workflow {} has no directory", workflow.id));
            };
            let info = client.workflow_info(&workflow.id).map_err(|e| text(&e))?;
            let (ir, build_warnings) = crate::build(&info, &options.build).map_err(|e| text(&e))?;
            warnings = build_warnings;
            let (artifacts, rust_warnings) =
                bundle::render(&ir, &options.settings).map_err(|e| text(&e))?;
            warnings.extend(rust_warnings);
            if options.deny_warnings && !warnings.is_empty() {
                return Err(format!(
                    "{} denied by --deny-warnings",
                    crate::text::plural(warnings.len(), "warning")
                ));
            }
            let dir = options.dir.join(dir);
            if options.check {
                bundle::drift(&dir, &artifacts).map_err(|e| text(&e))
            } else {
                bundle::write(&dir, &artifacts)
                    .map(|_| Vec::new())
                    .map_err(|e| text(&e))
            }
        })();
        (result, warnings)
    };

    // A pool of workers sharing one client (and so its pause after a 429), taking the
    // workflows to fetch in order; this thread reports their progress and fills the entries.
    enum Message {
        Started(usize),
        Finished(
            usize,
            std::result::Result<Vec<std::path::PathBuf>, String>,
            Vec<crate::Warning>,
        ),
    }
    let todo: Vec<usize> = (0..total).filter(|&i| !unchanged[i]).collect();
    let mut drift: Vec<Vec<std::path::PathBuf>> = vec![Vec::new(); total];
    let jobs = options.jobs.clamp(1, MAX_JOBS).min(todo.len().max(1));
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::channel();
        let (next, todo, work) = (&next, &todo, &work);
        for _ in 0..jobs {
            let sender = sender.clone();
            scope.spawn(move || {
                while let Some(&index) = todo.get(next.fetch_add(1, Ordering::Relaxed)) {
                    if sender.send(Message::Started(index)).is_err() {
                        return;
                    }
                    let (result, warnings) = work(index);
                    if sender
                        .send(Message::Finished(index, result, warnings))
                        .is_err()
                    {
                        return;
                    }
                }
            });
        }
        drop(sender);
        for message in receiver {
            match message {
                Message::Started(index) => on_event(Event::Started {
                    index,
                    total,
                    entry: &entries[index],
                }),
                Message::Finished(index, result, warnings) => {
                    let entry = &mut entries[index];
                    match result {
                        Ok(changed) => {
                            drift[index] = changed;
                            entry.status = Status::Ok;
                            entry.files = all_files();
                        }
                        Err(e) => {
                            entry.error = Some(e);
                            // Only a complete generation can be declared: a module whose
                            // `include!` finds no file would break the build as surely as a
                            // missing module.
                            let dir = entry.directory.as_ref().map(|d| options.dir.join(d));
                            if dir.is_some_and(|d| file_names.iter().all(|f| d.join(f).is_file())) {
                                entry.kept_previous = true;
                                entry.files = all_files();
                            }
                        }
                    }
                    on_event(Event::Finished {
                        index,
                        total,
                        entry,
                        warnings: &warnings,
                        unchanged: false,
                    });
                }
            }
        }
    });
    let mut drift: Vec<std::path::PathBuf> = drift.into_iter().flatten().collect();

    for (file, text) in [
        (MOD_RS, mod_rs(&entries)?),
        (INIT_PY, init_py(&entries)?),
        (
            INDEX_JSON,
            index_json(&options.workspace_id, &fingerprint, &entries)?,
        ),
    ] {
        let path = options.dir.join(file);
        if bundle::differs(&path, &text)? {
            if options.check {
                drift.push(path);
            } else {
                std::fs::create_dir_all(&options.dir).map_err(|source| {
                    crate::output::Error::Write {
                        path: options.dir.display().to_string(),
                        source,
                    }
                })?;
                crate::output::write_atomic(&path, text.as_bytes())?;
            }
        }
    }
    Ok(Outcome {
        entries,
        drift,
        unchanged: unchanged_count,
    })
}

/// What the `index.json` of an earlier run says about the workflows it generated: by ID,
/// their directory, `updated_at` and files.
#[cfg(feature = "fetch")]
#[derive(Debug, Default)]
struct Previous {
    generated: std::collections::HashMap<String, (String, String, Vec<String>)>,
}

#[cfg(feature = "fetch")]
impl Previous {
    /// Reads `dir/index.json`. No file is an empty record; a file that cannot be used (not
    /// readable, not JSON, too large, for another workspace, with another fingerprint or none)
    /// is `Err` with the reason, and every workflow is fetched.
    fn read(
        dir: &std::path::Path,
        workspace_id: &str,
        fingerprint: &str,
    ) -> std::result::Result<Previous, String> {
        use serde_json::Value;
        let path = dir.join(INDEX_JSON);
        let bytes = match std::fs::metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Previous::default()),
            Ok(meta) if meta.len() > MAX_INDEX_BYTES => {
                return Err(format!(
                    "it is larger than {MAX_INDEX_BYTES} bytes, which no index cozegen writes is"
                ));
            }
            _ => std::fs::read(&path).map_err(|e| format!("it cannot be read: {e}"))?,
        };
        let index: Value = serde_json::from_slice(&bytes)
            .map_err(|e| format!("it is not valid JSON: {}", printable(&e.to_string(), 200)))?;
        if index.get("workspace_id").and_then(Value::as_str) != Some(workspace_id) {
            return Err("it was written for another workspace".to_owned());
        }
        match index.get("fingerprint").and_then(Value::as_str) {
            None => {
                return Err("it records no fingerprint (an older cozegen wrote it)".to_owned());
            }
            Some(f) if f != fingerprint => {
                return Err(
                    "it was written by another version of cozegen or with other options".to_owned(),
                );
            }
            Some(_) => {}
        }
        fn text<'v>(value: &'v Value, key: &str) -> Option<&'v str> {
            value.get(key).and_then(Value::as_str)
        }
        let generated = index
            .get("workflows")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter(|w| text(w, "status") == Some("ok"))
            .filter_map(|w| {
                let files = w
                    .get("files")?
                    .as_array()?
                    .iter()
                    .map(|f| f.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()?;
                Some((
                    text(w, "id")?.to_owned(),
                    (
                        text(w, "directory")?.to_owned(),
                        text(w, "updated_at")?.to_owned(),
                        files,
                    ),
                ))
            })
            .collect();
        Ok(Previous { generated })
    }

    /// Whether `entry`, as listed now, may keep the files of the earlier run unfetched: it was
    /// generated into the same directory with the same `updated_at` and the same set of files,
    /// and every file is still there.
    fn unchanged(&self, entry: &Entry, dir: &std::path::Path, file_names: &[&str]) -> bool {
        let (Some(directory), Some(updated_at)) = (&entry.directory, &entry.updated_at) else {
            return false;
        };
        let Some((was_directory, was_updated_at, was_files)) = self.generated.get(&entry.id) else {
            return false;
        };
        was_directory == directory
            && was_updated_at == updated_at
            && was_files
                .iter()
                .map(String::as_str)
                .eq(file_names.iter().copied())
            && file_names
                .iter()
                .all(|f| dir.join(directory).join(f).is_file())
    }
}

/// `text` cut to `max` characters, with `…` when cut.
#[cfg(feature = "fetch")]
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii_snake_case_identifiers() {
        assert_eq!(slug(Some("Order Intake")), "order_intake");
        assert_eq!(slug(Some("../../etc/passwd")), "etc_passwd");
        assert_eq!(slug(Some("订单")), "workflow");
        assert_eq!(slug(None), "workflow");
        assert_eq!(slug(Some("42 answers")), "w42_answers");
        assert_eq!(slug(Some("a\u{0}b\nc\u{202e}")), "a_b_c");
        assert_eq!(slug(Some("CON")), "con");
        assert_eq!(slug(Some(&"x".repeat(500))).len(), MAX_SLUG_LEN);
    }

    #[test]
    fn directories_are_unique_and_independent_of_listing_order() {
        let a = [
            ("2", Some("Same")),
            ("1", Some("Same")),
            ("x/..", Some("bad")),
            ("1", Some("Same")),
        ];
        let dirs = directories(&a);
        assert_eq!(
            dirs,
            [
                Some("same_2".to_owned()),
                Some("same_1".to_owned()),
                None,
                Some("same_1_2".to_owned())
            ]
        );
        let mut reversed = a;
        reversed.reverse();
        let mut back = directories(&reversed);
        back.reverse();
        // The repeated ID swaps suffixes with its twin, but the set of names is the same.
        let mut x: Vec<_> = dirs.clone();
        let mut y = back;
        x.sort();
        y.sort();
        assert_eq!(x, y);
    }

    #[test]
    fn mod_rs_declares_ok_and_kept_workflows_only_and_escapes_names() {
        let entry = |id: &str, name: &str, status| Entry {
            id: id.to_owned(),
            name: Some(name.to_owned()),
            updated_at: None,
            directory: Some(format!("{}_{id}", slug(Some(name)))),
            files: Vec::new(),
            status,
            kept_previous: false,
            error: None,
        };
        let kept = Entry {
            kept_previous: true,
            ..entry("3", "c", Status::Failed)
        };
        let text = mod_rs(&[
            entry("1", "a\"]; fn evil() {} //\n", Status::Ok),
            entry("2", "b", Status::Failed),
            kept.clone(),
        ])
        .expect("renders");
        let file = syn::parse_file(&text).expect("parses");
        assert_eq!(file.items.len(), 2, "{text}");
        assert!(text.contains("pub mod c_3 {"), "{text}");
        assert!(text.contains("pub mod a_fn_evil_1 {"), "{text}");
        assert!(
            text.contains("include!(\"a_fn_evil_1/input.rs\")"),
            "{text}"
        );
        assert!(!text.contains("b_2"), "{text}");
        let text = init_py(&[
            entry("1", "a\n\u{2028}import os", Status::Ok),
            entry("2", "b", Status::Failed),
            kept,
        ])
        .expect("renders");
        assert!(
            text.ends_with(
                "\n# The Coze workflow `a\\u{a}\\u{2028}import os` (id 1).\n\
                 from .a_import_os_1 import input as a_import_os_1_input, output as \
                 a_import_os_1_output\n\n# The Coze workflow `c` (id 3).\n\
                 from .c_3 import input as c_3_input, output as c_3_output\n"
            ),
            "{text}"
        );
    }
}
