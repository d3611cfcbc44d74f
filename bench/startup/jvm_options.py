#!/usr/bin/env python3
"""Compares JVM options for our hub (see README.md beside this file): spawns interleaved with the server alone, and
kill -9 restarts with running stand-in servers, each set of options in turn. Prints medians per set."""
import argparse
import os
import statistics
import sys
import tempfile

import bench


def jvm(options):
    """The options as arguments; an @argfile's relative path is taken from here (the hub runs in its own folder)."""
    return ["@" + os.path.abspath(o[1:]) if o.startswith("@") else o for o in options.split()]


def restarts(options, rounds, per_round, running):
    """(healthy, every route) of rounds × per_round restarts per set, the option sets alternating by round."""
    standin = [sys.executable, os.path.join(bench.HERE, "standin_server.py")]
    results = {o: [] for o in options}
    for _ in range(rounds):
        for o in options:
            hub = bench.NotebookHub(tempfile.mkdtemp(prefix="bench-jvm-"), standin, jvm(o))
            try:
                hub.start()
                bench.wait_until(hub.healthy, 120, "the hub")
                results[o] += bench.restart_with_servers(hub, running, per_round, pause=2)
            finally:
                hub.close()
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("options", nargs="+", help="JVM options of each hub, one string per set, e.g. "
                    "'@.ci/small-jvm.options' '@.ci/small-jvm.options -XX:TieredStopAtLevel=1'")
    ap.add_argument("--spawns", type=int, default=20, help="interleaved spawns of each (default 20)")
    ap.add_argument("--rounds", type=int, default=3, help="restart rounds, the sets alternating (default 3)")
    ap.add_argument("--restarts", type=int, default=5, help="restarts per round (default 5)")
    ap.add_argument("--running", type=int, default=100, help="servers running across a restart (default 100)")
    ap.add_argument("--singleuser", default="/usr/bin/jupyterhub-singleuser", help="the notebook server command")
    args = ap.parse_args()
    os.environ.setdefault("MALLOC_ARENA_MAX", "2")  # as .ci/start
    command = [args.singleuser]
    if args.spawns:
        hubs = []
        for i, o in enumerate(args.options):
            hub = bench.NotebookHub(tempfile.mkdtemp(prefix="bench-jvm-"), command, jvm(o))
            hub.name = "options %d" % (i + 1)
            hubs.append(hub)
        try:
            for hub in hubs:
                hub.start()
                bench.wait_until(hub.healthy, 120, hub.name)
            spawns = bench.spawn_rounds(hubs, command, args.spawns, 2)
        finally:
            for hub in hubs:
                hub.close()
        alone = statistics.median(spawns["alone"])
        print("spawn → routable, median of %d: server alone %.3f s" % (args.spawns, alone))
        for hub, o in zip(hubs, args.options):
            m = statistics.median(spawns[hub.name])
            print("  %.3f s = %.3f× alone   %s" % (m, m / alone, o))
    if args.rounds:
        results = restarts(args.options, args.rounds, args.restarts, args.running)
        print("kill -9 restart with %d servers, median of %d: healthy / every route" % (
            args.running, args.rounds * args.restarts))
        for o, rs in results.items():
            print("  %.3f / %.3f s (every route ≤ 1.0 s in %d)   %s" % (
                statistics.median(r[0] for r in rs), statistics.median(r[1] for r in rs),
                sum(r[1] <= 1.0 for r in rs), o))


if __name__ == "__main__":
    main()
