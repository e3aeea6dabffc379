#!/usr/bin/env bash
# Item 2: relay latency and throughput. An echo agent (bridgekeeper echo-agent) answers; frames go
#   direct:  bk-relaybench -> agent socket                    (the floor: no relay at all)
#   c-relay: bk-relaybench -> pipes -> bk-crelay -> socket     (the relay floor, in C)
#   host:    bk-relaybench -> pipes -> bridgekeeper host -> socket, with the launcher's flags
#   host-c2: the same with the JVM's default flags (C2 compiler, G1)
# Pipes are created by the driver as a browser creates them (kernel default capacity, 64 KiB).
#
# usage: bench/relay.sh [SCALE]   SCALE multiplies every count (default 1; smoke uses 0.02)
source "$(dirname "$0")/lib.sh"
SCALE=${1:-1}
build_jars
build_tools
W="$OUT_DIR/relay"
rm -rf "$W"
mkdir -p "$W"
trap stop_echo_agent EXIT
SOCK="$W/agent/agent.sock"
start_echo_agent "$SOCK" "$W/agent.log"
export BRIDGEKEEPER_SOCKET=$SOCK

scaled() { awk -v n="$1" -v s="$SCALE" 'BEGIN { v = int(n * s); if (v < 3) v = 3; print v }'; }
mapfile -t TUNED < <(launcher_flags)

path_cmd() { # PATH -> the relay command words (nothing for direct)
  case "$1" in
    c-relay) printf '%s\n' "$BIN/bk-crelay" "$CALLER" ;;
    host) printf '%s\n' "$JAVA17" "${TUNED[@]}" -jar "$FAT_JAR" host "$CALLER" ;;
    host-c2) printf '%s\n' "$JAVA17" -jar "$FAT_JAR" host "$CALLER" ;;
  esac
}

measure() { # PATH ARGS... -> one key=value line
  local p=$1; shift
  if [ "$p" = direct ]; then
    "$BIN/bk-relaybench" "$@" -d "$SOCK"
  else
    mapfile -t cmd < <(path_cmd "$p")
    BK_RELAY_STDERR="$W/$p.stderr" "$BIN/bk-relaybench" "$@" -- "${cmd[@]}"
  fi
}
val() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p"; }

PATHS=(direct c-relay host host-c2)
LAT_N=$(scaled 20000); LAT_W=$(scaled 5000)
BIG_N=$(scaled 3000); BIG_W=$(scaled 500)
T64_N=$(scaled 4000); T512_N=$(scaled 500); TRIALS=5
[ "$SCALE" = 1 ] || TRIALS=2

declare -A R
for p in "${PATHS[@]}"; do
  log "relay: $p"
  R[$p.l128]=$(measure "$p" -m latency -s 128 -n "$LAT_N" -w "$LAT_W")
  R[$p.l64k]=$(measure "$p" -m latency -s 65536 -n "$BIG_N" -w "$BIG_W")
  R[$p.t64k]=$(measure "$p" -m throughput -s 65536 -n "$T64_N" -r "$TRIALS")
  R[$p.t512k]=$(measure "$p" -m throughput -s 524288 -n "$T512_N" -r "$TRIALS")
  printf '%s\n' "${R[$p.l128]}" "${R[$p.l64k]}" "${R[$p.t64k]}" "${R[$p.t512k]}" >"$W/$p.txt"
done

d128=$(val median_us <<<"${R[direct.l128]}")
d64k=$(val median_us <<<"${R[direct.l64k]}")
{
  echo "### Relay: round trips and throughput through the relay to an echo agent"
  echo
  machine_md
  echo "- latency: one frame outstanding; $LAT_N round trips of 128 B (after $LAT_W warm-up) and $BIG_N of 64 KiB (after $BIG_W); µs"
  echo "- throughput: a writer thread streams frames while the reader takes the echoes; payload MiB/s in each direction (the relay moves twice that); median of $TRIALS trials after one warm-up trial ($T64_N × 64 KiB, $T512_N × 512 KiB per trial)"
  echo "- host flags: \`${TUNED[*]}\`; host-c2: no flags (C2, G1). The agent is \`bridgekeeper echo-agent\` (JDK 17) in every row"
  echo "- command: \`bench/relay.sh $SCALE\`"
  echo
  echo "| path | 128 B median | 128 B p99 | 128 B p10–p90 | added vs direct | 64 KiB median | 64 KiB p99 | added vs direct | 64 KiB MiB/s (min–max) | 512 KiB MiB/s (min–max) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for p in "${PATHS[@]}"; do
    a=${R[$p.l128]}; b=${R[$p.l64k]}; c=${R[$p.t64k]}; d=${R[$p.t512k]}
    m1=$(val median_us <<<"$a"); m2=$(val median_us <<<"$b")
    add1=$(awk -v x="$m1" -v y="$d128" 'BEGIN { printf "%+.1f", x - y }')
    add2=$(awk -v x="$m2" -v y="$d64k" 'BEGIN { printf "%+.1f", x - y }')
    echo "| $p | $m1 | $(val p99_us <<<"$a") | $(val p10_us <<<"$a")–$(val p90_us <<<"$a") | $add1 | $m2 | $(val p99_us <<<"$b") | $add2 | $(val median_MiBps <<<"$c") ($(val min_MiBps <<<"$c")–$(val max_MiBps <<<"$c")) | $(val median_MiBps <<<"$d") ($(val min_MiBps <<<"$d")–$(val max_MiBps <<<"$d")) |"
  done
} >"$W/report.md"
cat "$W/report.md"
