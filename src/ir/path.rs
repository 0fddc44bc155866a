//! Parameter paths, and how untrusted names are shown in messages.
//!
//! A path reads like the JSON it points into: `options.limits.max_items`, `rows[].sku`.
//! Names that are not plain identifiers are quoted (`["first name"]`), and every control or
//! formatting character is escaped, so a hostile name can neither make a path ambiguous nor
//! send escape sequences to the user's terminal.

use std::fmt;

/// One step from a parent parameter to a child.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    /// A named parameter or property.
    Name(String),
    /// The element type of an array.
    Items,
}

/// A path from a node's parameter map down to one parameter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Path(pub Vec<Segment>);

impl Path {
    /// This path extended by one named step.
    pub fn child(&self, name: &str) -> Path {
        let mut segments = Vec::with_capacity(self.0.len() + 1);
        segments.extend_from_slice(&self.0);
        segments.push(Segment::Name(name.to_owned()));
        Path(segments)
    }

    /// This path extended into an array's items.
    pub fn items(&self) -> Path {
        let mut segments = Vec::with_capacity(self.0.len() + 1);
        segments.extend_from_slice(&self.0);
        segments.push(Segment::Items);
        Path(segments)
    }

    /// The path as text, with `prefix` (a node name such as `input`) in front.
    pub fn display_with(&self, prefix: &str) -> String {
        let mut out = String::from(prefix);
        write_segments(&mut out, &self.0, !prefix.is_empty());
        out
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        write_segments(&mut out, &self.0, false);
        if out.is_empty() {
            out.push_str("(root)");
        }
        f.write_str(&out)
    }
}

fn write_segments(out: &mut String, segments: &[Segment], mut dotted: bool) {
    for segment in segments {
        match segment {
            Segment::Name(name) => push_name(out, name, dotted),
            Segment::Items => out.push_str("[]"),
        }
        dotted = true;
    }
}

/// Appends one named step to path text: `.name`, or `name` when nothing comes before it
/// (`dotted` false), or `["odd name"]`.
pub fn push_name(out: &mut String, name: &str, dotted: bool) {
    if is_plain(name) {
        if dotted {
            out.push('.');
        }
        out.push_str(name);
    } else {
        out.push('[');
        out.push_str(&quote(name));
        out.push(']');
    }
}

/// Whether a name can stand unquoted in a path: Coze's own rule, `[a-zA-Z_$][a-zA-Z_$0-9]*`.
pub fn is_plain(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// A name as a double-quoted string that is safe to print anywhere.
pub fn quote(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    out.push('"');
    for c in name.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if needs_escape(c) => push_escaped(&mut out, c),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Untrusted text (an API message, a log id) made safe for a terminal: control and
/// formatting characters are escaped, and it is cut to `max` characters.
pub fn printable(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if needs_escape(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// `c` as the visible escape cozegen writes for characters that [`needs_escape`]: `\u{202e}`.
pub(crate) fn push_escaped(out: &mut String, c: char) {
    use std::fmt::Write as _;
    let _ = write!(out, "\\u{{{:x}}}", c as u32);
}

/// Control characters, and the invisible formatting characters that can reorder or hide text
/// (bidi overrides, zero-width joiners, the BOM).
pub(crate) fn needs_escape(c: char) -> bool {
    let u = c as u32;
    // Every character of every description goes through here: ASCII is settled first.
    if u < 0x80 {
        return u < 0x20 || u == 0x7f;
    }
    u < 0xa0
        || matches!(u,
            0x00AD | 0x061C | 0x180E | 0x200B..=0x200F | 0x2028..=0x202E | 0x2060..=0x206F
            | 0xFEFF | 0xFFF9..=0xFFFB
            // Tag characters: invisible, and used to smuggle text past readers.
            | 0xE0000..=0xE007F)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_are_dotted_and_items_are_brackets() {
        let p = Path::default().child("rows").items().child("sku");
        assert_eq!(p.to_string(), "rows[].sku");
        assert_eq!(p.display_with("input"), "input.rows[].sku");
    }

    #[test]
    fn odd_names_are_quoted_and_escaped() {
        let p = Path::default().child("a.b").child("x\u{1b}[31m\"");
        assert_eq!(p.to_string(), r#"["a.b"]["x\u{1b}[31m\""]"#);
    }

    #[test]
    fn escapes_are_exactly_controls_and_invisible_formatting() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let expected = c.is_control()
                || matches!(c as u32,
                    0x00AD | 0x061C | 0x180E | 0x200B..=0x200F | 0x2028..=0x202E
                    | 0x2060..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB | 0xE0000..=0xE007F);
            assert_eq!(needs_escape(c), expected, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn bidi_overrides_are_escaped() {
        assert_eq!(printable("a\u{202e}b", 10), "a\\u{202e}b");
        assert_eq!(printable("a\u{e0041}b", 10), "a\\u{e0041}b");
        assert_eq!(printable("abcdef", 3), "abc…");
    }
}
