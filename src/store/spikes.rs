//! Reads and writes for spike rules: matching articles per UTC day (the WHERE clause is the
//! query compiler's, bound parameters only), when the archive started collecting, and the
//! append-only record of the days each rule fired.

use super::{Result, Store};
use crate::query::{Query, to_sql};
use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params};
use std::collections::BTreeMap;

const BASE: &str = "FROM articles a JOIN feeds f ON f.id = a.feed_id";

/// A spike recorded in the database.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SpikeRecord {
    pub rule: String,
    pub day: String,
    pub count: i64,
    pub baseline: f64,
    pub fired_at: String,
}

/// One article of a spike day, for the alert payload.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SpikeArticle {
    pub id: i64,
    pub source: String,
    pub title: String,
    pub url: Option<String>,
    pub published_at: String,
}

/// Midnight UTC of `d`, in the database's timestamp format.
fn midnight(d: NaiveDate) -> String {
    format!("{}T00:00:00Z", d.format("%Y-%m-%d"))
}

fn parse_day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

/// Articles matching `q` per UTC day of `published_at`, for days in `[from, until)` (`from`
/// unbounded when `None`). Days without articles are absent.
pub fn daily_counts(
    conn: &rusqlite::Connection,
    q: &Query,
    from: Option<NaiveDate>,
    until: NaiveDate,
) -> Result<BTreeMap<NaiveDate, i64>> {
    let (clause, mut params) = to_sql(q);
    params.push(Value::Text(from.map_or_else(String::new, midnight)));
    params.push(Value::Text(midnight(until)));
    let sql = format!(
        "SELECT substr(a.published_at, 1, 10), count(*) {BASE} \
         WHERE ({clause}) AND a.published_at >= ? AND a.published_at < ? GROUP BY 1"
    );
    let mut st = conn.prepare_cached(&sql)?;
    let rows = st.query_map(rusqlite::params_from_iter(params), |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (day, n) = row?;
        if let Some(d) = parse_day(&day) {
            out.insert(d, n);
        }
    }
    Ok(out)
}

/// The UTC day rasd first stored an article (any feed): before it there is no history to
/// compare with.
pub fn collecting_since(conn: &rusqlite::Connection) -> Result<Option<NaiveDate>> {
    let first: Option<String> =
        conn.query_row("SELECT min(first_seen_at) FROM articles", [], |r| r.get(0))?;
    Ok(first.as_deref().and_then(parse_day))
}

/// Records that `rule` fired on `day`; false when it already had (in this or another process).
pub fn record(
    conn: &rusqlite::Connection,
    rule: &str,
    day: NaiveDate,
    count: i64,
    baseline: f64,
    fired_at: &str,
) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO rule_spikes (rule, day, count, baseline, fired_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            rule,
            day.format("%Y-%m-%d").to_string(),
            count,
            baseline,
            fired_at
        ])?;
    Ok(n == 1)
}

/// The newest `limit` articles matching `q` published on `day`.
pub fn day_articles(
    conn: &rusqlite::Connection,
    q: &Query,
    day: NaiveDate,
    limit: usize,
) -> Result<Vec<SpikeArticle>> {
    let (clause, mut params) = to_sql(q);
    params.push(Value::Text(midnight(day)));
    params.push(Value::Text(midnight(day + chrono::Days::new(1))));
    params.push(Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
    let sql = format!(
        "SELECT a.id, f.key, a.title, a.url, a.published_at {BASE} \
         WHERE ({clause}) AND a.published_at >= ? AND a.published_at < ? \
         ORDER BY a.published_at DESC, a.id DESC LIMIT ?"
    );
    let mut st = conn.prepare_cached(&sql)?;
    let rows = st.query_map(rusqlite::params_from_iter(params), |r| {
        Ok(SpikeArticle {
            id: r.get(0)?,
            source: r.get(1)?,
            title: r.get(2)?,
            url: r.get(3)?,
            published_at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// The days a spike rule fired, oldest first.
    pub fn spikes_of(&self, rule: &str) -> Result<Vec<SpikeRecord>> {
        let mut st = self.conn.prepare_cached(
            "SELECT rule, day, count, baseline, fired_at FROM rule_spikes WHERE rule = ?1 ORDER BY day",
        )?;
        let rows = st.query_map([rule], |r| {
            Ok(SpikeRecord {
                rule: r.get(0)?,
                day: r.get(1)?,
                count: r.get(2)?,
                baseline: r.get(3)?,
                fired_at: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// When `rule` last fired, if ever.
    pub fn last_spike(&self, rule: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT max(day) FROM rule_spikes WHERE rule = ?1",
                [rule],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }
}
