//! The binary's edge: resolves paths, loads configuration, runs commands, prints results.
//! Errors get their context here (anyhow); the library reports typed errors.

use anyhow::{Context, Result};
use rasd::cli::{Cli, Command, FeedsCommand, ListFormat, PollArgs};
use rasd::config::{Config, paths};
use rasd::poll::{PollEvent, Poller, Summary};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

mod actors;
mod query;

/// A mistake in what the user asked for (a bad query, bad SQL): printed as is, exit status 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Usage(pub String);

/// Where the user's actors.toml / topics.toml live: `--data`, else the config directory when
/// it holds either file (where `rasd actors add-candidate` writes).
pub fn data_dir(g: &rasd::cli::Global) -> Option<std::path::PathBuf> {
    g.data.clone().or_else(|| {
        let dir = paths::config_dir();
        (dir.join("actors.toml").exists() || dir.join("topics.toml").exists()).then_some(dir)
    })
}

/// The gazetteer and topics, from `--data` when given.
pub fn load_analyzer(
    g: &rasd::cli::Global,
    sources: Vec<(String, String)>,
) -> Result<rasd::analyze::Analyzer> {
    rasd::analyze::Analyzer::load(data_dir(g).as_deref(), sources)
        .context("loading actors and topics")
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    // Log lines on stderr would be drawn over the TUI's screen.
    let tui_mode = matches!(cli.command, None | Some(Command::Tui { .. }));
    let daemon = matches!(&cli.command, Some(Command::Poll(p)) if p.daemon);
    if !tui_mode {
        init_logging(if daemon { "info" } else { "warn" });
    }
    let mut g = cli.global.clone();
    // The demo lives as long as this function: its folder is removed when it drops.
    let _demo = if cli.demo {
        let d = rasd::demo::prepare(g.data.as_deref()).context("preparing the demo")?;
        g.db = Some(d.db.clone());
        g.feeds = Some(d.feeds.clone());
        if !tui_mode {
            eprintln!(
                "rasd demo: 80 articles from 8 bundled feeds in {}",
                d.dir.display()
            );
        }
        Some(d)
    } else {
        None
    };
    match cli.command {
        Some(Command::Poll(args)) => poll(&g, args),
        Some(Command::Query(args)) => query::query(&g, args),
        Some(Command::Tag { format }) => query::tag(&g, format),
        Some(Command::Retag { filter }) => query::retag(&g, filter),
        Some(Command::Sql { sql, format }) => query::sql(&g, &sql, format),
        Some(Command::Export {
            expr,
            format,
            output,
        }) => query::export(&g, expr, format, output),
        Some(Command::Similar { id, limit, format }) => query::similar(&g, id, limit, format),
        Some(Command::Completions { shell }) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "rasd", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Man) => {
            let cmd = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(cmd).render(&mut std::io::stdout())?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Actors { command }) => actors::run(
            &g,
            command.unwrap_or(rasd::cli::ActorsCommand::List(Default::default())),
        ),
        Some(Command::Rules { command }) => {
            query::rules(&g, command.unwrap_or(rasd::cli::RulesCommand::List))
        }
        Some(Command::Flag { id, label, note }) => flag(&g, id, label, note),
        Some(Command::Unflag { id, label }) => unflag(&g, id, label),
        Some(Command::Feeds { command }) => feeds(
            &g,
            command.unwrap_or(FeedsCommand::List(Default::default())),
        ),
        Some(Command::Tui { no_poll }) => tui(&g, no_poll),
        // The demo's feeds are bundled files: nothing to poll.
        None => tui(&g, cli.demo),
    }
}

fn tui(g: &rasd::cli::Global, no_poll: bool) -> Result<ExitCode> {
    let config = load_config(g)?;
    let sources = config
        .feeds
        .iter()
        .map(|f| (f.key.clone(), f.name.clone()))
        .collect();
    let analyzer = std::sync::Arc::new(load_analyzer(g, sources)?);
    compile_rules(&config, &analyzer)?;
    rasd::tui::run(&db_path(g), config, analyzer, no_poll)?;
    Ok(ExitCode::SUCCESS)
}

