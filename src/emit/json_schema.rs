//! JSON Schema for a node's parameters, and the subsets of it that tool vendors take.
//!
//! Draft 2020-12 by default, draft-07 on request. Every keyword renders a rule of the IR
//! ([`crate::ir::rules`]): integers carry the 64-bit bounds, `time` and file values their
//! patterns, objects are closed (`additionalProperties: false`) unless the IR was built with
//! open objects, and no declared type admits `null`. What JSON Schema cannot say — that `1.0`
//! is not an integer here — is in the policy table (`docs/value-rules.md`). The output uses
//! only standard keywords, so strict validators (Ajv's default strict mode) accept it as it
//! comes; the Coze type of a file, `time` or unknown parameter is kept visible in a `$comment`.
//!
//! One walker writes every variant of the schema: a [`Profile`] says which (the standard
//! artifact, MCP and Anthropic tools, OpenAI's strict and non-strict function parameters), and
//! a [`Sink`] where it goes (text, or a `serde_json::Value` for callers that need an object).
//! The walker reads the IR's tables with an explicit stack: the schema nests as deep as the
//! parameters, and nothing recurses, is rendered to text to be read back, or is edited after it
//! is written.

use crate::artifact::{Artifact, File, NODE, Rendered, Setting, Settings};
use crate::emit::Result;
use crate::ir::rules::{INTEGER_MAX, INTEGER_MIN, TIME_PATTERN};
use crate::ir::{ArrayId, MESSAGE_PARAM, Node, ObjectId, Type, Types, ValueId, Workflow};
use crate::json::{Builder, Sink, Writer};
use askama::Template;
use schemars::Schema;
use std::borrow::Cow;

/// Which JSON Schema dialect to emit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Draft {
    /// `https://json-schema.org/draft/2020-12/schema`
    #[default]
    Draft2020_12,
    /// `http://json-schema.org/draft-07/schema#`
    Draft07,
}

impl Draft {
    fn uri(self) -> &'static str {
        match self {
            Draft::Draft2020_12 => "https://json-schema.org/draft/2020-12/schema",
            Draft::Draft07 => "http://json-schema.org/draft-07/schema#",
        }
    }
}

/// Choices for the JSON Schema artifact. Whether objects are closed is a rule of the IR
/// ([`crate::BuildOptions::open_objects`]), not a choice of this artifact.
#[derive(Debug, Clone, Default)]
pub struct SchemaOptions {
    /// The JSON Schema dialect: 2020-12 (the default) or draft-07.
    pub draft: Draft,
    /// The node to describe: the start node (the default) or the end node.
    pub node: Node,
    /// Add an `x-coze-type` keyword to every parameter. Strict validators reject unknown
    /// keywords, so this is off by default.
    pub coze_keywords: bool,
}

/// Which variant of the schema the walker writes. Every variant states the same rules from the
/// same walk over the IR; they differ in what surrounds the node's schema and in the keywords
/// a vendor takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// The JSON Schema artifact in a draft: `$schema`, `title` and the workflow's description,
    /// then the node's schema.
    Standard(Draft),
    /// A tool's schema for MCP (`inputSchema`, `outputSchema`) and Anthropic (`input_schema`):
    /// the standard keywords without `$schema`, `title` and the workflow's description (the
    /// tool carries those), every description cut to `cap` characters.
    Tool {
        /// The most characters of a description.
        cap: usize,
    },
    /// OpenAI function parameters in strict mode: every property listed in `required`, an
    /// optional one nullable (`["string", "null"]`: a strict client sends `null` for a
    /// parameter it leaves out), and `default` and `$comment`, which strict mode refuses, moved
    /// into the description, cut to `cap` characters. Only for a node strict mode can express:
    /// the caller decides that from the IR (`emit::tool` does).
    OpenAiStrict {
        /// The most characters of a description.
        cap: usize,
    },
    /// OpenAI function parameters outside strict mode (`strict: false`): the tool's schema,
    /// with `default` and `$comment` moved into the description as in strict mode.
    OpenAi {
        /// The most characters of a description.
        cap: usize,
    },
}

