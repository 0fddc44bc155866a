//! `default_value` text → a typed JSON value, or a reason why it does not fit.
//!
//! The API sends every default as a string, whatever the parameter's type. One set of rules,
//! applied here while the IR is built, decides what each default means for every artifact:
//! `"42"` is 42 for an integer, `"true"` is true for a boolean, `"[1,2]"` is an array, object
//! JSON text is an object, and strings (text, time, file URLs) stay text. An empty default means
//! no default. A default that does not fit its type is dropped by the caller with a warning.

use super::{Field, FileKind, Type};
use crate::model::Scalar;
use serde_json::{Map, Number, Value};

/// Interprets a wire `default_value` for a parameter of type `ty`.
///
/// `Ok(None)` means there is no default (absent or empty); `Err` says why the default does not
/// fit the type.
pub fn parse(raw: &Scalar, ty: &Type) -> Result<Option<Value>, String> {
    let value = match raw {
        Scalar::String(s) if s.is_empty() => return Ok(None),
        Scalar::String(s) => match ty {
            // Text types take the string as it is, even when it looks like JSON.
            Type::String | Type::Time | Type::File(_) => Value::String(s.clone()),
            // Read from the text itself, so no digit is lost to floating point on the way.
            Type::Integer => match exact_integer(s.trim()) {
                Some(exact) => return exact.map(|i| Some(Value::from(i))),
                None => serde_json::from_str(s.trim())
                    .map_err(|_| format!("{} is not {}", shorten(s), expected(ty)))?,
            },
            Type::Any(_) => serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.clone())),
            _ => serde_json::from_str(s.trim())
                .map_err(|_| format!("{} is not {}", shorten(s), expected(ty)))?,
        },
        // A default sent as real JSON instead of JSON text: accept it if it fits.
        Scalar::Bool(b) => Value::Bool(*b),
        Scalar::Number(n) => Value::Number(n.clone()),
        Scalar::Json(v) => v.clone(),
    };
    conform(value, ty).map(Some)
}

/// Checks that `value` fits `ty` and returns it normalized: integral floats for integer
/// parameters become integers, and object keys follow the declared field order.
pub fn conform(value: Value, ty: &Type) -> Result<Value, String> {
    match (ty, value) {
        (Type::Any(_), v) => Ok(v),
        (Type::String, Value::String(s)) => Ok(Value::String(s)),
        (Type::File(_), Value::String(s)) if !s.trim().is_empty() => Ok(Value::String(s)),
        (Type::Time, Value::String(s)) if is_coze_time(&s) => Ok(Value::String(s)),
        (Type::Time, Value::String(s)) => Err(format!(
            "{} is not a time in Coze's `yyyy-MM-dd HH:mm:ss` form",
            shorten(&s)
        )),
        (Type::Boolean, Value::Bool(b)) => Ok(Value::Bool(b)),
        (Type::Integer, Value::Number(n)) => integer(&n).map(Value::Number).ok_or_else(|| {
            match n.as_f64() {
                // The float already lost digits: showing it would show a different number.
                Some(f) if !n.is_i64() && !n.is_u64() && f.fract() == 0.0 => format!(
                    "an integer this large (about {f:e}) cannot be read exactly inside an \
                     array or object default; integers there must stay below 2^53"
                ),
                _ => format!("{n} is not an integer"),
            }
        }),
        (Type::Number, Value::Number(n)) if !exact_float(&n) => Err(format!(
            "{n} cannot be held exactly by a 64-bit float, the type of a number parameter"
        )),
        (Type::Number, Value::Number(n)) => Ok(Value::Number(n)),
        (Type::Map, Value::Object(m)) => Ok(Value::Object(m)),
        (Type::Array(array), Value::Array(values)) => values
            .into_iter()
            .enumerate()
            .map(|(i, v)| conform(v, &array.items).map_err(|e| format!("element {i}: {e}")))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        (Type::Object(object), Value::Object(map)) => conform_object(map, &object.fields),
        (ty, v) => Err(format!(
            "{} is not {}",
            shorten(&v.to_string()),
            expected(ty)
        )),
    }
}

