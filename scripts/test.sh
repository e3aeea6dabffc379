#!/usr/bin/env bash
# Runs every test of the project. Each step installs what it needs (apt, npm) when run as root,
# idempotently, and says plainly when it has to skip something on this machine.
#
# Usage: scripts/test.sh            everything
#        BK_QUICK=1 scripts/test.sh the Java suite on the default JDK only
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==== %s ====\n' "$*"; }
results=()
record() { results+=("$1"); }

newest_jdk() {
    local j
    for j in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-2[5-9]*; do
        [ -x "$j/bin/java" ] && { echo "$j"; return 0; }
    done
    return 1
}

need_node() {
    command -v node >/dev/null && command -v npm >/dev/null && return 0
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
    else
        echo "node and npm are needed for the JavaScript tests" >&2
        return 1
    fi
}

# libfaketime lets the clock-jump test move the agent's wall clock (it skips with a reason without it).
if [ "$(id -u)" = 0 ] && ! ls /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq libfaketime >/dev/null || echo "libfaketime not installed; the clock-jump test will skip"
fi

step "The repository is self-contained: no file points outside it"
# Users clone this repository alone: the protocol, design and vectors it relies on live in it.
outside=$(git ls-files -z | xargs -0 grep -IlE "\.\./(shared)/|/work/(shared)" -- 2>/dev/null || true)
if [ -n "$outside" ]; then
    echo "these files point at a folder outside the repository:" >&2
    echo "$outside" >&2
    exit 1
fi
record "self-contained: passed"

step "docs/PROTOCOL.md's limits table agrees with the vocabulary file"
need_node
node scripts/check-vocabulary-doc.mjs
# The Java and JavaScript generators of that vocabulary agree (one changed limit changes both).
node --test scripts/test/
record "protocol vocabulary: passed"

step "Java suite (mvn install: every module's tests, the packaged-jar tests, sources and javadoc) on $(java -version 2>&1 | head -1)"
mvn -B -ntp install
record "java (default JDK): passed"

step "An application outside the build embeds the agent (class path and module path)"
bash examples/consumer/run.sh
record "consumer: passed"

if [ -n "${BK_QUICK:-}" ]; then
    printf '\n%s\n' "${results[@]}"
    exit 0
fi

step "Desktop: the sample Swing app's real windows (Xvfb), pairing notifications on a private session bus"
if [ "$(id -u)" = 0 ]; then
    missing=()
    command -v Xvfb >/dev/null || missing+=(xvfb)
    command -v dbus-daemon >/dev/null || missing+=(dbus-daemon)
    /usr/bin/python3 -c 'import dbus, gi' 2>/dev/null || missing+=(python3-dbus python3-gi)
    if [ "${#missing[@]}" -gt 0 ]; then
        apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
fi
bash examples/desktop-app/run-tests.sh
mvn -B -ntp -q -pl cli surefire:test -Dtest=FreedesktopNotifierTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dbridgekeeper.requireDbus=true
record "desktop app and notifications: passed"

if jdk=$(newest_jdk); then
    step "Java suite on $jdk"
    JAVA_HOME="$jdk" mvn -B -ntp verify
    record "java ($jdk): passed"
    # Rebuild on the default JDK so the jars the later steps use run on every supported JDK.
    mvn -B -ntp -q install -DskipTests
else
    record "java (newest JDK): skipped, no Temurin 25+ under /usr/lib/jvm"
fi

step "JavaScript client package (tsc --strict, node --test, pack proof) and sample extension"
need_node
(cd client-js && npm ci --no-audit --no-fund --loglevel=error && npm test) &&
    bash client-js/scripts/pack-proof.sh &&
    (cd extension-sample && npm ci --no-audit --no-fund --loglevel=error && npm test)
record "javascript: passed"

step "Installers and manifests (temporary HOME, shellcheck)"
bash installer/test/run.sh
record "installer: passed"

step "Real polkit (private system bus, polkitd, non-root users)"
if [ "$(id -u)" = 0 ]; then
    bash scripts/polkit-it.sh
    record "polkit: passed"
else
    echo "skipped: starting a system bus and polkitd needs root"
    record "polkit: skipped (not root)"
fi

step "Real Secret Service (gnome-keyring on a private session bus, a non-root user)"
if [ "$(id -u)" = 0 ]; then
    bash scripts/keyring-it.sh
    record "keyring: passed"
else
    echo "skipped: creating the test user and running its keyring needs root"
    record "keyring: skipped (not root)"
fi

step "End to end in real browsers (Chromium, Firefox ESR) with the real host, agent and polkit"
bash scripts/e2e.sh
record "browsers: passed"

step "Release package (.deb): build, apt-get install, browsers through the system host, upgrade, remove"
if [ "$(id -u)" = 0 ]; then
    bash packaging/test-deb.sh
    record "package: passed"
else
    echo "skipped: installing a package needs root"
    record "package: skipped (not root)"
fi

step "Fuzzing smoke (Jazzer, a few seconds per target; long runs: scripts/fuzz.sh 1800)"
bash scripts/fuzz.sh 5
record "fuzz smoke: passed"

step "Benchmark smoke (every benchmark runs once at a tiny scale; the numbers mean nothing here)"
# The bench module builds against the modules the Java suite installed; the figures live in
# BENCHMARKS.md and are measured by bench/run-all.sh on a quiet machine, never in the test command.
mvn -B -ntp -q -Pbench package -DskipTests -pl bench/jmh
BENCH_NO_BUILD=1 bash bench/smoke.sh
record "bench smoke: passed"

printf '\n==== summary ====\n'
printf '%s\n' "${results[@]}"
echo "all test steps passed"
