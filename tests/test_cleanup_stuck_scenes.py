"""The scheduled cleanup fails and refunds scenes stuck in flight, once, found by a query."""

import time

import pytest
from chalice.test import Client

from chalicelib import cleanup
from chalicelib.adapters import images
from chalicelib.core.models import LedgerEntry, Scene
from devtools.cartoons import cartoon_body
from tests.support.cartoons import R, assert_ledger, deliver, drain, give, take_messages

LIMIT = 3600


@pytest.fixture(autouse=True)
def no_scans(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the cleanup must query, never scan")

    monkeypatch.setattr(Scene, "scan", classmethod(refuse))


def submit(client, scenes=3):
    response = client.post("/api/cartoons", cartoon_body(scenes))
    assert response.status == 202
    return response.json["cartoon_id"]


def states(client, cartoon_id):
    return [s["state"] for s in client.get(f"/api/cartoons/{cartoon_id}").json["scenes"]]


def test_scenes_stuck_beyond_the_limit_are_failed_and_refunded_exactly_once(signed_in):
    account_id = give(signed_in, 10 + R)
    cartoon_id = submit(signed_in, 3)
    now = time.time()
    assert cleanup.fail_stuck_scenes(now=now + LIMIT - 60) == 0
    assert states(signed_in, cartoon_id) == ["queued"] * 3
    assert cleanup.fail_stuck_scenes(now=now + LIMIT + 60) == 3
    assert cleanup.fail_stuck_scenes(now=now + LIMIT + 120) == 0
    scene = signed_in.get(f"/api/cartoons/{cartoon_id}").json["scenes"][0]
    assert scene["state"] == "failed" and "too long" in scene["reason"]
    assert scene["failure"] == "stuck"
    assert scene["refunded"] == 1
    refunds = sorted(e.cause_key for e in LedgerEntry.query(account_id) if e.reason == "refund")
    assert refunds == [f"refund:{cartoon_id}:{n}:0" for n in (1, 2, 3)]
    assert assert_ledger(account_id) == 10


def test_finished_scenes_and_recent_ones_are_left_alone(signed_in, aws):
    account_id = give(signed_in, 10 + 2 * R)
    done = submit(signed_in, 2)
    drain(aws["queue_url"])
    waiting = submit(signed_in, 1)
    assert cleanup.fail_stuck_scenes(now=time.time() + 30) == 0
    assert states(signed_in, done) == ["done", "done"]
    assert states(signed_in, waiting) == ["queued"]
    assert cleanup.fail_stuck_scenes(now=time.time() + 10 * 3600) == 1
    assert states(signed_in, done) == ["done", "done"]
    assert assert_ledger(account_id) == 8


def test_a_stuck_drawing_whose_worker_finishes_late_stays_failed(signed_in, aws, monkeypatch):
    account_id = give(signed_in, 10 + R)
    cartoon_id = submit(signed_in, 1)
    deliver(aws["queue_url"], *take_messages(aws["queue_url"]))  # references
    offline = images.get_image_provider()

    class SlowAndOvertaken:
        def reference(self, request, deadline):
            return offline.reference(request, deadline)

        def scene(self, request, deadline):
            # While this worker draws, the cleanup decides it is stuck.
            assert cleanup.fail_stuck_scenes(now=time.time() + 2 * LIMIT) == 1
            return offline.scene(request, deadline)

    monkeypatch.setattr(images, "get_image_provider", lambda: SlowAndOvertaken())
    deliver(aws["queue_url"], *take_messages(aws["queue_url"]))
    state = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    assert state["scenes"][0]["state"] == "failed" and state["scenes"][0]["image"] is None
    import boto3

    from chalicelib.core.settings import get_settings

    listed = boto3.client("s3", region_name="eu-west-3").list_objects_v2(
        Bucket=get_settings().images_bucket, Prefix=f"users/{account_id}/cartoons/"
        f"{cartoon_id}/scenes/")
    assert listed.get("KeyCount", 0) == 0  # the late image was not kept
    assert assert_ledger(account_id) == 10


def test_the_schedule_reports_the_stuck_scenes_it_failed(app, signed_in, monkeypatch):
    account_id = give(signed_in, 10 + R)
    submit(signed_in, 2)
    real_now = time.time()
    monkeypatch.setattr("chalicelib.core.clock.now", lambda: real_now + 2 * LIMIT)
    with Client(app) as chalice_client:
        result = chalice_client.lambda_.invoke(
            "cleanup", chalice_client.events.generate_cw_event(
                source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]))
    # Its references' job never ran either: they fail first (cleanup.fail_stuck_references),
    # which releases the scenes as failed, refunded; the scenes' own pass finds none left.
    assert result.payload["stuck_references"] == 3
    assert result.payload["stuck_scenes"] == 0
    assert assert_ledger(account_id) == 10 + R
