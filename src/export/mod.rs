//! Reports for a colleague: the articles matching a filter (by default the flagged ones) as
//! Markdown grouped by day then outlet, CSV, or JSON — each with title, outlet, time, link,
//! actors, topics, flag labels and notes. Feed text is untrusted: Markdown metacharacters are
//! escaped so a title cannot become a link or markup, and CSV cells cannot become formulas.

use crate::analyze::Analyzer;
use crate::output::csv_safe;
use crate::store::flags::ArticleDetail;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Md,
    Csv,
    Json,
}

/// Escapes what Markdown would interpret, so untrusted text stays text.
pub fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        // Brackets are escaped, so a parenthesis can no longer complete a link.
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '~') {
            out.push('\\');
        }
        out.push(if c == '\n' { ' ' } else { c });
    }
    out
}

fn actor_label(a: &Analyzer, key: &str) -> String {
    match a.tagger.actor(key) {
        Some(act) => format!("{} ({})", act.name_en, act.name_ar),
        None => key.to_string(),
    }
}

#[derive(Serialize)]
struct JsonArticle<'a> {
    #[serde(flatten)]
    article: &'a ArticleDetail,
    actor_names: Vec<String>,
}

pub fn write(
    out: &mut dyn Write,
    articles: &[ArticleDetail],
    format: ExportFormat,
    analyzer: &Analyzer,
    filter: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> io::Result<()> {
    match format {
        ExportFormat::Json => {
            let v: Vec<JsonArticle<'_>> = articles
                .iter()
                .map(|a| JsonArticle {
                    article: a,
                    actor_names: a
                        .actors
                        .iter()
                        .map(|(k, _, _)| actor_label(analyzer, k))
                        .collect(),
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &v)?;
            writeln!(out)
        }
        ExportFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "id",
                "published_at",
                "source",
                "source_name",
                "title",
                "url",
                "actors",
                "topics",
                "flags",
                "notes",
            ])?;
            for a in articles {
                let actors: Vec<String> = a.actors.iter().map(|(k, _, _)| k.clone()).collect();
                let flags: Vec<&str> = a.flags.iter().map(|f| f.label.as_str()).collect();
                let notes: Vec<String> = a
                    .flags
                    .iter()
                    .filter_map(|f| f.note.as_ref().map(|n| format!("{}: {n}", f.label)))
                    .collect();
                w.write_record([
                    a.id.to_string(),
                    a.published_at.clone(),
                    csv_safe(&a.source),
                    csv_safe(&a.source_name),
                    csv_safe(&a.title),
                    csv_safe(a.url.as_deref().unwrap_or("")),
                    csv_safe(&actors.join(" ")),
                    csv_safe(&a.topics.join(" ")),
                    csv_safe(&flags.join(" ")),
                    csv_safe(&notes.join(" | ")),
                ])?;
            }
            w.flush()
        }
        ExportFormat::Md => write_markdown(out, articles, analyzer, filter, now),
    }
}

fn write_markdown(
    out: &mut dyn Write,
    articles: &[ArticleDetail],
    analyzer: &Analyzer,
    filter: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> io::Result<()> {
    writeln!(out, "# rasd report\n")?;
    writeln!(
        out,
        "Filter: `{}` · {} articles · generated {}\n",
        filter.replace('`', "'"),
        articles.len(),
        now.format("%Y-%m-%d %H:%M UTC")
    )?;
    let mut sorted: Vec<&ArticleDetail> = articles.iter().collect();
    sorted.sort_by(|a, b| {
        b.published_at[..10.min(b.published_at.len())]
            .cmp(&a.published_at[..10.min(a.published_at.len())])
            .then(a.source_name.cmp(&b.source_name))
            .then(b.published_at.cmp(&a.published_at))
    });
    let mut day = "";
    let mut source = "";
    for a in sorted {
        let d = a.published_at.get(..10).unwrap_or(&a.published_at);
        if d != day {
            writeln!(out, "## {d}\n")?;
            day = d;
            source = "";
        }
        if a.source != source {
            writeln!(
                out,
                "### {} ({})\n",
                md_escape(&a.source_name),
                md_escape(&a.source)
            )?;
            source = &a.source;
        }
        let time = a.published_at.get(11..16).unwrap_or("");
        write!(out, "- **{}** — {time} UTC", md_escape(&a.title))?;
        if let Some(url) = &a.url {
            write!(
                out,
                " · <{}>",
                url.replace(' ', "%20")
                    .replace('>', "%3E")
                    .replace('<', "%3C")
            )?;
        }
        writeln!(out)?;
        if !a.actors.is_empty() {
            let names: Vec<String> = a
                .actors
                .iter()
                .map(|(k, _, _)| md_escape(&actor_label(analyzer, k)))
                .collect();
            writeln!(out, "  - Actors: {}", names.join(", "))?;
        }
        if !a.topics.is_empty() {
            let names: Vec<String> = a
                .topics
                .iter()
                .map(|k| {
                    analyzer
                        .topic(k)
                        .map_or_else(|| k.clone(), |t| format!("{} ({})", t.name_en, t.name_ar))
                })
                .collect();
            writeln!(out, "  - Topics: {}", md_escape(&names.join(", ")))?;
        }
        for f in &a.flags {
            match &f.note {
                Some(n) => writeln!(
                    out,
                    "  - Flag: **{}** — {}",
                    md_escape(&f.label),
                    md_escape(n)
                )?,
                None => writeln!(out, "  - Flag: **{}**", md_escape(&f.label))?,
            }
        }
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_cannot_be_injected() {
        assert_eq!(
            md_escape("[click](http://evil) <script>"),
            "\\[click\\](http://evil) \\<script\\>"
        );
        assert_eq!(md_escape("سطر\nجديد"), "سطر جديد");
    }
}
