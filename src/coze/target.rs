//! Where a request goes: the URL of an endpoint, built from its path template and a serde
//! query, after the checks that come before anything is sent. A Coze ID is digits (so it
//! cannot alter a path or a query); the base URL is an absolute http(s) URL without
//! credentials, query or fragment; plain `http://` carries the token only to loopback hosts,
//! unless allowed. A token passed by mistake as an ID or the base URL is scrubbed from the
//! messages that quote them.

use super::{Client, Error, Result, ServerText};
use crate::endpoints::Endpoint;
use crate::limits::MAX_ID_LEN;

/// Where a request goes: the URL sent, and the same URL as messages show it.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub(crate) url: String,
    pub(crate) shown: ServerText,
}

impl Client {
    /// The URL of a request to `endpoint`, after checking the workflow ID its path takes, the
    /// base URL and the plain-http rule: nothing is sent. `query` is a flat serde struct (or
    /// `()`): its strings are percent-encoded, `None`s left out.
    pub(crate) fn target(
        &self,
        endpoint: &Endpoint,
        workflow_id: Option<&str>,
        query: impl serde::Serialize,
    ) -> Result<Target> {
        let path = match workflow_id {
            Some(id) => {
                self.check_workflow_id(id)?;
                endpoint.path(id)
            }
            None => endpoint.template.to_owned(),
        };
        self.target_at(&path, query)
    }

    /// The URL of one run's history: the cloud's path holds the workflow and execute ids
    /// ([`endpoints::RUN_HISTORY`]), Coze Studio's route takes them in its query
    /// ([`endpoints::STUDIO_RUN_HISTORY`]). Both ids are checked first.
    ///
    /// [`endpoints::RUN_HISTORY`]: crate::endpoints::RUN_HISTORY
    /// [`endpoints::STUDIO_RUN_HISTORY`]: crate::endpoints::STUDIO_RUN_HISTORY
    pub(crate) fn history_target(
        &self,
        endpoint: &Endpoint,
        workflow_id: &str,
        execute_id: &str,
    ) -> Result<Target> {
        self.check_workflow_id(workflow_id)?;
        self.check_execute_id(execute_id)?;
        if endpoint.template.contains("{execute_id}") {
            self.target_at(&endpoint.run_path(workflow_id, execute_id), ())
        } else {
            let query = super::wire::StudioHistoryQuery {
                workflow_id,
                execute_id,
            };
            self.target_at(endpoint.template, query)
        }
    }

    fn target_at(&self, path: &str, query: impl serde::Serialize) -> Result<Target> {
        let base = self.check_base_url()?;
        let mut url = format!("{base}{path}");
        // A query is a flat struct of strings, numbers and booleans, which always serializes.
        if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(query) {
            let mut separator = '?';
            for (key, value) in fields {
                let value = match value {
                    serde_json::Value::String(s) => percent_encode(&s),
                    serde_json::Value::Number(n) => n.to_string(),
                    serde_json::Value::Bool(b) => b.to_string(),
                    _ => continue,
                };
                url.push(separator);
                url.push_str(&key);
                url.push('=');
                url.push_str(&value);
                separator = '&';
            }
        }
        let shown = self.scrub.text(&url, 300);
        Ok(Target { url, shown })
    }

    /// A workflow ID is digits, which also keeps it from altering a request's path or query.
    pub(crate) fn check_workflow_id(&self, id: &str) -> Result<()> {
        if !is_id(id) {
            return Err(Error::InvalidWorkflowId {
                id: self.scrub.text(id, 60),
                max_len: MAX_ID_LEN,
            });
        }
        Ok(())
    }

    /// A run's execute id is digits too (Coze answers it as text, Coze Studio as a number).
    pub(crate) fn check_execute_id(&self, id: &str) -> Result<()> {
        if !is_id(id) {
            return Err(Error::InvalidExecuteId {
                id: self.scrub.text(id, 60),
                max_len: MAX_ID_LEN,
            });
        }
        Ok(())
    }

    /// A workspace ID is digits too.
    pub(crate) fn check_workspace_id(&self, id: &str) -> Result<()> {
        if !is_id(id) {
            return Err(Error::InvalidWorkspaceId {
                id: self.scrub.text(id, 60),
                max_len: MAX_ID_LEN,
            });
        }
        Ok(())
    }

    /// The base URL, checked, without a trailing `/`. (The token could have been passed by
    /// mistake as the base URL: the messages quoting it are scrubbed too.)
    fn check_base_url(&self) -> Result<String> {
        let base = &self.options.base_url;
        let invalid = |reason: &'static str| Error::InvalidBaseUrl {
            url: self.scrub.text(base, 200),
            reason,
        };
        let trimmed = base.trim().trim_end_matches('/');
        let uri: ureq::http::Uri = trimmed
            .parse()
            .map_err(|_| invalid("it is not a URL such as https://api.coze.cn"))?;
        let scheme = uri.scheme_str().unwrap_or_default();
        if scheme != "https" && scheme != "http" {
            return Err(invalid(
                "it must start with https:// (or http:// for a local server)",
            ));
        }
        let Some(host) = uri.host().filter(|h| !h.is_empty()) else {
            return Err(invalid("it has no host"));
        };
        if uri.query().is_some() || trimmed.contains('#') {
            return Err(invalid("it must not have a query or fragment"));
        }
        if trimmed.contains('@') {
            return Err(invalid(
                "it must not contain credentials; pass the token with --token or COZE_API_TOKEN",
            ));
        }
        if scheme == "http" && !self.options.allow_insecure_http && !is_loopback(host) {
            return Err(Error::InsecureHttp {
                host: self.scrub.text(host, 200),
            });
        }
        Ok(trimmed.to_owned())
    }
}

