"""No raw email address, IP address or token reaches a log line."""

import io
import logging

from chalicelib.core import logs
from devtools.client import ApiClient, latest_token

EMAIL = "private.person@example.com"
IP = "203.0.113.77"


def test_a_whole_sign_in_journey_logs_no_email_ip_or_token(app):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    app.log.addHandler(handler)
    try:
        api = ApiClient(app, ip=IP)
        api.request_link(EMAIL)
        token = latest_token(EMAIL)
        api.post("/api/auth/verify", {"token": "y" * 43})
        api.post("/api/auth/verify", {"token": token})
        api.csrf = api.get("/api/me").json["csrf_token"]
        api.post("/api/auth/logout")
        logs.logger.error("a careless line with %s and %s and %s", EMAIL, IP, token)
    finally:
        root.removeHandler(handler)
        app.log.removeHandler(handler)
    text = stream.getvalue()
    assert "link_requested" in text and "signed_in" in text  # the journey was logged
    for secret in (EMAIL, "private.person", IP, token, api.csrf):
        assert secret not in text, secret


def test_scrub_removes_each_kind():
    line = logs.scrub("to ada@example.com from 192.0.2.1 and 2001:db8::1 t=" + "A" * 43)
    assert "ada@" not in line and "192.0.2.1" not in line and "2001:db8" not in line
    assert "A" * 43 not in line
    digest = "a" * 64
    assert digest in logs.scrub(digest)  # keyed hashes and ids stay readable
