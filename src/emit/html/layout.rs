//! The form's layout: one walk over the start node's tables, with an explicit stack, that turns
//! every parameter and every array's item into rows for the template and a node for the
//! script's model.
//!
//! Rows come out in document order as a flat list (templates cannot recurse); the tree comes
//! back as nested `<fieldset>`s. An array's item is laid out once, inside a `<template>` that
//! the script clones for every row.
//!
//! Prefill rule, shared with the script: a value given by an enclosing default (an object's or
//! an array row's) wins; otherwise a parameter shows its own default. An optional object or
//! array starts included (its "include" box ticked) exactly when it has such a value, except
//! where Coze applies that value itself (see [`Head::fallback`]).

use super::human;
use super::i18n::Messages;
use super::model::Node;
use crate::ir::rules::FileValues;
use crate::ir::{Literal, Type, Types, ValueId};
use crate::json::{Writer, float_text};
use std::borrow::Cow;

/// What the walk produced.
pub(super) struct Layout<'a> {
    pub rows: Vec<Row<'a>>,
    pub nodes: Vec<Node<'a>>,
    /// The node ids of the root object's members.
    pub root: Vec<usize>,
}

/// One step of the flattened parameter tree, in document order.
pub(super) enum Row<'a> {
    /// A scalar (or JSON) parameter: label, control, help, error slot.
    Leaf(Leaf<'a>),
    ObjectOpen(Group<'a>),
    ObjectClose,
    /// An array's fieldset, legend, help and (empty) row list.
    ArrayOpen(Group<'a>),
    /// Opens the array's `<template>` and its one row; the item's rows follow.
    TemplateOpen,
    /// Closes the row (with its Remove button) and the `<template>`.
    TemplateClose,
    /// The Add button (its text: "Add line") and the end of the array's fieldset.
    ArrayClose(String),
}

/// What every parameter's wrapper shows.
pub(super) struct Head<'a> {
    /// Index into the model's nodes; element ids are `cz-{node}` and `cz-{node}-help|err|…`.
    pub node: usize,
    /// The `name` attribute: the path, with `[]` where the script fills in row indices.
    pub name: Cow<'a, str>,
    /// What the label says: the title made from the wire name ("Deliver at"); for an array
    /// item, the stem of its row titles ("Line"), which the script numbers.
    pub title: Cow<'a, str>,
    /// The exact wire name, shown after the title where the two differ.
    pub wire: Option<&'a str>,
    /// An array item, whose label the script numbers.
    pub item: bool,
    /// The type next to the label; `None` for array items (their array's chip says it).
    pub chip: Option<Chip>,
    pub required: bool,
    pub help: Option<&'a str>,
    /// A top-level optional parameter shown with its own default. Coze applies a default
    /// when the parameter is absent from the run, so the form leaves it out until the user
    /// changes it. (Inside an object or array row an absent value would not come back, and
    /// a required parameter must be present: those defaults are sent as shown.)
    pub fallback: bool,
}

/// A type as people read it, and as Coze names it (for the tooltip).
pub(super) struct Chip {
    pub words: Cow<'static, str>,
    pub coze: Option<Cow<'static, str>>,
}

/// An object or array parameter.
pub(super) struct Group<'a> {
    pub head: Head<'a>,
    /// An optional member: its legend holds an "include" box, and it is sent only when ticked.
    pub optional: bool,
    /// Whether the include box starts ticked (only for optional groups): when the group shows
    /// a value that Coze would not apply by itself.
    pub included: bool,
}

pub(super) struct Leaf<'a> {
    pub head: Head<'a>,
    pub control: Control<'a>,
}

