//! Background work: the poller on its own thread with its own tokio runtime, reporting to the
//! UI by message ([`Msg`]) over a std channel. It never touches UI state; when the UI is gone
//! (the receiver dropped) its sends fail quietly and the thread ends with the poll.

use super::app::Msg;
use crate::analyze::Analyzer;
use crate::config::Config;
use crate::poll::Poller;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::Sender;

/// Starts one poll round (`all`: every feed, due or not) on a new thread.
pub fn spawn_poll(
    db: PathBuf,
    config: Config,
    analyzer: Arc<Analyzer>,
    all: bool,
    tx: Sender<Msg>,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("rasd-poll".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = tx.send(Msg::PollError(e.to_string()));
                    return;
                }
            };
            // Rules were validated before the UI started; a bad one here only loses its alerts.
            let rules = crate::rules::compile(&config.rules, &analyzer).unwrap_or_default();
            let poller = match Poller::new(&db, config) {
                Ok(p) => p.with_analyzer(analyzer).with_rules(rules),
                Err(e) => {
                    let _ = tx.send(Msg::PollError(e.to_string()));
                    return;
                }
            };
            rt.block_on(async move {
                let (etx, mut erx) = tokio::sync::mpsc::unbounded_channel();
                let fwd_tx = tx.clone();
                let fwd = tokio::spawn(async move {
                    while let Some(ev) = erx.recv().await {
                        if fwd_tx.send(Msg::Poll(ev)).is_err() {
                            break;
                        }
                    }
                });
                let res = poller.poll_once(all, Some(etx)).await;
                let _ = fwd.await;
                if let Err(e) = res {
                    let _ = tx.send(Msg::PollError(e.to_string()));
                }
            });
        })
}

/// A reader thread with its own read-only connection that answers jobs in order, except that
/// of the jobs queued while it was busy only the newest is done (typing a filter queues one per
/// key). It stops when the UI's receiver is gone.
fn spawn_latest<J: Send + 'static>(
    name: &str,
    db: PathBuf,
    tx: Sender<Msg>,
    work: impl Fn(&crate::store::Store, J) -> Msg + Send + 'static,
) -> std::io::Result<std::sync::mpsc::Sender<J>> {
    let (jobs_tx, jobs) = std::sync::mpsc::channel::<J>();
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            let Ok(store) = crate::store::Store::open_read_only(&db) else {
                return;
            };
            while let Ok(mut job) = jobs.recv() {
                while let Ok(newer) = jobs.try_recv() {
                    job = newer;
                }
                if tx.send(work(&store, job)).is_err() {
                    break;
                }
            }
        })?;
    Ok(jobs_tx)
}

/// Starts the facet worker (counts for the sidebar).
pub fn spawn_facets(
    db: PathBuf,
    tx: Sender<Msg>,
) -> std::io::Result<std::sync::mpsc::Sender<(u64, crate::query::Query)>> {
    spawn_latest(
        "rasd-facets",
        db,
        tx,
        |store, (generation, q): (u64, crate::query::Query)| {
            Msg::Facets(
                generation,
                store
                    .facets(&q, super::app::FACET_LIMIT)
                    .unwrap_or_default(),
            )
        },
    )
}

/// Starts the list worker: the first page of a new filter's articles.
pub fn spawn_lists(
    db: PathBuf,
    tx: Sender<Msg>,
) -> std::io::Result<std::sync::mpsc::Sender<(u64, crate::query::Query, usize)>> {
    spawn_latest(
        "rasd-list",
        db,
        tx,
        |store, (generation, q, limit): (u64, crate::query::Query, usize)| {
            let rows = store
                .query_articles(&q, crate::store::articles::Sort::Newest, Some(limit))
                .unwrap_or_default();
            Msg::Rows(generation, rows)
        },
    )
}
