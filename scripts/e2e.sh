#!/usr/bin/env bash
# End-to-end tests of the sample extension in real headless Chromium and Firefox ESR, with the
# real native messaging host (installed by installer/install.sh) and the real agent
# (`bridgekeeper agent`). CI entry point; about a minute on a 2-core machine after setup.
#
#   scripts/e2e.sh            set up, build what is stale, run every scenario
#   BK_E2E_ONLY=firefox scripts/e2e.sh     only the scenarios whose name contains "firefox"
#   BK_E2E_SYSTEM_HOST=1 scripts/e2e.sh    use the installed bridgekeeper package (packaging/test-deb.sh)
#   BK_E2E_KEEP_AGENT_DATA=DIR             copy the agent's data (identity, pairings) to DIR at the end
#
# As root (CI): it creates a dedicated test user (bke2e), starts a private system bus with
# polkitd and a rule that says YES to that user, and runs the agent, the CLI and both browsers
# as that user, so "Unlock with biometrics" goes through real polkit (root would always be
# authorized, and the agent only talks to hosts of its own OS user). As any other user it runs
# everything as that user with the `none` authenticator and checks the biometrics_unavailable
# answer instead.
#
# Output: one PASS/FAIL line per scenario, then "N passed, M failed". Exit status 0 only when
# everything passed. Screenshots of the popup and the logs are copied to e2e/artifacts/.
# Every process started here is stopped by its pid; every temporary file is removed.
set -euo pipefail
# shellcheck source=scripts/lib/private-polkit.sh
. "$(dirname "$0")/lib/private-polkit.sh"
# shellcheck source=scripts/lib/desktop-app-display.sh
. "$(dirname "$0")/lib/desktop-app-display.sh"

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MVN=${MVN:-mvn}
TEST_USER=${BK_E2E_USER:-bke2e}
RULES_FILE=/etc/polkit-1/rules.d/48-bridgekeeper-e2e.rules
ACTION_SRC=$ROOT/polkit/dev.bridgekeeper.unlock.policy
ACTION_DST=/usr/share/polkit-1/actions/dev.bridgekeeper.unlock.policy
ARTIFACTS=$ROOT/e2e/artifacts

log() { printf 'e2e: %s\n' "$*" >&2; }
# A failure before the scenarios run still ends with the summary line CI looks for.
fail_early() {
    printf 'FAIL  %s\n\n0 passed, 1 failed\n' "$*"
    exit 1
}

WORK=
DBUS_PID=
POLKITD_PID=
XVFB_PID=
RUNNER_PID=
INSTALLED_ACTION=
INSTALLED_RULES=
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ -n "$RUNNER_PID" ] && kill -0 "$RUNNER_PID" 2>/dev/null; then
        kill -TERM "$RUNNER_PID" 2>/dev/null || true
        wait "$RUNNER_PID" 2>/dev/null || true
    fi
    # The test user exists only for these tests: anything still running as it (a host a browser
    # left behind) was started by this run.
    if [ "$(id -u)" -eq 0 ] && id -u "$TEST_USER" >/dev/null 2>&1; then
        for pid in $(pgrep -u "$TEST_USER" || true); do
            log "stopping leftover process $pid ($(ps -o comm= -p "$pid" 2>/dev/null || true))"
            kill -KILL "$pid" 2>/dev/null || true
        done
    fi
    for pid in $POLKITD_PID $DBUS_PID $XVFB_PID; do
        kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
    done
    [ -n "$INSTALLED_RULES" ] && rm -f "$RULES_FILE"
    [ -n "$INSTALLED_ACTION" ] && rm -f "$ACTION_DST"
    [ -n "$WORK" ] && rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The system-wide tests (this one, e2e.sh, polkit-it.sh) install the same polkit action, rules and
# test users and stop what those users run: two checkouts testing at once take turns.
if [ "$(id -u)" -eq 0 ]; then
    exec 9>/run/lock/bridgekeeper-system-tests.lock
    flock -w 1800 9 || fail_early "another run of the system-wide tests held the lock for 30 minutes"
fi

# ---- 1. setup and build --------------------------------------------------------------------------
bash "$ROOT/e2e/setup.sh" || fail_early "setup: e2e/setup.sh failed (see above)"

JAR=$ROOT/cli/target/bridgekeeper.jar
HOST_JAR=$ROOT/host/target/bridgekeeper-host.jar
stale=
if [ ! -f "$JAR" ] || [ ! -f "$HOST_JAR" ]; then
    stale=missing
elif [ -n "$(find "$ROOT"/*/src/main "$ROOT"/pom.xml "$ROOT"/*/pom.xml -newer "$JAR" -print -quit)" ]; then
    stale=outdated
fi
if [ -n "$stale" ]; then
    log "building cli/target/bridgekeeper.jar ($stale)"
    "$MVN" -B -q -f "$ROOT/pom.xml" package -DskipTests >"$ROOT/e2e/.build.log" 2>&1 \
        || { tail -n 40 "$ROOT/e2e/.build.log" >&2; fail_early "build: mvn package failed"; }
fi
# The sample takes the client from its package (file:../client-js), as a third party would.
(cd "$ROOT/extension-sample" && { [ -d node_modules/@bridgekeeper/client ] || npm ci --no-audit --no-fund --loglevel=error; } \
    && npm run --silent build >/dev/null) || fail_early "build: extension-sample npm run build failed"

