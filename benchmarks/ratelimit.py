"""Provider rate limits and makespan, with the real openai SDK against the local stand-in.

1. Rate limit: the stand-in allows IPM images a minute (default 20) and answers 429 beyond,
   with the `retry-after-ms` that frees a slot. CARTOONS cartoons of 8 scenes (default 5) are
   submitted at once; WORKERS threads (default: OPENAI_TIER's concurrency, tier 2) play the
   worker Lambdas, one message an invocation. Every scene must finish with 0 refunds, and the images
   answered per minute (over the time from the first to the last, plus the minute the last
   one holds) should be at least 90 % of IPM.
2. Makespan: no limit, each image takes T seconds (default 2); one 8-scene cartoon's wall time
   over T. The ideal is about 2: the references, then every scene at once.

    python benchmarks/ratelimit.py            # IPM=20 CARTOONS=5 T=2
    IPM=60 python benchmarks/ratelimit.py     # quicker

AWS is moto in process, as in benchmarks/pipeline.py.
"""

import dataclasses
import os
import sys
import threading
import time

from _offline import ROOT  # noqa: F401 -- sets the offline environment first

os.environ.setdefault("OPENAI_TIER", "2")  # 20 images a minute: 10 workers, 4 references at once

IPM = int(os.environ.get("IPM", "20"))
CARTOONS = int(os.environ.get("CARTOONS", "5"))
SECONDS_PER_IMAGE = float(os.environ.get("T", "2"))
SCENES = 8


class Workers:
    """Threads that each take one message at a time, like Lambdas with batch size 1."""

    def __init__(self, module, queue, queue_url, arn, count):
        self.module, self.queue, self.queue_url, self.arn = module, queue, queue_url, arn
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.loop, daemon=True) for _ in range(count)]

    def loop(self):
        from local.worker import sqs_event

        while not self.stop.is_set():
            messages = self.queue.receive_message(
                QueueUrl=self.queue_url, MaxNumberOfMessages=1, WaitTimeSeconds=0).get(
                "Messages", [])
            if not messages:
                time.sleep(0.05)
                continue
            try:
                self.module.generation_worker(sqs_event(messages, self.arn), None)
            except Exception as error:  # a real Lambda's message would come back: count it
                print(f"worker error: {type(error).__name__}: {error}", file=sys.stderr)
                continue
            self.queue.delete_message(QueueUrl=self.queue_url,
                                      ReceiptHandle=messages[0]["ReceiptHandle"])

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join()


def run(fake, workers, cartoons, scenes, stack):
    """Submit the cartoons at once, wait until every scene is final; return (seconds,
    states, refunds)."""
    from chalicelib.core.models import LedgerEntry
    from devtools.cartoons import cartoon_body

    client, account_id, module, queue, queue_url, arn = stack
    started = time.monotonic()
    ids = [client.post("/api/cartoons", cartoon_body(scenes)).json["cartoon_id"]
           for _ in range(cartoons)]
    with Workers(module, queue, queue_url, arn, workers):
        while True:
            views = [client.get(f"/api/cartoons/{i}").json for i in ids]
            states = [s["state"] for v in views for s in v["scenes"]]
            if all(state in ("done", "failed") for state in states) and all(
                    v["status"] in ("done", "incomplete") for v in views):
                break
            time.sleep(0.2)
    seconds = time.monotonic() - started
    refunds = [e for e in LedgerEntry.query(account_id) if e.reason == "refund"]
    return seconds, states, refunds


def main():
    from moto import mock_aws

    from local import moto_atomic

    moto_atomic.install()
    with mock_aws():
        from chalicelib.adapters import images, resources
        from chalicelib.core.settings import OPENAI_TIERS, get_settings
        from chalicelib.money import credits
        from devtools.cartoons import queue_arn, sqs
        from devtools.client import ApiClient
        from devtools.fakes.openai_api import API_KEY, FakeOpenAI

        queue_url = resources.create_all()
        import app as module

        client = ApiClient(module.app)
        client.sign_in("bench@example.com")
        account_id = client.get("/api/me").json["account_id"]
        credits.grant(account_id, 10_000, reason="adjustment", cause_key="bench")
        stack = (client, account_id, module, sqs(), queue_url, queue_arn(queue_url))

        def provider_for(fake):
            settings = dataclasses.replace(get_settings(), openai_api_key=API_KEY,
                                           openai_base_url=fake.base_url)
            provider = images.image_provider_for(settings)
            images.get_image_provider = lambda: provider

        workers = int(os.environ.get("WORKERS", OPENAI_TIERS[get_settings().openai_tier][1]))
        with FakeOpenAI(images_per_minute=IPM) as fake:
            provider_for(fake)
            seconds, states, refunds = run(fake, workers, CARTOONS, SCENES, stack)
            drawn = sorted(fake.served_all)
            limited = sum(1 for c in fake.calls if c.usage is None)
        # Each image holds a slot of the sliding minute: the limit allows at most IPM images in
        # (last - first + 60 s), so this is the share of the limit used.
        rate = len(drawn) / ((drawn[-1] - drawn[0] + 60) / 60)
        # The best a sliding minute allows for this many images: N at once, N a minute later...
        best = len(drawn) / ((len(drawn) - 1) // IPM + 1)
        print(f"rate limit: {IPM} images/min, {CARTOONS} cartoons x {SCENES} scenes, "
              f"{workers} workers")
        print(f"  scenes done {states.count('done')}/{len(states)}, refunds {len(refunds)}, "
              f"images {len(drawn)}, 429s answered {limited}")
        print(f"  wall {seconds:.0f} s; throughput {rate:.1f}/min = {rate / IPM:.0%} of the "
              f"limit (images over first-to-last + 60 s), {rate / best:.0%} of the best "
              f"{best:.1f}/min a sliding minute allows for {len(drawn)} images")

        with FakeOpenAI(draw_seconds=SECONDS_PER_IMAGE) as fake:
            provider_for(fake)
            seconds, states, refunds = run(fake, SCENES + 2, 1, SCENES, stack)
        print(f"makespan: T={SECONDS_PER_IMAGE:g} s an image, no limit: one {SCENES}-scene "
              f"cartoon in {seconds:.1f} s = {seconds / SECONDS_PER_IMAGE:.2f} T "
              f"(done {states.count('done')}/{len(states)}, refunds {len(refunds)})")


if __name__ == "__main__":
    main()
