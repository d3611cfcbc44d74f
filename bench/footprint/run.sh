#!/bin/bash
# Memory without trading speed: Notebook Hub started by .ci/start (README's first command, its small-footprint JVM
# and class-data sharing archive) with USERS users and SERVERS running servers, beside JupyterHub with the same
# users, in one run. Prints whoami and a page of 50 users for both, their ratios, and the resident memory of our
# one process (hub + embedded proxy) after that load and after traffic through the proxy to the running servers.
#   usage: bench/footprint/run.sh [USERS=10000] [SERVERS=1000] [DURATION=15s]
#   JUPYTERHUB=/path/to/bin/jupyterhub  another JupyterHub (default Debian's 3.0), e.g. .tools/jupyter/bin/jupyterhub
#   HUB_JAVA_OPTS="..."                  other JVM options for our hub (.ci/start's variable)
#   SKIP_JUPYTERHUB=1                    ours alone, e.g. to compare JVM options
#   REST_SAMPLES=30 REST_EVERY=1         how many resident-memory samples at rest, how many seconds apart
set -euo pipefail
USERS=${1:-10000}
SERVERS=${2:-1000}
DUR=${3:-15s}
HERE=$(cd "$(dirname "$0")" && pwd)
NAME=footprint
. "$HERE/../hub-bench.sh"
# Absolute, for JupyterHub is started from its own folder.
JUPYTERHUB=$(realpath "${JUPYTERHUB:-/usr/bin/jupyterhub}")
JH_PYTHON=$(head -1 "$JUPYTERHUB" | sed 's/^#!//')
mib() { awk -v k="$2:" '$1 == k {printf "%d", $2 / 1024}' "/proc/$1/status"; }
wrkrate() { wrk -t2 -c8 -d"$DUR" -H "Authorization: token $2" "$1" | awk '/Requests\/sec/{printf "%d", $2}'; }
# Both hubs serve each request kind for WARM (default 5s) before it is measured: a JIT compiles the hot paths in its
# first seconds, and a hub runs for days.
warm() { wrk -t2 -c8 -d"${WARM:-5s}" -H "Authorization: token $2" "$1" > /dev/null; }
[ -f "$REPO/hub/target/notebook-hub.jar" ] || (cd "$REPO" && mvn -B -q -DskipTests package)

# Notebook Hub: its store seeded with the users and the servers, all pointing at one stand-in process that the
# hub adopts at start as it adopts servers that outlived a restart.
STANDIN_PORT=$(port)
setsid python3 -m http.server "$STANDIN_PORT" --bind 127.0.0.1 --directory "$WORK" > /dev/null 2>&1 &
STANDIN=$!; pids+=($STANDIN)
java -cp "$REPO/hub/target/notebook-hub.jar" "$REPO/bench/api/Seed.java" "$WORK/data" "$USERS" "$SERVERS" "$STANDIN" \
  "$STANDIN_PORT" > /dev/null
HUB=$(port); PUBLIC=$(port)
NBHUB_ADMIN_TOKEN=$TOKEN NBHUB_HUB_DATA_DIR=$WORK/data NBHUB_HUB_PORT=$HUB NBHUB_PROXY_PORT=$PUBLIC \
  NBHUB_PROXY_API_PORT=$(port) NBHUB_HUB_PROFILES_DIR=$REPO/profiles bash "$REPO/.ci/start" > "$WORK/hub.log" 2>&1 &
NBPID=$!; pids+=($NBPID)
wait_up "http://127.0.0.1:$HUB/hub/health"
B=http://127.0.0.1:$HUB
# Health answers before the adoption of the seeded servers is done.
for _ in $(seq 1 120); do grep -q "after restart: " "$WORK/hub.log" && break; sleep 0.5; done
grep -o "found [0-9]* of [0-9]* recorded local servers" "$WORK/hub.log" || true
USERTOKEN=$(python3 "$REPO/bench/api/client.py" "$B" "$TOKEN" token user00001)
warm "$B/hub/api/users?offset=$((USERS / 2))&limit=50" "$TOKEN"; warm "$B/hub/api/user" "$USERTOKEN"
NB_PAGE=$(wrkrate "$B/hub/api/users?offset=$((USERS / 2))&limit=50" "$TOKEN")
NB_WHO=$(wrkrate "$B/hub/api/user" "$USERTOKEN")
NB_RSS_API=$(mib "$NBPID" VmRSS)
# Traffic through the proxy to a running server's route, so the proxy's buffers are part of the figure.
ROUTED=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PUBLIC/user/user00000/")
wrk -t2 -c16 -d"$DUR" "http://127.0.0.1:$PUBLIC/user/user00000/" > /dev/null
NB_RSS=$(mib "$NBPID" VmRSS); NB_HWM=$(mib "$NBPID" VmHWM)
# At rest the process's RSS swings by up to 25 MiB for a few seconds at a time (the JIT compilers' working memory,
# README.md), so one sample could land on either: REST_SAMPLES (30) samples REST_EVERY (1) s apart, from 15 s after the
# load, reported as median, 90th percentile, maximum and how many were above 150 MiB (the goal).
REST_SAMPLES=${REST_SAMPLES:-30}; REST_EVERY=${REST_EVERY:-1}
sleep 15
NB_RSS_IDLE=$(for _ in $(seq 1 "$REST_SAMPLES"); do mib "$NBPID" VmRSS; echo; sleep "$REST_EVERY"; done | sort -n \
  | awk '{v[NR] = $1; if ($1 > 150) over++} END {printf "median %d, p90 %d, max %d; %d of %d samples above 150", \
    v[int((NR + 1) / 2)], v[int(NR * 0.9 + 0.5)], v[NR], over, NR}')
