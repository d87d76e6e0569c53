//! Whole-screen tests: the real store (migrations, poller, tagging) filled from fixture feeds
//! on disk, the UI driven through actions, screens drawn on ratatui's `TestBackend` and
//! compared as text with insta snapshots at 80×24 and 160×48.

use super::action::{Action, Mode};
use super::app::{App, Pane};
use super::bidi::BidiMode;
use super::view;
use crate::analyze::Analyzer;
use crate::config::Config;
use crate::store::Store;
use chrono::TimeZone;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::PathBuf;
use std::sync::Arc;
use unicode_normalization::UnicodeNormalization;

/// (guid, published, title, body)
const ARTICLES: &[(&str, &str, &str, &str)] = &[
    (
        "a1",
        "Sat, 05 Dec 2026 09:30:00 +0000",
        "الناتو يرفع عدد قواته في العراق إلى 4000 جندي",
        "قال الأمين العام لحلف شمال الأطلسي (NATO) ينس ستولتنبرغ إن الحلف سيرفع عدد قواته في العراق من 500 إلى 4000 عنصر، في خطوة يرى مراقبون أنها التفاف على قرار البرلمان العراقي.\n\nوأكد رئيس الوزراء مصطفى الكاظمي أن المهمة استشارية.",
    ),
    (
        "r1",
        "Fri, 04 Dec 2026 18:00:00 +0000",
        "بايدن يحذر الصين من دعم روسيا",
        "حذر الرئيس الأمريكي جو بايدن نظيره الصيني من تقديم أي دعم عسكري لموسكو.",
    ),
    (
        "b1",
        "Fri, 04 Dec 2026 07:15:00 +0000",
        "ترامب: الصين تستغل التجارة",
        "قال الرئيس الأمريكي السابق دونالد ترامب إن الصين تستغل الاتفاقات التجارية.",
    ),
    (
        "s1",
        "Thu, 03 Dec 2026 09:00:00 +0000",
        "الكاظمي يستقبل وفداً من حلف شمال الأطلسي في بغداد",
        "استقبل رئيس مجلس الوزراء مصطفى الكاظمي وفداً رفيعاً من حلف شمال الأطلسي.",
    ),
    (
        "e1",
        "Wed, 02 Dec 2026 12:00:00 +0000",
        "Iraq's parliament debates the NATO mission",
        "An English item in an Arabic feed stays left-to-right.",
    ),
];

fn rss(items: &[(&str, &str, &str, &str)]) -> String {
    let items: String = items
        .iter()
        .map(|(g, d, t, b)| {
            format!("<item><guid>{g}</guid><title>{t}</title><link>https://example.org/{g}</link><pubDate>{d}</pubDate><description>{b}</description></item>")
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>t</title>{items}</channel></rss>"
    )
}

struct Env {
    dir: tempfile::TempDir,
    analyzer: Arc<Analyzer>,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().expect("tmp");
        let feed = dir.path().join("alwaght.xml");
        std::fs::write(&feed, rss(ARTICLES)).expect("write feed");
        std::fs::write(
            dir.path().join("feeds.toml"),
            format!(
                "[labels]\n\"1\" = \"narrative\"\n\"2\" = \"follow-up\"\n\"3\" = \"disinformation\"\n\n\
                 [[feed]]\nkey = \"alwaght\"\nname = \"الوقت\"\nurl = \"{}\"\n",
                feed.display()
            ),
        )
        .expect("write feeds");
        Env::polled(dir)
    }

    /// The feeds.toml in `dir`, its sources known to the analyzer, polled once.
    fn polled(dir: tempfile::TempDir) -> Env {
        let config = Config::load(&dir.path().join("feeds.toml")).expect("config");
        let sources = config
            .feeds
            .iter()
            .map(|f| (f.key.clone(), f.name.clone()))
            .collect();
        let analyzer = Arc::new(Analyzer::load(None, sources).expect("analyzer"));
        let env = Env { dir, analyzer };
        env.poll(config);
        env
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("rasd.db")
    }

    fn config(&self) -> Config {
        Config::load(&self.dir.path().join("feeds.toml")).expect("config")
    }

    fn poll(&self, config: Config) {
        let poller = crate::poll::Poller::new(&self.db(), config)
            .expect("poller")
            .with_analyzer(self.analyzer.clone());
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("rt");
        rt.block_on(poller.poll_once(true, None)).expect("poll");
    }

    fn app(&self) -> App {
        let store = Store::open(&self.db()).expect("store");
        let now = chrono::Utc
            .with_ymd_and_hms(2026, 12, 6, 0, 0, 0)
            .single()
            .expect("now");
        let mut app = App::new(
            store,
            self.analyzer.clone(),
            self.config().labels,
            BidiMode::App,
            now,
        );
        app.user = Some("analyst".into());
        app
    }
}

