"""The scheduled cleanup: removes expired items (sign-in links, limit windows, idempotency
keys) and fails, with a refund, generation scenes stuck in flight beyond a limit.

It queries the expiry index hour by hour instead of scanning, and deletes only items whose
expiry has passed (a condition on the delete, so an item renewed meanwhile survives).
"""

from pynamodb.exceptions import DeleteError

from chalicelib.core import clock, logs
from chalicelib.core.models import EXPIRING_MODELS, hours_up_to

EVERY_MINUTES = 15


def remove_expired(now=None):
    now = int(clock.now() if now is None else now)
    removed = {}
    for model in EXPIRING_MODELS:
        removed[model.Meta.table_name] = sum(_remove_hour(model, hour, now)
                                             for hour in hours_up_to(now))
    logs.event("cleanup_expired", **{k.rsplit("-", 1)[-1]: v for k, v in removed.items()})
    return removed


def _remove_hour(model, hour, now):
    count = 0
    for key_item in model.by_expiry.query(hour, model.expires_at < now):
        try:
            key_item.delete(condition=model.expires_at < now)
            count += 1
        except DeleteError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
    return count


def run():
    from chalicelib.rights import erasure
    from chalicelib.worker import generation

    return {"expired": remove_expired(), "stuck_scenes": generation.fail_stuck_scenes(),
            "erasures_resumed": erasure.resume_pending()}
