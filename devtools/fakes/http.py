"""A tiny HTTP server on 127.0.0.1 for the provider stand-ins: each test gets its own port."""

import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Recorded:
    def __init__(self, method, path, headers, body):
        self.method, self.path, self.headers, self.body = method, path, headers, body

    @property
    def json(self):
        return json.loads(self.body or b"null")


class FakeServer:
    """Serves `route(request) -> (status, headers, body)`; records every request."""

    def __init__(self, route):
        self.route = route
        self.requests = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Recorded(self.command, self.path, dict(self.headers), body)
                outer.requests.append(request)
                try:
                    status, headers, payload = outer.route(request)
                except Exception as error:  # a stand-in's bug answers, never drops the line
                    status, headers, payload = 500, {}, {"error": {
                        "type": "api_error", "message": f"stand-in failed: {error!r}"}}
                if isinstance(payload, (dict, list)):
                    payload = json.dumps(payload).encode()
                    headers = {"Content-Type": "application/json", **headers}
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                # The client may have given up (a timeout test): that is the point.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(payload)

            do_GET = do_POST = do_DELETE = do_PATCH = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class ServedFake:
    """A stand-in served by its `self.server` (a FakeServer) while the `with` block runs; its
    `url` is where the SDK under test is pointed."""

    def __enter__(self):
        self.server.__enter__()
        self.url = self.server.url
        return self

    def __exit__(self, *exc):
        self.server.__exit__(*exc)
