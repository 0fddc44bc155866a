{#- The generated module. Layout only: every name, type, literal and doc line arrives
    escaped and laid out from src/emit/rust/. Items are separated by one blank line. -#}
{{ header }}
use serde::{Deserialize, Serialize};
{%- if let Some(item) = workflow_id %}

{% include "rust/item.rs" %}
{%- endif %}
{%- for s in structs %}

{% include "rust/struct.rs" %}
{%- if !s.default_fns.is_empty() || s.builders.is_some() %}

{% include "rust/default_fns.rs" %}
{%- endif %}
{%- if let Some(inits) = s.default_impl %}

{% include "rust/default_impl.rs" %}
{%- endif %}
{%- endfor %}
{%- if let Some(item) = run_alias %}

{% include "rust/item.rs" %}
{%- endif %}
{%- if run_request %}

{% include "rust/run_request.rs" %}
{%- endif %}
{%- if run_answer %}

{% include "rust/run_answer.rs" %}
{%- endif %}
{%- if present %}

{% include "rust/present.rs" %}
{%- endif %}

{% include "rust/object_only.rs" %}
{%- if from_json %}

{% include "rust/from_json.rs" %}
{%- endif %}
{%- if let Some(helper) = time_type %}

{% include "rust/coze_time.rs" %}
{%- endif %}
{%- if let Some(helper) = file_type %}

{% include "rust/coze_file.rs" %}
{%- endif %}
{%- if value_error %}

{% include "rust/coze_value_error.rs" %}
{%- endif %}
