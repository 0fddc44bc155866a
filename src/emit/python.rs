//! Pydantic v2 models of a node's parameters (`cozegen python`).
//!
//! One `BaseModel` class per object of the IR's table, named in the IR, defined flat and
//! children first (the root last), so every class is complete when a class that uses it is
//! defined: no forward references, no rebuild, no recursion on the document's depth at import.
//! Each field's Python name is the IR's ([`Lang::Python`]), mapped to the wire name by an
//! `alias` where the two differ.
//!
//! The value rules ([`crate::ir::rules`]) become pydantic's: every model is
//! `ConfigDict(strict=True, extra="forbid")` (`extra="allow"` for the IR's open objects), so a
//! string `"42"` or a float is not an integer and unknown keys are refused; integers are
//! `CozeInteger` (`int` within the 64-bit bounds), `time` and file values `CozeTime` and
//! `CozeFile` (`str` with the IR's own pattern text, which pydantic runs on the same Rust regex
//! engine the schema's patterns were written for). An optional parameter is `T | MISSING` with
//! pydantic's `MISSING` sentinel as its default: absent stays absent when the model is dumped,
//! and `null` is refused (it is not a `T`). Defaults are not filled in: Coze applies them when a
//! parameter is absent, and the attribute docstring says so.
//!
//! With [`PythonOptions::run_helpers`] (the default), sans-IO run helpers follow, as in the Rust
//! and TypeScript modules: `WORKFLOW_ID` when the IR has a run id, `run_request` for a
//! workflow's start node (the body of `POST /v1/workflow/run`, for coze-py or any HTTP client),
//! and for the end node `RunOutput`, `parse_output` (a run's `data` read into the output model)
//! and the `RunError` it raises, naming the path of what is wrong. A chatflow's start node has
//! no `run_request`: it is chatted with, not run.
//!
//! Everything from the document reaches the output as data: names are the IR's identifiers,
//! wire names are string literals, descriptions are docstrings with every quote, backslash and
//! invisible or line-breaking character escaped, so no text can close a string or add code.

use crate::artifact::{Artifact, File, NODE, Rendered, Setting, Settings};
use crate::emit::Result;
use crate::ir::rules::{INTEGER_MAX, INTEGER_MIN, TIME_PATTERN};
use crate::ir::{FileKind, Lang, Node, Type, Types, Workflow};
use crate::text::needs_escape;
use askama::Template;
use std::fmt::Write as _;

/// The pydantic versions the generated module is written for: `MISSING` came with 2.12.
pub const PYDANTIC_REQUIREMENT: &str = "pydantic>=2.12,<3";

/// Choices for the Python artifact.
#[derive(Debug, Clone)]
pub struct PythonOptions {
    /// The node to describe: the start node (the default) or the end node.
    pub node: Node,
    /// Whether to add the run helpers (on by default).
    pub run_helpers: bool,
}

impl Default for PythonOptions {
    fn default() -> Self {
        PythonOptions {
            node: Node::Input,
            run_helpers: true,
        }
    }
}

#[derive(Template)]
#[template(path = "python/module.py", escape = "none")]
struct ModuleView {
    requirement: &'static str,
    integer_min: i64,
    integer_max: i64,
    /// `CozeTime`'s pattern as a Python string literal.
    time_pattern: String,
    /// `CozeFile`'s pattern as a Python string literal.
    file_pattern: String,
    /// The docstrings of `CozeInteger`, `CozeTime` and `CozeFile`: the IR's words for the rules.
    integer_doc: String,
    time_doc: String,
    file_doc: String,
    /// Children first, the root last.
    classes: Vec<ClassView>,
    /// `WORKFLOW_ID`'s value as a string literal (digits only: the IR's run id).
    workflow_id: Option<String>,
    id_doc: String,
    run_request: Option<RunRequestView>,
    run_answer: Option<RunAnswerView>,
    /// Whether `parse_output` reads JSON (`json` and `ValidationError` are imported).
    reads_json: bool,
}

