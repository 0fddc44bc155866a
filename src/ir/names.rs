//! Every naming decision cozegen makes, in one place.
//!
//! Wire names are untrusted text; each language cozegen writes code in ([`Lang`]) needs names
//! of its own. Names are claimed in document order (parents before children, fields in order),
//! so the same document always gets the same names; a collision gets a numeric suffix, never a
//! silent merge.
//!
//! - **Type names** are shared by every language: one ASCII UpperCamelCase name per object
//!   ([`TypeNames`]), which takes none of any language's built-in names or the helper types its
//!   emitter writes beside the generated ones ([`Lang::builtin_type_names`],
//!   [`Lang::helper_type_names`]). Whoever uses the Rust structs and the TypeScript interfaces
//!   of one workflow (or the IR JSON, or a language yet to come) finds each object under one
//!   name, and no emitter has a collision to check.
//! - **Field names** are each language's own ([`Idents`], claimed per object by
//!   [`FieldIdents`]): Rust's snake_case identifier, mapped to the wire name by a rename where
//!   they differ; TypeScript's property key, the wire name itself, quoted where it is not an
//!   identifier.
//! - **Method names** the Rust structs take from their fields, the setters `with_<field>` of the
//!   input structs ([`setter_ident`]), follow from the unique identifiers, so they need no claim.
//!
//! A new language is a variant of [`Lang`] and its arms here: its built-in and helper type
//! names, and how it writes a field ([`FieldForm`]). The IR claims its names with every other
//! language's, and no other emitter changes.

use crate::text::{is_plain, quote};
use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::{HashMap, HashSet};

/// A language cozegen writes code in: the artifacts that declare types and fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Rust (`cozegen rust`).
    Rust,
    /// TypeScript (`cozegen ts`).
    TypeScript,
    /// Python, pydantic v2 models (`cozegen python`).
    Python,
}

impl Lang {
    /// How many languages there are: the size of an [`Idents`] table.
    pub const COUNT: usize = 3;
    /// Every language, in the order of an [`Idents`] table.
    pub const ALL: [Lang; Lang::COUNT] = [Lang::Rust, Lang::TypeScript, Lang::Python];

    fn index(self) -> usize {
        self as usize
    }

    /// Type names of the language (and of the libraries its generated code uses) that a
    /// reader expects to mean the built-in thing, or that the generated code itself refers to:
    /// no generated type takes one.
    pub fn builtin_type_names(self) -> &'static [&'static str] {
        match self {
            Lang::Rust => RUST_BUILTIN_TYPES,
            Lang::TypeScript => TYPESCRIPT_BUILTIN_TYPES,
            Lang::Python => PYTHON_BUILTIN_TYPES,
        }
    }

    /// The helper types the language's emitter writes beside the generated types (value types,
    /// run helpers, a chatflow's chat request), whether or not a module needs them: no
    /// generated type takes one, so the emitters never check. A test holds every type the
    /// templates declare to this list.
    pub fn helper_type_names(self) -> &'static [&'static str] {
        match self {
            Lang::Rust => RUST_HELPER_TYPES,
            Lang::TypeScript => TYPESCRIPT_HELPER_TYPES,
            Lang::Python => PYTHON_HELPER_TYPES,
        }
    }

    /// How the language writes a field's name.
    pub fn field_form(self) -> FieldForm {
        match self {
            Lang::Rust => FieldForm::Identifier {
                ident: field_ident,
                separator: "_",
            },
            Lang::TypeScript => FieldForm::Key(typescript_key),
            Lang::Python => FieldForm::Identifier {
                ident: python_ident,
                separator: "_",
            },
        }
    }
}

/// How a language writes a field's name.
#[derive(Debug, Clone, Copy)]
pub enum FieldForm {
    /// An identifier of the language's own, made from the wire name by `ident` (given the
    /// field's 1-based position, for a name with nothing usable in it) and unique within its
    /// type: a collision gets `separator` and a number. Generated code maps it to the wire
    /// name where the two differ (Rust's `#[serde(rename)]`).
    Identifier {
        /// The identifier for a wire name at a position.
        ident: fn(&str, usize) -> String,
        /// What goes between an identifier and the number that makes it unique.
        separator: &'static str,
    },
    /// The wire name itself, as a property key: `None` where it can stand as it is, else the
    /// text to write instead (a string literal). Wire names are unique within their object, so
    /// keys cannot collide.
    Key(fn(&str) -> Option<String>),
}

