//! The access token, and what keeps it out of everything cozegen says.
//!
//! Text enters the client from outside: an answer's body, an event of a stream, a header, the
//! HTTP library's description of a failure, an argument quoted back (a token passed by mistake
//! as an ID). [`Scrub`] takes the token out where that text enters, and the client's errors
//! hold such text only as [`ServerText`], which nothing but [`Scrub`] can make: a new error
//! variant cannot carry unscrubbed text without changing this module. Bodies are scrubbed as
//! they arrive ([`Scrub::json`]), so documents, answers and envelopes read from them never
//! hold the token either; a stream's message contents, which a printer joins, are scrubbed
//! across their seams by the stream reader (`sse`).

use std::borrow::Cow;
use std::fmt;

/// What replaces the token wherever outside text contains it.
pub(crate) const REDACTED: &str = "<redacted>";

/// The shortest token that is looked for in outside text: a shorter one would match ordinary
/// text (and no Coze token is that short).
pub const MIN_SCRUBBED_LEN: usize = 8;

/// A Coze API access token. Its `Debug` output is redacted and it has no `Display`, so it
/// cannot end up in a message by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Wraps a token (surrounding whitespace is removed).
    pub fn new(token: impl Into<String>) -> Self {
        let token = token.into();
        Token(token.trim().to_owned())
    }

    /// Whether the token is empty (an empty `COZE_API_TOKEN` counts as no token).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// Text from outside cozegen (the server, the HTTP library, an argument quoted back), with the
/// token taken out, escaped for a terminal and shortened. Only the client's scrubber makes it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ServerText(String);

impl ServerText {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ServerText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ServerText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl AsRef<str> for ServerText {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for ServerText {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for ServerText {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for ServerText {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// Takes the token out of outside text. The client holds one, made from its token; without a
/// token (or with one shorter than [`MIN_SCRUBBED_LEN`]) it only escapes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scrub {
    token: Option<Token>,
}

impl Scrub {
    pub(crate) fn new(token: Option<&Token>) -> Self {
        Scrub {
            token: token.cloned(),
        }
    }

    /// The token, when it is long enough to be looked for.
    pub(crate) fn needle(&self) -> Option<&str> {
        self.token
            .as_ref()
            .map(Token::expose)
            .filter(|t| t.len() >= MIN_SCRUBBED_LEN)
    }

    /// `text` without the token, escaped for a terminal and cut to `max` characters.
    /// Scrubbing comes first, so that shortening cannot leave part of the token behind.
    pub(crate) fn text(&self, text: &str, max: usize) -> ServerText {
        ServerText(crate::text::printable(&self.plain(text), max))
    }

    /// [`Scrub::text`], quoted (`"v0.0.1"`), for a name given or sent.
    pub(crate) fn quoted(&self, text: &str, max: usize) -> ServerText {
        ServerText(crate::text::quote(&crate::text::printable(
            &self.plain(text),
            max,
        )))
    }

    /// `text` without the token, not escaped: for text shown later by its own rules (a run's
    /// output, an event's data), which escape it when they print it.
    pub(crate) fn plain<'a>(&self, text: &'a str) -> Cow<'a, str> {
        match self.needle() {
            Some(token) if text.contains(token) => Cow::Owned(text.replace(token, REDACTED)),
            _ => Cow::Borrowed(text),
        }
    }

