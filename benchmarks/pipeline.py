"""What the service itself adds to each scene, beyond the image provider's own time.

The provider is a stub that answers at once with a real 1024x1024 PNG (what gpt-image models
return), so everything measured is ours: the API's validation, moderation (offline), the one
ledger transaction and the enqueue; the worker's claims, reads, S3 writes, WebP thumbnails,
state transitions and the strip. AWS is moto in process (made atomic like DynamoDB): its calls
cost microseconds where the real ones cost milliseconds, so the script also counts the AWS calls
per scene, to be multiplied by real latencies (roughly 5-10 ms each from a Lambda in region).

Jobs run one message per invocation, as the worker Lambda receives them (batch size 1).
"""

import collections
import io
import os
import statistics
import time

from _offline import ROOT  # noqa: F401 -- sets the offline environment first

CARTOONS = int(os.environ.get("CARTOONS", "5"))
SCENES = 8


class StubImages:
    """Answers at once with the same realistic PNG; keeps the time it spent."""

    def __init__(self):
        from PIL import Image, ImageDraw

        image = Image.new("RGB", (1024, 1024), (180, 210, 240))
        draw = ImageDraw.Draw(image)
        for i in range(0, 1024, 64):  # some structure, so PNG and WebP have work to do
            draw.ellipse((i, i // 2, i + 300, i // 2 + 200), outline=(i % 255, 80, 120),
                         width=9)
        out = io.BytesIO()
        image.save(out, "PNG")
        self.png = out.getvalue()
        self.seconds = 0.0

    def _answer(self):
        started = time.perf_counter()
        data = bytes(self.png)
        self.seconds += time.perf_counter() - started
        return data

    def reference(self, request, deadline):
        return self._answer()

    def scene(self, request, deadline):
        return self._answer()


class AwsMeter:
    """Counts the service's AWS calls, and the time spent inside moto answering them."""

    def __init__(self):
        self.calls = collections.Counter()
        self.seconds = 0.0
        self.on = False

    def install(self):
        from botocore.client import BaseClient

        original = BaseClient._make_api_call
        meter = self

        def metered(client, operation, params):
            if not meter.on:
                return original(client, operation, params)
            meter.calls[client.meta.service_model.service_name] += 1
            started = time.perf_counter()
            try:
                return original(client, operation, params)
            finally:
                meter.seconds += time.perf_counter() - started

        BaseClient._make_api_call = metered

    def measure(self, work):
        self.on = True
        started = time.perf_counter()
        try:
            result = work()
        finally:
            self.on = False
        return time.perf_counter() - started, result

    def reset(self):
        self.calls.clear()
        self.seconds = 0.0


def main():
    from moto import mock_aws

    from local import moto_atomic

    moto_atomic.install()
    with mock_aws():
        from chalicelib.adapters import images, resources
        from chalicelib.money import credits

        queue_url = resources.create_all()
        import app as module
        from devtools.cartoons import cartoon_body, queue_arn, sqs
        from devtools.client import ApiClient
        from local.worker import sqs_event

        stub = StubImages()
        images.get_image_provider = lambda: stub
        client = ApiClient(module.app)
        client.sign_in("bench@example.com")
        account_id = client.get("/api/me").json["account_id"]
        credits.grant(account_id, CARTOONS * SCENES * 4 + 10, reason="adjustment",
                      cause_key="bench")
        arn, queue = queue_arn(queue_url), sqs()
        meter = AwsMeter()
        meter.install()

        def run_jobs():
            seconds = 0.0
            while True:
                messages = queue.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=1,
                                                 WaitTimeSeconds=0).get("Messages", [])
                if not messages:
                    return seconds
                spent, _ = meter.measure(
                    lambda m=messages: module.generation_worker(sqs_event(m, arn), None))
                seconds += spent
                queue.delete_message(QueueUrl=queue_url,
                                     ReceiptHandle=messages[0]["ReceiptHandle"])

        def submit():
            return client.post("/api/cartoons", cartoon_body(SCENES))

        # One warm-up cartoon: imports, font loading and the first clients are a cold start's.
        meter.measure(submit)
        run_jobs()
        meter.reset()
        stub.seconds = 0.0

        api, worker = [], []
        for _ in range(CARTOONS):
            spent, answer = meter.measure(submit)
            api.append(spent)
            assert answer.status == 202, answer
            worker.append(run_jobs())
            state = client.get(f"/api/cartoons/{answer.json['cartoon_id']}").json
            assert state["status"] == "done", state["status"]

    report(api, worker, stub, meter)


def report(api, worker, stub, meter):
    scenes = CARTOONS * SCENES
    per_scene = (sum(api) + sum(worker) - stub.seconds) * 1000 / scenes
    in_moto = meter.seconds * 1000 / scenes
    calls = sum(meter.calls.values()) / scenes
    latency = float(os.environ.get("AWS_CALL_MS", "8"))
    print(f"cartoons: {CARTOONS} x {SCENES} scenes, stub provider answering at once "
          f"(1024x1024 PNG), moto in process, one message per invocation")
    print(f"API submit (validate, moderate offline, one ledger transaction, enqueue): "
          f"{statistics.median(api) * 1000:.0f} ms median per cartoon")
    print(f"worker per cartoon (references, {SCENES} scenes, thumbnails, strip): "
          f"{statistics.median(worker) * 1000:.0f} ms median")
    print(f"provider's own time per scene:           {stub.seconds * 1000 / scenes:.2f} ms")
    print(f"time the service adds per scene:         {per_scene:.0f} ms (moto in process)")
    print(f"  of which moto emulating AWS:           {in_moto:.0f} ms")
    print(f"  of which our own code (Pillow, logic): {per_scene - in_moto:.0f} ms")
    print(f"AWS calls per scene:                     {calls:.1f} (" + ", ".join(
        f"{service} {count / scenes:.1f}" for service, count in sorted(meter.calls.items()))
        + ")")
    print(f"estimate in AWS at {latency:.0f} ms a call:           "
          f"{per_scene - in_moto + calls * latency:.0f} ms per scene "
          f"(scenes run in parallel: a cartoon waits about two images plus this)")


if __name__ == "__main__":
    main()
