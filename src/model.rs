//! Wire types for the Coze "get workflow info" response, exactly as the API sends it.
//!
//! Everything here is lenient on purpose: any key may be missing, unknown keys are ignored,
//! and leaf fields that the API is inconsistent about (`created_at` as number or string,
//! `required` as bool or string, `default_value` as string or JSON) are kept as [`Scalar`]s.
//! Interpreting them is the IR's job; this module holds no logic.
//!
//! The one strictness: where the API has a JSON object, only an object is read. serde's derived
//! structs also accept an array of their fields in order, which would read `"input": [{…}]` as
//! if it were the parameter map; [`Object`] closes that door, with an error naming the path.

use indexmap::IndexMap;
use serde::Deserialize;

/// Reads a `T` only from a JSON object (`null` is `None`; see the module docs).
fn object<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Object<T>>::deserialize(deserializer)?.map(|Object(t)| t))
}

/// [`object`], boxed.
fn boxed_object<'de, D, T>(deserializer: D) -> Result<Option<Box<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(object(deserializer)?.map(Box::new))
}

/// A `T` that was a JSON object on the wire.
pub struct Object<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Visitor<T> {
            type Value = Object<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Object<T>, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Object)
            }
        }
        deserializer.deserialize_map(Visitor(std::marker::PhantomData))
    }
}

/// A top-level document: either the full response envelope or a bare `WorkflowInfo`.
///
/// Both shapes deserialize into this one struct: an envelope fills `code`/`msg`/`data`/`detail`,
/// a bare document fills `input`/`output`/`workflow_detail` directly.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Document {
    /// The envelope's `code`: 0 on success, a Coze error code otherwise.
    pub code: Option<Scalar>,
    /// The envelope's `msg`: the error message, empty on success.
    pub msg: Option<Scalar>,
    /// The envelope's `detail`, which carries the `logid`.
    #[serde(deserialize_with = "object")]
    pub detail: Option<ResponseDetail>,
    /// The envelope's `data`: the WorkflowInfo itself.
    #[serde(deserialize_with = "object")]
    pub data: Option<WorkflowInfo>,
    /// The start node, when the document is a bare WorkflowInfo.
    #[serde(deserialize_with = "object")]
    pub input: Option<NodeParams>,
    /// The end node, when the document is a bare WorkflowInfo.
    #[serde(deserialize_with = "object")]
    pub output: Option<OutputNode>,
    /// The workflow's metadata, when the document is a bare WorkflowInfo.
    #[serde(deserialize_with = "object")]
    pub workflow_detail: Option<WorkflowBasic>,
    /// A Coze Studio canvas's nodes: present, the document is a canvas (see [`crate::source::canvas`]).
    pub nodes: Option<crate::json::Deep>,
}

/// `WorkflowInfo`: the `data` of a successful response.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WorkflowInfo {
    /// A chatflow's `role`, which a self-hosted Coze Studio answers with in place of the start
    /// node; only its presence matters.
    pub role: Option<serde::de::IgnoredAny>,
    /// The start node: the parameters a run takes.
    #[serde(deserialize_with = "object")]
    pub input: Option<NodeParams>,
    /// The end node: the variables a run returns.
    #[serde(deserialize_with = "object")]
    pub output: Option<OutputNode>,
    /// The workflow's ID, name, timestamps and creator.
    #[serde(deserialize_with = "object")]
    pub workflow_detail: Option<WorkflowBasic>,
    /// The `workflow` of Coze Studio's `GetCanvasInfo` answer (`data.workflow`), which holds
    /// the canvas as JSON text.
    #[serde(deserialize_with = "object")]
    pub workflow: Option<CanvasWorkflow>,
    /// Where the document came from; set by [`crate::source`], not read from the wire.
    #[serde(skip)]
    pub origin: Origin,
    /// What reading the document decided on the user's behalf before the IR was built (a
    /// canvas's unknown assist types, say); [`crate::ir::build`] reports them first.
    #[serde(skip)]
    pub notes: Vec<crate::warning::Warning>,
}

