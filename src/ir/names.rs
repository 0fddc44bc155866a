//! Every naming decision cozegen makes, in one place.
//!
//! Wire names are untrusted text. Emitters need identifiers: UpperCamelCase type names that are
//! unique across a module and shadow nothing from the prelude or std, and snake_case field names
//! that are unique within their struct. Names are claimed in document order (parents before
//! children, fields in order), so the same document always gets the same names; a collision
//! gets a numeric suffix and a warning, never a silent merge.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::{HashMap, HashSet};

/// Names a generated module must never define: the prelude, common std and serde names, and
/// the helper types the Rust and TypeScript emitters write next to the generated types.
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    // Rust prelude and std names a reader would expect to mean the std thing.
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "ToString",
    "ToOwned",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "Iterator",
    "IntoIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "Extend",
    "FromIterator",
    "Default",
    "Eq",
    "PartialEq",
    "Ord",
    "PartialOrd",
    "AsRef",
    "AsMut",
    "Debug",
    "Display",
    "Hash",
    "Error",
    "HashMap",
    "BTreeMap",
    "HashSet",
    "BTreeSet",
    "Rc",
    "Arc",
    "Cell",
    "RefCell",
    "Cow",
    "Path",
    "PathBuf",
    "Self",
    // serde and serde_json names used by generated code.
    "Serialize",
    "Deserialize",
    "Serializer",
    "Deserializer",
    "Value",
    "Map",
    "Number",
    "JsonSchema",
    // Helper types of the Rust emitter.
    "CozeFile",
    "CozeTime",
    "CozeValueError",
    "FileKind",
    "ObjectOnly",
    // The run helpers of the Rust and TypeScript emitters.
    "RunAnswer",
    "RunError",
    "RunOptions",
    "RunOutput",
    "RunParameters",
    "RunRequest",
    "RunUsage",
];

/// Rust keywords (strict, reserved and edition-2024) that cannot be field names as they are.
/// A `match`, not a list search: it runs for every field of every document.
fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "as" | "break"
            | "const"
            | "continue"
            | "crate"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "Self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "async"
            | "await"
            | "dyn"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "try"
            | "gen"
            | "union"
            | "macro_rules"
            | "raw"
            | "safe"
    )
}

/// Type names longer than this are shortened to the root name plus the last segment, so that
/// deeply nested documents do not produce names whose total size grows with the square of depth.
const MAX_TYPE_NAME_LEN: usize = 64;

/// Field identifiers longer than this are cut (all ASCII, so any byte is a boundary).
const MAX_IDENT_LEN: usize = 48;

/// Words of a wire name: every character that is not an ASCII letter or digit separates words.
/// Non-ASCII letters are dropped rather than kept, so identifiers stay ASCII and lint-free.
fn ascii_words(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// The UpperCamelCase form of a wire name, or `None` if nothing of it survives.
pub fn camel(name: &str) -> Option<String> {
    if is_snake_words(name) {
        // What the case conversion gives for these names, without its allocations.
        let mut out = String::with_capacity(name.len());
        for word in name.split('_') {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.push(first.to_ascii_uppercase());
                out.push_str(chars.as_str());
            }
        }
        return Some(out);
    }
    converted_camel(name)
}

/// [`camel`] without the shortcut for snake_case names.
fn converted_camel(name: &str) -> Option<String> {
    let s = ascii_words(name).to_upper_camel_case();
    (!s.is_empty()).then_some(s)
}

/// Lowercase ASCII words of letters and digits joined by single underscores, starting with a
/// letter: most wire names.
fn is_snake_words(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.first().is_some_and(u8::is_ascii_lowercase)
        && bytes.last() != Some(&b'_')
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
        && !name.contains("__")
}

/// The default root type name for a node: the workflow name in UpperCamelCase plus `suffix`
/// (`Input`, `Output`); `Workflow` stands in for a name with no usable characters, and is put
/// in front of a name that starts with a digit.
pub fn root_type_name(workflow_name: Option<&str>, suffix: &str) -> String {
    let base = match workflow_name.and_then(camel) {
        Some(s) if s.starts_with(|c: char| c.is_ascii_digit()) => format!("Workflow{s}"),
        Some(s) => s,
        None => "Workflow".to_owned(),
    };
    let name = format!("{base}{suffix}");
    if name.len() > MAX_TYPE_NAME_LEN {
        format!("Workflow{suffix}")
    } else {
        name
    }
}

