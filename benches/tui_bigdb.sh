#!/bin/sh
# Builds a large database for the TUI bench: a real schema (one `rasd poll` of a file feed),
# then N synthetic Arabic articles with 2 actors each and a topic on every third, inserted in
# SQL. The full-text index is not filled (text search is not what this bench measures).
# usage: benches/tui_bigdb.sh DIR [N]   (then: rasd tui --no-poll --db DIR/rasd.db --feeds DIR/feeds.toml)
set -eu
dir=$1; n=${2:-1000000}
rasd=${RASD:-target/release/rasd}
mkdir -p "$dir"
cat > "$dir/seed.xml" <<'X'
<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>seed</title>
<item><guid>seed</guid><title>الناتو يرفع عدد قواته في العراق إلى 4000 جندي</title><link>https://example.org/seed</link><pubDate>Sat, 05 Dec 2026 09:00:00 +0000</pubDate><description>نص</description></item>
</channel></rss>
X
cat > "$dir/feeds.toml" <<X
[labels]
"1" = "narrative"
"2" = "follow-up"

[[feed]]
key = "seed"
name = "بذرة"
url = "$dir/seed.xml"
X
rm -f "$dir/rasd.db"*
"$rasd" poll --once --quiet --db "$dir/rasd.db" --feeds "$dir/feeds.toml"
sqlite3 "$dir/rasd.db" <<SQL
PRAGMA journal_mode=WAL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $n)
INSERT INTO articles (feed_id, item_key, guid, url, title, summary, body, published_at, first_seen_at, content_hash)
SELECT 1, 'k' || i, 'g' || i, 'https://example.org/' || i,
       'خبر رقم ' || i || ' عن الناتو والعراق في بغداد',
       'ملخص الخبر ' || i, 'نص الخبر رقم ' || i || ' من بغداد.',
       strftime('%Y-%m-%dT%H:%M:%SZ', '2026-12-05T09:00:00Z', '-' || (i * 97) || ' seconds'),
       '2026-12-05T09:00:00Z', 'h' || i
FROM n;
INSERT INTO article_actors (article_id, actor_key, mentions, in_title)
SELECT id, CASE id % 5 WHEN 0 THEN 'nato' WHEN 1 THEN 'iraq' WHEN 2 THEN 'us' WHEN 3 THEN 'russia' ELSE 'china' END, 1 + id % 3, 0 FROM articles WHERE item_key LIKE 'k%';
INSERT OR IGNORE INTO article_actors (article_id, actor_key, mentions, in_title)
SELECT id, CASE id % 7 WHEN 0 THEN 'iran' WHEN 1 THEN 'joe-biden' WHEN 2 THEN 'donald-trump' WHEN 3 THEN 'mustafa-al-kadhimi' ELSE 'iraq' END, 1, 0 FROM articles WHERE item_key LIKE 'k%';
INSERT INTO article_topics (article_id, topic_key) SELECT id, 'diplomacy' FROM articles WHERE id % 3 = 0;
COMMIT;
SQL
echo "built $dir/rasd.db with $n synthetic articles"
