#!/usr/bin/env bash
# Real polkit integration test for dev.bridgekeeper.biometrics.polkit.
#
# Runs PolkitIntegrationIT against a real polkitd, as non-root users, through the real JNA
# binding. Must run as root on Debian/Ubuntu (it installs packages with apt-get when missing).
#
# What it expects: this repository with its Maven build usable offline (`mvn -o`, dependencies in
# ~/.m2, as for the normal build) and a JDK 17+. It compiles what it needs itself (`mvn test` of
# one test class), so running it after `mvn package` only adds that one test's time.
# Set MVN to use another Maven command.
#
# What it does, idempotently:
#   1. installs polkitd, libpolkit-gobject-1-0, dbus-daemon, util-linux (setpriv) and bsdutils
#      (script) if missing;
#   2. creates system users bktest-yes, bktest-no, bktest-ask if missing (left in place);
#   3. installs polkit/dev.bridgekeeper.unlock.policy into /usr/share/polkit-1/actions (an
#      existing copy is backed up and restored) and a rules file in /etc/polkit-1/rules.d that
#      answers YES for bktest-yes, NO for bktest-no and AUTH_SELF for bktest-ask;
#   4. starts a private system bus (dbus-daemon, permissive config in a temp dir) and
#      /usr/lib/polkit-1/polkitd on it, and exports DBUS_SYSTEM_BUS_ADDRESS; the machine's own
#      system bus, if any, is not touched;
#   5. runs PolkitIntegrationIT with BRIDGEKEEPER_POLKIT_IT=1; it starts each probe JVM as one of
#      the test users (setpriv) and pkttyagent for the cancel and timeout cases;
#   6. on exit, stops polkitd and dbus-daemon by PID and removes the rules file, the action file
#      (or restores the previous one) and the temp dir.
# Exit status: 0 when every case passed, non-zero otherwise.
set -euo pipefail
# shellcheck source=scripts/lib/private-polkit.sh
. "$(dirname "$0")/lib/private-polkit.sh"

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MVN=${MVN:-mvn}
ACTION_SRC=$ROOT/polkit/dev.bridgekeeper.unlock.policy
ACTION_DST=/usr/share/polkit-1/actions/dev.bridgekeeper.unlock.policy
RULES_DST=/etc/polkit-1/rules.d/49-bridgekeeper-it.rules
POLKITD=/usr/lib/polkit-1/polkitd
USERS=(bktest-yes bktest-no bktest-ask)

log() { printf 'polkit-it: %s\n' "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (it starts polkitd and installs a polkit action)"

# The system-wide tests (this one, e2e.sh, polkit-it.sh) install the same polkit action, rules and
# test users and stop what those users run: two checkouts testing at once take turns.
if [ "$(id -u)" -eq 0 ]; then
    exec 9>/run/lock/bridgekeeper-system-tests.lock
    flock -w 1800 9 || die "another run of the system-wide tests held the lock for 30 minutes"
fi

[ -f "$ACTION_SRC" ] || die "missing $ACTION_SRC"

# ---- 1. packages --------------------------------------------------------------------------
missing=()
[ -x "$POLKITD" ] && command -v pkttyagent >/dev/null || missing+=(polkitd)
ldconfig -p | grep -q 'libpolkit-gobject-1\.so\.0' || missing+=(libpolkit-gobject-1-0)
command -v dbus-daemon >/dev/null || missing+=(dbus-daemon)
command -v setpriv >/dev/null || missing+=(util-linux)
command -v script >/dev/null || missing+=(bsdutils)
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ---- 2. users -----------------------------------------------------------------------------
for user in "${USERS[@]}"; do
    if ! id -u "$user" >/dev/null 2>&1; then
        log "creating user $user"
        useradd --system --user-group --no-create-home --shell /usr/sbin/nologin "$user"
    fi
done

# ---- clean-up, armed before anything is started or installed ------------------------------
WORK=$(mktemp -d /tmp/bridgekeeper-polkit-it.XXXXXX)
chmod 0755 "$WORK"
DBUS_PID=
POLKITD_PID=
ACTION_BACKUP=
cleanup() {
    local status=$?
    for pid in $POLKITD_PID $DBUS_PID; do
        kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
    done
    rm -f "$RULES_DST"
    if [ -n "$ACTION_BACKUP" ]; then
        cp -p "$ACTION_BACKUP" "$ACTION_DST"
    else
        rm -f "$ACTION_DST"
    fi
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- 3. action and rules ------------------------------------------------------------------
if [ -e "$ACTION_DST" ]; then
    ACTION_BACKUP=$WORK/action.backup
    cp -p "$ACTION_DST" "$ACTION_BACKUP"
fi
install -m 0644 -o root -g root "$ACTION_SRC" "$ACTION_DST"
install -m 0644 -o root -g root /dev/stdin "$RULES_DST" <<'RULES'
// Bridgekeeper polkit integration test (scripts/polkit-it.sh); removed when the run ends.
polkit.addRule(function (action, subject) {
    if (action.id != "dev.bridgekeeper.unlock") {
        return;
    }
    if (subject.user == "bktest-yes") {
        return polkit.Result.YES;
    }
    if (subject.user == "bktest-no") {
        return polkit.Result.NO;
    }
    if (subject.user == "bktest-ask") {
        return polkit.Result.AUTH_SELF;
    }
});
RULES

# ---- 4. private system bus and polkitd ----------------------------------------------------
start_private_polkit "$WORK" || die "$PRIVATE_POLKIT_ERROR"
log "dbus-daemon pid $DBUS_PID, polkitd pid $POLKITD_PID, bus $DBUS_SYSTEM_BUS_ADDRESS"

# ---- 5. the test --------------------------------------------------------------------------
log "running PolkitIntegrationIT"
set +e
BRIDGEKEEPER_POLKIT_IT=1 BRIDGEKEEPER_POLKIT_IT_DIR=$WORK \
    "$MVN" -B -o -f "$ROOT/pom.xml" -pl biometrics test \
    -Dtest=PolkitIntegrationIT -Dsurefire.failIfNoSpecifiedTests=false -Dsurefire.exitTimeout=120 \
    >"$WORK/mvn.log" 2>&1
result=$?
set -e

grep -E 'Tests run:|FAIL|ERROR\]  ' "$WORK/mvn.log" | sed 's/^/  /' >&2 || true
if [ -f "$WORK/summary.txt" ]; then
    log "observed:"
    sed 's/^/  /' "$WORK/summary.txt" >&2
fi
if [ "$result" -ne 0 ]; then
    log "maven output (tail):"
    tail -n 60 "$WORK/mvn.log" >&2
    log "polkitd log:"
    cat "$WORK/polkitd.log" >&2
    for report in "$ROOT"/biometrics/target/surefire-reports/*PolkitIntegrationIT*.txt; do
        [ -f "$report" ] && { log "$report:"; tail -n 80 "$report" >&2; }
    done
    die "PolkitIntegrationIT failed"
fi
grep -q 'Tests run: [1-9][0-9]*, Failures: 0, Errors: 0, Skipped: 0' "$WORK/mvn.log" \
    || die "PolkitIntegrationIT did not run (skipped?)"
log "PASS"
