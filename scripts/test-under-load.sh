#!/usr/bin/env bash
# Runs the test command while the machine is kept busy, to prove it passes on a loaded CI box:
# stress-ng with two CPU workers and one I/O worker (bounded: it stops when the run ends, and
# after a time limit in any case). Each run's duration and result go to stdout and to
# target/test-under-load.log.
#
# Usage: scripts/test-under-load.sh [RUNS]      (default 1; the docs/testing.md figures used 3)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1}
limit_s=$((90 * 60))

if ! command -v stress-ng >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq stress-ng >/dev/null
    else
        echo "stress-ng is needed (apt-get install stress-ng)" >&2
        exit 1
    fi
fi

mkdir -p target
log=target/test-under-load.log
stress_pid=
stop_load() {
    if [ -n "$stress_pid" ] && kill -0 "$stress_pid" 2>/dev/null; then
        kill -TERM "$stress_pid" 2>/dev/null || true
        wait "$stress_pid" 2>/dev/null || true
    fi
    stress_pid=
}
trap stop_load EXIT INT TERM

failed=0
for i in $(seq 1 "$runs"); do
    # The I/O worker writes in its own temporary folder, removed when it stops.
    stress-ng --cpu 2 --io 1 --timeout "${limit_s}s" --temp-path "${TMPDIR:-/tmp}" --quiet &
    stress_pid=$!
    start=$(date +%s)
    if bash scripts/test.sh >"target/test-under-load.$i.out" 2>&1; then result=passed; else result=FAILED; failed=1; fi
    end=$(date +%s)
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    stop_load
    line="run $i: $result in $((end - start)) s (load average at the end: $load); output: target/test-under-load.$i.out"
    echo "$line" | tee -a "$log"
    [ "$result" = passed ] || tail -n 40 "target/test-under-load.$i.out"
done
exit "$failed"
