"""Makes moto's DynamoDB apply each request atomically, as DynamoDB does.

moto checks a write's condition and then writes, in plain Python: two threads can both pass the
check. DynamoDB serialises conditional writes to an item, so the stand-in takes one lock around
every DynamoDB request; without it, race tests would test moto instead of our code.
"""

import functools
import threading

_lock = threading.RLock()


def install():
    from moto.dynamodb.responses import DynamoHandler

    if getattr(DynamoHandler.call_action, "_atomic", False):
        return
    original = DynamoHandler.call_action

    @functools.wraps(original)
    def call_action(self):
        with _lock:
            return original(self)

    call_action._atomic = True
    DynamoHandler.call_action = call_action
