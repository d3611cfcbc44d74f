"""A stand-in notebook server for the restart benchmark: answers every GET with 200 on --ip/--port, as light
as a process can be, so a hundred of them measure the hub's restart and not a hundred Python start-ups."""
import argparse
import http.server
import os
import socketserver
import urllib.parse

# The address comes as --ip/--port (Notebook Hub) or in JUPYTERHUB_SERVICE_URL (JupyterHub 2 and later).
service_url = urllib.parse.urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", ""))
parser = argparse.ArgumentParser()
parser.add_argument("--ip", default=service_url.hostname or "127.0.0.1")
parser.add_argument("--port", type=int, default=service_url.port)
args, _ = parser.parse_known_args()


class Answer(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'{"version": "stand-in"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_):
        pass


socketserver.TCPServer.allow_reuse_address = True
with socketserver.ThreadingTCPServer((args.ip, args.port), Answer) as server:
    server.serve_forever()
