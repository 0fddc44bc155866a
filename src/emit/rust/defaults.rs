//! Default values as Rust: the body of each `default_<field>()` function.
//!
//! Scalars are literals (`42`, `0.7`, `true`, `"…".to_owned()`); `time` and file defaults wrap
//! their text, already checked by the IR against the value rules, in the helper type directly;
//! compound defaults (arrays, objects, maps, any) are their JSON text read by the module's one
//! `from_json` helper. Everything from the document lands inside a string literal written by
//! [`string_literal`], so no default can become code.

use super::layout;
use crate::ir::{Literal, Type, Types, ValueId};
use crate::text::needs_escape;

/// serde_json refuses JSON nested this deep (its recursion limit): a compound default that deep
/// could not be read back by `from_json`, so it gets no default function.
pub(super) const JSON_DEPTH_LIMIT: usize = 128;

/// The body of a default function: laid-out lines, and whether it needs
/// `#[allow(clippy::approx_constant)]` (a literal such as `3.14` reads like a rounded π to clippy).
pub(super) struct Body {
    pub lines: String,
    pub allow_approx: bool,
    /// Whether the body calls the `from_json` helper.
    pub from_json: bool,
}

/// The body of the default function of a field of type `ty` whose default is `value`, whose
/// compact JSON text is `json`. `None` when serde_json could not read the text back.
pub(super) fn body(types: &Types, ty: &Type, value: ValueId, json: &str) -> Option<Body> {
    let mut lines = String::with_capacity(json.len() + 48);
    let mut allow_approx = false;
    let mut from_json = false;
    match (ty, types.value(value)) {
        (Type::String, Literal::Text(s)) if s.is_empty() => {
            lines.push_str("        String::new()\n")
        }
        (Type::String, Literal::Text(s)) => {
            layout::owned_text(None, &string_literal(s), &mut lines)
        }
        (Type::Time, Literal::Text(s)) => {
            layout::owned_text(Some("CozeTime"), &string_literal(s), &mut lines)
        }
        (Type::File(_), Literal::Text(s)) => {
            layout::owned_text(Some("CozeFile"), &string_literal(s), &mut lines)
        }
        (Type::Integer, Literal::Integer(i)) => {
            lines.push_str("        ");
            lines.push_str(&i.to_string());
            lines.push('\n');
        }
        (Type::Number, Literal::Number(f)) => {
            // `{:?}` is the shortest text that reads back as the same float, and keeps a `.0`
            // or an exponent, so the literal is never taken for an integer.
            lines.push_str("        ");
            lines.push_str(&format!("{f:?}"));
            lines.push('\n');
            allow_approx = f.fract() != 0.0;
        }
        (Type::Boolean, Literal::Boolean(b)) => {
            lines.push_str(if *b {
                "        true\n"
            } else {
                "        false\n"
            });
        }
        _ => {
            if json_depth(json) >= JSON_DEPTH_LIMIT {
                return None;
            }
            layout::call("from_json", &json_literal(json), &mut lines);
            from_json = true;
        }
    }
    Some(Body {
        lines,
        allow_approx,
        from_json,
    })
}

/// How deeply JSON text nests its arrays and objects.
fn json_depth(json: &str) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0, false, false);
    for b in json.bytes() {
        match b {
            _ if escaped => escaped = false,
            b'\\' if in_string => escaped = true,
            b'"' => in_string = !in_string,
            b'[' | b'{' if !in_string => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' if !in_string => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// `s` as a Rust string literal: quotes, backslashes and line breaks escaped, and every control
/// or invisible formatting character (which rustc rejects in literals, or which would hide
/// text) written as `\u{…}`.
pub(super) fn string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// JSON text as a Rust literal that reads well: a raw string `r#"…"#` (with as many `#` as it
/// takes), or [`string_literal`] when the text holds characters that must be escaped.
fn json_literal(json: &str) -> String {
    if json.chars().any(needs_escape) {
        return string_literal(json);
    }
    let mut longest = 0;
    let mut run: Option<usize> = None;
    for c in json.chars() {
        run = match (c, run) {
            ('"', _) => Some(0),
            ('#', Some(n)) => Some(n + 1),
            _ => None,
        };
        longest = longest.max(run.unwrap_or(0));
    }
    let hashes = "#".repeat(longest + 1);
    format!("r{hashes}\"{json}\"{hashes}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_literals_escape_what_could_end_or_hide_them() {
        assert_eq!(string_literal("a\"b\\c\n"), r#""a\"b\\c\n""#);
        assert_eq!(string_literal("bidi\u{202e}x\0"), r#""bidi\u{202e}x\u{0}""#);
        assert_eq!(string_literal("数组"), "\"数组\"");
    }

    #[test]
    fn json_literals_are_raw_unless_something_needs_escaping() {
        assert_eq!(json_literal(r#"{"a":1}"#), r##"r#"{"a":1}"#"##);
        assert_eq!(json_literal(r##"["#x"]"##), r###"r##"["#x"]"##"###);
        assert_eq!(json_literal("[\"\u{2028}\"]"), r#""[\"\u{2028}\"]""#);
    }

    #[test]
    fn the_depth_limit_is_serde_jsons() {
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        let limit = JSON_DEPTH_LIMIT;
        assert!(serde_json::from_str::<serde_json::Value>(&nested(limit - 1)).is_ok());
        assert!(serde_json::from_str::<serde_json::Value>(&nested(limit)).is_err());
        assert_eq!(json_depth(r#"[{"a":"[[["},[]]"#), 2);
    }
}
