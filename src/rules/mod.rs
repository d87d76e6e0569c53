//! Watch rules (`[[rule]]` in feeds.toml): a filter query run by the in-memory evaluator on
//! every new article inside the transaction that stores it. A match is flagged with the rule's
//! label (origin `rule:NAME`) and, when the rule asks, raises an alert: logged by the daemon,
//! shown by the TUI, and handed to an optional `exec` program as JSON on stdin — never through
//! a shell, with a time limit, and never holding up the poll.

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
    pub query: Query,
    pub flag: String,
    pub alert: bool,
    pub exec: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("rule '{name}': {error}")]
pub struct RuleError {
    pub name: String,
    pub error: query::QueryError,
}

/// Compiles the query rules of the configuration (spike rules are volume watches, not
/// per-article filters, and are not run here).
pub fn compile(rules: &[RuleConfig], analyzer: &Analyzer) -> Result<Vec<Rule>, Vec<RuleError>> {
    let now = chrono::Utc::now();
    let mut out = vec![];
    let mut errors = vec![];
    for r in rules {
        let Some(src) = &r.query else { continue };
        match query::compile(src, analyzer, now) {
            Ok(q) => out.push(Rule {
                name: r.name.clone(),
                query: q,
                flag: r.flag.clone().unwrap_or_else(|| "watch".into()),
                alert: r.alert,
                exec: r.exec.clone(),
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

/// The rules that match one article.
pub fn matching(rules: &[Rule], view: &ArticleView<'_>, prepared: &Prepared) -> Vec<RuleHit> {
    rules
        .iter()
        .filter(|r| query::eval_prepared(&r.query, view, prepared))
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

/// Runs a rule's exec hook on a background thread: the alert's JSON on stdin, killed after
/// [`EXEC_LIMIT`]. Failures are logged; nothing waits for it.
pub fn spawn_exec(program: &[String], alert: &Alert) {
    let Some((prog, args)) = program.split_first() else {
        return;
    };
    let json = match serde_json::to_vec(alert) {
        Ok(j) => j,
        Err(_) => return,
    };
    let (prog, args, rule) = (prog.clone(), args.to_vec(), alert.rule.clone());
    std::thread::spawn(move || {
        if let Err(e) = run_exec(&prog, &args, &json) {
            tracing::warn!(rule = %rule, program = %prog, error = %e, "alert hook failed");
        }
    });
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
