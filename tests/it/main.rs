//! The integration tests, in one binary: each module tests one feature from the outside (the
//! `cozegen` binary, the library's API, generated code under its real toolchain, real clients
//! against servers the tests start on 127.0.0.1), and `common` holds what they share (`checks`: the structural checks on generated code and forms). One
//! binary links once; one per file linked the whole crate ~30 times per build.
//!
//! Run one module with `cargo test --test it <module>::` (e.g. `cargo test --test it conformance::`).

mod checks;
mod common;

mod all;
mod architecture;
mod cli;
mod component;
mod conformance;
mod docs;
mod fetch;
mod html;
mod ids;
mod ir;
mod limits;
mod mcp;
mod properties;
mod python;
mod run;
mod rust;
mod schema;
mod serve;
mod studio;
mod tool;
mod typescript;
mod validate_diff;
mod versions;
mod workspace;
mod zod;
