"""The scheduled cleanup fails and refunds references stuck in flight (their job lost), once,
found by a query of `by-cast-inflight`, and settles their cast as after any failure."""

import threading
import time

import pytest

from chalicelib import cleanup
from chalicelib.core.models import Cartoon, LedgerEntry
from devtools.cartoons import cartoon_body
from tests.support.cartoons import assert_ledger, drain, give, take_messages

LIMIT = 3600  # STUCK_SCENE_SECONDS in the tests
REF = 1  # a reference's credits: one scene of a low cartoon
SCENES = 3  # cartoon_body(3) at low quality: 1 credit a scene


@pytest.fixture(autouse=True)
def no_scans(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the cleanup must query, never scan")

    monkeypatch.setattr(Cartoon, "scan", classmethod(refuse))


def submit(client, approve=True):
    response = client.post("/api/cartoons", cartoon_body(SCENES, approve_cast=approve))
    assert response.status == 202, response
    return response.json["cartoon_id"]


def state_of(client, cartoon_id):
    return client.get(f"/api/cartoons/{cartoon_id}").json


def refund_causes(account_id):
    return sorted(e.cause_key for e in LedgerEntry.query(account_id) if e.reason == "refund")


def in_index(account_id, cartoon_id):
    cartoon = Cartoon.get(account_id, cartoon_id, consistent_read=True)
    return (cartoon.cast_inflight_hour, cartoon.cast_inflight_since) != (None, None)


def test_a_cast_whose_job_was_lost_fails_and_is_refunded_once(signed_in, aws):
    account_id = give(signed_in, 100)
    now = time.time()
    cartoon_id = submit(signed_in)
    assert in_index(account_id, cartoon_id)
    assert len(take_messages(aws["queue_url"])) == 1  # the references job, lost
    assert cleanup.fail_stuck_references(now=now + LIMIT - 60) == 0  # not stuck yet
    assert [c["state"] for c in state_of(signed_in, cartoon_id)["cast"]] == ["queued"] * 3

    counts = []
    threads = [threading.Thread(target=lambda: counts.append(
        cleanup.fail_stuck_references(now=now + LIMIT + 60))) for _ in range(2)]
    for thread in threads:  # two cleanups at once
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 3
    assert cleanup.fail_stuck_references(now=now + LIMIT + 120) == 0  # and once more: nothing
    cartoon = state_of(signed_in, cartoon_id)
    assert [(c["state"], c["refunded"]) for c in cartoon["cast"]] == [("failed", REF)] * 3
    assert "too long" in cartoon["cast"][0]["reason"]
    assert cartoon["cast"][0]["failure"] == "stuck"  # the code the site words in French
    assert cartoon["cast_state"] == "waiting"  # the owner may redraw them, or delete
    assert refund_causes(account_id) == [f"refund:{cartoon_id}:r{i}:0" for i in range(3)]
    assert assert_ledger(account_id) == 100 - SCENES
    assert not in_index(account_id, cartoon_id)
    # Its scenes wait for the owner, out of the scenes' cleanup.
    assert cleanup.fail_stuck_scenes(now=now + LIMIT + 120) == 0
    assert [s["state"] for s in cartoon["scenes"]] == ["queued"] * SCENES


def test_a_lost_reference_redraw_is_refunded_once_and_can_be_redrawn(signed_in, aws):
    account_id = give(signed_in, 100)
    cartoon_id = submit(signed_in)
    drain(aws["queue_url"])
    assert state_of(signed_in, cartoon_id)["cast_state"] == "waiting"
    assert not in_index(account_id, cartoon_id)  # settled: out of the index
    later = time.time()
    assert signed_in.post(f"/api/cartoons/{cartoon_id}/cast/1/redraw", {}).status == 202
    assert assert_ledger(account_id) == 100 - SCENES - 4 * REF
    assert in_index(account_id, cartoon_id)
    assert len(take_messages(aws["queue_url"])) == 1  # its job, lost
    assert cleanup.fail_stuck_references(now=later + LIMIT - 60) == 0
    assert cleanup.fail_stuck_references(now=later + LIMIT + 60) == 1
    assert cleanup.fail_stuck_references(now=later + LIMIT + 60) == 0
    cast = state_of(signed_in, cartoon_id)["cast"]
    assert [c["state"] for c in cast] == ["done", "failed", "done"]
    assert refund_causes(account_id) == [f"refund:{cartoon_id}:r1:1"]
    assert assert_ledger(account_id) == 100 - SCENES - 3 * REF
    assert not in_index(account_id, cartoon_id)
    assert signed_in.post(f"/api/cartoons/{cartoon_id}/cast/1/redraw", {}).status == 202
    drain(aws["queue_url"])
    assert [c["state"] for c in state_of(signed_in, cartoon_id)["cast"]] == ["done"] * 3


def test_drawing_everything_at_once_releases_and_refunds_the_scenes_of_a_stuck_cast(
        signed_in, aws):
    account_id = give(signed_in, 100)
    now = time.time()
    cartoon_id = submit(signed_in, approve=None)  # "auto": no approval step
    take_messages(aws["queue_url"])  # the references job, lost
    assert cleanup.fail_stuck_references(now=now + LIMIT + 60) == 3
    cartoon = state_of(signed_in, cartoon_id)
    assert cartoon["cast_state"] == "released"
    assert [s["state"] for s in cartoon["scenes"]] == ["failed"] * SCENES
    assert assert_ledger(account_id) == 100  # every reference and every scene given back
    assert cleanup.fail_stuck_references(now=now + LIMIT + 120) == 0
    assert cleanup.fail_stuck_scenes(now=now + LIMIT + 120) == 0
    assert assert_ledger(account_id) == 100


def test_a_cast_drawn_in_time_is_left_alone(signed_in, aws):
    account_id = give(signed_in, 100)
    now = time.time()
    cartoon_id = submit(signed_in)
    drain(aws["queue_url"])
    assert cleanup.fail_stuck_references(now=now + LIMIT + 60) == 0
    assert [c["state"] for c in state_of(signed_in, cartoon_id)["cast"]] == ["done"] * 3
    assert refund_causes(account_id) == []