/// The platform a document came from, which decides what some values may be.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Platform {
    /// Coze's cloud (api.coze.cn, api.coze.com): a WorkflowInfo.
    #[default]
    Cloud,
    /// A self-hosted Coze Studio: a canvas, or its `GetCanvasInfo` answer.
    Studio,
}

/// Where a document came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// Coze's cloud or a Coze Studio.
    pub platform: Platform,
    /// A Studio canvas's `flow_mode` as its answer gave it (`0` workflow, `3` chatflow).
    pub flow_mode: Option<String>,
}

/// `Workflow` in Coze Studio's `GetCanvasInfo` answer: the fields cozegen reads.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CanvasWorkflow {
    /// The workflow's ID.
    pub workflow_id: Option<Scalar>,
    /// The workflow's name.
    pub name: Option<Scalar>,
    /// The workflow's description.
    pub desc: Option<Scalar>,
    /// The storage key of its icon.
    pub icon_uri: Option<Scalar>,
    /// Its icon's URL.
    pub url: Option<Scalar>,
    /// When it was created (Unix seconds, as Studio sends it).
    pub create_time: Option<Scalar>,
    /// When it was last changed (Unix seconds, as Studio sends it).
    pub update_time: Option<Scalar>,
    /// `0` a workflow, `3` a chatflow.
    pub flow_mode: Option<Scalar>,
    /// The canvas, as JSON text.
    pub schema_json: Option<Scalar>,
    /// The Studio project (app) it belongs to, if any.
    pub project_id: Option<Scalar>,
    /// Who made it.
    #[serde(deserialize_with = "object")]
    pub creator: Option<CanvasCreator>,
}

/// `Creator` in Coze Studio's answers.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CanvasCreator {
    /// The creator's user ID.
    pub id: Option<Scalar>,
    /// The creator's name.
    pub name: Option<Scalar>,
}

/// `OpenAPIWorkflowInput`: the start node's parameters.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NodeParams {
    /// The start node's parameters, by name.
    pub parameters: Option<Params>,
}

/// `OpenAPIWorkflowOutput`: the end node's parameters and how it terminates.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OutputNode {
    /// The end node's variables, by name.
    pub parameters: Option<Params>,
    /// `return_variables` or `use_answer_content`.
    pub terminate_plan: Option<Scalar>,
    /// The answer template, for `use_answer_content`.
    pub content: Option<Scalar>,
}

/// `OpenAPIWorkflowBasic`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WorkflowBasic {
    /// The workflow ID, the digits after `workflow_id=` in the editor's URL.
    pub workflow_id: Option<Scalar>,
    /// The workflow's name.
    pub workflow_name: Option<Scalar>,
    /// The workflow's description.
    pub description: Option<Scalar>,
    /// The ID of the Coze app the workflow belongs to, if it is part of one.
    pub app_id: Option<Scalar>,
    /// The URL of the workflow's icon.
    pub icon_url: Option<Scalar>,
    /// When the workflow was created, in Unix seconds (a number or a string).
    pub created_at: Option<Scalar>,
    /// When the workflow was last changed, in Unix seconds (a number or a string).
    pub updated_at: Option<Scalar>,
    /// Who created the workflow.
    #[serde(deserialize_with = "object")]
    pub creator: Option<UserInfo>,
}

/// `OpenAPIUserInfo`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UserInfo {
    /// The user's ID.
    pub id: Option<Scalar>,
    /// The user's name.
    pub name: Option<Scalar>,
}

/// `ResponseDetail`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResponseDetail {
    /// The request's log ID, which Coze support asks for.
    pub logid: Option<Scalar>,
}

/// A parameter map in document order (the order users see in the Coze editor).
///
/// Unlike a plain map, a repeated key is an error rather than a silent overwrite: two
/// parameters with one name mean the document is not what the editor shows.
#[derive(Debug, Default)]
pub struct Params(pub IndexMap<String, Param>);

