//! Drawing: reads the [`App`] and writes cells, nothing else. Every string that came from a
//! feed or the analyst goes through [`bidi`] (sanitized, shaped, reordered) before it reaches
//! a cell, so a hostile title cannot emit escape sequences or flip the row.
//!
//! Layout: filter bar on top, status bar at the bottom; between them the facet sidebar, the
//! article list and the reader — side by side from 120 columns, the reader taking the list's
//! place when it has focus on narrower screens.

use super::action::Mode;
use super::app::{App, FacetKind, Pane};
use super::bidi::{self, BidiMode, Row};
use super::overlay;
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Styles, with colour only when wanted (NO_COLOR): monochrome stays usable through bold and
/// reverse video.
pub(super) struct Theme {
    color: bool,
}

impl Theme {
    pub(super) fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::default().fg(c)
        } else {
            Style::default()
        }
    }
    fn selected(&self, focused: bool) -> Style {
        if focused {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        }
    }
    fn highlight(&self) -> Style {
        if self.color {
            Style::default().fg(Color::Black).bg(Color::Yellow)
        } else {
            Style::default().add_modifier(Modifier::REVERSED)
        }
    }
    pub(super) fn dim(&self) -> Style {
        self.fg(Color::DarkGray)
    }
}

pub fn render(app: &App, f: &mut Frame) {
    let theme = Theme { color: app.color };
    let area = f.area();
    if area.width < 20 || area.height < 5 {
        f.render_widget(Paragraph::new("rasd: window too small"), area);
        return;
    }
    let error_rows = u16::from(app.mode == Mode::Filter && app.input_error.is_some());
    let banner_rows = u16::from(app.banner.is_some());
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(1),
            Constraint::Length(error_rows),
            Constraint::Length(banner_rows),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .split(area);
    filter_bar(app, f, rows[0], rows[1], &theme);
    if let Some(b) = &app.banner {
        let text = bidi::fit(&format!(" ⚠ {b}"), rows[2].width as usize);
        f.render_widget(
            Paragraph::new(Span::styled(
                text,
                theme.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            )),
            rows[2],
        );
    }
    main_area(app, f, rows[3], &theme);
    status_bar(app, f, rows[4], &theme);
    match app.mode {
        Mode::Help => overlay::help(f, area),
        Mode::FlagPicker => overlay::picker(app, f, area, &theme),
        Mode::Note => overlay::note(app, f, area),
        Mode::Timeline => overlay::timeline(app, f, area, &theme),
        Mode::Similar => overlay::similar(app, f, area, &theme),
        Mode::Normal | Mode::Filter => {}
    }
}

/// Where the panes go for a given main area: (sidebar, list, reader); a zero-width pane is
/// hidden.
pub fn panes(app: &App, area: Rect) -> (Rect, Rect, Rect) {
    let side_w = if area.width >= 120 {
        28
    } else if area.width >= 70 {
        22
    } else {
        0
    };
    let cols = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Length(side_w), Constraint::Min(10)])
        .split(area);
    let (side, rest) = (cols[0], cols[1]);
    if area.width >= 120 {
        let c = Layout::default()
            .direction(Direction::Horizontal)
            .constraints([Constraint::Percentage(45), Constraint::Percentage(55)])
            .split(rest);
        (side, c[0], c[1])
    } else if app.focus == Pane::Reader {
        (side, Rect::new(rest.x, rest.y, 0, rest.height), rest)
    } else {
        (side, rest, Rect::new(rest.x, rest.y, 0, rest.height))
    }
}

fn main_area(app: &App, f: &mut Frame, area: Rect, theme: &Theme) {
    let (side, list, reader) = panes(app, area);
    if side.width > 0 {
        sidebar(app, f, side, theme);
    }
    if list.width > 0 {
        article_list(app, f, list, theme);
    }
    if reader.width > 0 {
        reader_pane(app, f, reader, theme);
    }
}

