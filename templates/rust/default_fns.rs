{#- The default functions of a struct `s` of module.rs, which includes it.
    A binary that includes the module privately need not call every default. -#}
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
