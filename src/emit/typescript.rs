//! TypeScript declarations of a node's parameters (`cozegen ts`).
//!
//! One `export interface` per object (the root first, then nested objects in document order),
//! named like the Rust structs; optional parameters are `?:`; names that are not identifiers
//! are quoted; descriptions and defaults become JSDoc, with `*/` neutralized so no text from
//! the document can end a comment.

use super::Node;
use crate::error::Result;
use crate::ir::path::{is_plain, needs_escape, push_escaped, quote};
use crate::ir::{Object, Type, Workflow};
use askama::Template;

/// Choices for the TypeScript artifact.
#[derive(Debug, Clone, Default)]
pub struct TsOptions {
    pub node: Node,
}

#[derive(Template)]
#[template(path = "ts/module.ts", escape = "none")]
struct ModuleView {
    interfaces: Vec<InterfaceView>,
}

struct InterfaceView {
    doc: Vec<String>,
    name: String,
    fields: Vec<FieldView>,
}

struct FieldView {
    doc: Vec<String>,
    key: String,
    optional: bool,
    ty: String,
}

/// The declarations as TypeScript source text.
pub fn render(workflow: &Workflow, options: &TsOptions) -> Result<String> {
    crate::stack::run(|| {
        let root = options.node.root(workflow);
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
            if let Some(plan) = &workflow.output.terminate_plan {
                root_doc.extend(doc_lines(&format!("terminate_plan: {plan}")));
            }
            if let Some(content) = &workflow.output.content {
                root_doc.extend(doc_lines(&format!("Answer content: {content}")));
            }
        }
        let mut interfaces = Vec::new();
        collect(root, root_doc, &mut interfaces);
        Ok(ModuleView { interfaces }.render()?)
    })
}

/// Adds `object`'s interface, then those of the objects it contains, in document order.
fn collect(object: &Object, doc: Vec<String>, out: &mut Vec<InterfaceView>) {
    let mut fields = Vec::with_capacity(object.fields.len());
    let mut nested = Vec::new();
    for field in &object.fields {
        let mut doc = field
            .description
            .as_deref()
            .map(doc_lines)
            .unwrap_or_default();
        if let Some(note) = type_note(&field.ty) {
            doc.push(note);
        }
        if let Some(default) = &field.default {
            doc.extend(doc_lines(&format!("@default {default}")));
        }
        fields.push(FieldView {
            doc,
            key: key(&field.name),
            optional: !field.required,
            ty: ts_type(&field.ty),
        });
        nested_objects(&field.ty, &mut nested);
    }
    let mut doc = doc;
    if let Some(wanted) = &object.wanted_name {
        doc.push(format!(
            "Named `{}` because `{wanted}` is taken.",
            object.type_name
        ));
    }
    out.push(InterfaceView {
        doc,
        name: object.type_name.clone(),
        fields,
    });
    for (object, doc) in nested {
        collect(object, doc, out);
    }
}

fn nested_objects<'a>(ty: &'a Type, out: &mut Vec<(&'a Object, Vec<String>)>) {
    match ty {
        Type::Object(o) => out.push((o, Vec::new())),
        Type::Array(a) => {
            if let (Type::Object(o), Some(d)) = (&a.items, &a.description) {
                out.push((o, doc_lines(d)));
            } else {
                nested_objects(&a.items, out);
            }
        }
        _ => {}
    }
}

fn ts_type(ty: &Type) -> String {
    match ty {
        Type::String | Type::Time | Type::File(_) => "string".to_owned(),
        Type::Integer | Type::Number => "number".to_owned(),
        Type::Boolean => "boolean".to_owned(),
        Type::Object(o) => o.type_name.clone(),
        Type::Map => "Record<string, unknown>".to_owned(),
        Type::Array(a) => match &a.items {
            Type::Map => "Array<Record<string, unknown>>".to_owned(),
            items => format!("{}[]", ts_type(items)),
        },
        Type::Any(_) => "unknown".to_owned(),
    }
}

/// What the TypeScript type cannot say by itself.
fn type_note(ty: &Type) -> Option<String> {
    match ty {
        Type::Integer => Some("An integer.".to_owned()),
        Type::Time => Some("Coze `time`: text in `yyyy-MM-dd HH:mm:ss` form.".to_owned()),
        Type::File(kind) => Some(format!(
            "Coze file (`{}`): a file URL, or the JSON text `{{\"file_id\":\"…\"}}` from the upload endpoint.",
            kind.coze_name()
        )),
        Type::Any(Some(name)) => {
            Some(doc_lines(&format!("Coze type `{name}`, unknown to cozegen.")).join(" "))
        }
        _ => None,
    }
}

/// A property key: bare when it is an identifier, otherwise a quoted string literal (cozegen's
/// path quoting escapes exactly what a TypeScript string literal needs, and the invisible
/// characters that could disguise a name).
fn key(name: &str) -> String {
    if is_plain(name) {
        name.to_owned()
    } else {
        quote(name)
    }
}

/// Text as JSDoc lines: split on every line break, control characters turned into spaces,
/// invisible formatting characters (bidi overrides, zero-width joiners: "Trojan Source" text
/// that reads differently from what it is) written as `\u{…}`, and `*/` broken up so that the
/// comment cannot be closed from inside.
fn doc_lines(text: &str) -> Vec<String> {
    text.split(['\n', '\r', '\u{2028}', '\u{2029}'])
        .map(|line| {
            let mut clean = String::with_capacity(line.len());
            for c in line.chars() {
                if c.is_control() {
                    clean.push(' ');
                } else if needs_escape(c) {
                    push_escaped(&mut clean, c);
                } else {
                    clean.push(c);
                }
            }
            clean.replace("*/", "*\\/").trim_end().to_owned()
        })
        .filter(|line| !line.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_lines_cannot_close_the_comment_or_hide_reordered_text() {
        assert_eq!(
            doc_lines("a */ b\r\nc\u{1b}[31m\u{2028}d\u{202e}e\u{200b}f\u{feff}"),
            ["a *\\/ b", "c [31m", "d\\u{202e}e\\u{200b}f\\u{feff}"]
        );
        assert!(doc_lines(" \n\t").is_empty());
    }
}
