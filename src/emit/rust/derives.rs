//! Requested derives: which are valid, and which each generated type can take.
//!
//! `Eq`, `Hash`, `PartialOrd`, `Ord` and `Copy` depend on the fields: an `f64` is not `Eq`, a
//! `String` is not `Copy`. Each type's capabilities ([`Caps`]) are the intersection of its
//! fields'; a requested derive a type cannot take is left off it and said so. Any other derive
//! (`schemars::JsonSchema`, …) needs nothing from the fields and goes on every data type.

use crate::emit::{Error, Result};
use crate::text::printable;

/// The derives every generated struct has.
/// (`Deserialize` is written out: a struct is read from a JSON object only.)
pub(super) const BASE: &str = "Debug, Clone, PartialEq, Serialize";

/// The derives of `CozeTime` and `CozeFile` (a `String` inside; `Deserialize` is written out,
/// since it checks the value rule).
pub(super) const TEXT_BASE: &str = "Debug, Clone, PartialEq, Eq, Hash, Serialize";

/// What a type can derive beyond the base set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Caps(u8);

impl Caps {
    const EQ: Caps = Caps(1);
    const HASH: Caps = Caps(2);
    const PARTIAL_ORD: Caps = Caps(4);
    const ORD: Caps = Caps(8);
    const COPY: Caps = Caps(16);
    const NONE: Caps = Caps(0);
    /// `i64`, `bool`.
    pub const ALL: Caps = Caps(31);
    /// `String` and the newtypes over it.
    pub const TEXT: Caps = Caps(15);
    /// `serde_json::Value` and `Map`.
    pub const JSON: Caps = Caps(3);
    /// `f64`.
    pub const FLOAT: Caps = Caps(4 | 16);

    pub fn and(self, other: Caps) -> Caps {
        Caps(self.0 & other.0)
    }

    /// A `Vec` of a type with these capabilities (never `Copy`).
    pub fn vec(self) -> Caps {
        Caps(self.0 & !Caps::COPY.0)
    }

    /// Whether a type with capabilities `caps` can take what `self` needs.
    fn allowed(self, caps: Caps) -> bool {
        caps.0 & self.0 == self.0
    }
}

/// One requested derive.
#[derive(Debug, Clone)]
pub(super) struct Derive {
    /// As written in the output, e.g. `schemars::JsonSchema`.
    pub path: String,
    /// The last segment, e.g. `JsonSchema`.
    pub name: String,
    /// What a type must support to derive it.
    needs: Caps,
}

impl Derive {
    /// Whether a type with capabilities `caps` can derive this.
    pub fn fits(&self, caps: Caps) -> bool {
        self.needs.allowed(caps)
    }
}

/// The requested derives as paths, minus the base set and `Default` (which cozegen writes where
/// it is valid), without duplicates. `Ord` needs `Eq` and `PartialOrd` as well.
pub(super) fn parse(requested: &[String]) -> Result<Vec<Derive>> {
    let mut out: Vec<Derive> = Vec::new();
    for raw in requested {
        let invalid = |reason: &str| Error::InvalidDerive {
            derive: printable(raw, 80),
            reason: reason.to_owned(),
        };
        let text = raw.trim();
        let (leading, rest) = match text.strip_prefix("::") {
            Some(rest) => ("::", rest),
            None => ("", text),
        };
        let segments: Vec<&str> = rest.split("::").map(str::trim).collect();
        if segments.iter().any(|s| s.contains('<')) {
            return Err(invalid("a derive path has no generic arguments"));
        }
        if !segments.iter().all(|s| is_identifier(s)) {
            return Err(invalid(
                "it is not a Rust path such as `Eq` or `schemars::JsonSchema`",
            ));
        }
        let path = format!("{leading}{}", segments.join("::"));
        let name = segments.last().copied().unwrap_or_default().to_owned();
        if BASE.split(", ").any(|b| b == name)
            || name == "Deserialize"
            || name == "Default"
            || out.iter().any(|d| d.path == path)
        {
            continue;
        }
        let needs = match name.as_str() {
            "Eq" => Caps::EQ,
            "Hash" => Caps::HASH,
            "PartialOrd" => Caps::PARTIAL_ORD,
            "Ord" => Caps::ORD,
            "Copy" => Caps::COPY,
            _ => Caps::NONE,
        };
        out.push(Derive { path, name, needs });
    }
    let has = |n: &str| out.iter().any(|d| d.name == n);
    if has("Ord") && !(has("Eq") && has("PartialOrd")) {
        return Err(Error::InvalidDerive {
            derive: "Ord".to_owned(),
            reason: "`Ord` needs `Eq` and `PartialOrd` too: add `--derive Eq --derive PartialOrd`"
                .to_owned(),
        });
    }
    Ok(out)
}

/// An ASCII identifier that is not a keyword (`r#` raw identifiers are not derive names).
fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    let starts = matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_');
    starts
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && s != "_"
        && !KEYWORDS.contains(&s)
}

/// Strict and reserved keywords (edition 2024): none can be a path segment of a derive.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// The derive list of a generated data type: the base set, `Default` when derived, then the
/// requested derives that fit `caps`.
pub(super) fn list(base: &str, default: bool, derives: &[Derive], caps: Caps) -> String {
    let mut list = String::from(base);
    if default {
        list.push_str(", Default");
    }
    for d in derives.iter().filter(|d| d.fits(caps)) {
        list.push_str(", ");
        list.push_str(&d.path);
    }
    list
}

/// The derive list of `CozeTime` and `CozeFile`: `Eq` and `Hash` are in their base set.
pub(super) fn text_list(derives: &[Derive]) -> String {
    let mut list = String::from(TEXT_BASE);
    for d in derives
        .iter()
        .filter(|d| d.fits(Caps::TEXT) && !matches!(d.name.as_str(), "Eq" | "Hash"))
    {
        list.push_str(", ");
        list.push_str(&d.path);
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_are_paths_and_ord_needs_its_prerequisites() {
        let d = parse(&["schemars::JsonSchema".into(), "Eq".into(), "Eq".into()]).expect("valid");
        assert_eq!(d.len(), 2);
        assert_eq!(
            parse(&[" ::a :: B ".into()]).expect("valid")[0].path,
            "::a::B"
        );
        for bad in [
            "Eq)] fn x() {} #[derive(Eq",
            "Vec<u8>",
            "",
            "fn",
            "a::",
            "r#x",
            "Ord",
        ] {
            assert!(parse(&[bad.into()]).is_err(), "{bad}");
        }
        assert!(parse(&["Ord".into(), "Eq".into(), "PartialOrd".into()]).is_ok());
    }

    #[test]
    fn capabilities_follow_the_fields() {
        let d = parse(&["Eq".into(), "Copy".into(), "x::Y".into()]).expect("valid");
        assert_eq!(
            list(BASE, false, &d, Caps::FLOAT),
            format!("{BASE}, Copy, x::Y")
        );
        assert_eq!(
            list(BASE, true, &d, Caps::TEXT.vec()),
            format!("{BASE}, Default, Eq, x::Y")
        );
        assert_eq!(text_list(&d), format!("{TEXT_BASE}, x::Y"));
    }
}