fn block<'a>(title: &'a str, focused: bool, theme: &Theme) -> Block<'a> {
    let b = Block::default().borders(Borders::ALL).title(title);
    if focused {
        b.border_style(theme.fg(Color::Cyan).add_modifier(Modifier::BOLD))
    } else {
        b.border_style(theme.dim())
    }
}

fn filter_bar(app: &App, f: &mut Frame, area: Rect, err_area: Rect, theme: &Theme) {
    let editing = app.mode == Mode::Filter;
    let text = if editing { &app.input } else { &app.filter };
    let count = if app.loading {
        " reading… ".to_string()
    } else {
        format!(" {} articles ", app.facets.total)
    };
    let avail = (area.width as usize).saturating_sub(count.width() + 3);
    // The filter is typed in logical order; it stays so (the analyst edits its end).
    let prompt = match &app.rule_draft {
        Some(name) if editing => format!("rule {name} ▸ "),
        _ if editing => "/ ".to_string(),
        _ => "  ".to_string(),
    };
    let avail = avail.saturating_sub(prompt.width().saturating_sub(2));
    let shown = bidi::fit(&bidi::clean(text), avail);
    let mut spans = vec![
        Span::styled(prompt, theme.fg(Color::Cyan)),
        Span::raw(shown.clone()),
    ];
    if editing {
        spans.push(Span::styled(
            " ",
            Style::default().add_modifier(Modifier::REVERSED),
        ));
    } else if text.is_empty() {
        spans.push(Span::styled("everything — / to filter", theme.dim()));
    }
    let used: usize = spans.iter().map(|s| s.content.width()).sum();
    let pad = (area.width as usize).saturating_sub(used + count.width());
    spans.push(Span::raw(" ".repeat(pad)));
    spans.push(Span::styled(count, theme.dim()));
    f.render_widget(Paragraph::new(Line::from(spans)), area);
    if let Some(e) = app.input_error.as_ref().filter(|_| editing) {
        // A caret under the column the error names, then the message.
        let col = e.col.saturating_sub(1) + 2;
        let msg = format!("{}^ {}", " ".repeat(col.min(area.width as usize / 2)), e);
        let msg = bidi::fit(&bidi::clean(&msg), err_area.width as usize);
        f.render_widget(
            Paragraph::new(Span::styled(
                msg,
                theme.fg(Color::Red).add_modifier(Modifier::BOLD),
            )),
            err_area,
        );
    }
}

fn sidebar(app: &App, f: &mut Frame, area: Rect, theme: &Theme) {
    let focused = app.focus == Pane::Sidebar && app.mode == Mode::Normal;
    let b = block(" facets ", focused, theme);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let w = inner.width as usize;
    let mut lines: Vec<Line> = vec![];
    let mut selected_line = 0usize;
    let mut last: Option<FacetKind> = None;
    for (i, (kind, key, n)) in app.side_entries().into_iter().enumerate() {
        if last != Some(kind) {
            let head = match kind {
                FacetKind::Source => "sources",
                FacetKind::Actor => "actors",
                FacetKind::Topic => "topics",
                FacetKind::Flag => "flags",
            };
            lines.push(Line::styled(
                head,
                theme.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            ));
            last = Some(kind);
        }
        let count = format!(" {n}");
        let label = bidi::line(key, w.saturating_sub(count.width() + 1), app.bidi, false);
        let pad = w.saturating_sub(label.width() + count.width() + 1);
        let text = format!(" {label}{}{count}", " ".repeat(pad));
        let style = if i == app.side_selected && app.focus == Pane::Sidebar {
            theme.selected(focused)
        } else {
            Style::default()
        };
        if i == app.side_selected {
            selected_line = lines.len();
        }
        lines.push(Line::styled(text, style));
    }
    if lines.is_empty() {
        lines.push(Line::styled("(nothing)", theme.dim()));
    }
    let h = inner.height as usize;
    let skip = (selected_line + 1).saturating_sub(h);
    f.render_widget(
        Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()),
        inner,
    );
}

