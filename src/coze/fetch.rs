//! Where WorkflowInfo documents come from over the network: Coze's "get workflow info"
//! endpoint (`GET /v1/workflows/:workflow_id?include_input_output=true`), a published
//! version from the version list (`GET /v1/workflows/:workflow_id/versions`), and a
//! workspace's workflows (`GET /v1/workflows?workspace_id=…`), each a read that the client may
//! send again after a failure another attempt may mend.
//!
//! Coze explains failures in a `{code, msg, detail: {logid}}` envelope, sometimes with HTTP
//! 200: an answer is always read for it. An answer read as a success but carrying the token
//! that was sent is refused ([`Error::TokenEchoed`]), so that the token never reaches
//! generated files, snapshots or messages; error answers are quoted with the token scrubbed.

use super::send::{Payload, Received, Request};
use super::target::Target;
use super::wire::{
    Envelope, VersionsQuery, WorkflowItem, WorkflowQuery, WorkflowsPage, WorkflowsQuery, text,
};
use super::{Client, Error, Result};
use crate::endpoints::{self, Endpoint};
use crate::model::WorkflowInfo;
use crate::source::Error as SourceError;
use serde::Deserialize;
use serde_json::Value;

/// The most workflows a workspace listing may hold; a longer list is an error rather than an
/// unbounded run.
pub const MAX_WORKSPACE_WORKFLOWS: usize = 2000;

/// The most pages a workspace listing is read for.
pub const MAX_LIST_PAGES: u32 = 200;

/// The page size asked of the list endpoint by default.
pub const DEFAULT_PAGE_SIZE: u32 = 30;

/// The page size asked of the version list: the most the API allows.
pub const VERSION_PAGE_SIZE: u32 = 30;

/// The most pages of a version list read before giving up (6,000 versions).
pub const MAX_VERSION_PAGES: u32 = 200;

/// The longest version name accepted.
pub const MAX_VERSION_LEN: usize = 100;

/// How many published versions a "no such version" error names.
const VERSIONS_NAMED: usize = 10;

/// One workflow of a workspace listing, as the API sent it (untrusted text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedWorkflow {
    /// `workflow_id`, as text (numbers are accepted too); not checked yet.
    pub id: String,
    /// `workflow_name`, if any.
    pub name: Option<String>,
    /// `updated_at` (when the workflow last changed; Coze documents Unix seconds as a string)
    /// as text, trimmed: a string or a number, at most [`MAX_UPDATED_AT_LEN`] visible ASCII
    /// characters. Anything else reads as `None`. It is only compared, never interpreted.
    pub updated_at: Option<String>,
}

/// The longest `updated_at` kept from a listing (longer values read as absent).
pub const MAX_UPDATED_AT_LEN: usize = 40;

/// A listed `updated_at` as text, if it is a string or a number that looks like a stamp.
fn updated_at(field: &Option<crate::model::Scalar>) -> Option<String> {
    use crate::model::Scalar;
    let text = match field.as_ref()? {
        Scalar::String(s) => s.trim().to_owned(),
        Scalar::Number(n) => n.to_string(),
        Scalar::Bool(_) | Scalar::Json(_) => return None,
    };
    (!text.is_empty()
        && text.len() <= MAX_UPDATED_AT_LEN
        && text.bytes().all(|b| b.is_ascii_graphic()))
    .then_some(text)
}

impl Client {
    /// Fetches a workflow's WorkflowInfo and unwraps it like [`crate::load_slice`] does: an
    /// error envelope (`code != 0`, even with HTTP 200) is an error.
    pub fn workflow_info(&self, workflow_id: &str) -> Result<WorkflowInfo> {
        let (target, received) = self.workflow_answer(workflow_id)?;
        let info = crate::source::load_slice(&received.body, &source_name(&target))
            .map_err(Error::Document)?;
        self.refuse_echo(&endpoints::WORKFLOW, &target, &received)?;
        Ok(info)
    }

    /// A published version's WorkflowInfo ([`Client::version_snapshot`], loaded).
    pub fn version_info(&self, workflow_id: &str, version: &str) -> Result<WorkflowInfo> {
        let text = self.version_snapshot(workflow_id, version)?;
        crate::source::load_slice(text.as_bytes(), "the fetched version").map_err(Error::Document)
    }

