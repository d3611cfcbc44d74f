# JupyterHub for the start-up benchmark: loopback ports, sqlite, dummy login, the local-process spawner with
# the same notebook server command as Notebook Hub, servers kept across a hub restart, and an admin service whose
# token drives the API. Ports, folder and command come from the environment that bench.py sets.
import json
import os

work = os.environ["BENCH_JH_DIR"]

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(os.environ["BENCH_JH_PROXY_PORT"])
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ["BENCH_JH_HUB_PORT"])
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:%s" % os.environ["BENCH_JH_PROXY_API_PORT"]
c.ConfigurableHTTPProxy.should_start = True
c.JupyterHub.db_url = "sqlite:///" + os.path.join(work, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(work, "cookie_secret")
c.JupyterHub.pid_file = os.path.join(work, "jupyterhub.pid")
c.ConfigurableHTTPProxy.pid_file = os.path.join(work, "proxy.pid")
c.JupyterHub.authenticator_class = "dummy"
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(work, "homes", "{username}")
c.Spawner.cmd = json.loads(os.environ["BENCH_CMD"])
c.Spawner.args = ["--allow-root"]
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 120
c.JupyterHub.cleanup_servers = False
c.JupyterHub.cleanup_proxy = False
c.JupyterHub.services = [{"name": "bench", "api_token": os.environ["BENCH_TOKEN"]}]
c.JupyterHub.load_roles = [{"name": "admin", "services": ["bench"]}]
c.JupyterHub.log_level = "WARN"
