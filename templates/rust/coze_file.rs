{#- The `CozeFile` helper of module.rs, which includes it, with its `derive` attribute. -#}
/// A file parameter, as Coze's run endpoint takes it: the text of a URL Coze can download, or the
/// JSON text `{"file_id":"…"}` naming a file uploaded with Coze's upload endpoint
/// (`POST /v1/files/upload`).
///
/// It serializes as that string, so it can go straight into a run's `parameters`.
{{ derive }}
#[serde(transparent)]
pub struct CozeFile(String);

{#- A binary that includes the module privately need not call every method. #}
#[allow(dead_code)]
impl CozeFile {
/// A file Coze downloads from `url`.
pub fn url(url: impl Into<String>) -> Self {
CozeFile(url.into())
}

/// A file uploaded to Coze, by the `id` its upload returned.
pub fn file_id(id: &str) -> Self {
let id = serde_json::Value::String(id.to_owned());
let object = serde_json::Map::from_iter([("file_id".to_owned(), id)]);
CozeFile(serde_json::Value::Object(object).to_string())
}

/// The text sent to Coze: a URL or `{"file_id":"…"}`.
pub fn as_str(&self) -> &str {
&self.0
}
}

impl From<String> for CozeFile {
fn from(text: String) -> Self {
CozeFile(text)
}
}

impl From<&str> for CozeFile {
fn from(text: &str) -> Self {
CozeFile(text.to_owned())
}
}

impl AsRef<str> for CozeFile {
fn as_ref(&self) -> &str {
&self.0
}
}