    /// JSON text (or any text) with the token taken out, and whether it held the token: as raw
    /// bytes anywhere, or inside a string literal once its escapes are decoded (`\u0070at_…`
    /// spells the same token). Such a string is written again, decoded, scrubbed and encoded;
    /// everything else is left byte for byte, so a body without the token comes back borrowed
    /// and unchanged. Strings are flat, so this needs no recursion, whatever the nesting.
    pub(crate) fn json<'a>(&self, body: &'a [u8]) -> (Cow<'a, [u8]>, bool) {
        let Some(token) = self.needle() else {
            return (Cow::Borrowed(body), false);
        };
        let mut out: Option<Vec<u8>> = None;
        // Bytes of `body` before `copied` are in `out` already (when it exists).
        let mut copied = 0;
        let mut i = 0;
        while let Some(offset) = body[i..].iter().position(|&b| b == b'"') {
            let start = i + offset;
            let mut end = start + 1;
            let mut escaped = false;
            while end < body.len() {
                match body[end] {
                    b'\\' => {
                        escaped = true;
                        end += 2;
                    }
                    b'"' => break,
                    _ => end += 1,
                }
            }
            if end >= body.len() {
                break;
            }
            if escaped
                && let Ok(decoded) = serde_json::from_slice::<String>(&body[start..=end])
                && decoded.contains(token)
            {
                let out = out.get_or_insert_with(|| Vec::with_capacity(body.len()));
                out.extend_from_slice(&body[copied..start]);
                let clean = decoded.replace(token, REDACTED);
                out.extend_from_slice(
                    serde_json::to_string(&clean)
                        .unwrap_or_else(|_| format!("\"{REDACTED}\""))
                        .as_bytes(),
                );
                copied = end + 1;
            }
            i = end + 1;
        }
        let rewritten = out.map(|mut out| {
            out.extend_from_slice(&body[copied..]);
            out
        });
        let text: &[u8] = rewritten.as_deref().unwrap_or(body);
        let raw = contains(text, token.as_bytes());
        match (rewritten, raw) {
            (None, false) => (Cow::Borrowed(body), false),
            (rewritten, raw) => {
                let mut text = rewritten.unwrap_or_else(|| body.to_vec());
                if raw {
                    text = replace(&text, token.as_bytes(), REDACTED.as_bytes());
                }
                (Cow::Owned(text), true)
            }
        }
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn replace(hay: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(hay.len());
    let mut i = 0;
    while i < hay.len() {
        if hay[i..].starts_with(needle) {
            out.extend_from_slice(with);
            i += needle.len();
        } else {
            out.push(hay[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scrub() -> Scrub {
        Scrub::new(Some(&Token::new("pat_SECRET_1234")))
    }

    fn json(body: &[u8]) -> (String, bool) {
        let (text, carried) = scrub().json(body);
        (String::from_utf8(text.into_owned()).unwrap(), carried)
    }

    #[test]
    fn token_debug_is_redacted() {
        let token = Token::new(" pat_secret ");
        assert_eq!(format!("{token:?}"), "Token(<redacted>)");
        assert_eq!(token.expose(), "pat_secret");
    }

    #[test]
    fn a_body_without_the_token_comes_back_unchanged_and_borrowed() {
        let body = br#"{"msg":"x \"quoted\" \u00e9","n":1}"#;
        let (text, carried) = scrub().json(body);
        assert!(matches!(text, Cow::Borrowed(_)) && !carried);
        assert!(!Scrub::default().json(b"pat_SECRET_1234").1);
    }

    #[test]
    fn the_token_is_taken_out_of_bodies_raw_or_escaped() {
        assert_eq!(
            json(br#"{"msg":"token pat_SECRET_1234 is bad"}"#),
            (r#"{"msg":"token <redacted> is bad"}"#.to_owned(), true)
        );
        let escaped = br#"{"\u0070at_SECRET_1234":"a \"b\" pat_SECRET_1234"}"#;
        let (text, carried) = json(escaped);
        assert!(carried);
        let value: serde_json::Value = serde_json::from_str(&text).expect("still JSON");
        assert_eq!(
            value,
            serde_json::json!({"<redacted>": "a \"b\" <redacted>"})
        );
        assert_eq!(
            json(b"not JSON: Bearer pat_SECRET_1234"),
            ("not JSON: Bearer <redacted>".to_owned(), true)
        );
        assert!(!json(br#"{"d":"pat_SECRET_123","e":"\"pat_SECRET\""}"#).1);
        assert!(!json(br#"{"d":"\"unterminated"#).1);
    }

    #[test]
    fn short_tokens_are_not_looked_for() {
        let short = Scrub::new(Some(&Token::new("short")));
        assert_eq!(short.plain("a short text"), "a short text");
        assert!(!short.json(br#"{"d":"short"}"#).1);
    }

    #[test]
    fn scrubbing_comes_before_shortening_and_escaping() {
        let scrub = Scrub::new(Some(&Token::new("pat_0123456789")));
        let text = format!("{}pat_0123456789\u{1b}", "x".repeat(10));
        let cleaned = scrub.text(&text, 15);
        assert!(!cleaned.as_str().contains("pat_01234"), "{cleaned}");
        assert_eq!(cleaned, "xxxxxxxxxx<reda…");
        assert_eq!(scrub.text("a\u{1b}b", 10), "a\\u{1b}b");
        assert_eq!(scrub.quoted("v\"1", 10), r#""v\"1""#);
    }
}
