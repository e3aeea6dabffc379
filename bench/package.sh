#!/usr/bin/env bash
# The installed package's host (/opt/bridgekeeper/bin/bridgekeeper-host, from packaging/build.sh)
# side by side with the programs it has to beat, in one run:
#   start-up, spawn -> first frame (bk-firstframe), interleaved round by round:
#     with an echo agent (status/connected): a naive Java relay (bench/java/NaiveRelay.java,
#       default JVM options) and a Python host doing the same (bench/python/naive_relay.py);
#     with no agent (status/desktop_unavailable): an empty JVM writing one frame (Floor.java);
#     and the packaged runtime with each option group added, to show what each bought;
#   memory while relaying (VmRSS, peak VmHWM, threads after 200 x 64 KiB round trips);
#   relay throughput at 64 KiB and 512 KiB (bk-relaybench), packaged host vs today's launcher.
#
# usage: bench/package.sh [RUNS]     (default 20; needs the package installed: packaging/test-deb.sh
#                                     or apt-get install ./dist/bridgekeeper_*.deb)
source "$(dirname "$0")/lib.sh"
RUNS=${1:-20}
PKG=${BENCH_PACKAGE_DIR:-/opt/bridgekeeper}
LAUNCHER=$PKG/bin/bridgekeeper-host
RT=$PKG/lib/runtime/bin/java
PKG_JAR=$PKG/lib/app/bridgekeeper-host.jar
[ -x "$LAUNCHER" ] || { echo "bench/package.sh: $LAUNCHER is missing: install the package first" >&2; exit 1; }
build_jars
build_tools
W="$OUT_DIR/package"
rm -rf "$W"; mkdir -p "$W/raw" "$W/nosock" "$W/classes"
"$JAVA17_HOME/bin/javac" --release 17 -d "$W/classes" "$BENCH_DIR/java/NaiveRelay.java"
NO_AGENT_SOCKET="$W/nosock/agent.sock"
AGENT_SOCKET="$W/agent/agent.sock"
trap stop_echo_agent EXIT

# The packaged launcher's own JVM options, read from its exec line (the source of truth).
mapfile -t PKG_FLAGS < <(sed -n 's/^exec "[^"]*java"//p' "$LAUNCHER" | tr ' ' '\n' | grep '^-' | grep -v '^-jar$')
CACHE=$(ls "$PKG"/lib/host.aot "$PKG"/lib/host.jsa 2>/dev/null | head -n 1 || true)
mapfile -t INSTALLER_FLAGS < <(launcher_flags | grep -v '^-Xshare:')   # today's installer flags, no archive
MEMORY_FLAGS=(); for f in "${PKG_FLAGS[@]}"; do printf '%s\n' "${INSTALLER_FLAGS[@]}" | grep -Fxq -- "$f" || MEMORY_FLAGS+=("$f"); done
cache_flag=(); case "$CACHE" in *.aot) cache_flag=("-XX:AOTCache=$CACHE") ;; *.jsa) cache_flag=("-XX:SharedArchiveFile=$CACHE") ;; esac

