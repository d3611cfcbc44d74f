"""A service that tells a logged-in user who they are, authenticating them with the hub's OAuth provider through
JupyterHub's own HubOAuth (jupyterhub.services.auth), after JupyterHub's examples/service-whoami/whoami-oauth.py.
It reads everything from the environment the hub gives a managed service."""

import json
import os
from urllib.parse import urlparse

from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.web import Application, RequestHandler, authenticated

from jupyterhub.services.auth import HubOAuthCallbackHandler, HubOAuthenticated
from jupyterhub.utils import url_path_join


class WhoAmIHandler(HubOAuthenticated, RequestHandler):
    @authenticated
    def get(self):
        self.set_header("content-type", "application/json")
        self.write(json.dumps(self.get_current_user(), indent=1, sort_keys=True))


def main():
    prefix = os.environ["JUPYTERHUB_SERVICE_PREFIX"]
    app = Application(
        [
            (prefix, WhoAmIHandler),
            (url_path_join(prefix, "oauth_callback"), HubOAuthCallbackHandler),
            (r".*", WhoAmIHandler),
        ],
        cookie_secret=os.urandom(32),
    )
    url = urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])
    HTTPServer(app).listen(url.port, url.hostname)
    IOLoop.current().start()


if __name__ == "__main__":
    main()
