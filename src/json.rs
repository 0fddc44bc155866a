//! JSON without deep recursion on the caller's stack.
//!
//! cozegen reads documents nested thousands of levels deep and writes schemas as deep. serde's
//! visitors recurse once per level (kilobytes a level in a debug build), so the few places that
//! must recurse over JSON — reading it, and turning a Coze Studio canvas into parameters — run
//! through `with_stack`, which is handed the depth `depth` measured before parsing and gives the
//! reader a thread whose stack is sized to it. Everything else walks
//! JSON with explicit stacks: [`Writer`] writes nested JSON and [`Builder`] builds it as a value
//! (both are a [`Sink`] a walker over the IR writes into), [`Deep`] holds a parsed value and
//! drops it level by level, and [`Text`] keeps a nested wire value as compact JSON text. No
//! caller needs a big thread, and memory follows the document's actual depth.
//!
//! A thread sized per document, rather than a stack that grows on demand (the `stacker`
//! crate), keeps a lean build of cozegen free of the C toolchain and the three crates that
//! stack switching takes to build.

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::fmt;

/// Nesting read on the caller's own stack: any thread a caller runs cozegen on has room for
/// this many levels, even in a debug build.
const INLINE_DEPTH: usize = 24;
/// Stack a reader thread takes besides its levels: the frames above the first one.
const STACK_BASE: usize = 1 << 20;
/// Stack one level of JSON nesting may take while it is read: four times the most measured in
/// a debug build (a parameter object, or a canvas variable, read at the deepest nesting
/// allowed needs between 3 and 4 KiB a level). Only what a read touches is committed, so the
/// margin costs address space, not memory.
const STACK_PER_LEVEL: usize = 16 << 10;

