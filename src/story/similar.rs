//! "More like this": first the members of the article's story, most similar first; then related
//! articles ranked by shared actors and by bm25 over the article's distinctive terms.

use crate::store::{Result, Store};
use rusqlite::OptionalExtension;
use serde::Serialize;
use std::collections::HashMap;

/// One row of `rasd similar`, in the DESIGN.md JSON shape.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Similar {
    pub id: i64,
    pub url: Option<String>,
    pub title: String,
    pub source: String,
    pub published_at: String,
    pub score: f64,
    pub same_story: bool,
}

/// Articles most like article `id` (empty when it does not exist).
pub fn similar(store: &Store, id: i64, limit: usize) -> Result<Vec<Similar>> {
    let c = &store.conn;
    let Some((story, title, summary)): Option<(Option<i64>, String, String)> = c
        .query_row(
            "SELECT story_id, title, summary FROM articles WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
    else {
        return Ok(vec![]);
    };
    let mut out = story_members(store, id, story)?;
    let row = |r: &rusqlite::Row<'_>| -> rusqlite::Result<(Similar, Option<Vec<u8>>)> {
        Ok((
            Similar {
                id: r.get(0)?,
                url: r.get(1)?,
                title: r.get(2)?,
                source: r.get(3)?,
                published_at: r.get(4)?,
                score: 0.0,
                same_story: false,
            },
            r.get(5)?,
        ))
    };
    let mut related: HashMap<i64, (Similar, f64)> = HashMap::new();
    // Shared actors, the rarer the actor the more it says.
    let mut st = c.prepare(
        "SELECT a.id, a.url, a.title, f.key, a.published_at, NULL,
                sum(1.0 / (SELECT count(*) FROM article_actors x WHERE x.actor_key = o.actor_key))
         FROM article_actors mine JOIN article_actors o ON o.actor_key = mine.actor_key AND o.article_id != mine.article_id
         JOIN articles a ON a.id = o.article_id JOIN feeds f ON f.id = a.feed_id
         WHERE mine.article_id = ?1 GROUP BY a.id ORDER BY 7 DESC LIMIT 200",
    )?;
    for r in st.query_map([id], |r| Ok((row(r)?.0, r.get::<_, f64>(6)?)))? {
        let (s, w) = r?;
        related.insert(s.id, (s, w.min(1.0) * 0.5));
    }
    // Distinctive terms of the title and lede, searched with bm25.
    let feats: Vec<String> = super::features(
        &crate::text::fts_text(&title),
        &crate::text::fts_text(&summary),
    )
    .into_iter()
    .take(24)
    .collect();
    if !feats.is_empty() {
        let expr = feats
            .iter()
            .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(" OR ");
        let mut st = c.prepare(
            "SELECT a.id, a.url, a.title, f.key, a.published_at, NULL, r.score
             FROM (SELECT rowid, bm25(articles_fts, 3.0, 1.0) AS score FROM articles_fts WHERE articles_fts MATCH ?1
                   ORDER BY score LIMIT 200) r
             JOIN articles a ON a.id = r.rowid JOIN feeds f ON f.id = a.feed_id WHERE a.id != ?2",
        )?;
        let rows: Vec<(Similar, f64)> = st
            .query_map(rusqlite::params![expr, id], |r| {
                Ok((row(r)?.0, r.get::<_, f64>(6)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let best = rows
            .iter()
            .map(|(_, s)| -s)
            .fold(f64::MIN, f64::max)
            .max(1e-9);
        for (s, bm) in rows {
            let w = (-bm / best).clamp(0.0, 1.0) * 0.5;
            related
                .entry(s.id)
                .and_modify(|e| e.1 += w)
                .or_insert((s, w));
        }
    }
    let members: std::collections::HashSet<i64> = out.iter().map(|s| s.id).collect();
    let mut rest: Vec<Similar> = related
        .into_values()
        .filter(|(s, _)| !members.contains(&s.id))
        .map(|(mut s, w)| {
            s.score = (w * 1000.0).round() / 1000.0;
            s
        })
        .collect();
    rest.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.published_at.cmp(&a.published_at))
    });
    out.extend(rest);
    out.truncate(limit);
    Ok(out)
}

/// The other members of article `id`'s story (`story`, its story id), most similar first; each
/// scores 1 plus its similarity, so they rank above every merely related article.
fn story_members(store: &Store, id: i64, story: Option<i64>) -> Result<Vec<Similar>> {
    let Some(story) = story else {
        return Ok(vec![]);
    };
    let own = sig_of(store, id)?;
    let mut st = store.conn.prepare_cached(
        "SELECT a.id, a.url, a.title, f.key, a.published_at, m.sig FROM articles a JOIN feeds f ON f.id = a.feed_id
         LEFT JOIN article_minhash m ON m.article_id = a.id WHERE a.story_id = ?1 AND a.id != ?2",
    )?;
    let mut out = st
        .query_map(rusqlite::params![story, id], |r| {
            let sig: Option<Vec<u8>> = r.get(5)?;
            let score = match (&own, sig.as_deref().and_then(super::from_blob)) {
                (Some(a), Some(b)) => 1.0 + super::score(a, &b),
                _ => 1.0,
            };
            Ok(Similar {
                id: r.get(0)?,
                url: r.get(1)?,
                title: r.get(2)?,
                source: r.get(3)?,
                published_at: r.get(4)?,
                score: (score * 1000.0).round() / 1000.0,
                same_story: true,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.published_at.cmp(&b.published_at))
    });
    Ok(out)
}

/// The other members of article `id`'s story in the order the reader lists them: by time, then
/// outlet.
pub fn story_of(store: &Store, id: i64) -> Result<Vec<Similar>> {
    let story: Option<i64> = store
        .conn
        .query_row("SELECT story_id FROM articles WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?
        .flatten();
    let mut out = story_members(store, id, story)?;
    out.sort_by(|a, b| {
        a.published_at
            .cmp(&b.published_at)
            .then(a.source.cmp(&b.source))
    });
    Ok(out)
}

fn sig_of(store: &Store, id: i64) -> Result<Option<super::Fingerprint>> {
    let blob: Option<Vec<u8>> = store
        .conn
        .query_row(
            "SELECT sig FROM article_minhash WHERE article_id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    Ok(blob.as_deref().and_then(super::from_blob))
}
