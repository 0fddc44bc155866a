//! The normalized tree every emitter reads.
//!
//! [`build`] walks the wire model once and settles every decision: the type of each parameter,
//! its typed default, its identifiers, its path. Emitters translate this tree into artifacts;
//! they never look at raw JSON and never re-derive a name or a type.

pub mod defaults;
pub mod names;
pub mod path;

use crate::error::{Error, Result, Warning};
use crate::model::{self, Scalar};
use names::{FieldIdents, TypeNames};
pub use path::{Path, Segment};
use serde_json::Value;
use std::borrow::Cow;

/// The deepest parameter nesting cozegen accepts (each object or array level counts one).
/// Deeper documents get [`Error::TooDeep`] naming the path where the limit was crossed.
pub const MAX_DEPTH: usize = 2_000;

/// The longest parameter name cozegen accepts, in bytes. Names are free text on the wire, but
/// one goes verbatim into the generated code (a serde `rename`, a TypeScript key), and rustc
/// needs gigabytes for a 10,000-byte `rename`; Coze's editor allows far shorter names.
pub const MAX_NAME_BYTES: usize = 1_024;

/// A workflow's start and end nodes, normalized.
#[derive(Debug, Clone, PartialEq)]
pub struct Workflow {
    pub details: Details,
    /// The start node: what a run takes as `parameters`.
    pub input: Object,
    /// The end node: what a run returns.
    pub output: Output,
}

/// `workflow_detail`, as text (the API sends numbers or strings for the timestamps).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Details {
    pub id: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub app_id: Option<String>,
    pub icon_url: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub creator_id: Option<String>,
    pub creator_name: Option<String>,
}

/// The end node.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub root: Object,
    /// `return_variables` or `use_answer_content`, as the API sent it.
    pub terminate_plan: Option<String>,
    /// The answer template, for `use_answer_content`.
    pub content: Option<String>,
}

/// A set of named parameters: a node's parameter map or an object's properties.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    /// UpperCamelCase, unique within one generated module, shadowing no std name.
    pub type_name: String,
    /// The name this object would have had, when another object or a std name took it first
    /// (so emitters can say why the name has a suffix).
    pub wanted_name: Option<String>,
    /// In document order.
    pub fields: Vec<Field>,
}

/// One named parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The wire name, exactly as the document spells it.
    pub name: String,
    /// snake_case identifier, unique among its siblings and never a keyword.
    pub ident: String,
    /// From the node's parameter map down to this parameter.
    pub path: Path,
    pub required: bool,
    /// `None` when absent or blank.
    pub description: Option<String>,
    /// Typed and checked against `ty`; `None` when absent, empty or dropped.
    pub default: Option<Value>,
    pub ty: Type,
}

/// The type of a parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    String,
    Integer,
    Number,
    Boolean,
    /// Text in Coze's `yyyy-MM-dd HH:mm:ss` form.
    Time,
    /// A file, passed to a run as a string: a URL, or the JSON text `{"file_id":"…"}`.
    File(FileKind),
    Object(Object),
    /// An `object` without declared properties: any JSON object.
    Map,
    Array(Box<Array>),
    /// An unknown or missing type: any JSON value. Holds the declared type name, if any.
    Any(Option<String>),
}

/// The element type of an array.
#[derive(Debug, Clone, PartialEq)]
pub struct Array {
    pub items: Type,
    pub description: Option<String>,
}

/// The Coze file kinds. `file` and `default` are both [`FileKind::Generic`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    Generic,
    Image,
    Svg,
    Doc,
    Excel,
    Ppt,
    Txt,
    Code,
    Audio,
    Voice,
    Video,
    Zip,
}

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

    fn from_coze_name(name: &str) -> Option<FileKind> {
        if name == "default" {
            return Some(FileKind::Generic);
        }
        FileKind::ALL.into_iter().find(|k| k.coze_name() == name)
    }
}

