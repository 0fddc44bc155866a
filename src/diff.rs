//! Compares the start nodes of two versions of a workflow, so CI can gate an update.
//!
//! A change is *breaking* when a caller that worked with the old version can fail with the new
//! one: a parameter removed, its type changed, an optional parameter made required, a new
//! required parameter. Everything else (new optional parameters, descriptions, defaults,
//! required made optional) is *compatible*. The comparison walks both versions' tables with an
//! explicit stack and looks names up by index, so it is linear in their size.

use crate::ir::path::{printable, quote};
use crate::ir::{ObjectId, Parent, Type, Types, ValueId};
use std::collections::HashMap;
use std::fmt;

/// How a change affects existing callers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    Breaking,
    Compatible,
}

/// One difference between two versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub impact: Impact,
    /// The parameter's path, e.g. `lines[].qty`.
    pub path: String,
    pub message: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let impact = match self.impact {
            Impact::Breaking => "breaking",
            Impact::Compatible => "compatible",
        };
        write!(f, "{impact}: {}: {}", self.path, self.message)
    }
}

/// Every change from `old` to `new`, in document order (old order for removals, new for the
/// rest; a parameter's own changes before those inside it).
pub fn diff(old: &Types, new: &Types) -> Vec<Change> {
    Differ {
        old,
        new,
        changes: Vec::new(),
    }
    .run()
}

enum Task<'a> {
    /// Compare the fields of two objects.
    Objects(ObjectId, ObjectId),
    /// Compare the fields of the same name.
    Fields {
        old: (ObjectId, usize),
        new: (ObjectId, usize),
    },
    /// Compare two types at the place `at` of the new version.
    Types {
        old: &'a Type,
        new: &'a Type,
        at: Parent,
    },
    /// Report a change found earlier, in its place in document order.
    Report(Change),
}

struct Differ<'a> {
    old: &'a Types,
    new: &'a Types,
    changes: Vec<Change>,
}

impl<'a> Differ<'a> {
    fn run(mut self) -> Vec<Change> {
        let mut tasks = vec![Task::Objects(Types::ROOT, Types::ROOT)];
        while let Some(task) = tasks.pop() {
            match task {
                Task::Objects(o, n) => self.objects(o, n, &mut tasks),
                Task::Fields { old, new } => self.fields(old, new, &mut tasks),
                Task::Types { old, new, at } => self.types(old, new, at, &mut tasks),
                Task::Report(change) => self.changes.push(change),
            }
        }
        self.changes
    }

    fn objects(&mut self, old_id: ObjectId, new_id: ObjectId, tasks: &mut Vec<Task<'a>>) {
        let (old, new) = (self.old.object(old_id), self.new.object(new_id));
        let names = |fields: &'a [crate::ir::Field]| -> HashMap<&'a str, usize> {
            fields
                .iter()
                .enumerate()
                .map(|(i, f)| (f.name.as_str(), i))
                .collect()
        };
        let (old_names, new_names) = (names(&old.fields), names(&new.fields));
        for (i, o) in old.fields.iter().enumerate() {
            if !new_names.contains_key(o.name.as_str()) {
                let path = self.old.field_path(old_id, i).to_string();
                self.changes
                    .push(change(Impact::Breaking, path, "parameter removed"));
            }
        }
        let mut next = Vec::with_capacity(new.fields.len());
        for (i, n) in new.fields.iter().enumerate() {
            next.push(match old_names.get(n.name.as_str()) {
                Some(&o) => Task::Fields {
                    old: (old_id, o),
                    new: (new_id, i),
                },
                None => {
                    let (impact, message) = if n.required {
                        (Impact::Breaking, "new required parameter")
                    } else {
                        (Impact::Compatible, "new optional parameter")
                    };
                    let path = self.new.field_path(new_id, i).to_string();
                    Task::Report(change(impact, path, message))
                }
            });
        }
        tasks.extend(next.into_iter().rev());
    }

    /// A field's own changes: `required` first, then what changed inside its type, then its
    /// description and default.
    fn fields(
        &mut self,
        old: (ObjectId, usize),
        new: (ObjectId, usize),
        tasks: &mut Vec<Task<'a>>,
    ) {
        let o = &self.old.object(old.0).fields[old.1];
        let n = &self.new.object(new.0).fields[new.1];
        let path = self.new.field_path(new.0, new.1).to_string();
        let shown = |types: &Types, d: Option<ValueId>| match d {
            Some(v) => printable(&types.value_json(v), 40),
            None => "none".to_owned(),
        };
        let (old_default, new_default) = (shown(self.old, o.default), shown(self.new, n.default));
        if old_default != new_default {
            let message = format!("default changed from {old_default} to {new_default}");
            tasks.push(Task::Report(change(
                Impact::Compatible,
                path.clone(),
                &message,
            )));
        }
        if o.description != n.description {
            tasks.push(Task::Report(change(
                Impact::Compatible,
                path.clone(),
                "description changed",
            )));
        }
        tasks.push(Task::Types {
            old: &o.ty,
            new: &n.ty,
            at: Parent::Field {
                object: new.0,
                field: new.1,
            },
        });
        match (o.required, n.required) {
            (false, true) => self.changes.push(change(
                Impact::Breaking,
                path,
                "optional parameter became required",
            )),
            (true, false) => self.changes.push(change(
                Impact::Compatible,
                path,
                "required parameter became optional",
            )),
            _ => {}
        }
    }

