//! Parameter paths.
//!
//! A path reads like the JSON it points into: `options.limits.max_items`, `rows[].sku`.
//! Names that are not plain identifiers are quoted (`["first name"]`, by [`crate::text`]), so a
//! hostile name can neither make a path ambiguous nor send escape sequences to the user's
//! terminal.

use crate::text::push_name;
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
}
