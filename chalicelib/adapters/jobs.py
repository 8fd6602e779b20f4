"""Generation jobs on the SQS queue: what the API sends and the worker reads.

Kinds: `references` (draw a cartoon's character references, then fan its scenes out), `scene`
(draw one scene's attempt), `recompose` and `export` (build an account's data export). A job
that met a 429 goes back on the queue with a delay (`send_later`). A job names
ids only; the worker reads the rest from DynamoDB, so a job never carries a person's text and a
stale job finds nothing to do.
"""

import functools
import json
import math

from chalicelib.adapters import aws
from chalicelib.core.patterns import Pattern
from chalicelib.core.settings import get_settings

# The worker may take up to 15 minutes; a message stays invisible longer than that.
WORKER_TIMEOUT_SECONDS = 900
QUEUE_VISIBILITY_SECONDS = WORKER_TIMEOUT_SECONDS + 60
MAX_RECEIVES = 3  # deliveries before a job goes to the dead-letter queue
MAX_DELAY_SECONDS = 900  # SQS's limit on a message's DelaySeconds

KINDS = ("references", "scene", "recompose", "export")
ID_FIELDS = {"references": ("account_id", "cartoon_id"), "scene": ("account_id", "cartoon_id"),
             "recompose": ("account_id", "cartoon_id"), "export": ("account_id", "export_id")}
_ID = Pattern(r"^[A-Za-z0-9_-]{1,64}$")


class BadJob(ValueError):
    """A message that is not one of our jobs: dropped, never retried."""


@functools.lru_cache(maxsize=1)
def get_sqs():
    return aws.client("sqs", region_name=get_settings().region)


@functools.lru_cache(maxsize=1)
def queue_url():
    return get_sqs().get_queue_url(QueueName=get_settings().queue_name)["QueueUrl"]


def references_job(account_id, cartoon_id):
    return {"kind": "references", "account_id": account_id, "cartoon_id": cartoon_id}


def scene_job(account_id, cartoon_id, number, attempt, requeues=0):
    """`requeues`: how many 429 waits the attempt had when this job was sent (0: none)."""
    job = {"kind": "scene", "account_id": account_id, "cartoon_id": cartoon_id,
           "scene": int(number), "attempt": int(attempt)}
    if requeues:
        job["requeues"] = int(requeues)
    return job


def recompose_job(account_id, cartoon_id):
    return {"kind": "recompose", "account_id": account_id, "cartoon_id": cartoon_id}


def export_job(account_id, export_id):
    return {"kind": "export", "account_id": account_id, "export_id": export_id}


def send(*jobs):
    """Put jobs on the queue, ten a call (SQS's batch limit); raise if any was refused."""
    jobs = list(jobs)
    for start in range(0, len(jobs), 10):
        batch = jobs[start:start + 10]
        answer = get_sqs().send_message_batch(QueueUrl=queue_url(), Entries=[
            {"Id": str(i), "MessageBody": json.dumps(job)} for i, job in enumerate(batch)])
        if answer.get("Failed"):
            raise RuntimeError(f"SQS refused {len(answer['Failed'])} job(s)")


def send_later(job, delay_seconds):
    """Put one job on the queue, hidden for `delay_seconds` (SQS's DelaySeconds, 0..900)."""
    delay = max(0, min(MAX_DELAY_SECONDS, math.ceil(delay_seconds)))
    get_sqs().send_message(QueueUrl=queue_url(), MessageBody=json.dumps(job),
                           DelaySeconds=delay)
    return delay


def parse(body):
    try:
        job = json.loads(body)
    except (TypeError, ValueError):
        raise BadJob("not JSON") from None
    if not isinstance(job, dict) or job.get("kind") not in KINDS:
        raise BadJob("unknown kind")
    for name in ID_FIELDS[job["kind"]]:
        if not isinstance(job.get(name), str) or not _ID.match(job[name]):
            raise BadJob(f"bad {name}")
    if job["kind"] == "scene":
        job.setdefault("requeues", 0)
        for name in ("scene", "attempt", "requeues"):
            value = job.get(name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise BadJob(f"bad {name}")
    return job
