{% for d in helper.docs -%}
/// {{ d }}
{% endfor -%}
{%- if !file_url_only %}///
/// Coze's upload endpoint (`POST /v1/files/upload`) gives an uploaded file its `file_id`.
{% endif %}///
/// It serializes as that string, so it can go straight into a run's `parameters`.
/// Deserializing checks the text, and so do the constructors and the `TryFrom` conversions.
{{ helper.derive }}
#[serde(transparent)]
pub struct CozeFile(String);

#[allow(dead_code)]
impl CozeFile {
{%- if file_url_only %}
    /// A file value given as its text: a URL.
    pub fn new(text: impl Into<String>) -> Result<Self, CozeValueError> {
        let text = text.into();
        if Self::is_valid(&text) {
            Ok(CozeFile(text))
        } else {
            Err(CozeValueError {
                text,
                expected: {{ helper.expected }},
            })
        }
    }
{%- else %}
    /// A file value given as its text: a URL or `{"file_id":"…"}`.
    pub fn new(text: impl Into<String>) -> Result<Self, CozeValueError> {
        let text = text.into();
        if Self::is_valid(&text) {
            Ok(CozeFile(text))
        } else {
            Err(CozeValueError {
                text,
                expected: {{ helper.expected }},
            })
        }
    }
{%- endif %}

    /// A file Coze downloads from `url`.
    pub fn url(url: impl Into<String>) -> Result<Self, CozeValueError> {
        let url = url.into();
        if url.starts_with("http") && Self::is_valid(&url) {
            Ok(CozeFile(url))
        } else {
            Err(CozeValueError {
                text: url,
                expected: "an http(s) URL without spaces or control characters",
            })
        }
    }

{%- if !file_url_only %}

    /// A file uploaded to Coze, by the `id` its upload returned.
    pub fn file_id(id: &str) -> Result<Self, CozeValueError> {
        let id = serde_json::Value::String(id.to_owned());
        let object = serde_json::Map::from_iter([("file_id".to_owned(), id)]);
        CozeFile::new(serde_json::Value::Object(object).to_string())
    }
{%- endif %}

    /// The text sent to Coze: a URL{% if !file_url_only %} or `{"file_id":"…"}`{% endif %}.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// cozegen's rule for file values.
    fn is_valid(s: &str) -> bool {
        if let Some(rest) = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
        {
            return !rest.is_empty() && rest.chars().all(|c| c > ' ' && c != '\x7f');
        }
{%- if file_url_only %}
        false
    }
}
{%- else %}
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
}
{%- endif %}

impl<'de> Deserialize<'de> for CozeFile {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        CozeFile::new(text).map_err(serde::de::Error::custom)
    }
}

impl TryFrom<String> for CozeFile {
    type Error = CozeValueError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        CozeFile::new(text)
    }
}

impl TryFrom<&str> for CozeFile {
    type Error = CozeValueError;

    fn try_from(text: &str) -> Result<Self, Self::Error> {
        CozeFile::new(text)
    }
}

impl AsRef<str> for CozeFile {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for CozeFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
