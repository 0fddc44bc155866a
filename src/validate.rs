//! Checks a run's `parameters` object against a node's parameters before calling Coze.
//!
//! The rules are the JSON Schema's (objects closed, `null` is not a value of any declared
//! type, integers may be written `3.0`), plus what only Coze knows: `time` values must be in
//! Coze's `yyyy-MM-dd HH:mm:ss` form and file values must be non-empty strings. Problems are
//! reported with the path of the offending value, array indices included (`lines[2].qty`).

use crate::ir::defaults::is_coze_time;
use crate::ir::path::{is_plain, printable, quote};
use crate::ir::{Object, Type};
use serde_json::Value;
use std::fmt;

/// One reason the parameters would be rejected or misread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where, e.g. `lines[2].qty`; empty for the parameters object itself.
    pub path: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "parameters: {}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Every problem with `parameters` as the `parameters` of a run of a node shaped like `root`,
/// in document order. An empty list means the parameters fit.
pub fn validate(root: &Object, parameters: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    let _ = crate::stack::run(|| {
        check_object(root, parameters, "", &mut problems);
        Ok(())
    });
    problems
}

fn check_object(object: &Object, value: &Value, path: &str, problems: &mut Vec<Problem>) {
    let Value::Object(map) = value else {
        problems.push(mismatch(path, "an object", value));
        return;
    };
    for field in &object.fields {
        let child = join(path, &field.name);
        match map.get(&field.name) {
            None if field.required => problems.push(Problem {
                path: child,
                message: "required parameter is missing".to_owned(),
            }),
            None => {}
            Some(v) => check(&field.ty, v, &child, problems),
        }
    }
    for key in map.keys() {
        if !object.fields.iter().any(|f| &f.name == key) {
            problems.push(Problem {
                path: join(path, key),
                message: "is not a parameter of this workflow".to_owned(),
            });
        }
    }
}

fn check(ty: &Type, value: &Value, path: &str, problems: &mut Vec<Problem>) {
    let ok = match (ty, value) {
        (Type::Any(_), _) => true,
        (Type::String, Value::String(_)) => true,
        (Type::Integer, Value::Number(n)) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        (Type::Number, Value::Number(_)) => true,
        (Type::Boolean, Value::Bool(_)) => true,
        (Type::Time, Value::String(s)) => is_coze_time(s),
        (Type::File(_), Value::String(s)) => !s.trim().is_empty(),
        (Type::Map, Value::Object(_)) => true,
        (Type::Object(object), _) => {
            check_object(object, value, path, problems);
            return;
        }
        (Type::Array(array), Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                check(&array.items, item, &format!("{path}[{i}]"), problems);
            }
            return;
        }
        _ => false,
    };
    if !ok {
        problems.push(mismatch(path, expected(ty), value));
    }
}

fn expected(ty: &Type) -> &'static str {
    match ty {
        Type::String => "string",
        Type::Integer => "integer",
        Type::Number => "number",
        Type::Boolean => "boolean",
        Type::Time => "time text in `yyyy-MM-dd HH:mm:ss` form",
        Type::File(_) => "a file URL or file_id text",
        Type::Object(_) | Type::Map => "an object",
        Type::Array(_) => "an array",
        Type::Any(_) => "any value",
    }
}

fn mismatch(path: &str, expected: &str, value: &Value) -> Problem {
    let shown = match value {
        Value::Object(_) => "an object".to_owned(),
        Value::Array(_) => "an array".to_owned(),
        other => printable(&other.to_string(), 60),
    };
    Problem {
        path: path.to_owned(),
        message: format!("expected {expected}, got {shown}"),
    }
}

/// `parent.name`, or `parent["odd name"]` when the name is not a plain identifier.
fn join(parent: &str, name: &str) -> String {
    if is_plain(name) {
        if parent.is_empty() {
            name.to_owned()
        } else {
            format!("{parent}.{name}")
        }
    } else {
        format!("{parent}[{}]", quote(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BuildOptions, build, load_slice};
    use serde_json::json;

    fn order() -> Object {
        let doc = br#"{"input":{"parameters":{
            "lines":{"type":"array","required":true,"items":{"type":"object","properties":{
                "sku":{"type":"string","required":true},"qty":{"type":"integer","required":true}}}},
            "when":{"type":"time"},
            "photo":{"type":"image"},
            "odd name":{"type":"boolean"}}}}"#;
        let info = load_slice(doc, "order").expect("loads");
        build(&info, &BuildOptions::default())
            .expect("builds")
            .0
            .input
    }

    fn messages(value: Value) -> Vec<String> {
        validate(&order(), &value)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn valid_parameters_have_no_problems() {
        let ok = json!({"lines":[{"sku":"A","qty":2},{"sku":"B","qty":1.0}],"when":"2025-07-01 09:30:00","photo":"https://x/y.png","odd name":true});
        assert_eq!(messages(ok), Vec::<String>::new());
    }

    #[test]
    fn problems_name_the_path_with_indices() {
        let bad = json!({"lines":[{"sku":"A","qty":1},{"sku":"B"},{"sku":"C","qty":"3"}]});
        assert_eq!(
            messages(bad),
            [
                "lines[1].qty: required parameter is missing",
                "lines[2].qty: expected integer, got \"3\""
            ]
        );
    }

    #[test]
    fn unknown_keys_nulls_and_bad_coze_values_are_problems() {
        let bad = json!({"lines":[],"extra":1,"when":"tomorrow","photo":"","odd name":null});
        assert_eq!(
            messages(bad),
            [
                "when: expected time text in `yyyy-MM-dd HH:mm:ss` form, got \"tomorrow\"",
                "photo: expected a file URL or file_id text, got \"\"",
                "[\"odd name\"]: expected boolean, got null",
                "extra: is not a parameter of this workflow",
            ]
        );
    }

    #[test]
    fn parameters_must_be_an_object() {
        assert_eq!(
            messages(json!([1])),
            ["parameters: expected an object, got an array"]
        );
        assert_eq!(
            messages(json!({})),
            ["lines: required parameter is missing"]
        );
    }
}
