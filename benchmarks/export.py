"""The time and peak memory to export a gallery of a thousand images of ~200 KB.

The export is what the worker Lambda runs: read each image from S3, add it to a zip streamed
to S3 in 8 MiB parts. AWS is moto's server in a subprocess, so that tracemalloc counts this
process only (moto in process keeps every object, and assembles the finished upload, in the
same heap). Moto answers on loopback: real S3 from a Lambda in region adds ~10-30 ms a GET,
so a real export of this size takes longer, with the same memory.
"""

import datetime
import os
import socket
import subprocess
import sys
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor

from _offline import environment  # the benchmarks' settings; moto's endpoint added below

IMAGES = int(os.environ.get("IMAGES", "1000"))
IMAGE_KB = int(os.environ.get("IMAGE_KB", "200"))
SCENES = 8


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_moto():
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1",
                                "-p", str(port)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("moto's server did not start")


def seed(account_id):
    """An account with credits and IMAGES finished scenes, eight to a cartoon."""
    from chalicelib.adapters import storage
    from chalicelib.core import clock
    from chalicelib.core.models import Account, Cartoon, Scene
    from chalicelib.money import credits

    now = datetime.datetime.now(datetime.UTC)
    Account(account_id, email="bench@example.com", email_key="bench", created_at=now).save()
    credits.grant(account_id, IMAGES, reason="adjustment", cause_key=f"bench:{account_id}")
    image = os.urandom(IMAGE_KB * 1024)  # incompressible, as PNG is
    keys = []
    with Cartoon.batch_write() as cartoons, Scene.batch_write() as scenes:
        for c in range((IMAGES + SCENES - 1) // SCENES):
            cartoon_id = f"{int(clock.now() * 1000) + c:013d}{c:08x}"
            count = min(SCENES, IMAGES - c * SCENES)
            cartoons.save(Cartoon(account_id, cartoon_id, title=f"Cartoon {c}", context="A town.",
                                  style="ligne-claire", style_prompt="clear lines",
                                  quality="low", credits_per_scene=1, scene_count=count,
                                  cost=count, characters=[], created_at=now))
            for n in range(1, count + 1):
                key = storage.cartoon_key(account_id, cartoon_id, f"scenes/{n:02d}-0.png")
                keys.append(key)
                scenes.save(Scene(account_id, f"{cartoon_id}#{n:02d}", cartoon_id=cartoon_id,
                                  number=n, action=f"Scene {n}.", state="done", attempt=0,
                                  credits=1, charge_key=f"cartoon:{cartoon_id}",
                                  image_key=key, updated_at=int(clock.now())))
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda key: storage.put(key, image, "image/png"), keys))


def main():
    moto, endpoint = start_moto()
    try:
        environment(AWS_ENDPOINT_URL=endpoint)
        from chalicelib.adapters import jobs, resources
        from chalicelib.core import clock, ids
        from chalicelib.core.models import Export
        from chalicelib.worker import export as export_worker

        resources.create_all()
        account_id = "benchaccount"
        seed(account_id)
        item = Export(account_id, ids.new_id(clock.now()), state="queued",
                      created_at=int(clock.now()))
        item.set_expiry(clock.now() + 3600)
        item.save()

        tracemalloc.start()
        baseline = tracemalloc.get_traced_memory()[0]
        started = time.perf_counter()
        figures = export_worker.build(jobs.export_job(account_id, item.export_id),
                                      time.monotonic() + 900)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] - baseline
        tracemalloc.stop()
        assert figures and figures["files"] == IMAGES + 1, figures
        mib = 1024 * 1024
        print(f"export of {IMAGES} images of {IMAGE_KB} KB: {figures['size'] / mib:.0f} MiB zip "
              f"in {figures['parts']} parts, {seconds:.1f} s "
              f"({figures['size'] / mib / seconds:.0f} MiB/s against moto on loopback); "
              f"peak Python memory {peak / mib:.1f} MiB (tracemalloc), writer buffer peak "
              f"{figures['peak_buffered'] / mib:.1f} MiB")
    finally:
        moto.terminate()
        moto.wait(timeout=10)


if __name__ == "__main__":
    main()
