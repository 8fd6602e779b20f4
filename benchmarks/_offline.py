"""The environment every offline benchmark runs in: in-process moto, no keys, no outside service.
Imported first by a benchmark script (`python benchmarks/x.py` puts this folder on the path)."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def environment(**extra):
    """The benchmark settings, plus `extra` (an AWS endpoint, say); nothing else from outside."""
    os.environ.update({
        "STAGE": "test", "AWS_REGION": "eu-west-3", "AWS_DEFAULT_REGION": "eu-west-3",
        "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "LOG_LEVEL": "WARNING",
        "SITE_URL": "https://caaartoons.test", "OUTBOX_DIR": tempfile.mkdtemp(prefix="bench-"),
        "SESSION_KEYS": "bench-session-key-0123456789abcdef0123456789",
        "HASH_KEY": "bench-hash-key-0123456789abcdef0123456789", **extra,
    })
    for name in ("AWS_ENDPOINT_URL", "OPENAI_API_KEY", "AWS_PROFILE", "SSM_PARAMETER_PREFIX"):
        if name not in extra:
            os.environ.pop(name, None)


environment()
