//! Tool definitions for agents: one tool per workflow, for OpenAI function calling, Anthropic
//! tool use, or the Model Context Protocol, each with the start node as its parameter schema.
//!
//! The schemas are the JSON Schema artifact ([`crate::emit::json_schema`]) transformed into the
//! subset each vendor takes, so every rule (integer bounds, `time` and file patterns, closed
//! objects) is the one every other artifact renders:
//!
//! - **MCP** (`{name, title, description, inputSchema, outputSchema?}`) and **Anthropic**
//!   (`{name, description, input_schema}`) take the schema as it is, less `$schema` and
//!   `title` (the tool carries those). MCP also gets the end node as `outputSchema` when the
//!   workflow returns variables; an end node that answers with its content template, or returns
//!   nothing, has none.
//! - **OpenAI** function tools are strict (`strict: true`) whenever the document fits strict
//!   mode: every object closed, every property listed in `required`, and an optional parameter
//!   made nullable (`"type": ["string", "null"]`): a strict client sends `null` for a parameter
//!   it leaves out, and `cozegen mcp` reads such a `null` as absent. `default` and `$comment`
//!   are not strict-mode keywords; they move into the description. A document strict mode
//!   cannot express (an `any` or property-less `object` parameter, an open object, more than
//!   [`OPENAI_MAX_DEPTH`] levels, [`OPENAI_MAX_PROPERTIES`] properties or
//!   [`OPENAI_MAX_NAME_CHARS`] characters of property names) gets `strict: false` and a
//!   warning saying why, never a strict definition the API would refuse.
//!
//! Tool names match `^[a-zA-Z0-9_-]{1,64}$` for every vendor ([`tool_name`]); descriptions are
//! capped per vendor ([`Format::description_cap`]).

use crate::emit::Result;
use crate::emit::json_schema::{self, Draft, SchemaOptions};
use crate::ir::Node;
use crate::ir::Workflow;
use crate::json::Writer;
use crate::warning::Warning;
use askama::Template;
use serde_json::{Map, Value};
use std::collections::HashSet;

/// The longest tool name any of the vendors takes.
pub const MAX_NAME_LEN: usize = 64;
/// OpenAI strict mode: the most levels of nested objects and arrays, the root object included.
pub const OPENAI_MAX_DEPTH: usize = 10;
/// OpenAI strict mode: the most object properties in one schema, all levels together.
pub const OPENAI_MAX_PROPERTIES: usize = 5000;
/// OpenAI strict mode: the most characters of property names in one schema.
pub const OPENAI_MAX_NAME_CHARS: usize = 120_000;

/// Which vendor's tool definition to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// OpenAI Responses API function tools: `{type: "function", name, description,
    /// parameters, strict}`.
    OpenAi,
    /// OpenAI Chat Completions function tools: `{type: "function", function: {name,
    /// description, parameters, strict}}`.
    OpenAiChat,
    /// Anthropic Messages API tools: `{name, description, input_schema}`.
    Anthropic,
    /// MCP tools, as `tools/list` lists them: `{name, title, description, inputSchema,
    /// outputSchema?}`.
    Mcp,
}

impl Format {
    /// The longest description (in characters) cozegen gives a tool or a parameter in this
    /// format; longer text is cut, ending in `…`. OpenAI's is the limit its function tools
    /// have long documented; the others are cozegen's, to keep an untrusted description from
    /// filling a model's context.
    pub fn description_cap(self) -> usize {
        match self {
            Format::OpenAi | Format::OpenAiChat => 1024,
            Format::Anthropic | Format::Mcp => 4096,
        }
    }

    fn openai(self) -> bool {
        matches!(self, Format::OpenAi | Format::OpenAiChat)
    }
}

/// One workflow as a tool, before it is laid out in a vendor's shape.
#[derive(Debug, PartialEq)]
pub struct Tool {
    /// The tool name, unique among the tools made together.
    pub name: String,
    /// The workflow's name as a human-readable title (MCP only).
    pub title: Option<String>,
    /// The workflow's description (or a sentence naming the workflow), capped.
    pub description: String,
    /// The start node's parameters in the vendor's schema subset.
    pub input_schema: Value,
    /// MCP: the end node's variables, when the workflow returns variables.
    pub output_schema: Option<Value>,
    /// OpenAI: whether the definition is strict.
    pub strict: Option<bool>,
}

