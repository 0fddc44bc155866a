//! Where WorkflowInfo documents come from: a file, stdin, or bytes already in memory.
//!
//! Loading checks size and nesting before parsing, unwraps the response envelope (an error
//! envelope becomes [`Error::Api`]), and insists on `input` being present.

pub mod canvas;
pub mod error;

use crate::limits::{MAX_DOCUMENT_BYTES, MAX_JSON_DEPTH};
pub use error::Error;

/// Shorthand for results of reading documents.
pub type Result<T, E = Error> = std::result::Result<T, E>;
use crate::json::Deep;
use crate::model::{Document, Object, Scalar, WorkflowInfo};
use crate::text::printable;
use serde::Deserialize;
use std::io::Read;
use std::path::Path;

/// Reads a document from `path`, or from stdin when `path` is `-`.
pub fn load_path(path: impl AsRef<Path>) -> Result<WorkflowInfo> {
    let (name, bytes) = read_source(path.as_ref())?;
    load_slice(&bytes, &name)
}

/// Reads any JSON document (such as a `parameters` object) from `path`, or stdin for `-`,
/// with the same size and depth limits as WorkflowInfo documents.
pub fn read_json(path: impl AsRef<Path>) -> Result<Deep> {
    let path = path.as_ref();
    let (name, bytes) = read_source(path)?;
    parse_json(&bytes, &name)
}

/// [`read_json`], with the text it was parsed from (to quote its values as written).
pub fn read_json_with_text(path: impl AsRef<Path>) -> Result<(Deep, Vec<u8>)> {
    let path = path.as_ref();
    let (name, bytes) = read_source(path)?;
    let deep = parse_json(&bytes, &name)?;
    Ok((deep, bytes))
}

/// Parses any JSON document held in memory, with the limits of [`read_json`].
pub fn parse_json(bytes: &[u8], source_name: &str) -> Result<Deep> {
    check_limits(bytes, source_name)?;
    Deep::from_slice(bytes).map_err(|e| json_error(e, String::new(), source_name))
}

/// What every document is checked for before it is parsed: its size, that it holds something,
/// and its nesting, which it returns.
fn check_limits(bytes: &[u8], source_name: &str) -> Result<usize> {
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(Error::TooLarge {
            source_name: source_name.to_owned(),
            limit: MAX_DOCUMENT_BYTES,
        });
    }
    check_not_empty(bytes, source_name)?;
    check_depth(bytes, source_name)
}

fn read_source(path: &Path) -> Result<(String, Vec<u8>)> {
    if path.as_os_str() == "-" {
        Ok((
            "<stdin>".to_owned(),
            read_limited(std::io::stdin().lock(), "<stdin>")?,
        ))
    } else {
        let name = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|source| Error::Read {
            source_name: name.clone(),
            source,
        })?;
        let bytes = read_limited(file, &name)?;
        Ok((name, bytes))
    }
}

fn read_limited(reader: impl Read, name: &str) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_DOCUMENT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| Error::Read {
            source_name: name.to_owned(),
            source,
        })?;
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(Error::TooLarge {
            source_name: name.to_owned(),
            limit: MAX_DOCUMENT_BYTES,
        });
    }
    Ok(bytes)
}

/// Parses a document held in memory; `source_name` names it in error messages.
pub fn load_slice(bytes: &[u8], source_name: &str) -> Result<WorkflowInfo> {
    let depth = check_limits(bytes, source_name)?;
    // The canvas of a Coze Studio document is converted on the same stack: it is as deep as the
    // document.
    on_stack(depth, source_name, || {
        let document = parse(bytes, source_name)?;
        unwrap_envelope(document, source_name)
    })
}

