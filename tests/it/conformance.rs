//! The conformance suite: every artifact that judges a run's `parameters` gives the verdict the
//! value rules (`src/ir/rules.rs`) give, on the same instances.
//!
//! `tests/conformance/manifest.json` lists the documents (copies under
//! `tests/conformance/docs/`, so the suite stands alone), how each is built, and the exception
//! keys. Each document has its cases in `docs/<doc>.cases.json`, and a corpus document also takes
//! the samples in `tests/instances/<doc>/` (`valid*.json`, `invalid*.json`). Every case goes
//! through every leg; the verdict matrix fails the suite on any disagreement, listing all of them.
//!
//! A leg is one artifact judging every case of every document ([`Leg`]). The legs today: Ajv
//! (drafts 2020-12 and 07, strict), the `jsonschema` crate (both drafts) and `validate`. The
//! generated Rust and the HTML form plug in as one function each: see [`LEGS`]. The tool
//! definitions of `cozegen tool` are two more Ajv legs: `tool-mcp` judges the MCP (and
//! Anthropic: the same schema) `inputSchema`, and `tool-openai` the OpenAI `parameters`, where
//! a strict definition gets each case as a strict client sends it: every optional parameter it
//! leaves out given as `null` (which `cozegen mcp` reads as absent). The `zod` leg loads the
//! `cozegen zod` module of every document in node and judges each case with its root schema.

use crate::common::{js_tools_available, root};
use cozegen::emit::json_schema::{self, Draft, SchemaOptions};
use cozegen::json::Deep;
use cozegen::{BuildOptions, Workflow};
use serde_json::{Map, Number, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

// ---------------------------------------------------------------------------------------------
// The suite's data: documents, cases, verdicts and legs.

/// One document of the suite, built once with its build options.
pub struct Doc {
    /// The file stem (`contract`, `open`, …): unique, and a Rust identifier, so the Rust leg
    /// can use it as a module name.
    pub name: String,
    /// The WorkflowInfo file under `tests/conformance/docs/`.
    pub path: PathBuf,
    pub build: BuildOptions,
    pub workflow: Workflow,
    /// The JSON Schema text, draft 2020-12.
    pub schema_2020: String,
    /// The JSON Schema text, draft-07.
    pub schema_07: String,
    /// The document's cases, in file order: those of `<doc>.cases.json`, then its samples.
    pub cases: Vec<Case>,
}

impl Doc {
    pub fn schema(&self, draft: Draft) -> &str {
        match draft {
            Draft::Draft2020_12 => &self.schema_2020,
            Draft::Draft07 => &self.schema_07,
        }
    }
}

/// One instance with its expected verdict.
pub struct Case {
    /// Unique within its document; samples are `instance/<file stem>`.
    pub name: String,
    /// The value rule the case is about (a key of [`RULES`]); `sample` for the samples.
    pub rule: String,
    /// Whether the parameters are valid under the value rules.
    pub valid: bool,
    /// The parameters as their exact JSON text (`1.0` stays `1.0`, `-0` stays `-0`).
    pub text: String,
    /// The parameters as cozegen's own reader reads them (what `cozegen validate` sees).
    value: Deep,
    /// Leg name → the reason that leg is expected to give the opposite verdict.
    pub exceptions: BTreeMap<String, String>,
}

impl Case {
    pub fn value(&self) -> &Value {
        self.value.value()
    }

    /// Whether `leg` should accept the case: its verdict, flipped by an exception.
    fn expected(&self, leg: &str) -> bool {
        self.valid != self.exceptions.contains_key(leg)
    }
}

/// What a leg made of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The leg took the parameters as they are.
    Accepted,
    /// The leg refused them.
    Refused,
    /// The leg misbehaved on the case: it dropped or changed data, crashed, or could not read
    /// the case. A failure whatever the case expects.
    Broken,
}

/// A leg's verdict on one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub outcome: Outcome,
    /// The leg's own words: its errors when it refused, what went wrong when it broke.
    pub message: String,
}

impl Verdict {
    pub fn accepted() -> Verdict {
        Verdict {
            outcome: Outcome::Accepted,
            message: String::new(),
        }
    }

    pub fn refused(message: impl Into<String>) -> Verdict {
        Verdict {
            outcome: Outcome::Refused,
            message: message.into(),
        }
    }

    pub fn broken(message: impl Into<String>) -> Verdict {
        Verdict {
            outcome: Outcome::Broken,
            message: message.into(),
        }
    }

    /// Accepted when `valid`, else refused with `message`.
    pub fn judged(valid: bool, message: impl Into<String>) -> Verdict {
        if valid {
            Verdict::accepted()
        } else {
            Verdict::refused(message)
        }
    }
}

/// One artifact judging every case of every document.
pub struct Leg {
    /// The name exceptions use and the matrix shows.
    pub name: &'static str,
    /// Judges every case: `verdicts[d][c]` is the verdict on `docs[d].cases[c]`. `None` when
    /// the leg cannot run on this machine (missing tools, locally only: under `CI=true` a leg
    /// never skips, it panics saying what is missing).
    pub run: fn(&[Doc]) -> Option<Vec<Vec<Verdict>>>,
}

/// The legs that run, each one function judging every case of every document.
const LEGS: &[Leg] = &[
    Leg {
        name: "ajv-2020",
        run: ajv_2020,
    },
    Leg {
        name: "ajv-07",
        run: ajv_07,
    },
    Leg {
        name: "jsonschema-2020",
        run: jsonschema_2020,
    },
    Leg {
        name: "jsonschema-07",
        run: jsonschema_07,
    },
    Leg {
        name: "validate",
        run: validate_leg,
    },
    Leg {
        name: "rust",
        run: rust_leg,
    },
    Leg {
        name: "python",
        run: python_leg,
    },
    Leg {
        name: "form",
        run: form_leg,
    },
    Leg {
        name: "tool-mcp",
        run: tool_mcp_leg,
    },
    Leg {
        name: "tool-openai",
        run: tool_openai_leg,
    },
    Leg {
        name: "zod",
        run: zod_leg,
    },
];

/// Whether `name` is a leg of [`LEGS`].
fn is_leg(name: &str) -> bool {
    LEGS.iter().any(|leg| leg.name == name)
}

/// The names of every leg, for messages.
fn leg_names() -> Vec<&'static str> {
    LEGS.iter().map(|leg| leg.name).collect()
}

/// Shorthands an exception may use for several legs at once.
const LEG_GROUPS: &[(&str, &[&str])] = &[
    // The tool legs are Ajv too, judging the tool definitions' schemas.
    ("ajv", &["ajv-2020", "ajv-07", "tool-mcp", "tool-openai"]),
    ("jsonschema", &["jsonschema-2020", "jsonschema-07"]),
    (
        "schema",
        &[
            "ajv-2020",
            "ajv-07",
            "jsonschema-2020",
            "jsonschema-07",
            "tool-mcp",
            "tool-openai",
        ],
    ),
];

/// The value rules a case can be about: the rows of the policy table in `src/ir/rules.rs`,
/// plus the rules around them (`null`, required and unknown keys, the parameters object).
const RULES: &[&str] = &[
    "string",
    "integer",
    "number",
    "boolean",
    "time",
    "file",
    "object",
    "required",
    "unknown-keys",
    "map",
    "array",
    "any",
    "null",
    "parameters",
];

/// The rule of the samples from `tests/instances/`.
const SAMPLE_RULE: &str = "sample";

// ---------------------------------------------------------------------------------------------
// Loading.

fn suite_dir() -> PathBuf {
    root().join("tests/conformance")
}

/// The exception keys of the manifest: key → the legs it may excuse.
type ExceptionKeys = BTreeMap<String, BTreeSet<String>>;

