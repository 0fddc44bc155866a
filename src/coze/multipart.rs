//! A `multipart/form-data` body with one file part (RFC 7578), as `POST /v1/files/upload`
//! takes it. (ureq 3.5 has multipart only in its `unversioned` API, with a random boundary and
//! the file name written unescaped into a quoted string.)
//!
//! The boundary is chosen without randomness: the first of `cozegen-boundary-0000000000`,
//! `…-0000000001`, … that does not occur in the file, so the same file always makes the same
//! body. The file name is written in `filename="…"` with what cannot go in a quoted string
//! replaced (quotes, backslashes, control characters, non-ASCII become `_`), and, when that
//! changed anything, in full in `filename*=UTF-8''…` (RFC 5987 percent-encoding), which servers
//! that read it prefer.

use std::fmt::Write as _;

const BOUNDARY_PREFIX: &str = "cozegen-boundary-";
const BOUNDARY_DIGITS: usize = 10;

/// A multipart body and the `Content-Type` that announces its boundary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Multipart {
    /// `multipart/form-data; boundary=…`.
    pub(crate) content_type: String,
    /// The whole body.
    pub(crate) body: Vec<u8>,
}

/// The body of a form whose field `field` is the file `bytes` named `file_name`.
pub(crate) fn file_form(field: &str, file_name: &str, bytes: Vec<u8>) -> Multipart {
    let boundary = boundary_for(&bytes);
    let mut head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"",
        quoted(field),
        quoted(file_name)
    );
    if quoted(file_name) != file_name {
        let _ = write!(head, "; filename*=UTF-8''{}", percent_encoded(file_name));
    }
    head.push_str("\r\nContent-Type: application/octet-stream\r\n\r\n");
    let tail = format!("\r\n--{boundary}--\r\n");
    let mut body = Vec::with_capacity(head.len() + bytes.len() + tail.len());
    body.extend_from_slice(head.as_bytes());
    body.extend_from_slice(&bytes);
    body.extend_from_slice(tail.as_bytes());
    Multipart {
        content_type: format!("multipart/form-data; boundary={boundary}"),
        body,
    }
}

/// The first boundary `cozegen-boundary-NNNNNNNNNN` that does not occur in `bytes`: one pass
/// collects the numbers that follow the prefix in the file, then the smallest other one is
/// taken.
fn boundary_for(bytes: &[u8]) -> String {
    let prefix = BOUNDARY_PREFIX.as_bytes();
    let mut taken = std::collections::BTreeSet::new();
    let mut at = 0;
    while let Some(found) = find(&bytes[at..], prefix) {
        let digits = &bytes[at + found + prefix.len()..];
        let digits = &digits[..digits.len().min(BOUNDARY_DIGITS)];
        if digits.len() == BOUNDARY_DIGITS && digits.iter().all(u8::is_ascii_digit) {
            taken.insert(digits.to_vec());
        }
        at += found + 1;
    }
    let n = (0u64..)
        .find(|n| !taken.contains(format!("{n:010}").as_bytes()))
        .expect("a file holds fewer than 10^10 boundaries");
    format!("{BOUNDARY_PREFIX}{n:010}")
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// `name` as it may stand in a quoted string of a header: printable ASCII without `"` and
/// `\`, anything else replaced by `_`.
fn quoted(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' => c,
            _ => '_',
        })
        .collect()
}

/// RFC 5987 `value-chars`: attribute characters as they are, every other byte of the UTF-8
/// encoding as `%XX`.
fn percent_encoded(name: &str) -> String {
    let mut out = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_is_one_file_part_between_its_boundaries() {
        let form = file_form("file", "po.pdf", b"%PDF-1.7".to_vec());
        assert_eq!(
            form.content_type,
            "multipart/form-data; boundary=cozegen-boundary-0000000000"
        );
        assert_eq!(
            String::from_utf8(form.body).unwrap(),
            "--cozegen-boundary-0000000000\r\n\
             Content-Disposition: form-data; name=\"file\"; filename=\"po.pdf\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n\
             %PDF-1.7\r\n--cozegen-boundary-0000000000--\r\n"
        );
    }

    #[test]
    fn the_boundary_never_occurs_in_the_file() {
        let file = b"x--cozegen-boundary-0000000000\r\ncozegen-boundary-0000000001 cozegen-boundary-00000000"
            .to_vec();
        let form = file_form("file", "a.bin", file.clone());
        assert!(form.content_type.ends_with("cozegen-boundary-0000000002"));
        // Same file, same body.
        assert_eq!(form, file_form("file", "a.bin", file));
    }

    #[test]
    fn hostile_file_names_are_escaped() {
        let form = file_form("file", "a\"b\r\nX: y\\发票.pdf", Vec::new());
        let text = String::from_utf8(form.body).unwrap();
        let head = text.lines().nth(1).unwrap();
        assert_eq!(
            head,
            "Content-Disposition: form-data; name=\"file\"; filename=\"a_b__X: y___.pdf\"; \
             filename*=UTF-8''a%22b%0D%0AX%3A%20y%5C%E5%8F%91%E7%A5%A8.pdf"
        );
    }
}
