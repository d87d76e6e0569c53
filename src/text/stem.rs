//! Light stemming for search recall (Lucene's ArabicStemmer, extended with the single-letter
//! proclitics ل ب ف ك) and the FTS5 shadow text built from it.
//!
//! Stems are search keys, too aggressive for names and never shown. The shadow text is indexed by
//! SQLite's default `unicode61` tokenizer, so every word emitted here must be exactly one
//! `unicode61` token; queries must go through the same function to agree with the index.

use super::normalize::is_inner_mark;
use super::tokenize::tokenize;

/// Suffixes in Lucene's order (ة is already folded to ه, so its ية/ة entries merge into يه/ه).
const SUFFIXES: [&str; 8] = ["ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي"];

/// Light stem of an already normalized token. Latin, digits and mixed tokens come back as they are.
pub fn light_stem(norm: &str) -> String {
    if !norm.chars().any(is_arabic_letter) {
        return norm.to_owned();
    }
    let mut chars: Vec<char> = norm.chars().collect();
    strip_prefixes(&mut chars);
    for suffix in SUFFIXES {
        let n = suffix.chars().count();
        // Lucene's rule: at least two letters must remain.
        if chars.len() >= n + 2 && chars.ends_with(&suffix.chars().collect::<Vec<_>>()) {
            chars.truncate(chars.len() - n);
        }
    }
    chars.into_iter().collect()
}

/// Peels proclitics one at a time. Doing it as a loop, with the same length guard for every
/// step, is what keeps the stem of و+ل+X equal to the stem of X: each peel leaves exactly the
/// token a bare X would have started from. A single-letter peel must leave four letters (so
/// three-letter roots such as كتب or بنك are not eaten); the article and و follow Lucene.
fn strip_prefixes(chars: &mut Vec<char>) {
    loop {
        let len = chars.len();
        let cut = match chars.as_slice() {
            ['ا', 'ل', ..] if len >= 4 => 2,
            ['و', ..] if len >= 4 => 1,
            ['ل' | 'ب' | 'ف' | 'ك', ..] if len >= 5 => 1,
            _ => 0,
        };
        if cut == 0 {
            return;
        }
        chars.drain(..cut);
    }
}

fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0620}'..='\u{064A}' | '\u{0671}'..='\u{06D3}' | '\u{06FA}'..='\u{06FF}')
}

/// The FTS5 shadow of `s`: every word, normalized and light-stemmed, joined by single spaces.
/// Run search terms through this too, so a phrase query matches however the text was spelled.
pub fn fts_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for token in tokenize(s) {
        let stem = light_stem(&token.norm);
        // NFKC can turn one symbol into several words or punctuation (ﷺ, ㈠), and unicode61
        // treats combining marks as separators; emit only runs of letters and digits.
        let mut fresh = true;
        for c in stem.chars() {
            if is_inner_mark(c) {
                continue;
            }
            // Arabic letters and ASCII first: the general Unicode lookup is slow on this hot path.
            if c.is_ascii_alphanumeric()
                || ('\u{0621}'..='\u{064A}').contains(&c)
                || (!c.is_ascii() && c.is_alphanumeric())
            {
                if fresh && !out.is_empty() {
                    out.push(' ');
                }
                fresh = false;
                out.push(c);
            } else {
                fresh = true;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{fts_text, light_stem};
    use crate::text::normalize;

    fn stem(s: &str) -> String {
        light_stem(&normalize(s))
    }

    #[test]
    fn forces_share_a_stem() {
        let base = stem("قوات");
        for w in ["لقوات", "القوات", "والقوات", "بالقوات", "وللقوات"]
        {
            assert_eq!(stem(w), base, "{w}");
        }
    }

    #[test]
    fn nato_shares_a_stem() {
        let base = stem("ناتو");
        for w in ["الناتو", "للناتو", "والناتو", "بالناتو"] {
            assert_eq!(stem(w), base, "{w}");
        }
    }

    #[test]
    fn proclitic_chains_agree_with_the_bare_word() {
        for w in ["فلسطين", "بغداد", "لبنان", "كتاب", "بيروت"] {
            let base = stem(w);
            for p in ["و", "ب", "ل", "وب", "ول", "ال", "وال", "بال"] {
                assert_eq!(stem(&format!("{p}{w}")), base, "{p}{w}");
            }
        }
    }

    #[test]
    fn latin_and_short_words_are_left_alone() {
        assert_eq!(stem("NATO"), "nato");
        assert_eq!(stem("كتب"), "كتب");
        assert_eq!(stem("بنك"), "بنك");
    }

    #[test]
    fn query_phrase_matches_spelling_variants() {
        let q = fts_text("قوات الناتو");
        assert_eq!(fts_text("لقوات النـاتو"), q);
        assert_eq!(fts_text("قُوَّاتِ الناتو"), q);
    }

    #[test]
    fn shadow_words_are_single_unicode61_tokens() {
        let out = fts_text("ﷺ ㈠ x");
        assert!(
            out.split(' ')
                .all(|w| !w.is_empty() && w.chars().all(char::is_alphanumeric))
        );
    }
}
