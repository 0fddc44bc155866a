//! Compares two versions of a workflow, so CI can gate an update: the start node for callers
//! (what a run takes) and the end node for consumers (what a run returns).
//!
//! A change is *breaking* when a caller or consumer that worked with the old version can fail
//! with the new one:
//!
//! - start node: a parameter removed, its type changed, an optional parameter made required, a
//!   new required parameter; a workflow turned chatflow or back (a different endpoint and
//!   request: the message in `additional_messages`);
//! - end node: an output variable removed (also one nested in an object), its type changed, or
//!   `terminate_plan` changed (`return_variables` ↔ `use_answer_content`: the run returns a
//!   different shape).
//!
//! Everything else is *compatible*: new optional parameters, new output variables, descriptions,
//! defaults, the answer template, required made optional. `required` on an output variable is
//! not compared: the end node returns every variable it declares, so the flag promises nothing
//! to a consumer. The comparison walks both versions' tables with an explicit stack and looks
//! names up by index, so it is linear in their size.

use crate::ir::Node;
use crate::ir::{ObjectId, Parent, Type, Types, ValueId, Workflow};
use crate::text::{printable, quote};
use std::collections::HashMap;
use std::fmt;

/// How a change affects existing callers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// Callers written against the old version may fail or misread the new one (a new
    /// required parameter, a removed output variable).
    Breaking,
    /// Callers written against the old version keep working (a new optional parameter).
    Compatible,
}

impl Impact {
    /// `breaking` or `compatible`.
    pub fn name(self) -> &'static str {
        match self {
            Impact::Breaking => "breaking",
            Impact::Compatible => "compatible",
        }
    }
}

/// One difference between two versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Whether existing callers are affected.
    pub impact: Impact,
    /// The node the change is in: the start node ([`Node::Input`]) or the end node
    /// ([`Node::Output`]).
    pub node: Node,
    /// The parameter's path, e.g. `lines[].qty`; empty for a change to the node itself (its
    /// `terminate_plan` or answer template).
    pub path: String,
    /// What changed, for a person to read.
    pub message: String,
}

