#!/usr/bin/env bash
# Tests installer/install.sh and uninstall against temporary HOMEs and a temporary system root:
# which files appear where, their modes and JSON fields, dry-run, idempotence, exact uninstall,
# refusals, and shellcheck. Linux only (uses GNU find); needs node (or jq) for JSON checks.
#
#   bash installer/test/run.sh            # uses cli/target/bridgekeeper.jar, builds it if missing
#   BRIDGEKEEPER_JAR=/path/x.jar bash installer/test/run.sh
#   BRIDGEKEEPER_SKIP_JLINK=1 ...         # skip the two cases that build a jlink runtime
#
# Ends with 'N passed, N failed' (and skipped); exits non-zero when something failed.
set -u
LC_ALL=C
export LC_ALL

TEST_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$TEST_DIR/../.." && pwd)
INSTALL="$REPO/installer/install.sh"
UNINSTALL="$REPO/installer/uninstall.sh"
CHROME_ID=ehcmijlhbioomifbjmghlpklegfgldmf
FIREFOX_ID=bridgekeeper-sample@bridgekeeper.dev
NM=dev.bridgekeeper.host.json

PASSED=0 FAILED=0 SKIPPED=0
CURRENT=""
TMP_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/bk-installer-test.XXXXXX")
trap 'rm -rf "$TMP_ROOT"' EXIT

start() { CURRENT=$1; CASE_FAILED=0; printf '== %s\n' "$1"; }
fail() { printf '   FAIL: %s\n' "$*"; CASE_FAILED=1; }
finish() {
  if [ "$CASE_FAILED" = 0 ]; then PASSED=$((PASSED + 1)); printf '   ok\n'
  else FAILED=$((FAILED + 1)); printf '   FAILED: %s\n' "$CURRENT"; fi
}
skip() { SKIPPED=$((SKIPPED + 1)); printf '== %s\n   SKIP: %s\n' "$1" "$2"; }

check() { # DESCRIPTION CMD...
  local what=$1; shift
  "$@" >/dev/null 2>&1 || fail "$what"
}
expect_mode() { # PATH MODE
  local m
  m=$(stat -c '%a' "$1" 2>/dev/null) || { fail "missing: $1"; return; }
  [ "$m" = "$2" ] || fail "mode of $1 is $m, expected $2"
}

# ---------------------------------------------------------------------------------------------
# JSON field checks: node (always in CI), else jq.

if command -v node >/dev/null 2>&1; then
  json_get() { # FILE EXPR(js, on object m) -> prints JSON of the value
    node -e '
      const fs = require("fs");
      const m = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
      const v = (new Function("m", "return " + process.argv[2]))(m);
      process.stdout.write(JSON.stringify(v === undefined ? null : v));' "$1" "$2"
  }
elif command -v jq >/dev/null 2>&1; then
  json_get() { jq -c ".$(printf '%s' "$2" | sed 's/^m\.//')" "$1"; }
else
  echo "neither node nor jq found: cannot check JSON" >&2
  exit 1
fi

# Checks one installed manifest: every field a browser reads.
check_manifest() { # FILE FAMILY LAUNCHER [IDS_JSON]
  local f=$1 family=$2 launcher=$3 ids
  [ -f "$f" ] || { fail "manifest missing: $f"; return; }
  expect_mode "$f" 644
  [ "$(json_get "$f" m.name)" = '"dev.bridgekeeper.host"' ] || fail "$f: name is $(json_get "$f" m.name)"
  [ "$(json_get "$f" m.type)" = '"stdio"' ] || fail "$f: type"
  [ "$(json_get "$f" m.path)" = "\"$launcher\"" ] || fail "$f: path is $(json_get "$f" m.path), expected $launcher"
  [ "$(json_get "$f" 'typeof m.description')" = '"string"' ] || fail "$f: description"
  if [ "$family" = chromium ]; then
    ids=${4:-"[\"chrome-extension://$CHROME_ID/\"]"}
    [ "$(json_get "$f" m.allowed_origins)" = "$ids" ] || fail "$f: allowed_origins $(json_get "$f" m.allowed_origins)"
    [ "$(json_get "$f" m.allowed_extensions)" = null ] || fail "$f: has allowed_extensions"
  else
    ids=${4:-"[\"$FIREFOX_ID\"]"}
    [ "$(json_get "$f" m.allowed_extensions)" = "$ids" ] || fail "$f: allowed_extensions $(json_get "$f" m.allowed_extensions)"
    [ "$(json_get "$f" m.allowed_origins)" = null ] || fail "$f: Firefox manifest has allowed_origins"
  fi
}

# A listing of a tree with modes, sizes, symlink targets and content checksums.
snapshot() { # DIR...
  local d
  for d in "$@"; do
    [ -e "$d" ] || continue
    find "$d" -printf '%p %M %s %l\n' | sort
    find "$d" -type f -exec sha256sum {} + | sort
  done
}

all_manifests_under() { find "$@" -name "$NM" 2>/dev/null | sort; }

# ---------------------------------------------------------------------------------------------
# The jar.

JAR=${BRIDGEKEEPER_JAR:-$REPO/cli/target/bridgekeeper.jar}
if [ ! -f "$JAR" ] || { [ -z "${BRIDGEKEEPER_JAR:-}" ] && [ ! -f "$REPO/host/target/bridgekeeper-host.jar" ]; }; then
  echo "building $JAR (mvn -B -q package -DskipTests)"
  (cd "$REPO" && mvn -B -q package -DskipTests) || { echo "could not build the jar"; exit 1; }
fi
# The host command lands separately; the launcher start test needs it.
HAS_HOST=0
if command -v unzip >/dev/null 2>&1; then list_jar() { unzip -Z1 "$1"; }; else list_jar() { jar tf "$1"; }; fi
list_jar "$JAR" | grep -q '^dev/bridgekeeper/host/.*\.class$' && HAS_HOST=1
HAS_DOCTOR=0
list_jar "$JAR" | grep -q '^dev/bridgekeeper/cli/doctor/DoctorCommand\.class$' && HAS_DOCTOR=1
CAN_JLINK=1
JDK_BIN=$(dirname "$(readlink -f "$(command -v java)")")
[ -n "${JAVA_HOME:-}" ] && JDK_BIN="$JAVA_HOME/bin"
[ -x "$JDK_BIN/jlink" ] || CAN_JLINK=0
[ "${BRIDGEKEEPER_SKIP_JLINK:-0}" = 1 ] && CAN_JLINK=0

# The host-only jar `mvn package` builds in host/target (install.sh installs both).
HOST_JAR="$(dirname "$JAR")/bridgekeeper-host.jar"
[ -f "$HOST_JAR" ] || HOST_JAR="$(dirname "$JAR")/../../host/target/bridgekeeper-host.jar"

# Prints each frame of a file of native messaging frames as one line of JSON; fails on a
# truncated or oversized frame or one that is not a JSON object.
frames_of() { # FILE
  node -e '
    const b = require("fs").readFileSync(process.argv[1]);
    let at = 0;
    while (at < b.length) {
      if (b.length - at < 4) { console.error("truncated length at " + at); process.exit(1); }
      const n = b.readUInt32LE(at);
      if (n === 0 || n > 1048576 || b.length < at + 4 + n) { console.error("bad length " + n); process.exit(1); }
      const m = JSON.parse(b.subarray(at + 4, at + 4 + n).toString("utf8"));
      if (typeof m !== "object" || m === null || Array.isArray(m)) { console.error("not an object"); process.exit(1); }
      console.log(JSON.stringify(m));
      at += 4 + n;
    }' "$1"
}

# A fresh fake HOME with some browsers' config folders.
new_home() { # NAME -> prints the HOME path
  local h="$TMP_ROOT/$1/home"
  mkdir -p "$h"
  printf '%s' "$h"
}

