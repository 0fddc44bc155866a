//! rustfmt's layout of the lines whose shape depends on their width.
//!
//! The templates write final code: nothing formats it afterwards. Most lines are short and
//! fixed; the ones below hold names, types and literals of any length, and rustfmt (default
//! configuration, edition 2024) breaks them by rules measured with rustfmt itself. The test
//! `layout_rules_match_rustfmt` in `tests/it/rust.rs` sweeps every rule across its thresholds, and
//! the property tests hold whole modules to `rustfmt --check`. Widths are display columns, as
//! rustfmt counts them (a CJK character is two).

use unicode_width::UnicodeWidthStr;

/// rustfmt's `max_width`.
const MAX: usize = 100;

/// The display width of `s`.
pub(super) fn width(s: &str) -> usize {
    if s.is_ascii() { s.len() } else { s.width() }
}

/// A Rust type as rustfmt breaks it: generic wrappers (`Option`, `Vec`) around a leaf.
pub(super) struct RustType {
    /// The whole type on one line.
    pub text: String,
    /// The wrappers, outermost first.
    wrappers: Vec<&'static str>,
    /// Whether the leaf is `serde_json::Map<String, serde_json::Value>` (two arguments).
    map_leaf: bool,
}

/// The leaf type of a `map` parameter.
pub(super) const MAP: &str = "serde_json::Map<String, serde_json::Value>";

impl RustType {
    /// `leaf` in `wrappers`, outermost first.
    pub fn new(wrappers: Vec<&'static str>, leaf: &str) -> RustType {
        let mut text = String::with_capacity(leaf.len() + wrappers.len() * 5);
        for w in &wrappers {
            text.push_str(w);
            text.push('<');
        }
        text.push_str(leaf);
        for _ in &wrappers {
            text.push('>');
        }
        RustType {
            text,
            wrappers,
            map_leaf: leaf == MAP,
        }
    }

    /// The type without its outermost `skip` wrappers.
    fn inner(&self, skip: usize) -> &str {
        let start: usize = self.wrappers[..skip].iter().map(|w| w.len() + 1).sum();
        &self.text[start..self.text.len() - skip]
    }
}

/// `#[derive(list)]` at the top level: on one line if it fits, else the list on one line of its
/// own, else one path per line.
pub(super) fn derive(list: &str, out: &mut String) {
    if "#[derive()]".len() + list.len() <= MAX - 4 {
        out.push_str("#[derive(");
        out.push_str(list);
        out.push_str(")]\n");
        return;
    }
    out.push_str("#[derive(\n");
    if 4 + list.len() <= MAX {
        out.push_str("    ");
        out.push_str(list);
        out.push_str(",\n");
    } else {
        for path in list.split(", ") {
            out.push_str("    ");
            out.push_str(path);
            out.push_str(",\n");
        }
    }
    out.push_str(")]\n");
}

/// `pub struct name {`, or `pub struct name {}` for a struct without fields: the brace goes on
/// a line of its own when the line would be too long.
pub(super) fn struct_header(name: &str, empty: bool, out: &mut String) {
    let brace = if empty { "{}" } else { "{" };
    let sep = if "pub struct ".len() + name.len() + 1 + brace.len() <= MAX {
        " "
    } else {
        "\n"
    };
    push_line(out, &["pub struct ", name, sep, brace]);
}

/// `pub type alias = target;`: the target on a line of its own when the line is too long, and
/// left as it is when even that does not fit.
pub(super) fn type_alias(alias: &str, target: &str) -> String {
    let line = format!("pub type {alias} = {target};");
    if line.len() <= MAX || 4 + target.len() + 1 > MAX {
        line
    } else {
        format!("pub type {alias} =\n    {target};")
    }
}

/// `#[serde(remote = "name")]` on the private copy of a struct's fields: broken over lines as
/// rustfmt does when it is too long.
pub(super) fn remote(name: &str, out: &mut String) {
    if "#[serde(remote = \"\")]".len() + name.len() <= MAX {
        push_line(out, &["#[serde(remote = \"", name, "\")]"]);
    } else {
        out.push_str("#[serde(\n");
        push_line(out, &["    remote = \"", name, "\""]);
        out.push_str(")]\n");
    }
}

/// `impl<'de> Deserialize<'de> for name {`: the type goes on a line of its own, and the brace
/// on the next, when the line is too long; left as it is when even that does not fit.
pub(super) fn deserialize_impl(name: &str, out: &mut String) {
    const HEAD: &str = "impl<'de> Deserialize<'de>";
    if HEAD.len() + " for ".len() + name.len() + " {".len() <= MAX
        || "    for ".len() + name.len() > MAX
    {
        push_line(out, &[HEAD, " for ", name, " {"]);
    } else {
        push_line(out, &[HEAD]);
        push_line(out, &["    for ", name]);
        out.push_str("{\n");
    }
}

/// `impl name {`: the type on a line of its own, and the brace on the next, when the line is
/// too long; left as it is when even that does not fit.
pub(super) fn inherent_impl(name: &str, out: &mut String) {
    if "impl ".len() + name.len() + " {".len() <= MAX || "    ".len() + name.len() > MAX {
        push_line(out, &["impl ", name, " {"]);
    } else {
        out.push_str("impl\n");
        push_line(out, &["    ", name]);
        out.push_str("{\n");
    }
}