    /// A workflow's WorkflowInfo, or with `version` that published version's.
    pub fn workflow_or_version(
        &self,
        workflow_id: &str,
        version: Option<&str>,
    ) -> Result<WorkflowInfo> {
        match version {
            Some(version) => self.version_info(workflow_id, version),
            None => self.workflow_info(workflow_id),
        }
    }

    /// A workflow's raw answer. Network and HTTP failures are errors; the body is known to
    /// start like a JSON object but is otherwise unchecked (see [`Client::workflow_info`]).
    pub fn workflow_body(&self, workflow_id: &str) -> Result<Vec<u8>> {
        let (target, received) = self.workflow_answer(workflow_id)?;
        self.refuse_echo(&endpoints::WORKFLOW, &target, &received)?;
        Ok(received.body)
    }

    /// Fetches a workflow, checks that it is a usable WorkflowInfo (not an error envelope,
    /// `input` present), and returns it as pretty-printed JSON ending in a newline: a snapshot
    /// to commit and generate from offline.
    pub fn workflow_snapshot(&self, workflow_id: &str) -> Result<String> {
        let (target, received) = self.workflow_answer(workflow_id)?;
        let source_name = source_name(&target);
        crate::source::load_slice(&received.body, &source_name).map_err(Error::Document)?;
        self.refuse_echo(&endpoints::WORKFLOW, &target, &received)?;
        pretty(&received.body, &source_name)
    }

    /// A published version's definition as a WorkflowInfo document that the loader reads like
    /// any other: `workflow_detail` from the workflow itself (its name, ID and icon), `input`
    /// and `output` from the version list's item for `version`, and that item's other fields
    /// (`version`, `description`, `created_at`, `updated_at`, `creator`) under
    /// `workflow_version`. Returned pretty-printed, ending in a newline.
    ///
    /// The list (it needs the token's `listVersion` permission) is read page by page until the
    /// version is found. A version that is not there is [`Error::VersionNotFound`], naming the
    /// versions that are; a server that repeats a page token, says `has_more` without a
    /// token, or sends more than [`MAX_VERSION_PAGES`] pages is [`Error::VersionListing`].
    /// (The "get workflow info" endpoint takes no version: Coze documents only
    /// `include_input_output` for it.)
    pub fn version_snapshot(&self, workflow_id: &str, version: &str) -> Result<String> {
        self.check_version(version)?;
        let (detail_target, detail_answer) = self.workflow_answer(workflow_id)?;
        let detail = self.checked_answer(&endpoints::WORKFLOW, &detail_target, &detail_answer)?;
        let (page_target, page, index) = self.find_version(workflow_id, version)?;
        let item = &page.value()["data"]["items"][index];
        let empty = Value::Object(serde_json::Map::new());
        let workflow_detail = detail
            .value()
            .pointer("/data/workflow_detail")
            .filter(|d| d.is_object())
            .unwrap_or(&empty);
        let mut writer = crate::json::Writer::pretty(detail_answer.body.len() + 4096);
        writer.begin_object();
        writer.key("workflow_detail");
        writer.value(workflow_detail);
        writer.key("workflow_version");
        writer.begin_object();
        if let Some(fields) = item.as_object() {
            for (key, value) in fields {
                if key != "input" && key != "output" {
                    writer.key(key);
                    writer.value(value);
                }
            }
        }
        writer.end_object();
        for key in ["input", "output"] {
            if let Some(value) = item.get(key) {
                writer.key(key);
                writer.value(value);
            }
        }
        writer.end_object();
        let mut text = writer.finish();
        text.push('\n');
        let source_name = format!(
            "version {} of workflow {workflow_id} from {}",
            self.scrub.quoted(version, 60),
            page_target.shown
        );
        crate::source::load_slice(text.as_bytes(), &source_name).map_err(Error::Document)?;
        Ok(text)
    }