fn conform_object(mut map: Map<String, Value>, fields: &[Field]) -> Result<Value, String> {
    let mut out = Map::new();
    for field in fields {
        match map.shift_remove(&field.name) {
            Some(Value::Null) | None if field.required => {
                return Err(format!(
                    "required property {} is missing",
                    super::path::quote(&field.name)
                ));
            }
            Some(Value::Null) | None => {}
            Some(v) => {
                let v = conform(v, &field.ty)
                    .map_err(|e| format!("property {}: {e}", super::path::quote(&field.name)))?;
                out.insert(field.name.clone(), v);
            }
        }
    }
    if let Some(extra) = map.keys().next() {
        return Err(format!(
            "property {} is not declared",
            super::path::quote(extra)
        ));
    }
    Ok(Value::Object(out))
}

/// An integer JSON number that fits an `i64` (what every artifact's integer type holds):
/// integers as they are, floats only when integral and below 2^53 in magnitude. Beyond that a
/// float cannot tell an integer from a nearby fraction, or one integer from the next, so the
/// value could differ from the document's; such a default is refused rather than changed.
/// (A default given as text is read digit by digit by [`exact_integer`] instead.)
fn integer(n: &Number) -> Option<Number> {
    if n.is_i64() {
        return Some(n.clone());
    }
    if n.is_u64() {
        return None;
    }
    let f = n.as_f64()?;
    (f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0).then(|| Number::from(f as i64))
}

