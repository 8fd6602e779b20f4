"""Schemathesis against the local stack (`make fuzz`): starts `python -m local.server` on a free
port, then runs every check Schemathesis has (`--checks all`) against GET /api/openapi.json,
first signed out, then signed in (through the local outbox, as a person signs in: the link
mailed, the token confirmed, then the session cookie and its CSRF token sent on every request).
Exits non-zero if any check fails in either run.

    python -m local.schemathesis_run [--examples N] [--seed S]

The local checkout's routes (local/checkout.py, not deployed) are left out; so is signing out
in the signed-in run, which would end the session the run tests with.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EMAIL = "fuzz@example.com"
LOCAL_ONLY = "^/api/local-checkout/"
ENDS_THE_SESSION = "^/api/auth/logout"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def call(base, method, path, body=None, headers=None):
    """(status, headers, JSON body) of one request to the local stack."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310 (our own URL)
        f"{base}{path}", data=data, method=method,
        headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (our own URL)
        return response.status, response.headers, json.loads(response.read() or b"null")


def wait_until_up(base, server, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"local.server stopped ({server.returncode}) before answering")
        try:
            call(base, "GET", "/api/openapi.json")
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"local.server did not answer within {seconds} s")


def sign_in(base, outbox):
    """(session cookie's value, CSRF token) of a session opened through the mailed link."""
    _, _, anonymous = call(base, "GET", "/api/auth/csrf")
    call(base, "POST", "/api/auth/link", {"email": EMAIL},
         {"X-CSRF-Token": anonymous["csrf_token"]})
    mails = [json.loads(p.read_text()) for p in sorted(Path(outbox).glob("*.json"))]
    link = next(m["link"] for m in reversed(mails) if m["to"] == EMAIL)
    _, headers, me = call(base, "POST", "/api/auth/verify",
                          {"token": link.split("#token=", 1)[1]},
                          {"X-CSRF-Token": anonymous["csrf_token"]})
    cookie = headers["Set-Cookie"].split(";", 1)[0].partition("=")[2]
    return cookie, me["csrf_token"]


# A request the schema allows may still be refused on what only the service knows (a token it
# never issued, an unsigned webhook, a cursor it did not make, a pack it does not sell, a blank
# title): the API answers those 400, the document declares it, and Schemathesis should take it
# as an answer, not as valid data refused. The other statuses are its defaults.
ACCEPTED = ["2xx", "3xx", "400", "401", "402", "403", "404", "409", "422", "429", "5xx"]


def config(folder, name, credentials):
    """A schemathesis.toml: the security schemes' values (so Schemathesis knows what it
    sends and can leave each out), and what a schema-valid request may be answered."""
    lines = [f'[auth.openapi.{scheme}]\napi_key = "{value}"\n'
             for scheme, value in credentials.items()]
    lines.append("[checks.positive_data_acceptance]\nexpected-statuses = "
                 f"{json.dumps(ACCEPTED)}\n")
    path = Path(folder) / f"{name}.toml"
    path.write_text("\n".join(lines))
    return path


def schemathesis(base, config_file, exclude, examples, seed):
    command = [str(Path(sys.executable).parent / "schemathesis"), "--config-file",
               str(config_file), "run",
               f"{base}/api/openapi.json", "--checks", "all", "--max-examples", str(examples),
               "--seed", str(seed), "--exclude-path-regex", exclude, "--workers", "1",
               "--generation-database", "none",  # seeded: a failure repeats without one
               "--no-color"]
    # run in the config's folder: Schemathesis keeps its crash files beside it, not in the repo
    return subprocess.run(command, cwd=Path(config_file).parent, check=False).returncode


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=int(os.environ.get("FUZZ_API_EXAMPLES",
                                                                           "20")))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="caaartoons-fuzz-") as folder:
        outbox = Path(folder) / "outbox"
        env = {**os.environ, "OUTBOX_DIR": str(outbox), "PORT": str(port),
               "SITE_URL": f"http://localhost:{port}"}
        server = subprocess.Popen([sys.executable, "-m", "local.server", "--port", str(port)],
                                  cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        try:
            wait_until_up(base, server)
            anonymous = call(base, "GET", "/api/auth/csrf")[2]["csrf_token"]
            print("== Schemathesis, signed out", flush=True)
            signed_out = schemathesis(base, config(folder, "out", {"csrf": anonymous}),
                                      LOCAL_ONLY, args.examples, args.seed)
            cookie, token = sign_in(base, outbox)
            print("== Schemathesis, signed in", flush=True)
            signed_in = schemathesis(base, config(folder, "in", {"session": cookie,
                                                                 "csrf": token}),
                                     f"{LOCAL_ONLY}|{ENDS_THE_SESSION}", args.examples,
                                     args.seed)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"signed out: exit {signed_out}; signed in: exit {signed_in}")
    return 1 if signed_out or signed_in else 0


if __name__ == "__main__":
    sys.exit(main())
