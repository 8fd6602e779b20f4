"""A 429 from the image API makes the scene wait its turn on the queue, through the real openai
SDK against the stand-in, moto's SQS and the worker's own handler: the job comes back after at
least the server's Retry-After (jitter only adds), the scene stays queued and charged once, and
only past its deadline does it fail, refunded once. A stale or repeated job does nothing."""

import json
import logging
import threading
import time

from chalicelib.adapters import jobs
from chalicelib.core import clock
from chalicelib.core.models import LedgerEntry, Scene
from chalicelib.core.settings import get_settings
from chalicelib.worker import drawing
from devtools.cartoons import ACTIONS, cartoon_body, sqs
from tests.support.cartoons import (
    assert_ledger,
    deliver,
    drain,
    fund_references,
    give,
    jobs_of,
    take_messages,
)


def submit(client, body):
    response = client.post("/api/cartoons", body)
    assert response.status == 202, response
    return response.json["cartoon_id"]


def states(client, cartoon_id):
    return [s["state"] for s in client.get(f"/api/cartoons/{cartoon_id}").json["scenes"]]


def refunds(account_id):
    return [e for e in LedgerEntry.query(account_id) if e.reason == "refund"]


def delayed_sends():
    """Every SendMessage the worker makes, as SQS receives it: (job, DelaySeconds)."""
    sent = []

    def record(params, **_):
        sent.append((json.loads(params["MessageBody"]), params.get("DelaySeconds", 0)))
    jobs.get_sqs().meta.events.register("provide-client-params.sqs.SendMessage", record)
    return sent


def delayed_in_queue(queue_url):
    attributes = sqs().get_queue_attributes(
        QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessagesDelayed"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessagesDelayed"])


def wait_for_messages(queue_url, seconds):
    """Receive (and delete) the queue's messages once the delayed ones show, within `seconds`."""
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        if messages := take_messages(queue_url):
            return messages
        time.sleep(0.2)
    raise AssertionError("no message became visible")