/// Whether a 64-bit float holds `n` exactly (every artifact's number type is one). Integers
/// beyond 2^53 may not be; a float is one by definition.
fn exact_float(n: &Number) -> bool {
    if let Some(i) = n.as_i64() {
        return (i as f64) as i128 == i128::from(i);
    }
    if let Some(u) = n.as_u64() {
        return (u as f64) as u128 == u128::from(u);
    }
    true
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

/// Coze's time text: `yyyy-MM-dd HH:mm:ss` (seconds may be left out).
pub fn is_coze_time(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let shape_ok = (b.len() == 19 || b.len() == 16)
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b' '
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && (b.len() == 16 || (b[16] == b':' && digits(17..19)));
    if !shape_ok {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(u32::MAX);
    let seconds = if b.len() == 19 { num(17..19) } else { 0 };
    (1..=12).contains(&num(5..7))
        && (1..=31).contains(&num(8..10))
        && num(11..13) < 24
        && num(14..16) < 60
        && seconds < 60
}

fn expected(ty: &Type) -> &'static str {
    match ty {
        Type::String => "a string",
        Type::Integer => "an integer",
        Type::Number => "a number",
        Type::Boolean => "`true` or `false`",
        Type::Time => "a time",
        Type::File(FileKind::Generic) => "a file URL or file_id",
        Type::File(_) => "a file URL or file_id",
        Type::Object(_) | Type::Map => "JSON object text",
        Type::Array(_) => "JSON array text",
        Type::Any(_) => "JSON",
    }
}

/// Untrusted text quoted for a message, cut short so one bad default cannot flood the output.
fn shorten(s: &str) -> String {
    super::path::quote(&super::path::printable(s, 60))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Array, Type};

    fn text(s: &str) -> Scalar {
        Scalar::String(s.to_owned())
    }

    #[test]
    fn text_defaults_become_typed_values() {
        assert_eq!(
            parse(&text("42"), &Type::Integer),
            Ok(Some(Value::from(42)))
        );
        assert_eq!(
            parse(&text("3.0"), &Type::Integer),
            Ok(Some(Value::from(3)))
        );
        assert_eq!(
            parse(&text("0.7"), &Type::Number),
            Ok(Some(Value::from(0.7)))
        );
        assert_eq!(
            parse(&text("true"), &Type::Boolean),
            Ok(Some(Value::Bool(true)))
        );
        assert_eq!(
            parse(&text("[1]"), &Type::String),
            Ok(Some(Value::from("[1]")))
        );
        let ints = Type::Array(Box::new(Array {
            items: Type::Integer,
            description: None,
        }));
        assert_eq!(
            parse(&text("[1,2]"), &ints),
            Ok(Some(serde_json::json!([1, 2])))
        );
    }

    #[test]
    fn empty_default_means_none() {
        assert_eq!(parse(&text(""), &Type::Integer), Ok(None));
    }

    #[test]
    fn defaults_that_do_not_fit_are_errors() {
        assert!(parse(&text("abc"), &Type::Integer).is_err());
        assert!(parse(&text("1.5"), &Type::Integer).is_err());
        assert!(parse(&text("18446744073709551615"), &Type::Integer).is_err());
        assert!(parse(&text("1e400"), &Type::Number).is_err());
        assert!(parse(&text("yes"), &Type::Boolean).is_err());
        assert!(parse(&text("tomorrow"), &Type::Time).is_err());
        let ints = Type::Array(Box::new(Array {
            items: Type::Integer,
            description: None,
        }));
        assert!(parse(&text("[1,\"x\"]"), &ints).is_err());
    }

    #[test]
    fn integer_text_is_read_exactly_or_refused() {
        let int = |t: &str| parse(&text(t), &Type::Integer);
        for (t, v) in [
            ("42", 42),
            (" -7 ", -7),
            ("3.0", 3),
            ("1.5e3", 1500),
            ("-0", 0),
            ("0.000e999999999999999999999", 0),
            ("12345678901234567.0", 12_345_678_901_234_567),
            ("9007199254740993.0", 9_007_199_254_740_993),
            ("9223372036854775807", i64::MAX),
            ("-9223372036854775808", i64::MIN),
            ("-9.223372036854775808e18", i64::MIN),
            ("1000e-3", 1),
        ] {
            assert_eq!(int(t), Ok(Some(Value::from(v))), "{t}");
        }
        for t in [
            "-9223372036854775809",
            "9223372036854775808",
            "1e19",
            "-1e19",
            "1e999999999999999999999",
            "0.5",
            "9007199254740990.5",
            "1.0000000000000000001",
            "1e-1",
            "01",
            "1.",
            ".5",
            "+1",
            "15E-1e",
            "5e-99999999999999999999",
        ] {
            assert!(int(t).is_err(), "{t}: {:?}", int(t));
        }
        // Floats that arrive already parsed (inside an array) keep to 2^53.
        let ints = Type::Array(Box::new(Array {
            items: Type::Integer,
            description: None,
        }));
        assert_eq!(
            parse(&text("[2.0, -3]"), &ints),
            Ok(Some(serde_json::json!([2, -3])))
        );
        let err = parse(&text("[3.0, 9007199254740993.0]"), &ints).expect_err("too large");
        assert!(err.starts_with("element 1: an integer this large"), "{err}");
        assert!(!err.contains("9007199254740994"), "{err}");
        assert!(parse(&text("[-9223372036854775809]"), &ints).is_err());
    }

    #[test]
    fn number_defaults_must_fit_a_float_exactly() {
        let num = |t: &str| parse(&text(t), &Type::Number);
        assert_eq!(
            num("9007199254740992"),
            Ok(Some(Value::from(9_007_199_254_740_992_i64)))
        );
        assert_eq!(num("-12"), Ok(Some(Value::from(-12))));
        assert_eq!(num("0.1"), Ok(Some(Value::from(0.1))));
        for t in [
            "9007199254740993",
            "18446744073709551615",
            "-9223372036854775807",
        ] {
            let err = num(t).expect_err(t);
            assert!(err.contains("64-bit float"), "{err}");
        }
    }

    #[test]
    fn coze_time_text_is_checked() {
        assert!(is_coze_time("2025-07-01 09:30:00"));
        assert!(is_coze_time("2025-07-01 09:30"));
        assert!(!is_coze_time("2025-13-01 09:30:00"));
        assert!(!is_coze_time("2025-07-01T09:30:00"));
        assert!(!is_coze_time("２０２５-07-01 09:30"));
    }
}
