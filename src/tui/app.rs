//! The model and its update: everything the screen shows lives in [`App`], and only
//! [`App::update`] (keys, as actions) and [`App::on_msg`] (background news) change it. Reads
//! go to the store synchronously (short, indexed, limited); writes are the analyst's flags and
//! notes. Terminal side effects (open a browser, copy, start a poll) are queued as
//! [`Effect`]s for the runtime, so update stays testable without a terminal.

use super::action::{Action, Mode};
use super::bidi::BidiMode;
use crate::analyze::Analyzer;
use crate::poll::{FeedResult, PollEvent};
use crate::query::{Query, QueryError, compile};
use crate::store::Store;
use crate::store::articles::{ArticleRow, Sort};
use crate::store::facets::Facets;
use crate::store::flags::ArticleDetail;
use chrono::{DateTime, Utc};
use ratatui::layout::Rect;
use std::sync::Arc;

/// Rows read at first; more are read as the selection nears the end.
const PAGE_ROWS: usize = 500;
pub const FACET_LIMIT: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Sidebar,
    List,
    Reader,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FacetKind {
    Source,
    Actor,
    Topic,
    Flag,
}

impl FacetKind {
    pub fn field(self) -> &'static str {
        match self {
            FacetKind::Source => "source",
            FacetKind::Actor => "actor",
            FacetKind::Topic => "topic",
            FacetKind::Flag => "flag",
        }
    }
}

/// Work for the runtime: things that touch the terminal or start threads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Open(String),
    Copy(String),
    Poll,
}

