"""The local stack's own set-up: its secrets file, and CloudFront's part in front of the API."""

import os

from local.gateway import EDGE_IP, Gateway
from local.server import LOCAL_SECRETS, ensure_local_secrets


def test_an_older_secrets_file_gains_the_keys_added_since_and_keeps_its_own(tmp_path,
                                                                          monkeypatch):
    monkeypatch.setattr(os, "environ", {})
    path = tmp_path / "secrets.env"
    path.write_text("SESSION_KEYS=kept-session-key\nHASH_KEY=kept-hash-key\n")
    ensure_local_secrets(path)
    ensure_local_secrets(path)  # a second start adds nothing
    names = [line.partition("=")[0] for line in path.read_text().splitlines()]
    assert sorted(names) == sorted(LOCAL_SECRETS)
    assert os.environ["HASH_KEY"] == "kept-hash-key"
    assert len(os.environ["ORIGIN_SECRETS"]) >= 32


def test_the_local_gateway_adds_what_cloudfront_adds(app, monkeypatch):
    seen = {}

    def record(event, get_response):
        seen.update(headers=dict(event.headers), source=event.context["identity"]["sourceIp"])
        return get_response(event)

    gateway = Gateway(app)
    monkeypatch.setattr(app, "_get_middleware_handlers",
                        lambda event_type, original=app._get_middleware_handlers:
                        [*original(event_type), record] if event_type == "http"
                        else original(event_type))
    status, _, _ = gateway.call("GET", "/api/packs", {"x-origin-secret": "forged"}, b"",
                                "2001:db8::7", viewer_port=443)
    assert status == 200
    assert seen["headers"]["cloudfront-viewer-address"] == "2001:db8::7:443"
    assert seen["headers"]["x-origin-secret"] != "forged" and seen["source"] == EDGE_IP


def test_the_local_server_sends_the_sites_cache_control_and_answers_304(monkeypatch):
    """As S3 behind CloudFront in prod: pages and scripts `no-cache` with an ETag (a reload
    revalidates and gets 304 while unchanged), pictures kept a day."""
    import threading
    import urllib.error
    import urllib.request

    from local.server import Handler, LocalServer

    site_handler(monkeypatch)
    server = LocalServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        for path, expected in (("/", "no-cache"), ("/gallery", "no-cache"),
                               ("/js/layout.js", "no-cache"), ("/css/site.css", "no-cache"),
                               ("/img/example-cartoon.en.webp", "public, max-age=86400")):
            with urllib.request.urlopen(base + path) as answer:
                assert answer.headers["Cache-Control"] == expected, path
                etag = answer.headers["ETag"]
            again = urllib.request.Request(base + path, headers={"If-None-Match": etag})
            try:
                urllib.request.urlopen(again)
                raise AssertionError(f"{path}: no 304 for its own ETag")
            except urllib.error.HTTPError as error:
                assert error.code == 304, path
            other = urllib.request.Request(base + path, headers={"If-None-Match": '"stale"'})
            with urllib.request.urlopen(other) as answer:
                assert answer.status == 200 and answer.read(), path
        with urllib.request.urlopen(base + "/js/layout.js") as answer:
            assert answer.headers["Content-Type"] in ("text/javascript", "application/javascript")
    finally:
        server.shutdown()
        server.server_close()


def site_handler(monkeypatch):
    from chalicelib.core import web
    from local.server import Handler

    monkeypatch.setattr(Handler, "site_headers", staticmethod(web.site_headers))
    monkeypatch.setattr(Handler, "cache_control", staticmethod(web.site_cache_control))
    return Handler


def test_thirty_connections_at_once_are_all_held_and_answered(monkeypatch):
    """A burst of new connections waits in the listen backlog until the server takes them.
    The connections are opened before the server accepts any, so the backlog alone must hold
    all thirty (with socketserver's 5, the rest time out or are reset)."""
    import socket
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from local.server import LocalServer

    server = LocalServer(("127.0.0.1", 0), site_handler(monkeypatch))  # listening, not serving
    address = server.server_address

    def connect(_):
        try:
            return socket.create_connection(address, timeout=5)
        except OSError as error:
            return error

    with ThreadPoolExecutor(30) as pool:
        opened = list(pool.map(connect, range(30)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert [c for c in opened if isinstance(c, OSError)] == []
        for sock in opened:
            sock.sendall(b"GET /robots.txt HTTP/1.1\r\nHost: localhost\r\n"
                         b"Connection: close\r\n\r\n")
        for sock in opened:
            with sock, sock.makefile("rb") as answer:
                assert answer.readline().split()[1] in (b"200", b"404")
    finally:
        server.shutdown()
        server.server_close()
        for sock in opened:
            if not isinstance(sock, OSError):
                sock.close()
