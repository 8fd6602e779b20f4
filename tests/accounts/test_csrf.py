"""Every state-changing request needs the CSRF token bound to the session; cross-site is refused."""

import pytest

from devtools.client import ApiClient


def test_missing_token_is_refused(signed_in):
    response = signed_in.post("/api/auth/logout", csrf=False)
    assert response.status == 403
    assert response.error_code == "csrf_missing"
    assert signed_in.get("/api/me").status == 200  # still signed in: nothing changed


def test_wrong_token_is_refused(signed_in):
    response = signed_in.post("/api/auth/logout", headers={"x-csrf-token": "0" * 64})
    assert response.status == 403
    assert response.error_code == "csrf_invalid"


def test_another_sessions_token_is_refused(app, signed_in):
    other = ApiClient(app)
    other.sign_in("bob@example.com")
    response = signed_in.post("/api/auth/logout", headers={"x-csrf-token": other.csrf})
    assert response.status == 403


def test_the_anonymous_token_does_not_work_for_a_session(signed_in):
    anonymous = ApiClient(signed_in.gateway._app_object).anonymous_csrf()
    response = signed_in.post("/api/auth/logout", headers={"x-csrf-token": anonymous})
    assert response.status == 403


@pytest.mark.parametrize("headers", [
    {"origin": "https://evil.example"},
    {"sec-fetch-site": "cross-site"},
    {"sec-fetch-site": "same-site"},
    {"origin": "null"},
])
def test_cross_site_requests_are_refused_even_with_the_token(signed_in, headers):
    response = signed_in.post("/api/auth/logout", headers=headers)
    assert response.status == 403
    assert response.error_code == "cross_site"
    assert signed_in.get("/api/me").status == 200


def test_signed_out_requests_need_the_anonymous_token(client):
    response = client.post("/api/auth/link", {"email": "ada@example.com"}, csrf=False)
    assert response.status == 403
    response = client.post("/api/auth/link", {"email": "ada@example.com"},
                           headers={"x-csrf-token": "forged"})
    assert response.status == 403
    assert client.request_link("ada@example.com").status == 202
