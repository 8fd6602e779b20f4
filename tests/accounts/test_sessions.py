"""The session cookie: signed, HttpOnly, 30 days, checked against the account every time."""

from datetime import timedelta

from freezegun import freeze_time
from itsdangerous import URLSafeTimedSerializer

from devtools.client import ApiClient
from tests.support.client import later, next_hour

COOKIE = "session"  # the test stage runs without Secure, so without the __Host- prefix


def test_the_cookie_has_every_attribute(app):
    api = ApiClient(app)
    api.request_link("ada@example.com")
    from devtools.client import latest_token

    response = api.post("/api/auth/verify", {"token": latest_token("ada@example.com")})
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    for attribute in ("HttpOnly", "SameSite=Lax", "Path=/", f"Max-Age={30 * 24 * 3600}"):
        assert attribute in cookie


def test_secure_cookie_uses_the_host_prefix(override_settings):
    from chalicelib.core import web

    assert override_settings(cookie_secure=True).cookie_name == "__Host-session"
    header = web.cookie_header("value", 60)
    assert header.startswith("__Host-session=value") and "Secure" in header


def test_me_needs_a_session(client):
    response = client.get("/api/me")
    assert response.status == 401
    assert response.error_code == "not_signed_in"


def test_me_describes_the_account(signed_in):
    me = signed_in.get("/api/me").json
    assert me["email"] == "ada@example.com"
    assert me["balance"] == 0
    assert me["created_at"].startswith("20")
    assert me["csrf_token"] == signed_in.csrf


def test_a_tampered_cookie_is_refused(signed_in):
    value = signed_in.cookies[COOKIE]
    signed_in.cookies[COOKIE] = value[:-2] + ("AA" if not value.endswith("AA") else "BB")
    assert signed_in.get("/api/me").status == 401


def test_garbage_cookies_are_refused_not_crashed(signed_in):
    for junk in ("", "x", "a.b.c", "%%%", "é" * 10, "e30.e30.e30" * 50):
        signed_in.cookies[COOKIE] = junk
        response = signed_in.get("/api/me")
        assert response.status == 401, junk


def test_a_cookie_signed_with_another_key_is_refused(signed_in):
    forged = URLSafeTimedSerializer("not-our-key", salt="session").dumps(
        {"a": "someone", "s": "1.x"})
    signed_in.cookies[COOKIE] = forged
    assert signed_in.get("/api/me").status == 401


def test_a_cookie_signed_with_the_previous_key_still_works(app, monkeypatch):
    """Key rotation: SESSION_KEYS lists the newest first; older keys still verify."""
    api = ApiClient(app)
    api.sign_in("ada@example.com")
    account_id, session_id = api.get("/api/me").json["account_id"], None
    old = URLSafeTimedSerializer("test-session-key-old-0123456789", salt="session")
    from chalicelib.core.models import Account

    session_id = next(iter(Account.get(account_id).session_ids))
    api.cookies[COOKIE] = old.dumps({"a": account_id, "s": session_id})
    assert api.get("/api/me").status == 200


def test_the_cookie_expires_after_30_days(app):
    signed = next_hour()  # everything on the frozen clock: sign-in, then 29 and 30 days on
    with freeze_time(signed):
        api = ApiClient(app)
        api.sign_in("ada@example.com")
    with freeze_time(signed + timedelta(days=29)):
        assert api.get("/api/me").status == 200
    with freeze_time(signed + timedelta(days=30, seconds=1)):
        assert api.get("/api/me").status == 401


def test_sign_out_ends_that_session_at_once(app):
    laptop = ApiClient(app)
    laptop.sign_in("ada@example.com")
    stolen_copy = dict(laptop.cookies)
    phone = ApiClient(app)
    with freeze_time(later(5)):
        phone.sign_in("ada@example.com")
    response = laptop.post("/api/auth/logout")
    assert response.status == 200
    assert "Max-Age=0" in response.headers["set-cookie"]
    replay = ApiClient(app)
    replay.cookies = stolen_copy
    assert replay.get("/api/me").status == 401
    with freeze_time(later(6)):  # the phone's cookie was issued "five minutes later"
        assert phone.get("/api/me").status == 200


def test_sign_out_everywhere_ends_every_session(app):
    laptop, phone = ApiClient(app), ApiClient(app)
    laptop.sign_in("ada@example.com")
    with freeze_time(later(5)):
        phone.sign_in("ada@example.com")
    kept = dict(phone.cookies)
    with freeze_time(later(6)):
        assert phone.get("/api/me").status == 200
    assert laptop.post("/api/auth/logout-all").status == 200
    phone.cookies = kept
    with freeze_time(later(6)):
        assert phone.get("/api/me").status == 401
    assert laptop.get("/api/me").status == 401


def test_each_sign_in_gets_a_new_session_id(app):
    api = ApiClient(app)
    api.sign_in("ada@example.com")
    first = api.csrf
    with freeze_time(later(5)):
        api.sign_in("ada@example.com")
    assert api.csrf != first
