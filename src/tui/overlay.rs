//! Overlays drawn over the main screen: the help (from the same key table as the docs), the
//! flag picker, the note box and the timeline chart. Like the rest of the view they only read
//! the [`App`].

use super::action::HELP;
use super::app::App;
use super::bidi;
use super::view::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

pub(super) fn help(f: &mut Frame, area: Rect) {
    let r = centered(area, 60, HELP.len() as u16 + 2);
    f.render_widget(Clear, r);
    let lines: Vec<Line> = HELP
        .iter()
        .map(|(k, v)| {
            Line::from(vec![
                Span::styled(
                    format!(" {k:<12}"),
                    Style::default().add_modifier(Modifier::BOLD),
                ),
                Span::raw(*v),
            ])
        })
        .collect();
    f.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(" keys ")),
        r,
    );
}

pub(super) fn picker(app: &App, f: &mut Frame, area: Rect, theme: &Theme) {
    let r = centered(area, 36, app.labels.len() as u16 + 4);
    f.render_widget(Clear, r);
    let mut lines: Vec<Line> = app
        .labels
        .iter()
        .map(|(k, l)| {
            Line::from(vec![
                Span::styled(
                    format!(" {} ", bidi::clean(k)),
                    theme.fg(Color::Cyan).add_modifier(Modifier::BOLD),
                ),
                Span::raw(bidi::line(l, 28, app.bidi, false)),
            ])
        })
        .collect();
    if lines.is_empty() {
        lines.push(Line::styled(" no [labels] in feeds.toml", theme.dim()));
    }
    lines.push(Line::styled(" Esc cancels", theme.dim()));
    f.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(" flag as ")),
        r,
    );
}

pub(super) fn note(app: &App, f: &mut Frame, area: Rect) {
    let r = centered(area, area.width.saturating_sub(8).min(70), 3);
    f.render_widget(Clear, r);
    let inner_w = r.width.saturating_sub(4) as usize;
    // The note is typed in logical order and shown so while typing; the reader shows it laid out.
    let text = bidi::clean(&app.note);
    let shown = if text.width() > inner_w {
        let skip = text.width() - inner_w;
        text.chars().skip(skip).collect()
    } else {
        text
    };
    let line = Line::from(vec![
        Span::raw(shown),
        Span::styled(" ", Style::default().add_modifier(Modifier::REVERSED)),
    ]);
    f.render_widget(
        Paragraph::new(line).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" note (Enter saves, Esc cancels) "),
        ),
        r,
    );
}

/// The `s` overlay: the story's other outlets first, then related articles, as `rasd similar`.
pub(super) fn similar(app: &App, f: &mut Frame, area: Rect, theme: &Theme) {
    let Some(rows) = &app.similar else { return };
    let r = centered(
        area,
        area.width.saturating_sub(4),
        area.height.saturating_sub(2),
    );
    f.render_widget(Clear, r);
    let b = Block::default()
        .borders(Borders::ALL)
        .title(" the story across outlets, then similar (Esc closes) ");
    let inner = b.inner(r);
    f.render_widget(b, r);
    let w = inner.width as usize;
    let mut lines: Vec<Line> = vec![];
    let members = rows.iter().filter(|s| s.same_story).count();
    lines.push(Line::styled(
        match members {
            0 => "no other outlet tells this story".to_string(),
            n => format!("same story: {n}"),
        },
        theme.fg(Color::Cyan).add_modifier(Modifier::BOLD),
    ));
    let mut related = false;
    for s in rows {
        if !s.same_story && !related {
            related = true;
            lines.push(Line::styled(
                "related: shared actors and distinctive terms",
                theme.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            ));
        }
        lines.push(super::view::member_line(s, w, app.bidi, theme));
    }
    if rows.is_empty() {
        lines.push(Line::styled("nothing similar yet", theme.dim()));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

pub(super) fn timeline(app: &App, f: &mut Frame, area: Rect, theme: &Theme) {
    let Some(t) = &app.timeline else { return };
    let r = centered(
        area,
        area.width.saturating_sub(4),
        area.height.saturating_sub(2),
    );
    f.render_widget(Clear, r);
    let legend = if t.spikes.is_empty() {
        String::new()
    } else {
        " · ▲ spike: over 3× the 14-day average".to_string()
    };
    let b = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {}{legend} ", bidi::clean(&t.title)));
    let inner = b.inner(r);
    f.render_widget(b, r);
    let parts = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Min(5), Constraint::Length(6)])
        .split(inner);
    // As many days as fit at 6 columns each (bar 5, gap 1), the most recent ones.
    let fit = (parts[0].width as usize / 6).max(1);
    let days = &t.days[t.days.len().saturating_sub(fit)..];
    let bars: Vec<Bar> = days
        .iter()
        .map(|(d, n)| {
            let bar = Bar::default()
                .value((*n).max(0) as u64)
                .label(Line::from(d.get(5..).unwrap_or(d).to_string()));
            // Marked in text as well as colour, so that NO_COLOR keeps the mark.
            if t.spikes.contains(d) {
                bar.text_value(format!("▲{n}"))
                    .style(theme.fg(Color::Red).add_modifier(Modifier::BOLD))
            } else {
                bar
            }
        })
        .collect();
    if bars.is_empty() {
        f.render_widget(
            Paragraph::new(Span::styled("no data", theme.dim())),
            parts[0],
        );
    } else {
        f.render_widget(
            BarChart::default()
                .data(BarGroup::default().bars(&bars))
                .bar_width(5)
                .bar_gap(1)
                .bar_style(theme.fg(Color::Cyan)),
            parts[0],
        );
    }
    let mut co: Vec<Span> = vec![Span::styled(
        "named with: ",
        Style::default().add_modifier(Modifier::BOLD),
    )];
    for (k, n) in &t.co {
        let name = app
            .analyzer
            .tagger
            .actor(k)
            .map(|a| bidi::clean(&a.name_en))
            .unwrap_or_else(|| bidi::clean(k));
        co.push(Span::raw(format!("{name} ({n})  ")));
    }
    f.render_widget(
        Paragraph::new(Line::from(co)).wrap(ratatui::widgets::Wrap { trim: true }),
        parts[1],
    );
}
