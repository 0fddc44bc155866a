//! What every request of `cozegen serve` passes before a handler sees it, and what every
//! answer carries.
//!
//! - **Host** (DNS rebinding): the `Host` header must name the served port, and a host that is
//!   an IP literal, `localhost`, or a name given with `--allowed-host`. A rebinding attack
//!   reaches the server under the attacker's domain name, which is none of those.
//! - **Login**: with an access secret (needed on any address but loopback), every request but
//!   the login page's needs the session cookie the login sets (`HttpOnly`, `SameSite=Strict`).
//! - **Cross-origin writes** (CSRF): a `POST` must carry an `Origin` that is the served origin
//!   (the scheme and the `Host` it came with), and, but for the login, the per-server request
//!   secret in [`SECRET_HEADER`] that the pages hand their script; another origin can neither
//!   read the secret nor send the header without a preflight this server never grants.
//! - **Other origins allowed by name** (`--allow-origin`, for a `cozegen html --component`
//!   embedded in another app): only a run (`POST /w/N/run`) from a listed `Origin` is taken
//!   without the request secret, after a CORS preflight granted to that origin alone, and its
//!   answer names that origin in `Access-Control-Allow-Origin`. Never with an access secret:
//!   such a page could not log in, so the CLI refuses the two together and the guard ignores
//!   the list then. Uploads, answers and pages stay the served origin's.
//! - **Headers** on every answer: `nosniff`, no referrer, no framing, no caching, and a
//!   `Content-Security-Policy` of `default-src 'none'` unless the page set its own.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::net::IpAddr;
use std::sync::Arc;

/// The header that carries the per-server request secret.
pub const SECRET_HEADER: &str = "x-cozegen-secret";

/// The session cookie's name.
pub const COOKIE: &str = "cozegen_session";

/// The guard's settings.
#[derive(Debug)]
pub struct Guard {
    /// The port the server listens on: a `Host` must name it.
    pub port: u16,
    /// Host names besides IP literals and `localhost` that a `Host` may name.
    pub allowed_hosts: Vec<String>,
    /// Origins (`scheme://host[:port]`) whose pages may send a run without the request secret.
    pub allowed_origins: Vec<String>,
    /// The per-server request secret.
    pub secret: String,
    /// The access secret, when the pages ask for one.
    pub password: Option<String>,
    /// The session cookie's value, once logged in.
    pub session: String,
}

/// `n` random bytes as lowercase hex, from the operating system's random source.
pub fn random_hex(n: usize) -> std::io::Result<String> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Whether `a` and `b` are equal, in a time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl Guard {
    /// Whether `host` (a `Host` header's value) names this server.
    pub fn host_allowed(&self, host: &str) -> bool {
        let (name, port) = match host.rsplit_once(':') {
            // `[::1]:8080`, `127.0.0.1:8080`, `name:8080`; `[::1]` alone has its `:` inside.
            Some((name, port)) if !port.contains(']') => (name, port.parse::<u16>().ok()),
            _ => (host, Some(80)),
        };
        if port != Some(self.port) {
            return false;
        }
        let bare = name
            .strip_prefix('[')
            .and_then(|n| n.strip_suffix(']'))
            .unwrap_or(name);
        bare.parse::<IpAddr>().is_ok()
            || name.eq_ignore_ascii_case("localhost")
            || self
                .allowed_hosts
                .iter()
                .any(|h| h.eq_ignore_ascii_case(name))
    }

    fn logged_in(&self, headers: &HeaderMap) -> bool {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .any(|(name, value)| name == COOKIE && same_secret(value, &self.session))
    }
}

impl Guard {
    /// The request's `Origin`, when `--allow-origin` lists it (and no access secret is asked:
    /// a page of another origin cannot log in).
    fn listed_origin<'h>(&self, headers: &'h HeaderMap) -> Option<&'h str> {
        let origin = headers.get(header::ORIGIN)?.to_str().ok()?;
        (self.password.is_none() && self.allowed_origins.iter().any(|o| o == origin))
            .then_some(origin)
    }
}

/// Whether `path` is a workflow's run endpoint, `/w/N/run`.
fn is_run_path(path: &str) -> bool {
    path.strip_prefix("/w/")
        .and_then(|rest| rest.strip_suffix("/run"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The answer to a listed origin's CORS preflight of a run: a `POST` with the headers it asks
/// for (a component's own `headers` go with its post), for ten minutes.
fn preflight(headers: &HeaderMap) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let out = response.headers_mut();
    out.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST"),
    );
    if let Some(asked) = headers.get(header::ACCESS_CONTROL_REQUEST_HEADERS) {
        out.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked.clone());
    }
    out.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    response
}

