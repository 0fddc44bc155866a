//! Zod schemas of a node's parameters (`cozegen zod`), with their inferred types: run-time
//! checks for front ends and Node services, written for Zod 4.
//!
//! One `export const` per object of the IR's table, a `z.strictObject` (or `z.looseObject`
//! when the IR was built with open objects), and beside it `export type` of the same name,
//! `z.infer` of it: the names are the IR's type names, the same as `cozegen ts` writes, so the
//! two modules can be used together. The consts are defined flat, the deepest objects first,
//! each referring to the ones it holds by name (and each inner array of an array of arrays is a
//! const of its own, `ARRAY_<n>`), so a deep document is a long module, never a deeply nested
//! expression; Coze's parameters are trees, so no `z.lazy` is needed.
//!
//! The module's own names (`z`, `COZE_INTEGER`, `COZE_TIME`, `COZE_FILE`, `ARRAY_<n>`) cannot be
//! type names, which are ASCII UpperCamelCase without underscores, and the globals it refers to
//! (`Number`, `RegExp`) are reserved type names ([`crate::ir::names`]), so no declaration of the
//! module shadows another.
//!
//! Every value rule of [`crate::ir::rules`] is a Zod check:
//!
//! - an integer is `z.number()` with `Number.isInteger` and the bounds [`INTEGER_MIN`] and
//!   [`INTEGER_MAX`] written as numbers (`COZE_INTEGER`). Zod's `.int()` refuses integers
//!   beyond 2^53 (it checks safe integers), which Coze takes, so it is not used. A JavaScript
//!   number is a 64-bit float, like Ajv's, so the same limits apply as to the JSON Schema legs:
//!   `1.0` is the number 1 once `JSON.parse` has read it, and the bounds are the doubles
//!   ±2^63 (the conformance manifest's `integer-form` and `integer-range-doubles`).
//! - `time` and file values are strings matching the IR's own pattern text ([`TIME_PATTERN`],
//!   and [`FileValues::pattern`] for the document's platform), given to `new RegExp` as a
//!   string literal with the `u` flag, as Ajv compiles a JSON Schema `pattern`.
//! - an optional parameter is `.optional()`: absent stays absent, and `null` is refused; only
//!   a value of an unknown type (`z.json()`, any JSON value) may be `null`. An object without
//!   declared properties is `z.record(z.string(), z.json())`.
//! - defaults are the IR's, documented (`@default` in JSDoc): parsing never fills one in, so a
//!   parsed value is the value given, as Coze applies its own defaults.
//!
//! Nothing from the document is written as code: property keys and descriptions are string
//! literals ([`quote`]: JSON escaping, with invisible characters written as `\u{…}`), a key
//! `__proto__` is a computed key (a plain one would set the object literal's prototype), and
//! descriptions go to `.describe(…)`; notes (a type's rule, a default, the workflow's name)
//! are JSDoc with `*/` broken up, as in the TypeScript declarations.
//!
//! [`INTEGER_MIN`]: crate::ir::rules::INTEGER_MIN
//! [`INTEGER_MAX`]: crate::ir::rules::INTEGER_MAX
//! [`TIME_PATTERN`]: crate::ir::rules::TIME_PATTERN
//! [`FileValues::pattern`]: crate::ir::rules::FileValues::pattern

use crate::artifact::{Artifact, File, NODE, Rendered, Setting, Settings};
use crate::emit::Result;
use crate::emit::typescript::doc_lines;
use crate::ir::rules::{INTEGER_MAX, INTEGER_MIN, TIME_PATTERN};
use crate::ir::{FileKind, Node, Type, Types, Workflow};
use crate::text::quote;
use askama::Template;

/// The name of the integer schema the module shares between its integer parameters.
const INTEGER: &str = "COZE_INTEGER";
/// The name of the `time` pattern.
const TIME: &str = "COZE_TIME";
/// The name of the file pattern.
const FILE: &str = "COZE_FILE";

#[derive(Template)]
#[template(path = "zod/module.ts", escape = "none")]
struct ModuleView {
    /// The shared rule consts the module uses, in a fixed order.
    rules: Vec<RuleView>,
    /// The objects and inner arrays, each after everything it refers to.
    decls: Vec<Decl>,
}

