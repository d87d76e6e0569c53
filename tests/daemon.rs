//! `rasd poll --daemon` as an operator runs it: signals end it cleanly, a second daemon on the
//! same database is refused, and SIGKILL at any moment leaves a consistent database.

mod common;

use common::*;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A server whose every response carries new items (the GUIDs include a request counter), so
/// each poll writes.
fn busy_server(items: usize) -> Server {
    let counter = Arc::new(AtomicUsize::new(0));
    Server::start(Arc::new(move |req: &Request| {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        let mut body = String::from(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>busy</title>",
        );
        for i in 0..items {
            body.push_str(&format!(
                "<item><guid>{}-{n}-{i}</guid><title>خبر رقم {i} عن الناتو والعراق</title><description>نص الخبر {n} {i} مع تفاصيل كثيرة عن البرلمان العراقي والقوات الأجنبية</description></item>",
                req.path
            ));
        }
        body.push_str("</channel></rss>");
        Response::new(200, body)
    }))
}

fn setup(
    feeds: usize,
    items: usize,
) -> (
    Server,
    tempfile::TempDir,
    std::path::PathBuf,
    std::path::PathBuf,
) {
    let server = busy_server(items);
    let dir = tempfile::tempdir().expect("tmp");
    let list: Vec<(String, String)> = (0..feeds)
        .map(|i| (format!("f{i}"), server.url(&format!("/f{i}"))))
        .collect();
    let toml = write_feeds(dir.path(), &list, "interval = \"1m\"");
    let db = dir.path().join("rasd.db");
    (server, dir, toml, db)
}

fn daemon(db: &std::path::Path, toml: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_rasd"))
        .args(["poll", "--daemon", "--db"])
        .arg(db)
        .arg("--feeds")
        .arg(toml)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn daemon")
}

fn wait_until(deadline: Duration, mut f: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + deadline;
    while Instant::now() < end {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

fn articles(db: &std::path::Path) -> i64 {
    rusqlite::Connection::open(db)
        .ok()
        .and_then(|c| {
            c.query_row("SELECT count(*) FROM articles", [], |r| r.get(0))
                .ok()
        })
        .unwrap_or(0)
}

fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill")
        .arg(format!("-{sig}"))
        .arg(child.id().to_string())
        .status()
        .expect("kill");
    assert!(ok.success());
}

#[test]
fn sigterm_exits_zero_and_a_second_daemon_is_refused() {
    let (_server, _dir, toml, db) = setup(5, 10);
    let mut first = daemon(&db, &toml);
    assert!(
        wait_until(Duration::from_secs(20), || articles(&db) >= 50),
        "the daemon polls"
    );

    let second = Command::new(env!("CARGO_BIN_EXE_rasd"))
        .args(["poll", "--daemon", "--db"])
        .arg(&db)
        .arg("--feeds")
        .arg(&toml)
        .output()
        .expect("second daemon");
    assert_eq!(second.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&second.stderr).contains("already running"),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );

    signal(&first, "TERM");
    let mut status = None;
    assert!(wait_until(Duration::from_secs(10), || {
        status = first.try_wait().expect("wait");
        status.is_some()
    }));
    assert_eq!(status.and_then(|s| s.code()), Some(0));
}

#[test]
fn sigint_exits_zero() {
    let (_server, _dir, toml, db) = setup(2, 5);
    let mut d = daemon(&db, &toml);
    assert!(wait_until(Duration::from_secs(20), || articles(&db) >= 10));
    signal(&d, "INT");
    let mut status = None;
    assert!(wait_until(Duration::from_secs(10), || {
        status = d.try_wait().expect("wait");
        status.is_some()
    }));
    assert_eq!(status.and_then(|s| s.code()), Some(0));
}

/// Every feed is either before or after each poll: its stored articles equal the sum of the new
/// items its fetch-log rows recorded, and its health row agrees with its last log row.
fn assert_consistent(db: &std::path::Path) {
    let c = rusqlite::Connection::open(db).expect("open");
    let integrity: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity");
    assert_eq!(integrity, "ok");
    let version: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    if version == 0 {
        // Killed before the first migration committed: an empty database the next run migrates.
        return;
    }
    let fk: i64 = c
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .expect("fk");
    assert_eq!(fk, 0);
    let torn: i64 = c
        .query_row(
            "SELECT count(*) FROM feeds f WHERE
               (SELECT count(*) FROM articles a WHERE a.feed_id = f.id)
                 != (SELECT coalesce(sum(new_items), 0) FROM fetch_log l WHERE l.feed_id = f.id)
               OR coalesce(f.last_polled_at, '') != coalesce((SELECT max(at) FROM fetch_log l WHERE l.feed_id = f.id), '')",
            [],
            |r| r.get(0),
        )
        .expect("torn");
    assert_eq!(torn, 0, "a feed was half-updated");
    let fts: i64 = c
        .query_row("SELECT count(*) FROM articles_fts", [], |r| r.get(0))
        .unwrap_or(-1);
    let arts: i64 = c
        .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))
        .expect("count");
    assert_eq!(fts, arts, "the index holds exactly the stored articles");
}

#[test]
fn sigkill_at_random_moments_leaves_a_consistent_database() {
    let kills: usize = std::env::var("RASD_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let (_server, _dir, toml, db) = setup(12, 25);
    // Calibrate: how long one daemon takes to start writing and to finish a round, so the
    // random kill moments span startup, the round itself and the idle wait after it.
    let (first_write, round_done) = {
        let started = Instant::now();
        let mut d = daemon(&db, &toml);
        let mut first = None;
        let done = wait_until(Duration::from_secs(60), || {
            let n = articles(&db);
            if n > 0 && first.is_none() {
                first = Some(started.elapsed());
            }
            n >= 12 * 25
        });
        let round = started.elapsed();
        d.kill().expect("kill");
        d.wait().expect("reap");
        assert!(done, "a first round completes");
        (first.unwrap_or(round), round)
    };
    let lo = (first_write.as_millis() as u64 / 2).max(1);
    let hi = (round_done.as_millis() as u64 * 5 / 4).max(lo + 1);
    let mut killed_mid_write = 0;
    for i in 0..kills {
        // Make every feed due again so each run writes.
        if db.exists() {
            let c = rusqlite::Connection::open(&db).expect("open");
            c.busy_timeout(Duration::from_secs(5)).expect("busy");
            let migrated: i64 = c
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .expect("version");
            if migrated > 0 {
                c.execute("UPDATE feeds SET next_poll_at = NULL", [])
                    .expect("reset schedule");
            }
        }
        let before = articles(&db);
        let mut d = daemon(&db, &toml);
        let delay = Duration::from_millis(fastrand::u64(lo..hi));
        std::thread::sleep(delay); // the random moment itself, not synchronisation
        d.kill().expect("SIGKILL");
        d.wait().expect("reap");
        let after = articles(&db);
        if after > before && after < before + 12 * 25 {
            killed_mid_write += 1;
        }
        if i % 10 == 0 || i + 1 == kills {
            assert_consistent(&db);
        }
    }
    assert_consistent(&db);
    // The next run continues where the killed ones stopped.
    let out = Command::new(env!("CARGO_BIN_EXE_rasd"))
        .args(["poll", "--once", "--all", "--db"])
        .arg(&db)
        .arg("--feeds")
        .arg(&toml)
        .output()
        .expect("poll");
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("12 fetched"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_consistent(&db);
    eprintln!(
        "{kills} kills between {lo} and {hi} ms, {killed_mid_write} landed in the middle of a poll round"
    );
    assert!(
        killed_mid_write > 0,
        "some kills must land while the daemon writes"
    );
}