/// Every document with its cases, or every problem found while loading them.
fn load_suite() -> Result<(Vec<Doc>, ExceptionKeys), Vec<String>> {
    let manifest_path = suite_dir().join("manifest.json");
    let manifest: Value = serde_json::from_slice(&std::fs::read(&manifest_path).expect("read"))
        .unwrap_or_else(|e| panic!("{}: {e}", manifest_path.display()));
    let mut problems = Vec::new();
    let keys = exception_keys(&manifest, &mut problems);
    let mut docs = Vec::new();
    let mut names = BTreeSet::new();
    for entry in manifest["documents"].as_array().expect("documents") {
        let file = entry["file"].as_str().expect("a document's file");
        if let Some(doc) = load_doc(entry, &keys, &mut problems) {
            if !names.insert(doc.name.clone()) {
                problems.push(format!("manifest: {file} is listed twice"));
            }
            docs.push(doc);
        }
    }
    let listed: BTreeSet<String> = names.iter().map(|n| format!("{n}.json")).collect();
    for entry in std::fs::read_dir(suite_dir().join("docs")).expect("docs") {
        let file = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        let stem = file
            .strip_suffix(".cases.json")
            .map(|s| format!("{s}.json"));
        let doc_file = stem.as_deref().unwrap_or(&file);
        if !listed.contains(doc_file) {
            problems.push(format!(
                "docs/{file} belongs to no document of the manifest"
            ));
        }
    }
    let used: BTreeSet<&str> = docs
        .iter()
        .flat_map(|d| &d.cases)
        .flat_map(|c| c.exceptions.values())
        .filter_map(|reason| reason_key(reason))
        .collect();
    for key in keys.keys() {
        if !used.contains(key.as_str()) {
            problems.push(format!(
                "manifest: exception key [{key}] is used by no case"
            ));
        }
    }
    if problems.is_empty() {
        Ok((docs, keys))
    } else {
        Err(problems)
    }
}