/// Whether `name` may be used as a type name the user chose (e.g. `--type-name`).
pub fn is_valid_type_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_alphanumeric())
        && !RESERVED_TYPE_NAMES.contains(&name)
}

/// The candidate type name of an object reached from `parent` through the field `field`
/// (the field's position is used when its name has no usable characters).
pub fn nested_type_name(root: &str, parent: &str, field: &str, position: usize) -> String {
    let segment = camel(field).unwrap_or_else(|| format!("Field{position}"));
    let candidate = format!("{parent}{segment}");
    if candidate.len() <= MAX_TYPE_NAME_LEN {
        candidate
    } else {
        let short = format!("{root}{segment}");
        if short.len() <= MAX_TYPE_NAME_LEN {
            short
        } else {
            format!("{root}Nested")
        }
    }
}

/// The candidate type name of an array's element type, from the array's own name.
pub fn item_type_name(root: &str, array: &str) -> String {
    let candidate = format!("{array}Item");
    if candidate.len() <= MAX_TYPE_NAME_LEN {
        candidate
    } else {
        format!("{root}Item")
    }
}

/// Type names claimed so far in one generated module.
#[derive(Debug)]
pub struct TypeNames {
    names: Claimed,
}

impl Default for TypeNames {
    fn default() -> Self {
        let used = RESERVED_TYPE_NAMES
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        TypeNames {
            names: Claimed {
                used,
                next_suffix: HashMap::new(),
            },
        }
    }
}

impl TypeNames {
    /// Claims `candidate`, or the first free `candidate2`, `candidate3`, …; returns the name and
    /// whether it had to change.
    pub fn claim(&mut self, candidate: String) -> (String, bool) {
        claim(&mut self.names, candidate, "")
    }
}

/// The snake_case identifier for a wire name: keywords get a trailing `_`, names that start with
/// a digit get a `field_` prefix, and names with no usable characters become `field_{position}`.
pub fn field_ident(name: &str, position: usize) -> String {
    if is_plain_snake(name) {
        return name.to_owned();
    }
    converted_ident(name, position)
}

/// [`field_ident`] without the shortcut for names that are already identifiers.
fn converted_ident(name: &str, position: usize) -> String {
    let mut snake = ascii_words(name).to_snake_case();
    // A name of any length is legal on the wire; an identifier of that length helps nobody.
    // The wire name survives in `rename`, and a collision after cutting gets a suffix.
    if snake.len() > MAX_IDENT_LEN {
        snake.truncate(MAX_IDENT_LEN);
        snake.truncate(snake.trim_end_matches('_').len());
    }
    if snake.is_empty() {
        format!("field_{position}")
    } else if snake.starts_with(|c: char| c.is_ascii_digit()) {
        format!("field_{snake}")
    } else if is_keyword(&snake) {
        format!("{snake}_")
    } else {
        snake
    }
}

/// Whether `name` is already what [`field_ident`] would make of it: lowercase ASCII words of
/// letters and digits joined by single underscores, starting with a letter, short enough, and
/// not a keyword. Most wire names are, and they skip the case conversion.
fn is_plain_snake(name: &str) -> bool {
    name.len() <= MAX_IDENT_LEN && is_snake_words(name) && !is_keyword(name)
}

/// Field identifiers claimed so far in one struct.
#[derive(Debug, Default)]
pub struct FieldIdents {
    names: Claimed,
}

impl FieldIdents {
    /// Room for a struct of `fields` fields, claimed without rehashing.
    pub fn with_capacity(fields: usize) -> Self {
        FieldIdents {
            names: Claimed {
                used: HashSet::with_capacity(fields),
                next_suffix: HashMap::new(),
            },
        }
    }

    /// Claims the identifier for the field at `position` (1-based); returns it and whether it
    /// collided with an earlier sibling and got a suffix.
    pub fn claim(&mut self, name: &str, position: usize) -> (String, bool) {
        claim(&mut self.names, field_ident(name, position), "_")
    }
}

