// A document with fallbacks (a default that is not an integer, an unknown type) still builds:
// its warnings are printed, not raised.
mod survey {
    cozegen_macros::import_workflow!("workflows/survey.json");
}

fn main() {
    let input: survey::SurveyInput = serde_json::from_str(r#"{"answer": [1, "two"]}"#).unwrap();
    assert_eq!(input.answer, Some(serde_json::json!([1, "two"])));
}
