#!/usr/bin/env bash
# rasd's own poll benchmark: N feeds x M items on a loopback server (Python's http.server, which
# answers If-Modified-Since with 304), polled cold, warm (all 304) and after a change.
# Prints wall time, CPU time and peak RSS per poll. Usage: benches/poll.sh [N] [M]
set -euo pipefail
N=${1:-500}; M=${2:-50}; PORT=${PORT:-8799}
root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-${TMPDIR:-/tmp}/rasd-poll-bench}
rm -rf "$work"; mkdir -p "$work"
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
rasd="$root/target/release/rasd"
python3 "$root/benches/gen_feeds.py" --out "$work/www" -n "$N" -m "$M" --base-url "http://127.0.0.1:$PORT"
(cd "$work/www" && exec python3 -m http.server "$PORT" --bind 127.0.0.1 >/dev/null 2>&1) &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/feeds.txt" && break; sleep 0.1; done
run() {
  local label=$1
  /usr/bin/time -f "$label: %e s wall, %U+%S s cpu, %M KB peak RSS" \
    "$rasd" poll --once --all --quiet --db "$work/rasd.db" --feeds "$work/www/feeds.txt"
}
echo "rasd $("$rasd" --version | cut -d' ' -f2), $N feeds x $M items, $(du -sh "$work/www/feeds" | cut -f1) of XML, $(nproc) cores"
run cold
run warm
sleep 1.1   # file mtimes have one-second resolution in Last-Modified
python3 "$root/benches/gen_feeds.py" --out "$work/www" -n "$((N / 10))" -m "$M" --extra 5 --base-url "http://127.0.0.1:$PORT" >/dev/null
cp "$work/www/feeds.txt" "$work/feeds-changed.txt"
python3 "$root/benches/gen_feeds.py" --out "$work/tmp" -n "$N" -m "$M" --base-url "http://127.0.0.1:$PORT" >/dev/null
cp "$work/tmp/feeds.txt" "$work/www/feeds.txt"
run changed
sqlite3 "$work/rasd.db" "SELECT count(*) || ' articles, ' || (SELECT page_count * page_size / 1048576 FROM pragma_page_count, pragma_page_size) || ' MB database' FROM articles"