# ---- 2. work folder with what the run needs ------------------------------------------------------
# /var/tmp, not /tmp: the test user must be able to reach it, and some machines make /tmp 0700.
WORK=$(mktemp -d -p /var/tmp bridgekeeper-e2e.XXXXXX)
chmod 0711 "$WORK"
# A copy of the pieces the run uses, so the test user needs no access to the checkout.
STAGE=$WORK/repo
mkdir -p "$STAGE/cli/target" "$STAGE/host/target" "$STAGE/extension-sample" "$STAGE/work"
cp -a "$ROOT/e2e" "$ROOT/installer" "$ROOT/manifests" "$STAGE/"
[ -d "$ROOT/polkit" ] && cp -a "$ROOT/polkit" "$STAGE/"
rm -rf "$STAGE/e2e/artifacts"
cp -a "$ROOT/extension-sample/dist" "$STAGE/extension-sample/"
cp "$JAR" "$STAGE/cli/target/"
cp "$HOST_JAR" "$STAGE/host/target/"

# ---- 2b. the sample Swing app (examples/desktop-app) and a private X server for its dialog --------
# BK_E2E_DESKTOP_APP=0 leaves these scenarios out.
APP_ENV=()
if [ "${BK_E2E_DESKTOP_APP:-1}" = 1 ]; then
    start_desktop_app_display || fail_early "setup: $DESKTOP_APP_ERROR"
    APP_ENV=(BK_E2E_DESKTOP_APP="$DESKTOP_APP_JAR" BK_E2E_DISPLAY="$DESKTOP_APP_DISPLAY")
    log "sample app on X display $DESKTOP_APP_DISPLAY (Xvfb pid $XVFB_PID)"
fi

RUN_AS=()
AUTHENTICATOR=none
RUN_USER=$(id -un)
if [ "$(id -u)" -eq 0 ] && [ "${BK_E2E_POLKIT:-1}" = 1 ]; then
    # ---- 3. test user, private system bus, polkitd with a YES rule for that user ------------------
    if ! id -u "$TEST_USER" >/dev/null 2>&1; then
        log "creating test user $TEST_USER"
        useradd --system --user-group --no-create-home --shell /usr/sbin/nologin "$TEST_USER"
    fi
    [ -f "$ACTION_SRC" ] || fail_early "setup: missing $ACTION_SRC"
    if [ ! -f "$ACTION_DST" ]; then
        install -m 0644 -o root -g root "$ACTION_SRC" "$ACTION_DST"
        INSTALLED_ACTION=1
    fi
    INSTALLED_RULES=1
    install -m 0644 -o root -g root /dev/stdin "$RULES_FILE" <<RULES
// Bridgekeeper end-to-end tests (scripts/e2e.sh); removed when the run ends.
polkit.addRule(function (action, subject) {
    if (action.id == "dev.bridgekeeper.unlock" && subject.user == "$TEST_USER") {
        return polkit.Result.YES;
    }
});
RULES
    start_private_polkit "$WORK" || fail_early "setup: $PRIVATE_POLKIT_ERROR"
    log "private system bus (dbus-daemon pid $DBUS_PID) with polkitd (pid $POLKITD_PID); test user $TEST_USER"
    chown -R "$TEST_USER:$TEST_USER" "$STAGE/work"
    RUN_AS=(setpriv --reuid="$TEST_USER" --regid="$TEST_USER" --clear-groups)
    AUTHENTICATOR=polkit
    RUN_USER=$TEST_USER
elif [ "$(id -u)" -ne 0 ]; then
    log "not root: running as $RUN_USER with the 'none' authenticator (no real polkit unlock)"
fi

# ---- 4. the scenarios ------------------------------------------------------------------------------
RUN_ENV=(PATH="$PATH" USER="$RUN_USER" LOGNAME="$RUN_USER" HOME="$STAGE/work" TMPDIR="$STAGE/work"
    BK_E2E_WORK="$STAGE/work" BK_E2E_AUTHENTICATOR="$AUTHENTICATOR" BK_E2E_ONLY="${BK_E2E_ONLY:-}"
    BK_E2E_SYSTEM_HOST="${BK_E2E_SYSTEM_HOST:-}")
[ -n "${JAVA_HOME:-}" ] && RUN_ENV+=(JAVA_HOME="$JAVA_HOME")
[ -n "${DBUS_SYSTEM_BUS_ADDRESS:-}" ] && RUN_ENV+=(DBUS_SYSTEM_BUS_ADDRESS="$DBUS_SYSTEM_BUS_ADDRESS")
RUN_ENV+=("${APP_ENV[@]}")
set +e
"${RUN_AS[@]}" env -i "${RUN_ENV[@]}" node "$STAGE/e2e/run.mjs" &
RUNNER_PID=$!
wait "$RUNNER_PID"
status=$?
RUNNER_PID=
set -e

# ---- 5. keep the screenshots and logs --------------------------------------------------------------
rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"
cp -R "$STAGE/work/artifacts/." "$ARTIFACTS/" 2>/dev/null || true
cp -R "$STAGE/work/logs" "$ARTIFACTS/logs" 2>/dev/null || true
[ -f "$WORK/polkitd.log" ] && cp "$WORK/polkitd.log" "$ARTIFACTS/logs/"
if [ -n "${BK_E2E_KEEP_AGENT_DATA:-}" ]; then
    rm -rf "$BK_E2E_KEEP_AGENT_DATA"
    cp -a "$STAGE/work/agent-data" "$BK_E2E_KEEP_AGENT_DATA"
fi
log "screenshots and logs: $ARTIFACTS"
exit "$status"
