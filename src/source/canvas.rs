//! Coze Studio canvases, read into the wire model of a WorkflowInfo.
//!
//! A self-hosted Coze Studio keeps a workflow as a canvas: `{"nodes": […], "edges": […]}`. Its
//! start node (`"type": "1"`) declares the run's parameters in `data.outputs`, a list of
//! variables (`name`, `type`, `required`, `description`, `defaultValue`, `assistType`, and a
//! `schema`: an object's properties as a list of variables, or a list's item variable). Its end
//! node (`"type": "2"`) declares what a run returns in `data.inputs.inputParameters`, each a
//! `name` with an `input` shaped like a variable, and how it ends in `terminatePlan`.
//!
//! [`to_info`] turns those two nodes into the [`WorkflowInfo`] a Coze cloud answer would be, so
//! the IR is built by one path whatever the platform. The vocabulary is Coze Studio's
//! (`backend/domain/workflow/entity/vo/canvas.go`):
//!
//! | canvas | WorkflowInfo |
//! | --- | --- |
//! | `string` | `string` |
//! | `string` with `assistType` 1–12 | the file kinds `file`, `image`, `doc`, `code`, `ppt`, `txt`, `excel`, `audio`, `zip`, `video`, `svg`, `voice` |
//! | `string` with `assistType` 10000 | `time` |
//! | `integer`, `boolean` | the same |
//! | `float` (or `number`) | `number` |
//! | `object` with a `schema` list | `object` with `properties`, in the list's order |
//! | `list` with a `schema` variable | `array` with `items` |
//! | `terminatePlan` `returnVariables`, `useAnswerContent` | `return_variables`, `use_answer_content` |
//!
//! Fallbacks, each with a warning: an unknown `assistType` on a `string` reads as a plain
//! `string`; an `assistType` on another type is ignored; a node that is not a JSON object is
//! skipped; a second start or end node is ignored. Other types (`any`, or types newer than this
//! table) go through unchanged, and the IR accepts any JSON value for them, with a warning. Node
//! types other than start and end are not read: they do not change what a run takes or returns.
//! A canvas without a start node, or whose variables are not lists of named objects, is an
//! [`Error::Canvas`] naming the place.

use crate::model::{
    NodeParams, Origin, OutputNode, Param, Params, Platform, Scalar, WorkflowBasic, WorkflowInfo,
};
use crate::source::{Error, Result};
use crate::text;
use crate::warning::Warning;
use indexmap::IndexMap;
use serde_json::{Map, Value};

/// `BlockTypeBotStart`.
const START: &str = "1";
/// `BlockTypeBotEnd`.
const END: &str = "2";

/// `AssistTypeTime`.
pub const ASSIST_TIME: i64 = 10_000;

/// The file kind an `assistType` stands for (`AssistTypeDefault` … `AssistTypeVoice`), by its
/// name in the cloud's vocabulary; `None` for 0 (not set), time and unknown numbers.
pub fn assist_file_kind(assist: i64) -> Option<&'static str> {
    Some(match assist {
        1 => "file",
        2 => "image",
        3 => "doc",
        4 => "code",
        5 => "ppt",
        6 => "txt",
        7 => "excel",
        8 => "audio",
        9 => "zip",
        10 => "video",
        11 => "svg",
        12 => "voice",
        _ => return None,
    })
}

/// Reads a canvas's start and end nodes into a WorkflowInfo. `nodes` is the canvas's `nodes`,
/// `at` its path in the document (for errors), `basic` what the surrounding answer said about
/// the workflow, and `flow_mode` the answer's `flow_mode`, if any.
pub fn to_info(
    nodes: &Value,
    at: &str,
    source_name: &str,
    basic: Option<WorkflowBasic>,
    flow_mode: Option<String>,
) -> Result<WorkflowInfo> {
    let mut reader = Reader {
        source_name,
        notes: Vec::new(),
    };
    let Value::Array(list) = nodes else {
        return Err(reader.error(at, "`nodes` is not a list of nodes"));
    };
    let mut start = None;
    let mut end = None;
    for (i, node) in list.iter().enumerate() {
        let node_at = format!("{at}[{i}]");
        let Value::Object(node) = node else {
            reader.warn(
                &node_at,
                "is not a node (a JSON object); skipped".to_owned(),
            );
            continue;
        };
        let slot = match node.get("type").and_then(as_text).as_deref() {
            Some(START) => &mut start,
            Some(END) => &mut end,
            _ => continue,
        };
        if slot.is_some() {
            let which = if node.get("type").and_then(as_text).as_deref() == Some(START) {
                "start"
            } else {
                "end"
            };
            reader.warn(
                &node_at,
                format!("is a second {which} node; only the first is read"),
            );
            continue;
        }
        *slot = Some((node_at, node));
    }
    let Some((start_at, start)) = start else {
        return Err(reader.error(
            at,
            "the canvas has no start node (a node of `\"type\": \"1\"`), so there is no run \
             input to read",
        ));
    };
    let input = reader.start_node(&start_at, start)?;
    let output = match end {
        Some((end_at, end)) => Some(reader.end_node(&end_at, end)?),
        None => None,
    };
    Ok(WorkflowInfo {
        role: None,
        input: Some(input),
        output,
        workflow_detail: basic,
        workflow: None,
        origin: Origin {
            platform: Platform::Studio,
            flow_mode,
        },
        notes: reader.notes,
    })
}

