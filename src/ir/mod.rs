//! The normalized, flat IR every emitter reads.
//!
//! [`build`] walks the wire model once and settles every decision: the type of each parameter,
//! what its values may be and the words that say so, per platform ([`rules`]), its typed default
//! ([`defaults`]), its names in every language cozegen writes ([`names`]), how the end node
//! terminates ([`TerminatePlan`]) and whether the workflow is a chatflow ([`Chat`]). The result
//! is flat: each node's object and array types sit in tables
//! ([`Types`]), in output order, and refer to each other by id. Emitters loop over the tables
//! instead of recursing, and a deep document costs its depth, not its depth squared: no field
//! stores its path, which [`Types::path`] derives from the parents when it is needed.

mod build;
pub mod defaults;
pub mod error;
pub mod names;
pub mod path;
pub mod rules;

pub use build::{BuildOptions, build};
pub use error::Error;

/// Shorthand for results of building the IR.
pub type Result<T, E = Error> = std::result::Result<T, E>;
pub use crate::model::Platform;
use names::Idents;
pub use names::Lang;
pub use path::{Path, Segment};

/// Which node of the workflow an artifact describes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Node {
    /// The start node: the `parameters` a run takes.
    #[default]
    Input,
    /// The end node: the variables a run returns.
    Output,
}

impl Node {
    /// The node's parameters in `workflow`.
    pub fn types(self, workflow: &Workflow) -> &Types {
        match self {
            Node::Input => &workflow.input,
            Node::Output => &workflow.output,
        }
    }

    /// The node's name in paths and messages: `input` or `output`.
    pub fn name(self) -> &'static str {
        match self {
            Node::Input => "input",
            Node::Output => "output",
        }
    }
}

/// A workflow's start and end nodes, normalized.
#[derive(Debug, Clone, PartialEq)]
pub struct Workflow {
    /// The workflow's metadata (`workflow_detail`).
    pub details: Details,
    /// The start node: what a run takes as `parameters`.
    pub input: Types,
    /// The end node: the variables a run returns.
    pub output: Types,
    /// How the end node terminates: whether a run returns its variables or the text of its
    /// answer template; `None` when the document does not say.
    pub terminate_plan: Option<TerminatePlan>,
    /// The end node's answer template, for `use_answer_content`.
    pub content: Option<String>,
    /// Set for a chatflow: it is called through `POST /v1/workflows/chat`, the user's message
    /// goes in `additional_messages`, and its message parameter is not in [`Workflow::input`].
    pub chat: Option<Chat>,
}

/// The name of a chatflow's message parameter: the start node declares it, but the chat API
/// takes its value from the last user message of `additional_messages` and ignores it in
/// `parameters`.
pub const MESSAGE_PARAM: &str = "USER_INPUT";

/// The name of a chatflow's conversation parameter. It stays a run parameter: the chat API
/// files the chat's messages under the app conversation of that name (for a chatflow of an app,
/// or one run with `app_id`), unless the request names a `conversation_id`.
pub const CONVERSATION_PARAM: &str = "CONVERSATION_NAME";

/// What makes a workflow a chatflow, and what its chat call takes besides the parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chat {
    /// How cozegen knows it is a chatflow.
    pub decided_by: ChatEvidence,
    /// The message parameter's description, when the start node declares it with one.
    pub message_description: Option<String>,
    /// Whether the start node declares the message parameter ([`MESSAGE_PARAM`]).
    pub message_declared: bool,
    /// Whether the start node declares [`CONVERSATION_PARAM`] (then a run parameter).
    pub conversation_param: bool,
}

/// How cozegen knows a workflow is a chatflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatEvidence {
    /// A Coze Studio answer's `flow_mode` is 3 (`WorkflowMode.ChatFlow` in Studio's IDL).
    FlowMode,
    /// No `flow_mode` (a cloud WorkflowInfo, a bare canvas): the start node declares both
    /// [`MESSAGE_PARAM`] and [`CONVERSATION_PARAM`], the two parameters Coze gives every
    /// chatflow's start node.
    StartNode,
}

impl ChatEvidence {
    /// The evidence's name in the IR JSON.
    pub fn name(self) -> &'static str {
        match self {
            ChatEvidence::FlowMode => "flow_mode",
            ChatEvidence::StartNode => "start_node",
        }
    }
}

