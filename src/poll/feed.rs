//! One feed, one poll: fetch (following autodiscovery once when the URL is a web page), parse
//! off the async threads, decide the feed's health and next poll, hand the result to the writer.

use super::{Ctx, FeedResult, PollError};
use crate::config::{FeedConfig, FeedSource};
use crate::feed::{self, FeedError, Parsed};
use crate::fetch::{self, FetchError, Fetched, Validators, schedule};
use crate::store::{FeedState, FeedUpdate, Outcome};
use chrono::Utc;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use url::Url;

/// A failure with the status the feed should show and, for 429/503, the server's wish.
struct Failure {
    message: String,
    status: &'static str,
    http_status: Option<u16>,
    retry_after: Option<Duration>,
    gone: bool,
}

impl From<FetchError> for Failure {
    fn from(e: FetchError) -> Self {
        let (retry_after, http_status) = match &e {
            FetchError::Status {
                status,
                retry_after,
                ..
            } => (*retry_after, Some(*status)),
            _ => (None, None),
        };
        let gone = http_status == Some(410);
        let message = if gone {
            "HTTP 410 Gone: the outlet removed this feed; polling stopped (change its URL in feeds.toml to resume)".to_string()
        } else {
            e.to_string()
        };
        Failure {
            message,
            status: if gone { "gone" } else { "failing" },
            http_status,
            retry_after,
            gone,
        }
    }
}

impl From<FeedError> for Failure {
    fn from(e: FeedError) -> Self {
        let status = if matches!(e, FeedError::Empty(_)) {
            "parse-empty"
        } else {
            "failing"
        };
        Failure {
            message: e.to_string(),
            status,
            http_status: None,
            retry_after: None,
            gone: false,
        }
    }
}

struct Success {
    fetched: Option<(Parsed, u64)>,
    http_status: Option<u16>,
    validators: Validators,
    feed_url: Option<String>,
    final_url: Option<String>,
    moved_to: Option<String>,
}

pub(super) async fn poll_feed(
    ctx: Arc<Ctx>,
    state: FeedState,
    cfg: FeedConfig,
) -> Result<FeedResult, PollError> {
    if ctx.stop.load(Ordering::SeqCst) {
        return Err(PollError::WriterGone);
    }
    let _slot = ctx
        .global
        .acquire()
        .await
        .map_err(|_| PollError::WriterGone)?;
    let started = Instant::now();
    let at = Utc::now();
    let result = fetch_and_parse(&ctx, &state, &cfg).await;
    let interval = cfg.interval.unwrap_or(ctx.default_interval);
    let duration_ms = started.elapsed().as_millis() as u64;
    let (update, report) = match result {
        Ok(s) => {
            let bytes = s.fetched.as_ref().map_or(0, |(_, b)| *b);
            let outcome = match s.fetched {
                Some((parsed, _)) => Outcome::Fetched {
                    items: parsed.items,
                    encoding: parsed.encoding.to_string(),
                },
                None => Outcome::NotModified,
            };
            let upd = FeedUpdate {
                feed_id: state.id,
                at,
                duration_ms,
                http_status: s.http_status,
                bytes,
                outcome,
                etag: s.validators.etag,
                last_modified: s.validators.last_modified,
                feed_url: s.feed_url,
                moved_to: s.moved_to,
                final_url: s.final_url,
                next_poll_at: at
                    + chrono::Duration::from_std(schedule::next_delay(interval, 0, None))
                        .unwrap_or_default(),
                consecutive_failures: 0,
                disable: false,
            };
            (upd, None)
        }
        Err(f) => {
            let failures = state.consecutive_failures + 1;
            let delay = schedule::next_delay(interval, failures, f.retry_after);
            tracing::info!(feed = %state.key, error = %f.message, failures, "feed failed");
            let upd = FeedUpdate {
                feed_id: state.id,
                at,
                duration_ms,
                http_status: f.http_status,
                bytes: 0,
                outcome: Outcome::Failed {
                    error: f.message.clone(),
                    status: f.status,
                },
                etag: None,
                last_modified: None,
                feed_url: None,
                moved_to: None,
                final_url: None,
                next_poll_at: at + chrono::Duration::from_std(delay).unwrap_or_default(),
                consecutive_failures: failures,
                disable: f.gone,
            };
            (upd, Some(f.message))
        }
    };
    let not_modified = matches!(update.outcome, Outcome::NotModified);
    let (tx, rx) = tokio::sync::oneshot::channel();
    ctx.writer
        .send((update, tx))
        .await
        .map_err(|_| PollError::WriterGone)?;
    let stats = rx.await.map_err(|_| PollError::WriterGone)??;
    Ok(match report {
        Some(error) => FeedResult::Failed { error },
        None if not_modified => FeedResult::NotModified,
        None => FeedResult::Fetched {
            new: stats.new,
            updated: stats.updated,
            alerts: stats.alerts,
        },
    })
}