/// One const of the module.
enum Decl {
    /// An object: an exported schema and its type.
    Object(ObjectView),
    /// The elements of an array of arrays: `ARRAY_<n>`, a const of the module's own, so that
    /// arrays nested deep are a chain of consts rather than one nested expression.
    Array(String, String),
}

struct RuleView {
    doc: Vec<String>,
    name: &'static str,
    value: String,
}

struct ObjectView {
    doc: Vec<String>,
    name: String,
    fields: Vec<FieldView>,
    open: bool,
}

struct FieldView {
    doc: Vec<String>,
    /// The wire name as a string literal (computed for `__proto__`).
    key: String,
    schema: String,
}

/// Which shared rules a module refers to.
#[derive(Default)]
struct Used {
    integer: bool,
    time: bool,
    file: bool,
}

/// The Zod module describing `node` of `workflow`.
pub fn render(workflow: &Workflow, node: Node) -> Result<String> {
    let types = node.types(workflow);
    let mut used = Used::default();
    let mut root_doc = Vec::new();
    if let Some(name) = &workflow.details.name {
        let what = match node {
            Node::Input => "Parameters of a run of the Coze workflow",
            Node::Output => "What a run returns from the Coze workflow",
        };
        root_doc.extend(doc_lines(&format!("{what} `{name}`.")));
    }
    if let Some(description) = &workflow.details.description {
        root_doc.extend(doc_lines(description));
    }
    // Every const in an order where each one's referents come later (parents before
    // children: the object table's order, each object followed by its fields' inner arrays);
    // reversed below.
    let mut decls: Vec<Decl> = Vec::new();
    let mut arrays = 0;
    for (id, object) in types.objects() {
        let mut inner = Vec::new();
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
                let mut doc = Vec::new();
                if let Some(note) = type_note(types, &field.ty) {
                    doc.push(note);
                }
                if let Some(default) = field.default {
                    doc.extend(doc_lines(&format!(
                        "@default {}",
                        types.value_json(default)
                    )));
                }
                let mut schema = zod_type(types, &field.ty, &mut used, &mut arrays, &mut inner);
                if !field.required {
                    schema.push_str(".optional()");
                }
                if let Some(description) = &field.description {
                    schema.push_str(".describe(");
                    schema.push_str(&quote(description));
                    schema.push(')');
                }
                let key = if field.name == "__proto__" {
                    format!("[{}]", quote(&field.name))
                } else {
                    quote(&field.name)
                };
                FieldView { doc, key, schema }
            })
            .collect();
        decls.push(Decl::Object(ObjectView {
            doc,
            name: object.type_name.clone(),
            fields,
            open: !object.closed,
        }));
        decls.extend(inner);
    }
    decls.reverse();
    Ok(ModuleView {
        rules: rules(types, &used),
        decls,
    }
    .render()?)
}

/// The shared consts of the rules `used`, each documented in the rule's own words.
fn rules(types: &Types, used: &Used) -> Vec<RuleView> {
    let note = |ty: &Type, extra: &str| {
        let words = types
            .rule(ty)
            .note()
            .map(|n| n.write(|code| format!("`{code}`")))
            .unwrap_or_default();
        doc_lines(&format!("{words}.{extra}"))
    };
    let mut rules = Vec::new();
    if used.integer {
        rules.push(RuleView {
            doc: note(
                &Type::Integer,
                " A JavaScript number is a 64-bit float: it is exact only up to 2^53, and the \
                 bounds are the nearest doubles, ±2^63 (Zod's `.int()` would refuse integers \
                 beyond 2^53).",
            ),
            name: INTEGER,
            value: format!(
                "z.number().gte({INTEGER_MIN}).lte({INTEGER_MAX}).refine(Number.isInteger, {})",
                quote("expected an integer")
            ),
        });
    }
    if used.time {
        rules.push(RuleView {
            doc: note(&Type::Time, ""),
            name: TIME,
            value: format!("new RegExp({}, \"u\")", quote(TIME_PATTERN)),
        });
    }
    if used.file {
        // Shared by every file kind: the rule is the same for all of them.
        let clause = types
            .rule(&Type::File(FileKind::Generic))
            .clause
            .map(|c| c.write(|code| format!("`{code}`")))
            .unwrap_or_default();
        rules.push(RuleView {
            doc: doc_lines(&format!("A Coze file value: {clause}.")),
            name: FILE,
            value: format!("new RegExp({}, \"u\")", quote(types.files.pattern())),
        });
    }
    rules
}

