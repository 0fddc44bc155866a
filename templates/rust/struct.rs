{#- One struct `s` (a StructView) of module.rs. -#}
{% for d in s.docs -%}
///{% if !d.is_empty() %} {{ d }}{% endif %}
{% endfor -%}
{{ s.derive }}
{% if s.closed -%}
#[serde(deny_unknown_fields)]
{% endif -%}
{{ s.header }}
{%- if !s.fields.is_empty() %}
{%- for f in s.fields %}
{%- for d in f.docs %}
    ///{% if !d.is_empty() %} {{ d }}{% endif %}
{%- endfor %}
{%- if let Some(rename) = f.rename %}
{{ rename }}
{%- endif %}
{%- if f.optional %}
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "present")]
{%- endif %}
{%- if f.flatten %}
    #[serde(flatten)]
{%- endif %}
{{ f.decl }}
{%- endfor %}
}
{%- endif %}
