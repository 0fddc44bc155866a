//! JSON Schema for a node's parameters.
//!
//! Draft 2020-12 by default, draft-07 on request. The output uses only standard keywords, so
//! strict validators (Ajv's default strict mode) accept it as it comes; the Coze type of a file,
//! `time` or unknown parameter is kept visible in a `$comment`. Objects with declared properties
//! are closed (`additionalProperties: false`) unless [`SchemaOptions::open_objects`] is set: an
//! extra key is almost always a typo that Coze would silently ignore.

use super::Node;
use crate::error::Result;
use crate::ir::{Array, Field, FileKind, Object, Type, Workflow};
use askama::Template;
use schemars::Schema;
use serde::ser::{Serialize, SerializeMap, Serializer};

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
pub fn schema(workflow: &Workflow, options: &SchemaOptions) -> Result<Schema> {
    crate::stack::run(|| {
        let value = serde_json::to_value(SchemaDoc { workflow, options })
            .map_err(|e| crate::Error::Internal(format!("cannot build the schema: {e}")))?;
        Schema::try_from(value)
            .map_err(|e| crate::Error::Internal(format!("the schema is not an object: {e}")))
    })
}

/// The schema as pretty-printed JSON text, ending in a newline.
pub fn render(workflow: &Workflow, options: &SchemaOptions) -> Result<String> {
    crate::stack::run(|| {
        // Serialized straight from the IR: building a `Value` tree first cost an allocation per
        // keyword and a copy of every description and default.
        let schema = serde_json::to_string_pretty(&SchemaDoc { workflow, options })
            .map_err(|e| crate::Error::Internal(format!("cannot serialize the schema: {e}")))?;
        Ok(SchemaView { schema }.render()?)
    })
}

/// The whole schema document; its `Serialize` writes the keywords in their documented order.
struct SchemaDoc<'a> {
    workflow: &'a Workflow,
    options: &'a SchemaOptions,
}

impl Serialize for SchemaDoc<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let (workflow, options) = (self.workflow, self.options);
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("$schema", options.draft.uri())?;
        let name = workflow.details.name.as_deref().unwrap_or("workflow");
        match options.node {
            Node::Input => map.serialize_entry("title", name)?,
            Node::Output => map.serialize_entry("title", &format!("{name} (output)"))?,
        }
        if let Some(description) = &workflow.details.description {
            map.serialize_entry("description", description)?;
        }
        let comment = (options.node == Node::Output).then(|| {
            let mut comment = String::from("What a run of this workflow returns");
            if let Some(plan) = &workflow.output.terminate_plan {
                comment.push_str(&format!("; terminate_plan: {plan}"));
            }
            if let Some(content) = &workflow.output.content {
                comment.push_str(&format!("; answer content: {content}"));
            }
            comment
        });
        object_entries(
            &mut map,
            options.node.root(workflow),
            options,
            comment.as_deref(),
        )?;
        map.end()
    }
}

/// An object's keywords. The keyword order is the one this schema has always had (schemars'
/// reading order: `type` and `properties` first), so `comment` goes right after `properties`.
fn object_entries<M: SerializeMap>(
    map: &mut M,
    object: &Object,
    options: &SchemaOptions,
    comment: Option<&str>,
) -> std::result::Result<(), M::Error> {
    map.serialize_entry("type", "object")?;
    map.serialize_entry(
        "properties",
        &Properties {
            fields: &object.fields,
            options,
        },
    )?;
    if let Some(comment) = comment {
        map.serialize_entry("$comment", comment)?;
    }
    if object.fields.iter().any(|f| f.required) {
        let required: Vec<&str> = object
            .fields
            .iter()
            .filter(|f| f.required)
            .map(|f| f.name.as_str())
            .collect();
        map.serialize_entry("required", &required)?;
    }
    if !options.open_objects {
        map.serialize_entry("additionalProperties", &false)?;
    }
    Ok(())
}

struct Properties<'a> {
    fields: &'a [Field],
    options: &'a SchemaOptions,
}

impl Serialize for Properties<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.fields.len()))?;
        for field in self.fields {
            map.serialize_entry(
                &field.name,
                &FieldSchema {
                    field,
                    options: self.options,
                },
            )?;
        }
        map.end()
    }
}

struct FieldSchema<'a> {
    field: &'a Field,
    options: &'a SchemaOptions,
}

impl Serialize for FieldSchema<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(description) = &self.field.description {
            map.serialize_entry("description", description)?;
        }
        type_entries(&mut map, &self.field.ty, self.options)?;
        if let Some(default) = &self.field.default {
            map.serialize_entry("default", default)?;
        }
        map.end()
    }
}

/// The `items` schema of an array.
struct ItemsSchema<'a> {
    array: &'a Array,
    options: &'a SchemaOptions,
}

impl Serialize for ItemsSchema<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(description) = &self.array.description {
            map.serialize_entry("description", description)?;
        }
        type_entries(&mut map, &self.array.items, self.options)?;
        map.end()
    }
}

fn type_entries<M: SerializeMap>(
    map: &mut M,
    ty: &Type,
    options: &SchemaOptions,
) -> std::result::Result<(), M::Error> {
    match ty {
        Type::String => map.serialize_entry("type", "string")?,
        Type::Integer => map.serialize_entry("type", "integer")?,
        Type::Number => map.serialize_entry("type", "number")?,
        Type::Boolean => map.serialize_entry("type", "boolean")?,
        Type::Time => {
            map.serialize_entry("type", "string")?;
            map.serialize_entry(
                "$comment",
                "Coze type `time`: text in yyyy-MM-dd HH:mm:ss form",
            )?;
        }
        Type::File(kind) => {
            map.serialize_entry("type", "string")?;
            map.serialize_entry("$comment", &file_comment(*kind))?;
        }
        Type::Object(object) => object_entries(map, object, options, None)?,
        Type::Map => map.serialize_entry("type", "object")?,
        Type::Array(array) => {
            map.serialize_entry("type", "array")?;
            map.serialize_entry("items", &ItemsSchema { array, options })?;
        }
        Type::Any(declared) => {
            let comment = match declared {
                Some(name) => format!("Coze type `{name}` is not known to cozegen: any JSON value"),
                None => "No Coze type given: any JSON value".to_owned(),
            };
            map.serialize_entry("$comment", &comment)?;
        }
    }
    if options.coze_keywords {
        map.serialize_entry("x-coze-type", ty.coze_name())?;
    }
    Ok(())
}

fn file_comment(kind: FileKind) -> String {
    format!(
        "Coze file type `{}`: a file URL, or the JSON text {{\"file_id\":\"…\"}} returned by the upload endpoint",
        kind.coze_name()
    )
}