fn claim(names: &mut Claimed, candidate: String, separator: &str) -> (String, bool) {
    if names.used.insert(candidate.clone()) {
        return (candidate, false);
    }
    // Resume counting where the last collision on this candidate stopped, so that many
    // colliding names cost linear time, not quadratic.
    let n = names.next_suffix.entry(candidate.clone()).or_insert(2);
    // `self_` + `_` + `2` would read as a typo; a trailing underscore already separates.
    let sep = if candidate.ends_with('_') {
        ""
    } else {
        separator
    };
    loop {
        let next = format!("{candidate}{sep}{n}");
        *n += 1;
        if names.used.insert(next.clone()) {
            return (next, true);
        }
    }
}

/// Names taken in one scope, and where to resume numbering for each colliding candidate.
#[derive(Debug, Default)]
struct Claimed {
    used: HashSet<String>,
    next_suffix: HashMap<String, usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_idents_are_snake_case_and_never_keywords() {
        assert_eq!(field_ident("firstName", 1), "first_name");
        assert_eq!(field_ident("CONVERSATION_NAME", 1), "conversation_name");
        assert_eq!(field_ident("type", 1), "type_");
        assert_eq!(field_ident("Self", 1), "self_");
        assert_eq!(field_ident("gen", 1), "gen_");
        assert_eq!(field_ident("_", 4), "field_4");
        assert_eq!(field_ident("名称", 2), "field_2");
        assert_eq!(field_ident("1st place", 1), "field_1st_place");
        assert_eq!(field_ident("$price-usd", 1), "price_usd");
        assert_eq!(field_ident(&"ab ".repeat(100_000), 1).len(), 47);
    }

    proptest::proptest! {
        #[test]
        fn plain_snake_names_skip_conversion_without_changing_the_result(
            name in "[a-z0-9_]{0,50}|[a-zA-Z0-9_ #$-]{0,12}|.{0,8}"
        ) {
            if is_plain_snake(&name) {
                proptest::prop_assert_eq!(converted_ident(&name, 1), name.clone());
            }
            proptest::prop_assert_eq!(camel(&name), converted_camel(&name));
        }
    }

    #[test]
    fn plain_snake_names_are_recognized() {
        for plain in ["a", "p1", "order_id", "a1b2", "x_1_y"] {
            assert!(is_plain_snake(plain), "{plain}");
        }
        let long = "a".repeat(MAX_IDENT_LEN + 1);
        for other in [
            "type", "self", "gen", "a__b", "_a", "a_", "1a", "aB", "é", "a-b", "", &long,
        ] {
            assert!(!is_plain_snake(other), "{other}");
        }
    }

    #[test]
    fn colliding_field_idents_get_suffixes_in_order() {
        let mut idents = FieldIdents::default();
        assert_eq!(
            idents.claim("first_name", 1),
            ("first_name".to_owned(), false)
        );
        assert_eq!(
            idents.claim("firstName", 2),
            ("first_name_2".to_owned(), true)
        );
        assert_eq!(
            idents.claim("first-name", 3),
            ("first_name_3".to_owned(), true)
        );
    }

    #[test]
    fn type_names_never_shadow_std() {
        let mut names = TypeNames::default();
        assert_eq!(
            names.claim("Option".to_owned()),
            ("Option2".to_owned(), true)
        );
        assert_eq!(
            names.claim("OrderInput".to_owned()),
            ("OrderInput".to_owned(), false)
        );
        assert_eq!(
            names.claim("OrderInput".to_owned()),
            ("OrderInput2".to_owned(), true)
        );
    }

    #[test]
    fn root_names_come_from_the_workflow_name() {
        assert_eq!(
            root_type_name(Some("order_rows"), "Input"),
            "OrderRowsInput"
        );
        assert_eq!(root_type_name(Some("统计"), "Input"), "WorkflowInput");
        assert_eq!(
            root_type_name(Some("3d render"), "Input"),
            "Workflow3dRenderInput"
        );
        assert_eq!(root_type_name(None, "Output"), "WorkflowOutput");
    }
}
