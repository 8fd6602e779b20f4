"""The whole service on one machine: `python -m local.server` (what `make run` starts).

moto's server stands in for DynamoDB, S3 and SQS; the site and the API share one origin; a
worker thread drains the generation queue through the worker Lambda's handler; the cleanup runs
on a timer. Nothing needs an account or a key; data lives in memory.
"""

import argparse
import hashlib
import mimetypes
import os
import secrets
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"
LOCAL_DIR = ROOT / ".local"
MAX_BODY = 1024 * 1024


LOCAL_SECRETS = {
    "SESSION_KEYS": lambda: secrets.token_urlsafe(48),
    "HASH_KEY": lambda: secrets.token_urlsafe(48),
    "STRIPE_WEBHOOK_SECRET": lambda: f"whsec_{secrets.token_hex(24)}",
    # What the imitated CloudFront sends the API (local/gateway.py), as in production.
    "ORIGIN_SECRETS": lambda: secrets.token_urlsafe(48),
}


def ensure_local_secrets(path):
    """Generate the keys on first start (and any added since); keep them so sessions survive a
    restart."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    present = {line.partition("=")[0] for line in path.read_text().splitlines()}
    with path.open("a") as file:
        for name, generate in LOCAL_SECRETS.items():
            if name not in present:
                file.write(f"{name}={generate()}\n")
    for line in path.read_text().splitlines():
        name, _, value = line.partition("=")
        if name and value:
            os.environ.setdefault(name, value)


def prepare_environment(moto_port, port):
    os.environ.setdefault("STAGE", "local")
    os.environ.setdefault("AWS_REGION", "eu-west-3")
    os.environ.setdefault("AWS_DEFAULT_REGION", os.environ["AWS_REGION"])
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ[name] = "local"  # moto accepts anything; never a real account's keys
    os.environ.pop("AWS_SESSION_TOKEN", None)
    os.environ.pop("AWS_PROFILE", None)
    os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{moto_port}"
    os.environ.setdefault("SITE_URL", f"http://localhost:{port}")
    os.environ.setdefault("OUTBOX_DIR", str(LOCAL_DIR / "outbox"))
    ensure_local_secrets(LOCAL_DIR / "secrets.env")


def start_moto(port):
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per AWS call is noise
    from local import moto_atomic, s3_post_policy

    moto_atomic.install()
    s3_post_policy.install()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return server


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    gateway = None
    site_headers = {}
    cache_control = None

    def log_message(self, *args):
        pass  # the API logs its own JSON lines; request lines would carry the client's IP

    def _send(self, status, headers, body):
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _api(self):
        length = int(self.headers.get("content-length") or 0)
        if length > MAX_BODY:
            body = b'{"error": {"code": "payload_too_large", "message": "Too large."}}'
            self.close_connection = True
            return self._send(413, [("Content-Type", "application/json")], body)
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        viewer_ip, viewer_port = self.client_address[:2]  # the imitated CloudFront's viewer
        status, out_headers, payload = self.gateway.call(
            self.command, self.path, headers, body, viewer_ip, viewer_port=viewer_port)
        self._send(status, out_headers, payload)

    def _static(self):
        path = unquote(urlsplit(self.path).path)
        target = (SITE / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.exists() and target.with_suffix(".html").exists():
            target = target.with_suffix(".html")
        if SITE.resolve() not in target.parents or not target.is_file():
            target = SITE / "404.html"
            status = 404
        else:
            status = 200
        content_type = mimetypes.guess_type(str(target))[0] or "application/octet-stream"
        body = target.read_bytes() if target.exists() else b"Not found"
        # As S3 behind CloudFront: the file's Cache-Control, an ETag, and 304 when it matches.
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        headers = [("Content-Type", content_type), ("ETag", etag),
                   ("Cache-Control", self.cache_control(target.name))]
        headers += list(self.site_headers(target.name).items())
        if status == 200 and etag in self.headers.get("If-None-Match", ""):
            return self._send(304, [h for h in headers if h[0] != "Content-Type"], b"")
        self._send(status, headers, body)

    def _dispatch(self):
        if self.path.startswith("/api/"):
            return self._api()
        if self.command not in ("GET", "HEAD"):
            return self._send(405, [("Allow", "GET, HEAD")], b"")
        return self._static()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _dispatch

    def __getattr__(self, name):
        # Any other method (TRACE, QUERY...) too, as API Gateway takes them: the API answers
        # 405 for a method no route has, where http.server would answer 501.
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)


class LocalServer(ThreadingHTTPServer):
    """A thread per connection, and a listen backlog that holds a burst: a browser opens a page's
    dozen connections at once, the tests and benchmarks thirty and more. (socketserver's
    default of 5 reset the rest.) The kernel caps it at net.core.somaxconn."""

    request_queue_size = 128
    daemon_threads = True


def run_every(seconds, job, name):
    def loop():
        while True:
            time.sleep(seconds)
            try:
                job()
            except Exception as error:  # keep the timer alive; the job logs its own details
                print(f"[{name}] failed: {type(error).__name__}", file=sys.stderr, flush=True)

    threading.Thread(target=loop, name=name, daemon=True).start()


def scheduled_event():
    return {"version": "0", "id": secrets.token_hex(8), "detail-type": "Scheduled Event",
            "source": "aws.events", "account": "000000000000",
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "region": os.environ["AWS_REGION"], "resources": [], "detail": {}}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--moto-port", type=int, default=int(os.environ.get("MOTO_PORT", "0")))
    parser.add_argument("--cleanup-seconds", type=float,
                        default=float(os.environ.get("CLEANUP_SECONDS", "900")))
    args = parser.parse_args(argv)
    moto_port = args.moto_port or free_port()
    prepare_environment(moto_port, args.port)
    moto = start_moto(moto_port)

    from chalicelib.adapters import resources
    from chalicelib.core import web

    queue_url = resources.create_all()
    import app as api
    from local import checkout, worker
    from local.gateway import Gateway

    checkout.install(api.app)
    Handler.gateway = Gateway(api.app)
    Handler.site_headers = staticmethod(web.site_headers)
    Handler.cache_control = staticmethod(web.site_cache_control)
    worker.start(api, queue_url)
    run_every(args.cleanup_seconds, lambda: api.scheduled_cleanup(scheduled_event(), None),
              "cleanup")
    server = LocalServer((args.host, args.port), Handler)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print(f"Caaartoons is running at {os.environ['SITE_URL']}  (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        moto.stop()


if __name__ == "__main__":
    main()
