//! Structural checks on generated artifacts, shared by the property, limit and checker tests:
//! the Rust module must be data declarations only, and the HTML form must carry no script or
//! event-handler content beyond cozegen's own.
#![allow(dead_code)]

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use scraper::{Html, Node};
use syn::{Attribute, Expr, ImplItem, Item, Meta, Stmt, Visibility};

/// What the Rust checker saw in an accepted module.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct RustShape {
    /// Struct names, in order (the helper types included).
    pub structs: Vec<String>,
    /// Named fields over all structs (the helper types' fields excluded).
    pub fields: usize,
    /// Functions over all impl blocks, the helpers' included.
    pub fns: usize,
}

/// The fixed helper items the Rust emitter may add, as its templates write them: the only code
/// with control flow, generics or macros that a module may hold, accepted only token for token.
const HELPER_TEMPLATES: [&str; 9] = [
    include_str!("../../../templates/rust/object_only.rs"),
    include_str!("../../../templates/rust/present.rs"),
    include_str!("../../../templates/rust/from_json.rs"),
    include_str!("../../../templates/rust/coze_time.rs"),
    include_str!("../../../templates/rust/coze_file.rs"),
    include_str!("../../../templates/rust/coze_value_error.rs"),
    include_str!("../../../templates/rust/run_request.rs"),
    include_str!("../../../templates/rust/run_answer.rs"),
    include_str!("../../../templates/rust/chat.rs"),
];

/// The names the helper items define.
const HELPER_NAMES: [&str; 15] = [
    "ObjectOnly",
    "present",
    "from_json",
    "CozeTime",
    "CozeFile",
    "CozeValueError",
    "RunRequest",
    "RunAnswer",
    "RunUsage",
    "RunError",
    "parse_output",
    "parse_run_answer",
    "json_path_at",
    "ChatMessage",
    "ChatRequest",
];

/// The token text of every helper item, without its derive attributes (the requested derives
/// vary; they are checked like any other derive).
fn helper_items() -> Vec<String> {
    HELPER_TEMPLATES
        .iter()
        .flat_map(|text| {
            [(true, true), (true, false), (false, true), (false, false)]
                .map(|(flag, app)| rendered(text, flag, app))
        })
        .flat_map(|text| {
            // `CozeTime` and `CozeFile` take their derive, docs and message from the IR.
            let text = text
                .replace("{{ derive }}", "")
                .replace("{{ helper.derive }}", "")
                .replace("{{ helper.expected }}", "\"\"");
            let file = syn::parse_file(&text).expect("the helper templates are Rust");
            file.items.into_iter().map(|item| without_derives(&item))
        })
        .collect()
}

