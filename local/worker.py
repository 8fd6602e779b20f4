"""A thread that drains the generation queue through the worker Lambda's own handler.

Like Lambda's SQS trigger: a batch of messages becomes one event; a message is deleted when the
handler returns, and comes back for another try (and ends in the dead-letter queue after a few)
when it raises.
"""

import sys
import threading
import time

import boto3

HANDLER_NAME = "generation_worker"
RETRY_AFTER_SECONDS = 5  # shorter than production's visibility timeout, for a snappy dev loop


def sqs_event(messages, queue_arn):
    return {"Records": [{
        "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
        "attributes": m.get("Attributes", {}), "messageAttributes": {},
        "md5OfBody": m.get("MD5OfBody", ""), "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn, "awsRegion": queue_arn.split(":")[3],
    } for m in messages]}


def drain_once(handler, sqs, queue_url, queue_arn, wait_seconds=1):
    """Deliver one batch to the handler; return how many messages it held."""
    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                   WaitTimeSeconds=wait_seconds,
                                   AttributeNames=["All"]).get("Messages", [])
    if not messages:
        return 0
    try:
        handler(sqs_event(messages, queue_arn), None)
    except Exception as error:
        print(f"[worker] batch failed, will retry: {type(error).__name__}", file=sys.stderr,
              flush=True)
        for message in messages:
            sqs.change_message_visibility(QueueUrl=queue_url,
                                          ReceiptHandle=message["ReceiptHandle"],
                                          VisibilityTimeout=RETRY_AFTER_SECONDS)
        return len(messages)
    sqs.delete_message_batch(QueueUrl=queue_url, Entries=[
        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)])
    return len(messages)


def start(api_module, queue_url):
    handler = getattr(api_module, HANDLER_NAME, None)
    if handler is None:
        return None
    sqs = boto3.client("sqs")
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]

    def loop():
        while True:
            try:
                drain_once(handler, sqs, queue_url, queue_arn)
            except Exception as error:
                print(f"[worker] {type(error).__name__}", file=sys.stderr, flush=True)
                time.sleep(1)

    thread = threading.Thread(target=loop, name="worker", daemon=True)
    thread.start()
    return thread