/// The control of a leaf, with its prefilled value.
pub(super) enum Control<'a> {
    /// A `<textarea>`, so that text with newlines can be entered.
    Text {
        value: Option<&'a str>,
    },
    Integer {
        value: Option<String>,
    },
    Number {
        value: Option<String>,
    },
    /// A required boolean or an array item: always has a value.
    Checkbox {
        checked: bool,
    },
    /// An optional boolean: a choice of true, false, or nothing (left out).
    Choice {
        value: Option<bool>,
    },
    /// `datetime-local`, whose value is `yyyy-MM-ddTHH:mm:ss`.
    Time {
        value: Option<String>,
    },
    File {
        value: Option<&'a str>,
        /// What the picker checks, in words: "image file".
        noun: &'static str,
        accept: Option<&'static str>,
        /// The message key of what the text box asks for: a URL, or also a file_id where the
        /// platform takes one.
        placeholder: &'static str,
    },
    /// JSON text; `object` when only a JSON object will do.
    Json {
        value: Option<String>,
        object: bool,
    },
}

/// One parameter or array item on its way into rows.
struct Place<'a> {
    /// The node of the enclosing object or array; `None` for the root's members.
    parent: Option<usize>,
    /// The member's wire name; `None` for an array's item.
    key: Option<&'a str>,
    /// The nearest member name, and how many array levels follow it.
    label: &'a str,
    trail: usize,
    required: bool,
    description: Option<&'a str>,
    ty: &'a Type,
    /// After the prefill rule.
    prefill: Option<ValueId>,
}

enum Task<'a> {
    Place(Place<'a>),
    /// The "other keys" box of an open object (`None`: the root), after its fields.
    Extra(Option<usize>),
    Row(Row<'a>),
}

/// Lays out the parameters of `types`.
pub(super) fn lay_out<'a>(types: &'a Types, m: &'static Messages) -> Layout<'a> {
    let members: usize = types.objects.iter().map(|o| o.fields.len()).sum();
    // Every field is one node and every array adds one for its item; an object takes two rows,
    // an array four and a leaf one. Allocated once: a large form would copy them as they grow.
    let nodes = members + types.arrays.len();
    let rows = members + types.objects.len() + 4 * types.arrays.len();
    let mut walk = Walk {
        types,
        m,
        layout: Layout {
            rows: Vec::with_capacity(rows),
            nodes: Vec::with_capacity(nodes),
            root: Vec::with_capacity(types.root().fields.len()),
        },
    };
    let mut stack: Vec<Task<'_>> = Vec::with_capacity(types.root().fields.len() + 1);
    if !types.root().closed {
        stack.push(Task::Extra(None));
    }
    stack.extend(types.root().fields.iter().rev().map(|f| {
        Task::Place(Place {
            parent: None,
            key: Some(&f.name),
            label: &f.name,
            trail: 0,
            required: f.required,
            description: f.description.as_deref(),
            ty: &f.ty,
            prefill: f.default,
        })
    }));
    while let Some(task) = stack.pop() {
        match task {
            Task::Row(row) => walk.layout.rows.push(row),
            Task::Place(place) => walk.place(place, &mut stack),
            Task::Extra(parent) => walk.extra(parent),
        }
    }
    walk.layout
}

struct Walk<'a> {
    types: &'a Types,
    m: &'static Messages,
    layout: Layout<'a>,
}

