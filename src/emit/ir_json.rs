//! The normalized IR as JSON (`cozegen ir`), for people who feed their own templates.
//!
//! The format is versioned by `cozegen_ir` and documented in the README; it shows every
//! decision cozegen made (identifiers, type names, typed defaults, paths), so custom
//! generators do not have to re-derive them from the raw WorkflowInfo.

use crate::error::Result;
use crate::ir::{Field, Object, Type, Workflow};
use askama::Template;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

/// The version of the IR JSON format; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Template)]
#[template(path = "ir/ir.json", escape = "none")]
struct IrView {
    ir: String,
}

/// The IR as a JSON value (the same document `render` prints).
pub fn to_value(workflow: &Workflow) -> Result<Value> {
    crate::stack::run(|| {
        serde_json::to_value(IrDocument(workflow))
            .map_err(|e| crate::Error::Internal(format!("cannot serialize the IR: {e}")))
    })
}

/// The IR as pretty-printed JSON text, ending in a newline.
pub fn render(workflow: &Workflow) -> Result<String> {
    crate::stack::run(|| {
        // Serialized straight from the IR: building a `serde_json::Value` first (with `json!`,
        // which copies every nested value it is given) made deep documents quadratic.
        let ir = serde_json::to_string_pretty(&IrDocument(workflow))
            .map_err(|e| crate::Error::Internal(format!("cannot serialize the IR: {e}")))?;
        Ok(IrView { ir }.render()?)
    })
}

/// The whole document: `cozegen_ir`, `workflow`, `input`, `output`, in that order.
struct IrDocument<'a>(&'a Workflow);

impl Serialize for IrDocument<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let w = self.0;
        let d = &w.details;
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("cozegen_ir", &FORMAT_VERSION)?;
        map.serialize_entry(
            "workflow",
            &Entries(&[
                ("id", &d.id),
                ("name", &d.name),
                ("description", &d.description),
                ("app_id", &d.app_id),
                ("icon_url", &d.icon_url),
                ("created_at", &d.created_at),
                ("updated_at", &d.updated_at),
                ("creator_id", &d.creator_id),
                ("creator_name", &d.creator_name),
            ]),
        )?;
        map.serialize_entry("input", &ObjectView(&w.input))?;
        map.serialize_entry(
            "output",
            &OutputView {
                terminate_plan: &w.output.terminate_plan,
                content: &w.output.content,
                root: ObjectView(&w.output.root),
            },
        )?;
        map.end()
    }
}

/// A JSON object of optional strings, in the given order.
struct Entries<'a>(&'a [(&'static str, &'a Option<String>)]);

impl Serialize for Entries<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

#[derive(serde::Serialize)]
struct OutputView<'a> {
    terminate_plan: &'a Option<String>,
    content: &'a Option<String>,
    root: ObjectView<'a>,
}

/// An object: `type_name`, `wanted_name`, `fields`.
struct ObjectView<'a>(&'a Object);

impl Serialize for ObjectView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        object_entries(&mut map, self.0)?;
        map.end()
    }
}

fn object_entries<M: SerializeMap>(map: &mut M, o: &Object) -> std::result::Result<(), M::Error> {
    map.serialize_entry("type_name", &o.type_name)?;
    map.serialize_entry("wanted_name", &o.wanted_name)?;
    map.serialize_entry("fields", &FieldsView(&o.fields))
}

struct FieldsView<'a>(&'a [Field]);

impl Serialize for FieldsView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(FieldView))
    }
}

/// A field: `name`, `ident`, `path`, `required`, `description`, `default`, `type`.
struct FieldView<'a>(&'a Field);

impl Serialize for FieldView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let f = self.0;
        let mut map = serializer.serialize_map(Some(7))?;
        map.serialize_entry("name", &f.name)?;
        map.serialize_entry("ident", &f.ident)?;
        map.serialize_entry("path", &f.path.to_string())?;
        map.serialize_entry("required", &f.required)?;
        map.serialize_entry("description", &f.description)?;
        map.serialize_entry("default", &f.default)?;
        map.serialize_entry("type", &TypeView(&f.ty))?;
        map.end()
    }
}

/// A type: `kind`, then what the kind needs (`file_kind`; the object's keys; `items` and
/// `items_description`; `declared`).
struct TypeView<'a>(&'a Type);

impl Serialize for TypeView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let t = self.0;
        let kind = match t {
            Type::File(_) => "file",
            Type::Map => "map",
            other => other.coze_name(),
        };
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("kind", kind)?;
        match t {
            Type::File(k) => map.serialize_entry("file_kind", k.coze_name())?,
            Type::Object(o) => object_entries(&mut map, o)?,
            Type::Array(a) => {
                map.serialize_entry("items", &TypeView(&a.items))?;
                map.serialize_entry("items_description", &a.description)?;
            }
            Type::Any(declared) => map.serialize_entry("declared", declared)?,
            _ => {}
        }
        map.end()
    }
}