/// News from background work.
#[derive(Debug, Clone)]
pub enum Msg {
    Poll(PollEvent),
    /// The poll thread could not run at all (bad config, unopenable database).
    PollError(String),
    /// The list for the filter of a generation (stale generations are dropped).
    Rows(u64, Vec<ArticleRow>),
    /// Facet counts for the query of a generation (stale generations are dropped).
    Facets(u64, Facets),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PollState {
    pub running: bool,
    pub done: usize,
    pub total: usize,
    pub new_articles: usize,
    pub last: Option<String>,
    /// Feeds of the running poll that failed so far, with the error: the banner is built
    /// from them as they come, so a slow timeout does not hide the cause until the end.
    pub failed: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timeline {
    pub title: String,
    pub days: Vec<(String, i64)>,
    pub co: Vec<(String, i64)>,
    /// Days (`YYYY-MM-DD`) on which the articles of the filter (and actor) spiked, judged as a
    /// spike rule with the default thresholds would judge them.
    pub spikes: Vec<String>,
}

pub struct App {
    pub store: Store,
    pub analyzer: Arc<Analyzer>,
    /// (key, label) from feeds.toml `[labels]`.
    pub labels: Vec<(String, String)>,
    pub bidi: BidiMode,
    pub user: Option<String>,
    pub now: DateTime<Utc>,

    pub mode: Mode,
    pub focus: Pane,
    pub quit: bool,

    /// The filter in force and what it compiled to.
    pub filter: String,
    pub query: Query,
    /// The filter bar while editing (live results) and its error, if it does not compile.
    pub input: String,
    pub input_error: Option<QueryError>,
    pub history: Vec<String>,
    history_pos: Option<usize>,
    filter_before_edit: String,

    pub rows: Vec<ArticleRow>,
    limit: usize,
    pub selected: usize,
    /// First visible row of the list; kept so that rows arriving above do not move the view.
    pub offset: usize,
    /// Rows of the list viewport at the last draw (page size).
    pub page: usize,
    pub detail: Option<ArticleDetail>,
    pub reader_scroll: u16,

    pub facets: Facets,
    pub side_selected: usize,

    pub note: String,
    pub poll: PollState,
    pub failing: usize,
    /// Why the last poll reached no feed or only some (no network, DNS, timeouts): shown above
    /// the list until a poll reaches every feed again.
    pub banner: Option<String>,
    /// Highest article id the analyst has "looked at" (start, or last jump to the top).
    pub seen_max_id: i64,
    pub message: Option<String>,
    pub effects: Vec<Effect>,
    pub timeline: Option<Timeline>,
    /// The other members of the selected article's story, by time (the reader lists them).
    pub story: Vec<crate::story::similar::Similar>,
    /// The `s` overlay: the story's members, then related articles (`rasd similar`'s list).
    pub similar: Option<Vec<crate::story::similar::Similar>>,
    /// Where facet counts are computed off the UI thread; None computes them inline.
    pub facet_jobs: Option<std::sync::mpsc::Sender<(u64, Query)>>,
    facet_generation: u64,
    /// Where a new filter's list is read off the UI thread; None reads it inline.
    pub list_jobs: Option<std::sync::mpsc::Sender<(u64, Query, usize)>>,
    list_generation: u64,
    /// A new filter's rows are being read.
    pub loading: bool,
    /// Colours on (off under NO_COLOR: bold and reverse video carry the meaning).
    pub color: bool,
    data_version: i64,
    /// Where a rule drafted with `W` is saved (the feeds file in use).
    pub feeds_path: Option<std::path::PathBuf>,
    /// The name of the rule being drafted in the filter bar; Enter saves it.
    pub rule_draft: Option<String>,
}

impl App {
    pub fn new(
        store: Store,
        analyzer: Arc<Analyzer>,
        labels: Vec<(String, String)>,
        bidi: BidiMode,
        now: DateTime<Utc>,
    ) -> App {
        App::with_facet_worker(store, analyzer, labels, bidi, now, None)
    }

    /// Like [`App::new`], facet counts computed by the worker behind `facet_jobs`.
    pub fn with_facet_worker(
        store: Store,
        analyzer: Arc<Analyzer>,
        labels: Vec<(String, String)>,
        bidi: BidiMode,
        now: DateTime<Utc>,
        facet_jobs: Option<std::sync::mpsc::Sender<(u64, Query)>>,
    ) -> App {
        let data_version = store.data_version().unwrap_or(0);
        let mut app = App {
            store,
            analyzer,
            labels,
            bidi,
            user: std::env::var("USER").ok().filter(|u| !u.is_empty()),
            now,
            mode: Mode::Normal,
            focus: Pane::List,
            quit: false,
            filter: String::new(),
            query: Query::All,
            input: String::new(),
            input_error: None,
            history: vec![],
            history_pos: None,
            filter_before_edit: String::new(),
            rows: vec![],
            limit: PAGE_ROWS,
            selected: 0,
            offset: 0,
            page: 20,
            detail: None,
            reader_scroll: 0,
            facets: Facets::default(),
            side_selected: 0,
            note: String::new(),
            poll: PollState::default(),
            failing: 0,
            banner: None,
            seen_max_id: 0,
            message: None,
            effects: vec![],
            timeline: None,
            feeds_path: None,
            rule_draft: None,
            story: vec![],
            similar: None,
            color: true,
            facet_jobs,
            facet_generation: 0,
            list_jobs: None,
            list_generation: 0,
            loading: false,
            data_version,
        };
        app.reload();
        app.seen_max_id = app.rows.iter().map(|r| r.id).max().unwrap_or(0);
        app.load_detail();
        app
    }

    pub fn selected_row(&self) -> Option<&ArticleRow> {
        self.rows.get(self.selected)
    }

    /// Articles in the list newer than what the analyst last looked at.
    pub fn new_since_seen(&self) -> usize {
        self.rows.iter().filter(|r| r.id > self.seen_max_id).count()
    }

    /// Sidebar entries in display order (headers are drawn by the view, not selectable).
    pub fn side_entries(&self) -> Vec<(FacetKind, &str, i64)> {
        let mut v = vec![];
        for (kind, list) in [
            (FacetKind::Source, &self.facets.sources),
            (FacetKind::Actor, &self.facets.actors),
            (FacetKind::Topic, &self.facets.topics),
            (FacetKind::Flag, &self.facets.flags),
        ] {
            v.extend(list.iter().map(|(k, n)| (kind, k.as_str(), *n)));
        }
        v
    }

    /// Re-reads the list, facets and feed health for the current query, keeping the selected
    /// article selected and at the same place on screen.
    ///
    /// With a list worker the rows are read there (a broad filter on a big archive takes a
    /// few hundred ms) and arrive as [`Msg::Rows`]; without one (tests) they are read inline.
    pub fn reload(&mut self) {
        self.list_generation += 1;
        match &self.list_jobs {
            Some(tx) => {
                let _ = tx.send((self.list_generation, self.query.clone(), self.limit));
                self.loading = true;
            }
            None => match self
                .store
                .query_articles(&self.query, Sort::Newest, Some(self.limit))
            {
                Ok(rows) => self.apply_rows(rows),
                Err(e) => self.message = Some(format!("query failed: {e}")),
            },
        }
        self.refresh_side();
    }

    /// Puts freshly read rows in place, keeping the selected article selected.
    fn apply_rows(&mut self, rows: Vec<ArticleRow>) {
        let keep = self.selected_row().map(|r| r.id);
        let old_sel = self.selected;
        self.rows = rows;
        if let Some(id) = keep {
            match self.rows.iter().position(|r| r.id == id) {
                Some(i) => {
                    // Rows that arrived above push the selection down. At the top of the list
                    // the new rows show (the selection stays on its article, one row lower);
                    // scrolled down, the view moves with it so the row does not jump.
                    let at_top = self.offset == 0 && i < self.page.max(1);
                    if !at_top {
                        self.offset = (self.offset + i).saturating_sub(old_sel);
                    }
                    self.selected = i;
                }
                None => self.selected = old_sel.min(self.rows.len().saturating_sub(1)),
            }
        } else {
            self.selected = 0;
            self.offset = 0;
        }
        if self.selected_row().map(|r| r.id) != self.detail.as_ref().map(|d| d.id) {
            self.load_detail();
        }
    }

    /// Facets and the failing-feed count for the current query.
    fn refresh_side(&mut self) {
        // Facet counts scan every matching article: on a big archive that is seconds, so the
        // runtime computes them on a worker and they arrive as a message (tests: inline).
        self.facet_generation += 1;
        match &self.facet_jobs {
            Some(tx) => {
                let _ = tx.send((self.facet_generation, self.query.clone()));
            }
            None => {
                self.facets = self
                    .store
                    .facets(&self.query, FACET_LIMIT)
                    .unwrap_or_default();
            }
        }
        let n = self.side_entries().len();
        self.side_selected = self.side_selected.min(n.saturating_sub(1));
        self.failing = self.store.failing_feeds().unwrap_or(0) as usize;
    }

    fn load_detail(&mut self) {
        self.detail = self
            .selected_row()
            .map(|r| r.id)
            .and_then(|id| self.store.article(id).ok().flatten());
        self.story = match &self.detail {
            Some(d) => crate::story::similar::story_of(&self.store, d.id).unwrap_or_default(),
            None => vec![],
        };
        self.reader_scroll = 0;
    }

    fn select(&mut self, i: usize) {
        let i = i.min(self.rows.len().saturating_sub(1));
        if i != self.selected || self.detail.is_none() {
            self.selected = i;
            self.load_detail();
        }
        // Near the end of what was read: read the next page after the last row (keyset), not
        // everything again.
        if self.selected + 50 >= self.rows.len() && self.rows.len() == self.limit {
            let last = self.rows.last().map(|r| (r.published_at.clone(), r.id));
            if let Some((published, id)) = last
                && let Ok(more) =
                    self.store
                        .articles_after(&self.query, (&published, id), PAGE_ROWS)
            {
                // A short page means the end: the limit then stays above the row count.
                self.limit += PAGE_ROWS;
                self.rows.extend(more);
            }
        }
        let page = self.page.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
    }

    /// The main area (between filter bar and status bar) for a screen of `area`.
    pub fn main_area(&self, area: Rect) -> Rect {
        let top = 1 + u16::from(self.mode == Mode::Filter && self.input_error.is_some());
        Rect::new(
            area.x,
            area.y + top,
            area.width,
            area.height.saturating_sub(top + 1),
        )
    }

    /// Records the screen size: the list's page size follows it.
    pub fn set_viewport(&mut self, area: Rect) {
        let (_, list, _) = super::view::panes(self, self.main_area(area));
        self.page = list.height.saturating_sub(2).max(1) as usize;
        self.offset = super::view::list_offset(self.offset, self.selected, self.page);
    }

    /// A mouse click: focuses the pane under it, selects the article row under it.
    pub fn click(&mut self, area: Rect, x: u16, y: u16) {
        if self.mode != Mode::Normal {
            return;
        }
        let (side, list, reader) = super::view::panes(self, self.main_area(area));
        let inside = |r: Rect| {
            r.width > 0 && x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height
        };
        if inside(list) {
            self.focus = Pane::List;
            if y > list.y && y + 1 < list.y + list.height {
                let off = super::view::list_offset(self.offset, self.selected, self.page);
                let i = off + (y - list.y - 1) as usize;
                if i < self.rows.len() {
                    self.select(i);
                }
            }
        } else if inside(reader) {
            self.focus = Pane::Reader;
        } else if inside(side) {
            self.focus = Pane::Sidebar;
        }
    }

    /// The runtime calls this about twice a second: notices another process's commits.
    pub fn tick(&mut self) {
        if let Ok(v) = self.store.data_version()
            && v != self.data_version
        {
            self.data_version = v;
            self.reload();
        }
    }

    /// Sets the filter from text; on error keeps the previous results and reports the error.
    fn apply_filter_text(&mut self, text: &str) -> bool {
        match compile(text, &*self.analyzer, self.now) {
            Ok(q) => {
                self.input_error = None;
                if q != self.query || text != self.filter {
                    self.query = q;
                    self.filter = text.to_string();
                    self.limit = PAGE_ROWS;
                    self.selected = 0;
                    self.offset = 0;
                    self.reload();
                    if self.list_jobs.is_none() {
                        self.load_detail();
                    }
                }
                true
            }
            Err(e) => {
                self.input_error = Some(e);
                false
            }
        }
    }

    pub fn on_msg(&mut self, msg: Msg) {
        match msg {
            Msg::Poll(PollEvent::Started { feeds }) => {
                self.poll = PollState {
                    running: true,
                    done: 0,
                    total: feeds,
                    new_articles: 0,
                    last: self.poll.last.take(),
                    failed: vec![],
                };
            }
            Msg::Poll(PollEvent::Feed { key, result }) => {
                self.poll.done += 1;
                if let FeedResult::Failed { error } = &result {
                    self.poll.failed.push((key, error.clone()));
                    self.banner = unreachable_banner(&self.poll.failed, self.poll.total, false);
                }
                if let FeedResult::Fetched { new, .. } = result {
                    self.poll.new_articles += new;
                    if new > 0 {
                        self.reload();
                    }
                }
            }
            Msg::Poll(PollEvent::Finished(s)) => {
                self.poll.running = false;
                self.poll.last = Some(format!(
                    "polled {} feeds: {} new, {} failed",
                    s.feeds,
                    s.new_articles,
                    s.failed.len()
                ));
                self.banner = unreachable_banner(&s.failed, s.feeds, true);
                self.reload();
            }
            Msg::Rows(generation, rows) => {
                if generation == self.list_generation {
                    self.loading = false;
                    self.apply_rows(rows);
                }
            }
            Msg::Facets(generation, f) => {
                if generation == self.facet_generation {
                    self.facets = f;
                    let n = self.side_entries().len();
                    self.side_selected = self.side_selected.min(n.saturating_sub(1));
                }
            }
            Msg::Poll(PollEvent::Alert(a)) => {
                // Text from feeds only reaches the screen through the sanitizing renderer.
                self.message = Some(format!("alert — {}", a.headline()));
            }
            Msg::PollError(e) => {
                self.poll.running = false;
                self.poll.last = Some(format!("poll failed: {e}"));
            }
        }
    }

    pub fn update(&mut self, action: Action) {
        self.message = None;
        match self.mode {
            Mode::Filter => return self.update_filter(action),
            Mode::Note => return self.update_note(action),
            Mode::FlagPicker => return self.update_picker(action),
            Mode::Help | Mode::Timeline | Mode::Similar => {
                if matches!(action, Action::Back | Action::Quit) {
                    self.mode = Mode::Normal;
                    self.timeline = None;
                    self.similar = None;
                }
                return;
            }
            Mode::Normal => {}
        }
        match action {
            Action::Quit => self.quit = true,
            Action::Down => self.move_by(1),
            Action::Up => self.move_by(-1),
            Action::PageDown => self.move_by(self.page.max(1) as i64),
            Action::PageUp => self.move_by(-(self.page.max(1) as i64)),
            Action::ScrollDown => self.move_by(3),
            Action::ScrollUp => self.move_by(-3),
            Action::Top => match self.focus {
                Pane::Reader => self.reader_scroll = 0,
                Pane::Sidebar => self.side_selected = 0,
                Pane::List => {
                    self.select(0);
                    // Jumping to the newest is "looking": the new-articles counter resets.
                    self.seen_max_id = self.rows.iter().map(|r| r.id).max().unwrap_or(0);
                }
            },
            Action::Bottom => match self.focus {
                Pane::Reader => self.reader_scroll = u16::MAX / 2,
                Pane::Sidebar => self.side_selected = self.side_entries().len().saturating_sub(1),
                Pane::List => self.select(self.rows.len().saturating_sub(1)),
            },
            Action::Select => match self.focus {
                Pane::List => {
                    if self.detail.is_some() {
                        self.focus = Pane::Reader;
                    }
                }
                Pane::Sidebar => self.add_facet(),
                Pane::Reader => {}
            },
            Action::NextPane => {
                self.focus = match self.focus {
                    Pane::Sidebar => Pane::List,
                    Pane::List => Pane::Reader,
                    Pane::Reader => Pane::Sidebar,
                }
            }
            Action::PrevPane => {
                self.focus = match self.focus {
                    Pane::Sidebar => Pane::Reader,
                    Pane::List => Pane::Sidebar,
                    Pane::Reader => Pane::List,
                }
            }
            Action::Back => self.focus = Pane::List,
            Action::ProposeRule => self.propose_rule(),
            Action::StartFilter => {
                self.mode = Mode::Filter;
                self.input = self.filter.clone();
                self.filter_before_edit = self.filter.clone();
                self.history_pos = None;
                self.input_error = None;
            }
            Action::ClearFilter => {
                self.apply_filter_text("");
            }
            Action::FlagPicker if self.selected_row().is_some() => self.mode = Mode::FlagPicker,
            Action::StartNote if self.selected_row().is_some() => {
                self.note.clear();
                self.mode = Mode::Note;
            }
            Action::Unflag => self.unflag(),
            Action::OpenLink => {
                if let Some(u) = self.selected_row().and_then(|r| r.url.clone()) {
                    self.effects.push(Effect::Open(u));
                }
            }
            Action::CopyLink => {
                // The stored, logical URL: never anything shaped for display.
                if let Some(u) = self.selected_row().and_then(|r| r.url.clone()) {
                    self.message = Some("link copied".into());
                    self.effects.push(Effect::Copy(u));
                }
            }
            Action::PollNow => {
                if self.poll.running {
                    self.message = Some("a poll is already running".into());
                } else {
                    self.poll.running = true;
                    self.poll.done = 0;
                    self.poll.total = 0;
                    self.effects.push(Effect::Poll);
                }
            }
            Action::Help => self.mode = Mode::Help,
            Action::Timeline => self.open_timeline(),
            Action::Similar => self.open_similar(),
            _ => {}
        }
    }

    fn move_by(&mut self, d: i64) {
        match self.focus {
            Pane::Reader => {
                self.reader_scroll =
                    (self.reader_scroll as i64 + d).clamp(0, u16::MAX as i64 / 2) as u16;
            }
            Pane::Sidebar => {
                let n = self.side_entries().len() as i64;
                self.side_selected =
                    (self.side_selected as i64 + d).clamp(0, (n - 1).max(0)) as usize;
            }
            Pane::List => {
                let i = (self.selected as i64 + d).max(0) as usize;
                self.select(i);
            }
        }
    }

    fn add_facet(&mut self) {
        let Some((kind, key, _)) = self.side_entries().get(self.side_selected).copied() else {
            return;
        };
        let term = if key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        {
            format!("{}:{key}", kind.field())
        } else {
            format!("{}:\"{}\"", kind.field(), key.replace('"', ""))
        };
        if self.filter.split_whitespace().any(|w| w == term) {
            return;
        }
        let text = if self.filter.trim().is_empty() {
            term
        } else {
            format!("{} {term}", self.filter.trim())
        };
        if self.apply_filter_text(&text) {
            self.history.push(text);
        } else if let Some(e) = self.input_error.take() {
            self.message = Some(e.to_string());
        }
    }

    fn update_filter(&mut self, action: Action) {
        match action {
            Action::Quit => self.quit = true,
            Action::Input(c) => {
                self.input.push(c);
                self.live();
            }
            Action::Backspace => {
                self.input.pop();
                self.live();
            }
            Action::ClearFilter => {
                self.input.clear();
                self.live();
            }
            Action::HistoryPrev if !self.history.is_empty() => {
                let i = match self.history_pos {
                    None => self.history.len() - 1,
                    Some(i) => i.saturating_sub(1),
                };
                self.history_pos = Some(i);
                self.input = self.history[i].clone();
                self.live();
            }
            Action::HistoryNext => {
                if let Some(i) = self.history_pos {
                    if i + 1 < self.history.len() {
                        self.history_pos = Some(i + 1);
                        self.input = self.history[i + 1].clone();
                    } else {
                        self.history_pos = None;
                        self.input.clear();
                    }
                    self.live();
                }
            }
            Action::Complete => {
                if let Some(done) = complete(&self.input, &*self.analyzer) {
                    self.input = done;
                    self.live();
                }
            }
            Action::Submit => {
                let text = self.input.trim().to_string();
                if self.apply_filter_text(&text) {
                    if let Some(name) = self.rule_draft.take() {
                        self.save_rule(&name, &text);
                    }
                    if !text.is_empty() && self.history.last() != Some(&text) {
                        self.history.push(text);
                    }
                    self.mode = Mode::Normal;
                    self.focus = Pane::List;
                }
            }
            Action::Cancel => {
                self.rule_draft = None;
                let before = self.filter_before_edit.clone();
                self.apply_filter_text(&before);
                self.input_error = None;
                self.mode = Mode::Normal;
            }
            _ => {}
        }
    }

    /// Results follow the typing; a half-typed filter that does not compile keeps the last
    /// results on screen and shows where it goes wrong.
    fn live(&mut self) {
        let text = self.input.clone();
        self.apply_filter_text(&text);
    }

    fn update_picker(&mut self, action: Action) {
        match action {
            Action::Quit => self.quit = true,
            Action::Cancel => self.mode = Mode::Normal,
            Action::PickLabel(c) => {
                let key = c.to_string();
                let Some(label) = self
                    .labels
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, l)| l.clone())
                else {
                    self.message = Some(format!("no label on key '{key}'"));
                    return;
                };
                self.mode = Mode::Normal;
                self.write_flag(&label, None);
            }
            _ => {}
        }
    }

