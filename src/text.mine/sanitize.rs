//! Removes from untrusted feed text what must never reach a terminal, a log or an export:
//! C0 controls (except newline and tab), DEL, C1 controls and bidi embeddings/overrides/isolates.
//! LRM/RLM/ALM stay: real Arabic text uses them, and they cannot reorder a line on their own.

/// Returns `s` without control characters and bidi overrides.
pub fn sanitize(s: &str) -> String {
    s.chars().filter(|&c| !is_forbidden(c)).collect()
}

/// True for characters stored text must not contain.
pub fn is_forbidden(c: char) -> bool {
    matches!(c,
        '\u{0000}'..='\u{0008}' | '\u{000B}'..='\u{001F}' | '\u{007F}'..='\u{009F}'
        | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_escapes_and_overrides_keeps_marks() {
        let s = "a\u{1b}[31mb\u{9b}c\u{7}\u{202e}d\u{200f}e\n\tf";
        assert_eq!(sanitize(s), "a[31mbcd\u{200f}e\n\tf");
    }
}