# User-scope detection also looks at system install folders (/opt/google/..., /etc/opt/...), so
# every run gets an empty system root unless the test names one: what this machine has installed
# must not change what a test expects.
NO_SYSTEM_ROOT="$TMP_ROOT/no-system-root"
mkdir -p "$NO_SYSTEM_ROOT"
run_install() { # HOME ARGS... (extra env through the caller's env)
  local h=$1; shift
  HOME=$h XDG_CONFIG_HOME='' XDG_DATA_HOME='' XDG_RUNTIME_DIR="$h/.run" \
    BRIDGEKEEPER_TEST_ROOT=${BRIDGEKEEPER_TEST_ROOT:-$NO_SYSTEM_ROOT} bash "$INSTALL" --jar "$JAR" "$@"
}
run_uninstall() {
  local h=$1; shift
  HOME=$h XDG_CONFIG_HOME='' XDG_DATA_HOME='' XDG_RUNTIME_DIR="$h/.run" \
    BRIDGEKEEPER_TEST_ROOT=${BRIDGEKEEPER_TEST_ROOT:-$NO_SYSTEM_ROOT} bash "$UNINSTALL" "$@"
}

# Reads frames from a launcher's stdout (with stdin at EOF) and checks the first is a JSON object
# with a type: what a browser needs to see.
check_launcher_starts() { # LAUNCHER ARG...
  local out="$TMP_ROOT/launch.out" err="$TMP_ROOT/launch.err" rc
  timeout 20 "$@" </dev/null >"$out" 2>"$err"
  rc=$?
  [ "$rc" = 0 ] || { fail "launcher $1 exited $rc: $(tail -n 3 "$err")"; return; }
  node -e '
    const b = require("fs").readFileSync(process.argv[1]);
    if (b.length < 4) { console.error("no frame"); process.exit(1); }
    const n = b.readUInt32LE(0);
    if (n === 0 || n > 1048576 || b.length < 4 + n) { console.error("bad length " + n); process.exit(1); }
    const m = JSON.parse(b.subarray(4, 4 + n).toString("utf8"));
    if (typeof m !== "object" || typeof m.type !== "string") { console.error("no type"); process.exit(1); }' "$out" \
    || fail "launcher $1 did not write a valid frame"
}

# Runs the installed doctor over a tree without starting launchers; fails the case unless it
# reports no problem, which also proves the doctor looks where install.sh wrote.
doctor_agrees() { # HOME ROOT OS
  [ "$HAS_DOCTOR" = 1 ] || return 0
  local dout
  dout=$(java -jar "$JAR" doctor --home "$1" --root "$2" --os "$3" --no-launch \
    --socket "$TMP_ROOT/none/agent.sock" 2>&1) || fail "doctor --os $3 found problems: $(printf '%s' "$dout" | grep -B1 -A1 FAIL | head -c 2000)"
}

# ---------------------------------------------------------------------------------------------
if [ -f "$HOST_JAR" ]; then
  start "the host-only jar holds only host and protocol classes and runs the host on its own"
  extra=$(list_jar "$HOST_JAR" | grep '\.class$' | grep -Ev '^dev/bridgekeeper/(host|protocol)/')
  [ -z "$extra" ] || fail "unexpected classes in $HOST_JAR: $extra"
  # Run with nothing but this jar on the class path: a missing class would fail the run.
  out_file="$TMP_ROOT/thin.out"
  BRIDGEKEEPER_SOCKET="$TMP_ROOT/no-agent/agent.sock" timeout 20 java -jar "$HOST_JAR" host "chrome-extension://$CHROME_ID/" \
    </dev/null >"$out_file" 2>"$TMP_ROOT/thin.err" || fail "java -jar $HOST_JAR host exited $?: $(tail -n 3 "$TMP_ROOT/thin.err")"
  frames=$(frames_of "$out_file") || fail "the host-only jar wrote a malformed frame"
  [ "$(printf '%s\n' "$frames" | grep -c .)" = 1 ] || fail "expected exactly one frame, got: $frames"
  printf '%s' "$frames" | grep -q '"type":"status","state":"desktop_unavailable"' \
    || fail "expected status/desktop_unavailable, got: $frames"
  finish
elif [ -n "${BRIDGEKEEPER_JAR:-}" ]; then
  skip "the host-only jar" "$HOST_JAR is missing next to BRIDGEKEEPER_JAR"
else
  start "the host-only jar"; fail "mvn package did not build $HOST_JAR"; finish
fi

start "user scope: only browsers whose folder exists get a manifest, with the right fields and modes"
H=$(new_home user)
mkdir -p "$H/.config/google-chrome" "$H/.config/chromium" "$H/.config/microsoft-edge" \
  "$H/.config/BraveSoftware/Brave-Browser" "$H/.config/vivaldi" "$H/.mozilla" "$H/.librewolf" \
  "$H/.waterfox" "$H/.local/share/torbrowser/tbb/x86_64/tor-browser/Browser/TorBrowser/Data/Browser"
BEFORE=$(snapshot "$H")
out=$(run_install "$H" 2>&1) || fail "install failed: $out"
P="$H/.local/share/bridgekeeper"
L="$P/bin/bridgekeeper-host"
expect_mode "$L" 755
expect_mode "$P/bin/bridgekeeper" 755
expect_mode "$P/bridgekeeper.jar" 644
expect_mode "$P" 755
expect_mode "$P/bin" 755
expect_mode "$H/.config/google-chrome/NativeMessagingHosts" 755
cmp -s "$JAR" "$P/bridgekeeper.jar" || fail "installed jar differs"
for d in google-chrome chromium microsoft-edge BraveSoftware/Brave-Browser vivaldi; do
  check_manifest "$H/.config/$d/NativeMessagingHosts/$NM" chromium "$L"
done
for d in .mozilla .librewolf .waterfox .local/share/torbrowser/tbb/x86_64/tor-browser/Browser/TorBrowser/Data/Browser/.mozilla; do
  check_manifest "$H/$d/native-messaging-hosts/$NM" firefox "$L"
done
[ "$(all_manifests_under "$H" | wc -l)" = 9 ] || fail "expected exactly 9 manifests, found: $(all_manifests_under "$H")"
for absent in google-chrome-beta google-chrome-unstable microsoft-edge-beta vivaldi-snapshot opera; do
  [ ! -e "$H/.config/$absent" ] || fail "created $absent's folder although it did not exist"
done
[ ! -e "$H/.var" ] || fail "created Flatpak folders without a Flatpak browser"
sh -n "$L" || fail "launcher is not valid sh"
head -n 1 "$L" | grep -qx '#!/bin/sh' || fail "launcher shebang"
# With an AOT cache (JDK 25+) install.sh drops -Xshare on purpose: JDK 25 refuses the pair.
grep -v '^#' "$REPO/installer/host-jvm-flags" | grep -v '^$' | grep -v CDS_ARCHIVE | while IFS= read -r flag; do
  case "$flag" in -Xshare:*) grep -q AOTCache "$L" && continue ;; esac
  grep -qF -- "'$flag'" "$L" || echo "missing flag $flag"
done | grep -q . && fail "launcher lacks flags from host-jvm-flags"
if [ -f "$HOST_JAR" ]; then
  expect_mode "$P/bridgekeeper-host.jar" 644
  cmp -s "$HOST_JAR" "$P/bridgekeeper-host.jar" || fail "installed host-only jar differs"
  grep -qF -- "-jar '$P/bridgekeeper-host.jar' host '--host-name=dev.bridgekeeper.host' \"\$@\"" "$L" || fail "launcher does not run '-jar <host-only jar> host --host-name=... \"\$@\"'"
  grep -qF -- "-jar '$P/bridgekeeper.jar' \"\$@\"" "$P/bin/bridgekeeper" || fail "the CLI launcher does not run the shaded jar"
else
  grep -qF -- "-jar '$P/bridgekeeper.jar' host '--host-name=dev.bridgekeeper.host' \"\$@\"" "$L" || fail "launcher does not run '-jar <jar> host \"\$@\"'"