    /// Checks a version name given by the user (it is only compared, never sent).
    pub fn check_version(&self, version: &str) -> Result<()> {
        if version.is_empty()
            || version.chars().count() > MAX_VERSION_LEN
            || version.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(Error::InvalidVersion {
                version: self.scrub.quoted(version, 60),
                max_len: MAX_VERSION_LEN,
            });
        }
        Ok(())
    }

    /// Lists a workspace's workflows, page by page.
    ///
    /// Reading is lenient about the envelope `{code, msg, data: {items, has_more}}`: listing
    /// stops when `has_more` is false, when a page is empty, when a page without `has_more` is
    /// shorter than `page_size`, or when a page brings no workflow not seen before (a server
    /// that ignores `page_num`). IDs listed twice are kept once, in first-seen order. More than
    /// [`MAX_WORKSPACE_WORKFLOWS`] workflows or [`MAX_LIST_PAGES`] pages is an error. Items
    /// that are not objects are skipped; an item without a `workflow_id` is kept with an empty
    /// ID (the caller reports it).
    pub fn list_workflows(
        &self,
        workspace_id: &str,
        page_size: u32,
    ) -> Result<Vec<ListedWorkflow>> {
        self.check_workspace_id(workspace_id)?;
        let page_size = page_size.clamp(1, 1000);
        let mut out: Vec<ListedWorkflow> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for page_num in 1..=MAX_LIST_PAGES {
            let query = WorkflowsQuery {
                workspace_id,
                page_num,
                page_size,
            };
            let target = self.target(&endpoints::WORKFLOWS, None, query)?;
            let received = match self.get(&endpoints::WORKFLOWS, &target) {
                Err(Error::HttpStatus {
                    url,
                    status: 404,
                    code: None,
                    ..
                }) => return Err(Error::NoWorkflowList { url }),
                other => other?,
            };
            let (items, has_more) = self.parse_list_page(&received.body, &source_name(&target))?;
            self.refuse_echo(&endpoints::WORKFLOWS, &target, &received)?;
            let count = items.len();
            let mut new = 0;
            for item in items {
                if item.id.is_empty() || seen.insert(item.id.clone()) {
                    new += 1;
                    out.push(item);
                }
                if out.len() > MAX_WORKSPACE_WORKFLOWS {
                    return Err(Error::TooManyWorkflows {
                        limit: MAX_WORKSPACE_WORKFLOWS,
                    });
                }
            }
            let more = match has_more {
                Some(more) => more,
                None => count >= page_size as usize,
            };
            if !more || count == 0 || new == 0 {
                return Ok(out);
            }
        }
        Err(Error::TooManyWorkflows {
            limit: MAX_WORKSPACE_WORKFLOWS,
        })
    }

    /// `GET` of a workflow's definition.
    fn workflow_answer(&self, workflow_id: &str) -> Result<(Target, Received)> {
        let query = WorkflowQuery {
            include_input_output: true,
        };
        let target = self.target(&endpoints::WORKFLOW, Some(workflow_id), query)?;
        let received = self.get(&endpoints::WORKFLOW, &target)?;
        Ok((target, received))
    }

    /// A read: sent by its policy, answered with something that starts like a JSON object.
    pub(crate) fn get(&self, endpoint: &'static Endpoint, target: &Target) -> Result<Received> {
        let received = self.receive(&Request {
            endpoint,
            target,
            payload: Payload::None,
            accept: "application/json",
        })?;
        if !looks_like_json_object(&received.body) {
            return Err(Error::NotJson {
                method: endpoint.method,
                url: target.shown.clone(),
                status: received.status,
                content_type: self
                    .scrub
                    .text(received.content_type.as_deref().unwrap_or("none"), 100),
                excerpt: self.excerpt(&received.body),
            });
        }
        Ok(received)
    }

    /// An answer that was read as a success but held the token that was sent is refused, so
    /// the token never reaches generated files, snapshots or messages.
    fn refuse_echo(&self, endpoint: &Endpoint, target: &Target, received: &Received) -> Result<()> {
        if received.carried_token {
            return Err(Error::TokenEchoed {
                method: endpoint.method,
                url: target.shown.clone(),
            });
        }
        Ok(())
    }

    /// A successful answer's body parsed (with the document limits) and checked: an error
    /// envelope is [`Error::Api`], an answer without a `data` object is a document error.
    fn checked_answer(
        &self,
        endpoint: &Endpoint,
        target: &Target,
        received: &Received,
    ) -> Result<crate::json::Deep> {
        let source_name = source_name(target);
        let deep =
            crate::source::parse_json(&received.body, &source_name).map_err(Error::Document)?;
        let envelope = Envelope::of(deep.value());
        if envelope.failed() {
            return Err(self.api_error(&envelope, None, endpoint));
        }
        // An error answer is quoted scrubbed (above); a successful one holding the token is
        // refused.
        self.refuse_echo(endpoint, target, received)?;
        if !deep.value().get("data").is_some_and(Value::is_object) {
            return Err(Error::Document(SourceError::MissingData { source_name }));
        }
        Ok(deep)
    }

    /// Pages through the published versions until `version`; returns the page's target, the
    /// page, and the item's index in its `data.items`.
    fn find_version(
        &self,
        workflow_id: &str,
        version: &str,
    ) -> Result<(Target, crate::json::Deep, usize)> {
        let listing = |reason: &str| Error::VersionListing {
            workflow_id: workflow_id.to_owned(),
            reason: self.scrub.text(reason, 300),
        };
        let mut page_token: Option<String> = None;
        let mut tokens_seen = std::collections::HashSet::new();
        let mut available = Vec::new();
        let mut total = 0;
        for _ in 0..MAX_VERSION_PAGES {
            let query = VersionsQuery {
                publish_status: "published_online",
                include_input_output: true,
                page_size: VERSION_PAGE_SIZE,
                page_token: page_token.as_deref(),
            };
            let target = self.target(&endpoints::VERSIONS, Some(workflow_id), query)?;
            let received = self.get(&endpoints::VERSIONS, &target)?;
            let page = self.checked_answer(&endpoints::VERSIONS, &target, &received)?;
            // A page is a document (each version holds its start and end nodes, as deep as
            // the workflow): read by looking, not with serde.
            let data = &page.value()["data"];
            let items = data["items"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default();
            let name = |item: &Value| {
                item.get("version")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            };
            if let Some(index) = items
                .iter()
                .position(|item| name(item).as_deref() == Some(version))
            {
                return Ok((target, page, index));
            }
            for listed in items.iter().filter_map(name) {
                total += 1;
                if available.len() < VERSIONS_NAMED {
                    available.push(self.scrub.quoted(&listed, 60));
                }
            }
            if data.get("has_more").and_then(Value::as_bool) != Some(true) {
                return Err(Error::VersionNotFound {
                    workflow_id: workflow_id.to_owned(),
                    version: self.scrub.quoted(version, 60),
                    available,
                    total,
                });
            }
            let next = match data.get("next_page_token") {
                Some(Value::String(s)) if !s.is_empty() => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => {
                    return Err(listing(
                        "the server said has_more but sent no next_page_token",
                    ));
                }
            };
            if !tokens_seen.insert(next.clone()) {
                return Err(listing(&format!(
                    "the server sent the page token {} again, so paging would never end",
                    self.scrub.quoted(&next, 60)
                )));
            }
            page_token = Some(next);
        }
        Err(listing(&format!(
            "it has more than {MAX_VERSION_PAGES} pages, the most cozegen reads"
        )))
    }

    /// One page of the list endpoint: its items and `has_more`, if the server said.
    fn parse_list_page(
        &self,
        body: &[u8],
        source_name: &str,
    ) -> Result<(Vec<ListedWorkflow>, Option<bool>)> {
        let json_error = |e: serde_json::Error| {
            Error::Document(SourceError::Json {
                source_name: source_name.to_owned(),
                line: e.line(),
                column: e.column(),
                path: String::new(),
                message: e.to_string(),
            })
        };
        let envelope: Envelope = serde_json::from_slice(body).map_err(json_error)?;
        if envelope.failed() {
            return Err(self.api_error(&envelope, None, &crate::endpoints::WORKFLOWS));
        }
        let page: WorkflowsPage = serde_json::from_slice(body).map_err(json_error)?;
        let Some(data) = page.data.0 else {
            return Err(Error::Document(SourceError::MissingData {
                source_name: source_name.to_owned(),
            }));
        };
        let items = data
            .items
            .0
            .unwrap_or_default()
            .iter()
            .filter(|item| item.is_object())
            .map(|item| {
                let item = WorkflowItem::deserialize(item).unwrap_or_default();
                ListedWorkflow {
                    id: text(&item.workflow_id).unwrap_or_default(),
                    name: text(&item.workflow_name),
                    updated_at: updated_at(&item.updated_at),
                }
            })
            .collect();
        Ok((items, data.has_more.0))
    }
}

