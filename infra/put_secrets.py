"""`make secrets`: puts the prod secrets into SSM Parameter Store, where the functions read them.

    python -m infra.put_secrets                    # creates the missing ones, keeps the others
    python -m infra.put_secrets --rotate SESSION_KEYS STRIPE_SECRET_KEY

SESSION_KEYS, HASH_KEY and ORIGIN_SECRETS are generated here. The provider keys are asked for
without echo; an empty answer skips one for now. Each is a SecureString under /caaartoons/prod/
(the aws/ssm key). Rotating SESSION_KEYS or ORIGIN_SECRETS puts a new value in front and keeps
the previous one: sessions signed with the old key stay valid until they expire, and the API
keeps accepting the CloudFront header it replaces until the distribution sends the new one
(infra/README.md). HASH_KEY is never rotated: every stored email key and link hash is derived
from it.
"""

import argparse
import getpass
import secrets
import sys

from chalicelib.core.settings import SECRET_NAMES
from infra.build import REGION, SSM_PATH

GENERATED = ("SESSION_KEYS", "HASH_KEY", "ORIGIN_SECRETS")
# Rotated by putting a new value first and keeping the previous one second.
KEEP_PREVIOUS = ("SESSION_KEYS", "ORIGIN_SECRETS")
NEVER_ROTATED = ("HASH_KEY",)


def current(client, name):
    try:
        return client.get_parameter(Name=f"{SSM_PATH}/{name}", WithDecryption=True)[
            "Parameter"]["Value"]
    except client.exceptions.ParameterNotFound:
        return None


def new_value(name, existing, ask):
    if name in KEEP_PREVIOUS:
        kept = existing.split(",")[0].strip() if existing else ""
        return ",".join(key for key in (secrets.token_urlsafe(48), kept) if key)
    if name == "HASH_KEY":
        return secrets.token_urlsafe(48)
    return ask(f"{name} (empty: skip): ").strip()


def put_secrets(client, rotate=(), ask=getpass.getpass, say=print):
    """Creates the missing secrets and rotates those named; returns the names it wrote."""
    refused = set(rotate) & set(NEVER_ROTATED)
    if refused:
        raise SystemExit(f"refusing to rotate {', '.join(sorted(refused))}: see the docstring")
    written = []
    for name in SECRET_NAMES:
        existing = current(client, name)
        if existing and name not in rotate:
            say(f"{name}: kept")
            continue
        value = new_value(name, existing, ask)
        if not value:
            say(f"{name}: skipped")
            continue
        client.put_parameter(Name=f"{SSM_PATH}/{name}", Value=value, Type="SecureString",
                             Overwrite=True)
        written.append(name)
        say(f"{name}: {'rotated' if existing else 'created'}")
    return written


def main(argv):
    import boto3

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rotate", nargs="+", default=[], choices=SECRET_NAMES)
    args = parser.parse_args(argv)
    written = put_secrets(boto3.client("ssm", region_name=REGION), rotate=args.rotate)
    if written:
        print("Running functions read secrets at start: `make restart` to load them now.")


if __name__ == "__main__":
    main(sys.argv[1:])
