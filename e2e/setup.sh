#!/usr/bin/env bash
# Installs what the end-to-end tests need, idempotently (a second run changes nothing):
#   - Debian packages: chromium, firefox-esr, and as root (for the real polkit unlock) polkitd,
#     libpolkit-gobject-1-0, dbus-daemon, util-linux (setpriv), procps (pgrep); apt-get runs only
#     when something is missing, and only as root;
#   - e2e/node_modules: playwright-core at the version pinned in e2e/package-lock.json (npm ci),
#     used only as a DevTools-protocol client. It never downloads browsers
#     (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1); the tests use /usr/bin/chromium.
# Not installed here (prerequisites of the repository itself): Node 20+, a JDK 17+ and Maven.
# No X server is needed: headless Chromium and headless Firefox ESR both run without one.
set -euo pipefail

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
log() { printf 'e2e/setup: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---- prerequisites we do not install ----------------------------------------------------------
command -v node >/dev/null || die "Node.js 20 or newer is required (not found on PATH)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "Node.js 20 or newer is required (found $(node --version))"
command -v java >/dev/null || [ -n "${JAVA_HOME:-}" ] || die "a JDK 17 or newer is required (no java on PATH, no JAVA_HOME)"

# ---- Debian packages ----------------------------------------------------------------------------
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v firefox-esr >/dev/null || missing+=(firefox-esr)
# The real polkit unlock runs only as root (scripts/e2e.sh); other users need just the browsers.
if [ "$(id -u)" -eq 0 ]; then
    [ -x /usr/lib/polkit-1/polkitd ] && command -v pkaction >/dev/null || missing+=(polkitd)
    "$(command -v ldconfig || echo /sbin/ldconfig)" -p | grep -q 'libpolkit-gobject-1\.so\.0' || missing+=(libpolkit-gobject-1-0)
    command -v dbus-daemon >/dev/null || missing+=(dbus-daemon)
    command -v setpriv >/dev/null || missing+=(util-linux)
    command -v pgrep >/dev/null || missing+=(procps)
fi
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        die "missing packages: ${missing[*]}; run this as root, or: sudo apt-get install ${missing[*]}"
    fi
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ---- playwright-core ------------------------------------------------------------------------------
wanted=$(node -p 'require(process.argv[1]).packages["node_modules/playwright-core"].version' "$E2E_DIR/package-lock.json")
have=$(node -p 'try { require(process.argv[1]).version } catch { "" }' "$E2E_DIR/node_modules/playwright-core/package.json" 2>/dev/null || true)
if [ "$have" != "$wanted" ]; then
    log "installing playwright-core $wanted (npm ci)"
    (cd "$E2E_DIR" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
log "ready: $(chromium --version 2>/dev/null | head -n 1); $(firefox-esr --version 2>/dev/null); playwright-core $wanted"
