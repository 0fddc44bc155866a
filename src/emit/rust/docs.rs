//! Untrusted text as `///` doc lines that render as the text and nothing else.
//!
//! Descriptions, workflow names and answer templates come from the document. Each becomes
//! Markdown paragraphs whose syntax is escaped, so a description can neither start a line of
//! code (every line is a `///` comment), open a doctest or a code span, write HTML, nor hide
//! reordered text. Names shown inside cozegen's own sentences go in [`code_span`]s.

use crate::ir::path::{needs_escape, printable, push_escaped};
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

/// One trimmed line of untrusted text, escaped as [`doc_lines`] describes.
fn escape_line(line: &str) -> Cow<'_, str> {
    if list_number(line).is_none()
        && !line.contains("http://")
        && !line.contains("https://")
        && !line
            .char_indices()
            .any(|(i, c)| markdown_special(i, c) || needs_escape(c))
    {
        return Cow::Borrowed(line);
    }
    let mut escaped = String::with_capacity(line.len() + 8);
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if let Some(url) = autolink(line, i) {
            escaped.push('<');
            escaped.push_str(url);
            escaped.push('>');
            while chars.next_if(|(j, _)| *j < i + url.len()).is_some() {}
        } else if markdown_special(i, c) {
            escaped.push('\\');
            escaped.push(c);
        } else if needs_escape(c) {
            push_escaped(&mut escaped, c);
        } else {
            escaped.push(c);
        }
    }
    // `12. x` → `12\. x`, so a line is never an ordered list item.
    if let Some(digits) = list_number(&escaped) {
        escaped.insert(digits, '\\');
    }
    Cow::Owned(escaped)
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

/// Untrusted text as an inline code span: rendered verbatim, on one line, with a fence longer
/// than any run of backticks inside.
pub(crate) fn code_span(text: &str) -> String {
    let text = printable(&text.replace(['\n', '\r', '\t'], " "), usize::MAX);
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') || text.starts_with(' ') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
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
