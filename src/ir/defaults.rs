//! `default_value` → a typed value that follows the parameter's rules, or a reason why not.
//!
//! The API sends every default as a string, whatever the parameter's type. One set of rules,
//! applied here while the IR is built, decides what each default means for every artifact:
//! `"42"` is 42 for an integer (read digit by digit, so no digit is lost), `"true"` is true for
//! a boolean, `"[1,2]"` is an array, object JSON text is an object, and strings (text, time,
//! file URLs) stay text. An empty default means no default. The value must then follow the
//! same [`rules`] as any value of a run: a `time` default is a real date, a file
//! default a URL or file_id, a number a 64-bit float. A default that does not fit is dropped by
//! the caller with a warning.
//!
//! Two readings are the IR's normalization of what Coze's editor writes, not rules for runs:
//! an integer default may be written `3.0` (it is 3), and a `null` property of an object
//! default means the property is not given.

use super::rules::{self, IntegerCheck};
use super::{Literal, Type, Types, ValueId};
use crate::json::Deep;
use crate::model::Scalar;
use serde_json::Value;

/// Interprets a wire `default_value` for a parameter of type `ty`, adding the typed value to
/// `types.values`.
///
/// `Ok(None)` means there is no default (absent or empty); `Err` says why the default does not
/// fit the type. On `Err`, `types.values` is as it was.
pub fn parse(raw: &Scalar, ty: &Type, types: &mut Types) -> Result<Option<ValueId>, String> {
    let value = match raw {
        Scalar::String(s) if s.is_empty() => return Ok(None),
        Scalar::String(s) => match ty {
            // Text types take the string as it is, even when it looks like JSON.
            Type::String | Type::Time | Type::File(_) => {
                check_text(s, ty, types.files)?;
                return Ok(Some(push(types, Literal::Text(s.clone()))));
            }
            // Read from the text itself, so no digit is lost to floating point on the way.
            Type::Integer => {
                return match exact_integer(s.trim()) {
                    Some(Ok(i)) => Ok(Some(push(types, Literal::Integer(i)))),
                    Some(Err(e)) => Err(e),
                    None => Err(format!(
                        "{} is not {}",
                        shorten(s),
                        types.rule(ty).expected()
                    )),
                };
            }
            Type::Any(_) => match s.parse::<Deep>() {
                Ok(value) => value,
                Err(_) => Deep::from(Value::String(s.clone())),
            },
            // serde_json's recursion limit (128 levels) bounds defaults given as text.
            _ => match serde_json::from_str::<Deep>(s.trim()) {
                Ok(value) => value,
                Err(_) => {
                    let expected = match ty {
                        Type::Object(_) | Type::Map => "JSON object text".to_owned(),
                        Type::Array(_) => "JSON array text".to_owned(),
                        other => types.rule(other).expected().to_string(),
                    };
                    return Err(format!("{} is not {expected}", shorten(s)));
                }
            },
        },
        // A default sent as real JSON instead of JSON text: accept it if it fits.
        Scalar::Bool(b) => Deep::from(Value::Bool(*b)),
        Scalar::Number(n) => Deep::from(Value::Number(n.clone())),
        Scalar::Json(text) => text
            .parse::<Deep>()
            .map_err(|e| format!("unreadable JSON: {e}"))?,
    };
    let mark = types.values.len();
    match conform(value.value(), ty, types) {
        Ok(id) => Ok(Some(id)),
        Err(e) => {
            types.values.truncate(mark);
            Err(e)
        }
    }
}

fn push(types: &mut Types, literal: Literal) -> ValueId {
    push_value(&mut types.values, literal)
}

/// The rule of a text type, for a default given as text.
fn check_text(s: &str, ty: &Type, files: rules::FileValues) -> Result<(), String> {
    let fits = match ty {
        Type::Time => rules::is_time(s),
        Type::File(_) => files.accepts(s),
        _ => true,
    };
    if fits {
        return Ok(());
    }
    let expected = rules::Rule::of(ty, files).expected();
    Err(format!("{} is not {expected}", shorten(s)))
}

