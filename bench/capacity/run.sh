#!/usr/bin/env bash
# Capacity benchmark: N users arriving at once on an autoscaled pool, cold (no placeholders, image not pulled) and
# warm (N placeholders, image pulled by the continuous pre-puller), on the tests' real control plane with the
# process kubelet simulating image pulls and node starts.
#   usage: bench/capacity/run.sh [N=20] [PULL_SECONDS=60] [NODE_START_SECONDS=120]
# Needs `bash .ci/install-tools` (control plane, helm) and the test classes (mvn -B -pl hub -am test-compile).
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-20}"
PULL="${2:-60}"
NODE="${3:-120}"
cp="$PWD/hub/target/bench-classpath.txt"
# Through the reactor (-am): the other modules' classes come from their target folders, never from ~/.m2. The hub,
# built last, writes the file last.
mvn -B -q -o -pl hub -am test-compile dependency:build-classpath -Dcds.skip -Dmdep.includeScope=test \
  -Dmdep.outputFile="$cp" >/dev/null
classes="hub/target/test-classes:hub/target/classes"
log=hub/target/bench-capacity.log
echo "running; the cluster's log lines go to $log"
java -Xmx1g -Dnotebookhub.repo="$PWD" -cp "$classes:$(cat "$cp")" \
  bench/capacity/CapacityBench.java "$N" "$PULL" "$NODE" > "$log" 2>&1
sed -n '/^### /,$p' "$log" | tee hub/target/bench-capacity.md
