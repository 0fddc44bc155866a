//! A chatflow's chat request: `ChatMessage` and `ChatRequest`, the body of
//! `POST /v1/workflows/chat`, written after the input structs. The user's message is not one of
//! the input struct's fields (the IR leaves `USER_INPUT` out of a chatflow's parameters); it
//! goes in `additional_messages`.

use super::layout;
use crate::emit::Result;
use crate::ir::Workflow;
use askama::Template;

/// The chat request, `templates/rust/chat.rs`: fixed code like the run helpers', whose only
/// varying parts are its two flags; what varies with the document is in the items before it
/// (`ChatParameters`, `APP_ID`, and the module's `WORKFLOW_ID`).
#[derive(Template)]
#[template(path = "rust/chat.rs", escape = "none")]
struct ChatView {
    /// The module has `WORKFLOW_ID`, so `ChatRequest::new` can use it.
    has_workflow_id: bool,
    /// `APP_ID` precedes the template ([`crate::ir::Details::run_app_id`]).
    has_app_id: bool,
}

/// Appends the chat types to `code` for a chatflow. Their names are the emitter's helpers,
/// which no generated struct takes ([`crate::ir::names`]).
pub(super) fn append(workflow: &Workflow, has_workflow_id: bool, code: &mut String) -> Result<()> {
    if workflow.chat.is_none() {
        return Ok(());
    }
    let root = &workflow.input.root().type_name;
    code.push_str(&format!(
        "\n/// The parameters a [`ChatRequest`] sends: [`{root}`].\n{}\n",
        layout::type_alias("ChatParameters", root)
    ));
    // Digits only (the IR's rule for an app id): nothing in it needs escaping.
    let app_id = workflow.details.run_app_id.as_deref();
    if let Some(app) = app_id {
        code.push_str(&format!(
            "\n/// The Coze app this chatflow belongs to: the `app_id` of its chats.\n\
             pub const APP_ID: &str = \"{app}\";\n"
        ));
    }
    let view = ChatView {
        has_workflow_id,
        has_app_id: app_id.is_some(),
    };
    code.push('\n');
    view.render_into(code)?;
    code.push('\n');
    Ok(())
}
