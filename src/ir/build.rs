//! Building the IR: one walk over the wire model per node, with an explicit stack, that makes
//! every decision [`super`] records (types, value rules, defaults, names, how the end node
//! terminates, whether the workflow is a chatflow) and says in warnings what it decided on the
//! user's behalf.

use super::names::{self, FieldIdents, Idents, TypeNames};
use super::{
    Array, ArrayId, CONVERSATION_PARAM, Chat, ChatEvidence, Details, Error, Field, FileKind,
    MESSAGE_PARAM, Object, ObjectId, Parent, Result, TerminatePlan, Type, Types, ValueId, Workflow,
    defaults, rules,
};
use crate::limits::{MAX_DEPTH, MAX_ID_LEN, MAX_NAME_BYTES};
use crate::model::{self, Scalar};
use crate::text;
use crate::warning::Warning;
use std::borrow::Cow;

/// Choices the caller makes about the IR (everything else is decided from the document).
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The start node's root type name; default: the workflow name in UpperCamelCase + `Input`.
    pub input_type_name: Option<String>,
    /// The end node's root type name; default: the workflow name in UpperCamelCase + `Output`.
    pub output_type_name: Option<String>,
    /// Accept keys that are not declared, in every object with declared properties. By default
    /// objects are closed: an extra key is almost always a typo that Coze would silently keep.
    pub open_objects: bool,
}

/// Builds the IR from a loaded WorkflowInfo. Warnings say what was decided on the user's behalf.
pub fn build(
    info: &model::WorkflowInfo,
    options: &BuildOptions,
) -> Result<(Workflow, Vec<Warning>)> {
    let mut details = details(info.workflow_detail.as_ref());
    details.platform = info.origin.platform;
    details.flow_mode = info.origin.flow_mode.clone();
    let mut warnings = info.notes.clone();
    details.run_id = run_id(details.id.as_deref(), &mut warnings);

    let input_name = root_name(
        options.input_type_name.as_deref(),
        details.name.as_deref(),
        "Input",
    )?;
    let input_params = info.input.as_ref().and_then(|n| n.parameters.as_ref());
    let chat = chat(details.flow_mode.as_deref(), input_params);
    details.run_app_id = details.app_id.clone().filter(|id| {
        (1..=MAX_ID_LEN).contains(&id.len()) && id != "0" && id.bytes().all(|b| b.is_ascii_digit())
    });
    let files = rules::FileValues::of(details.platform);
    let mut input_builder = Builder::new("input", input_name, options, files, &mut warnings);
    if chat.is_some() {
        input_builder.skip_root = Some(MESSAGE_PARAM);
    }
    let mut input = input_builder.run(input_params)?;
    if chat.is_some() {
        input.message_param = Some(MESSAGE_PARAM);
    }

    let output_name = root_name(
        options.output_type_name.as_deref(),
        details.name.as_deref(),
        "Output",
    )?;
    let output_node = info.output.as_ref();
    let output_params = output_node.and_then(|n| n.parameters.as_ref());
    let output =
        Builder::new("output", output_name, options, files, &mut warnings).run(output_params)?;
    Ok((
        Workflow {
            details,
            input,
            output,
            terminate_plan: output_node
                .and_then(|n| text(n.terminate_plan.as_ref()))
                .map(TerminatePlan::from_wire),
            content: output_node.and_then(|n| text(n.content.as_ref())),
            chat,
        },
        warnings,
    ))
}

/// Whether the workflow is a chatflow: `flow_mode` decides when the document has a readable
/// one; otherwise the start node's two chatflow parameters do.
fn chat(flow_mode: Option<&str>, params: Option<&model::Params>) -> Option<Chat> {
    let declared = |name: &str| params.and_then(|p| p.0.get(name));
    let message = declared(MESSAGE_PARAM);
    let conversation = declared(CONVERSATION_PARAM);
    let decided_by = match flow_mode.map(|m| m.trim().parse::<i64>()) {
        Some(Ok(3)) => ChatEvidence::FlowMode,
        Some(Ok(_)) => return None,
        _ if message.is_some() && conversation.is_some() => ChatEvidence::StartNode,
        _ => return None,
    };
    Some(Chat {
        decided_by,
        message_description: message.and_then(|m| text(m.description.as_ref())),
        message_declared: message.is_some(),
        conversation_param: conversation.is_some(),
    })
}

