{#- One struct of module.rs, which includes it (its `s` is a StructView). -#}
{% for d in s.docs %}{{ d }}
{% endfor -%}
{% for d in s.derives %}{{ d }}
{% endfor -%}
#[serde(deny_unknown_fields)]
pub struct {{ s.name }} {
{%- for f in s.fields %}
{% for d in f.docs %}{{ d }}
{% endfor -%}
{% if let Some(rename) = f.rename %}{{ rename }}
{% endif -%}
{% if f.optional %}#[serde(default, skip_serializing_if = "Option::is_none")]
{% endif -%}
pub {{ f.ident }}: {{ f.ty }},
{%- endfor %}
}
