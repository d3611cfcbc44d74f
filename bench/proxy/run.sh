#!/usr/bin/env bash
# Proxy benchmark (not a test): nginx serving a small file and a 100 KB file on loopback, measured with
# wrk directly, through configurable-http-proxy 5.3, through nginx as a reverse proxy with upstream
# keep-alive, and through our proxy with 1 route and with 10,000 routes; then WebSocket echo messages/s
# through each, the time to register 10,000 routes, and resident memory at rest and after a soak of
# open WebSockets.
#
# Usage: bench/proxy/run.sh [--duration S] [--warmup S] [--soak S] [--soak-sockets N] [--conns "64 256"] [--threads N]
#   --duration      seconds per wrk run (default 15)
#   --warmup        unrecorded wrk seconds before each target's runs (default 5)
#   --soak          seconds the WebSockets stay open in the soak (default 600)
#   --soak-sockets  WebSockets opened in the soak (default 2000)
# Results go to bench/proxy/results/<timestamp>/ (gitignored) and a summary to stdout.
set -euo pipefail
cd "$(dirname "$0")"
HERE=$(pwd)
ROOT=$(cd ../.. && pwd)

DURATION=15; WARMUP=5; SOAK=600; SOAK_SOCKETS=2000; CONNS="64 256"; THREADS=2
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --soak) SOAK=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --soak-sockets) SOAK_SOCKETS=$2; shift 2 ;;
    --conns) CONNS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

for tool in nginx wrk node npm java mvn curl python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done

# Tools: CHP 5.3 and ws, into the gitignored .tools folder.
if [ ! -x .tools/node_modules/.bin/configurable-http-proxy ] || [ ! -d .tools/node_modules/ws ]; then
  mkdir -p .tools
  [ -f .tools/package.json ] || echo '{"name":"proxy-bench-tools","private":true}' > .tools/package.json
  (cd .tools && npm install --silent --no-audit --no-fund configurable-http-proxy@5.3.0 ws@8)
fi
CHP=$HERE/.tools/node_modules/.bin/configurable-http-proxy

# Our proxy: the module's classes and its runtime classpath (no hub jar needed).
(cd "$ROOT" && mvn -B -q -pl proxy -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile="$HERE/.tools/proxy.classpath" -Dmdep.includeScope=runtime)
OURS_CP="$ROOT/proxy/target/classes:$(cat .tools/proxy.classpath)"
JAVA_OPTS=${JAVA_OPTS:-"-Xms32m -Xmx256m -XX:+UseParallelGC"}

RUN=$HERE/results/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$RUN/www" "$RUN/nginx"
head -c 13 /dev/zero | tr '\0' 'x' > "$RUN/www/small.txt"
head -c 102400 /dev/urandom > "$RUN/www/100k.bin"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
wait_http() { for _ in $(seq 1 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.2; done; echo "no answer from $1" >&2; return 1; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

ORIGIN=$(free_port); NGPROXY=$(free_port); WSECHO=$(free_port)
ORIGIN_URL=http://127.0.0.1:$ORIGIN

nginx_conf() { # name listen-block
  cat > "$RUN/nginx/$1.conf" <<NGX
worker_processes auto;
pid $RUN/nginx/$1.pid;
error_log $RUN/nginx/$1.error.log warn;
daemon off;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $RUN/nginx/$1-body; proxy_temp_path $RUN/nginx/$1-proxy;
  fastcgi_temp_path $RUN/nginx/$1-fcgi; uwsgi_temp_path $RUN/nginx/$1-uwsgi; scgi_temp_path $RUN/nginx/$1-scgi;
  keepalive_requests 1000000;
  map \$http_upgrade \$connection_upgrade { default upgrade; '' ''; }
  $2
}
NGX
}
# The proxy's buffers hold a whole 100 KB response in memory (nginx's defaults would spill it to a temp file).
# Origin: any path ending in small.txt or 100k.bin (so /user/u7777/small.txt works with 10,000 routes).
nginx_conf origin "server { listen 127.0.0.1:$ORIGIN; root $RUN/www;
    location / { rewrite ^.*/(small\.txt|100k\.bin)\$ /\$1 break; } }"
