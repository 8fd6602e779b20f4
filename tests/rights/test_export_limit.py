"""Only exports that start count against the few an hour: a refused one gives its hit back."""

import time

import pytest

from chalicelib.accounts.sessions import Session
from chalicelib.adapters import jobs
from chalicelib.core import clock
from chalicelib.core.errors import Conflict
from chalicelib.core.models import Account, Export
from chalicelib.rights import export
from tests.support.cartoons import drain


@pytest.fixture
def one_window(monkeypatch):
    """Early in an hour, frozen: every request below falls in one limit window."""
    now = (int(time.time()) // 3600) * 3600 + 60
    monkeypatch.setattr(clock, "now", lambda: now)
    return now


def test_exports_refused_as_in_flight_do_not_count(signed_in, aws, one_window):
    account_id = signed_in.get("/api/me").json["account_id"]
    # Read before the first export claims the account: its early check passes, as for a
    # request racing the first, and the claim in the transaction refuses it.
    stale = Session(Account.get(account_id), "racing-session")
    assert signed_in.post("/api/me/export").status == 202
    for _ in range(5):
        with pytest.raises(Conflict):
            export.request_export(stale)
    for _ in range(2):  # the hour's other two
        drain(aws["queue_url"])
        assert signed_in.post("/api/me/export").status == 202
    drain(aws["queue_url"])
    assert signed_in.post("/api/me/export").status == 429
    assert Export.count() == 3


def test_exports_that_could_not_be_queued_do_not_count(signed_in, aws, one_window,
                                                       monkeypatch):
    def refused(message):
        raise RuntimeError("the queue is down")

    with monkeypatch.context() as patch:
        patch.setattr(jobs, "send", refused)
        for _ in range(4):
            assert signed_in.post("/api/me/export").status == 503
    for _ in range(3):
        assert signed_in.post("/api/me/export").status == 202
        drain(aws["queue_url"])
    assert signed_in.post("/api/me/export").status == 429
