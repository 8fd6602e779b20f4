"""The stack that `make run` starts, run in a subprocess on its embedded defaults, and the
Chromium that drives it: shared by the browser tests (tests/browser/conftest.py) and the
benchmarks that measure the site in a browser (benchmarks/overlay_drag.py)."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
# The unit tests' environment must not leak into the stack: it runs on its own defaults.
TEST_ONLY = ("STAGE", "SITE_URL", "OUTBOX_DIR", "SESSION_KEYS", "HASH_KEY", "AWS_ACCESS_KEY_ID",
             "AWS_SECRET_ACCESS_KEY", "STRIPE_WEBHOOK_SECRET", "ORIGIN_SECRETS")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    def __init__(self, url, outbox, process):
        self.url, self.outbox, self.process = url, outbox, process

    def mails(self, to=None):
        found = [json.loads(p.read_text()) for p in sorted(self.outbox.glob("*.json"))]
        return [m for m in found if to is None or m["to"] == to]

    def link_for(self, email, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            mails = self.mails(email)
            if mails:
                return mails[-1]["link"]
            time.sleep(0.1)
        raise AssertionError(f"no mail for {email} in the outbox")


def start_stack(tmp_path_factory, **extra_env):
    port, outbox = free_port(), tmp_path_factory.mktemp("outbox")
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    env.update({"OUTBOX_DIR": str(outbox), "PYTHONUNBUFFERED": "1", **extra_env})
    log = open(tmp_path_factory.mktemp("stack") / "stack.log", "w+")  # noqa: SIM115
    process = subprocess.Popen([sys.executable, "-m", "local.server", "--port", str(port),
                                "--cleanup-seconds", "30"],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://localhost:{port}"
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/auth/csrf", timeout=2)  # noqa: S310 (our http)
            break
        except OSError:
            if process.poll() is not None or time.time() > deadline:
                log.seek(0)
                raise RuntimeError(f"the local stack did not start:\n{log.read()}") from None
            time.sleep(0.2)
    stack = Stack(url, Path(outbox), process)
    stack.log = log
    return stack


def stop_stack(stack):
    stack.process.terminate()
    try:
        stack.process.wait(timeout=30)
    except subprocess.TimeoutExpired:  # a loaded machine: moto's shutdown can stall
        stack.process.kill()
        stack.process.wait(timeout=10)
    stack.log.close()
