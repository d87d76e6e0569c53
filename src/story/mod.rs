//! Stories: articles about the same event across outlets — wire copy, rewrites, the same
//! statement reported twice — found by near-duplicate detection on the normalized text.
//!
//! Each article gets a fingerprint of its distinctive word stems and numbers (title and the
//! opening of its text): the set itself, as 32-bit hashes, and a MinHash signature of it.
//! Locality-sensitive hashing finds earlier articles that might be alike (one band per MinHash
//! value, so even a one-line summary of a long report shares a few); the sets then give the exact
//! score, the mean of Jaccard similarity and the overlap coefficient (what share of the shorter
//! article the longer one repeats). Every recent candidate above the threshold joins the new
//! article's story, merging stories that the new article shows to be one. Pure functions here;
//! [`cluster`] keeps the bands in the store.

pub mod cluster;
pub mod similar;

use rustc_hash::FxHashSet;
use std::hash::{Hash, Hasher};

/// Number of MinHash values per article.
pub const HASHES: usize = 32;
/// LSH bands of [`ROWS`] values each: two articles sharing any band are compared. One value per
/// band finds pairs of low Jaccard similarity (a summary against the full report) with high
/// probability; the exact score on the feature sets then decides.
pub const BANDS: usize = 32;
pub const ROWS: usize = HASHES / BANDS;
/// Score (mean of Jaccard and overlap coefficient of the feature sets) from which two articles
/// are one story. tests/stories.rs measures it on the story fixture: every threshold from 0.37 to
/// 0.40 keeps precision and recall of same-story pairs at 1.0 there.
pub const THRESHOLD: f64 = 0.38;
/// Articles further apart than this are separate stories however alike.
pub const WINDOW_DAYS: i64 = 4;
/// Only the opening words count: rewrites share the lede, not the background paragraphs.
const MAX_WORDS: usize = 120;
/// Fewer features than this say too little to compare.
const MIN_FEATURES: usize = 5;

pub type Signature = [u32; HASHES];

/// What clustering keeps of an article: its feature set (sorted 32-bit hashes) and their MinHash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    pub sig: Signature,
    pub feats: Vec<u32>,
}

/// Words too common in news prose to say what a story is about (folded and stemmed when the set
/// is built): function words, reporting verbs and the connectives of agency copy, days of the
/// week. Actor names stay: they are shared by other events too, but weigh no more than any word.
const STOP: &[&str] = &[
    "في",
    "من",
    "على",
    "إلى",
    "عن",
    "مع",
    "أن",
    "إن",
    "هذا",
    "هذه",
    "ذلك",
    "التي",
    "الذي",
    "الذين",
    "قد",
    "كان",
    "كانت",
    "وكان",
    "وكانت",
    "يكون",
    "تكون",
    "سيكون",
    "ستكون",
    "لم",
    "لا",
    "ما",
    "أو",
    "ثم",
    "حيث",
    "بعد",
    "قبل",
    "خلال",
    "بين",
    "عند",
    "منذ",
    "حتى",
    "كل",
    "بعض",
    "غير",
    "نحو",
    "لدى",
    "عبر",
    "ضد",
    "دون",
    "حول",
    "وسط",
    "بشأن",
    "إطار",
    "وذلك",
    "كما",
    "أيضا",
    "فيما",
    "هو",
    "هي",
    "هم",
    "وهو",
    "وهي",
    "إنه",
    "إنها",
    "أنه",
    "أنها",
    "بأن",
    "اليوم",
    "أمس",
    "يوم",
    "الليلة",
    "فجر",
    "صباح",
    "مساء",
    "الأحد",
    "الاثنين",
    "الثلاثاء",
    "الأربعاء",
    "الخميس",
    "الجمعة",
    "السبت",
    "المقبل",
    "المقبلة",
    "الماضي",
    "الماضية",
    "جديد",
    "جديدة",
    "حاليا",
    "قال",
    "قالت",
    "وقال",
    "وقالت",
    "أعلن",
    "أعلنت",
    "أفاد",
    "أفادت",
    "أضاف",
    "أضافت",
    "وأضاف",
    "أكد",
    "أكدت",
    "وأكد",
    "أوضح",
    "أوضحت",
    "مشيرا",
    "مشيرة",
    "مؤكدا",
    "مؤكدة",
    "لافتا",
    "معلنا",
    "مبينا",
    "بحسب",
    "وفق",
    "نقلا",
    "بيان",
    "تصريح",
    "تصريحات",
    "مؤتمر",
    "صحفي",
    "للصحفيين",
    "المتحدث",
    "باسم",
    "الرسمي",
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

/// The distinctive stems and numbers of an article, from the index shadows of its title and
/// text. Numbers of two digits or more are kept: "500 to 4000", "70 nautical miles" tell one
/// event from another of the same actors better than most words.
pub fn features(title_fts: &str, text_fts: &str) -> FxHashSet<String> {
    let stop = stop_set();
    title_fts
        .split(' ')
        .chain(text_fts.split(' ').take(MAX_WORDS))
        .filter(|w| {
            if w.bytes().all(|c| c.is_ascii_digit()) {
                w.len() >= 2
            } else {
                w.chars().count() >= 3 && !stop.contains(*w)
            }
        })
        .map(str::to_string)
        .collect()
}

fn hash64(s: &str) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    s.hash(&mut h);
    h.finish()
}