/// Runs `f`, which recurses once per level of JSON nested `depth` deep: on the caller's stack
/// when that is shallow, on a thread with room for every level otherwise. The error is the
/// system's refusal to start that thread.
pub(crate) fn with_stack<R: Send>(
    depth: usize,
    f: impl FnOnce() -> R + Send,
) -> std::io::Result<R> {
    if depth <= INLINE_DEPTH {
        return Ok(f());
    }
    let size = STACK_BASE.saturating_add(depth.saturating_mul(STACK_PER_LEVEL));
    std::thread::scope(|scope| {
        let reader = std::thread::Builder::new()
            .name("cozegen-reader".to_owned())
            .stack_size(size)
            .spawn_scoped(scope, f)?;
        match reader.join() {
            Ok(result) => Ok(result),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// The deepest nesting of `{` and `[` in JSON text, brackets inside strings not counted; or,
/// when it goes deeper than `limit`, `Err` with the offset of the bracket that did. Every
/// document goes through here before it is parsed, so strings are skipped eight bytes at a
/// time.
pub(crate) fn depth(bytes: &[u8], limit: usize) -> Result<usize, usize> {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() {
                    i = skip_plain_string_bytes(bytes, i);
                    match bytes.get(i) {
                        Some(b'"') | None => break,
                        // An escape: the next byte is part of it (an escaped quote included).
                        Some(b'\\') => i += 2,
                        Some(_) => i += 1,
                    }
                }
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > limit {
                    return Err(i);
                }
                deepest = deepest.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(deepest)
}

/// The index of the first `"` or `\\` at or after `from` (or the length): eight bytes at a
/// time, since most of a document is the text inside its strings.
fn skip_plain_string_bytes(bytes: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS != 0;
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        if has_zero_byte(word ^ (ONES * u64::from(b'"')))
            || has_zero_byte(word ^ (ONES * u64::from(b'\\')))
        {
            break;
        }
        i += 8;
    }
    while i < bytes.len() && !matches!(bytes[i], b'"' | b'\\') {
        i += 1;
    }
    i
}

/// A parsed JSON value that is dropped level by level, however deep it is.
#[derive(Debug, Default, PartialEq)]
pub struct Deep(Value);

impl Deep {
    /// Parses JSON text nested up to [`crate::limits::MAX_JSON_DEPTH`] levels, on a thread sized
    /// to its depth when it is deep.
    pub fn from_slice(bytes: &[u8]) -> serde_json::Result<Deep> {
        let limit = crate::limits::MAX_JSON_DEPTH;
        let depth = depth(bytes, limit).map_err(|_| {
            de::Error::custom(format_args!("JSON nested deeper than {limit} levels"))
        })?;
        let parse = || {
            let mut de = serde_json::Deserializer::from_slice(bytes);
            de.disable_recursion_limit();
            let value = Deep::deserialize(&mut de)?;
            de.end()?;
            Ok(value)
        };
        with_stack(depth, parse).unwrap_or_else(|e| {
            Err(de::Error::custom(format_args!(
                "cannot start a thread to read JSON nested {depth} levels deep: {e}"
            )))
        })
    }

    /// The value.
    pub fn value(&self) -> &Value {
        &self.0
    }

    /// The value, taken out: from here the caller drops it (with [`drop_value`] if it may be
    /// deep).
    pub fn into_value(mut self) -> Value {
        std::mem::take(&mut self.0)
    }
}

impl std::str::FromStr for Deep {
    type Err = serde_json::Error;

    /// Parses JSON text, as [`Deep::from_slice`] does.
    fn from_str(text: &str) -> serde_json::Result<Deep> {
        Deep::from_slice(text.as_bytes())
    }
}

impl From<Value> for Deep {
    fn from(value: Value) -> Self {
        Deep(value)
    }
}

impl Drop for Deep {
    fn drop(&mut self) {
        drop_value(std::mem::take(&mut self.0));
    }
}

/// Reading a `Deep` as part of a larger value recurses once per level on the caller's stack:
/// [`Deep::from_slice`] sizes a thread for it.
impl<'de> Deserialize<'de> for Deep {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        ValueSeed.deserialize(deserializer).map(Deep)
    }
}

/// Drops `value` without recursion: a value nested thousands of levels deep would otherwise
/// take one stack frame (or several) per level on the way down.
pub fn drop_value(value: Value) {
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => stack.extend(map.into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}

/// Elements under construction; if reading fails halfway, what was read is dropped level by
/// level.
struct Partial(Vec<Value>);

impl Drop for Partial {
    fn drop(&mut self) {
        drop_value(Value::Array(std::mem::take(&mut self.0)));
    }
}

/// Members under construction, dropped like [`Partial`].
struct PartialMap(Map<String, Value>);

impl Drop for PartialMap {
    fn drop(&mut self) {
        drop_value(Value::Object(std::mem::take(&mut self.0)));
    }
}

/// Reads a [`Value`] (one level of recursion per level of nesting).
struct ValueSeed;

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("a number that is not finite"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Partial(Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096)));
        while let Some(item) = seq.next_element_seed(ValueSeed)? {
            items.0.push(item);
        }
        Ok(Value::Array(std::mem::take(&mut items.0)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = PartialMap(Map::new());
        while let Some(key) = access.next_key::<String>()? {
            let value = access.next_value_seed(ValueSeed)?;
            // A repeated key keeps its last value, as JSON.parse and serde_json do.
            if let Some(old) = map.0.insert(key, value) {
                drop_value(old);
            }
        }
        Ok(Value::Object(std::mem::take(&mut map.0)))
    }
}

/// Any JSON value on the wire, kept as compact JSON text: a nested value costs no recursion to
/// hold, compare or drop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut out = String::new();
        TextSeed(&mut out).deserialize(deserializer)?;
        Ok(Text(out))
    }
}

/// Writes the value it reads onto a string (one level of recursion per level of nesting).
struct TextSeed<'a>(&'a mut String);

impl<'de> DeserializeSeed<'de> for TextSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(TextVisitor(self.0))
    }
}

struct TextVisitor<'a>(&'a mut String);

