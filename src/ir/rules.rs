//! What a valid run is: the value rules of every parameter type, decided once, here.
//!
//! Every artifact derives from these rules: the JSON Schema writes them as keywords
//! ([`TIME_PATTERN`], [`FILE_PATTERN`], the integer bounds, closed objects), `validate` runs
//! [`check`], the IR checks defaults with them, the Rust types and the form's script implement
//! them from the same constants, and the conformance suite holds every artifact to the same
//! verdict on the same instances. The policy table of `docs/value-rules.md` is this module in
//! prose.
//!
//! Where an artifact states a rule in words (a `$comment`, a Rust doc line, JSDoc, a message of
//! `validate`, of a dropped default or of the generated `CozeTime` and `CozeFile`), the words
//! are [`Rule`]'s, for the platform the document came from ([`FileValues`]): an artifact wraps
//! them in its own syntax (code spans, a JSDoc line) and restates nothing.
//!
//! | type | a value is |
//! | --- | --- |
//! | `string` | any JSON string, `""` included |
//! | `integer` | a JSON number written as an integer (no fraction, no exponent: `1.0` is not one; nor is `-0`, which JSON readers hold as a float) from [`INTEGER_MIN`] to [`INTEGER_MAX`] |
//! | `number` | any JSON number, read as the nearest 64-bit float (as Coze reads it) |
//! | `boolean` | `true` or `false` |
//! | `time` | a string matching [`TIME_PATTERN`]: `yyyy-MM-dd HH:mm:ss`, a real date and time |
//! | file kinds | a string matching [`FILE_PATTERN`]: an `http(s)://` URL, or the JSON text `{"file_id":"…"}`; for a Coze Studio document, [`FILE_URL_PATTERN`]: a URL only ([`FileValues`]) |
//! | object with properties | a JSON object; required properties present; other keys refused unless the object is open |
//! | object without properties | any JSON object |
//! | array | a JSON array, possibly empty, of values of the element type |
//! | unknown type | any JSON value, `null` included |
//!
//! `null` is a value only of an unknown type: an optional parameter without a value is left
//! out, never sent as `null`. Numbers in text (`"42"`) are strings, not numbers.

use super::{ObjectId, Type, Types};
use crate::json::{JsonStep, NumberTexts};
use crate::text::{is_plain, printable, quote};
use serde_json::{Map, Number, Value};
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

/// The smallest integer value: integers are 64-bit, as Coze stores them.
pub const INTEGER_MIN: i64 = i64::MIN;
/// The largest integer value.
pub const INTEGER_MAX: i64 = i64::MAX;

/// A `time` value, as an ECMAScript and Rust regular expression: `yyyy-MM-dd HH:mm:ss` with a
/// year from 0001, months and days of the calendar (February 29 only in leap years) and a
/// 24-hour clock. [`is_time`] is the same rule in code; a property test holds the two equal.
pub const TIME_PATTERN: &str = concat!(
    "^(?:",
    "(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])-",
    "(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])",
    "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)",
    "|02-(?:0[1-9]|1[0-9]|2[0-8]))",
    "|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)-02-29",
    ") (?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"
);

/// A file value, as an ECMAScript and Rust regular expression: an `http://` or `https://` URL
/// without spaces or control characters, or the JSON text of an object holding just a
/// `file_id` string (what Coze's upload endpoint returns), spaces allowed where JSON allows
/// them. [`is_file_value`] is the same rule in code; a property test holds the two equal.
pub const FILE_PATTERN: &str = concat!(
    "^(?:https?://[^\\x00-\\x20\\x7f]+",
    "|[\\t\\n\\r ]*\\{[\\t\\n\\r ]*\"file_id\"[\\t\\n\\r ]*:[\\t\\n\\r ]*",
    "\"[^\"\\\\\\x00-\\x1f]+\"[\\t\\n\\r ]*\\}[\\t\\n\\r ]*)$"
);

/// A file value for Coze Studio, which resolves URLs only: the URL half of [`FILE_PATTERN`].
pub const FILE_URL_PATTERN: &str = "^https?://[^\\x00-\\x20\\x7f]+$";

