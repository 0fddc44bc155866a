//! TypeScript declarations of a node's parameters (`cozegen ts`).
//!
//! One `export interface` per object of the IR's table (the root first, then nested objects
//! in document order), named like the Rust structs; optional parameters are `?:`; each
//! property's key is the IR's ([`Lang::TypeScript`]: the wire name, quoted where it is not an
//! identifier); descriptions, defaults and the value rules a TypeScript type
//! cannot state (integer range, `time` and file forms) become JSDoc, with `*/` neutralized so no
//! text from the document can end a comment. With open objects, interfaces get an index
//! signature for the extra keys the rules allow. A chatflow's start node also gets
//! `ChatMessage` and `ChatRequest`, the body of its chat call.
//!
//! With [`TsOptions::run_helpers`] (the default), the run helpers follow the declarations, as
//! in the Rust module: `WORKFLOW_ID` when the IR has a run id, `RunRequest` and `runRequest`
//! for a workflow's start node (a chatflow is not run but chatted with: `ChatRequest`), and
//! `RunOutput`, `parseOutput`, `parseRunAnswer` and `RunError` for the end node. Nothing from
//! the document goes into them but the root's type name, the required variables' names (as
//! string literals) and the id's digits.

use crate::artifact::{Artifact, File, NODE, Rendered, Setting, Settings};
use crate::emit::Result;
use crate::ir::Node;
use crate::ir::{Lang, Type, Types, Workflow};
use crate::text::{needs_escape, push_escaped, quote};
use askama::Template;

/// Choices for the TypeScript artifact.
#[derive(Debug, Clone)]
pub struct TsOptions {
    /// The node to describe: the start node (the default) or the end node.
    pub node: Node,
    /// Whether to add the run helpers (on by default): `WORKFLOW_ID`, and with the start node
    /// `RunRequest` and `runRequest`, with the end node `parseOutput`, `parseRunAnswer` and
    /// `RunError`. They build and read JSON only: no HTTP client.
    pub run_helpers: bool,
}

impl Default for TsOptions {
    fn default() -> Self {
        TsOptions {
            node: Node::Input,
            run_helpers: true,
        }
    }
}

#[derive(Template)]
#[template(path = "ts/module.ts", escape = "none")]
struct ModuleView {
    interfaces: Vec<InterfaceView>,
    /// `WORKFLOW_ID`'s value: digits only (the IR's run id).
    workflow_id: Option<String>,
    id_doc: Vec<String>,
    run_request: Option<RunRequestView>,
    run_answer: Option<RunAnswerView>,
}

struct RunRequestView {
    /// The start node's root interface.
    parameters: String,
    /// Whether `WORKFLOW_ID` is there to default to.
    has_id: bool,
}

struct RunAnswerView {
    doc: Vec<String>,
    /// `RunOutput`: the end node's root interface, or `string` for an answer template.
    output: String,
    /// `data` is the answer template's text, not JSON.
    text_output: bool,
    /// The root's required wire names as string literals, comma-separated.
    required: String,
}

struct InterfaceView {
    doc: Vec<String>,
    name: String,
    fields: Vec<FieldView>,
    /// `[key: string]: unknown;` for an open object.
    open: bool,
}

struct FieldView {
    doc: Vec<String>,
    key: String,
    optional: bool,
    ty: String,
}

