//! The normalized IR as JSON (`cozegen ir`), for people who feed their own templates.
//!
//! The format is versioned by `cozegen_ir` and documented in `docs/validate-diff.md`. It shows
//! every decision cozegen made — identifiers, type names, typed defaults, and the value rules every
//! artifact follows — in the IR's own flat shape: each node's objects and arrays are listed once,
//! in output order, and types refer to them by index, so the document grows with the number of
//! parameters, not with the square of their depth. Paths are not written; each object and array
//! says where it is used (`parent`), which gives them.

use crate::artifact::{Artifact, File, Rendered, Setting, Settings};
use crate::emit::Result;
use crate::endpoints;
use crate::ir::rules::{
    EMPTY_ARRAY_RULE, FileValues, INTEGER_FORM, INTEGER_MAX, INTEGER_MIN, NULL_RULE, NUMBER_RULE,
    TIME_PATTERN,
};
use crate::ir::{CONVERSATION_PARAM, Lang, MESSAGE_PARAM, Parent, Platform, Type, Types, Workflow};
use crate::json::{Builder, Sink, Writer};
use askama::Template;

/// The version of the IR JSON format; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 3;

#[derive(Template)]
#[template(path = "ir/ir.json", escape = "none")]
struct IrView {
    ir: String,
}

/// The IR as a JSON value (the same document `render` prints), built level by level.
pub fn to_value(workflow: &Workflow) -> Result<crate::json::Deep> {
    let mut value = Builder::new();
    write(workflow, &mut value);
    Ok(crate::json::Deep::from(value.finish()))
}

/// The IR as pretty-printed JSON text, ending in a newline.
pub fn render(workflow: &Workflow) -> Result<String> {
    let size = |t: &Types| t.objects.iter().map(|o| o.fields.len()).sum::<usize>();
    let mut w = Writer::pretty(1024 + (size(&workflow.input) + size(&workflow.output)) * 256);
    write(workflow, &mut w);
    Ok(IrView { ir: w.finish() }.render()?)
}

fn write(workflow: &Workflow, w: &mut impl Sink) {
    w.begin_object();
    w.key("cozegen_ir");
    w.integer(FORMAT_VERSION);
    let d = &workflow.details;
    w.key("workflow");
    w.begin_object();
    for (key, value) in [
        ("id", &d.id),
        ("name", &d.name),
        ("description", &d.description),
        ("app_id", &d.app_id),
        ("icon_url", &d.icon_url),
        ("created_at", &d.created_at),
        ("updated_at", &d.updated_at),
        ("creator_id", &d.creator_id),
        ("creator_name", &d.creator_name),
    ] {
        w.entry_opt(key, value.as_deref());
    }
    w.entry_str(
        "platform",
        match d.platform {
            Platform::Cloud => "coze_cloud",
            Platform::Studio => "coze_studio",
        },
    );
    w.entry_opt("flow_mode", d.flow_mode.as_deref());
    w.entry_str(
        "kind",
        if workflow.is_chatflow() {
            "chatflow"
        } else {
            "workflow"
        },
    );
    w.end_object();
    call(w, workflow);
    rules(w, workflow.input.files);
    w.key("input");
    types(w, &workflow.input);
    w.key("output");
    w.begin_object();
    w.entry_opt(
        "terminate_plan",
        workflow.terminate_plan.as_ref().map(|p| p.as_str()),
    );
    w.entry_opt("content", workflow.content.as_deref());
    w.key("parameters");
    types(w, &workflow.output);
    w.end_object();
    w.end_object();
}

/// How a run is called: the endpoint, and for a chatflow where the user's message goes.
fn call(w: &mut impl Sink, workflow: &Workflow) {
    w.key("call");
    w.begin_object();
    match &workflow.chat {
        None => {
            w.entry_str("endpoint", endpoints::RUN.template);
            w.entry_str("stream_endpoint", endpoints::STREAM_RUN.template);
            w.entry_str("history_endpoint", workflow.run_history().template);
            w.key("message");
            w.null();
        }
        Some(chat) => {
            w.entry_str("endpoint", endpoints::CHAT.template);
            w.entry_str("stream_endpoint", endpoints::CHAT.template);
            w.entry_str("decided_by", chat.decided_by.name());
            w.key("message");
            w.begin_object();
            w.entry_str("parameter", MESSAGE_PARAM);
            w.key("declared");
            w.bool(chat.message_declared);
            w.entry_opt("description", chat.message_description.as_deref());
            w.key("required");
            w.bool(true);
            w.entry_str("goes_in", "additional_messages");
            w.entry_str("role", "user");
            w.entry_str("content_type", "text");
            w.end_object();
            w.entry_opt("app_id", workflow.details.run_app_id.as_deref());
            w.key("conversation_parameter");
            if chat.conversation_param {
                w.string(CONVERSATION_PARAM);
            } else {
                w.null();
            }
        }
    }
    w.end_object();
}

