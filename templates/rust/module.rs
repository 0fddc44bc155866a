{#- Layout only: every name, type, literal and doc attribute arrives ready-made from
    src/emit/rust.rs. The text is parsed with syn and printed with prettyplease afterwards. -#}
use serde::{Deserialize, Serialize};

{% for s in structs -%}
{% for d in s.docs %}{{ d }}
{% endfor -%}
{% for d in s.derives %}{{ d }}
{% endfor -%}
#[serde(deny_unknown_fields)]
pub struct {{ s.name }} {
{%- for f in s.fields %}
{% for d in f.docs %}{{ d }}
{% endfor -%}
{% for attr in f.serde %}{{ attr }}
{% endfor -%}
pub {{ f.ident }}: {{ f.ty }},
{%- endfor %}
}
{% if !s.default_fns.is_empty() %}
{#- A binary that includes the module privately need not call every default. #}
#[allow(dead_code)]
impl {{ s.name }} {
{%- for d in s.default_fns %}
{% for doc in d.docs %}{{ doc }}
{% endfor -%}
{% if let Some(lint) = d.allow %}#[allow({{ lint }})]
{% endif -%}
pub fn {{ d.name }}() -> {{ d.ty }} {
{{ d.expr }}
}
{%- endfor %}
}
{% endif -%}
{% if let Some(inits) = s.default_impl %}
/// The workflow's defaults: each parameter that has one takes it, the other optional ones are
/// `None`.
impl Default for {{ s.name }} {
fn default() -> Self {
Self {
{%- for i in inits %}
{{ i.ident }}: {{ i.expr }},
{%- endfor %}
}
}
}
{% endif %}
{% endfor -%}

{% if let Some(derive) = coze_file -%}
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
{%- endif %}
