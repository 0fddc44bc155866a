//! Local files as file parameters, planned with no I/O: where each file goes in the
//! parameters, whether it is of the kind the parameter takes, and what value it becomes once
//! uploaded.
//!
//! A caller (`cozegen run --file PATH=FILE`, and any server) parses each argument
//! ([`FileArg::parse`]), resolves its parameter path against the start node ([`resolve`]:
//! `invoice`, `order.attachment`, `photos[0]`, `items[2].scan`, `["odd name"]`), checks the
//! file's name against the kind ([`check_kind`], by the IR's one table of extensions,
//! [`crate::ir::FILE_EXTENSIONS`]), and can check the whole parameters with a stand-in value
//! ([`placeholder`]) before anything is uploaded. After the uploads (the client's business,
//! [`crate::coze::Client::upload`]), [`file_value`] says what a parameter takes for an uploaded
//! file — the JSON text `{"file_id":"…"}` on Coze's cloud, the file's URL on Coze Studio,
//! which resolves URLs only — and [`fill`] puts it in place, creating the objects and arrays
//! on the way (an index may be at most the array's current length).

use crate::ir::rules::FileValues;
use crate::ir::{FileKind, Type, Types};
use crate::text::{is_plain, printable, quote};
use serde_json::{Map, Value};
use std::fmt;
use std::path::PathBuf;

/// One `PATH=FILE`: a parameter path and a local file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileArg {
    /// The parameter path, as given.
    pub path: String,
    /// The local file.
    pub file: PathBuf,
}

impl FileArg {
    /// `PATH=FILE`, split at the first `=` outside a quoted key.
    pub fn parse(text: &str) -> Result<FileArg, String> {
        let mut quoted = false;
        let mut escaped = false;
        for (i, c) in text.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if quoted => escaped = true,
                '"' => quoted = !quoted,
                '=' if !quoted => {
                    let (path, file) = (&text[..i], &text[i + 1..]);
                    if path.is_empty() || file.is_empty() {
                        break;
                    }
                    return Ok(FileArg {
                        path: path.to_owned(),
                        file: PathBuf::from(file),
                    });
                }
                _ => {}
            }
        }
        Err(format!(
            "`{}` is not PARAMETER=FILE (e.g. invoice=./po.pdf, photos[0]=./a.jpg)",
            printable(text, 80)
        ))
    }
}

/// One step of a parameter path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A property of an object.
    Key(String),
    /// An element of an array.
    Index(usize),
}

/// A file parameter found by its path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The path, written as messages write paths (`photos[0]`, `items[2].scan`).
    pub path: String,
    /// The steps from the parameters to it.
    pub steps: Vec<Step>,
    /// The kind of file it takes.
    pub kind: FileKind,
}

/// Why a file cannot go where it was asked to; nothing is uploaded or sent. Each names the
/// parameter path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileRefusal {
    /// The path is not written as a parameter path.
    Syntax {
        /// The path as given, escaped.
        path: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// No parameter has this path.
    Unknown {
        /// The path.
        path: String,
        /// The part of it the workflow does not declare.
        at: String,
    },
    /// The parameter is not a file.
    NotFile {
        /// The path.
        path: String,
        /// Its type's name (`string`, `object`, …).
        ty: &'static str,
    },
    /// The file's name does not fit the parameter's kind.
    Kind {
        /// The path.
        path: String,
        /// The kind the parameter takes.
        wants: FileKind,
        /// The file's name, escaped.
        file: String,
        /// The kinds its extension is, by the IR's table (none: unknown or no extension).
        is: Vec<FileKind>,
    },
    /// An index past the end of an array (it may be at most the array's length).
    Index {
        /// The path.
        path: String,
        /// The path of the array.
        array: String,
        /// The index asked for.
        index: usize,
        /// The array's length.
        len: usize,
    },
    /// The parameters give a value on the way that is not the object or array the path goes
    /// through.
    InTheWay {
        /// The path.
        path: String,
        /// Where the value is.
        at: String,
        /// What it should be: `an object` or `an array`.
        wants: &'static str,
    },
}