impl Workflow {
    /// Whether the workflow is a chatflow (called through `POST /v1/workflows/chat`).
    pub fn is_chatflow(&self) -> bool {
        self.chat.is_some()
    }
}

impl Workflow {
    /// Whether a run's `data` is the text of the end node's answer template
    /// ([`TerminatePlan::UseAnswerContent`]) rather than JSON text holding its variables.
    pub fn output_is_text(&self) -> bool {
        self.terminate_plan == Some(TerminatePlan::UseAnswerContent)
    }
}

impl Workflow {
    /// Where an asynchronous run of the workflow is read back: the run history route of its
    /// platform (Coze Studio has its own).
    pub fn run_history(&self) -> &'static crate::endpoints::Endpoint {
        crate::endpoints::run_history(self.details.platform == Platform::Studio)
    }
}

/// How the end node terminates (`terminate_plan`): what a run's `data` holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TerminatePlan {
    /// `return_variables`: `data` is JSON text holding the end node's variables.
    ReturnVariables,
    /// `use_answer_content`: `data` is the text of the end node's answer template
    /// ([`Workflow::content`]), filled from its variables.
    UseAnswerContent,
    /// Any other plan, kept as the document spells it, to show; a run's `data` is then read as
    /// the variables, as for [`TerminatePlan::ReturnVariables`].
    Other(String),
}

impl TerminatePlan {
    /// The plan of the wire text `plan`: only the exact names Coze sends are known plans.
    pub fn from_wire(plan: String) -> TerminatePlan {
        match plan.as_str() {
            "return_variables" => TerminatePlan::ReturnVariables,
            "use_answer_content" => TerminatePlan::UseAnswerContent,
            _ => TerminatePlan::Other(plan),
        }
    }

    /// The plan as the wire names it (an unknown plan as the document spells it).
    pub fn as_str(&self) -> &str {
        match self {
            TerminatePlan::ReturnVariables => "return_variables",
            TerminatePlan::UseAnswerContent => "use_answer_content",
            TerminatePlan::Other(plan) => plan,
        }
    }
}

impl std::fmt::Display for TerminatePlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `workflow_detail`, as text (the API sends numbers or strings for the timestamps).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Details {
    /// The workflow ID (`workflow_id`), as the document gives it (docs quote it).
    pub id: Option<String>,
    /// The ID a run is sent with: [`Details::id`] when it is one Coze runs (1 to
    /// [`MAX_ID_LEN`](crate::limits::MAX_ID_LEN) ASCII digits), else `None` with a warning. Generated code declares it
    /// as `WORKFLOW_ID` only then: the id is untrusted text that goes into code.
    pub run_id: Option<String>,
    /// The app a run or chat is sent with (`app_id` of the request): [`Details::app_id`] when
    /// it is a Coze app's ID (1 to [`MAX_ID_LEN`](crate::limits::MAX_ID_LEN) digits, not the `0` of a workflow outside
    /// any app). A workflow or chatflow of an app runs only with its app.
    pub run_app_id: Option<String>,
    /// The workflow name (`workflow_name`).
    pub name: Option<String>,
    /// The workflow's description.
    pub description: Option<String>,
    /// The ID of the Coze app the workflow belongs to, if it is part of one.
    pub app_id: Option<String>,
    /// The URL of the workflow's icon.
    pub icon_url: Option<String>,
    /// When the workflow was created, in Unix seconds.
    pub created_at: Option<String>,
    /// When the workflow was last changed, in Unix seconds.
    pub updated_at: Option<String>,
    /// The creator's user ID (`creator.id`).
    pub creator_id: Option<String>,
    /// The creator's name (`creator.name`).
    pub creator_name: Option<String>,
    /// The platform the document came from: a Coze cloud WorkflowInfo, or a Coze Studio
    /// canvas. It decides what a file value may be ([`rules::FileValues`]).
    pub platform: Platform,
    /// A Studio canvas answer's `flow_mode`, as given (`0` workflow, `3` chatflow).
    pub flow_mode: Option<String>,
}

/// Index of an object type in [`Types::objects`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId(pub usize);

/// Index of an array type in [`Types::arrays`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ArrayId(pub usize);

/// Index of a typed value in [`Types::values`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ValueId(pub usize);