impl Type {
    /// The type's name in the API's vocabulary (`any` for unknown types).
    pub fn coze_name(&self) -> &str {
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

/// Choices the caller makes about the IR (everything else is decided from the document).
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The start node's root type name; default: the workflow name in UpperCamelCase + `Input`.
    pub input_type_name: Option<String>,
    /// The end node's root type name; default: the workflow name in UpperCamelCase + `Output`.
    pub output_type_name: Option<String>,
}

/// Builds the IR from a loaded WorkflowInfo. Warnings say what was decided on the user's behalf.
pub fn build(
    info: &model::WorkflowInfo,
    options: &BuildOptions,
) -> Result<(Workflow, Vec<Warning>)> {
    crate::stack::run(|| build_on_this_stack(info, options))
}

fn build_on_this_stack(
    info: &model::WorkflowInfo,
    options: &BuildOptions,
) -> Result<(Workflow, Vec<Warning>)> {
    let details = details(info.workflow_detail.as_ref());
    let mut warnings = Vec::new();

    let input_params = info.input.as_ref().and_then(|n| n.parameters.as_ref());
    let input_name = root_name(
        options.input_type_name.as_deref(),
        details.name.as_deref(),
        "Input",
    )?;
    let input = Builder::new("input", &input_name, &mut warnings).object(
        input_params,
        &input_name,
        &Path::default(),
        0,
    )?;

    let output_node = info.output.as_ref();
    let output_params = output_node.and_then(|n| n.parameters.as_ref());
    let output_name = root_name(
        options.output_type_name.as_deref(),
        details.name.as_deref(),
        "Output",
    )?;
    let output_root = Builder::new("output", &output_name, &mut warnings).object(
        output_params,
        &output_name,
        &Path::default(),
        0,
    )?;
    let output = Output {
        root: output_root,
        terminate_plan: output_node.and_then(|n| text(n.terminate_plan.as_ref())),
        content: output_node.and_then(|n| text(n.content.as_ref())),
    };
    Ok((
        Workflow {
            details,
            input,
            output,
        },
        warnings,
    ))
}

fn root_name(chosen: Option<&str>, workflow_name: Option<&str>, suffix: &str) -> Result<String> {
    match chosen {
        Some(name) if names::is_valid_type_name(name) => Ok(name.to_owned()),
        Some(name) => Err(Error::InvalidTypeName {
            name: path::printable(name, 80),
        }),
        None => Ok(names::root_type_name(workflow_name, suffix)),
    }
}

fn details(basic: Option<&model::WorkflowBasic>) -> Details {
    let Some(b) = basic else {
        return Details::default();
    };
    let creator = b.creator.as_ref();
    Details {
        id: text(b.workflow_id.as_ref()),
        name: text(b.workflow_name.as_ref()),
        description: text(b.description.as_ref()),
        app_id: text(b.app_id.as_ref()),
        icon_url: text(b.icon_url.as_ref()),
        created_at: text(b.created_at.as_ref()),
        updated_at: text(b.updated_at.as_ref()),
        creator_id: creator.and_then(|c| text(c.id.as_ref())),
        creator_name: creator.and_then(|c| text(c.name.as_ref())),
    }
}

/// A scalar as text, `None` when absent, blank or not text-like.
fn text(s: Option<&Scalar>) -> Option<String> {
    s.and_then(Scalar::as_text).filter(|t| !t.trim().is_empty())
}

/// What a nested object's type name is made from; turned into a name only for objects, so
/// scalar parameters cost no name computation.
enum Seed<'a> {
    /// A named field of the object whose type is `parent`, at 1-based `position`.
    Field {
        parent: &'a str,
        name: &'a str,
        position: usize,
    },
    /// The element type of an array, already named.
    Items(String),
}

/// One walk over one node's parameter tree.
struct Builder<'w> {
    node: &'static str,
    root_name: String,
    type_names: TypeNames,
    warnings: &'w mut Vec<Warning>,
}

impl<'w> Builder<'w> {
    fn new(node: &'static str, root_name: &str, warnings: &'w mut Vec<Warning>) -> Self {
        Builder {
            node,
            root_name: root_name.to_owned(),
            type_names: TypeNames::default(),
            warnings,
        }
    }

    fn candidate(&self, seed: &Seed) -> String {
        match seed {
            Seed::Field {
                parent,
                name,
                position,
            } => names::nested_type_name(&self.root_name, parent, name, *position),
            Seed::Items(name) => name.clone(),
        }
    }

    fn warn(&mut self, path: &Path, message: String) {
        self.warnings.push(Warning {
            path: path.display_with(self.node),
            message,
        });
    }

    fn object(
        &mut self,
        params: Option<&model::Params>,
        candidate: &str,
        path: &Path,
        depth: usize,
    ) -> Result<Object> {
        let (type_name, renamed) = self.type_names.claim(candidate.to_owned());
        let wanted_name = renamed.then(|| candidate.to_owned());
        let count = params.map_or(0, |p| p.0.len());
        let mut idents = FieldIdents::with_capacity(count);
        let mut fields = Vec::with_capacity(count);
        for (i, (name, param)) in params.map(|p| p.0.iter()).into_iter().flatten().enumerate() {
            let field_path = path.child(name);
            if name.len() > MAX_NAME_BYTES {
                return Err(Error::NameTooLong {
                    path: shorten_path(&field_path.display_with(self.node)),
                    len: name.len(),
                    limit: MAX_NAME_BYTES,
                });
            }
            // A suffixed identifier needs no warning: it keeps its wire name through a rename.
            let (ident, _) = idents.claim(name, i + 1);
            let seed = Seed::Field {
                parent: &type_name,
                name,
                position: i + 1,
            };
            let ty = self.ty(param, &field_path, &seed, depth + 1)?;
            let default = self.default(param, &ty, &field_path);
            fields.push(Field {
                name: name.clone(),
                ident,
                required: self.required(param, &field_path),
                description: text(param.description.as_ref()),
                default,
                ty,
                path: field_path,
            });
        }
        Ok(Object {
            type_name,
            wanted_name,
            fields,
        })
    }