impl<'a> Walk<'a> {
    /// Lays out one place; what nests inside it is pushed onto `stack`, after its closing rows.
    fn place(&mut self, p: Place<'a>, stack: &mut Vec<Task<'a>>) {
        let types = self.types;
        let id = self.layout.nodes.len();
        let names = match (p.key, p.parent) {
            (Some(key), Some(parent)) => field_names(&self.layout.nodes[parent].names, key),
            (Some(key), None) => field_names(&[Cow::Borrowed("")], key),
            (None, Some(parent)) => item_names(&self.layout.nodes[parent].names),
            (None, None) => unreachable!("an array item always has its array"),
        };
        match (p.key, p.parent) {
            (Some(_), Some(parent)) => self.layout.nodes[parent].children.push(id),
            (Some(_), None) => self.layout.root.push(id),
            (None, parent) => {
                self.layout.nodes[parent.expect("an item's array")].item = Some(id);
            }
        }
        let fallback = p.parent.is_none() && !p.required && p.prefill.is_some();
        let (title, wire, chip) = match p.key {
            Some(key) => {
                let title = human::title(self.m, key);
                let wire = (title != key).then_some(key);
                let chip = Chip {
                    words: human::chip(self.m, types, p.ty),
                    coze: Some(Cow::Owned(self.m.format(
                        "form.cozeType",
                        &[("type", &human::coze_type(self.m, types, p.ty))],
                    ))),
                };
                (title, wire, Some(chip))
            }
            None => (Cow::Owned(human::row_stem(self.m, p.label)), None, None),
        };
        let mut node = Node {
            key: p.key,
            kind: kind(p.ty),
            required: p.required,
            fallback,
            names,
            label: p.key.is_none().then(|| title.clone()),
            trail: p.trail,
            children: Vec::new(),
            item: None,
            prefill: None,
            exact: None,
        };
        let head = Head {
            node: id,
            name: match node.names.as_slice() {
                [one] => one.clone(),
                pieces => Cow::Owned(pieces.concat()),
            },
            title,
            wire,
            item: p.key.is_none(),
            chip,
            required: p.required,
            help: p.description,
            fallback,
        };
        let group = |head| Group {
            head,
            optional: !p.required,
            included: p.prefill.is_some() && !fallback,
        };
        match p.ty {
            Type::Object(object) => {
                self.layout.rows.push(Row::ObjectOpen(group(head)));
                stack.push(Task::Row(Row::ObjectClose));
                let object = types.object(*object);
                if !object.closed {
                    stack.push(Task::Extra(Some(id)));
                }
                let fields = &object.fields;
                node.children.reserve_exact(fields.len());
                let mut given = vec![None; fields.len()];
                if let Some(Literal::Object { properties, .. }) = p.prefill.map(|v| types.value(v))
                {
                    for &(field, value) in properties {
                        given[field] = Some(value);
                    }
                }
                for (f, given) in fields.iter().zip(given).rev() {
                    stack.push(Task::Place(Place {
                        parent: Some(id),
                        key: Some(&f.name),
                        label: &f.name,
                        trail: 0,
                        required: f.required,
                        description: f.description.as_deref(),
                        ty: &f.ty,
                        prefill: given.or(f.default),
                    }));
                }
            }
            Type::Array(array) => {
                self.layout.rows.push(Row::ArrayOpen(group(head)));
                self.layout.rows.push(Row::TemplateOpen);
                let add = human::add_label(self.m, &human::row_stem(self.m, p.label));
                stack.push(Task::Row(Row::ArrayClose(add)));
                stack.push(Task::Row(Row::TemplateClose));
                let array = types.array(*array);
                stack.push(Task::Place(Place {
                    parent: Some(id),
                    key: None,
                    label: p.label,
                    trail: p.trail + 1,
                    required: true,
                    description: array.description.as_deref(),
                    ty: &array.items,
                    prefill: None,
                }));
                // Rows are drawn by the script, from the exact JSON of the value.
                node.prefill = p.prefill.map(|v| types.value_json(v));
            }
            ty => {
                let prefill = p.prefill.map(|v| types.value(v));
                let control = control(self.m, ty, prefill, p.required, types.files);
                node.exact = exact(&control);
                self.layout.rows.push(Row::Leaf(Leaf { head, control }));
            }
        }
        self.layout.nodes.push(node);
    }

