//! What can stop the IR from being built: parameters nested too deep, a name too long, a root
//! type name the caller chose that cannot be one.

/// Why a workflow's IR could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Parameters nested deeper than [`crate::limits::MAX_DEPTH`].
    #[error("parameter `{path}`: nested deeper than {limit} levels, the most cozegen accepts")]
    TooDeep {
        /// The parameter that goes too deep, e.g. `rows[].tags[]`.
        path: String,
        /// The most levels accepted.
        limit: usize,
    },

    /// A parameter name longer than [`crate::limits::MAX_NAME_BYTES`].
    #[error(
        "parameter `{path}`: its name is {len} bytes long, more than the {limit} cozegen accepts \
         (compilers choke on such names in generated code)"
    )]
    NameTooLong {
        /// The parameter with the long name.
        path: String,
        /// The name's length in bytes.
        len: usize,
        /// The most bytes accepted.
        limit: usize,
    },

    /// A type name chosen by the caller (`--type-name`) is not one every language can use
    /// ([`crate::ir::names::is_valid_type_name`]).
    #[error(
        "`{name}` cannot be used as a type name: it must be an ASCII UpperCamelCase identifier \
         that is none of the names generated code keeps for itself (a Rust std or serde name, \
         a TypeScript built-in, or a helper type such as `RunRequest` or `ChatMessage`)"
    )]
    InvalidTypeName {
        /// The name as given.
        name: String,
    },
}
