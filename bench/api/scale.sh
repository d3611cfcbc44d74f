#!/bin/bash
# Speed at scale: Notebook Hub with USERS users and SERVERS running servers in its store (seeded, adopted at
# start-up like servers that outlived a hub restart; all point at one stand-in process). Measures a page of 200
# users, the culler's state=ready listing (one page, and the whole listing), whoami, and starting and stopping
# one real notebook server while the others run.
#   usage: bench/api/scale.sh [USERS=50000] [SERVERS=2000] [DURATION=15s]
set -euo pipefail
USERS=${1:-50000}
SERVERS=${2:-2000}
DUR=${3:-15s}
HERE=$(cd "$(dirname "$0")" && pwd)
NAME=scale
. "$HERE/../hub-bench.sh"
JAR=${JAR:-$REPO/hub/target/notebook-hub.jar}

# The stand-in every seeded server points at: a process in its own process group, answering HTTP.
STANDIN_PORT=$(port)
setsid python3 -m http.server "$STANDIN_PORT" --bind 127.0.0.1 --directory "$WORK" > /dev/null 2>&1 &
STANDIN=$!; pids+=($STANDIN)
java -cp "$JAR" "$HERE/Seed.java" "$WORK/data" "$USERS" "$SERVERS" "$STANDIN" "$STANDIN_PORT"

HUB=$(port)
NBHUB_ADMIN_TOKEN=$TOKEN NBHUB_HUB_DATA_DIR=$WORK/data NBHUB_HUB_PORT=$HUB NBHUB_PROXY_PORT=$(port) \
  NBHUB_PROXY_API_PORT=$(port) NBHUB_HUB_PROFILES_DIR=$REPO/profiles \
  java ${JAVA_OPTS:-} -jar "$JAR" > "$WORK/hub.log" 2>&1 &
HUBPID=$!; pids+=($HUBPID)
wait_up "http://127.0.0.1:$HUB/hub/health"
B=http://127.0.0.1:$HUB
# Health answers before the adoption of the seeded servers is done.
for _ in $(seq 1 120); do grep -q "after restart: " "$WORK/hub.log" && break; sleep 0.5; done
grep -o "after restart: .*" "$WORK/hub.log" | head -1 || true
wrkrate() { wrk -t2 -c8 -d"$DUR" --latency -H "Authorization: token $2" "$1" | awk '/Requests\/sec/{r=$2} / 50%/{p50=$2} / 99%/{p99=$2} END{print r " req/s (p50 " p50 ", p99 " p99 ")"}'; }
USERTOKEN=$(python3 "$HERE/client.py" "$B" "$TOKEN" token user00001)
echo "users page of 200 (offset $((USERS / 2))): $(wrkrate "$B/hub/api/users?offset=$((USERS / 2))&limit=200" "$TOKEN")"
echo "state=ready page of 200: $(wrkrate "$B/hub/api/users?state=ready&offset=1000&limit=200" "$TOKEN")"
echo "whoami: $(wrkrate "$B/hub/api/user" "$USERTOKEN")"
echo "whole state=ready listing in pages of 200 (s, users): $(python3 "$HERE/client.py" "$B" "$TOKEN" fulllist ready)"
echo "whole listing of $USERS users in pages of 200 (s, users): $(python3 "$HERE/client.py" "$B" "$TOKEN" fulllist)"
curl -sf -XPOST -H "Authorization: token $TOKEN" "$B/hub/api/users/realuser" -o /dev/null
echo "start one real server (POST until 201): $(curl -s -o /dev/null -w '%{http_code} in %{time_total}s' -XPOST \
  -H "Authorization: token $TOKEN" -d '{}' "$B/hub/api/users/realuser/server")"
echo "stop it (DELETE until 204): $(curl -s -o /dev/null -w '%{http_code} in %{time_total}s' -XDELETE \
  -H "Authorization: token $TOKEN" "$B/hub/api/users/realuser/server")"
grep -E 'VmRSS|VmHWM' /proc/$HUBPID/status | tr -s ' \n' ' '; echo