/// How messages name an answer: after the URL it came from (scrubbed).
fn source_name(target: &Target) -> String {
    format!("the response from {}", target.shown)
}

fn looks_like_json_object(body: &[u8]) -> bool {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

/// Re-indents a JSON document (key order and values kept). Depth was checked by `load_slice`.
fn pretty(bytes: &[u8], source_name: &str) -> Result<String> {
    let value = crate::json::Deep::from_slice(bytes).map_err(|e| {
        Error::Document(SourceError::Json {
            source_name: source_name.to_owned(),
            line: e.line(),
            column: e.column(),
            path: String::new(),
            message: crate::text::printable(&e.to_string(), 240),
        })
    })?;
    let mut writer = crate::json::Writer::pretty(bytes.len() * 2);
    writer.value(value.value());
    let mut text = writer.finish();
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coze::{Options, Token};

    fn client() -> Client {
        Client::new(Options {
            token: Some(Token::new("pat_secret_token")),
            ..Options::default()
        })
    }

    #[test]
    fn list_pages_are_read_leniently() {
        let client = client();
        let page = br#"{"code":0,"msg":"","data":{"items":[
            {"workflow_id":"1","workflow_name":"a"},{"workflow_id":2},"junk",{"workflow_name":"no id"}],
            "has_more":true}}"#;
        let (items, more) = client.parse_list_page(page, "page").expect("parses");
        assert_eq!(more, Some(true));
        let ids: Vec<_> = items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["1", "2", ""]);
        assert_eq!(items[0].name.as_deref(), Some("a"));
        assert_eq!(items[0].updated_at, None);
        let page = br#"{"data":{"items":[
            {"workflow_id":"1","updated_at":"1752060827"},{"workflow_id":"2","updated_at":1752060828},
            {"workflow_id":"3","updated_at":" 17 "},{"workflow_id":"4","updated_at":""},
            {"workflow_id":"5","updated_at":true},{"workflow_id":"6","updated_at":{"s":1}},
            {"workflow_id":"7","updated_at":"a\nb"},{"workflow_id":"8","updated_at":null}]}}"#;
        let (items, _) = client.parse_list_page(page, "page").expect("parses");
        let stamps: Vec<_> = items.iter().map(|i| i.updated_at.as_deref()).collect();
        assert_eq!(
            stamps,
            [
                Some("1752060827"),
                Some("1752060828"),
                Some("17"),
                None,
                None,
                None,
                None,
                None
            ]
        );
        let (items, more) = client
            .parse_list_page(br#"{"data":{}}"#, "page")
            .expect("parses");
        assert!(items.is_empty() && more.is_none());
        let err = client
            .parse_list_page(br#"{"code":4101,"msg":"bad token"}"#, "page")
            .unwrap_err();
        assert!(matches!(err, Error::Api { .. }), "{err}");
        assert!(client.parse_list_page(br#"{"code":0}"#, "page").is_err());
    }

    #[test]
    fn version_names_are_checked() {
        let client = client();
        for good in ["v0.0.1", "1.2", "release-2025_08"] {
            assert!(client.check_version(good).is_ok(), "{good}");
        }
        for bad in ["", "v 1", "v1\n", &"v".repeat(MAX_VERSION_LEN + 1)] {
            let err = client.check_version(bad).unwrap_err();
            assert!(matches!(err, Error::InvalidVersion { .. }), "{bad}: {err}");
        }
        let token_as_version = format!("pat_secret_token{}", " x".repeat(60));
        let err = client.check_version(&token_as_version).unwrap_err();
        assert!(!err.to_string().contains("pat_secret"), "{err}");
    }
}
