//! Compares the start nodes of two versions of a workflow, so CI can gate an update.
//!
//! A change is *breaking* when a caller that worked with the old version can fail with the new
//! one: a parameter removed, its type changed, an optional parameter made required, a new
//! required parameter. Everything else (new optional parameters, descriptions, defaults,
//! required made optional) is *compatible*.

use crate::ir::{Field, Object, Path, Type};
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
/// rest).
pub fn diff(old: &Object, new: &Object) -> Vec<Change> {
    let mut changes = Vec::new();
    let _ = crate::stack::run(|| {
        objects(old, new, &mut changes);
        Ok(())
    });
    changes
}

fn objects(old: &Object, new: &Object, out: &mut Vec<Change>) {
    for o in &old.fields {
        if !new.fields.iter().any(|n| n.name == o.name) {
            out.push(change(
                Impact::Breaking,
                &o.path,
                "parameter removed".to_owned(),
            ));
        }
    }
    for n in &new.fields {
        match old.fields.iter().find(|o| o.name == n.name) {
            None if n.required => out.push(change(
                Impact::Breaking,
                &n.path,
                "new required parameter".to_owned(),
            )),
            None => out.push(change(
                Impact::Compatible,
                &n.path,
                "new optional parameter".to_owned(),
            )),
            Some(o) => fields(o, n, out),
        }
    }
}

fn fields(old: &Field, new: &Field, out: &mut Vec<Change>) {
    match (old.required, new.required) {
        (false, true) => out.push(change(
            Impact::Breaking,
            &new.path,
            "optional parameter became required".to_owned(),
        )),
        (true, false) => out.push(change(
            Impact::Compatible,
            &new.path,
            "required parameter became optional".to_owned(),
        )),
        _ => {}
    }
    types(&old.ty, &new.ty, &new.path, out);
    if old.description != new.description {
        out.push(change(
            Impact::Compatible,
            &new.path,
            "description changed".to_owned(),
        ));
    }
    if old.default != new.default {
        let shown = |d: &Option<serde_json::Value>| match d {
            Some(v) => crate::ir::path::printable(&v.to_string(), 40),
            None => "none".to_owned(),
        };
        let message = format!(
            "default changed from {} to {}",
            shown(&old.default),
            shown(&new.default)
        );
        out.push(change(Impact::Compatible, &new.path, message));
    }
}

fn types(old: &Type, new: &Type, path: &Path, out: &mut Vec<Change>) {
    match (old, new) {
        (Type::Object(o), Type::Object(n)) => objects(o, n, out),
        (Type::Array(o), Type::Array(n)) => types(&o.items, &n.items, &path.items(), out),
        (o, n) if o.coze_name() == n.coze_name() && same_any(o, n) => {}
        (o, n) => {
            let message = format!("type changed from {} to {}", describe(o), describe(n));
            out.push(change(Impact::Breaking, path, message));
        }
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
        Type::Any(Some(name)) => format!(
            "unknown type {}",
            crate::ir::path::quote(&crate::ir::path::printable(name, 40))
        ),
        Type::Map => "object without properties".to_owned(),
        other => other.coze_name().to_owned(),
    }
}

fn change(impact: Impact, path: &Path, message: String) -> Change {
    Change {
        impact,
        path: path.to_string(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BuildOptions, build, load_slice};

    fn input(params: &str) -> Object {
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
    fn nested_changes_carry_their_path() {
        let old = r#"{"rows":{"type":"array","items":{"type":"object","properties":{"qty":{"type":"integer"}}}}}"#;
        let new = r#"{"rows":{"type":"array","items":{"type":"object","properties":{"qty":{"type":"number"},"sku":{"type":"string","required":true}}}}}"#;
        assert_eq!(
            lines(old, new),
            [
                "breaking: rows[].qty: type changed from integer to number",
                "breaking: rows[].sku: new required parameter"
            ]
        );
    }
}
