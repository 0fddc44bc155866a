//! JSON without deep recursion on the caller's stack.
//!
//! cozegen reads documents nested thousands of levels deep and writes schemas as deep. serde's
//! visitors recurse once per level (kilobytes a level in a debug build), so the few places that
//! must recurse over JSON — reading it, and turning a Coze Studio canvas into parameters — run
//! through `with_stack`, which is handed the depth `depth` measured before parsing and gives the
//! reader a thread whose stack is sized to it. Everything else walks
//! JSON with explicit stacks: [`Writer`] writes nested JSON and [`Builder`] builds it as a value
//! (both are a [`Sink`] a walker over the IR writes into), [`Deep`] holds a parsed value and
//! drops it level by level, and [`Text`] keeps a nested wire value as compact JSON text. No
//! caller needs a big thread, and memory follows the document's actual depth. Reading is in
//! `read`, writing in `write`, and [`NumberTexts`] (numbers as a document wrote them, for
//! messages that quote them) in `numbers`; this module sizes the stack.
//!
//! A thread sized per document, rather than a stack that grows on demand (the `stacker`
//! crate), keeps a lean build of cozegen free of the C toolchain and the three crates that
//! stack switching takes to build.

mod numbers;
mod read;
mod write;

pub use numbers::{JsonStep, NumberTexts};
pub use read::{Deep, Text, drop_value};
pub use write::{Builder, Sink, Writer, float_text, push_string, to_compact};

/// Nesting read on the caller's own stack: any thread a caller runs cozegen on has room for
/// this many levels, even in a debug build.
const INLINE_DEPTH: usize = 24;
/// Stack a reader thread takes besides its levels: the frames above the first one.
const STACK_BASE: usize = 1 << 20;
/// Stack one level of JSON nesting may take while it is read: four times the most measured in
/// a debug build (a parameter object, or a canvas variable, read at the deepest nesting
/// allowed needs between 3 and 4 KiB a level). Only what a read touches is committed, so the
/// margin costs address space, not memory.
const STACK_PER_LEVEL: usize = 16 << 10;

/// Runs `f`, which recurses once per level of JSON nested `depth` deep: on the caller's stack
/// when that is shallow, on a thread with room for every level otherwise. The error is the
/// system's refusal to start that thread.
pub(crate) fn with_stack<R: Send>(
    depth: usize,
    f: impl FnOnce() -> R + Send,
) -> std::io::Result<R> {
    if depth <= INLINE_DEPTH {
        return Ok(f());
    }
    let size = STACK_BASE.saturating_add(depth.saturating_mul(STACK_PER_LEVEL));
    std::thread::scope(|scope| {
        let reader = std::thread::Builder::new()
            .name("cozegen-reader".to_owned())
            .stack_size(size)
            .spawn_scoped(scope, f)?;
        match reader.join() {
            Ok(result) => Ok(result),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// The deepest nesting of `{` and `[` in JSON text, brackets inside strings not counted; or,
/// when it goes deeper than `limit`, `Err` with the offset of the bracket that did. Every
/// document goes through here before it is parsed, so strings are skipped eight bytes at a
/// time.
pub(crate) fn depth(bytes: &[u8], limit: usize) -> Result<usize, usize> {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() {
                    i = skip_plain_string_bytes(bytes, i);
                    match bytes.get(i) {
                        Some(b'"') | None => break,
                        // An escape: the next byte is part of it (an escaped quote included).
                        Some(b'\\') => i += 2,
                        Some(_) => i += 1,
                    }
                }
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > limit {
                    return Err(i);
                }
                deepest = deepest.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(deepest)
}

/// The index of the first `"` or `\\` at or after `from` (or the length): eight bytes at a
/// time, since most of a document is the text inside its strings.
fn skip_plain_string_bytes(bytes: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS != 0;
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        if has_zero_byte(word ^ (ONES * u64::from(b'"')))
            || has_zero_byte(word ^ (ONES * u64::from(b'\\')))
        {
            break;
        }
        i += 8;
    }
    while i < bytes.len() && !matches!(bytes[i], b'"' | b'\\') {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_scans_stop_at_every_quote_and_backslash() {
        let text = "abcdefghijklmnop\"qrstuvwx\\yz0123456789é漢字";
        let bytes = text.as_bytes();
        for from in 0..bytes.len() {
            let expected = (from..bytes.len())
                .find(|&i| matches!(bytes[i], b'"' | b'\\'))
                .unwrap_or(bytes.len());
            assert_eq!(
                skip_plain_string_bytes(bytes, from),
                expected,
                "from {from}"
            );
        }
        // Depth counts ignore brackets in strings, escaped quotes included.
        let nested = format!(
            "{{\"a\":\"\\\"[[[[\",\"b\":{}0{}}}",
            "[".repeat(10),
            "]".repeat(10)
        );
        assert_eq!(depth(nested.as_bytes(), 11), Ok(11));
        assert_eq!(
            depth(nested.as_bytes(), 10),
            Err(nested.rfind("[0").unwrap())
        );
    }
}