impl fmt::Display for FileRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileRefusal::Syntax { path, reason } => {
                write!(f, "--file {path}: {reason}")
            }
            FileRefusal::Unknown { path, at } if path == at => {
                write!(f, "--file {path}: not a parameter of this workflow")
            }
            FileRefusal::Unknown { path, at } => {
                write!(f, "--file {path}: {at} is not a parameter of this workflow")
            }
            FileRefusal::NotFile { path, ty } => write!(
                f,
                "--file {path}: the parameter is of type `{ty}`, not a file"
            ),
            FileRefusal::Kind {
                path,
                wants,
                file,
                is,
            } => {
                let wants_name = wants.coze_name();
                let is = match is.first() {
                    Some(kind) => format!("a `{}` file", kind.coze_name()),
                    None => "of no file kind cozegen knows by its extension".to_owned(),
                };
                let takes = crate::ir::FILE_EXTENSIONS
                    .iter()
                    .find(|(kind, _)| kind == wants)
                    .map(|(_, extensions)| extensions.join(", "))
                    .unwrap_or_default();
                write!(
                    f,
                    "--file {path}: the parameter takes a `{wants_name}` file, and {file} is \
                     {is}; a `{wants_name}` file is named .{}",
                    takes.replace(", ", ", .")
                )
            }
            FileRefusal::Index {
                path,
                array,
                index,
                len,
            } => write!(
                f,
                "--file {path}: index {index} is past the end of {array}, which has {len} \
                 element{} (an index may be at most the length)",
                if *len == 1 { "" } else { "s" }
            ),
            FileRefusal::InTheWay { path, at, wants } => write!(
                f,
                "--file {path}: the parameters give {at} as something else than {wants}"
            ),
        }
    }
}

/// The file parameter at `path` in the start node `types`.
pub fn resolve(types: &Types, path: &str) -> Result<Place, FileRefusal> {
    let steps = parse_path(path)?;
    let mut ty = Type::Object(Types::ROOT);
    for (i, step) in steps.iter().enumerate() {
        let unknown = || FileRefusal::Unknown {
            path: write_path(&steps),
            at: write_path(&steps[..=i]),
        };
        ty = match (&ty, step) {
            (Type::Object(id), Step::Key(key)) => types
                .object(*id)
                .fields
                .iter()
                .find(|f| &f.name == key)
                .map(|f| f.ty.clone())
                .ok_or_else(unknown)?,
            (Type::Array(id), Step::Index(_)) => types.array(*id).items.clone(),
            _ => return Err(unknown()),
        };
    }
    match ty {
        Type::File(kind) => Ok(Place {
            path: write_path(&steps),
            steps,
            kind,
        }),
        other => Err(FileRefusal::NotFile {
            path: write_path(&steps),
            ty: other.coze_name(),
        }),
    }
}

/// Whether a file named `file_name` (with `extension`) is of the kind `place` takes, by the
/// IR's table of extensions.
pub fn check_kind(
    place: &Place,
    file_name: &str,
    extension: Option<&str>,
) -> Result<(), FileRefusal> {
    if place.kind.takes_extension(extension) {
        return Ok(());
    }
    Err(FileRefusal::Kind {
        path: place.path.clone(),
        wants: place.kind,
        file: printable(file_name, 120),
        is: FileKind::of_extension(extension),
    })
}

/// What a file parameter takes for an uploaded file, under the document's rule for file
/// values: the JSON text `{"file_id":"…"}` on Coze's cloud, the file's URL on Coze Studio
/// (which resolves URLs only). `None` when the upload did not answer what the rule needs.
pub fn file_value(files: FileValues, id: Option<&str>, url: Option<&str>) -> Option<String> {
    match files {
        FileValues::UrlOrFileId => id.map(|id| serde_json::json!({ "file_id": id }).to_string()),
        FileValues::UrlOnly => url.map(str::to_owned),
    }
}

/// A value a file parameter takes under `files`, to check the parameters with before any file
/// is uploaded; it is never sent.
pub fn placeholder(files: FileValues) -> &'static str {
    match files {
        FileValues::UrlOrFileId => r#"{"file_id":"0"}"#,
        FileValues::UrlOnly => "https://upload.invalid/",
    }
}

/// Puts `value` at `place` in `parameters`, creating the objects and arrays on the way; an
/// index may be at most the current length of its array (at the length, it appends).
pub fn fill(parameters: &mut Value, place: &Place, value: &str) -> Result<(), FileRefusal> {
    let mut at = parameters;
    for (i, step) in place.steps.iter().enumerate() {
        let in_the_way = |wants| FileRefusal::InTheWay {
            path: place.path.clone(),
            at: if i == 0 {
                "the parameters".to_owned()
            } else {
                write_path(&place.steps[..i])
            },
            wants,
        };
        let next = match place.steps.get(i + 1) {
            None => Value::String(value.to_owned()),
            Some(Step::Key(_)) => Value::Object(Map::new()),
            Some(Step::Index(_)) => Value::Array(Vec::new()),
        };
        let last = i + 1 == place.steps.len();
        at = match step {
            Step::Key(key) => {
                let Value::Object(map) = at else {
                    return Err(in_the_way("an object"));
                };
                let slot = map.entry(key.clone()).or_insert(Value::Null);
                if last || slot.is_null() {
                    *slot = next;
                }
                slot
            }
            Step::Index(index) => {
                let Value::Array(items) = at else {
                    return Err(in_the_way("an array"));
                };
                let len = items.len();
                if *index > len {
                    return Err(FileRefusal::Index {
                        path: place.path.clone(),
                        array: write_path(&place.steps[..i]),
                        index: *index,
                        len,
                    });
                }
                if *index == len {
                    items.push(next);
                } else if last || items[*index].is_null() {
                    items[*index] = next;
                }
                &mut items[*index]
            }
        };
    }
    Ok(())
}

