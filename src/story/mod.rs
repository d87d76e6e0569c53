//! Stories: articles about the same event across outlets — wire copy, rewrites, the same
//! statement reported twice — found by near-duplicate detection on the normalized text.
//!
//! Each article gets a MinHash signature of its distinctive word stems (title and the opening of
//! its text). Locality-sensitive hashing in bands finds earlier articles that might be similar;
//! their signatures estimate the Jaccard similarity, and the best one above the threshold (within
//! a few days) gives the new article its story. Pure functions here; the store keeps the bands.

pub mod similar;

use rustc_hash::FxHashSet;
use std::hash::{Hash, Hasher};

/// Number of MinHash values per article.
pub const HASHES: usize = 32;
/// LSH bands of [`ROWS`] values each: two articles sharing any band are compared.
pub const BANDS: usize = 16;
pub const ROWS: usize = HASHES / BANDS;
/// Estimated Jaccard similarity of stem sets above which two articles are one story.
pub const THRESHOLD: f64 = 0.3;
/// Articles further apart than this are separate stories however alike.
pub const WINDOW_DAYS: i64 = 4;
/// Only the opening words count: rewrites share the lede, not the background paragraphs.
const MAX_WORDS: usize = 120;

pub type Signature = [u32; HASHES];

/// Words too common in news prose to say what a story is about (already folded and stemmed).
const STOP: &[&str] = &[
    "في",
    "من",
    "علي",
    "الي",
    "عن",
    "مع",
    "ان",
    "هذا",
    "هذه",
    "ذلك",
    "التي",
    "الذي",
    "الذين",
    "قد",
    "كان",
    "كانت",
    "لم",
    "لا",
    "ما",
    "او",
    "ثم",
    "حيث",
    "بعد",
    "قبل",
    "خلال",
    "بين",
    "عند",
    "منذ",
    "حتي",
    "كل",
    "بعض",
    "غير",
    "وقال",
    "قال",
    "اكد",
    "اعلن",
    "اضاف",
    "وفق",
    "نحو",
    "لدي",
    "عبر",
    "اليوم",
    "امس",
    "يوم",
    "هو",
    "هي",
    "هم",
    "انه",
    "انها",
    "ايضا",
    "فيما",
    "وهو",
    "وهي",
    "the",
    "and",
    "of",
    "to",
    "in",
    "a",
    "on",
    "for",
    "is",
    "that",
    "with",
];

fn stop_set() -> &'static FxHashSet<String> {
    static SET: std::sync::OnceLock<FxHashSet<String>> = std::sync::OnceLock::new();
    SET.get_or_init(|| STOP.iter().map(|w| crate::text::fts_text(w)).collect())
}

/// The distinctive stems of an article, from the index shadows of its title and text.
pub fn features(title_fts: &str, text_fts: &str) -> FxHashSet<String> {
    let stop = stop_set();
    title_fts
        .split(' ')
        .chain(text_fts.split(' ').take(MAX_WORDS))
        .filter(|w| {
            w.chars().count() >= 3 && !stop.contains(*w) && !w.chars().all(|c| c.is_ascii_digit())
        })
        .map(str::to_string)
        .collect()
}

fn hash64(s: &str) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    s.hash(&mut h);
    h.finish()
}

/// MinHash signature; `None` when the article has too few words to compare.
pub fn signature(features: &FxHashSet<String>) -> Option<Signature> {
    if features.len() < 5 {
        return None;
    }
    let mut sig = [u32::MAX; HASHES];
    for f in features {
        let base = hash64(f);
        for (i, slot) in sig.iter_mut().enumerate() {
            // One 64-bit hash, remixed per slot (splitmix64 finalizer) gives independent-enough
            // hash functions at the cost of a multiply and shifts.
            let mut x = base ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            x ^= x >> 31;
            *slot = (*slot).min(x as u32);
        }
    }
    Some(sig)
}

/// The LSH keys of a signature: one per band, band index mixed in.
pub fn band_keys(sig: &Signature) -> [i64; BANDS] {
    let mut keys = [0i64; BANDS];
    for (b, key) in keys.iter_mut().enumerate() {
        let mut h = rustc_hash::FxHasher::default();
        b.hash(&mut h);
        sig[b * ROWS..(b + 1) * ROWS].hash(&mut h);
        *key = h.finish() as i64;
    }
    keys
}

/// Estimated Jaccard similarity of two signatures.
pub fn similarity(a: &Signature, b: &Signature) -> f64 {
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / HASHES as f64
}

pub fn to_blob(sig: &Signature) -> Vec<u8> {
    sig.iter().flat_map(|v| v.to_le_bytes()).collect()
}

pub fn from_blob(b: &[u8]) -> Option<Signature> {
    if b.len() != HASHES * 4 {
        return None;
    }
    let mut sig = [0u32; HASHES];
    for (i, c) in b.chunks_exact(4).enumerate() {
        sig[i] = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
    }
    Some(sig)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fts_text;

    fn sig(title: &str, text: &str) -> Signature {
        signature(&features(&fts_text(title), &fts_text(text))).expect("enough words")
    }

    #[test]
    fn rewrites_are_similar_unrelated_are_not() {
        let a = sig(
            "الناتو يرفع عدد قواته في العراق إلى 4000",
            "أعلن الأمين العام لحلف شمال الأطلسي ينس ستولتنبرغ رفع عدد قوات بعثة الحلف في العراق من 500 إلى 4000 عنصر لتدريب القوات العراقية",
        );
        let b = sig(
            "حلف الأطلسي يزيد قواته في العراق من 500 إلى 4000 عنصر",
            "قرر حلف شمال الأطلسي رفع عدد أفراد بعثته في العراق إلى 4000 عنصر بعد أن كانوا 500، وفق ما أعلن أمينه العام ستولتنبرغ، بهدف تدريب القوات العراقية",
        );
        let c = sig(
            "أسعار النفط ترتفع بعد قرار أوبك بلس",
            "ارتفعت أسعار خام برنت في الأسواق العالمية بعد أن قررت مجموعة أوبك بلس خفض الإنتاج للشهر الثالث على التوالي",
        );
        assert!(similarity(&a, &b) >= THRESHOLD, "{}", similarity(&a, &b));
        assert!(similarity(&a, &c) < 0.1, "{}", similarity(&a, &c));
        assert!(
            band_keys(&a)
                .iter()
                .zip(band_keys(&b).iter())
                .any(|(x, y)| x == y),
            "rewrites share a band"
        );
        assert_eq!(from_blob(&to_blob(&a)), Some(a));
    }
}
