//! JSON Schema for a node's parameters.
//!
//! Draft 2020-12 by default, draft-07 on request. Every keyword renders a rule of the IR
//! ([`crate::ir::rules`]): integers carry the 64-bit bounds, `time` and file values their
//! patterns, objects are closed (`additionalProperties: false`) unless the IR was built with
//! open objects, and no declared type admits `null`. What JSON Schema cannot say — that `1.0`
//! is not an integer here — is in the README's policy table. The output uses only standard
//! keywords, so strict validators (Ajv's default strict mode) accept it as it comes; the Coze
//! type of a file, `time` or unknown parameter is kept visible in a `$comment`.
//!
//! The schema nests as deep as the parameters; it is written with an explicit stack over the
//! IR's tables.

use crate::artifact::{Artifact, File, NODE, Rendered, Setting, Settings};
use crate::emit::Result;
use crate::ir::Node;
use crate::ir::rules::{FileValues, INTEGER_MAX, INTEGER_MIN, TIME_FORM, TIME_PATTERN};
use crate::ir::{ArrayId, FileKind, MESSAGE_PARAM, ObjectId, Type, Types, Workflow};
use crate::json::Writer;
use askama::Template;
use schemars::Schema;

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

#[derive(Template)]
#[template(path = "json-schema/schema.json", escape = "none")]
struct SchemaView {
    schema: String,
}

/// The schema as a value, for callers that want to embed or inspect it.
pub fn schema(workflow: &Workflow, options: &SchemaOptions) -> Result<Schema> {
    // `Schema` holds a plain `Value`; the caller owns its depth from here.
    Schema::try_from(value(workflow, options)?)
        .map_err(|e| crate::emit::Error::Internal(format!("the schema is not an object: {e}")))
}

/// The schema as a plain value, read back level by level from compact text (pretty text of a
/// deep schema is mostly indentation). The caller drops it with [`crate::json::drop_value`]
/// if it may be deep.
pub(crate) fn value(workflow: &Workflow, options: &SchemaOptions) -> Result<serde_json::Value> {
    let text = write(workflow, options, false);
    Ok(text
        .parse::<crate::json::Deep>()
        .map_err(|e| crate::emit::Error::Internal(format!("cannot read the schema back: {e}")))?
        .into_value())
}

/// The schema as pretty-printed JSON text, ending in a newline.
pub fn render(workflow: &Workflow, options: &SchemaOptions) -> Result<String> {
    let schema = write(workflow, options, true);
    Ok(SchemaView { schema }.render()?)
}

/// What is left to write once the current keyword is done.
enum Task {
    /// `"name": {…}` for the field `field` of `object`.
    Field(ObjectId, usize),
    /// `"default": …` of the field.
    Default(ObjectId, usize),
    /// `x-coze-type` of the type the enclosing schema describes.
    CozeType(&'static str),
    /// An object schema's keywords after its properties.
    ObjectTail(ObjectId),
    /// Close the current JSON object.
    End,
}

struct SchemaWriter<'a> {
    types: &'a Types,
    options: &'a SchemaOptions,
    out: Writer,
    tasks: Vec<Task>,
    /// The end node's `$comment`, written after the root's properties.
    root_comment: Option<String>,
}

fn write(workflow: &Workflow, options: &SchemaOptions, pretty: bool) -> String {
    let types = options.node.types(workflow);
    let estimate = 256 + types.objects.iter().map(|o| o.fields.len()).sum::<usize>() * 160;
    let mut w = SchemaWriter {
        types,
        options,
        out: if pretty {
            Writer::pretty(estimate)
        } else {
            Writer::compact(estimate)
        },
        tasks: Vec::new(),
        root_comment: None,
    };
    w.out.begin_object();
    w.out.entry_str("$schema", options.draft.uri());
    let name = workflow.details.name.as_deref().unwrap_or("workflow");
    match options.node {
        Node::Input => w.out.entry_str("title", name),
        Node::Output => w.out.entry_str("title", &format!("{name} (output)")),
    }
    if let Some(description) = &workflow.details.description {
        w.out.entry_str("description", description);
    }
    w.tasks.push(Task::End);
    w.object(Types::ROOT);
    if options.node == Node::Output {
        // Written right after the root's `properties`, by the root's tail.
        let mut comment = String::from("What a run of this workflow returns");
        if let Some(plan) = &workflow.terminate_plan {
            comment.push_str(&format!("; terminate_plan: {plan}"));
        }
        if let Some(content) = &workflow.content {
            comment.push_str(&format!("; answer content: {content}"));
        }
        w.root_comment = Some(comment);
    }
    if let (Node::Input, Some(chat)) = (options.node, &workflow.chat) {
        let mut comment = format!(
            "The parameters of a chat with this chatflow (POST /v1/workflows/chat). The user's \
             message ({MESSAGE_PARAM}"
        );
        if let Some(description) = &chat.message_description {
            comment.push_str(&format!(": {description}"));
        }
        comment.push_str(
            ") is not one of them: it goes in additional_messages, as \
             [{\"role\":\"user\",\"content\":\"…\",\"content_type\":\"text\"}]; the chat API \
             ignores it in parameters",
        );
        w.root_comment = Some(comment);
    }
    w.run();
    w.out.finish()
}

