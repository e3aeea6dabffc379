# Shared by the benchmark scripts: paths, the JDKs, building the C tools and the JVM floor, and the
# machine description. Source it; it sets -eu and cds to the repository root.
set -eu
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
cd "$REPO_DIR"

OUT_DIR=${BENCH_OUT:-$BENCH_DIR/target}   # build products and scratch (git-ignored)
BIN="$OUT_DIR/bin"
FAT_JAR="$REPO_DIR/cli/target/bridgekeeper.jar"
THIN_JAR="$REPO_DIR/host/target/bridgekeeper-host.jar"
CALLER="chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/"
FLAGS_FILE="$REPO_DIR/installer/host-jvm-flags"
BENCH_JAR="$BENCH_DIR/jmh/target/benchmarks.jar"

JAVA17_HOME=${JAVA17_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
JAVA25_HOME=${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA17="$JAVA17_HOME/bin/java"
JAVA25="$JAVA25_HOME/bin/java"
have_java25() { [ -x "$JAVA25" ]; }

log() { printf '[bench] %s\n' "$*" >&2; }

# Builds the jar(s) unless BENCH_NO_BUILD=1 (smoke and run-all build once).
build_jars() {
  if [ "${BENCH_NO_BUILD:-0}" = 1 ] && [ -f "$FAT_JAR" ]; then return 0; fi
  log "building cli/target/bridgekeeper.jar (mvn package -DskipTests)"
  (cd "$REPO_DIR" && mvn -B -q -o package -DskipTests 2>&1 || mvn -B -q package -DskipTests) >&2
}

# Builds bench/jmh/target/benchmarks.jar (the `bench` Maven profile) unless BENCH_NO_BUILD=1.
build_bench_jar() {
  if [ "${BENCH_NO_BUILD:-0}" = 1 ] && [ -f "$BENCH_JAR" ]; then return 0; fi
  log "building bench/jmh/target/benchmarks.jar (mvn -Pbench package -DskipTests)"
  (cd "$REPO_DIR" && mvn -B -q -o -Pbench package -DskipTests 2>&1 || mvn -B -q -Pbench package -DskipTests) >&2
}

# Compiles the C tools and the JVM floor into $BIN (cheap; always redone so edits are picked up).
build_tools() {
  mkdir -p "$BIN" "$OUT_DIR/floor"
  for t in firstframe oneframe crelay relaybench; do
    gcc -O2 -Wall -Wextra -Werror -pthread -o "$BIN/bk-$t" "$BENCH_DIR/c/$t.c"
  done
  "$JAVA17_HOME/bin/javac" --release 17 -d "$OUT_DIR/floor" "$BENCH_DIR/java/Floor.java"
}

# The launcher's JVM flags from installer/host-jvm-flags, one per line, as install.sh reads them;
# with ARCHIVE given, @CDS_ARCHIVE@ is filled in, else lines using it are dropped.
launcher_flags() { # [ARCHIVE]
  grep -v '^[[:space:]]*#' "$FLAGS_FILE" | sed 's/[[:space:]]*$//' | grep -v '^$' | while IFS= read -r f; do
    case "$f" in
      *@CDS_ARCHIVE@*) [ -n "${1:-}" ] && printf '%s\n' "${f/@CDS_ARCHIVE@/$1}" ;;
      *) printf '%s\n' "$f" ;;
    esac
  done
}

# Starts an echo agent on SOCKET (Java, from the fat jar) and waits until it listens; sets AGENT_PID.
start_echo_agent() { # SOCKET LOGFILE
  rm -f "$1"
  "$JAVA17" -XX:+UseSerialGC -jar "$FAT_JAR" echo-agent --socket "$1" 2>"$2" &
  AGENT_PID=$!
  for _ in $(seq 1 200); do
    [ -S "$1" ] && return 0
    kill -0 "$AGENT_PID" 2>/dev/null || { cat "$2" >&2; log "echo agent died"; exit 1; }
    sleep 0.05
  done
  log "echo agent did not start"; exit 1
}

stop_echo_agent() {
  if [ -n "${AGENT_PID:-}" ]; then kill "$AGENT_PID" 2>/dev/null || true; wait "$AGENT_PID" 2>/dev/null || true; AGENT_PID=""; fi
}

# A Markdown description of the machine and JDKs, for the top of each result.
machine_md() {
  local cpu mem
  cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
  mem=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
  printf -- '- machine: %s cores (`nproc`), CPU `%s`, %s RAM, kernel %s\n' "$(nproc)" "$cpu" "$mem" "$(uname -r)"
  printf -- '- JDK 17: `%s`\n' "$("$JAVA17" -version 2>&1 | sed -n 2p)"
  if have_java25; then printf -- '- JDK 25: `%s`\n' "$("$JAVA25" -version 2>&1 | sed -n 2p)"; fi
  printf -- '- load average when the run started: %s (other work on the machine makes numbers noisier)\n' \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf -- '- date: %s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
}
