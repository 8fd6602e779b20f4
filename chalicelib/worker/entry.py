"""The worker's entry: the SQS handler, and the one table of job kinds to the functions that
do them. Only app.py's queue handler reaches here, so an API cold start never loads it.

A job names ids only; each function reads the rest from DynamoDB, so a stale or repeated job
finds nothing to do. The drawing flow is in drawing.py, the strip in compose.py, the data
export in export.py.
"""

import time
from concurrent.futures import ThreadPoolExecutor

from chalicelib.adapters import jobs
from chalicelib.adapters.jobs import WORKER_TIMEOUT_SECONDS
from chalicelib.cartoons import gallery
from chalicelib.core import logs
from chalicelib.worker import compose, drawing, export, guard

SAFETY_SECONDS = 30  # kept back from the Lambda's limit to record the outcome


def _then_refresh(work):
    """Cartoon jobs end by refreshing the gallery summary from the scenes."""
    def run(job, deadline):
        work(job, deadline)
        gallery.refresh_summary(job["account_id"], job["cartoon_id"])
    return run


JOBS = {
    "references": _then_refresh(drawing.draw_references),
    "scene": _then_refresh(drawing.draw_scene),
    "recompose": _then_refresh(compose.recompose),
    "export": export.build,
}


def deadline_for(context):
    """A time.monotonic() deadline: the Lambda's remaining time less a safety margin."""
    remaining = WORKER_TIMEOUT_SECONDS * 1000
    if context is not None and hasattr(context, "get_remaining_time_in_millis"):
        remaining = context.get_remaining_time_in_millis()
    return time.monotonic() + remaining / 1000 - SAFETY_SECONDS


def handle(event):
    """The SQS handler: one job a record. Records of one batch run side by side (the local
    worker delivers up to ten; production delivers one). Raises only when the outcome could not
    be recorded, so SQS retries that message and, after a few tries, dead-letters it."""
    deadline = deadline_for(event.context)
    bodies = [record.body for record in event]
    if len(bodies) == 1:
        return run(bodies[0], deadline)
    with ThreadPoolExecutor(max_workers=min(10, len(bodies))) as pool:
        futures = [pool.submit(run, body, deadline) for body in bodies]
    for future in futures:
        future.result()
    return None


def run(body, deadline):
    try:
        job = jobs.parse(body)
    except jobs.BadJob as error:
        logs.event("job_dropped", why=str(error))
        return
    try:
        JOBS[job["kind"]](job, deadline)
    except guard.Gone:
        # What the job wrote for was erased or deleted: done, and nothing of it was kept.
        logs.event("job_abandoned", kind=job["kind"])
