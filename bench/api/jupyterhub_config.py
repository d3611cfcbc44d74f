# JupyterHub 3.0 (Debian's) set up for the API benchmark: sqlite, loopback ports, dummy login, a spawner
# that never starts anything, and an admin service whose token drives the API. Ports and folder come from
# the environment that run.sh sets.
import os

from jupyterhub.spawner import Spawner

work = os.environ["BENCH_JH_DIR"]


class NullSpawner(Spawner):
    """Nothing is spawned in this benchmark; the API is exercised without servers."""

    async def start(self):
        return ("127.0.0.1", 1)

    async def stop(self, now=False):
        pass

    async def poll(self):
        return 0


c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(os.environ["BENCH_JH_PROXY_PORT"])
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ["BENCH_JH_HUB_PORT"])
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:%s" % os.environ["BENCH_JH_PROXY_API_PORT"]
c.JupyterHub.db_url = "sqlite:///" + os.path.join(work, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(work, "cookie_secret")
c.JupyterHub.pid_file = os.path.join(work, "jupyterhub.pid")
c.ConfigurableHTTPProxy.pid_file = os.path.join(work, "proxy.pid")
c.JupyterHub.authenticator_class = "dummy"
c.JupyterHub.spawner_class = NullSpawner
c.JupyterHub.cleanup_servers = True
c.JupyterHub.services = [{"name": "bench", "api_token": os.environ["BENCH_TOKEN"]}]
c.JupyterHub.load_roles = [{"name": "admin", "services": ["bench"]}]
c.JupyterHub.log_level = "WARN"