fn is_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_ID_LEN && id.bytes().all(|b| b.is_ascii_digit())
}

/// `localhost`, 127.0.0.0/8 and ::1 (also written as an IPv4-mapped address).
fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match host.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(ip)) => ip.is_loopback(),
        Ok(std::net::IpAddr::V6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => false,
    }
}

/// Every byte but the unreserved ones (RFC 3986) as `%XX`: a page token is server text and
/// must not add query parameters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coze::{Options, Token, wire};
    use crate::endpoints;

    fn client(base: &str) -> Client {
        Client::new(Options {
            base_url: base.to_owned(),
            token: Some(Token::new("pat_secret_token")),
            ..Options::default()
        })
    }

    fn workflow_url(client: &Client, id: &str) -> Result<String> {
        let query = wire::WorkflowQuery {
            include_input_output: true,
        };
        client
            .target(&endpoints::WORKFLOW, Some(id), query)
            .map(|t| t.url)
    }

    #[test]
    fn urls_have_the_documented_paths_and_queries() {
        assert_eq!(
            workflow_url(&client("https://api.coze.com/"), "7350583675492388916").unwrap(),
            "https://api.coze.com/v1/workflows/7350583675492388916?include_input_output=true"
        );
        assert_eq!(
            workflow_url(&client("http://localhost:8888/api"), "1").unwrap(),
            "http://localhost:8888/api/v1/workflows/1?include_input_output=true"
        );
        let c = client("https://api.coze.cn");
        let list = wire::WorkflowsQuery {
            workspace_id: "75",
            page_num: 2,
            page_size: 30,
        };
        assert_eq!(
            c.target(&endpoints::WORKFLOWS, None, list).unwrap().url,
            "https://api.coze.cn/v1/workflows?workspace_id=75&page_num=2&page_size=30"
        );
        let versions = |page_token| wire::VersionsQuery {
            publish_status: "published_online",
            include_input_output: true,
            page_size: 30,
            page_token,
        };
        assert_eq!(
            c.target(&endpoints::VERSIONS, Some("75"), versions(None))
                .unwrap()
                .url,
            "https://api.coze.cn/v1/workflows/75/versions?publish_status=published_online\
             &include_input_output=true&page_size=30"
        );
        let url = c
            .target(
                &endpoints::VERSIONS,
                Some("75"),
                versions(Some("17&page_size=1 é")),
            )
            .unwrap()
            .url;
        assert!(
            url.ends_with("&page_size=30&page_token=17%26page_size%3D1%20%C3%A9"),
            "{url}"
        );
        assert_eq!(
            c.target(&endpoints::RUN, None, ()).unwrap().url,
            "https://api.coze.cn/v1/workflow/run"
        );
        assert_eq!(
            c.history_target(&endpoints::RUN_HISTORY, "75", "7431")
                .unwrap()
                .url,
            "https://api.coze.cn/v1/workflows/75/run_histories/7431"
        );
        assert_eq!(
            c.history_target(&endpoints::STUDIO_RUN_HISTORY, "75", "7431")
                .unwrap()
                .url,
            "https://api.coze.cn/v1/workflow/get_run_history?workflow_id=75&execute_id=7431"
        );
        for bad in ["", "74/../1", "1?x=2", "pat_x"] {
            assert!(matches!(
                c.history_target(&endpoints::RUN_HISTORY, "75", bad),
                Err(Error::InvalidExecuteId { .. })
            ));
        }
    }

    #[test]
    fn ids_are_digits_only() {
        let c = client("https://api.coze.cn");
        for id in ["", "12a", "1/../2", "1?x=2", "１２", " 12", &"1".repeat(33)] {
            let err = workflow_url(&c, id).unwrap_err();
            assert!(
                matches!(err, Error::InvalidWorkflowId { .. }),
                "{id}: {err}"
            );
        }
        for bad in ["", "7&x=1", "../1", &"9".repeat(40)] {
            assert!(matches!(
                c.check_workspace_id(bad),
                Err(Error::InvalidWorkspaceId { .. })
            ));
        }
    }

    #[test]
    fn plain_http_is_for_loopback_only() {
        for base in [
            "http://127.0.0.1:1",
            "http://127.8.9.10",
            "http://[::1]:80",
            "http://LOCALHOST",
            "http://[::ffff:127.0.0.1]",
        ] {
            assert!(workflow_url(&client(base), "1").is_ok(), "{base}");
        }
        for base in [
            "http://api.coze.cn",
            "http://10.0.0.1",
            "http://localhost.evil.com",
        ] {
            let err = workflow_url(&client(base), "1").unwrap_err();
            assert!(matches!(err, Error::InsecureHttp { .. }), "{base}: {err}");
            let allowed = Client::new(Options {
                allow_insecure_http: true,
                ..client(base).options
            });
            assert!(workflow_url(&allowed, "1").is_ok(), "{base}");
        }
    }

    #[test]
    fn unusable_base_urls_are_rejected() {
        for base in [
            "api.coze.cn",
            "ftp://api.coze.cn",
            "https://",
            "https://api.coze.cn?x=1",
            "https://api.coze.cn#x",
            "https://user:pw@api.coze.cn",
        ] {
            let err = workflow_url(&client(base), "1").unwrap_err();
            assert!(matches!(err, Error::InvalidBaseUrl { .. }), "{base}: {err}");
        }
    }
}