/// The value rules every artifact follows (see the policy table, docs/value-rules.md).
fn rules(w: &mut impl Sink, files: FileValues) {
    w.key("rules");
    w.begin_object();
    w.key("integer_minimum");
    w.integer(INTEGER_MIN);
    w.key("integer_maximum");
    w.integer(INTEGER_MAX);
    w.entry_str("integer_form", INTEGER_FORM);
    w.entry_str("number", NUMBER_RULE);
    w.entry_str("time_pattern", TIME_PATTERN);
    w.entry_str("file_pattern", files.pattern());
    w.entry_str("null", NULL_RULE);
    w.entry_str("empty_array", EMPTY_ARRAY_RULE);
    w.end_object();
}

/// A node's tables: `objects` (the parameter map first) and `arrays`.
fn types(w: &mut impl Sink, types: &Types) {
    w.begin_object();
    w.key("objects");
    w.begin_array();
    for (id, object) in types.objects() {
        w.begin_object();
        w.key("id");
        w.integer(id.0 as u64);
        w.entry_str("type_name", &object.type_name);
        w.entry_opt("wanted_name", object.wanted_name.as_deref());
        parent(w, object.parent);
        w.key("closed");
        w.bool(object.closed);
        w.key("fields");
        w.begin_array();
        for field in &object.fields {
            w.begin_object();
            w.entry_str("name", &field.name);
            // The Rust identifier: the IR JSON's `ident` since its first version.
            w.entry_str("ident", field.ident(Lang::Rust));
            w.key("required");
            w.bool(field.required);
            w.entry_opt("description", field.description.as_deref());
            w.key("type");
            type_ref(w, &field.ty);
            w.key("default");
            match field.default {
                Some(value) => types.write_value(value, w),
                None => w.null(),
            }
            w.end_object();
        }
        w.end_array();
        w.end_object();
    }
    w.end_array();
    w.key("arrays");
    w.begin_array();
    for (i, array) in types.arrays.iter().enumerate() {
        w.begin_object();
        w.key("id");
        w.integer(i as u64);
        parent(w, array.parent);
        w.entry_opt("description", array.description.as_deref());
        w.key("items");
        type_ref(w, &array.items);
        w.end_object();
    }
    w.end_array();
    w.end_object();
}

/// Where a table entry is used: `{"root": true}`, `{"object": 0, "field": 2}` or
/// `{"array": 1}` (its elements).
fn parent(w: &mut impl Sink, parent: Parent) {
    w.key("parent");
    w.begin_object();
    match parent {
        Parent::Root => {
            w.key("root");
            w.bool(true);
        }
        Parent::Field { object, field } => {
            w.key("object");
            w.integer(object.0 as u64);
            w.key("field");
            w.integer(field as u64);
        }
        Parent::Items(array) => {
            w.key("array");
            w.integer(array.0 as u64);
        }
    }
    w.end_object();
}

/// A type: `kind`, then what the kind needs (`file_kind`; `object` or `array`, an index into
/// the node's tables; `declared`).
fn type_ref(w: &mut impl Sink, ty: &Type) {
    w.begin_object();
    let kind = match ty {
        Type::File(_) => "file",
        Type::Map => "map",
        other => other.coze_name(),
    };
    w.entry_str("kind", kind);
    match ty {
        Type::File(k) => w.entry_str("file_kind", k.coze_name()),
        Type::Object(id) => {
            w.key("object");
            w.integer(id.0 as u64);
        }
        Type::Array(id) => {
            w.key("array");
            w.integer(id.0 as u64);
        }
        Type::Any(declared) => w.entry_opt("declared", declared.as_deref()),
        _ => {}
    }
    w.end_object();
}

/// The IR as JSON: `cozegen ir`, `ir.json`.
pub static ARTIFACT: IrJson = IrJson;

/// The IR JSON artifact (see [`ARTIFACT`]).
#[derive(Debug)]
pub struct IrJson;

impl Artifact for IrJson {
    fn name(&self) -> &'static str {
        "ir"
    }

    fn about(&self) -> &'static str {
        "The normalized intermediate representation as JSON, for custom generators"
    }

    fn feature(&self) -> &'static str {
        "ir-json"
    }

    fn files(&self) -> &'static [File] {
        // The whole workflow, both nodes.
        &[File {
            name: "ir.json",
            node: crate::ir::Node::Input,
        }]
    }

    fn settings(&self) -> &'static [Setting] {
        &[]
    }

    fn render(
        &self,
        workflow: &Workflow,
        _node: crate::ir::Node,
        _settings: &Settings,
    ) -> Result<Rendered> {
        render(workflow).map(Rendered::from)
    }
}