impl<'de> Visitor<'de> for TextVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.0.push_str(if v { "true" } else { "false" });
        Ok(())
    }

    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        push_display(self.0, v);
        Ok(())
    }

    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        push_display(self.0, v);
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        let n = Number::from_f64(v).ok_or_else(|| E::custom("a number that is not finite"))?;
        push_display(self.0, n);
        Ok(())
    }

    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        push_string(self.0, v);
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.0.push_str("null");
        Ok(())
    }

    fn visit_none<E>(self) -> Result<(), E> {
        self.0.push_str("null");
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.0.push('[');
        let mut first = true;
        loop {
            let mark = self.0.len();
            if !first {
                self.0.push(',');
            }
            if seq.next_element_seed(TextSeed(self.0))?.is_none() {
                self.0.truncate(mark);
                break;
            }
            first = false;
        }
        self.0.push(']');
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.0.push('{');
        let mut first = true;
        while let Some(key) = map.next_key::<String>()? {
            if !first {
                self.0.push(',');
            }
            first = false;
            push_string(self.0, &key);
            self.0.push(':');
            map.next_value_seed(TextSeed(self.0))?;
        }
        self.0.push('}');
        Ok(())
    }
}

fn push_display(out: &mut String, value: impl fmt::Display) {
    use fmt::Write as _;
    let _ = write!(out, "{value}");
}