impl Profile {
    /// The cap on descriptions, for the tool profiles.
    fn cap(self) -> Option<usize> {
        match self {
            Profile::Standard(_) => None,
            Profile::Tool { cap } | Profile::OpenAiStrict { cap } | Profile::OpenAi { cap } => {
                Some(cap)
            }
        }
    }

    /// OpenAI's profiles: notes (`$comment`, `default`) go into the description.
    fn openai(self) -> bool {
        matches!(self, Profile::OpenAiStrict { .. } | Profile::OpenAi { .. })
    }

    fn strict(self) -> bool {
        matches!(self, Profile::OpenAiStrict { .. })
    }
}

/// One schema to write: a node, in a profile.
#[derive(Debug, Clone, Copy)]
pub struct Walk {
    /// The node to describe.
    pub node: Node,
    /// The variant of the schema.
    pub profile: Profile,
    /// An `x-coze-type` keyword on every parameter, in the [`Profile::Standard`] profile (the
    /// tool profiles take no keywords beyond the standard ones).
    pub coze_keywords: bool,
    /// In the tool profiles, a chatflow's start node takes the user's message as its first
    /// property, `USER_INPUT` (the name the chatflow reads it under, which the IR keeps out of
    /// its parameters, so it is never one of them), required: `cozegen mcp` sends it in
    /// `additional_messages`. No `minLength`: OpenAI's strict mode refuses the keyword.
    pub message: bool,
}

#[derive(Template)]
#[template(path = "json-schema/schema.json", escape = "none")]
struct SchemaView {
    schema: String,
}

/// The schema as a value, for callers that want to embed or inspect it.
pub fn schema(workflow: &Workflow, options: &SchemaOptions) -> Result<Schema> {
    // `Schema` holds a plain `Value`; the caller owns its depth from here.
    Schema::try_from(value(workflow, &standard(options)))
        .map_err(|e| crate::emit::Error::Internal(format!("the schema is not an object: {e}")))
}

/// The schema as pretty-printed JSON text, ending in a newline.
pub fn render(workflow: &Workflow, options: &SchemaOptions) -> Result<String> {
    let types = options.node.types(workflow);
    let estimate = 256 + types.objects.iter().map(|o| o.fields.len()).sum::<usize>() * 160;
    let mut out = Writer::pretty(estimate);
    walk(workflow, &standard(options), &mut out);
    Ok(SchemaView {
        schema: out.finish(),
    }
    .render()?)
}

/// The schema of `walk` as a plain value, built level by level. The caller drops it with
/// [`crate::json::drop_value`] if it may be deep.
pub fn value(workflow: &Workflow, walk: &Walk) -> serde_json::Value {
    let mut out = Builder::new();
    self::walk(workflow, walk, &mut out);
    out.finish()
}

/// Writes the schema of `walk` into `sink`.
pub fn walk(workflow: &Workflow, walk: &Walk, sink: &mut impl Sink) {
    let standard = matches!(walk.profile, Profile::Standard(_));
    let message = match &workflow.chat {
        Some(chat) if walk.message && walk.node == Node::Input && !standard => Some(
            chat.message_description
                .as_deref()
                .filter(|d| !d.trim().is_empty())
                .unwrap_or("The user's message to the chatflow."),
        ),
        _ => None,
    };
    let mut walker = Walker {
        types: walk.node.types(workflow),
        profile: walk.profile,
        coze_keywords: walk.coze_keywords && standard,
        out: sink,
        tasks: Vec::new(),
        root_comment: root_comment(workflow, walk.node),
        message,
    };
    walker.root(workflow, walk.node);
    walker.run();
}

/// The walk of the JSON Schema artifact.
fn standard(options: &SchemaOptions) -> Walk {
    Walk {
        node: options.node,
        profile: Profile::Standard(options.draft),
        coze_keywords: options.coze_keywords,
        message: false,
    }
}