    /// The "other keys" box of an open object: a JSON object whose members are sent next to
    /// the declared ones. Its name is the object's path and `*`, which no parameter's path is.
    fn extra(&mut self, parent: Option<usize>) {
        let id = self.layout.nodes.len();
        let names = extra_names(match parent {
            Some(parent) => &self.layout.nodes[parent].names,
            None => &[Cow::Borrowed("")],
        });
        match parent {
            Some(parent) => self.layout.nodes[parent].children.push(id),
            None => self.layout.root.push(id),
        }
        let head = Head {
            node: id,
            name: Cow::Owned(names.concat()),
            title: Cow::Borrowed(self.m.get("form.otherKeys")),
            wire: None,
            item: false,
            chip: Some(Chip {
                words: Cow::Borrowed(self.m.noun("noun.map").0),
                coze: None,
            }),
            required: false,
            help: Some(self.m.get("form.otherKeysHelp")),
            fallback: false,
        };
        self.layout.rows.push(Row::Leaf(Leaf {
            head,
            control: Control::Json {
                value: None,
                object: true,
            },
        }));
        self.layout.nodes.push(Node {
            key: None,
            kind: "extra",
            required: false,
            fallback: false,
            names,
            label: None,
            trail: 0,
            children: Vec::new(),
            item: None,
            prefill: None,
            exact: None,
        });
    }
}

/// The name pieces of an open object's "other keys" box: `*` at the root, `a.b.*` inside.
fn extra_names<'a>(object: &[Cow<'a, str>]) -> Vec<Cow<'a, str>> {
    let (last, rest) = object.split_last().expect("name pieces are never empty");
    let mut pieces = Vec::with_capacity(object.len());
    pieces.extend_from_slice(rest);
    pieces.push(Cow::Owned(if last.is_empty() {
        "*".to_owned()
    } else {
        format!("{last}.*")
    }));
    pieces
}

/// The name pieces of the member `name` of an object whose pieces are `parent`: the last piece
/// grows by `.name` (or `["odd name"]`). A plain top-level name is borrowed as it is.
fn field_names<'a>(parent: &[Cow<'a, str>], name: &'a str) -> Vec<Cow<'a, str>> {
    let (last, rest) = parent.split_last().expect("name pieces are never empty");
    let mut pieces = Vec::with_capacity(parent.len());
    pieces.extend_from_slice(rest);
    if last.is_empty() && crate::text::is_plain(name) {
        pieces.push(Cow::Borrowed(name));
    } else {
        let mut text = String::with_capacity(last.len() + name.len() + 1);
        text.push_str(last);
        // After a row index (`rows[0]` then `.sku`) the name is dotted too.
        crate::text::push_name(&mut text, name, !last.is_empty());
        pieces.push(Cow::Owned(text));
    }
    pieces
}

/// The name pieces of an array's item: a row index goes between the array's name and the rest.
fn item_names<'a>(array: &[Cow<'a, str>]) -> Vec<Cow<'a, str>> {
    let (last, rest) = array.split_last().expect("name pieces are never empty");
    let mut pieces = Vec::with_capacity(array.len() + 1);
    pieces.extend_from_slice(rest);
    pieces.push(Cow::Owned(format!("{last}[")));
    pieces.push(Cow::Borrowed("]"));
    pieces
}

/// The control for a leaf of type `ty` showing `value`. An optional boolean without a value
/// starts on "left out"; a required one or an array item always has a value.
fn control<'a>(
    m: &'static Messages,
    ty: &Type,
    value: Option<&'a Literal>,
    required: bool,
    files: FileValues,
) -> Control<'a> {
    let text = || match value {
        Some(Literal::Text(s)) => Some(s.as_str()),
        _ => None,
    };
    match ty {
        Type::String => Control::Text { value: text() },
        Type::Integer => Control::Integer {
            value: match value {
                Some(Literal::Integer(i)) => Some(i.to_string()),
                _ => None,
            },
        },
        Type::Number => Control::Number {
            value: match value {
                Some(Literal::Number(f)) => float_text(*f),
                _ => None,
            },
        },
        Type::Boolean => {
            let value = match value {
                Some(Literal::Boolean(b)) => Some(*b),
                _ => None,
            };
            if required {
                Control::Checkbox {
                    checked: value == Some(true),
                }
            } else {
                Control::Choice { value }
            }
        }
        // Coze's `yyyy-MM-dd HH:mm:ss` is `datetime-local`'s value with a `T` for the space.
        Type::Time => Control::Time {
            value: text().map(|t| t.replacen(' ', "T", 1)),
        },
        Type::File(kind) => Control::File {
            value: text(),
            noun: human::nouns(m, ty).0,
            accept: kind.accept(),
            placeholder: match files {
                FileValues::UrlOrFileId => "form.filePlaceholder",
                FileValues::UrlOnly => "form.fileUrlPlaceholder",
            },
        },
        Type::Map | Type::Any(_) | Type::Object(_) | Type::Array(_) => Control::Json {
            value: match value {
                Some(Literal::Json(json)) => {
                    let mut writer = Writer::pretty(json.len() + 16);
                    writer.json_text(json);
                    Some(writer.finish())
                }
                _ => None,
            },
            object: matches!(ty, Type::Map),
        },
    }
}

