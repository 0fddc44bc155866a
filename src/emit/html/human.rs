//! What the people filling the form read: a title made from each wire name (`deliver_at` →
//! "Deliver at"), the stem of an array's row titles ("Line", numbered by the script), and type
//! chips in plain words ("whole number", "list of image files").
//!
//! Decided here, once, so the template only prints and the script only numbers rows. The
//! words are English, and every word the view adds is in this module (the template and the
//! script hold theirs in one place each), so a translation has three places to look.

use crate::ir::{FileKind, Type, Types, path};
use std::borrow::Cow;

/// Words written in capitals wherever they appear in a name: `user_id` → "User ID".
const ACRONYMS: &[&str] = &[
    "api", "csv", "html", "http", "https", "id", "ip", "json", "pdf", "ppt", "sku", "sql", "svg",
    "uri", "url", "uuid", "xml",
];

/// The title of a parameter named `name`: its words in sentence case, split at `_`, `-`, `$`,
/// spaces and camelCase humps. A name that is not made of ASCII words (Chinese, punctuation,
/// no letter at all) is its own title: guessing at it would only garble it.
pub(super) fn title(name: &str) -> Cow<'_, str> {
    let words = words(name);
    if words.is_empty() {
        return Cow::Borrowed(name);
    }
    // A name in capitals (`CONVERSATION_NAME`) is shouting, not a run of acronyms.
    let shouting = !name.bytes().any(|b| b.is_ascii_lowercase());
    let mut out = String::with_capacity(name.len() + 4);
    for (i, word) in words.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        push_word(&mut out, word, i == 0, shouting);
    }
    if out == name {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(out)
    }
}

/// The stem of the row titles of the array `name` (the nearest member name): its title in the
/// singular ("Lines" → "Line"), or with " item" where the last word is not a plain plural
/// ("Gallery item"). The script appends the 1-based row numbers.
pub(super) fn row_stem(name: &str) -> String {
    let mut words = words(name);
    let shouting = !name.bytes().any(|b| b.is_ascii_lowercase());
    let singular = words.last().and_then(|w| singular(w));
    let Some(singular) = singular else {
        return format!("{} item", title(name));
    };
    words.pop();
    let mut out = String::with_capacity(name.len() + 2);
    for (i, word) in words.iter().chain([&singular.as_str()]).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        push_word(&mut out, word, i == 0, shouting);
    }
    out
}

/// The Add button of an array whose rows are titled `stem`: "Add line", "Add SKU".
pub(super) fn add_label(stem: &str) -> String {
    let mut chars = stem.chars();
    let first = chars.next().unwrap_or(' ');
    // Lower-case the first letter unless the first word is an acronym ("SKU").
    let acronym = chars.next().is_some_and(char::is_uppercase);
    if acronym || !first.is_ascii_uppercase() {
        format!("Add {stem}")
    } else {
        format!("Add {}{}", first.to_ascii_lowercase(), &stem[1..])
    }
}

/// The words of an ASCII name, or none when the name is not made of ASCII words.
fn words(name: &str) -> Vec<&str> {
    let ascii_words = name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'$' | b' '));
    if !ascii_words || !name.bytes().any(|b| b.is_ascii_alphabetic()) {
        return Vec::new();
    }
    let mut words = Vec::new();
    for part in name.split(['_', '-', '$', ' ']).filter(|p| !p.is_empty()) {
        let b = part.as_bytes();
        let mut start = 0;
        for i in 1..b.len() {
            // `firstName` → first|Name; `HTMLParser` → HTML|Parser; digits stay put (`l0`).
            let hump = b[i].is_ascii_uppercase()
                && (b[i - 1].is_ascii_lowercase()
                    || b[i - 1].is_ascii_digit()
                    || (b[i - 1].is_ascii_uppercase()
                        && b.get(i + 1).is_some_and(u8::is_ascii_lowercase)));
            if hump {
                words.push(&part[start..i]);
                start = i;
            }
        }
        words.push(&part[start..]);
    }
    words
}

/// Appends `word` in sentence case: acronyms in capitals (from [`ACRONYMS`], or written in
/// capitals in a name that is not all capitals), the first word capitalized, others lower.
fn push_word(out: &mut String, word: &str, first: bool, shouting: bool) {
    let lower = word.to_ascii_lowercase();
    let (stem, plural) = match lower.strip_suffix('s') {
        Some(stem) if ACRONYMS.contains(&stem) => (stem, true),
        _ => (lower.as_str(), false),
    };
    let written_as_acronym =
        !shouting && word.len() > 1 && !word.bytes().any(|b| b.is_ascii_lowercase());
    if ACRONYMS.contains(&stem) {
        out.push_str(&stem.to_ascii_uppercase());
        if plural {
            out.push('s');
        }
    } else if written_as_acronym {
        out.push_str(word);
    } else if first {
        out.push_str(&lower[..1].to_ascii_uppercase());
        out.push_str(&lower[1..]);
    } else {
        out.push_str(&lower);
    }
}

/// The singular of an English plural, by the common spellings; `None` when `word` does not
/// look like one (`status`, `data`, `grid`).
fn singular(word: &str) -> Option<String> {
    let lower = word.to_ascii_lowercase();
    let keep = |n: usize| Some(word[..word.len() - n].to_owned());
    if lower.len() > 3 && lower.ends_with("ies") {
        return Some(format!("{}{}", &word[..word.len() - 3], "y"));
    }
    if ["sses", "xes", "ches", "shes", "zzes"]
        .iter()
        .any(|s| lower.ends_with(s))
    {
        return keep(2);
    }
    if lower.len() > 2
        && lower.ends_with('s')
        && !["ss", "us", "is"].iter().any(|s| lower.ends_with(s))
    {
        return keep(1);
    }
    None
}

