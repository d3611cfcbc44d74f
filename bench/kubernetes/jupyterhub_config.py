# JupyterHub 5 with KubeSpawner 7 for bench/kubernetes: loopback ports, sqlite, dummy login, an admin service
# whose token drives the API, configurable-http-proxy started by the hub. The pod is what Notebook Hub's is: a
# claim per user mounted at the home folder, uid 1000, fs group 100, the same single-user command. Ports, folder,
# namespace and command come from the environment that ClusterSpawnBench sets; KUBECONFIG holds the hub's
# ServiceAccount token.
import os

work = os.environ["BENCH_JH_DIR"]

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(os.environ["BENCH_JH_PROXY_PORT"])
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ["BENCH_JH_HUB_PORT"])
c.JupyterHub.hub_connect_ip = "127.0.0.1"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:%s" % os.environ["BENCH_JH_PROXY_API_PORT"]
c.ConfigurableHTTPProxy.auth_token = os.environ["BENCH_PROXY_TOKEN"]
c.ConfigurableHTTPProxy.pid_file = os.path.join(work, "proxy.pid")
c.JupyterHub.db_url = "sqlite:///" + os.path.join(work, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(work, "cookie_secret")
c.JupyterHub.pid_file = os.path.join(work, "jupyterhub.pid")
c.JupyterHub.authenticator_class = "dummy"
c.JupyterHub.services = [{"name": "bench", "api_token": os.environ["BENCH_TOKEN"]}]
c.JupyterHub.load_roles = [{"name": "admin", "services": ["bench"]}]
c.JupyterHub.cleanup_servers = True
# Every spawn at once, as Notebook Hub takes them (JupyterHub's default allows 100 pending spawns).
c.JupyterHub.concurrent_spawn_limit = 0
c.JupyterHub.log_level = "WARN"

c.JupyterHub.spawner_class = "kubespawner.KubeSpawner"
c.KubeSpawner.namespace = os.environ["BENCH_NAMESPACE"]
c.KubeSpawner.image = "quay.io/jupyterhub/k8s-singleuser-sample:4.0.0"
c.KubeSpawner.cmd = [os.environ["BENCH_SINGLEUSER"]]
c.KubeSpawner.uid = 1000
c.KubeSpawner.fs_gid = 100
c.KubeSpawner.storage_pvc_ensure = True
c.KubeSpawner.storage_capacity = "10Gi"
c.KubeSpawner.pvc_name_template = "claim-{user_server}"
c.KubeSpawner.volumes = [{"name": "home", "persistentVolumeClaim": {"claimName": "{pvc_name}"}}]
c.KubeSpawner.volume_mounts = [{"name": "home", "mountPath": "/home/jovyan"}]
c.KubeSpawner.start_timeout = 600
c.KubeSpawner.http_timeout = 600
