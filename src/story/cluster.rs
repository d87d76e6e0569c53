//! Story assignment at ingest, inside the transaction that stores the article.

use super::{BANDS, Fingerprint, THRESHOLD, WINDOW_DAYS, band_keys, from_blob, score, to_blob};
use rusqlite::{Connection, OptionalExtension, params};
use rustc_hash::FxHashMap;

/// Most recent articles read per band key. A key held by thousands of articles (a common word's
/// minimum) must not make each insert read them all; recent ones are the ones a story needs.
const PER_KEY: usize = 48;
/// Candidates scored exactly, those sharing the most band keys first.
const CANDIDATES: usize = 16;

/// Puts new article `id` into a story: every recent article that scores above the threshold is
/// the same story, so their stories (if several) merge into the oldest, and the article joins it;
/// with none, the article starts its own story. Stores the fingerprint and band keys.
pub fn assign(
    tx: &Connection,
    id: i64,
    published_at: &str,
    fp: &Fingerprint,
) -> rusqlite::Result<i64> {
    let keys = band_keys(&fp.sig);
    let mut shared: FxHashMap<i64, u32> = FxHashMap::default();
    {
        let mut st = tx.prepare_cached(
            "SELECT article_id FROM minhash_bands WHERE band_key = ?1 ORDER BY article_id DESC LIMIT ?2",
        )?;
        for k in keys {
            let mut rows = st.query(params![k, PER_KEY as i64])?;
            while let Some(r) = rows.next()? {
                *shared.entry(r.get(0)?).or_default() += 1;
            }
        }
    }
    let mut ranked: Vec<(i64, u32)> = shared.into_iter().filter(|&(a, _)| a != id).collect();
    ranked.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
    ranked.truncate(CANDIDATES);

    let at = crate::util::parse_iso(published_at).unwrap_or_else(chrono::Utc::now);
    let window = chrono::Duration::days(WINDOW_DAYS);
    let (lo, hi) = (crate::util::iso(at - window), crate::util::iso(at + window));
    let mut stories: Vec<i64> = vec![];
    {
        let mut st = tx.prepare_cached(
            "SELECT m.sig, COALESCE(a.story_id, a.id) FROM article_minhash m JOIN articles a ON a.id = m.article_id
             WHERE m.article_id = ?1 AND a.published_at BETWEEN ?2 AND ?3",
        )?;
        for (other, _) in ranked {
            let row: Option<(Vec<u8>, i64)> = st
                .query_row(params![other, lo, hi], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let Some((blob, story)) = row else { continue };
            if from_blob(&blob).is_some_and(|o| score(fp, &o) >= THRESHOLD) {
                stories.push(story);
            }
        }
    }
    stories.sort_unstable();
    stories.dedup();
    let story = stories.first().copied().unwrap_or(id);
    if stories.len() > 1 {
        // The new article bridges stories that began apart (a summary matching two rewrites that
        // did not match each other): they are one story now.
        let mut merge =
            tx.prepare_cached("UPDATE articles SET story_id = ?1 WHERE story_id = ?2")?;
        for other in &stories[1..] {
            merge.execute(params![story, other])?;
        }
    }
    tx.prepare_cached("UPDATE articles SET story_id = ?2 WHERE id = ?1")?
        .execute(params![id, story])?;
    tx.prepare_cached("INSERT OR REPLACE INTO article_minhash (article_id, sig) VALUES (?1, ?2)")?
        .execute(params![id, to_blob(fp)])?;
    let mut band = tx.prepare_cached(
        "INSERT OR IGNORE INTO minhash_bands (band_key, article_id) VALUES (?1, ?2)",
    )?;
    debug_assert_eq!(keys.len(), BANDS);
    for k in keys {
        band.execute(params![k, id])?;
    }
    Ok(story)
}
