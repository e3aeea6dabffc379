#!/usr/bin/env bash
# Builds installer/windows/bridgekeeper-host.c with MinGW and, when Wine is present, runs it from a
# folder with spaces and non-ASCII letters the way Chrome and Firefox start a host. A stand-in
# java.exe (test/windows/echoargs.c) prints its folder, its argv and the stdin byte count.
#
#   apt-get install gcc-mingw-w64-x86-64-win32 wine64   # optional tools; missing ones are skipped
#   bash installer/test/windows-launcher.sh
#
# Ends with 'N passed, N failed' (and skipped). Exit 0 also when everything was skipped.
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
PASSED=0 FAILED=0 SKIPPED=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bk-winlauncher.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fail() { printf '   FAIL: %s\n' "$*"; FAILED=$((FAILED + 1)); }
pass() { printf '   ok: %s\n' "$*"; PASSED=$((PASSED + 1)); }
skip() { printf '   SKIP: %s\n' "$*"; SKIPPED=$((SKIPPED + 1)); }
summary() { printf '\n%s passed, %s failed, %s skipped\n' "$PASSED" "$FAILED" "$SKIPPED"; [ "$FAILED" = 0 ]; exit $?; }

CC=$(command -v x86_64-w64-mingw32-gcc || true)
if [ -z "$CC" ]; then
  skip "no MinGW compiler (apt-get install gcc-mingw-w64-x86-64-win32): the .exe launcher was not built"
  summary
fi
echo "== compile bridgekeeper-host.c with -Wall -Wextra -Werror"
if "$CC" -O2 -Wall -Wextra -Werror -municode -o "$TMP/bridgekeeper-host.exe" "$REPO/installer/windows/bridgekeeper-host.c" \
   && "$CC" -O2 -Wall -municode -o "$TMP/echoargs.exe" "$REPO/installer/test/windows/echoargs.c"; then
  pass "compiled"
else
  fail "compile"
  summary
fi

WINE=$(command -v wine64 || command -v wine || true)
[ -z "$WINE" ] && [ -x /usr/lib/wine/wine64 ] && WINE=/usr/lib/wine/wine64
if [ -z "$WINE" ]; then
  skip "no Wine (apt-get install wine64): the launcher was compiled but not run"
  summary
fi
export WINEPREFIX="$TMP/wineprefix" WINEDEBUG=-all LANG=C.UTF-8 LC_ALL=C.UTF-8
"$WINE" wineboot --init >/dev/null 2>&1 || true

# An install folder like C:\Users\José Бридж\AppData\Local\Programs\Bridgekeeper.
DIR="$TMP/Users/José Бридж/Bridgekeeper"
mkdir -p "$DIR/runtime/bin"
cp "$TMP/bridgekeeper-host.exe" "$DIR/"
cp "$TMP/echoargs.exe" "$DIR/runtime/bin/java.exe"
WIN_DIR="Z:${DIR//\//\\}"
# What install.ps1 writes: a relative java (bundled runtime), flags, relative jar, host.
printf '%s\r\n' 'runtime\bin\java.exe' '# comment lines are skipped' '-Xshare:auto' \
  '-XX:SharedArchiveFile=host.jsa' '-Dx=with space' '-jar' 'bridgekeeper.jar' 'host' >"$DIR/bridgekeeper-host.args"

run_launcher() { # ARGS... -> stdout in $TMP/out, exit code in RC
  printf 'framebytes' | "$WINE" "$WIN_DIR\\bridgekeeper-host.exe" "$@" >"$TMP/out" 2>"$TMP/err"
  RC=$?
  tr -d '\r' <"$TMP/out" >"$TMP/out.txt"
}

expect_lines() { # WHAT LINE...
  local what=$1; shift
  local expected
  expected=$(printf '%s\n' "$@")
  if [ "$(cat "$TMP/out.txt")" = "$expected" ]; then pass "$what"
  else fail "$what: got
$(cat "$TMP/out.txt")
--- expected
$expected
--- stderr
$(head -c 500 "$TMP/err")"; fi
}

echo "== Chrome's argv from a folder with spaces and non-ASCII letters"
run_launcher "chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/" "--parent-window=0"
expect_lines "java ran in the launcher's folder with the flags, relative jar and the browser's args" \
  "$WIN_DIR" "-Xshare:auto" "-XX:SharedArchiveFile=host.jsa" "-Dx=with space" "-jar" "bridgekeeper.jar" "host" \
  "chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/" "--parent-window=0" "stdin=10"
if [ "$RC" = 7 ]; then pass "java's exit code comes back"; else fail "exit code $RC, expected 7"; fi

echo "== Firefox's argv: a quoted manifest path with spaces and non-ASCII, then the add-on id"
run_launcher "$WIN_DIR\\manifests\\firefox\\dev.bridgekeeper.host.json" "bridgekeeper-sample@bridgekeeper.dev"
expect_lines "the manifest path arrives whole" \
  "$WIN_DIR" "-Xshare:auto" "-XX:SharedArchiveFile=host.jsa" "-Dx=with space" "-jar" "bridgekeeper.jar" "host" \
  "$WIN_DIR\\manifests\\firefox\\dev.bridgekeeper.host.json" "bridgekeeper-sample@bridgekeeper.dev" "stdin=10"

echo "== a missing args file is reported on stderr, never on stdout"
rm "$DIR/bridgekeeper-host.args"
run_launcher "chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/"
if [ "$RC" = 70 ] && [ ! -s "$TMP/out" ] && grep -q 'cannot open' "$TMP/err"; then pass "clear error, exit 70"
else fail "rc=$RC stdout=$(head -c 200 "$TMP/out") stderr=$(head -c 300 "$TMP/err")"; fi

"$WINE"server -k >/dev/null 2>&1 || true
summary
