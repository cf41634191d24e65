//! Small text helpers that several modules share; they live here, below
//! every other module, so that sharing them creates no dependency cycle.

/// Cuts user-supplied text that is echoed in a message down to `max` characters.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// Where `needle` first occurs (`str::contains` and `find` bring a
/// substring searcher of a few KiB into the WebAssembly build).
pub(crate) fn position_of(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}
