"""Schemathesis against the local stack (`make fuzz`): starts `python -m local.server` on a free
port, then runs every check Schemathesis has (`--checks all`) against GET /api/openapi.json,
first signed out, then signed in (through the local outbox, as a person signs in: the link
mailed, the token confirmed, then the session cookie and its CSRF token sent on every request),
with ids of real things of the account's in the paths (`seeded`).
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

from devtools.cartoons import cartoon_body

ROOT = Path(__file__).resolve().parent.parent
EMAIL = "fuzz@example.com"
LOCAL_ONLY = "^/api/local-checkout/"
ENDS_THE_SESSION = "^/api/auth/logout"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def call(base, method, path, body=None, headers=None, raw=None):
    """(status, headers, JSON body) of one request to the local stack (`raw`: bytes sent as
    they are, instead of `body` as JSON)."""
    data = raw if raw is not None else None if body is None else json.dumps(body).encode()
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


def seeded(base, cookie, token):
    """The path parameters of the signed-in run, and those of some operations of their own: a
    cartoon of the account's (paid through the local checkout, drawn offline), its first scene
    and second character, and that character saved to the library. Deleting a cartoon or a
    character gets a spare one, and the share page the link of a cartoon nothing else touches
    (sharing the first again gives it a new link), so that the other operations do not answer
    404 once one of those has run. Without them, every operation on one of these answers 404
    and Schemathesis never reaches what it does."""
    signed = {"Cookie": f"session={cookie}", "X-CSRF-Token": token}
    checkout = call(base, "POST", "/api/checkout", {"pack": "large"}, signed)[2]
    paid = call(base, "POST", f"/api/local-checkout/{checkout['session_id']}/pay", {},
                signed)[2]
    call(base, "POST", "/api/stripe/webhook", raw=paid["event"].encode(),
         headers={"Stripe-Signature": paid["signature"]})
    kept, spare, shown = (drawn_cartoon(base, signed) for _ in range(3))
    share = call(base, "POST", f"/api/cartoons/{shown}/share", {}, signed)[2]["share"]
    saved = [call(base, "POST", "/api/characters", {"cartoon_id": kept, "index": index},
                  signed)[2]["id"] for index in (1, 2)]
    parameters = {"cartoon_id": kept, "number": 1, "index": 1,
                  "share_id": share["url"].rsplit("/", 1)[1], "character_id": saved[0]}
    own = {"DELETE /api/cartoons/{cartoon_id}": {"cartoon_id": spare},
           "DELETE /api/characters/{character_id}": {"character_id": saved[1]}}
    return parameters, own


def drawn_cartoon(base, signed, seconds=180):
    """A two-scene cartoon of the signed-in account, once drawn and composed."""
    cartoon_id = call(base, "POST", "/api/cartoons", cartoon_body(2), signed)[2]["cartoon_id"]
    deadline = time.monotonic() + seconds
    while call(base, "GET", f"/api/cartoons/{cartoon_id}", None, signed)[2]["status"] != "done":
        if time.monotonic() > deadline:
            sys.exit(f"the seeded cartoon was not drawn within {seconds} s")
        time.sleep(0.5)
    return cartoon_id


# A request the schema allows may still be refused on what only the service knows (a token it
# never issued, an unsigned webhook, a cursor it did not make, a pack it does not sell, a blank
# title): the API answers those 400, the document declares it, and Schemathesis should take it
# as an answer, not as valid data refused. The other statuses are its defaults.
ACCEPTED = ["2xx", "3xx", "400", "401", "402", "403", "404", "409", "422", "429", "5xx"]


def config(folder, name, credentials, skipped=(), parameters=None, per_operation=None):
    """A schemathesis.toml: the security schemes' values (so Schemathesis knows what it
    sends and can leave each out), what a schema-valid request may be answered, the
    operations left out (`skipped`: (method, path), ...) and the path parameters' values:
    `parameters` for all, `per_operation` ("METHOD /path" -> parameters) for some."""
    lines = [f'[auth.openapi.{scheme}]\napi_key = "{value}"\n'
             for scheme, value in credentials.items()]
    if parameters:
        lines.append("[parameters]\n" + path_values(parameters))
    lines.append("[checks.positive_data_acceptance]\nexpected-statuses = "
                 f"{json.dumps(ACCEPTED)}\n")
    lines += [f'[[operations]]\ninclude-name = "{method} {path}"\nenabled = false\n'
              for method, path in skipped]
    lines += [f'[[operations]]\ninclude-name = "{name}"\n[operations.parameters]\n'
              + path_values(values) for name, values in (per_operation or {}).items()]
    path = Path(folder) / f"{name}.toml"
    path.write_text("\n".join(lines))
    return path


def path_values(values):
    return "".join(f'"path.{name}" = {json.dumps(value)}\n' for name, value in values.items())


def signed_out_operations(base):
    """Each operation that takes the CSRF header without the session (asking for a sign-in
    link, confirming one). The signed-out run sends them with an anonymous token; signed in,
    Schemathesis would send the session's token without its cookie, refused (403) every time:
    the same requests again, never reaching the operation."""
    paths = call(base, "GET", "/api/openapi.json")[2]["paths"]
    return [(method.upper(), path)
            for path, operations in paths.items() for method, operation in operations.items()
            if operation.get("security") == [{"csrf": []}]]


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
            cookie, token = sign_in(base, outbox)
            parameters, own = seeded(base, cookie, token)
            anonymous = call(base, "GET", "/api/auth/csrf")[2]["csrf_token"]
            print("== Schemathesis, signed out", flush=True)
            signed_out = schemathesis(base, config(folder, "out", {"csrf": anonymous}, (), {
                "share_id": parameters["share_id"]}), LOCAL_ONLY, args.examples, args.seed)
            print("== Schemathesis, signed in", flush=True)
            signed_in = schemathesis(base, config(folder, "in", {"session": cookie,
                                                                 "csrf": token},
                                                  signed_out_operations(base), parameters,
                                                  own),
                                     f"{LOCAL_ONLY}|{ENDS_THE_SESSION}", args.examples,
                                     args.seed)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"signed out: exit {signed_out}; signed in: exit {signed_in}")
    return 1 if signed_out or signed_in else 0


if __name__ == "__main__":
    sys.exit(main())
