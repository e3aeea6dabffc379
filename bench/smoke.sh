#!/usr/bin/env bash
# Proves every benchmark still runs (tiny counts, numbers meaningless); exits non-zero if one
# breaks. Under a minute once the jars are built. For CI: bash bench/smoke.sh
source "$(dirname "$0")/lib.sh"
t0=$(date +%s)
build_jars
build_bench_jar
export BENCH_NO_BUILD=1 BENCH_OUT="$OUT_DIR/smoke"
step() { log "smoke: $* (at $(( $(date +%s) - t0 )) s)"; }
step "startup (1 run of a few variants)"
BENCH_ONLY='^(c-oneframe|c-relay|floor17|installed17|h25-aot)$' bash "$BENCH_DIR/startup.sh" 1 >/dev/null
step "relay (scale 0.02)"
bash "$BENCH_DIR/relay.sh" 0.02 >/dev/null
step "end to end (scale 0.02)"
bash "$BENCH_DIR/e2e.sh" inprocess 0.02 >/dev/null
bash "$BENCH_DIR/e2e.sh" host-agent 0.02 >/dev/null
step "JMH (one short iteration each)"
bash "$BENCH_DIR/jmh.sh" smoke >/dev/null
log "smoke: all benchmarks ran ($(( $(date +%s) - t0 )) s)"
echo "bench smoke: 4 passed, 0 failed"
