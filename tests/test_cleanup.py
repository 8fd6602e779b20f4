"""The scheduled cleanup removes exactly the expired links and limit windows."""

from chalice.test import Client

from chalicelib import cleanup
from chalicelib.core.crypto import keyed_hash
from chalicelib.core.models import LimitWindow, SignInLink


def make_link(name, expires_at):
    link = SignInLink(keyed_hash("link", name), purpose="signin", email=f"{name}@example.com",
                      email_key=keyed_hash("email", f"{name}@example.com"))
    link.set_expiry(expires_at)
    link.save()
    return link


def make_window(name, expires_at):
    window = LimitWindow(keyed_hash("limit", name), hits=1)
    window.set_expiry(expires_at)
    window.save()


def test_the_cleanup_removes_exactly_the_expired_items():
    now = 1_795_800_000
    for name, offset in (("old", -50 * 3600), ("recent", -60), ("edge", -1), ("live", 60),
                         ("future", 20 * 3600)):
        make_link(name, now + offset)
        make_window(name, now + offset)
    removed = cleanup.remove_expired(now=now)
    assert removed[SignInLink.Meta.table_name] == 3
    assert removed[LimitWindow.Meta.table_name] == 3
    left = sorted(link.email for link in SignInLink.scan())
    assert left == ["future@example.com", "live@example.com"]
    assert LimitWindow.count() == 2


def test_the_schedule_runs_the_cleanup_through_the_lambda_handler(app):
    make_link("gone", 1_000_000_000 + 10)  # long expired, far outside the look-back
    make_link("stale", __import__("time").time() - 5)
    with Client(app) as chalice_client:
        result = chalice_client.lambda_.invoke(
            "cleanup", chalice_client.events.generate_cw_event(
                source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]))
    assert sum(result.payload["expired"].values()) == 1
    assert result.payload["erasures_resumed"] == 0
    assert [link.email for link in SignInLink.scan()] == ["gone@example.com"]
