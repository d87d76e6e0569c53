//! The poller: one implementation behind `rasd poll --once`, `rasd poll --daemon` and the TUI.
//!
//! Fetches run concurrently on tokio (a global limit and a per-host limit); parsing and
//! cleaning run on blocking threads; one writer thread owns the database connection and applies
//! each feed's result in its own transaction. Progress leaves as [`PollEvent`] messages; nothing
//! here touches a terminal.

mod feed;

use crate::config::{Config, FeedConfig, FeedSource};
use crate::fetch::{FetchError, Fetcher};
use crate::store::{FeedState, FeedUpdate, Store, StoreError, UpdateStats};
use crate::util::parse_iso;
use chrono::Utc;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, mpsc, oneshot};

#[derive(Debug, thiserror::Error)]
pub enum PollError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error("the database writer stopped unexpectedly")]
    WriterGone,
}

/// What one feed's poll came to, as reported to front ends.
#[derive(Debug, Clone)]
pub enum FeedResult {
    Fetched {
        new: usize,
        updated: usize,
        alerts: Vec<crate::rules::Alert>,
    },
    NotModified,
    Failed {
        error: String,
    },
}

#[derive(Debug, Clone)]
pub enum PollEvent {
    Started {
        feeds: usize,
    },
    Feed {
        key: String,
        result: FeedResult,
    },
    /// A watch rule matched a new article (after it was stored and flagged), or a spike rule
    /// fired after the poll's writes.
    Alert(crate::rules::AlertEvent),
    Finished(Summary),
}

#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub feeds: usize,
    pub fetched: usize,
    pub not_modified: usize,
    pub failed: Vec<(String, String)>,
    pub new_articles: usize,
    pub updated_articles: usize,
    /// Watch-rule alerts raised.
    pub alerts: usize,
    pub elapsed: Duration,
    /// The process's peak resident memory so far, where the OS reports it (Linux).
    pub peak_rss_kb: Option<u64>,
}

/// VmHWM from /proc: what an operator sizing a machine wants to know.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Shared by every feed task of a poll.
struct Ctx {
    fetcher: Fetcher,
    /// Feeds between their first request and their stored result: bounds both requests in
    /// flight and the bodies and items held in memory.
    global: Semaphore,
    parse_slots: Semaphore,
    analyzer: Option<Arc<crate::analyze::Analyzer>>,
    rules: Arc<Vec<crate::rules::Rule>>,
    per_host: std::sync::Mutex<HashMap<String, Arc<Semaphore>>>,
    per_host_limit: usize,
    max_items: usize,
    /// Fingerprint new articles and cluster them into stories (`[settings] stories`).
    stories: bool,
    default_interval: Duration,
    writer: mpsc::Sender<(FeedUpdate, oneshot::Sender<Result<UpdateStats, StoreError>>)>,
    stop: Arc<AtomicBool>,
}

impl Ctx {
    /// A network fetch under the per-host limit, which covers only the exchange itself: the
    /// next request to that host need not wait for this body to be parsed and stored.
    async fn fetch(
        &self,
        url: &url::Url,
        v: &crate::fetch::Validators,
    ) -> Result<crate::fetch::Fetched, FetchError> {
        let closed = || FetchError::Http("poll stopped".into());
        let host = self.host_slot(&FeedSource::Http(url.clone()));
        let _host = match &host {
            Some(h) => Some(h.acquire().await.map_err(|_| closed())?),
            None => None,
        };
        self.fetcher.fetch(url, v).await
    }

    fn host_slot(&self, source: &FeedSource) -> Option<Arc<Semaphore>> {
        let FeedSource::Http(u) = source else {
            return None;
        };
        let host = u.host_str()?.to_string();
        let mut map = self.per_host.lock().ok()?;
        Some(
            map.entry(host)
                .or_insert_with(|| Arc::new(Semaphore::new(self.per_host_limit)))
                .clone(),
        )
    }
}

/// A poller bound to one database and one configuration.
pub struct Poller {
    db: PathBuf,
    config: Config,
    stop: Arc<AtomicBool>,
    analyzer: Option<Arc<crate::analyze::Analyzer>>,
    rules: Arc<Vec<crate::rules::Rule>>,
}

