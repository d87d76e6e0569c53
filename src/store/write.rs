//! The writer's transactions: one IMMEDIATE transaction applies one poll of one feed — new
//! items, edits to known items, the feed's health and validators, and a fetch-log row.

use super::{Result, Store};
use crate::feed::Item;
use crate::util::iso;
use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{OptionalExtension, params};

/// What one poll of one feed produced.
#[derive(Debug)]
pub enum Outcome {
    /// A feed document was fetched and parsed.
    Fetched { items: Vec<Item>, encoding: String },
    /// 304, or an unchanged local file.
    NotModified,
    /// Anything else; stored items are left untouched.
    Failed { error: String, status: &'static str },
}

#[derive(Debug)]
pub struct FeedUpdate {
    pub feed_id: i64,
    pub at: DateTime<Utc>,
    pub duration_ms: u64,
    pub http_status: Option<u16>,
    pub bytes: u64,
    pub outcome: Outcome,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// The feed URL found by autodiscovery, remembered so later polls skip the HTML page.
    pub feed_url: Option<String>,
    /// Where a permanent redirect points; offered to the user, never applied silently.
    pub moved_to: Option<String>,
    pub final_url: Option<String>,
    pub next_poll_at: DateTime<Utc>,
    pub consecutive_failures: u32,
    /// 410 Gone: stop polling until the configuration changes.
    pub disable: bool,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct UpdateStats {
    pub new: usize,
    pub updated: usize,
    /// Alerts of the watch rules that flagged new articles in this transaction.
    pub alerts: Vec<crate::rules::Alert>,
}

/// The date an article sorts by: its own when plausible, else when we first saw it. Year-0001
/// placeholders, the Unix epoch and future dates must neither jump to the top nor sink forever.
pub fn effective_date(parsed: Option<DateTime<Utc>>, first_seen: DateTime<Utc>) -> DateTime<Utc> {
    let floor = Utc.with_ymd_and_hms(1995, 1, 1, 0, 0, 0).single();
    match (parsed, floor) {
        (Some(p), Some(floor)) if p >= floor && p <= first_seen + chrono::Duration::hours(24) => {
            p.min(first_seen)
        }
        _ => first_seen,
    }
}

impl Store {
    /// Applies one poll of one feed in one IMMEDIATE transaction.
    pub fn apply(&mut self, u: &FeedUpdate) -> Result<UpdateStats> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let stats = apply_in(&tx, u)?;
        tx.commit()?;
        Ok(stats)
    }

    /// Applies the polls of several feeds in one IMMEDIATE transaction: each feed is still
    /// entirely before or after its poll, and the full-text index is flushed once for the batch
    /// instead of once per feed (the writer's biggest cost on a cold poll).
    pub fn apply_many(&mut self, updates: &[&FeedUpdate]) -> Result<Vec<UpdateStats>> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let stats = updates
            .iter()
            .map(|u| apply_in(&tx, u))
            .collect::<Result<Vec<_>>>()?;
        tx.commit()?;
        Ok(stats)
    }
}

fn apply_in(tx: &rusqlite::Transaction<'_>, u: &FeedUpdate) -> Result<UpdateStats> {
    {
        let mut stats = UpdateStats::default();
        let now = iso(u.at);
        let (outcome, error, status) = match &u.outcome {
            Outcome::Fetched { items, .. } => {
                let key: String =
                    tx.query_row("SELECT key FROM feeds WHERE id = ?1", [u.feed_id], |r| {
                        r.get(0)
                    })?;
                stats = store_items(tx, &key, u.feed_id, items, u.at)?;
                ("ok", None, "ok")
            }
            Outcome::NotModified => ("not-modified", None, "ok"),
            Outcome::Failed { error, status } => ("failed", Some(error.as_str()), *status),
        };
        let status = if u.disable { "gone" } else { status };
        let encoding = match &u.outcome {
            Outcome::Fetched { encoding, .. } => Some(encoding.as_str()),
            _ => None,
        };
        let ok = error.is_none();
        tx.execute(
            "UPDATE feeds SET
               status = ?2, last_http_status = COALESCE(?3, last_http_status), last_error = ?4,
               consecutive_failures = ?5, last_polled_at = ?6,
               last_success_at = CASE WHEN ?7 THEN ?6 ELSE last_success_at END,
               next_poll_at = ?8, encoding = COALESCE(?9, encoding),
               etag = CASE WHEN ?7 THEN COALESCE(?10, etag) ELSE etag END,
               last_modified = CASE WHEN ?7 THEN COALESCE(?11, last_modified) ELSE last_modified END,
               feed_url = COALESCE(?12, feed_url), moved_to = ?13,
               final_url = COALESCE(?14, final_url),
               enabled = CASE WHEN ?15 THEN 0 ELSE enabled END
             WHERE id = ?1",
            params![
                u.feed_id,
                status,
                u.http_status,
                error,
                u.consecutive_failures,
                now,
                ok,
                iso(u.next_poll_at),
                encoding,
                u.etag,
                u.last_modified,
                u.feed_url,
                u.moved_to,
                u.final_url,
                u.disable,
            ],
        )?;
        tx.execute(
            "INSERT INTO fetch_log (feed_id, at, duration_ms, http_status, outcome, new_items,
                                    updated_items, bytes, error)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                u.feed_id,
                now,
                u.duration_ms as i64,
                u.http_status,
                outcome,
                stats.new as i64,
                stats.updated as i64,
                u.bytes as i64,
                error
            ],
        )?;
        Ok(stats)
    }
}

