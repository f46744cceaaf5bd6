#!/usr/bin/env python3
"""A GitHub GraphQL look-alike for scripts/wine-smoke.sh, on 127.0.0.1.

Answers every POST with a viewer (`{"data":{"viewer":{"login":...}}}`) and
the headers GitHub sends for a classic token (X-OAuth-Scopes), when the
request carries `Authorization: bearer <the token in GHENV_STUB_TOKEN>`;
401 otherwise. Writes the port it listens on to the file given as its
argument, and counts the requests it answered in PATH.count.
"""
import http.server
import json
import os
import sys

TOKEN = os.environ["GHENV_STUB_TOKEN"]
SCOPES = "repo, read:org, write:org, notifications, read:user, user:email, user:follow"
port_file = sys.argv[1]
count = 0


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global count
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        auth = self.headers.get("Authorization", "")
        if auth.lower() != ("bearer " + TOKEN).lower() or not auth.endswith(TOKEN):
            self.reply(401, {"message": "Bad credentials"}, {})
            return
        count += 1
        with open(port_file + ".count", "w") as f:
            f.write(str(count))
        body = {
            "data": {
                "viewer": {"login": "x", "name": "X"},
                "rateLimit": {"limit": 5000, "remaining": 4999, "resetAt": "2030-01-01T00:00:00Z"},
            }
        }
        self.reply(200, body, {"X-OAuth-Scopes": SCOPES, "X-Accepted-OAuth-Scopes": ""})

    def reply(self, status, body, headers):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.replace(port_file + ".tmp", port_file)
server.serve_forever()
