//! Printing articles for people and scripts: a table that fits the terminal (Arabic titles
//! right-aligned in their column), CSV safe to open in a spreadsheet, JSON and NDJSON in the
//! DESIGN.md shape. Text has been sanitized at ingest; CSV additionally defuses formulas.

use crate::store::articles::ArticleRow;
use std::io::{self, Write};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
    Ndjson,
}

pub fn write_articles(
    out: &mut dyn Write,
    rows: &[ArticleRow],
    format: Format,
    width: usize,
) -> io::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, rows)?;
            writeln!(out)
        }
        Format::Ndjson => {
            for r in rows {
                serde_json::to_writer(&mut *out, r)?;
                writeln!(out)?;
            }
            Ok(())
        }
        Format::Csv => write_csv(out, rows),
        Format::Table => write_table(out, rows, width),
    }
}

/// A cell a spreadsheet would run as a formula gets a leading apostrophe.
pub fn csv_safe(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn write_csv(out: &mut dyn Write, rows: &[ArticleRow]) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "id",
        "source",
        "source_name",
        "published_at",
        "title",
        "url",
        "actors",
        "topics",
        "flags",
        "summary",
    ])?;
    for r in rows {
        w.write_record([
            r.id.to_string(),
            csv_safe(&r.source),
            csv_safe(&r.source_name),
            r.published_at.clone(),
            csv_safe(&r.title),
            csv_safe(r.url.as_deref().unwrap_or("")),
            csv_safe(&r.actors.join(" ")),
            csv_safe(&r.topics.join(" ")),
            csv_safe(&r.flags.join(" ")),
            csv_safe(&r.summary),
        ])?;
    }
    w.flush()
}

/// Cuts `s` to `width` columns, marking the cut with an ellipsis at the logical end.
pub fn fit(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw + 1 > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

fn is_rtl(s: &str) -> bool {
    s.chars().find(|c| c.is_alphabetic()).is_some_and(|c| {
        ('\u{0590}'..='\u{08FF}').contains(&c) || ('\u{FB1D}'..='\u{FEFC}').contains(&c)
    })
}

fn write_table(out: &mut dyn Write, rows: &[ArticleRow], width: usize) -> io::Result<()> {
    let src_w = rows
        .iter()
        .map(|r| r.source.width())
        .max()
        .unwrap_or(6)
        .clamp(6, 18);
    let fixed = 8 + 2 + 16 + 2 + src_w + 2;
    let title_w = width.saturating_sub(fixed).max(20);
    writeln!(
        out,
        "{:>8}  {:<16}  {:<src_w$}  TITLE",
        "ID", "PUBLISHED", "SOURCE"
    )?;
    for r in rows {
        let when = r
            .published_at
            .get(..16)
            .unwrap_or(&r.published_at)
            .replace('T', " ");
        let title = fit(&r.title, title_w);
        let pad = title_w.saturating_sub(title.width());
        let source = fit(&r.source, src_w);
        let spad = src_w.saturating_sub(source.width());
        // Arabic titles sit against the right edge of their column, as an Arabic reader expects.
        let title = if is_rtl(&r.title) {
            format!("{}{title}", " ".repeat(pad))
        } else {
            title
        };
        writeln!(
            out,
            "{:>8}  {when:<16}  {source}{}  {}",
            r.id,
            " ".repeat(spad),
            title.trim_end()
        )?;
    }
    Ok(())
}

/// Columns padded to their widest cell (display width, so Arabic and wide characters align).
pub fn text_table<S: AsRef<str>>(headers: &[S], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.as_ref().width()).collect();
    for row in rows {
        for (i, c) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(c.width().min(80));
            }
        }
    }
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut l = String::new();
        for (i, c) in cells.enumerate() {
            let c = fit(c, widths[i]);
            l.push_str(&c);
            l.push_str(&" ".repeat(widths[i].saturating_sub(c.width()) + 2));
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(&mut headers.iter().map(|h| h.as_ref()));
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    out
}

/// The terminal's width, or 100 columns when output is not a terminal.
pub fn terminal_width() -> usize {
    crossterm::terminal::size()
        .map(|(w, _)| w as usize)
        .ok()
        .filter(|w| *w >= 40)
        .unwrap_or(100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_defuses_formulas() {
        assert_eq!(csv_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_safe("-1+1"), "'-1+1");
        assert_eq!(csv_safe("العراق"), "العراق");
    }

    #[test]
    fn fit_cuts_at_the_logical_end() {
        assert_eq!(fit("الناتو يزيد قواته", 8), "الناتو …");
        assert_eq!(fit("short", 10), "short");
    }
}