fi
if [ -f "$P/host.jsa" ]; then
  grep -qF -- "-XX:SharedArchiveFile=$P/host.jsa" "$L" || fail "archive built but launcher does not use it"
  expect_mode "$P/host.jsa" 644
elif [ -f "$P/host.aot" ]; then
  grep -qF -- "'-XX:AOTCache=$P/host.aot'" "$L" || fail "AOT cache built but launcher does not use it"
  grep -q -- '-Xshare' "$L" && fail "launcher combines -XX:AOTCache with -Xshare (JDK 25 refuses to start)"
else
  grep -q 'SharedArchiveFile' "$L" && fail "launcher names an archive that does not exist"
  [ "$HAS_HOST" = 1 ] && fail "the jar has the host but no class-data archive was built"
fi
grep -qF "$L" "$P/installed-files.txt" || fail "install log lacks the launcher"
INSTALLED=$(snapshot "$H")
finish

if [ "$HAS_HOST" = 1 ]; then
  start "the installed launcher starts the host and writes a valid frame (Chromium and Firefox argv)"
  check_launcher_starts "$L" "chrome-extension://$CHROME_ID/"
  check_launcher_starts "$L" "$H/.mozilla/native-messaging-hosts/$NM" "$FIREFOX_ID"
  finish
else
  skip "the installed launcher starts the host" "the jar has no host command yet (dev/bridgekeeper/host/)"
fi

# Starts `bridgekeeper echo-agent` on a socket under TMP_ROOT; sets ECHO_PID and ECHO_SOCKET.
start_echo_agent() { # NAME
  local d="$TMP_ROOT/$1"
  mkdir -p "$d" && chmod 700 "$d"
  ECHO_SOCKET="$d/agent.sock"
  java -jar "$JAR" echo-agent --socket "$ECHO_SOCKET" </dev/null >/dev/null 2>"$d/agent.log" &
  ECHO_PID=$!
  local n=0
  while [ ! -S "$ECHO_SOCKET" ] && [ "$n" -lt 200 ]; do sleep 0.1; n=$((n + 1)); done
  [ -S "$ECHO_SOCKET" ]
}
stop_echo_agent() { kill "$ECHO_PID" 2>/dev/null; wait "$ECHO_PID" 2>/dev/null; }

# Runs LAUNCHER's java command with class-load logging added, against the echo agent, and prints
# the log: which classes came from the class-data archive or AOT cache ("shared objects file").
classes_loaded_by() { # LAUNCHER LOGFILE
  sed "s| -jar | -Xlog:class+load=info:file=$2 -jar |" "$1" >"$TMP_ROOT/probe.sh"
  { sleep 1; } | BRIDGEKEEPER_SOCKET=$ECHO_SOCKET timeout 20 sh "$TMP_ROOT/probe.sh" "chrome-extension://$CHROME_ID/" \
    >"$TMP_ROOT/probe.out" 2>"$TMP_ROOT/probe.err"
  grep -q '"state":"connected"' "$TMP_ROOT/probe.out" || fail "probe run did not connect: $(tail -n 3 "$TMP_ROOT/probe.err")"
}

if [ "$HAS_HOST" = 1 ] && { [ -f "$P/host.jsa" ] || [ -f "$P/host.aot" ]; }; then
  start "the class-data archive was trained with an agent: the connected path loads from it"
  if start_echo_agent echo-user; then
    classes_loaded_by "$L" "$TMP_ROOT/classes.log"
    # Only the connected path opens a Unix-domain socket; without an agent the host never does.
    for c in 'sun.nio.ch.UnixDomainSockets' "dev.bridgekeeper.host.HostRelay\$Connection"; do
      grep -qF "$c source: shared objects file" "$TMP_ROOT/classes.log" || fail "$c was not in the archive"
    done
    stop_echo_agent
  else
    fail "the test's echo agent did not start: $(cat "$TMP_ROOT/echo-user/agent.log")"
  fi
  finish
fi

if [ "$HAS_DOCTOR" = 1 ]; then
  # Keeps install.sh's folders and the doctor's lookup in step. Without the host command the
  # launchers cannot answer yet, so they are not started then.
  launch_opt=""
  [ "$HAS_HOST" = 1 ] || launch_opt=--no-launch
  start "bridgekeeper doctor finds every installed manifest and reports no problem ${launch_opt:+(--no-launch: no host command yet)}"
  # shellcheck disable=SC2086 # launch_opt is one word or empty
  dout=$(HOME=$H XDG_CONFIG_HOME='' XDG_DATA_HOME='' BRIDGEKEEPER_SOCKET="$TMP_ROOT/none/agent.sock" \
    "$P/bin/bridgekeeper" doctor --root "$TMP_ROOT/empty-root" --json $launch_opt 2>&1)
  rc=$?
  printf '%s' "$dout" >"$TMP_ROOT/doctor.json"
  [ "$rc" = 0 ] || fail "doctor exited $rc: $(printf '%s' "$dout" | head -c 3000)"
  for b in chrome chromium edge brave vivaldi firefox librewolf waterfox tor-browser; do
    node -e '
      const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      const want = process.argv[3] === "" ? ["manifest", "json", "name", "type", "path", "allowed", "launch"]
                                          : ["manifest", "json", "name", "type", "path", "allowed"];
      const bad = want.filter(k => !r.checks.some(c => c.subject === process.argv[2] && c.check === k && c.status === "ok"));
      if (bad.length) { console.error(process.argv[2] + ": not ok: " + bad.join(",")); process.exit(1); }' \
      "$TMP_ROOT/doctor.json" "$b" "$launch_opt" || fail "doctor did not pass $b's manifest"
  done
  finish
else
  skip "bridgekeeper doctor over the installed tree" "the jar has no doctor command"
fi

start "dry-run of a re-install and of the uninstall change nothing"
out=$(run_install "$H" --dry-run 2>&1) || fail "dry-run failed: $out"
printf '%s\n' "$out" | grep -q '^\[dry-run\]' || fail "dry-run printed no actions"
out=$(run_uninstall "$H" --dry-run 2>&1) || fail "uninstall dry-run failed: $out"
printf '%s\n' "$out" | grep -qF "[dry-run] remove file $L" || fail "uninstall dry-run does not list the launcher"
[ "$(snapshot "$H")" = "$INSTALLED" ] || fail "a dry run changed the tree"
finish

start "re-install is idempotent: identical tree, no duplicate log lines"
out=$(run_install "$H" 2>&1) || fail "second install failed: $out"
[ "$(snapshot "$H")" = "$INSTALLED" ] || fail "tree differs after re-install: $(diff <(printf '%s\n' "$INSTALLED") <(snapshot "$H") | head -n 10)"
[ -z "$(grep -v '^#' "$P/installed-files.txt" | sort | uniq -d)" ] || fail "duplicate lines in the install log"
finish

start "uninstall removes exactly what was installed and keeps files that are not ours"
echo '{}' >"$H/.mozilla/native-messaging-hosts/other.host.json"
out=$(run_uninstall "$H" 2>&1) || fail "uninstall failed: $out"
[ -f "$H/.mozilla/native-messaging-hosts/other.host.json" ] || fail "removed a file that is not ours"
rm -f "$H/.mozilla/native-messaging-hosts/other.host.json"
rmdir "$H/.mozilla/native-messaging-hosts" 2>/dev/null || fail "kept folder missing or not empty"
[ "$(snapshot "$H")" = "$BEFORE" ] || fail "tree after uninstall differs from before install: $(diff <(printf '%s\n' "$BEFORE") <(snapshot "$H") | head -n 10)"
out=$(run_uninstall "$H" 2>&1) || fail "second uninstall failed"
printf '%s' "$out" | grep -q 'Nothing to uninstall' || fail "second uninstall did not say there is nothing"
finish

