//! Small typed reads for the terminal UI: facet counts (sources, actors, topics, flag labels)
//! and per-day counts for the timeline, all restricted by the current filter. The WHERE clause
//! is the query compiler's (bound parameters only); nothing from the user is formatted into SQL.

use super::{Result, Store};
use crate::query::{Query, to_sql};
use rusqlite::types::Value;

/// Counts per facet value for the articles matching a filter, largest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    pub sources: Vec<(String, i64)>,
    pub actors: Vec<(String, i64)>,
    pub topics: Vec<(String, i64)>,
    pub flags: Vec<(String, i64)>,
    pub total: i64,
}

const BASE: &str = "FROM articles a JOIN feeds f ON f.id = a.feed_id";

impl Store {
    fn counts(
        &self,
        select: &str,
        clause: &str,
        params: &[Value],
        limit: usize,
    ) -> Result<Vec<(String, i64)>> {
        let sql = format!("{select} WHERE {clause} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?");
        let mut p = params.to_vec();
        p.push(Value::Integer(limit as i64));
        let mut st = self.conn.prepare_cached(&sql)?;
        let rows = st.query_map(rusqlite::params_from_iter(p), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Facet counts for `q`, each list cut to `limit` entries.
    pub fn facets(&self, q: &Query, limit: usize) -> Result<Facets> {
        let (clause, params) = to_sql(q);
        let total: i64 = {
            let sql = format!("SELECT count(*) {BASE} WHERE {clause}");
            let mut st = self.conn.prepare_cached(&sql)?;
            st.query_row(rusqlite::params_from_iter(params.iter()), |r| r.get(0))?
        };
        Ok(Facets {
            sources: self.counts(&format!("SELECT f.key, count(*) {BASE}"), &clause, &params, limit)?,
            actors: self.counts(
                &format!("SELECT x.actor_key, count(*) {BASE} JOIN article_actors x ON x.article_id = a.id"),
                &clause,
                &params,
                limit,
            )?,
            topics: self.counts(
                &format!("SELECT x.topic_key, count(*) {BASE} JOIN article_topics x ON x.article_id = a.id"),
                &clause,
                &params,
                limit,
            )?,
            flags: self.counts(
                &format!("SELECT x.label, count(DISTINCT a.id) {BASE} JOIN flags x ON x.article_id = a.id AND x.removed_at IS NULL"),
                &clause,
                &params,
                limit,
            )?,
            total,
        })
    }

    /// Articles per day (UTC date of `published_at`) matching `q`, oldest first; with `actor`,
    /// that actor's mentions per day instead.
    pub fn per_day(
        &self,
        q: &Query,
        actor: Option<&str>,
        days: usize,
    ) -> Result<Vec<(String, i64)>> {
        let (clause, mut params) = to_sql(q);
        let sql = match actor {
            Some(k) => {
                params.push(Value::Text(k.to_string()));
                format!(
                    "SELECT substr(a.published_at, 1, 10), sum(x.mentions) {BASE} JOIN article_actors x ON x.article_id = a.id \
                     WHERE ({clause}) AND x.actor_key = ? GROUP BY 1 ORDER BY 1 DESC LIMIT ?"
                )
            }
            None => format!(
                "SELECT substr(a.published_at, 1, 10), count(*) {BASE} WHERE {clause} GROUP BY 1 ORDER BY 1 DESC LIMIT ?"
            ),
        };
        params.push(Value::Integer(days as i64));
        let mut st = self.conn.prepare_cached(&sql)?;
        let rows = st.query_map(rusqlite::params_from_iter(params), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        let mut v: Vec<(String, i64)> = rows.collect::<rusqlite::Result<_>>()?;
        v.reverse();
        Ok(v)
    }

    /// The actors most often named in the same articles as `actor` (among those matching `q`).
    pub fn co_mentioned(&self, q: &Query, actor: &str, limit: usize) -> Result<Vec<(String, i64)>> {
        let (clause, mut params) = to_sql(q);
        params.push(Value::Text(actor.to_string()));
        params.push(Value::Text(actor.to_string()));
        params.push(Value::Integer(limit as i64));
        let sql = format!(
            "SELECT y.actor_key, count(*) {BASE} JOIN article_actors x ON x.article_id = a.id \
             JOIN article_actors y ON y.article_id = a.id \
             WHERE ({clause}) AND x.actor_key = ? AND y.actor_key <> ? GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?"
        );
        let mut st = self.conn.prepare_cached(&sql)?;
        let rows = st.query_map(rusqlite::params_from_iter(params), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Store {
    /// How many enabled feeds failed their last poll, for the status bar. Cheaper than
    /// `feed_health` (which counts every feed's articles).
    pub fn failing_feeds(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM feeds WHERE enabled AND consecutive_failures > 0",
            [],
            |r| r.get(0),
        )?)
    }
}
