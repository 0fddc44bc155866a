//! What the people filling the form read: a title made from each wire name (`deliver_at` →
//! "Deliver at"), the stem of an array's row titles ("Line", numbered by the script), and type
//! chips in plain words ("whole number", "list of image files").
//!
//! Decided here, once, so the template only prints and the script only numbers rows. The
//! words come from the language's message table ([`super::i18n`]). Titles made from wire
//! names are English words, so only the English form makes them: in Chinese, as in Coze's own
//! editor, a parameter is called by its wire name, and its rows by that name and a number.

use super::i18n::{Lang, Messages};
use crate::ir::{FileKind, Type, Types};
use std::borrow::Cow;

/// Words written in capitals wherever they appear in a name: `user_id` → "User ID".
const ACRONYMS: &[&str] = &[
    "api", "csv", "html", "http", "https", "id", "ip", "json", "pdf", "ppt", "sku", "sql", "svg",
    "uri", "url", "uuid", "xml",
];

/// The title of a parameter named `name`: its words in sentence case, split at `_`, `-`, `$`,
/// spaces and camelCase humps. A name that is not made of ASCII words (Chinese, punctuation,
/// no letter at all) is its own title: guessing at it would only garble it.
pub(super) fn title<'a>(m: &Messages, name: &'a str) -> Cow<'a, str> {
    let words = words(name);
    if words.is_empty() || m.lang != Lang::En {
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
pub(super) fn row_stem(m: &Messages, name: &str) -> String {
    if m.lang != Lang::En {
        return name.to_owned();
    }
    let mut words = words(name);
    let shouting = !name.bytes().any(|b| b.is_ascii_lowercase());
    let singular = words.last().and_then(|w| singular(w));
    let Some(singular) = singular else {
        return format!("{} item", title(m, name));
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

/// The Add button of an array whose rows are titled `stem`: "Add line", "Add SKU" (in
/// English, where the stem is made of words).
pub(super) fn add_label(m: &Messages, stem: &str) -> String {
    let mut chars = stem.chars();
    let first = chars.next().unwrap_or(' ');
    // Lower-case the first letter unless the first word is an acronym ("SKU").
    let acronym = chars.next().is_some_and(char::is_uppercase);
    let stem = if m.lang != Lang::En || acronym || !first.is_ascii_uppercase() {
        Cow::Borrowed(stem)
    } else {
        Cow::Owned(format!("{}{}", first.to_ascii_lowercase(), &stem[1..]))
    };
    m.format("form.add", &[("stem", &stem)])
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
pub(super) fn chip(m: &'static Messages, types: &Types, ty: &Type) -> Cow<'static, str> {
    let (levels, inner) = unwrap_arrays(types, ty);
    let (one, many) = nouns(m, inner);
    match levels {
        0 => Cow::Borrowed(one),
        1 => Cow::Owned(m.format("chip.list", &[("many", many)])),
        n if n <= CHIP_LEVELS => Cow::Owned(m.format("chip.lists", &[("many", many)])),
        n => Cow::Owned(m.format("chip.nested", &[("n", &n.to_string()), ("many", many)])),
    }
}

/// The type in Coze's words, for the chip's tooltip: `array of array of number`.
pub(super) fn coze_type(m: &'static Messages, types: &Types, ty: &Type) -> Cow<'static, str> {
    let (levels, inner) = unwrap_arrays(types, ty);
    let base: Cow<'static, str> = match inner {
        Type::Any(Some(declared)) => Cow::Owned(m.format(
            "coze.unknown",
            &[("declared", &crate::text::printable(declared, 40))],
        )),
        Type::Any(None) => Cow::Borrowed(m.get("coze.none")),
        Type::Map => Cow::Borrowed(m.get("coze.map")),
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
pub(super) fn nouns(m: &'static Messages, ty: &Type) -> (&'static str, &'static str) {
    m.noun(match ty {
        Type::String => "noun.text",
        Type::Integer => "noun.integer",
        Type::Number => "noun.number",
        Type::Boolean => "noun.boolean",
        Type::Time => "noun.time",
        Type::File(kind) => match kind {
            FileKind::Generic => "noun.file",
            FileKind::Image => "noun.image",
            FileKind::Svg => "noun.svg",
            FileKind::Doc => "noun.doc",
            FileKind::Excel => "noun.excel",
            FileKind::Ppt => "noun.ppt",
            FileKind::Txt => "noun.txt",
            FileKind::Code => "noun.code",
            FileKind::Audio => "noun.audio",
            FileKind::Voice => "noun.voice",
            FileKind::Video => "noun.video",
            FileKind::Zip => "noun.zip",
        },
        Type::Object(_) => "noun.object",
        Type::Map => "noun.map",
        Type::Any(_) => "noun.any",
        Type::Array(_) => "noun.array",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en() -> &'static Messages {
        Lang::En.messages()
    }

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
            assert_eq!(title(en(), name), expected, "{name}");
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
                matches!(title(en(), name), Cow::Borrowed(t) if t == name),
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
            assert_eq!(row_stem(en(), name), expected, "{name}");
        }
        assert_eq!(add_label(en(), "Line"), "Add line");
        assert_eq!(add_label(en(), "SKU"), "Add SKU");
        assert_eq!(add_label(en(), "列表 item"), "Add 列表 item");
    }

    #[test]
    fn in_chinese_names_are_titles_and_row_stems_as_they_are() {
        let zh = Lang::ZhCn.messages();
        assert!(matches!(
            title(zh, "deliver_at"),
            Cow::Borrowed("deliver_at")
        ));
        assert_eq!(row_stem(zh, "lines"), "lines");
        assert_eq!(add_label(zh, "lines"), "添加一项");
    }
}
