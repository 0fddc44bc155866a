/// The body of a run of this workflow: the JSON that `POST /v1/workflow/run` (and
/// `/v1/workflow/stream_run`) take. Serialize it with `serde_json::to_vec` and send it with any
/// HTTP client, with the headers `Authorization: Bearer <token>` and
/// `Content-Type: application/json`.
///
/// `parameters` go out as a JSON object, and each option left `None` is left out.
#[derive(Debug, Clone, Copy, Serialize)]
#[allow(dead_code)]
pub struct RunRequest<'a> {
    /// The workflow to run (`workflow_id`).
    pub workflow_id: &'a str,
    /// The start node's parameters (`parameters`).
    pub parameters: &'a RunParameters,
    /// A published version to run instead of the latest (`workflow_version`, e.g. `v0.0.5`),
    /// for a workflow of a workspace's library.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workflow_version: Option<&'a str>,
    /// The Coze app the workflow belongs to (`app_id`), to run a workflow of an app.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_id: Option<&'a str>,
    /// The agent to run the workflow with (`bot_id`), for workflows with database or variable
    /// nodes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bot_id: Option<&'a str>,
    /// Extra fields some plugins read (`ext`: `latitude`, `longitude`, `user_id`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ext: Option<&'a std::collections::BTreeMap<String, String>>,
}

#[allow(dead_code)]
impl<'a> RunRequest<'a> {
{%- if has_workflow_id %}
    /// A run of [`WORKFLOW_ID`] with `parameters`, and no option set.
    pub fn new(parameters: &'a RunParameters) -> Self {
        Self::with_workflow_id(WORKFLOW_ID, parameters)
    }
{% endif %}
    /// A run of the workflow `workflow_id` (a copy of this one, say) with `parameters`, and no
    /// option set.
    pub fn with_workflow_id(workflow_id: &'a str, parameters: &'a RunParameters) -> Self {
        RunRequest {
            workflow_id,
            parameters,
            workflow_version: None,
            app_id: None,
            bot_id: None,
            ext: None,
        }
    }
}