/// The exact text of a prefilled value that its control cannot show as it is: HTML turns a
/// carriage return into a line feed and NUL into U+FFFD, a one-line input drops line breaks,
/// and an empty text box means "no value". The script sends this text while the control still
/// shows it.
fn exact<'a>(control: &Control<'a>) -> Option<&'a str> {
    match *control {
        Control::Text { value: Some(v) } if v.is_empty() || v.contains(['\r', '\0']) => Some(v),
        Control::File { value: Some(v), .. } if v.contains(['\r', '\n', '\0']) => Some(v),
        _ => None,
    }
}

/// What the script does with a node.
fn kind(ty: &Type) -> &'static str {
    match ty {
        Type::String => "string",
        Type::Integer => "integer",
        Type::Number => "number",
        Type::Boolean => "boolean",
        Type::Time => "time",
        Type::File(_) => "file",
        Type::Object(_) => "object",
        Type::Map => "map",
        Type::Array(_) => "array",
        Type::Any(_) => "any",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_pieces_leave_room_for_every_row_index() {
        let root = [Cow::Borrowed("")];
        let rows = field_names(&root, "rows");
        assert_eq!(rows, ["rows"]);
        assert!(matches!(rows[0], Cow::Borrowed(_)));
        assert_eq!(field_names(&item_names(&rows), "sku"), ["rows[", "].sku"]);
        let grid = field_names(&root, "grid");
        assert_eq!(item_names(&item_names(&grid)), ["grid[", "][", "]"]);
        let ab = field_names(&root, "a b");
        assert_eq!(field_names(&ab, "c"), [r#"["a b"].c"#]);
        let x = item_names(&field_names(&root, "x"));
        assert_eq!(field_names(&x, "first name"), ["x[", r#"]["first name"]"#]);
        assert_eq!(field_names(&field_names(&root, "a"), "b"), ["a.b"]);
        assert_eq!(extra_names(&root), ["*"]);
        assert_eq!(extra_names(&item_names(&rows)), ["rows[", "].*"]);
        // A parameter named `*` is quoted, so it cannot take the box's name.
        assert_eq!(field_names(&root, "*"), [r#"["*"]"#]);
    }

    #[test]
    fn only_values_html_would_change_are_kept_exactly() {
        let text = |v| Control::Text { value: Some(v) };
        assert_eq!(exact(&text("a\r\nb")), Some("a\r\nb"));
        assert_eq!(exact(&text("nul \0")), Some("nul \0"));
        assert_eq!(exact(&text("a\nb")), None);
        assert_eq!(exact(&text("")), Some(""), "an empty default is a value");
        let file = |v| Control::File {
            value: Some(v),
            noun: "file",
            accept: None,
            placeholder: "form.fileUrlPlaceholder",
        };
        assert_eq!(
            exact(&file("{\"file_id\":\"1\"}\n")),
            Some("{\"file_id\":\"1\"}\n")
        );
        assert_eq!(exact(&file("https://x/y")), None);
    }
}