impl SchemaWriter<'_> {
    fn run(&mut self) {
        while let Some(task) = self.tasks.pop() {
            match task {
                Task::Field(object, field) => self.field(object, field),
                Task::Default(object, field) => {
                    let f = &self.types.object(object).fields[field];
                    if let Some(default) = f.default {
                        self.out.key("default");
                        self.types.write_value(default, &mut self.out);
                    }
                }
                Task::CozeType(name) => self.out.entry_str("x-coze-type", name),
                Task::ObjectTail(id) => self.object_tail(id),
                Task::End => self.out.end_object(),
            }
        }
    }

    fn field(&mut self, object: ObjectId, field: usize) {
        let f = &self.types.object(object).fields[field];
        self.out.key(&f.name);
        self.out.begin_object();
        if let Some(description) = &f.description {
            self.out.entry_str("description", description);
        }
        self.tasks.push(Task::End);
        if f.default.is_some() {
            self.tasks.push(Task::Default(object, field));
        }
        self.ty(&f.ty);
    }

    /// The keywords of `ty` in the schema object being written; what nests is left as tasks.
    fn ty(&mut self, ty: &Type) {
        if self.options.coze_keywords {
            self.tasks.push(Task::CozeType(ty.coze_name()));
        }
        match ty {
            Type::String => self.out.entry_str("type", "string"),
            Type::Integer => {
                self.out.entry_str("type", "integer");
                self.out.key("minimum");
                self.out.integer(INTEGER_MIN);
                self.out.key("maximum");
                self.out.integer(INTEGER_MAX);
            }
            Type::Number => self.out.entry_str("type", "number"),
            Type::Boolean => self.out.entry_str("type", "boolean"),
            Type::Time => {
                self.out.entry_str("type", "string");
                self.out.entry_str("pattern", TIME_PATTERN);
                self.out.entry_str(
                    "$comment",
                    &format!("Coze type `time`: text in {TIME_FORM} form, a real date and time"),
                );
            }
            Type::File(kind) => {
                self.out.entry_str("type", "string");
                self.out.entry_str("pattern", self.types.files.pattern());
                self.out
                    .entry_str("$comment", &file_comment(*kind, self.types.files));
            }
            Type::Object(id) => self.object(*id),
            Type::Map => self.out.entry_str("type", "object"),
            Type::Array(id) => self.array(*id),
            Type::Any(declared) => {
                let comment = match declared {
                    Some(name) => {
                        format!("Coze type `{name}` is not known to cozegen: any JSON value")
                    }
                    None => "No Coze type given: any JSON value".to_owned(),
                };
                self.out.entry_str("$comment", &comment);
            }
        }
    }

    /// `type` and `properties` of an object; its fields and the keywords after them are tasks.
    fn object(&mut self, id: ObjectId) {
        self.out.entry_str("type", "object");
        self.out.key("properties");
        self.out.begin_object();
        self.tasks.push(Task::ObjectTail(id));
        self.tasks.push(Task::End);
        let fields = self.types.object(id).fields.len();
        self.tasks
            .extend((0..fields).rev().map(|field| Task::Field(id, field)));
    }

    fn object_tail(&mut self, id: ObjectId) {
        if id == Types::ROOT
            && let Some(comment) = self.root_comment.take()
        {
            self.out.entry_str("$comment", &comment);
        }
        let object = self.types.object(id);
        if object.fields.iter().any(|f| f.required) {
            self.out.key("required");
            self.out.begin_array();
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

    fn array(&mut self, id: ArrayId) {
        let array = self.types.array(id);
        self.out.entry_str("type", "array");
        self.out.key("items");
        self.out.begin_object();
        if let Some(description) = &array.description {
            self.out.entry_str("description", description);
        }
        self.tasks.push(Task::End);
        self.ty(&array.items);
    }
}

fn file_comment(kind: FileKind, files: FileValues) -> String {
    match files {
        FileValues::UrlOrFileId => format!(
            "Coze file type `{}`: an http(s) URL, or the JSON text {{\"file_id\":\"…\"}} returned by the upload endpoint",
            kind.coze_name()
        ),
        FileValues::UrlOnly => format!(
            "Coze file type `{}`: an http(s) URL (Coze Studio resolves URLs only)",
            kind.coze_name()
        ),
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