/// The root's `$comment`: what the end node returns, or where a chatflow's message goes.
fn root_comment(workflow: &Workflow, node: Node) -> Option<String> {
    match node {
        Node::Output => {
            let mut comment = String::from("What a run of this workflow returns");
            if let Some(plan) = &workflow.terminate_plan {
                comment.push_str(&format!("; terminate_plan: {plan}"));
            }
            if let Some(content) = &workflow.content {
                comment.push_str(&format!("; answer content: {content}"));
            }
            Some(comment)
        }
        Node::Input => {
            let chat = workflow.chat.as_ref()?;
            let mut comment = format!(
                "The parameters of a chat with this chatflow (POST /v1/workflows/chat). The \
                 user's message ({MESSAGE_PARAM}"
            );
            if let Some(description) = &chat.message_description {
                comment.push_str(&format!(": {description}"));
            }
            comment.push_str(
                ") is not one of them: it goes in additional_messages, as \
                 [{\"role\":\"user\",\"content\":\"…\",\"content_type\":\"text\"}]; the chat API \
                 ignores it in parameters",
            );
            Some(comment)
        }
    }
}

/// What is left to write once the current keyword is done.
enum Task {
    /// `"name": {…}` for the field `field` of `object`.
    Field(ObjectId, usize),
    /// `"USER_INPUT": {…}`, a chatflow tool's message argument.
    Message,
    /// `"default": …` of a field.
    Default(ValueId),
    /// `x-coze-type` of the type the enclosing schema describes.
    CozeType(&'static str),
    /// An object schema's keywords after its properties.
    ObjectTail(ObjectId),
    /// Close the current JSON object.
    End,
}

struct Walker<'a, S> {
    types: &'a Types,
    profile: Profile,
    coze_keywords: bool,
    out: &'a mut S,
    tasks: Vec<Task>,
    /// The root's `$comment`, written after its properties (in OpenAI's profiles, its
    /// description).
    root_comment: Option<String>,
    /// The description of a chatflow tool's message argument, when there is one.
    message: Option<&'a str>,
}

