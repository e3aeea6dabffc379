#!/usr/bin/env bash
# Peak memory of the real agent while it receives one ~64 MiB IPC message in `secure` pieces and
# while it refuses a stream over the 64 MiB limit, for this checkout's agent ("after") and the
# agent of BASE ("before", default: where this branch left main). Each case starts a fresh agent
# JVM (dev.bridgekeeper.faults.FaultAgentMain, -XX:+UseSerialGC as the faults suite runs it) and
# reads its VmHWM from /proc before and after the message (tests/.../faults/LargeMessageMemory).
#
# usage: bench/memory.sh [BASE]        (expects `mvn install` of this checkout to have run)
# env:   MVN (default mvn), MEMORY_JVM_OPTS (extra agent JVM options, e.g. -Xmx1g),
#        MEMORY_HEAPS (e.g. "150 160 330 400": also receive the message with each -Xmx, in MiB, to
#        find the smallest heap each agent needs for it)
source "$(dirname "$0")/lib.sh"
set -o pipefail
MVN=${MVN:-mvn}
read -r -a MVN_CMD <<<"$MVN"
BASE=${1:-$(git merge-base HEAD main 2>/dev/null || git rev-parse HEAD~1)}
W="$OUT_DIR/memory"
rm -rf "$W" && mkdir -p "$W/before"

log "test classes and class path of tests/"
"${MVN_CMD[@]}" -B -q -o -pl tests test-compile dependency:build-classpath -Dmdep.outputFile="$W/cp.txt" \
    -Dmdep.includeScope=test >&2
main_jar() { # the agent's main jar in target directory $1 (not its sources or javadoc jar)
    local f
    for f in "$1"/bridgekeeper-agent-*-SNAPSHOT.jar; do
        case $f in *-sources.jar | *-javadoc.jar) ;; *) echo "$f"; return 0 ;; esac
    done
    return 1
}
after_jar=$(main_jar "$REPO_DIR/agent/target")

log "agent of $BASE (before)"
git archive "$BASE" | tar -x -C "$W/before"
(cd "$W/before" && "${MVN_CMD[@]}" -B -q -o -pl agent -am package -Dmaven.test.skip=true -Dmaven.javadoc.skip=true \
    -Dmaven.source.skip=true) >&2
before_jar=$(main_jar "$W/before/agent/target")

classpath_with() { # the tests/ class path with this agent jar in place of the installed one
    tr ':' '\n' <"$W/cp.txt" | grep -v '/bridgekeeper-agent/' | { echo "$REPO_DIR/tests/target/test-classes"; echo "$1"; cat; } | paste -sd:
}

{
  echo "### Peak memory of the agent for 64 MiB messages"
  echo
  machine_md
  echo "- agent JVM: $("$JAVA17" -version 2>&1 | sed -n 2p), -XX:+UseSerialGC ${MEMORY_JVM_OPTS:-}"
  echo "- command: \`bench/memory.sh $BASE\` (before = agent of $(git rev-parse --short "$BASE"), after = $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- agent || echo ' + uncommitted changes'))"
  echo
  echo "| agent | case | VmHWM before (MiB) | VmHWM after (MiB) | growth (MiB) | time (ms) | answer |"
  echo "|---|---|---:|---:|---:|---:|---|"
  for which in before after; do
    jar=$before_jar; [ "$which" = after ] && jar=$after_jar
    for c in receive refuse; do
      # shellcheck disable=SC2086 # MEMORY_JVM_OPTS is a list of options
      line=$("$JAVA17" -Dbridgekeeper.testExtension.maxMessageSize=$((128 << 20)) -cp "$(classpath_with "$jar")" dev.bridgekeeper.faults.LargeMessageMemory "$c" ${MEMORY_JVM_OPTS:-} 2>"$W/$which-$c.log" | grep '^case=')
      b=$(sed -E 's/.*before_KiB=([0-9]+).*/\1/' <<<"$line"); a=$(sed -E 's/.*after_KiB=([0-9]+).*/\1/' <<<"$line")
      ms=$(sed -E 's/.* ms=([0-9]+).*/\1/' <<<"$line"); outcome=$(sed -E 's/.*outcome=//' <<<"$line")
      awk -v w="$which" -v c="$c" -v b="$b" -v a="$a" -v ms="$ms" -v o="${outcome:0:60}" \
        'BEGIN { printf "| %s | %s | %.0f | %.0f | %.0f | %s | %s |\n", w, c, b / 1024, a / 1024, (a - b) / 1024, ms, o }'
    done
  done
  if [ -n "${MEMORY_HEAPS:-}" ]; then
    echo
    echo "Receiving the ~64 MiB message with a fixed heap (\`-Xmn16m -Xmx<heap>m\`):"
    echo
    echo "| heap (MiB) | before | after |"
    echo "|---:|---|---|"
    for heap in $MEMORY_HEAPS; do
      row="| $heap |"
      for jar in "$before_jar" "$after_jar"; do
        line=$("$JAVA17" -Dbridgekeeper.testExtension.maxMessageSize=$((128 << 20)) -cp "$(classpath_with "$jar")" dev.bridgekeeper.faults.LargeMessageMemory receive -Xmn16m "-Xmx${heap}m" 2>>"$W/heaps.log" | grep '^case=')
        outcome=$(sed -E 's/.*outcome=//' <<<"$line")
        row="$row ${outcome:0:60} |"
      done
      echo "$row"
    done
  fi
} | tee "$W/report.md"
