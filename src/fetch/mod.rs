//! Getting a feed's bytes: HTTP(S) with conditional GET, timeouts, a cap on decoded bytes
//! enforced while streaming (compressed bombs stop at the cap), redirects followed by hand so
//! permanent moves and https→http downgrades are seen; and local files for archives and tests.
//!
//! It never interprets the bytes: charset and parsing belong to `feed`.

pub mod schedule;

use crate::config::Settings;
use std::path::Path;
use std::time::Duration;
use url::Url;

const MAX_REDIRECTS: usize = 10;

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum FetchError {
    #[error("HTTP {status}{}", reason.as_deref().map(|r| format!(" {r}")).unwrap_or_default())]
    Status {
        status: u16,
        reason: Option<String>,
        retry_after: Option<Duration>,
    },
    #[error(
        "response larger than {limit} bytes (after decompression); raise max_bytes if this is a real feed"
    )]
    TooLarge { limit: u64 },
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    #[error("cannot connect: {0}")]
    Connect(String),
    #[error("too many redirects (more than {MAX_REDIRECTS})")]
    Redirects,
    #[error("refused redirect from https to http ({0})")]
    Downgrade(String),
    #[error("{0}")]
    Http(String),
    #[error("cannot read {0}")]
    Io(String),
}

impl FetchError {
    pub fn http_status(&self) -> Option<u16> {
        match self {
            FetchError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// Validators from the last successful fetch.
#[derive(Debug, Clone, Default)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

#[derive(Debug)]
pub enum Fetched {
    Body(Box<Body>),
    NotModified { status: Option<u16> },
}

#[derive(Debug)]
pub struct Body {
    pub bytes: Vec<u8>,
    pub status: Option<u16>,
    pub charset: Option<String>,
    pub validators: Validators,
    pub final_url: Option<Url>,
    /// Set when every redirect on the way was permanent (301/308).
    pub moved_to: Option<Url>,
}

/// One HTTP client for the whole poll: its connection pool is shared by all feeds.
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    max_bytes: u64,
    total_timeout: Duration,
}

impl Fetcher {
    pub fn new(s: &Settings) -> Result<Fetcher, FetchError> {
        let client = reqwest::Client::builder()
            .user_agent(s.user_agent.clone())
            .connect_timeout(s.connect_timeout)
            .read_timeout(s.read_timeout)
            .timeout(s.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(s.per_host.max(1))
            .build()
            .map_err(|e| FetchError::Http(e.to_string()))?;
        Ok(Fetcher {
            client,
            max_bytes: s.max_bytes,
            total_timeout: s.timeout,
        })
    }

    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// Fetches `url`, conditionally when validators are known. The whole exchange, redirects
    /// and body included, must finish within the total timeout.
    pub async fn fetch(&self, url: &Url, v: &Validators) -> Result<Fetched, FetchError> {
        let deadline = self.total_timeout + Duration::from_millis(250);
        match tokio::time::timeout(deadline, self.fetch_inner(url, v)).await {
            Ok(r) => r,
            Err(_) => Err(FetchError::Timeout(self.total_timeout)),
        }
    }

    async fn fetch_inner(&self, url: &Url, v: &Validators) -> Result<Fetched, FetchError> {
        let mut current = url.clone();
        let mut all_permanent = true;
        for _ in 0..=MAX_REDIRECTS {
            let mut req = self.client.get(current.clone()).header(
                reqwest::header::ACCEPT,
                "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
            );
            if let Some(e) = &v.etag {
                req = req.header(reqwest::header::IF_NONE_MATCH, e);
            }
            if let Some(lm) = &v.last_modified {
                req = req.header(reqwest::header::IF_MODIFIED_SINCE, lm);
            }
            let mut resp = req.send().await.map_err(|e| self.classify(e))?;
            let status = resp.status();
            if status.is_redirection() && status != reqwest::StatusCode::NOT_MODIFIED {
                let loc = resp
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .and_then(|l| current.join(l).ok())
                    .ok_or_else(|| {
                        FetchError::Http(format!(
                            "HTTP {} without a usable Location",
                            status.as_u16()
                        ))
                    })?;
                if current.scheme() == "https" && loc.scheme() == "http" {
                    return Err(FetchError::Downgrade(loc.to_string()));
                }
                all_permanent &= matches!(status.as_u16(), 301 | 308);
                current = loc;
                continue;
            }
            if status == reqwest::StatusCode::NOT_MODIFIED {
                return Ok(Fetched::NotModified { status: Some(304) });
            }
            if !status.is_success() {
                let retry_after = resp
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|h| h.to_str().ok())
                    .and_then(parse_retry_after);
                return Err(FetchError::Status {
                    status: status.as_u16(),
                    reason: status.canonical_reason().map(str::to_string),
                    retry_after,
                });
            }
            let header = |name| {
                resp.headers()
                    .get(name)
                    .and_then(|h: &reqwest::header::HeaderValue| h.to_str().ok())
                    .map(str::to_string)
            };
            let validators = Validators {
                etag: header(reqwest::header::ETAG),
                last_modified: header(reqwest::header::LAST_MODIFIED),
            };
            let charset = header(reqwest::header::CONTENT_TYPE).and_then(|ct| charset_of(&ct));
            let mut bytes = Vec::new();
            while let Some(chunk) = resp.chunk().await.map_err(|e| self.classify(e))? {
                if bytes.len() as u64 + chunk.len() as u64 > self.max_bytes {
                    return Err(FetchError::TooLarge {
                        limit: self.max_bytes,
                    });
                }
                bytes.extend_from_slice(&chunk);
            }
            let moved = (current != *url && all_permanent).then(|| current.clone());
            return Ok(Fetched::Body(Box::new(Body {
                bytes,
                status: Some(status.as_u16()),
                charset,
                validators,
                final_url: Some(current),
                moved_to: moved,
            })));
        }
        Err(FetchError::Redirects)
    }

    fn classify(&self, e: reqwest::Error) -> FetchError {
        if e.is_timeout() {
            FetchError::Timeout(self.total_timeout)
        } else if e.is_connect() {
            FetchError::Connect(root_cause(&e))
        } else {
            FetchError::Http(root_cause(&e))
        }
    }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut msg = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        msg = s.to_string();
        src = s.source();
    }
    msg
}

/// Reads a local feed file. Its modification time and size act as the validator, so an
/// unchanged file costs nothing on the next poll.
pub fn read_file(path: &Path, v: &Validators, max_bytes: u64) -> Result<Fetched, FetchError> {
    use std::io::Read;
    let io = |e: std::io::Error| FetchError::Io(format!("{}: {e}", path.display()));
    let meta = std::fs::metadata(path).map_err(io)?;
    let mtime = meta.modified().ok().map(|t| {
        chrono::DateTime::<chrono::Utc>::from(t)
            .timestamp_nanos_opt()
            .unwrap_or(0)
    });
    let stamp = format!("file:{}:{}", mtime.unwrap_or(0), meta.len());
    if v.last_modified.as_deref() == Some(stamp.as_str()) {
        return Ok(Fetched::NotModified { status: None });
    }
    if meta.len() > max_bytes {
        return Err(FetchError::TooLarge { limit: max_bytes });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        .map_err(io)?
        .take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    Ok(Fetched::Body(Box::new(Body {
        bytes,
        status: None,
        charset: None,
        validators: Validators {
            etag: None,
            last_modified: Some(stamp),
        },
        final_url: None,
        moved_to: None,
    })))
}

/// `charset=` of a Content-Type header.
pub fn charset_of(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case("charset")).then(|| v.trim().trim_matches('"').to_string())
    })
}

/// Retry-After is either seconds or an HTTP date.
pub fn parse_retry_after(v: &str) -> Option<Duration> {
    if let Ok(secs) = v.trim().parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = crate::feed::dates::parse(v)?;
    (when - chrono::Utc::now()).to_std().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_helpers() {
        assert_eq!(
            charset_of("text/xml; charset=\"windows-1256\"").as_deref(),
            Some("windows-1256")
        );
        assert_eq!(charset_of("text/xml"), None);
        assert_eq!(parse_retry_after("120"), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }
}
