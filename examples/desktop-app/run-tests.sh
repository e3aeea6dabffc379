#!/usr/bin/env bash
# Tests the sample app's real windows: starts a private X server (Xvfb) and runs the UI tests,
# which pair a Java extension through the real host and click the real buttons. Screenshots of the
# approval dialog and the main window land in target/screenshots/.
#
# Needs the Bridgekeeper artifacts in the local Maven repository (`mvn install` at the repository
# root). As root it installs xvfb when missing; otherwise Xvfb must be installed.
# Usage: bash examples/desktop-app/run-tests.sh
set -euo pipefail
cd "$(dirname "$0")"
fail() { echo "desktop-app: FAIL: $*" >&2; exit 1; }

if ! command -v Xvfb >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
        apt-get install -y -qq xvfb >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq xvfb >/dev/null; }
    else
        fail "Xvfb is missing (Debian: apt-get install xvfb)"
    fi
fi

# A display number nobody uses: its lock file and socket are both absent.
display=
for n in $(seq 90 140); do
    if [ ! -e "/tmp/.X$n-lock" ] && [ ! -e "/tmp/.X11-unix/X$n" ]; then display=$n; break; fi
done
[ -n "$display" ] || fail "no free X display between :90 and :140"

mkdir -p target
Xvfb ":$display" -screen 0 1280x900x24 -nolisten tcp >target/xvfb.log 2>&1 &
xvfb_pid=$!
trap 'kill "$xvfb_pid" 2>/dev/null; wait "$xvfb_pid" 2>/dev/null' EXIT
for _ in $(seq 1 100); do
    [ -e "/tmp/.X11-unix/X$display" ] && break
    kill -0 "$xvfb_pid" 2>/dev/null || fail "Xvfb did not start: $(cat target/xvfb.log)"
    sleep 0.1
done

rm -rf target/screenshots
DISPLAY=":$display" mvn -B -ntp -q verify
for shot in approval-dialog.png main-window.png; do
    [ -s "target/screenshots/$shot" ] || fail "the test run saved no target/screenshots/$shot"
done
echo "desktop-app: passed; screenshots in $(pwd)/target/screenshots"