def deliver_at_once(queue_url, message, times):
    """The same message delivered `times` times at once, as SQS may."""
    threads = [threading.Thread(target=deliver, args=(queue_url, message)) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def edits_of(fake, action):
    return [c for c in fake.calls_to("edits") if action in c.prompt]


def test_a_429_requeues_the_scene_with_the_retry_after_then_it_is_drawn(
        signed_in, aws, openai_fake):
    account_id = give(signed_in, 5)
    openai_fake.retry_after = "2"
    openai_fake.on("edits", contains=ACTIONS[0], behaviours=[429])
    sent = delayed_sends()
    fund_references(signed_in)
    cartoon_id = submit(signed_in, cartoon_body(2))
    drain(aws["queue_url"])

    assert states(signed_in, cartoon_id) == ["queued", "done"]
    ((job, delay),) = sent
    assert job == {"kind": "scene", "account_id": account_id, "cartoon_id": cartoon_id,
                   "scene": 1, "attempt": 0, "requeues": 1}
    assert 2 <= delay <= 3  # Retry-After is a minimum; the jitter adds at most a tenth
    assert delayed_in_queue(aws["queue_url"]) == 1
    assert drain(aws["queue_url"]) == 0  # not before its time
    assert refunds(account_id) == [] and assert_ledger(account_id) == 3  # charged once

    deliver(aws["queue_url"], *wait_for_messages(aws["queue_url"], delay + 3))
    assert states(signed_in, cartoon_id) == ["done", "done"]
    assert len(edits_of(openai_fake, ACTIONS[0])) == 2
    assert refunds(account_id) == [] and assert_ledger(account_id) == 3


def test_retry_after_ms_is_read_first_as_the_sdk_does(signed_in, aws, openai_fake):
    give(signed_in, 5)
    openai_fake.on("edits", behaviours=[("429", {"retry-after-ms": "4500",
                                                 "retry-after": "1"})])
    sent = delayed_sends()
    fund_references(signed_in)
    submit(signed_in, cartoon_body(1))
    drain(aws["queue_url"])
    ((job, delay),) = sent
    assert job["requeues"] == 1 and 5 <= delay <= 6  # 4.5 s, never the 1 s


def test_past_its_deadline_a_rate_limited_scene_fails_and_is_refunded_once(
        signed_in, aws, openai_fake):
    account_id = give(signed_in, 5)
    openai_fake.retry_after = "30"
    openai_fake.on("edits", behaviours=[429, 429])
    sent = delayed_sends()
    fund_references(signed_in)
    cartoon_id = submit(signed_in, cartoon_body(1))
    deliver(aws["queue_url"], *take_messages(aws["queue_url"]))  # the references job
    scene_job = take_messages(aws["queue_url"])
    # The scene was charged long enough ago that a 30 s wait would end past its deadline.
    (scene,) = Scene.query(account_id)
    limit = get_settings().stuck_scene_seconds - jobs.WORKER_TIMEOUT_SECONDS
    scene.update(actions=[Scene.queued_since.set(int(clock.now()) - limit + 20)])

    deliver(aws["queue_url"], *scene_job)
    failed = signed_in.get(f"/api/cartoons/{cartoon_id}").json["scenes"][0]
    assert failed["state"] == "failed" and "too busy" in failed["reason"]
    assert sent == []  # not put back on the queue
    for _ in range(2):  # the same job again: nothing drawn, nothing refunded again
        deliver(aws["queue_url"], *scene_job)
    assert len(openai_fake.calls_to("edits")) == 1
    assert [e.cause_key for e in refunds(account_id)] == [f"refund:{cartoon_id}:1:0"]
    assert assert_ledger(account_id) == 5


def test_stale_and_repeated_jobs_of_a_waiting_scene_draw_it_once(signed_in, aws, openai_fake):
    account_id = give(signed_in, 5)
    openai_fake.retry_after = "1"
    openai_fake.on("edits", behaviours=[429])
    fund_references(signed_in)
    cartoon_id = submit(signed_in, cartoon_body(1))
    deliver(aws["queue_url"], *take_messages(aws["queue_url"]))  # the references job
    first = take_messages(aws["queue_url"])
    deliver(aws["queue_url"], *first)  # 429: requeued
    assert states(signed_in, cartoon_id) == ["queued"]

    deliver(aws["queue_url"], *first)  # the first job again (a redelivery): stale
    assert len(openai_fake.calls_to("edits")) == 1
    (later,) = wait_for_messages(aws["queue_url"], 5)
    assert jobs_of([later])[0]["requeues"] == 1
    deliver_at_once(aws["queue_url"], later, times=4)
    assert states(signed_in, cartoon_id) == ["done"]
    assert len(openai_fake.calls_to("edits")) == 2  # the 429, then one drawing
    assert refunds(account_id) == [] and assert_ledger(account_id) == 4
    assert take_messages(aws["queue_url"]) == []


def test_a_429_on_a_reference_requeues_the_references_job(signed_in, aws, openai_fake):
    account_id = give(signed_in, 5)
    openai_fake.retry_after = "1"
    openai_fake.on("generations", contains="Draw Bram alone", behaviours=[429])
    sent = delayed_sends()
    fund_references(signed_in)
    cartoon_id = submit(signed_in, cartoon_body(2))  # scene 1: Ada; scene 2: Ada and Bram
    drain(aws["queue_url"])
    ((job, delay),) = sent
    assert job == {"kind": "references", "account_id": account_id, "cartoon_id": cartoon_id,
                   "requeues": 1}
    assert 1 <= delay <= 2  # at least the Retry-After
    cartoon = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    # Bram waits his turn, still charged; the scenes wait for the whole cast.
    assert [c["state"] for c in cartoon["cast"]] == ["done", "queued", "done"]
    assert states(signed_in, cartoon_id) == ["queued", "queued"]
    assert delayed_in_queue(aws["queue_url"]) == 1
    assert drain(aws["queue_url"]) == 0  # not before its time
    assert refunds(account_id) == [] and assert_ledger(account_id) == 3

    deliver(aws["queue_url"], *wait_for_messages(aws["queue_url"], delay + 3))
    cartoon = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    assert [c["state"] for c in cartoon["cast"]] == ["done", "done", "done"]
    assert len([c for c in openai_fake.calls_to("generations")
                if "Draw Bram alone" in c.prompt]) == 2  # the 429, then the drawing
    drain(aws["queue_url"])  # then the scenes
    assert states(signed_in, cartoon_id) == ["done", "done"]
    assert len(sent) == 1  # the references job was re-sent once
    assert refunds(account_id) == [] and assert_ledger(account_id) == 3


def references_of(fake, name):
    return [c for c in fake.calls_to("generations") if f"Draw {name} alone" in c.prompt]


def test_duplicate_references_jobs_delivered_at_once_draw_each_reference_once(
        signed_in, aws, openai_fake):
    account_id = give(signed_in, 5)
    fund_references(signed_in)
    submit(signed_in, cartoon_body(2))
    (job,) = take_messages(aws["queue_url"])
    barrier = threading.Barrier(2)

    def twice():
        barrier.wait()
        deliver(aws["queue_url"], job)
    threads = [threading.Thread(target=twice) for _ in range(2)]  # one message, two deliveries
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [len(references_of(openai_fake, n)) for n in ("Ada", "Bram", "Cleo")] == [1, 1, 1]
    assert refunds(account_id) == [] and assert_ledger(account_id) == 3


def test_stale_and_repeated_references_jobs_of_a_waiting_reference_draw_it_once(
        signed_in, aws, openai_fake):
    account_id = give(signed_in, 5)
    openai_fake.retry_after = "1"
    openai_fake.on("generations", contains="Draw Bram alone", behaviours=[429])
    fund_references(signed_in)
    cartoon_id = submit(signed_in, cartoon_body(2))
    first = take_messages(aws["queue_url"])
    deliver(aws["queue_url"], *first)  # Bram: 429, waits his turn
    cast = signed_in.get(f"/api/cartoons/{cartoon_id}").json["cast"]
    assert [c["state"] for c in cast] == ["done", "queued", "done"]
    assert len(references_of(openai_fake, "Bram")) == 1

    deliver(aws["queue_url"], *first)  # the first job again (a redelivery): stale
    assert len(references_of(openai_fake, "Bram")) == 1  # not drawn before its Retry-After
    (later,) = wait_for_messages(aws["queue_url"], 5)
    assert jobs_of([later])[0]["requeues"] == 1
    deliver_at_once(aws["queue_url"], later, times=4)
    cast = signed_in.get(f"/api/cartoons/{cartoon_id}").json["cast"]
    assert [c["state"] for c in cast] == ["done"] * 3
    assert len(references_of(openai_fake, "Bram")) == 2  # the 429, then one drawing
    assert len(openai_fake.calls_to("generations")) == 4
    drain(aws["queue_url"])
    assert states(signed_in, cartoon_id) == ["done", "done"]
    assert refunds(account_id) == [] and assert_ledger(account_id) == 3


def test_an_exhausted_quota_is_never_retried_and_raises_the_alarm(
        signed_in, aws, openai_fake, caplog):
    account_id = give(signed_in, 5)
    openai_fake.on("edits", behaviours=["quota"])
    sent = delayed_sends()
    fund_references(signed_in)
    cartoon_id = submit(signed_in, cartoon_body(1))
    with caplog.at_level(logging.INFO, logger="caaartoons"):
        drain(aws["queue_url"])
    failed = signed_in.get(f"/api/cartoons/{cartoon_id}").json["scenes"][0]
    assert failed["state"] == "failed" and failed["refunded"] == 1
    assert "not available" in failed["reason"]
    assert sent == [] and len(openai_fake.calls_to("edits")) == 1
    alarms = [r for r in caplog.records
              if getattr(r, "fields", {}).get("event") == "provider_quota_exhausted"]
    assert alarms and alarms[0].levelno == logging.ERROR
    assert assert_ledger(account_id) == 5


def test_a_429_the_server_says_not_to_retry_fails_at_once(signed_in, aws, openai_fake):
    account_id = give(signed_in, 5)
    openai_fake.on("edits", behaviours=[("429", {"x-should-retry": "false",
                                                 "retry-after": "1"})])
    sent = delayed_sends()
    fund_references(signed_in)
    cartoon_id = submit(signed_in, cartoon_body(1))
    drain(aws["queue_url"])
    assert states(signed_in, cartoon_id) == ["failed"] and sent == []
    assert len(refunds(account_id)) == 1 and assert_ledger(account_id) == 5


def test_the_wait_is_at_least_the_retry_after_and_within_sqs_limits():
    class Failure:
        def __init__(self, retry_after):
            self.retry_after = retry_after

    for _ in range(200):
        assert 30 <= drawing.requeue_delay(Failure(30), 0) <= 33
        assert drawing.requeue_delay(Failure(5000), 0) == jobs.MAX_DELAY_SECONDS
        assert 15 <= drawing.requeue_delay(Failure(None), 0) <= 17  # no header: backoff
        assert 60 <= drawing.requeue_delay(Failure(None), 2) <= 66


def test_content_policy_and_null_code_errors_fail_at_once_with_their_reasons(
        signed_in, aws, openai_fake):
    account_id = give(signed_in, 5)
    openai_fake.on("edits", contains=ACTIONS[0], behaviours=["content_policy"])
    openai_fake.on("edits", contains=ACTIONS[1], behaviours=["null_code"])
    fund_references(signed_in)
    cartoon_id = submit(signed_in, cartoon_body(2))
    drain(aws["queue_url"])
    first, second = signed_in.get(f"/api/cartoons/{cartoon_id}").json["scenes"]
    assert first["state"] == second["state"] == "failed"
    assert "safety system" in first["reason"] and "refused" in second["reason"]
    assert len(openai_fake.calls_to("edits")) == 2  # neither is retried
    assert len(refunds(account_id)) == 2 and assert_ledger(account_id) == 5