/// A helper template with its flag (`file_url_only` for Coze Studio's `CozeFile`,
/// `has_workflow_id` for `RunRequest::new` and `ChatRequest::new`, `text_output` for an answer
/// template's text) set to `flag`, and the chat request's `has_app_id` to `app`: the
/// `{% if %}`/`{% else %}`/`{% endif %}` tags kept or dropped. The items compare token by
/// token, so the tags' whitespace control does not matter.
fn rendered(text: &str, flag: bool, app: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut keep = vec![true];
    let mut rest = text;
    while let Some(start) = rest.find("{%") {
        if keep.iter().all(|k| *k) {
            out.push_str(&rest[..start]);
        }
        let end = start + rest[start..].find("%}").expect("a closed tag") + 2;
        let tag = rest[start + 2..end - 2].trim_matches(|c: char| c == '-' || c.is_whitespace());
        match tag {
            "if file_url_only" | "if has_workflow_id" | "if text_output" => keep.push(flag),
            "if !file_url_only" | "if !text_output" => keep.push(!flag),
            "if has_app_id" => keep.push(app),
            // The rule's words in the docs of `CozeTime` and `CozeFile` (compared without docs).
            "for d in helper.docs" => keep.push(false),
            "endfor" => {
                keep.pop();
            }
            "else" => {
                let top = keep.last_mut().expect("an if before else");
                *top = !*top;
            }
            "endif" => {
                keep.pop();
            }
            other => panic!("a helper template tag the checker does not know: {other}"),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The item's tokens without its derives and docs, and with every string literal empty: the
/// helpers' docs and messages state the IR's rules in its words (inert text either way).
fn without_derives(item: &Item) -> String {
    let mut item = item.clone();
    if let Item::Struct(s) = &mut item {
        s.attrs
            .retain(|a| !a.path().is_ident("derive") && !a.path().is_ident("doc"));
    }
    fn blank_strings(tokens: TokenStream) -> TokenStream {
        tokens
            .into_iter()
            .map(|tree| match tree {
                TokenTree::Group(g) => {
                    let mut blank =
                        proc_macro2::Group::new(g.delimiter(), blank_strings(g.stream()));
                    blank.set_span(g.span());
                    TokenTree::Group(blank)
                }
                TokenTree::Literal(l) if l.to_string().starts_with('"') => {
                    TokenTree::Literal(proc_macro2::Literal::string(""))
                }
                other => other,
            })
            .collect()
    }
    blank_strings(item.to_token_stream()).to_string()
}

/// The helper an item belongs to, if it is one of the helper items.
fn helper_name(item: &Item) -> Option<&'static str> {
    let name = match item {
        Item::Fn(f) => f.sig.ident.to_string(),
        Item::Struct(s) => s.ident.to_string(),
        Item::Enum(e) => e.ident.to_string(),
        Item::Impl(i) => match &*i.self_ty {
            syn::Type::Path(p) => p.path.segments.last()?.ident.to_string(),
            _ => return None,
        },
        _ => return None,
    };
    HELPER_NAMES.into_iter().find(|h| *h == name)
}

/// Checks that `code` parses as a Rust file made of data declarations only: a `use` of serde's
/// derives, structs with public named fields, and impl blocks (inherent, or of `Default`) whose
/// items are functions building values from literals, struct literals and a fixed list of
/// constructors, and an input struct's builders: `new`, whose one struct literal takes each of
/// its plain parameters once, and setters `with_x(mut self, value: T)` that are exactly
/// `self.x = Some(value); self`. The one exception is the emitter's fixed helpers (`present`, `from_json`,
/// `CozeTime`, `CozeFile`, `CozeValueError` and their impls), accepted only when each item is
/// token for token the template's, each at most once. Anywhere else: no macro invocation, no
/// `unsafe`, `extern`, `static`, `const`, `mod` or `trait`, no generics, closures, loops or
/// control flow, and only `doc`, `derive`, `serde`, `allow` and `rustfmt::skip` attributes with
/// known arguments.
pub fn rust_is_data_only(code: &str) -> Result<RustShape, String> {
    let _: TokenStream = code.parse().map_err(|e| format!("does not lex: {e}"))?;
    let file = syn::parse_file(code).map_err(|e| format!("does not parse: {e}"))?;
    if !file.attrs.is_empty() {
        return Err("inner attributes at the top of the file".into());
    }
    let mut helpers = helper_items();
    let mut shape = RustShape::default();
    // Each generated struct is read by serde through a private copy of its fields: one copy
    // and one `Deserialize` impl per struct, and nothing else of that shape.
    let mut copies: Vec<String> = Vec::new();
    let mut readers: Vec<String> = Vec::new();
    for item in &file.items {
        if helper_name(item).is_some() {
            if let Item::Struct(s) = item {
                for attr in s.attrs.iter().filter(|a| a.path().is_ident("derive")) {
                    check_attr(attr)?;
                }
                shape.structs.push(s.ident.to_string());
            }
            if let Item::Impl(i) = item {
                shape.fns += i.items.len();
            }
            let tokens = without_derives(item);
            match helpers.iter().position(|h| *h == tokens) {
                Some(i) => {
                    helpers.swap_remove(i);
                }
                None => return Err(format!("a helper item that is not cozegen's: {tokens}")),
            }
            continue;
        }
        if let Some(target) = fields_copy(item)? {
            copies.push(target);
            continue;
        }
        if let Some(target) = deserialize_impl(item)? {
            readers.push(target);
            continue;
        }
        if run_item(item)? {
            continue;
        }
        check_tokens(item.to_token_stream())?;
        match item {
            Item::Use(u) => {
                attrs_only_docs(&u.attrs)?;
                let tree = use_tree_text(&u.tree)?;
                if tree != "serde::{Deserialize, Serialize}" {
                    return Err(format!("unexpected use: {tree}"));
                }
            }
            Item::Struct(s) => {
                check_attrs(&s.attrs)?;
                public(&s.vis, "struct")?;
                no_generics(&s.generics)?;
                match &s.fields {
                    syn::Fields::Named(named) => {
                        for f in &named.named {
                            check_attrs(&f.attrs)?;
                            public(&f.vis, "field")?;
                            shape.fields += 1;
                        }
                    }
                    _ => return Err(format!("struct {} is a unit or tuple struct", s.ident)),
                }
                shape.structs.push(s.ident.to_string());
            }
            Item::Impl(i) => {
                check_attrs(&i.attrs)?;
                if i.unsafety.is_some() {
                    return Err("unsafe impl".into());
                }
                no_generics(&i.generics)?;
                if let Some((path, _)) = &i.trait_ {
                    let last = path.segments.last().map(|s| s.ident.to_string());
                    if path.segments.len() != 1 || last.as_deref() != Some("Default") {
                        return Err(format!("impl of an unexpected trait {last:?}"));
                    }
                }
                match &*i.self_ty {
                    syn::Type::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {}
                    _ => return Err("impl for something other than a generated type".into()),
                }
                for item in &i.items {
                    let ImplItem::Fn(f) = item else {
                        return Err("an impl item that is not a function".into());
                    };
                    check_attrs(&f.attrs)?;
                    let sig = &f.sig;
                    if sig.constness.is_some()
                        || sig.asyncness.is_some()
                        || sig.abi.is_some()
                        || sig.variadic.is_some()
                        || !matches!(sig.safety, syn::Safety::Default)
                    {
                        return Err(format!("fn {} has qualifiers", sig.ident));
                    }
                    no_generics(&sig.generics)?;
                    if matches!(sig.output, syn::ReturnType::Default) {
                        return Err(format!("fn {} returns nothing", sig.ident));
                    }
                    if sig.ident == "new" && i.trait_.is_none() {
                        constructor(sig, &f.block.stmts)?;
                    } else if sig.ident.to_string().starts_with("with_") && i.trait_.is_none() {
                        setter(sig, &f.block.stmts)?;
                    } else if !sig.inputs.is_empty() {
                        return Err(format!("fn {} takes arguments", sig.ident));
                    } else {
                        block(&f.block.stmts)?;
                    }
                    shape.fns += 1;
                }
            }
            _ => return Err("an item other than a use, a struct or an impl".into()),
        }
    }
    let data: Vec<&String> = shape
        .structs
        .iter()
        .filter(|s| !HELPER_NAMES.contains(&s.as_str()))
        .collect();
    for (what, names) in [("a field copy", &copies), ("a Deserialize impl", &readers)] {
        let mut sorted: Vec<&String> = names.iter().collect();
        sorted.sort();
        let mut expected = data.clone();
        expected.sort();
        if sorted != expected {
            return Err(format!(
                "{what} for each generated struct: {names:?} against {data:?}"
            ));
        }
    }
    Ok(shape)
}

/// The run helpers' one-line items, exactly: `pub const WORKFLOW_ID: &str = "<digits>";` (and
/// a chatflow's `APP_ID`) and the aliases `RunParameters`, `RunOutput` and `ChatParameters` of
/// a plain name, documented and allowed to be
/// unused. `false` for any other item.
fn run_item(item: &Item) -> Result<bool, String> {
    let (attrs, text) = match item {
        Item::Const(c) if c.ident == "WORKFLOW_ID" || c.ident == "APP_ID" => {
            let digits = match &*c.expr {
                Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => s.value(),
                _ => return Err(format!("{} is not a string literal", c.ident)),
            };
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("{} is not digits: {digits:?}", c.ident));
            }
            (
                &c.attrs,
                format!("pub const {} : & str = \"{digits}\" ;", c.ident),
            )
        }
        Item::Type(t)
            if t.ident == "RunParameters"
                || t.ident == "RunOutput"
                || t.ident == "ChatParameters" =>
        {
            let target = match &*t.ty {
                syn::Type::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
                    p.path.segments[0].ident.to_string()
                }
                _ => return Err(format!("{} aliases something other than a name", t.ident)),
            };
            (&t.attrs, format!("pub type {} = {target} ;", t.ident))
        }
        _ => return Ok(false),
    };
    let mut item = item.clone();
    match &mut item {
        Item::Const(c) => c.attrs.clear(),
        Item::Type(t) => t.attrs.clear(),
        _ => unreachable!("matched above"),
    }
    if item.to_token_stream().to_string() != text {
        return Err(format!(
            "an unexpected run item: {}",
            item.to_token_stream()
        ));
    }
    for attr in attrs {
        let tokens = attr.to_token_stream().to_string();
        if !attr.path().is_ident("doc") && tokens != "# [allow (dead_code)]" {
            return Err(format!("unexpected attribute on a run item: {tokens}"));
        }
        if let Meta::NameValue(nv) = &attr.meta
            && !matches!(
                &nv.value,
                Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(_),
                    ..
                })
            )
        {
            return Err("a doc attribute that is not a string".into());
        }
    }
    Ok(true)
}