kill "$NBPID"; wait "$NBPID" 2>/dev/null || true

if [ "${SKIP_JUPYTERHUB:-}" = 1 ]; then
  echo "our JVM: ${HUB_JAVA_OPTS:-$(grep -v '^#' "$REPO/.ci/small-jvm.options" | tr '\n' ' ')}"
  echo "whoami $NB_WHO req/s, page of 50 $NB_PAGE req/s, RSS after API load $NB_RSS_API MiB, after proxy load $NB_RSS MiB (peak $NB_HWM; a route answered $ROUTED), at rest ($REST_SAMPLES samples ${REST_EVERY} s apart) $NB_RSS_IDLE MiB"
  exit 0
fi

# JupyterHub: started once to create its database, stopped, seeded through its ORM, started again.
JH=$WORK/jh; mkdir -p "$JH"
JH_HUB=$(port)
start_jupyterhub() {
  (cd "$JH" && NODE_PATH=${NODE_PATH:-/usr/share/nodejs} BENCH_JH_DIR=$JH BENCH_JH_HUB_PORT=$JH_HUB \
    BENCH_JH_PROXY_PORT=$(port) BENCH_JH_PROXY_API_PORT=$(port) BENCH_TOKEN=$TOKEN \
    exec "$JUPYTERHUB" -f "$REPO/bench/api/jupyterhub_config.py" >> "$JH/hub.log" 2>&1) &
  JHPID=$!; pids+=($JHPID)
  wait_up "http://127.0.0.1:$JH_HUB/hub/api/"
}
stop_jupyterhub() { kill "$JHPID"; wait "$JHPID" 2>/dev/null || true; sleep 1; }
start_jupyterhub; stop_jupyterhub
"$JH_PYTHON" "$HERE/seed_jupyterhub.py" "sqlite:///$JH/jupyterhub.sqlite" "$USERS" > /dev/null
start_jupyterhub
JH_VERSION=$(curl -s "http://127.0.0.1:$JH_HUB/hub/api/" | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')
JHU=http://127.0.0.1:$JH_HUB
JH_USERTOKEN=$(python3 "$REPO/bench/api/client.py" "$JHU" "$TOKEN" token user00001)
warm "$JHU/hub/api/users?offset=$((USERS / 2))&limit=50" "$TOKEN"; warm "$JHU/hub/api/user" "$JH_USERTOKEN"
JH_PAGE=$(wrkrate "$JHU/hub/api/users?offset=$((USERS / 2))&limit=50" "$TOKEN")
JH_WHO=$(wrkrate "$JHU/hub/api/user" "$JH_USERTOKEN")
JH_RSS=$(mib "$JHPID" VmRSS); JH_PROXY_RSS=$(mib "$(cat "$JH/proxy.pid")" VmRSS)
stop_jupyterhub

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", a / b}'; }
echo
echo "$USERS users, $SERVERS running servers in our hub (JupyterHub $JH_VERSION: the same users, no servers); wrk -t2 -c8 -d$DUR"
echo "our JVM: ${HUB_JAVA_OPTS:-$(grep -v '^#' "$REPO/.ci/small-jvm.options" | tr '\n' ' ')}"
printf '%-28s %14s %14s %8s\n' "" "Notebook Hub" "JupyterHub" "ratio"
printf '%-28s %14s %14s %7sx\n' "whoami, req/s" "$NB_WHO" "$JH_WHO" "$(ratio "$NB_WHO" "$JH_WHO")"
printf '%-28s %14s %14s %7sx\n' "page of 50 users, req/s" "$NB_PAGE" "$JH_PAGE" "$(ratio "$NB_PAGE" "$JH_PAGE")"
printf '%-28s %14s %14s\n' "RSS after API load, MiB" "$NB_RSS_API" "$JH_RSS + $JH_PROXY_RSS proxy"
printf '%-28s %14s\n' "RSS after proxy load, MiB" "$NB_RSS (peak $NB_HWM; a route answered $ROUTED)"
printf '%-28s %14s\n' "RSS at rest, MiB" "$NB_RSS_IDLE ($REST_SAMPLES samples ${REST_EVERY} s apart from 15 s after the load)"