/// Array levels a chip spells out; deeper ones are counted.
const CHIP_LEVELS: usize = 2;

/// The type as the people filling the form read it: "whole number", "list of image files".
pub(super) fn chip(types: &Types, ty: &Type) -> Cow<'static, str> {
    let (levels, inner) = unwrap_arrays(types, ty);
    let (one, many) = nouns(inner);
    match levels {
        0 => Cow::Borrowed(one),
        1 => Cow::Owned(format!("list of {many}")),
        n if n <= CHIP_LEVELS => Cow::Owned(format!("{}{many}", "list of lists of ".repeat(n - 1))),
        n => Cow::Owned(format!("nested lists ({n} levels) of {many}")),
    }
}

/// The type in Coze's words, for the chip's tooltip: `array of array of number`.
pub(super) fn coze_type(types: &Types, ty: &Type) -> Cow<'static, str> {
    let (levels, inner) = unwrap_arrays(types, ty);
    let base: Cow<'static, str> = match inner {
        Type::Any(Some(declared)) => Cow::Owned(format!(
            "{} (unknown: any JSON)",
            path::printable(declared, 40)
        )),
        Type::Any(None) => Cow::Borrowed("none given (any JSON)"),
        Type::Map => Cow::Borrowed("object without properties"),
        Type::File(kind) => Cow::Borrowed(kind.coze_name()),
        Type::String => Cow::Borrowed("string"),
        Type::Integer => Cow::Borrowed("integer"),
        Type::Number => Cow::Borrowed("number"),
        Type::Boolean => Cow::Borrowed("boolean"),
        Type::Time => Cow::Borrowed("time"),
        Type::Object(_) => Cow::Borrowed("object"),
        Type::Array(_) => unreachable!("arrays are unwrapped above"),
    };
    match levels {
        0 => base,
        n => Cow::Owned(format!("{}{base}", "array of ".repeat(n))),
    }
}

fn unwrap_arrays<'t>(types: &'t Types, ty: &'t Type) -> (usize, &'t Type) {
    let mut levels = 0;
    let mut inner = ty;
    while let Type::Array(id) = inner {
        levels += 1;
        inner = &types.array(*id).items;
    }
    (levels, inner)
}

/// One value of the type, and many.
pub(super) fn nouns(ty: &Type) -> (&'static str, &'static str) {
    match ty {
        Type::String => ("text", "texts"),
        Type::Integer => ("whole number", "whole numbers"),
        Type::Number => ("number", "numbers"),
        Type::Boolean => ("yes/no", "yes/no values"),
        Type::Time => ("date and time", "dates and times"),
        Type::File(kind) => match kind {
            FileKind::Generic => ("file", "files"),
            FileKind::Image => ("image file", "image files"),
            FileKind::Svg => ("SVG image", "SVG images"),
            FileKind::Doc => ("document", "documents"),
            FileKind::Excel => ("spreadsheet", "spreadsheets"),
            FileKind::Ppt => ("presentation", "presentations"),
            FileKind::Txt => ("text file", "text files"),
            FileKind::Code => ("code file", "code files"),
            FileKind::Audio => ("audio file", "audio files"),
            FileKind::Voice => ("voice recording", "voice recordings"),
            FileKind::Video => ("video file", "video files"),
            FileKind::Zip => ("ZIP archive", "ZIP archives"),
        },
        Type::Object(_) => ("group", "groups"),
        Type::Map => ("JSON object", "JSON objects"),
        Type::Any(_) => ("JSON value", "JSON values"),
        Type::Array(_) => ("list", "lists"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_the_words_of_the_wire_name_in_sentence_case() {
        for (name, expected) in [
            ("deliver_at", "Deliver at"),
            ("firstName", "First name"),
            ("CONVERSATION_NAME", "Conversation name"),
            ("first-name", "First name"),
            ("first name", "First name"),
            ("HTMLParser", "HTML parser"),
            ("user_id", "User ID"),
            ("sku", "SKU"),
            ("image_urls", "Image URLs"),
            ("$price", "Price"),
            ("__proto__", "Proto"),
            ("l0", "L0"),
            ("1st", "1st"),
            ("max_items", "Max items"),
            ("Self", "Self"),
        ] {
            assert_eq!(title(name), expected, "{name}");
        }
    }

    #[test]
    fn names_that_are_not_ascii_words_are_their_own_title() {
        for name in [
            "名称",
            "_",
            "9",
            "",
            "a\"b\\c",
            "</script>",
            "bidi\u{202e}name",
            "a.b",
        ] {
            assert!(
                matches!(title(name), Cow::Borrowed(t) if t == name),
                "{name:?}"
            );
        }
    }

    #[test]
    fn row_stems_are_singular_or_say_item() {
        for (name, expected) in [
            ("lines", "Line"),
            ("order_lines", "Order line"),
            ("entries", "Entry"),
            ("addresses", "Address"),
            ("boxes", "Box"),
            ("photos", "Photo"),
            ("user_ids", "User ID"),
            ("status", "Status item"),
            ("grid", "Grid item"),
            ("data", "Data item"),
            ("列表", "列表 item"),
        ] {
            assert_eq!(row_stem(name), expected, "{name}");
        }
        assert_eq!(add_label("Line"), "Add line");
        assert_eq!(add_label("SKU"), "Add SKU");
        assert_eq!(add_label("列表 item"), "Add 列表 item");
    }
}