/// `#[serde(rename = literal)]` on a field.
pub(super) fn rename(literal: &str, out: &mut String) {
    if 4 + "#[serde(rename = )]".len() + width(literal) < MAX {
        out.push_str("    #[serde(rename = ");
        out.push_str(literal);
        out.push_str(")]\n");
    } else {
        out.push_str("    #[serde(\n        rename = ");
        out.push_str(literal);
        out.push_str("\n    )]\n");
    }
}

/// `pub ident: ty,` in a struct: on one line, or the type on the next line, or its generic
/// arguments broken over lines; left on one line when nothing fits (as rustfmt leaves it).
pub(super) fn field(ident: &str, ty: &RustType, out: &mut String) {
    let t = ty.text.len();
    let head = "    pub ".len() + ident.len() + ": ".len();
    if head + t + ",".len() <= MAX {
        push_line(out, &["    pub ", ident, ": ", &ty.text, ","]);
    } else if 8 + t + ",".len() <= MAX {
        push_line(out, &["    pub ", ident, ":"]);
        push_line(out, &["        ", &ty.text, ","]);
    } else if ty.wrappers.is_empty() || !broken_generics(&["    pub ", ident, ": "], ty, ",", out) {
        push_line(out, &["    pub ", ident, ": ", &ty.text, ","]);
    }
}

/// The generic arguments of `ty` one level per line, after `head` on the first line, as
/// rustfmt breaks a type that does not fit; `false` (and nothing written) when even that does
/// not fit, where rustfmt leaves the line as it is.
fn broken_generics(head: &[&str], ty: &RustType, close: &str, out: &mut String) -> bool {
    let mut lines = String::new();
    for part in head {
        lines.push_str(part);
    }
    lines.push_str(ty.wrappers[0]);
    lines.push_str("<\n");
    let levels = ty.wrappers.len();
    let mut level = 1;
    let mut indent = 8;
    loop {
        let rest = ty.inner(level);
        if indent + rest.len() + ",".len() <= MAX {
            push_indented(&mut lines, indent, &[rest, ","]);
            break;
        }
        if level < levels {
            push_indented(&mut lines, indent, &[ty.wrappers[level], "<"]);
        } else if ty.map_leaf && indent + 4 + "serde_json::Value,".len() <= MAX {
            push_indented(&mut lines, indent, &["serde_json::Map<"]);
            push_indented(&mut lines, indent + 4, &["String,"]);
            push_indented(&mut lines, indent + 4, &["serde_json::Value,"]);
            push_indented(&mut lines, indent, &[">,"]);
            break;
        } else {
            return false;
        }
        level += 1;
        indent += 4;
    }
    for l in (1..level).rev() {
        push_indented(&mut lines, 4 + 4 * l, &[">,"]);
    }
    push_indented(&mut lines, 4, &[">", close]);
    out.push_str(&lines);
    true
}

/// `pub fn name() -> ty {` in an impl block. A signature that rustfmt would break inside the
/// return type's generic arguments (an array nested some twenty levels deep) is marked
/// `#[rustfmt::skip]` instead and kept on one line.
pub(super) fn signature(name: &str, ty: &RustType, out: &mut String) {
    let t = ty.text.len();
    let one = "    pub fn ".len() + name.len() + "() -> ".len() + t;
    if one + 2 <= MAX {
        push_line(out, &["    pub fn ", name, "() -> ", &ty.text, " {"]);
    } else if one <= MAX {
        push_line(out, &["    pub fn ", name, "() -> ", &ty.text]);
        out.push_str("    {\n");
    } else if 4 + 3 + t + 2 <= MAX - 4 {
        push_line(out, &["    pub fn ", name, "()"]);
        push_line(out, &["    -> ", &ty.text, " {"]);
    } else if 4 + 3 + t <= MAX {
        push_line(out, &["    pub fn ", name, "()"]);
        push_line(out, &["    -> ", &ty.text]);
        out.push_str("    {\n");
    } else {
        out.push_str("    #[rustfmt::skip]\n");
        push_line(out, &["    pub fn ", name, "() -> ", &ty.text, " {"]);
    }
}

/// A function body of one value: `literal.to_owned()`, or `wrapper(literal.to_owned())`.
pub(super) fn owned_text(wrapper: Option<&str>, literal: &str, out: &mut String) {
    let w = width(literal);
    match wrapper {
        None if 8 + w + ".to_owned()".len() <= MAX || 8 + w > MAX => {
            push_line(out, &["        ", literal, ".to_owned()"]);
        }
        None => {
            push_line(out, &["        ", literal]);
            out.push_str("            .to_owned()\n");
        }
        Some(f) => {
            if 8 + f.len() + "(".len() + w + ".to_owned())".len() <= MAX {
                push_line(out, &["        ", f, "(", literal, ".to_owned())"]);
            } else if 12 + w + ".to_owned(),".len() <= MAX {
                push_line(out, &["        ", f, "("]);
                push_line(out, &["            ", literal, ".to_owned(),"]);
                out.push_str("        )\n");
            } else if 12 + w < MAX {
                push_line(out, &["        ", f, "("]);
                push_line(out, &["            ", literal]);
                out.push_str("                .to_owned(),\n        )\n");
            } else {
                push_line(out, &["        ", f, "(", literal, ".to_owned())"]);
            }
        }
    }
}

