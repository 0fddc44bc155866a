/// Why a text is not a Coze `time` or file value (of `CozeTime` or `CozeFile`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CozeValueError {
    text: String,
    expected: &'static str,
}

#[allow(dead_code)]
impl CozeValueError {
    /// The text that was refused.
    pub fn text(&self) -> &str {
        &self.text
    }
}

impl std::fmt::Display for CozeValueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} is not {}", self.text, self.expected)
    }
}

impl std::error::Error for CozeValueError {}
