//! `import_workflow!`: the Rust input structs of a Coze workflow, generated at compile time
//! from a saved WorkflowInfo by [cozegen](https://crates.io/crates/cozegen), with no `build.rs`.
//!
//! ```
//! mod order {
//!     // The path is relative to the crate's directory (this crate's own test workflow here).
//!     cozegen_macros::import_workflow!("tests/workflows/order_intake.json", type_name = "OrderInput");
//! }
//!
//! let input: order::OrderInput = serde_json::from_str(
//!     r#"{"customer": {"name": "Ada", "address": {"street": "1 Main St", "city": "Paris"}},
//!         "lines": [{"sku": "A-1", "qty": 2}]}"#,
//! )?;
//! assert_eq!(input.lines[0].qty, 2);
//! // Built in code: `new` takes the required parameters, `with_…` sets an optional one.
//! let address = order::OrderInputCustomerAddress::new("1 Main St".into(), "Paris".into());
//! let built = order::OrderInput::new(
//!     order::OrderInputCustomer::new("Ada".into(), address),
//!     vec![order::OrderInputLinesItem::new("A-1".into(), 2)],
//! )
//! .with_notes("ring twice".into());
//! assert_eq!((built.customer, built.lines), (input.customer, input.lines));
//! assert_eq!(built.notes.as_deref(), Some("ring twice"));
//! // Unknown keys are refused: the workflow's objects are closed.
//! assert!(serde_json::from_str::<order::OrderInput>(r#"{"lines": [], "colour": "red"}"#).is_err());
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! The macro expands, in the module where it is called, to exactly what `cozegen rust` writes for
//! that file: the same types, docs, serde attributes and helper types. The generated code uses
//! `serde` (with `derive`) and `serde_json`, so the calling crate depends on both.
//!
//! # What it generates
//!
//! In the calling module, for the chosen node:
//!
//! - a root struct named after the workflow (its `workflow_name` in UpperCamelCase + `Input`,
//!   or `Output` for `node = output`; `order_intake` gives `OrderIntakeInput`), or `type_name`;
//! - one struct per nested object, named from its path: the parent's name + the field's name
//!   in UpperCamelCase (`OrderIntakeInputCustomer`, `OrderIntakeInputCustomerAddress`), and
//!   `…Item` for an array's elements (`OrderIntakeInputLinesItem`);
//! - the helper types the fields use (`CozeTime`, `CozeFile`, `CozeValueError`) and, unless
//!   `run_helpers = false`, `WORKFLOW_ID` with `RunRequest` (start node) or `RunOutput`,
//!   `parse_output`, `parse_run_answer`, `RunAnswer` and `RunError` (end node).
//!
//! `cozegen rust FILE --list-types` (with `--node output` and `--type-name` as the macro's
//! options) lists the structs' names, each with the parameter path it comes from.
//!
//! # Arguments
//!
//! The first argument is the path of a saved WorkflowInfo (what `cozegen fetch` writes, the full
//! API answer or its bare `data`), relative to the calling crate's `CARGO_MANIFEST_DIR`. Options
//! follow as `name = value`, each at most once:
//!
//! | option | value | as the CLI's |
//! | --- | --- | --- |
//! | `node` | `input` (default) or `output`: the start node's `parameters` or what a run returns | `--node` |
//! | `type_name` | `"OrderInput"`: the root type's name, for the chosen node | `--type-name` |
//! | `output_type_name` | `"OrderOutput"`: the end node's root type name (with `node = output`) | `--output-type-name` |
//! | `derive` | `[Eq, Hash, schemars::JsonSchema]`: extra derives | `--derive` |
//! | `open_objects` | `true`: accept keys the workflow does not declare | `--open-objects` |
//! | `deny_warnings` | `true`: make every warning a compile error | `--deny-warnings` |
//! | `run_helpers` | `false`: leave out `WORKFLOW_ID`, `RunRequest` and the answer parsers | `--no-run-helpers` |
//!
//! # Errors and warnings
//!
//! A missing file, a malformed document or a bad option is a compile error at the macro call,
//! naming the file and the parameter path. Warnings (fallbacks cozegen chose, derives some
//! types cannot take, a nesting deeper than rustc's default recursion limit) are printed by the
//! compiler as warnings (as the use of a deprecated item, the only warning a macro can raise on
//! stable Rust) and do not fail the build, unless `deny_warnings = true`.
//!
//! The macro makes the compiler track the file, so editing the JSON rebuilds the crate.

