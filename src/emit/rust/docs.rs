//! Untrusted text as `///` doc lines that render as the text and nothing else.
//!
//! Descriptions, workflow names and answer templates come from the document. Each becomes
//! Markdown paragraphs whose syntax is escaped, so a description can neither start a line of
//! code (every line is a `///` comment), open a doctest or a code span, write HTML, nor hide
//! reordered text. Names shown inside cozegen's own sentences go in [`code_span`]s.

use crate::text::{needs_escape, push_escaped};
use std::borrow::Cow;

/// Untrusted text as Markdown doc lines that render as the text and nothing else.
///
/// Each source line becomes its own paragraph, trimmed (so no indented code block, list
/// continuation or hard break can form). Characters that open code spans or fences (and so
/// doctests), HTML, links or block quotes are backslash-escaped; control and invisible
/// formatting characters (bidi overrides, which rustc rejects in comments) are written as
/// `\u{…}`; web addresses become autolinks (rustdoc warns about bare ones).
pub fn doc_lines(text: &str) -> Vec<String> {
    let mut docs = Vec::new();
    push_doc_lines(text, &mut docs);
    docs.into_iter().map(Cow::into_owned).collect()
}

/// [`doc_lines`], appended to `out`, with an empty line between paragraphs. A line that needs
/// no escaping (most do not) is borrowed.
pub(super) fn push_doc_lines<'a>(text: &'a str, out: &mut Vec<Cow<'a, str>>) {
    let start = out.len();
    if text.contains(['\r', '\t']) {
        let normalized = text
            .replace("\r\n", "\n")
            .replace('\r', "\n")
            .replace('\t', " ");
        for line in paragraphs(&normalized) {
            if out.len() > start {
                out.push(Cow::Borrowed(""));
            }
            out.push(Cow::Owned(escape_line(line).into_owned()));
        }
    } else {
        for line in paragraphs(text) {
            if out.len() > start {
                out.push(Cow::Borrowed(""));
            }
            out.push(escape_line(line));
        }
    }
}

/// The lines of `text` that become paragraphs: trimmed, blank ones dropped.
fn paragraphs(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n')
        .map(str::trim)
        .filter(|line| !line.is_empty())
}

/// One trimmed line of untrusted text, escaped as [`doc_lines`] describes. One pass over the
/// line's bytes, copying plain runs whole; a line that needs nothing escaped (most) is returned
/// as it is, without a copy.
fn escape_line(line: &str) -> Cow<'_, str> {
    let bytes = line.as_bytes();
    let mut out: Option<String> = None;
    // Where the run of plain text not yet copied into `out` starts.
    let mut plain = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (len, edit) = if b < 0x80 {
            let c = b as char;
            let edit = if b == b'h' {
                autolink(line, i).map(Edit::Link)
            } else if markdown_special(i, c) {
                Some(Edit::Backslash(c))
            } else if b < 0x20 || b == 0x7f {
                Some(Edit::Escape(c))
            } else {
                None
            };
            (1, edit)
        } else if matches!(b, 0xC2 | 0xD8 | 0xE1 | 0xE2 | 0xEF | 0xF3) {
            // The lead bytes of every character `needs_escape` is about (C1 controls, the soft
            // hyphen, bidi and zero-width marks, the BOM, tags): only those are decoded.
            let c = line[i..].chars().next().unwrap_or_default();
            (c.len_utf8(), needs_escape(c).then_some(Edit::Escape(c)))
        } else {
            (utf8_len(b), None)
        };
        let Some(edit) = edit else {
            i += len;
            continue;
        };
        let out = out.get_or_insert_with(|| String::with_capacity(line.len() + 16));
        out.push_str(&line[plain..i]);
        match edit {
            Edit::Link(url) => {
                // `<https://…>`: rustdoc's `bare_urls` lint warns about a URL left bare.
                out.push('<');
                out.push_str(url);
                out.push('>');
                i += url.len();
            }
            Edit::Backslash(c) => {
                out.push('\\');
                out.push(c);
                i += len;
            }
            Edit::Escape(c) => {
                push_escaped(out, c);
                i += len;
            }
        }
        plain = i;
    }
    if let Some(out) = out.as_mut() {
        out.push_str(&line[plain..]);
    }
    // `12. x` → `12\. x`, so a line is never an ordered list item.
    if let Some(digits) = list_number(line) {
        let out = out.get_or_insert_with(|| line.to_owned());
        out.insert(digits, '\\');
    }
    match out {
        Some(escaped) => Cow::Owned(escaped),
        None => Cow::Borrowed(line),
    }
}

/// The length of the UTF-8 sequence that starts with the lead byte `b`.
fn utf8_len(b: u8) -> usize {
    match b {
        0xF0.. => 4,
        0xE0.. => 3,
        _ => 2,
    }
}

/// What [`escape_line`] writes in place of a piece of a line.
enum Edit<'a> {
    /// A web address as an autolink.
    Link(&'a str),
    /// A Markdown character, backslash-escaped.
    Backslash(char),
    /// A control or invisible character, as `\u{…}`.
    Escape(char),
}

/// Whether Markdown reads `c` at byte `i` of a line as syntax: code spans and fences, HTML,
/// links and escapes anywhere; headings, list items and setext underlines at the start.
fn markdown_special(i: usize, c: char) -> bool {
    matches!(c, '\\' | '`' | '~' | '<' | '>' | '[' | ']')
        || (i == 0 && matches!(c, '#' | '-' | '+' | '*' | '='))
}

