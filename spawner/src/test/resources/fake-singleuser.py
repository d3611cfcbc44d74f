# A stand-in for jupyterhub-singleuser in the local spawner's unit tests: it takes the same --ip/--port
# arguments, answers HTTP after FAKE_READY_DELAY seconds, and starts a child in its own session as a kernel does.
# FAKE_SILENT=1: it listens on its port but never answers.
import os
import socket
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

args = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
subprocess.Popen(["sleep", "600"], start_new_session=True)
time.sleep(float(os.environ.get("FAKE_READY_DELAY", "0")))


class Answer(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


if os.environ.get("FAKE_SILENT") == "1":
    silent = socket.create_server((args["ip"], int(args["port"])))
    time.sleep(600)
HTTPServer((args["ip"], int(args["port"])), Answer).serve_forever()
