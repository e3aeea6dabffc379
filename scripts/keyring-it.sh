#!/usr/bin/env bash
# Real Secret Service integration test: SecretServiceIT (tests/) against gnome-keyring-daemon.
#
# Runs as root on Debian/Ubuntu (it installs packages with apt-get when missing and creates a
# test user). What it does, idempotently:
#   1. installs gnome-keyring, libsecret-1-0, libsecret-tools (secret-tool), dbus-daemon and
#      util-linux (setpriv) if missing;
#   2. creates the system user bktest-keyring if missing (left in place);
#   3. as that user, starts a private D-Bus session bus (dbus-daemon --session on a socket in a
#      temp dir) and gnome-keyring-daemon (--components=secrets) on it, unlocking a fresh login
#      collection with a test password fed on stdin; the machine's own buses are not touched;
#   4. runs SecretServiceIT with BRIDGEKEEPER_KEYRING_IT=1; each agent run in it is a JVM started
#      as the test user (setpriv), with or without the bus;
#   5. on exit, stops gnome-keyring-daemon and dbus-daemon by pid and removes the temp dir (the
#      test user's keyring lives there).
# It expects this repository's modules installed in ~/.m2 (mvn install) and compiles the tests
# module's test classes itself. Set MVN to use another Maven command.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MVN=${MVN:-mvn}
read -r -a MVN_CMD <<<"$MVN" # MVN may carry options, e.g. "mvn -Dmaven.repo.local=…"
USER_NAME=bktest-keyring

log() { printf 'keyring-it: %s\n' "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (it creates a test user and runs the keyring as that user)"

# ---- 1. packages --------------------------------------------------------------------------
missing=()
command -v gnome-keyring-daemon >/dev/null || missing+=(gnome-keyring)
ldconfig -p | grep -q 'libsecret-1\.so\.0' || missing+=(libsecret-1-0)
command -v secret-tool >/dev/null || missing+=(libsecret-tools)
command -v dbus-daemon >/dev/null || missing+=(dbus-daemon)
command -v setpriv >/dev/null || missing+=(util-linux)
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ---- 2. user ------------------------------------------------------------------------------
if ! id -u "$USER_NAME" >/dev/null 2>&1; then
    log "creating user $USER_NAME"
    useradd --system --user-group --no-create-home --shell /usr/sbin/nologin "$USER_NAME"
fi

# ---- clean-up, armed before anything is started -------------------------------------------
WORK=$(mktemp -d /tmp/bk-keyring-it.XXXXXX)
chmod 0755 "$WORK"
DBUS_PID=
KEYRING_PID=
cleanup() {
    local status=$?
    for pid in $KEYRING_PID $DBUS_PID; do
        if kill "$pid" 2>/dev/null; then wait "$pid" 2>/dev/null || true; fi
    done
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

as_user() {
    setpriv --reuid="$USER_NAME" --regid="$USER_NAME" --init-groups \
        env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$WORK/home" LANG=C.UTF-8 \
        DBUS_SESSION_BUS_ADDRESS="$BUS" "$@"
}

# ---- 3. session bus and keyring, as the test user -----------------------------------------
install -d -m 0700 -o "$USER_NAME" -g "$USER_NAME" "$WORK/home" "$WORK/bus"
BUS=unix:path=$WORK/bus/session
as_user dbus-daemon --session --address="$BUS" --nofork --nopidfile >"$WORK/dbus.log" 2>&1 &
DBUS_PID=$!
for _ in $(seq 100); do [ -S "$WORK/bus/session" ] && break; sleep 0.1; done
[ -S "$WORK/bus/session" ] || die "dbus-daemon did not start: $(cat "$WORK/dbus.log")"

# --unlock reads the login collection's password on stdin (a fresh one is created with it).
printf 'bridgekeeper-keyring-it' >"$WORK/password"
as_user gnome-keyring-daemon --foreground --unlock --components=secrets <"$WORK/password" >"$WORK/keyring.log" 2>&1 &
KEYRING_PID=$!
# Ready means a secret can be stored in the default collection and read back: the daemon answers
# on the bus a moment before it has created and unlocked the login collection, and a store in
# that moment fails (the agent would then rightly fall back to files).
# First wait until our daemon owns the Secret Service name (asking without activating anything:
# a client call too early would have the bus start a second daemon, which then wins the name).
for _ in $(seq 300); do
    as_user dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true' && break
    kill -0 "$KEYRING_PID" 2>/dev/null || break
    sleep 0.1
done
ready=
for _ in $(seq 300); do
    if printf probe | as_user secret-tool store --label=probe application dev.bridgekeeper.probe >/dev/null 2>&1 \
        && [ "$(as_user secret-tool lookup application dev.bridgekeeper.probe 2>/dev/null)" = probe ]; then
        as_user secret-tool clear application dev.bridgekeeper.probe >/dev/null 2>&1 || true
        ready=1
        break
    fi
    kill -0 "$KEYRING_PID" 2>/dev/null || break
    sleep 0.1
done
[ -n "$ready" ] || die "gnome-keyring-daemon did not answer on the session bus: $(cat "$WORK/keyring.log")"
log "dbus-daemon pid $DBUS_PID, gnome-keyring-daemon pid $KEYRING_PID, bus $BUS"

# ---- 4. the test --------------------------------------------------------------------------
log "running SecretServiceIT"
set +e
BRIDGEKEEPER_KEYRING_IT=1 BRIDGEKEEPER_KEYRING_IT_DIR=$WORK BRIDGEKEEPER_KEYRING_IT_USER=$USER_NAME \
    BRIDGEKEEPER_KEYRING_IT_BUS=$BUS \
    "${MVN_CMD[@]}" -B -o -f "$ROOT/pom.xml" -pl tests test-compile surefire:test \
    -Dtest=SecretServiceIT -Dsurefire.failIfNoSpecifiedTests=false >"$WORK/mvn.log" 2>&1
result=$?
set -e
grep -E 'Tests run:|FAIL|ERROR\]  ' "$WORK/mvn.log" | sed 's/^/  /' >&2 || true
if [ "$result" -ne 0 ]; then
    log "maven output (tail):"
    tail -n 80 "$WORK/mvn.log" >&2
    log "gnome-keyring-daemon log:"
    cat "$WORK/keyring.log" >&2
    die "SecretServiceIT failed"
fi
grep -q 'Tests run: [1-9][0-9]*, Failures: 0, Errors: 0, Skipped: 0' "$WORK/mvn.log" \
    || die "SecretServiceIT did not run (skipped?)"
log "PASS"
