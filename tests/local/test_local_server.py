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