if [ "$HAS_HOST" = 1 ]; then
  start "an older build without the host-only jar: the launcher runs the host from the shaded jar"
  H=$(new_home oldbuild)
  mkdir -p "$H/.config/chromium" "$TMP_ROOT/oldbuild/jar"
  cp "$JAR" "$TMP_ROOT/oldbuild/jar/bridgekeeper.jar"
  out=$(HOME=$H XDG_CONFIG_HOME='' XDG_DATA_HOME='' XDG_RUNTIME_DIR="$H/.run" bash "$INSTALL" \
    --jar "$TMP_ROOT/oldbuild/jar/bridgekeeper.jar" --no-cds 2>&1) || fail "install failed: $out"
  P="$H/.local/share/bridgekeeper"
  [ ! -e "$P/bridgekeeper-host.jar" ] || fail "installed a host-only jar that the build did not have"
  grep -qF -- "-jar '$P/bridgekeeper.jar' host '--host-name=dev.bridgekeeper.host' \"\$@\"" "$P/bin/bridgekeeper-host" || fail "launcher does not fall back to the shaded jar"
  check_launcher_starts "$P/bin/bridgekeeper-host" "chrome-extension://$CHROME_ID/"
  run_uninstall "$H" >/dev/null 2>&1 || fail "uninstall failed"
  [ ! -e "$P" ] || fail "prefix left after uninstall"
  finish
fi

if [ "$HAS_HOST" = 1 ]; then
  start "no echo agent for training (socket path too long): a warning, an archive trained without it, a working launcher"
  H=$(new_home noagent)
  long="$TMP_ROOT/$(printf 'x%.0s' $(seq 1 110))"
  mkdir -p "$long"
  out=$(TMPDIR=$long run_install "$H" 2>&1) || fail "install failed: $out"
  printf '%s' "$out" | grep -q 'echo agent for training the .* did not start' || fail "no warning: $out"
  P="$H/.local/share/bridgekeeper"
  [ -s "$P/host.jsa" ] || [ -s "$P/host.aot" ] || fail "no archive built without the agent"
  check_launcher_starts "$P/bin/bridgekeeper-host" "chrome-extension://$CHROME_ID/"
  [ -z "$(ls -A "$long")" ] || fail "scratch left in TMPDIR: $(ls -A "$long")"
  finish
fi

JDK25=""
for j in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-2[5-9]*; do
  if [ -x "$j/bin/java" ]; then JDK25=$j; break; fi
done
if [ "$HAS_HOST" = 1 ] && [ -n "$JDK25" ]; then
  start "JDK 25+: an AOT cache instead of the CDS archive, no -Xshare with it, trained with an agent, clean stdout"
  H=$(new_home jdk25)
  out=$(JAVA_HOME=$JDK25 run_install "$H" 2>&1) || fail "install failed: $out"
  P="$H/.local/share/bridgekeeper"
  L="$P/bin/bridgekeeper-host"
  [ -s "$P/host.aot" ] || fail "no AOT cache built: $out"
  [ ! -e "$P/host.jsa" ] || fail "a CDS archive was built too"
  grep -qF -- "'-XX:AOTCache=$P/host.aot'" "$L" || fail "launcher does not use the AOT cache"
  grep -qE -- '-Xshare|SharedArchiveFile' "$L" && fail "launcher combines the AOT cache with -Xshare or SharedArchiveFile"
  # Exactly one frame on stdout: a JVM refusing its options would print its error there.
  timeout 20 "$L" "chrome-extension://$CHROME_ID/" </dev/null >"$TMP_ROOT/j25.out" 2>"$TMP_ROOT/j25.err" \
    || fail "launcher exited $?: $(tail -n 3 "$TMP_ROOT/j25.err")"
  frames=$(frames_of "$TMP_ROOT/j25.out") || fail "stdout is not clean frames: $(head -c 300 "$TMP_ROOT/j25.out")"
  [ "$(printf '%s\n' "$frames" | grep -c .)" = 1 ] || fail "expected exactly one frame, got: $frames"
  if start_echo_agent echo-25; then
    classes_loaded_by "$L" "$TMP_ROOT/classes25.log"
    grep -qF 'sun.nio.ch.UnixDomainSockets source: shared objects file' "$TMP_ROOT/classes25.log" \
      || fail "the connected path is not in the AOT cache"
    stop_echo_agent
  else
    fail "the test's echo agent did not start"
  fi
  run_uninstall "$H" >/dev/null 2>&1 || fail "uninstall failed"
  [ ! -e "$P" ] || fail "prefix left after uninstall: $(find "$P")"
  finish
else
  skip "JDK 25+ AOT cache" "no host command or no Temurin 25+ under /usr/lib/jvm"
fi

start "dry-run of a first install creates nothing"
H=$(new_home dry)
mkdir -p "$H/.config/chromium" "$H/.mozilla"
BEFORE=$(snapshot "$H")
out=$(run_install "$H" --dry-run --systemd-user 2>&1) || fail "dry-run failed: $out"
for expect in "create file $H/.local/share/bridgekeeper/bin/bridgekeeper-host (mode 0755)" \
  "create file $H/.config/chromium/NativeMessagingHosts/$NM (mode 0644)" \
  "create file $H/.mozilla/native-messaging-hosts/$NM (mode 0644)" \
  "create folder $H/.local/share/bridgekeeper" \
  "create file $H/.config/systemd/user/bridgekeeper-agent.service (mode 0644)"; do
  printf '%s\n' "$out" | grep -qF "[dry-run] $expect" || fail "dry-run did not announce: $expect"
done
[ "$(snapshot "$H")" = "$BEFORE" ] || fail "dry run changed the tree"
finish

start "explicit --browser, ids, and shrinking the browser set removes the dropped manifests"
H=$(new_home choose)
mkdir -p "$H/.config/chromium" "$H/.mozilla" "$H/.config/opera"
C2=abcdefghijklmnopabcdefghijklmnop
F2='{01234567-89ab-cdef-0123-456789abcdef}'
out=$(run_install "$H" --no-cds --chrome-id "$CHROME_ID" --chrome-id "$C2" --chrome-id "$C2" \
  --firefox-id "$F2" 2>&1) || fail "install failed: $out"
L="$H/.local/share/bridgekeeper/bin/bridgekeeper-host"
check_manifest "$H/.config/chromium/NativeMessagingHosts/$NM" chromium "$L" \
  "[\"chrome-extension://$CHROME_ID/\",\"chrome-extension://$C2/\"]"
check_manifest "$H/.mozilla/native-messaging-hosts/$NM" firefox "$L" "[\"$F2\"]"
# Opera reads Chrome's folder.
check_manifest "$H/.config/google-chrome/NativeMessagingHosts/$NM" chromium "$L" \
  "[\"chrome-extension://$CHROME_ID/\",\"chrome-extension://$C2/\"]"
out=$(run_install "$H" --no-cds --browser chromium --browser edge-beta 2>&1) || fail "re-install failed: $out"
[ ! -e "$H/.mozilla/native-messaging-hosts" ] || fail "Firefox manifest folder left after dropping Firefox"
[ ! -e "$H/.config/google-chrome" ] || fail "Chrome folder we created for Opera was left behind"
check_manifest "$H/.config/chromium/NativeMessagingHosts/$NM" chromium "$L"
check_manifest "$H/.config/microsoft-edge-beta/NativeMessagingHosts/$NM" chromium "$L"
printf '%s\n' "$out" | grep -q "note: edge-beta's config folder was not found" || fail "no note for a forced browser"
run_uninstall "$H" >/dev/null 2>&1 || fail "uninstall failed"
[ -z "$(find "$H" -mindepth 1 ! -path "$H/.config" ! -path "$H/.config/chromium" ! -path "$H/.mozilla" ! -path "$H/.config/opera")" ] \
  || fail "leftovers: $(find "$H" -mindepth 1)"
finish

