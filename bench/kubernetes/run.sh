#!/usr/bin/env bash
# Cluster spawn benchmark: N concurrent spawns (default 100) on the tests' real control plane with the process
# kubelet, Notebook Hub against JupyterHub 5 + KubeSpawner 7 (from PyPI, in .tools/bench-kubespawner).
#   usage: bench/kubernetes/run.sh [N=100]
# Needs `bash .ci/install-tools` (control plane, Jupyter venv) and the built jar (mvn -B -DskipTests install).
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-100}"
venv=.tools/bench-kubespawner
if ! "$venv/bin/python" -m pip freeze 2>/dev/null | grep -qxF -f <(grep -v '^#' bench/kubernetes/requirements.txt); then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r bench/kubernetes/requirements.txt
fi
[ -f hub/target/notebook-hub.jar ] && [ -d hub/target/test-classes ] \
  || mvn -B -q -pl hub -am install -DskipTests
cp="$PWD/hub/target/bench-classpath.txt"
mvn -B -q -o -pl hub dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp" >/dev/null
log=hub/target/bench-kubernetes.log
echo "running; the cluster's and the hubs' log lines go to $log"
java -Xmx1g -Dnotebookhub.repo="$PWD" -cp "hub/target/test-classes:hub/target/classes:$(cat "$cp")" \
  bench/kubernetes/ClusterSpawnBench.java "$N" > "$log"
sed -n '/^### /,$p' "$log" | tee hub/target/bench-kubernetes.md