/// The declarations as TypeScript source text.
pub fn render(workflow: &Workflow, options: &TsOptions) -> Result<String> {
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
    let interfaces = types
        .objects()
        .map(|(id, object)| {
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
                            "@default {}",
                            types.value_json(default)
                        )));
                    }
                    FieldView {
                        doc,
                        key: field.ident(Lang::TypeScript).to_owned(),
                        optional: !field.required,
                        ty: ts_type(types, &field.ty),
                    }
                })
                .collect();
            InterfaceView {
                doc,
                name: object.type_name.clone(),
                fields,
                open: !object.closed,
            }
        })
        .collect::<Vec<_>>();
    let mut interfaces = interfaces;
    if options.node == Node::Input && options.run_helpers {
        interfaces.extend(chat_interfaces(workflow));
    }
    let run_id = workflow
        .details
        .run_id
        .clone()
        .filter(|_| options.run_helpers);
    let id_doc = doc_lines(&match &workflow.details.name {
        Some(name) => format!(
            "The ID of the Coze workflow `{name}`: the `workflow_id` its runs are sent with."
        ),
        None => {
            "The ID of this Coze workflow: the `workflow_id` its runs are sent with.".to_owned()
        }
    });
    let root = types.root();
    let run_request = (options.run_helpers
        && options.node == Node::Input
        && workflow.chat.is_none())
    .then(|| RunRequestView {
        parameters: root.type_name.clone(),
        has_id: run_id.is_some(),
    });
    let run_answer = (options.run_helpers && options.node == Node::Output).then(|| {
        let text_output = workflow.output_is_text();
        let doc = if text_output {
            vec![
                "What a run returns: the text of the end node's answer template (`terminate_plan`"
                    .to_owned(),
                format!(
                    "`use_answer_content`), which `data` holds as it is. `{}` lists the variables \
                     the template is filled from.",
                    root.type_name
                ),
            ]
        } else {
            vec![
                "What a run returns: the end node's variables, read from the JSON text in the \
                 answer's `data`."
                    .to_owned(),
            ]
        };
        let required: Vec<String> = root
            .fields
            .iter()
            .filter(|f| f.required)
            .map(|f| quote(&f.name))
            .collect();
        RunAnswerView {
            doc,
            output: if text_output {
                "string".to_owned()
            } else {
                root.type_name.clone()
            },
            text_output,
            required: required.join(", "),
        }
    });
    Ok(ModuleView {
        interfaces,
        workflow_id: run_id,
        id_doc,
        run_request,
        run_answer,
    }
    .render()?)
}

/// A chatflow's chat request, `ChatMessage` and `ChatRequest` (the body of
/// `POST /v1/workflows/chat`): the user's message goes in `additional_messages`, and the IR
/// leaves `USER_INPUT` out of the parameters. None for a workflow. Both names are the
/// emitter's helpers, which no generated type takes ([`crate::ir::names`]).
fn chat_interfaces(workflow: &Workflow) -> Vec<InterfaceView> {
    const NAMES: [&str; 2] = ["ChatMessage", "ChatRequest"];
    if workflow.chat.is_none() {
        return Vec::new();
    }
    let field = |doc: &str, key: &str, optional: bool, ty: &str| FieldView {
        doc: doc_lines(doc),
        key: key.to_owned(),
        optional,
        ty: ty.to_owned(),
    };
    vec![
        InterfaceView {
            doc: doc_lines("One message of a chat request's `additional_messages`."),
            name: NAMES[0].to_owned(),
            fields: vec![
                field(
                    "Who says it: `user`, or `assistant` for an earlier answer given as history.",
                    "role",
                    false,
                    "\"user\" | \"assistant\"",
                ),
                field("The message's text.", "content", false, "string"),
                field("Always `text`.", "content_type", false, "\"text\""),
            ],
            open: false,
        },
        InterfaceView {
            doc: doc_lines(
                "The body of `POST /v1/workflows/chat` for this chatflow: the user's message in \
                 `additional_messages` (the chatflow's `USER_INPUT`, which the chat API ignores \
                 in `parameters`), and the other parameters in `parameters`.",
            ),
            name: NAMES[1].to_owned(),
            fields: vec![
                field("The chatflow's ID.", "workflow_id", false, "string"),
                field(
                    "The app to chat in: Coze needs an app (`app_id`) or an agent (`bot_id`).",
                    "app_id",
                    true,
                    "string",
                ),
                field(
                    "The messages: the last is the user's message.",
                    "additional_messages",
                    false,
                    "ChatMessage[]",
                ),
                field(
                    "The chatflow's parameters besides the message.",
                    "parameters",
                    false,
                    &workflow.input.root().type_name,
                ),
            ],
            open: false,
        },
    ]
}

