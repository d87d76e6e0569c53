//! Word-level shapes the matcher compares: the canonical form of a normalized word (article
//! removed, regional letters folded), its proclitic peelings, nisba stems and the spelling
//! variants of transliterated foreign names, plus the small closed word lists the tagger needs.
//!
//! Pure string functions over already normalized words. They must not allocate on the hot path
//! (peelings are suffix slices) and know nothing about particular actors.

use std::borrow::Cow;

/// Vocabulary keys are short and trusted (built from the gazetteer), and SipHash dominated
/// tagging time: rustc's Fx hash instead.
pub(crate) type FxMap<K, V> = rustc_hash::FxHashMap<K, V>;

/// Folds letters that only regional spellings distinguish (Persian and Maghrebi letters for
/// foreign sounds) so that names match however they were transliterated.
pub(crate) fn fold_regional(norm: &str) -> Cow<'_, str> {
    // All six letters encode with a lead byte of 0xDA except پ (0xD9 0xBE); checking bytes
    // keeps this off the per-char path for ordinary Arabic.
    if !norm.bytes().any(|b| b == 0xDA || b == 0xBE) {
        return Cow::Borrowed(norm);
    }
    if !norm
        .chars()
        .any(|c| matches!(c, 'ڤ' | 'پ' | 'گ' | 'چ' | 'ژ' | 'ڨ'))
    {
        return Cow::Borrowed(norm);
    }
    Cow::Owned(
        norm.chars()
            .map(|c| match c {
                'ڤ' => 'ف',
                'پ' => 'ب',
                'گ' | 'ڨ' => 'ك',
                'چ' => 'ج',
                'ژ' => 'ز',
                _ => c,
            })
            .collect(),
    )
}

/// Drops the definite article when at least two letters remain, so that العراق and عراق (and
/// the article inside بالعراق once ب is peeled) compare equal.
pub(crate) fn core(word: &str) -> &str {
    match word.strip_prefix("ال") {
        Some(rest) if rest.chars().nth(1).is_some() => rest,
        _ => word,
    }
}

/// The canonical form of a word inside a gazetteer name or phrase: regional letters folded, and
/// a preposition-plus-article (للأمم، بالعراق) or the article alone removed. Text words reach
/// the same form through [`readings`]; if the glued form stayed in the vocabulary it would
/// shadow the plain one (مجلس الأمن التابع للأمم المتحدة would hide الأمم المتحدة).
pub(crate) fn canonical(norm: &str) -> String {
    let folded = fold_regional(norm);
    for p in [
        "وبال", "وكال", "ولل", "فلل", "وال", "فال", "بال", "كال", "لل",
    ] {
        if let Some(rest) = folded.strip_prefix(p)
            && rest.chars().nth(2).is_some()
        {
            return rest.to_owned();
        }
    }
    core(&folded).to_owned()
}

/// The readings of a word to look up, best first: the word itself (article dropped), then the
/// word with a proclitic peeled off (article dropped again): و ف ب ل ك, the pairs وب ول وك فب
/// فل فك, and لل ولل فلل (ل before the article loses the alef: للعراق). Every reading keeps at
/// least two letters.
pub(crate) fn readings(word: &str) -> impl Iterator<Item = &str> {
    let first = std::iter::once(core(word));
    // Byte offsets after one, two and three peeled letters (Arabic letters are two bytes),
    // when those letters form a proclitic chain; shortest peel first.
    let mut cuts = [0usize; 3];
    let mut n = 0;
    let mut it = word.chars();
    let letters = [it.next(), it.next(), it.next()];
    let conj = |c: char| matches!(c, 'و' | 'ف');
    let prep = |c: char| matches!(c, 'ب' | 'ل' | 'ك');
    if let [Some(c0), c1, c2] = letters
        && (conj(c0) || prep(c0))
    {
        cuts[n] = 2;
        n += 1;
        let c1 = c1.unwrap_or(' ');
        if (conj(c0) && prep(c1)) || (c0 == 'ل' && c1 == 'ل') {
            cuts[n] = 4;
            n += 1;
        }
        if conj(c0) && c1 == 'ل' && c2 == Some('ل') {
            cuts[n] = 6;
            n += 1;
        }
    }
    let peeled = cuts.into_iter().take(n).filter_map(move |cut| {
        let rest = word.get(cut..)?;
        (rest.chars().nth(1).is_some()).then(|| core(rest))
    });
    first.chain(peeled)
}

/// Nisba (relational adjective) endings, longest first: العراقيين, العراقيون, العراقيات,
/// العراقية (ة folded to ه), العراقي.
const NISBA: [&str; 5] = ["يين", "يون", "يات", "يه", "ي"];

