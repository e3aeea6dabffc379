#!/usr/bin/env bash
# Proves the agent library works for a third party, from outside the build: builds this project
# against the artifacts `mvn install` put in the local repository, checks its dependencies (no
# slf4j-simple, no class in two jars), then runs it on the class path and on the module path.
# Each run pairs a Java extension client through the real host process and calls the app's channel.
#
# Usage: (cd <repo> && mvn -B -q install -DskipTests) && bash examples/consumer/run.sh
set -euo pipefail
cd "$(dirname "$0")"
fail() { echo "consumer: FAIL: $*" >&2; exit 1; }

mvn -B -ntp -q package dependency:copy-dependencies -DoutputDirectory=target/lib -DincludeScope=runtime
mvn -B -ntp -q dependency:tree -DoutputFile=target/tree.txt
if grep -q "slf4j-simple" target/tree.txt; then fail "slf4j-simple is in the app's dependencies"; fi
grep -q "org.slf4j:slf4j-nop" target/tree.txt || fail "the app's own binding (slf4j-nop) is missing"

# No class may come from two jars (class path order would decide which one runs).
dupes=$(for j in target/lib/*.jar target/bridgekeeper-consumer-*.jar; do
          unzip -Z1 "$j" | grep '\.class$' | grep -v -e '^module-info\.class$' -e '^META-INF/versions/[0-9]*/module-info\.class$'
        done | sort | uniq -d)
[ -z "$dupes" ] || fail "classes in two jars: $(echo "$dupes" | head -5)"
echo "consumer: $(ls target/lib | wc -l) dependency jars, no duplicate class, no slf4j-simple"

# The agent jar is a module with only API packages exported.
agent_jar=$(ls target/lib/bridgekeeper-agent-*.jar)
described=$(jar --describe-module --file "$agent_jar")
echo "$described" | head -1
exports=$(echo "$described" | awk '$1 == "exports" {print $2}' | sort | tr '\n' ' ')
[ "$exports" = "dev.bridgekeeper.agent dev.bridgekeeper.ipc " ] || fail "agent exports: $exports"

# The host the extension client starts: its jar and the protocol's, as the installers ship it.
host_cp="$(ls target/lib/bridgekeeper-host-*.jar):$(ls target/lib/bridgekeeper-protocol-*.jar)"
app_jar=$(ls target/bridgekeeper-consumer-*.jar)
java -Dbridgekeeper.hostJar="$host_cp" -cp "$app_jar:target/lib/*" com.example.consumer.ConsumerApp \
  | tee target/classpath.out
grep -q "on the class path" target/classpath.out || fail "class path run"
java -Dbridgekeeper.hostJar="$host_cp" -p "$app_jar:target/lib" -m com.example.consumer/com.example.consumer.ConsumerApp \
  | tee target/modulepath.out
grep -q "on the module path" target/modulepath.out || fail "module path run"
echo "consumer: passed (class path and module path)"