    fn update_note(&mut self, action: Action) {
        match action {
            Action::Quit => self.quit = true,
            Action::Input(c) => self.note.push(c),
            Action::Backspace => {
                self.note.pop();
            }
            Action::Cancel => self.mode = Mode::Normal,
            Action::Submit => {
                self.mode = Mode::Normal;
                let note = self.note.trim().to_string();
                if note.is_empty() {
                    return;
                }
                // The note goes on the article's latest flag; an unflagged article gets the
                // first configured label.
                let label = self
                    .detail
                    .as_ref()
                    .and_then(|d| d.flags.last().map(|f| f.label.clone()))
                    .or_else(|| self.labels.first().map(|(_, l)| l.clone()))
                    .unwrap_or_else(|| "flagged".into());
                self.write_flag(&label, Some(&note));
            }
            _ => {}
        }
    }

    fn write_flag(&mut self, label: &str, note: Option<&str>) {
        let Some(id) = self.selected_row().map(|r| r.id) else {
            return;
        };
        let user = self.user.clone();
        match self.store.flag(id, label, note, "user", user.as_deref()) {
            Ok(true) => {
                self.message = Some(match note {
                    Some(_) => format!("note saved on '{label}'"),
                    None => format!("flagged '{label}'"),
                })
            }
            Ok(false) => self.message = Some("the article is gone".into()),
            Err(e) => self.message = Some(format!("flag failed: {e}")),
        }
        self.reload();
        self.load_detail();
    }