/// What a file parameter's value may be. The platform decides: Coze's cloud takes a URL or the
/// `{"file_id":"…"}` text of an uploaded file; a self-hosted Coze Studio resolves URLs only
/// (it has no `file_id` lookup for workflow inputs), so there a `file_id` is refused before a run
/// rather than failing inside it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum FileValues {
    /// Coze's cloud: [`FILE_PATTERN`].
    #[default]
    UrlOrFileId,
    /// Coze Studio: [`FILE_URL_PATTERN`].
    UrlOnly,
}

impl FileValues {
    /// The rule of documents from `platform`.
    pub fn of(platform: crate::model::Platform) -> FileValues {
        match platform {
            crate::model::Platform::Cloud => FileValues::UrlOrFileId,
            crate::model::Platform::Studio => FileValues::UrlOnly,
        }
    }

    /// The rule as an ECMAScript and Rust regular expression.
    pub fn pattern(self) -> &'static str {
        match self {
            FileValues::UrlOrFileId => FILE_PATTERN,
            FileValues::UrlOnly => FILE_URL_PATTERN,
        }
    }

    /// Whether `s` is a file value under this rule.
    pub fn accepts(self, s: &str) -> bool {
        match self {
            FileValues::UrlOrFileId => is_file_value(s),
            FileValues::UrlOnly => is_file_url(s),
        }
    }
}

/// Whether `s` is an `http://` or `https://` URL without spaces or control characters:
/// [`FILE_URL_PATTERN`] in code.
pub fn is_file_url(s: &str) -> bool {
    s.strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c > ' ' && c != '\x7f'))
}

/// How a `time` value is written, for messages and documentation.
pub const TIME_FORM: &str = "yyyy-MM-dd HH:mm:ss";

/// Whether `s` is a `time` value: [`TIME_PATTERN`] in code.
pub fn is_time(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 19 {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let shape = digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b' '
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    if !shape {
        return false;
    }
    let num =
        |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    let (year, month, day) = (num(0..4), num(5..7), num(8..10));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    year >= 1
        && (1..=days).contains(&day)
        && num(11..13) < 24
        && num(14..16) < 60
        && num(17..19) < 60
}

/// Whether `s` is a file value: [`FILE_PATTERN`] in code.
pub fn is_file_value(s: &str) -> bool {
    if s.starts_with("https://") || s.starts_with("http://") {
        return is_file_url(s);
    }
    let ws = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r');
    let Some(rest) = s.trim_matches(ws).strip_prefix('{') else {
        return false;
    };
    let Some(rest) = rest.trim_start_matches(ws).strip_prefix("\"file_id\"") else {
        return false;
    };
    let Some(rest) = rest.trim_start_matches(ws).strip_prefix(':') else {
        return false;
    };
    let Some(rest) = rest.trim_start_matches(ws).strip_prefix('"') else {
        return false;
    };
    let Some(end) = rest.find(|c: char| c == '"' || c == '\\' || c < ' ') else {
        return false;
    };
    let (id, rest) = rest.split_at(end);
    !id.is_empty()
        && rest
            .strip_prefix('"')
            .is_some_and(|rest| rest.trim_start_matches(ws) == "}")
}

/// A piece of the words that state a rule: text, or code (a format, a JSON text, a name from
/// the document) that each artifact shows as code in its own syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Words as they are.
    Text(Cow<'a, str>),
    /// Code: a code span in documentation, backticks in a message.
    Code(Cow<'a, str>),
}

/// Words that state a rule, in pieces ([`Piece`]). Every artifact that states a rule writes
/// these words (a `$comment`, a doc comment, JSDoc, a message, the generated code's own
/// messages), wrapping the code in its own syntax and adding nothing about the rule itself.
/// `Display` writes code in backticks, as messages and `$comment`s show it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Words<'a>(Vec<Piece<'a>>);

impl<'a> Words<'a> {
    /// The pieces, in order.
    pub fn pieces(&self) -> &[Piece<'a>] {
        &self.0
    }

    /// The words as text, each piece of code written by `code` (a Rust code span, say).
    pub fn write(&self, mut code: impl FnMut(&str) -> String) -> String {
        let mut out = String::new();
        for piece in &self.0 {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Code(text) => out.push_str(&code(text)),
            }
        }
        out
    }

    fn text(mut self, text: impl Into<Cow<'a, str>>) -> Self {
        self.0.push(Piece::Text(text.into()));
        self
    }

    fn code(mut self, code: impl Into<Cow<'a, str>>) -> Self {
        self.0.push(Piece::Code(code.into()));
        self
    }

    fn then(mut self, more: Words<'a>) -> Self {
        self.0.extend(more.0);
        self
    }
}

impl fmt::Display for Words<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for piece in &self.0 {
            match piece {
                Piece::Text(text) => f.write_str(text)?,
                Piece::Code(text) => write!(f, "`{text}`")?,
            }
        }
        Ok(())
    }
}