struct RunRequestView {
    /// The root class.
    parameters: String,
}

struct RunAnswerView {
    /// `RunOutput`: the root class, or `str` for an answer template.
    output: String,
    /// `data` is the answer template's text, not JSON.
    text_output: bool,
    root: String,
}

struct ClassView {
    /// The docstring and the blank line after it, ready to write, or empty.
    doc: String,
    name: String,
    /// `"forbid"` or `"allow"`.
    extra: &'static str,
    fields: Vec<FieldView>,
}

struct FieldView {
    /// `name: type` or `name: type = default`, ready to write.
    line: String,
    /// The attribute docstring, ready to write, or empty.
    doc: String,
}

/// The module as Python source text.
pub fn render(workflow: &Workflow, options: &PythonOptions) -> Result<String> {
    let types = options.node.types(workflow);
    let mut root_doc = Vec::new();
    if let Some(name) = &workflow.details.name {
        let what = match options.node {
            Node::Input => "Parameters of a run of the Coze workflow",
            Node::Output => "What a run returns from the Coze workflow",
        };
        root_doc.extend(doc_lines(&format!("{what} `{name}`.")));
    }
    if let Some(description) = &workflow.details.description {
        root_doc.extend(doc_lines(description));
    }
    if options.node == Node::Output {
        if let Some(plan) = &workflow.terminate_plan {
            root_doc.extend(doc_lines(&format!("terminate_plan: {plan}")));
        }
        if let Some(content) = &workflow.content {
            root_doc.extend(doc_lines(&format!("Answer content: {content}")));
        }
    }
    let mut classes = Vec::with_capacity(types.objects.len());
    for (id, object) in types.objects() {
        let mut doc = if id == Types::ROOT {
            std::mem::take(&mut root_doc)
        } else {
            Vec::new()
        };
        for note in types.object_notes(id) {
            doc.extend(doc_lines(&note));
        }
        let fields = object
            .fields
            .iter()
            .map(|field| {
                let mut doc = field
                    .description
                    .as_deref()
                    .map(doc_lines)
                    .unwrap_or_default();
                if let Some(note) = type_note(types, &field.ty) {
                    doc.push(note);
                }
                if let Some(default) = field.default {
                    doc.extend(doc_lines(&format!(
                        "Default: `{}`; Coze applies it when the parameter is absent.",
                        types.value_json(default)
                    )));
                }
                let ident = field.ident(Lang::Python);
                let ty = py_type(types, &field.ty);
                let alias = (ident != field.name).then(|| py_str(&field.name));
                let mut line = format!("{ident}: ");
                match (field.required, alias) {
                    (true, None) => line.push_str(&ty),
                    (true, Some(alias)) => {
                        let _ = write!(line, "{ty} = Field(alias={alias})");
                    }
                    (false, alias) => {
                        // `Any` takes every value already; `MISSING` is its default only.
                        if !matches!(field.ty, Type::Any(_)) {
                            let _ = write!(line, "{ty} | MISSING");
                        } else {
                            line.push_str(&ty);
                        }
                        match alias {
                            Some(alias) => {
                                let _ = write!(line, " = Field(default=MISSING, alias={alias})");
                            }
                            None if matches!(field.ty, Type::Any(_)) => {
                                line.push_str(" = Field(default=MISSING)");
                            }
                            None => line.push_str(" = MISSING"),
                        }
                    }
                }
                FieldView {
                    line,
                    doc: docstring(&doc, "    "),
                }
            })
            .collect();
        let mut doc = docstring(&doc, "    ");
        if !doc.is_empty() {
            doc.push_str("\n\n");
        }
        classes.push(ClassView {
            doc,
            name: object.type_name.clone(),
            extra: if object.closed { "forbid" } else { "allow" },
            fields,
        });
    }
    classes.reverse();
    let run_id = workflow
        .details
        .run_id
        .as_deref()
        .filter(|_| options.run_helpers)
        .map(py_str);
    let id_doc = match &workflow.details.name {
        Some(name) => format!(
            "The ID of the Coze workflow `{name}`: the `workflow_id` its runs are sent with."
        ),
        None => {
            "The ID of this Coze workflow: the `workflow_id` its runs are sent with.".to_owned()
        }
    };
    let root = types.root();
    let run_request = (options.run_helpers
        && options.node == Node::Input
        && workflow.chat.is_none())
    .then(|| RunRequestView {
        parameters: root.type_name.clone(),
    });
    let run_answer = (options.run_helpers && options.node == Node::Output).then(|| {
        let text_output = workflow.output_is_text();
        RunAnswerView {
            output: if text_output {
                "str".to_owned()
            } else {
                root.type_name.clone()
            },
            text_output,
            root: root.type_name.clone(),
        }
    });
    let reads_json = run_answer.as_ref().is_some_and(|a| !a.text_output);
    Ok(ModuleView {
        reads_json,
        requirement: PYDANTIC_REQUIREMENT,
        integer_min: INTEGER_MIN,
        integer_max: INTEGER_MAX,
        time_pattern: py_str(TIME_PATTERN),
        file_pattern: py_str(types.files.pattern()),
        integer_doc: rule_doc(types, &Type::Integer),
        time_doc: rule_doc(types, &Type::Time),
        file_doc: rule_doc(types, &Type::File(FileKind::Generic)),
        classes,
        workflow_id: run_id,
        id_doc: docstring(&doc_lines(&id_doc), ""),
        run_request,
        run_answer,
    }
    .render()?)
}