/// Rust prelude, std, serde and serde_json names a reader would expect to mean the std thing.
const RUST_BUILTIN_TYPES: &[&str] = &[
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
    "Serialize",
    "Deserialize",
    "Serializer",
    "Deserializer",
    "Value",
    "Map",
    "Number",
    "JsonSchema",
];

/// The Rust emitter's helper types (`templates/rust/`).
const RUST_HELPER_TYPES: &[&str] = &[
    // Value types that check Coze's rules, and their error.
    "CozeFile",
    "CozeTime",
    "CozeValueError",
    "ObjectOnly",
    // The run helpers.
    "RunAnswer",
    "RunError",
    "RunOutput",
    "RunParameters",
    "RunRequest",
    "RunUsage",
    // A chatflow's chat request.
    "ChatMessage",
    "ChatParameters",
    "ChatRequest",
    // Written by earlier versions: a type that was named around it keeps its name.
    "FileKind",
];

/// TypeScript's global types and objects that generated code refers to or a reader would
/// expect to mean the built-in thing (a module's own declaration would shadow them).
const TYPESCRIPT_BUILTIN_TYPES: &[&str] = &[
    "Array", "BigInt", "Boolean", "Date", "Error", "Function", "JSON", "Map", "Math", "Number",
    "Object", "Partial", "Promise", "Readonly", "Record", "RegExp", "Required", "Set", "String",
    "Symbol",
];

/// The TypeScript emitter's helper types (`templates/ts/module.ts` and the chat request).
const TYPESCRIPT_HELPER_TYPES: &[&str] = &[
    "RunAnswer",
    "RunError",
    "RunErrorKind",
    "RunOptions",
    "RunOutput",
    "RunRequest",
    "RunUsage",
    "ChatMessage",
    "ChatRequest",
];

/// Python's capitalized built-in names, and the typing and pydantic names the generated module
/// imports: a module's own class would shadow them.
const PYTHON_BUILTIN_TYPES: &[&str] = &[
    "Annotated",
    "Any",
    "BaseModel",
    "ConfigDict",
    "Ellipsis",
    "Exception",
    "False",
    "Field",
    "KeyError",
    "None",
    "NotImplemented",
    "True",
    "TypeError",
    "ValidationError",
    "ValueError",
];

/// The Python emitter's helper types (`templates/python/module.py`).
const PYTHON_HELPER_TYPES: &[&str] = &[
    "CozeFile",
    "CozeInteger",
    "CozeTime",
    "RunError",
    "RunOutput",
];

/// Every name a generated type must not take: each language's built-in and helper type names.
pub fn reserved_type_names() -> impl Iterator<Item = &'static str> {
    Lang::ALL.into_iter().flat_map(|lang| {
        lang.builtin_type_names()
            .iter()
            .chain(lang.helper_type_names())
            .copied()
    })
}

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

/// Whether `name` may be used as a type name the user chose (e.g. `--type-name`): ASCII
/// UpperCamelCase, and none of the [`reserved_type_names`].
pub fn is_valid_type_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_alphanumeric())
        && !reserved_type_names().any(|reserved| reserved == name)
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

/// Type names claimed so far in one generated module, in every language: the
/// [`reserved_type_names`] are taken from the start.
#[derive(Debug)]
pub struct TypeNames {
    names: Claimed,
}

