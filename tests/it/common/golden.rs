//! Golden files hold what depends on the document. Before a comparison, every fixed part of an
//! artifact is replaced by a one-line marker naming its template: the form's script and style
//! (and the CSP hashes of both), and the Rust helpers whose only varying parts are a few flags
//! (`RunRequest`, `RunAnswer`, the chat types, `CozeTime`, `CozeFile`, …). A change to a fixed
//! template then leaves every per-document golden as it is; the fixed parts are tested once
//! (`tests/html.rs`: the page inlines the template verbatim with its hash; `tests/rust.rs`: the
//! helpers compile, and every fixed template is found).
//!
//! A test collects its comparisons in a [`Goldens`] and fails once, at the end, listing every
//! file that differs with a short diff.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The Rust templates that are fixed code: each is replaced in a generated module by a marker
/// naming the template, its flags and its `{{ … }}` values.
pub const FIXED_RUST: &[&str] = &[
    "run_request.rs",
    "run_answer.rs",
    "chat.rs",
    "present.rs",
    "object_only.rs",
    "from_json.rs",
    "coze_time.rs",
    "coze_file.rs",
    "coze_value_error.rs",
];

/// The form's fixed files, inlined verbatim in every page (and hashed in its CSP): the style as
/// it is, the script inside the page's entry (`cozegen::emit::html::SCRIPT`).
pub const FIXED_HTML: &[&str] = &["form.js", "form.css"];

/// Every golden comparison of a test. Each [`Goldens::check`] that differs is recorded; when the
/// value is dropped (at the end of the test), the test fails listing each differing file. With
/// `COZEGEN_BLESS=1` the golden files are (re)written instead.
#[derive(Default)]
pub struct Goldens {
    differing: Vec<String>,
    checked: usize,
}

impl Goldens {
    pub fn new() -> Goldens {
        Goldens::default()
    }

    /// Compares `actual`, its fixed parts replaced by markers, with `tests/golden/<rel>`.
    pub fn check(&mut self, rel: &str, actual: &str) {
        self.checked += 1;
        let path = super::root().join("tests/golden").join(rel);
        let actual = document_part(rel, actual);
        if blessing() {
            std::fs::create_dir_all(path.parent().expect("golden dir")).expect("create golden dir");
            if std::fs::read_to_string(&path).ok().as_deref() != Some(actual.as_str()) {
                std::fs::write(&path, &actual).expect("write golden");
            }
            return;
        }
        match std::fs::read_to_string(&path) {
            Err(_) => self.differing.push(format!("{}: missing", shown(&path))),
            Ok(expected) if expected != actual => self.differing.push(format!(
                "{}: {}",
                shown(&path),
                short_diff(&expected, &actual)
            )),
            Ok(_) => {}
        }
    }

    /// Fails now if any comparison differed (dropping does the same).
    pub fn finish(self) {}
}

impl Drop for Goldens {
    fn drop(&mut self) {
        if self.differing.is_empty() {
            return;
        }
        let report = format!(
            "{} of {} golden files differ from the generated output; if the change is intended, \
             run `COZEGEN_BLESS=1 cargo test` and review `git diff tests/golden`:\n{}",
            self.differing.len(),
            self.checked,
            self.differing.join("\n")
        );
        if std::thread::panicking() {
            eprintln!("{report}");
        } else {
            panic!("{report}");
        }
    }
}

/// Compares one golden file (a [`Goldens`] of one check).
pub fn assert_golden(rel: &str, actual: &str) {
    Goldens::new().check(rel, actual);
}

fn blessing() -> bool {
    std::env::var_os("COZEGEN_BLESS").is_some_and(|v| v == "1")
}