/// The steps of a parameter path: names separated by `.`, `[N]` for an element, `["…"]` for
/// a name that is not plain.
fn parse_path(path: &str) -> Result<Vec<Step>, FileRefusal> {
    let syntax = |reason| FileRefusal::Syntax {
        path: printable(path, 120),
        reason,
    };
    let mut steps = Vec::new();
    let mut rest = path;
    let mut after_dot = true;
    while !rest.is_empty() {
        if let Some(inner) = rest.strip_prefix('[') {
            if inner.starts_with('"') {
                let end =
                    closing_quote(inner).ok_or_else(|| syntax("a quoted name is not closed"))?;
                let key: String = serde_json::from_str(&inner[..=end])
                    .map_err(|_| syntax("a quoted name is not a JSON string"))?;
                rest = inner[end + 1..]
                    .strip_prefix(']')
                    .ok_or_else(|| syntax("`[\"…\"]` is not closed"))?;
                steps.push(Step::Key(key));
            } else {
                let end = inner.find(']').ok_or_else(|| syntax("`[` is not closed"))?;
                let digits = &inner[..end];
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(syntax("an index is written as digits, e.g. photos[0]"));
                }
                let index = digits
                    .parse()
                    .map_err(|_| syntax("the index is too large"))?;
                steps.push(Step::Index(index));
                rest = &inner[end + 1..];
            }
            after_dot = false;
        } else if let Some(after) = rest.strip_prefix('.') {
            if after_dot {
                return Err(syntax("a name is empty"));
            }
            rest = after;
            after_dot = true;
        } else {
            if !after_dot {
                return Err(syntax("a name follows `]` without a `.`"));
            }
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            steps.push(Step::Key(rest[..end].to_owned()));
            rest = &rest[end..];
            after_dot = false;
        }
    }
    if after_dot {
        return Err(syntax("a name is empty"));
    }
    Ok(steps)
}

/// The index of the quote that ends the JSON string starting at `text[0]`.
fn closing_quote(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(i),
            _ => {}
        }
    }
    None
}

