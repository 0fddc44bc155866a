/// One message of a chat request's `additional_messages`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    /// Who says it: `user`, or `assistant` for an earlier answer given as history.
    pub role: String,
    /// The message's text.
    pub content: String,
    /// Always `text`.
    pub content_type: String,
}

impl ChatMessage {
    /// A user message: what the chatflow reads as its `USER_INPUT`.
    pub fn user(content: impl Into<String>) -> Self {
        ChatMessage {
            role: "user".to_owned(),
            content: content.into(),
            content_type: "text".to_owned(),
        }
    }
}

/// The body of `POST /v1/workflows/chat` for this chatflow: the user's message in
/// `additional_messages` (the chatflow's `USER_INPUT`, which the chat API ignores in
/// `parameters`), and the other parameters in `parameters`. Serialize it with
/// `serde_json::to_vec` and send it with any HTTP client; the answer is a stream of
/// server-sent events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatRequest {
    /// The chatflow's ID.
    pub workflow_id: String,
    /// The app to chat in: Coze needs an app (`app_id`) or an agent (`bot_id`) for a chat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// The messages: the last is the user's message.
    pub additional_messages: Vec<ChatMessage>,
    /// The chatflow's parameters besides the message.
    pub parameters: ChatParameters,
}

impl ChatRequest {
{%- if has_workflow_id %}
    /// A chat with this chatflow ([`WORKFLOW_ID`]): `message` is the user's message.
    pub fn new(message: impl Into<String>, parameters: ChatParameters) -> Self {
        ChatRequest::with_workflow_id(WORKFLOW_ID, message, parameters)
    }
{% endif %}
    /// A chat with the chatflow `workflow_id`: `message` is the user's message.
    pub fn with_workflow_id(
        workflow_id: impl Into<String>,
        message: impl Into<String>,
        parameters: ChatParameters,
    ) -> Self {
        ChatRequest {
            workflow_id: workflow_id.into(),
            app_id: {% if has_app_id %}Some(APP_ID.to_owned()){% else %}None{% endif %},
            additional_messages: vec![ChatMessage::user(message)],
            parameters,
        }
    }
}