impl Drop for Tool {
    fn drop(&mut self) {
        // The schemas nest as deep as the document: dropped level by level.
        crate::json::drop_value(std::mem::take(&mut self.input_schema));
        if let Some(output) = self.output_schema.take() {
            crate::json::drop_value(output);
        }
    }
}

impl Tool {
    /// The definition in the vendor's shape, as JSON (taking the schemas out of the tool).
    pub fn into_value(mut self, format: Format) -> Value {
        let input_schema = std::mem::take(&mut self.input_schema);
        let output_schema = self.output_schema.take();
        let mut object = Map::new();
        match format {
            Format::OpenAi | Format::OpenAiChat => {
                let mut function = Map::new();
                function.insert("name".into(), self.name.clone().into());
                function.insert("description".into(), self.description.clone().into());
                function.insert("parameters".into(), input_schema);
                function.insert("strict".into(), self.strict.unwrap_or(false).into());
                object.insert("type".into(), "function".into());
                if format == Format::OpenAiChat {
                    object.insert("function".into(), Value::Object(function));
                } else {
                    object.extend(function);
                }
            }
            Format::Anthropic => {
                object.insert("name".into(), self.name.clone().into());
                object.insert("description".into(), self.description.clone().into());
                object.insert("input_schema".into(), input_schema);
            }
            Format::Mcp => {
                object.insert("name".into(), self.name.clone().into());
                if let Some(title) = &self.title {
                    object.insert("title".into(), title.clone().into());
                }
                object.insert("description".into(), self.description.clone().into());
                object.insert("inputSchema".into(), input_schema);
                if let Some(output) = output_schema {
                    object.insert("outputSchema".into(), output);
                }
            }
        }
        Value::Object(object)
    }
}

/// The tool name for a workflow: its name with every character outside `[a-zA-Z0-9_-]` made
/// `_` (runs of `_` collapsed, none at the ends), at most [`MAX_NAME_LEN`] characters. A name
/// with letters or digits beyond ASCII (a Chinese name, say) is not transliterated: it becomes
/// `workflow_<id>` (`workflow` without an ID), stable across runs and renames.
pub fn tool_name(name: Option<&str>, id: Option<&str>) -> String {
    let name = name.unwrap_or_default();
    let foreign = name.chars().any(|c| !c.is_ascii() && c.is_alphanumeric());
    let mut out = String::new();
    for c in name.chars() {
        let c = if c.is_ascii_alphanumeric() || c == '-' {
            c
        } else {
            '_'
        };
        if !(c == '_' && (out.is_empty() || out.ends_with('_'))) {
            out.push(c);
        }
    }
    let mut out: String = out.chars().take(MAX_NAME_LEN).collect();
    while out.ends_with('_') {
        out.pop();
    }
    if foreign || !out.chars().any(|c| c.is_ascii_alphanumeric()) {
        let id: String = id
            .unwrap_or_default()
            .chars()
            .filter(char::is_ascii_digit)
            .take(MAX_NAME_LEN - "workflow_".len())
            .collect();
        out = match id.is_empty() {
            true => "workflow".to_owned(),
            false => format!("workflow_{id}"),
        };
    }
    out
}

/// Tool names for workflows given as `(name, id)`, in the same order: [`tool_name`] each, and
/// `_2`, `_3`… on repeats in the order given (the base cut so the name stays within
/// [`MAX_NAME_LEN`]).
pub fn tool_names(workflows: &[(Option<&str>, Option<&str>)]) -> Vec<String> {
    let mut taken = HashSet::new();
    let mut out = Vec::with_capacity(workflows.len());
    for (name, id) in workflows {
        let base = tool_name(*name, *id);
        let mut candidate = base.clone();
        let mut n = 2;
        while !taken.insert(candidate.clone()) {
            let suffix = format!("_{n}");
            let cut: String = base.chars().take(MAX_NAME_LEN - suffix.len()).collect();
            candidate = format!("{cut}{suffix}");
            n += 1;
        }
        out.push(candidate);
    }
    out
}

/// Whether the workflow returns variables (and so has an MCP `outputSchema`): its end node
/// returns variables rather than its content template, and declares at least one.
pub fn returns_variables(workflow: &Workflow) -> bool {
    workflow.chat.is_none()
        && !workflow.output_is_text()
        && !workflow.output.root().fields.is_empty()
}