/// The Python type of `ty`: arrays of arrays as `list[list[T]]`, looked through without
/// recursion.
fn py_type(types: &Types, ty: &Type) -> String {
    let mut depth = 0;
    let mut ty = ty;
    while let Type::Array(id) = ty {
        depth += 1;
        ty = &types.array(*id).items;
    }
    let base = match ty {
        Type::String => "str",
        Type::Integer => "CozeInteger",
        Type::Number => "float",
        Type::Boolean => "bool",
        Type::Time => "CozeTime",
        Type::File(_) => "CozeFile",
        Type::Object(id) => &types.object(*id).type_name,
        Type::Map => "dict[str, Any]",
        Type::Any(_) => "Any",
        Type::Array(_) => unreachable!("arrays were looked through"),
    };
    let mut out = String::with_capacity(base.len() + 6 * depth);
    for _ in 0..depth {
        out.push_str("list[");
    }
    out.push_str(base);
    for _ in 0..depth {
        out.push(']');
    }
    out
}

/// What the Python type cannot say by itself: the rule a value must follow
/// ([`crate::ir::rules::Rule::note`]), on one line.
fn type_note(types: &Types, ty: &Type) -> Option<String> {
    let mut ty = ty;
    let mut elements = false;
    while let Type::Array(id) = ty {
        elements = true;
        ty = &types.array(*id).items;
    }
    if !matches!(
        ty,
        Type::Integer | Type::Time | Type::File(_) | Type::Any(Some(_))
    ) {
        return None;
    }
    let note = types.rule(ty).note()?.write(|code| format!("`{code}`"));
    let note = format!("{}.", doc_lines(&note).join(" "));
    Some(if elements {
        format!("Each element: {note}")
    } else {
        note
    })
}

/// The docstring of a value type: its rule's note, in the IR's words.
fn rule_doc(types: &Types, ty: &Type) -> String {
    let note = types
        .rule(ty)
        .note()
        .map(|note| note.write(|code| format!("`{code}`")))
        .unwrap_or_default();
    docstring(&doc_lines(&format!("{note}.")), "")
}

/// Text as docstring lines: split on every line break (Python's and Unicode's), blank lines
/// dropped, trailing space trimmed. The lines are escaped when the docstring is written.
fn doc_lines(text: &str) -> Vec<String> {
    text.split([
        '\n', '\r', '\u{2028}', '\u{2029}', '\u{85}', '\u{b}', '\u{c}',
    ])
    .map(|line| line.trim_end().to_owned())
    .filter(|line| !line.is_empty())
    .collect()
}