fn parse(bytes: &[u8], source_name: &str) -> Result<Document> {
    // The fast path parses without tracking where it is; only when that fails is the document
    // parsed again with serde_path_to_error, so the error can name the path.
    let mut de = serde_json::Deserializer::from_slice(bytes);
    // Depth is bounded by `check_depth`, and the caller gave this thread the stack for it
    // (`on_stack`), so serde_json's own limit of 128 levels would only reject documents
    // cozegen can handle.
    de.disable_recursion_limit();
    if let Ok(Object(document)) = Object::<Document>::deserialize(&mut de) {
        de.end()
            .map_err(|e| json_error(e, String::new(), source_name))?;
        return Ok(document);
    }
    if let Some(error) = not_an_object(bytes, source_name) {
        return Err(error);
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    de.disable_recursion_limit();
    let error = match serde_path_to_error::deserialize::<_, Object<Document>>(&mut de) {
        Err(e) => {
            let path = known_segments(&e.path().to_string());
            json_error(e.into_inner(), path, source_name)
        }
        Ok(_) => Error::Internal("a document failed to parse once and then parsed".to_owned()),
    };
    Err(error)
}

/// A serde_path_to_error path without the `?` it writes for a step it could not name: the
/// path stops being exact there, and a reader is better served by where it still is.
fn known_segments(path: &str) -> String {
    if !path.contains('?') {
        return path.to_owned();
    }
    let mut out = String::with_capacity(path.len());
    for segment in path.split('.') {
        if segment == "?" || segment.starts_with("?[") {
            break;
        }
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(segment);
    }
    out
}

/// A document that is not a JSON object at all, said in the user's terms: a WorkflowInfo or a
/// canvas was expected, and this is what was found instead (an array, a string, text that is
/// not JSON). `None` for a JSON object, whose errors name their path.
fn not_an_object(bytes: &[u8], source_name: &str) -> Option<Error> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    let found = match bytes[start] {
        b'{' => return None,
        _ => {
            let mut de = serde_json::Deserializer::from_slice(bytes);
            de.disable_recursion_limit();
            if let Err(e) = serde::de::IgnoredAny::deserialize(&mut de).and_then(|_| de.end()) {
                let error = json_error(e, String::new(), source_name);
                let Error::Json { message, .. } = &error else {
                    return Some(error);
                };
                return Some(Error::NotAWorkflow {
                    source_name: source_name.to_owned(),
                    found: format!("text that is not JSON ({message})"),
                    line: error_line(&error),
                    column: error_column(&error),
                });
            }
            match bytes[start] {
                b'[' => "a JSON array",
                b'"' => "a JSON string",
                b't' | b'f' => "a JSON boolean",
                b'n' => "JSON null",
                _ => "a JSON number",
            }
        }
    };
    let line = 1 + bytes[..start].iter().filter(|&&b| b == b'\n').count();
    let column = start
        - bytes[..start]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1)
        + 1;
    Some(Error::NotAWorkflow {
        source_name: source_name.to_owned(),
        found: found.to_owned(),
        line,
        column,
    })
}

fn error_line(error: &Error) -> usize {
    match error {
        Error::Json { line, .. } => *line,
        _ => 1,
    }
}

fn error_column(error: &Error) -> usize {
    match error {
        Error::Json { column, .. } => *column,
        _ => 1,
    }
}

fn json_error(e: serde_json::Error, path: String, source_name: &str) -> Error {
    // serde_json appends " at line L column C" to its messages; the error already says where.
    let message = e.to_string();
    let message = match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message,
    };
    Error::Json {
        source_name: source_name.to_owned(),
        line: e.line(),
        column: e.column(),
        path: printable(&path, 240),
        message: printable(&message, 240),
    }
}

/// An empty file or stdin says so, rather than "EOF while parsing a value".
fn check_not_empty(bytes: &[u8], source_name: &str) -> Result<()> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::Empty {
            source_name: source_name.to_owned(),
        });
    }
    Ok(())
}

/// Rejects JSON nested deeper than [`MAX_JSON_DEPTH`] before any recursive parsing starts,
/// and otherwise gives its depth. The line and column of the error are only worked out when
/// there is one.
fn check_depth(bytes: &[u8], source_name: &str) -> Result<usize> {
    crate::json::depth(bytes, MAX_JSON_DEPTH).map_err(|i| {
        let line_start = bytes[..i]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        Error::JsonTooDeep {
            source_name: source_name.to_owned(),
            line: 1 + bytes[..i].iter().filter(|&&b| b == b'\n').count(),
            column: i - line_start + 1,
            limit: MAX_JSON_DEPTH,
            param_limit: crate::limits::MAX_DEPTH,
        }
    })
}