/// One node's parameters as flat tables.
#[derive(Debug, Clone, PartialEq)]
pub struct Types {
    /// Every object type in output order: the node's parameter map first ([`Types::ROOT`]),
    /// then each nested object in the order a depth-first walk of the document meets it (an
    /// object before the objects inside it, siblings in document order).
    pub objects: Vec<Object>,
    /// Every array type, in the same walk's order.
    pub arrays: Vec<Array>,
    /// Typed default values; [`Field::default`] and compound values refer into this table.
    pub values: Vec<Literal>,
    /// What a file parameter's value may be: decided by the platform the document came from.
    pub files: rules::FileValues,
    /// How deep the parameters nest: 0 for an empty parameter map, 1 for a flat one, one more
    /// for each object or array level (the measure of [`MAX_DEPTH`](crate::limits::MAX_DEPTH)).
    pub depth: usize,
    /// A chatflow's start node: the key of the parameter map that is the chat message
    /// ([`MESSAGE_PARAM`]), left out of the fields; a run that gives it in `parameters` is told
    /// where it belongs.
    pub message_param: Option<&'static str>,
}

/// A set of named parameters: a node's parameter map or an object's properties.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    /// The type's name in every language: ASCII UpperCamelCase, unique within one generated
    /// module, and none of any language's built-in or helper type names ([`names`]).
    pub type_name: String,
    /// The name this object would have had, when another object or a reserved name took it
    /// first (so emitters can say why the name has a suffix).
    pub wanted_name: Option<String>,
    /// In document order.
    pub fields: Vec<Field>,
    /// Where this object's type is used.
    pub parent: Parent,
    /// Whether keys other than the declared ones are refused: the value rule for unknown keys,
    /// decided once for every artifact (see [`BuildOptions::open_objects`]).
    pub closed: bool,
    /// For an open object: the names of a field holding the keys it does not declare
    /// ([`names::EXTRA_FIELD`], suffixed where a declared field took it), for the languages
    /// that keep them in a field ([`Object::extra_ident`]).
    pub extra_idents: Option<Idents>,
}

impl Object {
    /// For an open object, the field `lang` keeps its undeclared keys in (Rust's flattened
    /// map: `extra`, or `extra_2` where a declared field is `extra`).
    pub fn extra_ident(&self, lang: Lang) -> Option<&str> {
        let idents = self.extra_idents.as_ref()?;
        Some(idents.get(lang).unwrap_or(names::EXTRA_FIELD))
    }
}

/// One named parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The wire name, exactly as the document spells it.
    pub name: String,
    /// How each language writes the field ([`Field::ident`]).
    pub idents: Idents,
    /// Whether a run must give the parameter. `required` means present: a required string may
    /// be empty, a required array may have no elements.
    pub required: bool,
    /// `None` when absent or blank.
    pub description: Option<String>,
    /// What values the parameter takes.
    pub ty: Type,
    /// Typed and checked against the rules of `ty`; `None` when absent, empty or dropped.
    pub default: Option<ValueId>,
}

impl Field {
    /// How `lang` writes this field: Rust's snake_case identifier (unique among its siblings,
    /// never a keyword), TypeScript's property key (the wire name, quoted where it is not an
    /// identifier).
    pub fn ident(&self, lang: Lang) -> &str {
        self.idents.get(lang).unwrap_or(&self.name)
    }

    /// The Rust struct's chainable setter of this field, when it is optional:
    /// [`names::setter_ident`] of its identifier (`with_type` for `type_`).
    pub fn rust_setter(&self) -> String {
        names::setter_ident(self.ident(Lang::Rust))
    }
}

/// The element type of an array.
#[derive(Debug, Clone, PartialEq)]
pub struct Array {
    /// The type of every element.
    pub items: Type,
    /// The description the document gives the elements (`items.description`).
    pub description: Option<String>,
    /// Where this array's type is used.
    pub parent: Parent,
}

/// Where an object or array type is used, for deriving paths and names of places.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parent {
    /// It is the node's parameter map itself.
    Root,
    /// It is the type of `fields[field]` of `object`.
    Field {
        /// The object the field belongs to.
        object: ObjectId,
        /// The field's index in that object's [`Object::fields`].
        field: usize,
    },
    /// It is the element type of an array.
    Items(ArrayId),
}