fn shown(path: &std::path::Path) -> String {
    path.strip_prefix(super::root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The differing lines between the common head and tail of both texts, at most a few of each.
fn short_diff(expected: &str, actual: &str) -> String {
    const SHOWN: usize = 6;
    let e: Vec<&str> = expected.split_inclusive('\n').collect();
    let a: Vec<&str> = actual.split_inclusive('\n').collect();
    let head = e.iter().zip(&a).take_while(|(x, y)| x == y).count();
    let tail = e[head..]
        .iter()
        .rev()
        .zip(a[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (gone, new) = (&e[head..e.len() - tail], &a[head..a.len() - tail]);
    let mut out = format!(
        "differs from line {} ({} golden lines, {} generated)",
        head + 1,
        gone.len(),
        new.len()
    );
    for (sign, lines) in [("-", gone), ("+", new)] {
        for line in lines.iter().take(SHOWN) {
            let _ = write!(out, "\n    {sign} {:?}", line.trim_end_matches('\n'));
        }
        if lines.len() > SHOWN {
            let _ = write!(out, "\n    {sign} … {} more lines", lines.len() - SHOWN);
        }
    }
    out
}

/// `text` as its golden holds it: the fixed parts of a form (`.html`) or a Rust module (`.rs`)
/// replaced by markers.
pub fn document_part(rel: &str, text: &str) -> String {
    if rel.ends_with(".html") {
        html_document_part(text)
    } else if rel.ends_with(".rs") {
        rust_document_part(text)
    } else {
        text.to_owned()
    }
}

/// The marker that stands for a fixed file in a golden.
pub fn marker(template: &str) -> String {
    format!("<fixed: templates/{template}>")
}

/// SHA-256 in base64, as a CSP source hash writes it.
pub fn csp_hash(text: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(text.as_bytes()))
}

fn template_text(rel: &str) -> String {
    let path: PathBuf = super::root().join("templates").join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A form with its script, its style and their CSP hashes as markers.
fn html_document_part(text: &str) -> String {
    static FIXED: OnceLock<Vec<(String, String)>> = OnceLock::new();
    let fixed = FIXED.get_or_init(|| {
        FIXED_HTML
            .iter()
            .flat_map(|name| {
                let rel = format!("html/{name}");
                // A page inlines the script as its entry wraps it (src/emit/html/mod.rs).
                let body = match *name {
                    "form.js" => cozegen::emit::html::SCRIPT.to_owned(),
                    _ => template_text(&rel),
                };
                [
                    (
                        csp_hash(&body),
                        format!("<fixed: sha256 of templates/{rel}>"),
                    ),
                    (body, marker(&rel)),
                ]
            })
            .collect()
    });
    let mut text = text.to_owned();
    for (from, to) in fixed {
        text = text.replace(from.as_str(), to);
    }
    text
}

/// A Rust module with each fixed helper as one marker line.
fn rust_document_part(text: &str) -> String {
    static FIXED: OnceLock<Vec<Variant>> = OnceLock::new();
    let variants = FIXED.get_or_init(|| {
        let mut all: Vec<Variant> = FIXED_RUST
            .iter()
            .flat_map(|name| variants(&format!("rust/{name}")))
            .collect();
        // The most specific first: a shorter variant never matches inside a longer one's text.
        all.sort_by_key(|v| std::cmp::Reverse(v.literal_len));
        all
    });
    let mut text = text.to_owned();
    for variant in variants {
        if !text.contains(variant.signature.as_str()) {
            continue;
        }
        text = variant
            .pattern
            .replace_all(&text, |caps: &regex::Captures| {
                let mut marker = format!("// <fixed: templates/{}", variant.template);
                for (name, value) in &variant.flags {
                    let _ = write!(marker, " | {name}={value}");
                }
                for (i, name) in variant.holes.iter().enumerate() {
                    let value = caps.get(i + 1).map_or("", |m| m.as_str());
                    let value = value.strip_suffix('\n').unwrap_or(value);
                    let _ = write!(marker, " | {name}={}", value.replace('\n', "\\n"));
                }
                marker.push('>');
                marker
            })
            .into_owned();
    }
    text
}

/// One way a fixed template renders: its flags set, its `{{ … }}` values and `{% for %}`
/// loops left open.
pub struct Variant {
    /// The template's path under `templates/`.
    pub template: String,
    /// Each `{% if %}` condition and the value this variant gives it.
    pub flags: Vec<(String, bool)>,
    /// What each capture group of the pattern stands for: a `{{ value }}`, or a loop
    /// (`for d in docs`), in order.
    pub holes: Vec<String>,
    /// The rendered text as a pattern (leading and trailing whitespace dropped).
    pub pattern: regex::Regex,
    /// The longest line of the variant's fixed text that no other fixed template has: a quick
    /// test before the pattern runs.
    signature: String,
    literal_len: usize,
}

impl Variant {
    /// The longest line of the variant's fixed text that no other fixed template has.
    pub fn signature(&self) -> &str {
        &self.signature
    }
}

/// A template's parts, its whitespace control applied.
enum Part {
    Text(String),
    /// `{{ name }}`.
    Hole(String),
    If {
        flag: String,
        negated: bool,
        then: Vec<Part>,
        otherwise: Vec<Part>,
    },
    /// `{% for binding %}` … `{% endfor %}`: text and values only inside.
    Loop {
        binding: String,
        body: Vec<Part>,
    },
}

/// A piece of a variant: fixed text, a value, or a loop (its name and the pattern of one turn).
enum Piece {
    Text(String),
    Hole(String),
    Repeat(String, String),
}

/// Every variant of the fixed template `rel` (under `templates/`): one per assignment of its
/// `{% if %}` flags. Only the askama syntax fixed templates use is understood (`{% if flag %}`,
/// `{% if !flag %}`, `{% else %}`, `{% endif %}`, `{% for x in y %}` around text and values,
/// `{{ name }}` and `{{ a.b }}`, comments, `-` whitespace control); anything else fails loudly,
/// so that this file learns it before a golden silently keeps a fixed part.
pub fn variants(rel: &str) -> Vec<Variant> {
    let parts = parse_template(rel, &template_text(rel));
    let mut flags = Vec::new();
    collect_flags(&parts, &mut flags);
    (0..1usize << flags.len())
        .filter_map(|bits| {
            let values: Vec<(String, bool)> = flags
                .iter()
                .enumerate()
                .map(|(i, f)| (f.clone(), bits >> i & 1 == 1))
                .collect();
            let mut pieces = Vec::new();
            flatten(rel, &parts, &values, &mut pieces);
            variant(rel, values, pieces)
        })
        .collect()
}

fn collect_flags(parts: &[Part], flags: &mut Vec<String>) {
    for part in parts {
        if let Part::If {
            flag,
            then,
            otherwise,
            ..
        } = part
        {
            if !flags.contains(flag) {
                flags.push(flag.clone());
            }
            collect_flags(then, flags);
            collect_flags(otherwise, flags);
        }
    }
}

/// The pieces of one variant.
fn flatten(rel: &str, parts: &[Part], values: &[(String, bool)], out: &mut Vec<Piece>) {
    for part in parts {
        match part {
            Part::Text(text) => match out.last_mut() {
                Some(Piece::Text(last)) => last.push_str(text),
                _ => out.push(Piece::Text(text.clone())),
            },
            Part::Hole(name) => out.push(Piece::Hole(name.clone())),
            Part::If {
                flag,
                negated,
                then,
                otherwise,
            } => {
                let on = values.iter().any(|(f, v)| f == flag && *v) != *negated;
                flatten(rel, if on { then } else { otherwise }, values, out);
            }
            Part::Loop { binding, body } => {
                // One turn of the loop: its text, each value within one line.
                let mut turn = String::new();
                for part in body {
                    match part {
                        Part::Text(text) => turn.push_str(&regex::escape(text)),
                        Part::Hole(_) => turn.push_str("[^\n]*"),
                        _ => panic!(
                            "templates/{rel}: only text and values inside `{{% for {binding} %}}`: \
                             teach tests/it/common/golden.rs"
                        ),
                    }
                }
                assert!(!turn.is_empty(), "templates/{rel}: an empty loop");
                out.push(Piece::Repeat(format!("for {binding}"), turn));
            }
        }
    }
}

fn variant(rel: &str, flags: Vec<(String, bool)>, mut pieces: Vec<Piece>) -> Option<Variant> {
    if let Some(Piece::Text(first)) = pieces.first_mut() {
        *first = first.trim_start().to_owned();
    }
    if let Some(Piece::Text(last)) = pieces.last_mut() {
        *last = last.trim_end().to_owned();
    }
    pieces.retain(|p| !matches!(p, Piece::Text(t) if t.is_empty()));
    assert!(
        !matches!(pieces.first(), Some(Piece::Hole(_))),
        "templates/{rel}: a fixed template must not start with a value"
    );
    let literal_len: usize = pieces
        .iter()
        .map(|p| match p {
            Piece::Text(t) => t.len(),
            _ => 0,
        })
        .sum();
    // The longest line that is in no other fixed template (several share a `Deserialize` impl).
    let others: Vec<String> = FIXED_RUST
        .iter()
        .map(|name| format!("rust/{name}"))
        .filter(|other| other != rel)
        .map(|other| template_text(&other))
        .collect();
    let signature = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Text(t) => Some(t.lines()),
            _ => None,
        })
        .flatten()
        .filter(|line| !others.iter().any(|o| o.lines().any(|l| l == *line)))
        .max_by_key(|l| l.len())
        .unwrap_or_else(|| panic!("templates/{rel}: no line of its own"))
        .to_owned();
    let mut pattern = String::new();
    let mut holes = Vec::new();
    for piece in &pieces {
        match piece {
            Piece::Text(text) => pattern.push_str(&regex::escape(text)),
            Piece::Hole(name) => {
                pattern.push_str("((?s:.+?))");
                holes.push(name.clone());
            }
            Piece::Repeat(name, turn) => {
                let _ = write!(pattern, "((?:{turn})*)");
                holes.push(name.clone());
            }
        }
    }
    Some(Variant {
        template: rel.to_owned(),
        flags,
        holes,
        pattern: regex::Regex::new(&pattern).expect("a template pattern"),
        signature,
        literal_len,
    })
}

/// A tag of the template source: its kind and its text, with its whitespace control.
struct Tag {
    kind: char,
    body: String,
    trim_before: bool,
    trim_after: bool,
}

fn parse_template(rel: &str, source: &str) -> Vec<Part> {
    // Split into text and tags, then apply each tag's whitespace control to its neighbours.
    let mut items: Vec<Result<String, Tag>> = Vec::new();
    let mut rest = source;
    while let Some(start) = ["{{", "{%", "{#"]
        .iter()
        .filter_map(|open| rest.find(open))
        .min()
    {
        items.push(Ok(rest[..start].to_owned()));
        let kind = rest.as_bytes()[start + 1] as char;
        let close = match kind {
            '{' => "}}",
            '%' => "%}",
            _ => "#}",
        };
        let after = &rest[start + 2..];
        let end = after
            .find(close)
            .unwrap_or_else(|| panic!("templates/{rel}: an unclosed tag"));
        let mut body = &after[..end];
        let mut tag = Tag {
            kind,
            body: String::new(),
            trim_before: false,
            trim_after: false,
        };
        for (mark, unsupported) in [('-', false), ('+', true), ('~', true)] {
            if let Some(b) = body.strip_prefix(mark) {
                assert!(!unsupported, "templates/{rel}: `{mark}` whitespace control");
                tag.trim_before = true;
                body = b;
            }
            if let Some(b) = body.strip_suffix(mark) {
                assert!(!unsupported, "templates/{rel}: `{mark}` whitespace control");
                tag.trim_after = true;
                body = b;
            }
        }
        tag.body = body.trim().to_owned();
        items.push(Err(tag));
        rest = &after[end + 2..];
    }
    items.push(Ok(rest.to_owned()));
    for i in 0..items.len() {
        let (trim_before, trim_after) = match &items[i] {
            Err(tag) => (tag.trim_before, tag.trim_after),
            Ok(_) => continue,
        };
        if trim_before && let Some(Ok(text)) = i.checked_sub(1).map(|j| &mut items[j]) {
            *text = text.trim_end().to_owned();
        }
        if trim_after && let Some(Ok(text)) = items.get_mut(i + 1) {
            *text = text.trim_start().to_owned();
        }
    }
    let mut items = items.into_iter();
    let (parts, end) = parse_parts(rel, &mut items);
    assert!(
        end.is_none(),
        "templates/{rel}: `{end:?}` without its opening tag"
    );
    parts
}

/// Parts up to the `else`, `endif` or `endfor` that ends them (returned), or the end of the
/// template.
fn parse_parts(
    rel: &str,
    items: &mut impl Iterator<Item = Result<String, Tag>>,
) -> (Vec<Part>, Option<String>) {
    let mut parts = Vec::new();
    let name = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
    };
    let teach = |body: &str| -> ! {
        panic!(
            "templates/{rel}: `{{% {body} %}}` in a fixed template: teach tests/it/common/golden.rs"
        )
    };
    while let Some(item) = items.next() {
        let tag = match item {
            Ok(text) => {
                parts.push(Part::Text(text));
                continue;
            }
            Err(tag) => tag,
        };
        match tag.kind {
            '#' => {}
            '{' => {
                assert!(
                    name(&tag.body),
                    "templates/{rel}: `{{{{ {} }}}}` is more than a name: teach \
                     tests/it/common/golden.rs",
                    tag.body
                );
                parts.push(Part::Hole(tag.body));
            }
            _ => {
                if ["else", "endif", "endfor"].contains(&tag.body.as_str()) {
                    return (parts, Some(tag.body));
                }
                if let Some(binding) = tag.body.strip_prefix("for ") {
                    let (body, end) = parse_parts(rel, items);
                    if end.as_deref() != Some("endfor") {
                        teach(&tag.body);
                    }
                    let words: Vec<&str> = binding.split_whitespace().collect();
                    if words.len() != 3 || words[1] != "in" || !name(words[0]) || !name(words[2]) {
                        teach(&tag.body);
                    }
                    parts.push(Part::Loop {
                        binding: words.join(" "),
                        body,
                    });
                    continue;
                }
                let Some(condition) = tag.body.strip_prefix("if ").map(str::trim) else {
                    teach(&tag.body)
                };
                let (negated, flag) = match condition.strip_prefix('!') {
                    Some(f) => (true, f.trim()),
                    None => (false, condition),
                };
                if !name(flag) {
                    teach(&tag.body);
                }
                let (then, end) = parse_parts(rel, items);
                let otherwise = match end.as_deref() {
                    Some("else") => {
                        let (otherwise, end) = parse_parts(rel, items);
                        assert_eq!(end.as_deref(), Some("endif"), "templates/{rel}: if/else");
                        otherwise
                    }
                    Some("endif") => Vec::new(),
                    _ => panic!("templates/{rel}: an `if` without `endif`"),
                };
                parts.push(Part::If {
                    flag: flag.to_owned(),
                    negated,
                    then,
                    otherwise,
                });
            }
        }
    }
    (parts, None)
}