/// `s` as a JSON string literal, escaped exactly as serde_json escapes it: `"`, `\` and the
/// control characters below U+0020 (as `\n`, `\t`, … or `\u00XX`); everything else as it is.
pub fn push_string(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    let mut start = 0;
    for (i, byte) in s.bytes().enumerate() {
        let short = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if short.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(HEX[usize::from(byte >> 4)] as char);
            out.push(HEX[usize::from(byte & 0xf)] as char);
        } else {
            out.push_str(short);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// `f` as JSON: the shortest text that reads back as the same float, always with a point or an
/// exponent (`1.0`, `0.7`, `1e+300`), as serde_json writes it. `None` for NaN and infinities,
/// which JSON cannot hold.
pub fn float_text(f: f64) -> Option<String> {
    Number::from_f64(f).map(|n| n.to_string())
}

/// Writes JSON text without recursion: the caller opens and closes containers as it walks its
/// own data. Pretty output has serde_json's layout (two-space indent, `"key": value`, empty
/// containers as `{}` and `[]`), so it reads like every other JSON cozegen writes.
pub struct Writer {
    out: String,
    pretty: bool,
    /// One entry per open container: whether it has an element yet.
    open: Vec<bool>,
    /// A key was just written: the next value follows it on the same line.
    after_key: bool,
}

impl Writer {
    /// A writer for indented output.
    pub fn pretty(capacity: usize) -> Writer {
        Writer {
            out: String::with_capacity(capacity),
            pretty: true,
            open: Vec::new(),
            after_key: false,
        }
    }

    /// A writer for output on one line, without spaces.
    pub fn compact(capacity: usize) -> Writer {
        Writer {
            pretty: false,
            ..Writer::pretty(capacity)
        }
    }

    /// The text written so far.
    pub fn finish(self) -> String {
        self.out
    }

    /// Separator and indentation before a value or key.
    fn element(&mut self) {
        if std::mem::take(&mut self.after_key) {
            return;
        }
        let Some(has_elements) = self.open.last_mut() else {
            return;
        };
        if std::mem::replace(has_elements, true) {
            self.out.push(',');
        }
        if self.pretty {
            self.out.push('\n');
            self.indent(self.open.len());
        }
    }

    fn indent(&mut self, levels: usize) {
        for _ in 0..levels {
            self.out.push_str("  ");
        }
    }

    /// Opens an object, as the next element or the value of the last [`Writer::key`].
    pub fn begin_object(&mut self) {
        self.element();
        self.out.push('{');
        self.open.push(false);
    }

    /// Closes the innermost object.
    pub fn end_object(&mut self) {
        self.close('}');
    }

    /// Opens an array, as the next element or the value of the last [`Writer::key`].
    pub fn begin_array(&mut self) {
        self.element();
        self.out.push('[');
        self.open.push(false);
    }

    /// Closes the innermost array.
    pub fn end_array(&mut self) {
        self.close(']');
    }

    fn close(&mut self, bracket: char) {
        if self.open.pop() == Some(true) && self.pretty {
            self.out.push('\n');
            self.indent(self.open.len());
        }
        self.out.push(bracket);
    }

    /// An object key; the value written next belongs to it.
    pub fn key(&mut self, key: &str) {
        self.element();
        push_string(&mut self.out, key);
        self.out.push_str(if self.pretty { ": " } else { ":" });
        self.after_key = true;
    }

    /// A string, escaped as JSON.
    pub fn string(&mut self, s: &str) {
        self.element();
        push_string(&mut self.out, s);
    }

    /// `true` or `false`.
    pub fn bool(&mut self, b: bool) {
        self.element();
        self.out.push_str(if b { "true" } else { "false" });
    }

    /// `null`.
    pub fn null(&mut self) {
        self.element();
        self.out.push_str("null");
    }

    /// An integer of any primitive type, written exactly.
    pub fn integer(&mut self, i: impl Into<i128>) {
        self.element();
        push_display(&mut self.out, i.into());
    }

    /// A finite float; `null` for one JSON cannot hold (cozegen's values never are).
    pub fn float(&mut self, f: f64) {
        match float_text(f) {
            Some(text) => self.raw_scalar(&text),
            None => self.null(),
        }
    }

    /// A scalar already written as JSON (a number's text, `true`, …).
    pub fn raw_scalar(&mut self, json: &str) {
        self.element();
        self.out.push_str(json);
    }

    /// `key` and a string value.
    pub fn entry_str(&mut self, key: &str, value: &str) {
        self.key(key);
        self.string(value);
    }

    /// `key` and a string value or `null`.
    pub fn entry_opt(&mut self, key: &str, value: Option<&str>) {
        self.key(key);
        match value {
            Some(v) => self.string(v),
            None => self.null(),
        }
    }

    /// A whole JSON value, written level by level.
    pub fn value(&mut self, value: &Value) {
        enum Step<'a> {
            Value(&'a Value),
            Key(&'a str),
            EndObject,
            EndArray,
        }
        let mut stack = vec![Step::Value(value)];
        while let Some(step) = stack.pop() {
            match step {
                Step::Key(k) => self.key(k),
                Step::EndObject => self.end_object(),
                Step::EndArray => self.end_array(),
                Step::Value(v) => match v {
                    Value::Null => self.null(),
                    Value::Bool(b) => self.bool(*b),
                    Value::Number(n) => self.raw_scalar(&n.to_string()),
                    Value::String(s) => self.string(s),
                    Value::Array(items) => {
                        self.begin_array();
                        stack.push(Step::EndArray);
                        stack.extend(items.iter().rev().map(Step::Value));
                    }
                    Value::Object(map) => {
                        self.begin_object();
                        stack.push(Step::EndObject);
                        for (k, v) in map.iter().rev() {
                            stack.push(Step::Value(v));
                            stack.push(Step::Key(k));
                        }
                    }
                },
            }
        }
    }

    /// A value given as compact JSON text ([`Text`], a `map` or `any` default): inserted as it
    /// is in compact output, re-laid out in pretty output.
    pub fn json_text(&mut self, text: &str) {
        if !self.pretty || !text.starts_with(['{', '[']) {
            self.raw_scalar(text);
            return;
        }
        match text.parse::<Deep>() {
            Ok(deep) => self.value(deep.value()),
            Err(_) => self.raw_scalar(text),
        }
    }
}

/// Where a walker writes JSON, in document order: text ([`Writer`]) or a value ([`Builder`]).
/// A walker over the IR writes one schema or document into either without knowing which, so
/// nothing is rendered as text to be parsed back; neither recurses.
pub trait Sink {
    /// Opens an object, as the next element or the value of the last [`Sink::key`].
    fn begin_object(&mut self);
    /// Closes the innermost object.
    fn end_object(&mut self);
    /// Opens an array, as the next element or the value of the last [`Sink::key`].
    fn begin_array(&mut self);
    /// Closes the innermost array.
    fn end_array(&mut self);
    /// An object key; the value written next belongs to it.
    fn key(&mut self, key: &str);
    /// A string.
    fn string(&mut self, s: &str);
    /// `true` or `false`.
    fn bool(&mut self, b: bool);
    /// `null`.
    fn null(&mut self);
    /// An integer of any primitive type, kept exact.
    fn integer(&mut self, i: impl Into<i128>);
    /// A finite float; `null` for one JSON cannot hold.
    fn float(&mut self, f: f64);
    /// A value given as compact JSON text ([`Text`], a `map` or `any` default).
    fn json_text(&mut self, text: &str);

    /// `key` and a string value.
    fn entry_str(&mut self, key: &str, value: &str) {
        self.key(key);
        self.string(value);
    }

    /// `key` and a string value or `null`.
    fn entry_opt(&mut self, key: &str, value: Option<&str>) {
        self.key(key);
        match value {
            Some(v) => self.string(v),
            None => self.null(),
        }
    }
}

impl Sink for Writer {
    fn begin_object(&mut self) {
        Writer::begin_object(self);
    }

    fn end_object(&mut self) {
        Writer::end_object(self);
    }

    fn begin_array(&mut self) {
        Writer::begin_array(self);
    }

    fn end_array(&mut self) {
        Writer::end_array(self);
    }

    fn key(&mut self, key: &str) {
        Writer::key(self, key);
    }

    fn string(&mut self, s: &str) {
        Writer::string(self, s);
    }

    fn bool(&mut self, b: bool) {
        Writer::bool(self, b);
    }

    fn null(&mut self) {
        Writer::null(self);
    }

    fn integer(&mut self, i: impl Into<i128>) {
        Writer::integer(self, i);
    }

    fn float(&mut self, f: f64) {
        Writer::float(self, f);
    }

    fn json_text(&mut self, text: &str) {
        Writer::json_text(self, text);
    }
}

/// Builds a [`Value`] from what a walker writes, level by level: each container is kept open
/// on a stack until it is closed, then goes into its parent. A value as deep as any document
/// is built without recursion, and dropped without it ([`drop_value`]) if building stops
/// halfway.
#[derive(Debug, Default)]
pub struct Builder {
    /// The open containers, outermost first, each with the key it goes under in its parent.
    open: Vec<(Option<String>, Value)>,
    /// The key of the next member of the innermost object.
    key: Option<String>,
    /// The value, once its outermost container is closed (or it was a scalar).
    done: Option<Value>,
}

impl Builder {
    /// An empty builder.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// The value built; `null` if nothing was written. The caller drops it (with
    /// [`drop_value`] if it may be deep).
    pub fn finish(mut self) -> Value {
        debug_assert!(self.open.is_empty(), "every container closed");
        self.done.take().unwrap_or(Value::Null)
    }

    /// Puts a complete value where the walker is: into the innermost container, or as the
    /// result.
    fn push(&mut self, value: Value) {
        match self.open.last_mut() {
            None => self.done = Some(value),
            Some((_, Value::Array(items))) => items.push(value),
            Some((_, Value::Object(map))) => {
                let key = self.key.take().unwrap_or_default();
                // A repeated key keeps its first place and its last value, as when parsed.
                if let Some(old) = map.insert(key, value) {
                    drop_value(old);
                }
            }
            Some(_) => unreachable!("only containers are open"),
        }
    }

    fn open(&mut self, container: Value) {
        let key = self.key.take();
        self.open.push((key, container));
    }

    fn close(&mut self) {
        if let Some((key, container)) = self.open.pop() {
            self.key = key;
            self.push(container);
        }
    }
}

impl Drop for Builder {
    fn drop(&mut self) {
        for (_, container) in self.open.drain(..) {
            drop_value(container);
        }
        if let Some(done) = self.done.take() {
            drop_value(done);
        }
    }
}

impl Sink for Builder {
    fn begin_object(&mut self) {
        self.open(Value::Object(Map::new()));
    }

    fn end_object(&mut self) {
        self.close();
    }

    fn begin_array(&mut self) {
        self.open(Value::Array(Vec::new()));
    }

    fn end_array(&mut self) {
        self.close();
    }

    fn key(&mut self, key: &str) {
        self.key = Some(key.to_owned());
    }

    fn string(&mut self, s: &str) {
        self.push(Value::String(s.to_owned()));
    }

    fn bool(&mut self, b: bool) {
        self.push(Value::Bool(b));
    }

    fn null(&mut self) {
        self.push(Value::Null);
    }

    fn integer(&mut self, i: impl Into<i128>) {
        let i = i.into();
        let n = match (i64::try_from(i), u64::try_from(i)) {
            (Ok(i), _) => Number::from(i),
            (_, Ok(u)) => Number::from(u),
            // Beyond 64 bits: as JSON readers hold such a number.
            _ => match Number::from_f64(i as f64) {
                Some(n) => n,
                None => return self.null(),
            },
        };
        self.push(Value::Number(n));
    }

    fn float(&mut self, f: f64) {
        self.push(Number::from_f64(f).map_or(Value::Null, Value::Number));
    }

    fn json_text(&mut self, text: &str) {
        // The text is cozegen's own compact JSON (a default): it reads back, level by level.
        let value = text
            .parse::<Deep>()
            .map_or_else(|_| Value::String(text.to_owned()), Deep::into_value);
        self.push(value);
    }
}

/// `value` as compact JSON text, level by level.
pub fn to_compact(value: &Value) -> String {
    let mut writer = Writer::compact(64);
    writer.value(value);
    writer.finish()
}

/// The numbers of a JSON document as they were written (`1e3`, a 30-digit integer), for the
/// ones whose parsed value would print otherwise (`1000.0`, `1.2345678901234568e+29`): a
/// message about a value quotes what the user typed. Keyed by the path to each number, as a
/// checker that walks the parsed value knows it.
#[derive(Debug, Default)]
pub struct NumberTexts(std::collections::HashMap<Vec<JsonStep>, String>);

/// One step from a JSON value to a value inside it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum JsonStep {
    /// The member with this key.
    Key(String),
    /// The element at this index.
    Index(usize),
}

impl NumberTexts {
    /// The numbers of valid JSON text `bytes` whose text is not how the parsed number prints,
    /// scanned without recursion. A key given twice is read as serde_json reads it: the last
    /// value counts.
    pub fn of(bytes: &[u8]) -> NumberTexts {
        NumberTexts(number_texts_by_path(bytes))
    }

    /// How the number at `path` was written, when that differs from how it prints.
    pub fn get(&self, path: &[JsonStep]) -> Option<&str> {
        self.0.get(path).map(String::as_str)
    }

    /// Whether every number prints as it was written.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Every number literal of valid JSON text that prints otherwise once parsed, by the path to
/// it, scanned without recursion.
fn number_texts_by_path(bytes: &[u8]) -> std::collections::HashMap<Vec<JsonStep>, String> {
    enum Frame {
        Object { expect_key: bool },
        Array { next: usize },
    }
    let mut out = std::collections::HashMap::new();
    let mut frames: Vec<Frame> = Vec::new();
    let mut path: Vec<JsonStep> = Vec::new();
    // A value starts: in an array, it is the next element.
    let begin = |frames: &mut Vec<Frame>, path: &mut Vec<JsonStep>| {
        if let Some(Frame::Array { next }) = frames.last_mut() {
            path.push(JsonStep::Index(*next));
            *next += 1;
        }
    };
    // A value ended: its step (key or index) is done with.
    let end = |frames: &[Frame], path: &mut Vec<JsonStep>| {
        if !frames.is_empty() {
            path.pop();
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => {
                begin(&mut frames, &mut path);
                frames.push(Frame::Object { expect_key: true });
                i += 1;
            }
            b'[' => {
                begin(&mut frames, &mut path);
                frames.push(Frame::Array { next: 0 });
                i += 1;
            }
            b'}' | b']' => {
                frames.pop();
                end(&frames, &mut path);
                i += 1;
            }
            b',' => {
                if let Some(Frame::Object { expect_key }) = frames.last_mut() {
                    *expect_key = true;
                }
                i += 1;
            }
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                let literal = &bytes[start..i.min(bytes.len())];
                match frames.last_mut() {
                    Some(Frame::Object { expect_key }) if *expect_key => {
                        *expect_key = false;
                        let key = serde_json::from_slice::<String>(literal).unwrap_or_default();
                        path.push(JsonStep::Key(key));
                    }
                    _ => {
                        begin(&mut frames, &mut path);
                        end(&frames, &mut path);
                    }
                }
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < bytes.len()
                    && matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                begin(&mut frames, &mut path);
                let text = String::from_utf8_lossy(&bytes[start..i]).into_owned();
                let prints = serde_json::from_str::<Value>(&text)
                    .ok()
                    .map(|v| v.to_string());
                // A later value under the same key replaces an earlier one, either way.
                if prints.as_deref() == Some(text.as_str()) {
                    out.remove(&path);
                } else {
                    out.insert(path.clone(), text);
                }
                end(&frames, &mut path);
            }
            b't' | b'f' | b'n' => {
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                begin(&mut frames, &mut path);
                end(&frames, &mut path);
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_are_kept_as_written_where_they_would_print_otherwise() {
        let text = br#"{"a": 1e3, "b": [1, 123456789012345678901234567890, {"c": 2.50}],
            "k\"ey": -0.0, "a": 1E3, "d": 7, "e": "1e3", "f": 1e3, "f": 5}"#;
        let texts = NumberTexts::of(text);
        let key = |k: &str| JsonStep::Key(k.to_owned());
        assert_eq!(
            texts.get(&[key("a")]),
            Some("1E3"),
            "the last of a repeated key counts"
        );
        assert_eq!(
            texts.get(&[key("f")]),
            None,
            "even when it prints as written"
        );
        assert_eq!(
            texts.get(&[key("b"), JsonStep::Index(1)]),
            Some("123456789012345678901234567890")
        );
        assert_eq!(
            texts.get(&[key("b"), JsonStep::Index(2), key("c")]),
            Some("2.50")
        );
        assert_eq!(texts.get(&[key("k\"ey")]), None, "-0.0 prints as written");
        assert_eq!(texts.get(&[key("b"), JsonStep::Index(0)]), None);
        assert_eq!(texts.get(&[key("d")]), None);
        assert_eq!(texts.get(&[key("e")]), None, "a string is not a number");
    }
    #[test]
    fn string_scans_stop_at_every_quote_and_backslash() {
        let text = "abcdefghijklmnop\"qrstuvwx\\yz0123456789é漢字";
        let bytes = text.as_bytes();
        for from in 0..bytes.len() {
            let expected = (from..bytes.len())
                .find(|&i| matches!(bytes[i], b'"' | b'\\'))
                .unwrap_or(bytes.len());
            assert_eq!(
                skip_plain_string_bytes(bytes, from),
                expected,
                "from {from}"
            );
        }
        // Depth counts ignore brackets in strings, escaped quotes included.
        let nested = format!(
            "{{\"a\":\"\\\"[[[[\",\"b\":{}0{}}}",
            "[".repeat(10),
            "]".repeat(10)
        );
        assert_eq!(depth(nested.as_bytes(), 11), Ok(11));
        assert_eq!(
            depth(nested.as_bytes(), 10),
            Err(nested.rfind("[0").unwrap())
        );
    }

    #[test]
    fn the_writer_lays_out_json_as_serde_json_does() {
        let value = json!({
            "a": [1, 2.5, "x\u{1}\"\\\n", null, true, {}, []],
            "b": {"c": {"d": []}},
            "e": "名称 \u{2028} </script>",
            "f": -7,
            "g": 1e300,
            "h": 18446744073709551615u64
        });
        let mut pretty = Writer::pretty(0);
        pretty.value(&value);
        assert_eq!(
            pretty.finish(),
            serde_json::to_string_pretty(&value).expect("json")
        );
        assert_eq!(
            to_compact(&value),
            serde_json::to_string(&value).expect("json")
        );
    }

    #[test]
    fn text_keeps_any_value_compact() {
        let t: Text =
            serde_json::from_str(" { \"a\" : [1, 2.5e0, {\"b\":null}], \"c\":\"\\u0000\" } ")
                .expect("parses");
        assert_eq!(t.0, r#"{"a":[1,2.5,{"b":null}],"c":"\u0000"}"#);
        let empty: Text = serde_json::from_str("[ ]").expect("parses");
        assert_eq!(empty.0, "[]");
    }

    #[test]
    fn deep_values_parse_and_drop_on_a_small_stack() {
        // Each repetition is two levels: as deep as a document may be.
        let depth = crate::limits::MAX_JSON_DEPTH / 2;
        let text = format!("{}1{}", "[{\"a\":".repeat(depth), "}]".repeat(depth));
        std::thread::Builder::new()
            .stack_size(256 << 10)
            .spawn(move || {
                let deep: Deep = text.parse().expect("parses");
                let mut writer = Writer::compact(text.len());
                writer.value(deep.value());
                assert_eq!(writer.finish(), text);
                let levels = super::depth(text.as_bytes(), usize::MAX).expect("measured");
                assert_eq!(levels, 2 * depth);
                let captured: Text = with_stack(levels, || {
                    let mut de = serde_json::Deserializer::from_str(&text);
                    de.disable_recursion_limit();
                    Text::deserialize(&mut de).expect("captures")
                })
                .expect("a reader thread");
                assert_eq!(captured.0, text);
                // A failure deep inside drops what was read so far without recursion.
                let broken = format!("{}1{}", "[{\"a\":".repeat(depth), "}]".repeat(depth - 1));
                assert!(broken.parse::<Deep>().is_err());
                // Deeper than any document may be: an error, before any recursion.
                let deeper = format!("[{text}]");
                let err = deeper.parse::<Deep>().expect_err("too deep");
                assert!(err.to_string().contains("nested deeper than"), "{err}");
            })
            .expect("thread")
            .join()
            .expect("no stack overflow");
    }

    #[test]
    fn a_builder_makes_what_a_writer_writes() {
        fn walk(sink: &mut impl Sink) {
            sink.begin_object();
            sink.entry_str("a", "x\u{1}");
            sink.key("b");
            sink.begin_array();
            sink.integer(-7i64);
            sink.integer(u64::MAX);
            sink.float(0.5);
            sink.bool(true);
            sink.null();
            sink.begin_object();
            sink.end_object();
            sink.json_text(r#"{"c":[1,{"d":null}]}"#);
            sink.end_array();
            sink.entry_opt("e", None);
            sink.end_object();
        }
        let mut writer = Writer::compact(0);
        walk(&mut writer);
        let mut builder = Builder::new();
        walk(&mut builder);
        let value = builder.finish();
        assert_eq!(to_compact(&value), writer.finish());
        assert_eq!(
            value,
            json!({"a": "x\u{1}", "b": [-7, u64::MAX, 0.5, true, null, {}, {"c": [1, {"d": null}]}], "e": null})
        );
    }

    #[test]
    fn a_deep_value_is_built_and_dropped_on_a_small_stack() {
        std::thread::Builder::new()
            .stack_size(256 << 10)
            .spawn(|| {
                let depth = 100_000;
                let mut builder = Builder::new();
                for _ in 0..depth {
                    builder.begin_array();
                    builder.begin_object();
                    builder.key("a");
                }
                builder.integer(1);
                for _ in 0..depth {
                    builder.end_object();
                    builder.end_array();
                }
                drop_value(builder.finish());
                // Left halfway: the open levels are dropped one by one.
                let mut halfway = Builder::new();
                for _ in 0..depth {
                    halfway.begin_array();
                }
                drop(halfway);
            })
            .expect("thread")
            .join()
            .expect("no stack overflow");
    }

    #[test]
    fn floats_keep_a_point_or_exponent() {
        assert_eq!(float_text(5.0).as_deref(), Some("5.0"));
        assert_eq!(float_text(0.7).as_deref(), Some("0.7"));
        assert_eq!(float_text(1e300).as_deref(), Some("1e+300"));
        assert_eq!(float_text(f64::NAN), None);
    }
}