    fn ty(&mut self, param: &model::Param, path: &Path, seed: &Seed, depth: usize) -> Result<Type> {
        if depth > MAX_DEPTH {
            return Err(Error::TooDeep {
                path: shorten_path(&path.display_with(self.node)),
                limit: MAX_DEPTH,
            });
        }
        // Borrowed in the common case (a lowercase string), so plain parameters cost no
        // allocation here.
        let spelled = match &param.ty {
            Some(Scalar::String(s)) => Some(Cow::Borrowed(s.as_str())),
            other => other.as_ref().and_then(Scalar::as_text).map(Cow::Owned),
        };
        let declared = spelled.as_deref().map(str::trim).map(|t| {
            if t.bytes().any(|b| b.is_ascii_uppercase()) {
                Cow::Owned(t.to_ascii_lowercase())
            } else {
                Cow::Borrowed(t)
            }
        });
        let declared = match declared.as_deref() {
            Some("") | None => {
                let inferred = if param.properties.is_some() {
                    "object"
                } else if param.items.is_some() {
                    "array"
                } else {
                    self.warn(path, "has no `type`; any JSON value is accepted".to_owned());
                    return Ok(Type::Any(None));
                };
                self.warn(
                    path,
                    format!("has no `type`; treated as `{inferred}` from its shape"),
                );
                inferred
            }
            Some(t) => t,
        };
        Ok(match declared {
            "string" => Type::String,
            "integer" => Type::Integer,
            "number" => Type::Number,
            "boolean" => Type::Boolean,
            "time" => Type::Time,
            "object" => match &param.properties {
                Some(props) if !props.0.is_empty() => {
                    Type::Object(self.object(Some(props), &self.candidate(seed), path, depth)?)
                }
                _ => {
                    self.warn(
                        path,
                        "is an `object` without `properties`; any JSON object is accepted"
                            .to_owned(),
                    );
                    Type::Map
                }
            },
            "array" => match &param.items {
                Some(items) => {
                    let seed = Seed::Items(names::item_type_name(
                        &self.root_name,
                        &self.candidate(seed),
                    ));
                    let items_ty = self.ty(items, &path.items(), &seed, depth + 1)?;
                    Type::Array(Box::new(Array {
                        items: items_ty,
                        description: text(items.description.as_ref()),
                    }))
                }
                None => {
                    self.warn(
                        path,
                        "is an `array` without `items`; elements may be any JSON value".to_owned(),
                    );
                    Type::Array(Box::new(Array {
                        items: Type::Any(None),
                        description: None,
                    }))
                }
            },
            other => match FileKind::from_coze_name(other) {
                Some(kind) => Type::File(kind),
                None => {
                    let shown = path::quote(&path::printable(other, 40));
                    self.warn(
                        path,
                        format!("has unknown type {shown}; any JSON value is accepted"),
                    );
                    Type::Any(Some(other.to_owned()))
                }
            },
        })
    }

    fn required(&mut self, param: &model::Param, path: &Path) -> bool {
        match &param.required {
            None => false,
            Some(Scalar::Bool(b)) => *b,
            Some(Scalar::String(s)) if s.eq_ignore_ascii_case("true") => true,
            Some(Scalar::String(s)) if s.eq_ignore_ascii_case("false") || s.is_empty() => false,
            Some(other) => {
                let shown = match other {
                    Scalar::Json(v) => path::printable(&v.to_string(), 40),
                    other => path::quote(&other.as_text().unwrap_or_default()),
                };
                self.warn(
                    path,
                    format!(
                        "has `required` = {shown}, which is not a boolean; treated as optional"
                    ),
                );
                false
            }
        }
    }

    fn default(&mut self, param: &model::Param, ty: &Type, path: &Path) -> Option<Value> {
        let raw = param.default_value.as_ref()?;
        match defaults::parse(raw, ty) {
            Ok(value) => value,
            Err(reason) => {
                self.warn(path, format!("default dropped: {reason}"));
                None
            }
        }
    }
}

/// A path for an error message, with the middle cut out when a deep document makes it huge.
fn shorten_path(p: &str) -> String {
    const KEEP: usize = 120;
    let chars: Vec<char> = p.chars().collect();
    if chars.len() <= 2 * KEEP {
        return p.to_owned();
    }
    let head: String = chars[..KEEP].iter().collect();
    let tail: String = chars[chars.len() - KEEP..].iter().collect();
    format!("{head}…{tail}")
}