fn screen(app: &mut App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    app.set_viewport(ratatui::layout::Rect::new(0, 0, w, h));
    t.draw(|f| view::render(app, f)).expect("draw");
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        for x in 0..w {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn both(app: &mut App, name: &str) {
    insta::assert_snapshot!(format!("{name}_80x24"), screen(app, 80, 24));
    insta::assert_snapshot!(format!("{name}_160x48"), screen(app, 160, 48));
}

fn type_filter(app: &mut App, text: &str) {
    app.update(Action::StartFilter);
    app.update(Action::ClearFilter);
    for c in text.chars() {
        app.update(Action::Input(c));
    }
}

#[test]
fn list_screen() {
    let env = Env::new();
    let mut app = env.app();
    both(&mut app, "list");
}

#[test]
fn reader_screen_with_arabic_numbers_and_an_acronym() {
    let env = Env::new();
    let mut app = env.app();
    type_filter(&mut app, "actor:nato");
    app.update(Action::Submit);
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(
        app.selected_row().map(|r| r.url.clone()),
        Some(Some("https://example.org/a1".into()))
    );
    app.update(Action::Select);
    assert_eq!(app.focus, Pane::Reader);
    both(&mut app, "reader");

    // Checked by hand: read left to right, the title's words come last-first, each word's
    // letters reversed, and "4000" keeps its digit order.
    let s = screen(&mut app, 80, 24);
    let title_row = s.lines().nth(2).expect("row");
    let words: Vec<String> = title_row
        .rsplit("││")
        .next()
        .expect("reader column")
        .trim_matches(|c: char| c == '│' || c == ' ')
        .split(' ')
        .map(|w| {
            let logical: String = w.nfkc().collect();
            if logical.chars().all(|c| c.is_ascii_digit()) {
                logical
            } else {
                logical.chars().rev().collect()
            }
        })
        .collect();
    assert_eq!(
        words,
        [
            "جندي",
            "4000",
            "إلى",
            "العراق",
            "في",
            "قواته",
            "عدد",
            "يرفع",
            "الناتو"
        ],
        "{title_row}"
    );
    // The acronym in the body reads NATO, inside brackets that open towards it.
    assert!(s.contains("(NATO)"), "{s}");
}

#[test]
fn filter_error_screen() {
    let env = Env::new();
    let mut app = env.app();
    type_filter(&mut app, "actor:natoo");
    assert!(app.input_error.is_some());
    // The last good results stay on screen while the error shows where it goes wrong.
    both(&mut app, "filter_error");
    app.update(Action::Submit);
    assert_eq!(app.mode, Mode::Filter, "a broken filter is not applied");
    app.update(Action::Backspace);
    app.update(Action::Submit);
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.filter, "actor:nato");
}

#[test]
fn flag_picker_screen_and_flagging() {
    let env = Env::new();
    let mut app = env.app();
    app.update(Action::FlagPicker);
    assert_eq!(app.mode, Mode::FlagPicker);
    both(&mut app, "flag_picker");
    app.update(Action::PickLabel('1'));
    assert_eq!(app.mode, Mode::Normal);
    app.update(Action::StartNote);
    for c in "framing the troop increase".chars() {
        app.update(Action::Input(c));
    }
    app.update(Action::Submit);
    let d = app.detail.clone().expect("detail");
    assert_eq!(d.flags.len(), 1);
    assert_eq!(d.flags[0].label, "narrative");
    assert_eq!(
        d.flags[0].note.as_deref(),
        Some("framing the troop increase")
    );
    assert_eq!(d.flags[0].created_by.as_deref(), Some("analyst"));
    assert_eq!(app.rows[0].flags, ["narrative"]);
    app.update(Action::Unflag);
    assert!(app.detail.as_ref().expect("detail").flags.is_empty());
}

#[test]
fn help_screen() {
    let env = Env::new();
    let mut app = env.app();
    app.update(Action::Help);
    both(&mut app, "help");
    app.update(Action::Back);
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn timeline_screen() {
    let env = Env::new();
    let mut app = env.app();
    type_filter(&mut app, "actor:nato");
    app.update(Action::Submit);
    app.update(Action::Timeline);
    assert_eq!(app.mode, Mode::Timeline);
    both(&mut app, "timeline");
}

#[test]
fn timeline_marks_spike_days_of_the_filter() {
    let env = Env::new();
    let c = rusqlite::Connection::open(env.db()).expect("db");
    // rasd has been collecting since mid-November; on the 5th, eight more NATO articles.
    c.execute(
        "UPDATE articles SET first_seen_at = '2026-11-15T00:00:00Z'",
        [],
    )
    .expect("backdate");
    for n in 0..8 {
        c.execute(
            "INSERT INTO articles (feed_id, item_key, title, published_at, first_seen_at, content_hash)
             SELECT feed_id, ?1, ?1, '2026-12-05T10:00:00Z', '2026-12-05T10:00:00Z', ?1 FROM articles LIMIT 1",
            [format!("spike-{n}")],
        )
        .expect("article");
        c.execute(
            "INSERT INTO article_actors (article_id, actor_key, mentions, in_title) VALUES (?1, 'nato', 1, 1)",
            [c.last_insert_rowid()],
        )
        .expect("actor");
    }
    let mut app = env.app();
    type_filter(&mut app, "actor:nato");
    app.update(Action::Submit);
    app.update(Action::Timeline);
    let t = app.timeline.as_ref().expect("timeline");
    assert_eq!(t.spikes, vec!["2026-12-05".to_string()]);
    let shown = screen(&mut app, 160, 48);
    assert!(shown.contains("▲ spike"), "{shown}");
    assert!(
        shown.matches('▲').count() >= 2,
        "the day's bar is marked too: {shown}"
    );
}

#[test]
fn w_drafts_a_rule_in_the_filter_bar_and_enter_saves_it() {
    let env = Env::new();
    let feeds = env.dir.path().join("feeds.toml");
    let original = std::fs::read_to_string(&feeds).expect("feeds.toml");
    let mut app = env.app();
    app.feeds_path = Some(feeds.clone());
    type_filter(&mut app, "actor:nato");
    app.update(Action::Submit);
    let id = app.selected_row().expect("a NATO article").id;
    app.update(Action::ProposeRule);
    assert_eq!(app.mode, Mode::Filter);
    assert_eq!(app.rule_draft, Some(format!("like-{id}")));
    assert!(app.input.contains("actor:"), "{}", app.input);
    assert!(
        app.rows.iter().any(|r| r.id == id),
        "the draft matches its article, live"
    );
    let shown = screen(&mut app, 160, 48);
    assert!(
        shown.contains(&format!("rule like-{id} ▸ actor:")),
        "{shown}"
    );

    // Edited (one more word dropped in), then saved.
    app.update(Action::Input(' '));
    for c in "-flag:none".chars() {
        app.update(Action::Input(c));
    }
    let query = app.input.trim().to_string();
    app.update(Action::Submit);
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.rule_draft, None);
    let text = std::fs::read_to_string(&feeds).expect("feeds.toml");
    assert!(text.starts_with(&original), "{text}");
    let config = Config::load(&feeds).expect("config");
    let rule = config.rules.last().expect("saved");
    assert_eq!(rule.name, format!("like-{id}"));
    assert_eq!(rule.query.as_deref(), Some(query.as_str()));

    // Esc drops a draft without touching the file.
    app.update(Action::ProposeRule);
    app.update(Action::Cancel);
    assert_eq!(app.rule_draft, None);
    assert_eq!(std::fs::read_to_string(&feeds).expect("feeds.toml"), text);
}

#[test]
fn hostile_title_renders_inert() {
    let env = Env::new();
    // Ingest sanitizes; render must not rely on it, so write the hostile text directly.
    let c = rusqlite::Connection::open(env.db()).expect("db");
    c.execute(
        "UPDATE articles SET title = ?1, summary = ?1 WHERE guid = 'e1'",
        ["Evil \u{1b}[31mred\u{1b}]52;c;aGk=\u{7} \u{202E}reversed\u{2066} \u{9b}2J end"],
    )
    .expect("update");
    drop(c);
    let mut app = env.app();
    app.update(Action::Bottom);
    app.update(Action::Select);
    for (w, h) in [(80, 24), (160, 48)] {
        let s = screen(&mut app, w, h);
        assert!(s.contains("Evil"), "{s}");
        for bad in ['\u{1b}', '\u{7}', '\u{202E}', '\u{2066}', '\u{9b}'] {
            assert!(!s.contains(bad), "{bad:?} reached the screen");
        }
    }
    insta::assert_snapshot!("hostile_80x24", screen(&mut app, 80, 24));
}

#[test]
fn new_articles_appear_without_moving_the_selection() {
    let env = Env::new();
    let mut app = env.app();
    app.update(Action::Down);
    app.update(Action::Down);
    let before = app.selected_row().map(|r| r.id);
    let row_on_screen = app.selected - view::list_offset(app.offset, app.selected, app.page);
    // Another connection (the poller) writes two newer articles.
    let mut more = ARTICLES.to_vec();
    more.push((
        "n1",
        "Sat, 05 Dec 2026 20:00:00 +0000",
        "خبر جديد عاجل",
        "نص",
    ));
    more.push(("n2", "Sat, 05 Dec 2026 21:00:00 +0000", "خبر آخر", "نص"));
    std::fs::write(env.dir.path().join("alwaght.xml"), rss(&more)).expect("write");
    env.poll(env.config());
    app.tick();
    assert_eq!(
        app.rows.len(),
        ARTICLES.len() + 2,
        "noticed by data_version"
    );
    assert_eq!(app.selected_row().map(|r| r.id), before);
    assert_eq!(app.new_since_seen(), 2);
    // At most the view scrolls with it when there is room; the row stays visible.
    let off = view::list_offset(app.offset, app.selected, app.page);
    assert!(app.selected >= off && app.selected < off + app.page);
    let _ = row_on_screen;
    app.update(Action::Top);
    assert_eq!(app.new_since_seen(), 0);
}

#[test]
fn completion_of_fields_and_keys() {
    let env = Env::new();
    let a = &*env.analyzer;
    assert_eq!(super::app::complete("act", a).as_deref(), Some("actor:"));
    assert_eq!(
        super::app::complete("actor:nat", a).as_deref(),
        Some("actor:nato")
    );
    assert_eq!(
        super::app::complete("since:7d -sou", a).as_deref(),
        Some("since:7d -source:")
    );
    assert_eq!(
        super::app::complete("source:alw", a).as_deref(),
        Some("source:alwaght")
    );
}

#[test]
fn facet_selection_adds_to_the_filter() {
    let env = Env::new();
    let mut app = env.app();
    app.update(Action::PrevPane);
    assert_eq!(app.focus, Pane::Sidebar);
    // First entry: the only source.
    app.update(Action::Select);
    assert_eq!(app.filter, "source:alwaght");
    let nato = app
        .side_entries()
        .iter()
        .position(|e| e.1 == "nato")
        .expect("nato facet");
    for _ in 0..nato {
        app.update(Action::Down);
    }
    app.update(Action::Select);
    assert_eq!(app.filter, "source:alwaght actor:nato");
    assert!(
        app.rows
            .iter()
            .all(|r| r.actors.iter().any(|a| a == "nato"))
    );
}

#[test]
fn search_terms_are_highlighted_without_breaking_joining() {
    let env = Env::new();
    let mut app = env.app();
    type_filter(&mut app, "العراق");
    app.update(Action::Submit);
    app.update(Action::Select);
    let mut t = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    t.draw(|f| view::render(&app, f)).expect("draw");
    let buf = t.backend().buffer().clone();
    // The highlighted cells are whole words (العراق, or العراقي by its stem), shaped in
    // their sentence: folded back and read right to left they spell the term.
    let mut found = false;
    for y in 0..24u16 {
        let marked: String = (0..80u16)
            .filter(|&x| buf[(x, y)].bg == ratatui::style::Color::Yellow)
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect();
        if !marked.is_empty() {
            let logical: String = marked
                .nfkc()
                .collect::<Vec<char>>()
                .into_iter()
                .rev()
                .collect();
            assert!(logical.contains("العراق"), "row {y}: {marked}");
            found = true;
        }
    }
    assert!(found, "no highlight drawn");
}

#[test]
fn terminal_mode_draws_logical_text() {
    let env = Env::new();
    let mut app = env.app();
    app.bidi = BidiMode::Terminal;
    let s = screen(&mut app, 160, 48);
    assert!(s.contains("الناتو يرفع"), "{s}");
}

#[test]
fn resize_down_to_tiny_does_not_panic() {
    let env = Env::new();
    let mut app = env.app();
    app.update(Action::Select);
    for (w, h) in [(10, 3), (20, 5), (40, 10), (79, 23), (119, 30), (200, 60)] {
        let _ = screen(&mut app, w, h);
    }
}

#[test]
fn keyset_pages_continue_where_the_list_ends() {
    let env = Env::new();
    let app = env.app();
    let all = app
        .store
        .query_articles(&app.query, crate::store::articles::Sort::Newest, None)
        .expect("all");
    let first = &all[1];
    let rest = app
        .store
        .articles_after(&app.query, (&first.published_at, first.id), 10)
        .expect("page");
    assert_eq!(rest, all[2..].to_vec());
}

#[test]
fn typed_filters_are_read_by_the_workers() {
    let env = Env::new();
    let mut app = env.app();
    let (tx, rx) = std::sync::mpsc::channel();
    app.list_jobs = Some(super::worker::spawn_lists(env.db(), tx.clone()).expect("list worker"));
    app.facet_jobs = Some(super::worker::spawn_facets(env.db(), tx).expect("facet worker"));
    type_filter(&mut app, "actor:nato");
    assert!(app.loading);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while app.loading || app.facets.total != 3 {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let msg = rx
            .recv_timeout(left)
            .expect("worker answers before the deadline");
        app.on_msg(msg);
    }
    assert_eq!(app.rows.len(), 3);
    assert!(
        app.rows
            .iter()
            .all(|r| r.actors.iter().any(|a| a == "nato"))
    );
    assert_eq!(
        app.detail.as_ref().map(|d| d.id),
        app.rows.first().map(|r| r.id)
    );
}

#[test]
fn filter_history_walks_back_and_forth() {
    let env = Env::new();
    let mut app = env.app();
    for f in ["actor:nato", "actor:china"] {
        type_filter(&mut app, f);
        app.update(Action::Submit);
    }
    app.update(Action::StartFilter);
    app.update(Action::HistoryPrev);
    assert_eq!(app.input, "actor:china");
    app.update(Action::HistoryPrev);
    assert_eq!(app.input, "actor:nato");
    assert_eq!(app.filter, "actor:nato", "history entries apply live");
    app.update(Action::HistoryNext);
    assert_eq!(app.input, "actor:china");
    app.update(Action::Cancel);
    assert_eq!(
        app.filter, "actor:china",
        "Esc restores the filter in force before"
    );
}

#[test]
fn unreachable_feeds_show_a_banner_and_an_explained_empty_list() {
    // Two loopback ports nobody listens on: what a machine without network gets, minus DNS.
    let closed = || {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("feeds.toml"),
        format!(
            "[[feed]]\nkey = \"a\"\nurl = \"http://127.0.0.1:{}/rss\"\n\n\
             [[feed]]\nkey = \"b\"\nurl = \"http://127.0.0.1:{}/rss\"\n",
            closed(),
            closed()
        ),
    )
    .expect("write");
    let env = Env {
        dir,
        analyzer: Arc::new(Analyzer::load(None, vec![]).expect("analyzer")),
    };
    let poller = crate::poll::Poller::new(&env.db(), env.config()).expect("poller");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    rt.block_on(poller.poll_once(true, Some(tx))).expect("poll");
    let mut app = env.app();
    let mut banners = vec![];
    while let Ok(ev) = rx.try_recv() {
        app.on_msg(super::app::Msg::Poll(ev));
        banners.push(app.banner.clone());
    }
    // Started, two failed feeds, finished: the cause shows while the poll is still going.
    assert_eq!(banners.len(), 4, "{banners:?}");
    assert_eq!(banners[0], None);
    assert!(
        banners[1].as_deref().is_some_and(|b| b
            .starts_with("1 of 2 feeds unreachable: 1 connection refused")
            && b.ends_with("polling goes on")),
        "{banners:?}"
    );
    let s = screen(&mut app, 100, 12);
    assert!(
        s.contains("no network? 2 of 2 feeds unreachable: 2 connection refused"),
        "{s}"
    );
    assert!(s.contains("No articles stored yet"), "{s}");
    insta::assert_snapshot!("unreachable_100x12", s);
}

/// The five outlets of tests/fixtures/stories, read from disk by the real poller.
fn story_env() -> Env {
    let dir = tempfile::tempdir().expect("tmp");
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stories");
    let mut toml = String::new();
    for k in ["wire", "gulf", "iraq", "iran", "levant"] {
        toml.push_str(&format!(
            "[[feed]]\nkey = \"{k}\"\nurl = \"{}\"\n\n",
            fixtures.join(format!("{k}.xml")).display()
        ));
    }
    std::fs::write(dir.path().join("feeds.toml"), toml).expect("write feeds");
    Env::polled(dir)
}

#[test]
fn story_column_reader_members_and_similar_overlay() {
    let env = story_env();
    let mut app = env.app();
    type_filter(&mut app, "source:iran");
    app.update(Action::Submit);
    // The newest of the Star Nova reports: the list says four more outlets tell it.
    let i = app
        .rows
        .iter()
        .position(|r| r.title.contains("القوات اليمنية تضرب"))
        .expect("iran-403 listed");
    for _ in 0..i {
        app.update(Action::Down);
    }
    assert_eq!(app.rows[i].story_size, 5);
    assert_eq!(
        app.story.len(),
        4,
        "the reader lists the four other outlets"
    );
    assert!(
        app.story
            .windows(2)
            .all(|w| w[0].published_at <= w[1].published_at)
    );
    both(&mut app, "story_reader");
    app.update(Action::Similar);
    assert_eq!(app.mode, Mode::Similar);
    let rows = app.similar.clone().expect("similar rows");
    assert!(rows[..4].iter().all(|s| s.same_story), "story first");
    assert!(rows[4..].iter().all(|s| !s.same_story));
    assert!(
        rows[..4]
            .windows(2)
            .all(|w| w[0].published_at <= w[1].published_at)
    );
    both(&mut app, "story_similar");
    app.update(Action::Back);
    assert_eq!(app.mode, Mode::Normal);
    assert!(app.similar.is_none());
}