    fn unflag(&mut self) {
        let Some(id) = self.selected_row().map(|r| r.id) else {
            return;
        };
        let Some(label) = self
            .detail
            .as_ref()
            .and_then(|d| d.flags.last().map(|f| f.label.clone()))
        else {
            self.message = Some("not flagged".into());
            return;
        };
        let user = self.user.clone();
        match self.store.unflag(id, Some(&label), user.as_deref()) {
            Ok(_) => self.message = Some(format!("removed '{label}'")),
            Err(e) => self.message = Some(format!("unflag failed: {e}")),
        }
        self.reload();
        self.load_detail();
    }

    /// Puts the selected article's proposed rule into the filter bar: its matches show live
    /// while the analyst edits it, Enter saves it to the feeds file, Esc drops it.
    fn propose_rule(&mut self) {
        let Some(id) = self.selected_row().map(|r| r.id) else {
            return;
        };
        if self.feeds_path.is_none() {
            self.message = Some("no feeds file to save a rule to".into());
            return;
        }
        match crate::rules::propose::propose(&self.store, &self.analyzer, id) {
            Ok(Some(p)) if !p.query.is_empty() => {
                self.filter_before_edit = self.filter.clone();
                self.mode = Mode::Filter;
                self.history_pos = None;
                self.input = p.query;
                self.rule_draft = Some(format!("like-{id}"));
                self.live();
            }
            Ok(_) => self.message = Some("nothing in this article to watch for".into()),
            Err(e) => self.message = Some(format!("proposing a rule failed: {e}")),
        }
    }