nginx_conf proxy "upstream origin { server 127.0.0.1:$ORIGIN; keepalive 512; }
  upstream wsecho { server 127.0.0.1:$WSECHO; keepalive 64; }
  server { listen 127.0.0.1:$NGPROXY;
    location /ws { proxy_pass http://wsecho; proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade; proxy_set_header Connection \$connection_upgrade; proxy_read_timeout 3600s; }
    location / { proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection '';
      proxy_buffer_size 16k; proxy_buffers 8 16k; proxy_busy_buffers_size 32k;
      proxy_set_header Host \$host; proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for; } }"
nginx -c "$RUN/nginx/origin.conf" -e "$RUN/nginx/origin.error.log" & PIDS+=($!)
nginx -c "$RUN/nginx/proxy.conf" -e "$RUN/nginx/proxy.error.log" & PIDS+=($!)
node helpers.mjs server "$WSECHO" > "$RUN/wsecho.log" 2>&1 & PIDS+=($!)
wait_http "$ORIGIN_URL/small.txt"; wait_http "http://127.0.0.1:$NGPROXY/small.txt"; wait_http "http://127.0.0.1:$WSECHO/"

TOKEN=bench-token
start_chp() { # port apiport
  CONFIGPROXY_AUTH_TOKEN=$TOKEN "$CHP" --ip 127.0.0.1 --port "$1" --api-ip 127.0.0.1 --api-port "$2" \
    --default-target "$ORIGIN_URL" --log-level error > "$RUN/chp-$1.log" 2>&1 &
  CHP_PID=$!; PIDS+=($CHP_PID)
  wait_http "http://127.0.0.1:$1/small.txt"
}
start_ours() { # port apiport
  # shellcheck disable=SC2086
  CONFIGPROXY_AUTH_TOKEN=$TOKEN java $JAVA_OPTS -cp "$OURS_CP" io.notebookhub.proxy.ProxyCommand --ip 127.0.0.1 \
    --port "$1" --api-ip 127.0.0.1 --api-port "$2" --default-target "$ORIGIN_URL" --log-level warn > "$RUN/ours-$1.log" 2>&1 &
  OURS_PID=$!; PIDS+=($OURS_PID)
  wait_http "http://127.0.0.1:$1/small.txt"
}
add_ws_route() { # apiport
  curl -s -o /dev/null -X POST -H "Authorization: token $TOKEN" -d "{\"target\": \"http://127.0.0.1:$WSECHO\"}" \
    "http://127.0.0.1:$1/api/routes/ws"
}

SUMMARY=$RUN/summary.tsv
printf "target\tfile\tconns\treq_per_s\tp50_ms\tp99_ms\n" > "$SUMMARY"
to_ms() { # wrk latency like 1.23ms / 456.00us / 1.02s
  python3 -c "import sys; v=sys.argv[1]; print(round(float(v[:-2])/1000,3) if v.endswith('us') else round(float(v[:-2]),3) if v.endswith('ms') else round(float(v[:-1])*1000,3))" "$1"
}
bench_http() { # label base-url path-prefix
  # Unrecorded warm-up (the JVM compiles its hot paths here; the others lose nothing by it).
  wrk -t "$THREADS" -c 64 -d "${WARMUP}s" "$2$3/small.txt" > /dev/null 2>&1 || true
  wrk -t "$THREADS" -c 64 -d "${WARMUP}s" "$2$3/100k.bin" > /dev/null 2>&1 || true
  for file in small.txt 100k.bin; do
    for c in $CONNS; do
      out=$RUN/wrk-$1-$file-$c.txt
      wrk -t "$THREADS" -c "$c" -d "${DURATION}s" --latency "$2$3/$file" > "$out" 2>&1 || true
      rps=$(awk '/Requests\/sec/ {print $2}' "$out")
      p50=$(awk '$1=="50%" {print $2}' "$out"); p99=$(awk '$1=="99%" {print $2}' "$out")
      errs=$(grep -E "Non-2xx|Socket errors" "$out" | tr '\n' ' ' || true)
      printf "%s\t%s\t%s\t%s\t%s\t%s\n" "$1" "$file" "$c" "${rps:-0}" "$(to_ms "${p50:-0ms}")" "$(to_ms "${p99:-0ms}")" >> "$SUMMARY"
      echo "$1 $file c=$c: ${rps:-?} req/s, p50 ${p50:-?}, p99 ${p99:-?} ${errs}"
    done
  done
}
ws_echo() { # label ws-url
  r=$(node helpers.mjs echo "$2" 64 "$DURATION")
  echo "$1 websocket echo (64 sockets): $r"
  printf "%s\t%s\n" "$1" "$r" >> "$RUN/ws.tsv"
}
soak() { # label ws-url pid
  rest=$(rss_kb "$3")
  fifo=$RUN/soak-$1.out
  node helpers.mjs soak "$2" "$SOAK_SOCKETS" "$SOAK" > "$fifo" 2>&1 & SOAK_PID=$!
  # RSS about once a minute while the sockets are held (all are open within seconds): flat means the samples agree.
  series=""; t=0
  while ! grep -q open_at_end "$fifo" 2>/dev/null && [ $t -lt $((SOAK * 10 + 6000)) ]; do
    sleep 0.1; t=$((t + 1))
    if [ $((t % 600)) -eq 0 ]; then series="$series $(rss_kb "$3")"; fi
  done
  after=$(rss_kb "$3")
  kill "$SOAK_PID" 2>/dev/null || true; wait "$SOAK_PID" 2>/dev/null || true
  echo "$1 soak ${SOAK_SOCKETS} WebSockets ${SOAK}s: RSS before ${rest} kB, each minute:${series:- (none)} kB, at the end ${after} kB; $(cat "$fifo")"
  printf "%s\t%s\t%s\t%s\t%s\n" "$1" "$rest" "${series# }" "$after" "$(cat "$fifo")" >> "$RUN/memory.tsv"
}

echo "== run in $RUN (wrk ${DURATION}s x conns [$CONNS], $THREADS threads; soak ${SOAK_SOCKETS} sockets ${SOAK}s)"
echo "== nginx direct"
bench_http nginx-direct "$ORIGIN_URL" ""
ws_echo ws-direct "ws://127.0.0.1:$WSECHO/ws"

echo "== nginx as reverse proxy (upstream keepalive)"
bench_http nginx-proxy "http://127.0.0.1:$NGPROXY" ""
ws_echo ws-nginx-proxy "ws://127.0.0.1:$NGPROXY/ws"

for impl in chp ours; do
  P=$(free_port); A=$(free_port)
  echo "== $impl, 1 route"
  if [ "$impl" = chp ]; then start_chp "$P" "$A"; PID=$CHP_PID; else start_ours "$P" "$A"; PID=$OURS_PID; fi
  sleep 2
  echo "$impl RSS at rest: $(rss_kb "$PID") kB" | tee -a "$RUN/memory-rest.txt"
  bench_http "$impl-1route" "http://127.0.0.1:$P" ""
  r=$(node helpers.mjs routes "http://127.0.0.1:$A" "$TOKEN" 10000 "$ORIGIN_URL")
  echo "$impl register 10,000 routes: $r" | tee -a "$RUN/routes.txt"
  echo "== $impl, 10,000 routes"
  bench_http "$impl-10k" "http://127.0.0.1:$P" "/user/u7777"
  add_ws_route "$A"
  ws_echo "ws-$impl" "ws://127.0.0.1:$P/ws"
  soak "$impl" "ws://127.0.0.1:$P/ws" "$PID"
  kill "$PID"; wait "$PID" 2>/dev/null || true
done

echo
echo "== summary (req/s, p50 ms, p99 ms)"
column -t -s $'\t' "$SUMMARY"
python3 - "$SUMMARY" <<'PY'
import csv, sys
rows = {}
for r in csv.DictReader(open(sys.argv[1]), delimiter='\t'):
    rows[(r['target'], r['file'], r['conns'])] = r
print("\n== ratios of ours")
for (t, f, c), r in sorted(rows.items()):
    if not t.startswith('ours'):
        continue
    chp = rows.get(('chp-' + t.split('-', 1)[1], f, c)); ngx = rows.get(('nginx-proxy', f, c))
    ours = float(r['req_per_s'] or 0)
    def ratio(o):
        return f"{ours / float(o['req_per_s']):.2f}" if o and float(o['req_per_s'] or 0) > 0 else "n/a"
    p99_vs_chp = f"p99 {r['p99_ms']} ms vs CHP {chp['p99_ms']} ms" if chp else ""
    print(f"{t:10} {f:9} c={c:4}  ours/CHP {ratio(chp):>6}  ours/nginx-proxy {ratio(ngx):>5}  {p99_vs_chp}")
PY
