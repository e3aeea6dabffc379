#!/usr/bin/env bash
# Builds and starts Sample Notes on this desktop. Needs the Bridgekeeper artifacts in the local
# Maven repository: run `mvn -B install -DskipTests` at the repository root first.
#
# Usage: bash examples/desktop-app/run.sh [--socket P] [--data-dir D] [--allow CALLER]...
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -ntp -q package dependency:copy-dependencies -DskipTests -DincludeScope=runtime -DoutputDirectory=target/lib
exec java -jar target/sample-notes-desktop-1.0.0.jar "$@"
