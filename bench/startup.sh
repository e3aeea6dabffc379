#!/usr/bin/env bash
# Item 1: host cold start. Spawns each variant over pipes as a browser does (bk-firstframe) and
# times spawn -> first whole frame on stdout, with no agent (expects status/desktop_unavailable)
# and with an echo agent (expects status/connected). Variants run interleaved, round by round, so
# background load hits them alike. Prints a Markdown section (also saved under bench/results/).
#
# usage: bench/startup.sh [RUNS]     RUNS per variant and agent state (default 20)
# env:   BENCH_ONLY=REGEX            only variants whose name matches
#        BENCH_NO_BUILD=1            reuse host/target/bridgekeeper.jar
#        BENCH_BASELINE_JAR=JAR      also measure an older build (before/after a change)
source "$(dirname "$0")/lib.sh"
RUNS=${1:-${STARTUP_RUNS:-20}}
ONLY=${BENCH_ONLY:-.}

build_jars
build_tools
W="$OUT_DIR/startup"
rm -rf "$W"
mkdir -p "$W/raw" "$W/nosock"
NO_AGENT_SOCKET="$W/nosock/agent.sock"
AGENT_SOCKET="$W/agent/agent.sock"
trap stop_echo_agent EXIT

# --- artifacts ---------------------------------------------------------------------------------

# The host-only jar (host and protocol classes; built by `mvn package` in host/target).
[ -f "$THIN_JAR" ] || { echo "missing $THIN_JAR: run mvn -B -q package -DskipTests" >&2; exit 1; }

mapfile -t TUNED < <(launcher_flags)          # the launcher's flags without the archive lines
mapfile -t TUNED_CDS_ARGS < <(launcher_flags ARCHIVE_PLACEHOLDER)
# The same with -XX:+UseSerialGC, which the flags file dropped (an A/B kept for later JDKs).
mapfile -t TUNED_SERIAL < <(printf '%s\n' "${TUNED[@]}" | grep -v '^-XX:+UseSerialGC$'; echo -XX:+UseSerialGC)
mapfile -t TUNED_SERIAL_CDS_ARGS < <(printf '%s\n' "${TUNED_CDS_ARGS[@]}" | grep -v '^-XX:+UseSerialGC$'; echo -XX:+UseSerialGC)
# JDK 25 refuses -XX:AOTCache together with any -Xshare option, and says so on stdout.
mapfile -t TUNED_AOT < <(printf '%s\n' "${TUNED[@]}" | grep -v '^-Xshare:')

# Flags with the CDS archive path filled in.
with_archive() { # ARCHIVE [serial] -> prints flags one per line
  local f
  if [ "${2:-}" = serial ]; then
    for f in "${TUNED_SERIAL_CDS_ARGS[@]}"; do printf '%s\n' "${f//ARCHIVE_PLACEHOLDER/$1}"; done
  else
    for f in "${TUNED_CDS_ARGS[@]}"; do printf '%s\n' "${f//ARCHIVE_PLACEHOLDER/$1}"; done
  fi
}

wanted() { [[ "$1" =~ $ONLY ]]; }

# Runs the host once to train an archive: stdin open for a moment, then EOF. With "agent" an echo
# agent answers, so the connected path is trained too.
train() { # none|agent JAVA ARGS...
  local state=$1; shift
  local sock=$NO_AGENT_SOCKET
  if [ "$state" = agent ]; then start_echo_agent "$AGENT_SOCKET" "$W/agent-train.log"; sock=$AGENT_SOCKET; fi
  (sleep 0.5) | BRIDGEKEEPER_SOCKET=$sock "$@" >/dev/null 2>>"$W/train.log" || true
  if [ "$state" = agent ]; then stop_echo_agent; fi
}

log "training class-data archives and AOT caches"
wanted h17-cds && train none "$JAVA17" "${TUNED[@]}" "-XX:ArchiveClassesAtExit=$W/h17-fat.jsa" -jar "$FAT_JAR" host "$CALLER"
wanted h17-cds-serial && train none "$JAVA17" "${TUNED_SERIAL[@]}" "-XX:ArchiveClassesAtExit=$W/h17-serial.jsa" -jar "$FAT_JAR" host "$CALLER"
wanted h17-cds-agent && train agent "$JAVA17" "${TUNED[@]}" "-XX:ArchiveClassesAtExit=$W/h17-fat-agent.jsa" -jar "$FAT_JAR" host "$CALLER"
wanted h17-thin-cds && train none "$JAVA17" "${TUNED[@]}" "-XX:ArchiveClassesAtExit=$W/h17-thin.jsa" -jar "$THIN_JAR" host "$CALLER"
BASE_JAR=${BENCH_BASELINE_JAR:-}
if [ -n "$BASE_JAR" ] && wanted base17-cds; then
  train none "$JAVA17" "${TUNED[@]}" "-XX:ArchiveClassesAtExit=$W/b17.jsa" -jar "$BASE_JAR" host "$CALLER"