fn exception_keys(manifest: &Value, problems: &mut Vec<String>) -> ExceptionKeys {
    let mut keys = ExceptionKeys::new();
    for (key, row) in manifest["exception_keys"].as_object().expect("keys") {
        let legs: BTreeSet<String> = row["legs"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        for leg in &legs {
            if !is_leg(leg) {
                problems.push(format!("manifest: [{key}] names an unknown leg {leg:?}"));
            }
        }
        if legs.is_empty() || row["text"].as_str().is_none_or(str::is_empty) {
            problems.push(format!("manifest: [{key}] needs `legs` and `text`"));
        }
        keys.insert(key.clone(), legs);
    }
    keys
}

/// The key an exception reason starts with: `[integer-form] …` names `integer-form`.
fn reason_key(reason: &str) -> Option<&str> {
    let (key, _) = reason.strip_prefix('[')?.split_once(']')?;
    let plain = key.starts_with(|c: char| c.is_ascii_lowercase())
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    plain.then_some(key)
}

fn load_doc(entry: &Value, keys: &ExceptionKeys, problems: &mut Vec<String>) -> Option<Doc> {
    let file = entry["file"].as_str().expect("file");
    let path = suite_dir().join("docs").join(file);
    for key in entry.as_object().expect("a document entry").keys() {
        if !["file", "open_objects", "instances"].contains(&key.as_str()) {
            problems.push(format!("manifest: {file} has an unknown field {key:?}"));
        }
    }
    let name = file.strip_suffix(".json").unwrap_or(file).to_owned();
    // The Rust leg makes a module of each document.
    let identifier = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !identifier || !file.ends_with(".json") {
        problems.push(format!(
            "manifest: {file} must be named like a Rust module, `[a-z][a-z0-9_]*.json`"
        ));
    }
    let build = BuildOptions {
        open_objects: entry["open_objects"].as_bool().unwrap_or(false),
        ..BuildOptions::default()
    };
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let info = match cozegen::load_slice(&bytes, file) {
        Ok(info) => info,
        Err(e) => {
            problems.push(format!("{file}: {e}"));
            return None;
        }
    };
    let workflow = match cozegen::build(&info, &build) {
        Ok((workflow, _warnings)) => workflow,
        Err(e) => {
            problems.push(format!("{file}: {e}"));
            return None;
        }
    };
    let schema = |draft| {
        json_schema::render(
            &workflow,
            &SchemaOptions {
                draft,
                ..SchemaOptions::default()
            },
        )
        .expect("schema renders")
    };
    let (schema_2020, schema_07) = (schema(Draft::Draft2020_12), schema(Draft::Draft07));
    let mut cases = load_cases(&name, keys, problems);
    if let Some(dir) = entry["instances"].as_str() {
        cases.extend(load_samples(dir, problems));
    }
    let mut seen = BTreeSet::new();
    for case in &cases {
        if !seen.insert(case.name.as_str()) {
            problems.push(format!("{name}: two cases are named {:?}", case.name));
        }
    }
    Some(Doc {
        name,
        path,
        build,
        workflow,
        schema_2020,
        schema_07,
        cases,
    })
}

/// The cases of `docs/<doc>.cases.json`.
fn load_cases(doc: &str, keys: &ExceptionKeys, problems: &mut Vec<String>) -> Vec<Case> {
    let rel = format!("docs/{doc}.cases.json");
    let path = suite_dir().join(&rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let entries: Vec<Map<String, Value>> =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let texts = parameter_texts(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert_eq!(texts.len(), entries.len(), "{rel}: cases and their texts");
    let mut cases = Vec::new();
    for (i, (entry, text)) in entries.into_iter().zip(texts).enumerate() {
        let at = format!("{rel} #{}", i + 1);
        match read_case(&entry, text, keys) {
            Ok(case) => cases.push(case),
            Err(problem) => {
                let name = entry.get("name").and_then(Value::as_str).unwrap_or("?");
                problems.push(format!("{at} ({name}): {problem}"));
            }
        }
    }
    cases
}

fn read_case(
    entry: &Map<String, Value>,
    text: Option<String>,
    keys: &ExceptionKeys,
) -> Result<Case, String> {
    for key in entry.keys() {
        if !["name", "rule", "valid", "parameters", "exceptions"].contains(&key.as_str()) {
            return Err(format!("unknown field {key:?}"));
        }
    }
    let name = entry
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty() && !n.starts_with("instance/"))
        .ok_or("needs a `name` (not starting with `instance/`)")?;
    let rule = entry
        .get("rule")
        .and_then(Value::as_str)
        .filter(|r| RULES.contains(r))
        .ok_or_else(|| format!("needs a `rule`, one of {RULES:?}"))?;
    let valid = entry
        .get("valid")
        .and_then(Value::as_bool)
        .ok_or("needs `valid`: true or false")?;
    let text = text.ok_or("needs `parameters`")?;
    let value = cozegen::source::parse_json(text.as_bytes(), name)
        .map_err(|e| format!("cozegen cannot read the parameters: {e}"))?;
    let mut exceptions = BTreeMap::new();
    let given = match entry.get("exceptions") {
        None => Map::new(),
        Some(Value::Object(map)) => map.clone(),
        Some(_) => return Err("`exceptions` must be an object".to_owned()),
    };
    for (legs, reason) in &given {
        let reason = reason
            .as_str()
            .ok_or_else(|| format!("the exception for {legs:?} must be a string"))?;
        let key = reason_key(reason).ok_or_else(|| {
            format!("the reason for {legs:?} does not start with a [key]: {reason:?}")
        })?;
        let allowed = keys
            .get(key)
            .ok_or_else(|| format!("[{key}] is not an exception key of the manifest"))?;
        for leg in expand_legs(legs)? {
            if !allowed.contains(leg) {
                return Err(format!("[{key}] does not apply to the {leg} leg"));
            }
            if exceptions
                .insert(leg.to_owned(), reason.to_owned())
                .is_some()
            {
                return Err(format!("two exceptions for the {leg} leg"));
            }
        }
    }
    Ok(Case {
        name: name.to_owned(),
        rule: rule.to_owned(),
        valid,
        text,
        value,
        exceptions,
    })
}

/// The legs an exception's key names: a leg, or a group of legs.
fn expand_legs(name: &str) -> Result<Vec<&'static str>, String> {
    if let Some(leg) = LEGS.iter().find(|leg| leg.name == name) {
        return Ok(vec![leg.name]);
    }
    LEG_GROUPS
        .iter()
        .find(|(group, _)| *group == name)
        .map(|(_, legs)| legs.to_vec())
        .ok_or_else(|| {
            format!(
                "{name:?} is not a leg ({:?}) or a group of legs",
                leg_names()
            )
        })
}

/// The samples of `tests/instances/<dir>/`: `valid*.json` are valid, `invalid*.json` not.
fn load_samples(dir: &str, problems: &mut Vec<String>) -> Vec<Case> {
    let path = root().join("tests/instances").join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for file in files {
        let stem = crate::common::stem(&file);
        let valid = if stem.starts_with("valid") {
            true
        } else if stem.starts_with("invalid") {
            false
        } else {
            problems.push(format!("{}: neither valid* nor invalid*", file.display()));
            continue;
        };
        let text = std::fs::read_to_string(&file).expect("read sample");
        match cozegen::source::parse_json(text.as_bytes(), &stem) {
            Ok(value) => cases.push(Case {
                name: format!("instance/{stem}"),
                rule: SAMPLE_RULE.to_owned(),
                valid,
                text,
                value,
                exceptions: BTreeMap::new(),
            }),
            Err(e) => problems.push(format!("{}: {e}", file.display())),
        }
    }
    cases
}

/// The exact text of each element's `parameters` in a cases file (a JSON array of objects), in
/// order; `None` for an element without one. The text must be valid JSON (serde_json has read
/// it already): this only finds where each value starts and ends.
fn parameter_texts(text: &str) -> Result<Vec<Option<String>>, String> {
    let mut scan = Scan {
        bytes: text.as_bytes(),
        at: 0,
    };
    let mut out = Vec::new();
    scan.expect(b'[')?;
    if scan.peek() == Some(b']') {
        return Ok(out);
    }
    loop {
        scan.expect(b'{')?;
        let mut parameters = None;
        if scan.peek() == Some(b'}') {
            scan.at += 1;
        } else {
            loop {
                let (start, end) = scan.value()?;
                let key: String =
                    serde_json::from_str(&text[start..end]).map_err(|e| e.to_string())?;
                scan.expect(b':')?;
                let (start, end) = scan.value()?;
                if key == "parameters" && parameters.replace(text[start..end].to_owned()).is_some()
                {
                    return Err("a case gives `parameters` twice".to_owned());
                }
                match scan.next()? {
                    b',' => continue,
                    b'}' => break,
                    other => return Err(format!("unexpected {:?}", other as char)),
                }
            }
        }
        out.push(parameters);
        match scan.next()? {
            b',' => continue,
            b']' => return Ok(out),
            other => return Err(format!("unexpected {:?}", other as char)),
        }
    }
}

struct Scan<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Scan<'_> {
    fn skip_space(&mut self) {
        while self
            .bytes
            .get(self.at)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.at += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_space();
        self.bytes.get(self.at).copied()
    }

    fn next(&mut self) -> Result<u8, String> {
        let b = self.peek().ok_or("unexpected end")?;
        self.at += 1;
        Ok(b)
    }

    fn expect(&mut self, want: u8) -> Result<(), String> {
        match self.next()? {
            b if b == want => Ok(()),
            b => Err(format!(
                "expected {:?}, found {:?}",
                want as char, b as char
            )),
        }
    }

    /// Skips a string whose opening quote is at `self.at`.
    fn string(&mut self) {
        self.at += 1;
        while let Some(&b) = self.bytes.get(self.at) {
            self.at += if b == b'\\' { 2 } else { 1 };
            if b == b'"' {
                return;
            }
        }
    }

    /// The span of the value that starts next.
    fn value(&mut self) -> Result<(usize, usize), String> {
        self.skip_space();
        let start = self.at;
        match self.bytes.get(start).ok_or("unexpected end")? {
            b'"' => self.string(),
            b'{' | b'[' => {
                let mut depth = 0usize;
                while let Some(&b) = self.bytes.get(self.at) {
                    match b {
                        b'"' => {
                            self.string();
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => depth -= 1,
                        _ => {}
                    }
                    self.at += 1;
                    if depth == 0 {
                        break;
                    }
                }
            }
            _ => {
                while self.bytes.get(self.at).is_some_and(|b| {
                    !matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                }) {
                    self.at += 1;
                }
            }
        }
        Ok((start, self.at))
    }
}

// ---------------------------------------------------------------------------------------------
// The legs of today.

fn ajv_2020(docs: &[Doc]) -> Option<Vec<Vec<Verdict>>> {
    ajv(docs, Draft::Draft2020_12)
}

fn ajv_07(docs: &[Doc]) -> Option<Vec<Vec<Verdict>>> {
    ajv(docs, Draft::Draft07)
}

/// Ajv in node, strict mode: one node process judges every document
/// (`tests/js/conformance-ajv.mjs`).
fn ajv(docs: &[Doc], draft: Draft) -> Option<Vec<Vec<Verdict>>> {
    if !js_tools_available("the conformance suite's Ajv legs") {
        return None;
    }
    let draft_name = match draft {
        Draft::Draft2020_12 => "2020-12",
        Draft::Draft07 => "07",
    };
    // Each schema goes in as its own text, each case as a string of its exact text.
    let documents: Vec<String> = docs
        .iter()
        .map(|doc| {
            let cases: Vec<Value> = doc
                .cases
                .iter()
                .map(|c| serde_json::json!({"name": c.name, "text": c.text}))
                .collect();
            format!(
                "{{\"name\":{},\"schema\":{},\"cases\":{}}}",
                Value::from(doc.name.as_str()),
                doc.schema(draft),
                Value::Array(cases)
            )
        })
        .collect();
    Some(ajv_judge(docs, draft_name, "{}", &documents))
}

/// Runs `conformance-ajv.mjs` on `documents` (one JSON text per document, in the order of
/// `docs`) with extra Ajv `options`, and reads its verdicts.
fn ajv_judge(
    docs: &[Doc],
    draft_name: &str,
    options: &str,
    documents: &[String],
) -> Vec<Vec<Verdict>> {
    let input = format!(
        "{{\"draft\":\"{draft_name}\",\"options\":{options},\"documents\":[{}]}}",
        documents.join(",")
    );
    let script = root().join("tests/js/conformance-ajv.mjs");
    let out = run_with_stdin(Command::new("node").arg(&script), input.as_bytes());
    judged_lines(
        "Ajv",
        &format!("conformance-ajv.mjs (draft {draft_name})"),
        &out,
        docs,
        ("schema_error", ""),
        |_, v| match (&v["valid"], &v["error"]) {
            (Value::Bool(valid), _) => Verdict::judged(*valid, ajv_errors(&v["errors"])),
            (_, error) => Verdict::broken(format!("Ajv could not read the case: {error}")),
        },
    )
}

/// The verdicts a judging process (`who`, run as `script`) printed: one JSON line per document
/// of `docs`, in order, with `document`, and either `doc_error` (the document could not be
/// judged: every case is broken, said as `broken` and the error) or `verdicts`, one per case in
/// order with its `name`, each read by `verdict`.
fn judged_lines(
    who: &str,
    script: &str,
    out: &std::process::Output,
    docs: &[Doc],
    (doc_error, broken): (&str, &str),
    verdict: impl Fn(&Case, &Value) -> Verdict,
) -> Vec<Vec<Verdict>> {
    assert!(
        out.status.success(),
        "{script} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("a JSON line from {script}: {e}"))
        })
        .collect();
    assert_eq!(lines.len(), docs.len(), "{who} judges every document");
    docs.iter()
        .zip(&lines)
        .map(|(doc, line)| {
            assert_eq!(
                line["document"],
                doc.name.as_str(),
                "{who}'s document order"
            );
            if let Some(error) = line[doc_error].as_str() {
                return vec![Verdict::broken(format!("{broken}{error}")); doc.cases.len()];
            }
            let verdicts = line["verdicts"].as_array().expect("verdicts");
            assert_eq!(
                verdicts.len(),
                doc.cases.len(),
                "{who}'s verdicts on {}",
                doc.name
            );
            doc.cases
                .iter()
                .zip(verdicts)
                .map(|(case, v)| {
                    assert_eq!(v["name"], case.name.as_str(), "{who}'s verdict order");
                    verdict(case, v)
                })
                .collect()
        })
        .collect()
}