/// The type of a parameter. What values each type accepts is in [`rules`].
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    /// `string`: any text.
    String,
    /// `integer`: a whole number that fits an `i64`.
    Integer,
    /// `number`: a 64-bit float.
    Number,
    /// `boolean`.
    Boolean,
    /// Text in Coze's `yyyy-MM-dd HH:mm:ss` form.
    Time,
    /// A file, passed to a run as a string: a URL, or the JSON text `{"file_id":"…"}` (URLs
    /// only for a Coze Studio document: see [`Types::files`]).
    File(FileKind),
    /// An `object` with declared properties.
    Object(ObjectId),
    /// An `object` without declared properties: any JSON object.
    Map,
    /// An `array`, with its element type.
    Array(ArrayId),
    /// An unknown or missing type: any JSON value. Holds the declared type name, if any.
    Any(Option<String>),
}

/// A typed default value. Compound values refer to their parts by id, so no value nests.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// The value of a `string`, `time` or file parameter.
    Text(String),
    /// The value of an `integer` parameter.
    Integer(i64),
    /// A `number`: a 64-bit float, as Coze reads it.
    Number(f64),
    /// The value of a `boolean` parameter.
    Boolean(bool),
    /// An array's elements.
    Array(Vec<ValueId>),
    /// The properties of an object that the value gives, in declared order, as
    /// `(index in fields, value)`.
    Object {
        /// The object type the value is for.
        object: ObjectId,
        /// The properties the value gives.
        properties: Vec<(usize, ValueId)>,
    },
    /// The value of a `map` or `any` parameter, as compact JSON text.
    Json(String),
}

/// The Coze file kinds. `file` and `default` are both [`FileKind::Generic`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// `file` (or `default`): any file.
    Generic,
    /// `image`.
    Image,
    /// `svg`.
    Svg,
    /// `doc`: a document (Word, PDF, ...).
    Doc,
    /// `excel`: a spreadsheet.
    Excel,
    /// `ppt`: a presentation.
    Ppt,
    /// `txt`: plain text.
    Txt,
    /// `code`: a source file.
    Code,
    /// `audio`.
    Audio,
    /// `voice`: a voice recording.
    Voice,
    /// `video`.
    Video,
    /// `zip`: an archive.
    Zip,
}

/// The file name extensions of each file kind: what a local file given for a parameter of
/// that kind (`cozegen run --file`) may be named, decided here once. It holds the formats Coze's
/// upload endpoint lists (docs: `upload_files`) and every extension of the kind's file picker
/// hint ([`FileKind::accept`]); `file` and `code` take any file and are not listed.
pub const FILE_EXTENSIONS: &[(FileKind, &[&str])] = &[
    (
        FileKind::Image,
        &[
            "jpg", "jpeg", "jpg2", "png", "gif", "webp", "heic", "heif", "bmp", "pcd", "tif",
            "tiff",
        ],
    ),
    (FileKind::Svg, &["svg"]),
    (FileKind::Doc, &["doc", "docx", "pdf", "odt", "rtf", "md"]),
    (FileKind::Excel, &["xls", "xlsx", "csv", "ods", "numbers"]),
    (FileKind::Ppt, &["ppt", "pptx", "odp", "key"]),
    (FileKind::Txt, &["txt"]),
    (AUDIO.0, AUDIO.1),
    (FileKind::Voice, AUDIO.1),
    (
        FileKind::Video,
        &[
            "mp4", "avi", "mov", "3gp", "3gpp", "flv", "webm", "wmv", "rmvb", "m4v", "mkv",
        ],
    ),
    (
        FileKind::Zip,
        &["zip", "rar", "7z", "gz", "gzip", "bz2", "tgz"],
    ),
];

const AUDIO: (FileKind, &[&str]) = (
    FileKind::Audio,
    &[
        "wav", "mp3", "flac", "m4a", "aac", "ogg", "oga", "opus", "wma", "mid", "midi", "amr",
    ],
);

impl FileKind {
    /// Every kind, in the order of the API's vocabulary.
    pub const ALL: [FileKind; 12] = [
        FileKind::Generic,
        FileKind::Image,
        FileKind::Svg,
        FileKind::Doc,
        FileKind::Excel,
        FileKind::Ppt,
        FileKind::Txt,
        FileKind::Code,
        FileKind::Audio,
        FileKind::Voice,
        FileKind::Video,
        FileKind::Zip,
    ];