impl<'de> Deserialize<'de> for Params {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Params;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map of parameter names to parameters")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Params, A::Error> {
                let mut out = IndexMap::with_capacity(map.size_hint().unwrap_or(0).min(4096));
                while let Some(key) = map.next_key::<String>()? {
                    if out.contains_key(&key) {
                        return Err(serde::de::Error::custom(format_args!(
                            "duplicate parameter name {}",
                            crate::text::quote(&key)
                        )));
                    }
                    let Object(value) = map.next_value::<Object<Param>>()?;
                    out.insert(key, value);
                }
                Ok(Params(out))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// `OpenAPIParameter`: one node of the recursive parameter tree.
// Defaults per field rather than for the container: serde fills a container default by moving
// fields out of a default value, which a type with `Drop` forbids.
#[derive(Debug, Default, Deserialize)]
pub struct Param {
    /// The parameter's type (JSON key `type`): `string`, `integer`, `number`, `boolean`,
    /// `object`, `array`, `time`, or a file kind such as `image`.
    #[serde(default, rename = "type")]
    pub ty: Option<Scalar>,
    /// For an `array`: the element type.
    #[serde(default, deserialize_with = "boxed_object")]
    pub items: Option<Box<Param>>,
    /// For an `object`: the properties, by name.
    #[serde(default)]
    pub properties: Option<Params>,
    /// Whether a run must give the parameter: a bool, or `"true"`/`"false"`.
    #[serde(default)]
    pub required: Option<Scalar>,
    /// The description shown in the Coze editor.
    #[serde(default)]
    pub description: Option<Scalar>,
    /// The default: JSON text in a string, or sometimes the JSON value itself.
    #[serde(default)]
    pub default_value: Option<Scalar>,
}

// A tree thousands of levels deep would take a stack frame or more per level to drop; the
// children are moved out first and dropped one by one instead.
impl Drop for Param {
    fn drop(&mut self) {
        let mut pending = Vec::new();
        take_children(self, &mut pending);
        while let Some(mut param) = pending.pop() {
            take_children(&mut param, &mut pending);
        }
    }
}

fn take_children(param: &mut Param, out: &mut Vec<Param>) {
    if let Some(items) = param.items.take() {
        out.push(*items);
    }
    if let Some(Params(properties)) = param.properties.take() {
        out.extend(properties.into_values());
    }
}

/// A leaf value whose JSON type the API does not keep consistent.
///
/// Objects and arrays (and `null`) are kept as compact JSON text (`Json`) so that a typed
/// `default_value` sent as real JSON instead of JSON text can still be interpreted, and so
/// that a nested value costs no recursion to hold or drop.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// A JSON boolean.
    Bool(bool),
    /// A JSON number.
    Number(serde_json::Number),
    /// A JSON string.
    String(String),
    /// An object, an array or `null`, as compact JSON text.
    Json(String),
}

// Hand-written rather than `#[serde(untagged)]`: untagged enums buffer every value before
// trying each variant, which made loading large documents several times slower.
impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Scalar;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar::Number(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar::Number(v.into()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
                Ok(serde_json::Number::from_f64(v)
                    .map_or_else(|| Scalar::Json("null".to_owned()), Scalar::Number))
            }
            fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar::String(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Scalar, E> {
                Ok(Scalar::String(v))
            }
            fn visit_unit<E>(self) -> Result<Scalar, E> {
                Ok(Scalar::Json("null".to_owned()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Scalar, A::Error> {
                let crate::json::Text(text) =
                    Deserialize::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))?;
                Ok(Scalar::Json(text))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Scalar, A::Error> {
                let crate::json::Text(text) =
                    Deserialize::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(Scalar::Json(text))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl Scalar {
    /// The value as text: strings as they are, numbers and booleans in their JSON spelling.
    /// Objects and arrays have no text form here.
    pub fn as_text(&self) -> Option<String> {
        match self {
            Scalar::String(s) => Some(s.clone()),
            Scalar::Number(n) => Some(n.to_string()),
            Scalar::Bool(b) => Some(b.to_string()),
            Scalar::Json(_) => None,
        }
    }
}
