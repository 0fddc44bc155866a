//! Emitters: one module per artifact, each translating the IR into a view struct that an
//! askama template in `templates/` lays out.

pub mod html;
pub mod ir_json;
pub mod json_schema;
pub mod rust;
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
    /// The node's root object in `workflow`.
    pub fn root(self, workflow: &crate::ir::Workflow) -> &crate::ir::Object {
        match self {
            Node::Input => &workflow.input,
            Node::Output => &workflow.output.root,
        }
    }
}
