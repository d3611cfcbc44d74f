"""Benchmark client: bulk user creation and full-list paging against a JupyterHub-compatible REST API.

usage: client.py BASE_URL ADMIN_TOKEN create N | oneByOne N | fulllist [STATE] | token USER
"""
import json
import sys
import time
import urllib.request

base, token, what = sys.argv[1], sys.argv[2], sys.argv[3]


def call(method, path, body=None, accept=None):
    req = urllib.request.Request(base + path, method=method,
                                 data=None if body is None else json.dumps(body).encode())
    req.add_header("Authorization", "token " + token)
    if accept:
        req.add_header("Accept", accept)
    with urllib.request.urlopen(req, timeout=600) as r:
        return r.status, r.read()


if what == "create":
    n = int(sys.argv[4])
    names = ["user%05d" % i for i in range(n)]
    t0 = time.perf_counter()
    for i in range(0, n, 1000):
        status, _ = call("POST", "/hub/api/users", {"usernames": names[i:i + 1000]})
        assert status == 201, status
    print("%.2f" % (time.perf_counter() - t0))
elif what == "oneByOne":
    # The write path one request at a time, as automation does it: a user, then a token for them. Each is a commit
    # the hub must keep, so this is where durability costs show.
    n = int(sys.argv[4])
    t0 = time.perf_counter()
    for i in range(n):
        name = "single%05d" % i
        status, _ = call("POST", "/hub/api/users/" + name)
        assert status == 201, status
        status, _ = call("POST", "/hub/api/users/%s/tokens" % name, {"note": "bench"})
        assert status in (200, 201), status
    print("%.2f" % (time.perf_counter() - t0))
elif what == "fulllist":
    state = "&state=" + sys.argv[4] if len(sys.argv) > 4 else ""
    t0 = time.perf_counter()
    seen, offset = 0, 0
    while True:
        _, body = call("GET", "/hub/api/users?offset=%d&limit=200%s" % (offset, state),
                       accept="application/jupyterhub-pagination+json")
        page = json.loads(body)
        seen += len(page["items"])
        nxt = page["_pagination"]["next"]
        if not nxt:
            break
        offset = nxt["offset"]
    print("%.2f %d" % (time.perf_counter() - t0, seen))
elif what == "token":
    _, body = call("POST", "/hub/api/users/%s/tokens" % sys.argv[4], {"note": "bench"})
    print(json.loads(body)["token"])
