#!/usr/bin/env bash
# Spawn benchmark: 500 concurrent spawns against fabric8's mock API server with a stand-in kubelet,
# then a hub restart adopting every server. Usage: bench/spawn/run.sh [users] [waves]
set -euo pipefail
cd "$(dirname "$0")/../.."
USERS="${1:-500}"
WAVES="${2:-2}"
mvn -B -q -pl spawner -am test -Dtest=SpawnBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.spawn=true -Dbench.users="$USERS" -Dbench.waves="$WAVES" \
  -DargLine="-Xmx1g -Dbench.spawn=true -Dbench.users=$USERS -Dbench.waves=$WAVES"
cat spawner/target/bench-spawn.md