impl<S: Sink> Walker<'_, S> {
    fn root(&mut self, workflow: &Workflow, node: Node) {
        self.out.begin_object();
        match self.profile {
            Profile::Standard(draft) => {
                self.out.entry_str("$schema", draft.uri());
                let name = workflow.details.name.as_deref().unwrap_or("workflow");
                match node {
                    Node::Input => self.out.entry_str("title", name),
                    Node::Output => self.out.entry_str("title", &format!("{name} (output)")),
                }
                if let Some(description) = &workflow.details.description {
                    self.out.entry_str("description", description);
                }
            }
            Profile::Tool { .. } => {}
            Profile::OpenAiStrict { .. } | Profile::OpenAi { .. } => {
                let comment = self.root_comment.take();
                self.description(None, comment.as_deref(), None);
            }
        }
        self.tasks.push(Task::End);
        self.object(Types::ROOT, false);
    }

    fn run(&mut self) {
        while let Some(task) = self.tasks.pop() {
            match task {
                Task::Field(object, field) => {
                    let f = &self.types.object(object).fields[field];
                    self.out.key(&f.name);
                    let nullable = self.profile.strict() && !f.required;
                    self.schema(&f.ty, f.description.as_deref(), f.default, nullable);
                }
                Task::Message => self.message(),
                Task::Default(value) => {
                    self.out.key("default");
                    self.types.write_value(value, self.out);
                }
                Task::CozeType(name) => self.out.entry_str("x-coze-type", name),
                Task::ObjectTail(id) => self.object_tail(id),
                Task::End => self.out.end_object(),
            }
        }
    }

    /// The schema of a value of type `ty` (a field's, or an array's elements'), with its
    /// description and default; `nullable` in OpenAI's strict mode for an optional field.
    fn schema(
        &mut self,
        ty: &Type,
        description: Option<&str>,
        default: Option<ValueId>,
        nullable: bool,
    ) {
        self.out.begin_object();
        if self.profile.openai() {
            let comment = comment(self.types, ty);
            self.description(description, comment.as_deref(), default);
        } else {
            self.description(description, None, None);
        }
        self.tasks.push(Task::End);
        if let Some(default) = default.filter(|_| !self.profile.openai()) {
            self.tasks.push(Task::Default(default));
        }
        self.ty(ty, nullable);
    }

    /// `description`, cut to the profile's cap; in OpenAI's profiles with the notes that are
    /// keywords elsewhere (`$comment`, `default`) on lines of their own.
    fn description(&mut self, text: Option<&str>, comment: Option<&str>, default: Option<ValueId>) {
        let default =
            default.map(|id| format!("Default: {}", cut(&self.types.value_json(id), 200)));
        let text: Cow<'_, str> = match (text, comment, default) {
            (None, None, None) => return,
            (Some(text), None, None) => Cow::Borrowed(text),
            (text, comment, default) => Cow::Owned(
                text.into_iter()
                    .chain(comment)
                    .chain(default.as_deref())
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        };
        match self.profile.cap() {
            Some(cap) => self.out.entry_str("description", &cut(&text, cap)),
            None => self.out.entry_str("description", &text),
        }
    }

    /// `type`, in OpenAI's strict mode with `null` when the value may be left out.
    fn type_keyword(&mut self, name: &str, nullable: bool) {
        if nullable {
            self.out.key("type");
            self.out.begin_array();
            self.out.string(name);
            self.out.string("null");
            self.out.end_array();
        } else {
            self.out.entry_str("type", name);
        }
    }

    /// The keywords of `ty` in the schema object being written; what nests is left as tasks.
    fn ty(&mut self, ty: &Type, nullable: bool) {
        if self.coze_keywords {
            self.tasks.push(Task::CozeType(ty.coze_name()));
        }
        match ty {
            Type::String => self.type_keyword("string", nullable),
            Type::Integer => {
                self.type_keyword("integer", nullable);
                self.out.key("minimum");
                self.out.integer(INTEGER_MIN);
                self.out.key("maximum");
                self.out.integer(INTEGER_MAX);
            }
            Type::Number => self.type_keyword("number", nullable),
            Type::Boolean => self.type_keyword("boolean", nullable),
            Type::Time => {
                self.type_keyword("string", nullable);
                self.out.entry_str("pattern", TIME_PATTERN);
                self.comment(ty);
            }
            Type::File(_) => {
                self.type_keyword("string", nullable);
                self.out.entry_str("pattern", self.types.files.pattern());
                self.comment(ty);
            }
            Type::Object(id) => self.object(*id, nullable),
            Type::Map => self.type_keyword("object", nullable),
            Type::Array(id) => self.array(*id, nullable),
            Type::Any(_) => self.comment(ty),
        }
    }

    /// The `$comment` of `ty`, outside OpenAI's profiles (which have it in the description).
    fn comment(&mut self, ty: &Type) {
        if !self.profile.openai()
            && let Some(comment) = comment(self.types, ty)
        {
            self.out.entry_str("$comment", &comment);
        }
    }

    /// `type` and `properties` of an object; its fields and the keywords after them are tasks.
    fn object(&mut self, id: ObjectId, nullable: bool) {
        self.type_keyword("object", nullable);
        self.out.key("properties");
        self.out.begin_object();
        self.tasks.push(Task::ObjectTail(id));
        self.tasks.push(Task::End);
        let fields = self.types.object(id).fields.len();
        self.tasks
            .extend((0..fields).rev().map(|field| Task::Field(id, field)));
        if id == Types::ROOT && self.message.is_some() {
            self.tasks.push(Task::Message);
        }
    }

    /// A chatflow tool's message argument: a required string.
    fn message(&mut self) {
        let Some(description) = self.message else {
            return;
        };
        self.out.key(MESSAGE_PARAM);
        self.out.begin_object();
        self.description(Some(description), None, None);
        self.out.entry_str("type", "string");
        self.out.end_object();
    }

    fn object_tail(&mut self, id: ObjectId) {
        if id == Types::ROOT
            && let Some(comment) = self.root_comment.take()
        {
            self.out.entry_str("$comment", &comment);
        }
        let object = self.types.object(id);
        let message = (id == Types::ROOT).then_some(self.message).flatten();
        if self.profile.strict() {
            // Strict mode: every property is required; an optional one is nullable instead.
            self.out.key("required");
            self.out.begin_array();
            if message.is_some() {
                self.out.string(MESSAGE_PARAM);
            }
            for f in &object.fields {
                self.out.string(&f.name);
            }
            self.out.end_array();
        } else if message.is_some() || object.fields.iter().any(|f| f.required) {
            self.out.key("required");
            self.out.begin_array();
            if message.is_some() {
                self.out.string(MESSAGE_PARAM);
            }
            for f in object.fields.iter().filter(|f| f.required) {
                self.out.string(&f.name);
            }
            self.out.end_array();
        }
        if object.closed {
            self.out.key("additionalProperties");
            self.out.bool(false);
        }
    }

    fn array(&mut self, id: ArrayId, nullable: bool) {
        let array = self.types.array(id);
        self.type_keyword("array", nullable);
        self.out.key("items");
        self.schema(&array.items, array.description.as_deref(), None, false);
    }
}