/// The first visible row: the stored offset, nudged so the selection is on screen.
pub fn list_offset(offset: usize, selected: usize, height: usize) -> usize {
    let h = height.max(1);
    if selected < offset {
        selected
    } else if selected >= offset + h {
        selected + 1 - h
    } else {
        offset
    }
}

fn when(published: &str) -> String {
    // "2026-12-05T09:30:00Z" → "12-05 09:30"
    match (published.get(5..10), published.get(11..16)) {
        (Some(d), Some(t)) => format!("{d} {t}"),
        _ => published.chars().take(11).collect(),
    }
}

fn article_list(app: &App, f: &mut Frame, area: Rect, theme: &Theme) {
    let focused = app.focus == Pane::List && app.mode == Mode::Normal;
    let b = block(" articles ", focused, theme);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let h = inner.height as usize;
    let w = inner.width as usize;
    if app.rows.is_empty() {
        let msg = empty_list_text(app);
        f.render_widget(
            Paragraph::new(msg)
                .style(theme.dim())
                .wrap(ratatui::widgets::Wrap { trim: true }),
            inner,
        );
        return;
    }
    let src_w = if w >= 70 {
        12
    } else if w >= 40 {
        8
    } else {
        5
    };
    // The story column ("+4": four other articles tell the same story) appears once any loaded
    // row belongs to a story, so the layout does not shift while scrolling.
    let story_w = if app.rows.iter().any(|r| r.story_size > 1) {
        4
    } else {
        0
    };
    let fixed = 11 + 1 + src_w + 1 + 1 + 1 + story_w;
    let title_w = w.saturating_sub(fixed);
    let off = list_offset(app.offset, app.selected, h);
    let lines: Vec<Line> = app
        .rows
        .iter()
        .enumerate()
        .skip(off)
        .take(h)
        .map(|(i, r)| {
            let src = bidi::line(&r.source, src_w, BidiMode::Terminal, false);
            let src = format!("{src}{}", " ".repeat(src_w.saturating_sub(src.width())));
            let mark = if !r.flags.is_empty() {
                "⚑"
            } else if r.id > app.seen_max_id {
                "•"
            } else {
                " "
            };
            let title = bidi::line(&r.title, title_w, app.bidi, true);
            let pad = title_w.saturating_sub(title.width());
            let story = match story_w {
                0 => String::new(),
                _ if r.story_size > 1 => format!("{:>3} ", format!("+{}", r.story_size - 1)),
                _ => " ".repeat(story_w),
            };
            let spans = vec![
                Span::styled(when(&r.published_at), theme.dim()),
                Span::raw(" "),
                Span::styled(src, theme.fg(Color::Green)),
                Span::raw(" "),
                Span::styled(mark, theme.fg(Color::Magenta)),
                Span::raw(" "),
                Span::styled(story, theme.fg(Color::Cyan)),
                Span::raw(title),
                Span::raw(" ".repeat(pad)),
            ];
            let line = Line::from(spans);
            if i == app.selected {
                line.style(theme.selected(focused))
            } else {
                line
            }
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}

/// A laid-out row as a line: right-aligned when RTL, marked graphemes highlighted.
/// What an empty list means: a new database still filling, a poll that reached nothing, or a
/// filter that matches nothing.
fn empty_list_text(app: &App) -> String {
    if !app.filter.is_empty() {
        return "no articles match this filter — / to edit it, Esc in the bar restores the last one"
            .into();
    }
    if app.poll.running {
        return format!(
            "No articles yet. Polling the feeds ({} of {} done); articles appear here as they arrive.",
            app.poll.done, app.poll.total
        );
    }
    if app.banner.is_some() {
        return "No articles stored yet, and the last poll reached no feed that had any (see the line \
                above). Press r to poll again, or try rasd --demo for bundled feeds."
            .into();
    }
    "No articles yet. Press r to poll the feeds now, ? for keys, q to quit.".into()
}

fn row_line(row: &Row, width: usize, base: Style, mark: Style) -> Line<'static> {
    let mut spans = vec![];
    if row.rtl && row.width < width {
        spans.push(Span::raw(" ".repeat(width - row.width)));
    }
    let mut cur = String::new();
    let mut cur_mark = 0u8;
    for (g, m) in row
        .text
        .graphemes(true)
        .zip(row.marks.iter().chain(std::iter::repeat(&0)))
    {
        if *m != cur_mark && !cur.is_empty() {
            spans.push(Span::styled(
                std::mem::take(&mut cur),
                if cur_mark > 0 { mark } else { base },
            ));
        }
        cur_mark = *m;
        cur.push_str(g);
    }
    if !cur.is_empty() {
        spans.push(Span::styled(cur, if cur_mark > 0 { mark } else { base }));
    }
    Line::from(spans)
}

/// Marks (1) on every char of a word whose search form matches a text term of the filter.
fn term_marks(text: &str, terms: &[(String, bool)]) -> Vec<u8> {
    let mut marks = vec![0u8; text.chars().count()];
    if terms.is_empty() {
        return marks;
    }
    let mut ci = 0;
    for w in text.split_word_bounds() {
        let n = w.chars().count();
        let key = crate::text::fts_text(w);
        let key = key.trim();
        if !key.is_empty()
            && terms
                .iter()
                .any(|(t, prefix)| key == t || (*prefix && key.starts_with(t.as_str())))
        {
            for m in marks.iter_mut().skip(ci).take(n) {
                *m = 1;
            }
        }
        ci += n;
    }
    marks
}

/// The text terms of the filter (FTS tokens, and whether the last one is a prefix).
pub fn text_terms(q: &crate::query::Query) -> Vec<(String, bool)> {
    use crate::query::Query;
    fn walk(q: &Query, out: &mut Vec<(String, bool)>) {
        match q {
            Query::And(v) | Query::Or(v) => v.iter().for_each(|c| walk(c, out)),
            Query::Text(t) => {
                let n = t.tokens.len();
                for (i, tok) in t.tokens.iter().enumerate() {
                    out.push((tok.clone(), t.prefix && i + 1 == n));
                }
            }
            _ => {}
        }
    }
    let mut v = vec![];
    walk(q, &mut v);
    v
}

fn reader_pane(app: &App, f: &mut Frame, area: Rect, theme: &Theme) {
    let focused = app.focus == Pane::Reader && app.mode == Mode::Normal;
    let b = block(" reader ", focused, theme);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let Some(d) = &app.detail else {
        f.render_widget(
            Paragraph::new(Span::styled("no article selected", theme.dim())),
            inner,
        );
        return;
    };
    let w = inner.width as usize;
    let mode = app.bidi;
    let terms = text_terms(&app.query);
    let hl = theme.highlight();
    let mut lines: Vec<Line> = vec![];
    let title_style = Style::default().add_modifier(Modifier::BOLD);
    for row in bidi::layout_styled(&d.title, &term_marks(&d.title, &terms), w, mode) {
        lines.push(row_line(
            &row,
            w,
            title_style,
            hl.add_modifier(Modifier::BOLD),
        ));
    }
    let meta = format!(
        "{} · {} · {}",
        bidi::line(&d.source_name, 30, mode, false),
        d.source,
        when(&d.published_at)
    );
    lines.push(Line::styled(bidi::fit(&meta, w), theme.fg(Color::Green)));
    if let Some(u) = &d.url {
        lines.push(Line::styled(
            bidi::line(u, w, BidiMode::Terminal, false),
            theme.fg(Color::Blue),
        ));
    }
    // Chips: English name, then the Arabic name shaped on its own.
    let chip = |en: &str, ar: &str, tail: String| Chip {
        en: bidi::clean(en),
        ar: ar.to_string(),
        tail,
    };
    let actors: Vec<Chip> = d
        .actors
        .iter()
        .map(|(key, mentions, _)| match app.analyzer.tagger.actor(key) {
            Some(a) => chip(&a.name_en, &a.name_ar, format!(" ×{mentions}")),
            None => chip(key, "", format!(" ×{mentions}")),
        })
        .collect();
    chips(
        &mut lines,
        "actors ",
        &actors,
        w,
        mode,
        theme.fg(Color::Cyan),
    );
    let topics: Vec<Chip> = d
        .topics
        .iter()
        .map(|k| match app.analyzer.topic(k) {
            Some(t) => chip(&t.name_en, &t.name_ar, String::new()),
            None => chip(k, "", String::new()),
        })
        .collect();
    chips(
        &mut lines,
        "topics ",
        &topics,
        w,
        mode,
        theme.fg(Color::Yellow),
    );
    let cands: Vec<Chip> = d
        .candidates
        .iter()
        .map(|(name, role, n)| {
            let role = role.as_deref().map(bidi::clean).unwrap_or_default();
            chip(&role, name, format!(" ×{n}"))
        })
        .collect();
    chips(&mut lines, "new names ", &cands, w, mode, theme.dim());
    for fl in &d.flags {
        let by = fl
            .created_by
            .as_deref()
            .map(|b| format!(" by {}", bidi::clean(b)))
            .unwrap_or_default();
        lines.push(Line::styled(
            bidi::fit(
                &format!("⚑ {}{by} {}", bidi::clean(&fl.label), when(&fl.created_at)),
                w,
            ),
            theme.fg(Color::Magenta).add_modifier(Modifier::BOLD),
        ));
        if let Some(n) = &fl.note {
            for row in bidi::layout_styled(n, &[], w.saturating_sub(2), mode) {
                let mut l = row_line(&row, w.saturating_sub(2), theme.fg(Color::Magenta), hl);
                l.spans.insert(0, Span::raw("  "));
                lines.push(l);
            }
        }
    }
    if !app.story.is_empty() {
        let outlets: std::collections::BTreeSet<&str> = app
            .story
            .iter()
            .map(|s| s.source.as_str())
            .chain([d.source.as_str()])
            .collect();
        lines.push(Line::styled(
            bidi::fit(
                &format!(
                    "story: {} more articles, {} outlets (s lists them with related ones)",
                    app.story.len(),
                    outlets.len()
                ),
                w,
            ),
            theme.fg(Color::Cyan).add_modifier(Modifier::BOLD),
        ));
        for s in app.story.iter().take(STORY_LINES) {
            lines.push(member_line(s, w, app.bidi, theme));
        }
        if app.story.len() > STORY_LINES {
            lines.push(Line::styled(
                format!("  … {} more", app.story.len() - STORY_LINES),
                theme.dim(),
            ));
        }
    }
    lines.push(Line::raw(""));
    let body = if d.body.trim().is_empty() {
        &d.summary
    } else {
        &d.body
    };
    for para in body.split('\n').map(str::trim).filter(|p| !p.is_empty()) {
        for row in bidi::layout_styled(para, &term_marks(para, &terms), w, mode) {
            lines.push(row_line(&row, w, Style::default(), hl));
        }
        lines.push(Line::raw(""));
    }
    let max_scroll = lines.len().saturating_sub(inner.height as usize) as u16;
    f.render_widget(
        Paragraph::new(lines).scroll((app.reader_scroll.min(max_scroll), 0)),
        inner,
    );
}

/// Story members listed in the reader before the text scrolls on.
const STORY_LINES: usize = 8;

/// One article of a story or of the similar list: time, outlet, title.
pub(super) fn member_line(
    s: &crate::story::similar::Similar,
    w: usize,
    mode: BidiMode,
    theme: &Theme,
) -> Line<'static> {
    let src_w = 10;
    let src = bidi::line(&s.source, src_w, BidiMode::Terminal, false);
    let src = format!("{src}{}", " ".repeat(src_w.saturating_sub(src.width())));
    let title_w = w.saturating_sub(2 + 11 + 1 + src_w + 1);
    Line::from(vec![
        Span::raw("  "),
        Span::styled(when(&s.published_at), theme.dim()),
        Span::raw(" "),
        Span::styled(src, theme.fg(Color::Green)),
        Span::raw(" "),
        Span::raw(bidi::line(&s.title, title_w, mode, true)),
    ])
}

