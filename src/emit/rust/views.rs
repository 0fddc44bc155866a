//! The IR as view structs: one [`StructView`] per object of the node's table, in its order,
//! with every line whose layout depends on widths already laid out ([`layout`]).
//!
//! Nothing here recurses. Derive capabilities are computed in one pass from the last object to
//! the first (an object's nested objects come after it in the table), and everything else in
//! one pass from the first to the last.

use super::defaults::{self, string_literal};
use super::derives::{self, Caps, Derive};
use super::docs::{code_span, code_span_cut, push_doc_lines};
use super::layout::{self, Init, RustType};
use crate::ir::Node;
use crate::ir::{Lang, Object, ObjectId, Parent, Type, Types, Workflow};
use crate::warning::Warning;
use std::borrow::Cow;

/// Doc lines: each is written `/// line`, or `///` when empty.
pub(super) type Docs<'a> = Vec<Cow<'a, str>>;

pub(super) struct StructView<'a> {
    pub docs: Docs<'a>,
    /// The laid-out `#[derive(…)]` attribute.
    pub derive: String,
    /// `#[serde(deny_unknown_fields)]`: the object refuses undeclared keys.
    pub closed: bool,
    pub name: &'a str,
    /// The laid-out `pub struct Name {` (`{}` when there are no fields).
    pub header: String,
    pub fields: Vec<FieldView<'a>>,
    pub default_fns: Vec<DefaultFnView<'a>>,
    /// The laid-out field lines of a hand-written `Default` impl.
    pub default_impl: Option<String>,
    /// `new` and the setters (input structs only: see [`BuildersView`]).
    pub builders: Option<BuildersView<'a>>,
    /// The private copy of the fields that serde's `remote` derive reads the struct with:
    /// `fields_<index>`, a name no generated type can have (types are UpperCamelCase).
    pub fields_name: String,
    /// The laid-out `#[serde(remote = "Name")]` of that copy.
    pub remote: String,
    /// The laid-out header of the struct's `Deserialize` impl.
    pub impl_header: String,
    /// The laid-out header of its inherent impl.
    pub methods_header: String,
}

pub(super) struct FieldView<'a> {
    pub docs: Docs<'a>,
    /// The laid-out `#[serde(rename = "…")]`, when the identifier differs from the wire name.
    pub rename: Option<String>,
    /// An `Option` that stays absent when `None` and refuses `null` for a declared type.
    pub optional: bool,
    /// The field holding an open object's undeclared keys.
    pub flatten: bool,
    /// The laid-out `pub ident: Type,`.
    pub decl: String,
}

/// How an input struct is built by hand: `new` takes the required fields, in order, and leaves
/// every optional one `None` (absent, as serde reads a missing parameter); `with_<field>` sets an optional one. Output structs have none: they are read
/// from a run's answer, not built.
pub(super) struct BuildersView<'a> {
    pub new_docs: Docs<'a>,
    /// `#[allow(clippy::too_many_arguments)]`: `new` takes more than clippy's seven.
    pub many_args: bool,
    /// The laid-out signature of `new`, through the opening brace.
    pub new_signature: String,
    /// The laid-out struct literal `new` returns.
    pub new_body: String,
    pub setters: Vec<SetterView<'a>>,
}

/// `pub fn with_<field>(mut self, value: T) -> Self`, which sets `self.<field> = Some(value)`.
pub(super) struct SetterView<'a> {
    pub docs: Docs<'a>,
    /// The laid-out signature, through the opening brace.
    pub signature: String,
    /// The field it sets.
    pub ident: &'a str,
}

pub(super) struct DefaultFnView<'a> {
    pub docs: Docs<'a>,
    pub allow_approx: bool,
    /// The laid-out signature, through the opening brace.
    pub signature: String,
    pub body: String,
}

/// What the module needs besides the structs.
#[derive(Default)]
pub(super) struct Helpers {
    pub present: bool,
    pub from_json: bool,
    pub time: bool,
    pub file: bool,
}

