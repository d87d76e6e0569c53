//! Configuration: `feeds.toml` (or, for scripts and benchmarks, an OPML file or a plain list of
//! feed URLs) read into raw types, then validated into the types the rest of rasd uses.
//!
//! Every problem is reported at once, each as `PATH:LINE:COL: message` with the bad value quoted.
//! Nothing downstream sees a raw string from the file.

pub mod paths;
mod raw;

use crate::util::{parse_duration, parse_size};
use raw::{RawConfig, RawFeed};
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;
use toml::Spanned;
use url::Url;

/// A problem in a configuration file, positioned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: PathBuf,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.col,
            self.message
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", .0.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Diagnostic>),
}

/// Where a feed's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedSource {
    Http(Url),
    File(PathBuf),
}

impl fmt::Display for FeedSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FeedSource::Http(u) => write!(f, "{u}"),
            FeedSource::File(p) => write!(f, "{}", p.display()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct FeedConfig {
    pub key: String,
    pub name: String,
    pub source: FeedSource,
    pub country: Option<String>,
    pub lang: Option<String>,
    pub tags: Vec<String>,
    pub interval: Option<Duration>,
    pub fulltext: Option<bool>,
    pub enabled: bool,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub interval: Duration,
    pub concurrency: usize,
    pub per_host: usize,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    pub max_bytes: u64,
    pub max_items: usize,
    pub fulltext: bool,
    /// Cluster new articles into stories at ingest (on by default; off to measure its cost or
    /// to save it on a machine that never looks at stories).
    pub stories: bool,
    pub user_agent: String,
    /// Right-to-left layout in the UI: "app" (rasd reorders and shapes) or "terminal".
    pub rtl: String,
    /// Ring the terminal bell on alerts.
    pub bell: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            interval: Duration::from_secs(15 * 60),
            concurrency: 16,
            per_host: 2,
            timeout: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(10),
            max_bytes: 20_000_000,
            max_items: 2000,
            fulltext: false,
            stories: true,
            user_agent: concat!(
                "rasd/",
                env!("CARGO_PKG_VERSION"),
                " (Arabic news monitor; feed reader)"
            )
            .to_string(),
            rtl: "app".to_string(),
            bell: false,
        }
    }
}

#[derive(Debug, Clone)]
pub struct RuleConfig {
    pub name: String,
    pub query: Option<String>,
    pub spike: Option<String>,
    pub flag: Option<String>,
    pub alert: bool,
    pub exec: Vec<String>,
    /// Spike rules: fire when today's count exceeds this multiple of the trailing average.
    pub multiple: f64,
    pub min_count: u32,
}

#[derive(Debug, Clone, Default)]
pub struct Config {
    pub path: Option<PathBuf>,
    pub settings: Settings,
    pub feeds: Vec<FeedConfig>,
    /// Flag labels by their TUI key, in file order.
    pub labels: Vec<(String, String)>,
    pub rules: Vec<RuleConfig>,
}

impl Config {
    /// Loads a configuration file: TOML by default, OPML when it looks like XML, and a plain
    /// list of URLs (one per line, `#` comments) otherwise.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let is_toml = path.extension().is_some_and(|e| e == "toml");
        let trimmed = text.trim_start();
        if !is_toml && trimmed.starts_with('<') {
            let feeds = crate::feeds_cmd::opml::parse(&text).map_err(|m| {
                ConfigError::Invalid(vec![Diagnostic {
                    path: path.into(),
                    line: 1,
                    col: 1,
                    message: m,
                }])
            })?;
            return Ok(Config::from_urls(path, feeds));
        }
        if !is_toml && looks_like_url_list(&text) {
            let urls = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(|l| (String::new(), l.to_string()))
                .collect();
            return Ok(Config::from_urls(path, urls));
        }
        parse_toml(path, &text)
    }

    /// A configuration with default settings and one feed per `(name, url)`.
    fn from_urls(path: &Path, entries: Vec<(String, String)>) -> Config {
        let base = path.parent().unwrap_or(Path::new("."));
        let mut seen = HashSet::new();
        let feeds = entries
            .into_iter()
            .filter_map(|(name, url)| {
                let source = parse_source(&url, base).ok()?;
                let mut key = key_from_url(&url);
                let stem = key.clone();
                let mut n = 2;
                while !seen.insert(key.clone()) {
                    key = format!("{stem}-{n}");
                    n += 1;
                }
                Some(FeedConfig {
                    name: if name.is_empty() { key.clone() } else { name },
                    key,
                    source,
                    country: None,
                    lang: None,
                    tags: vec![],
                    interval: None,
                    fulltext: None,
                    enabled: true,
                })
            })
            .collect();
        Config {
            path: Some(path.to_path_buf()),
            feeds,
            ..Config::default()
        }
    }

    pub fn feed(&self, key: &str) -> Option<&FeedConfig> {
        self.feeds.iter().find(|f| f.key == key)
    }
}

