{#- The default functions of a struct `s` of module.rs. A binary that includes the module
    privately need not call every one. -#}
#[allow(dead_code)]
impl {{ s.name }} {
{%- for d in s.default_fns %}
{%- if !loop.first %}
{% endif %}
{%- for doc in d.docs %}
    ///{% if !doc.is_empty() %} {{ doc }}{% endif %}
{%- endfor %}
{%- if d.allow_approx %}
    #[allow(clippy::approx_constant)]
{%- endif %}
{{ d.signature }}
{{ d.body }}
    }
{%- endfor %}
}