/// What a valid value of one type is, in words, for the platform the document came from: the
/// one description of each rule that every artifact states it with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule<'a> {
    /// The Coze type, as documentation names it: "Coze type `time`", "Coze file type `image`".
    pub coze_type: Words<'a>,
    /// What a value is called in messages: "a Coze time", "an integer".
    pub noun: Words<'a>,
    /// What makes a value valid beyond its JSON type, where its type alone does not say it:
    /// "text in `yyyy-MM-dd HH:mm:ss` form, a real date and time".
    pub clause: Option<Words<'a>>,
    /// The finer points of the clause, for the documentation of a type that checks them
    /// (the Rust `CozeTime` and `CozeFile`).
    pub fine_print: Option<&'static str>,
    /// Whether messages state the clause ([`Rule::expected`]): for text whose form is the rule
    /// (`time` and file values); an integer's messages say what is wrong themselves.
    in_messages: bool,
}

impl<'a> Rule<'a> {
    /// The rule of `ty` where file values follow `files`.
    pub fn of(ty: &'a Type, files: FileValues) -> Rule<'a> {
        let coze = |name: &'static str| Words::default().text("Coze type ").code(name);
        let noun = |noun: &'static str| Words::default().text(noun);
        let (coze_type, noun, clause, fine_print) = match ty {
            Type::String => (coze("string"), noun("a string"), None, None),
            Type::Integer => (
                coze("integer"),
                noun("an integer"),
                Some(noun("an integer from ").text(format!("{INTEGER_MIN} to {INTEGER_MAX}"))),
                None,
            ),
            Type::Number => (coze("number"), noun("a number"), None, None),
            Type::Boolean => (
                coze("boolean"),
                Words::default().code("true").text(" or ").code("false"),
                None,
                None,
            ),
            Type::Time => (
                coze("time"),
                noun("a Coze time"),
                Some(
                    noun("text in ")
                        .code(TIME_FORM)
                        .text(" form, a real date and time"),
                ),
                Some("a year from 0001, February 29 only in leap years, a 24-hour clock"),
            ),
            Type::File(kind) => (
                Words::default()
                    .text("Coze file type ")
                    .code(kind.coze_name()),
                noun("a Coze file"),
                Some(match files {
                    FileValues::UrlOrFileId => noun("an http(s) URL, or the JSON text ")
                        .code("{\"file_id\":\"…\"}")
                        .text(" of a file uploaded to Coze"),
                    FileValues::UrlOnly => {
                        noun("an http(s) URL, as Coze Studio resolves URLs only")
                    }
                }),
                Some("a URL without spaces or control characters"),
            ),
            Type::Object(_) => (coze("object"), noun("an object"), None, None),
            Type::Map => (
                coze("object").text(" without declared properties"),
                noun("an object"),
                Some(noun("any JSON object")),
                None,
            ),
            Type::Array(_) => (coze("array"), noun("an array"), None, None),
            Type::Any(declared) => (
                match declared {
                    Some(name) => Words::default()
                        .text("Coze type ")
                        .code(name.as_str())
                        .text(" is not known to cozegen"),
                    None => noun("No Coze type given"),
                },
                noun("any value"),
                Some(noun("any JSON value")),
                None,
            ),
        };
        Rule {
            coze_type,
            noun,
            clause,
            fine_print,
            in_messages: matches!(ty, Type::Time | Type::File(_)),
        }
    }

    /// The rule as documentation notes it, where the type alone does not say it all:
    /// "Coze type `time`: text in `yyyy-MM-dd HH:mm:ss` form, a real date and time" (no final
    /// period: each artifact ends the sentence its way). `None` for a type without a clause.
    pub fn note(&self) -> Option<Words<'a>> {
        let clause = self.clause.clone()?;
        Some(self.coze_type.clone().text(": ").then(clause))
    }

