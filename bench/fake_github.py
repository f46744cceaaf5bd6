"""A fake GitHub GraphQL endpoint on 127.0.0.1 for benchmarks.

Answers every POST like GitHub answers a valid classic token (X-OAuth-Scopes,
rate-limit headers, the viewer) and counts requests; GET /count returns the
count. Prints its port on the first line of stdout, then serves until killed.
"""
import http.server
import json
import socketserver
import sys

COUNT = 0
BODY = json.dumps({
    "data": {
        "viewer": {"login": "octocat", "name": "The Octocat"},
        "rateLimit": {"limit": 5000, "remaining": 4999, "resetAt": "2030-01-01T00:00:00Z"},
    }
}).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        global COUNT
        COUNT += 1
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        for k, v in [
            ("Content-Type", "application/json; charset=utf-8"),
            ("X-OAuth-Scopes", "repo, admin:org, notifications, user"),
            ("X-RateLimit-Limit", "5000"),
            ("X-RateLimit-Remaining", "4999"),
            ("X-GitHub-Request-Id", "BENCH:1"),
            ("Content-Length", str(len(BODY))),
        ]:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(BODY)

    def do_GET(self):
        body = str(COUNT).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


with socketserver.TCPServer(("127.0.0.1", 0), Handler) as server:
    print(server.server_address[1], flush=True)
    sys.stdout.close()
    server.serve_forever()