fn root_name(chosen: Option<&str>, workflow_name: Option<&str>, suffix: &str) -> Result<String> {
    match chosen {
        Some(name) if names::is_valid_type_name(name) => Ok(name.to_owned()),
        Some(name) => Err(Error::InvalidTypeName {
            name: text::printable(name, 80),
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
        ..Details::default()
    }
}

/// The workflow ID a run is sent with: `id` when it is 1 to [`MAX_ID_LEN`] ASCII digits.
fn run_id(id: Option<&str>, warnings: &mut Vec<Warning>) -> Option<String> {
    let id = id?;
    if id.len() <= MAX_ID_LEN && id.bytes().all(|b| b.is_ascii_digit()) {
        return Some(id.to_owned());
    }
    warnings.push(Warning {
        path: "workflow_detail.workflow_id".to_owned(),
        message: format!(
            "{} is not a Coze workflow ID (1 to {MAX_ID_LEN} digits): generated code \
             declares no `WORKFLOW_ID`",
            text::quote(&text::printable(id, 60))
        ),
    });
    None
}

/// A scalar as text, `None` when absent, blank or not text-like.
fn text(s: Option<&Scalar>) -> Option<String> {
    s.and_then(Scalar::as_text).filter(|t| !t.trim().is_empty())
}

/// One step of the path the builder is at, borrowed from the document.
#[derive(Clone, Copy)]
enum Step<'a> {
    Name(&'a str),
    Items,
}

/// A field whose type is being built: it waits for the object inside it.
struct Pending<'a> {
    param: &'a model::Param,
    name: &'a str,
    idents: Idents,
    ty: Type,
    /// Length of the builder's path at the field itself.
    path_len: usize,
}

/// An object whose fields are being built.
struct Frame<'a> {
    id: ObjectId,
    params: Option<&'a model::Params>,
    next: usize,
    idents: FieldIdents,
    /// The depth of the object's fields.
    depth: usize,
    /// Length of the builder's path at this object.
    path_len: usize,
    pending: Option<Pending<'a>>,
}

/// One walk over one node's parameter tree, depth first, with an explicit stack.
struct Builder<'w, 'o> {
    node: &'static str,
    root_name: String,
    options: &'o BuildOptions,
    type_names: TypeNames,
    types: Types,
    path: Vec<Step<'w>>,
    warnings: &'w mut Vec<Warning>,
    /// A key of the parameter map that is not a parameter (a chatflow's message).
    skip_root: Option<&'static str>,
}

/// What resolving a field's type left to do.
enum Resolved<'a> {
    /// The type is complete.
    Done(Type),
    /// The type holds a new object, at `depth`, whose fields come next.
    Descend {
        ty: Type,
        object: ObjectId,
        params: &'a model::Params,
        depth: usize,
    },
}