/// A JSON scalar as text: strings as they are, numbers in their JSON spelling.
fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A JSON value as the wire model's lenient [`Scalar`]; objects and arrays as compact text.
pub(crate) fn scalar(value: &Value) -> Scalar {
    match value {
        Value::Bool(b) => Scalar::Bool(*b),
        Value::Number(n) => Scalar::Number(n.clone()),
        Value::String(s) => Scalar::String(s.clone()),
        other => {
            let mut writer = crate::json::Writer::compact(16);
            writer.value(other);
            Scalar::Json(writer.finish())
        }
    }
}

struct Reader<'a> {
    source_name: &'a str,
    notes: Vec<Warning>,
}

/// Where a variable is: its place in the canvas (for errors) and its parameter path (for
/// warnings, in the IR's `input.a.b[]` form).
struct Place {
    at: String,
    param: String,
}

impl Reader<'_> {
    fn error(&self, at: &str, message: &str) -> Error {
        Error::Canvas {
            source_name: self.source_name.to_owned(),
            path: text::printable(at, 240),
            message: message.to_owned(),
        }
    }

    fn warn(&mut self, path: &str, message: String) {
        self.notes.push(Warning {
            path: path.to_owned(),
            message,
        });
    }

    /// A node's `data`, or `None` (with a warning) when it has none.
    fn data<'n>(
        &mut self,
        at: &str,
        node: &'n Map<String, Value>,
    ) -> Option<&'n Map<String, Value>> {
        match node.get("data") {
            Some(Value::Object(data)) => Some(data),
            _ => {
                self.warn(
                    &format!("{at}.data"),
                    "is missing or not an object; the node declares no variables".to_owned(),
                );
                None
            }
        }
    }

    fn start_node(&mut self, at: &str, node: &Map<String, Value>) -> Result<NodeParams> {
        let Some(data) = self.data(at, node) else {
            return Ok(NodeParams {
                parameters: Some(Params::default()),
            });
        };
        let parameters = match data.get("outputs") {
            None | Some(Value::Null) => Params::default(),
            Some(outputs) => self.variables(
                outputs,
                &Place {
                    at: format!("{at}.data.outputs"),
                    param: "input".to_owned(),
                },
            )?,
        };
        Ok(NodeParams {
            parameters: Some(parameters),
        })
    }

    fn end_node(&mut self, at: &str, node: &Map<String, Value>) -> Result<OutputNode> {
        let empty = OutputNode {
            parameters: Some(Params::default()),
            terminate_plan: None,
            content: None,
        };
        let Some(data) = self.data(at, node) else {
            return Ok(empty);
        };
        let inputs = match data.get("inputs") {
            Some(Value::Object(inputs)) => inputs,
            None | Some(Value::Null) => return Ok(empty),
            Some(_) => return Err(self.error(&format!("{at}.data.inputs"), "is not an object")),
        };
        let parameters = match inputs.get("inputParameters") {
            None | Some(Value::Null) => Params::default(),
            Some(list) => self.variables(
                list,
                &Place {
                    at: format!("{at}.data.inputs.inputParameters"),
                    param: "output".to_owned(),
                },
            )?,
        };
        let terminate_plan =
            inputs
                .get("terminatePlan")
                .and_then(as_text)
                .map(|plan| match plan.as_str() {
                    "returnVariables" => "return_variables".to_owned(),
                    "useAnswerContent" => "use_answer_content".to_owned(),
                    _ => plan,
                });
        // The answer template: `content.value.content` when it is literal text.
        let content = inputs
            .get("content")
            .and_then(|c| c.pointer("/value/content"))
            .and_then(Value::as_str)
            .map(|s| Scalar::String(s.to_owned()));
        Ok(OutputNode {
            parameters: Some(parameters),
            terminate_plan: terminate_plan.map(Scalar::String),
            content,
        })
    }

    /// A list of variables (or of `{name, input}` parameters) as a parameter map.
    fn variables(&mut self, list: &Value, place: &Place) -> Result<Params> {
        let Value::Array(list) = list else {
            return Err(self.error(&place.at, "is not a list of variables"));
        };
        let mut out = IndexMap::with_capacity(list.len().min(4096));
        for (i, item) in list.iter().enumerate() {
            let at = format!("{}[{i}]", place.at);
            let Value::Object(item) = item else {
                return Err(self.error(&at, "is not a variable (a JSON object)"));
            };
            let name = match item.get("name") {
                Some(Value::String(name)) if !name.is_empty() => name.clone(),
                _ => return Err(self.error(&at, "has no `name` (a non-empty string)")),
            };
            if out.contains_key(&name) {
                let shown = text::quote(&text::printable(&name, 80));
                return Err(self.error(&at, &format!("a second variable is named {shown}")));
            }
            let mut param_path = place.param.clone();
            text::push_name(&mut param_path, &name, true);
            // An end node's parameter, or a property of an object built from references:
            // `{name, input: {type, schema, …}}`; the variable's own fields otherwise.
            let (spec, spec_at) = match item.get("input") {
                Some(Value::Object(input)) if !item.contains_key("type") => {
                    (input, format!("{at}.input"))
                }
                _ => (item, at),
            };
            let param = self.variable(
                spec,
                item,
                &Place {
                    at: spec_at,
                    param: param_path,
                },
            )?;
            out.insert(name, param);
        }
        Ok(Params(out))
    }

    /// One variable's type, with what is inside it. `outer` holds its `required`,
    /// `description` and `defaultValue` when `spec` is a parameter's `input`.
    fn variable(
        &mut self,
        spec: &Map<String, Value>,
        outer: &Map<String, Value>,
        place: &Place,
    ) -> Result<Param> {
        let field = |key: &str| spec.get(key).or_else(|| outer.get(key)).map(scalar);
        let declared = spec.get("type").and_then(as_text);
        let assist = self.assist_type(spec, place);
        let mut items = None;
        let mut properties = None;
        let ty = match declared.as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("") => None,
            Some("string") => Some(
                match assist {
                    None | Some(0) => "string",
                    Some(ASSIST_TIME) => "time",
                    Some(n) => match assist_file_kind(n) {
                        Some(kind) => kind,
                        None => {
                            self.warn(
                            &place.param,
                            format!(
                                "has unknown assistType {n}; read as a plain `string` (any text)"
                            ),
                        );
                            "string"
                        }
                    },
                }
                .to_owned(),
            ),
            Some(other) => {
                if let Some(n) = assist.filter(|&n| n != 0) {
                    self.warn(
                        &place.param,
                        format!("has assistType {n} on a `{other}`, which takes none; ignored"),
                    );
                }
                Some(match other {
                    "float" | "number" => "number".to_owned(),
                    "object" => {
                        properties = self.properties(spec, place)?;
                        "object".to_owned()
                    }
                    "list" | "array" => {
                        items = self.items(spec, place)?;
                        "array".to_owned()
                    }
                    // The IR knows `integer`, `boolean` and the cloud's names; anything else it
                    // accepts as any JSON value, with a warning naming the type.
                    other => other.to_owned(),
                })
            }
        };
        Ok(Param {
            ty: ty.map(Scalar::String),
            items,
            properties,
            required: field("required"),
            description: field("description"),
            default_value: field("defaultValue"),
        })
    }

    /// `assistType` as a number (a number in text too); `None` when absent.
    fn assist_type(&mut self, spec: &Map<String, Value>, place: &Place) -> Option<i64> {
        let raw = spec.get("assistType")?;
        let n = match raw {
            Value::Null => return None,
            Value::Number(n) => n.as_i64(),
            Value::String(s) if s.trim().is_empty() => return None,
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        if n.is_none() {
            let shown = text::printable(&scalar(raw).as_text().unwrap_or_default(), 40);
            self.warn(
                &place.param,
                format!("has assistType `{shown}`, which is not a number; ignored"),
            );
        }
        n
    }

    /// An object's `schema`: its properties, or `None` for an object that declares none.
    fn properties(&mut self, spec: &Map<String, Value>, place: &Place) -> Result<Option<Params>> {
        match spec.get("schema") {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(list)) if list.is_empty() => Ok(None),
            Some(schema @ Value::Array(_)) => self
                .variables(
                    schema,
                    &Place {
                        at: format!("{}.schema", place.at),
                        param: place.param.clone(),
                    },
                )
                .map(Some),
            Some(_) => Err(self.error(
                &format!("{}.schema", place.at),
                "is not a list of variables, as an object's `schema` is",
            )),
        }
    }

    /// A list's `schema`: its item variable, or `None` for a list that declares none.
    fn items(&mut self, spec: &Map<String, Value>, place: &Place) -> Result<Option<Box<Param>>> {
        match spec.get("schema") {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(item)) => {
                let place = Place {
                    at: format!("{}.schema", place.at),
                    param: format!("{}[]", place.param),
                };
                let param = self.variable(item, item, &place)?;
                Ok(Some(Box::new(param)))
            }
            Some(_) => Err(self.error(
                &format!("{}.schema", place.at),
                "is not a variable (a JSON object), as a list's `schema` is",
            )),
        }
    }
}