/// Every struct of the node, the helpers they use, and the warnings about derives and defaults.
pub(super) fn structs<'a>(
    workflow: &'a Workflow,
    node: Node,
    derives: &[Derive],
) -> (Vec<StructView<'a>>, Helpers, Vec<Warning>) {
    let types = node.types(workflow);
    let mut helpers = Helpers::default();
    let mut warnings = Vec::new();
    let caps = capabilities(types, derives);
    let mut root_docs = Some(root_docs(workflow, node));
    if let Some(advice) = deep_types_advice(types.depth) {
        if let Some(docs) = root_docs.as_mut() {
            docs.push(Cow::Borrowed(""));
            docs.push(Cow::Owned(advice.clone()));
        }
        warnings.push(Warning {
            path: node.name().to_owned(),
            message: advice,
        });
    }
    let mut views = Vec::with_capacity(types.objects.len());
    for (id, object) in types.objects() {
        let mut docs = match root_docs.take() {
            Some(docs) if id == Types::ROOT => docs,
            _ => nested_docs(types, object),
        };
        let (object_caps, blockers) = &caps[id.0];
        let mut skipped = Vec::new();
        for (derive, field) in derives.iter().zip(blockers) {
            if let Some(field) = field {
                skipped.push((derive, *field));
            }
        }
        if !skipped.is_empty() {
            docs.push(Cow::Borrowed(""));
            for (derive, field) in &skipped {
                let ident = object.fields[*field].ident(Lang::Rust);
                docs.push(Cow::Owned(format!(
                    "Does not derive `{}`: field `{ident}` cannot have it.",
                    derive.name
                )));
                warnings.push(Warning {
                    path: types.path(object.parent).display_with(node.name()),
                    message: format!(
                        "`{}` does not derive `{}`: field `{ident}` cannot have it",
                        object.type_name, derive.name
                    ),
                });
            }
        }
        if let Some(wanted) = &object.wanted_name {
            docs.push(Cow::Borrowed(""));
            docs.push(Cow::Owned(format!(
                "Named `{}` because {} is already taken by another type of this module or by a \
                 std or serde name.",
                object.type_name,
                code_span(wanted)
            )));
        }
        let view = StructBuilder {
            types,
            id,
            object,
            helpers: &mut helpers,
            warnings: &mut warnings,
            node,
        }
        .build(docs, derives, *object_caps);
        views.push(view);
    }
    (views, helpers, warnings)
}

/// Each object's capabilities, and for each requested derive the first field that keeps the
/// object from having it.
fn capabilities(types: &Types, derives: &[Derive]) -> Vec<(Caps, Vec<Option<usize>>)> {
    let mut caps: Vec<(Caps, Vec<Option<usize>>)> =
        vec![(Caps::ALL, Vec::new()); types.objects.len()];
    for (id, object) in types.objects().collect::<Vec<_>>().into_iter().rev() {
        let mut all = Caps::ALL;
        let mut blockers = vec![None; derives.len()];
        for (i, field) in object.fields.iter().enumerate() {
            let field_caps = type_caps(types, &field.ty, &caps);
            for (derive, blocker) in derives.iter().zip(&mut blockers) {
                if blocker.is_none() && !derive.fits(field_caps) {
                    *blocker = Some(i);
                }
            }
            all = all.and(field_caps);
        }
        if !object.closed {
            all = all.and(Caps::JSON);
        }
        caps[id.0] = (all, blockers);
    }
    caps
}

/// What a field of type `ty` can derive; nested objects' capabilities are already in `caps`.
fn type_caps(types: &Types, ty: &Type, caps: &[(Caps, Vec<Option<usize>>)]) -> Caps {
    let (base, arrays) = look_through_arrays(types, ty);
    let base = match base {
        Type::String | Type::Time | Type::File(_) => Caps::TEXT,
        Type::Integer | Type::Boolean => Caps::ALL,
        Type::Number => Caps::FLOAT,
        Type::Map | Type::Any(_) => Caps::JSON,
        Type::Object(id) => caps[id.0].0,
        Type::Array(_) => Caps::JSON.vec(),
    };
    if arrays > 0 { base.vec() } else { base }
}

