{% for d in helper.docs -%}
/// {{ d }}
{% endfor -%}
///
/// Deserializing checks the text, and so do [`CozeTime::new`] and the `TryFrom` conversions.
{{ helper.derive }}
#[serde(transparent)]
pub struct CozeTime(String);

#[allow(dead_code)]
impl CozeTime {
    /// The time written as `text`, e.g. `2025-07-01 09:30:00`.
    pub fn new(text: impl Into<String>) -> Result<Self, CozeValueError> {
        let text = text.into();
        if Self::is_valid(&text) {
            Ok(CozeTime(text))
        } else {
            Err(CozeValueError {
                text,
                expected: {{ helper.expected }},
            })
        }
    }

    /// The text sent to Coze.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// cozegen's rule for `time` values.
    fn is_valid(s: &str) -> bool {
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
}

impl<'de> Deserialize<'de> for CozeTime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        CozeTime::new(text).map_err(serde::de::Error::custom)
    }
}

impl TryFrom<String> for CozeTime {
    type Error = CozeValueError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        CozeTime::new(text)
    }
}

impl TryFrom<&str> for CozeTime {
    type Error = CozeValueError;

    fn try_from(text: &str) -> Result<Self, Self::Error> {
        CozeTime::new(text)
    }
}

impl AsRef<str> for CozeTime {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for CozeTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
