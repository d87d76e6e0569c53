//! The SQLite store: schema and migrations, the single writer's transactions, and reads.
//!
//! Every write transaction begins IMMEDIATE (a deferred one that later writes can fail with
//! SQLITE_BUSY_SNAPSHOT whatever the busy timeout), and one poll of one feed is one
//! transaction, so a crash leaves each feed either before or after that poll.

pub mod articles;
pub mod facets;
pub mod flags;
pub mod read;
mod schema;
pub mod spikes;
mod write;

pub use write::{FeedUpdate, Outcome, UpdateStats};

use crate::config::FeedConfig;
use rusqlite::{Connection, OpenFlags, params};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "database {path} has schema version {found}, newer than this rasd understands ({known}); upgrade rasd"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("cannot create {path}: {source}")]
    Dir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// A connection with rasd's pragmas and SQL functions, schema migrated.
pub struct Store {
    pub conn: Connection,
    pub path: PathBuf,
}

/// What the scheduler needs to know about a feed.
#[derive(Debug, Clone)]
pub struct FeedState {
    pub id: i64,
    pub key: String,
    pub url: String,
    pub feed_url: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub consecutive_failures: u32,
    pub next_poll_at: Option<String>,
    pub status: String,
}

impl Store {
    /// Opens (creating when missing) the database at `path` and migrates it.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Dir {
                path: dir.into(),
                source,
            })?;
        }
        let conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.into(),
            source,
        })?;
        let store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.configure().map_err(|source| StoreError::Open {
            path: path.into(),
            source,
        })?;
        store.migrate()?;
        Ok(store)
    }

    /// Opens an existing database for reading only (query, export, TUI readers).
    pub fn open_read_only(path: &Path) -> Result<Store> {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(
            |source| StoreError::Open {
                path: path.into(),
                source,
            },
        )?;
        let store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.conn.busy_timeout(Duration::from_secs(10))?;
        register_functions(&store.conn)?;
        Ok(store)
    }

    fn configure(&self) -> rusqlite::Result<()> {
        self.conn.busy_timeout(Duration::from_secs(10))?;
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        self.conn.pragma_update(None, "temp_store", "MEMORY")?;
        register_functions(&self.conn)
    }

    fn migrate(&self) -> Result<()> {
        let version: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        let known = schema::MIGRATIONS.len() as i64;
        if version > known {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found: version,
                known,
            });
        }
        for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = rusqlite::Transaction::new_unchecked(
                &self.conn,
                rusqlite::TransactionBehavior::Immediate,
            )?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// Makes the feeds table agree with the configuration: new feeds are added, changed ones
    /// updated (a changed URL forgets the discovered feed URL and validators), and feeds no
    /// longer configured are disabled but keep their articles.
    pub fn sync_feeds(&mut self, feeds: &[FeedConfig]) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut upsert = tx.prepare_cached(
                "INSERT INTO feeds (key, name, url, country, lang, tags, enabled)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (key) DO UPDATE SET
                   name = excluded.name, country = excluded.country, lang = excluded.lang,
                   tags = excluded.tags,
                   enabled = CASE WHEN status = 'gone' AND url = excluded.url THEN 0 ELSE excluded.enabled END,
                   feed_url = CASE WHEN url = excluded.url THEN feed_url END,
                   etag = CASE WHEN url = excluded.url THEN etag END,
                   last_modified = CASE WHEN url = excluded.url THEN last_modified END,
                   next_poll_at = CASE WHEN url = excluded.url THEN next_poll_at END,
                   url = excluded.url",
            )?;
            for f in feeds {
                let tags = serde_json::to_string(&f.tags).unwrap_or_else(|_| "[]".into());
                upsert.execute(params![
                    f.key,
                    f.name,
                    f.source.to_string(),
                    f.country,
                    f.lang,
                    tags,
                    f.enabled
                ])?;
            }
            let keys: Vec<&str> = feeds.iter().map(|f| f.key.as_str()).collect();
            let keys_json = serde_json::to_string(&keys).unwrap_or_else(|_| "[]".into());
            tx.execute(
                "UPDATE feeds SET enabled = 0 WHERE key NOT IN (SELECT value FROM json_each(?1))",
                [keys_json],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Scheduling state of every enabled feed.
    pub fn feed_states(&self) -> Result<Vec<FeedState>> {
        let mut st = self.conn.prepare(
            "SELECT id, key, url, feed_url, etag, last_modified, consecutive_failures,
                    next_poll_at, status
             FROM feeds WHERE enabled = 1 ORDER BY key",
        )?;
        let rows = st.query_map([], |r| {
            Ok(FeedState {
                id: r.get(0)?,
                key: r.get(1)?,
                url: r.get(2)?,
                feed_url: r.get(3)?,
                etag: r.get(4)?,
                last_modified: r.get(5)?,
                consecutive_failures: r.get(6)?,
                next_poll_at: r.get(7)?,
                status: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// `PRAGMA data_version` changes when another connection commits: readers poll it to notice
    /// a poller in another process.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "data_version", |r| r.get(0))?)
    }
}

/// rasd's SQL functions, so `rasd sql` can normalize and stem like the index does.
fn register_functions(conn: &Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("ar_norm", 1, flags, |ctx| {
        let s: Option<String> = ctx.get(0)?;
        Ok(s.map(|s| crate::text::normalize(&s)))
    })?;
    conn.create_scalar_function("ar_stem", 1, flags, |ctx| {
        let s: Option<String> = ctx.get(0)?;
        Ok(s.map(|s| crate::text::fts_text(&s)))
    })
}

/// Refuses a second long-running writer (daemon) on the same database.
pub struct DaemonLock {
    _file: std::fs::File,
}

impl DaemonLock {
    pub fn acquire(db: &Path) -> std::io::Result<Option<DaemonLock>> {
        let mut p = db.as_os_str().to_owned();
        p.push(".lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(PathBuf::from(p))?;
        match file.try_lock() {
            Ok(()) => Ok(Some(DaemonLock { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(e),
        }
    }
}
