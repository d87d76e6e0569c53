//! The schema, as an append-only list of migrations applied by `PRAGMA user_version`.
//! Never edit a migration that has shipped: add a new one. Views are the stable public surface
//! (docs/schema.md); tables may change underneath them.

pub const MIGRATIONS: &[&str] = &[
    // 1: feeds, articles, full-text shadow, fetch log.
    r#"
CREATE TABLE feeds (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    feed_url TEXT,
    country TEXT,
    lang TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    enabled INTEGER NOT NULL DEFAULT 1,
    status TEXT NOT NULL DEFAULT 'new',
    last_http_status INTEGER,
    last_error TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    last_polled_at TEXT,
    last_success_at TEXT,
    next_poll_at TEXT,
    encoding TEXT,
    etag TEXT,
    last_modified TEXT,
    moved_to TEXT,
    final_url TEXT
);

CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    item_key TEXT NOT NULL,
    guid TEXT,
    url TEXT,
    title TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    author TEXT,
    lang TEXT,
    published_raw TEXT,
    published_parsed TEXT,
    published_at TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    updated_at TEXT,
    content_hash TEXT NOT NULL,
    UNIQUE (feed_id, item_key)
);
CREATE INDEX articles_published ON articles (published_at DESC, id DESC);

-- Contentless: the index holds only the normalized shadow (rasd's ar_stem of the text: lower-case
-- stems separated by single spaces), never a copy of the text. The shadow is already folded, so
-- the cheap 'ascii' tokenizer (split on ASCII space and punctuation, every other code point is a
-- word character) indexes it exactly; unicode61 spent most of the writer's time re-folding it.
-- No contentless_delete, so SQLite 3.40 shells (Debian 12) can still query it; edits remove the
-- old tokens with the 'delete' command.
CREATE VIRTUAL TABLE articles_fts USING fts5 (title, body, content = '', tokenize = 'ascii');

CREATE TABLE fetch_log (
    id INTEGER PRIMARY KEY,
    feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    http_status INTEGER,
    outcome TEXT NOT NULL,
    new_items INTEGER NOT NULL DEFAULT 0,
    updated_items INTEGER NOT NULL DEFAULT 0,
    bytes INTEGER NOT NULL DEFAULT 0,
    error TEXT
);
CREATE INDEX fetch_log_feed ON fetch_log (feed_id, at);

CREATE TABLE article_actors (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    actor_key TEXT NOT NULL,
    mentions INTEGER NOT NULL,
    in_title INTEGER NOT NULL,
    PRIMARY KEY (actor_key, article_id)
) WITHOUT ROWID;
CREATE INDEX article_actors_article ON article_actors (article_id);

CREATE TABLE article_topics (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    topic_key TEXT NOT NULL,
    PRIMARY KEY (topic_key, article_id)
) WITHOUT ROWID;
CREATE INDEX article_topics_article ON article_topics (article_id);

CREATE TABLE candidates (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_norm TEXT NOT NULL,
    role TEXT,
    mentions INTEGER NOT NULL,
    PRIMARY KEY (name_norm, article_id)
) WITHOUT ROWID;
CREATE INDEX candidates_article ON candidates (article_id);

CREATE TABLE flags (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    note TEXT,
    origin TEXT NOT NULL DEFAULT 'user',
    created_by TEXT,
    created_at TEXT NOT NULL,
    removed_at TEXT,
    removed_by TEXT
);
CREATE INDEX flags_article ON flags (article_id);
CREATE UNIQUE INDEX flags_active ON flags (article_id, label) WHERE removed_at IS NULL;

CREATE VIEW v_articles AS
SELECT a.id, f.key AS source, f.name AS source_name, f.country, a.title, a.url, a.summary,
       a.body, a.author, COALESCE(a.lang, f.lang) AS lang, a.published_at, a.published_raw,
       a.first_seen_at AS fetched_at, a.updated_at, a.guid
FROM articles a JOIN feeds f ON f.id = a.feed_id;

CREATE VIEW v_feed_health AS
SELECT f.key, f.name, COALESCE(f.feed_url, f.url) AS url, f.status, f.last_http_status,
       f.last_error, f.consecutive_failures, f.last_polled_at, f.last_success_at,
       f.next_poll_at, f.encoding, f.moved_to,
       (SELECT count(*) FROM articles a WHERE a.feed_id = f.id) AS articles
FROM feeds f;

CREATE VIEW v_mentions AS
SELECT aa.article_id, aa.actor_key, aa.mentions, aa.in_title, a.published_at, f.key AS source
FROM article_actors aa JOIN articles a ON a.id = aa.article_id JOIN feeds f ON f.id = a.feed_id;

CREATE VIEW v_topics AS
SELECT t.article_id, t.topic_key, a.published_at, f.key AS source
FROM article_topics t JOIN articles a ON a.id = t.article_id JOIN feeds f ON f.id = a.feed_id;

CREATE VIEW v_flags AS
SELECT fl.id, fl.article_id, fl.label, fl.note, fl.origin, fl.created_by, fl.created_at,
       fl.removed_at, a.title, a.url, f.key AS source
FROM flags fl JOIN articles a ON a.id = fl.article_id JOIN feeds f ON f.id = a.feed_id;

CREATE VIEW v_candidates AS
SELECT c.article_id, c.name, c.name_norm, c.role, c.mentions, a.published_at, f.key AS source
FROM candidates c JOIN articles a ON a.id = c.article_id JOIN feeds f ON f.id = a.feed_id;
"#,
    // 2: stories — near-duplicate clusters across outlets (MinHash signatures, LSH bands).
    r#"
ALTER TABLE articles ADD COLUMN story_id INTEGER;
CREATE INDEX articles_story ON articles (story_id);

CREATE TABLE article_minhash (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    sig BLOB NOT NULL
);

CREATE TABLE minhash_bands (
    band_key INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (band_key, article_id)
) WITHOUT ROWID;
CREATE INDEX minhash_bands_article ON minhash_bands (article_id);

CREATE VIEW v_stories AS
SELECT a.story_id, count(*) AS articles, count(DISTINCT a.feed_id) AS outlets,
       min(a.published_at) AS first_at, max(a.published_at) AS last_at,
       (SELECT title FROM articles f WHERE f.id = a.story_id) AS title
FROM articles a WHERE a.story_id IS NOT NULL GROUP BY a.story_id;
"#,
    // 3: spike rules — one row per rule and UTC day it fired, so a day fires once, whichever
    // process polls.
    r#"
CREATE TABLE rule_spikes (
    rule TEXT NOT NULL,
    day TEXT NOT NULL,
    count INTEGER NOT NULL,
    baseline REAL NOT NULL,
    fired_at TEXT NOT NULL,
    PRIMARY KEY (rule, day)
) WITHOUT ROWID;

CREATE VIEW v_rule_spikes AS
SELECT rule, day, count, baseline, fired_at FROM rule_spikes;
"#,
];
