/// A default of an array, object or any type, from the JSON text cozegen checked against the
/// parameter's type.
fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> T {
    serde_json::from_str(text).expect("cozegen checked this default against its type")
}