use proc_macro::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use std::path::{Path, PathBuf};

/// Expands to the Rust types of a Coze workflow's start node (or end node), generated from a
/// saved WorkflowInfo: `import_workflow!("workflow.json", type_name = "OrderInput")`.
///
/// See the [crate documentation](crate) for the options.
#[proc_macro]
pub fn import_workflow(input: TokenStream) -> TokenStream {
    match expand(input) {
        Ok(tokens) => tokens,
        Err(e) => compile_error(&e.message, e.span),
    }
}

/// A compile error: what to say, and which argument to point at.
struct Failure {
    message: String,
    span: Span,
}

impl Failure {
    fn new(span: Span, message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            span,
        }
    }
}

/// The macro's arguments, read but not yet checked against the document.
struct Request {
    /// The path as written, for messages.
    file: String,
    file_span: Span,
    node: cozegen::ir::Node,
    type_name: Option<(String, Span)>,
    output_type_name: Option<(String, Span)>,
    derives: Option<(Vec<String>, Span)>,
    open_objects: bool,
    deny_warnings: bool,
    run_helpers: bool,
}

fn expand(input: TokenStream) -> Result<TokenStream, Failure> {
    let request = parse(input)?;
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").ok_or_else(|| {
        Failure::new(
            request.file_span,
            "CARGO_MANIFEST_DIR is not set: import_workflow! resolves its path against the \
             calling crate's directory, so it must be compiled by cargo",
        )
    })?;
    let manifest_dir = PathBuf::from(manifest_dir);
    let path = manifest_dir.join(&request.file);
    let (build, options) = options(&request)?;
    let (code, warnings) = cozegen::generate_rust(&path, &build, &options).map_err(|e| {
        Failure::new(
            request.file_span,
            failure(&e, &path, &request.file, &manifest_dir),
        )
    })?;
    if request.deny_warnings && !warnings.is_empty() {
        let list: Vec<String> = warnings.iter().map(|w| format!("  {w}")).collect();
        return Err(Failure::new(
            request.file_span,
            format!(
                "cozegen: {} in {} (denied by deny_warnings = true):\n{}",
                plural(warnings.len(), "warning"),
                request.file,
                list.join("\n")
            ),
        ));
    }
    let mut tokens: TokenStream = code.parse().map_err(|e| {
        Failure::new(
            request.file_span,
            format!(
                "cozegen generated Rust that does not lex ({e:?}) from {}: this is a bug in \
                 cozegen, please report it with the document",
                request.file
            ),
        )
    })?;
    tokens.extend(track(&path, request.file_span)?);
    for warning in &warnings {
        tokens.extend(warn(
            &format!("cozegen: {}: {warning}", request.file),
            request.file_span,
        ));
    }
    Ok(tokens)
}

/// cozegen's error, in the terms of the macro call: the path as written rather than the
/// absolute one, and where a relative path was looked for when the file is not there.
fn failure(error: &cozegen::Error, path: &Path, file: &str, manifest_dir: &Path) -> String {
    let message = error.to_string().replace(&path.display().to_string(), file);
    let mut text = if message.contains(file) {
        format!("cozegen: {message}")
    } else {
        format!("cozegen: {file}: {message}")
    };
    if !path.exists() && Path::new(file).is_relative() {
        text.push_str(&format!(
            "\n(a relative path is taken from the calling crate's directory, {})",
            manifest_dir.display()
        ));
    }
    text
}