/// Where a part of a default sits inside it, for messages: `element 1: property "a": …`.
enum Context<'a> {
    Element(usize),
    Property(&'a str),
}

/// Checks `value` against `ty` and adds it to `values` as typed literals, level by level.
/// Integral floats for integer parameters become integers (below 2^53, where a float is still
/// exact), object properties follow the declared order, and `null` properties of objects are
/// left out (unless their type takes `null`).
fn conform(value: &Value, ty: &Type, types: &mut Types) -> Result<ValueId, String> {
    // Each task fills one slot: a literal's place among its parent's parts.
    struct Task<'v, 't> {
        value: &'v Value,
        ty: &'t Type,
        /// The compound literal this one belongs to: `None` for the top.
        parent: Option<ValueId>,
        /// Index into `contexts` of this part's place, for messages.
        context: Option<usize>,
        /// For an object property: its field index.
        field: usize,
    }
    // The type tables are read while literals are added: borrow them apart.
    let Types {
        objects,
        arrays,
        values,
        files,
        ..
    } = types;
    let files = *files;
    let mut contexts: Vec<(Option<usize>, Context<'_>)> = Vec::new();
    let mut top = None;
    let mut tasks = vec![Task {
        value,
        ty,
        parent: None,
        context: None,
        field: 0,
    }];
    while let Some(task) = tasks.pop() {
        let literal = match (task.ty, task.value) {
            (Type::Any(_), v) => Literal::Json(crate::json::to_compact(v)),
            (Type::String, Value::String(s)) => Literal::Text(s.clone()),
            (Type::Time | Type::File(_), Value::String(s)) => {
                check_text(s, task.ty, files).map_err(|m| describe(&contexts, task.context, m))?;
                Literal::Text(s.clone())
            }
            (Type::Boolean, Value::Bool(b)) => Literal::Boolean(*b),
            (Type::Integer, Value::Number(n)) => match rules::integer(n) {
                IntegerCheck::Valid(i) => Literal::Integer(i),
                IntegerCheck::OutOfRange => {
                    return Err(describe(
                        &contexts,
                        task.context,
                        format!("{n} does not fit a 64-bit integer"),
                    ));
                }
                IntegerCheck::NotInteger => match n.as_f64() {
                    Some(f) if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 => {
                        Literal::Integer(f as i64)
                    }
                    // The float already lost digits: showing it would show a different number.
                    // 2^63 is exact as a float: below it, the value is in range but was rounded.
                    Some(f) if f.fract() == 0.0 && f.abs() < -(i64::MIN as f64) => {
                        return Err(describe(
                            &contexts,
                            task.context,
                            format!(
                                "an integer this large (about {f:e}) cannot be read exactly inside \
                             an array or object default; integers there must stay below 2^53"
                            ),
                        ));
                    }
                    Some(f) if f.fract() == 0.0 => {
                        return Err(describe(
                            &contexts,
                            task.context,
                            format!("{f:e} does not fit a 64-bit integer"),
                        ));
                    }
                    _ => {
                        return Err(describe(
                            &contexts,
                            task.context,
                            format!("{n} is not an integer"),
                        ));
                    }
                },
            },
            (Type::Number, Value::Number(n)) => match n.as_f64() {
                Some(f) if f.is_finite() => Literal::Number(f),
                _ => {
                    return Err(describe(
                        &contexts,
                        task.context,
                        format!("{n} is not a finite number"),
                    ));
                }
            },
            (Type::Map, Value::Object(_)) => Literal::Json(crate::json::to_compact(task.value)),
            (Type::Array(id), Value::Array(items)) => {
                let slot = push_value(values, Literal::Array(Vec::with_capacity(items.len())));
                let item_ty = &arrays[id.0].items;
                for (i, item) in items.iter().enumerate().rev() {
                    contexts.push((task.context, Context::Element(i)));
                    tasks.push(Task {
                        value: item,
                        ty: item_ty,
                        parent: Some(slot),
                        context: Some(contexts.len() - 1),
                        field: 0,
                    });
                }
                attach(values, task.parent, task.field, slot, &mut top);
                continue;
            }
            (Type::Object(object), Value::Object(map)) => {
                let fields = &objects[object.0].fields;
                if let Some(extra) = map.keys().find(|k| !fields.iter().any(|f| &f.name == *k)) {
                    return Err(describe(
                        &contexts,
                        task.context,
                        format!("property {} is not declared", crate::text::quote(extra)),
                    ));
                }
                let slot = push_value(
                    values,
                    Literal::Object {
                        object: *object,
                        properties: Vec::with_capacity(map.len()),
                    },
                );
                for (index, field) in fields.iter().enumerate().rev() {
                    // `null` for a type that does not take it means "not given".
                    let given = match map.get(&field.name) {
                        Some(Value::Null) if !rules::accepts_null(&field.ty) => None,
                        other => other,
                    };
                    match given {
                        None if field.required => {
                            return Err(describe(
                                &contexts,
                                task.context,
                                format!(
                                    "required property {} is missing",
                                    crate::text::quote(&field.name)
                                ),
                            ));
                        }
                        None => {}
                        Some(v) => {
                            contexts.push((task.context, Context::Property(&field.name)));
                            tasks.push(Task {
                                value: v,
                                ty: &field.ty,
                                parent: Some(slot),
                                context: Some(contexts.len() - 1),
                                field: index,
                            });
                        }
                    }
                }
                attach(values, task.parent, task.field, slot, &mut top);
                continue;
            }
            (ty, v) => {
                let shown = shorten(&crate::json::to_compact(v));
                return Err(describe(
                    &contexts,
                    task.context,
                    format!("{shown} is not {}", rules::Rule::of(ty, files).expected()),
                ));
            }
        };
        let id = push_value(values, literal);
        attach(values, task.parent, task.field, id, &mut top);
    }
    top.ok_or_else(|| "the default has no value".to_owned())
}

fn push_value(values: &mut Vec<Literal>, literal: Literal) -> ValueId {
    values.push(literal);
    ValueId(values.len() - 1)
}

/// Records `child` as the next part of `parent` (or as the top value).
fn attach(
    values: &mut [Literal],
    parent: Option<ValueId>,
    field: usize,
    child: ValueId,
    top: &mut Option<ValueId>,
) {
    match parent {
        None => *top = Some(child),
        Some(p) => match &mut values[p.0] {
            Literal::Array(items) => items.push(child),
            Literal::Object { properties, .. } => properties.push((field, child)),
            _ => {}
        },
    }
}

fn describe(
    contexts: &[(Option<usize>, Context<'_>)],
    at: Option<usize>,
    message: String,
) -> String {
    let mut parts = Vec::new();
    let mut at = at;
    while let Some(i) = at {
        let (parent, context) = &contexts[i];
        parts.push(match context {
            Context::Element(n) => format!("element {n}: "),
            Context::Property(name) => format!("property {}: ", crate::text::quote(name)),
        });
        at = *parent;
    }
    parts.reverse();
    parts.push(message);
    parts.concat()
}

/// A JSON number's text as an exact `i64`: `42`, `-7`, `3.0`, `1.5e3`, `12345678901234567.0`.
/// `None` when `text` is not a JSON number at all; an error when it is one but not a whole
/// number, or not within the 64-bit range.
fn exact_integer(text: &str) -> Option<Result<i64, String>> {
    let rest = text.strip_prefix('-').unwrap_or(text);
    let negative = rest.len() < text.len();
    // The usual case, plain digits that fit: no work beyond parsing.
    if (1..=18).contains(&rest.len())
        && rest.bytes().all(|b| b.is_ascii_digit())
        && (rest == "0" || !rest.starts_with('0'))
    {
        return text.parse().ok().map(Ok);
    }
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (mantissa, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    // JSON's grammar: no leading zeros, digits on both sides of a point, a signed exponent.
    let json_number = digits(whole)
        && (whole == "0" || !whole.starts_with('0'))
        && fraction.is_none_or(digits)
        && exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    if !json_number {
        return None;
    }
    let not_whole = || Err(format!("{} is not an integer", shorten(text)));
    let out_of_range = || Err(format!("{} does not fit a 64-bit integer", shorten(text)));
    // Every digit, and where the decimal point falls among them once the exponent is applied.
    let all: String = [whole, fraction.unwrap_or("")].concat();
    let point = match exponent.map(str::parse::<i64>) {
        None => Some(whole.len() as i64),
        Some(Ok(e)) => (whole.len() as i64).checked_add(e),
        // An exponent beyond i64: only zero digits make it a (zero) integer.
        Some(Err(_)) => None,
    };
    let Some(point) = point else {
        return Some(if all.bytes().all(|b| b == b'0') {
            Ok(0)
        } else if exponent.is_some_and(|e| e.starts_with('-')) {
            not_whole()
        } else {
            out_of_range()
        });
    };
    let significant = all.trim_start_matches('0');
    if significant.is_empty() {
        return Some(Ok(0));
    }
    let (int_digits, frac_digits) = if point <= 0 {
        ("", all.as_str())
    } else if point as usize >= all.len() {
        (all.as_str(), "")
    } else {
        all.split_at(point as usize)
    };
    if frac_digits.bytes().any(|b| b != b'0') {
        return Some(not_whole());
    }
    // Zeros the exponent appends after the written digits.
    let zeros = (point.max(0) as usize).saturating_sub(all.len());
    let int_digits = int_digits.trim_start_matches('0');
    if int_digits.len() + zeros > 19 {
        return Some(out_of_range());
    }
    let text = format!(
        "{}{int_digits}{}",
        if negative { "-" } else { "" },
        "0".repeat(zeros)
    );
    Some(text.parse::<i64>().or_else(|_| out_of_range()))
}

/// Untrusted text quoted for a message, cut short so one bad default cannot flood the output.
fn shorten(s: &str) -> String {
    crate::text::quote(&crate::text::printable(s, 60))
}

#[cfg(test)]
mod tests {
    use crate::{BuildOptions, build, load_slice};

    /// The default of parameter `a` declared as `param` (JSON), as compact JSON, or the
    /// warning that dropped it.
    fn default_of(param: &str) -> Result<Option<String>, String> {
        let doc = format!(r#"{{"input":{{"parameters":{{"a":{param}}}}}}}"#);
        let info = load_slice(doc.as_bytes(), "d").expect("loads");
        let (workflow, warnings) = build(&info, &BuildOptions::default()).expect("builds");
        if let Some(w) = warnings
            .iter()
            .find(|w| w.message.starts_with("default dropped"))
        {
            return Err(w.message.clone());
        }
        let types = &workflow.input;
        Ok(types.root().fields[0].default.map(|d| types.value_json(d)))
    }

    fn typed(ty: &str, default: &str) -> Result<Option<String>, String> {
        default_of(&format!(
            r#"{{"type":"{ty}","default_value":{}}}"#,
            serde_json::Value::String(default.to_owned())
        ))
    }

    #[test]
    fn text_defaults_become_typed_values() {
        assert_eq!(typed("integer", "42"), Ok(Some("42".into())));
        assert_eq!(typed("integer", "3.0"), Ok(Some("3".into())));
        assert_eq!(typed("number", "0.7"), Ok(Some("0.7".into())));
        assert_eq!(typed("number", "3"), Ok(Some("3.0".into())));
        assert_eq!(typed("boolean", "true"), Ok(Some("true".into())));
        assert_eq!(typed("string", "[1]"), Ok(Some(r#""[1]""#.into())));
        assert_eq!(
            default_of(r#"{"type":"array","items":{"type":"integer"},"default_value":"[1,2.0]"}"#),
            Ok(Some("[1,2]".into()))
        );
        assert_eq!(
            typed("mystery", "not json"),
            Ok(Some(r#""not json""#.into()))
        );
        assert_eq!(typed("integer", ""), Ok(None));
    }

    #[test]
    fn defaults_that_break_a_rule_are_dropped() {
        for (ty, default) in [
            ("integer", "abc"),
            ("integer", "1.5"),
            ("integer", "18446744073709551615"),
            ("number", "1e400"),
            ("boolean", "yes"),
            ("time", "tomorrow"),
            ("time", "2025-02-29 00:00:00"),
            ("time", "2025-07-01 09:30"),
            ("image", "7351"),
            ("image", ""),
        ] {
            let got = typed(ty, default);
            assert!(
                matches!(got, Err(_) | Ok(None)),
                "{ty} {default:?}: {got:?}"
            );
        }
        assert!(typed("image", "https://example.com/a.png").is_ok_and(|d| d.is_some()));
        assert!(typed("time", "2024-02-29 23:59:59").is_ok_and(|d| d.is_some()));
    }

    #[test]
    fn integer_text_is_read_exactly_or_refused() {
        for (t, v) in [
            ("42", "42"),
            (" -7 ", "-7"),
            ("1.5e3", "1500"),
            ("-0", "0"),
            ("0.000e999999999999999999999", "0"),
            ("9007199254740993.0", "9007199254740993"),
            ("9223372036854775807", "9223372036854775807"),
            ("-9223372036854775808", "-9223372036854775808"),
            ("1000e-3", "1"),
        ] {
            assert_eq!(typed("integer", t), Ok(Some(v.to_owned())), "{t}");
        }
        for t in [
            "-9223372036854775809",
            "9223372036854775808",
            "1e19",
            "1e999999999999999999999",
            "0.5",
            "01",
            "1.",
            ".5",
            "+1",
        ] {
            assert!(typed("integer", t).is_err(), "{t}");
        }
        let ints = r#"{"type":"array","items":{"type":"integer"},"default_value":"[3.0, 9007199254740993.0]"}"#;
        let err = default_of(ints).expect_err("too large to read exactly");
        assert!(err.contains("element 1: an integer this large"), "{err}");
        let ints = r#"{"type":"array","items":{"type":"integer"},"default_value":"[9223372036854775808]"}"#;
        let err = default_of(ints).expect_err("out of range");
        assert!(err.contains("does not fit a 64-bit integer"), "{err}");
    }

    #[test]
    fn object_defaults_follow_the_declared_properties() {
        let object = |default: &str| {
            default_of(&format!(
                r#"{{"type":"object","properties":{{"x":{{"type":"string","required":true}},"y":{{"type":"mystery","required":true}},"z":{{"type":"integer"}}}},"default_value":{}}}"#,
                serde_json::Value::String(default.to_owned())
            ))
        };
        // Declared order, `null` for a declared type means not given, `null` stays for `any`.
        assert_eq!(
            object(r#"{"z":null,"y":null,"x":"a"}"#),
            Ok(Some(r#"{"x":"a","y":null}"#.into()))
        );
        // A required property is required whatever its type.
        let missing_any = object(r#"{"x":"a"}"#).expect_err("y is required");
        assert!(
            missing_any.contains(r#"required property "y" is missing"#),
            "{missing_any}"
        );
        let missing = object(r#"{"y":1,"x":null}"#).expect_err("x is required");
        assert!(
            missing.contains(r#"required property "x" is missing"#),
            "{missing}"
        );
        let extra = object(r#"{"x":"a","y":1,"w":2}"#).expect_err("w is not declared");
        assert!(extra.contains(r#"property "w" is not declared"#), "{extra}");
    }
}