/// The private copy of a struct's fields that serde's `remote` derive reads it with, exactly:
/// `fields_<n>`, derived `Deserialize` only, `remote = "<struct>"`, the lints a private copy
/// needs allowed, and fields checked like any struct's. Returns the struct it copies.
fn fields_copy(item: &Item) -> Result<Option<String>, String> {
    let Item::Struct(s) = item else {
        return Ok(None);
    };
    let name = s.ident.to_string();
    let Some(index) = name.strip_prefix("fields_") else {
        return Ok(None);
    };
    if index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("a struct named {name}"));
    }
    if !matches!(s.vis, Visibility::Inherited) {
        return Err(format!("{name} is not private"));
    }
    no_generics(&s.generics)?;
    let mut target = None;
    for attr in &s.attrs {
        let text = attr.to_token_stream().to_string();
        match path_text(attr.path())?.as_str() {
            "derive" if text == "# [derive (Deserialize)]" => {}
            "allow" if text == "# [allow (dead_code , non_camel_case_types)]" => {}
            "serde" => {
                let mut remote = None;
                attr.parse_nested_meta(|meta| {
                    match path_text(&meta.path).map_err(|e| meta.error(e))?.as_str() {
                        "remote" => {
                            let lit: syn::LitStr = meta.value()?.parse()?;
                            remote = Some(lit.value());
                            Ok(())
                        }
                        "deny_unknown_fields" => Ok(()),
                        other => Err(meta.error(format!("unexpected serde argument {other}"))),
                    }
                })
                .map_err(|e| e.to_string())?;
                if let Some(remote) = remote {
                    let plain = remote.chars().all(|c| c.is_ascii_alphanumeric());
                    if !plain || target.replace(remote).is_some() {
                        return Err(format!("{name} copies something other than one struct"));
                    }
                }
            }
            _ => return Err(format!("unexpected attribute on {name}: {text}")),
        }
    }
    let syn::Fields::Named(named) = &s.fields else {
        return Err(format!("{name} is not a struct with named fields"));
    };
    for f in &named.named {
        check_attrs(&f.attrs)?;
        if f.attrs.iter().any(|a| a.path().is_ident("doc")) {
            return Err(format!("a documented field in {name}"));
        }
    }
    check_tokens(item.to_token_stream())?;
    target
        .map(Some)
        .ok_or_else(|| format!("{name} copies no struct"))
}