fi
if have_java25; then
  wanted h25-cds && train none "$JAVA25" "${TUNED[@]}" "-XX:ArchiveClassesAtExit=$W/h25-fat.jsa" -jar "$FAT_JAR" host "$CALLER"
  wanted h25-cds-serial && train none "$JAVA25" "${TUNED_SERIAL[@]}" "-XX:ArchiveClassesAtExit=$W/h25-serial.jsa" -jar "$FAT_JAR" host "$CALLER"
  wanted h25-aot && train agent "$JAVA25" "${TUNED_AOT[@]}" "-XX:AOTCacheOutput=$W/h25-fat.aot" -jar "$FAT_JAR" host "$CALLER"
  wanted h25-thin-aot && train agent "$JAVA25" "${TUNED_AOT[@]}" "-XX:AOTCacheOutput=$W/h25-thin.aot" -jar "$THIN_JAR" host "$CALLER"
fi

# The real thing: what install.sh writes (launcher script, flags file, archive built at install).
install_into() { # DIR JAVA_HOME
  local d=$1
  mkdir -p "$d/home"
  HOME="$d/home" XDG_CONFIG_HOME="$d/home/.config" XDG_DATA_HOME="$d/home/.local/share" JAVA_HOME="$2" \
    bash "$REPO_DIR/installer/install.sh" --prefix "$d/prefix" --jar "$FAT_JAR" >"$d/install.log" 2>&1 \
    || { cat "$d/install.log" >&2; log "install.sh failed"; exit 1; }
}
log "installing into scratch prefixes (install.sh builds the archive as users get it)"
if wanted installed17; then install_into "$W/install17" "$JAVA17_HOME"; fi
if have_java25 && wanted installed25; then install_into "$W/install25" "$JAVA25_HOME"; fi

# --- variants ----------------------------------------------------------------------------------
# NAME | STATES (none, agent or both) | DESCRIPTION | command words separated by \x1f

VARIANTS=()
add() { # NAME STATES DESCRIPTION CMD...
  local name=$1 states=$2 desc=$3; shift 3
  [[ "$name" =~ $ONLY ]] || return 0
  local IFS=$'\x1f'
  VARIANTS+=("$name|$states|$desc|$*")
}
mapfile -t A17 < <(with_archive "$W/h17-fat.jsa")
mapfile -t A17a < <(with_archive "$W/h17-fat-agent.jsa")
mapfile -t A17t < <(with_archive "$W/h17-thin.jsa")
FLOOR_CP="$OUT_DIR/floor"

