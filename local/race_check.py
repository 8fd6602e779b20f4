"""The races of issue 12 against the local stack (`python -m local.race_check`): it starts
`local.server` (offline renderer, moto, the worker thread), then over HTTP, as a browser would:

- erases an account 0 to 3 s after submitting an eight-scene cartoon;
- deletes a cartoon at the first moment the API allows it (DELETE sent every 50 ms);
- sends a redraw and a delete of the same cartoon at once.

After each answer it lists the bucket (every version, every open upload) under the erased
account's or the deleted cartoon's prefix once a second, and prints how long it took to be
empty. It fails if anything is left one minute after the request answered. The cleanup timer is
off, so the final sweep plays no part: the worker's own checks must do the cleaning.
"""

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from local.server import free_port  # noqa: E402

PORT, MOTO_PORT = free_port(), free_port()
# This process reads the local tables and bucket too: the same stage, the same moto.
os.environ.update({"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
                   "AWS_REGION": "eu-west-3", "AWS_DEFAULT_REGION": "eu-west-3",
                   "STAGE": "local", "AWS_ENDPOINT_URL": f"http://127.0.0.1:{MOTO_PORT}"})

import boto3  # noqa: E402

from chalicelib.core.settings import get_settings  # noqa: E402
from chalicelib.money import credits  # noqa: E402
from devtools.cartoons import cartoon_body, ledger_sum  # noqa: E402

GRACE_SECONDS = 60


class Browser:
    """A cookie jar and the CSRF token, over plain HTTP to the local server."""

    def __init__(self, base):
        self.base, self.cookies, self.csrf = base, {}, None

    def call(self, method, path, body=None):
        headers = {"Content-Type": "application/json", "Sec-Fetch-Site": "same-origin",
                   "Origin": self.base}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        data = None if body is None else json.dumps(body).encode()
        # Only ever http://localhost: the server this script started.
        request = urllib.request.Request(self.base + path, data=data, method=method,  # noqa: S310
                                         headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                status, answer, cookies = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, answer, cookies = error.code, error.read(), error.headers
        for value in cookies.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return status, json.loads(answer or b"null")

    def sign_in(self, email, outbox):
        self.csrf = self.call("GET", "/api/auth/csrf")[1]["csrf_token"]
        status, _ = self.call("POST", "/api/auth/link", {"email": email})
        assert status == 202, status
        mail = max((json.loads(p.read_text()) for p in outbox.glob("*.json")
                    if json.loads(p.read_text())["to"] == email), key=lambda m: m["link"])
        token = mail["link"].split("#token=", 1)[1]
        status, answer = self.call("POST", "/api/auth/verify", {"token": token})
        assert status == 200, (status, answer)
        self.csrf = answer["csrf_token"]
        return self.call("GET", "/api/me")[1]["account_id"]


def start_server(port, moto_port, outbox):
    env = {**os.environ, "OUTBOX_DIR": str(outbox), "STAGE": "local", "CLEANUP_SECONDS": "86400"}
    server = subprocess.Popen([sys.executable, "-m", "local.server", "--port", str(port),
                               "--moto-port", str(moto_port)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in server.stdout:
        if "is running at" in line:
            threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()
            return server
    raise RuntimeError("the local server did not start")


def left_under(s3, bucket, prefix):
    versions = s3.list_object_versions(Bucket=bucket, Prefix=prefix)
    uploads = s3.list_multipart_uploads(Bucket=bucket, Prefix=prefix)
    return (len(versions.get("Versions", [])) + len(versions.get("DeleteMarkers", []))
            + len(uploads.get("Uploads", [])))


def seconds_until_empty(s3, bucket, prefix):
    """Seconds after the answer until nothing is left under the prefix; None if still not
    after GRACE_SECONDS."""
    answered = time.monotonic()
    while time.monotonic() - answered <= GRACE_SECONDS:
        if left_under(s3, bucket, prefix) == 0:
            # Stay empty for as long as a drawing takes: a late put would show by then.
            time.sleep(5)
            if left_under(s3, bucket, prefix) == 0:
                return round(time.monotonic() - answered - 5, 1)
        time.sleep(1)
    return None


def cartoon(browser, scenes):
    status, answer = browser.call("POST", "/api/cartoons", cartoon_body(scenes))
    assert status == 202, (status, answer)
    return answer["cartoon_id"]


def wait_done(browser, cartoon_id):
    while browser.call("GET", f"/api/cartoons/{cartoon_id}")[1]["status"] != "done":
        time.sleep(0.2)


def grant(account_id, amount):
    """Credits straight into the local ledger (an operator's adjustment)."""
    credits.grant(account_id, amount, reason="adjustment", cause_key=f"race-check:{account_id}")


def main():
    outbox = Path(tempfile.mkdtemp(prefix="race-check-outbox-"))
    server = start_server(PORT, MOTO_PORT, outbox)
    try:
        base = f"http://localhost:{PORT}"
        s3 = boto3.client("s3")
        bucket = get_settings().images_bucket
        results = {"erasure": [], "deletion": [], "redraw_vs_delete": []}

        for n, delay in enumerate((0, 0.5, 1, 1.5, 2, 3)):
            browser = Browser(base)
            account_id = browser.sign_in(f"eraser{n}@example.com", outbox)
            grant(account_id, 10)
            cartoon(browser, 8)
            time.sleep(delay)
            status, _ = browser.call("DELETE", "/api/me", {"confirm": f"eraser{n}@example.com"})
            assert status == 200, status
            results["erasure"].append(seconds_until_empty(s3, bucket, f"users/{account_id}/"))

        browser = Browser(base)
        account_id = browser.sign_in("deleter@example.com", outbox)
        grant(account_id, 100)
        for _ in range(6):
            cartoon_id = cartoon(browser, 8)
            while (status := browser.call("DELETE", f"/api/cartoons/{cartoon_id}")[0]) != 200:
                assert status == 409, status
                time.sleep(0.05)
            results["deletion"].append(seconds_until_empty(
                s3, bucket, f"users/{account_id}/cartoons/{cartoon_id}/"))

        for _ in range(6):
            cartoon_id = cartoon(browser, 1)
            wait_done(browser, cartoon_id)
            answers = {}
            racers = [threading.Thread(target=lambda name=name, method=method, path=path,
                                       answers=answers: answers.__setitem__(
                                           name, browser.call(method, path, {})[0]))
                for name, method, path in (
                    ("redraw", "POST", f"/api/cartoons/{cartoon_id}/scenes/1/redraw"),
                    ("delete", "DELETE", f"/api/cartoons/{cartoon_id}"))]
            for racer in racers:
                racer.start()
            for racer in racers:
                racer.join()
            won = [name for name, status in answers.items() if status in (200, 202)]
            assert len(won) == 1, answers
            if won == ["redraw"]:
                wait_done(browser, cartoon_id)
                assert browser.call("DELETE", f"/api/cartoons/{cartoon_id}")[0] == 200
            results["redraw_vs_delete"].append((won[0], seconds_until_empty(
                s3, bucket, f"users/{account_id}/cartoons/{cartoon_id}/")))

        balance = credits.balance(account_id)
        print(json.dumps({"seconds_until_empty": results, "balance": balance,
                          "ledger_sum": ledger_sum(account_id)}, indent=2))
        assert balance == ledger_sum(account_id)
        flat = [r[1] if isinstance(r, tuple) else r for rows in results.values() for r in rows]
        if any(seconds is None for seconds in flat):
            sys.exit("something was left one minute after the request answered")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
