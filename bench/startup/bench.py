#!/usr/bin/env python3
"""Start-up benchmark: spawn overhead, concurrent spawns and a restart with running servers, for Notebook Hub
and JupyterHub side by side in one run (see README.md beside this file). Prints one table and the ratios."""
import argparse
import concurrent.futures
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
TOKEN = "bench-startup-" + os.urandom(8).hex()
POLL = 0.005
# With many servers awaited at once, a 5 ms poll from each of 30 threads would take the CPU from the servers.
POLL_MANY = 0.05


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    """Hands a redirect back as the answer: a user's URL that is not routed yet redirects to the hub, and following
    it ends at the login page's 200, which must not count as the user's server answering."""

    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(_KeepRedirects)


def call(method, url, token=None, body=None, timeout=10):
    """(status, body) for any HTTP answer, redirects included; raises OSError when nothing answers."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if token:
        req.add_header("Authorization", "token " + token)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with OPENER.open(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def answers(url):
    try:
        return call("GET", url, timeout=2)[0] == 200
    except OSError:
        return False


def wait_until(predicate, timeout, what, poll=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return time.monotonic()
        time.sleep(poll or POLL)
    raise SystemExit("timed out after %d s waiting for %s" % (timeout, what))


class Hub:
    """What both hubs share: the REST API calls of a spawn, a stop, a restart."""

    name = ""

    def __init__(self, work, command):
        self.work = work
        self.command = command
        self.hub_port, self.proxy_port, self.api_port = free_port(), free_port(), free_port()
        self.process = None

    @property
    def api(self):
        return "http://127.0.0.1:%d/hub/api" % self.hub_port

    def routed(self, user):
        return answers("http://127.0.0.1:%d/user/%s/api" % (self.proxy_port, user))

    def create_users(self, users):
        status, body = call("POST", self.api + "/users", TOKEN, {"usernames": users})
        if status not in (201, 409):
            raise SystemExit("%s: creating users: %d %s" % (self.name, status, body[:300]))

    def spawn(self, user, poll=None):
        """Seconds from the spawn request to the server answering through the proxy."""
        t0 = time.monotonic()
        status, body = call("POST", self.api + "/users/%s/server" % user, TOKEN, timeout=120)
        if status not in (201, 202):
            raise SystemExit("%s: spawn %s: %d %s" % (self.name, user, status, body[:300]))
        return wait_until(lambda: self.routed(user), 120, "%s's route on %s" % (user, self.name), poll) - t0

    def stop(self, user):
        deadline = time.monotonic() + 120
        while True:
            status, body = call("DELETE", self.api + "/users/%s/server" % user, TOKEN, timeout=120)
            # A spawn is still being recorded after its route answers: both hubs refuse a stop until then.
            if status in (400, 409) and time.monotonic() < deadline:
                time.sleep(0.1)
                continue
            break
        if status not in (202, 204):
            raise SystemExit("%s: stop %s: %d %s" % (self.name, user, status, body[:300]))
        wait_until(lambda: not self.server_listed(user), 120, "%s's server to stop" % user)

    def server_listed(self, user):
        status, body = call("GET", self.api + "/users/" + user, TOKEN)
        return status == 200 and "" in (json.loads(body).get("servers") or {})

    def healthy(self):
        return answers(self.api + "/")

    def start(self):
        """Starts the hub; returns the time of launch."""
        raise NotImplementedError

    def kill9(self):
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def restart(self, users):
        """kill -9, start again: seconds to healthy, and to every user's route answering, both watched from launch."""
        self.kill9()
        t0 = self.start()
        # Health and the first user's route are watched side by side from launch: a proxy that outlives the hub, or
        # routes that come back before the hub's API, answer before health does.
        with concurrent.futures.ThreadPoolExecutor(2) as watch:
            healthy = watch.submit(wait_until, self.healthy, 120, self.name + " health", 0.01)
            watch.submit(wait_until, lambda: self.routed(users[0]), 120, "the first route on " + self.name,
                         0.01).result()
            # Then each route is polled until it first answers, by 16 threads; the figure is when the last one
            # answered. It includes the stand-ins' own answers: with every route already up, one look at 100 routes
            # takes 0.13-0.25 s on the 2-core build machine, whatever the client (urllib, kept-alive connections or
            # asyncio alike).
            with concurrent.futures.ThreadPoolExecutor(16) as pool:
                answered = list(pool.map(
                    lambda u: wait_until(lambda: self.routed(u), 120, "%s's route on %s" % (u, self.name), 0.02),
                    users))
            return healthy.result() - t0, max(answered) - t0

    def rss_mib(self):
        with open("/proc/%d/status" % self.process.pid) as f:
            for line in f:
                if line.startswith("VmRSS"):
                    return int(line.split()[1]) / 1024
        return 0

    def close(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()


class NotebookHub(Hub):
    name = "Notebook Hub"

    def __init__(self, work, command, java_opts):
        super().__init__(work, command)
        self.java_opts = java_opts
        self.data = os.path.join(work, "nbhub-data")

    def start(self):
        jar = os.path.join(REPO, "hub/target/notebook-hub.jar")
        archive = os.path.join(REPO, "hub/target/notebook-hub.jsa")
        cds = ["-XX:SharedArchiveFile=" + archive] if os.path.exists(archive) else []
        env = {k: v for k, v in os.environ.items() if not k.startswith("NBHUB_")}
        env.update({
            "NBHUB_ADMIN_TOKEN": TOKEN, "NBHUB_HUB_DATA_DIR": self.data,
            "NBHUB_HUB_PORT": str(self.hub_port), "NBHUB_PROXY_PORT": str(self.proxy_port),
            "NBHUB_PROXY_API_PORT": str(self.api_port), "NBHUB_HUB_PROFILES_DIR": os.path.join(REPO, "profiles"),
            "NBHUB_SPAWNER_LOCAL_COMMAND": ",".join(self.command), "NBHUB_CULLER_ENABLED": "false",
        })
        log = open(os.path.join(self.work, "nbhub.log"), "a")
        t0 = time.monotonic()
        self.process = subprocess.Popen(["java"] + self.java_opts + cds + ["-jar", jar], env=env, stdout=log,
                                        stderr=subprocess.STDOUT, cwd=self.work)
        return t0

    def healthy(self):
        return answers("http://127.0.0.1:%d/hub/health" % self.hub_port)


class JupyterHub(Hub):
    def __init__(self, work, command, jupyterhub):
        super().__init__(work, command)
        # Absolute, for it is started in its own folder.
        self.jupyterhub = os.path.abspath(jupyterhub)
        version = subprocess.run([self.jupyterhub, "--version"], capture_output=True, text=True).stdout.strip()
        self.name = "JupyterHub " + version
        self.dir = os.path.join(work, "jupyterhub")
        os.makedirs(self.dir, exist_ok=True)

    def start(self):
        env = dict(os.environ)
        env.update({
            "BENCH_JH_DIR": self.dir, "BENCH_JH_HUB_PORT": str(self.hub_port),
            "BENCH_JH_PROXY_PORT": str(self.proxy_port), "BENCH_JH_PROXY_API_PORT": str(self.api_port),
            "BENCH_TOKEN": TOKEN, "BENCH_CMD": json.dumps(self.command),
            "NODE_PATH": env.get("NODE_PATH", "/usr/share/nodejs"),
        })
        log = open(os.path.join(self.dir, "hub.log"), "a")
        t0 = time.monotonic()
        self.process = subprocess.Popen([self.jupyterhub, "-f", os.path.join(HERE, "jupyterhub_config.py")],
                                        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=self.dir)
        return t0

    def kill9(self):
        # The proxy is JupyterHub's own process and keeps running, as the chart's does.
        super().kill9()

    def close(self):
        super().close()
        try:
            with open(os.path.join(self.dir, "proxy.pid")) as f:
                os.kill(int(f.read().strip()), signal.SIGTERM)
        except (OSError, ValueError):
            pass


def alone(command, user, hub, poll=None):
    """Seconds from launching the notebook server by hand (the hub's environment for it) to its first answer."""
    # The port is free when chosen but can be taken before the server binds it (by one of the many connections the
    # polls open): a server that exits before answering is launched again on another port, timed from that launch.
    for _ in range(3):
        port = free_port()
        prefix = "/user/%s/" % user
        env = dict(os.environ)
        env.update({
            "JUPYTERHUB_SERVICE_PREFIX": prefix, "JUPYTERHUB_API_URL": hub.api, "JUPYTERHUB_API_TOKEN": TOKEN,
            "JUPYTERHUB_CLIENT_ID": "jupyterhub-user-" + user, "JUPYTERHUB_USER": user,
            "JUPYTERHUB_OAUTH_CALLBACK_URL": prefix + "oauth_callback", "JUPYTERHUB_BASE_URL": "/",
            "JUPYTERHUB_SERVICE_URL": "http://127.0.0.1:%d%s" % (port, prefix),
        })
        home = tempfile.mkdtemp(prefix="alone-", dir=hub.work)
        env["HOME"] = home
        t0 = time.monotonic()
        p = subprocess.Popen(command + ["--ip=127.0.0.1", "--port=%d" % port, "--allow-root"], env=env, cwd=home,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            t = wait_until(lambda: answers("http://127.0.0.1:%d%sapi" % (port, prefix)) or p.poll() is not None,
                           120, "a server alone", poll)
            if p.poll() is None:
                return t - t0
        finally:
            p.terminate()
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                # Seen once: a notebook server 6.4 that did not end on SIGTERM held the whole run.
                p.kill()
                p.wait()
    raise SystemExit("a server alone exited before answering three times (port %d last)" % port)


def median(xs):
    return statistics.median(xs)


def p(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def spawn_rounds(hubs, command, rounds, warmup):
    times = {"alone": []}
    for h in hubs:
        times[h.name] = []
        h.create_users(["spawn%d" % i for i in range(rounds)] + ["warm%d" % i for i in range(warmup)])
    # Untimed first rounds, alike for all: a hub in use has spawned before. The first spawns of a fresh JVM run its code
    # interpreted and compile it meanwhile; a fresh JupyterHub imports its spawner's modules; the first server alone
    # reads its files from disk.
    for i in range(warmup):
        alone(command, "alonewarm%d" % i, hubs[0])
        for h in hubs:
            h.spawn("warm%d" % i)
            h.stop("warm%d" % i)
    for i in range(rounds):  # interleaved, so the machine's load falls on all alike
        times["alone"].append(alone(command, "alone%d" % i, hubs[0]))
        for h in hubs:
            user = "spawn%d" % i
            times[h.name].append(h.spawn(user))
            h.stop(user)
    return times


def concurrent_spawns(hubs, command, n):
    result = {}
    with concurrent.futures.ThreadPoolExecutor(n) as pool:
        t0 = time.monotonic()
        list(pool.map(lambda i: alone(command, "many%d" % i, hubs[0], POLL_MANY), range(n)))
        result["alone"] = time.monotonic() - t0
    for h in hubs:
        users = ["many%d" % i for i in range(n)]
        h.create_users(users)
        with concurrent.futures.ThreadPoolExecutor(n) as pool:
            t0 = time.monotonic()
            list(pool.map(lambda u: h.spawn(u, POLL_MANY), users))
            result[h.name] = time.monotonic() - t0
        list(concurrent.futures.ThreadPoolExecutor(n).map(h.stop, users))
    return result


def restart_with_servers(hub, n, restarts=1, pause=0):
    """Starts n servers, kills and restarts the hub `restarts` times with them running (`pause` seconds before each,
    for the previous start's compilations and adoption to settle), stops them; (healthy, every route) per restart."""
    users = ["running%d" % i for i in range(n)]
    hub.create_users(users)
    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        list(pool.map(lambda u: hub.spawn(u, POLL_MANY), users))
    results = []
    for _ in range(restarts):
        time.sleep(pause)
        results.append(hub.restart(users))
    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        list(pool.map(hub.stop, users))
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=10, help="interleaved single spawns (default 10)")
    ap.add_argument("--warmup", type=int, default=2, help="untimed spawns of each before the rounds (default 2)")
    ap.add_argument("--concurrent", type=int, default=30, help="spawns at once (default 30)")
    ap.add_argument("--running", type=int, default=100, help="servers running across the restart (default 100)")
    ap.add_argument("--singleuser", default="/usr/bin/jupyterhub-singleuser", help="the notebook server command")
    ap.add_argument("--jupyterhub", default=os.environ.get("JUPYTERHUB", "/usr/bin/jupyterhub"),
                    help="the JupyterHub to compare with ('' for none)")
    ap.add_argument("--java-opts", default=os.environ.get("HUB_JAVA_OPTS", ""), help="JVM options for our hub")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="bench-startup-")
    command = [args.singleuser]
    standin = [sys.executable, os.path.join(HERE, "standin_server.py")]
    hubs = [NotebookHub(work, command, args.java_opts.split())]
    if args.jupyterhub:
        hubs.append(JupyterHub(work, command, args.jupyterhub))
    try:
        for h in hubs:
            h.start()
            wait_until(h.healthy, 120, h.name)
        rounds = spawn_rounds(hubs, command, args.rounds, args.warmup)
        many = concurrent_spawns(hubs, command, args.concurrent)
        restarts = {}
        for h in hubs:
            h.command = standin
            h.close()
            h.start()
            wait_until(h.healthy, 120, h.name)
            restarts[h.name] = restart_with_servers(h, args.running)[0]
        rss = {h.name: h.rss_mib() for h in hubs}
    finally:
        for h in hubs:
            h.close()

    base = median(rounds["alone"])
    print("\n## Start-up benchmark (%s, %d cores, load average %.1f)\n" % (
        time.strftime("%Y-%m-%d %H:%M"), os.cpu_count(), os.getloadavg()[0]))
    print("notebook server: %s; %d interleaved spawns after %d untimed each, %d at once, restart (kill -9) with %d "
          "running stand-in servers\n" % (args.singleuser, args.rounds, args.warmup, args.concurrent, args.running))
    print("| | spawn → routable, median (p90) s | ÷ server alone | %d at once, s | ÷ alone at once "
          "| restart → healthy s | → all %d routes s | RSS after, MiB |" % (args.concurrent, args.running))
    print("|---|---|---|---|---|---|---|---|")
    print("| server alone | %.3f (%.3f) | 1.00 | %.2f | 1.00 | | | |" % (
        base, p(rounds["alone"], 0.9), many["alone"]))
    for h in hubs:
        t = rounds[h.name]
        healthy, routed = restarts[h.name]
        print("| %s | %.3f (%.3f) | %.2f | %.2f | %.2f | %.2f | %.2f | %.0f |" % (
            h.name, median(t), p(t, 0.9), median(t) / base, many[h.name], many[h.name] / many["alone"],
            healthy, routed, rss[h.name]))
    print("\nspawn → routable, each round in order, s:")
    for name, t in rounds.items():
        print("- %s: %s" % (name, " ".join("%.3f" % x for x in t)))
    if len(hubs) > 1:
        a, b = hubs[0].name, hubs[1].name
        ready = {h: max(restarts[h]) for h in (a, b)}
        print("\nrestart to healthy with every route working: %s %.2f s, %s %.2f s (%.2f×)" % (
            a, ready[a], b, ready[b], ready[b] / ready[a]))


if __name__ == "__main__":
    main()