add c-oneframe none "C program writing one frame (the machine's floor)" "$BIN/bk-oneframe"
add c-relay both "C relay doing the host's job (connect, hello, relay)" "$BIN/bk-crelay" "$CALLER"
add floor17 none "JDK 17 empty JVM writing one frame, default flags" "$JAVA17" -cp "$FLOOR_CP" Floor
add floor17-tuned none "JDK 17 empty JVM, launcher flags (no archive)" "$JAVA17" "${TUNED[@]}" -cp "$FLOOR_CP" Floor
add h17-plain both "JDK 17 host, fat jar, no flags" "$JAVA17" -jar "$FAT_JAR" host "$CALLER"
add h17-shareoff both "JDK 17 host, fat jar, -Xshare:off (no CDS at all)" "$JAVA17" -Xshare:off -jar "$FAT_JAR" host "$CALLER"
add h17-c1 both "JDK 17 host, fat jar, -XX:TieredStopAtLevel=1" "$JAVA17" -XX:TieredStopAtLevel=1 -jar "$FAT_JAR" host "$CALLER"
add h17-serial both "JDK 17 host, fat jar, -XX:+UseSerialGC" "$JAVA17" -XX:+UseSerialGC -jar "$FAT_JAR" host "$CALLER"
add h17-xmx both "JDK 17 host, fat jar, -Xmx32m" "$JAVA17" -Xmx32m -jar "$FAT_JAR" host "$CALLER"
add h17-xss both "JDK 17 host, fat jar, -Xss512k" "$JAVA17" -Xss512k -jar "$FAT_JAR" host "$CALLER"
add h17-noperf both "JDK 17 host, fat jar, -XX:-UsePerfData" "$JAVA17" -XX:-UsePerfData -jar "$FAT_JAR" host "$CALLER"
add h17-tuned both "JDK 17 host, fat jar, launcher flags without archive" "$JAVA17" "${TUNED[@]}" -jar "$FAT_JAR" host "$CALLER"
add h17-cds both "JDK 17 host, fat jar, launcher flags + AppCDS trained without agent (installer's way)" "$JAVA17" "${A17[@]}" -jar "$FAT_JAR" host "$CALLER"
mapfile -t A17s < <(with_archive "$W/h17-serial.jsa" serial)
add h17-cds-serial both "JDK 17 host, fat jar, launcher flags + -XX:+UseSerialGC + AppCDS" "$JAVA17" "${A17s[@]}" -jar "$FAT_JAR" host "$CALLER"
add h17-cds-agent both "JDK 17 host, fat jar, launcher flags + AppCDS trained with an agent" "$JAVA17" "${A17a[@]}" -jar "$FAT_JAR" host "$CALLER"
add h17-thin both "JDK 17 host, host-only jar, launcher flags without archive" "$JAVA17" "${TUNED[@]}" -jar "$THIN_JAR" host "$CALLER"
add h17-thin-cds both "JDK 17 host, host-only jar, launcher flags + AppCDS" "$JAVA17" "${A17t[@]}" -jar "$THIN_JAR" host "$CALLER"
if [ -n "$BASE_JAR" ]; then
  mapfile -t B17 < <(with_archive "$W/b17.jsa")
  add base17-tuned both "BASELINE jar ($BASE_JAR), JDK 17, launcher flags without archive" "$JAVA17" "${TUNED[@]}" -jar "$BASE_JAR" host "$CALLER"
  add base17-cds both "BASELINE jar, JDK 17, launcher flags + AppCDS" "$JAVA17" "${B17[@]}" -jar "$BASE_JAR" host "$CALLER"
fi
add installed17 both "install.sh's launcher on JDK 17 (sh + flags file + host-only jar + AppCDS trained with an agent)" "$W/install17/prefix/bin/bridgekeeper-host" "$CALLER"
if have_java25; then
  mapfile -t A25 < <(with_archive "$W/h25-fat.jsa")
  add floor25 none "JDK 25 empty JVM writing one frame, default flags" "$JAVA25" -cp "$FLOOR_CP" Floor
  add floor25-tuned none "JDK 25 empty JVM, launcher flags (no archive)" "$JAVA25" "${TUNED[@]}" -cp "$FLOOR_CP" Floor
  add h25-plain both "JDK 25 host, fat jar, no flags" "$JAVA25" -jar "$FAT_JAR" host "$CALLER"
  add h25-tuned both "JDK 25 host, fat jar, launcher flags without archive" "$JAVA25" "${TUNED[@]}" -jar "$FAT_JAR" host "$CALLER"
  add h25-cds both "JDK 25 host, fat jar, launcher flags + AppCDS (dynamic archive)" "$JAVA25" "${A25[@]}" -jar "$FAT_JAR" host "$CALLER"
  mapfile -t A25s < <(with_archive "$W/h25-serial.jsa" serial)
  add h25-cds-serial both "JDK 25 host, fat jar, launcher flags + -XX:+UseSerialGC + AppCDS" "$JAVA25" "${A25s[@]}" -jar "$FAT_JAR" host "$CALLER"
  add h25-aot both "JDK 25 host, fat jar, launcher flags + AOT cache (-XX:AOTCache)" "$JAVA25" "${TUNED_AOT[@]}" "-XX:AOTCache=$W/h25-fat.aot" -jar "$FAT_JAR" host "$CALLER"
  add h25-thin-aot both "JDK 25 host, host-only jar, launcher flags + AOT cache" "$JAVA25" "${TUNED_AOT[@]}" "-XX:AOTCache=$W/h25-thin.aot" -jar "$THIN_JAR" host "$CALLER"
  add installed25 both "install.sh's launcher on JDK 25 (sh + flags file + host-only jar + AOT cache trained with an agent)" "$W/install25/prefix/bin/bridgekeeper-host" "$CALLER"