impl Poller {
    /// Opens the database, brings its feed list in line with the configuration.
    pub fn new(db: &Path, config: Config) -> Result<Poller, PollError> {
        let mut store = Store::open(db)?;
        store.sync_feeds(&config.feeds)?;
        Ok(Poller {
            db: db.to_path_buf(),
            config,
            stop: Arc::new(AtomicBool::new(false)),
            analyzer: None,
            rules: Arc::new(vec![]),
        })
    }

    /// Tags every new or edited article with this analyzer (actors, candidates, topics).
    pub fn with_analyzer(mut self, a: Arc<crate::analyze::Analyzer>) -> Poller {
        self.analyzer = Some(a);
        self
    }

    /// Runs these watch rules on every new article (needs an analyzer).
    pub fn with_rules(mut self, rules: Vec<crate::rules::Rule>) -> Poller {
        self.rules = Arc::new(rules);
        self
    }

    /// A flag that, once set, stops the poll from starting more work.
    pub fn stop_flag(&self) -> Arc<AtomicBool> {
        self.stop.clone()
    }

    /// Polls the feeds that are due (or all of them when `all`), once.
    pub async fn poll_once(
        &self,
        all: bool,
        events: Option<mpsc::UnboundedSender<PollEvent>>,
    ) -> Result<Summary, PollError> {
        let store = Store::open(&self.db)?;
        let states = store.feed_states()?;
        let now = Utc::now();
        let due: Vec<FeedState> = states
            .into_iter()
            .filter(|s| {
                all || s
                    .next_poll_at
                    .as_deref()
                    .and_then(parse_iso)
                    .is_none_or(|t| t <= now)
            })
            .collect();
        self.run(store, due, events).await
    }

    /// Polls each feed on its own schedule until the stop flag is set.
    pub async fn daemon(
        &self,
        events: Option<mpsc::UnboundedSender<PollEvent>>,
    ) -> Result<(), PollError> {
        while !self.stop.load(Ordering::SeqCst) {
            self.poll_once(false, events.clone()).await?;
            let store = Store::open(&self.db)?;
            let next = store
                .feed_states()?
                .iter()
                .filter_map(|s| s.next_poll_at.as_deref().and_then(parse_iso))
                .min();
            drop(store);
            let wait = next
                .and_then(|t| (t - Utc::now()).to_std().ok())
                .unwrap_or(Duration::from_secs(1))
                .clamp(Duration::from_millis(200), Duration::from_secs(300));
            let deadline = Instant::now() + wait;
            while Instant::now() < deadline && !self.stop.load(Ordering::SeqCst) {
                tokio::time::sleep(Duration::from_millis(100).min(deadline - Instant::now())).await;
            }
        }
        Ok(())
    }

