{#- Layout only: every name, type, literal and doc attribute arrives ready-made from
    src/emit/rust.rs. The text is parsed with syn and printed with prettyplease afterwards.
    This whole-module template is the reference layout; the emitter renders the included item
    templates one by one. -#}
use serde::{Deserialize, Serialize};

{% for s in structs -%}
{% include "rust/struct.rs" %}
{% if !s.default_fns.is_empty() %}
{% include "rust/default_fns.rs" %}
{% endif -%}
{% if let Some(inits) = s.default_impl %}
{% include "rust/default_impl.rs" %}
{% endif %}
{% endfor -%}

{% if let Some(derive) = coze_file -%}
{% include "rust/coze_file.rs" %}
{%- endif %}
