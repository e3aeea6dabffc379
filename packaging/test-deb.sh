#!/usr/bin/env bash
# Installs the .deb the way a user does and checks it for real (run as root; scripts/test.sh runs it):
#   1. builds dist/bridgekeeper_<v>_amd64.deb (and the .rpm) unless they are newer than the jars,
#      and a second .deb with a bumped version for the upgrade;
#   2. apt-get install ./dist/bridgekeeper_<v>_amd64.deb; the host's start-up cache was built;
#   3. the browser scenarios (scripts/e2e.sh: pairing and unlock in Chromium and Firefox ESR) with
#      the package's SYSTEM manifests and host, which must run on the bundled runtime;
#   4. upgrade to the bumped version: the pairings made in step 3 are still listed by its agent;
#   5. the .rpm holds exactly the .deb's files (rpm -qlp against dpkg -c);
#   6. apt-get remove, then purge: none of the package's files is left.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf 'test-deb: %s\n' "$*" >&2; }
fail() { printf 'test-deb: FAIL: %s\n' "$*" >&2; exit 1; }

if [ "$(id -u)" != 0 ]; then
    echo "test-deb: skipped: installing a package needs root"
    exit 0
fi

WORK=$(mktemp -d -p /var/tmp bridgekeeper-deb.XXXXXX)
AGENT_PID=
INSTALLED=0
cleanup() {
    [ -n "$AGENT_PID" ] && { kill "$AGENT_PID" 2>/dev/null; wait "$AGENT_PID" 2>/dev/null || true; }
    # A failed run must not leave the package behind: its system manifests would change what
    # later tests on this machine find.
    if [ "$INSTALLED" = 1 ] && dpkg -s bridgekeeper >/dev/null 2>&1; then
        apt-get purge -y -qq bridgekeeper >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# ---- 1. build (once: reused while newer than the jars) ---------------------------------------------
deb=$(ls dist/bridgekeeper_*_amd64.deb 2>/dev/null | head -n 1 || true)
if [ -z "$deb" ] || [ ! -f cli/target/bridgekeeper.jar ] || [ cli/target/bridgekeeper.jar -nt "$deb" ] \
    || [ host/target/bridgekeeper-host.jar -nt "$deb" ] || [ packaging/build.sh -nt "$deb" ]; then
    log "building the packages"
    bash packaging/build.sh --no-sbom --fast
    deb=$(ls dist/bridgekeeper_*_amd64.deb | head -n 1)
fi
version=$(dpkg-deb -f "$deb" Version)
next=$(echo "$version" | awk -F. -v OFS=. '{ $NF = $NF + 1; print }')
log "building the upgrade package $next"
bash packaging/build.sh --no-sbom --fast --reuse --version "$next" --dist "$WORK/next" >"$WORK/next-build.log" 2>&1 \
    || { tail -n 20 "$WORK/next-build.log" >&2; fail "building version $next"; }
next_deb=$(ls "$WORK"/next/bridgekeeper_*_amd64.deb)

# ---- 2. install ----------------------------------------------------------------------------------
if dpkg -s bridgekeeper >/dev/null 2>&1; then
    log "removing an earlier bridgekeeper package"
    apt-get purge -y -qq bridgekeeper >/dev/null
fi
log "apt-get install $deb"
INSTALLED=1
apt-get install -y -qq "./$deb" >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log" >&2; fail "apt-get install"; }
dpkg -L bridgekeeper | sort >"$WORK/files"
for f in /usr/bin/bridgekeeper /opt/bridgekeeper/bin/bridgekeeper-host /opt/bridgekeeper/lib/runtime/bin/java \
         /etc/chromium/native-messaging-hosts/dev.bridgekeeper.host.json \
         /usr/lib/mozilla/native-messaging-hosts/dev.bridgekeeper.host.json \
         /usr/share/polkit-1/actions/dev.bridgekeeper.unlock.policy \
         /usr/lib/systemd/user/bridgekeeper-agent.service; do
    grep -Fxq "$f" "$WORK/files" || fail "$f is not in the package"
done
cache=$(ls /opt/bridgekeeper/lib/host.aot /opt/bridgekeeper/lib/host.jsa 2>/dev/null | head -n 1 || true)
[ -n "$cache" ] || fail "the post-install step did not build the host's start-up cache"
log "installed $(wc -l <"$WORK/files") paths; start-up cache $cache ($(du -k "$cache" | cut -f1) KiB)"
# The installed command runs on the bundled runtime with no JDK on PATH.
env -i PATH=/nonexistent /usr/bin/bridgekeeper version >"$WORK/version.out" 2>&1 \
    || { cat "$WORK/version.out" >&2; fail "bridgekeeper version with an empty PATH"; }

# ---- 3. the browsers, through the system manifests -----------------------------------------------
log "browser scenarios against the installed package"
BK_E2E_SYSTEM_HOST=1 BK_E2E_KEEP_AGENT_DATA="$WORK/agent-data" bash scripts/e2e.sh \
    || fail "browser scenarios with the installed package (logs: e2e/artifacts)"

# ---- 4. upgrade keeps the pairings ---------------------------------------------------------------
log "upgrade to $next"
apt-get install -y -qq "$next_deb" >"$WORK/upgrade.log" 2>&1 || { cat "$WORK/upgrade.log" >&2; fail "upgrade"; }
[ "$(dpkg-query -W -f '${Version}' bridgekeeper)" = "$next" ] || fail "the upgrade did not install $next"
chown -R root:root "$WORK/agent-data"
mkdir -m 0700 "$WORK/sock"
# The agent runs with the systemd unit's own command line (its allow-list included), pointed at
# the data the browsers paired with.
read -r -a unit_cmd < <(sed -n 's/^ExecStart=//p' /usr/lib/systemd/user/bridgekeeper-agent.service)
[[ " ${unit_cmd[*]} " == *" --allow chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/ "* ]] \
    || fail "the systemd unit does not allow the sample extension: ${unit_cmd[*]}"
"${unit_cmd[@]}" --socket "$WORK/sock/agent.sock" --data-dir "$WORK/agent-data" --authenticator none \
    </dev/null >"$WORK/agent.out" 2>"$WORK/agent.log" &
AGENT_PID=$!
for _ in $(seq 1 300); do [ -S "$WORK/sock/agent.sock" ] && break; sleep 0.1; done
/usr/bin/bridgekeeper pairings list --json --socket "$WORK/sock/agent.sock" >"$WORK/pairings.json" \
    || { cat "$WORK/agent.log" >&2; fail "pairings list after the upgrade"; }
python3 - "$WORK/pairings.json" <<'PY' || fail "pairings did not survive the upgrade: $(cat "$WORK/pairings.json")"
import json, sys
callers = {p["callerId"] for p in json.load(open(sys.argv[1]))["pairings"]}
print("test-deb: pairings after the upgrade:", sorted(callers), file=sys.stderr)
sys.exit(0 if any(c.startswith("chrome-extension://") for c in callers) and any(c.startswith("moz-extension:") for c in callers) else 1)
PY
kill "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null || true; AGENT_PID=
dpkg -L bridgekeeper | sort >"$WORK/files-next"
diff -u "$WORK/files" "$WORK/files-next" || fail "the upgraded package installed a different file list"

# ---- 5. the .rpm carries the same files ----------------------------------------------------------
rpm_file=$(ls dist/bridgekeeper-*.rpm | head -n 1)
rpm -qlp "$rpm_file" 2>/dev/null | sort >"$WORK/rpm-files"
# The .rpm owns its files and every folder under /opt/bridgekeeper, not shared folders like /etc.
dpkg-deb -c "$deb" | awk '{ p = $6; sub(/^\./, "", p); sub(/\/$/, "", p)
    if (p != "" && ($1 !~ /^d/ || p ~ /^\/opt\/bridgekeeper(\/|$)/)) print p }' | sort >"$WORK/deb-files"
