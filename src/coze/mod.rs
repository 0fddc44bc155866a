//! The Coze API: fetching workflow definitions and versions, listing workspaces, and running
//! workflows and chatflows.

pub mod error;
pub mod fetch;
pub mod run;

pub use error::Error;