    /// What a value must be, for messages (`expected …, got …`, `… is not …`): "a Coze time
    /// (text in `yyyy-MM-dd HH:mm:ss` form, a real date and time)", "an integer".
    pub fn expected(&self) -> Words<'a> {
        match (&self.clause, self.in_messages) {
            (Some(clause), true) => self.noun.clone().text(" (").then(clause.clone()).text(")"),
            _ => self.noun.clone(),
        }
    }
}

impl Types {
    /// The rule of a value of type `ty` in this node, for the platform the document came from.
    pub fn rule<'a>(&self, ty: &'a Type) -> Rule<'a> {
        Rule::of(ty, self.files)
    }
}

/// How the IR JSON states the integer rule's form.
pub const INTEGER_FORM: &str = "an integer literal: no fraction, no exponent";
/// How the IR JSON states what a `number` value is.
pub const NUMBER_RULE: &str = "any JSON number, read as the nearest 64-bit float";
/// How the IR JSON states when `null` is a value.
pub const NULL_RULE: &str = "a value only of `any`; an optional parameter is left out instead";
/// How the IR JSON states that arrays may be empty.
pub const EMPTY_ARRAY_RULE: &str = "valid, also for a required parameter";

/// Whether a parameter of type `ty` takes `null` as a value.
pub fn accepts_null(ty: &Type) -> bool {
    matches!(ty, Type::Any(_))
}

/// What a JSON number is as an integer value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntegerCheck {
    /// An integer literal within 64 bits, with its value.
    Valid(i64),
    /// Written with a fraction or an exponent (`1.0`, `1e3`), even if its value is whole.
    NotInteger,
    /// An integer beyond [`INTEGER_MIN`]..=[`INTEGER_MAX`].
    OutOfRange,
}

/// Reads `n` as an integer value. serde_json keeps integer literals within 64 bits as
/// integers and reads everything else as a float (`1.0`, `1e3`, and also `-0`, whose sign only a
/// float can keep), so the number's own representation says whether it is an integer value.
pub fn integer(n: &Number) -> IntegerCheck {
    if let Some(i) = n.as_i64() {
        IntegerCheck::Valid(i)
    } else if n.is_u64() {
        IntegerCheck::OutOfRange
    } else {
        IntegerCheck::NotInteger
    }
}

/// One reason a run's parameters would be refused or misread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where, e.g. `lines[2].qty`; empty for the parameters object itself.
    pub path: String,
    /// What is wrong, for a person to read.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "parameters: {}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Every problem with `value` as the parameters of a node shaped like `types`, in document
/// order (each parameter's problems, then those inside it, then unknown keys). An empty list
/// means the value is valid. Linear in the size of the value and of the node's types.
pub fn check(types: &Types, value: &Value) -> Vec<Problem> {
    Checker::new(types).run(&ROOT, value)
}

/// [`check`], quoting each number as `written` gives it (`1e3`, not `1000.0`): the words of
/// a problem are the user's own.
pub fn check_as_written(types: &Types, value: &Value, written: &NumberTexts) -> Vec<Problem> {
    let mut checker = Checker::new(types);
    checker.written = Some(written);
    checker.run(&ROOT, value)
}

/// Every problem with `value` as a value of type `ty` (a parameter's, or an array's
/// elements') in a node shaped like `types`; paths start at the value itself.
pub fn check_value(types: &Types, ty: &Type, value: &Value) -> Vec<Problem> {
    Checker::new(types).run(ty, value)
}

/// One step from a value to a value inside it.
#[derive(Clone, Copy)]
enum Step<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

enum Task<'a> {
    /// Check `value` against `ty`; `trail` is its place in [`Checker::trail`].
    Value {
        ty: &'a Type,
        value: &'a Value,
        trail: usize,
    },
    /// Check the declared field `field` of `object` in `map`.
    Field {
        object: ObjectId,
        field: usize,
        map: &'a Map<String, Value>,
        trail: usize,
    },
    /// Report the keys of `map` that `object` does not declare.
    Unknown {
        object: ObjectId,
        map: &'a Map<String, Value>,
        trail: usize,
    },
}

struct Checker<'a> {
    types: &'a Types,
    /// Every place visited: its parent's index and the step from there.
    trail: Vec<(usize, Step<'a>)>,
    /// Field names by object, for objects too large to search.
    names: HashMap<ObjectId, HashMap<&'a str, usize>>,
    problems: Vec<Problem>,
    /// How the numbers of the value were written, when known.
    written: Option<&'a NumberTexts>,
}