/// A chip: an English part, an Arabic part (logical; laid out here so that a cut puts the
/// ellipsis at its logical end) and a tail such as a count.
struct Chip {
    en: String,
    ar: String,
    tail: String,
}

impl Chip {
    /// The chip's text with the Arabic part cut to at most `ar_budget` cells.
    fn text(&self, ar_budget: usize, mode: BidiMode) -> String {
        let ar = bidi::line(&self.ar, ar_budget, mode, false);
        let sep = if self.en.is_empty() || ar.is_empty() {
            ""
        } else {
            " "
        };
        format!("[{}{sep}{ar}{}]", self.en, self.tail)
    }
}

/// Chips laid out left to right, wrapping between chips.
fn chips(
    lines: &mut Vec<Line>,
    head: &'static str,
    items: &[Chip],
    w: usize,
    mode: BidiMode,
    style: Style,
) {
    if items.is_empty() {
        return;
    }
    let hw = head.width();
    let mut cur: Vec<Span> = vec![Span::styled(
        head,
        Style::default().add_modifier(Modifier::BOLD),
    )];
    let mut cw = hw;
    for chip in items {
        let mut it = chip.text(30, mode);
        if cw + it.width() + 1 > w && cw > hw {
            lines.push(Line::from(std::mem::take(&mut cur)));
            cur.push(Span::raw(" ".repeat(hw)));
            cw = hw;
        }
        if cw + it.width() > w {
            // Too wide even on its own row: shorten the Arabic part (at its logical end),
            // then, if still needed, the whole chip.
            let fixed = chip.text(0, mode).width() + 1;
            it = chip.text(w.saturating_sub(cw + fixed).min(30), mode);
            if cw + it.width() > w {
                it = bidi::fit(&it, w.saturating_sub(cw));
            }
        }
        let iw = it.width() + 1;
        cur.push(Span::styled(it, style));
        cur.push(Span::raw(" "));
        cw += iw;
    }
    lines.push(Line::from(cur));
}