/// The type inside any arrays `ty` is, and how many arrays there are.
fn look_through_arrays<'t>(types: &'t Types, ty: &'t Type) -> (&'t Type, usize) {
    let (mut ty, mut arrays) = (ty, 0);
    while let Type::Array(id) = ty {
        ty = &types.array(*id).items;
        arrays += 1;
    }
    (ty, arrays)
}

/// The Rust type of `ty`, in an `Option` when `optional`.
fn rust_type(types: &Types, ty: &Type, optional: bool) -> RustType {
    let (base, arrays) = look_through_arrays(types, ty);
    let mut wrappers = Vec::with_capacity(arrays + 1);
    if optional {
        wrappers.push("Option");
    }
    wrappers.extend(std::iter::repeat_n("Vec", arrays));
    let leaf = match base {
        Type::String => "String",
        Type::Integer => "i64",
        Type::Number => "f64",
        Type::Boolean => "bool",
        Type::Time => "CozeTime",
        Type::File(_) => "CozeFile",
        Type::Object(id) => &types.object(*id).type_name,
        Type::Map => layout::MAP,
        Type::Any(_) | Type::Array(_) => "serde_json::Value",
    };
    RustType::new(wrappers, leaf)
}

struct StructBuilder<'a, 'h> {
    types: &'a Types,
    id: ObjectId,
    object: &'a Object,
    helpers: &'h mut Helpers,
    warnings: &'h mut Vec<Warning>,
    node: Node,
}