fn tool_mcp_leg(docs: &[Doc]) -> Option<Vec<Vec<Verdict>>> {
    tool_leg(docs, cozegen::emit::tool::Format::Mcp)
}

fn tool_openai_leg(docs: &[Doc]) -> Option<Vec<Vec<Verdict>>> {
    tool_leg(docs, cozegen::emit::tool::Format::OpenAi)
}

/// Ajv (draft 2020-12, strict, union types allowed for OpenAI's nullable types) on the tool
/// definition's parameter schema.
fn tool_leg(docs: &[Doc], format: cozegen::emit::tool::Format) -> Option<Vec<Vec<Verdict>>> {
    if !js_tools_available("the conformance suite's tool legs") {
        return None;
    }
    let documents: Vec<String> = docs
        .iter()
        .map(|doc| {
            let (mut tools, _) =
                cozegen::emit::tool::tools(&[&doc.workflow], format).expect("tool definitions");
            let tool = &mut tools[0];
            let strict = tool.strict == Some(true);
            let mut schema = Map::new();
            schema.insert(
                "$schema".into(),
                "https://json-schema.org/draft/2020-12/schema".into(),
            );
            if let Value::Object(rest) = std::mem::take(&mut tool.input_schema) {
                schema.extend(rest);
            }
            let cases: Vec<Value> = doc
                .cases
                .iter()
                .map(|c| {
                    let text = match strict {
                        true => with_nulls(&doc.workflow.input, c.value())
                            .map_or_else(|| c.text.clone(), |v| v.to_string()),
                        false => c.text.clone(),
                    };
                    let text = match doc.workflow.is_chatflow() {
                        true => with_message(&text, c.value()),
                        false => text,
                    };
                    serde_json::json!({"name": c.name, "text": text})
                })
                .collect();
            format!(
                "{{\"name\":{},\"schema\":{},\"cases\":{}}}",
                Value::from(doc.name.as_str()),
                Value::Object(schema),
                Value::Array(cases)
            )
        })
        .collect();
    Some(ajv_judge(
        docs,
        "2020-12",
        r#"{"allowUnionTypes":true}"#,
        &documents,
    ))
}

/// A chatflow's tool arguments: the parameters' text with the user's message (`USER_INPUT`)
/// put first, unless they are not an object or already give one. Written into the text, so
/// the case's own text (a repeated key, a number as written) is judged as it is.
fn with_message(text: &str, parameters: &Value) -> String {
    let Some(map) = parameters.as_object() else {
        return text.to_owned();
    };
    if map.contains_key("USER_INPUT") {
        return text.to_owned();
    }
    let open = text.find('{').expect("an object's text has a brace");
    let rest = &text[open + 1..];
    let comma = if rest.trim_start().starts_with('}') {
        ""
    } else {
        ","
    };
    format!("{}{{\"USER_INPUT\":\"hi\"{comma}{rest}", &text[..open])
}

/// `parameters` as an OpenAI strict client sends them: every optional parameter left out
/// given as `null`, at every level. `None` when nothing is left out.
fn with_nulls(types: &cozegen::ir::Types, parameters: &Value) -> Option<Value> {
    use cozegen::ir::{ObjectId, Type, Types};
    fn object(types: &Types, id: ObjectId, map: &mut Map<String, Value>) -> bool {
        let mut changed = false;
        for field in &types.object(id).fields {
            match map.get_mut(&field.name) {
                None if !field.required => {
                    map.insert(field.name.clone(), Value::Null);
                    changed = true;
                }
                None => {}
                Some(value) => changed |= inside(types, &field.ty, value),
            }
        }
        changed
    }
    fn inside(types: &Types, ty: &Type, value: &mut Value) -> bool {
        match (ty, value) {
            (Type::Object(id), Value::Object(map)) => object(types, *id, map),
            (Type::Array(id), Value::Array(items)) => {
                let element = &types.array(*id).items;
                items.iter_mut().fold(false, |changed, item| {
                    inside(types, element, item) | changed
                })
            }
            _ => false,
        }
    }
    let mut value = parameters.clone();
    let Value::Object(map) = &mut value else {
        return None;
    };
    object(types, Types::ROOT, map).then_some(value)
}

/// Ajv's errors, one `path: message` each.
fn ajv_errors(errors: &Value) -> String {
    let errors = errors.as_array().map(Vec::as_slice).unwrap_or_default();
    let shown: Vec<String> = errors
        .iter()
        .map(|e| {
            let path = e["instancePath"]
                .as_str()
                .filter(|p| !p.is_empty())
                .unwrap_or("/");
            let message = e["message"].as_str().unwrap_or("?");
            match e["keyword"].as_str() {
                Some("additionalProperties") => {
                    format!("{path}: {message} ({})", e["params"]["additionalProperty"])
                }
                _ => format!("{path}: {message}"),
            }
        })
        .collect();
    shown.join("; ")
}

fn run_with_stdin(command: &mut Command, input: &[u8]) -> std::process::Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn node");
    let mut pipe = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || pipe.write_all(&input));
    let out = child.wait_with_output().expect("wait for node");
    writer
        .join()
        .expect("stdin writer")
        .expect("write the cases to node");
    out
}

fn jsonschema_2020(docs: &[Doc]) -> Option<Vec<Vec<Verdict>>> {
    Some(jsonschema_leg(docs, Draft::Draft2020_12))
}

fn jsonschema_07(docs: &[Doc]) -> Option<Vec<Vec<Verdict>>> {
    Some(jsonschema_leg(docs, Draft::Draft07))
}

/// The `jsonschema` crate, with the dialect forced to the draft the schema declares.
fn jsonschema_leg(docs: &[Doc], draft: Draft) -> Vec<Vec<Verdict>> {
    docs.iter()
        .map(|doc| {
            let schema: Value = serde_json::from_str(doc.schema(draft)).expect("schema JSON");
            let validator = match draft {
                Draft::Draft2020_12 => jsonschema::draft202012::new(&schema),
                Draft::Draft07 => jsonschema::draft7::new(&schema),
            };
            let validator = match validator {
                Ok(v) => v,
                Err(e) => {
                    let why = format!(
                        "the jsonschema crate rejects the schema of {}: {e}",
                        doc.name
                    );
                    return vec![Verdict::broken(why); doc.cases.len()];
                }
            };
            doc.cases
                .iter()
                .map(|case| {
                    let errors: Vec<String> = validator
                        .iter_errors(case.value())
                        .map(|e| format!("{}: {e}", e.instance_path()))
                        .collect();
                    Verdict::judged(errors.is_empty(), errors.join("; "))
                })
                .collect()
        })
        .collect()
}

/// `cozegen::validate`: valid iff it finds no problem.
fn validate_leg(docs: &[Doc]) -> Option<Vec<Vec<Verdict>>> {
    Some(
        docs.iter()
            .map(|doc| {
                doc.cases
                    .iter()
                    .map(|case| {
                        let problems: Vec<String> =
                            cozegen::check::validate::validate(&doc.workflow.input, case.value())
                                .iter()
                                .map(ToString::to_string)
                                .collect();
                        Verdict::judged(problems.is_empty(), problems.join("; "))
                    })
                    .collect()
            })
            .collect(),
    )
}

// ---------------------------------------------------------------------------------------------
// The Zod schemas.

