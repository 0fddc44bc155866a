//! Coze's HTTP API as data: each endpoint cozegen calls, its method and path, and whether a
//! request to it may be sent again. The client (`crate::coze`) sends through these, and the IR
//! names the ones a run is called through (the IR JSON's `call`), so a path is written
//! once. (Docs: coze-dev/coze-sdk-gen, `docs/api-markdown/`.)

/// The HTTP method of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
}

impl Method {
    /// The method as a request line writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a request may be sent again after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resend {
    /// A read (or an upload, which starts nothing): sending it again changes nothing that
    /// matters on Coze, so a failure that another attempt may mend (a dropped connection, HTTP
    /// 429 or 5xx) is retried.
    Safe,
    /// It starts something (a run, a chat, a resumed run): once it may have reached Coze it is
    /// never sent again. Only a failure before any connection existed, or an HTTP 429 with
    /// `Retry-After` (Coze refused it unstarted), is retried.
    Never,
}

/// One endpoint of the Coze API. `path` may hold `{workflow_id}` (and `{execute_id}`), filled by
/// [`Endpoint::path`] (and [`Endpoint::run_path`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// The method.
    pub method: Method,
    /// The path under the base URL, with `{workflow_id}` where the workflow goes.
    pub template: &'static str,
    /// Whether a request may be sent again.
    pub resend: Resend,
    /// The permission a personal access token needs for it, as Coze's docs name it (each
    /// endpoint's page in coze-dev/coze-sdk-gen `docs/api-markdown/`): a refused token's
    /// error names this one.
    pub permission: Permission,
}

/// A permission of a Coze personal access token, as Coze's docs name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Read a workflow's definition.
    GetMetaData,
    /// List a workflow's published versions.
    ListVersion,
    /// List a workspace's workflows.
    ListWorkflow,
    /// Run a workflow, resume it, chat with a chatflow.
    Run,
    /// Upload a file.
    UploadFile,
    /// Read a run from a workflow's run history.
    ListRunHistory,
}

impl Permission {
    /// The permission's name in Coze's docs and token settings.
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::GetMetaData => "getMetaData",
            Permission::ListVersion => "listVersion",
            Permission::ListWorkflow => "listWorkflow",
            Permission::Run => "run",
            Permission::UploadFile => "uploadFile",
            Permission::ListRunHistory => "listRunHistory",
        }
    }
}

impl std::fmt::Display for Permission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Endpoint {
    /// The path with `workflow_id` filled in (an ID is digits, checked before it gets here).
    pub fn path(&self, workflow_id: &str) -> String {
        self.template.replace("{workflow_id}", workflow_id)
    }

    /// The path with `workflow_id` and a run's `execute_id` filled in (both digits, checked
    /// before they get here).
    pub fn run_path(&self, workflow_id: &str, execute_id: &str) -> String {
        self.path(workflow_id).replace("{execute_id}", execute_id)
    }
}

/// A workflow's definition: `GET /v1/workflows/:workflow_id` (with
/// `include_input_output=true`, its start and end nodes).
pub const WORKFLOW: Endpoint = Endpoint {
    method: Method::Get,
    template: "/v1/workflows/{workflow_id}",
    resend: Resend::Safe,
    permission: Permission::GetMetaData, // docs: get_workflow_info.md
};

/// A workflow's published versions, with their start and end nodes:
/// `GET /v1/workflows/:workflow_id/versions`.
pub const VERSIONS: Endpoint = Endpoint {
    method: Method::Get,
    template: "/v1/workflows/{workflow_id}/versions",
    resend: Resend::Safe,
    permission: Permission::ListVersion, // docs: list_workflow_version.md
};

/// A workspace's workflows: `GET /v1/workflows?workspace_id=…`.
pub const WORKFLOWS: Endpoint = Endpoint {
    method: Method::Get,
    template: "/v1/workflows",
    resend: Resend::Safe,
    permission: Permission::ListWorkflow, // docs: get_workflow_list.md
};

/// Runs a workflow and answers when it ends: `POST /v1/workflow/run`. With `is_async: true`
/// the same request starts the run and answers at once with its `execute_id`, read back
/// later from [`RUN_HISTORY`]; it is never sent twice either.
pub const RUN: Endpoint = Endpoint {
    method: Method::Post,
    template: "/v1/workflow/run",
    resend: Resend::Never,
    permission: Permission::Run, // docs: workflow_run.md
};

/// Runs a workflow and streams its events: `POST /v1/workflow/stream_run`.
pub const STREAM_RUN: Endpoint = Endpoint {
    method: Method::Post,
    template: "/v1/workflow/stream_run",
    resend: Resend::Never,
    permission: Permission::Run, // docs: workflow_stream_run.md
};

/// Answers the interrupt of a run: `POST /v1/workflows/resume`.
pub const RESUME: Endpoint = Endpoint {
    method: Method::Post,
    template: "/v1/workflows/resume",
    resend: Resend::Never,
    permission: Permission::Run, // docs: resume_workflow.md
};

/// Answers the interrupt of a streamed run, streaming the rest: `POST /v1/workflow/stream_resume`.
pub const STREAM_RESUME: Endpoint = Endpoint {
    method: Method::Post,
    template: "/v1/workflow/stream_resume",
    resend: Resend::Never,
    permission: Permission::Run, // docs: workflow_resume.md
};

/// Chats with a chatflow, streaming the answer: `POST /v1/workflows/chat`.
pub const CHAT: Endpoint = Endpoint {
    method: Method::Post,
    template: "/v1/workflows/chat",
    resend: Resend::Never,
    permission: Permission::Run, // docs: workflow_chat.md
};

/// Uploads a file, answering its `id`: `POST /v1/files/upload` (multipart, field `file`).
///
/// Safe to send again: an upload starts nothing. A second copy of a file whose first upload
/// did arrive only leaves an unused file in the account, which Coze deletes after three months
/// (docs: `upload_files`), and a run is sent only after every upload answered. So a dropped
/// connection, HTTP 429 or 5xx is retried like a read.
pub const UPLOAD: Endpoint = Endpoint {
    method: Method::Post,
    template: "/v1/files/upload",
    resend: Resend::Safe,
    permission: Permission::UploadFile, // docs: upload_files.md
};

/// One run of a workflow, read back by its execute id (an asynchronous run's result):
/// `GET /v1/workflows/:workflow_id/run_histories/:execute_id`.
pub const RUN_HISTORY: Endpoint = Endpoint {
    method: Method::Get,
    template: "/v1/workflows/{workflow_id}/run_histories/{execute_id}",
    resend: Resend::Safe,
    permission: Permission::ListRunHistory, // docs: workflow_history.md
};

/// The same read on a self-hosted Coze Studio, whose router has no `run_histories` path:
/// `GET /v1/workflow/get_run_history?workflow_id=…&execute_id=…` (coze-dev/coze-studio,
/// `backend/api/router/coze/api.go`, handler `OpenAPIGetWorkflowRunHistory`).
pub const STUDIO_RUN_HISTORY: Endpoint = Endpoint {
    method: Method::Get,
    template: "/v1/workflow/get_run_history",
    resend: Resend::Safe,
    permission: Permission::ListRunHistory, // docs: workflow_history.md
};

/// Where a run's history is read: Coze Studio's own route for a workflow of a Coze Studio,
/// else the cloud's. (Which platform a workflow is on is decided when its document is read.)
pub fn run_history(on_studio: bool) -> &'static Endpoint {
    if on_studio {
        &STUDIO_RUN_HISTORY
    } else {
        &RUN_HISTORY
    }
}