    fn types(&mut self, old: &'a Type, new: &'a Type, at: Parent, tasks: &mut Vec<Task<'a>>) {
        match (old, new) {
            (Type::Object(o), Type::Object(n)) => tasks.push(Task::Objects(*o, *n)),
            (Type::Array(o), Type::Array(n)) => tasks.push(Task::Types {
                old: &self.old.array(*o).items,
                new: &self.new.array(*n).items,
                at: Parent::Items(*n),
            }),
            (o, n) if o.coze_name() == n.coze_name() && same_any(o, n) => {}
            (o, n) => {
                let message = format!("type changed from {} to {}", describe(o), describe(n));
                let path = self.new.path(at).to_string();
                self.changes.push(change(Impact::Breaking, path, &message));
            }
        }
    }
}

fn change(impact: Impact, path: String, message: &str) -> Change {
    Change {
        impact,
        path,
        message: message.to_owned(),
    }
}

fn same_any(old: &Type, new: &Type) -> bool {
    match (old, new) {
        (Type::Any(a), Type::Any(b)) => a == b,
        _ => true,
    }
}

fn describe(ty: &Type) -> String {
    match ty {
        Type::Any(Some(name)) => format!("unknown type {}", quote(&printable(name, 40))),
        Type::Map => "object without properties".to_owned(),
        other => other.coze_name().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BuildOptions, build, load_slice};

    fn input(params: &str) -> Types {
        let doc = format!(r#"{{"input":{{"parameters":{params}}}}}"#);
        let info = load_slice(doc.as_bytes(), "doc").expect("loads");
        build(&info, &BuildOptions::default())
            .expect("builds")
            .0
            .input
    }

    fn lines(old: &str, new: &str) -> Vec<String> {
        diff(&input(old), &input(new))
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn identical_versions_have_no_changes() {
        let doc = r#"{"a":{"type":"string","required":true}}"#;
        assert!(lines(doc, doc).is_empty());
    }

    #[test]
    fn classifies_each_kind_of_change() {
        let cases: &[(&str, &str, &str)] = &[
            (
                r#"{"a":{"type":"string"}}"#,
                r#"{}"#,
                "breaking: a: parameter removed",
            ),
            (
                r#"{"a":{"type":"string"}}"#,
                r#"{"a":{"type":"integer"}}"#,
                "breaking: a: type changed from string to integer",
            ),
            (
                r#"{"a":{"type":"string"}}"#,
                r#"{"a":{"type":"string","required":true}}"#,
                "breaking: a: optional parameter became required",
            ),
            (
                r#"{}"#,
                r#"{"b":{"type":"string","required":true}}"#,
                "breaking: b: new required parameter",
            ),
            (
                r#"{}"#,
                r#"{"b":{"type":"string"}}"#,
                "compatible: b: new optional parameter",
            ),
            (
                r#"{"a":{"type":"string","required":true}}"#,
                r#"{"a":{"type":"string"}}"#,
                "compatible: a: required parameter became optional",
            ),
            (
                r#"{"a":{"type":"string","description":"x"}}"#,
                r#"{"a":{"type":"string","description":"y"}}"#,
                "compatible: a: description changed",
            ),
            (
                r#"{"a":{"type":"integer","default_value":"1"}}"#,
                r#"{"a":{"type":"integer","default_value":"2"}}"#,
                "compatible: a: default changed from 1 to 2",
            ),
            (
                r#"{"a":{"type":"image"}}"#,
                r#"{"a":{"type":"video"}}"#,
                "breaking: a: type changed from image to video",
            ),
            (
                r#"{"a":{"type":"file"}}"#,
                r#"{"a":{"type":"default"}}"#,
                "",
            ),
        ];
        for (old, new, expected) in cases {
            let got = lines(old, new);
            if expected.is_empty() {
                assert!(got.is_empty(), "{old} -> {new}: {got:?}");
            } else {
                assert_eq!(got, [*expected], "{old} -> {new}");
            }
        }
    }

    #[test]
    fn nested_changes_carry_their_path_in_document_order() {
        let old = r#"{"rows":{"type":"array","description":"a","items":{"type":"object","properties":{"qty":{"type":"integer"}}}},"z":{"type":"string"}}"#;
        let new = r#"{"rows":{"type":"array","description":"b","items":{"type":"object","properties":{"qty":{"type":"number"},"sku":{"type":"string","required":true}}}},"y":{"type":"string"}}"#;
        assert_eq!(
            lines(old, new),
            [
                "breaking: z: parameter removed",
                "breaking: rows[].qty: type changed from integer to number",
                "breaking: rows[].sku: new required parameter",
                "compatible: rows: description changed",
                "compatible: y: new optional parameter",
            ]
        );
    }
}
