//! Conformance hooks for the HTML form: [`plan`] turns an instance (a run's `parameters`) into
//! the UI actions a person would take to enter it, walking the instance with the IR's types;
//! [`run_form_documents`] performs such plans in headless Chromium (tests/js/form-fill.mjs, real
//! clicks and typing only, one browser for every page) and reports what the form did with each.
//!
//! A plan does not depend on what the form shows at first: every declared parameter is set or
//! cleared, every optional group included or excluded, every array emptied before its rows are
//! added. A value whose JSON type no control can enter (`"3"` for an integer, an unknown key)
//! becomes an [`Action::Unfillable`], which the filler reports as the case's outcome.

use cozegen::ir::{ObjectId, Type, Types};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One UI action. `name` is the `name` attribute of the control (or of the `<fieldset>` of an
/// object or array): the parameter's path with row indices, e.g. `rows[0].sku`, `["odd name"]`;
/// an open object's "other keys" box is its path and `*` (`*` at the root, `rows[0].*`).
///
/// As JSON: `{"op":"include","name":"opt"}`, `{"op":"text","name":"rows[0].sku","value":"A"}`,
/// `{"op":"check","name":"flag","value":true}`, `{"op":"time","name":"when",
/// "value":"2025-07-01T09:30:00"}`, `{"op":"unfillable","name":"x","reason":"…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum Action {
    /// Tick the "include" box of the optional object or array `name`.
    Include { name: String },
    /// Untick it: the group is left out of the payload.
    Exclude { name: String },
    /// Remove every row of the array `name` (its Remove buttons).
    Empty { name: String },
    /// Click the Add item button of the array `name`.
    Add { name: String },
    /// Type `value` into the text, number, file or JSON box `name`, replacing what it shows.
    /// Numbers are the instance's JSON number text; `map`/`any` values their JSON text.
    Text { name: String, value: String },
    /// Leave the leaf `name` without a value: an empty box, or "(not sent)" for an optional
    /// boolean.
    Clear { name: String },
    /// Set the boolean `name`: click its checkbox until it shows `value`, or choose `value`.
    Check { name: String, value: bool },
    /// Set the date and time picker `name` (`yyyy-MM-ddTHH:mm:ss`).
    Time { name: String, value: String },
    /// The instance holds a value no control of the form can enter.
    Unfillable { name: String, reason: String },
}

/// What the form did with one plan.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum FormOutcome {
    /// The form submitted: `json` is the exact text of `cozegen:submit`'s `detail.json`.
    Submitted { json: String },
    /// Submitting was refused: the visible error messages, as `name: message`.
    Blocked { errors: Vec<String> },
    /// An action could not be performed (or the plan said so).
    Unfillable { reason: String },
}

enum Task<'a> {
    /// Enter `value` for a place of type `ty` named `name`; `optional` for an optional member.
    Value {
        ty: &'a Type,
        value: &'a Value,
        name: String,
        optional: bool,
    },
    /// Every declared field of `object` from `map`, then the keys it does not declare.
    Object {
        object: ObjectId,
        map: &'a Map<String, Value>,
        name: String,
    },
    /// An action in its place among the others.
    Act(Action),
    /// Add row `index` of the array `name` and enter `value` in it.
    Row {
        items: &'a Type,
        value: &'a Value,
        name: String,
        index: usize,
    },
}

/// The UI actions that enter `instance` as the parameters of a node shaped like `types`.
pub fn plan(types: &Types, instance: &Value) -> Vec<Action> {
    let mut actions = Vec::new();
    let Value::Object(map) = instance else {
        return vec![Action::Unfillable {
            name: String::new(),
            reason: format!("the parameters are {}, not an object", kind_of(instance)),
        }];
    };
    let mut tasks = vec![Task::Object {
        object: Types::ROOT,
        map,
        name: String::new(),
    }];
    while let Some(task) = tasks.pop() {
        match task {
            Task::Object { object, map, name } => {
                let object = types.object(object);
                let mut later = Vec::new();
                for field in &object.fields {
                    let mut child = name.clone();
                    cozegen::text::push_name(&mut child, &field.name, !name.is_empty());
                    match map.get(&field.name) {
                        Some(value) => later.push(Task::Value {
                            ty: &field.ty,
                            value,
                            name: child,
                            optional: !field.required,
                        }),
                        None => {
                            later.extend(absent(&field.ty, child, field.required).map(Task::Act))
                        }
                    }
                }
                let mut other = Map::new();
                for (key, value) in map {
                    if object.fields.iter().any(|f| &f.name == key) {
                        continue;
                    }
                    if object.closed {
                        let mut child = name.clone();
                        cozegen::text::push_name(&mut child, key, !name.is_empty());
                        later.push(Task::Act(Action::Unfillable {
                            name: child,
                            reason: "is not a parameter of this workflow: the form has no \
                                     control for it"
                                .to_owned(),
                        }));
                    } else {
                        other.insert(key.clone(), value.clone());
                    }
                }
                // An open object's undeclared keys go into its "other keys" box, as one object.
                if !object.closed {
                    let name = if name.is_empty() {
                        "*".to_owned()
                    } else {
                        format!("{name}.*")
                    };
                    later.push(Task::Act(if other.is_empty() {
                        Action::Clear { name }
                    } else {
                        Action::Text {
                            name,
                            value: cozegen::json::to_compact(&Value::Object(other)),
                        }
                    }));
                }
                tasks.extend(later.into_iter().rev());
            }
            Task::Row {
                items,
                value,
                name,
                index,
            } => {
                actions.push(Action::Add { name: name.clone() });
                tasks.push(Task::Value {
                    ty: items,
                    value,
                    name: format!("{name}[{index}]"),
                    optional: false,
                });
            }
            Task::Act(action) => actions.push(action),
            Task::Value {
                ty,
                value,
                name,
                optional,
            } => enter(types, ty, value, name, optional, &mut actions, &mut tasks),
        }
    }
    actions
}