/// Runs `read`, which recurses once per level of a document nested `depth` deep, where it has
/// the stack for it (see [`crate::json::with_stack`]).
pub(crate) fn on_stack<R: Send>(
    depth: usize,
    source_name: &str,
    read: impl FnOnce() -> Result<R> + Send,
) -> Result<R> {
    crate::json::with_stack(depth, read).unwrap_or_else(|source| {
        Err(Error::ReaderThread {
            source_name: source_name.to_owned(),
            depth,
            source,
        })
    })
}

/// The envelope's `code` as shown in an error, or `None` when it means success: absent, `null`,
/// a number equal to zero (`0`, `0.0`, `-0`) or the text `"0"`.
fn failure_code(code: Option<&Scalar>) -> Option<String> {
    match code? {
        Scalar::Number(n) if n.as_f64() == Some(0.0) => None,
        Scalar::String(s) if s.trim() == "0" => None,
        Scalar::Json(text) if text == "null" => None,
        Scalar::Json(other) => Some(other.clone()),
        other => other.as_text(),
    }
}

fn unwrap_envelope(document: Document, source_name: &str) -> Result<WorkflowInfo> {
    if let Some(code) = failure_code(document.code.as_ref()) {
        return Err(Error::Api {
            code: printable(&code, 40),
            msg: printable(
                &document
                    .msg
                    .as_ref()
                    .and_then(Scalar::as_text)
                    .unwrap_or_default(),
                500,
            ),
            logid: document
                .detail
                .as_ref()
                .and_then(|d| d.logid.as_ref())
                .and_then(Scalar::as_text)
                .map(|l| printable(&l, 120)),
        });
    }
    if let Some(nodes) = &document.nodes {
        return crate::source::canvas::to_info(nodes.value(), "nodes", source_name, None, None);
    }
    let info = match document.data {
        Some(data) if data.input.is_none() && data.workflow.is_some() => {
            return canvas_answer(data, source_name);
        }
        Some(data) => data,
        None if document.input.is_some()
            || document.workflow_detail.is_some()
            || document.output.is_some() =>
        {
            WorkflowInfo {
                input: document.input,
                output: document.output,
                workflow_detail: document.workflow_detail,
                ..WorkflowInfo::default()
            }
        }
        None if document.code.is_some() => {
            return Err(Error::MissingData {
                source_name: source_name.to_owned(),
            });
        }
        None => WorkflowInfo::default(),
    };
    if info.input.is_none() && info.role.is_some() {
        return Err(Error::StudioAnswer {
            source_name: source_name.to_owned(),
        });
    }
    if info.input.is_none() {
        return Err(Error::MissingInput {
            source_name: source_name.to_owned(),
        });
    }
    Ok(info)
}