start "bad input is refused and changes nothing"
H=$(new_home refuse)
mkdir -p "$H/.config/chromium"
BEFORE=$(snapshot "$H" "$TMP_ROOT/refuse")
# U+0435 CYRILLIC SMALL LETTER IE in place of the Latin 'e'.
out=$(run_install "$H" --no-cds --prefix "$TMP_ROOT/refuse/bridgek$(printf '\xd0\xb5')eper" 2>&1) && fail "non-ASCII prefix accepted"
printf '%s' "$out" | grep -q 'non-ASCII' || fail "no clear message for a non-ASCII prefix: $out"
out=$(run_install "$H" --no-cds --chrome-id 'not-an-id' 2>&1) && fail "bad chrome id accepted"
printf '%s' "$out" | grep -q 'not a Chromium extension id' || fail "unclear message for a bad id: $out"
out=$(run_install "$H" --no-cds --firefox-id 'bad id' 2>&1) && fail "bad firefox id accepted"
out=$(run_install "$H" --no-cds --browser netscape 2>&1) && fail "unknown browser accepted"
printf '%s' "$out" | grep -q "unknown browser 'netscape'" || fail "unclear message for an unknown browser"
out=$(run_install "$H" --no-cds --scope galaxy 2>&1) && fail "bad scope accepted"
out=$(run_install "$H" --no-cds --launch-agent 2>&1) && fail "--launch-agent accepted on Linux"
out=$(HOME=$H bash "$INSTALL" --jar "$TMP_ROOT/missing.jar" 2>&1) && fail "missing jar accepted"
printf '%s' "$out" | grep -q 'jar not found' || fail "unclear message for a missing jar"
# A Java older than 17 is refused by name.
mkdir -p "$TMP_ROOT/oldjava/bin"
printf '#!/bin/sh\necho "    java.home = %s" >&2\necho "    java.specification.version = 11" >&2\n' "$TMP_ROOT/oldjava" >"$TMP_ROOT/oldjava/bin/java"
chmod 755 "$TMP_ROOT/oldjava/bin/java"
out=$(JAVA_HOME="$TMP_ROOT/oldjava" run_install "$H" --no-cds 2>&1) && fail "Java 11 accepted"
printf '%s' "$out" | grep -q 'Java 11 .* too old' || fail "unclear message for an old Java: $out"
[ "$(snapshot "$H" "$TMP_ROOT/refuse")" = "$BEFORE" ] || fail "a refused run changed files"
finish

start "system scope (under a test root): system folders, /opt prefix, conflicting folders all written"
R="$TMP_ROOT/sysroot"
H=$(new_home sys)
mkdir -p "$R/opt/google/chrome" "$R/usr/lib/firefox-esr" "$R/opt/brave.com/brave" "$R/etc/chromium"
BEFORE=$(snapshot "$R" "$H")
out=$(BRIDGEKEEPER_TEST_ROOT=$R run_install "$H" --scope system --no-cds --systemd-user 2>&1) || fail "install failed: $out"
L="$R/opt/bridgekeeper/bin/bridgekeeper-host"
expect_mode "$L" 755
check_manifest "$R/etc/opt/chrome/native-messaging-hosts/$NM" chromium "$L"
check_manifest "$R/etc/brave/native-messaging-hosts/$NM" chromium "$L"
check_manifest "$R/etc/chromium/native-messaging-hosts/$NM" chromium "$L"
check_manifest "$R/usr/lib/mozilla/native-messaging-hosts/$NM" firefox "$L"
[ "$(all_manifests_under "$R" "$H" | wc -l)" = 4 ] || fail "expected 4 manifests: $(all_manifests_under "$R" "$H")"
grep -qF "ExecStart=\"$R/opt/bridgekeeper/bin/bridgekeeper\" \"agent\" \"--host-name\" \"dev.bridgekeeper.host\"" "$R/etc/systemd/user/bridgekeeper-agent.service" \
  || fail "system systemd user unit"
[ ! -e "$H/.local" ] || fail "system scope wrote into HOME"
doctor_agrees "$H" "$R" linux
BRIDGEKEEPER_TEST_ROOT=$R run_uninstall "$H" --scope system >/dev/null 2>&1 || fail "uninstall failed"
[ "$(snapshot "$R" "$H")" = "$BEFORE" ] || fail "system uninstall left changes: $(diff <(printf '%s\n' "$BEFORE") <(snapshot "$R" "$H") | head)"
finish

start "macOS layout (BRIDGEKEEPER_OS=darwin): Application Support folders with spaces, Arc, LaunchAgent"
H=$(new_home mac)
A="$H/Library/Application Support"
mkdir -p "$A/Google/Chrome" "$A/Firefox" "$A/Arc/User Data" "$A/Microsoft Edge" "$A/com.operasoftware.Opera"
BEFORE=$(snapshot "$H")
out=$(BRIDGEKEEPER_OS=darwin run_install "$H" --no-cds --launch-agent 2>&1) || fail "install failed: $out"
L="$H/.local/share/bridgekeeper/bin/bridgekeeper-host"
check_manifest "$A/Google/Chrome/NativeMessagingHosts/$NM" chromium "$L"
check_manifest "$A/Arc/User Data/NativeMessagingHosts/$NM" chromium "$L"
check_manifest "$A/Microsoft Edge/NativeMessagingHosts/$NM" chromium "$L"
check_manifest "$A/Mozilla/NativeMessagingHosts/$NM" firefox "$L"
[ "$(all_manifests_under "$H" | wc -l)" = 4 ] || fail "expected 4 manifests: $(all_manifests_under "$H")"
P="$H/Library/LaunchAgents/dev.bridgekeeper.agent.plist"
expect_mode "$P" 644
grep -qF "<string>$H/.local/share/bridgekeeper/bin/bridgekeeper</string>" "$P" || fail "plist program"
if command -v xmllint >/dev/null 2>&1; then xmllint --noout "$P" || fail "plist is not well-formed XML"; fi
doctor_agrees "$H" "$TMP_ROOT/empty-root" macos
BRIDGEKEEPER_OS=darwin run_uninstall "$H" >/dev/null 2>&1 || fail "uninstall failed"
[ "$(snapshot "$H")" = "$BEFORE" ] || fail "uninstall left changes"
finish

start "--systemd-user unit and --polkit action (polkit file from a copy of the repo)"
H=$(new_home units)
R="$TMP_ROOT/polkitroot"
mkdir -p "$H/.config/chromium" "$R"
COPY="$TMP_ROOT/repo-copy"
mkdir -p "$COPY/polkit"
cp -R "$REPO/installer" "$REPO/manifests" "$COPY/"
cat >"$COPY/polkit/dev.bridgekeeper.unlock.policy" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<policyconfig><action id="dev.bridgekeeper.unlock"><defaults><allow_active>auth_self</allow_active></defaults></action></policyconfig>
EOF
BEFORE=$(snapshot "$H" "$R")
out=$(HOME=$H XDG_CONFIG_HOME='' XDG_DATA_HOME='' XDG_RUNTIME_DIR="$H/.run" BRIDGEKEEPER_TEST_ROOT=$R \
  bash "$COPY/installer/install.sh" --jar "$JAR" --no-cds --systemd-user --polkit 2>&1) || fail "install failed: $out"
U="$H/.config/systemd/user/bridgekeeper-agent.service"
expect_mode "$U" 644
grep -qxF "ExecStart=\"$H/.local/share/bridgekeeper/bin/bridgekeeper\" \"agent\" \"--host-name\" \"dev.bridgekeeper.host\" \"--allow\" \"chrome-extension://$CHROME_ID/\" \"--allow\" \"moz-extension:$FIREFOX_ID\"" "$U" || fail "unit ExecStart: $(grep ExecStart "$U")"
grep -qx 'WantedBy=default.target' "$U" || fail "unit WantedBy"
printf '%s' "$out" | grep -q 'systemctl --user enable --now bridgekeeper-agent.service' || fail "no hint to enable the unit"
cmp -s "$COPY/polkit/dev.bridgekeeper.unlock.policy" "$R/usr/share/polkit-1/actions/dev.bridgekeeper.unlock.policy" \
  || fail "polkit action not installed"