diff -u "$WORK/deb-files" "$WORK/rpm-files" >"$WORK/rpm-vs-deb" \
    || fail "the .rpm and the .deb hold different files: $(head -n 20 "$WORK/rpm-vs-deb")"
log "the .rpm lists the .deb's $(wc -l <"$WORK/deb-files") files"

# ---- 6. remove and purge leave nothing -----------------------------------------------------------
apt-get remove -y -qq bridgekeeper >"$WORK/remove.log" 2>&1 || { cat "$WORK/remove.log" >&2; fail "apt-get remove"; }
grep -q "leaves them" "$WORK/remove.log" || fail "removing did not say that user data stays"
apt-get purge -y -qq bridgekeeper >/dev/null 2>&1 || true
left=()
while read -r p; do
    [ -e "$p" ] || [ -L "$p" ] || continue
    [ -d "$p" ] && [ ! -L "$p" ] && case "$p" in /opt/bridgekeeper*) ;; *) continue ;; esac  # shared folders
    left+=("$p")
done <"$WORK/files"
[ -e /opt/bridgekeeper ] && left+=(/opt/bridgekeeper)
[ ${#left[@]} -eq 0 ] || fail "left after removal: ${left[*]:0:10}"
dpkg -s bridgekeeper >/dev/null 2>&1 && fail "dpkg still knows the package after purge"
log "PASS: installed, browsers paired and unlocked through the system host, upgraded, removed without leftovers"