/// One level of a parameter's type.
enum Level<'a> {
    /// A type with nothing more inside to resolve.
    Leaf(Type),
    /// A new object, with the properties its fields come from.
    Object(ObjectId, &'a model::Params),
    /// A new array, with its `items` and the name an object there would want.
    Array(ArrayId, &'a model::Param, String),
}

impl<'w, 'o> Builder<'w, 'o> {
    fn new(
        node: &'static str,
        root_name: String,
        options: &'o BuildOptions,
        files: rules::FileValues,
        warnings: &'w mut Vec<Warning>,
    ) -> Self {
        let mut type_names = TypeNames::default();
        let (root_name, _) = type_names.claim(root_name);
        let mut types = Types::empty(root_name.clone());
        types.files = files;
        Builder {
            node,
            types,
            root_name,
            options,
            type_names,
            path: Vec::new(),
            warnings,
            skip_root: None,
        }
    }

    fn run(mut self, params: Option<&'w model::Params>) -> Result<Types> {
        self.types.objects[0].closed = !self.options.open_objects;
        let mut stack = vec![self.frame(Types::ROOT, params, 1)];
        while let Some(frame) = stack.last_mut() {
            if let Some(pending) = frame.pending.take() {
                // The object inside this field is complete: finish the field.
                let id = frame.id;
                self.finish_field(id, pending);
                continue;
            }
            let Some((name, param)) = frame.params.and_then(|p| p.0.get_index(frame.next)) else {
                let mut done = stack.pop().expect("the frame just looked at");
                if self.options.open_objects {
                    let idents = done.idents.claim(names::EXTRA_FIELD, done.next + 1);
                    self.types.objects[done.id.0].extra_idents = Some(idents);
                }
                continue;
            };
            frame.next += 1;
            if frame.id == Types::ROOT && self.skip_root == Some(name.as_str()) {
                continue;
            }
            let (id, position, depth) = (frame.id, frame.next, frame.depth);
            self.path.truncate(frame.path_len);
            self.path.push(Step::Name(name));
            let path_len = self.path.len();
            if name.len() > MAX_NAME_BYTES {
                return Err(Error::NameTooLong {
                    path: shorten_path(&self.path_text()),
                    len: name.len(),
                    limit: MAX_NAME_BYTES,
                });
            }
            let idents = frame.idents.claim(name, position);
            let at = Parent::Field {
                object: id,
                field: self.types.object(id).fields.len(),
            };
            // Only a parameter that can hold an object needs a name for it.
            let candidate = (param.properties.is_some() || param.items.is_some()).then(|| {
                let parent = &self.types.object(id).type_name;
                names::nested_type_name(&self.root_name, parent, name, position)
            });
            let mut pending = Pending {
                param,
                name,
                idents,
                ty: Type::Any(None),
                path_len,
            };
            match self.resolve(param, at, candidate, depth)? {
                Resolved::Done(ty) => {
                    pending.ty = ty;
                    self.finish_field(id, pending);
                }
                Resolved::Descend {
                    ty,
                    object,
                    params,
                    depth,
                } => {
                    pending.ty = ty;
                    let child = self.frame(object, Some(params), depth + 1);
                    stack.last_mut().expect("the frame being built").pending = Some(pending);
                    stack.push(child);
                }
            }
        }
        Ok(self.types)
    }

    fn frame(&self, id: ObjectId, params: Option<&'w model::Params>, depth: usize) -> Frame<'w> {
        Frame {
            id,
            params,
            next: 0,
            idents: FieldIdents::with_capacity(params.map_or(0, |p| p.0.len())),
            depth,
            path_len: self.path.len(),
            pending: None,
        }
    }

    /// Resolves the type of a field at `depth` through any arrays it holds, registering the
    /// arrays and the object it ends in.
    fn resolve(
        &mut self,
        param: &'w model::Param,
        at: Parent,
        candidate: Option<String>,
        depth: usize,
    ) -> Result<Resolved<'w>> {
        let (mut param, mut at, mut candidate, mut depth) = (param, at, candidate, depth);
        let mut top: Option<Type> = None;
        // The array whose elements the next level is.
        let mut enclosing: Option<ArrayId> = None;
        loop {
            self.types.depth = self.types.depth.max(depth);
            if depth > MAX_DEPTH {
                return Err(Error::TooDeep {
                    path: shorten_path(&self.path_text()),
                    limit: MAX_DEPTH,
                });
            }
            let level = self.level(param, at, candidate.take());
            let ty = match &level {
                Level::Leaf(ty) => ty.clone(),
                Level::Object(id, _) => Type::Object(*id),
                Level::Array(id, ..) => Type::Array(*id),
            };
            if let Some(array) = enclosing {
                self.types.arrays[array.0].items = ty.clone();
            }
            let top = top.get_or_insert(ty).clone();
            match level {
                Level::Leaf(_) => return Ok(Resolved::Done(top)),
                Level::Object(object, params) => {
                    return Ok(Resolved::Descend {
                        ty: top,
                        object,
                        params,
                        depth,
                    });
                }
                Level::Array(array, items, items_candidate) => {
                    enclosing = Some(array);
                    at = Parent::Items(array);
                    param = items;
                    candidate = Some(items_candidate);
                    depth += 1;
                    self.path.push(Step::Items);
                }
            }
        }
    }

    /// One level of the type of `param`, used at `at`; `candidate` names an object there.
    fn level(
        &mut self,
        param: &'w model::Param,
        at: Parent,
        candidate: Option<String>,
    ) -> Level<'w> {
        let declared = match declared_type(param) {
            Some(t) => t,
            None => {
                let inferred = if param.properties.is_some() {
                    "object"
                } else if param.items.is_some() {
                    "array"
                } else {
                    self.warn("has no `type`; any JSON value is accepted".to_owned());
                    return Level::Leaf(Type::Any(None));
                };
                self.warn(format!(
                    "has no `type`; treated as `{inferred}` from its shape"
                ));
                Cow::Borrowed(inferred)
            }
        };
        // Without a candidate (a parameter that looked like it could hold no object), the root's
        // name is the base: the claim adds a suffix.
        let candidate = candidate.unwrap_or_else(|| self.root_name.clone());
        match declared.as_ref() {
            "string" => Level::Leaf(Type::String),
            "integer" => Level::Leaf(Type::Integer),
            "number" => Level::Leaf(Type::Number),
            "boolean" => Level::Leaf(Type::Boolean),
            "time" => Level::Leaf(Type::Time),
            "object" => match &param.properties {
                Some(props) if !props.0.is_empty() => {
                    Level::Object(self.new_object(candidate, at), props)
                }
                _ => {
                    self.warn(
                        "is an `object` without `properties`; any JSON object is accepted"
                            .to_owned(),
                    );
                    Level::Leaf(Type::Map)
                }
            },
            "array" => {
                let items_candidate = names::item_type_name(&self.root_name, &candidate);
                let id = ArrayId(self.types.arrays.len());
                self.types.arrays.push(Array {
                    items: Type::Any(None),
                    description: None,
                    parent: at,
                });
                match param.items.as_deref() {
                    Some(items) => {
                        self.types.arrays[id.0].description = text(items.description.as_ref());
                        Level::Array(id, items, items_candidate)
                    }
                    None => {
                        self.warn(
                            "is an `array` without `items`; elements may be any JSON value"
                                .to_owned(),
                        );
                        Level::Leaf(Type::Array(id))
                    }
                }
            }
            other => match FileKind::from_coze_name(other) {
                Some(kind) => Level::Leaf(Type::File(kind)),
                None => {
                    let shown = text::quote(&text::printable(other, 40));
                    self.warn(format!(
                        "has unknown type {shown}; any JSON value is accepted"
                    ));
                    Level::Leaf(Type::Any(Some(other.to_owned())))
                }
            },
        }
    }

    fn new_object(&mut self, candidate: String, parent: Parent) -> ObjectId {
        let (type_name, renamed) = self.type_names.claim(candidate.clone());
        let id = ObjectId(self.types.objects.len());
        self.types.objects.push(Object {
            type_name,
            wanted_name: renamed.then_some(candidate),
            fields: Vec::new(),
            parent,
            closed: !self.options.open_objects,
            extra_idents: None,
        });
        id
    }

    /// Adds a field whose type is complete: its default and `required` are read now, once
    /// everything inside its type is known.
    fn finish_field(&mut self, object: ObjectId, pending: Pending<'w>) {
        let Pending {
            param,
            name,
            idents,
            ty,
            path_len,
        } = pending;
        // Warnings from here on are the field's own: back out of its arrays and objects.
        self.path.truncate(path_len);
        let default = self.default(param, &ty);
        let required = self.required(param);
        let field = Field {
            name: name.to_owned(),
            idents,
            required,
            description: text(param.description.as_ref()),
            ty,
            default,
        };
        self.types.objects[object.0].fields.push(field);
    }

    fn warn(&mut self, message: String) {
        self.warnings.push(Warning {
            path: self.path_text(),
            message,
        });
    }

    /// The builder's current path as text, e.g. `input.rows[].sku`.
    fn path_text(&self) -> String {
        let mut out = String::from(self.node);
        for step in &self.path {
            match step {
                Step::Name(name) => crate::text::push_name(&mut out, name, true),
                Step::Items => out.push_str("[]"),
            }
        }
        out
    }

    fn required(&mut self, param: &model::Param) -> bool {
        match &param.required {
            None => false,
            Some(Scalar::Bool(b)) => *b,
            Some(Scalar::String(s)) if s.eq_ignore_ascii_case("true") => true,
            Some(Scalar::String(s)) if s.eq_ignore_ascii_case("false") || s.is_empty() => false,
            Some(other) => {
                let shown = match other {
                    Scalar::Json(v) => text::printable(v, 40),
                    other => text::quote(&other.as_text().unwrap_or_default()),
                };
                self.warn(format!(
                    "has `required` = {shown}, which is not a boolean; treated as optional"
                ));
                false
            }
        }
    }

    fn default(&mut self, param: &model::Param, ty: &Type) -> Option<ValueId> {
        let raw = param.default_value.as_ref()?;
        match defaults::parse(raw, ty, &mut self.types) {
            Ok(value) => value,
            Err(reason) => {
                self.warn(format!("default dropped: {reason}"));
                None
            }
        }
    }
}

/// The declared `type`, trimmed and lowercased; `None` when absent or blank. Borrowed in the
/// common case (a lowercase string), so plain parameters cost no allocation here.
fn declared_type(param: &model::Param) -> Option<Cow<'_, str>> {
    let spelled = match &param.ty {
        Some(Scalar::String(s)) => Some(Cow::Borrowed(s.as_str())),
        other => other.as_ref().and_then(Scalar::as_text).map(Cow::Owned),
    }?;
    let trimmed = match spelled {
        Cow::Borrowed(s) => Cow::Borrowed(s.trim()),
        Cow::Owned(s) => Cow::Owned(s.trim().to_owned()),
    };
    if trimmed.is_empty() {
        return None;
    }
    Some(if trimmed.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(trimmed.to_ascii_lowercase())
    } else {
        trimmed
    })
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