/// The TypeScript type of `ty`: arrays of arrays as `T[][]`, looked through without recursion.
fn ts_type(types: &Types, ty: &Type) -> String {
    let mut depth = 0;
    let mut ty = ty;
    while let Type::Array(id) = ty {
        depth += 1;
        ty = &types.array(*id).items;
    }
    let base = match ty {
        Type::String | Type::Time | Type::File(_) => "string".to_owned(),
        Type::Integer | Type::Number => "number".to_owned(),
        Type::Boolean => "boolean".to_owned(),
        Type::Object(id) => types.object(*id).type_name.clone(),
        Type::Map if depth > 0 => {
            depth -= 1;
            "Array<Record<string, unknown>>".to_owned()
        }
        Type::Map => "Record<string, unknown>".to_owned(),
        Type::Any(_) => "unknown".to_owned(),
        Type::Array(_) => unreachable!("arrays were looked through"),
    };
    let mut out = String::with_capacity(base.len() + 2 * depth);
    out.push_str(&base);
    for _ in 0..depth {
        out.push_str("[]");
    }
    out
}

/// What the TypeScript type cannot say by itself: the rule a value must follow
/// ([`crate::ir::rules::Rule::note`]), on one line.
fn type_note(types: &Types, ty: &Type) -> Option<String> {
    let mut ty = ty;
    let mut elements = false;
    while let Type::Array(id) = ty {
        elements = true;
        ty = &types.array(*id).items;
    }
    let caveat = match ty {
        // A TypeScript `number` cannot hold every integer of the rule.
        Type::Integer => " (a JavaScript number is exact only up to 2^53)",
        Type::Time | Type::File(_) | Type::Any(Some(_)) => "",
        _ => return None,
    };
    let note = types.rule(ty).note()?.write(|code| format!("`{code}`"));
    // A declared type name is the document's text: one clean line of JSDoc.
    let note = format!("{}{caveat}.", doc_lines(&note).join(" "));
    Some(if elements {
        format!("Each element: {note}")
    } else {
        note
    })
}

/// Text as JSDoc lines: split on every line break, control characters turned into spaces,
/// invisible formatting characters (bidi overrides, zero-width joiners: "Trojan Source" text
/// that reads differently from what it is) written as `\u{…}`, and `*/` broken up so that the
/// comment cannot be closed from inside.
pub(crate) fn doc_lines(text: &str) -> Vec<String> {
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

/// The TypeScript artifact: `cozegen ts`, `input.ts` and `output.ts`.
pub static ARTIFACT: TypeScript = TypeScript;

/// The TypeScript artifact (see [`ARTIFACT`]).
#[derive(Debug)]
pub struct TypeScript;

const NO_RUN_HELPERS: Setting = Setting::switch(
    "no-run-helpers",
    "Leave out the run helpers: `WORKFLOW_ID`, and `runRequest` (start node) or \
     `parseOutput`, `parseRunAnswer` and `RunError` (end node)",
);

impl Artifact for TypeScript {
    fn name(&self) -> &'static str {
        "ts"
    }

    fn about(&self) -> &'static str {
        "TypeScript declarations of the start node's parameters (or the end node's)"
    }

    fn feature(&self) -> &'static str {
        "typescript"
    }

    fn files(&self) -> &'static [File] {
        &[
            File {
                name: "input.ts",
                node: Node::Input,
            },
            File {
                name: "output.ts",
                node: Node::Output,
            },
        ]
    }

    fn settings(&self) -> &'static [Setting] {
        &[NODE, NO_RUN_HELPERS]
    }

    fn render(&self, workflow: &Workflow, node: Node, settings: &Settings) -> Result<Rendered> {
        let options = TsOptions {
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
    fn doc_lines_cannot_close_the_comment_or_hide_reordered_text() {
        assert_eq!(
            doc_lines("a */ b\r\nc\u{1b}[31m\u{2028}d\u{202e}e\u{200b}f\u{feff}"),
            ["a *\\/ b", "c [31m", "d\\u{202e}e\\u{200b}f\\u{feff}"]
        );
        assert!(doc_lines(" \n\t").is_empty());
    }
}
