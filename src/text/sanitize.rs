//! Sanitizing untrusted text (feed titles, bodies, names) before it is stored or drawn: removes
//! what could drive a terminal or reorder text behind the reader's back.
//!
//! It must not change letters: display keeps the outlet's spelling. LRM, RLM and ALM stay,
//! because real Arabic copy uses them to place punctuation and numbers correctly.

/// Strips C0 controls except `\n` and `\t`, DEL, C1 controls, and bidi embeddings, overrides and
/// isolates (U+202A–E, U+2066–9).
pub fn sanitize(s: &str) -> String {
    s.chars().filter(|&c| !is_unsafe(c)).collect()
}

fn is_unsafe(c: char) -> bool {
    match c {
        '\n' | '\t' => false,
        '\u{0000}'..='\u{001F}' | '\u{007F}'..='\u{009F}' => true,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn strips_escapes_and_overrides_but_keeps_marks() {
        let dirty = "\u{1b}[31mبغداد\u{202E}txt\u{7}\r\n\u{200F}؟\u{061C}\u{9b}2J";
        assert_eq!(sanitize(dirty), "[31mبغدادtxt\n\u{200F}؟\u{061C}2J");
    }

    #[test]
    fn keeps_letters_unnormalized() {
        assert_eq!(sanitize("قُوَّاتِ النـاتو\tأ"), "قُوَّاتِ النـاتو\tأ");
    }
}
