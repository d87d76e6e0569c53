#!/usr/bin/env bash
# What story clustering costs at ingest: the same N feeds x M items (benches/gen_feeds.py) polled
# cold into two fresh databases, once with `[settings] stories = false` and once with clustering
# on (the default), each REPS times alternating. Prints wall and CPU time, articles per second
# of wall time, and the stories formed. Usage: benches/stories.sh [N] [M] [REPS]
set -euo pipefail
N=${1:-200}; M=${2:-50}; REPS=${3:-2}; PORT=${PORT:-8798}
root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-${TMPDIR:-/tmp}/rasd-stories-bench}
rm -rf "$work"; mkdir -p "$work"
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
rasd="$root/target/release/rasd"
python3 "$root/benches/gen_feeds.py" --out "$work/www" -n "$N" -m "$M" --base-url "http://127.0.0.1:$PORT"
(cd "$work/www" && exec python3 -m http.server "$PORT" --bind 127.0.0.1 >/dev/null 2>&1) &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/feeds.txt" && break; sleep 0.1; done
for mode in on off; do
  flag=true; [ "$mode" = off ] && flag=false
  { printf '[settings]\nstories = %s\n' "$flag"
    awk '{ printf "\n[[feed]]\nkey = \"f%d\"\nurl = \"%s\"\n", NR, $0 }' "$work/www/feeds.txt"; } > "$work/feeds-$mode.toml"
done
echo "rasd $("$rasd" --version | cut -d' ' -f2), $N feeds x $M items, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for rep in $(seq "$REPS"); do
  for mode in off on; do
    db="$work/$mode-$rep.db"
    /usr/bin/time -f "%e %U %S" -o "$work/time" \
      "$rasd" poll --once --all --quiet --db "$db" --feeds "$work/feeds-$mode.toml"
    read -r wall user sys < "$work/time"
    n=$(sqlite3 "$db" "SELECT count(*) FROM articles")
    s=$(sqlite3 "$db" "SELECT count(DISTINCT story_id) || ' stories, largest ' || coalesce(max(c), 0) FROM (SELECT story_id, count(*) c FROM articles WHERE story_id IS NOT NULL GROUP BY story_id)")
    awk -v m="$mode" -v r="$rep" -v w="$wall" -v u="$user" -v sy="$sys" -v n="$n" -v s="$s" \
      'BEGIN { printf "stories %-3s run %d: %6.2f s wall, %6.2f s cpu, %5d articles, %7.0f articles/s; %s\n", m, r, w, u + sy, n, n / w, s }'
  done
done