/// A function body that calls `function` with one literal argument.
pub(super) fn call(function: &str, literal: &str, out: &mut String) {
    if 8 + function.len() + width(literal) + 2 <= MAX {
        push_line(out, &["        ", function, "(", literal, ")"]);
    } else {
        push_line(out, &["        ", function, "("]);
        push_line(out, &["            ", literal, ","]);
        out.push_str("        )\n");
    }
}

/// How a field of a `Default` impl gets its value.
pub(super) enum Init<'a> {
    /// `Self::default_x()`.
    Default(&'a str),
    /// `Some(Self::default_x())`.
    SomeDefault(&'a str),
    /// Any short expression: `None`, `serde_json::Map::new()`.
    Short(&'static str),
}

/// One `ident: value,` line of the struct literal in a `Default` impl.
pub(super) fn init(ident: &str, value: Init<'_>, out: &mut String) {
    let pad = "            ";
    match value {
        Init::Short(expr) => push_line(out, &[pad, ident, ": ", expr, ","]),
        Init::Default(f) => {
            let w = pad.len() + ident.len() + ": Self::".len() + f.len() + "(),".len();
            if w <= MAX {
                push_line(out, &[pad, ident, ": Self::", f, "(),"]);
            } else if w == MAX + 1 {
                // The value fits without its comma: rustfmt breaks inside the empty call.
                push_line(out, &[pad, ident, ": Self::", f, "("]);
                push_line(out, &[pad, "),"]);
            } else {
                push_line(out, &[pad, ident, ":"]);
                push_line(out, &[pad, "    Self::", f, "(),"]);
            }
        }
        Init::SomeDefault(f) => {
            let w = pad.len() + ident.len() + ": Some(Self::".len() + f.len() + "()),".len();
            if w <= MAX + 1 {
                push_line(out, &[pad, ident, ": Some(Self::", f, "()),"]);
            } else {
                push_line(out, &[pad, ident, ": Some("]);
                push_line(out, &[pad, "    Self::", f, "(),"]);
                push_line(out, &[pad, "),"]);
            }
        }
    }
}

/// `pub fn name(params) -> Self {` in an impl block, each parameter written whole (`mut self`,
/// `value: T`): on one line if it fits, else one parameter per line. Where a parameter would
/// not fit on its line either (rustfmt would break inside its type's generic arguments), the fn
/// is marked `#[rustfmt::skip]` and keeps the one-line signature.
pub(super) fn self_fn(name: &str, params: &[String], out: &mut String) {
    let joined = params.join(", ");
    let one = "    pub fn ".len() + name.len() + 1 + joined.len() + ") -> Self {".len();
    if one <= MAX {
        push_line(out, &["    pub fn ", name, "(", &joined, ") -> Self {"]);
    } else if params.iter().all(|p| 8 + p.len() + ",".len() <= MAX) {
        push_line(out, &["    pub fn ", name, "("]);
        for p in params {
            push_line(out, &["        ", p, ","]);
        }
        out.push_str("    ) -> Self {\n");
    } else {
        out.push_str("    #[rustfmt::skip]\n");
        push_line(out, &["    pub fn ", name, "(", &joined, ") -> Self {"]);
    }
}

/// The body of a constructor: `Self { a, b: None }` when its fields fit rustfmt's
/// `struct_lit_width` (18 columns), else one field per line.
pub(super) fn self_literal(inits: &[String], out: &mut String) {
    let width: usize = inits.iter().map(|i| i.len() + 2).sum::<usize>();
    if inits.is_empty() {
        out.push_str("        Self {}\n");
    } else if width - 2 <= 18 {
        push_line(out, &["        Self { ", &inits.join(", "), " }"]);
    } else {
        out.push_str("        Self {\n");
        for init in inits {
            push_line(out, &["            ", init, ","]);
        }
        out.push_str("        }\n");
    }
}

fn push_line(out: &mut String, parts: &[&str]) {
    for p in parts {
        out.push_str(p);
    }
    out.push('\n');
}

fn push_indented(out: &mut String, indent: usize, parts: &[&str]) {
    out.extend(std::iter::repeat_n(' ', indent));
    push_line(out, parts);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_break_inside_their_generics() {
        let ty = RustType::new(vec!["Option", "Vec"], "i64");
        assert_eq!(ty.text, "Option<Vec<i64>>");
        assert_eq!(ty.inner(1), "Vec<i64>");
        assert_eq!(ty.inner(2), "i64");
        let mut out = String::new();
        field("x", &ty, &mut out);
        assert_eq!(out, "    pub x: Option<Vec<i64>>,\n");
    }

    #[test]
    fn widths_are_display_columns() {
        assert_eq!(width("\"数组\""), 6);
    }
}