VARIANTS=()
add() { local name=$1 states=$2 desc=$3; shift 3; local IFS=$'\x1f'; VARIANTS+=("$name|$states|$desc|$*"); }
add python both "Python host (python3, standard library)" python3 "$BENCH_DIR/python/naive_relay.py" "$CALLER"
add naive-java25 both "naive Java relay, JDK 25, default options" "$JAVA25" -cp "$W/classes" NaiveRelay "$CALLER"
add naive-java17 both "naive Java relay, JDK 17, default options" "$JAVA17" -cp "$W/classes" NaiveRelay "$CALLER"
add floor25 none "empty JVM writing one frame, JDK 25, default options" "$JAVA25" -cp "$OUT_DIR/floor" Floor
add floor-rt none "empty JVM writing one frame, the packaged runtime" "$RT" -cp "$OUT_DIR/floor" Floor
add rt-plain both "packaged runtime + host jar, no options" "$RT" -jar "$PKG_JAR" host "$CALLER"
add rt-installer-flags both "+ installer/host-jvm-flags (no archive)" "$RT" "${INSTALLER_FLAGS[@]}" -jar "$PKG_JAR" host "$CALLER"
add rt-all-flags both "+ memory options (${MEMORY_FLAGS[*]})" "$RT" "${PKG_FLAGS[@]}" -jar "$PKG_JAR" host "$CALLER"
add rt-cache-only both "packaged runtime + start-up cache, no other options" "$RT" "${cache_flag[@]}" -Xlog:disable -jar "$PKG_JAR" host "$CALLER"
add packaged both "the packaged launcher (all options + start-up cache)" "$LAUNCHER" "$CALLER"
add jpackage-launcher none "jpackage's native launcher of the same package (bin/bridgekeeper), for comparison" "$PKG/bin/bridgekeeper" host "$CALLER"

run_state() { # none|agent
  local state=$1 expect sock v name states cmd round
  if [ "$state" = agent ]; then start_echo_agent "$AGENT_SOCKET" "$W/agent.log"; sock=$AGENT_SOCKET; expect='"connected"'
  else sock=$NO_AGENT_SOCKET; expect='"desktop_unavailable"'; fi
  export BRIDGEKEEPER_SOCKET=$sock
  for round in $(seq 0 "$RUNS"); do
    for v in "${VARIANTS[@]}"; do
      IFS='|' read -r name states _ cmd <<<"$v"
      [ "$states" = both ] || [ "$states" = "$state" ] || continue
      IFS=$'\x1f' read -ra words <<<"$cmd"
      out=/dev/null; [ "$round" -gt 0 ] && out="$W/raw/$name.$state"
      "$BIN/bk-firstframe" -t 10000 -e "$expect" -E "$W/raw/$name.$state.stderr" -- "${words[@]}" >>"$out" \
        || { log "variant $name ($state) failed:"; tail -5 "$W/raw/$name.$state.stderr" >&2; exit 1; }
    done
  done
  [ "$state" = agent ] && stop_echo_agent
  return 0
}
log "start-up: ${#VARIANTS[@]} variants x $RUNS runs, no agent, then with an echo agent"
run_state none
run_state agent

# Memory and relay throughput, with the echo agent.
start_echo_agent "$AGENT_SOCKET" "$W/agent.log"
export BRIDGEKEEPER_SOCKET=$AGENT_SOCKET
mem() { # NAME CMD... -> median over 5 runs of "rss hwm threads"
  local name=$1; shift
  for _ in 1 2 3 4 5; do python3 "$BENCH_DIR/python/relay_rss.py" 200 65536 -- "$@"; done >"$W/raw/$name.mem"
  awk '{ print $1 }' "$W/raw/$name.mem" | sort -n | sed -n 3p | tr '\n' ' '
  awk '{ print $2 }' "$W/raw/$name.mem" | sort -n | sed -n 3p | tr '\n' ' '
  awk '{ print $3 }' "$W/raw/$name.mem" | sort -n | sed -n 3p
}
log "memory while relaying"
declare -A MEM
mapfile -t TODAY < <(launcher_flags)
MEM[today17]=$(mem today17 "$JAVA17" "${TODAY[@]}" -jar "$THIN_JAR" host "$CALLER")
MEM[rt-installer-flags]=$(mem rt-installer-flags "$RT" "${INSTALLER_FLAGS[@]}" -jar "$PKG_JAR" host "$CALLER")
MEM[rt-all-flags]=$(mem rt-all-flags "$RT" "${PKG_FLAGS[@]}" -jar "$PKG_JAR" host "$CALLER")
MEM[packaged]=$(mem packaged "$LAUNCHER" "$CALLER")
log "relay throughput"
tp() { BK_RELAY_STDERR="$W/tp.stderr" "$BIN/bk-relaybench" -m throughput -s "$1" -n "$2" -r 5 -- "${@:3}" | sed -n 's/.*median_MiBps=\([^ ]*\).*/\1/p'; }
TP_TODAY_64=$(tp 65536 4000 "$JAVA17" "${TODAY[@]}" -jar "$THIN_JAR" host "$CALLER")
TP_TODAY_512=$(tp 524288 500 "$JAVA17" "${TODAY[@]}" -jar "$THIN_JAR" host "$CALLER")
TP_PKG_64=$(tp 65536 4000 "$LAUNCHER" "$CALLER")
TP_PKG_512=$(tp 524288 500 "$LAUNCHER" "$CALLER")
stop_echo_agent

