//! Flags: labels and notes an analyst (or a watch rule) puts on articles. Unflagging keeps the
//! row with `removed_at` set, so the audit trail says who flagged and unflagged what, when.

use super::{Result, Store, StoreError};
use crate::util::iso;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Flag {
    pub label: String,
    pub note: Option<String>,
    pub origin: String,
    pub created_by: Option<String>,
    pub created_at: String,
}

impl Store {
    /// Flags an article with `label`; flagging again with the same label updates the note.
    /// Returns false when the article does not exist.
    pub fn flag(
        &mut self,
        article_id: i64,
        label: &str,
        note: Option<&str>,
        origin: &str,
        by: Option<&str>,
    ) -> Result<bool> {
        let label = crate::text::sanitize(label.trim());
        if label.is_empty() {
            return Err(StoreError::Sql(rusqlite::Error::InvalidParameterName(
                "empty label".into(),
            )));
        }
        let note = note
            .map(|n| crate::text::sanitize(n.trim()))
            .filter(|n| !n.is_empty());
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let exists: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM articles WHERE id = ?1)",
            [article_id],
            |r| r.get(0),
        )?;
        if exists {
            tx.execute(
                "INSERT INTO flags (article_id, label, note, origin, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (article_id, label) WHERE removed_at IS NULL
                 DO UPDATE SET note = COALESCE(excluded.note, note)",
                params![article_id, label, note, origin, by, iso(chrono::Utc::now())],
            )?;
        }
        tx.commit()?;
        Ok(exists)
    }

    /// Removes one label (or all when `None`) from an article; returns how many were removed.
    pub fn unflag(
        &mut self,
        article_id: i64,
        label: Option<&str>,
        by: Option<&str>,
    ) -> Result<usize> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let n = tx.execute(
            "UPDATE flags SET removed_at = ?3, removed_by = ?4
             WHERE article_id = ?1 AND removed_at IS NULL AND (?2 IS NULL OR label = ?2)",
            params![article_id, label, iso(chrono::Utc::now()), by],
        )?;
        tx.commit()?;
        Ok(n)
    }

    /// How many articles a watch rule has flagged (active flags).
    pub fn rule_flag_count(&self, rule: &str) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM flags WHERE origin = ?1 AND removed_at IS NULL",
            [format!("rule:{rule}")],
            |r| r.get(0),
        )?)
    }

    /// The active flags of an article, oldest first.
    pub fn flags_of(&self, article_id: i64) -> Result<Vec<Flag>> {
        let mut st = self.conn.prepare_cached(
            "SELECT label, note, origin, created_by, created_at FROM flags
             WHERE article_id = ?1 AND removed_at IS NULL ORDER BY created_at, id",
        )?;
        let rows = st.query_map([article_id], |r| {
            Ok(Flag {
                label: r.get(0)?,
                note: r.get(1)?,
                origin: r.get(2)?,
                created_by: r.get(3)?,
                created_at: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Everything the reader shows about one article.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleDetail {
    pub id: i64,
    pub source: String,
    pub source_name: String,
    pub title: String,
    pub url: Option<String>,
    pub published_at: String,
    pub fetched_at: String,
    pub summary: String,
    pub body: String,
    pub actors: Vec<(String, u32, bool)>,
    pub topics: Vec<String>,
    pub candidates: Vec<(String, Option<String>, u32)>,
    pub flags: Vec<Flag>,
}

impl Store {
    pub fn article(&self, id: i64) -> Result<Option<ArticleDetail>> {
        let base = self
            .conn
            .query_row(
                "SELECT a.id, f.key, f.name, a.title, a.url, a.published_at, a.first_seen_at, a.summary, a.body
                 FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE a.id = ?1",
                [id],
                |r| {
                    Ok(ArticleDetail {
                        id: r.get(0)?,
                        source: r.get(1)?,
                        source_name: r.get(2)?,
                        title: r.get(3)?,
                        url: r.get(4)?,
                        published_at: r.get(5)?,
                        fetched_at: r.get(6)?,
                        summary: r.get(7)?,
                        body: r.get(8)?,
                        actors: vec![],
                        topics: vec![],
                        candidates: vec![],
                        flags: vec![],
                    })
                },
            )
            .optional()?;
        let Some(mut a) = base else { return Ok(None) };
        let mut st = self.conn.prepare_cached(
            "SELECT actor_key, mentions, in_title FROM article_actors WHERE article_id = ?1 ORDER BY in_title DESC, mentions DESC, actor_key",
        )?;
        a.actors = st
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut st = self.conn.prepare_cached(
            "SELECT topic_key FROM article_topics WHERE article_id = ?1 ORDER BY topic_key",
        )?;
        a.topics = st
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut st = self.conn.prepare_cached("SELECT name, role, mentions FROM candidates WHERE article_id = ?1 ORDER BY mentions DESC, name")?;
        a.candidates = st
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        a.flags = self.flags_of(id)?;
        Ok(Some(a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_unflag_keeps_an_audit_trail() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut s = Store::open(&dir.path().join("t.db")).expect("open");
        s.conn
            .execute_batch(
                "INSERT INTO feeds (id, key, name, url) VALUES (1, 'f', 'F', 'x');
                 INSERT INTO articles (id, feed_id, item_key, title, published_at, first_seen_at, content_hash)
                 VALUES (7, 1, 'k', 'عنوان', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'h');",
            )
            .expect("seed");
        assert!(
            s.flag(7, "narrative", Some("framing"), "user", Some("analyst"))
                .expect("flag")
        );
        assert!(
            s.flag(7, "narrative", Some("better note"), "user", Some("analyst"))
                .expect("again")
        );
        assert!(
            s.flag(7, "watch", None, "rule:nato-iraq", None)
                .expect("rule")
        );
        assert!(!s.flag(99, "x", None, "user", None).expect("missing"));
        let f = s.flags_of(7).expect("flags");
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].note.as_deref(), Some("better note"));
        assert_eq!(
            s.unflag(7, Some("narrative"), Some("analyst"))
                .expect("unflag"),
            1
        );
        assert_eq!(s.flags_of(7).expect("flags").len(), 1);
        let audit: i64 = s
            .conn
            .query_row(
                "SELECT count(*) FROM flags WHERE removed_at IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .expect("audit");
        assert_eq!(audit, 1);
        let d = s.article(7).expect("article").expect("exists");
        assert_eq!(d.flags.len(), 1);
    }
}
