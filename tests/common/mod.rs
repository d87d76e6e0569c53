//! Test harness: a real HTTP/1.1 server on 127.0.0.1 that serves fixture files with ETag and
//! Last-Modified (answering conditional requests with 304) and misbehaves on purpose when a
//! route says so; and helpers to run the poller against it.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: HashMap<String, String>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }
}

/// How the body is delivered.
#[derive(Clone)]
pub enum Delivery {
    Normal,
    /// One byte, then a pause, forever (slow drip).
    Drip(Duration),
    /// Headers, then silence.
    Stall,
    /// Claims the full length but closes after this many bytes.
    Truncate(usize),
}

#[derive(Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub delivery: Delivery,
}

impl Response {
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            headers: vec![],
            body: body.into(),
            delivery: Delivery::Normal,
        }
    }
    pub fn header(mut self, k: &str, v: &str) -> Response {
        self.headers.push((k.to_string(), v.to_string()));
        self
    }
    pub fn delivery(mut self, d: Delivery) -> Response {
        self.delivery = d;
        self
    }
    /// A feed body with validators; 304 when the request already holds them.
    pub fn conditional(req: &Request, body: Vec<u8>, content_type: &str) -> Response {
        let etag = format!("\"{}\"", sha1_smol::Sha1::from(&body).digest());
        let last_modified = "Sat, 05 Dec 2026 12:00:00 GMT";
        if req.header("if-none-match") == Some(etag.as_str()) {
            return Response::new(304, vec![]).header("ETag", &etag);
        }
        Response::new(200, body)
            .header("Content-Type", content_type)
            .header("ETag", &etag)
            .header("Last-Modified", last_modified)
    }
}

pub type Handler = Arc<dyn Fn(&Request) -> Response + Send + Sync>;

pub struct Server {
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    pub log: Arc<Mutex<Vec<(Request, u16)>>>,
    pub connections: Arc<AtomicUsize>,
}

impl Server {
    pub fn start(handler: Handler) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().expect("addr");
        let stop = Arc::new(AtomicBool::new(false));
        let log = Arc::new(Mutex::new(vec![]));
        let connections = Arc::new(AtomicUsize::new(0));
        let (s, l, c) = (stop.clone(), log.clone(), connections.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                c.fetch_add(1, Ordering::SeqCst);
                let (h, l, s) = (handler.clone(), l.clone(), s.clone());
                std::thread::spawn(move || serve_connection(stream, h, l, s));
            }
        });
        Server {
            addr,
            stop,
            log,
            connections,
        }
    }

    /// Serves the files under `root` at `/<relative path>`; unknown paths are 404.
    pub fn files(root: &Path) -> Server {
        let root = root.to_path_buf();
        Server::start(Arc::new(move |req: &Request| {
            let rel = req
                .path
                .trim_start_matches('/')
                .split('?')
                .next()
                .unwrap_or("")
                .to_string();
            let path = root.join(rel);
            match std::fs::read(&path) {
                Ok(bytes) if path.is_file() => Response::conditional(req, bytes, "application/xml"),
                _ => Response::new(404, "not found"),
            }
        }))
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}/{}", self.addr, path.trim_start_matches('/'))
    }

    pub fn statuses(&self) -> Vec<u16> {
        self.log
            .lock()
            .expect("log")
            .iter()
            .map(|(_, s)| *s)
            .collect()
    }

    pub fn requests(&self) -> Vec<Request> {
        self.log
            .lock()
            .expect("log")
            .iter()
            .map(|(r, _)| r.clone())
            .collect()
    }

    pub fn clear_log(&self) {
        self.log.lock().expect("log").clear();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

fn serve_connection(
    stream: TcpStream,
    handler: Handler,
    log: Arc<Mutex<Vec<(Request, u16)>>>,
    stop: Arc<AtomicBool>,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let Ok(write_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    let mut out = write_half;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("").to_string();
        let path = parts.next().unwrap_or("/").to_string();
        let mut headers = HashMap::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        if let Some(n) = headers
            .get("content-length")
            .and_then(|n| n.parse::<usize>().ok())
        {
            let mut skip = vec![0; n];
            let _ = reader.read_exact(&mut skip);
        }
        let req = Request {
            method,
            path,
            headers,
        };
        let resp = handler(&req);
        log.lock().expect("log").push((req, resp.status));
        let mut head = format!("HTTP/1.1 {} X\r\n", resp.status);
        for (k, v) in &resp.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", resp.body.len()));
        if out.write_all(head.as_bytes()).is_err() {
            return;
        }
        match resp.delivery {
            Delivery::Normal => {
                if out.write_all(&resp.body).is_err() {
                    return;
                }
            }
            Delivery::Drip(pause) => {
                for b in &resp.body {
                    if stop.load(Ordering::SeqCst) || out.write_all(&[*b]).is_err() {
                        return;
                    }
                    std::thread::sleep(pause);
                }
            }
            Delivery::Stall => {
                let _ = out.flush();
                while !stop.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(50));
                    if out.write_all(&[]).is_err() {
                        return;
                    }
                }
                return;
            }
            Delivery::Truncate(n) => {
                let _ = out.write_all(&resp.body[..n.min(resp.body.len())]);
                return;
            }
        }
        let _ = out.flush();
    }
}

/// The fixture folder committed with the tests.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A feeds.toml in `dir` with one feed per `(key, url)`.
pub fn write_feeds(dir: &Path, feeds: &[(String, String)], settings: &str) -> PathBuf {
    let mut s = format!("[settings]\n{settings}\n");
    for (k, u) in feeds {
        s.push_str(&format!("\n[[feed]]\nkey = \"{k}\"\nurl = \"{u}\"\n"));
    }
    let p = dir.join("feeds.toml");
    std::fs::write(&p, s).expect("write feeds.toml");
    p
}

/// Polls every configured feed once through the library's poller.
pub fn poll_all(db: &Path, feeds: &Path) -> rasd::poll::Summary {
    let config = rasd::config::Config::load(feeds).expect("config");
    let poller = rasd::poll::Poller::new(db, config).expect("poller");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("rt");
    rt.block_on(poller.poll_once(true, None)).expect("poll")
}

pub fn db(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).expect("open db")
}

pub fn count(conn: &rusqlite::Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).expect(sql)
}

/// Every stored text field is free of control characters and bidi overrides.
pub fn assert_clean_text(conn: &rusqlite::Connection) {
    let mut st = conn
        .prepare("SELECT id, coalesce(title,'') || coalesce(summary,'') || coalesce(url,'') || coalesce(guid,'') || coalesce(author,'') || coalesce(published_raw,'') FROM articles")
        .expect("prepare");
    let rows = st
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
        .expect("query");
    for row in rows {
        let (id, text) = row.expect("row");
        let bad = text.chars().find(|&c| {
            matches!(c, '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        });
        assert!(bad.is_none(), "article {id} holds {:?}", bad);
    }
}
