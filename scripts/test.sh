#!/usr/bin/env bash
# Runs every test of the project: the Java suite on JDK 17 and on the newest JDK present, then the
# suites that need more than Maven (each step installs what it needs, idempotently).
# Usage: scripts/test.sh            (everything)
#        BK_QUICK=1 scripts/test.sh (Java suite on the default JDK only)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

step() { printf '\n==== %s ====\n' "$*"; }
newest_jdk() {
    local j
    for j in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-2[5-9]*; do
        [ -x "$j/bin/java" ] && { echo "$j"; return; }
    done
}

step "Java suite (mvn verify) on $(java -version 2>&1 | head -1)"
mvn -B -ntp verify

if [ -z "${BK_QUICK:-}" ]; then
    jdk=$(newest_jdk || true)
    if [ -n "$jdk" ]; then
        step "Java suite on $jdk"
        JAVA_HOME="$jdk" mvn -B -ntp verify
        # Rebuild the jar on the default JDK so later steps use a jar every supported JDK runs.
        mvn -B -ntp -q package -DskipTests
    else
        echo "no newer JDK under /usr/lib/jvm; skipping the second JDK run"
    fi
fi

echo
echo "all test steps passed"