fi

# --- measure -----------------------------------------------------------------------------------

run_state() { # none|agent
  local state=$1 expect sock v name states cmd
  if [ "$state" = agent ]; then
    start_echo_agent "$AGENT_SOCKET" "$W/agent.log"; sock=$AGENT_SOCKET; expect='"connected"'
  else
    sock=$NO_AGENT_SOCKET; expect='"desktop_unavailable"'
  fi
  export BRIDGEKEEPER_SOCKET=$sock
  for round in $(seq 0 "$RUNS"); do   # round 0 warms caches and is not kept
    for v in "${VARIANTS[@]}"; do
      IFS='|' read -r name states _ cmd <<<"$v"
      [ "$states" = both ] || [ "$states" = "$state" ] || continue
      IFS=$'\x1f' read -ra words <<<"$cmd"
      out=/dev/null
      [ "$round" -gt 0 ] && out="$W/raw/$name.$state"
      "$BIN/bk-firstframe" -t 10000 -e "$expect" -E "$W/raw/$name.$state.stderr" -- "${words[@]}" >>"$out" \
        || { log "variant $name ($state) failed; stderr:"; tail -5 "$W/raw/$name.$state.stderr" >&2; exit 1; }
    done
  done
  if [ "$state" = agent ]; then stop_echo_agent; fi
}

log "measuring ${#VARIANTS[@]} variants x $RUNS runs, no agent"
run_state none
log "measuring with an echo agent"
run_state agent

# --- report ------------------------------------------------------------------------------------

median_ms() { awk -v COL="${2:-1}" -f "$BENCH_DIR/stats.awk" "$1" | cut -d' ' -f2; }
floor_of() { # JDK COLUMN -> the lowest median among that JDK's JVM floors (1 = wall, 3 = CPU)
  local best="" f m
  for f in "$W"/raw/floor"$1"*.none; do
    [ -f "$f" ] || continue
    m=$(median_ms "$f" "$2")
    if [ -z "$best" ] || awk -v a="$m" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$m; fi
  done
  printf '%s' "$best"
}
ratio() { [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }' || printf '–'; }
F17=$(floor_of 17 1); F25=$(floor_of 25 1)
C17=$(floor_of 17 3); C25=$(floor_of 25 3)

{
  echo "### Host cold start: spawn to first frame (ms)"
  echo
  machine_md
  echo "- runs: $RUNS per variant and state, interleaved round by round (after one warm-up round); launcher flags from \`installer/host-jvm-flags\`: \`${TUNED[*]}\` (+ the archive where named)"
  echo "- × floor = median / the lowest median of the same JDK's empty-JVM floors in this run (wall: JDK 17 ${F17:-n/a} ms, JDK 25 ${F25:-n/a} ms; CPU: JDK 17 ${C17:-n/a} ms, JDK 25 ${C25:-n/a} ms)"
  echo "- CPU = the process's user + system time over its whole life (spawn to exit), which other load on the machine disturbs far less than wall time; exit = EOF on stdin to process gone"
  echo "- command: \`bench/startup.sh $RUNS\`"
  echo
  echo "| variant | agent | median | p10 | p90 | min | max | stddev | × floor | CPU median | × floor (CPU) | exit median | what |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  for state in none agent; do
    for v in "${VARIANTS[@]}"; do
      IFS='|' read -r name states desc _ <<<"$v"
      f="$W/raw/$name.$state"
      [ -f "$f" ] || continue
      read -r n med p10 p90 min max sd < <(awk -v COL=1 -f "$BENCH_DIR/stats.awk" "$f")
      cpu=$(median_ms "$f" 3); ex=$(median_ms "$f" 2)
      case "$name" in
        *25*) r1=$(ratio "$med" "$F25"); r2=$(ratio "$cpu" "$C25") ;;
        c-*) r1="–"; r2="–" ;;
        *) r1=$(ratio "$med" "$F17"); r2=$(ratio "$cpu" "$C17") ;;
      esac
      [ "$state" = none ] && ag=no || ag=yes
      echo "| $name | $ag | $med | $p10 | $p90 | $min | $max | $sd | $r1 | $cpu | $r2 | $ex | $desc |"
    done
  done
} >"$W/report.md"
cat "$W/report.md"
