//! Reads for the command line: feed health. Readers keep transactions short so the WAL can be
//! checkpointed while a poller writes.

use super::{Result, Store};
use serde::Serialize;

/// One row of `rasd feeds list`, in the JSON shape DESIGN.md fixes.
#[derive(Debug, Clone, Serialize)]
pub struct FeedHealth {
    pub key: String,
    pub name: String,
    pub url: String,
    pub status: String,
    pub last_error: Option<String>,
    pub consecutive_failures: i64,
    pub last_polled_at: Option<String>,
    pub next_poll_at: Option<String>,
    pub articles: i64,
    pub encoding: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved_to: Option<String>,
}

impl Store {
    pub fn feed_health(&self) -> Result<Vec<FeedHealth>> {
        let mut st = self.conn.prepare(
            "SELECT key, name, url, status, last_error, consecutive_failures, last_polled_at,
                    next_poll_at, articles, encoding, moved_to
             FROM v_feed_health ORDER BY key",
        )?;
        let rows = st.query_map([], |r| {
            Ok(FeedHealth {
                key: r.get(0)?,
                name: r.get(1)?,
                url: r.get(2)?,
                status: r.get(3)?,
                last_error: r.get(4)?,
                consecutive_failures: r.get(5)?,
                last_polled_at: r.get(6)?,
                next_poll_at: r.get(7)?,
                articles: r.get(8)?,
                encoding: r.get(9)?,
                moved_to: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn article_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))?)
    }
}
