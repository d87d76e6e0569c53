//! Word tokenizer over the original text: runs of letters, digits and in-word marks, with byte
//! offsets into the original string (for highlighting) and each word's normalized form.
//!
//! It splits on whitespace and punctuation only; it does not stem, peel clitics or know names.

use super::normalize::{is_inner_mark, normalize};

/// One word of the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Byte offset of the first byte in the original string.
    pub start: usize,
    /// Byte offset one past the last byte in the original string.
    pub end: usize,
    /// `normalize(&original[start..end])`, never empty.
    pub norm: String,
}

/// Splits `s` into words. Harakat, tatweel and joiners inside a word do not split it; words whose
/// normalized form is empty (a stray haraka) are skipped.
pub fn tokenize(s: &str) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(s.len() / 8 + 1);
    let mut start: Option<usize> = None;
    for (i, c) in s.char_indices() {
        let inside = if c.is_ascii() {
            c.is_ascii_alphanumeric()
        } else {
            ('\u{0621}'..='\u{064A}').contains(&c) || c.is_alphanumeric() || is_inner_mark(c)
        };
        match (inside, start) {
            (true, None) => start = Some(i),
            (false, Some(st)) => {
                push(&mut tokens, s, st, i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(st) = start {
        push(&mut tokens, s, st, s.len());
    }
    tokens
}

fn push(tokens: &mut Vec<Token>, s: &str, start: usize, end: usize) {
    let norm = normalize(&s[start..end]);
    if !norm.is_empty() {
        tokens.push(Token { start, end, norm });
    }
}

#[cfg(test)]
mod tests {
    use super::tokenize;

    fn norms(s: &str) -> Vec<String> {
        tokenize(s).into_iter().map(|t| t.norm).collect()
    }

    #[test]
    fn marks_and_tatweel_stay_inside_words() {
        assert_eq!(
            norms("قُوَّاتِ النـــاتو، في العراق."),
            ["قوات", "الناتو", "في", "العراق"]
        );
    }

    #[test]
    fn offsets_point_into_the_original() {
        let s = "«الأمين العام» Jens-Stoltenberg ٢٠٢٤";
        let toks = tokenize(s);
        let raw: Vec<&str> = toks.iter().map(|t| &s[t.start..t.end]).collect();
        assert_eq!(raw, ["الأمين", "العام", "Jens", "Stoltenberg", "٢٠٢٤"]);
        assert_eq!(toks[2].norm, "jens");
        assert_eq!(toks[4].norm, "2024");
    }

    #[test]
    fn persian_zwnj_does_not_split() {
        assert_eq!(norms("می\u{200C}خواهم"), ["ميخواهم"]);
    }
}
