"""Helpers for the generation tests: credits, the worker driven through the real queue (moto's
SQS) and the real handler, and the ledger invariant. The cartoon request and the queue's address
are in devtools/cartoons.py (local/ and benchmarks/ use them too)."""

import json
from urllib.parse import urlsplit

import boto3

from chalicelib.core.settings import get_settings
from chalicelib.money import credits
from devtools.cartoons import ledger_sum, queue_arn, sqs
from local.worker import drain_once, sqs_event


def references_cost(count=3, quality="low"):
    """What `count` references cost in a cartoon of `quality` (a cartoon_body() has three
    characters, and is low by default): one scene's price each."""
    from chalicelib.cartoons.specs import reference_credits

    return count * reference_credits(quality)


R = references_cost()  # a low cartoon_body()'s references


def fund_references(client, count=3, quality="low"):
    """Grant exactly what a cartoon_body()'s references cost, under a fresh cause: tests whose
    arithmetic is about scenes submit after this, so their balances read as before."""
    import uuid

    return give(client, references_cost(count, quality), cause=f"references-{uuid.uuid4().hex}")


def account_of(client):
    return client.get("/api/me").json["account_id"]


def give(client, amount, cause="test-seed"):
    account_id = account_of(client)
    credits.grant(account_id, amount, reason="adjustment", cause_key=f"{cause}:{account_id}")
    return account_id


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


def assert_ledger(account_id):
    balance = credits.balance(account_id)
    assert balance >= 0
    assert balance == ledger_sum(account_id)
    return balance


def key_of(url):
    """The object key of a presigned URL, virtual-host style (S3) or path style (moto)."""
    parts = urlsplit(url)
    bucket = get_settings().images_bucket
    path = parts.path.lstrip("/")
    return path if parts.hostname.startswith(f"{bucket}.") else path.split("/", 1)[1]


def stored(key):
    """(content type, bytes) of an object in the images bucket."""
    answer = boto3.client("s3", region_name="eu-west-3").get_object(
        Bucket=get_settings().images_bucket, Key=key)
    return answer["ContentType"], answer["Body"].read()