    fn save_rule(&mut self, name: &str, query: &str) {
        let Some(path) = self.feeds_path.clone() else {
            return;
        };
        self.message = Some(
            match crate::rules::propose::save(&path, name, query, "watch", true) {
                Ok(()) => format!(
                    "rule {name} saved to {} (watching from the next start)",
                    path.display()
                ),
                Err(e) => format!("rule not saved: {e}"),
            },
        );
    }

    /// The actor for the timeline: the sidebar's selected actor, else the filter's only actor,
    /// else the selected article's first actor when the reader is open; none = the filter.
    fn timeline_actor(&self) -> Option<String> {
        if self.focus == Pane::Sidebar
            && let Some((FacetKind::Actor, k, _)) = self.side_entries().get(self.side_selected)
        {
            return Some(k.to_string());
        }
        fn actors(q: &Query, out: &mut Vec<String>) {
            match q {
                Query::And(v) => v.iter().for_each(|c| actors(c, out)),
                Query::Actor(k) => out.push(k.clone()),
                _ => {}
            }
        }
        let mut v = vec![];
        actors(&self.query, &mut v);
        if v.len() == 1 {
            return v.pop();
        }
        if self.focus == Pane::Reader {
            return self
                .detail
                .as_ref()
                .and_then(|d| d.actors.first().map(|a| a.0.clone()));
        }
        None
    }

