"""Makes moto's DynamoDB apply each request atomically, as DynamoDB does, and its S3 serve one
request at a time.

moto checks a write's condition and then writes, in plain Python: two threads can both pass the
check. DynamoDB serialises conditional writes to an item, so the stand-in takes one lock around
every DynamoDB request; without it, race tests would test moto instead of our code. moto's S3
backend is not thread-safe either (listing versions while another thread writes can iterate a
changing dict and fail), where S3 itself is: its requests take the same lock.
"""

import functools
import threading

_lock = threading.RLock()


def _serialised(cls, name):
    original = getattr(cls, name)
    if getattr(original, "_atomic", False):
        return

    @functools.wraps(original)
    def one_at_a_time(*args, **kwargs):
        with _lock:
            return original(*args, **kwargs)

    one_at_a_time._atomic = True
    setattr(cls, name, one_at_a_time)


def install():
    from moto.dynamodb.responses import DynamoHandler
    from moto.s3.responses import S3Response

    _serialised(DynamoHandler, "call_action")
    for name in ("bucket_response", "key_response"):
        _serialised(S3Response, name)
