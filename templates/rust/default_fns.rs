{#- The inherent methods of a struct `s` of module.rs: an input struct's `new` and setters,
    then the default functions. A binary that includes the module privately need not call
    every one. -#}
#[allow(dead_code)]
{{ s.methods_header }}
{%- if let Some(b) = s.builders %}
{%- for doc in b.new_docs %}
    ///{% if !doc.is_empty() %} {{ doc }}{% endif %}
{%- endfor %}
{%- if b.many_args %}
    #[allow(clippy::too_many_arguments)]
{%- endif %}
{{ b.new_signature }}
{{ b.new_body }}
    }
{%- for setter in b.setters %}
{{ "" }}
{%- for doc in setter.docs %}
    ///{% if !doc.is_empty() %} {{ doc }}{% endif %}
{%- endfor %}
{{ setter.signature }}
        self.{{ setter.ident }} = Some(value);
        self
    }
{%- endfor %}
{%- if !s.default_fns.is_empty() %}
{% endif %}
{%- endif %}
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
