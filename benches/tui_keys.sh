#!/bin/sh
# TUI bench on a database built by benches/tui_bigdb.sh: starts the release binary in a
# detached tmux of 160x48, measures the time until the screen shows the list (process start
# included), then sends keys and reads the UI's own key-to-frame timings (RASD_TUI_TIMINGS).
# usage: benches/tui_keys.sh DIR scroll|filter
set -eu
dir=$1; what=$2
rasd=${RASD:-$(pwd)/target/release/rasd}
S="-S $dir/tmux-bench.sock"
out="$dir/timings-$what.txt"
rm -f "$out"
t0=$(date +%s%N)
tmux $S new-session -d -s b -x 160 -y 48 "RASD_TUI_TIMINGS=$out '$rasd' tui --no-poll --db '$dir/rasd.db' --feeds '$dir/feeds.toml'"
until tmux $S capture-pane -p -t b | grep -q "articles ─"; do sleep 0.005; done
echo "screen_visible_ms $(( ($(date +%s%N) - t0) / 1000000 ))"
case $what in
scroll)
  i=0; while [ $i -lt 600 ]; do tmux $S send-keys -t b j; sleep 0.01; i=$((i+1)); done
  i=0; while [ $i -lt 30 ]; do tmux $S send-keys -t b PageDown; sleep 0.02; i=$((i+1)); done ;;
filter)
  for q in "actor:nato" "actor:iraq actor:us" "source:seed -actor:china" "topic:diplomacy since:30d"; do
    tmux $S send-keys -t b /
    tmux $S send-keys -t b C-u
    printf '%s\n' "$q" | fold -w1 | while IFS= read -r c; do
      if [ -z "$c" ]; then tmux $S send-keys -t b Space; else tmux $S send-keys -t b -l "$c"; fi
      sleep 0.03
    done
    tmux $S send-keys -t b Enter; sleep 0.2
  done ;;
esac
tmux $S send-keys -t b q
while tmux $S has-session -t b 2>/dev/null; do sleep 0.05; done
cat "$out"
tmux $S kill-server 2>/dev/null || true
