#!/usr/bin/env bash
# Item 5: JMH microbenchmarks (frame codec, Noise transport + handshake, RPC dispatch).
#
# usage: bench/jmh.sh [quick|full|smoke] [JMH regex]
#   full   JMH's settings from the annotations (3 × 1 s warm-up, 5 × 1 s measurement, 1 fork)
#   quick  (default) 2 × 0.5 s warm-up, 3 × 0.5 s measurement: about 2.5 minutes
#   smoke  one 0.1 s iteration of each, only to prove they run
source "$(dirname "$0")/lib.sh"
MODE=${1:-quick}
FILTER=${2:-dev.bridgekeeper.bench.*Bench}
build_bench_jar
W="$OUT_DIR/jmh"
mkdir -p "$W"
case "$MODE" in
  full) opts=() ;;
  quick) opts=(-wi 2 -w 500ms -i 3 -r 500ms -f 1) ;;
  smoke) opts=(-wi 0 -i 1 -r 100ms -f 1 -p size=128 -p crypto=plain) ;;
  *) log "unknown mode $MODE"; exit 2 ;;
esac
"$JAVA17" -jar "$BENCH_JAR" "$FILTER" "${opts[@]}" -rf csv -rff "$W/result.csv" >"$W/jmh.log" 2>&1 \
  || { tail -30 "$W/jmh.log" >&2; log "JMH failed"; exit 1; }
grep -q 'Benchmark' "$W/jmh.log" || { tail -30 "$W/jmh.log" >&2; exit 1; }
{
  echo "### JMH microbenchmarks ($MODE)"
  echo
  machine_md
  echo "- JMH $(sed -n 's/.*JMH version: \(.*\)/\1/p' "$W/jmh.log" | head -1), 1 fork, JDK 17 defaults (C2); mode $MODE; error = 99.9% confidence half-width"
  echo "- command: \`bench/jmh.sh $MODE\`"
  echo
  echo "| benchmark | param | score | error | unit | throughput |"
  echo "|---|---|---:|---:|---|---:|"
  # CSV: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit",params...
  awk -F, '{ sub(/\r$/, "") }
    NR == 1 { for (i = 8; i <= NF; i++) { h = $i; gsub(/"|Param: /, "", h); pn[i] = h }; next }
    { name = $1; gsub(/"|dev\.bridgekeeper\.bench\./, "", name); p = ""; sz = 0
      for (i = 8; i <= NF; i++) { v = $i; gsub(/"/, "", v); if (v != "") { p = p (p ? " " : "") pn[i] "=" v; if (pn[i] == "size") sz = v + 0 } }
      score = $5 + 0; err = $6; unit = $7; gsub(/"/, "", unit); thr = ""
      if (unit == "ns/op" && sz > 0 && score > 0) thr = sprintf("%.2f GiB/s", sz / score * 1e9 / 1073741824)
      else if (unit == "us/op" && score > 0) thr = sprintf("%.0f ops/s", 1e6 / score)
      else if (unit == "ns/op" && score > 0) thr = sprintf("%.0f ops/s", 1e9 / score)
      printf "| %s | %s | %.3f | %s | %s | %s |\n", name, p, score, err == "NaN" ? "–" : sprintf("%.3f", err), unit, thr }' "$W/result.csv"
} >"$W/report.md"
cat "$W/report.md"
