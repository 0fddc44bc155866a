//! Every limit cozegen puts on what it reads, in one place. Each keeps a hostile or broken
//! document from costing unbounded memory, stack or time, and each is an error that names the
//! limit when it is crossed, never a crash.

/// The largest document accepted, in bytes (a WorkflowInfo, a canvas, a `parameters` file).
pub const MAX_DOCUMENT_BYTES: u64 = 256 << 20;

/// The deepest parameter nesting accepted (each object or array level counts one). Deeper
/// documents are refused with an error naming the path where the limit was crossed.
pub const MAX_DEPTH: usize = 2_000;

/// The deepest JSON nesting accepted: enough for [`MAX_DEPTH`] parameter levels (an object
/// parameter takes two JSON levels: itself and its `properties`) plus the envelope.
pub const MAX_JSON_DEPTH: usize = 2 * MAX_DEPTH + 16;

/// The longest parameter name accepted, in bytes. Names are free text on the wire, but one
/// goes verbatim into the generated code (a serde `rename`, a TypeScript key), and rustc needs
/// gigabytes for a 10,000-byte `rename`; Coze's editor allows far shorter names.
pub const MAX_NAME_BYTES: usize = 1_024;

/// The longest Coze ID accepted, in digits: workflow, app and workspace IDs (Coze's are 19
/// digits today). An ID is only ever sent, or written into code, when it is 1 to this many ASCII
/// digits, which also keeps it from altering a request's path or query.
pub const MAX_ID_LEN: usize = 32;