    /// The same list as `rasd similar ID`, for the selected article.
    fn open_similar(&mut self) {
        let Some(id) = self.selected_row().map(|r| r.id) else {
            return;
        };
        match crate::story::similar::similar(&self.store, id, SIMILAR_ROWS) {
            Ok(mut rows) => {
                // The story's members come first (as in `rasd similar`); the overlay lists them
                // as the reader does, by time and outlet, so the story reads as it unfolded.
                let members = rows.iter().take_while(|s| s.same_story).count();
                rows[..members].sort_by(|a, b| {
                    a.published_at
                        .cmp(&b.published_at)
                        .then(a.source.cmp(&b.source))
                });
                self.similar = Some(rows);
                self.mode = Mode::Similar;
            }
            Err(e) => self.message = Some(format!("similar: {e}")),
        }
    }

    fn open_timeline(&mut self) {
        let actor = self.timeline_actor();
        let days = self
            .store
            .per_day(&self.query, actor.as_deref(), 60)
            .unwrap_or_default();
        let co = match &actor {
            Some(a) => self
                .store
                .co_mentioned(&self.query, a, 10)
                .unwrap_or_default(),
            None => self.facets.actors.clone(),
        };
        let title = match &actor {
            Some(a) => format!("mentions of {a} per day"),
            None => "articles per day".to_string(),
        };
        let counted = match &actor {
            Some(a) => Query::And(vec![self.query.clone(), Query::Actor(a.clone())]),
            None => self.query.clone(),
        };
        let spikes = crate::rules::spike::history(
            &self.store,
            &counted,
            crate::rules::spike::Threshold::default(),
            60,
            self.now,
        )
        .unwrap_or_default()
        .into_iter()
        .map(|d| d.day.format("%Y-%m-%d").to_string())
        .collect();
        self.timeline = Some(Timeline {
            title,
            days,
            co,
            spikes,
        });
        self.mode = Mode::Timeline;
    }
}

