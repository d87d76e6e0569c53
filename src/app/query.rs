//! `rasd query`, `rasd tag`, `rasd retag`, `rasd sql`: the commands that read and re-tag.

use super::{Usage, db_path, load_analyzer};
use anyhow::{Context, Result};
use rasd::analyze::ArticleFacts;
use rasd::cli::{Global, ListFormat, QueryArgs, TagFormat};
use rasd::output::{self, Format};
use rasd::store::Store;
use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

/// A query error as the user typed it: the message, the query, and a caret under the spot.
pub fn query_error(src: &str, e: &rasd::query::QueryError) -> Usage {
    let line = src.lines().nth(e.line.saturating_sub(1)).unwrap_or(src);
    let caret = format!("{}^", " ".repeat(e.col.saturating_sub(1)));
    Usage(format!("{e}\n  {line}\n  {caret}"))
}

pub fn query(g: &Global, args: QueryArgs) -> Result<ExitCode> {
    let src = args
        .expr
        .into_iter()
        .chain(args.more)
        .collect::<Vec<_>>()
        .join(" ");
    let db = db_path(g);
    let store = Store::open(&db).with_context(|| format!("opening {}", db.display()))?;
    let analyzer = load_analyzer(g, store.sources()?)?;
    let q = rasd::query::compile(&src, &analyzer, chrono::Utc::now())
        .map_err(|e| query_error(&src, &e))?;
    let tty = std::io::stdout().is_terminal();
    let format = args
        .format
        .unwrap_or(if tty { Format::Table } else { Format::Json });
    let limit = args.limit.or((format == Format::Table).then_some(50));
    let rows = store.query_articles(&q, args.sort, limit)?;
    let mut out = std::io::stdout().lock();
    output::write_articles(&mut out, &rows, format, output::terminal_width())?;
    if format == Format::Table && tty {
        writeln!(out, "{} articles", rows.len())?;
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(serde::Serialize)]
struct TagActor<'a> {
    key: &'a str,
    name_en: &'a str,
    name_ar: &'a str,
    kind: rasd::tag::Kind,
    mentions: u32,
}

#[derive(serde::Serialize)]
struct TagTopic<'a> {
    key: &'a str,
    name_en: &'a str,
    name_ar: &'a str,
}

#[derive(serde::Serialize)]
struct TagCandidate<'a> {
    name: &'a str,
    title: &'a str,
    mentions: u32,
}

