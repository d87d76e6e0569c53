//! Property tests for the text engine: normalization is a stable key, tokens point into the
//! original text, sanitizing leaves nothing that can drive a terminal.

use proptest::prelude::*;
use rasd::text::{fts_text, normalize, sanitize, tokenize};

/// Arabic-heavy strings with the characters that make normalization hard.
fn arabic_soup() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "ا", "أ", "إ", "آ", "ٱ", "ى", "ی", "ک", "ة", "ؤ", "ئ", "ء", "ل", "ـ", "\u{064E}",
        "\u{0651}", "\u{0670}", "\u{06D6}", "\u{200C}", "\u{200D}", "\u{200F}", "\u{202B}",
        "\u{2067}", "\u{FEFF}", "٣", "۴", "،", "؟", "«", "»", " ", "-", "e", "\u{0301}", "İ", "ﷺ",
        "\u{FEFB}", "Ａ", "K", "\n", "\u{1b}", "\u{9b}",
    ]);
    prop::collection::vec(pieces, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn normalize_is_idempotent(s in any::<String>()) {
        let once = normalize(&s);
        prop_assert_eq!(normalize(&once), once);
    }

    #[test]
    fn normalize_is_idempotent_on_arabic(s in arabic_soup()) {
        let once = normalize(&s);
        prop_assert_eq!(normalize(&once), once);
    }

    #[test]
    fn ascii_lowercase_is_unchanged(s in "[a-z0-9 .,;:!?'\"()-]{0,64}") {
        prop_assert_eq!(normalize(&s), s);
    }

    #[test]
    fn tokens_point_into_the_original(s in prop_oneof![any::<String>(), arabic_soup()]) {
        for t in tokenize(&s) {
            prop_assert!(s.is_char_boundary(t.start) && s.is_char_boundary(t.end));
            prop_assert!(t.start < t.end);
            prop_assert_eq!(normalize(&s[t.start..t.end]), t.norm);
        }
    }

    #[test]
    fn shadow_words_are_plain(s in prop_oneof![any::<String>(), arabic_soup()]) {
        let out = fts_text(&s);
        prop_assert!(!out.starts_with(' ') && !out.ends_with(' ') && !out.contains("  "));
        prop_assert!(out.chars().all(|c| c == ' ' || c.is_alphanumeric()));
    }

    #[test]
    fn sanitize_leaves_no_controls(s in prop_oneof![any::<String>(), arabic_soup()]) {
        let out = sanitize(&s);
        let bad = out.chars().any(|c| matches!(c,
            '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
            | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'));
        prop_assert!(!bad);
    }
}