    async fn run(
        &self,
        store: Store,
        due: Vec<FeedState>,
        events: Option<mpsc::UnboundedSender<PollEvent>>,
    ) -> Result<Summary, PollError> {
        let started = Instant::now();
        let send = |e: PollEvent| {
            if let Some(tx) = &events {
                let _ = tx.send(e);
            }
        };
        send(PollEvent::Started { feeds: due.len() });
        let (wtx, wrx) = mpsc::channel(64);
        let writer = std::thread::Builder::new()
            .name("rasd-writer".into())
            .spawn(move || writer_loop(store, wrx))
            .map_err(|_| PollError::WriterGone)?;
        let s = &self.config.settings;
        let ctx = Arc::new(Ctx {
            fetcher: Fetcher::new(s)?,
            global: Semaphore::new(s.concurrency),
            analyzer: self.analyzer.clone(),
            rules: self.rules.clone(),
            parse_slots: Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            ),
            per_host: std::sync::Mutex::new(HashMap::new()),
            per_host_limit: s.per_host,
            max_items: s.max_items,
            stories: s.stories,
            default_interval: s.interval,
            writer: wtx,
            stop: self.stop.clone(),
        });
        let by_key: HashMap<&str, &FeedConfig> = self
            .config
            .feeds
            .iter()
            .map(|f| (f.key.as_str(), f))
            .collect();
        let mut tasks = tokio::task::JoinSet::new();
        for state in due {
            let Some(cfg) = by_key.get(state.key.as_str()).map(|c| (*c).clone()) else {
                continue;
            };
            let ctx = ctx.clone();
            tasks.spawn(async move {
                let key = state.key.clone();
                (key, feed::poll_feed(ctx, state, cfg).await)
            });
        }
        drop(ctx);
        let mut summary = Summary::default();
        while let Some(joined) = tasks.join_next().await {
            let Ok((key, result)) = joined else { continue };
            let result = match result {
                Ok(r) => r,
                Err(PollError::WriterGone) if self.stop.load(Ordering::SeqCst) => continue,
                Err(e) => return Err(e),
            };
            summary.feeds += 1;
            match &result {
                FeedResult::Fetched {
                    new,
                    updated,
                    alerts,
                } => {
                    summary.fetched += 1;
                    summary.new_articles += new;
                    summary.updated_articles += updated;
                    summary.alerts += alerts.len();
                    for a in alerts {
                        tracing::info!(rule = %a.rule, source = %a.source, id = a.id, title = %a.title, "alert");
                        let event = crate::rules::AlertEvent::Article(a.clone());
                        if let Some(r) = self.rules.iter().find(|r| r.name == a.rule) {
                            crate::rules::spawn_exec(&r.exec, &event);
                        }
                        send(PollEvent::Alert(event));
                    }
                }
                FeedResult::NotModified => summary.not_modified += 1,
                FeedResult::Failed { error } => summary.failed.push((key.clone(), error.clone())),
            }
            send(PollEvent::Feed { key, result });
        }
        let _ = writer.join();
        if summary.new_articles + summary.updated_articles > 0 {
            let (db, rules) = (self.db.clone(), self.rules.clone());
            let fired = tokio::task::spawn_blocking(move || check_spikes(&db, &rules))
                .await
                .unwrap_or_default();
            for s in fired {
                tracing::info!(rule = %s.rule, day = %s.day, count = s.count, baseline = s.baseline, "spike alert");
                summary.alerts += 1;
                let event = crate::rules::AlertEvent::Spike(s);
                if let Some(r) = self.rules.iter().find(|r| r.name == event.rule()) {
                    crate::rules::spawn_exec(&r.exec, &event);
                }
                send(PollEvent::Alert(event));
            }
        }
        summary.failed.sort();
        summary.elapsed = started.elapsed();
        summary.peak_rss_kb = peak_rss_kb();
        send(PollEvent::Finished(summary.clone()));
        Ok(summary)
    }
}

/// Spike rules are judged on the day's volume once a poll's writes are committed. A failure
/// here is logged: it must not turn a good poll into a failed one.
fn check_spikes(db: &Path, rules: &[crate::rules::Rule]) -> Vec<crate::rules::spike::SpikeAlert> {
    if !rules.iter().any(|r| r.spike.is_some()) {
        return vec![];
    }
    let checked = Store::open(db)
        .and_then(|mut store| crate::rules::spike::check(&mut store, rules, Utc::now()));
    let fired = match checked {
        Ok(f) => f,
        Err(e) => {
            tracing::warn!(error = %e, "checking spike rules failed");
            return vec![];
        }
    };
    // Only rules that ask for alerts are announced; the day is recorded either way.
    fired
        .into_iter()
        .filter(|s| rules.iter().any(|r| r.name == s.rule && r.alert))
        .collect()
}

type WriteRequest = (FeedUpdate, oneshot::Sender<Result<UpdateStats, StoreError>>);

/// The one writer: applies updates in arrival order, each in its own transaction.
/// Results waiting in the queue are committed together (up to this many feeds, each still
/// all-or-nothing); a lone result is committed at once, so nothing waits for company.
const WRITE_BATCH: usize = 16;

fn writer_loop(mut store: Store, mut rx: mpsc::Receiver<WriteRequest>) {
    while let Some(first) = rx.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < WRITE_BATCH {
            match rx.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let updates: Vec<&FeedUpdate> = batch.iter().map(|(u, _)| u).collect();
        match store.apply_many(&updates) {
            Ok(stats) => {
                for ((_, reply), s) in batch.into_iter().zip(stats) {
                    let _ = reply.send(Ok(s));
                }
            }
            // One feed's failure must not cost the others their poll: retry them one by one.
            Err(_) => {
                for (update, reply) in batch {
                    let r = store.apply(&update);
                    if let Err(e) = &r {
                        tracing::error!(feed_id = update.feed_id, error = %e, "storing a poll failed");
                    }
                    let _ = reply.send(r);
                }
            }
        }
    }
}
