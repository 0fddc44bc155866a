//! Checks a run's `parameters` object against a node's parameters before calling Coze.
//!
//! The rules are the IR's ([`crate::ir::rules`]), the same every artifact derives from: types,
//! the integer range, real `time` values, file URLs or file ids (URLs only for a Coze Studio
//! document), no `null` for declared types, closed objects; and so are the words that say what
//! a value must be ([`crate::ir::rules::Rule::expected`]). Problems are reported with the path of the offending value, array indices
//! included (`lines[2].qty`), in document order.

use crate::ir::Types;
pub use crate::ir::rules::Problem;
use serde_json::Value;

/// Every problem with `parameters` as the `parameters` of a run of a node shaped like `types`,
/// in document order. An empty list means the parameters fit.
pub fn validate(types: &Types, parameters: &Value) -> Vec<Problem> {
    crate::ir::rules::check(types, parameters)
}

/// [`validate`] of `parameters` parsed from the JSON text `text`: each number a problem quotes
/// is quoted as the text writes it (`1e3`, all 30 digits of a long integer).
pub fn validate_text(types: &Types, parameters: &Value, text: &[u8]) -> Vec<Problem> {
    let written = crate::json::NumberTexts::of(text);
    crate::ir::rules::check_as_written(types, parameters, &written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BuildOptions, build, load_slice};
    use serde_json::json;

    fn order() -> Types {
        let doc = br#"{"input":{"parameters":{
            "lines":{"type":"array","required":true,"items":{"type":"object","properties":{
                "sku":{"type":"string","required":true},"qty":{"type":"integer","required":true}}}},
            "when":{"type":"time"},
            "photo":{"type":"image"},
            "odd name":{"type":"boolean"},
            "extra_any":{"type":"mystery"}}}}"#;
        let info = load_slice(doc, "order").expect("loads");
        build(&info, &BuildOptions::default())
            .expect("builds")
            .0
            .input
    }

    fn messages(value: Value) -> Vec<String> {
        validate(&order(), &value)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn valid_parameters_have_no_problems() {
        let ok = json!({"lines":[{"sku":"A","qty":2},{"sku":"","qty":-1}],"when":"2025-07-01 09:30:00","photo":"https://x/y.png","odd name":true,"extra_any":null});
        assert_eq!(messages(ok), Vec::<String>::new());
        assert_eq!(messages(json!({"lines":[]})), Vec::<String>::new());
    }

    #[test]
    fn problems_name_the_path_with_indices() {
        let bad = json!({"lines":[{"sku":"A","qty":1},{"sku":"B"},{"sku":"C","qty":"3"},{"sku":"D","qty":1.0}]});
        assert_eq!(
            messages(bad),
            [
                "lines[1].qty: required parameter is missing",
                "lines[2].qty: expected an integer, got \"3\"",
                "lines[3].qty: expected an integer, got 1.0 (an integer is written without a \
                 fraction or exponent)",
            ]
        );
    }

    #[test]
    fn unknown_keys_nulls_and_bad_coze_values_are_problems() {
        let bad = json!({"lines":[],"extra":1,"when":"tomorrow","photo":"","odd name":null});
        assert_eq!(
            messages(bad),
            [
                "when: expected a Coze time (text in `yyyy-MM-dd HH:mm:ss` form, a real date \
                 and time), got \"tomorrow\"",
                "photo: expected a Coze file (an http(s) URL, or the JSON text \
                 `{\"file_id\":\"…\"}` of a file uploaded to Coze), got \"\"",
                "[\"odd name\"]: expected `true` or `false`, got null (leave out a parameter \
                 that has no value)",
                "extra: is not a parameter of this workflow",
            ]
        );
    }

    #[test]
    fn minus_zero_is_not_an_integer_value() {
        assert_eq!(
            messages(serde_json::from_str(r#"{"lines":[{"sku":"A","qty":-0}]}"#).expect("json")),
            ["lines[0].qty: expected an integer, got -0 (write 0: -0 is not an integer value)"]
        );
        assert_eq!(
            messages(
                serde_json::from_str(r#"{"lines":[{"sku":"A","qty":-9223372036854775809}]}"#)
                    .expect("json")
            ),
            [
                "lines[0].qty: expected an integer from -9223372036854775808 to \
              9223372036854775807, got -9.223372036854776e+18"
            ]
        );
    }

    #[test]
    fn integers_beyond_64_bits_are_problems() {
        assert_eq!(
            messages(json!({"lines":[{"sku":"A","qty":9223372036854775808u64}]})),
            [
                "lines[0].qty: expected an integer from -9223372036854775808 to \
              9223372036854775807, got 9223372036854775808"
            ]
        );
    }

    #[test]
    fn numbers_are_quoted_as_written() {
        let text = br#"{"lines":[{"sku":"A","qty":1e3},{"sku":"B","qty":123456789012345678901234567890}]}"#;
        let value: Value = serde_json::from_slice(text).expect("json");
        let problems: Vec<String> = validate_text(&order(), &value, text)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            problems,
            [
                "lines[0].qty: expected an integer, got 1e3 (an integer is written without a \
                 fraction or exponent)",
                "lines[1].qty: expected an integer from -9223372036854775808 to \
                 9223372036854775807, got 123456789012345678901234567890"
            ]
        );
    }

    #[test]
    fn parameters_must_be_an_object() {
        assert_eq!(
            messages(json!([1])),
            ["parameters: expected an object, got an array"]
        );
        assert_eq!(
            messages(json!({})),
            ["lines: required parameter is missing"]
        );
    }
}