/// A chatflow's tool takes the user's message as its first argument, `USER_INPUT` (the name
/// the chatflow reads it under, which the IR keeps out of its parameters, so it is never one
/// of them), required; `cozegen mcp` refuses an empty one and sends it in
/// `additional_messages`. (No `minLength`: OpenAI's strict mode refuses the keyword.)
fn with_message(schema: &mut Value, chat: &crate::ir::Chat) {
    use crate::ir::MESSAGE_PARAM;
    let Value::Object(root) = schema else {
        return;
    };
    let description = chat
        .message_description
        .clone()
        .filter(|d| !d.trim().is_empty())
        .unwrap_or_else(|| "The user's message to the chatflow.".to_owned());
    let mut properties = Map::new();
    properties.insert(
        MESSAGE_PARAM.to_owned(),
        serde_json::json!({"type": "string", "description": description}),
    );
    // In place, so the root's keys keep the schema's order.
    match root.get_mut("properties") {
        Some(Value::Object(rest)) => {
            properties.extend(std::mem::take(rest));
            *rest = properties;
        }
        _ => {
            root.insert("properties".to_owned(), Value::Object(properties));
        }
    }
    match root.get_mut("required") {
        Some(Value::Array(rest)) => rest.insert(0, Value::from(MESSAGE_PARAM)),
        _ => {
            root.insert("required".to_owned(), Value::from(vec![MESSAGE_PARAM]));
        }
    }
}

/// One tool per workflow, named uniquely in the order given, with the warnings (OpenAI
/// definitions that could not be strict).
pub fn tools(workflows: &[&Workflow], format: Format) -> Result<(Vec<Tool>, Vec<Warning>)> {
    let pairs: Vec<(Option<&str>, Option<&str>)> = workflows
        .iter()
        .map(|w| (w.details.name.as_deref(), w.details.id.as_deref()))
        .collect();
    let names = tool_names(&pairs);
    let mut warnings = Vec::new();
    let mut out = Vec::with_capacity(workflows.len());
    for (workflow, name) in workflows.iter().zip(names) {
        out.push(tool(workflow, name, format, &mut warnings)?);
    }
    Ok((out, warnings))
}

/// One workflow's tool under `name`.
pub fn tool(
    workflow: &Workflow,
    name: String,
    format: Format,
    warnings: &mut Vec<Warning>,
) -> Result<Tool> {
    // The schemas are rewritten recursively, a level of recursion per level of their JSON: two
    // for each level of parameters (an object and its `properties`).
    let depth = 2 * workflow.input.depth.max(workflow.output.depth) + 8;
    let at = format!("tool {name}");
    crate::json::with_stack(depth, || build_tool(workflow, name, format, warnings)).unwrap_or_else(
        |e| {
            Err(crate::emit::Error::Internal(format!(
                "{at}: cannot start a thread with the stack for {depth} levels: {e}"
            )))
        },
    )
}

fn build_tool(
    workflow: &Workflow,
    name: String,
    format: Format,
    warnings: &mut Vec<Warning>,
) -> Result<Tool> {
    let cap = format.description_cap();
    let description = match workflow.details.description.as_deref().map(str::trim) {
        Some(d) if !d.is_empty() => cut(d, cap),
        _ => cut(
            &match (&workflow.details.name, &workflow.details.id) {
                (Some(n), _) => format!("Runs the Coze workflow \"{n}\"."),
                (None, Some(id)) => format!("Runs the Coze workflow {id}."),
                (None, None) => "Runs a Coze workflow.".to_owned(),
            },
            cap,
        ),
    };
    let mut input = node_schema(workflow, Node::Input)?;
    if let Some(chat) = &workflow.chat {
        with_message(&mut input, chat);
    }
    let (input_schema, strict) = if format.openai() {
        match openai_strict(&input, cap) {
            Ok(schema) => (schema, Some(true)),
            Err(reason) => {
                warnings.push(Warning {
                    path: format!("tool {name}"),
                    message: format!(
                        "not strict (OpenAI strict mode cannot express this start node: \
                         {reason}); the definition has `strict: false`"
                    ),
                });
                (openai_loose(&input, cap), Some(false))
            }
        }
    } else {
        (capped(&input, cap), None)
    };
    crate::json::drop_value(input);
    let output_schema = match format {
        Format::Mcp if returns_variables(workflow) => {
            let output = node_schema(workflow, Node::Output)?;
            let schema = capped(&output, cap);
            crate::json::drop_value(output);
            Some(schema)
        }
        _ => None,
    };
    Ok(Tool {
        name,
        title: match format {
            Format::Mcp => workflow.details.name.as_deref().map(|n| cut(n, 200)),
            _ => None,
        },
        description,
        input_schema,
        output_schema,
        strict,
    })
}