async fn fetch_and_parse(
    ctx: &Ctx,
    state: &FeedState,
    cfg: &FeedConfig,
) -> Result<Success, Failure> {
    let validators = Validators {
        etag: state.etag.clone(),
        last_modified: state.last_modified.clone(),
    };
    let max_items = ctx.max_items;
    match &cfg.source {
        FeedSource::File(path) => {
            let path = path.clone();
            let max = ctx.fetcher.max_bytes();
            let fetched =
                tokio::task::spawn_blocking(move || fetch::read_file(&path, &validators, max))
                    .await
                    .map_err(|e| Failure::from(FetchError::Io(e.to_string())))??;
            match fetched {
                Fetched::NotModified { .. } => Ok(not_modified(None)),
                Fetched::Body(body) => {
                    let validators = body.validators.clone();
                    let parsed =
                        parse_off_thread(ctx, cfg, body.bytes, None, None, max_items).await?;
                    Ok(Success {
                        fetched: Some(parsed),
                        http_status: None,
                        validators,
                        feed_url: None,
                        final_url: None,
                        moved_to: None,
                    })
                }
            }
        }
        FeedSource::Http(configured) => {
            let discovered = state.feed_url.as_deref().and_then(|u| Url::parse(u).ok());
            let target = discovered.clone().unwrap_or_else(|| configured.clone());
            let body = match ctx.fetch(&target, &validators).await? {
                Fetched::NotModified { status } => return Ok(not_modified(status)),
                Fetched::Body(b) => b,
            };
            let base = body.final_url.clone().unwrap_or_else(|| target.clone());
            let (bytes, charset) = (body.bytes, body.charset.clone());
            match parse_off_thread(
                ctx,
                cfg,
                bytes.clone(),
                charset.clone(),
                Some(base.clone()),
                max_items,
            )
            .await
            {
                Ok(parsed) => Ok(Success {
                    fetched: Some(parsed),
                    http_status: body.status,
                    validators: body.validators,
                    feed_url: None,
                    final_url: body.final_url.map(|u| u.to_string()),
                    moved_to: body.moved_to.map(|u| u.to_string()),
                }),
                Err(Failure { .. }) if discovered.is_none() && is_html_page(&bytes) => {
                    discover(ctx, cfg, &bytes, charset.as_deref(), &base, max_items).await
                }
                Err(f) => Err(f),
            }
        }
    }
}

fn not_modified(status: Option<u16>) -> Success {
    Success {
        fetched: None,
        http_status: status,
        validators: Validators::default(),
        feed_url: None,
        final_url: None,
        moved_to: None,
    }
}

fn is_html_page(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_ascii_lowercase();
    head.contains("<html") || head.contains("<!doctype html")
}

/// The configured URL is a web page: try the feeds it advertises, remember the first that works.
async fn discover(
    ctx: &Ctx,
    cfg: &FeedConfig,
    page: &[u8],
    charset: Option<&str>,
    base: &Url,
    max_items: usize,
) -> Result<Success, Failure> {
    let html = feed::decode::decode(page, charset).text;
    let links = feed::discover::feed_links(&html, base);
    if links.is_empty() {
        return Err(Failure::from(FeedError::NotAFeed(
            "the URL serves an HTML page that advertises no feed (<link rel=\"alternate\" type=\"application/rss+xml\">)".into(),
        )));
    }
    let mut last = None;
    for link in links.into_iter().take(3) {
        match ctx.fetch(&link, &Validators::default()).await {
            Ok(Fetched::Body(b)) => {
                let final_url = b.final_url.clone().unwrap_or_else(|| link.clone());
                match parse_off_thread(
                    ctx,
                    cfg,
                    b.bytes,
                    b.charset,
                    Some(final_url.clone()),
                    max_items,
                )
                .await
                {
                    Ok(parsed) => {
                        tracing::info!(feed = %link, "discovered feed");
                        return Ok(Success {
                            fetched: Some(parsed),
                            http_status: b.status,
                            validators: b.validators,
                            feed_url: Some(link.to_string()),
                            final_url: Some(final_url.to_string()),
                            moved_to: None,
                        });
                    }
                    Err(f) => last = Some(f),
                }
            }
            Ok(Fetched::NotModified { .. }) => {}
            Err(e) => last = Some(Failure::from(e)),
        }
    }
    Err(last.map_or_else(
        || {
            Failure::from(FeedError::NotAFeed(
                "no advertised feed could be read".into(),
            ))
        },
        |f| Failure {
            message: format!("discovered feed: {}", f.message),
            ..f
        },
    ))
}

async fn parse_off_thread(
    ctx: &Ctx,
    cfg: &FeedConfig,
    bytes: Vec<u8>,
    charset: Option<String>,
    base: Option<Url>,
    max_items: usize,
) -> Result<(Parsed, u64), Failure> {
    let n = bytes.len() as u64;
    // Parsing is CPU work: as many at once as there are cores, so memory stays flat however
    // many bodies have arrived.
    let _slot = ctx
        .parse_slots
        .acquire()
        .await
        .map_err(|e| Failure::from(FeedError::Parse(e.to_string())))?;
    let analyzer = ctx.analyzer.clone();
    let rules = ctx.rules.clone();
    let stories = ctx.stories;
    let (key, name, country, lang) = (
        cfg.key.clone(),
        cfg.name.clone(),
        cfg.country.clone(),
        cfg.lang.clone(),
    );
    let parsed = tokio::task::spawn_blocking(move || {
        let mut parsed = feed::parse(&bytes, charset.as_deref(), base.as_ref(), max_items)?;
        if stories {
            for it in &mut parsed.items {
                it.signature = crate::story::fingerprint(&it.fts_title, &it.fts_body);
            }
        }
        if let Some(a) = analyzer {
            let now = Utc::now();
            for it in &mut parsed.items {
                it.analysis = a.analyze_with_rules(
                    &crate::analyze::ArticleFacts {
                        title: &it.title,
                        text: &it.summary,
                        source_key: &key,
                        source_name: &name,
                        country: country.as_deref(),
                        lang: it.lang.as_deref().or(lang.as_deref()),
                        published_at: it.published.unwrap_or(now),
                        fts: Some((&it.fts_title, &it.fts_body)),
                    },
                    &rules,
                );
            }
        }
        Ok::<_, FeedError>(parsed)
    })
    .await
    .map_err(|e| Failure::from(FeedError::Parse(e.to_string())))??;
    Ok((parsed, n))
}