/// `lines` as a triple-quoted docstring indented by `indent`, or nothing for no lines. Every
/// `\\` is escaped, and every `"` followed by another or ending a line, so no two unescaped
/// quotes ever meet: the string cannot be closed early.
fn docstring(lines: &[String], indent: &str) -> String {
    let line = |text: &str| {
        let escaped = escape(text);
        let mut out = String::with_capacity(escaped.len());
        let mut rest = escaped.split("\\\"").peekable();
        // `escape` wrote every quote as `\"`: keep the escape only where it is needed.
        while let Some(part) = rest.next() {
            out.push_str(part);
            if let Some(next) = rest.peek() {
                if next.is_empty() || next.starts_with('"') {
                    out.push_str("\\\"");
                } else {
                    out.push('"');
                }
            }
        }
        out
    };
    match lines {
        [] => String::new(),
        [one] => format!("{indent}\"\"\"{}\"\"\"", line(one)),
        lines => {
            let mut out = format!("{indent}\"\"\"{}\n", line(&lines[0]));
            for text in &lines[1..] {
                let _ = writeln!(out, "{indent}{}", line(text));
            }
            let _ = write!(out, "{indent}\"\"\"");
            out
        }
    }
}

/// `text` as a double-quoted Python string literal.
fn py_str(text: &str) -> String {
    format!("\"{}\"", escape(text))
}

/// The inside of a Python string literal: `\` and `"` escaped, and every control, invisible or
/// line-breaking character ([`needs_escape`]) written as `\x..`, `\u....` or `\U........`, so the
/// text stays on its line and reads as what it is.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) || c == '\u{85}' => {
                let u = c as u32;
                let _ = if u < 0x100 {
                    write!(out, "\\x{u:02x}")
                } else if u < 0x10000 {
                    write!(out, "\\u{u:04x}")
                } else {
                    write!(out, "\\U{u:08x}")
                };
            }
            c => out.push(c),
        }
    }
    out
}

/// The Python artifact: `cozegen python`, `input.py` and `output.py`.
pub static ARTIFACT: Python = Python;

/// The Python artifact (see [`ARTIFACT`]).
#[derive(Debug)]
pub struct Python;

const NO_RUN_HELPERS: Setting = Setting::switch(
    "no-run-helpers",
    "Leave out the run helpers: `WORKFLOW_ID`, and `run_request` (start node) or \
     `parse_output` and `RunError` (end node)",
);

impl Artifact for Python {
    fn name(&self) -> &'static str {
        "python"
    }

    fn about(&self) -> &'static str {
        "Pydantic v2 models of the start node's parameters (or the end node's)"
    }

    fn feature(&self) -> &'static str {
        "python"
    }

    fn files(&self) -> &'static [File] {
        &[
            File {
                name: "input.py",
                node: Node::Input,
            },
            File {
                name: "output.py",
                node: Node::Output,
            },
        ]
    }

    fn settings(&self) -> &'static [Setting] {
        &[NODE, NO_RUN_HELPERS]
    }

    fn render(&self, workflow: &Workflow, node: Node, settings: &Settings) -> Result<Rendered> {
        let options = PythonOptions {
            node,
            run_helpers: !settings.switch(NO_RUN_HELPERS.name),
        };
        render(workflow, &options).map(Rendered::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_cannot_be_closed_or_hide_text() {
        assert_eq!(
            py_str("a\"\"\"b\\\0\u{2028}\u{202e}\u{1d}\u{e0041}é"),
            "\"a\\\"\\\"\\\"b\\\\\\x00\\u2028\\u202e\\x1d\\U000e0041é\""
        );
        assert_eq!(
            docstring(&doc_lines("x\"\"\"\n\n\"y\" \\\"\u{2028}z\\\""), "  "),
            "  \"\"\"x\\\"\\\"\\\"\n  \"y\" \\\\\\\"\n  z\\\\\\\"\n  \"\"\""
        );
        assert!(docstring(&doc_lines(" \n\t"), "").is_empty());
    }
}
