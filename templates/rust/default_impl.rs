{#- `Default` for a struct `s` of module.rs, from its laid-out field `inits`. -#}
/// The workflow's defaults: each parameter that has one takes it, the other optional ones are
/// `None`.
impl Default for {{ s.name }} {
    fn default() -> Self {
        Self {
{{ inits }}
        }
    }
}