fn looks_like_url_list(text: &str) -> bool {
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    lines.all(|l| !l.contains(char::is_whitespace) && (l.contains("://") || l.starts_with('/')))
}

/// A stable key from a URL: host and path, lower-case, non-alphanumerics as hyphens.
pub fn key_from_url(url: &str) -> String {
    let body = url.split_once("://").map_or(url, |(_, rest)| rest);
    let body = body.trim_start_matches("www.");
    let mut key = String::new();
    for c in body.chars() {
        if c.is_ascii_alphanumeric() {
            key.push(c.to_ascii_lowercase());
        } else if !key.ends_with('-') && !key.is_empty() {
            key.push('-');
        }
    }
    let key = key.trim_end_matches('-');
    key.chars()
        .take(60)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

/// `http(s)://…` URLs, `file://…` URLs and plain paths (relative to the config file).
pub fn parse_source(raw: &str, base: &Path) -> Result<FeedSource, String> {
    if raw.starts_with("http://") || raw.starts_with("https://") {
        return Url::parse(raw)
            .map(FeedSource::Http)
            .map_err(|e| format!("invalid URL '{raw}': {e}"));
    }
    if raw.starts_with("file://") {
        let u = Url::parse(raw).map_err(|e| format!("invalid file URL '{raw}': {e}"))?;
        return u
            .to_file_path()
            .map(FeedSource::File)
            .map_err(|()| format!("invalid file URL '{raw}'"));
    }
    if raw.contains("://") {
        return Err(format!(
            "unsupported URL scheme in '{raw}' (use http, https, file or a path)"
        ));
    }
    if raw.is_empty() {
        return Err("empty URL".into());
    }
    let p = Path::new(raw);
    Ok(FeedSource::File(if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    }))
}

struct Ctx<'a> {
    path: &'a Path,
    text: &'a str,
    diags: Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn at(&mut self, offset: usize, message: String) {
        let (line, col) = line_col(self.text, offset);
        self.diags.push(Diagnostic {
            path: self.path.to_path_buf(),
            line,
            col,
            message,
        });
    }
    fn span<T>(&mut self, v: &Spanned<T>, message: String) {
        self.at(v.span().start, message);
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn parse_toml(path: &Path, text: &str) -> Result<Config, ConfigError> {
    let mut cx = Ctx {
        path,
        text,
        diags: vec![],
    };
    let raw: RawConfig = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let offset = e.span().map_or(0, |s| s.start);
            cx.at(offset, e.message().trim().replace('\n', " "));
            return Err(ConfigError::Invalid(cx.diags));
        }
    };
    let base = path.parent().unwrap_or(Path::new("."));
    let mut settings = Settings::default();
    if let Some(s) = raw.settings {
        if let Some(v) = s.interval {
            match parse_duration(v.get_ref()) {
                Some(d) if d >= Duration::from_secs(60) => settings.interval = d,
                _ => cx.span(
                    &v,
                    format!(
                        "invalid interval '{}' (expected e.g. \"15m\", at least 1m)",
                        v.get_ref()
                    ),
                ),
            }
        }
        if let Some(v) = s.timeout {
            match parse_duration(v.get_ref()) {
                Some(d) if d > Duration::ZERO => {
                    settings.timeout = d;
                    settings.read_timeout = settings.read_timeout.min(d);
                    settings.connect_timeout = settings.connect_timeout.min(d);
                }
                _ => cx.span(
                    &v,
                    format!("invalid timeout '{}' (expected e.g. \"20s\")", v.get_ref()),
                ),
            }
        }
        if let Some(v) = s.max_bytes {
            match parse_size(v.get_ref()) {
                Some(n) if n >= 1024 => settings.max_bytes = n,
                _ => cx.span(
                    &v,
                    format!(
                        "invalid max_bytes '{}' (expected e.g. \"20MB\")",
                        v.get_ref()
                    ),
                ),
            }
        }
        for (field, v, target) in [
            ("concurrency", s.concurrency, &mut settings.concurrency),
            ("per_host", s.per_host, &mut settings.per_host),
            ("max_items", s.max_items, &mut settings.max_items),
        ] {
            if let Some(v) = v {
                match usize::try_from(*v.get_ref()) {
                    Ok(n) if (1..=100_000).contains(&n) => *target = n,
                    _ => cx.span(
                        &v,
                        format!(
                            "invalid {field} '{}' (expected a positive number)",
                            v.get_ref()
                        ),
                    ),
                }
            }
        }
        if let Some(f) = s.fulltext {
            settings.fulltext = f;
        }
        if let Some(f) = s.stories {
            settings.stories = f;
        }
        if let Some(ua) = s.user_agent {
            settings.user_agent = ua;
        }
        if let Some(v) = s.rtl {
            match v.get_ref().as_str() {
                "app" | "terminal" => settings.rtl = v.into_inner(),
                other => cx.span(
                    &v,
                    format!("invalid rtl '{other}' (expected \"app\" or \"terminal\")"),
                ),
            }
        }
        if let Some(b) = s.bell {
            settings.bell = b;
        }
    }

    let mut keys: BTreeMap<String, usize> = BTreeMap::new();
    let mut feeds = vec![];
    for f in raw.feed {
        if let Some(fc) = validate_feed(&mut cx, f, base, &mut keys) {
            feeds.push(fc);
        }
    }

    let mut labels = vec![];
    let mut label_names = HashSet::new();
    for (k, v) in raw.labels {
        if k.chars().count() != 1 {
            cx.span(&v, format!("label key '{k}' must be a single character"));
        }
        let name = v.into_inner();
        if name.trim().is_empty() || !label_names.insert(name.clone()) {
            continue;
        }
        labels.push((k, name));
    }

    let mut rules = vec![];
    let mut rule_names = HashSet::new();
    for r in raw.rule {
        let name = r.name.get_ref().clone();
        if !rule_names.insert(name.clone()) {
            cx.span(&r.name, format!("duplicate rule name '{name}'"));
        }
        if r.query.is_none() == r.spike.is_none() {
            cx.span(
                &r.name,
                format!("rule '{name}' needs exactly one of 'query' or 'spike'"),
            );
        }
        if let Some(exec) = &r.exec
            && exec.get_ref().is_empty()
        {
            cx.span(exec, format!("rule '{name}': exec needs a program"));
        }
        if let Some(m) = r.multiple
            && !(m.is_finite() && m > 0.0)
        {
            cx.span(
                &r.name,
                format!(
                    "rule '{name}': invalid multiple '{m}' (expected a positive number, e.g. 3.0)"
                ),
            );
        }
        let is_spike = r.spike.is_some();
        rules.push(RuleConfig {
            name,
            query: r.query.map(Spanned::into_inner),
            spike: r.spike.map(Spanned::into_inner),
            flag: r.flag,
            // A spike rule exists to tell someone; a query rule may just flag quietly.
            alert: r.alert.unwrap_or(is_spike),
            exec: r.exec.map(Spanned::into_inner).unwrap_or_default(),
            multiple: r.multiple.unwrap_or(3.0),
            min_count: r
                .min_count
                .map_or(5, |n| n.clamp(0, u32::MAX as i64) as u32),
        });
    }

    if cx.diags.is_empty() {
        Ok(Config {
            path: Some(path.to_path_buf()),
            settings,
            feeds,
            labels,
            rules,
        })
    } else {
        Err(ConfigError::Invalid(cx.diags))
    }
}