expect_mode "$R/usr/share/polkit-1/actions/dev.bridgekeeper.unlock.policy" 644
HOME=$H XDG_CONFIG_HOME='' XDG_DATA_HOME='' XDG_RUNTIME_DIR="$H/.run" BRIDGEKEEPER_TEST_ROOT=$R \
  bash "$COPY/installer/uninstall.sh" >/dev/null 2>&1 || fail "uninstall failed"
[ ! -e "$U" ] || fail "unit left"
[ ! -e "$R/usr/share/polkit-1/actions/dev.bridgekeeper.unlock.policy" ] || fail "polkit action left"
# Missing policy file: a clear warning, the rest installs.
rm "$COPY/polkit/dev.bridgekeeper.unlock.policy"
out=$(HOME=$H XDG_CONFIG_HOME='' XDG_DATA_HOME='' XDG_RUNTIME_DIR="$H/.run" BRIDGEKEEPER_TEST_ROOT=$R \
  bash "$COPY/installer/install.sh" --jar "$JAR" --no-cds --polkit 2>&1) || fail "install without policy failed: $out"
printf '%s' "$out" | grep -q 'polkit/dev.bridgekeeper.unlock.policy is missing' || fail "no clear message for a missing policy"
HOME=$H XDG_CONFIG_HOME='' XDG_DATA_HOME='' bash "$COPY/installer/uninstall.sh" >/dev/null 2>&1 || fail "uninstall failed"
[ "$(snapshot "$H" "$R")" = "$BEFORE" ] || fail "uninstall left changes: $(diff <(printf '%s\n' "$BEFORE") <(snapshot "$H" "$R") | head)"
finish

if [ "$CAN_JLINK" = 1 ]; then
  start "Flatpak browser: manifest in ~/.var/app and a runnable copy (jar, runtime, launcher) inside the sandbox"
  H=$(new_home flatpak)
  mkdir -p "$H/.var/app/org.chromium.Chromium/config/chromium" "$H/.var/app/org.mozilla.firefox/.mozilla"
  BEFORE=$(snapshot "$H")
  # An empty system root: browsers installed on this machine (Chromium, Firefox ESR for the
  # browser tests) would rightly get user manifests too; this test is about the sandboxes only.
  empty_root="$TMP_ROOT/empty-root"
  mkdir -p "$empty_root"
  out=$(BRIDGEKEEPER_TEST_ROOT=$empty_root run_install "$H" --no-cds 2>&1) || fail "install failed: $out"
  for app in org.chromium.Chromium org.mozilla.firefox; do
    S="$H/.var/app/$app/data/bridgekeeper"
    expect_mode "$S/bin/bridgekeeper-host" 755
    cmp -s "$JAR" "$S/bridgekeeper.jar" || fail "$app: jar copy"
    if [ -f "$HOST_JAR" ]; then
      cmp -s "$HOST_JAR" "$S/bridgekeeper-host.jar" || fail "$app: host-only jar copy"
      grep -qF -- "-jar '$S/bridgekeeper-host.jar' host" "$S/bin/bridgekeeper-host" || fail "$app: launcher does not run the host-only jar"
    fi
    grep -qF "JAVA='$S/runtime/bin/java'" "$S/bin/bridgekeeper-host" || fail "$app: launcher does not use the sandbox runtime"
    grep -qF "BRIDGEKEEPER_SOCKET:-'$S/agent.sock'" "$S/bin/bridgekeeper-host" || fail "$app: launcher socket"
    "$S/runtime/bin/java" -jar "$S/bridgekeeper.jar" version >/dev/null 2>&1 || fail "$app: the sandbox runtime cannot run the jar"
  done
  check_manifest "$H/.var/app/org.chromium.Chromium/config/chromium/NativeMessagingHosts/$NM" chromium \
    "$H/.var/app/org.chromium.Chromium/data/bridgekeeper/bin/bridgekeeper-host"
  check_manifest "$H/.var/app/org.mozilla.firefox/.mozilla/native-messaging-hosts/$NM" firefox \
    "$H/.var/app/org.mozilla.firefox/data/bridgekeeper/bin/bridgekeeper-host"
  [ "$(all_manifests_under "$H" | wc -l)" = 2 ] || fail "expected 2 manifests: $(all_manifests_under "$H")"
  INSTALLED=$(snapshot "$H")
  out=$(BRIDGEKEEPER_TEST_ROOT=$empty_root run_install "$H" --no-cds 2>&1) || fail "re-install failed: $out"
  [ "$(snapshot "$H")" = "$INSTALLED" ] || fail "re-install changed the sandbox copies"
  BRIDGEKEEPER_TEST_ROOT=$empty_root run_uninstall "$H" >/dev/null 2>&1 || fail "uninstall failed"
  [ "$(snapshot "$H")" = "$BEFORE" ] || fail "uninstall left changes: $(diff <(printf '%s\n' "$BEFORE") <(snapshot "$H") | head)"
  finish

  start "--runtime bundle: a jlink runtime in the prefix runs the jar, the launcher uses it"
  H=$(new_home bundle)
  mkdir -p "$H/.config/chromium"
  out=$(run_install "$H" --runtime bundle --no-cds 2>&1) || fail "install failed: $out"
  P="$H/.local/share/bridgekeeper"
  grep -qF "JAVA='$P/runtime/bin/java'" "$P/bin/bridgekeeper-host" || fail "launcher does not use the bundled runtime"
  "$P/runtime/bin/java" -jar "$P/bridgekeeper.jar" version >/dev/null 2>&1 || fail "bundled runtime cannot run the jar"
  "$P/bin/bridgekeeper" version >/dev/null 2>&1 || fail "CLI launcher"
  grep -qx "tree $P/runtime" "$P/installed-files.txt" || fail "runtime not in the install log"
  run_uninstall "$H" >/dev/null 2>&1 || fail "uninstall failed"
  [ ! -e "$P" ] || fail "prefix left after uninstall"
  finish
else
  skip "Flatpak sandbox copies and --runtime bundle" "no jlink in $JDK_BIN (or BRIDGEKEEPER_SKIP_JLINK=1)"
fi

# ---------------------------------------------------------------------------------------------
# Products: each host name gets its own manifests, install folder, launcher, unit and data.

B_HOST=com.example.beta
B_CHROME_ID=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
B_FIREFOX_ID=beta@example.com

start "two products in one HOME: separate manifests, folders and launchers; removing one keeps the other"
H=$(new_home products)
mkdir -p "$H/.config/chromium" "$H/.mozilla"
out=$(PATH="$H/.local/bin:$PATH" run_install "$H" --no-cds 2>&1) || fail "install A failed: $out"
outb=$(run_install "$H" --no-cds --host-name "$B_HOST" --display-name "Beta Vault" \
  --chrome-id "$B_CHROME_ID" --firefox-id "$B_FIREFOX_ID" 2>&1) || fail "install B failed: $outb"
PA="$H/.local/share/bridgekeeper" PB="$H/.local/share/$B_HOST"
check_manifest "$H/.config/chromium/NativeMessagingHosts/$NM" chromium "$PA/bin/bridgekeeper-host"
BM="$H/.config/chromium/NativeMessagingHosts/$B_HOST.json"
[ "$(json_get "$BM" m.name)" = "\"$B_HOST\"" ] || fail "B's manifest name is $(json_get "$BM" m.name)"
[ "$(json_get "$BM" m.path)" = "\"$PB/bin/bridgekeeper-host\"" ] || fail "B's manifest path is $(json_get "$BM" m.path)"
[ "$(json_get "$BM" m.allowed_origins)" = "[\"chrome-extension://$B_CHROME_ID/\"]" ] || fail "B's origins"
[ "$(json_get "$BM" m.description)" = '"Beta Vault native messaging host"' ] || fail "B's description"
[ "$(json_get "$H/.mozilla/native-messaging-hosts/$B_HOST.json" m.allowed_extensions)" = "[\"$B_FIREFOX_ID\"]" ] \
  || fail "B's Firefox manifest"
