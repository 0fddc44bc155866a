//! Numbers as they were written in a document, for messages that quote them.

use serde_json::Value;

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
}
