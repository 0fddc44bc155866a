//! JSON Schema for a node's parameters.
//!
//! Draft 2020-12 by default, draft-07 on request. The output uses only standard keywords, so
//! strict validators (Ajv's default strict mode) accept it as it comes; the Coze type of a file,
//! `time` or unknown parameter is kept visible in a `$comment`. Objects with declared properties
//! are closed (`additionalProperties: false`) unless [`SchemaOptions::open_objects`] is set: an
//! extra key is almost always a typo that Coze would silently ignore.

use super::Node;
use crate::error::Result;
use crate::ir::{Field, FileKind, Object, Type, Workflow};
use askama::Template;
use schemars::Schema;
use serde_json::{Map, Value, json};

/// Which JSON Schema dialect to emit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Draft {
    /// `https://json-schema.org/draft/2020-12/schema`
    #[default]
    Draft2020_12,
    /// `http://json-schema.org/draft-07/schema#`
    Draft07,
}

impl Draft {
    fn uri(self) -> &'static str {
        match self {
            Draft::Draft2020_12 => "https://json-schema.org/draft/2020-12/schema",
            Draft::Draft07 => "http://json-schema.org/draft-07/schema#",
        }
    }
}

/// Choices for the JSON Schema artifact.
#[derive(Debug, Clone, Default)]
pub struct SchemaOptions {
    pub draft: Draft,
    pub node: Node,
    /// Allow keys that are not declared (`additionalProperties` left out).
    pub open_objects: bool,
    /// Add an `x-coze-type` keyword to every parameter. Strict validators reject unknown
    /// keywords, so this is off by default.
    pub coze_keywords: bool,
}

#[derive(Template)]
#[template(path = "json-schema/schema.json", escape = "none")]
struct SchemaView {
    schema: String,
}

/// The schema as a value, for callers that want to embed or inspect it.
pub fn schema(workflow: &Workflow, options: &SchemaOptions) -> Schema {
    let mut root = Map::new();
    root.insert("$schema".into(), options.draft.uri().into());
    let node = options.node;
    let title = workflow
        .details
        .name
        .clone()
        .unwrap_or_else(|| "workflow".to_owned());
    let title = match node {
        Node::Input => title,
        Node::Output => format!("{title} (output)"),
    };
    root.insert("title".into(), title.into());
    if let Some(description) = &workflow.details.description {
        root.insert("description".into(), description.clone().into());
    }
    if node == Node::Output {
        let mut comment = String::from("What a run of this workflow returns");
        if let Some(plan) = &workflow.output.terminate_plan {
            comment.push_str(&format!("; terminate_plan: {plan}"));
        }
        if let Some(content) = &workflow.output.content {
            comment.push_str(&format!("; answer content: {content}"));
        }
        root.insert("$comment".into(), comment.into());
    }
    object_keywords(&mut root, node.root(workflow), options);
    Schema::from(root)
}

/// The schema as pretty-printed JSON text, ending in a newline.
pub fn render(workflow: &Workflow, options: &SchemaOptions) -> Result<String> {
    crate::stack::run(|| {
        let schema = serde_json::to_string_pretty(&schema(workflow, options))
            .map_err(|e| crate::Error::Internal(format!("cannot serialize the schema: {e}")))?;
        Ok(SchemaView { schema }.render()?)
    })
}

fn object_keywords(out: &mut Map<String, Value>, object: &Object, options: &SchemaOptions) {
    out.insert("type".into(), "object".into());
    let properties: Map<String, Value> = object
        .fields
        .iter()
        .map(|f| (f.name.clone(), field_schema(f, options)))
        .collect();
    out.insert("properties".into(), properties.into());
    let required: Vec<Value> = object
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name.clone().into())
        .collect();
    if !required.is_empty() {
        out.insert("required".into(), required.into());
    }
    if !options.open_objects {
        out.insert("additionalProperties".into(), false.into());
    }
}

fn field_schema(field: &Field, options: &SchemaOptions) -> Value {
    let mut out = Map::new();
    if let Some(description) = &field.description {
        out.insert("description".into(), description.clone().into());
    }
    type_keywords(&mut out, &field.ty, options);
    if let Some(default) = &field.default {
        out.insert("default".into(), default.clone());
    }
    Value::Object(out)
}

fn type_keywords(out: &mut Map<String, Value>, ty: &Type, options: &SchemaOptions) {
    match ty {
        Type::String => simple(out, "string"),
        Type::Integer => simple(out, "integer"),
        Type::Number => simple(out, "number"),
        Type::Boolean => simple(out, "boolean"),
        Type::Time => {
            simple(out, "string");
            out.insert(
                "$comment".into(),
                "Coze type `time`: text in yyyy-MM-dd HH:mm:ss form".into(),
            );
        }
        Type::File(kind) => {
            simple(out, "string");
            out.insert("$comment".into(), file_comment(*kind).into());
        }
        Type::Object(object) => object_keywords(out, object, options),
        Type::Map => simple(out, "object"),
        Type::Array(array) => {
            out.insert("type".into(), "array".into());
            let mut items = Map::new();
            if let Some(description) = &array.description {
                items.insert("description".into(), description.clone().into());
            }
            type_keywords(&mut items, &array.items, options);
            out.insert("items".into(), items.into());
        }
        Type::Any(declared) => {
            let comment = match declared {
                Some(name) => format!("Coze type `{name}` is not known to cozegen: any JSON value"),
                None => "No Coze type given: any JSON value".to_owned(),
            };
            out.insert("$comment".into(), comment.into());
        }
    }
    if options.coze_keywords {
        out.insert("x-coze-type".into(), json!(ty.coze_name()));
    }
}

fn simple(out: &mut Map<String, Value>, ty: &str) {
    out.insert("type".into(), ty.into());
}

fn file_comment(kind: FileKind) -> String {
    format!(
        "Coze file type `{}`: a file URL, or the JSON text {{\"file_id\":\"…\"}} returned by the upload endpoint",
        kind.coze_name()
    )
}
