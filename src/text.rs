//! How untrusted text is shown: names quoted where they are not plain, control and invisible
//! formatting characters escaped, long text cut. Every name, description and server message
//! that reaches a terminal, a message or a comment goes through here, so a hostile document can
//! neither make a message ambiguous nor send escape sequences to the user's terminal.

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
pub fn push_escaped(out: &mut String, c: char) {
    use std::fmt::Write as _;
    let _ = write!(out, "\\u{{{:x}}}", c as u32);
}

/// Control characters, and the invisible formatting characters that can reorder or hide text
/// (bidi overrides, zero-width joiners, the BOM).
pub fn needs_escape(c: char) -> bool {
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

/// `1 file`, `2 files`: a count with its noun, in the plural where English wants it.
pub fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
