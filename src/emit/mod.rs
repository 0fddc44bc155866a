//! Emitters: one module per artifact, each translating the IR into a view struct that an
//! askama template in `templates/` lays out.

#[cfg(feature = "html")]
pub mod html;
#[cfg(feature = "ir-json")]
pub mod ir_json;
#[cfg(feature = "schema")]
pub mod json_schema;
pub mod rust;
#[cfg(feature = "typescript")]
pub mod typescript;

/// Which node of the workflow an artifact describes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Node {
    /// The start node: the `parameters` a run takes.
    #[default]
    Input,
    /// The end node: the variables a run returns.
    Output,
}

impl Node {
    /// The node's parameters in `workflow`.
    pub fn types(self, workflow: &crate::ir::Workflow) -> &crate::ir::Types {
        match self {
            Node::Input => &workflow.input,
            Node::Output => &workflow.output,
        }
    }

    /// The node's name in paths and messages: `input` or `output`.
    pub fn name(self) -> &'static str {
        match self {
            Node::Input => "input",
            Node::Output => "output",
        }
    }
}
