//! A chatflow's chat request: `ChatMessage` and `ChatRequest`, the body of
//! `POST /v1/workflows/chat`, written after the input structs. The user's message is not one of
//! the input struct's fields (the IR leaves `USER_INPUT` out of a chatflow's parameters); it
//! goes in `additional_messages`.

use super::defaults::string_literal;
use crate::error::{Result, Warning};
use crate::ir::Workflow;
use askama::Template;

#[derive(Template)]
#[template(path = "rust/chat.rs", escape = "none")]
struct ChatView<'a> {
    /// The input struct's name.
    input: &'a str,
    /// The chatflow's ID as a string literal, when the document names it.
    workflow_id: Option<String>,
    /// The app's ID as a string literal ([`crate::ir::Chat::app_id`]).
    app_id: Option<String>,
}

/// The names the chat types take in the module.
const NAMES: [&str; 2] = ["ChatMessage", "ChatRequest"];

/// Appends the chat types to `code` for a chatflow. When a generated struct already has one of
/// their names (a root type named so on purpose), they are left out, with a warning.
pub(super) fn append(
    workflow: &Workflow,
    code: &mut String,
    warnings: &mut Vec<Warning>,
) -> Result<()> {
    let Some(chat) = &workflow.chat else {
        return Ok(());
    };
    let taken = workflow
        .input
        .objects
        .iter()
        .find(|o| NAMES.contains(&o.type_name.as_str()));
    if let Some(object) = taken {
        warnings.push(Warning {
            path: "input".to_owned(),
            message: format!(
                "the chat request types are left out: a generated struct is named `{}`",
                object.type_name
            ),
        });
        return Ok(());
    }
    let view = ChatView {
        input: &workflow.input.root().type_name,
        workflow_id: workflow.details.id.as_deref().map(string_literal),
        app_id: chat.app_id.as_deref().map(string_literal),
    };
    code.push('\n');
    view.render_into(code)?;
    code.push('\n');
    Ok(())
}
