#!/usr/bin/env bash
# Coverage-guided fuzzing of the protocol parsers with Jazzer (see docs/fuzzing.md).
#
# Usage: scripts/fuzz.sh [seconds-per-target] [name-filter]
#   scripts/fuzz.sh              every target for 10 s (the CI smoke run, about 2 minutes in all)
#   scripts/fuzz.sh 1800         every target for 30 minutes (a long run)
#   scripts/fuzz.sh 300 Secure   only targets whose name contains "Secure"
#
# Each target runs in its own JVM (Jazzer fuzzes one @FuzzTest per run). A finding fails that
# target, and Jazzer saves the input under host/src/test/resources/dev/bridgekeeper/fuzz/
# <Class>Inputs/<method>/crash-*, where every later `mvn test` replays it. The corpus the fuzzer
# grows is kept in host/.cifuzz-corpus/ (ignored by git) so later runs start where this one ended.
# Logs: host/target/fuzz/<target>.log. Exit status: non-zero if any target found something.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-10}
filter=${2:-}
case "$seconds" in (*[!0-9]*|'') echo "usage: $0 [seconds-per-target] [name-filter]" >&2; exit 2;; esac

targets=(
    "FrameReaderFuzzTest#readerMatchesTheFormatAndNeverAllocatesBeyondItsLimit"
    "EnvelopeFuzzTest#responderSurvivesAnySequenceOfFrames"
    "HandshakeFuzzTest#badHandshakeMessagesOnlyThrowNoiseExceptionAndChangeNothing"
    "SecureFrameFuzzTest#secureFramesAreDecryptedReassembledOrRefusedAsTheProtocolSays"
    "RpcRequestFuzzTest#everyRequestGetsOneCleanAnswer"
)

mvn -B -ntp -q test-compile
mkdir -p host/target/fuzz
failed=()
for target in "${targets[@]}"; do
    if [ -n "$filter" ] && [[ "$target" != *"$filter"* ]]; then
        continue
    fi
    log="host/target/fuzz/${target%%#*}.log"
    printf '==== fuzzing %s for %ss\n' "$target" "$seconds"
    # Logging off: the sessions under test log every refused input, which would slow fuzzing down.
    # The suite's 120 s test timeout is off: JAZZER_MAX_DURATION bounds the run.
    if JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${seconds}s" \
        mvn -B -ntp -pl host surefire:test -Dtest="dev.bridgekeeper.fuzz.$target" \
            -Dsurefire.failIfNoSpecifiedTests=false -Dorg.slf4j.simpleLogger.defaultLogLevel=off \
            -Djunit.jupiter.execution.timeout.mode=disabled \
            >"$log" 2>&1; then
        grep -E '^Done [0-9]+ runs' "$log" | tail -1 || true
    else
        failed+=("$target")
        echo "FINDING or failure in $target: see $log"
        grep -E 'crash-|Caused by|Error|expected' "$log" | head -20 || true
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzzing found problems in: ${failed[*]}"
    exit 1
fi
echo "fuzzing found nothing"
