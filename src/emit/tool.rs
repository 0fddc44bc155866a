//! Tool definitions for agents: one tool per workflow, for OpenAI function calling, Anthropic
//! tool use, or the Model Context Protocol, each with the start node as its parameter schema.
//!
//! The schemas are written by the JSON Schema artifact's walker over the IR
//! ([`crate::emit::json_schema`]) in each vendor's [`Profile`], so every rule (integer bounds,
//! `time` and file patterns, closed objects) is the one every other artifact renders:
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
//!   warning saying why, never a strict definition the API would refuse. Whether a document
//!   fits is read from the IR's tables, before anything is written.
//!
//! Tool names match `^[a-zA-Z0-9_-]{1,64}$` for every vendor ([`tool_name`]); descriptions are
//! capped per vendor ([`Format::description_cap`]).

use crate::emit::Result;
use crate::emit::json_schema::{self, Profile, Walk, cut};
use crate::ir::{MESSAGE_PARAM, Node, Parent, Type, Types, Workflow};
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
    let mut out = name_part(name, MAX_NAME_LEN);
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

/// `text` with every character outside `[a-zA-Z0-9_-]` made `_`, runs of `_` collapsed, none at
/// the ends, at most `max` characters.
fn name_part(text: &str, max: usize) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let c = if c.is_ascii_alphanumeric() || c == '-' {
            c
        } else {
            '_'
        };
        if !(c == '_' && (out.is_empty() || out.ends_with('_'))) {
            out.push(c);
        }
    }
    let mut out: String = out.chars().take(max).collect();
    while out.ends_with('_') {
        out.pop();
    }
    out
}

/// Tool names for workflows given as `(name, id)`, in the same order: [`tool_name`] each, and
/// `_2`, `_3`… on repeats in the order given (the base cut so the name stays within
/// [`MAX_NAME_LEN`]).
pub fn tool_names(workflows: &[(Option<&str>, Option<&str>)]) -> Vec<String> {
    unique(
        workflows
            .iter()
            .map(|(name, id)| tool_name(*name, *id))
            .collect(),
    )
}

/// The tool name of a workflow served at a published version: its [`tool_name`], `_`, and the
/// version written the same way (`v0.0.2` → `order_intake_v0_0_2`), the name cut so that the
/// version stays whole (a version is cut to [`MAX_VERSION_CHARS`]). The same workflow at two
/// versions so gets two names that say which is which.
pub fn versioned_tool_name(base: &str, version: &str) -> String {
    let version = name_part(version, MAX_VERSION_CHARS);
    // A version with no ASCII letter or digit says nothing in a name: the repeat suffix of
    // `tools_for` keeps the names apart.
    if !version.chars().any(|c| c.is_ascii_alphanumeric()) {
        return base.to_owned();
    }
    let room = MAX_NAME_LEN - version.len() - 1;
    let base: String = base.chars().take(room).collect();
    format!("{}_{version}", base.trim_end_matches('_'))
}

/// The most characters of a version in a tool name ([`versioned_tool_name`]).
pub const MAX_VERSION_CHARS: usize = 32;

/// `bases`, in order, with `_2`, `_3`… on repeats (the base cut so the name stays within
/// [`MAX_NAME_LEN`]).
fn unique(bases: Vec<String>) -> Vec<String> {
    let mut taken = HashSet::new();
    let mut out = Vec::with_capacity(bases.len());
    for base in bases {
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

/// A workflow to make a tool of, and the published version its runs go to when it is not the
/// latest (`cozegen tool -w ID@VERSION`, `cozegen mcp -w ID@VERSION`).
#[derive(Debug, Clone, Copy)]
pub struct ToolSource<'a> {
    /// The workflow, built from that version's WorkflowInfo when there is a version.
    pub workflow: &'a Workflow,
    /// The published version (e.g. `v0.0.2`): named in the tool's name
    /// ([`versioned_tool_name`]), title and description.
    pub version: Option<&'a str>,
}

/// `workflows` as tool sources at their latest version.
fn latest<'a>(workflows: &[&'a Workflow]) -> Vec<ToolSource<'a>> {
    workflows
        .iter()
        .map(|workflow| ToolSource {
            workflow,
            version: None,
        })
        .collect()
}

/// One tool per workflow, named uniquely in the order given, with the warnings (OpenAI
/// definitions that could not be strict).
pub fn tools(workflows: &[&Workflow], format: Format) -> Result<(Vec<Tool>, Vec<Warning>)> {
    tools_for(&latest(workflows), format)
}