impl<'a> StructBuilder<'a, '_> {
    fn build(self, docs: Docs<'a>, derives: &[Derive], caps: Caps) -> StructView<'a> {
        let object = self.object;
        let mut fields = Vec::with_capacity(object.fields.len() + 1);
        let mut default_fns = Vec::new();
        let mut inits = Vec::with_capacity(object.fields.len() + 1);
        let mut defaultable = true;
        let builds = self.node == Node::Input;
        let mut params = Vec::new();
        let mut new_inits = Vec::new();
        let mut setters = Vec::new();
        for (index, field) in object.fields.iter().enumerate() {
            let (base, _) = look_through_arrays(self.types, &field.ty);
            self.helpers.time |= matches!(base, Type::Time);
            self.helpers.file |= matches!(base, Type::File(_));
            self.helpers.present |= !field.required;

            let mut docs: Docs<'a> = Vec::with_capacity(8);
            if let Some(text) = &field.description {
                push_doc_lines(text, &mut docs);
            }
            if let Some(note) = type_note(self.types, &field.ty) {
                separate(&mut docs);
                docs.push(Cow::Owned(note));
            }
            if let Some(text) = array_items_description(self.types, &field.ty) {
                separate(&mut docs);
                let first = docs.len();
                push_doc_lines(text, &mut docs);
                if let Some(line) = docs.get_mut(first) {
                    *line = Cow::Owned(format!("Each element: {line}"));
                }
            }
            // Named only where a default may give the field a function.
            let fn_name = if field.default.is_some() {
                format!("default_{}", field.ident(Lang::Rust))
            } else {
                String::new()
            };
            let mut has_fn = false;
            if let Some(value) = field.default {
                let json = self.types.value_json(value);
                let shown = code_span_cut(&json, 200);
                let body = defaults::body(self.types, &field.ty, value, &json);
                separate(&mut docs);
                docs.push(Cow::Owned(match &body {
                    Some(_) => format!(
                        "Default: {shown} (see [`{}::{fn_name}`]); Coze applies it when the \
                         parameter is absent.",
                        object.type_name
                    ),
                    None => format!(
                        "Default: {shown}; Coze applies it when the parameter is absent. It \
                         nests too deeply for serde_json to read, so it has no default function."
                    ),
                }));
                match body {
                    Some(body) => {
                        has_fn = true;
                        self.helpers.from_json |= body.from_json;
                        default_fns.push(self.default_fn(index, &fn_name, body));
                    }
                    None => self.warnings.push(Warning {
                        path: self
                            .types
                            .field_path(self.id, index)
                            .display_with(self.node.name()),
                        message: format!(
                            "the default nests deeper than serde_json reads ({} levels); \
                             `{}` has no `{fn_name}` function",
                            defaults::JSON_DEPTH_LIMIT,
                            object.type_name
                        ),
                    }),
                }
            }
            defaultable &= has_fn || !field.required;
            if builds {
                let ident = field.ident(Lang::Rust);
                let ty = rust_type(self.types, &field.ty, false).text;
                if field.required {
                    params.push(format!("{ident}: {ty}"));
                    new_inits.push(ident.to_owned());
                } else {
                    new_inits.push(format!("{ident}: None"));
                    let signature = lines(|out| {
                        layout::self_fn(
                            &field.rust_setter(),
                            &["mut self".to_owned(), format!("value: {ty}")],
                            out,
                        )
                    });
                    setters.push(SetterView {
                        docs: vec![Cow::Owned(format!(
                            "Sets the optional parameter {} to `value`.",
                            code_span_cut(&field.name, 80)
                        ))],
                        signature,
                        ident,
                    });
                }
            }
            let decl = lines(|out| {
                layout::field(
                    field.ident(Lang::Rust),
                    &rust_type(self.types, &field.ty, !field.required),
                    out,
                )
            });
            fields.push(FieldView {
                docs,
                rename: (field.name != field.ident(Lang::Rust))
                    .then(|| lines(|out| layout::rename(&string_literal(&field.name), out))),
                optional: !field.required,
                flatten: false,
                decl,
            });
            inits.push((
                field.ident(Lang::Rust),
                match (has_fn, field.required) {
                    (true, true) => Some(true),
                    (true, false) => Some(false),
                    (false, _) => None,
                },
                fn_name,
            ));
        }
        if let Some(extra) = object.extra_ident(Lang::Rust) {
            let decl =
                lines(|out| layout::field(extra, &RustType::new(Vec::new(), layout::MAP), out));
            fields.push(FieldView {
                docs: vec![Cow::Borrowed(
                    "The keys of this object that the workflow does not declare, kept as they \
                     are so that they round-trip.",
                )],
                rename: None,
                optional: false,
                flatten: true,
                decl,
            });
        }
        if let (true, Some(extra)) = (builds, object.extra_ident(Lang::Rust)) {
            new_inits.push(format!("{extra}: serde_json::Map::new()"));
        }
        let builders = builds.then(|| BuildersView {
            new_docs: new_docs(object, params.len(), !setters.is_empty()),
            many_args: params.len() > 7,
            new_signature: lines(|out| layout::self_fn("new", &params, out)),
            new_body: lines(|out| layout::self_literal(&new_inits, out)),
            setters,
        });
        let any_fn = !default_fns.is_empty();
        let default_impl = (defaultable && any_fn).then(|| {
            lines(|lines| {
                for (ident, init, fn_name) in &inits {
                    let value = match init {
                        Some(true) => Init::Default(fn_name),
                        Some(false) => Init::SomeDefault(fn_name),
                        None => Init::Short("None"),
                    };
                    layout::init(ident, value, lines);
                }
                if let Some(extra) = object.extra_ident(Lang::Rust) {
                    layout::init(extra, Init::Short("serde_json::Map::new()"), lines);
                }
            })
        });
        let derive = lines(|out| {
            layout::derive(
                &derives::list(derives::BASE, defaultable && !any_fn, derives, caps),
                out,
            )
        });
        StructView {
            docs,
            derive,
            closed: object.closed,
            name: &object.type_name,
            header: lines(|out| layout::struct_header(&object.type_name, fields.is_empty(), out)),
            fields,
            default_fns,
            default_impl,
            builders,
            fields_name: format!("fields_{}", self.id.0),
            remote: lines(|out| layout::remote(&object.type_name, out)),
            impl_header: lines(|out| layout::deserialize_impl(&object.type_name, out)),
            methods_header: lines(|out| layout::inherent_impl(&object.type_name, out)),
        }
    }

    fn default_fn(&self, index: usize, fn_name: &str, body: defaults::Body) -> DefaultFnView<'a> {
        let field = &self.object.fields[index];
        let owner = &self.object.type_name;
        let docs = vec![
            Cow::Owned(format!(
                "The default of {}, which Coze applies when the parameter is absent.",
                code_span(&field.name)
            )),
            Cow::Borrowed(""),
            Cow::Owned(format!(
                "Usable as `#[serde(default = \"{owner}::{fn_name}\")]` in a struct of your own."
            )),
        ];
        let signature =
            lines(|out| layout::signature(fn_name, &rust_type(self.types, &field.ty, false), out));
        let mut body_lines = body.lines;
        body_lines.pop();
        DefaultFnView {
            docs,
            allow_approx: body.allow_approx,
            signature,
            body: body_lines,
        }
    }
}

