"""Helpers for the generation tests: a cartoon request, credits, the worker driven through the
real queue (moto's SQS) and the real handler, and the ledger invariant."""

import copy
import json
from urllib.parse import urlsplit

import boto3

from chalicelib.core.models import LedgerEntry
from chalicelib.core.settings import get_settings
from chalicelib.money import credits
from local.worker import drain_once, sqs_event

CHARACTERS = [
    {"name": "Ada", "description": "A tall inventor with round glasses and a green coat."},
    {"name": "Bram", "description": "A small grey cat with a red scarf."},
    {"name": "Cleo", "description": "A grandmother with silver hair and a yellow umbrella."},
]
ACTIONS = [
    "Ada finds a strange machine in the attic.",
    "Bram jumps onto the machine and presses a button.",
    "Ada and Bram are lifted into the sky by the machine.",
    "Cleo watches from the garden, surprised.",
    "The machine lands in a field of sunflowers.",
    "Ada waves at Cleo from far away.",
    "Bram naps on the warm machine.",
    "Everyone has tea together at sunset.",
]
CASTS = [["Ada"], ["Bram"], ["Ada", "Bram"], ["Cleo"], [], ["Ada", "Cleo"], ["Bram"],
         ["Ada", "Bram", "Cleo"]]


def cartoon_body(scenes=3, quality="low", **changes):
    body = {
        "title": "The attic machine",
        "context": "A sleepy seaside town in the 1950s, warm summer light, gentle humour.",
        "style": "ligne-claire",
        "quality": quality,
        "characters": copy.deepcopy(CHARACTERS),
        "scenes": [{"action": ACTIONS[i], "characters": list(CASTS[i]),
                    "caption": f"Caption {i + 1}"} for i in range(scenes)],
    }
    body["scenes"][0]["dialogue"] = "What is this?"
    body["scenes"][0]["speaker"] = "Ada"
    body.update(changes)
    return body


def references_cost(count=3):
    """What `count` references cost (a cartoon_body() has three characters), at the best
    tier."""
    from chalicelib.cartoons.specs import reference_credits

    return count * reference_credits()


R = references_cost()  # a cartoon_body()'s references


def fund_references(client, count=3):
    """Grant exactly what a cartoon_body()'s references cost, under a fresh cause: tests whose
    arithmetic is about scenes submit after this, so their balances read as before."""
    import uuid

    return give(client, references_cost(count), cause=f"references-{uuid.uuid4().hex}")


def account_of(client):
    return client.get("/api/me").json["account_id"]


def give(client, amount, cause="test-seed"):
    account_id = account_of(client)
    credits.grant(account_id, amount, reason="adjustment", cause_key=f"{cause}:{account_id}")
    return account_id


def sqs():
    return boto3.client("sqs", region_name="eu-west-3")


def queue_arn(queue_url):
    return sqs().get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]


def drain(queue_url, rounds=50):
    """Run the worker until the queue is empty, as the local worker thread does."""
    import app as module

    client, arn, handled = sqs(), queue_arn(queue_url), 0
    for _ in range(rounds):
        count = drain_once(module.generation_worker, client, queue_url, arn, wait_seconds=0)
        if not count:
            return handled
        handled += count
    raise AssertionError("the queue did not drain")


def take_messages(queue_url, limit=10):
    """Receive (and delete) the queued jobs, to deliver them by hand."""
    client = sqs()
    messages = client.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=limit,
                                      WaitTimeSeconds=0).get("Messages", [])
    for message in messages:
        client.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return messages


def deliver(queue_url, *messages):
    """Call the worker Lambda's handler with an SQS event holding these messages."""
    import app as module

    module.generation_worker(sqs_event(list(messages), queue_arn(queue_url)), None)


def jobs_of(messages):
    return [json.loads(m["Body"]) for m in messages]


def ledger_sum(account_id):
    return sum(int(entry.delta) for entry in LedgerEntry.query(account_id))


def assert_ledger(account_id):
    balance = credits.balance(account_id)
    assert balance >= 0
    assert balance == ledger_sum(account_id)
    return balance


def seed_cartoons(account_id, count, start_ms=1_790_000_000_000):
    """Finished cartoon items as the API and worker leave them, in bulk (drawing them would
    take minutes); returns their ids, oldest first."""
    import datetime

    from chalicelib.adapters import storage
    from chalicelib.core.models import Cartoon

    now, ids = datetime.datetime.now(datetime.UTC), []
    with Cartoon.batch_write() as batch:
        for n in range(count):
            cartoon_id = f"{start_ms + n * 1000:013d}{n:08x}"
            key = storage.cartoon_key(account_id, cartoon_id, "strip.webp")
            batch.save(Cartoon(account_id, cartoon_id, title=f"Cartoon {n}", context="c",
                               style="manga", style_prompt="manga", quality="low",
                               credits_per_scene=1, scene_count=1, cost=1, characters=[],
                               created_at=now, status="done", scenes_done=1, strip_key=key,
                               strip_thumb_key=key))
            ids.append(cartoon_id)
    return ids


def key_of(url):
    """The object key of a presigned URL, virtual-host style (S3) or path style (moto)."""
    parts = urlsplit(url)
    bucket = get_settings().images_bucket
    path = parts.path.lstrip("/")
    return path if parts.hostname.startswith(f"{bucket}.") else path.split("/", 1)[1]
