//! The terminal UI (`rasd`, `rasd tui`): Model/Update/View over the store. This file owns the
//! terminal (raw mode, alternate screen, explicit bidi mode, restoring all of it on exit and
//! on panic) and the event loop that turns keys into actions, background news into messages
//! and effects into terminal writes. State lives in [`app`], drawing in [`view`], Arabic
//! layout in [`bidi`], key bindings in [`action`], the poll, list and facet threads in
//! [`worker`].
//!
//! Startup never waits for the network: the first frame is drawn from the database, and the
//! poll starts on its own thread.

pub mod action;
pub mod app;
pub mod bidi;
mod overlay;
pub mod view;
pub mod worker;

#[cfg(test)]
mod tests;

use crate::analyze::Analyzer;
use crate::config::Config;
use crate::store::Store;
use action::{Action, action_for};
use app::{App, Effect};
use bidi::BidiMode;
use crossterm::event::{self, Event, KeyEventKind, MouseEventKind};
use crossterm::terminal::{self, EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{ExecutableCommand, cursor};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
pub enum TuiError {
    #[error("terminal: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// Explicit bidi mode (terminal-wg proposal): the terminal lays cells out as written.
const BIDI_EXPLICIT: &str = "\x1b[8l";
/// Back to the terminal's implicit bidi.
const BIDI_IMPLICIT: &str = "\x1b[8h";

/// How often the store is asked whether another process committed.
const DATA_VERSION_EVERY: Duration = Duration::from_millis(500);

/// Runs the UI until the analyst quits. `no_poll` skips the poll at start.
pub fn run(
    db: &Path,
    config: Config,
    analyzer: Arc<Analyzer>,
    no_poll: bool,
) -> Result<(), TuiError> {
    let started = Instant::now();
    let mut timings = Timings::default();
    let store = Store::open(db)?;
    let mode = BidiMode::from_setting(&config.settings.rtl);
    let (tx, rx) = mpsc::channel();
    let facet_jobs = worker::spawn_facets(db.to_path_buf(), tx.clone()).ok();
    let mut app = App::with_facet_worker(
        store,
        analyzer.clone(),
        config.labels.clone(),
        mode,
        chrono::Utc::now(),
        facet_jobs,
    );
    app.list_jobs = worker::spawn_lists(db.to_path_buf(), tx.clone()).ok();
    app.feeds_path = config.path.clone();
    app.color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let poll = |all: bool, app: &mut App| {
        app.poll.running = true;
        if let Err(e) = worker::spawn_poll(
            db.to_path_buf(),
            config.clone(),
            analyzer.clone(),
            all,
            tx.clone(),
        ) {
            app.on_msg(app::Msg::PollError(e.to_string()));
        }
    };

    let _guard = TerminalGuard::enter(mode)?;
    let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    terminal.clear()?;
    draw(&mut terminal, &mut app)?;
    timings.first_frame = Some(started.elapsed());
    if !no_poll {
        poll(false, &mut app);
        draw(&mut terminal, &mut app)?;
    }

    let mut last_check = Instant::now();
    while !app.quit {
        let mut dirty = false;
        let mut key_at = None;
        // Wait for input briefly; background news and the data_version check run in between.
        if event::poll(Duration::from_millis(100))? {
            key_at = Some(Instant::now());
            // Drain everything already typed before drawing, so fast typing never lags.
            loop {
                dirty |= handle_event(&mut app, event::read()?, terminal.size()?.into());
                if app.quit || !event::poll(Duration::ZERO)? {
                    break;
                }
            }
        }
        while let Ok(msg) = rx.try_recv() {
            app.on_msg(msg);
            dirty = true;
        }
        if last_check.elapsed() >= DATA_VERSION_EVERY {
            last_check = Instant::now();
            app.now = chrono::Utc::now();
            let before = (app.rows.len(), app.rows.first().map(|r| r.id), app.failing);
            app.tick();
            dirty |= before != (app.rows.len(), app.rows.first().map(|r| r.id), app.failing);
        }
        for effect in std::mem::take(&mut app.effects) {
            dirty = true;
            match effect {
                Effect::Poll => poll(true, &mut app),
                Effect::Copy(url) => {
                    let mut out = std::io::stdout();
                    out.write_all(osc52(&url).as_bytes())?;
                    out.flush()?;
                }
                Effect::Open(url) => match crate::open::open_link(&url) {
                    // Reap the browser launcher off the UI thread.
                    Ok(child) => {
                        std::thread::spawn(move || crate::open::wait(child));
                        app.message = Some("opened in the browser".into());
                    }
                    Err(e) => app.message = Some(e.to_string()),
                },
            }
        }
        if dirty && !app.quit {
            draw(&mut terminal, &mut app)?;
            if let Some(t) = key_at {
                timings.key_frames.push(t.elapsed());
            }
        }
    }
    drop(terminal);
    drop(_guard);
    if let Some(path) = std::env::var_os("RASD_TUI_TIMINGS") {
        std::fs::write(path, timings.report())?;
    }
    Ok(())
}

/// What the bench reads (`RASD_TUI_TIMINGS=file`): time to the first frame from `run`, and
/// from reading a key to the end of the redraw it caused.
#[derive(Default)]
struct Timings {
    first_frame: Option<Duration>,
    key_frames: Vec<Duration>,
}

impl Timings {
    fn report(&self) -> String {
        let mut k = self.key_frames.clone();
        k.sort();
        let pct = |p: f64| -> f64 {
            if k.is_empty() {
                return 0.0;
            }
            let i = ((k.len() as f64 - 1.0) * p).round() as usize;
            k[i.min(k.len() - 1)].as_secs_f64() * 1000.0
        };
        let rss = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmHWM:"))
                    .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
            })
            .unwrap_or_default();
        format!(
            "first_frame_ms {:.1}\nkeys {}\nkey_to_frame_p50_ms {:.2}\nkey_to_frame_p95_ms {:.2}\nkey_to_frame_max_ms {:.2}\npeak_rss {rss}\n",
            self.first_frame
                .map(|d| d.as_secs_f64() * 1000.0)
                .unwrap_or(0.0),
            k.len(),
            pct(0.5),
            pct(0.95),
            pct(1.0),
        )
    }
}

