{#- One documented one-line item `item` (an ItemView) of module.rs. -#}
{% for d in item.docs -%}
///{% if !d.is_empty() %} {{ d }}{% endif %}
{% endfor -%}
#[allow(dead_code)]
{{ item.line }}