pub fn tag(g: &Global, format: TagFormat) -> Result<ExitCode> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("reading stdin")?;
    let input = rasd::text::sanitize(&input);
    let (title, body) = input.split_once('\n').unwrap_or((input.as_str(), ""));
    let analyzer = load_analyzer(g, vec![])?;
    let a = analyzer.analyze(&ArticleFacts {
        title: title.trim(),
        text: body,
        source_key: "stdin",
        source_name: "stdin",
        country: None,
        lang: Some("ar"),
        published_at: chrono::Utc::now(),
        fts: None,
    });
    let actors: Vec<TagActor<'_>> = a
        .actors
        .iter()
        .filter_map(|h| {
            let act = analyzer.tagger.actor(&h.key)?;
            Some(TagActor {
                key: &act.key,
                name_en: &act.name_en,
                name_ar: &act.name_ar,
                kind: act.kind,
                mentions: h.mentions,
            })
        })
        .collect();
    let topics: Vec<TagTopic<'_>> = a
        .topics
        .iter()
        .filter_map(|k| analyzer.topic(k))
        .map(|t| TagTopic {
            key: &t.key,
            name_en: &t.name_en,
            name_ar: &t.name_ar,
        })
        .collect();
    let candidates: Vec<TagCandidate<'_>> = a
        .candidates
        .iter()
        .map(|c| TagCandidate {
            name: &c.name,
            title: &c.role,
            mentions: c.mentions,
        })
        .collect();
    let mut out = std::io::stdout().lock();
    match format {
        TagFormat::Json => {
            let v =
                serde_json::json!({ "actors": actors, "topics": topics, "candidates": candidates });
            writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        }
        TagFormat::Text => {
            writeln!(out, "actors:")?;
            for a in &actors {
                writeln!(
                    out,
                    "  {:<28} {} / {} ×{}",
                    a.key, a.name_en, a.name_ar, a.mentions
                )?;
            }
            writeln!(out, "topics:")?;
            for t in &topics {
                writeln!(out, "  {:<28} {} / {}", t.key, t.name_en, t.name_ar)?;
            }
            writeln!(out, "candidates:")?;
            for c in &candidates {
                writeln!(out, "  {} — {} ×{}", c.name, c.title, c.mentions)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn retag(g: &Global, filter: Option<String>) -> Result<ExitCode> {
    let db = db_path(g);
    let mut store = Store::open(&db).with_context(|| format!("opening {}", db.display()))?;
    let analyzer = load_analyzer(g, store.sources()?)?;
    let src = filter.unwrap_or_default();
    let q = rasd::query::compile(&src, &analyzer, chrono::Utc::now())
        .map_err(|e| query_error(&src, &e))?;
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = indicatif::ProgressBar::new(0);
        b.set_style(
            indicatif::ProgressStyle::with_template("retagging {pos}/{len} {wide_bar} {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let started = std::time::Instant::now();
    let n = store.retag(&q, &analyzer, 500, |done, total| {
        if let Some(b) = &bar {
            b.set_length(total as u64);
            b.set_position(done as u64);
        }
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    println!(
        "retagged {n} articles in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn sql(g: &Global, sql: &str, format: Option<ListFormat>) -> Result<ExitCode> {
    let db = db_path(g);
    let store = Store::open(&db).with_context(|| format!("opening {}", db.display()))?;
    let (columns, rows) = store
        .run_sql(sql)
        .map_err(|e| Usage(format!("SQL error: {e}")))?;
    let format = format.unwrap_or(if std::io::stdout().is_terminal() {
        ListFormat::Table
    } else {
        ListFormat::Json
    });
    let mut out = std::io::stdout().lock();
    match format {
        ListFormat::Json => {
            let objs: Vec<serde_json::Map<String, serde_json::Value>> = rows
                .into_iter()
                .map(|r| columns.iter().cloned().zip(r).collect())
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&objs)?)?;
        }
        ListFormat::Table => {
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|v| {
                            v.as_str().map_or_else(
                                || v.to_string(),
                                |s| rasd::text::sanitize(s).replace('\n', " "),
                            )
                        })
                        .collect()
                })
                .collect();
            write!(out, "{}", output::text_table(&columns, &cells))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn export(
    g: &Global,
    expr: Option<String>,
    format: rasd::export::ExportFormat,
    output: Option<std::path::PathBuf>,
) -> Result<ExitCode> {
    let src = expr.unwrap_or_else(|| "flagged".into());
    let db = db_path(g);
    let store = Store::open(&db).with_context(|| format!("opening {}", db.display()))?;
    let analyzer = load_analyzer(g, store.sources()?)?;
    let now = chrono::Utc::now();
    let q = rasd::query::compile(&src, &analyzer, now).map_err(|e| query_error(&src, &e))?;
    let rows = store.query_articles(&q, rasd::store::articles::Sort::Newest, None)?;
    let mut details = Vec::with_capacity(rows.len());
    for r in &rows {
        if let Some(d) = store.article(r.id)? {
            details.push(d);
        }
    }
    match output {
        Some(path) => {
            let mut f = std::io::BufWriter::new(
                std::fs::File::create(&path)
                    .with_context(|| format!("creating {}", path.display()))?,
            );
            rasd::export::write(&mut f, &details, format, &analyzer, &src, now)?;
            f.flush()?;
            eprintln!("wrote {} articles to {}", details.len(), path.display());
        }
        None => rasd::export::write(
            &mut std::io::stdout().lock(),
            &details,
            format,
            &analyzer,
            &src,
            now,
        )?,
    }
    Ok(ExitCode::SUCCESS)
}

pub fn rules(g: &Global, cmd: rasd::cli::RulesCommand) -> Result<ExitCode> {
    use rasd::cli::RulesCommand;
    let config = super::load_config(g)?;
    let db = db_path(g);
    let mut store = Store::open(&db).with_context(|| format!("opening {}", db.display()))?;
    store.sync_feeds(&config.feeds)?;
    let analyzer = load_analyzer(g, store.sources()?)?;
    let rules = super::compile_rules(&config, &analyzer)?;
    let find = |name: &str| -> Result<&rasd::rules::Rule> {
        rules.iter().find(|r| r.name == name).ok_or_else(|| {
            let names: Vec<&str> = rules.iter().map(|r| r.name.as_str()).collect();
            Usage(format!(
                "no rule named '{name}' (rules: {})",
                names.join(", ")
            ))
            .into()
        })
    };
    let mut out = std::io::stdout().lock();
    match cmd {
        RulesCommand::List => {
            let rows: Vec<Vec<String>> = config
                .rules
                .iter()
                .map(|r| {
                    let flagged = if r.spike.is_some() {
                        let days = store.spikes_of(&r.name).map_or(0, |v| v.len());
                        format!("{days} spike days")
                    } else {
                        store.rule_flag_count(&r.name).unwrap_or(0).to_string()
                    };
                    vec![
                        r.name.clone(),
                        r.query
                            .clone()
                            .or_else(|| r.spike.as_ref().map(|s| format!("spike: {s}")))
                            .unwrap_or_default(),
                        // A spike rule flags no article.
                        if r.spike.is_some() {
                            "-".into()
                        } else {
                            r.flag.clone().unwrap_or_else(|| "watch".into())
                        },
                        if r.alert { "yes".into() } else { "no".into() },
                        flagged,
                    ]
                })
                .collect();
            write!(
                out,
                "{}",
                output::text_table(&["RULE", "QUERY", "FLAG", "ALERT", "FLAGGED"], &rows)
            )?;
        }
        RulesCommand::Test { name, limit } => {
            let rule = find(&name)?;
            if let Some(t) = rule.spike {
                return spike_test(&store, rule, t, limit, &mut out);
            }
            let rows = store.query_articles(
                &rule.query,
                rasd::store::articles::Sort::Newest,
                limit.or(Some(50)),
            )?;
            output::write_articles(&mut out, &rows, Format::Table, output::terminal_width())?;
            writeln!(out, "{} articles match rule '{}'", rows.len(), rule.name)?;
        }
        RulesCommand::Apply { name } => {
            let rule = find(&name)?.clone();
            if rule.spike.is_some() {
                return Err(Usage(format!(
                    "rule '{name}' is a spike rule: it watches volume and flags no article \
                     (`rasd rules test {name}` lists the days it would have fired)"
                ))
                .into());
            }
            let rows =
                store.query_articles(&rule.query, rasd::store::articles::Sort::Newest, None)?;
            let origin = format!("rule:{}", rule.name);
            let mut n = 0;
            for r in &rows {
                if !r.flags.contains(&rule.flag)
                    && store.flag(r.id, &rule.flag, None, &origin, None)?
                {
                    n += 1;
                }
            }
            writeln!(
                out,
                "flagged {n} articles as {} ({} matched rule '{}')",
                rule.flag,
                rows.len(),
                rule.name
            )?;
        }
        RulesCommand::Propose {
            id,
            save,
            label,
            query,
            format,
        } => {
            drop(out);
            let path = config
                .path
                .clone()
                .unwrap_or_else(|| std::path::PathBuf::from("feeds.toml"));
            return propose(&store, &analyzer, &path, id, save, label, query, format);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `rasd rules test` on a spike rule: the days in the archive it would have fired on.
fn spike_test(
    store: &Store,
    rule: &rasd::rules::Rule,
    t: rasd::rules::spike::Threshold,
    limit: Option<usize>,
    out: &mut impl Write,
) -> Result<ExitCode> {
    let now = chrono::Utc::now();
    let since = rasd::store::spikes::collecting_since(&store.conn)?;
    let span = since.map_or(1, |d| (now.date_naive() - d).num_days().max(0) as u64 + 1);
    let mut days = rasd::rules::spike::history(store, &rule.query, t, span, now)?;
    let recorded: std::collections::HashSet<String> = store
        .spikes_of(&rule.name)?
        .into_iter()
        .map(|s| s.day)
        .collect();
    // Newest first, like every other listing.
    days.reverse();
    let total = days.len();
    days.truncate(limit.unwrap_or(50));
    let rows: Vec<Vec<String>> = days
        .iter()
        .map(|d| {
            let day = d.day.format("%Y-%m-%d").to_string();
            vec![
                day.clone(),
                d.count.to_string(),
                format!("{:.1}", d.baseline),
                if recorded.contains(&day) {
                    "fired".into()
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    write!(
        out,
        "{}",
        output::text_table(&["DAY", "ARTICLES", "14-DAY AVG", "RECORDED"], &rows)
    )?;
    writeln!(
        out,
        "spike rule '{}' would have fired on {total} days (over {}× the 14-day average and at least {} articles)",
        rule.name, t.multiple, t.min_count
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `rasd rules propose ID [--save NAME]`.
#[allow(clippy::too_many_arguments)]
fn propose(
    store: &Store,
    analyzer: &rasd::analyze::Analyzer,
    feeds: &std::path::Path,
    id: i64,
    save: Option<String>,
    label: Option<String>,
    query: Option<String>,
    format: Option<ListFormat>,
) -> Result<ExitCode> {
    let Some(mut p) = rasd::rules::propose::propose(store, analyzer, id)? else {
        return Err(Usage(format!("no article with id {id}")).into());
    };
    if let Some(q) = query {
        rasd::query::compile(&q, analyzer, chrono::Utc::now()).map_err(|e| query_error(&q, &e))?;
        p.match_count = rasd::rules::propose::matching_ids(store, analyzer, &q)?.len();
        p.matches = rasd::rules::propose::newest(store, analyzer, &q)?;
        p.query = q;
    }
    if p.query.trim().is_empty() {
        return Err(Usage(format!(
            "article {id} names no actor and no distinctive word to watch for; give one with --query"
        ))
        .into());
    }
    let flag = label.unwrap_or_else(|| "watch".into());
    let mut out = std::io::stdout().lock();
    if let Some(name) = save {
        rasd::rules::propose::save(feeds, &name, &p.query, &flag, true)
            .map_err(|e| Usage(e.to_string()))?;
        writeln!(
            out,
            "added rule '{name}' to {}: {} (flag {flag}; matches {} archived articles)",
            feeds.display(),
            p.query,
            p.match_count
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let format = format.unwrap_or(if std::io::stdout().is_terminal() {
        ListFormat::Table
    } else {
        ListFormat::Json
    });
    if format == ListFormat::Json {
        writeln!(out, "{}", serde_json::to_string_pretty(&p)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "proposed from article {id}: {}",
        rasd::text::sanitize(&p.title).replace('\n', " ")
    )?;
    let actors: Vec<String> = p
        .actors
        .iter()
        .map(|a| {
            let title = if a.in_title { ", in the title" } else { "" };
            format!("{} ×{}{title}", a.key, a.mentions)
        })
        .collect();
    writeln!(out, "  key actors:        {}", actors.join("; "))?;
    let terms: Vec<String> = p
        .terms
        .iter()
        .map(|t| format!("{} (in {} articles)", t.word, t.docs))
        .collect();
    writeln!(out, "  distinctive terms: {}", terms.join("; "))?;
    writeln!(out, "  matches now:       {} articles", p.match_count)?;
    let shown: Vec<_> = p.matches.iter().take(10).cloned().collect();
    output::write_articles(&mut out, &shown, Format::Table, output::terminal_width())?;
    let mut snippet = toml_edit::DocumentMut::new();
    let mut t = toml_edit::Table::new();
    t["name"] = toml_edit::value(format!("like-{id}"));
    t["query"] = toml_edit::value(p.query.as_str());
    t["flag"] = toml_edit::value(flag.as_str());
    t["alert"] = toml_edit::value(true);
    let mut rules = toml_edit::ArrayOfTables::new();
    rules.push(t);
    snippet.insert("rule", toml_edit::Item::ArrayOfTables(rules));
    writeln!(out, "\n{snippet}")?;
    writeln!(
        out,
        "save it with: rasd rules propose {id} --save NAME [--label L] [--query '…']"
    )?;
    Ok(ExitCode::SUCCESS)
}

pub fn similar(g: &Global, id: i64, limit: usize, format: Option<ListFormat>) -> Result<ExitCode> {
    let db = db_path(g);
    let store = Store::open(&db).with_context(|| format!("opening {}", db.display()))?;
    if store.article(id)?.is_none() {
        return Err(Usage(format!("no article with id {id}")).into());
    }
    let rows = rasd::story::similar::similar(&store, id, limit)?;
    let format = format.unwrap_or(if std::io::stdout().is_terminal() {
        ListFormat::Table
    } else {
        ListFormat::Json
    });
    let mut out = std::io::stdout().lock();
    match format {
        ListFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)?,
        ListFormat::Table => {
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|s| {
                    vec![
                        s.id.to_string(),
                        format!("{:.2}", s.score),
                        if s.same_story {
                            "story".into()
                        } else {
                            String::new()
                        },
                        s.published_at
                            .get(..16)
                            .unwrap_or(&s.published_at)
                            .replace('T', " "),
                        s.source.clone(),
                        s.title.clone(),
                    ]
                })
                .collect();
            write!(
                out,
                "{}",
                output::text_table(&["ID", "SCORE", "", "PUBLISHED", "SOURCE", "TITLE"], &cells)
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
