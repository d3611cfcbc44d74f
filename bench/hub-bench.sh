# Sourced by the hub benchmarks (bench/api, bench/footprint): wrk, the repository, a work folder, an admin token, free
# ports, processes stopped on exit, waiting for a URL. The caller sets HERE to its own folder and NAME.
REPO=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d "/tmp/bench-$NAME.XXXX")
TOKEN=bench-admin-token-$(openssl rand -hex 8)
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
wait_up() { for _ in $(seq 1 240); do curl -sf "$1" >/dev/null && return 0; sleep 0.5; done; echo "not up: $1"; exit 1; }
# wrk drives the load: Debian's package, installed on first use when run as root (it is no dependency of the tests).
if ! command -v wrk >/dev/null; then
  [ "$(id -u)" = 0 ] || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
  echo "installing wrk with apt-get" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null; }
fi