/// The docs of an input struct's `new`.
fn new_docs(object: &Object, required: usize, optional: bool) -> Docs<'_> {
    let mut docs = vec![Cow::Borrowed(if required > 0 {
        "Builds this struct from its required parameters, in order."
    } else {
        "Builds this struct with no parameter set."
    })];
    if optional {
        docs.push(Cow::Borrowed(""));
        docs.push(Cow::Borrowed(match object.parent {
            Parent::Root => {
                "Every optional parameter is `None`: a run leaves it out, and Coze applies its \
                 default."
            }
            _ => "Every optional parameter is `None`, which serde leaves out.",
        }));
        docs.push(Cow::Borrowed("Set one with its `with_…` setter."));
    }
    if object.extra_ident(Lang::Rust).is_some() {
        docs.push(Cow::Borrowed(""));
        docs.push(Cow::Borrowed("It holds no undeclared keys."));
    }
    docs
}

/// Laid-out lines without the last line break (the templates write it).
fn lines(write: impl FnOnce(&mut String)) -> String {
    // Most laid-out items are one line: room for it, so it is not regrown byte by byte.
    let mut out = String::with_capacity(128);
    write(&mut out);
    out.pop();
    out
}

/// Paragraphs are separated by an empty doc line.
fn separate(docs: &mut Docs<'_>) {
    if !docs.is_empty() {
        docs.push(Cow::Borrowed(""));
    }
}

/// The docs of a nested object's struct: the description of what holds it, and where it is
/// used, by its field name and owning struct (never its full path: docs stay the same size
/// however deep the object is).
fn nested_docs<'a>(types: &'a Types, object: &'a Object) -> Docs<'a> {
    let mut docs = Vec::new();
    let description = match object.parent {
        Parent::Root => None,
        Parent::Field {
            object: parent,
            field,
        } => types.object(parent).fields[field].description.as_deref(),
        Parent::Items(array) => types.array(array).description.as_deref(),
    };
    if let Some(text) = description {
        push_doc_lines(text, &mut docs);
        docs.push(Cow::Borrowed(""));
    }
    if let Some((parent, field)) = types.owning_field(object.parent) {
        let name = code_span(&types.object(parent).fields[field].name);
        let owner = &types.object(parent).type_name;
        docs.push(Cow::Owned(match object.parent {
            Parent::Items(_) => format!("An element of the {name} parameter of [`{owner}`]."),
            _ => format!("The {name} parameter of [`{owner}`]."),
        }));
    }
    docs
}