fn store_items(
    tx: &rusqlite::Transaction<'_>,
    feed_key: &str,
    feed_id: i64,
    items: &[Item],
    at: DateTime<Utc>,
) -> Result<UpdateStats> {
    let mut stats = UpdateStats::default();
    let now = iso(at);
    let mut find = tx.prepare_cached(
        "SELECT id, content_hash FROM articles WHERE feed_id = ?1 AND item_key = ?2",
    )?;
    // The old text is read only for an item that really changed (to remove its tokens).
    let mut old_text =
        tx.prepare_cached("SELECT title, summary, body FROM articles WHERE id = ?1")?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO articles (feed_id, item_key, guid, url, title, summary, author, lang,
                               published_raw, published_parsed, published_at, first_seen_at,
                               content_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    let mut update = tx.prepare_cached(
        "UPDATE articles SET guid = ?2, url = ?3, title = ?4, summary = ?5, author = ?6,
                published_raw = ?7, published_parsed = ?8, updated_at = ?9, content_hash = ?10
         WHERE id = ?1",
    )?;
    let mut fts_insert =
        tx.prepare_cached("INSERT INTO articles_fts (rowid, title, body) VALUES (?1, ?2, ?3)")?;
    let mut flag_rule = tx.prepare_cached(
        "INSERT OR IGNORE INTO flags (article_id, label, origin, created_at) VALUES (?1, ?2, ?3, ?4)",
    )?;
    let mut fts_delete = tx.prepare_cached(
        "INSERT INTO articles_fts (articles_fts, rowid, title, body) VALUES ('delete', ?1, ?2, ?3)",
    )?;
    for it in items {
        let existing: Option<(i64, String)> = find
            .query_row(params![feed_id, it.key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let parsed = it.published.map(iso);
        match existing {
            None => {
                let published_at = iso(effective_date(it.published, at));
                insert.execute(params![
                    feed_id,
                    it.key,
                    it.guid,
                    it.url,
                    it.title,
                    it.summary,
                    it.author,
                    it.lang,
                    it.published_raw,
                    parsed,
                    published_at,
                    now,
                    it.hash
                ])?;
                let id = tx.last_insert_rowid();
                fts_insert.execute(params![id, it.fts_title, it.fts_body])?;
                write_analysis(tx, id, &it.analysis, false)?;
                if let Some(fp) = &it.signature {
                    crate::story::cluster::assign(tx, id, &published_at, fp)?;
                }
                for hit in &it.analysis.rule_hits {
                    flag_rule.execute(params![id, hit.flag, format!("rule:{}", hit.rule), now])?;
                    if hit.alert {
                        stats.alerts.push(crate::rules::Alert {
                            rule: hit.rule.clone(),
                            flag: hit.flag.clone(),
                            id,
                            source: feed_key.to_string(),
                            title: it.title.clone(),
                            url: it.url.clone(),
                            published_at: published_at.clone(),
                        });
                    }
                }
                stats.new += 1;
            }
            Some((id, hash)) if hash != it.hash => {
                let (old_title, old_summary, old_body): (String, String, String) =
                    old_text.query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
                update.execute(params![
                    id,
                    it.guid,
                    it.url,
                    it.title,
                    it.summary,
                    it.author,
                    it.published_raw,
                    parsed,
                    now,
                    it.hash
                ])?;
                // A contentless index forgets a row only when told exactly which tokens it held.
                let old_body = fts_body_text(&old_summary, &old_body);
                fts_delete.execute(params![id, crate::text::fts_text(&old_title), old_body])?;
                fts_insert.execute(params![id, it.fts_title, it.fts_body])?;
                write_analysis(tx, id, &it.analysis, true)?;
                stats.updated += 1;
            }
            Some(_) => {}
        }
    }
    Ok(stats)
}

/// Stores what tagging found in an article, replacing earlier results when `replace`.
pub fn write_analysis(
    tx: &rusqlite::Connection,
    id: i64,
    a: &crate::analyze::Analysis,
    replace: bool,
) -> Result<()> {
    if replace {
        for sql in [
            "DELETE FROM article_actors WHERE article_id = ?1",
            "DELETE FROM article_topics WHERE article_id = ?1",
            "DELETE FROM candidates WHERE article_id = ?1",
        ] {
            tx.prepare_cached(sql)?.execute([id])?;
        }
    }
    let mut actor = tx.prepare_cached(
        "INSERT OR REPLACE INTO article_actors (article_id, actor_key, mentions, in_title) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for h in &a.actors {
        actor.execute(params![id, h.key, h.mentions, h.in_title])?;
    }
    let mut topic = tx.prepare_cached(
        "INSERT OR IGNORE INTO article_topics (article_id, topic_key) VALUES (?1, ?2)",
    )?;
    for t in &a.topics {
        topic.execute(params![id, t])?;
    }
    let mut cand = tx.prepare_cached(
        "INSERT INTO candidates (article_id, name, name_norm, role, mentions) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (name_norm, article_id) DO UPDATE SET mentions = mentions + excluded.mentions",
    )?;
    for c in &a.candidates {
        let norm = crate::text::normalize(&c.name)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        cand.execute(params![id, c.name, norm, c.role, c.mentions])?;
    }
    Ok(())
}

/// The index's body column: summary and full text, normalized together.
pub fn fts_body_text(summary: &str, body: &str) -> String {
    if body.is_empty() {
        crate::text::fts_text(summary)
    } else {
        crate::text::fts_text(&format!("{summary}\n{body}"))
    }
}
