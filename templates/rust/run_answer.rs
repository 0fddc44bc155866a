/// A run's answer (the body of `POST /v1/workflow/run`) whose `code` says success: the output,
/// and what Coze says about the run.
#[derive(Debug, Clone, PartialEq)]
#[allow(dead_code)]
pub struct RunAnswer {
    /// The end node's output, read from `data`.
    pub output: RunOutput,
    /// The run's id in Coze's run history (`execute_id`), when the answer has one.
    pub execute_id: Option<String>,
    /// A link to the run's trace in the Coze editor (`debug_url`).
    pub debug_url: Option<String>,
    /// Coze's id for the request (`detail.logid`), for Coze's support.
    pub logid: Option<String>,
    /// The tokens the run used (`usage`), when Coze says.
    pub usage: Option<RunUsage>,
}

/// The tokens a run used, as Coze reports them (`usage`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[allow(dead_code)]
pub struct RunUsage {
    /// Input tokens (`input_count`).
    pub input_count: Option<i64>,
    /// Output tokens (`output_count`).
    pub output_count: Option<i64>,
    /// All tokens (`token_count`).
    pub token_count: Option<i64>,
}

/// Why a run's answer does not give a [`RunOutput`]. Its `Display` names what failed; text from
/// the answer is quoted with its control characters escaped.
#[derive(Debug)]
#[allow(dead_code)]
pub enum RunError {
    /// The answer is not a JSON object (an HTTP proxy's error page, a body cut short).
    Answer(serde_json::Error),
    /// Coze refused or failed the run: `code` is not 0.
    Coze {
        /// `code`, as text.
        code: String,
        /// `msg`: what went wrong.
        msg: String,
        /// `detail.logid`, to quote to Coze's support.
        logid: Option<String>,
    },
    /// The answer has no `data`: the run is asynchronous (`is_async`), or it stopped at a
    /// question and waits for an answer (`interrupt_data`).
    NoData {
        /// `execute_id`, to look the run up later.
        execute_id: Option<String>,
    },
    /// `data` is not JSON text.
    DataNotJson(serde_json::Error),
    /// `data` is JSON, but not the shape of the end node's output.
    Shape {
        /// Where in `data` serde stopped, e.g. `items[2].qty`; empty for the top level.
        path: String,
        /// serde_json's error (its line and column are in `data`).
        error: serde_json::Error,
    },
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Answer(error) => write!(f, "the run's answer is not a JSON object: {error}"),
            RunError::Coze { code, msg, logid } => {
                write!(f, "Coze error {}: {msg:?}", code.escape_debug())?;
                match logid {
                    Some(logid) => write!(f, " (logid {})", logid.escape_debug()),
                    None => Ok(()),
                }
            }
            RunError::NoData { execute_id } => {
                write!(f, "the run's answer has no `data`")?;
                if let Some(id) = execute_id {
                    write!(f, " (execute_id {})", id.escape_debug())?;
                }
                write!(f, ": the run is asynchronous or waits for an answer")
            }
            RunError::DataNotJson(error) => write!(f, "the run's `data` is not JSON: {error}"),
            RunError::Shape { path, error } if path.is_empty() => {
                write!(f, "the run's `data` is not the end node's output: {error}")
            }
            RunError::Shape { path, error } => write!(
                f,
                "the run's `data` is not the end node's output at `{}`: {error}",
                path.escape_debug()
            ),
        }
    }
}

impl std::error::Error for RunError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RunError::Answer(error) | RunError::DataNotJson(error) => Some(error),
            RunError::Shape { error, .. } => Some(error),
            _ => None,
        }
    }
}

{% if text_output -%}
/// Reads a run's `data`: the text of the end node's answer, as it is.
#[allow(dead_code)]
pub fn parse_output(data: &str) -> Result<RunOutput, RunError> {
    Ok(data.to_owned())
}
{%- else -%}
/// Reads a run's `data` (JSON text holding the end node's variables) as a [`RunOutput`].
#[allow(dead_code)]
pub fn parse_output(data: &str) -> Result<RunOutput, RunError> {
    // JSON first, so that a syntax error is not reported as a wrong shape.
    if let Err(error) = serde_json::from_str::<serde::de::IgnoredAny>(data) {
        return Err(RunError::DataNotJson(error));
    }
    serde_json::from_str(data).map_err(|error| {
        // serde_json says where it stopped: on the value that has the wrong type, or just past a
        // value its type refused; for a missing field, past the object's `}`.
        let whole_object = error.to_string().starts_with("missing field");
        RunError::Shape {
            path: json_path_at(data, error.line(), error.column(), whole_object),
            error,
        }
    })
}
{%- endif %}