/// The fingerprint of an article's shadows; `None` when it has too few words to compare.
pub fn fingerprint(title_fts: &str, text_fts: &str) -> Option<Fingerprint> {
    let feats = features(title_fts, text_fts);
    if feats.len() < MIN_FEATURES {
        return None;
    }
    let mut hashes: Vec<u64> = feats.iter().map(|f| hash64(f)).collect();
    hashes.sort_unstable();
    let mut sig = [u32::MAX; HASHES];
    for &base in &hashes {
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
    let mut feats: Vec<u32> = hashes.iter().map(|h| (h >> 32) as u32).collect();
    feats.sort_unstable();
    feats.dedup();
    Some(Fingerprint { sig, feats })
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

/// How alike two articles are, 0 to 1: the mean of the Jaccard similarity of their feature sets
/// and of the overlap coefficient. Jaccard alone punishes a short summary of a long report;
/// overlap alone lets a one-line item that names the usual actors join any story about them.
/// Fingerprints stored before the sets were kept fall back to the MinHash estimate.
pub fn score(a: &Fingerprint, b: &Fingerprint) -> f64 {
    if a.feats.is_empty() || b.feats.is_empty() {
        return similarity(&a.sig, &b.sig);
    }
    let shared = sorted_intersection(&a.feats, &b.feats) as f64;
    let (la, lb) = (a.feats.len() as f64, b.feats.len() as f64);
    let jaccard = shared / (la + lb - shared);
    let overlap = shared / la.min(lb);
    (jaccard + overlap) / 2.0
}

fn sorted_intersection(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Stored form: the signature, then the feature hashes, all little-endian u32.
pub fn to_blob(fp: &Fingerprint) -> Vec<u8> {
    fp.sig
        .iter()
        .chain(&fp.feats)
        .flat_map(|v| v.to_le_bytes())
        .collect()
}

/// Reads a stored fingerprint; rows written before the feature sets were kept hold only the
/// signature and come back with no features.
pub fn from_blob(b: &[u8]) -> Option<Fingerprint> {
    if b.len() < HASHES * 4 || !b.len().is_multiple_of(4) {
        return None;
    }
    let mut words = b
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]));
    let mut sig = [0u32; HASHES];
    for slot in sig.iter_mut() {
        *slot = words.next()?;
    }
    Some(Fingerprint {
        sig,
        feats: words.collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fts_text;

    fn fp(title: &str, text: &str) -> Fingerprint {
        fingerprint(&fts_text(title), &fts_text(text)).expect("enough words")
    }

    #[test]
    fn rewrites_are_similar_unrelated_are_not() {
        let a = fp(
            "الناتو يرفع عدد قواته في العراق إلى 4000",
            "أعلن الأمين العام لحلف شمال الأطلسي ينس ستولتنبرغ رفع عدد قوات بعثة الحلف في العراق من 500 إلى 4000 عنصر لتدريب القوات العراقية",
        );
        let b = fp(
            "حلف الأطلسي يزيد قواته في العراق من 500 إلى 4000 عنصر",
            "قرر حلف شمال الأطلسي رفع عدد أفراد بعثته في العراق إلى 4000 عنصر بعد أن كانوا 500، وفق ما أعلن أمينه العام ستولتنبرغ، بهدف تدريب القوات العراقية",
        );
        let c = fp(
            "أسعار النفط ترتفع بعد قرار أوبك بلس",
            "ارتفعت أسعار خام برنت في الأسواق العالمية بعد أن قررت مجموعة أوبك بلس خفض الإنتاج للشهر الثالث على التوالي",
        );
        assert!(score(&a, &b) >= THRESHOLD, "{}", score(&a, &b));
        assert!(score(&a, &c) < 0.1, "{}", score(&a, &c));
        assert!(
            band_keys(&a.sig)
                .iter()
                .zip(band_keys(&b.sig).iter())
                .any(|(x, y)| x == y),
            "rewrites share a band"
        );
        assert_eq!(from_blob(&to_blob(&a)), Some(a.clone()));
    }

    #[test]
    fn a_one_line_summary_joins_the_full_report() {
        let full = fp(
            "الحوثيون يعلنون استهداف ناقلة النفط «ستار نوفا» في البحر الأحمر",
            "أعلنت جماعة الحوثي أنها استهدفت ناقلة النفط «ستار نوفا» في البحر الأحمر بصاروخين بحريين، وقال المتحدث العسكري باسم الجماعة يحيى سريع إن الإصابة كانت مباشرة، فيما أفادت هيئة بريطانية بانفجار قرب ناقلة على بعد 70 ميلا بحريا غرب الحديدة وأن الطاقم بخير",
        );
        let summary = fp(
            "صنعاء تعلن استهداف سفينة في البحر الأحمر",
            "أعلن المتحدث باسم القوات المسلحة اليمنية يحيى سريع استهداف السفينة «ستار نوفا» في البحر الأحمر بصاروخين بحريين.",
        );
        assert!(
            score(&full, &summary) >= THRESHOLD,
            "{}",
            score(&full, &summary)
        );
        // The MinHash estimate alone would not have called them one story.
        assert!(similarity(&full.sig, &summary.sig) < THRESHOLD);
    }

    #[test]
    fn numbers_count_and_signature_only_blobs_still_read() {
        let f = features(&fts_text("من 500 إلى 4000"), &fts_text("عام 7 وصواريخ"));
        assert!(
            f.contains("500") && f.contains("4000") && !f.contains("7"),
            "{f:?}"
        );
        let a = fp(
            "الناتو يرفع عدد قواته في العراق",
            "بعثة الحلف في العراق من 500 إلى 4000 عنصر",
        );
        let old = to_blob(&Fingerprint {
            sig: a.sig,
            feats: vec![],
        });
        let back = from_blob(&old).expect("old blob");
        assert!(back.feats.is_empty());
        assert_eq!(
            score(&a, &back),
            1.0,
            "falls back to the signature estimate"
        );
        assert_eq!(from_blob(&old[..old.len() - 1]), None);
    }
}