/// Objects with more fields than this get a name index instead of a linear search.
const INDEX_FROM: usize = 16;

/// The root object's type, for the checker's first task.
static ROOT: Type = Type::Object(Types::ROOT);

impl<'a> Checker<'a> {
    fn new(types: &'a Types) -> Self {
        Checker {
            types,
            trail: vec![(0, Step::Root)],
            names: HashMap::new(),
            problems: Vec::new(),
            written: None,
        }
    }

    fn run(mut self, ty: &'a Type, value: &'a Value) -> Vec<Problem> {
        let mut tasks = vec![Task::Value {
            ty,
            value,
            trail: 0,
        }];
        while let Some(task) = tasks.pop() {
            match task {
                Task::Value { ty, value, trail } => self.value(ty, value, trail, &mut tasks),
                Task::Field {
                    object,
                    field,
                    map,
                    trail,
                } => {
                    let f = &self.types.object(object).fields[field];
                    let place = self.child(trail, Step::Key(&f.name));
                    match map.get(&f.name) {
                        None if f.required => {
                            self.report(place, "required parameter is missing".to_owned())
                        }
                        None => {}
                        Some(v) => tasks.push(Task::Value {
                            ty: &f.ty,
                            value: v,
                            trail: place,
                        }),
                    }
                }
                Task::Unknown { object, map, trail } => {
                    for key in map.keys() {
                        if self.field_index(object, key).is_none() {
                            let place = self.child(trail, Step::Key(key));
                            let message = if object == Types::ROOT
                                && self.types.message_param == Some(key.as_str())
                            {
                                // Coze would drop it without a word, and the chat would go on
                                // without the user's message.
                                "is a chatflow's message, which the chat API ignores in \
                                 `parameters`: send it as the user message in \
                                 `additional_messages` (cozegen run --message)"
                            } else {
                                "is not a parameter of this workflow"
                            };
                            self.report(place, message.to_owned());
                        }
                    }
                }
            }
        }
        self.problems
    }

    fn value(&mut self, ty: &'a Type, value: &'a Value, trail: usize, tasks: &mut Vec<Task<'a>>) {
        let message = match (ty, value) {
            (Type::Any(_), _) => return,
            (_, Value::Null) => format!(
                "expected {}, got null (leave out a parameter that has no value)",
                self.types.rule(ty).expected()
            ),
            (Type::String, Value::String(_)) => return,
            (Type::Integer, Value::Number(n)) => match integer(n) {
                IntegerCheck::Valid(_) => return,
                IntegerCheck::NotInteger => match n.as_f64() {
                    Some(f) if f == 0.0 && f.is_sign_negative() => {
                        "expected an integer, got -0 (write 0: -0 is not an integer value)"
                            .to_owned()
                    }
                    // An integer literal beyond 64 bits reaches here as a float too.
                    Some(f) if f.fract() == 0.0 && f.abs() >= -(INTEGER_MIN as f64) => format!(
                        "expected an integer from {INTEGER_MIN} to {INTEGER_MAX}, got {}",
                        self.shown(value, trail)
                    ),
                    _ => format!(
                        "expected an integer, got {} (an integer is written without a fraction \
                         or exponent)",
                        self.shown(value, trail)
                    ),
                },
                IntegerCheck::OutOfRange => format!(
                    "expected an integer from {INTEGER_MIN} to {INTEGER_MAX}, got {}",
                    self.shown(value, trail)
                ),
            },
            (Type::Number, Value::Number(_)) => return,
            (Type::Boolean, Value::Bool(_)) => return,
            (Type::Time, Value::String(s)) if is_time(s) => return,
            (Type::File(_), Value::String(s)) if self.types.files.accepts(s) => return,
            (Type::File(_), Value::String(s)) if is_file_value(s) => format!(
                "expected {}, got {}: a file_id is for Coze's cloud; upload the file somewhere \
                 the Studio server can download it and give its URL",
                self.types.rule(ty).expected(),
                self.shown(value, trail)
            ),
            (Type::Map, Value::Object(_)) => return,
            (Type::Object(id), Value::Object(map)) => {
                let object = self.types.object(*id);
                if object.closed {
                    tasks.push(Task::Unknown {
                        object: *id,
                        map,
                        trail,
                    });
                }
                for field in (0..object.fields.len()).rev() {
                    tasks.push(Task::Field {
                        object: *id,
                        field,
                        map,
                        trail,
                    });
                }
                return;
            }
            (Type::Array(id), Value::Array(items)) => {
                let item_ty = &self.types.array(*id).items;
                let first = self.trail.len();
                for i in 0..items.len() {
                    self.trail.push((trail, Step::Index(i)));
                }
                for (i, item) in items.iter().enumerate().rev() {
                    tasks.push(Task::Value {
                        ty: item_ty,
                        value: item,
                        trail: first + i,
                    });
                }
                return;
            }
            _ => format!(
                "expected {}, got {}",
                self.types.rule(ty).expected(),
                self.shown(value, trail)
            ),
        };
        self.report(trail, message);
    }

