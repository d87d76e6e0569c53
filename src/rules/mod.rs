//! Watch rules (`[[rule]]` in feeds.toml): a filter query run by the in-memory evaluator on
//! every new article inside the transaction that stores it. A match is flagged with the rule's
//! label (origin `rule:NAME`) and, when the rule asks, raises an alert: logged by the daemon,
//! shown by the TUI, and handed to an optional `exec` program as JSON on stdin — never through
//! a shell, with a time limit, and never holding up the poll.
//!
//! Spike rules (`spike = "…"`, [`spike`]) watch a query's daily volume instead and alert through
//! the same paths; [`propose`] drafts a rule from an article ("watch for more like this").

pub mod propose;
pub mod spike;

use crate::analyze::Analyzer;
use crate::config::RuleConfig;
use crate::query::{self, ArticleView, Prepared, Query};
use serde::Serialize;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

/// How long an exec hook may run before it is killed.
pub const EXEC_LIMIT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct Rule {
    pub name: String,
    /// The query as written in feeds.toml.
    pub source: String,
    pub query: Query,
    pub flag: String,
    pub alert: bool,
    pub exec: Vec<String>,
    /// Set for a spike rule: its query is counted per day after each poll, never run on
    /// single articles.
    pub spike: Option<spike::Threshold>,
}

#[derive(Debug, thiserror::Error)]
#[error("rule '{name}': {error}")]
pub struct RuleError {
    pub name: String,
    pub error: query::QueryError,
}

/// Compiles the rules of the configuration, query and spike rules alike.
pub fn compile(rules: &[RuleConfig], analyzer: &Analyzer) -> Result<Vec<Rule>, Vec<RuleError>> {
    let now = chrono::Utc::now();
    let mut out = vec![];
    let mut errors = vec![];
    for r in rules {
        let (src, threshold) = match (&r.query, &r.spike) {
            (Some(q), _) => (q, None),
            (None, Some(s)) => (
                s,
                Some(spike::Threshold {
                    multiple: r.multiple,
                    min_count: r.min_count,
                }),
            ),
            (None, None) => continue,
        };
        match query::compile(src, analyzer, now) {
            Ok(q) => out.push(Rule {
                name: r.name.clone(),
                source: src.clone(),
                query: q,
                flag: r.flag.clone().unwrap_or_else(|| "watch".into()),
                alert: r.alert,
                exec: r.exec.clone(),
                spike: threshold,
            }),
            Err(error) => errors.push(RuleError {
                name: r.name.clone(),
                error,
            }),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// A rule that matched an article at ingest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleHit {
    pub rule: String,
    pub flag: String,
    pub alert: bool,
}

/// The query rules that match one article (spike rules never match single articles).
pub fn matching(rules: &[Rule], view: &ArticleView<'_>, prepared: &Prepared) -> Vec<RuleHit> {
    rules
        .iter()
        .filter(|r| r.spike.is_none() && query::eval_prepared(&r.query, view, prepared))
        .map(|r| RuleHit {
            rule: r.name.clone(),
            flag: r.flag.clone(),
            alert: r.alert,
        })
        .collect()
}

/// An alert as the daemon logs it and an exec hook receives it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Alert {
    pub rule: String,
    pub flag: String,
    pub id: i64,
    pub source: String,
    pub title: String,
    pub url: Option<String>,
    pub published_at: String,
}

/// What a rule raised, as front ends receive it ([`crate::poll::PollEvent::Alert`]) and an
/// exec hook reads it: the fields of the alert plus `"kind": "article"` or `"spike"`.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum AlertEvent {
    Article(Alert),
    Spike(spike::SpikeAlert),
}

impl AlertEvent {
    pub fn rule(&self) -> &str {
        match self {
            AlertEvent::Article(a) => &a.rule,
            AlertEvent::Spike(s) => &s.rule,
        }
    }

    /// One line for a status bar or a log. Feed text in it is sanitized at ingest, but a
    /// front end still draws it through its own sanitizing renderer.
    pub fn headline(&self) -> String {
        match self {
            AlertEvent::Article(a) => format!("rule {}: {}", a.rule, a.title),
            AlertEvent::Spike(s) => format!(
                "rule {} spiked: {} articles on {} (a {:.1}/day average before)",
                s.rule, s.count, s.day, s.baseline
            ),
        }
    }
}

/// Runs a rule's exec hook on a background thread: the alert's JSON on stdin, killed after
/// [`EXEC_LIMIT`]. Failures are logged; nothing waits for it.
pub fn spawn_exec(program: &[String], alert: &AlertEvent) {
    let Some((prog, args)) = program.split_first() else {
        return;
    };
    let json = match serde_json::to_vec(alert) {
        Ok(j) => j,
        Err(_) => return,
    };
    let (prog, args, rule) = (prog.clone(), args.to_vec(), alert.rule().to_string());
    let handle = std::thread::spawn(move || {
        if let Err(e) = run_exec(&prog, &args, &json) {
            tracing::warn!(rule = %rule, program = %prog, error = %e, "alert hook failed");
        }
    });
    if let Ok(mut hooks) = HOOKS.lock() {
        hooks.retain(|h| !h.is_finished());
        hooks.push(handle);
    }
}

/// Hooks still running, so that a process about to exit (`rasd poll --once`) can let them
/// finish instead of killing them with it.
static HOOKS: std::sync::Mutex<Vec<std::thread::JoinHandle<()>>> =
    std::sync::Mutex::new(Vec::new());

/// Waits for every exec hook started so far (each is bounded by [`EXEC_LIMIT`]).
pub fn wait_for_hooks() {
    let pending = match HOOKS.lock() {
        Ok(mut hooks) => std::mem::take(&mut *hooks),
        Err(_) => return,
    };
    for h in pending {
        let _ = h.join();
    }
}

/// Runs one hook to completion or the time limit.
pub fn run_exec(
    prog: &str,
    args: &[String],
    stdin: &[u8],
) -> std::io::Result<std::process::ExitStatus> {
    let mut child = Command::new(prog)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    if let Some(mut s) = child.stdin.take() {
        // A hook that does not read its input must not block us: ignore a broken pipe.
        let _ = s.write_all(stdin);
    }
    let deadline = std::time::Instant::now() + EXEC_LIMIT;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        if std::time::Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "killed after the time limit",
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