#[derive(Template)]
#[template(path = "tool/tools.json", escape = "none")]
struct ToolsView {
    tools: String,
}

/// The tools as a pretty-printed JSON array (the `tools` list of a request, or of
/// `tools/list`), ending in a newline; with the warnings.
pub fn render(workflows: &[&Workflow], format: Format) -> Result<(String, Vec<Warning>)> {
    let (tools, warnings) = tools(workflows, format)?;
    let list = Value::Array(tools.into_iter().map(|t| t.into_value(format)).collect());
    let mut writer = Writer::pretty(4096);
    writer.value(&list);
    crate::json::drop_value(list);
    let text = ToolsView {
        tools: writer.finish(),
    }
    .render()?;
    Ok((text, warnings))
}

/// The node's JSON Schema (draft 2020-12) as a value, without `$schema` and `title`.
fn node_schema(workflow: &Workflow, node: Node) -> Result<Value> {
    let options = SchemaOptions {
        draft: Draft::Draft2020_12,
        node,
        coze_keywords: false,
    };
    let mut value = json_schema::value(workflow, &options)?;
    if let Value::Object(root) = &mut value {
        root.shift_remove("$schema");
        root.shift_remove("title");
        root.shift_remove("description");
    }
    Ok(value)
}

/// `text` cut to `max` characters, ending in `…` when cut.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max.saturating_sub(1)) {
        Some((at, _)) if text[at..].chars().nth(1).is_some() => format!("{}…", &text[..at]),
        _ => text.to_owned(),
    }
}

