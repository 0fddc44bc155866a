/// Reads an optional parameter that is there: `null` is not a value of a declared type (leave
/// the parameter out instead), and for a parameter of any type it is `Some(Value::Null)`.
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}
