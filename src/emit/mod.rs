//! Emitters: one module per artifact, each translating the IR into a view struct that an
//! askama template in `templates/` lays out.

pub mod error;
#[cfg(feature = "html")]
pub mod html;
#[cfg(feature = "ir-json")]
pub mod ir_json;
#[cfg(feature = "schema")]
pub mod json_schema;
#[cfg(feature = "python")]
pub mod python;
pub mod rust;
#[cfg(feature = "tool")]
pub mod tool;
#[cfg(feature = "typescript")]
pub mod typescript;
#[cfg(feature = "zod")]
pub mod zod;

pub use error::Error;

/// Shorthand for results of emitters.
pub type Result<T, E = Error> = std::result::Result<T, E>;
