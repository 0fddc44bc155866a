//! Reading JSON: [`Deep`] values parsed and dropped level by level, and [`Text`], a nested
//! wire value kept as compact JSON text.

use super::write::{push_display, push_string};
use super::{depth, with_stack};
use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::fmt;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Writer;

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
}