impl Default for TypeNames {
    fn default() -> Self {
        let used = reserved_type_names().map(str::to_owned).collect();
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

/// The Rust identifier for a wire name: snake_case; keywords get a trailing `_`, names that
/// start with a digit get a `field_` prefix, and names with no usable characters become
/// `field_{position}`.
pub fn field_ident(name: &str, position: usize) -> String {
    if is_plain_snake(name) {
        return name.to_owned();
    }
    converted_ident(name, position)
}

/// The chainable setter of an optional Rust field whose identifier is `ident` (one
/// [`field_ident`] gave, made unique by [`FieldIdents`]): `with_` and the identifier, without
/// the `_` a keyword got (`type_` → `with_type`). Setters are as unique as the identifiers: only
/// a keyword's identifier ends in `_`, and a bare keyword is never an identifier. None can be
/// the struct's other methods, `new` and the `default_…` functions.
pub fn setter_ident(ident: &str) -> String {
    format!("with_{}", ident.strip_suffix('_').unwrap_or(ident))
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

/// The Python attribute name for a wire name: [`field_ident`]'s snake_case, with a trailing `_`
/// for Python's keywords and soft keywords, its lowercase built-ins (a field named `int` would
/// shadow the type in the class body) and the attributes of pydantic's `BaseModel`; a name in
/// pydantic's `model_` namespace gets a `field_` prefix. The model maps it to the wire name by
/// an alias where the two differ.
pub fn python_ident(name: &str, position: usize) -> String {
    let snake = if name.len() <= MAX_IDENT_LEN && is_snake_words(name) {
        name.to_owned()
    } else {
        let rust = converted_ident(name, position);
        // Rust's keyword escape is not Python's: start again from the bare words.
        match rust.strip_suffix('_') {
            Some(bare) if is_keyword(bare) => bare.to_owned(),
            _ => rust,
        }
    };
    if snake.starts_with("model_") {
        format!("field_{snake}")
    } else if is_python_reserved(&snake) {
        format!("{snake}_")
    } else {
        snake
    }
}

/// Python keywords, soft keywords, lowercase built-ins, `BaseModel`'s public attributes
/// outside the `model_` namespace, and `self` and `cls`: names a generated field must not take as they are.
fn is_python_reserved(name: &str) -> bool {
    matches!(
        name,
        "and"
            | "as"
            | "assert"
            | "async"
            | "await"
            | "break"
            | "class"
            | "continue"
            | "def"
            | "del"
            | "elif"
            | "else"
            | "except"
            | "finally"
            | "for"
            | "from"
            | "global"
            | "if"
            | "import"
            | "in"
            | "is"
            | "lambda"
            | "nonlocal"
            | "not"
            | "or"
            | "pass"
            | "raise"
            | "return"
            | "try"
            | "while"
            | "with"
            | "yield"
            | "case"
            | "match"
            | "type"
            | "abs"
            | "aiter"
            | "all"
            | "anext"
            | "any"
            | "ascii"
            | "bin"
            | "bool"
            | "breakpoint"
            | "bytearray"
            | "bytes"
            | "callable"
            | "chr"
            | "classmethod"
            | "compile"
            | "complex"
            | "copyright"
            | "credits"
            | "delattr"
            | "dict"
            | "dir"
            | "divmod"
            | "enumerate"
            | "eval"
            | "exec"
            | "exit"
            | "filter"
            | "float"
            | "format"
            | "frozenset"
            | "getattr"
            | "globals"
            | "hasattr"
            | "hash"
            | "help"
            | "hex"
            | "id"
            | "input"
            | "int"
            | "isinstance"
            | "issubclass"
            | "iter"
            | "len"
            | "license"
            | "list"
            | "locals"
            | "map"
            | "max"
            | "memoryview"
            | "min"
            | "next"
            | "object"
            | "oct"
            | "open"
            | "ord"
            | "pow"
            | "print"
            | "property"
            | "quit"
            | "range"
            | "repr"
            | "reversed"
            | "round"
            | "set"
            | "setattr"
            | "slice"
            | "sorted"
            | "staticmethod"
            | "str"
            | "sum"
            | "super"
            | "tuple"
            | "vars"
            | "zip"
            | "construct"
            | "copy"
            | "from_orm"
            | "json"
            | "parse_file"
            | "parse_obj"
            | "parse_raw"
            | "schema"
            | "schema_json"
            | "update_forward_refs"
            | "validate"
            | "self"
            | "cls"
    )
}

/// A TypeScript property key: the wire name where it is an identifier, else a string literal
/// (cozegen's path quoting escapes exactly what one needs, and the invisible characters that
/// could disguise a name).
fn typescript_key(name: &str) -> Option<String> {
    (!is_plain(name)).then(|| quote(name))
}

/// The base name of the field an open object keeps its undeclared keys in, in the languages
/// that write one ([`FieldForm::Identifier`]: Rust's flattened map).
pub const EXTRA_FIELD: &str = "extra";

/// How each language writes one field (or an open object's [`EXTRA_FIELD`]): for each
/// [`Lang`], `None` where that is the name as it is (most names, in most languages), so a
/// large document costs no copies of its names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Idents([Option<Box<str>>; Lang::COUNT]);

impl Idents {
    /// How `lang` writes the field, when that is not its name as it is.
    pub fn get(&self, lang: Lang) -> Option<&str> {
        self.0[lang.index()].as_deref()
    }
}

/// Field names claimed so far in one object, in every language.
#[derive(Debug, Default)]
pub struct FieldIdents {
    /// The identifiers taken, for each language that writes identifiers of its own.
    names: [Claimed; Lang::COUNT],
}

impl FieldIdents {
    /// Room for an object of `fields` fields, claimed without rehashing.
    pub fn with_capacity(fields: usize) -> Self {
        FieldIdents {
            names: Lang::ALL.map(|lang| match lang.field_form() {
                FieldForm::Identifier { .. } => Claimed {
                    used: HashSet::with_capacity(fields),
                    next_suffix: HashMap::new(),
                },
                FieldForm::Key(_) => Claimed::default(),
            }),
        }
    }

    /// Claims the names of the field `name` at `position` (1-based) in every language. An
    /// identifier that collides with an earlier sibling's gets a suffix, without a warning: the
    /// generated code maps it to the wire name.
    pub fn claim(&mut self, name: &str, position: usize) -> Idents {
        let mut idents = Idents::default();
        for lang in Lang::ALL {
            idents.0[lang.index()] = match lang.field_form() {
                FieldForm::Identifier { ident, separator } => {
                    let names = &mut self.names[lang.index()];
                    let (ident, _) = claim(names, ident(name, position), separator);
                    (ident != name).then(|| ident.into_boxed_str())
                }
                FieldForm::Key(key) => key(name).map(String::into_boxed_str),
            };
        }
        idents
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
    fn setters_are_unique_and_never_keywords() {
        let mut idents = FieldIdents::default();
        let names = [
            "type", "self", "Self", "self_2", "r#type", "type_", "new", "with",
        ];
        let setters: Vec<String> = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let claimed = idents.claim(name, i + 1);
                setter_ident(claimed.get(Lang::Rust).unwrap_or(name))
            })
            .collect();
        assert_eq!(
            setters,
            [
                "with_type",
                "with_self",
                "with_self_2",
                "with_self_2_2",
                "with_r_type",
                "with_type_2",
                "with_new",
                "with_with"
            ]
        );
    }

    #[test]
    fn colliding_field_idents_get_suffixes_in_order() {
        let mut idents = FieldIdents::default();
        let mut rust = |name: &str, position| {
            idents
                .claim(name, position)
                .get(Lang::Rust)
                .map(str::to_owned)
        };
        assert_eq!(rust("first_name", 1), None);
        assert_eq!(rust("firstName", 2).as_deref(), Some("first_name_2"));
        assert_eq!(rust("first-name", 3).as_deref(), Some("first_name_3"));
    }

    #[test]
    fn each_language_writes_a_field_its_own_way() {
        let mut idents = FieldIdents::default();
        let odd = idents.claim("odd name", 1);
        assert_eq!(odd.get(Lang::Rust), Some("odd_name"));
        assert_eq!(odd.get(Lang::TypeScript), Some("\"odd name\""));
        let plain = idents.claim("sku", 2);
        assert_eq!(
            (plain.get(Lang::Rust), plain.get(Lang::TypeScript)),
            (None, None)
        );
        let camel = idents.claim("firstName", 3);
        assert_eq!(camel.get(Lang::Rust), Some("first_name"));
        assert_eq!(camel.get(Lang::TypeScript), None);
        let keyword = idents.claim("type", 4);
        assert_eq!(keyword.get(Lang::Rust), Some("type_"));
        assert_eq!(keyword.get(Lang::TypeScript), None);
    }

    /// Every type the templates declare beside the generated ones is a helper of its
    /// language, so no generated type can take its name.
    #[test]
    fn every_helper_type_of_the_templates_is_reserved() {
        let declared = |text: &str, keywords: &[&str]| -> Vec<String> {
            let mut names = Vec::new();
            // Module-level items only: an item inside a function or an impl is its own.
            for line in text.lines().filter(|l| !l.starts_with(char::is_whitespace)) {
                let words: Vec<&str> = line.split_whitespace().collect();
                for pair in words.windows(2) {
                    if keywords.contains(&pair[0]) {
                        let name: String = pair[1]
                            .chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                            .collect();
                        if name.starts_with(|c: char| c.is_ascii_uppercase()) && !name.contains('_')
                        {
                            names.push(name);
                        }
                    }
                }
            }
            names
        };
        let rust = [
            include_str!("../../templates/rust/chat.rs"),
            include_str!("../../templates/rust/coze_file.rs"),
            include_str!("../../templates/rust/coze_time.rs"),
            include_str!("../../templates/rust/coze_value_error.rs"),
            include_str!("../../templates/rust/object_only.rs"),
            include_str!("../../templates/rust/run_answer.rs"),
            include_str!("../../templates/rust/run_request.rs"),
        ];
        let mut found = 0;
        for text in rust {
            for name in declared(text, &["struct", "enum", "type", "trait"]) {
                found += 1;
                assert!(
                    Lang::Rust.helper_type_names().contains(&name.as_str()),
                    "Rust helper `{name}` is not reserved"
                );
            }
        }
        assert!(found >= 9, "{found} Rust helpers found");
        let ts = [include_str!("../../templates/ts/module.ts")];
        let mut found = 0;
        for text in ts {
            for name in declared(text, &["interface", "type", "class", "enum"]) {
                found += 1;
                assert!(
                    Lang::TypeScript
                        .helper_type_names()
                        .contains(&name.as_str()),
                    "TypeScript helper `{name}` is not reserved"
                );
            }
        }
        assert!(found >= 7, "{found} TypeScript helpers found");
        let python = include_str!("../../templates/python/module.py");
        let mut found = 0;
        for line in python.lines() {
            // A class, or a type alias: `Name = …` at the start of a line.
            let name = line
                .strip_prefix("class ")
                .unwrap_or(line)
                .split(['(', ' ', ':'])
                .next()
                .unwrap_or_default();
            let declares = line.starts_with("class ") || line.contains(" = ");
            if declares && name.starts_with(|c: char| c.is_ascii_uppercase()) && !name.contains('_')
            {
                found += 1;
                assert!(
                    Lang::Python.helper_type_names().contains(&name),
                    "Python helper `{name}` is not reserved"
                );
            }
        }
        assert!(found >= 5, "{found} Python helpers found");
    }

    #[test]
    fn python_idents_are_never_keywords_builtins_or_pydantic_names() {
        assert_eq!(python_ident("class", 1), "class_");
        assert_eq!(python_ident("type", 1), "type_");
        assert_eq!(python_ident("match", 1), "match_");
        assert_eq!(python_ident("int", 1), "int_");
        assert_eq!(python_ident("json", 1), "json_");
        assert_eq!(python_ident("model_config", 1), "field_model_config");
        assert_eq!(python_ident("modelConfig", 1), "field_model_config");
        assert_eq!(python_ident("_private", 1), "private");
        assert_eq!(python_ident("__", 3), "field_3");
        assert_eq!(python_ident("firstName", 1), "first_name");
        assert_eq!(python_ident("fn", 1), "fn");
        assert_eq!(python_ident("Self", 1), "self_");
        assert_eq!(python_ident("1st", 1), "field_1st");
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