/// A generated struct's `Deserialize` impl, exactly: it reads the struct through its copy of
/// the fields and `ObjectOnly`. Returns the struct.
fn deserialize_impl(item: &Item) -> Result<Option<String>, String> {
    let Item::Impl(i) = item else {
        return Ok(None);
    };
    let Some((path, _)) = &i.trait_ else {
        return Ok(None);
    };
    if path
        .segments
        .last()
        .is_none_or(|s| s.ident != "Deserialize")
    {
        return Ok(None);
    }
    let syn::Type::Path(ty) = &*i.self_ty else {
        return Err("a Deserialize impl for something other than a struct".into());
    };
    let target = path_text(&ty.path)?;
    let copy = match i.items.as_slice() {
        [ImplItem::Fn(f)] => match f.block.stmts.as_slice() {
            [Stmt::Expr(Expr::Call(call), None)] => match &*call.func {
                Expr::Path(p) => path_text(&p.path)?
                    .strip_suffix("::deserialize")
                    .map(str::to_owned),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
    .ok_or_else(|| format!("an unexpected Deserialize impl for {target}"))?;
    let expected: Item = syn::parse_str(&format!(
        "impl<'de> Deserialize<'de> for {target} {{ fn deserialize<D: serde::Deserializer<'de>>(\
         deserializer: D) -> Result<Self, D::Error> {{ {copy}::deserialize(ObjectOnly(\
         deserializer)) }} }}"
    ))
    .map_err(|e| e.to_string())?;
    if expected.to_token_stream().to_string() != item.to_token_stream().to_string()
        || !copy.starts_with("fields_")
    {
        return Err(format!("an unexpected Deserialize impl for {target}"));
    }
    Ok(Some(target))
}

/// Keywords and punctuation that have no place in data declarations, wherever they are. Doc
/// text is inside string literals, so it never shows up here.
fn check_tokens(tokens: TokenStream) -> Result<(), String> {
    let mut prev_ident = false;
    for tree in tokens {
        match &tree {
            TokenTree::Ident(i) => {
                let s = i.to_string();
                if matches!(
                    s.as_str(),
                    "unsafe"
                        | "extern"
                        | "static"
                        | "const"
                        | "mod"
                        | "trait"
                        | "macro_rules"
                        | "loop"
                        | "while"
                        | "match"
                        | "if"
                        | "async"
                        | "move"
                ) {
                    return Err(format!("forbidden keyword `{s}`"));
                }
            }
            TokenTree::Punct(p) if p.as_char() == '!' && prev_ident => {
                return Err("a macro invocation".into());
            }
            TokenTree::Punct(p) if p.as_char() == '$' => return Err("a `$`".into()),
            TokenTree::Group(g) => check_tokens(g.stream())?,
            _ => {}
        }
        prev_ident = matches!(tree, TokenTree::Ident(_));
    }
    Ok(())
}

fn public(vis: &Visibility, what: &str) -> Result<(), String> {
    match vis {
        Visibility::Public(_) => Ok(()),
        _ => Err(format!("a {what} that is not plain `pub`")),
    }
}

fn no_generics(g: &syn::Generics) -> Result<(), String> {
    if g.params.is_empty() && g.where_clause.is_none() {
        Ok(())
    } else {
        Err("generics".into())
    }
}

fn use_tree_text(tree: &syn::UseTree) -> Result<String, String> {
    Ok(match tree {
        syn::UseTree::Path(p) => format!("{}::{}", p.ident, use_tree_text(&p.tree)?),
        syn::UseTree::Name(n) => n.ident.to_string(),
        syn::UseTree::Group(g) => format!(
            "{{{}}}",
            g.items
                .iter()
                .map(use_tree_text)
                .collect::<Result<Vec<_>, _>>()?
                .join(", ")
        ),
        _ => return Err("a glob or renaming use".into()),
    })
}

fn path_text(path: &syn::Path) -> Result<String, String> {
    if path.leading_colon.is_some() {
        return Err("a path with a leading `::`".into());
    }
    let mut out = Vec::new();
    for s in &path.segments {
        if !matches!(s.arguments, syn::PathArguments::None) {
            return Err(format!("generic arguments on `{}`", s.ident));
        }
        out.push(s.ident.to_string());
    }
    Ok(out.join("::"))
}

fn attrs_only_docs(attrs: &[Attribute]) -> Result<(), String> {
    for a in attrs {
        if !a.path().is_ident("doc") {
            return Err("an attribute on a use".into());
        }
        check_attr(a)?;
    }
    Ok(())
}

fn check_attrs(attrs: &[Attribute]) -> Result<(), String> {
    attrs.iter().try_for_each(check_attr)
}

/// `#[doc = "…"]`, `#[derive(paths)]`, `#[serde(…)]` with the arguments cozegen writes (the only
/// function serde may call is the `present` helper), `#[allow(dead_code |
/// clippy::approx_constant | clippy::too_many_arguments)]` and `#[rustfmt::skip]`.
fn check_attr(attr: &Attribute) -> Result<(), String> {
    if !matches!(attr.style, syn::AttrStyle::Outer) {
        return Err("an inner attribute".into());
    }
    let name = path_text(attr.path())?;
    match name.as_str() {
        "doc" => match &attr.meta {
            Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(l) if matches!(l.lit, syn::Lit::Str(_)) => Ok(()),
                _ => Err("a doc attribute that is not a string literal".into()),
            },
            _ => Err("a doc attribute that is not `doc = \"…\"`".into()),
        },
        "rustfmt::skip" => match &attr.meta {
            Meta::Path(_) => Ok(()),
            _ => Err("rustfmt::skip with arguments".into()),
        },
        "derive" => attr
            .parse_nested_meta(|meta| {
                let path = path_text(&meta.path).map_err(|e| meta.error(e))?;
                let allowed = [
                    "Debug",
                    "Clone",
                    "PartialEq",
                    "Eq",
                    "Hash",
                    "PartialOrd",
                    "Ord",
                    "Copy",
                    "Default",
                    "Serialize",
                    "Deserialize",
                    "schemars::JsonSchema",
                ];
                if allowed.contains(&path.as_str()) {
                    Ok(())
                } else {
                    Err(meta.error(format!("unexpected derive {path}")))
                }
            })
            .map_err(|e| e.to_string()),
        "serde" => attr
            .parse_nested_meta(|meta| {
                let key = path_text(&meta.path).map_err(|e| meta.error(e))?;
                let function = |expected: &str| -> syn::Result<()> {
                    let lit: syn::LitStr = meta.value()?.parse()?;
                    if lit.value() == expected {
                        Ok(())
                    } else {
                        Err(meta.error(format!("{key} names a function")))
                    }
                };
                match key.as_str() {
                    "deny_unknown_fields" | "transparent" | "default" | "flatten" => Ok(()),
                    "rename" => {
                        let _: syn::LitStr = meta.value()?.parse()?;
                        Ok(())
                    }
                    "skip_serializing_if" => function("Option::is_none"),
                    "deserialize_with" => function("present"),
                    other => Err(meta.error(format!("unexpected serde argument {other}"))),
                }
            })
            .map_err(|e| e.to_string()),
        "allow" => attr
            .parse_nested_meta(|meta| {
                let lint = path_text(&meta.path).map_err(|e| meta.error(e))?;
                if matches!(
                    lint.as_str(),
                    "dead_code" | "clippy::approx_constant" | "clippy::too_many_arguments"
                ) {
                    Ok(())
                } else {
                    Err(meta.error(format!("unexpected allow({lint})")))
                }
            })
            .map_err(|e| e.to_string()),
        other => Err(format!("unexpected attribute #[{other}]")),
    }
}

/// `pub fn new(a: A, b: B) -> Self { Self { a, b, c: None } }`: plain parameters, and one
/// struct literal of values and the parameters (each used once).
fn constructor(sig: &syn::Signature, stmts: &[Stmt]) -> Result<(), String> {
    returns_self(sig)?;
    // Sets, not lists: a wide workflow's constructor has tens of thousands of parameters.
    let mut params = std::collections::HashSet::new();
    for input in &sig.inputs {
        params.insert(plain_param(input)?);
    }
    let [Stmt::Expr(Expr::Struct(e), None)] = stmts else {
        return Err("a constructor body that is not one struct literal".into());
    };
    if e.qself.is_some() || e.rest.is_some() || e.dot2_token.is_some() || !e.attrs.is_empty() {
        return Err("a struct literal with `..` or attributes".into());
    }
    if path_text(&e.path)? != "Self" {
        return Err("a constructor that does not build `Self`".into());
    }
    let mut used = std::collections::HashSet::new();
    for f in &e.fields {
        match &f.expr {
            Expr::Path(p) if p.qself.is_none() && p.attrs.is_empty() => {
                let name = path_text(&p.path)?;
                if name == "None" {
                    continue;
                }
                if !params.contains(&name) || used.contains(&name) {
                    return Err(format!("a constructor field set from `{name}`"));
                }
                used.insert(name);
            }
            other => value(other)?,
        }
    }
    if used.len() != params.len() {
        return Err("a constructor parameter that no field takes".into());
    }
    Ok(())
}

/// `pub fn with_x(mut self, value: T) -> Self { self.x = Some(value); self }`, exactly.
fn setter(sig: &syn::Signature, stmts: &[Stmt]) -> Result<(), String> {
    returns_self(sig)?;
    let mut inputs = sig.inputs.iter();
    match inputs.next() {
        Some(syn::FnArg::Receiver(r))
            if matches!(r.kind, syn::ReceiverKind::Value)
                && r.mutability.is_some()
                && r.attrs.is_empty() => {}
        _ => return Err(format!("setter {} does not take `mut self`", sig.ident)),
    }
    match (inputs.next().map(plain_param), inputs.next()) {
        (Some(Ok(name)), None) if name == "value" => {}
        _ => return Err(format!("setter {} does not take one `value`", sig.ident)),
    }
    let shape = |stmts: &[Stmt]| -> Option<()> {
        let [
            Stmt::Expr(Expr::Assign(assign), Some(_)),
            Stmt::Expr(Expr::Path(last), None),
        ] = stmts
        else {
            return None;
        };
        let Expr::Field(field) = &*assign.left else {
            return None;
        };
        let Expr::Path(receiver) = &*field.base else {
            return None;
        };
        let Expr::Call(call) = &*assign.right else {
            return None;
        };
        let Expr::Path(func) = &*call.func else {
            return None;
        };
        let [arg] = call.args.iter().collect::<Vec<_>>()[..] else {
            return None;
        };
        let Expr::Path(arg) = arg else {
            return None;
        };
        let plain = [
            &assign.attrs,
            &field.attrs,
            &receiver.attrs,
            &call.attrs,
            &last.attrs,
        ]
        .iter()
        .all(|a| a.is_empty());
        let named = |p: &syn::ExprPath, name: &str| {
            p.qself.is_none() && p.attrs.is_empty() && p.path.is_ident(name)
        };
        (plain
            && matches!(field.member, syn::Member::Named(_))
            && named(receiver, "self")
            && named(func, "Some")
            && named(arg, "value")
            && named(last, "self"))
        .then_some(())
    };
    shape(stmts).ok_or_else(|| format!("setter {} is not `self.x = Some(value); self`", sig.ident))
}

fn returns_self(sig: &syn::Signature) -> Result<(), String> {
    match &sig.output {
        syn::ReturnType::Type(_, ty)
            if matches!(&**ty, syn::Type::Path(p)
            if p.qself.is_none() && p.path.is_ident("Self")) =>
        {
            Ok(())
        }
        _ => Err(format!("fn {} does not return `Self`", sig.ident)),
    }
}

/// A parameter `name: Type`, without `mut`, `ref` or a pattern; its name.
fn plain_param(input: &syn::FnArg) -> Result<String, String> {
    match input {
        syn::FnArg::Typed(t) if t.attrs.is_empty() => match &*t.pat {
            syn::Pat::Ident(p)
                if p.attrs.is_empty()
                    && p.by_ref.is_none()
                    && p.mutability.is_none()
                    && p.subpat.is_none() =>
            {
                Ok(p.ident.to_string())
            }
            _ => Err("a parameter that is not a plain name".into()),
        },
        _ => Err("a parameter that is not `name: Type`".into()),
    }
}

/// A function body: one value.
fn block(stmts: &[Stmt]) -> Result<(), String> {
    match stmts {
        [Stmt::Expr(e, None)] => value(e),
        _ => Err("a body that is not one value".into()),
    }
}

/// Calls to these build data and do nothing else (`from_json` is the fixed helper that reads a
/// default's JSON text, `CozeTime` and `CozeFile` the helper newtypes).
const CONSTRUCTORS: &[&str] = &[
    "Some",
    "String::new",
    "CozeTime",
    "CozeFile",
    "from_json",
    "serde_json::Map::new",
];

/// An expression that builds a value: literals, paths, struct literals, the constructors above
/// with literal or value arguments, calls of a type's own `default_…` functions, and
/// `to_owned` on a string literal.
fn value(expr: &Expr) -> Result<(), String> {
    let no_attrs = |attrs: &[Attribute]| {
        if attrs.is_empty() {
            Ok(())
        } else {
            Err("an attribute on an expression".to_owned())
        }
    };
    match expr {
        Expr::Lit(e) => no_attrs(&e.attrs),
        Expr::Path(e) => {
            no_attrs(&e.attrs)?;
            if e.qself.is_some() {
                return Err("a qualified path".into());
            }
            let name = path_text(&e.path)?;
            if name == "None" {
                Ok(())
            } else {
                Err(format!("a path `{name}` as a value"))
            }
        }
        Expr::Call(e) => {
            no_attrs(&e.attrs)?;
            let Expr::Path(func) = &*e.func else {
                return Err("a call of something other than a path".into());
            };
            let name = path_text(&func.path)?;
            let own_default = name
                .strip_prefix("Self::default_")
                .is_some_and(|rest| !rest.contains("::"))
                && e.args.is_empty();
            if !CONSTRUCTORS.contains(&name.as_str()) && !own_default {
                return Err(format!("a call of `{name}`"));
            }
            e.args.iter().try_for_each(value)
        }
        Expr::MethodCall(e) => {
            no_attrs(&e.attrs)?;
            if e.turbofish.is_some() || !e.args.is_empty() || e.method != "to_owned" {
                return Err(format!("a call of method `{}`", e.method));
            }
            match &*e.receiver {
                Expr::Lit(l) if matches!(l.lit, syn::Lit::Str(_)) => Ok(()),
                _ => Err("`to_owned` of something other than a string literal".into()),
            }
        }
        Expr::Struct(e) => {
            no_attrs(&e.attrs)?;
            if e.qself.is_some() || e.rest.is_some() || e.dot2_token.is_some() {
                return Err("a struct literal with `..`".into());
            }
            let name = path_text(&e.path)?;
            if name != "Self" {
                return Err(format!("a struct literal of `{name}`"));
            }
            e.fields.iter().try_for_each(|f| value(&f.expr))
        }
        Expr::Unary(e) if matches!(e.op, syn::UnOp::Neg(_)) => {
            no_attrs(&e.attrs)?;
            match &*e.expr {
                Expr::Lit(_) => Ok(()),
                _ => Err("a negation of something other than a literal".into()),
            }
        }
        _ => Err("an expression that is not data".into()),
    }
}

/// What the HTML checker saw in an accepted form.
#[derive(Debug)]
pub struct HtmlShape {
    /// The JSON model of the `<script type="application/json">` block.
    pub model: serde_json::Value,
    /// How many form controls (`input`, `textarea`, `select`) there are, templates included.
    pub controls: usize,
    /// How many `<fieldset>`s there are.
    pub fieldsets: usize,
}

/// cozegen's one script, as it must appear in every form: `templates/html/form.js` inside the
/// page's entry (checked against the template in tests/it/html.rs).
pub const FORM_SCRIPT: &str = cozegen::emit::html::SCRIPT;

/// Elements the form templates write. Anything else came from the document.
const ELEMENTS: &[&str] = &[
    "html", "head", "body", "meta", "title", "style", "main", "header", "p", "h1", "h2", "bdi",
    "code", "form", "div", "input", "label", "span", "abbr", "textarea", "fieldset", "legend",
    "ol", "li", "template", "button", "section", "pre", "script", "select", "option",
];

/// Parses `html` with html5ever (through scraper) and checks that its only scripts are
/// cozegen's: exactly two `<script>` elements, the form script (byte for byte) and the JSON
/// model block (which must parse as JSON); only elements the templates write; no `on*`
/// attribute anywhere (inside `<template>`s too); no attribute value that is a `javascript:`
/// URL.
pub fn html_is_inert(html: &str) -> Result<HtmlShape, String> {
    // A page starts with its doctype; a fragment (`--fragment`) is parsed as the body's content.
    let doc = if html.starts_with("<!DOCTYPE html>") {
        Html::parse_document(html)
    } else {
        Html::parse_fragment(html)
    };
    if !doc.errors.is_empty() {
        return Err(format!("parse errors: {:?}", doc.errors));
    }
    let mut scripts = Vec::new();
    let (mut controls, mut fieldsets) = (0, 0);
    for node in doc.tree.nodes() {
        let Node::Element(element) = node.value() else {
            continue;
        };
        let name = element.name();
        if !ELEMENTS.contains(&name) {
            return Err(format!("unexpected element <{name}>"));
        }
        for (attr, value) in element.attrs() {
            if attr.to_ascii_lowercase().starts_with("on") {
                return Err(format!("event handler attribute {attr} on <{name}>"));
            }
            let squeezed: String = value
                .chars()
                .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            if squeezed.starts_with("javascript:") {
                return Err(format!("javascript: URL in {attr} on <{name}>"));
            }
        }
        match name {
            "script" => {
                let text: String = node
                    .children()
                    .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                    .collect();
                let attrs: Vec<(&str, &str)> = element.attrs().collect();
                scripts.push((attrs, text));
            }
            "input" | "textarea" | "select" => controls += 1,
            "fieldset" => fieldsets += 1,
            _ => {}
        }
    }
    if scripts.len() != 2 {
        return Err(format!("{} script elements, expected 2", scripts.len()));
    }
    let (model_attrs, model_text) = &scripts[0];
    let mut model_attrs = model_attrs.clone();
    model_attrs.sort();
    if model_attrs != [("class", "cz-model"), ("type", "application/json")] {
        return Err(format!(
            "the first script is not the model: {model_attrs:?}"
        ));
    }
    let (script_attrs, script_text) = &scripts[1];
    if !script_attrs.is_empty() || script_text != FORM_SCRIPT {
        return Err("the second script is not cozegen's form script".into());
    }
    let model = parse_deep_json(model_text).map_err(|e| format!("model block: {e}"))?;
    Ok(HtmlShape {
        model,
        controls,
        fieldsets,
    })
}

/// serde_json without its recursion limit, for the deep documents' outputs. Callers run on a
/// thread with a big stack (see [`on_big_stack`]).
pub fn parse_deep_json(text: &str) -> Result<serde_json::Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    de.disable_recursion_limit();
    let value = serde::Deserialize::deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// Runs `f` on a thread with a 512 MiB stack: the tests' own recursive parsing and dropping of
/// deep outputs (serde_json values, syn trees, html5ever DOMs) needs it, cozegen does not.
pub fn on_big_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(512 << 20)
            .spawn_scoped(s, f)
            .expect("thread")
            .join()
            .expect("no panic")
    })
}