/// The nesting depth from which rustc's defaults stop compiling the types: its recursion
/// limit (128) counts the levels of a type when it checks drops, auto traits and layouts, and
/// a level of parameters is a level of types or more. Measured with rustc 1.95: 110 levels
/// compile, 124 do not.
const RUSTC_DEPTH: usize = 100;

/// Beyond this depth rustc's own stack runs out too (measured: 700 levels compile, 1,000 do
/// not, whatever the recursion limit).
const RUSTC_STACK_DEPTH: usize = 600;

/// What a crate must do to compile types nested `depth` levels, if rustc's defaults will not.
fn deep_types_advice(depth: usize) -> Option<String> {
    if depth <= RUSTC_DEPTH {
        return None;
    }
    let limit = (2 * depth).next_power_of_two().max(256);
    let mut advice = format!(
        "These types nest {depth} levels deep, more than rustc's defaults compile: add \
         `#![recursion_limit = \"{limit}\"]` at the top of the crate root (`lib.rs` or \
         `main.rs`) of the crate that includes this module"
    );
    if depth > RUSTC_STACK_DEPTH {
        advice.push_str(
            ", and give rustc a bigger stack: build with `RUST_MIN_STACK=268435456` in the \
             environment",
        );
    }
    advice.push('.');
    Some(advice)
}

fn root_docs(workflow: &Workflow, node: Node) -> Docs<'_> {
    let d = &workflow.details;
    let what = match node {
        Node::Input => "Input parameters",
        Node::Output => "Output variables",
    };
    let mut first = match &d.name {
        Some(name) => format!("{what} of the Coze workflow {}", code_span_cut(name, 200)),
        None => format!("{what} of a Coze workflow"),
    };
    if let Some(id) = &d.id {
        first.push_str(&format!(" (id {})", code_span_cut(id, 80)));
    }
    first.push_str(match node {
        Node::Input => ": the `parameters` of a run.",
        Node::Output => ": what a run returns (the end node's `output.parameters`).",
    });
    let mut docs = vec![Cow::Owned(first)];
    if let Some(description) = &d.description {
        docs.push(Cow::Borrowed(""));
        push_doc_lines(description, &mut docs);
    }
    if node == Node::Output {
        if let Some(plan) = &workflow.terminate_plan {
            docs.push(Cow::Borrowed(""));
            docs.push(Cow::Owned(format!(
                "`terminate_plan`: {} (`return_variables` returns these variables; \
                 `use_answer_content` answers with the content template instead).",
                code_span_cut(plan.as_str(), 80)
            )));
        }
        if let Some(content) = &workflow.content {
            docs.push(Cow::Borrowed(""));
            docs.push(Cow::Borrowed("Answer content template:"));
            docs.push(Cow::Borrowed(""));
            push_doc_lines(content, &mut docs);
        }
    }
    docs
}

/// What a value must be where the Rust type does not say it all
/// ([`crate::ir::rules::Rule::note`]), and the helper type that checks it.
fn type_note(types: &Types, ty: &Type) -> Option<String> {
    let (base, arrays) = look_through_arrays(types, ty);
    let see = match base {
        Type::Time => "; see [`CozeTime`].",
        Type::File(_) => "; see [`CozeFile`].",
        Type::Map | Type::Any(_) => ".",
        _ => return None,
    };
    let note = types.rule(base).note()?;
    let note = format!("{}{see}", note.write(|code| code_span_cut(code, 80)));
    Some(if arrays > 0 {
        format!("Elements: {note}")
    } else {
        note
    })
}

/// The description of an array's elements, unless they are objects (whose struct shows it).
fn array_items_description<'a>(types: &'a Types, ty: &Type) -> Option<&'a str> {
    match ty {
        Type::Array(id) => {
            let array = types.array(*id);
            match array.items {
                Type::Object(_) => None,
                _ => array.description.as_deref(),
            }
        }
        _ => None,
    }
}