/// A path as messages write it (the checker's form: `lines[2].qty`, `["odd name"]`).
fn write_path(steps: &[Step]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Key(key) if is_plain(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Step::Key(key) => {
                out.push('[');
                out.push_str(&quote(key));
                out.push(']');
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn types() -> Types {
        let info = crate::load_slice(
            br#"{"input":{"parameters":{
                "invoice":{"type":"doc","required":true},
                "photos":{"type":"array","items":{"type":"image"}},
                "order":{"type":"object","properties":{"attachment":{"type":"file"}}},
                "items":{"type":"array","items":{"type":"object","properties":{
                    "scan":{"type":"image"},"qty":{"type":"integer"}}}},
                "odd name":{"type":"voice"},
                "note":{"type":"string"}}}}"#,
            "test",
        )
        .expect("loads");
        crate::build(&info, &crate::BuildOptions::default())
            .expect("builds")
            .0
            .input
    }

    #[test]
    fn paths_resolve_to_file_parameters_and_their_kinds() {
        let types = types();
        let kind = |p: &str| resolve(&types, p).map(|place| (place.path, place.kind));
        assert_eq!(kind("invoice"), Ok(("invoice".into(), FileKind::Doc)));
        assert_eq!(kind("photos[0]"), Ok(("photos[0]".into(), FileKind::Image)));
        assert_eq!(
            kind("order.attachment"),
            Ok(("order.attachment".into(), FileKind::Generic))
        );
        assert_eq!(
            kind("items[2].scan"),
            Ok(("items[2].scan".into(), FileKind::Image))
        );
        assert_eq!(
            kind(r#"["odd name"]"#),
            Ok((r#"["odd name"]"#.into(), FileKind::Voice))
        );
    }

    #[test]
    fn unknown_paths_non_files_and_bad_syntax_are_refused_by_path() {
        let types = types();
        let refused = |p: &str| resolve(&types, p).unwrap_err().to_string();
        assert_eq!(
            refused("invoce"),
            "--file invoce: not a parameter of this workflow"
        );
        assert_eq!(
            refused("order.nope"),
            "--file order.nope: not a parameter of this workflow"
        );
        assert_eq!(
            refused("order.nope.x"),
            "--file order.nope.x: order.nope is not a parameter of this workflow"
        );
        assert_eq!(
            refused("invoice[0]"),
            "--file invoice[0]: not a parameter of this workflow"
        );
        assert_eq!(
            refused("note"),
            "--file note: the parameter is of type `string`, not a file"
        );
        assert_eq!(
            refused("photos"),
            "--file photos: the parameter is of type `array`, not a file"
        );
        assert_eq!(
            refused("items[0].qty"),
            "--file items[0].qty: the parameter is of type `integer`, not a file"
        );
        for bad in [
            "",
            "a..b",
            "a.",
            "photos[x]",
            "photos[0",
            "photos[0]scan",
            r#"["a"#,
        ] {
            assert!(
                matches!(resolve(&types, bad), Err(FileRefusal::Syntax { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_file_of_another_kind_is_refused_naming_both_kinds() {
        let types = types();
        let photo = resolve(&types, "photos[0]").unwrap();
        assert!(check_kind(&photo, "a.JPG", Some("JPG")).is_ok());
        let refused = check_kind(&photo, "po.pdf", Some("pdf")).unwrap_err();
        let text = refused.to_string();
        assert!(
            text.starts_with(
                "--file photos[0]: the parameter takes a `image` file, and po.pdf is a `doc` file; \
                 a `image` file is named .jpg, .jpeg"
            ),
            "{text}"
        );
        let any = resolve(&types, "order.attachment").unwrap();
        assert!(check_kind(&any, "notes", None).is_ok());
    }

    #[test]
    fn fill_creates_objects_and_arrays_and_keeps_indexes_within_length() {
        let types = types();
        let place = |p: &str| resolve(&types, p).unwrap();
        let mut params = json!({"items": [{"qty": 1}]});
        fill(&mut params, &place("invoice"), "I").unwrap();
        fill(&mut params, &place("photos[0]"), "P0").unwrap();
        fill(&mut params, &place("photos[1]"), "P1").unwrap();
        fill(&mut params, &place("photos[0]"), "P0b").unwrap();
        fill(&mut params, &place("order.attachment"), "A").unwrap();
        fill(&mut params, &place("items[0].scan"), "S0").unwrap();
        fill(&mut params, &place("items[1].scan"), "S1").unwrap();
        assert_eq!(
            params,
            json!({
                "items": [{"qty": 1, "scan": "S0"}, {"scan": "S1"}],
                "invoice": "I",
                "photos": ["P0b", "P1"],
                "order": {"attachment": "A"}
            })
        );
        let refused = fill(&mut params, &place("photos[3]"), "X").unwrap_err();
        assert_eq!(
            refused.to_string(),
            "--file photos[3]: index 3 is past the end of photos, which has 2 elements (an \
             index may be at most the length)"
        );
        let mut wrong = json!({"order": "none"});
        assert!(matches!(
            fill(&mut wrong, &place("order.attachment"), "A"),
            Err(FileRefusal::InTheWay { .. })
        ));
    }

    #[test]
    fn an_uploaded_file_is_a_file_id_on_the_cloud_and_a_url_on_studio() {
        assert_eq!(
            file_value(FileValues::UrlOrFileId, Some("73"), None).as_deref(),
            Some(r#"{"file_id":"73"}"#)
        );
        assert_eq!(
            file_value(FileValues::UrlOnly, Some("73"), Some("http://s/x")).as_deref(),
            Some("http://s/x")
        );
        assert_eq!(file_value(FileValues::UrlOnly, Some("73"), None), None);
        for files in [FileValues::UrlOrFileId, FileValues::UrlOnly] {
            assert!(files.accepts(placeholder(files)));
        }
    }

    #[test]
    fn file_arguments_split_at_the_first_equals_outside_quotes() {
        assert_eq!(
            FileArg::parse("photos[0]=./a=b.jpg"),
            Ok(FileArg {
                path: "photos[0]".into(),
                file: "./a=b.jpg".into()
            })
        );
        assert_eq!(
            FileArg::parse(r#"["a=b"]=x"#).map(|a| a.path),
            Ok(r#"["a=b"]"#.into())
        );
        assert!(FileArg::parse("invoice").is_err());
        assert!(FileArg::parse("=x").is_err());
        assert!(FileArg::parse("x=").is_err());
    }
}