/// The number of leading digits when `line` starts like an ordered list item (`12.` or `12)`).
fn list_number(line: &str) -> Option<usize> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0 && matches!(line.as_bytes().get(digits), Some(b'.' | b')'))).then_some(digits)
}

/// The web address starting at byte `at` of `line`, if one does and it can be written as a
/// Markdown autolink: `http://` or `https://` at the start of a word, up to the next space,
/// without trailing punctuation, and with nothing that would need escaping (those stay text).
fn autolink(line: &str, at: usize) -> Option<&str> {
    let rest = &line[at..];
    let starts_word = !line[..at]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_alphanumeric() || c == '_');
    if !starts_word || !(rest.starts_with("http://") || rest.starts_with("https://")) {
        return None;
    }
    let token = rest.split(char::is_whitespace).next().unwrap_or_default();
    // Trailing punctuation ends the sentence, not the address; a `)` only when it closes
    // nothing inside the address (`(see https://x.org/a_(b))`).
    let mut url = token;
    loop {
        let trimmed = url.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', '"']);
        let unbalanced =
            trimmed.ends_with(')') && trimmed.matches(')').count() > trimmed.matches('(').count();
        let next = if unbalanced {
            &trimmed[..trimmed.len() - 1]
        } else {
            trimmed
        };
        if next.len() == url.len() {
            break;
        }
        url = next;
    }
    let host = url.split_once("://").map_or("", |(_, h)| h);
    let plain = url
        .chars()
        .all(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>' | '`' | '\\' | '[' | ']' | '~'));
    (plain && !host.is_empty()).then_some(url)
}

/// `text` with its first letter in upper case.
pub(super) fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A paragraph of cozegen's own text as doc lines of at most `width` characters, broken
/// between words.
pub(super) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

/// Untrusted text as an inline code span: rendered verbatim, on one line, with a fence longer
/// than any run of backticks inside.
pub(crate) fn code_span(text: &str) -> String {
    code_span_cut(text, usize::MAX)
}

/// [`code_span`] of at most `max` characters of `text` (then `…`), in one pass: line breaks and
/// tabs become spaces, control and invisible characters `\u{…}` escapes.
pub(crate) fn code_span_cut(text: &str, max: usize) -> String {
    let mut inner = String::with_capacity(text.len().min(max.saturating_mul(4)) + 4);
    let (mut run, mut longest) = (0, 0);
    for (i, c) in text.chars().enumerate() {
        if i == max {
            inner.push('…');
            break;
        }
        let c = if matches!(c, '\n' | '\r' | '\t') {
            ' '
        } else {
            c
        };
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
        if needs_escape(c) {
            push_escaped(&mut inner, c);
        } else {
            inner.push(c);
        }
    }
    let pad = if inner.starts_with('`') || inner.ends_with('`') || inner.starts_with(' ') {
        " "
    } else {
        ""
    };
    let mut out = String::with_capacity(inner.len() + 2 * (longest + 2));
    for _ in 0..=longest {
        out.push('`');
    }
    out.push_str(pad);
    out.push_str(&inner);
    out.push_str(pad);
    for _ in 0..=longest {
        out.push('`');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_lines_escape_markdown_that_could_run_code_or_html() {
        assert_eq!(
            doc_lines("```\nfn main() {}\n```"),
            ["\\`\\`\\`", "", "fn main() {}", "", "\\`\\`\\`"]
        );
        assert_eq!(doc_lines("    indented"), ["indented"]);
        assert_eq!(doc_lines("<script>"), ["\\<script\\>"]);
        assert_eq!(doc_lines("1. one\n- two"), ["1\\. one", "", "\\- two"]);
        assert_eq!(doc_lines("a\u{202e}b\tc"), ["a\\u{202e}b c"]);
        assert_eq!(doc_lines("a\rb\u{2028}c"), ["a", "", "b\\u{2028}c"]);
        assert_eq!(doc_lines(" \r\n "), Vec::<String>::new());
    }

    #[test]
    fn every_invisible_character_is_escaped_whatever_its_lead_byte() {
        for c in (0x80..=0x10ffff).filter_map(char::from_u32) {
            let line = format!("a{c}b");
            let escaped = escape_line(&line);
            assert_eq!(
                escaped.contains("\\u{"),
                needs_escape(c),
                "U+{:04X}: {escaped}",
                c as u32
            );
        }
    }

    #[test]
    fn web_addresses_become_autolinks() {
        assert_eq!(
            doc_lines("See https://example.com/a?b=1#c. Or http://x.org, (https://y.io)"),
            ["See <https://example.com/a?b=1#c>. Or <http://x.org>, (<https://y.io>)"]
        );
        assert_eq!(
            doc_lines("(https://e.org/a_(b)). And https://e.org/c_(d)"),
            ["(<https://e.org/a_(b)>). And <https://e.org/c_(d)>"]
        );
        // Not at a word start, no host, or holding something that needs escaping: text.
        assert_eq!(
            doc_lines("xhttps://a.b https:// https://a.b/<x> https://a.b/[1]"),
            ["xhttps://a.b https:// https://a.b/\\<x\\> https://a.b/\\[1\\]"]
        );
        assert_eq!(doc_lines("javascript:alert(1)"), ["javascript:alert(1)"]);
    }

    #[test]
    fn code_spans_outgrow_the_backticks_inside() {
        assert_eq!(code_span("a"), "`a`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x"), "`` `x ``");
    }
}
