//! cozegen turns a Coze workflow's WorkflowInfo (the answer of
//! `GET /v1/workflows/:workflow_id?include_input_output=true`) into artifacts: JSON Schema,
//! Rust input structs, an HTML form.
//!
//! The pipeline has three stages, one module each:
//!
//! 1. [`load`] reads the document into the lenient wire types of [`model`];
//! 2. [`ir::build`] walks it once into flat tables where every name, type, default and value
//!    rule is decided;
//! 3. the emitters in [`emit`] translate those tables into text through askama templates.
//!
//! With the `fetch` feature (on by default), the `fetch` module gets the document from the Coze
//! API instead of a file; build scripts turn default features off and load a committed snapshot.
//!
//! ```no_run
//! let (workflow, warnings) = cozegen::load_workflow("workflow.json", &Default::default())?;
//! for w in &warnings {
//!     eprintln!("warning: {w}");
//! }
//! let schema = cozegen::emit::json_schema::render(&workflow, &Default::default())?;
//! # Ok::<(), cozegen::Error>(())
//! ```

pub mod bundle;
pub mod canvas;
pub mod diff;
pub mod emit;
pub mod error;
#[cfg(feature = "fetch")]
pub mod fetch;
pub mod ir;
pub mod json;
pub mod load;
pub mod model;
pub mod output;
pub mod validate;
pub mod workspace;

pub use error::{Error, Result, Warning};
pub use ir::{BuildOptions, Workflow, build};
pub use load::{load_path, load_slice};

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
    let (workflow, mut warnings) = load_workflow(input, build)?;
    let (code, derive_warnings) = emit::rust::render_with_warnings(&workflow, options)?;
    warnings.extend(derive_warnings);
    output::write_atomic(out.as_ref(), code.as_bytes())?;
    Ok(warnings)
}

/// Loads a WorkflowInfo file (`-` for stdin) and builds its IR in one step.
pub fn load_workflow(
    path: impl AsRef<std::path::Path>,
    options: &BuildOptions,
) -> Result<(Workflow, Vec<Warning>)> {
    let info = load_path(path)?;
    build(&info, options)
}
