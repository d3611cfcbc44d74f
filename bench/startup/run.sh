#!/bin/bash
# Start-up benchmark (README.md beside this file): Notebook Hub and JupyterHub in one run.
#   usage: bench/startup/run.sh [--rounds 10] [--concurrent 30] [--running 100] [--jupyterhub PATH|''] ...
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
[ -f "$REPO/hub/target/notebook-hub.jar" ] || (cd "$REPO" && mvn -B -q -DskipTests package)
# The JVM that .ci/start runs, unless HUB_JAVA_OPTS says otherwise.
export HUB_JAVA_OPTS=${HUB_JAVA_OPTS:-@$REPO/.ci/small-jvm.options}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
exec python3 "$HERE/bench.py" "$@"
