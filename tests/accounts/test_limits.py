"""Rate limits: 429 with Retry-After, per address and per source IP, keyed hashes only."""

from datetime import timedelta

import boto3
from freezegun import freeze_time

from chalicelib.core.models import LimitWindow
from devtools.client import ApiClient, latest_token
from tests.support.client import next_hour


def test_one_link_per_address_per_minute(client):
    hour = next_hour()
    with freeze_time(hour):
        assert client.request_link("ada@example.com").status == 202
    with freeze_time(hour + timedelta(seconds=40)):
        refused = client.request_link("ada@example.com")
    assert refused.status == 429
    assert refused.error_code == "rate_limited"
    assert refused.headers["retry-after"] == "20"
    with freeze_time(hour + timedelta(minutes=1)):
        assert client.request_link("ada@example.com").status == 202


def test_five_links_per_address_per_hour(client):
    hour = next_hour()
    for minute in range(5):
        with freeze_time(hour + timedelta(minutes=minute * 2)):
            assert client.request_link("ada@example.com").status == 202
    with freeze_time(hour + timedelta(minutes=30)):
        refused = client.request_link("ada@example.com")
    assert refused.status == 429
    assert refused.headers["retry-after"] == str(30 * 60)
    with freeze_time(hour + timedelta(hours=1)):
        assert client.request_link("ada@example.com").status == 202


def test_twenty_link_requests_per_ip_per_hour(app):
    api = ApiClient(app, ip="203.0.113.50")
    with freeze_time(next_hour()):
        for n in range(20):
            assert api.request_link(f"user{n}@example.com").status == 202
        refused = api.request_link("user99@example.com")
        assert refused.status == 429
        assert int(refused.headers["retry-after"]) == 3600
        # Another address is not held back by this IP's count.
        assert ApiClient(app, ip="203.0.113.51").request_link("user99@example.com").status == 202


def test_sixty_verify_attempts_per_ip_per_hour(app):
    api = ApiClient(app, ip="203.0.113.60")
    with freeze_time(next_hour()):
        api.request_link("ada@example.com")
        for _ in range(60):
            assert api.post("/api/auth/verify", {"token": "x" * 43}).status == 400
        good = latest_token("ada@example.com")
        refused = api.post("/api/auth/verify", {"token": good})
        assert refused.status == 429
        assert "retry-after" in refused.headers
        # The link itself was not consumed by the refused attempt.
        assert ApiClient(app, ip="203.0.113.61").post(
            "/api/auth/verify", {"token": good}).status == 200


def test_windows_hold_neither_address_nor_ip_and_expire_within_the_hour(client):
    hour = next_hour()
    with freeze_time(hour + timedelta(minutes=20)):
        client.request_link("ada@example.com")
    items = boto3.client("dynamodb").scan(TableName=LimitWindow.Meta.table_name)["Items"]
    assert len(items) == 3  # ip-hour, email-minute, email-hour
    dump = str(items)
    assert "ada@example.com" not in dump and "198.51.100.7" not in dump
    windows = list(LimitWindow.scan())
    start = hour.timestamp() + 20 * 60
    assert all(w.expires_at - start <= 3600 for w in windows)
    assert all(w.ttl is not None for w in windows)


def over_the_limit(app, method, path, body, scope, monkeypatch):
    """Three requests in the hour go through (whatever they answer), the fourth is a 429 with
    Retry-After, and another account is not held back."""
    from chalicelib.accounts import limits

    monkeypatch.setitem(limits.RULES, scope, (3, limits.HOUR))
    client, other = ApiClient(app), ApiClient(app)  # one IP: the limit counts accounts
    with freeze_time(next_hour() + timedelta(minutes=15)):
        client.sign_in("ada@example.com")
        other.sign_in("bob@example.com")
        for _ in range(3):
            assert client.request(method, path, body).status not in (403, 429)
        refused = client.request(method, path, body)
        assert refused.status == 429 and refused.error_code == "rate_limited"
        assert refused.headers["retry-after"] == str(45 * 60)
        assert other.request(method, path, body).status not in (403, 429)


def test_text_edits_are_limited_per_account(app, monkeypatch):
    path = "/api/cartoons/" + "0" * 26 + "/scenes/1"
    over_the_limit(app, "PATCH", path, {"caption": "Hello"}, "edit-account-hour", monkeypatch)


def test_checkout_confirms_are_limited_per_account(app, monkeypatch):
    over_the_limit(app, "POST", "/api/checkout/confirm", {"session_id": "cs_test_unknown"},
                   "confirm-account-hour", monkeypatch)