grep -qF -- "host '--host-name=$B_HOST' \"\$@\"" "$PB/bin/bridgekeeper-host" || fail "B's launcher does not pass --host-name"
printf '%s\n' "$outb" | grep -q "^chromium: .*$B_HOST.json" || fail "install.sh did not report installing B for chromium: $outb"
printf '%s\n' "$outb" | grep -qF "doctor --host-name $B_HOST --chrome-id $B_CHROME_ID --firefox-id $B_FIREFOX_ID" \
  || fail "B's doctor advice lacks its host name and ids: $outb"
# The command on PATH: a link for the default product only.
[ "$(readlink "$H/.local/bin/bridgekeeper")" = "$PA/bin/bridgekeeper" ] || fail "no ~/.local/bin/bridgekeeper link"
printf '%s\n' "$out" | grep -q 'Check it with: bridgekeeper doctor$' || fail "A's advice should name the command on PATH: $out"
[ ! -e "$H/.local/bin/$B_HOST" ] || fail "B linked a command"
if [ "$HAS_DOCTOR" = 1 ]; then
  dout=$(HOME=$H java -jar "$JAR" doctor --home "$H" --root "$TMP_ROOT/empty-root" --os linux --no-launch \
    --host-name "$B_HOST" --chrome-id "$B_CHROME_ID" --firefox-id "$B_FIREFOX_ID" \
    --socket "$TMP_ROOT/none/agent.sock" 2>&1) || fail "doctor --host-name $B_HOST: $(printf '%s' "$dout" | grep -A1 FAIL | head -c 1500)"
fi
# A data folder for B, as its agent would have made it: plain uninstall keeps it and says so.
mkdir -p "$PB/agent" && echo key >"$PB/agent/identity.key"
uout=$(run_uninstall "$H" --host-name "$B_HOST" 2>&1) || fail "uninstall B failed: $uout"
[ -f "$PB/agent/identity.key" ] || fail "plain uninstall removed B's identity"
printf '%s' "$uout" | grep -q "Kept the identity key and pairings in $PB/agent" || fail "uninstall did not say what it kept: $uout"
if [ -e "$BM" ] || [ -e "$PB/bin" ]; then fail "B's manifest or launcher left behind"; fi
check_manifest "$H/.config/chromium/NativeMessagingHosts/$NM" chromium "$PA/bin/bridgekeeper-host"
[ -x "$PA/bin/bridgekeeper-host" ] || fail "removing B removed A's launcher"
uout=$(run_uninstall "$H" --host-name "$B_HOST" --purge 2>&1) || fail "purge B failed: $uout"
[ ! -e "$PB" ] || fail "--purge after --uninstall left $PB: $(find "$PB" | head)"
run_install "$H" --no-cds --host-name "$B_HOST" >/dev/null 2>&1 || fail "re-install B failed"
mkdir -p "$PB/agent" && echo key >"$PB/agent/identity.key"
uout=$(run_uninstall "$H" --host-name "$B_HOST" --purge 2>&1) || fail "purge B failed: $uout"
[ ! -e "$PB" ] || fail "--uninstall --purge left $PB: $(find "$PB" | head)"
# The installed command re-runs the installer kept beside its jar: no source tree needed.
[ -x "$PA/installer/install.sh" ] || fail "the installer was not kept in $PA/installer"
gout=$(HOME=$H XDG_CONFIG_HOME='' XDG_DATA_HOME='' "$PA/bin/bridgekeeper" install --no-cds --host-name com.example.gamma 2>&1) \
  || fail "bridgekeeper install failed: $gout"
[ "$(json_get "$H/.config/chromium/NativeMessagingHosts/com.example.gamma.json" m.name)" = '"com.example.gamma"' ] \
  || fail "bridgekeeper install did not write gamma's manifest: $gout"
HOME=$H XDG_CONFIG_HOME='' XDG_DATA_HOME='' "$PA/bin/bridgekeeper" uninstall --host-name com.example.gamma >/dev/null 2>&1 \
  || fail "bridgekeeper uninstall failed"
[ ! -e "$H/.config/chromium/NativeMessagingHosts/com.example.gamma.json" ] || fail "bridgekeeper uninstall left gamma's manifest"
run_uninstall "$H" >/dev/null 2>&1 || fail "uninstall A failed"
[ ! -e "$H/.local/bin/bridgekeeper" ] || fail "uninstall left the ~/.local/bin link"
[ ! -e "$PA" ] || fail "uninstall left $PA: $(find "$PA" | head)"
finish

start "bad host names are refused"
H=$(new_home badhost)
for bad in Com.Example vault com..x com.exa-mple 'com.example.x y' com.abcdefghijklmnopqrstuvwxyzabcdefghijk; do
  run_install "$H" --no-cds --host-name "$bad" >/dev/null 2>&1 && fail "accepted --host-name '$bad'"
done
[ ! -e "$H/.local" ] || fail "a refused install wrote files"
finish

start "the systemd unit's own command line starts an agent that allows the --chrome-id extension"
if [ "$HAS_DOCTOR" = 1 ]; then
  H=$(new_home unitrun)
  mkdir -p "$H/.config/chromium" "$H/.run" && chmod 700 "$H/.run"
  run_install "$H" --no-cds --systemd-user --chrome-id "$B_CHROME_ID" >/dev/null 2>&1 || fail "install failed"
  U="$H/.config/systemd/user/bridgekeeper-agent.service"
  line=$(grep '^ExecStart=' "$U")
  # The unit's words are double-quoted without $, % or backslashes here, so sh reads them alike.
  eval "set -- ${line#ExecStart=}"
  HOME=$H XDG_RUNTIME_DIR="$H/.run" XDG_DATA_HOME='' "$@" --authenticator none </dev/null >"$TMP_ROOT/unit-agent.log" 2>&1 &
  UNIT_PID=$!
  n=0
  while [ ! -S "$H/.run/bridgekeeper/agent.sock" ] && [ "$n" -lt 600 ]; do sleep 0.1; n=$((n + 1)); done
  st=$(HOME=$H XDG_RUNTIME_DIR="$H/.run" java -jar "$JAR" status --json 2>&1) || fail "status failed: $st $(tail -n 5 "$TMP_ROOT/unit-agent.log")"
  printf '%s' "$st" | grep -qF "\"chrome-extension://$B_CHROME_ID/\"" || fail "the unit's agent does not allow $B_CHROME_ID: $st"
  printf '%s' "$st" | grep -qF "\"chrome-extension://$CHROME_ID/\"" && fail "the unit's agent still allows the sample id: $st"
  dout=$(HOME=$H XDG_RUNTIME_DIR="$H/.run" java -jar "$JAR" doctor --home "$H" --root "$TMP_ROOT/empty-root" --os linux \
    --no-launch --chrome-id "$B_CHROME_ID" --json 2>&1)
  printf '%s' "$dout" | grep -q '"check" *: *"allowed"' || fail "doctor did not ask the agent: $dout"
  printf '%s' "$dout" | grep -q 'allows every extension the manifests allow' || fail "doctor: $dout"
  kill "$UNIT_PID" 2>/dev/null; wait "$UNIT_PID" 2>/dev/null
  finish
else
  skip "the systemd unit's command line" "the jar has no doctor"
fi