    /// The kind's name in the API's vocabulary.
    pub fn coze_name(self) -> &'static str {
        match self {
            FileKind::Generic => "file",
            FileKind::Image => "image",
            FileKind::Svg => "svg",
            FileKind::Doc => "doc",
            FileKind::Excel => "excel",
            FileKind::Ppt => "ppt",
            FileKind::Txt => "txt",
            FileKind::Code => "code",
            FileKind::Audio => "audio",
            FileKind::Voice => "voice",
            FileKind::Video => "video",
            FileKind::Zip => "zip",
        }
    }

    /// A file picker `accept` hint for the kind, or `None` where any file will do.
    pub fn accept(self) -> Option<&'static str> {
        match self {
            FileKind::Generic | FileKind::Code => None,
            FileKind::Image => Some("image/*"),
            FileKind::Svg => Some(".svg,image/svg+xml"),
            FileKind::Doc => Some(".doc,.docx,.pdf,.odt,.rtf,.md"),
            FileKind::Excel => Some(".xls,.xlsx,.csv,.ods"),
            FileKind::Ppt => Some(".ppt,.pptx,.odp"),
            FileKind::Txt => Some(".txt,text/plain"),
            FileKind::Audio | FileKind::Voice => Some("audio/*"),
            FileKind::Video => Some("video/*"),
            FileKind::Zip => Some(".zip,application/zip"),
        }
    }

    /// Whether a local file named with extension `extension` (without the dot, any case) is
    /// of this kind, by [`FILE_EXTENSIONS`]: `file` and `code` take any file; every other kind
    /// takes the extensions the table gives it.
    pub fn takes_extension(self, extension: Option<&str>) -> bool {
        match self {
            FileKind::Generic | FileKind::Code => true,
            kind => FileKind::of_extension(extension).contains(&kind),
        }
    }

    /// The kinds a local file named with extension `extension` is, by [`FILE_EXTENSIONS`]
    /// (audio files are both `audio` and `voice`); empty for an unknown extension or none.
    pub fn of_extension(extension: Option<&str>) -> Vec<FileKind> {
        let Some(extension) = extension else {
            return Vec::new();
        };
        FILE_EXTENSIONS
            .iter()
            .filter(|(_, extensions)| extensions.iter().any(|e| e.eq_ignore_ascii_case(extension)))
            .map(|(kind, _)| *kind)
            .collect()
    }

    fn from_coze_name(name: &str) -> Option<FileKind> {
        if name == "default" {
            return Some(FileKind::Generic);
        }
        FileKind::ALL.into_iter().find(|k| k.coze_name() == name)
    }
}

impl Type {
    /// The type's name in the API's vocabulary (`any` for unknown types).
    pub fn coze_name(&self) -> &'static str {
        match self {
            Type::String => "string",
            Type::Integer => "integer",
            Type::Number => "number",
            Type::Boolean => "boolean",
            Type::Time => "time",
            Type::File(kind) => kind.coze_name(),
            Type::Object(_) | Type::Map => "object",
            Type::Array(_) => "array",
            Type::Any(_) => "any",
        }
    }
}

impl Types {
    /// The node's parameter map.
    pub const ROOT: ObjectId = ObjectId(0);

    /// The node's parameter map.
    pub fn root(&self) -> &Object {
        &self.objects[Types::ROOT.0]
    }

    /// The object type `id` refers to.
    pub fn object(&self, id: ObjectId) -> &Object {
        &self.objects[id.0]
    }

    /// The array type `id` refers to.
    pub fn array(&self, id: ArrayId) -> &Array {
        &self.arrays[id.0]
    }

    /// The value `id` refers to.
    pub fn value(&self, id: ValueId) -> &Literal {
        &self.values[id.0]
    }

    /// What the documentation of object type `id` says of it beyond the node's own text, as
    /// plain text in this order: the description of the array whose elements it is, and why it
    /// is not named as the document would name it. Each language escapes it its own way.
    pub fn object_notes(&self, id: ObjectId) -> Vec<String> {
        let object = self.object(id);
        let mut notes = Vec::new();
        if let Parent::Items(array) = object.parent
            && let Some(description) = &self.array(array).description
        {
            notes.push(description.clone());
        }
        if let Some(wanted) = &object.wanted_name {
            notes.push(format!(
                "Named `{}` because `{wanted}` is taken.",
                object.type_name
            ));
        }
        notes
    }

    /// Every object with its id, in output order.
    pub fn objects(&self) -> impl Iterator<Item = (ObjectId, &Object)> {
        self.objects
            .iter()
            .enumerate()
            .map(|(i, o)| (ObjectId(i), o))
    }