/// The emitter's and the IR's options, from the macro's.
fn options(
    request: &Request,
) -> Result<(cozegen::BuildOptions, cozegen::emit::rust::RustOptions), Failure> {
    use cozegen::ir::Node;
    let mut build = cozegen::BuildOptions {
        open_objects: request.open_objects,
        ..Default::default()
    };
    match request.node {
        Node::Input => {
            if let Some((_, span)) = &request.output_type_name {
                return Err(Failure::new(
                    *span,
                    "output_type_name names the end node's root type, which this call does not \
                     generate: add `node = output`, or use `type_name` for the start node",
                ));
            }
            build.input_type_name = request.type_name.as_ref().map(|(n, _)| n.clone());
        }
        Node::Output => {
            if let (Some(_), Some((_, span))) = (&request.type_name, &request.output_type_name) {
                return Err(Failure::new(
                    *span,
                    "type_name and output_type_name both name the end node's root type here: \
                     give one",
                ));
            }
            build.output_type_name = request
                .output_type_name
                .as_ref()
                .or(request.type_name.as_ref())
                .map(|(n, _)| n.clone());
        }
    }
    let derives = match &request.derives {
        Some((derives, span)) => {
            // Checked here, so that a bad path points at `derive` rather than at the file.
            cozegen::emit::rust::check_derives(derives)
                .map_err(|e| Failure::new(*span, e.to_string()))?;
            derives.clone()
        }
        None => Vec::new(),
    };
    Ok((
        build,
        cozegen::emit::rust::RustOptions {
            derives,
            node: request.node,
            run_helpers: request.run_helpers,
        },
    ))
}

/// `const _: &[u8] = include_bytes!("…");`: the compiler then records the file as an input of
/// the crate, and rebuilds it when the file changes (proc_macro's own tracking is unstable).
fn track(path: &Path, span: Span) -> Result<TokenStream, Failure> {
    let text = path.to_str().ok_or_else(|| {
        Failure::new(
            span,
            format!(
                "the path {} is not UTF-8, which include_bytes! needs to track it",
                path.display()
            ),
        )
    })?;
    let mut include = Literal::string(text);
    include.set_span(span);
    Ok(TokenStream::from_iter(vec![
        ident("const", span),
        ident("_", span),
        punct(':', Spacing::Alone, span),
        punct('&', Spacing::Alone, span),
        group(
            Delimiter::Bracket,
            vec![ident("u8", span)].into_iter().collect(),
            span,
        ),
        punct('=', Spacing::Alone, span),
        ident("include_bytes", span),
        punct('!', Spacing::Alone, span),
        group(
            Delimiter::Parenthesis,
            TokenStream::from(TokenTree::Literal(include)),
            span,
        ),
        punct(';', Spacing::Alone, span),
    ]))
}

/// A warning the compiler prints without failing the build: the use of a deprecated constant
/// whose note is the message.
///
/// `const _: () = { #[deprecated(note = "…")] #[allow(non_upper_case_globals)] const cozegen_warning: () = (); cozegen_warning };`
fn warn(message: &str, span: Span) -> TokenStream {
    let mut note = Literal::string(message);
    note.set_span(span);
    let attribute = |inner: Vec<TokenTree>| -> Vec<TokenTree> {
        vec![
            punct('#', Spacing::Alone, span),
            group(Delimiter::Bracket, inner.into_iter().collect(), span),
        ]
    };
    let mut body = Vec::new();
    body.extend(attribute(vec![
        ident("deprecated", span),
        group(
            Delimiter::Parenthesis,
            vec![
                ident("note", span),
                punct('=', Spacing::Alone, span),
                TokenTree::Literal(note),
            ]
            .into_iter()
            .collect(),
            span,
        ),
    ]));
    body.extend(attribute(vec![
        ident("allow", span),
        group(
            Delimiter::Parenthesis,
            TokenStream::from(ident("non_upper_case_globals", span)),
            span,
        ),
    ]));
    body.extend([
        ident("const", span),
        ident("cozegen_warning", span),
        punct(':', Spacing::Alone, span),
        group(Delimiter::Parenthesis, TokenStream::new(), span),
        punct('=', Spacing::Alone, span),
        group(Delimiter::Parenthesis, TokenStream::new(), span),
        punct(';', Spacing::Alone, span),
        ident("cozegen_warning", span),
    ]);
    TokenStream::from_iter(vec![
        ident("const", span),
        ident("_", span),
        punct(':', Spacing::Alone, span),
        group(Delimiter::Parenthesis, TokenStream::new(), span),
        punct('=', Spacing::Alone, span),
        group(Delimiter::Brace, body.into_iter().collect(), span),
        punct(';', Spacing::Alone, span),
    ])
}