start "a launcher whose Java is gone says so on stderr, and doctor reports the launcher"
H=$(new_home nojava)
mkdir -p "$H/.config/chromium"
REAL_JAVA_HOME=$(java -XshowSettings:properties -version 2>&1 | awk -F' = ' '$1 ~ /java\.home$/ { print $2 }')
ln -s "$REAL_JAVA_HOME" "$TMP_ROOT/vanishing-jdk"
JAVA_HOME="$TMP_ROOT/vanishing-jdk" run_install "$H" --no-cds >/dev/null 2>&1 || fail "install failed"
L="$H/.local/share/bridgekeeper/bin/bridgekeeper-host"
grep -qF "JAVA='$TMP_ROOT/vanishing-jdk/bin/java'" "$L" || fail "the launcher does not run the Java it was installed with: $(grep JAVA= "$L")"
rm "$TMP_ROOT/vanishing-jdk"
"$L" "chrome-extension://$CHROME_ID/" </dev/null >"$TMP_ROOT/nojava.out" 2>"$TMP_ROOT/nojava.err"
rc=$?
[ "$rc" = 127 ] || fail "launcher exited $rc, expected 127"
[ ! -s "$TMP_ROOT/nojava.out" ] || fail "launcher wrote to stdout (the browser's frame stream)"
grep -q "is gone" "$TMP_ROOT/nojava.err" || fail "no clear message: $(cat "$TMP_ROOT/nojava.err")"
if [ "$HAS_DOCTOR" = 1 ]; then
  dout=$(java -jar "$JAR" doctor --home "$H" --root "$TMP_ROOT/empty-root" --os linux --browser chromium \
    --socket "$TMP_ROOT/none/agent.sock" 2>&1) && fail "doctor passed a launcher that cannot start"
  printf '%s' "$dout" | grep -q 'is gone' || fail "doctor does not show the launcher's message: $dout"
fi
finish

# One catalog (installer/browsers.catalog): install.sh's list and the Java library's list (the
# catalog inside the jar, printed by 'bridgekeeper doctor --list-browsers') are the same text,
# found states included, for both scopes, with a Flatpak, a Tor Browser locale and a lib64 Firefox.
if [ "$HAS_DOCTOR" = 1 ]; then
  for os in linux darwin; do
    start "install.sh --list-browsers and the Java catalog print the same list ($os, user and system scope)"
    H=$(new_home "list-$os")
    R="$TMP_ROOT/list-root-$os"
    mkdir -p "$H/.config/chromium" "$H/.var/app/org.mozilla.firefox" "$R/opt/google/chrome" "$R/usr/lib64/mozilla" \
      "$H/.local/share/torbrowser/tbb/x86_64/tor-browser_de/Browser/TorBrowser/Data/Browser" \
      "$H/Library/Application Support/Chromium" "$R/Applications/Brave Browser.app"
    for sc in user system; do
      sh_list=$(HOME=$H XDG_CONFIG_HOME='' XDG_DATA_HOME='' BRIDGEKEEPER_TEST_ROOT=$R BRIDGEKEEPER_OS=$os \
        bash "$INSTALL" --scope "$sc" --list-browsers 2>&1) || fail "install.sh --list-browsers failed: $sh_list"
      java_list=$(java -jar "$JAR" doctor --list-browsers --home "$H" --root "$R" --os "$os" --scope "$sc" 2>&1) \
        || fail "doctor --list-browsers failed: $java_list"
      [ "$(printf '%s\n' "$sh_list" | grep -c found)" -ge 1 ] || fail "nothing found ($os $sc): $sh_list"
      [ "$sh_list" = "$java_list" ] \
        || fail "the lists differ ($os $sc): $(diff <(printf '%s\n' "$sh_list") <(printf '%s\n' "$java_list") | tr '\n' ' ')"
    done
    finish
  done
fi

# Both read the same signs of a browser: the installer's --list-browsers and the doctor's skipped
# browsers must name the same set, for a profile that exists and for a browser installed
# system-wide but never started (which still reads the user folder the installer writes).
installer_absent() { # HOME ROOT OS
  HOME=$1 XDG_CONFIG_HOME='' XDG_DATA_HOME='' BRIDGEKEEPER_TEST_ROOT=$2 BRIDGEKEEPER_OS=$3 bash "$INSTALL" --list-browsers |
    awk 'NR > 1 { if ($2 == "found") f[$1] = 1; else a[$1] = 1 } END { for (n in a) if (!(n in f)) print n }' | sort
}
doctor_skipped() { # HOME ROOT OS(linux|macos)
  java -jar "$JAR" doctor --home "$1" --root "$2" --os "$3" --no-launch --json --socket "$TMP_ROOT/none/agent.sock" |
    node -e 'let t = ""; process.stdin.on("data", d => t += d).on("end", () => {
      const r = JSON.parse(t);
      console.log(r.checks.filter(c => c.check === "skipped").map(c => c.subject).sort().join("\n")); })'
}
if [ "$HAS_DOCTOR" = 1 ]; then
  for os in linux darwin; do
    start "installer and doctor agree on which browsers are present ($os), and a fresh install passes the doctor"
    H=$(new_home "agree-$os")
    R="$TMP_ROOT/agree-root-$os"
    if [ "$os" = linux ]; then
      dos=linux
      mkdir -p "$H/.config/chromium" "$H/.mozilla" "$R/opt/google/chrome" "$R/usr/lib/firefox-esr" "$R/opt/brave.com/brave"
    else
      dos=macos
      mkdir -p "$H/Library/Application Support/Chromium" "$R/Applications/Google Chrome.app" "$R/Applications/Firefox.app"
    fi
    ia=$(installer_absent "$H" "$R" "$os")
    ds=$(doctor_skipped "$H" "$R" "$dos" | sed '/^$/d' | sort -u)
    [ -n "$ia" ] || fail "the installer found every browser"
    [ "$ia" = "$ds" ] || fail "installer absent vs doctor skipped differ: $(diff <(printf '%s\n' "$ia") <(printf '%s\n' "$ds") | tr '\n' ' ')"
    out=$(BRIDGEKEEPER_TEST_ROOT=$R BRIDGEKEEPER_OS=$os run_install "$H" --no-cds 2>&1) || fail "install failed: $out"
    if [ "$os" = linux ]; then
      for b in chrome chromium brave firefox; do printf '%s\n' "$out" | grep -q "^$b: " || fail "install.sh did not report installing $b: $out"; done
      check_manifest "$H/.config/google-chrome/NativeMessagingHosts/$NM" chromium "$H/.local/share/bridgekeeper/bin/bridgekeeper-host"
    else
      for b in chrome chromium firefox; do printf '%s\n' "$out" | grep -q "^$b: " || fail "install.sh did not report installing $b: $out"; done
    fi
    doctor_agrees "$H" "$R" "$dos"
    finish
  done
fi

# ---------------------------------------------------------------------------------------------
if ! command -v shellcheck >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing shellcheck with apt-get"
  { apt-get update -qq && apt-get install -y -qq shellcheck; } >/dev/null 2>&1 || echo "could not install shellcheck"
fi
if command -v shellcheck >/dev/null 2>&1; then
  start "shellcheck: every .sh file in installer/"
  while IFS= read -r f; do
    shellcheck "$f" || fail "shellcheck $f"
  done < <(find "$REPO/installer" -name '*.sh' | sort)
  finish
else
  skip "shellcheck" "shellcheck is not installed and cannot be installed here (not root or no apt-get)"
fi

# Windows parts that can be checked here: install.ps1 parsed with a PowerShell grammar, and the
# .exe launcher compiled with MinGW and run under Wine (each skips itself when its tools are absent).
for sub in ps-static.sh windows-launcher.sh; do
  out=$(bash "$TEST_DIR/$sub" 2>&1)
  rc=$?
  last=$(printf '%s\n' "$out" | tail -n 1)
  if [ "$rc" != 0 ]; then
    start "$sub"; printf '%s\n' "$out" | tail -n 20; fail "$sub failed"; finish
  elif printf '%s' "$last" | grep -q '^0 passed'; then
    skip "$sub" "$(printf '%s\n' "$out" | grep SKIP | head -n 1 | sed 's/^ *SKIP: //')"
  else
    start "$sub ($last)"; finish
  fi
done

echo
printf '%s passed, %s failed, %s skipped\n' "$PASSED" "$FAILED" "$SKIPPED"
[ "$FAILED" = 0 ]