/// The `$comment` of a value of type `ty`: its Coze type and the rule a value follows
/// ([`crate::ir::rules::Rule::note`]), where the keywords do not say it all: `time` and file
/// values (a pattern says it, not in words) and values of any type (no keyword at all).
fn comment(types: &Types, ty: &Type) -> Option<String> {
    match ty {
        Type::Time | Type::File(_) | Type::Any(_) => {
            types.rule(ty).note().map(|note| note.to_string())
        }
        _ => None,
    }
}

/// `text` cut to `max` characters, ending in `…` when cut.
pub(crate) fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max.saturating_sub(1)) {
        Some((at, _)) if text[at..].chars().nth(1).is_some() => format!("{}…", &text[..at]),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::cut;

    #[test]
    fn cut_counts_characters() {
        assert_eq!(cut("abc", 3), "abc");
        assert_eq!(cut("abcd", 3), "ab…");
        assert_eq!(cut("查询订单", 2), "查…");
    }
}

/// The JSON Schema artifact: `cozegen schema`, `schema.json` and `output.schema.json`.
pub static ARTIFACT: JsonSchema = JsonSchema;

/// The JSON Schema artifact (see [`ARTIFACT`]).
#[derive(Debug)]
pub struct JsonSchema;

const DRAFT: Setting = Setting::choice(
    "draft",
    "DRAFT",
    "JSON Schema dialect",
    &["2020-12", "07"],
    "2020-12",
);

const COZE_KEYWORDS: Setting = Setting::switch(
    "coze-keywords",
    "Add an `x-coze-type` keyword to every parameter (strict validators such as Ajv reject \
     unknown keywords unless told about them)",
);

impl Artifact for JsonSchema {
    fn name(&self) -> &'static str {
        "schema"
    }

    fn about(&self) -> &'static str {
        "JSON Schema of the start node's parameters (or the end node's, with --node output)"
    }

    fn feature(&self) -> &'static str {
        "schema"
    }

    fn files(&self) -> &'static [File] {
        &[
            File {
                name: "schema.json",
                node: Node::Input,
            },
            File {
                name: "output.schema.json",
                node: Node::Output,
            },
        ]
    }

    fn settings(&self) -> &'static [Setting] {
        &[DRAFT, NODE, COZE_KEYWORDS]
    }

    fn render(&self, workflow: &Workflow, node: Node, settings: &Settings) -> Result<Rendered> {
        let options = SchemaOptions {
            draft: match settings.choice(&DRAFT) {
                "07" => Draft::Draft07,
                _ => Draft::Draft2020_12,
            },
            node,
            coze_keywords: settings.switch(COZE_KEYWORDS.name),
        };
        render(workflow, &options).map(Rendered::from)
    }
}