/// `compile_error!("…");` pointing at `span`.
fn compile_error(message: &str, span: Span) -> TokenStream {
    let mut text = Literal::string(message);
    text.set_span(span);
    TokenStream::from_iter(vec![
        ident("compile_error", span),
        punct('!', Spacing::Alone, span),
        group(
            Delimiter::Parenthesis,
            TokenStream::from(TokenTree::Literal(text)),
            span,
        ),
        punct(';', Spacing::Alone, span),
    ])
}

fn ident(name: &str, span: Span) -> TokenTree {
    TokenTree::Ident(Ident::new(name, span))
}

fn punct(c: char, spacing: Spacing, span: Span) -> TokenTree {
    let mut p = Punct::new(c, spacing);
    p.set_span(span);
    TokenTree::Punct(p)
}

fn group(delimiter: Delimiter, stream: TokenStream, span: Span) -> TokenTree {
    let mut g = Group::new(delimiter, stream);
    g.set_span(span);
    TokenTree::Group(g)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Reads `"path" (, name = value)* ,?`.
fn parse(input: TokenStream) -> Result<Request, Failure> {
    const USAGE: &str = "expected the path of a saved WorkflowInfo, e.g. \
                         `import_workflow!(\"workflows/order.json\", type_name = \"OrderInput\")`";
    let mut trees = input.into_iter().peekable();
    let (file, file_span) = match trees.next() {
        Some(TokenTree::Literal(lit)) => match string_literal(&lit) {
            Some(text) => (text, lit.span()),
            None => return Err(Failure::new(lit.span(), USAGE)),
        },
        // A path passed through a `macro_rules!` arrives wrapped in an invisible group.
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::None => {
            return parse(g.stream().into_iter().chain(trees).collect());
        }
        Some(other) => return Err(Failure::new(other.span(), USAGE)),
        None => return Err(Failure::new(Span::call_site(), USAGE)),
    };
    if file.is_empty() {
        return Err(Failure::new(file_span, "the path is empty"));
    }
    let mut request = Request {
        file,
        file_span,
        node: cozegen::ir::Node::Input,
        type_name: None,
        output_type_name: None,
        derives: None,
        open_objects: false,
        deny_warnings: false,
        run_helpers: true,
    };
    let mut seen: Vec<String> = Vec::new();
    loop {
        match trees.next() {
            None => break,
            Some(TokenTree::Punct(p)) if p.as_char() == ',' => {}
            Some(other) => {
                return Err(Failure::new(
                    other.span(),
                    "expected `,` between the arguments",
                ));
            }
        }
        let name = match trees.next() {
            None => break,
            Some(TokenTree::Ident(name)) => name,
            Some(other) => {
                return Err(Failure::new(
                    other.span(),
                    "expected an option name: node, type_name, output_type_name, derive, \
                     open_objects, deny_warnings or run_helpers",
                ));
            }
        };
        let key = name.to_string();
        match trees.next() {
            Some(TokenTree::Punct(p)) if p.as_char() == '=' => {}
            Some(other) => {
                return Err(Failure::new(
                    other.span(),
                    format!("expected `=` after `{key}`"),
                ));
            }
            None => {
                return Err(Failure::new(
                    name.span(),
                    format!("`{key}` needs a value: `{key} = …`"),
                ));
            }
        }
        let value = trees.next().ok_or_else(|| {
            Failure::new(name.span(), format!("`{key}` needs a value: `{key} = …`"))
        })?;
        if seen.contains(&key) {
            return Err(Failure::new(name.span(), format!("`{key}` is given twice")));
        }
        match key.as_str() {
            "node" => {
                request.node = match value.to_string().as_str() {
                    "input" => cozegen::ir::Node::Input,
                    "output" => cozegen::ir::Node::Output,
                    _ => {
                        return Err(Failure::new(
                            value.span(),
                            "`node` is `input` (the start node's parameters) or `output` \
                             (what a run returns)",
                        ));
                    }
                }
            }
            "type_name" | "output_type_name" => {
                let text = match &value {
                    TokenTree::Literal(lit) => string_literal(lit),
                    _ => None,
                }
                .ok_or_else(|| {
                    Failure::new(
                        value.span(),
                        format!("`{key}` takes a string: `{key} = \"OrderInput\"`"),
                    )
                })?;
                let slot = if key == "type_name" {
                    &mut request.type_name
                } else {
                    &mut request.output_type_name
                };
                *slot = Some((text, value.span()));
            }
            "derive" => {
                let TokenTree::Group(group) = &value else {
                    return Err(Failure::new(
                        value.span(),
                        "`derive` takes a list of paths: `derive = [Eq, Hash]`",
                    ));
                };
                if group.delimiter() != Delimiter::Bracket {
                    return Err(Failure::new(
                        value.span(),
                        "`derive` takes a list of paths in brackets: `derive = [Eq, Hash]`",
                    ));
                }
                request.derives = Some((paths(group.stream()), group.span()));
            }
            "open_objects" | "deny_warnings" | "run_helpers" => {
                let flag = match value.to_string().as_str() {
                    "true" => true,
                    "false" => false,
                    _ => {
                        return Err(Failure::new(
                            value.span(),
                            format!("`{key}` is `true` or `false`"),
                        ));
                    }
                };
                match key.as_str() {
                    "open_objects" => request.open_objects = flag,
                    "deny_warnings" => request.deny_warnings = flag,
                    _ => request.run_helpers = flag,
                }
            }
            _ => {
                return Err(Failure::new(
                    name.span(),
                    format!(
                        "unknown option `{key}`: expected node, type_name, output_type_name, \
                         derive, open_objects, deny_warnings or run_helpers"
                    ),
                ));
            }
        }
        seen.push(key);
    }
    Ok(request)
}

/// The comma-separated items of a `[…]` list, each as its tokens written without spaces
/// (`schemars :: JsonSchema` becomes `schemars::JsonSchema`); cozegen checks that each is a
/// path.
fn paths(stream: TokenStream) -> Vec<String> {
    let mut items = Vec::new();
    let mut current = String::new();
    for tree in stream {
        match tree {
            TokenTree::Punct(p) if p.as_char() == ',' => items.push(std::mem::take(&mut current)),
            other => current.push_str(&other.to_string()),
        }
    }
    if !current.is_empty() {
        items.push(current);
    }
    items
}

/// The value of a string literal (`"…"` with escapes, or a raw `r#"…"#`), or `None` when the
/// literal is not a plain string.
fn string_literal(lit: &Literal) -> Option<String> {
    let text = lit.to_string();
    if let Some(raw) = text.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let body = raw[hashes..].strip_prefix('"')?;
        let body = body.strip_suffix(&"#".repeat(hashes))?.strip_suffix('"')?;
        return Some(body.to_owned());
    }
    let body = text.strip_prefix('"')?.strip_suffix('"')?;
    unescape(body)
}

/// Rust's string escapes: `\n \r \t \\ \0 \' \"`, `\x7f`, `\u{…}`, and a line continuation.
fn unescape(body: &str) -> Option<String> {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            '\\' => out.push('\\'),
            '0' => out.push('\0'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'x' => {
                let hex: String = [chars.next()?, chars.next()?].iter().collect();
                let byte = u8::from_str_radix(&hex, 16).ok()?;
                out.push(char::from(byte).is_ascii().then_some(char::from(byte))?);
            }
            'u' => {
                if chars.next()? != '{' {
                    return None;
                }
                let mut hex = String::new();
                loop {
                    match chars.next()? {
                        '}' => break,
                        '_' => {}
                        h => hex.push(h),
                    }
                }
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            '\n' => while chars.next_if(|c| c.is_whitespace()).is_some() {},
            _ => return None,
        }
    }
    Some(out)
}