/// The stem of a nisba adjective (عراقيين → عراق), when at least three letters remain.
pub(crate) fn nisba_stem(reading: &str) -> Option<&str> {
    NISBA.iter().find_map(|suf| {
        let stem = reading.strip_suffix(suf)?;
        (stem.chars().nth(2).is_some()).then_some(stem)
    })
}

/// The stem a place name takes before a nisba ending: سوريا → سور (سوري), امريكا → امريك,
/// السعوديه → سعود, العراق → عراق. A final ة alone is kept: its nisba is irregular (حماة →
/// حموي) and dropping it made حماية ("protection") a nisba of Hama.
pub(crate) fn nisba_base(core_name: &str) -> &str {
    for suf in ["يا", "يه", "ا", "ي"] {
        if let Some(stem) = core_name.strip_suffix(suf)
            && stem.chars().nth(2).is_some()
        {
            return stem;
        }
    }
    core_name
}

const G_LETTERS: [char; 4] = ['غ', 'ج', 'ق', 'ك'];

/// Spellings of one word of a transliterated foreign name: a foreign g written غ, ج, ق or ك
/// (ستولتنبرغ, ستولتنبرج), a long ي dropped or added (ستولتينبرغ), a final و dropped or added.
/// Short words get none: the variants of a four-letter word are too likely to be other words.
pub(crate) fn translit_variants(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    if chars.len() < 5 || !chars.iter().all(|c| ('\u{0621}'..='\u{064A}').contains(c)) {
        return Vec::new();
    }
    let mut bases = vec![chars.clone()];
    for from in G_LETTERS {
        if !chars.contains(&from) {
            continue;
        }
        for to in G_LETTERS.into_iter().filter(|&t| t != from) {
            bases.push(
                chars
                    .iter()
                    .map(|&c| if c == from { to } else { c })
                    .collect(),
            );
        }
    }
    let is_vowel = |c: char| matches!(c, 'ا' | 'و' | 'ي');
    let mut out: Vec<Vec<char>> = Vec::new();
    for b in &bases {
        out.push(b.clone());
        for i in 1..b.len() - 1 {
            if b[i] == 'ي' {
                let mut v = b.clone();
                v.remove(i);
                out.push(v);
            } else if !is_vowel(b[i]) && !is_vowel(b[i - 1]) {
                let mut v = b.clone();
                v.insert(i, 'ي');
                out.push(v);
            }
        }
        match b.last() {
            Some('و') => out.push(b[..b.len() - 1].to_vec()),
            Some(_) => {
                let mut v = b.clone();
                v.push('و');
                out.push(v);
            }
            None => {}
        }
    }
    let mut words: Vec<String> = out.into_iter().map(|v| v.into_iter().collect()).collect();
    words.sort();
    words.dedup();
    words.retain(|w| w != word);
    words
}

/// Countries whose people's names are written natively in Arabic: their spellings are fixed, so
/// they get no transliteration variants.
pub(crate) fn is_arab_country(code: &str) -> bool {
    matches!(
        code,
        "iq" | "sy"
            | "lb"
            | "jo"
            | "ps"
            | "eg"
            | "sa"
            | "ae"
            | "qa"
            | "kw"
            | "bh"
            | "om"
            | "ye"
            | "ly"
            | "tn"
            | "dz"
            | "ma"
            | "sd"
            | "mr"
            | "so"
            | "dj"
            | "km"
    )
}

/// One-word aliases that collide with function words after normalization (على → علي, إلى →
/// الي): they are never matched alone.
pub(crate) fn is_function_word(core_word: &str) -> bool {
    matches!(
        core_word,
        "علي"
            | "الي"
            | "في"
            | "من"
            | "عن"
            | "ان"
            | "لا"
            | "ما"
            | "مع"
            | "هو"
            | "هي"
            | "له"
            | "لم"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_peel_clitics_and_article() {
        let r: Vec<&str> = readings("والناتو").collect();
        assert_eq!(r[0], "والناتو");
        assert!(r.contains(&"ناتو"));
        assert!(readings("للعراق").any(|w| w == "عراق"));
        assert!(readings("بواشنطن").any(|w| w == "واشنطن"));
        assert!(readings("فبالعراق").any(|w| w == "عراق"));
    }

    #[test]
    fn nisba_stems() {
        assert_eq!(nisba_stem("عراقيين"), Some("عراق"));
        assert_eq!(nisba_stem("امريكيين"), Some("امريك"));
        assert_eq!(nisba_base("امريكا"), "امريك");
        assert_eq!(nisba_base("سعوديه"), "سعود");
        assert_eq!(nisba_stem("عراقنا"), None);
    }

    #[test]
    fn g_variants() {
        let v = translit_variants("ستولتنبرغ");
        assert!(v.iter().any(|w| w == "ستولتنبرج"));
        assert!(v.iter().any(|w| w == "ستولتينبرغ"));
        assert!(translit_variants("ترمب").is_empty());
    }
}