/// Rows in the `s` overlay: more than fit on any screen; the overlay cuts what does not fit.
const SIMILAR_ROWS: usize = 60;

/// Field names of the filter language (QUERY.md), for completion.
const FIELDS: &[&str] = &[
    "title",
    "actor",
    "topic",
    "source",
    "country",
    "lang",
    "flag",
    "since",
    "until",
    "candidate",
];

/// Completes the last word of a filter: a field name, or a key after `actor:`, `topic:`,
/// `source:`. Returns the whole new text, or None when nothing fits.
pub fn complete(input: &str, vocab: &dyn crate::query::Vocabulary) -> Option<String> {
    let start = input.rfind(' ').map(|i| i + 1).unwrap_or(0);
    let word = &input[start..];
    let (neg, word) = match word.strip_prefix('-') {
        Some(w) => ("-", w),
        None => ("", word),
    };
    let done = match word.split_once(':') {
        None => {
            let w = word.to_ascii_lowercase();
            FIELDS
                .iter()
                .copied()
                .find(|n| n.starts_with(&w) && !w.is_empty())
                .map(|n| format!("{n}:"))?
        }
        Some((field, prefix)) => {
            let keys: Vec<String> = match field.to_ascii_lowercase().as_str() {
                "actor" => vocab.actor_keys(),
                "topic" => vocab.topic_keys(),
                "source" => vocab.sources().into_iter().map(|(k, _)| k).collect(),
                _ => return None,
            };
            let mut keys: Vec<&String> = keys.iter().filter(|k| k.starts_with(prefix)).collect();
            keys.sort();
            let k = keys.first()?;
            format!("{field}:{k}")
        }
    };
    Some(format!("{}{neg}{done}", &input[..start]))
}

