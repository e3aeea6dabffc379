#!/usr/bin/env bash
# Coverage-guided fuzzing of the protocol parsers with Jazzer (see docs/fuzzing.md).
#
# Usage: scripts/fuzz.sh [seconds-per-target] [name-filter]
#        scripts/fuzz.sh seeds [name-filter]
#   scripts/fuzz.sh              every target for 10 s (the CI smoke run, about 2 minutes in all)
#   scripts/fuzz.sh 1800         every target for 30 minutes (a long run)
#   scripts/fuzz.sh 300 Secure   only targets whose name contains "Secure"
#   scripts/fuzz.sh seeds        replace the seed-* inputs with the smallest set of corpus inputs
#                                that reaches every edge the corpus reaches (libFuzzer -merge)
#
# Each target runs in its own JVM (Jazzer fuzzes one @FuzzTest per run). A finding fails that
# target, and Jazzer saves the input under tests/src/test/resources/dev/bridgekeeper/fuzz/
# <Class>Inputs/<method>/crash-*, where every later `mvn test` replays it. The corpus the fuzzer
# grows is kept in tests/.cifuzz-corpus/ (ignored by git) so later runs start where this one ended.
# Logs: tests/target/fuzz/<target>.log. Exit status: non-zero if any target found something.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-10}
filter=${2:-}
mode=fuzz
if [ "$seconds" = seeds ]; then
    mode=seeds
fi
case "$mode:$seconds" in (fuzz:*[!0-9]*|fuzz:) echo "usage: $0 [seconds-per-target|seeds] [name-filter]" >&2; exit 2;; esac

targets=(
    "FrameReaderFuzzTest#readerMatchesTheFormatAndNeverAllocatesBeyondItsLimit"
    "EnvelopeFuzzTest#responderSurvivesAnySequenceOfFrames"
    "HandshakeFuzzTest#badHandshakeMessagesOnlyThrowNoiseExceptionAndChangeNothing"
    "SecureFrameFuzzTest#secureFramesAreDecryptedReassembledOrRefusedAsTheProtocolSays"
    "RpcRequestFuzzTest#everyRequestGetsOneCleanAnswer"
    "LongStringFuzzTest#takingLongValuesOutChangesNoOutcome"
)

# The fuzz targets live in the tests module, which resolves the other modules from the local
# repository when run alone: install them first.
mvn -B -ntp -q install -DskipTests
mvn -B -ntp -q test-compile
mkdir -p tests/target/fuzz

if [ "$mode" = seeds ]; then
    mvn -B -ntp -q -pl tests dependency:build-classpath -Dmdep.includeScope=test \
        -Dmdep.outputFile=target/fuzz/classpath.txt
    cp="tests/target/test-classes:tests/target/classes:$(cat tests/target/fuzz/classpath.txt)"
    for target in "${targets[@]}"; do
        if [ -n "$filter" ] && [[ "$target" != *"$filter"* ]]; then
            continue
        fi
        class=${target%%#*}
        method=${target##*#}
        inputs="tests/src/test/resources/dev/bridgekeeper/fuzz/${class}Inputs/$method"
        corpus="tests/.cifuzz-corpus/dev.bridgekeeper.fuzz.$class/$method"
        merged=$(mktemp -d)
        mkdir -p "$inputs" "$corpus"
        # Edges only (no hit counts), so the set stays small; saved findings (crash-*) are kept as they are.
        java -Dorg.slf4j.simpleLogger.defaultLogLevel=off -cp "$cp" com.code_intelligence.jazzer.Jazzer \
            --target_class="dev.bridgekeeper.fuzz.$class" --target_method="$method" \
            -merge=1 -use_counters=0 "$merged" "$inputs" "$corpus" >"tests/target/fuzz/$class.merge.log" 2>&1
        rm -f "$inputs"/seed-*
        for f in "$merged"/*; do
            [ -e "$f" ] || continue
            name=$(basename "$f")
            [ -e "$inputs/crash-$name" ] || cp "$f" "$inputs/seed-${name:0:16}"
        done
        rm -rf "$merged"
        echo "$class: $(ls "$inputs" | wc -l) inputs"
    done
    exit 0
fi
failed=()
for target in "${targets[@]}"; do
    if [ -n "$filter" ] && [[ "$target" != *"$filter"* ]]; then
        continue
    fi
    log="tests/target/fuzz/${target%%#*}.log"
    printf '==== fuzzing %s for %ss\n' "$target" "$seconds"
    # Logging off: the sessions under test log every refused input, which would slow fuzzing down.
    # The suite's 120 s test timeout is off: JAZZER_MAX_DURATION bounds the run.
    if JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${seconds}s" \
        mvn -B -ntp -pl tests surefire:test -Dtest="dev.bridgekeeper.fuzz.$target" \
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
