#!/bin/bash
# The admin-API benchmark: Notebook Hub and JupyterHub 3.0, same machine, same run, each loaded with N users.
# Measures bulk creation time, GET /hub/api/users pages of 200 and the full list, whoami with a user's token
# (wrk), users created one request at a time with a token each (SINGLE=500; the durable write path), and the hub
# process's resident memory (VmRSS, and VmHWM = peak). Both hubs are called on their hub
# port directly (not through their proxies) and are left with no servers running.
#   usage: bench/api/run.sh [N=10000] [DURATION=15s]
set -euo pipefail
N=${1:-10000}
DUR=${2:-15s}
HERE=$(cd "$(dirname "$0")" && pwd)
NAME=api
. "$HERE/../hub-bench.sh"
JAR=${JAR:-$REPO/hub/target/notebook-hub.jar}
rss() { grep -E 'VmRSS|VmHWM' /proc/$1/status | awk '{printf "%s %d MiB  ", $1, $2/1024}'; }
wrkrate() { wrk -t2 -c8 -d"$DUR" -H "Authorization: token $2" "$1" | awk '/Requests\/sec/{print $2}'; }

measure() { # name base_url hub_pid
  local name=$1 base=$2 pid=$3
  local created; created=$(python3 "$HERE/client.py" "$base" "$TOKEN" create "$N")
  local usertoken; usertoken=$(python3 "$HERE/client.py" "$base" "$TOKEN" token user00001)
  python3 "$HERE/client.py" "$base" "$TOKEN" fulllist > /dev/null  # warm-up: first use of the code paths
  local full; full=$(python3 "$HERE/client.py" "$base" "$TOKEN" fulllist)
  local page; page=$(wrkrate "$base/hub/api/users?offset=5000&limit=200" "$TOKEN")
  local who; who=$(wrkrate "$base/hub/api/user" "$usertoken")
  local single; single=$(python3 "$HERE/client.py" "$base" "$TOKEN" oneByOne "${SINGLE:-500}")
  echo "$name: create $N users in bulk (10 x 1000): ${created}s | full list in pages of 200: ${full% *}s (${full#* } users)" \
       "| GET page of 200: $page req/s | whoami: $who req/s | ${SINGLE:-500} users + a token each, one request at a time: ${single}s" \
       "| $(rss "$pid")"
}

# Notebook Hub, twice: the JVM's defaults (heap up to 1/4 of RAM) and a small-footprint JVM (JAVA_OPTS_SMALL).
JAVA_OPTS_SMALL=${JAVA_OPTS_SMALL:--Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=32m \
-Xss256k -XX:MaxMetaspaceSize=80m -Dio.netty.allocator.numDirectArenas=1 -Dio.netty.allocator.numHeapArenas=1}
run_nbhub() { # label java-options
  local NB_HUB; NB_HUB=$(port)
  local dir; dir=$(mktemp -d "$WORK/nbhub.XXXX")
  NBHUB_ADMIN_TOKEN=$TOKEN NBHUB_HUB_DATA_DIR=$dir/data NBHUB_HUB_PORT=$NB_HUB NBHUB_PROXY_PORT=$(port) \
    NBHUB_PROXY_API_PORT=$(port) NBHUB_HUB_PROFILES_DIR=$REPO/profiles \
    java $2 -jar "$JAR" > "$dir/hub.log" 2>&1 &
  local pid=$!; pids+=($pid)
  wait_up "http://127.0.0.1:$NB_HUB/hub/health"
  measure "$1" "http://127.0.0.1:$NB_HUB" "$pid"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
if [ "${SKIP_NBHUB:-}" != 1 ]; then
  run_nbhub "Notebook Hub (JVM defaults)" ""
  run_nbhub "Notebook Hub (JAVA_OPTS=\"$JAVA_OPTS_SMALL\")" "$JAVA_OPTS_SMALL"
fi
[ "${SKIP_JUPYTERHUB:-}" = 1 ] && exit 0

# JupyterHub 3.0
JH_HUB=$(port)
mkdir -p "$WORK/jh"
# Debian's configurable-http-proxy finds its node modules only with NODE_PATH when node comes from elsewhere.
(cd "$WORK/jh" && NODE_PATH=${NODE_PATH:-/usr/share/nodejs} BENCH_JH_DIR=$WORK/jh BENCH_JH_HUB_PORT=$JH_HUB BENCH_JH_PROXY_PORT=$(port) \
  BENCH_JH_PROXY_API_PORT=$(port) BENCH_TOKEN=$TOKEN \
  exec jupyterhub -f "$HERE/jupyterhub_config.py" > "$WORK/jh/hub.log" 2>&1) &
pids+=($!); JHPID=$!
wait_up "http://127.0.0.1:$JH_HUB/hub/api/"
JHPY=$(pgrep -f "jupyterhub -f $HERE/jupyterhub_config.py" | head -1)
measure "JupyterHub 3.0" "http://127.0.0.1:$JH_HUB" "$JHPY"
echo "(JupyterHub's configurable-http-proxy, a separate node process, is not counted: $(rss "$(cat "$WORK/jh/proxy.pid")"))"
