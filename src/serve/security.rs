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
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
        assert_eq!(random_hex(16).expect("random").len(), 32);
    }
}