fn refuse(status: StatusCode, why: &'static str) -> Response {
    (status, why).into_response()
}

/// The guard, as axum middleware: refuses what does not pass, and adds the headers to every
/// answer.
pub async fn guard(State(guard): State<Arc<Guard>>, request: Request, next: Next) -> Response {
    let mut response = check(&guard, request, next).await;
    let headers = response.headers_mut();
    let set = |headers: &mut HeaderMap, name: header::HeaderName, value: &'static str| {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    };
    set(
        headers,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::REFERRER_POLICY, "no-referrer");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::CACHE_CONTROL, "no-store");
    set(
        headers,
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        headers,
        header::HeaderName::from_static("cross-origin-resource-policy"),
        "same-origin",
    );
    response
}

async fn check(guard: &Guard, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return refuse(StatusCode::BAD_REQUEST, "a request must name its Host\n");
    };
    if !guard.host_allowed(host) {
        return refuse(
            StatusCode::MISDIRECTED_REQUEST,
            "this server does not serve that Host\n",
        );
    }
    let path = request.uri().path();
    let login = path == "/login";
    let writes = request.method() != Method::GET && request.method() != Method::HEAD;
    if let Some(origin) = guard.listed_origin(headers)
        && is_run_path(path)
    {
        let origin = origin.to_owned();
        let mut response = match *request.method() {
            Method::OPTIONS => preflight(headers),
            Method::POST => next.run(request).await,
            _ => refuse(
                StatusCode::METHOD_NOT_ALLOWED,
                "another origin may only POST a run\n",
            ),
        };
        let headers = response.headers_mut();
        if let Ok(value) = HeaderValue::from_str(&origin) {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        }
        headers.insert(header::VARY, HeaderValue::from_static("Origin"));
        return response;
    }
    if writes {
        let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
        if origin != Some(&format!("http://{host}")) {
            return refuse(
                StatusCode::FORBIDDEN,
                "a request that changes something must come from this server's own pages\n",
            );
        }
    }
    if guard.password.is_some() && !login && !guard.logged_in(headers) {
        return match writes {
            true => refuse(StatusCode::UNAUTHORIZED, "log in first\n"),
            false => Redirect::to("/login").into_response(),
        };
    }
    if writes && !login {
        let secret = headers.get(SECRET_HEADER).and_then(|s| s.to_str().ok());
        if !secret.is_some_and(|s| same_secret(s, &guard.secret)) {
            return refuse(
                StatusCode::FORBIDDEN,
                "the request lacks this server's request secret: send it from the served page\n",
            );
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard() -> Guard {
        Guard {
            port: 8080,
            allowed_hosts: vec!["box.lan".into()],
            allowed_origins: vec!["http://localhost:5173".into()],
            secret: "s".into(),
            password: None,
            session: "x".into(),
        }
    }

    #[test]
    fn a_host_must_name_the_port_and_an_address_localhost_or_an_allowed_name() {
        let g = guard();
        for ok in [
            "127.0.0.1:8080",
            "localhost:8080",
            "[::1]:8080",
            "10.0.0.5:8080",
            "BOX.lan:8080",
        ] {
            assert!(g.host_allowed(ok), "{ok}");
        }
        for bad in [
            "127.0.0.1",
            "127.0.0.1:8081",
            "evil.example:8080",
            "localhost.evil.example:8080",
            "[::1]",
            "",
        ] {
            assert!(!g.host_allowed(bad), "{bad}");
        }
    }

    #[test]
    fn only_a_listed_origin_and_only_the_run_endpoint_are_let_across() {
        let mut g = guard();
        let with = |origin: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::ORIGIN, HeaderValue::from_str(origin).unwrap());
            h
        };
        assert_eq!(
            g.listed_origin(&with("http://localhost:5173")),
            Some("http://localhost:5173")
        );
        for other in [
            "http://localhost:5174",
            "https://localhost:5173",
            "http://localhost:5173/",
            "null",
        ] {
            assert_eq!(g.listed_origin(&with(other)), None, "{other}");
        }
        assert_eq!(g.listed_origin(&HeaderMap::new()), None);
        g.password = Some("a long secret".into());
        assert_eq!(g.listed_origin(&with("http://localhost:5173")), None);
        assert!(is_run_path("/w/1/run") && is_run_path("/w/12/run"));
        for path in [
            "/w//run",
            "/w/1/runs",
            "/w/1/upload",
            "/w/x/run",
            "/w/1/run/",
        ] {
            assert!(!is_run_path(path), "{path}");
        }
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
        assert_eq!(random_hex(16).expect("random").len(), 32);
    }
}