fn draw(
    terminal: &mut Terminal<CrosstermBackend<std::io::Stdout>>,
    app: &mut App,
) -> std::io::Result<()> {
    let size = terminal.size()?;
    app.set_viewport(size.into());
    terminal.draw(|f| view::render(app, f))?;
    Ok(())
}

/// One terminal event: true when the screen needs redrawing.
fn handle_event(app: &mut App, ev: Event, area: ratatui::layout::Rect) -> bool {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => {
            if let Some(a) = action_for(app.mode, k) {
                app.update(a);
            }
            true
        }
        Event::Mouse(m) => {
            match m.kind {
                MouseEventKind::ScrollDown => app.update(Action::ScrollDown),
                MouseEventKind::ScrollUp => app.update(Action::ScrollUp),
                MouseEventKind::Down(_) => app.click(area, m.column, m.row),
                _ => return false,
            }
            true
        }
        Event::Resize(w, h) => {
            app.set_viewport(ratatui::layout::Rect::new(0, 0, w, h));
            true
        }
        _ => false,
    }
}

/// OSC 52 "set clipboard" with the logical text, base64-encoded.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes()))
}

fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Puts the terminal into the UI's state and back, on drop and from the panic hook.
struct TerminalGuard;

fn restore() {
    let mut out = std::io::stdout();
    let _ = out.write_all(BIDI_IMPLICIT.as_bytes());
    let _ = out.execute(event::DisableMouseCapture);
    let _ = out.execute(LeaveAlternateScreen);
    let _ = out.execute(cursor::Show);
    let _ = terminal::disable_raw_mode();
    let _ = out.flush();
}

impl TerminalGuard {
    fn enter(mode: BidiMode) -> std::io::Result<TerminalGuard> {
        let previous = std::panic::take_hook();
        // Only a panic of the UI thread ends the UI; one in the poll thread must not tear the
        // terminal out from under a UI that keeps running.
        let ui = std::thread::current().id();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().id() == ui {
                restore();
            }
            previous(info);
        }));
        terminal::enable_raw_mode()?;
        let mut out = std::io::stdout();
        out.execute(EnterAlternateScreen)?;
        out.execute(event::EnableMouseCapture)?;
        if mode == BidiMode::App {
            out.write_all(BIDI_EXPLICIT.as_bytes())?;
            out.flush()?;
        }
        Ok(TerminalGuard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

#[cfg(test)]
mod osc_tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
        assert_eq!(osc52("foo"), "\x1b]52;c;Zm9v\x07");
    }
}