    /// A value at `place` as a message quotes it: a number as it was written, when that is
    /// known.
    fn shown(&self, value: &Value, place: usize) -> String {
        let written = self
            .written
            .filter(|w| value.is_number() && !w.is_empty())
            .and_then(|w| w.get(&self.json_path(place)));
        match written {
            Some(text) => printable(text, 60),
            None => shown(value),
        }
    }

    /// The steps from the checked value to `place`, as [`NumberTexts`] keys them.
    fn json_path(&self, place: usize) -> Vec<JsonStep> {
        let mut steps = Vec::new();
        let mut at = place;
        while at != 0 {
            let (parent, step) = self.trail[at];
            match step {
                Step::Root => {}
                Step::Key(key) => steps.push(JsonStep::Key(key.to_owned())),
                Step::Index(i) => steps.push(JsonStep::Index(i)),
            }
            at = parent;
        }
        steps.reverse();
        steps
    }

    fn child(&mut self, parent: usize, step: Step<'a>) -> usize {
        self.trail.push((parent, step));
        self.trail.len() - 1
    }

    fn field_index(&mut self, object: ObjectId, key: &str) -> Option<usize> {
        let fields = &self.types.object(object).fields;
        if fields.len() <= INDEX_FROM {
            return fields.iter().position(|f| f.name == key);
        }
        self.names
            .entry(object)
            .or_insert_with(|| {
                fields
                    .iter()
                    .enumerate()
                    .map(|(i, f)| (f.name.as_str(), i))
                    .collect()
            })
            .get(key)
            .copied()
    }

    fn report(&mut self, place: usize, message: String) {
        self.problems.push(Problem {
            path: self.path(place),
            message,
        });
    }

    /// The path of a place, e.g. `lines[2].qty` or `["odd name"]`.
    fn path(&self, place: usize) -> String {
        let mut steps = Vec::new();
        let mut at = place;
        while at != 0 {
            let (parent, step) = self.trail[at];
            steps.push(step);
            at = parent;
        }
        let mut out = String::new();
        for step in steps.iter().rev() {
            match step {
                Step::Root => {}
                Step::Key(key) if is_plain(key) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                }
                Step::Key(key) => {
                    out.push('[');
                    out.push_str(&quote(key));
                    out.push(']');
                }
                Step::Index(i) => {
                    use fmt::Write as _;
                    let _ = write!(out, "[{i}]");
                }
            }
        }
        out
    }
}