/// [`tools`] for workflows some of which are served at a published version: such a tool's
/// name ends in its version, its title and description say it.
pub fn tools_for(sources: &[ToolSource<'_>], format: Format) -> Result<(Vec<Tool>, Vec<Warning>)> {
    let bases = sources
        .iter()
        .map(|s| {
            let details = &s.workflow.details;
            let base = tool_name(details.name.as_deref(), details.id.as_deref());
            match s.version {
                Some(version) => versioned_tool_name(&base, version),
                None => base,
            }
        })
        .collect();
    let names = unique(bases);
    let mut warnings = Vec::new();
    let mut out = Vec::with_capacity(sources.len());
    for (source, name) in sources.iter().zip(names) {
        let mut tool = tool(source.workflow, name, format, &mut warnings)?;
        if let Some(version) = source.version {
            let said = format!(" (published version {version})");
            let cap = format
                .description_cap()
                .saturating_sub(said.chars().count());
            tool.description = format!("{}{said}", cut(&tool.description, cap));
            tool.title = tool.title.take().map(|t| format!("{t} ({version})"));
        }
        out.push(tool);
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
    let (profile, strict) = if format.openai() {
        match strict_blocker(workflow) {
            None => (Profile::OpenAiStrict { cap }, Some(true)),
            Some(reason) => {
                warnings.push(Warning {
                    path: format!("tool {name}"),
                    message: format!(
                        "not strict (OpenAI strict mode cannot express this start node: \
                         {reason}); the definition has `strict: false`"
                    ),
                });
                (Profile::OpenAi { cap }, Some(false))
            }
        }
    } else {
        (Profile::Tool { cap }, None)
    };
    let schema = |node, profile| {
        let walk = Walk {
            node,
            profile,
            coze_keywords: false,
            message: true,
        };
        json_schema::value(workflow, &walk)
    };
    let input_schema = schema(Node::Input, profile);
    let output_schema = match format {
        Format::Mcp if returns_variables(workflow) => {
            Some(schema(Node::Output, Profile::Tool { cap }))
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
    render_for(&latest(workflows), format)
}

/// [`render`] for workflows some of which are served at a published version ([`tools_for`]).
pub fn render_for(sources: &[ToolSource<'_>], format: Format) -> Result<(String, Vec<Warning>)> {
    let (tools, warnings) = tools_for(sources, format)?;
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

/// Why OpenAI strict mode cannot express the start node's parameters, read from the IR: the
/// first parameter (in document order, each before what is inside it) that holds any value, an
/// object without declared properties or an open object, or nests more than
/// [`OPENAI_MAX_DEPTH`] levels (the root object is the first); then too many properties or
/// characters of property names, a chatflow's message argument included. `None` when it fits.
fn strict_blocker(workflow: &Workflow) -> Option<String> {
    let types = &workflow.input;
    let root = Type::Object(Types::ROOT);
    // The types still to look at, with where they are used and their nesting (the root is 1).
    let mut stack: Vec<(&Type, Parent, usize)> = vec![(&root, Parent::Root, 1)];
    while let Some((ty, at, depth)) = stack.pop() {
        let why = match ty {
            Type::Any(_) => Some("any JSON value"),
            Type::Map => Some("an object without declared properties"),
            Type::Object(id) if !types.object(*id).closed => {
                Some("an open object (built with open objects)")
            }
            _ => None,
        };
        if let Some(why) = why {
            return Some(format!("`{}` is {why}", strict_path(types, at)));
        }
        match ty {
            Type::Object(_) | Type::Array(_) if depth > OPENAI_MAX_DEPTH => {
                return Some(format!(
                    "`{}` is nested {depth} levels deep, more than the {OPENAI_MAX_DEPTH} strict \
                     mode allows",
                    strict_path(types, at)
                ));
            }
            Type::Object(id) => {
                let fields = &types.object(*id).fields;
                stack.extend(fields.iter().enumerate().rev().map(|(field, f)| {
                    let at = Parent::Field { object: *id, field };
                    (&f.ty, at, depth + 1)
                }));
            }
            Type::Array(id) => stack.push((&types.array(*id).items, Parent::Items(*id), depth + 1)),
            _ => {}
        }
    }
    let message = workflow.chat.is_some();
    let fields = types.objects.iter().flat_map(|o| &o.fields);
    let properties =
        usize::from(message) + types.objects.iter().map(|o| o.fields.len()).sum::<usize>();
    if properties > OPENAI_MAX_PROPERTIES {
        return Some(format!(
            "{properties} properties, more than the {OPENAI_MAX_PROPERTIES} strict mode allows"
        ));
    }
    let message_chars = if message { MESSAGE_PARAM.len() } else { 0 };
    let name_chars = message_chars + fields.map(|f| f.name.chars().count()).sum::<usize>();
    if name_chars > OPENAI_MAX_NAME_CHARS {
        return Some(format!(
            "{name_chars} characters of property names, more than the {OPENAI_MAX_NAME_CHARS} \
             strict mode allows"
        ));
    }
    None
}

/// A place in the start node as strict-mode messages show it: `parameters.rows[].sku`, a name
/// that is not a plain identifier quoted (`parameters["odd name"]`), so that no name from the
/// document reaches the terminal raw.
fn strict_path(types: &Types, at: Parent) -> String {
    types.path(at).display_with("parameters")
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
}
