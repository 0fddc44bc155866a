//! The normalized IR as JSON (`cozegen ir`), for people who feed their own templates.
//!
//! The format is versioned by `cozegen_ir` and documented in the README; it shows every
//! decision cozegen made (identifiers, type names, typed defaults, paths), so custom
//! generators do not have to re-derive them from the raw WorkflowInfo.

use crate::error::Result;
use crate::ir::{Field, Object, Type, Workflow};
use askama::Template;
use serde_json::{Map, Value, json};

/// The version of the IR JSON format; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Template)]
#[template(path = "ir/ir.json", escape = "none")]
struct IrView {
    ir: String,
}

/// The IR as a JSON value.
pub fn to_value(workflow: &Workflow) -> Value {
    let d = &workflow.details;
    json!({
        "cozegen_ir": FORMAT_VERSION,
        "workflow": {
            "id": d.id, "name": d.name, "description": d.description, "app_id": d.app_id,
            "icon_url": d.icon_url, "created_at": d.created_at, "updated_at": d.updated_at,
            "creator_id": d.creator_id, "creator_name": d.creator_name,
        },
        "input": object(&workflow.input),
        "output": {
            "terminate_plan": workflow.output.terminate_plan,
            "content": workflow.output.content,
            "root": object(&workflow.output.root),
        },
    })
}

/// The IR as pretty-printed JSON text, ending in a newline.
pub fn render(workflow: &Workflow) -> Result<String> {
    crate::stack::run(|| {
        let ir = serde_json::to_string_pretty(&to_value(workflow))
            .map_err(|e| crate::Error::Internal(format!("cannot serialize the IR: {e}")))?;
        Ok(IrView { ir }.render()?)
    })
}

fn object(o: &Object) -> Value {
    let mut out = Map::new();
    object_keys(&mut out, o);
    Value::Object(out)
}

fn object_keys(out: &mut Map<String, Value>, o: &Object) {
    out.insert("type_name".into(), o.type_name.clone().into());
    out.insert("wanted_name".into(), o.wanted_name.clone().into());
    out.insert(
        "fields".into(),
        o.fields.iter().map(field).collect::<Vec<_>>().into(),
    );
}

fn field(f: &Field) -> Value {
    json!({
        "name": f.name,
        "ident": f.ident,
        "path": f.path.to_string(),
        "required": f.required,
        "description": f.description,
        "default": f.default,
        "type": ty(&f.ty),
    })
}

fn ty(t: &Type) -> Value {
    let mut out = Map::new();
    let kind = match t {
        Type::File(_) => "file",
        Type::Map => "map",
        other => other.coze_name(),
    };
    out.insert("kind".into(), kind.into());
    match t {
        Type::File(k) => {
            out.insert("file_kind".into(), k.coze_name().into());
        }
        Type::Object(o) => object_keys(&mut out, o),
        Type::Array(a) => {
            out.insert("items".into(), ty(&a.items));
            out.insert("items_description".into(), a.description.clone().into());
        }
        Type::Any(declared) => {
            out.insert("declared".into(), declared.clone().into());
        }
        _ => {}
    }
    Value::Object(out)
}
