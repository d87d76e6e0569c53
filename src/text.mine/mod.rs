//! Arabic text: normalization for matching and search, and terminal-safe sanitizing.
//!
//! Normalized text is for comparison and the full-text index only; nothing here produces
//! text for display except [`sanitize`], which removes what must never be stored.

mod sanitize;

pub use sanitize::sanitize;

/// Folds Arabic spelling variants so that equal words compare equal (see ARABIC.md).
pub fn normalize(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(s.len());
    for c in s.nfkc() {
        match c {
            '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' | '\u{06D6}'..='\u{06ED}' => {}
            '\u{200C}' | '\u{200D}' | '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{FEFF}' => {}
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {}
            'أ' | 'إ' | 'آ' | 'ٱ' => out.push('ا'),
            'ى' | 'ی' => out.push('ي'),
            'ک' => out.push('ك'),
            'ة' => out.push('ه'),
            '٠'..='٩' => out.push(char::from(b'0' + (c as u32 - 0x0660) as u8)),
            '۰'..='۹' => out.push(char::from(b'0' + (c as u32 - 0x06F0) as u8)),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// A search stem for a normalized token: the article and common proclitics off the front,
/// plural and pronoun suffixes off the back.
pub fn light_stem(norm: &str) -> String {
    let chars: Vec<char> = norm.chars().collect();
    if !chars.iter().any(|c| ('\u{0600}'..='\u{06FF}').contains(c)) {
        return norm.to_string();
    }
    let mut s: &[char] = &chars;
    for p in ["وال", "بال", "كال", "فال", "لل", "ال"] {
        let p: Vec<char> = p.chars().collect();
        if s.len() >= p.len() + 2 && s.starts_with(&p) {
            s = &s[p.len()..];
            break;
        }
    }
    if s.len() > 3 && s[0] == 'و' {
        s = &s[1..];
    }
    for suf in ["ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي"] {
        let suf: Vec<char> = suf.chars().collect();
        if s.len() >= suf.len() + 2 && s.ends_with(&suf) {
            s = &s[..s.len() - suf.len()];
        }
    }
    s.iter().collect()
}

/// The full-text shadow of a text: normalized, light-stemmed tokens separated by spaces.
pub fn fts_text(s: &str) -> String {
    let norm = normalize(s);
    let mut out = String::with_capacity(norm.len());
    for tok in norm
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&light_stem(tok));
    }
    out
}