/// `start node` or `end node`, as the text report names them.
pub fn node_label(node: Node) -> &'static str {
    match node {
        Node::Input => "start node",
        Node::Output => "end node",
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: ", self.impact.name(), node_label(self.node))?;
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

/// Every change from `old` to `new`: a change of kind (workflow ↔ chatflow) first, then the
/// start node's, then the end node's (its
/// `terminate_plan` and answer template first, then its variables). Within a node, changes come
/// in document order (old order for removals, new for the rest; a parameter's own changes before
/// those inside it).
pub fn diff(old: &Workflow, new: &Workflow) -> Vec<Change> {
    let mut changes = Vec::new();
    if old.is_chatflow() != new.is_chatflow() {
        let message = if new.is_chatflow() {
            "the workflow became a chatflow: it is called through /v1/workflows/chat with the \
             user's message in additional_messages, and no longer through /v1/workflow/run"
        } else {
            "the chatflow became a workflow: it is called through /v1/workflow/run, no longer \
             through /v1/workflows/chat with a message"
        };
        changes.push(change(
            Impact::Breaking,
            Node::Input,
            String::new(),
            message,
        ));
    }
    changes.extend(diff_node(Node::Input, &old.input, &new.input));
    let plan = |w: &Workflow| {
        w.terminate_plan
            .as_ref()
            .map(|p| p.as_str().trim())
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
    };
    // A document without the end node (or without its plan) says nothing about it.
    if let (Some(o), Some(n)) = (plan(old), plan(new))
        && o != n
    {
        let message = format!(
            "terminate_plan changed from {} to {}: the run's result changes shape",
            quote(&printable(&o, 40)),
            quote(&printable(&n, 40))
        );
        changes.push(change(
            Impact::Breaking,
            Node::Output,
            String::new(),
            &message,
        ));
    }
    if old.content.is_some() && new.content.is_some() && old.content != new.content {
        changes.push(change(
            Impact::Compatible,
            Node::Output,
            String::new(),
            "answer template (content) changed",
        ));
    }
    changes.extend(diff_node(Node::Output, &old.output, &new.output));
    changes
}

/// Every change between two versions of one node's parameters, with that node's rules.
pub fn diff_node(node: Node, old: &Types, new: &Types) -> Vec<Change> {
    Differ {
        node,
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
    node: Node,
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
                let message = match self.node {
                    Node::Input => "parameter removed",
                    Node::Output => "output variable removed",
                };
                self.changes
                    .push(change(Impact::Breaking, self.node, path, message));
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
                    let (impact, message) = match self.node {
                        Node::Input if n.required => (Impact::Breaking, "new required parameter"),
                        Node::Input => (Impact::Compatible, "new optional parameter"),
                        // Consumers ignore what they do not read.
                        Node::Output => (Impact::Compatible, "new output variable"),
                    };
                    let path = self.new.field_path(new_id, i).to_string();
                    Task::Report(change(impact, self.node, path, message))
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
        // A parameter whose type changed has its default written anew in the new type (`3`
        // becomes `"3"`): that is the type change, said once by `types`, not a second change.
        let retyped = o.ty.coze_name() != n.ty.coze_name();
        if old_default != new_default && !retyped {
            let message = format!("default changed from {old_default} to {new_default}");
            tasks.push(Task::Report(change(
                Impact::Compatible,
                self.node,
                path.clone(),
                &message,
            )));
        }
        if o.description != n.description {
            tasks.push(Task::Report(change(
                Impact::Compatible,
                self.node,
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
        // `required` is a promise callers keep; the end node returns its variables either way.
        if self.node == Node::Output {
            return;
        }
        match (o.required, n.required) {
            (false, true) => self.changes.push(change(
                Impact::Breaking,
                self.node,
                path,
                "optional parameter became required",
            )),
            (true, false) => self.changes.push(change(
                Impact::Compatible,
                self.node,
                path,
                "required parameter became optional",
            )),
            _ => {}
        }
    }

    fn types(&mut self, old: &'a Type, new: &'a Type, at: Parent, tasks: &mut Vec<Task<'a>>) {
        match (old, new) {
            (Type::Object(o), Type::Object(n)) => tasks.push(Task::Objects(*o, *n)),
            // An output object that lost all its declared variables: each is gone for the
            // consumer reading it (a caller may still send anything to a map).
            (Type::Object(o), Type::Map) if self.node == Node::Output => {
                for i in 0..self.old.object(*o).fields.len() {
                    let path = self.old.field_path(*o, i).to_string();
                    self.changes.push(change(
                        Impact::Breaking,
                        self.node,
                        path,
                        "output variable removed",
                    ));
                }
            }
            (Type::Array(o), Type::Array(n)) => tasks.push(Task::Types {
                old: &self.old.array(*o).items,
                new: &self.new.array(*n).items,
                at: Parent::Items(*n),
            }),
            (o, n) if o.coze_name() == n.coze_name() && same_any(o, n) => {}
            (o, n) => {
                let message = format!("type changed from {} to {}", describe(o), describe(n));
                let path = self.new.path(at).to_string();
                self.changes
                    .push(change(Impact::Breaking, self.node, path, &message));
            }
        }
    }
}

fn change(impact: Impact, node: Node, path: String, message: &str) -> Change {
    Change {
        impact,
        node,
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
        diff_node(Node::Input, &input(old), &input(new))
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
                "breaking: start node: a: parameter removed",
            ),
            (
                r#"{"a":{"type":"string"}}"#,
                r#"{"a":{"type":"integer"}}"#,
                "breaking: start node: a: type changed from string to integer",
            ),
            (
                r#"{"a":{"type":"string"}}"#,
                r#"{"a":{"type":"string","required":true}}"#,
                "breaking: start node: a: optional parameter became required",
            ),
            (
                r#"{}"#,
                r#"{"b":{"type":"string","required":true}}"#,
                "breaking: start node: b: new required parameter",
            ),
            (
                r#"{}"#,
                r#"{"b":{"type":"string"}}"#,
                "compatible: start node: b: new optional parameter",
            ),
            (
                r#"{"a":{"type":"string","required":true}}"#,
                r#"{"a":{"type":"string"}}"#,
                "compatible: start node: a: required parameter became optional",
            ),
            (
                r#"{"a":{"type":"string","description":"x"}}"#,
                r#"{"a":{"type":"string","description":"y"}}"#,
                "compatible: start node: a: description changed",
            ),
            (
                r#"{"a":{"type":"integer","default_value":"1"}}"#,
                r#"{"a":{"type":"integer","default_value":"2"}}"#,
                "compatible: start node: a: default changed from 1 to 2",
            ),
            (
                r#"{"a":{"type":"image"}}"#,
                r#"{"a":{"type":"video"}}"#,
                "breaking: start node: a: type changed from image to video",
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
                "breaking: start node: z: parameter removed",
                "breaking: start node: rows[].qty: type changed from integer to number",
                "breaking: start node: rows[].sku: new required parameter",
                "compatible: start node: rows: description changed",
                "compatible: start node: y: new optional parameter",
            ]
        );
    }

    fn workflow(doc: &str) -> Workflow {
        let info = load_slice(doc.as_bytes(), "doc").expect("loads");
        build(&info, &BuildOptions::default()).expect("builds").0
    }

    fn end_node(old: &str, new: &str) -> Vec<String> {
        let doc = |output: &str| format!(r#"{{"input":{{"parameters":{{}}}},"output":{output}}}"#);
        diff(&workflow(&doc(old)), &workflow(&doc(new)))
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn end_node_changes_are_judged_for_consumers() {
        let vars = |params: &str| {
            format!(r#"{{"terminate_plan":"return_variables","parameters":{params}}}"#)
        };
        let cases: &[(&str, &str, &str)] = &[
            (
                r#"{"a":{"type":"string"}}"#,
                r#"{}"#,
                "breaking: end node: a: output variable removed",
            ),
            (
                r#"{"a":{"type":"string"}}"#,
                r#"{"a":{"type":"integer"}}"#,
                "breaking: end node: a: type changed from string to integer",
            ),
            (
                r#"{"o":{"type":"object","properties":{"x":{"type":"string"}}}}"#,
                r#"{"o":{"type":"object","properties":{}}}"#,
                "breaking: end node: o.x: output variable removed",
            ),
            (
                r#"{"o":{"type":"array","items":{"type":"object","properties":{"x":{"type":"string"}}}}}"#,
                r#"{"o":{"type":"array","items":{"type":"object","properties":{"x":{"type":"number"}}}}}"#,
                "breaking: end node: o[].x: type changed from string to number",
            ),
            (
                r#"{}"#,
                r#"{"b":{"type":"string","required":true}}"#,
                "compatible: end node: b: new output variable",
            ),
            (
                r#"{"o":{"type":"object","properties":{"x":{"type":"string"}}}}"#,
                r#"{"o":{"type":"object","properties":{"x":{"type":"string"},"y":{"type":"string","required":true}}}}"#,
                "compatible: end node: o.y: new output variable",
            ),
            (
                r#"{"a":{"type":"string","description":"x"}}"#,
                r#"{"a":{"type":"string","description":"y"}}"#,
                "compatible: end node: a: description changed",
            ),
            (
                r#"{"a":{"type":"string","required":true}}"#,
                r#"{"a":{"type":"string"}}"#,
                "",
            ),
            (
                r#"{"a":{"type":"string"}}"#,
                r#"{"a":{"type":"string","required":true}}"#,
                "",
            ),
        ];
        for (old, new, expected) in cases {
            let got = end_node(&vars(old), &vars(new));
            if expected.is_empty() {
                assert!(got.is_empty(), "{old} -> {new}: {got:?}");
            } else {
                assert_eq!(got, [*expected], "{old} -> {new}");
            }
        }
    }

    #[test]
    fn a_changed_terminate_plan_breaks_consumers() {
        let vars = r#"{"terminate_plan":"return_variables","parameters":{"a":{"type":"string"}}}"#;
        let answer = r#"{"terminate_plan":"use_answer_content","content":"{{a}}","parameters":{"a":{"type":"string"}}}"#;
        assert_eq!(
            end_node(vars, answer),
            [
                "breaking: end node: terminate_plan changed from \"return_variables\" to \
                 \"use_answer_content\": the run's result changes shape"
            ]
        );
        let other = r#"{"terminate_plan":"use_answer_content","content":"a is {{a}}","parameters":{"a":{"type":"string"}}}"#;
        assert_eq!(
            end_node(answer, other),
            ["compatible: end node: answer template (content) changed"]
        );
        // A side without the end node says nothing about it.
        let start_only = workflow(r#"{"input":{"parameters":{}}}"#);
        let with_end = workflow(&format!(
            r#"{{"input":{{"parameters":{{}}}},"output":{answer}}}"#
        ));
        let changes = diff(&start_only, &with_end);
        assert_eq!(
            changes.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["compatible: end node: a: new output variable"]
        );
    }

    #[test]
    fn each_change_names_its_node() {
        let old = workflow(
            r#"{"input":{"parameters":{"a":{"type":"string"}}},"output":{"parameters":{"a":{"type":"string"}}}}"#,
        );
        let new = workflow(r#"{"input":{"parameters":{}},"output":{"parameters":{}}}"#);
        let changes = diff(&old, &new);
        let nodes: Vec<_> = changes.iter().map(|c| (c.node, c.path.as_str())).collect();
        assert_eq!(nodes, [(Node::Input, "a"), (Node::Output, "a")]);
        assert!(changes.iter().all(|c| c.impact == Impact::Breaking));
    }
}
