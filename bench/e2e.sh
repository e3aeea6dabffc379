#!/usr/bin/env bash
# Items 3 and 4: encrypted RPC (latency, rate one outstanding and pipelined), handshake +
# pairing-free reconnect, a 64 MiB message through fragmentation, 1,000 concurrent connections,
# event fan-out to 100 connections. Runs dev.bridgekeeper.bench.EndToEnd from the bench jar.
#
# usage: bench/e2e.sh [VIA] [SCALE]
#   VIA    inprocess (default: Noise XX IpcClients over InMemoryHub), plain (no encryption),
#          host-agent (the real agent on a socket, the first connections through real host
#          processes over pipes; see AgentBridge.java)
#   SCALE  multiplies every count (default 1; smoke uses 0.02)
source "$(dirname "$0")/lib.sh"
VIA=${1:-inprocess}
SCALE=${2:-1}
build_bench_jar
W="$OUT_DIR/e2e"
mkdir -p "$W"
{
  echo "### End to end ($VIA) and agent scale"
  echo
  machine_md
  "$JAVA17" -Xmx2g -XX:+UseParallelGC -cp "$BENCH_JAR" dev.bridgekeeper.bench.EndToEnd --via "$VIA" --scale "$SCALE" 2>"$W/$VIA.log"
} >"$W/report-$VIA.md" || { cat "$W/report-$VIA.md"; tail -20 "$W/$VIA.log" >&2; log "e2e failed"; exit 1; }
cat "$W/report-$VIA.md"
