//! Normalization of text for matching and search (ARABIC.md, "Normalization"): NFKC, then drop
//! marks and invisible controls, fold letter variants, digits and punctuation, lowercase Latin.
//!
//! The output is a comparison key, never display text. It must stay idempotent, because stored
//! shadows and incoming queries are normalized at different times and must agree.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// Normalizes `s` for matching and search. Idempotent; never for display.
pub fn normalize(s: &str) -> String {
    if s.chars().all(is_plain) {
        // Nothing here can compose, decompose or change under NFKC, and the folds only produce
        // more plain characters: one pass, no Unicode tables (this is most news text).
        let mut out = String::with_capacity(s.len());
        push_folded(&mut out, s.chars());
        return out;
    }
    let mut out = pass(s);
    // Dropping a zero-width or tatweel between a letter and a Latin combining accent can expose a
    // new NFKC composition, so repeat until the text is stable. Two passes settle every case
    // proptest has found; the bound only guards against a surprise in future Unicode tables.
    for _ in 0..4 {
        if is_nfkc_quick(out.chars()) == IsNormalized::Yes {
            break;
        }
        let next = pass(&out);
        if next == out {
            break;
        }
        out = next;
    }
    out
}

fn pass(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Most news text is already NFKC; skipping the decomposition machinery is the main cost saving.
    if is_nfkc_quick(s.chars()) == IsNormalized::Yes {
        push_folded(&mut out, s.chars());
    } else {
        push_folded(&mut out, s.nfkc());
    }
    out
}

/// Characters that are NFKC-stable in any context and fold to NFKC-stable characters: ASCII,
/// Arabic letters and marks that compose with nothing, Persian letters, Arabic digits and
/// punctuation, and the invisible controls normalization drops. U+0653–5 (madda and hamza
/// above/below) are excluded because NFKC composes them with the preceding letter (ا + ٓ → آ).
fn is_plain(c: char) -> bool {
    c.is_ascii()
        || matches!(
            c,
            '\u{0621}'..='\u{0652}'
                | '\u{0656}'..='\u{065F}'
                | '\u{0660}'..='\u{066C}'
                | '\u{060C}'
                | '\u{061B}'
                | '\u{061C}'
                | '\u{061F}'
                | '\u{0670}'
                | '\u{0671}'
                | '\u{067E}'
                | '\u{0686}'
                | '\u{0698}'
                | '\u{06A4}'
                | '\u{06A9}'
                | '\u{06AF}'
                | '\u{06CC}'
                | '\u{06D4}'
                | '\u{06D6}'..='\u{06ED}'
                | '\u{06F0}'..='\u{06F9}'
                | '\u{00AB}'
                | '\u{00BB}'
                | '\u{200C}'..='\u{200F}'
                | '\u{2018}'..='\u{201D}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

fn push_folded(out: &mut String, chars: impl Iterator<Item = char>) {
    for c in chars {
        if is_dropped(c) {
            continue;
        }
        let f = fold(c);
        if f.is_ascii() {
            out.push(f.to_ascii_lowercase());
        } else if ('\u{0600}'..='\u{06FF}').contains(&f) {
            out.push(f);
        } else if f.is_uppercase() {
            out.extend(f.to_lowercase());
        } else {
            out.push(f);
        }
    }
}

/// Characters that carry no identity for matching: harakat, dagger alef, tatweel, Quranic
/// annotation marks, joiners, bidi controls and the BOM.
fn is_dropped(c: char) -> bool {
    matches!(
        c,
        '\u{064B}'..='\u{065F}'
            | '\u{0670}'
            | '\u{0640}'
            | '\u{06D6}'..='\u{06ED}'
            | '\u{200C}'..='\u{200F}'
            | '\u{061C}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Marks and joiners that may sit inside a word without ending it (the tokenizer keeps them in
/// the token; normalization then drops the Arabic ones).
pub(crate) fn is_inner_mark(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{0610}'..='\u{061A}'
            | '\u{064B}'..='\u{065F}'
            | '\u{0670}'
            | '\u{0640}'
            | '\u{06D6}'..='\u{06ED}'
            | '\u{08D3}'..='\u{08FF}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{200C}'
            | '\u{200D}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

fn fold(c: char) -> char {
    match c {
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ى' | 'ی' => 'ي',
        'ک' => 'ك',
        'ة' => 'ه',
        '٠'..='٩' => ascii_digit(c as u32 - 0x0660),
        '۰'..='۹' => ascii_digit(c as u32 - 0x06F0),
        '،' | '٬' => ',',
        '؛' => ';',
        '؟' => '?',
        '٪' => '%',
        '٫' | '۔' => '.',
        '«' | '»' | '“' | '”' | '„' | '‟' => '"',
        '‘' | '’' | '‚' | '‛' => '\'',
        _ => c,
    }
}

fn ascii_digit(d: u32) -> char {
    char::from_digit(d, 10).unwrap_or('0')
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn folds_letters_marks_and_digits() {
        assert_eq!(normalize("قُوَّاتِ"), "قوات");
        assert_eq!(normalize("النـــاتو"), "الناتو");
        assert_eq!(normalize("أمريكا"), "امريكا");
        assert_eq!(normalize("إيران"), "ايران");
        assert_eq!(normalize("آذار"), "اذار");
        assert_eq!(normalize("على"), "علي");
        assert_eq!(normalize("کرمانی"), "كرماني");
        assert_eq!(normalize("الجمهورية"), "الجمهوريه");
        assert_eq!(normalize("٢٠٢٤ و۱۴۰۳"), "2024 و1403");
        assert_eq!(normalize("«قال»، لماذا؟"), "\"قال\", لماذا?");
        assert_eq!(normalize("NATO"), "nato");
    }

    #[test]
    fn keeps_hamza_carriers_distinct() {
        assert_eq!(normalize("رئيس مؤتمر جزء"), "رئيس مؤتمر جزء");
    }

    #[test]
    fn nfkc_folds_presentation_forms() {
        assert_eq!(normalize("\u{FEFB}"), "لا");
        assert_eq!(normalize("\u{FEE3}\u{FEA4}\u{FEE4}\u{FEAA}"), "محمد");
    }

    #[test]
    fn drops_invisible_controls() {
        assert_eq!(normalize("\u{FEFF}\u{200F}بغداد\u{202B}\u{2067}"), "بغداد");
    }

    #[test]
    fn composition_exposed_by_dropping_is_settled() {
        let once = normalize("e\u{0640}\u{0301}");
        assert_eq!(normalize(&once), once);
    }
}