fn validate_feed(
    cx: &mut Ctx<'_>,
    f: RawFeed,
    base: &Path,
    keys: &mut BTreeMap<String, usize>,
) -> Option<FeedConfig> {
    let key = f.key.get_ref().clone();
    let mut ok = true;
    if key.is_empty()
        || !key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        cx.span(
            &f.key,
            format!("invalid feed key '{key}' (use lower-case letters, digits, '-' or '_')"),
        );
        ok = false;
    }
    if let Some(&first) = keys.get(&key) {
        let (line, _) = line_col(cx.text, first);
        cx.span(
            &f.key,
            format!("duplicate feed key '{key}' (first used on line {line})"),
        );
        ok = false;
    } else {
        keys.insert(key.clone(), f.key.span().start);
    }
    let source = match parse_source(f.url.get_ref().trim(), base) {
        Ok(s) => Some(s),
        Err(m) => {
            cx.span(&f.url, m);
            None
        }
    };
    let interval = match &f.interval {
        Some(v) => match parse_duration(v.get_ref()) {
            Some(d) if d >= Duration::from_secs(60) => Some(d),
            _ => {
                cx.span(
                    v,
                    format!(
                        "invalid interval '{}' (expected e.g. \"30m\", at least 1m)",
                        v.get_ref()
                    ),
                );
                ok = false;
                None
            }
        },
        None => None,
    };
    let country = match f.country {
        Some(c)
            if c.get_ref().len() == 2 && c.get_ref().chars().all(|x| x.is_ascii_alphabetic()) =>
        {
            Some(c.into_inner().to_ascii_uppercase())
        }
        Some(c) => {
            cx.span(
                &c,
                format!(
                    "invalid country '{}' (expected a two-letter ISO code)",
                    c.get_ref()
                ),
            );
            None
        }
        None => None,
    };
    let source = source?;
    ok.then(|| FeedConfig {
        name: f.name.unwrap_or_else(|| key.clone()),
        key,
        source,
        country,
        lang: f.lang,
        tags: f.tags,
        interval,
        fulltext: f.fulltext,
        enabled: f.enabled.unwrap_or(true),
    })
}

#[cfg(test)]
mod tests;
