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

{#- How serde reads the struct: a private copy of its fields (serde's `remote` derive), read
    through `ObjectOnly`, so that only a JSON object is taken. #}

#[derive(Deserialize)]
{{ s.remote }}
{% if s.closed -%}
#[serde(deny_unknown_fields)]
{% endif -%}
#[allow(dead_code, non_camel_case_types)]
struct {{ s.fields_name }} {
{%- if !s.fields.is_empty() %}
{%- for f in s.fields %}
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
{%- else -%}
}
{%- endif %}

{{ s.impl_header }}
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        {{ s.fields_name }}::deserialize(ObjectOnly(deserializer))
    }
}