/// A copy of `schema` with every `description` capped.
fn capped(schema: &Value, cap: usize) -> Value {
    match schema {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = match (k.as_str(), v) {
                        ("description", Value::String(s)) => Value::String(cut(s, cap)),
                        // `properties` is a map of names, not a schema.
                        ("properties", Value::Object(props)) => Value::Object(
                            props
                                .iter()
                                .map(|(name, s)| (name.clone(), capped(s, cap)))
                                .collect(),
                        ),
                        ("items", s) => capped(s, cap),
                        _ => v.clone(),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Strict-mode bookkeeping over one schema.
struct Strict {
    cap: usize,
    properties: usize,
    name_chars: usize,
    /// Why the schema cannot be strict, once known.
    reason: Option<String>,
}

/// The OpenAI strict form of `schema`, or why there is none.
fn openai_strict(schema: &Value, cap: usize) -> std::result::Result<Value, String> {
    let mut s = Strict {
        cap,
        properties: 0,
        name_chars: 0,
        reason: None,
    };
    let out = s.schema(schema, "parameters", 1, true);
    if s.reason.is_none() && s.properties > OPENAI_MAX_PROPERTIES {
        s.reason = Some(format!(
            "{} properties, more than the {OPENAI_MAX_PROPERTIES} strict mode allows",
            s.properties
        ));
    }
    if s.reason.is_none() && s.name_chars > OPENAI_MAX_NAME_CHARS {
        s.reason = Some(format!(
            "{} characters of property names, more than the {OPENAI_MAX_NAME_CHARS} strict mode \
             allows",
            s.name_chars
        ));
    }
    match s.reason {
        None => Ok(out),
        Some(reason) => {
            crate::json::drop_value(out);
            Err(reason)
        }
    }
}

/// The OpenAI non-strict form of `schema`: the schema as it is, its `default` and `$comment`
/// moved into the description like the strict form's.
fn openai_loose(schema: &Value, cap: usize) -> Value {
    let mut s = Strict {
        cap,
        properties: 0,
        name_chars: 0,
        reason: None,
    };
    s.schema(schema, "parameters", 1, false)
}

impl Strict {
    /// One schema at nesting `depth` (objects and arrays counted), at `path` for messages.
    fn schema(&mut self, schema: &Value, path: &str, depth: usize, strict: bool) -> Value {
        {
            let Value::Object(map) = schema else {
                return schema.clone();
            };
            let mut out = Map::new();
            let mut notes = Vec::new();
            let ty = map.get("type").and_then(Value::as_str);
            if strict && self.reason.is_none() {
                let why = match ty {
                    None => Some("any JSON value"),
                    Some("object") if !map.contains_key("properties") => {
                        Some("an object without declared properties")
                    }
                    Some("object")
                        if map.get("additionalProperties") != Some(&Value::Bool(false)) =>
                    {
                        Some("an open object (built with open objects)")
                    }
                    _ => None,
                };
                if let Some(why) = why {
                    self.reason = Some(format!("`{path}` is {why}"));
                } else if matches!(ty, Some("object" | "array")) && depth > OPENAI_MAX_DEPTH {
                    self.reason = Some(format!(
                        "`{path}` is nested {depth} levels deep, more than the \
                         {OPENAI_MAX_DEPTH} strict mode allows"
                    ));
                }
            }
            for (key, value) in map {
                match key.as_str() {
                    "$comment" => {
                        if let Some(c) = value.as_str() {
                            notes.push(c.to_owned());
                        }
                    }
                    "default" => notes.push(format!("Default: {}", cut(&value.to_string(), 200))),
                    "description" => {}
                    "properties" => {
                        let Value::Object(props) = value else {
                            continue;
                        };
                        let required: HashSet<&str> = map
                            .get("required")
                            .and_then(Value::as_array)
                            .map(|r| r.iter().filter_map(Value::as_str).collect())
                            .unwrap_or_default();
                        let mut new = Map::new();
                        for (name, child) in props {
                            self.properties += 1;
                            self.name_chars += name.chars().count();
                            let child_path = format!("{path}.{name}");
                            let mut child = self.schema(child, &child_path, depth + 1, strict);
                            if strict && !required.contains(name.as_str()) {
                                nullable(&mut child);
                            }
                            new.insert(name.clone(), child);
                        }
                        out.insert(key.clone(), Value::Object(new));
                        if strict {
                            out.insert(
                                "required".into(),
                                Value::Array(props.keys().map(|k| k.clone().into()).collect()),
                            );
                        }
                    }
                    "required" if strict => {}
                    "items" => {
                        let child = self.schema(value, &format!("{path}[]"), depth + 1, strict);
                        out.insert(key.clone(), child);
                    }
                    _ => {
                        out.insert(key.clone(), value.clone());
                    }
                }
            }
            let description = map
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .into_iter()
                .chain(notes)
                .collect::<Vec<_>>()
                .join("\n");
            if !description.is_empty() {
                // `description` first, as the emitter writes it.
                let mut with = Map::new();
                with.insert("description".into(), cut(&description, self.cap).into());
                with.extend(out);
                out = with;
            }
            Value::Object(out)
        }
    }
}

/// Makes a schema with a single `type` also admit `null`.
fn nullable(schema: &mut Value) {
    if let Some(ty) = schema.get_mut("type")
        && let Value::String(name) = ty
    {
        *ty = Value::Array(vec![Value::String(std::mem::take(name)), "null".into()]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_ascii_and_fall_back_to_the_id() {
        assert_eq!(
            tool_name(Some("Order intake v2"), Some("1")),
            "Order_intake_v2"
        );
        assert_eq!(tool_name(Some("  a..b--c  "), None), "a_b--c");
        assert_eq!(
            tool_name(Some("查询订单"), Some("7350583675492388916")),
            "workflow_7350583675492388916"
        );
        assert_eq!(tool_name(Some("order 查询"), Some("12")), "workflow_12");
        assert_eq!(tool_name(Some("—!—"), None), "workflow");
        assert_eq!(tool_name(None, Some("x9")), "workflow_9");
        assert_eq!(tool_name(Some(&"a".repeat(100)), None).len(), MAX_NAME_LEN);
    }

    #[test]
    fn repeated_names_get_suffixes_in_order() {
        let long = "b".repeat(70);
        let names = tool_names(&[
            (Some("a"), Some("1")),
            (Some("a"), Some("2")),
            (Some("a!"), Some("3")),
            (Some(&long), None),
            (Some(&long), None),
        ]);
        assert_eq!(names[..3], ["a", "a_2", "a_3"]);
        assert_eq!(names[4].len(), MAX_NAME_LEN);
        assert!(names[4].ends_with("_2"));
    }

    #[test]
    fn cut_counts_characters() {
        assert_eq!(cut("abc", 3), "abc");
        assert_eq!(cut("abcd", 3), "ab…");
        assert_eq!(cut("查询订单", 2), "查…");
    }
}