/// The Zod module of every document (`cozegen zod`), written to a scratch directory that
/// reaches `tests/js/node_modules`; one node process (`tests/js/conformance-zod.mjs`) loads each
/// and judges every case with the root schema's `safeParse` on the case read into objects
/// without a prototype. Valid when it succeeds and the parsed value is the case as data; a
/// parse that changes the value (drops a key) does not take the case as it is: a refusal.
fn zod_leg(docs: &[Doc]) -> Option<Vec<Vec<Verdict>>> {
    if !js_tools_available("the conformance suite's Zod leg") {
        return None;
    }
    let scratch = tempfile::tempdir().expect("tempdir");
    std::os::unix::fs::symlink(
        root().join("tests/js/node_modules"),
        scratch.path().join("node_modules"),
    )
    .expect("link node_modules");
    let documents: Vec<Value> = docs
        .iter()
        .map(|doc| {
            let code = cozegen::emit::zod::render(&doc.workflow, cozegen::ir::Node::Input)
                .expect("the Zod module renders");
            let module = scratch.path().join(format!("{}.zod.ts", doc.name));
            std::fs::write(&module, code).expect("write the Zod module");
            let cases: Vec<Value> = doc
                .cases
                .iter()
                .map(|c| serde_json::json!({"name": c.name, "text": c.text}))
                .collect();
            serde_json::json!({
                "name": doc.name,
                "module": module.to_str().expect("utf-8"),
                "root": doc.workflow.input.root().type_name,
                "cases": cases,
            })
        })
        .collect();
    let input = serde_json::json!({
        "dir": scratch.path().to_str().expect("utf-8"),
        "documents": documents,
    });
    let script = root().join("tests/js/conformance-zod.mjs");
    let out = run_with_stdin(
        Command::new("node").arg(&script),
        input.to_string().as_bytes(),
    );
    Some(judged_lines(
        "Zod",
        "conformance-zod.mjs",
        &out,
        docs,
        ("module_error", "the Zod module does not load: "),
        |_, v| match &v["valid"] {
            Value::Bool(valid) => Verdict::judged(*valid, v["errors"].as_str().unwrap_or("")),
            _ => Verdict::broken(format!("Zod failed on the case: {}", v["error"])),
        },
    ))
}

// ---------------------------------------------------------------------------------------------
// The generated Rust.

/// The generated structs of every document, compiled into one scratch crate whose binary
/// deserializes each case into the document's root struct and serializes it back. Valid when
/// both succeed and the value comes back unchanged; a deserialization error is a refusal; a
/// value that comes back different is always a failure ("dropped or changed data").
fn rust_leg(docs: &[Doc]) -> Option<Vec<Vec<Verdict>>> {
    let krate = crate::common::scratch::Crate::new(
        "cozegen-conformance-rust",
        crate::common::scratch::SERDE,
    );
    let mut modules = String::new();
    let mut dispatch = String::new();
    for doc in docs {
        let code = cozegen::emit::rust::render(&doc.workflow, &Default::default())
            .expect("the Rust module renders");
        krate.write(&format!("src/{}.rs", doc.name), &code);
        let root_type = &doc.workflow.input.root().type_name;
        let _ = write!(
            modules,
            "mod {name} {{\n    include!(\"{name}.rs\");\n}}\n",
            name = doc.name
        );
        let _ = writeln!(
            dispatch,
            "            \"{name}\" => round_trip::<{name}::{root_type}>(text),",
            name = doc.name
        );
    }
    let main = format!(
        r#"//! Reads one JSON line per case, `{{"doc": …, "text": …}}`; prints one JSON line per case:
//! `{{"json": <text after a round trip>}}` or `{{"error": <the serde error>}}`.
#![allow(dead_code)]

{modules}
fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(text: &str) -> Result<String, String> {{
    let value: T = serde_json::from_str(text).map_err(|e| e.to_string())?;
    serde_json::to_string(&value).map_err(|e| e.to_string())
}}

fn main() {{
    use std::io::BufRead;
    for line in std::io::stdin().lock().lines() {{
        let case: serde_json::Value = serde_json::from_str(&line.expect("stdin")).expect("a case");
        let text = case["text"].as_str().expect("text");
        let result = match case["doc"].as_str().expect("doc") {{
{dispatch}            other => panic!("unknown document {{other}}"),
        }};
        let out = match result {{
            Ok(json) => serde_json::json!({{"json": json}}),
            Err(error) => serde_json::json!({{"error": error}}),
        }};
        println!("{{out}}");
    }}
}}
"#
    );
    krate.write("src/main.rs", &main);
    let build = krate.cargo_output(&mut krate.cargo("build"));
    if !build.status.success() {
        let error = String::from_utf8_lossy(&build.stderr).into_owned();
        return Some(
            docs.iter()
                .map(|d| {
                    d.cases
                        .iter()
                        .map(|_| {
                            Verdict::broken(format!("the generated Rust does not compile: {error}"))
                        })
                        .collect()
                })
                .collect(),
        );
    }
    let mut input = String::new();
    for doc in docs {
        for case in &doc.cases {
            input.push_str(&serde_json::json!({"doc": doc.name, "text": case.text}).to_string());
            input.push('\n');
        }
    }
    let out = run_with_stdin(
        &mut Command::new(krate.binary("cozegen-conformance-rust")),
        input.as_bytes(),
    );
    assert!(out.status.success(), "the round-trip binary failed");
    let mut lines = std::str::from_utf8(&out.stdout).expect("utf-8").lines();
    Some(
        docs.iter()
            .map(|doc| {
                doc.cases
                    .iter()
                    .map(|case| {
                        let line: Value =
                            serde_json::from_str(lines.next().expect("a line per case"))
                                .expect("JSON");
                        if let Some(error) = line["error"].as_str() {
                            return Verdict::refused(error);
                        }
                        let json = line["json"].as_str().expect("json");
                        match json.parse::<Deep>() {
                            Ok(back) if json_equal(back.value(), case.value()) => {
                                Verdict::accepted()
                            }
                            Ok(_) => Verdict::broken(format!(
                                "dropped or changed data: came back as {json}"
                            )),
                            Err(e) => {
                                Verdict::broken(format!("wrote JSON it cannot read back: {e}"))
                            }
                        }
                    })
                    .collect()
            })
            .collect(),
    )
}

// ---------------------------------------------------------------------------------------------
// The pydantic models.

/// The pydantic models of every document (`cozegen python`), judged by one Python process
/// (`tests/py/conformance_pydantic.py`): each case is validated into the root model
/// (`model_validate_json`, strict) and dumped for the run as `run_request` dumps it. Valid when
/// both succeed and the value comes back unchanged; a validation error is a refusal; a value
/// that comes back different, or a module that does not import, is a failure.
fn python_leg(docs: &[Doc]) -> Option<Vec<Vec<Verdict>>> {
    let python = crate::common::python_tools("the conformance suite's python leg")?;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut documents = Vec::new();
    for doc in docs {
        let code = cozegen::emit::python::render(&doc.workflow, &Default::default())
            .expect("the Python module renders");
        let module = dir.path().join(format!("{}.py", doc.name));
        std::fs::write(&module, code).expect("write the module");
        let cases: Vec<Value> = doc
            .cases
            .iter()
            .map(|c| serde_json::json!({"name": c.name, "text": c.text}))
            .collect();
        documents.push(serde_json::json!({
            "name": doc.name,
            "module": module.to_str().expect("utf-8 path"),
            "root": doc.workflow.input.root().type_name,
            "cases": cases,
        }));
    }
    let input = serde_json::json!({ "documents": documents }).to_string();
    let script = root().join("tests/py/conformance_pydantic.py");
    let out = run_with_stdin(Command::new(python).arg(&script), input.as_bytes());
    Some(judged_lines(
        "Python",
        "conformance_pydantic.py",
        &out,
        docs,
        ("module_error", "the generated module does not import: "),
        |case, v| {
            if let Some(error) = v["error"].as_str() {
                return Verdict::refused(error);
            }
            if let Some(error) = v["broken"].as_str() {
                return Verdict::broken(format!("could not dump the model: {error}"));
            }
            let json = v["json"].as_str().expect("json");
            match json.parse::<Deep>() {
                Ok(back) if json_equal(back.value(), case.value()) => Verdict::accepted(),
                // pydantic's JSON reader reads `-0` as the integer 0: the case cannot be sent
                // as it is, as a form that cannot type it.
                Ok(back)
                    if json_equal(&unsigned_zeros(back.value()), &unsigned_zeros(case.value())) =>
                {
                    Verdict::refused(format!(
                        "read `-0` as 0 (the sign of zero is lost): came back as {json}"
                    ))
                }
                Ok(_) => Verdict::broken(format!("dropped or changed data: came back as {json}")),
                Err(e) => Verdict::broken(format!("wrote JSON it cannot read back: {e}")),
            }
        },
    ))
}

