#!/usr/bin/env bash
# Fault-injection, hostile-input and soak tests against a running agent process (docs/faults.md).
#
# Usage: scripts/faults.sh          the CI-sized set (about a minute)
#        scripts/faults.sh --full   the same with the full soak: 1,000 connections for 60 s, and 10,000 idle connections
#
# As root it first installs what two of the tests need and otherwise skip with a reason:
# libfaketime (the wall-clock jump test) and util-linux's mount (the disk-full test mounts a
# small tmpfs itself). Run as a normal user, those two tests are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

full=()
if [ "${1:-}" = "--full" ]; then
    full=(-Dbridgekeeper.soak.full=true)
fi

if [ "$(id -u)" = 0 ]; then
    if ! ls /usr/lib/*/faketime/libfaketimeMT.so.1 >/dev/null 2>&1; then
        apt-get update -qq && apt-get install -y -qq libfaketime >/dev/null
    fi
else
    echo "not root: the disk-full (tmpfs) and other-OS-user tests will be skipped" >&2
fi

# 1,000 connections mean about 2,000 agent threads and 1,000 descriptors on each side; the full
# idle-connections test holds 10,000 connections open (a descriptor each on both sides).
need_files=4096
[ ${#full[@]} -gt 0 ] && need_files=12000
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need_files" ]; then
    ulimit -n "$need_files" 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
    if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need_files" ]; then
        echo "warning: open files limit $(ulimit -n) is below $need_files; the full idle-connections test will fail" >&2
    fi
fi

mvn -B -ntp test -Dtest='dev.bridgekeeper.faults.**' -Dsurefire.failIfNoSpecifiedTests=false "${full[@]}"
grep -h "^soak:\|^pairing-write kills:\|^idle:" tests/target/surefire-reports/dev.bridgekeeper.faults.*-output.txt || true