/// Logs go to stderr, in colour only on a terminal without NO_COLOR. The daemon logs at info
/// (alerts, poll rounds) by default; other commands only warn.
fn init_logging(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("RASD_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let ansi = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

pub fn db_path(g: &rasd::cli::Global) -> PathBuf {
    g.db.clone().unwrap_or_else(paths::default_db)
}

pub fn load_config(g: &rasd::cli::Global) -> Result<Config> {
    let path = match &g.feeds {
        Some(p) => p.clone(),
        None => {
            let p = paths::default_feeds();
            // First run outside the repository: start from the shipped outlets.
            if !p.exists() {
                if let Some(dir) = p.parent() {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("creating {}", dir.display()))?;
                }
                std::fs::write(&p, include_str!("../../feeds.toml"))
                    .with_context(|| format!("writing {}", p.display()))?;
                eprintln!(
                    "rasd: created {} with the default Arabic outlets; edit it to choose yours",
                    p.display()
                );
            }
            p
        }
    };
    Ok(Config::load(&path)?)
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

fn poll(g: &rasd::cli::Global, args: PollArgs) -> Result<ExitCode> {
    let config = load_config(g)?;
    let db = db_path(g);
    let sources = config
        .feeds
        .iter()
        .map(|f| (f.key.clone(), f.name.clone()))
        .collect();
    let analyzer = std::sync::Arc::new(load_analyzer(g, sources)?);
    let rules = compile_rules(&config, &analyzer)?;
    let poller = Poller::new(&db, config)
        .with_context(|| format!("opening {}", db.display()))?
        .with_analyzer(analyzer)
        .with_rules(rules);
    let rt = runtime()?;
    if args.daemon {
        let Some(_lock) =
            rasd::store::DaemonLock::acquire(&db).context("taking the daemon lock")?
        else {
            anyhow::bail!(
                "another `rasd poll --daemon` is already running on {}",
                db.display()
            );
        };
        let stop = poller.stop_flag();
        return rt.block_on(async {
            tokio::spawn(async move {
                wait_for_signal().await;
                stop.store(true, std::sync::atomic::Ordering::SeqCst);
            });
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
            let log = tokio::spawn(async move {
                while let Some(ev) = rx.recv().await {
                    if let PollEvent::Finished(s) = ev
                        && (s.feeds > 0)
                    {
                        tracing::info!(
                            feeds = s.feeds,
                            new = s.new_articles,
                            failed = s.failed.len(),
                            "poll round finished in {:.1}s",
                            s.elapsed.as_secs_f64()
                        );
                    }
                }
            });
            poller.daemon(Some(tx)).await?;
            let _ = log.await;
            Ok(ExitCode::SUCCESS)
        });
    }
    let tty = std::io::stderr().is_terminal() && !args.quiet;
    let summary = rt.block_on(async {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let progress = tokio::spawn(async move {
            let mut bar: Option<indicatif::ProgressBar> = None;
            while let Some(ev) = rx.recv().await {
                match ev {
                    PollEvent::Started { feeds } if tty => {
                        let b = indicatif::ProgressBar::new(feeds as u64);
                        b.set_style(
                            indicatif::ProgressStyle::with_template(
                                "{spinner} polling {pos}/{len} feeds {wide_bar} {msg}",
                            )
                            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                        );
                        bar = Some(b);
                    }
                    PollEvent::Feed { key, .. } => {
                        if let Some(b) = &bar {
                            b.inc(1);
                            b.set_message(key);
                        }
                    }
                    PollEvent::Finished(_) => {
                        if let Some(b) = bar.take() {
                            b.finish_and_clear();
                        }
                    }
                    _ => {}
                }
            }
        });
        let stop = poller.stop_flag();
        tokio::spawn(async move {
            wait_for_signal().await;
            stop.store(true, std::sync::atomic::Ordering::SeqCst);
        });
        let s = poller.poll_once(args.all, Some(tx)).await;
        let _ = progress.await;
        s
    })?;
    if !args.quiet {
        print_summary(&summary)?;
    }
    // Alert hooks run beside the poll; exiting now would kill them mid-delivery.
    rasd::rules::wait_for_hooks();
    Ok(ExitCode::SUCCESS)
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            return std::future::pending().await;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn print_summary(s: &Summary) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "polled {} feeds in {:.1}s: {} fetched, {} not modified, {} failed; {} new articles, {} updated{}{}",
        s.feeds,
        s.elapsed.as_secs_f64(),
        s.fetched,
        s.not_modified,
        s.failed.len(),
        s.new_articles,
        s.updated_articles,
        if s.alerts > 0 {
            format!("; {} alerts", s.alerts)
        } else {
            String::new()
        },
        s.peak_rss_kb
            .map(|kb| format!("; peak memory {} MB", kb / 1024))
            .unwrap_or_default()
    )?;
    for (key, err) in &s.failed {
        writeln!(out, "  failed {key}: {err}")?;
    }
    Ok(())
}

fn feeds(g: &rasd::cli::Global, cmd: FeedsCommand) -> Result<ExitCode> {
    match cmd {
        FeedsCommand::List(f) => feed_health(g, f.format),
        FeedsCommand::Check(f) => {
            poll(
                g,
                PollArgs {
                    once: true,
                    daemon: false,
                    all: true,
                    quiet: true,
                },
            )?;
            feed_health(g, f.format)
        }
        FeedsCommand::Import { file } => {
            let target = g.feeds.clone().unwrap_or_else(paths::default_feeds);
            let added = rasd::feeds_cmd::import_opml(&file, &target)?;
            println!("added {added} feeds to {}", target.display());
            Ok(ExitCode::SUCCESS)
        }
        FeedsCommand::Export => {
            let config = load_config(g)?;
            print!("{}", rasd::feeds_cmd::opml::export(&config));
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn feed_health(g: &rasd::cli::Global, format: Option<ListFormat>) -> Result<ExitCode> {
    let config = load_config(g)?;
    let db = db_path(g);
    let mut store =
        rasd::store::Store::open(&db).with_context(|| format!("opening {}", db.display()))?;
    store.sync_feeds(&config.feeds)?;
    let rows = store.feed_health()?;
    let format = format.unwrap_or(if std::io::stdout().is_terminal() {
        ListFormat::Table
    } else {
        ListFormat::Json
    });
    let mut out = std::io::stdout().lock();
    match format {
        ListFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)?,
        ListFormat::Table => write!(out, "{}", rasd::feeds_cmd::health_table(&rows))?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The watch rules of the configuration; a bad rule query is a configuration error (exit 2).
pub fn compile_rules(
    config: &Config,
    analyzer: &rasd::analyze::Analyzer,
) -> Result<Vec<rasd::rules::Rule>> {
    rasd::rules::compile(&config.rules, analyzer).map_err(|errs| {
        let path = config
            .path
            .as_ref()
            .map_or_else(|| "feeds.toml".into(), |p| p.display().to_string());
        let msg: Vec<String> = errs.iter().map(|e| format!("{path}: {e}")).collect();
        anyhow::Error::new(Usage(msg.join("\n")))
    })
}

fn user() -> Option<String> {
    std::env::var("USER").ok().filter(|u| !u.is_empty())
}

fn flag(
    g: &rasd::cli::Global,
    id: i64,
    label: Option<String>,
    note: Option<String>,
) -> Result<ExitCode> {
    let label = match label {
        Some(l) => l,
        None => load_config(g)
            .ok()
            .and_then(|c| c.labels.first().map(|(_, l)| l.clone()))
            .unwrap_or_else(|| "flagged".into()),
    };
    let db = db_path(g);
    let mut store =
        rasd::store::Store::open(&db).with_context(|| format!("opening {}", db.display()))?;
    if !store.flag(id, &label, note.as_deref(), "user", user().as_deref())? {
        return Err(Usage(format!("no article with id {id}")).into());
    }
    println!("flagged {id} as {label}");
    Ok(ExitCode::SUCCESS)
}

fn unflag(g: &rasd::cli::Global, id: i64, label: Option<String>) -> Result<ExitCode> {
    let db = db_path(g);
    let mut store =
        rasd::store::Store::open(&db).with_context(|| format!("opening {}", db.display()))?;
    let n = store.unflag(id, label.as_deref(), user().as_deref())?;
    println!(
        "removed {n} flag{} from {id}",
        if n == 1 { "" } else { "s" }
    );
    Ok(ExitCode::SUCCESS)
}
