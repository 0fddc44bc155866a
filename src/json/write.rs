//! Writing JSON without recursion: [`Writer`] lays nested JSON out as serde_json does and
//! [`Builder`] builds it as a value, both a [`Sink`] a walker over the IR writes into.

use super::{Deep, drop_value};
use serde_json::{Map, Number, Value};
use std::fmt;

pub(super) fn push_display(out: &mut String, value: impl fmt::Display) {
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

    /// A value given as compact JSON text ([`Text`](super::Text), a `map` or `any` default): inserted as it
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
    /// A value given as compact JSON text ([`Text`](super::Text), a `map` or `any` default).
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
