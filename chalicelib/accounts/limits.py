"""Fixed-window rate limits in DynamoDB, counted with one conditional update.

The key is a keyed hash of scope, identifier and window start: the raw identifier (an address,
an IP) is never stored, and a window's hash cannot be linked to the next window's. Windows last
at most an hour; an expired one is ignored on read and removed by the cleanup.
"""

from pynamodb.exceptions import UpdateError

from chalicelib.core import clock
from chalicelib.core.conditions import lost_condition
from chalicelib.core.crypto import keyed_hash
from chalicelib.core.errors import RateLimited
from chalicelib.core.models import LimitWindow, as_datetime, expiry_hour

HOUR = 3600
# scope: (limit, window seconds)
RULES = {
    "link-email-minute": (1, 60),
    "link-email-hour": (5, HOUR),
    "link-ip-hour": (20, HOUR),
    "verify-ip-hour": (60, HOUR),
    "checkout-account-hour": (30, HOUR),
    "export-account-hour": (3, HOUR),
    # Free for the caller but not for us: each text edit may queue a recompose job, each
    # confirm calls Stripe.
    "edit-account-hour": (120, HOUR),
    "confirm-account-hour": (60, HOUR),
    # The create page's lettering check, debounced as the person types: free, but each one
    # fits up to 24 panels' texts (about 0.1 s of CPU). One a second is more than typing needs.
    "lettering-account-minute": (60, 60),
    # Share links: making them (each replaces the last), and viewing them, which is public.
    "share-account-hour": (30, HOUR),
    "share-view-ip-hour": (300, HOUR),
    # Drafting is free for the caller (cartoons/drafting.py) but each one is a model call.
    "draft-account-hour": (20, HOUR),
    "draft-ip-hour": (60, HOUR),
    # Upload slots (cartoons/uploads.py): each lets S3 take one picture, kept at most a day.
    "upload-account-hour": (30, HOUR),
}


TOO_MANY = "too_many"  # the words a refusal says (error.too_many), unless a scope has its own


def hit(scope, identifier, *, refusal=TOO_MANY):
    """Count one request; raise RateLimited with the seconds left when over the limit.
    Returns the window's key, for `give_back` if the request is refused after all."""
    limit, window = RULES[scope]
    now = clock.now()
    start = int(now // window * window)
    ends = start + window
    key = window_key(scope, identifier, start)
    item = LimitWindow(key)
    try:
        item.update(
            actions=[LimitWindow.hits.add(1), LimitWindow.expires_at.set(ends),
                     LimitWindow.expiry_hour.set(expiry_hour(ends)),
                     LimitWindow.ttl.set(as_datetime(ends))],
            condition=LimitWindow.hits.does_not_exist() | (LimitWindow.hits < limit),
        )
    except UpdateError as error:
        if lost_condition(error):
            raise RateLimited(key=refusal, retry_after=ends - now) from None
        raise
    return key


def window_key(scope, identifier, start):
    """The key of `identifier`'s window of `scope` that starts at `start`."""
    return keyed_hash("limit", f"{scope}:{identifier}:{start}")


def live_window_keys(scope, identifier, now=None):
    """The keys of every window of `scope` for `identifier` that may still be alive: an expired
    window is kept until the cleanup takes it, up to an hour past its end."""
    now = int(clock.now() if now is None else now)
    _, window = RULES[scope]
    first = (now - HOUR - window) // window * window
    return [window_key(scope, identifier, start) for start in range(first, now + window, window)]


def forget(identifier, scopes, now=None):
    """Delete `identifier`'s live windows of `scopes` (an erased address's)."""
    with LimitWindow.batch_write() as batch:
        for scope in scopes:
            for key in live_window_keys(scope, identifier, now):
                batch.delete(LimitWindow(key))


def hit_all(*hits):
    """Count one request against several limits, each `(scope, identifier, words key)`: all or
    none. When one refuses, the ones already counted are given back, so a refused request
    counts against nothing (a person behind a busy shared address keeps their own hour).
    Returns the windows' keys, for `give_back`."""
    keys = []
    try:
        for scope, identifier, refusal in hits:
            keys.append(hit(scope, identifier, refusal=refusal))
    except RateLimited:
        for key in keys:
            give_back(key)
        raise
    return keys


def give_back(key):
    """Uncount one hit of the window `key` (from `hit`): the request it counted was refused
    for another reason, so only what was accepted counts against the limit."""
    try:
        LimitWindow(key).update(actions=[LimitWindow.hits.add(-1)],
                                condition=LimitWindow.hits > 0)
    except UpdateError as error:
        if not lost_condition(error):
            raise