    /// The path from the node's parameter map to the place `at`, derived from the parents.
    pub fn path(&self, at: Parent) -> Path {
        let mut segments = Vec::new();
        let mut at = at;
        loop {
            match at {
                Parent::Root => break,
                Parent::Field { object, field } => {
                    let object = self.object(object);
                    segments.push(Segment::Name(object.fields[field].name.clone()));
                    at = object.parent;
                }
                Parent::Items(array) => {
                    segments.push(Segment::Items);
                    at = self.array(array).parent;
                }
            }
        }
        segments.reverse();
        Path(segments)
    }

    /// The path of `fields[field]` of `object`.
    pub fn field_path(&self, object: ObjectId, field: usize) -> Path {
        self.path(Parent::Field { object, field })
    }

    /// The field whose type holds the place `at`, looking through arrays: for an array
    /// element, the field of the (outermost) array; `None` for the parameter map itself.
    pub fn owning_field(&self, at: Parent) -> Option<(ObjectId, usize)> {
        let mut at = at;
        loop {
            match at {
                Parent::Root => return None,
                Parent::Field { object, field } => return Some((object, field)),
                Parent::Items(array) => at = self.array(array).parent,
            }
        }
    }

    /// Writes the typed value `id` as JSON, level by level (a compound default nests as deep as
    /// its type).
    pub fn write_value(&self, id: ValueId, writer: &mut impl crate::json::Sink) {
        enum Step<'a> {
            Value(ValueId),
            Key(&'a str),
            EndArray,
            EndObject,
        }
        let mut stack = vec![Step::Value(id)];
        while let Some(step) = stack.pop() {
            match step {
                Step::Key(key) => writer.key(key),
                Step::EndArray => writer.end_array(),
                Step::EndObject => writer.end_object(),
                Step::Value(id) => match self.value(id) {
                    Literal::Text(s) => writer.string(s),
                    Literal::Integer(i) => writer.integer(*i),
                    Literal::Number(f) => writer.float(*f),
                    Literal::Boolean(b) => writer.bool(*b),
                    Literal::Json(text) => writer.json_text(text),
                    Literal::Array(items) => {
                        writer.begin_array();
                        stack.push(Step::EndArray);
                        stack.extend(items.iter().rev().map(|&i| Step::Value(i)));
                    }
                    Literal::Object { object, properties } => {
                        writer.begin_object();
                        stack.push(Step::EndObject);
                        let fields = &self.object(*object).fields;
                        for &(field, value) in properties.iter().rev() {
                            stack.push(Step::Value(value));
                            stack.push(Step::Key(&fields[field].name));
                        }
                    }
                },
            }
        }
    }

    /// The typed value `id` as compact JSON text.
    pub fn value_json(&self, id: ValueId) -> String {
        let mut writer = crate::json::Writer::compact(16);
        self.write_value(id, &mut writer);
        writer.finish()
    }

    /// An empty parameter map named `type_name`.
    fn empty(type_name: String) -> Types {
        Types {
            objects: vec![Object {
                type_name,
                wanted_name: None,
                fields: Vec::new(),
                parent: Parent::Root,
                closed: true,
                extra_idents: None,
            }],
            arrays: Vec::new(),
            values: Vec::new(),
            files: rules::FileValues::default(),
            depth: 0,
            message_param: None,
        }
    }
}

#[cfg(test)]
mod file_extension_tests {
    use super::*;

    #[test]
    fn every_extension_of_a_kinds_picker_hint_is_of_that_kind() {
        for kind in FileKind::ALL {
            let hint = kind.accept().unwrap_or_default();
            for extension in hint.split(',').filter_map(|a| a.strip_prefix('.')) {
                assert!(
                    kind.takes_extension(Some(extension)),
                    "{} does not take .{extension}",
                    kind.coze_name()
                );
            }
        }
    }

    #[test]
    fn a_kind_takes_its_extensions_in_any_case_and_file_takes_anything() {
        assert!(FileKind::Image.takes_extension(Some("JPG")));
        assert!(!FileKind::Image.takes_extension(Some("pdf")));
        assert!(!FileKind::Image.takes_extension(None));
        assert!(FileKind::Voice.takes_extension(Some("mp3")));
        assert!(FileKind::Generic.takes_extension(None));
        assert!(FileKind::Code.takes_extension(Some("rs")));
        assert_eq!(
            FileKind::of_extension(Some("mp3")),
            [FileKind::Audio, FileKind::Voice]
        );
        assert!(FileKind::of_extension(Some("xyz")).is_empty());
    }
}
