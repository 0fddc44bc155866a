#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]
//! cozegen turns a Coze workflow's WorkflowInfo (the answer of
//! `GET /v1/workflows/:workflow_id?include_input_output=true`) or a Coze Studio canvas into
//! artifacts: JSON Schema, Rust input structs, TypeScript, an HTML form, the IR as JSON, and
//! tool definitions for agents.
//!
//! The pipeline has three stages:
//!
//! 1. [`source`] reads the document into the lenient wire types of [`model`];
//! 2. [`ir::build`] walks it once into flat tables where every name, type, default and value
//!    rule is decided;
//! 3. the emitters in [`emit`] translate those tables into text through askama templates; each
//!    is an [`artifact::Artifact`], and [`artifact::registry`] lists them.
//!
//! With the `fetch` feature (on by default), the `coze` client gets the document from the
//! Coze API instead of a file, and runs a published workflow (and streams its events) or chats
//! with a chatflow, as the `plan` of a run decides; build scripts turn default features off
//! and load a committed snapshot. `ARCHITECTURE.md` maps the layers and their rules.
//!
//! A chatflow (known from a Studio answer's `flow_mode`, or from a start node with both
//! `USER_INPUT` and `CONVERSATION_NAME`) is decided once, in the IR ([`ir::Workflow::chat`]):
//! its message is not a run parameter, and every artifact describes the chat request instead.
//!
//! ```
//! let (workflow, warnings) =
//!     cozegen::load_workflow("examples/workflows/order_intake.json", &Default::default())?;
//! for w in &warnings {
//!     eprintln!("warning: {w}");
//! }
//! // The Rust emitter is always there; the other artifacts are features.
//! let code = cozegen::emit::rust::render(&workflow, &Default::default())?;
//! assert!(code.contains("pub struct"));
//! #[cfg(feature = "schema")]
//! let schema = cozegen::emit::json_schema::render(&workflow, &Default::default())?;
//! #[cfg(feature = "schema")]
//! assert!(schema.contains("\"customer\""));
//! # Ok::<(), cozegen::Error>(())
//! ```
//!
//! # Features
//!
//! With default features off, the library is the loader, the IR and the Rust emitter: what a
//! `build.rs` or the `cozegen-macros` crate's `import_workflow!` needs, and nothing else to
//! compile. Each feature adds one piece:
//!
//! - `schema`: JSON Schema (draft 2020-12 and draft-07), built on schemars' `Schema`.
//! - `html`: the self-contained HTML form (its CSP hashes the inline script and style).
//! - `typescript`: TypeScript declarations.
//! - `ir-json`: the IR as JSON, for custom generators.
//! - `validate`: checking a run's `parameters` against the start node.
//! - `diff`: comparing two versions of a workflow.
//! - `bundle`: every artifact of a workflow under stable file names (`cozegen all`), and
//!   workspaces; implies `schema`, `html`, `typescript` and `ir-json`.
//! - `cli` (default): the `cozegen` binary; implies `bundle`, `validate` and `diff`.
//! - `fetch` (default): fetching WorkflowInfo from the Coze API (ureq over rustls; no system
//!   OpenSSL).
//! - `tool`: tool definitions for agents (OpenAI, Anthropic, MCP), one per workflow; implies
//!   `schema`.
//! - `mcp` (default): the Model Context Protocol server behind `cozegen mcp` (the official
//!   `rmcp` SDK on a small tokio runtime); implies `fetch`, `validate` and `tool`.
//! - `serve` (default): the local web server behind `cozegen serve` (axum on the same tokio
//!   runtime): each workflow's form, wired to runs on Coze; implies `fetch`, `validate` and
//!   `html`.

pub mod artifact;
#[cfg(feature = "bundle")]
pub mod bundle;
#[cfg(any(feature = "validate", feature = "diff"))]
pub mod check;
#[cfg(feature = "fetch")]
pub mod coze;
pub mod emit;
pub mod endpoints;
pub mod error;
pub mod ir;
pub mod json;
pub mod limits;
#[cfg(feature = "mcp")]
pub mod mcp;
pub mod model;
pub mod output;
#[cfg(all(feature = "fetch", feature = "validate"))]
pub mod plan;
#[cfg(feature = "serve")]
pub mod serve;
pub mod source;
pub mod text;
pub mod warning;
#[cfg(feature = "bundle")]
pub mod workspace;

pub use error::{Error, Result};
pub use ir::{BuildOptions, Workflow, build};
pub use source::{load_path, load_slice};
pub use warning::Warning;

/// Generates the Rust input structs for a saved WorkflowInfo and writes them to `out`
/// atomically: everything a `build.rs` needs. Returns the warnings (fallbacks the IR chose,
/// derives some types could not take); print them as `cargo::warning=` lines if you like.
///
/// ```no_run
/// // build.rs
/// let out = std::path::Path::new(&std::env::var_os("OUT_DIR").unwrap()).join("order.rs");
/// let build = cozegen::BuildOptions {
///     input_type_name: Some("OrderInput".to_owned()),
///     ..Default::default()
/// };
/// for warning in cozegen::generate_rust_file("order_intake.json", &out, &build, &Default::default())? {
///     println!("cargo::warning={warning}");
/// }
/// println!("cargo::rerun-if-changed=order_intake.json");
/// # Ok::<(), cozegen::Error>(())
/// ```
///
/// and in the crate: `mod order { include!(concat!(env!("OUT_DIR"), "/order.rs")); }`.
pub fn generate_rust_file(
    input: impl AsRef<std::path::Path>,
    out: impl AsRef<std::path::Path>,
    build: &BuildOptions,
    options: &emit::rust::RustOptions,
) -> Result<Vec<Warning>> {
    let (code, warnings) = generate_rust(input, build, options)?;
    output::write_atomic(out.as_ref(), code.as_bytes())?;
    Ok(warnings)
}

/// Generates the Rust module for a saved WorkflowInfo (`-` for stdin) and returns it as text,
/// with every warning about it (not those about the other node): the IR's fallbacks first,
/// then the emitter's (derives some types cannot
/// take, a nesting deeper than rustc's default recursion limit). This is exactly what
/// `cozegen rust` writes, and what `cozegen_macros::import_workflow!` expands to.
pub fn generate_rust(
    input: impl AsRef<std::path::Path>,
    build: &BuildOptions,
    options: &emit::rust::RustOptions,
) -> Result<(String, Vec<Warning>)> {
    let (workflow, mut warnings) = load_workflow(input, build)?;
    // The module holds one node: a warning about the other one (a start node's dropped
    // default, for a module of the end node) says nothing about this code.
    let other = match options.node {
        ir::Node::Input => ir::Node::Output,
        ir::Node::Output => ir::Node::Input,
    };
    warnings.retain(|w| !w.is_about_node(other.name()));
    let (code, emit_warnings) = emit::rust::render_with_warnings(&workflow, options)?;
    warnings.extend(emit_warnings);
    Ok((code, warnings))
}

/// Loads a WorkflowInfo file (`-` for stdin) and builds its IR in one step.
pub fn load_workflow(
    path: impl AsRef<std::path::Path>,
    options: &BuildOptions,
) -> Result<(Workflow, Vec<Warning>)> {
    let info = load_path(path)?;
    Ok(build(&info, options)?)
}
