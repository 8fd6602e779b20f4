"""Bad input gets a 4xx JSON error, never a 5xx; every response carries the security headers."""

import pytest

from chalicelib.core.models import Account, SignInLink


def assert_json_error(response, status, code=None):
    assert response.status == status, response
    assert response.headers["content-type"].startswith("application/json")
    error = response.json["error"]
    assert set(error) >= {"code", "message"} and error["message"]
    if code:
        assert error["code"] == code


@pytest.mark.parametrize("raw, code", [
    (b"{not json", "invalid_json"),
    (b"\xff\xfe", "invalid_json"),
    (b"[]", "invalid_json"),
    (b'"ada@example.com"', "invalid_json"),
    (b"null", "invalid_json"),
    (b"", "invalid_json"),
    (b'{"email": 42}', "wrong_type"),
    (b'{"email": ["ada@example.com"]}', "wrong_type"),
    (b'{"email": "ada@example.com", "admin": true}', "unknown_field"),
    (b'{}', "missing_field"),
])
def test_malformed_bodies_get_400_and_write_nothing(client, raw, code):
    response = client.post("/api/auth/link", raw=raw)
    assert_json_error(response, 400, code)
    assert SignInLink.count() == 0


def test_a_body_over_64_kib_gets_413(client):
    response = client.post("/api/auth/link", {"email": "a@example.com", "x": "y" * 70000})
    assert_json_error(response, 413, "payload_too_large")
    assert SignInLink.count() == 0


def test_verify_with_wrong_types_gets_400(client):
    for body in ({"token": 12}, {"token": None}, {"token": {"$ne": 1}}, {"tok": "x"}):
        assert_json_error(client.post("/api/auth/verify", body), 400)
    assert Account.count() == 0


def test_wrong_method_and_content_type_get_json_errors(client):
    assert_json_error(client.request("PUT", "/api/auth/link", {"email": "a@example.com"}), 405)
    response = client.post("/api/auth/link", raw=b"email=a@example.com",
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert_json_error(response, 415)


def test_a_method_no_route_has_is_a_405_before_the_csrf_check(client, signed_in):
    """Signed out with no CSRF token, or signed in: TRACE or PUT on a path that has routes is
    a 405 naming the one method it has, never the CSRF check's 403."""
    for caller, csrf in ((client, False), (signed_in, True)):
        for method in ("TRACE", "PUT", "PATCH"):
            response = caller.request(method, "/api/cartoons", {"x": 1}, csrf=csrf)
            assert_json_error(response, 405)
            assert response.json["error"]["code"] == "method_not_allowed"
            assert response.headers["allow"] == "POST"


def test_security_headers_on_every_api_response(client, signed_in):
    for response in (client.get("/api/me"), signed_in.get("/api/me"),
                     client.post("/api/auth/link", raw=b"{")):
        headers = response.headers
        assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
        csp = headers["content-security-policy"]
        for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
            assert directive in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["cache-control"] == "no-store"


def test_an_unexpected_failure_is_a_json_500_without_details(client, monkeypatch):
    from chalicelib.accounts import links

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals ada@example.com")

    monkeypatch.setattr(links, "request_link", broken)
    response = client.request_link("ada@example.com")
    assert_json_error(response, 500, "internal_error")
    assert b"secret internals" not in response.body