/// Reads a run's whole answer (the body of `POST /v1/workflow/run`): Coze's error when `code`
/// says so, else `data` read by [`parse_output`], with the run's details.
#[allow(dead_code)]
pub fn parse_run_answer(body: &str) -> Result<RunAnswer, RunError> {
    use serde_json::Value;
    let answer: serde_json::Map<String, Value> =
        serde_json::from_str(body).map_err(RunError::Answer)?;
    let text = |value: Option<&Value>| match value {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let logid = text(answer.get("detail").and_then(|d| d.get("logid")));
    // Success is a `code` that is absent, null, a number equal to 0 or the text "0".
    let code = match answer.get("code") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) if n.as_f64() == Some(0.0) => None,
        Some(Value::String(s)) if s.trim() == "0" => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => Some(other.to_string()),
    };
    if let Some(code) = code {
        let msg = text(answer.get("msg")).unwrap_or_default();
        return Err(RunError::Coze { code, msg, logid });
    }
    let execute_id = text(answer.get("execute_id"));
    let data = match answer.get("data") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => Some(other.to_string()),
    };
    let interrupted = answer.get("interrupt_data").is_some_and(|i| !i.is_null());
    let Some(data) = data.filter(|_| !interrupted) else {
        return Err(RunError::NoData { execute_id });
    };
    let usage = answer.get("usage").filter(|u| u.is_object()).map(|u| {
        let count = |key: &str| u.get(key).and_then(Value::as_i64);
        RunUsage {
            input_count: count("input_count"),
            output_count: count("output_count"),
            token_count: count("token_count"),
        }
    });
    Ok(RunAnswer {
        output: parse_output(&data)?,
        execute_id,
        debug_url: text(answer.get("debug_url")),
        logid,
        usage,
    })
}
{%- if !text_output %}

/// The path in the JSON text `text` to the value at serde_json's error position (`line` and
/// `column`, 1-based, in bytes: one past the byte it looked at last), e.g. `items[2].qty`: the
/// object keys and array indexes open before that byte, or, for an error about a
/// `whole_object` that byte closes, after it.
fn json_path_at(text: &str, line: usize, column: usize, whole_object: bool) -> String {
    enum Open {
        Object(Option<String>),
        Array(usize),
    }
    let mut end = 0;
    for (number, content) in text.split('\n').enumerate() {
        if number + 1 == line {
            end += column;
            break;
        }
        end += content.len() + 1;
    }
    let bytes = text.as_bytes();
    let back = usize::from(!whole_object);
    let end = end.saturating_sub(back).min(bytes.len());
    let mut open: Vec<Open> = Vec::new();
    let mut expect_key = false;
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b'{' => {
                open.push(Open::Object(None));
                expect_key = true;
            }
            b'[' => open.push(Open::Array(0)),
            b'}' | b']' => {
                open.pop();
                expect_key = false;
            }
            b',' => match open.last_mut() {
                Some(Open::Array(index)) => *index += 1,
                Some(Open::Object(_)) => expect_key = true,
                _ => {}
            },
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if expect_key {
                    let quoted = text.get(start..=i).unwrap_or_default();
                    let key = serde_json::from_str(quoted).unwrap_or_default();
                    if let Some(Open::Object(name)) = open.last_mut() {
                        *name = Some(key);
                    }
                    expect_key = false;
                }
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for level in &open {
        match level {
            Open::Object(Some(key)) => {
                let plain = key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                    && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !plain {
                    path.push_str(&format!("[{key:?}]"));
                } else if path.is_empty() {
                    path.push_str(key);
                } else {
                    path.push('.');
                    path.push_str(key);
                }
            }
            Open::Array(index) => path.push_str(&format!("[{index}]")),
            Open::Object(None) => break,
        }
    }
    path
}
{%- endif %}
