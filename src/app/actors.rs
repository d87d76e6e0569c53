//! `rasd actors`: the gazetteer as the analyst sees it, and promoting an unknown name to an
//! actor in the user's actors.toml without disturbing its comments or layout.

use super::{Usage, data_dir, db_path, load_analyzer};
use anyhow::{Context, Result};
use rasd::cli::{ActorsCommand, Global, ListFormat};
use rasd::store::Store;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

pub fn run(g: &Global, cmd: ActorsCommand) -> Result<ExitCode> {
    match cmd {
        ActorsCommand::List(f) => list(g, f.format),
        ActorsCommand::Show { key } => show(g, &key),
        ActorsCommand::AddCandidate {
            name,
            key,
            name_en,
            kind,
            country,
        } => add(g, &name, key, name_en, &kind, country),
    }
}

fn counts(store: &Store) -> Result<std::collections::HashMap<String, i64>> {
    let mut st = store
        .conn
        .prepare("SELECT actor_key, count(*) FROM article_actors GROUP BY actor_key")?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn list(g: &Global, format: Option<ListFormat>) -> Result<ExitCode> {
    let store = Store::open(&db_path(g))?;
    let analyzer = load_analyzer(g, vec![])?;
    let n = counts(&store)?;
    let format = format.unwrap_or(if std::io::stdout().is_terminal() {
        ListFormat::Table
    } else {
        ListFormat::Json
    });
    let mut keys: Vec<&str> = analyzer.tagger.keys().collect();
    keys.sort_by_key(|k| (std::cmp::Reverse(n.get(*k).copied().unwrap_or(0)), *k));
    let mut out = std::io::stdout().lock();
    match format {
        ListFormat::Json => {
            let v: Vec<serde_json::Value> = keys
                .iter()
                .filter_map(|k| analyzer.tagger.actor(k))
                .map(|a| {
                    serde_json::json!({"key": a.key, "kind": a.kind, "name_en": a.name_en, "name_ar": a.name_ar,
                        "articles": n.get(&a.key).copied().unwrap_or(0)})
                })
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        }
        ListFormat::Table => {
            let rows: Vec<Vec<String>> = keys
                .iter()
                .filter_map(|k| analyzer.tagger.actor(k))
                .map(|a| {
                    vec![
                        a.key.clone(),
                        format!("{:?}", a.kind).to_lowercase(),
                        n.get(&a.key).copied().unwrap_or(0).to_string(),
                        a.name_en.clone(),
                        a.name_ar.clone(),
                    ]
                })
                .collect();
            write!(
                out,
                "{}",
                rasd::output::text_table(&["KEY", "KIND", "ARTICLES", "ENGLISH", "ARABIC"], &rows)
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn show(g: &Global, key: &str) -> Result<ExitCode> {
    let analyzer = load_analyzer(g, vec![])?;
    let resolved = rasd::query::Vocabulary::actor(&analyzer, key)
        .ok_or_else(|| Usage(format!("unknown actor '{key}'")))?;
    let a = analyzer
        .tagger
        .actor(&resolved)
        .ok_or_else(|| Usage(format!("unknown actor '{key}'")))?;
    let store = Store::open(&db_path(g))?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} — {} / {} ({:?})",
        a.key, a.name_en, a.name_ar, a.kind
    )?;
    if let Some(c) = &a.country {
        writeln!(out, "country: {c}")?;
    }
    writeln!(out, "Arabic: {}", a.aliases_ar.join("، "))?;
    writeln!(out, "English: {}", a.aliases_en.join(", "))?;
    if !a.context.is_empty() {
        writeln!(out, "needs context: {}", a.context.join("، "))?;
    }
    let (articles, last): (i64, Option<String>) = store.conn.query_row(
        "SELECT count(*), max(a.published_at) FROM article_actors x JOIN articles a ON a.id = x.article_id WHERE x.actor_key = ?1",
        [&a.key],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    writeln!(
        out,
        "articles: {articles}{}",
        last.map(|l| format!(", latest {l}")).unwrap_or_default()
    )?;
    let mut st = store.conn.prepare(
        "SELECT o.actor_key, count(*) FROM article_actors m JOIN article_actors o ON o.article_id = m.article_id AND o.actor_key != m.actor_key
         WHERE m.actor_key = ?1 GROUP BY o.actor_key ORDER BY 2 DESC LIMIT 10",
    )?;
    let co: Vec<String> = st
        .query_map([&a.key], |r| {
            Ok(format!(
                "{} ({})",
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    if !co.is_empty() {
        writeln!(out, "named with: {}", co.join(", "))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn slug(s: &str) -> String {
    let mut k = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            k.push(c.to_ascii_lowercase());
        } else if !k.ends_with('-') && !k.is_empty() {
            k.push('-');
        }
    }
    k.trim_end_matches('-').to_string()
}

fn add(
    g: &Global,
    name: &str,
    key: Option<String>,
    name_en: Option<String>,
    kind: &str,
    country: Option<String>,
) -> Result<ExitCode> {
    if !matches!(kind, "person" | "org" | "country" | "group" | "place") {
        return Err(Usage(format!(
            "invalid kind '{kind}' (person, org, country, group or place)"
        ))
        .into());
    }
    let name = rasd::text::sanitize(name.trim());
    if name.is_empty() {
        return Err(Usage("an empty name".into()).into());
    }
    let analyzer = load_analyzer(g, vec![])?;
    if let Some(existing) = rasd::query::Vocabulary::actor(&analyzer, &name) {
        return Err(Usage(format!("'{name}' is already the actor '{existing}'")).into());
    }
    let dir = data_dir(g).unwrap_or_else(rasd::config::paths::config_dir);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join("actors.toml");
    // A first addition starts from the built-in gazetteer, so the user's file is complete.
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            include_str!("../../data/actors.toml").to_string()
        }
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .with_context(|| format!("parsing {}", path.display()))?;
    let keys: std::collections::HashSet<String> =
        analyzer.tagger.keys().map(str::to_string).collect();
    let mut key = key
        .or_else(|| name_en.as_deref().map(slug).filter(|k| !k.is_empty()))
        .unwrap_or_else(|| "candidate".into());
    let stem = key.clone();
    let mut n = 2;
    while keys.contains(&key) {
        key = format!("{stem}-{n}");
        n += 1;
    }
    let mut t = toml_edit::Table::new();
    t["key"] = toml_edit::value(key.clone());
    t["kind"] = toml_edit::value(kind);
    t["name_en"] = toml_edit::value(name_en.unwrap_or_else(|| name.clone()));
    t["name_ar"] = toml_edit::value(name.clone());
    let mut aliases = toml_edit::Array::new();
    aliases.push(name.clone());
    t["aliases_ar"] = toml_edit::value(aliases);
    if let Some(c) = country {
        t["country"] = toml_edit::value(c.to_ascii_lowercase());
    }
    t.decor_mut()
        .set_prefix("\n# added by `rasd actors add-candidate`\n");
    let Some(actors) = doc
        .entry("actor")
        .or_insert(toml_edit::Item::ArrayOfTables(Default::default()))
        .as_array_of_tables_mut()
    else {
        return Err(Usage(format!(
            "{}: 'actor' is not a list of tables",
            path.display()
        ))
        .into());
    };
    actors.push(t);
    // Check the result loads before replacing the user's file.
    rasd::tag::Gazetteer::from_toml(&doc.to_string())
        .map_err(|e| Usage(format!("the new entry would break {}: {e}", path.display())))?;
    std::fs::write(&path, doc.to_string())
        .with_context(|| format!("writing {}", path.display()))?;
    println!(
        "added actor '{key}' ({name}) to {}; run `rasd retag` to tag stored articles",
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}