/// A value as a message shows it: containers by kind, scalars as JSON, cut short.
fn shown(value: &Value) -> String {
    match value {
        Value::Object(_) => "an object".to_owned(),
        Value::Array(_) => "an array".to_owned(),
        other => printable(&other.to_string(), 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_values_are_real_dates_and_times() {
        for ok in [
            "2025-07-01 09:30:00",
            "2024-02-29 23:59:59",
            "2000-02-29 00:00:00",
            "0001-01-01 00:00:00",
            "9999-12-31 23:59:59",
        ] {
            assert!(is_time(ok), "{ok}");
        }
        for bad in [
            "2025-07-01 09:30",
            "2025-07-01T09:30:00",
            "2025-02-29 00:00:00",
            "1900-02-29 00:00:00",
            "2025-04-31 00:00:00",
            "2025-13-01 00:00:00",
            "0000-01-01 00:00:00",
            "2025-07-01 24:00:00",
            "2025-07-01 09:60:00",
            "２０２５-07-01 09:30:00",
            " 2025-07-01 09:30:00",
            "tomorrow",
            "",
        ] {
            assert!(!is_time(bad), "{bad}");
        }
    }

    #[test]
    fn file_values_are_urls_or_file_id_json() {
        for ok in [
            "https://example.com/a.png",
            "http://x",
            "https://例子.cn/文件.pdf",
            r#"{"file_id":"7351"}"#,
            " { \"file_id\" : \"abc-1\" }\n",
        ] {
            assert!(is_file_value(ok), "{ok}");
        }
        for bad in [
            "",
            " ",
            "7351",
            "https://",
            "https:// x",
            "https://a b",
            "ftp://x/y",
            "HTTPS://x",
            r#"{"file_id":""}"#,
            r#"{"file_id":7351}"#,
            r#"{"file_id":"a\"b"}"#,
            r#"{"file_id":"1","x":2}"#,
            r#"{"id":"1"}"#,
            "{\"file_id\":\"a\u{1}\"}",
        ] {
            assert!(!is_file_value(bad), "{bad}");
        }
    }

    #[test]
    fn studio_file_values_are_urls_only() {
        for ok in [
            "https://example.com/a.png",
            "http://x",
            "https://例子.cn/文件.pdf",
        ] {
            assert!(FileValues::UrlOnly.accepts(ok), "{ok}");
            assert!(FileValues::UrlOrFileId.accepts(ok), "{ok}");
        }
        for cloud_only in [r#"{"file_id":"7351"}"#, " { \"file_id\" : \"abc-1\" }\n"] {
            assert!(!FileValues::UrlOnly.accepts(cloud_only), "{cloud_only}");
            assert!(FileValues::UrlOrFileId.accepts(cloud_only), "{cloud_only}");
        }
        for bad in ["", "7351", "https://", "https://a b", "ftp://x/y"] {
            assert!(!FileValues::UrlOnly.accepts(bad), "{bad}");
        }
    }

    #[test]
    fn integers_are_integer_literals_in_range() {
        let n = |t: &str| integer(&serde_json::from_str::<Number>(t).expect("number"));
        assert_eq!(n("42"), IntegerCheck::Valid(42));
        assert_eq!(n("-9223372036854775808"), IntegerCheck::Valid(i64::MIN));
        assert_eq!(n("9223372036854775808"), IntegerCheck::OutOfRange);
        assert_eq!(n("1.0"), IntegerCheck::NotInteger);
        assert_eq!(n("1e3"), IntegerCheck::NotInteger);
        assert_eq!(n("-9223372036854775809"), IntegerCheck::NotInteger);
        assert_eq!(n("-0"), IntegerCheck::NotInteger);
    }

    proptest::proptest! {
        #[test]
        fn the_patterns_are_the_code(
            s in "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}|\
                  [0-2][0-9]{3}-(0[1-9]|1[0-2])-(2[89]|3[01]) ([01][0-9]|2[0-4]):[0-6][0-9]:[0-6][0-9]|\
                  (https?|ftp):/{0,2}[a-z \\x00-\\x7f\\u{a0}\\u{feff}é]{0,6}|\
                  [ \\t\\n\\r]{0,2}\\{[ \\t]?\"(file_id|id)\"[ ]?:[ ]?\"[a-z0-9\"\\\\\\x00-\\x1f]{0,4}\"[ \\n]?\\}[ \\r]?|\
                  .{0,20}"
        ) {
            let time = regex::Regex::new(TIME_PATTERN).expect("time pattern");
            let file = regex::Regex::new(FILE_PATTERN).expect("file pattern");
            proptest::prop_assert_eq!(is_time(&s), time.is_match(&s), "time {:?}", s);
            proptest::prop_assert_eq!(is_file_value(&s), file.is_match(&s), "file {:?}", s);
            let url = regex::Regex::new(FILE_URL_PATTERN).expect("file URL pattern");
            proptest::prop_assert_eq!(is_file_url(&s), url.is_match(&s), "file URL {:?}", s);
            proptest::prop_assert_eq!(
                FileValues::UrlOnly.accepts(&s),
                is_file_value(&s) && s.starts_with("http"),
                "a Studio file value is a cloud file value that is a URL: {:?}",
                s
            );
        }
    }
}
