//! The real binary's terminal UI driven through tmux: a database built by polling Arabic
//! fixture feeds over loopback, keys sent with `send-keys`, the screen read with
//! `capture-pane`, the outcome checked with SQL. Every wait is a poll with a deadline on the
//! captured screen, never a fixed sleep. Skipped (with a message) when tmux is missing.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use unicode_normalization::UnicodeNormalization;

const A1_TITLE: &str = "الناتو يرفع عدد قواته في العراق إلى 4000 جندي";

fn item(guid: &str, date: &str, title: &str, body: &str) -> String {
    format!(
        "<item><guid>{guid}</guid><title>{title}</title><link>https://example.org/{guid}</link>\
         <pubDate>{date}</pubDate><description>{body}</description></item>"
    )
}

fn write_feed(dir: &Path, items: &[String]) {
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>alwaght</title>{}</channel></rss>",
        items.concat()
    );
    std::fs::write(dir.join("alwaght.xml"), xml).expect("write feed");
}

fn base_items() -> Vec<String> {
    vec![
        item(
            "a1",
            "Sat, 05 Dec 2026 09:30:00 +0000",
            A1_TITLE,
            "قال الأمين العام لحلف شمال الأطلسي (NATO) ينس ستولتنبرغ إن الحلف سيرفع عدد قواته في العراق من 500 إلى 4000 عنصر.",
        ),
        item(
            "r1",
            "Fri, 04 Dec 2026 18:00:00 +0000",
            "بايدن يحذر الصين من دعم روسيا",
            "حذر الرئيس الأمريكي جو بايدن نظيره الصيني من تقديم أي دعم عسكري لموسكو.",
        ),
        item(
            "s1",
            "Thu, 03 Dec 2026 09:00:00 +0000",
            "الكاظمي يستقبل وفداً من حلف شمال الأطلسي في بغداد",
            "استقبل رئيس مجلس الوزراء مصطفى الكاظمي وفداً رفيعاً من حلف شمال الأطلسي.",
        ),
    ]
}

struct Env {
    _server: Server,
    dir: tempfile::TempDir,
    socket: String,
    session: String,
}

impl Env {
    fn new(name: &str) -> Option<Env> {
        if Command::new("tmux").arg("-V").output().is_err() {
            eprintln!("skipping {name}: tmux is not installed");
            return None;
        }
        let dir = tempfile::tempdir().expect("tmp");
        let feeds = dir.path().join("feeds");
        std::fs::create_dir(&feeds).expect("mkdir");
        write_feed(&feeds, &base_items());
        let server = Server::files(&feeds);
        std::fs::write(
            dir.path().join("feeds.toml"),
            format!(
                "[labels]\n\"1\" = \"narrative\"\n\"2\" = \"follow-up\"\n\n\
                 [[feed]]\nkey = \"alwaght\"\nname = \"الوقت\"\nurl = \"{}\"\n",
                server.url("/alwaght.xml")
            ),
        )
        .expect("feeds.toml");
        let env = Env {
            _server: server,
            // The server's socket lives in the test's directory and goes with it.
            socket: dir.path().join("tmux.sock").display().to_string(),
            session: "rasd".into(),
            dir,
        };
        env.poll();
        Some(env)
    }

    fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }

    /// `rasd poll --once` as a separate process (tagging included).
    fn poll(&self) {
        let out = Command::new(env!("CARGO_BIN_EXE_rasd"))
            .args(["poll", "--once", "--all", "--quiet", "--db"])
            .arg(self.path("rasd.db"))
            .arg("--feeds")
            .arg(self.path("feeds.toml"))
            .env_remove("RASD_DB")
            .env_remove("RASD_FEEDS")
            .output()
            .expect("run rasd poll");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn tmux(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("run tmux")
    }

    fn start_tui(&self) {
        let cmd = format!(
            "USER=analyst NO_COLOR=1 '{}' tui --no-poll --db '{}' --feeds '{}'",
            env!("CARGO_BIN_EXE_rasd"),
            self.path("rasd.db").display(),
            self.path("feeds.toml").display()
        );
        let out = self.tmux(&[
            "new-session",
            "-d",
            "-s",
            &self.session,
            "-x",
            "100",
            "-y",
            "30",
            &cmd,
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.session];
        args.extend_from_slice(keys);
        assert!(self.tmux(&args).status.success());
    }

    fn literal(&self, text: &str) {
        assert!(
            self.tmux(&["send-keys", "-t", &self.session, "-l", text])
                .status
                .success()
        );
    }

    fn capture(&self) -> String {
        String::from_utf8_lossy(
            &self
                .tmux(&["capture-pane", "-p", "-t", &self.session])
                .stdout,
        )
        .into_owned()
    }

    /// Polls the screen until `pred` holds, failing with the last screen after 15 s.
    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let screen = self.capture();
            if pred(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_exit(&self) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while self
            .tmux(&["has-session", "-t", &self.session])
            .status
            .success()
        {
            assert!(Instant::now() < deadline, "the TUI did not quit");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

/// Read left to right, the words of a row whose Arabic was laid out right to left: each
/// word's letters folded back from presentation forms and re-reversed, digits kept as is.
fn logical_words(row: &str) -> Vec<String> {
    row.split_whitespace()
        .map(|w| {
            let w: String = w.nfkc().collect();
            if w.chars().all(|c| c.is_ascii_digit()) {
                w
            } else {
                w.chars().rev().collect()
            }
        })
        .collect()
}

#[test]
fn filter_open_flag_note_quit() {
    let Some(env) = Env::new("flag") else { return };
    env.start_tui();
    env.wait_for("the list", |s| s.contains("3 articles"));
    env.literal("/actor:nato");
    env.keys(&["Enter"]);
    env.wait_for("the filter applied", |s| {
        s.contains("actor:nato") && s.contains("2 articles")
    });
    env.keys(&["Enter"]);
    let screen = env.wait_for("the reader", |s| s.contains("https://example.org/a1"));
    // The Arabic title in visual order: the row that holds it reads last word first, with
    // "4000" keeping its digit order; and it is exactly what the bidi pipeline computes.
    let visual = rasd::tui::bidi::line(A1_TITLE, 200, rasd::tui::bidi::BidiMode::App, false);
    assert!(screen.contains(&visual), "visual title missing:\n{screen}");
    let row = screen
        .lines()
        .find(|l| l.contains(&visual))
        .expect("title row");
    let words = logical_words(row.rsplit('│').nth(1).expect("reader cell"));
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
        ]
    );
    assert!(
        !screen.contains(A1_TITLE),
        "logical order reached the screen"
    );

    env.keys(&["f"]);
    env.wait_for("the flag picker", |s| {
        s.contains("flag as") && s.contains("1 narrative")
    });
    env.keys(&["1"]);
    env.wait_for("the flag", |s| s.contains("flagged 'narrative'"));
    env.keys(&["n"]);
    env.wait_for("the note box", |s| s.contains("note (Enter saves"));
    env.literal("framing the troop increase");
    env.keys(&["Enter"]);
    env.wait_for("the note saved", |s| {
        s.contains("note saved on 'narrative'")
    });
    env.keys(&["q"]);
    env.wait_exit();

    let c = db(&env.path("rasd.db"));
    let (label, note, by, guid): (String, Option<String>, Option<String>, String) = c
        .query_row(
            "SELECT fl.label, fl.note, fl.created_by, a.guid FROM flags fl JOIN articles a ON a.id = fl.article_id WHERE fl.removed_at IS NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("one active flag");
    assert_eq!(label, "narrative");
    assert_eq!(note.as_deref(), Some("framing the troop increase"));
    assert_eq!(by.as_deref(), Some("analyst"));
    assert_eq!(guid, "a1");
}

#[test]
fn another_process_writing_shows_up_without_moving_the_selection() {
    let Some(env) = Env::new("live") else { return };
    env.start_tui();
    env.wait_for("the list", |s| s.contains("3 articles"));
    env.keys(&["j"]);
    // The second article is selected; its title is in the reader (at 100 columns the list
    // and reader alternate, so open it to see which one it is).
    env.keys(&["Enter"]);
    let r1 = rasd::tui::bidi::line(
        "بايدن يحذر الصين من دعم روسيا",
        200,
        rasd::tui::bidi::BidiMode::App,
        false,
    );
    env.wait_for("the second article", |s| s.contains(&r1));
    env.keys(&["Escape"]);

    let mut items = base_items();
    items.push(item(
        "n1",
        "Sun, 06 Dec 2026 01:00:00 +0000",
        "عاجل: اجتماع طارئ في بغداد",
        "نص الخبر.",
    ));
    write_feed(&env.path("feeds"), &items);
    env.poll();
    let fresh = rasd::tui::bidi::line(
        "عاجل: اجتماع طارئ في بغداد",
        200,
        rasd::tui::bidi::BidiMode::App,
        false,
    );
    env.wait_for("the new article", |s| {
        s.contains(&fresh) && s.contains("4 articles")
    });
    env.wait_for("the new count", |s| s.contains("1 new"));
    // The selection stayed on the same article.
    env.keys(&["Enter"]);
    env.wait_for("the same article in the reader", |s| s.contains(&r1));
    env.keys(&["q"]);
    env.wait_exit();
}