med() { awk -v COL="${2:-1}" -f "$BENCH_DIR/stats.awk" "$1" | cut -d' ' -f2; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
{
  echo "### Packaged host: start-up, memory and relay throughput"
  echo
  machine_md
  echo "- packaged runtime: \`$("$RT" -version 2>&1 | sed -n 2p)\` ($PKG); start-up cache: \`${CACHE:-none}\`"
  echo "- packaged launcher options: \`${PKG_FLAGS[*]}\`"
  echo "- runs: $RUNS per variant and state, interleaved round by round after one warm-up round; spawn to first whole frame over pipes (\`bk-firstframe\`); CPU = user + system over the process's life"
  echo "- command: \`bench/package.sh $RUNS\`"
  echo
  echo "| variant | agent | median ms | p10 | p90 | min | max | stddev | CPU median ms | what |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"
  for state in agent none; do
    for v in "${VARIANTS[@]}"; do
      IFS='|' read -r name _ desc _ <<<"$v"
      f="$W/raw/$name.$state"; [ -f "$f" ] || continue
      read -r _ m p10 p90 mn mx sd < <(awk -v COL=1 -f "$BENCH_DIR/stats.awk" "$f")
      echo "| $name | $([ $state = agent ] && echo yes || echo no) | $m | $p10 | $p90 | $mn | $mx | $sd | $(med "$f" 3) | $desc |"
    done
  done
  pc=$(med "$W/raw/packaged.agent"); pn=$(med "$W/raw/packaged.none")
  echo
  echo "Targets (medians): packaged → connected / naive Java relay (JDK 25) = **$(ratio "$pc" "$(med "$W/raw/naive-java25.agent")")** (target ≤ 0.8); / naive Java relay (JDK 17) = $(ratio "$pc" "$(med "$W/raw/naive-java17.agent")"); / Python host = **$(ratio "$pc" "$(med "$W/raw/python.agent")")** (target ≤ 2); packaged → desktop_unavailable / empty JVM (JDK 25) = **$(ratio "$pn" "$(med "$W/raw/floor25.none")")** (target ≤ 1.0)."
  echo
  echo "Memory while relaying (median of 5; after 200 × 64 KiB round trips, connection open):"
  echo
  echo "| host | VmRSS KiB | peak VmHWM KiB | threads |"
  echo "|---|---:|---:|---:|"
  echo "| today's installer launcher (JDK 17, host-jvm-flags, no archive) | ${MEM[today17]// / | } |"
  echo "| packaged runtime + installer flags | ${MEM[rt-installer-flags]// / | } |"
  echo "| packaged runtime + all packaged options, no cache | ${MEM[rt-all-flags]// / | } |"
  echo "| **packaged launcher** | ${MEM[packaged]// / | } |"
  echo
  echo "Relay throughput (payload MiB/s each way, median of 5 trials): today's launcher (JDK 17) 64 KiB $TP_TODAY_64, 512 KiB $TP_TODAY_512; packaged launcher 64 KiB $TP_PKG_64, 512 KiB $TP_PKG_512."
} >"$W/report.md"
cat "$W/report.md"