/// The actions for a value of type `ty`; what nests inside it is left as tasks.
fn enter<'a>(
    types: &'a Types,
    ty: &'a Type,
    value: &'a Value,
    name: String,
    optional: bool,
    actions: &mut Vec<Action>,
    tasks: &mut Vec<Task<'a>>,
) {
    let unfillable = |name: String, control: &str| Action::Unfillable {
        reason: format!("{} cannot be entered in {control}", kind_of(value)),
        name,
    };
    let action = match (ty, value) {
        (Type::String | Type::File(_), Value::String(s)) => Action::Text {
            name,
            value: s.clone(),
        },
        (Type::String | Type::File(_), _) => unfillable(name, "a text box"),
        (Type::Integer | Type::Number, Value::Number(n)) => Action::Text {
            name,
            value: n.to_string(),
        },
        (Type::Integer | Type::Number, _) => unfillable(name, "a number box"),
        (Type::Boolean, Value::Bool(b)) => Action::Check { name, value: *b },
        (Type::Boolean, _) => unfillable(name, "a checkbox"),
        (Type::Time, Value::String(s)) if is_time_shape(s) => Action::Time {
            name,
            value: s.replacen(' ', "T", 1),
        },
        (Type::Time, _) => unfillable(name, "a date and time picker"),
        (Type::Map | Type::Any(_), v) => Action::Text {
            name,
            value: cozegen::json::to_compact(v),
        },
        (Type::Object(object), Value::Object(map)) => {
            if optional {
                actions.push(Action::Include { name: name.clone() });
            }
            tasks.push(Task::Object {
                object: *object,
                map,
                name,
            });
            return;
        }
        (Type::Object(_), _) => unfillable(name, "an object's fields"),
        (Type::Array(array), Value::Array(values)) => {
            if optional {
                actions.push(Action::Include { name: name.clone() });
            }
            actions.push(Action::Empty { name: name.clone() });
            let items = &types.array(*array).items;
            tasks.extend(
                values
                    .iter()
                    .enumerate()
                    .rev()
                    .map(|(index, value)| Task::Row {
                        items,
                        value,
                        name: name.clone(),
                        index,
                    }),
            );
            return;
        }
        (Type::Array(_), _) => unfillable(name, "an array's rows"),
    };
    actions.push(action);
}

/// The actions that leave a declared parameter out.
fn absent(ty: &Type, name: String, required: bool) -> Option<Action> {
    match ty {
        Type::Object(_) | Type::Array(_) if !required => Some(Action::Exclude { name }),
        // A required group is always sent, and a required checkbox always has a value: the
        // form cannot leave them out (such an instance is invalid anyway).
        Type::Object(_) | Type::Array(_) | Type::Boolean if required => None,
        _ => Some(Action::Clear { name }),
    }
}

/// Whether a date and time picker can show `s`: `yyyy-MM-dd HH:mm:ss` digits, real or not
/// (the picker itself refuses a date that does not exist).
fn is_time_shape(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 19
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b' ',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        })
}

fn kind_of(value: &Value) -> String {
    match value {
        Value::Object(_) => "an object".to_owned(),
        Value::Array(_) => "an array".to_owned(),
        other => cozegen::json::to_compact(other),
    }
}

/// A case's name and the actions that enter it.
pub type Plan = (String, Vec<Action>);

/// Performs each plan on a fresh copy of the page `html` in headless Chromium and returns the
/// outcomes in order: [`run_form_documents`] for one page. Callers check
/// [`super::chromium_available`] first.
pub fn run_form_cases(html: &str, cases: &[Plan]) -> Vec<FormOutcome> {
    run_form_documents(&[(html, cases)]).remove(0)
}

/// Performs every plan of every page through tests/js/form-fill.mjs, with one browser for all
/// of them: each plan on a freshly loaded copy of its page. Returns, for each page, the
/// outcomes of its plans in order. Callers check [`super::chromium_available`] first.
pub fn run_form_documents(documents: &[(&str, &[Plan])]) -> Vec<Vec<FormOutcome>> {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut list = Vec::new();
    for (i, (html, cases)) in documents.iter().enumerate() {
        let page = dir.path().join(format!("form-{i}.html"));
        std::fs::write(&page, html).expect("write the form");
        list.push(serde_json::json!({
            "page": page,
            "cases": cases
                .iter()
                .map(|(name, actions)| serde_json::json!({"name": name, "actions": actions}))
                .collect::<Vec<_>>(),
        }));
    }
    let config_path = dir.path().join("cases.json");
    std::fs::write(
        &config_path,
        serde_json::json!({"documents": list}).to_string(),
    )
    .expect("write the cases");
    let out = std::process::Command::new("node")
        .arg(super::root().join("tests/js/form-fill.mjs"))
        .arg(&config_path)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "form-fill.mjs failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let outcomes: Vec<Vec<FormOutcome>> =
        serde_json::from_slice(&out.stdout).expect("form-fill.mjs prints its outcomes as JSON");
    assert_eq!(outcomes.len(), documents.len(), "outcomes for every page");
    for ((_, cases), outcomes) in documents.iter().zip(&outcomes) {
        assert_eq!(outcomes.len(), cases.len(), "one outcome per case");
    }
    outcomes
}