/// `value` with every zero written as `0`, whatever its sign and form.
fn unsigned_zeros(value: &Value) -> Value {
    match value {
        Value::Number(n) if n.as_f64() == Some(0.0) => Value::from(0),
        Value::Array(items) => Value::Array(items.iter().map(unsigned_zeros).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), unsigned_zeros(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

// ---------------------------------------------------------------------------------------------
// The HTML form.

/// The form of every document in headless Chromium: each case is typed in through the form's
/// controls (`tests/it/common/form_plan.rs` turns it into UI actions), then submitted; one browser
/// fills every case of every document. Valid when the form sends exactly the case; a blocked
/// submit, a case the controls cannot take, or a payload that differs from the case is a
/// refusal. A submit blocked without a message says nothing to the person filling the form:
/// the leg is broken.
fn form_leg(docs: &[Doc]) -> Option<Vec<Vec<Verdict>>> {
    use crate::common::form_plan::{FormOutcome, plan, run_form_documents};
    if !crate::common::chromium_available("the conformance suite's form leg") {
        return None;
    }
    let pages: Vec<String> = docs
        .iter()
        .map(|doc| {
            cozegen::emit::html::render(&doc.workflow, &Default::default())
                .expect("the form renders")
        })
        .collect();
    let plans: Vec<Vec<(String, _)>> = docs
        .iter()
        .map(|doc| {
            doc.cases
                .iter()
                .map(|case| (case.name.clone(), plan(&doc.workflow.input, case.value())))
                .collect()
        })
        .collect();
    let documents: Vec<(&str, &[_])> = pages
        .iter()
        .zip(&plans)
        .map(|(html, cases)| (html.as_str(), cases.as_slice()))
        .collect();
    Some(
        run_form_documents(&documents)
            .into_iter()
            .zip(docs)
            .map(|(outcomes, doc)| {
                outcomes
                    .into_iter()
                    .zip(&doc.cases)
                    .map(|(outcome, case)| match outcome {
                        FormOutcome::Submitted { json } => match json.parse::<Deep>() {
                            Ok(sent) if json_equal(sent.value(), case.value()) => {
                                Verdict::accepted()
                            }
                            Ok(_) => Verdict::refused(format!("submitted {json}")),
                            Err(e) => {
                                Verdict::broken(format!("submitted text that is not JSON: {e}"))
                            }
                        },
                        FormOutcome::Blocked { errors } if errors.is_empty() => {
                            Verdict::broken("blocked the submit without a message")
                        }
                        FormOutcome::Blocked { errors } => Verdict::refused(errors.join("; ")),
                        FormOutcome::Unfillable { reason } => Verdict::refused(reason),
                    })
                    .collect()
            })
            .collect(),
    )
}

// ---------------------------------------------------------------------------------------------
// Comparing payloads.

/// Whether two JSON values are the same data: numbers by value (`1` equals `1.0`; two integers
/// exactly; otherwise as 64-bit floats), objects by key set whatever the order, arrays in order.
/// The Rust leg compares a re-serialized value with its case, the form leg the submitted payload.
pub fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => number_equal(x, y),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

fn number_equal(x: &Number, y: &Number) -> bool {
    let integer = |n: &Number| {
        n.as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
    };
    match (integer(x), integer(y)) {
        (Some(a), Some(b)) => a == b,
        // `-0` is not `0`: the rules refuse one and take the other as an integer.
        _ => match (x.as_f64(), y.as_f64()) {
            (Some(a), Some(b)) if a == 0.0 && b == 0.0 => {
                a.is_sign_negative() == b.is_sign_negative()
            }
            (a, b) => a == b,
        },
    }
}

// ---------------------------------------------------------------------------------------------
// The verdict matrix.

/// One cell of the matrix that fails the suite.
struct Disagreement {
    doc: String,
    case: String,
    leg: &'static str,
    /// What the leg should have said (`valid`, or the opposite under an exception).
    expected: bool,
    verdict: Verdict,
    /// The exception that made the leg expected to disagree with `valid`, if any.
    exception: Option<String>,
}

impl std::fmt::Display for Disagreement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let word = |valid: bool| if valid { "valid" } else { "invalid" };
        write!(f, "{} / {} — {}: ", self.doc, self.case, self.leg)?;
        match (self.verdict.outcome, &self.exception) {
            (Outcome::Broken, _) => write!(f, "broken (expected {})", word(self.expected))?,
            (outcome, Some(reason)) => write!(
                f,
                "stale exception: the leg says {} as the case does, but {reason:?} expects {}",
                word(outcome == Outcome::Accepted),
                word(self.expected)
            )?,
            (outcome, None) => write!(
                f,
                "expected {}, got {}",
                word(self.expected),
                word(outcome == Outcome::Accepted)
            )?,
        }
        if !self.verdict.message.is_empty() {
            write!(f, "\n      leg says: {}", self.verdict.message)?;
        }
        Ok(())
    }
}

/// Runs every leg on every case; returns the matrix as text and every disagreement.
fn judge(docs: &[Doc], legs: &[Leg]) -> (String, Vec<Disagreement>) {
    // The legs run side by side: each is a process of its own (node, Chromium, cargo) or
    // quick, so the suite takes about as long as its slowest leg.
    let (results, times): (Vec<_>, Vec<_>) = std::thread::scope(|scope| {
        let running: Vec<_> = legs
            .iter()
            .map(|leg| {
                scope.spawn(move || {
                    let started = std::time::Instant::now();
                    ((leg.run)(docs), started.elapsed())
                })
            })
            .collect();
        running
            .into_iter()
            .map(|leg| {
                leg.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .unzip()
    });
    for (leg, verdicts) in legs.iter().zip(&results) {
        if let Some(verdicts) = verdicts {
            assert_eq!(
                verdicts.len(),
                docs.len(),
                "{}: one list per document",
                leg.name
            );
            for (doc, v) in docs.iter().zip(verdicts) {
                assert_eq!(
                    v.len(),
                    doc.cases.len(),
                    "{}: one verdict per case of {}",
                    leg.name,
                    doc.name
                );
            }
        }
    }
    let mut matrix = String::from(
        "verdict matrix: . agrees   x expected exception   ! disagreement   - leg skipped\n",
    );
    let header: Vec<&str> = legs.iter().map(|l| l.name).collect();
    let mut disagreements = Vec::new();
    let mut tally = vec![[0usize; 3]; legs.len()];
    for (d, doc) in docs.iter().enumerate() {
        let shown = doc.path.strip_prefix(root()).unwrap_or(&doc.path);
        let open = if doc.build.open_objects {
            ", open objects"
        } else {
            ""
        };
        let _ = writeln!(
            matrix,
            "\n{} ({}{open})  [{}]",
            doc.name,
            shown.display(),
            header.join(" ")
        );
        for (c, case) in doc.cases.iter().enumerate() {
            let mut cells = String::new();
            for (l, leg) in legs.iter().enumerate() {
                let Some(verdicts) = &results[l] else {
                    cells.push_str(" -");
                    continue;
                };
                let verdict = &verdicts[d][c];
                let expected = case.expected(leg.name);
                let exception = case.exceptions.get(leg.name);
                let agrees = match verdict.outcome {
                    Outcome::Accepted => expected,
                    Outcome::Refused => !expected,
                    Outcome::Broken => false,
                };
                let (symbol, slot) = match (agrees, exception) {
                    (false, _) => ("!", 2),
                    (true, Some(_)) => ("x", 1),
                    (true, None) => (".", 0),
                };
                tally[l][slot] += 1;
                cells.push(' ');
                cells.push_str(symbol);
                if !agrees {
                    disagreements.push(Disagreement {
                        doc: doc.name.clone(),
                        case: case.name.clone(),
                        leg: leg.name,
                        expected,
                        verdict: verdict.clone(),
                        exception: exception.cloned(),
                    });
                }
            }
            let _ = writeln!(
                matrix,
                "  {cells}   {} ({}, {})",
                case.name,
                case.rule,
                if case.valid { "valid" } else { "invalid" }
            );
        }
    }
    matrix.push('\n');
    for (((leg, result), [agree, excused, disagree]), time) in
        legs.iter().zip(&results).zip(tally).zip(&times)
    {
        match result {
            None => {
                let _ = writeln!(matrix, "{}: skipped", leg.name);
            }
            Some(_) => {
                let _ = writeln!(
                    matrix,
                    "{}: {agree} agree, {excused} expected exceptions, {disagree} disagreements \
                     ({:.1} s)",
                    leg.name,
                    time.as_secs_f64()
                );
            }
        }
    }
    (matrix, disagreements)
}

// ---------------------------------------------------------------------------------------------
// The tests.

fn suite() -> (Vec<Doc>, ExceptionKeys) {
    load_suite().unwrap_or_else(|problems| {
        panic!(
            "the conformance suite does not load ({} problems):\n  {}",
            problems.len(),
            problems.join("\n  ")
        )
    })
}

#[test]
fn every_leg_gives_every_case_its_expected_verdict() {
    let (docs, _) = suite();
    let (matrix, disagreements) = judge(&docs, LEGS);
    eprintln!("{matrix}");
    if !disagreements.is_empty() {
        let list: Vec<String> = disagreements.iter().map(ToString::to_string).collect();
        panic!(
            "{} disagreements in the verdict matrix:\n  {}",
            list.len(),
            list.join("\n  ")
        );
    }
}

#[test]
fn the_chatflow_documents_are_chatflows_from_both_sources() {
    // Their cases are about what a chat takes as `parameters`: no USER_INPUT there.
    let (docs, _) = suite();
    for (name, platform) in [
        ("chatflow_cloud", cozegen::ir::Platform::Cloud),
        ("chatflow_studio", cozegen::ir::Platform::Studio),
    ] {
        let doc = docs.iter().find(|d| d.name == name).expect("in the suite");
        assert!(doc.workflow.is_chatflow(), "{name}");
        assert_eq!(doc.workflow.details.platform, platform, "{name}");
        assert!(
            doc.workflow
                .input
                .root()
                .fields
                .iter()
                .all(|f| f.name != cozegen::ir::MESSAGE_PARAM),
            "{name}"
        );
    }
}

/// Every corpus document's samples (`tests/instances/<doc>/`) are in the suite, with a copy of
/// the corpus document: so every leg, the form in Chromium among them, judges every sample.
#[test]
fn every_instance_directory_is_in_the_suite_with_its_corpus_document() {
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(suite_dir().join("manifest.json")).expect("read"))
            .expect("manifest");
    let listed: BTreeMap<&str, &str> = manifest["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .filter_map(|d| Some((d["instances"].as_str()?, d["file"].as_str()?)))
        .collect();
    let mut samples = 0;
    for entry in std::fs::read_dir(root().join("tests/instances")).expect("tests/instances") {
        let dir = entry.expect("entry").path();
        let name = dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let file = listed.get(name.as_str()).unwrap_or_else(|| {
            panic!("tests/instances/{name} belongs to no document of the manifest")
        });
        assert_eq!(
            std::fs::read(suite_dir().join("docs").join(file)).expect("the suite's copy"),
            std::fs::read(root().join(format!("tests/corpus/{name}.json"))).expect("corpus"),
            "tests/conformance/docs/{file} is not a copy of tests/corpus/{name}.json"
        );
        samples += std::fs::read_dir(&dir).expect("samples").count();
    }
    assert!(samples > 20, "only {samples} samples");
}

#[test]
fn every_rule_has_valid_and_invalid_cases() {
    let (docs, _) = suite();
    let mut counts: BTreeMap<&str, [usize; 2]> = RULES.iter().map(|r| (*r, [0, 0])).collect();
    counts.insert(SAMPLE_RULE, [0, 0]);
    let mut report = String::from("cases per document (valid / invalid):\n");
    for doc in &docs {
        let valid = doc.cases.iter().filter(|c| c.valid).count();
        let _ = writeln!(
            report,
            "  {:<14} {valid:>3} / {:<3}",
            doc.name,
            doc.cases.len() - valid
        );
        for case in &doc.cases {
            counts.get_mut(case.rule.as_str()).expect("known rule")[usize::from(!case.valid)] += 1;
        }
    }
    report.push_str("cases per rule (valid / invalid):\n");
    for (rule, [valid, invalid]) in &counts {
        let _ = writeln!(report, "  {rule:<14} {valid:>3} / {invalid:<3}");
    }
    eprintln!("{report}");
    let thin: Vec<&&str> = RULES.iter().filter(|r| counts[**r].contains(&0)).collect();
    assert!(
        thin.is_empty(),
        "rules without a valid or an invalid case: {thin:?}\n{report}"
    );
}

/// The contract document holds every kind of parameter, each required and optional.
#[test]
fn the_contract_document_exercises_every_type() {
    use cozegen::ir::{FileKind, Type, Types};
    let (docs, _) = suite();
    let contract = docs
        .iter()
        .find(|d| d.name == "contract")
        .expect("contract");
    let types: &Types = &contract.workflow.input;
    let mut seen: BTreeSet<(String, bool)> = BTreeSet::new();
    let mut kinds = BTreeSet::new();
    let mut deepest_required_under_optional = 0;
    for (id, object) in types.objects() {
        // How deep this object is, and whether an optional object encloses it.
        let mut depth = 1;
        let mut optional_parent = false;
        let mut at = object.parent;
        while let Some((parent, field)) = types.owning_field(at) {
            depth += 1;
            optional_parent |= !types.object(parent).fields[field].required;
            at = types.object(parent).parent;
        }
        for field in &object.fields {
            let kind = match &field.ty {
                Type::File(kind) => {
                    kinds.insert(kind.coze_name());
                    "file".to_owned()
                }
                Type::Array(array) => match &types.array(*array).items {
                    Type::Object(_) => "array of objects".to_owned(),
                    Type::Array(_) => "array of arrays".to_owned(),
                    Type::Any(None) => "array without items".to_owned(),
                    _ => "array of scalars".to_owned(),
                },
                Type::Map => "object without properties".to_owned(),
                Type::Any(None) => "no type".to_owned(),
                Type::Any(Some(_)) => "unknown type".to_owned(),
                other => other.coze_name().to_owned(),
            };
            seen.insert((kind, field.required));
            if field.required && optional_parent && id != Types::ROOT {
                deepest_required_under_optional = deepest_required_under_optional.max(depth);
            }
        }
    }
    for kind in [
        "string",
        "integer",
        "number",
        "boolean",
        "time",
        "file",
        "object",
        "object without properties",
        "array of scalars",
        "array of objects",
        "unknown type",
        "no type",
    ] {
        for required in [true, false] {
            assert!(
                seen.contains(&(kind.to_owned(), required)),
                "contract.json has no {} {kind}",
                if required { "required" } else { "optional" }
            );
        }
    }
    for kind in ["array of arrays", "array without items"] {
        assert!(
            seen.iter().any(|(k, _)| k == kind),
            "contract.json has no {kind}"
        );
    }
    assert!(
        kinds.len() >= 3,
        "contract.json has only the file kinds {kinds:?}"
    );
    assert!(kinds.contains(FileKind::Generic.coze_name()));
    assert!(
        deepest_required_under_optional >= 4,
        "contract.json needs a required field four levels down inside optional objects"
    );
}

#[test]
fn every_group_of_legs_names_legs() {
    for (group, legs) in LEG_GROUPS {
        assert!(!is_leg(group), "{group} is both a leg and a group");
        for leg in *legs {
            assert!(
                is_leg(leg),
                "group {group} names {leg}, which is not in LEGS"
            );
        }
    }
}

#[test]
fn exceptions_name_known_legs_and_keys() {
    // Loading checks every exception; this test pins the checks on made-up cases.
    let keys: ExceptionKeys = [(
        "integer-form".to_owned(),
        [
            "ajv-2020",
            "ajv-07",
            "jsonschema-2020",
            "jsonschema-07",
            "tool-mcp",
            "tool-openai",
        ]
        .map(str::to_owned)
        .into(),
    )]
    .into();
    let case = |exceptions: Value| {
        let entry = serde_json::json!({"name": "n", "rule": "integer", "valid": false,
            "parameters": {}, "exceptions": exceptions});
        read_case(
            entry.as_object().expect("object"),
            Some("{}".to_owned()),
            &keys,
        )
    };
    let ok = case(serde_json::json!({"schema": "[integer-form] 1.0"})).expect("a good exception");
    assert_eq!(ok.exceptions.len(), 6);
    assert!(ok.expected("ajv-07") && !ok.expected("validate"));
    for (bad, why) in [
        (
            serde_json::json!({"schema": "no key"}),
            "does not start with a [key]",
        ),
        (
            serde_json::json!({"schema": "1.0 [integer-form]"}),
            "does not start with a [key]",
        ),
        (
            serde_json::json!({"schema": "[Integer-Form] 1.0"}),
            "does not start with a [key]",
        ),
        (
            serde_json::json!({"schema": "[nope] x"}),
            "not an exception key",
        ),
        (
            serde_json::json!({"validate": "[integer-form] x"}),
            "does not apply to the validate leg",
        ),
        (
            serde_json::json!({"ajvv": "[integer-form] x"}),
            "is not a leg",
        ),
        (
            serde_json::json!({"ajv": "[integer-form] x", "ajv-07": "[integer-form] y"}),
            "two exceptions",
        ),
    ] {
        let err = case(bad.clone())
            .err()
            .unwrap_or_else(|| panic!("{bad} was accepted"));
        assert!(err.contains(why), "{bad}: {err}");
    }
}

#[test]
fn parameter_texts_are_exact() {
    let text = r#"[
      {"name": "a", "parameters": {"n": 1.0, "m": -0, "e": 1e3, "s": "]}\"{["}, "valid": true},
      {"parameters": [ 9223372036854775808 ] },
      {"name": "none"},
      {"parameters":null}
    ]"#;
    assert_eq!(
        parameter_texts(text).expect("scan"),
        [
            Some(r#"{"n": 1.0, "m": -0, "e": 1e3, "s": "]}\"{["}"#.to_owned()),
            Some("[ 9223372036854775808 ]".to_owned()),
            None,
            Some("null".to_owned()),
        ]
    );
    assert_eq!(
        parameter_texts(" [ ] ").expect("empty"),
        Vec::<Option<String>>::new()
    );
    assert!(parameter_texts(r#"[{"parameters": 1, "parameters": 2}]"#).is_err());
}

#[test]
fn json_equal_compares_data_not_text() {
    let v = |t: &str| -> Value { serde_json::from_str(t).expect("JSON") };
    for (a, b) in [
        ("1", "1.0"),
        ("-0", "-0.0"),
        ("0", "0.0"),
        ("1e3", "1000"),
        ("9223372036854775807", "9223372036854775807"),
        ("18446744073709551615", "18446744073709551615"),
        ("9007199254740993", "9007199254740993.0"),
        (
            r#"{"a": 1, "b": [1, {"c": null}]}"#,
            r#"{"b": [1.0, {"c": null}], "a": 1}"#,
        ),
        (r#""x""#, r#""x""#),
        ("[]", "[]"),
        ("{}", "{}"),
    ] {
        assert!(json_equal(&v(a), &v(b)), "{a} should equal {b}");
        assert!(json_equal(&v(b), &v(a)), "{b} should equal {a}");
    }
    for (a, b) in [
        ("1", "2"),
        ("-0", "0"),
        ("-0.0", "0.0"),
        ("1", "1.5"),
        ("1", r#""1""#),
        ("9007199254740993", "9007199254740992"),
        ("9223372036854775807", "9223372036854775806"),
        ("-1", "18446744073709551615"),
        ("[1, 2]", "[2, 1]"),
        ("[1]", "[1, 1]"),
        (r#"{"a": 1}"#, r#"{"a": 1, "b": 2}"#),
        (r#"{"a": 1}"#, r#"{"b": 1}"#),
        (r#"{"a": null}"#, "{}"),
        ("null", "false"),
        ("0", "false"),
        (r#""""#, "null"),
    ] {
        assert!(!json_equal(&v(a), &v(b)), "{a} should differ from {b}");
        assert!(!json_equal(&v(b), &v(a)), "{b} should differ from {a}");
    }
}

#[test]
fn the_matrix_reports_disagreements_stale_exceptions_and_broken_legs() {
    fn says_valid(docs: &[Doc]) -> Option<Vec<Vec<Verdict>>> {
        Some(
            docs.iter()
                .map(|d| vec![Verdict::accepted(); d.cases.len()])
                .collect(),
        )
    }
    fn breaks(docs: &[Doc]) -> Option<Vec<Vec<Verdict>>> {
        Some(
            docs.iter()
                .map(|d| vec![Verdict::broken("crashed"); d.cases.len()])
                .collect(),
        )
    }
    fn skips(_: &[Doc]) -> Option<Vec<Vec<Verdict>>> {
        None
    }
    let keys: ExceptionKeys = [("integer-form".to_owned(), ["validate".to_owned()].into())].into();
    let case = |name: &str, valid: bool, exceptions: Value| {
        let mut entry = serde_json::json!({"name": name, "rule": "integer", "valid": valid,
            "parameters": {}});
        if !exceptions.is_null() {
            entry["exceptions"] = exceptions;
        }
        read_case(
            entry.as_object().expect("object"),
            Some("{}".to_owned()),
            &keys,
        )
        .expect("case")
    };
    let (workflow, _) = cozegen::build(
        &cozegen::load_slice(br#"{"input":{"parameters":{}}}"#, "t").expect("loads"),
        &BuildOptions::default(),
    )
    .expect("builds");
    let doc = Doc {
        name: "t".to_owned(),
        path: PathBuf::from("t.json"),
        build: BuildOptions::default(),
        workflow,
        schema_2020: String::new(),
        schema_07: String::new(),
        cases: vec![
            case("agrees", true, Value::Null),
            case("disagrees", false, Value::Null),
            case(
                "excused",
                false,
                serde_json::json!({"validate": "[integer-form] x"}),
            ),
            case(
                "stale",
                true,
                serde_json::json!({"validate": "[integer-form] x"}),
            ),
        ],
    };
    let legs = [
        Leg {
            name: "validate",
            run: says_valid,
        },
        Leg {
            name: "rust",
            run: breaks,
        },
        Leg {
            name: "form",
            run: skips,
        },
    ];
    let (matrix, disagreements) = judge(std::slice::from_ref(&doc), &legs);
    let found: Vec<(String, &str)> = disagreements
        .iter()
        .map(|d| (d.case.clone(), d.leg))
        .collect();
    assert_eq!(
        found,
        [
            ("agrees".to_owned(), "rust"),
            ("disagrees".to_owned(), "validate"),
            ("disagrees".to_owned(), "rust"),
            ("excused".to_owned(), "rust"),
            ("stale".to_owned(), "validate"),
            ("stale".to_owned(), "rust"),
        ]
    );
    let text: Vec<String> = disagreements.iter().map(ToString::to_string).collect();
    assert!(
        text[1].contains("expected invalid, got valid"),
        "{}",
        text[1]
    );
    assert!(
        text[0].contains("broken") && text[0].contains("crashed"),
        "{}",
        text[0]
    );
    assert!(text[4].contains("stale exception"), "{}", text[4]);
    assert!(matrix.contains(" . ! -   agrees"), "{matrix}");
    assert!(matrix.contains(" x ! -   excused"), "{matrix}");
    assert!(matrix.contains("form: skipped"), "{matrix}");
}