/// Coze Studio's `GetCanvasInfo` answer: the canvas is JSON text in `data.workflow.schema_json`.
fn canvas_answer(data: WorkflowInfo, source_name: &str) -> Result<WorkflowInfo> {
    const AT: &str = "data.workflow.schema_json";
    let workflow = data.workflow.unwrap_or_default();
    let text = match &workflow.schema_json {
        Some(Scalar::String(text)) => text.clone(),
        // A canvas given as JSON rather than as JSON text is read all the same.
        Some(Scalar::Json(text)) if text != "null" => text.clone(),
        _ => {
            return Err(Error::Canvas {
                source_name: source_name.to_owned(),
                path: AT.to_owned(),
                message: "Coze Studio's canvas answer holds no canvas: `schema_json` is missing \
                          or not JSON text"
                    .to_owned(),
            });
        }
    };
    let inner_name = format!("{source_name} ({AT})");
    let canvas = parse_json(text.as_bytes(), &inner_name)?;
    let Some(nodes) = canvas.value().get("nodes") else {
        return Err(Error::Canvas {
            source_name: source_name.to_owned(),
            path: AT.to_owned(),
            message: "the canvas has no `nodes`".to_owned(),
        });
    };
    let creator = workflow.creator.map(|c| crate::model::UserInfo {
        id: c.id,
        name: c.name,
    });
    let flow_mode = workflow.flow_mode.as_ref().and_then(Scalar::as_text);
    let basic = crate::model::WorkflowBasic {
        workflow_id: workflow.workflow_id,
        workflow_name: workflow.name,
        description: workflow.desc,
        app_id: workflow.project_id,
        icon_url: workflow.url.or(workflow.icon_uri),
        created_at: workflow.create_time,
        updated_at: workflow.update_time,
        creator,
    };
    // The canvas text is nested deeper than the answer that holds it as a string.
    let depth = crate::json::depth(text.as_bytes(), MAX_JSON_DEPTH).unwrap_or(MAX_JSON_DEPTH);
    on_stack(depth, &inner_name, || {
        crate::source::canvas::to_info(nodes, "nodes", &inner_name, Some(basic), flow_mode)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<WorkflowInfo> {
        load_slice(text.as_bytes(), "doc.json")
    }

    const INPUT: &str = r#""input":{"parameters":{"a":{"type":"string"}}}"#;

    #[test]
    fn every_spelling_of_a_zero_code_is_success() {
        for code in ["0", "0.0", "-0", "0e5", r#""0""#, r#"" 0 ""#, "null"] {
            let doc = format!(r#"{{"code":{code},"data":{{{INPUT}}}}}"#);
            assert!(load(&doc).is_ok(), "code {code}");
        }
    }

    #[test]
    fn any_other_code_is_an_api_error_quoting_it() {
        for (code, shown) in [
            ("4101", "4101"),
            ("-1", "-1"),
            ("0.5", "0.5"),
            (r#""E1""#, "E1"),
            ("true", "true"),
            ("[]", "[]"),
            ("{}", "{}"),
        ] {
            let doc = format!(r#"{{"code":{code},"msg":"no","data":{{{INPUT}}}}}"#);
            match load(&doc) {
                Err(Error::Api { code, .. }) => assert_eq!(code, shown),
                other => panic!("code {code}: {other:?}"),
            }
        }
    }

    #[test]
    fn paths_stop_where_serde_path_to_error_lost_track() {
        assert_eq!(known_segments("input.parameters.a"), "input.parameters.a");
        assert_eq!(known_segments("input.?.x"), "input");
        assert_eq!(known_segments("data.?[2]"), "data");
        assert_eq!(known_segments("?"), "");
        assert_eq!(known_segments("."), ".");
    }

    #[test]
    fn a_coze_studio_answer_is_named_for_what_it_is() {
        let studio = r#"{"code":0,"msg":"","data":{"role":{"name":"bot"},"workflow_detail":{"workflow_id":"7"}}}"#;
        let err = load(studio).expect_err("no start node");
        assert!(matches!(err, Error::StudioAnswer { .. }), "{err:?}");
        assert!(err.to_string().contains("Coze Studio"), "{err}");
        let cloud = r#"{"code":0,"msg":"","data":{"workflow_detail":{"workflow_id":"7"}}}"#;
        assert!(matches!(load(cloud), Err(Error::MissingInput { .. })));
    }

    #[test]
    fn empty_documents_say_so() {
        for text in ["", " \n\t"] {
            assert!(matches!(load(text), Err(Error::Empty { .. })), "{text:?}");
        }
    }

    #[test]
    fn arrays_are_not_read_as_objects() {
        // At the top, an array is not a workflow at all: the error says what was expected.
        match load("[1, 2]") {
            Err(Error::NotAWorkflow { found, .. }) => assert_eq!(found, "a JSON array"),
            other => panic!("[1, 2]: {other:?}"),
        }
        for (doc, path) in [
            (
                r#"{"code":0,"data":[{"workflow_name":"x"},[]]}"#.to_owned(),
                "data",
            ),
            (r#"{"input":[{"a":{"type":"string"}}]}"#.to_owned(), "input"),
            (
                r#"{"input":{"parameters":{"a":[]}}}"#.to_owned(),
                "input.parameters.a",
            ),
            (
                r#"{"input":{"parameters":{"a":{"type":"array","items":[]}}}}"#.to_owned(),
                "input.parameters.a.items",
            ),
            (
                format!(r#"{{{INPUT},"workflow_detail":{{"creator":["me"]}}}}"#),
                "workflow_detail.creator",
            ),
            (format!(r#"{{{INPUT},"output":[]}}"#), "output"),
        ] {
            match load(&doc) {
                Err(Error::Json {
                    path: p, message, ..
                }) => {
                    assert_eq!(p, path, "{doc}");
                    assert!(message.contains("expected a JSON object"), "{message}");
                }
                other => panic!("{doc}: {other:?}"),
            }
        }
    }
}