/// A one-line account of the feeds a poll could not reach, grouped by cause, so that a
/// machine without network says so instead of showing an unexplained empty list.
pub fn unreachable_banner(
    failed: &[(String, String)],
    feeds: usize,
    finished: bool,
) -> Option<String> {
    if failed.is_empty() {
        return None;
    }
    let mut causes: Vec<(&'static str, usize)> = vec![];
    for (_, e) in failed {
        let c = failure_cause(e);
        match causes.iter_mut().find(|(k, _)| *k == c) {
            Some((_, n)) => *n += 1,
            None => causes.push((c, 1)),
        }
    }
    causes.sort_by_key(|c| std::cmp::Reverse(c.1));
    let why: Vec<String> = causes.iter().map(|(c, n)| format!("{n} {c}")).collect();
    let all = failed.len() == feeds;
    let lead = if all && causes.iter().all(|(c, _)| is_network(c)) {
        "no network? "
    } else {
        ""
    };
    let tail = if finished {
        "showing what is stored; r retries"
    } else {
        "polling goes on"
    };
    Some(format!(
        "{lead}{} of {feeds} feeds unreachable: {} — {tail}",
        failed.len(),
        why.join(", ")
    ))
}

fn is_network(cause: &str) -> bool {
    matches!(
        cause,
        "name lookup failed" | "connection refused" | "timed out" | "cannot connect"
    )
}

/// The cause of a feed's failure in a few words, from the poller's error text.
fn failure_cause(e: &str) -> &'static str {
    let l = e.to_ascii_lowercase();
    if l.contains("lookup") || l.contains("name or service") || l.contains("dns") {
        "name lookup failed"
    } else if l.contains("refused") {
        "connection refused"
    } else if l.contains("timed out") || l.contains("timeout") {
        "timed out"
    } else if l.contains("cannot connect") || l.contains("unreachable") {
        "cannot connect"
    } else if l.contains("http ") || l.contains("status") {
        "HTTP error"
    } else if l.contains("too large") {
        "too large"
    } else {
        "other errors"
    }
}