fn status_bar(app: &App, f: &mut Frame, area: Rect, theme: &Theme) {
    let mut parts: Vec<Span> = vec![];
    if app.poll.running {
        let p = if app.poll.total > 0 {
            format!(" ⟳ polling {}/{} ", app.poll.done, app.poll.total)
        } else {
            " ⟳ polling ".to_string()
        };
        parts.push(Span::styled(
            p,
            theme.fg(Color::Cyan).add_modifier(Modifier::BOLD),
        ));
    } else if let Some(l) = &app.poll.last {
        parts.push(Span::styled(format!(" {l} "), theme.dim()));
    } else {
        parts.push(Span::styled(" idle ", theme.dim()));
    }
    let new = app.new_since_seen();
    if new > 0 {
        parts.push(Span::styled(
            format!("· {new} new (g) "),
            theme.fg(Color::Green).add_modifier(Modifier::BOLD),
        ));
    }
    if app.failing > 0 {
        parts.push(Span::styled(
            format!("· {} failing feeds ", app.failing),
            theme.fg(Color::Red),
        ));
    }
    if !app.filter.is_empty() && app.mode != Mode::Filter {
        let f = bidi::fit(&bidi::clean(&app.filter), (area.width as usize / 3).max(10));
        parts.push(Span::styled(
            format!("· filter: {f} "),
            theme.fg(Color::Cyan),
        ));
    }
    if let Some(m) = &app.message {
        parts.push(Span::styled(
            format!("· {} ", bidi::clean(m)),
            Style::default().add_modifier(Modifier::BOLD),
        ));
    }
    let used: usize = parts.iter().map(|s| s.content.width()).sum();
    let hint = " ? help ";
    let pad = (area.width as usize).saturating_sub(used + hint.width());
    parts.push(Span::raw(" ".repeat(pad)));
    parts.push(Span::styled(hint, theme.dim()));
    f.render_widget(
        Paragraph::new(Line::from(parts)).style(Style::default().add_modifier(Modifier::REVERSED)),
        area,
    );
}