/// The Zod schema of `ty`, looked through without recursion; objects by their const's name.
/// An array is `z.array(…)`; in an array of arrays, each inner array is a const of its own
/// (`ARRAY_<n>`, numbered by `arrays`), pushed to `inner` outermost first.
fn zod_type(
    types: &Types,
    ty: &Type,
    used: &mut Used,
    arrays: &mut usize,
    inner: &mut Vec<Decl>,
) -> String {
    let mut depth = 0;
    let mut ty = ty;
    while let Type::Array(id) = ty {
        depth += 1;
        ty = &types.array(*id).items;
    }
    let base = match ty {
        Type::String => "z.string()".to_owned(),
        Type::Time => {
            used.time = true;
            format!("z.string().regex({TIME})")
        }
        Type::File(_) => {
            used.file = true;
            format!("z.string().regex({FILE})")
        }
        Type::Integer => {
            used.integer = true;
            INTEGER.to_owned()
        }
        Type::Number => "z.number()".to_owned(),
        Type::Boolean => "z.boolean()".to_owned(),
        Type::Object(id) => types.object(*id).type_name.clone(),
        Type::Map => "z.record(z.string(), z.json())".to_owned(),
        Type::Any(_) => "z.json()".to_owned(),
        Type::Array(_) => unreachable!("arrays were looked through"),
    };
    if depth == 0 {
        return base;
    }
    // Levels 2..=depth are consts, outermost first; the innermost holds `base`.
    let first = *arrays + 1;
    *arrays += depth - 1;
    let name = |n: usize| format!("ARRAY_{n}");
    for level in 1..depth {
        let n = first + level - 1;
        let items = if level + 1 < depth {
            name(n + 1)
        } else {
            base.clone()
        };
        inner.push(Decl::Array(name(n), format!("z.array({items})")));
    }
    let items = if depth > 1 { name(first) } else { base };
    format!("z.array({items})")
}

/// The rule of `ty` in words, where Zod's own builder does not say it: for `time`, file and
/// unknown types (an integer's rule is on `COZE_INTEGER`).
fn type_note(types: &Types, ty: &Type) -> Option<String> {
    let mut ty = ty;
    let mut elements = false;
    while let Type::Array(id) = ty {
        elements = true;
        ty = &types.array(*id).items;
    }
    if !matches!(ty, Type::Time | Type::File(_) | Type::Any(Some(_))) {
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

/// The Zod artifact: `cozegen zod`, `input.zod.ts` and `output.zod.ts`.
pub static ARTIFACT: Zod = Zod;

/// The Zod artifact (see [`ARTIFACT`]).
#[derive(Debug)]
pub struct Zod;

impl Artifact for Zod {
    fn name(&self) -> &'static str {
        "zod"
    }

    fn about(&self) -> &'static str {
        "Zod schemas of the start node's parameters (or the end node's), with their inferred types"
    }

    fn feature(&self) -> &'static str {
        "zod"
    }

    fn files(&self) -> &'static [File] {
        &[
            File {
                name: "input.zod.ts",
                node: Node::Input,
            },
            File {
                name: "output.zod.ts",
                node: Node::Output,
            },
        ]
    }

    fn settings(&self) -> &'static [Setting] {
        &[NODE]
    }

    fn render(&self, workflow: &Workflow, node: Node, _settings: &Settings) -> Result<Rendered> {
        render(workflow, node).map(Rendered::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::names::is_valid_type_name;

    #[test]
    fn no_type_name_can_shadow_the_module_s_own_names_or_the_globals_it_uses() {
        for name in [INTEGER, TIME, FILE, "ARRAY_1", "z", "Number", "RegExp"] {
            assert!(!is_valid_type_name(name), "{name}");
        }
    }
}
