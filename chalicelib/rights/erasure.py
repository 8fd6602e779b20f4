"""Erasing an account: every item and object of it, resumable if interrupted.

The first write marks the account as being deleted and drops its sessions, so it is signed out
everywhere at once. Each step after that is idempotent and finds what it removes with queries
(never a scan); the account item and its address index go last, so a resumed erasure can still
read what it needs. A `PendingErasure` item lets the scheduled cleanup resume an erasure that a
timeout or a crash interrupted, and then sweep the account's prefixes once more after the
longest job deadline: a backstop, since the worker withdraws what it writes for an account being
erased (worker/guard.py).
"""

import time

from pynamodb.exceptions import DeleteError, PutError, UpdateError

from chalicelib.accounts import erasure as accounts_erasure
from chalicelib.adapters import storage
from chalicelib.adapters.jobs import WORKER_TIMEOUT_SECONDS
from chalicelib.cartoons import erasure as cartoons_erasure
from chalicelib.core import clock, logs
from chalicelib.core.answers import BODY_ERRORS, SIGNED_IN, STATUS, ok
from chalicelib.core.conditions import lost_condition
from chalicelib.core.crypto import same
from chalicelib.core.errors import Invalid
from chalicelib.core.fields import Field
from chalicelib.core.models import (
    Account,
    EmailIndex,
    PendingErasure,
    expiry_hour,
    hours_up_to,
)
from chalicelib.money import erasure as money_erasure
from chalicelib.rights import export

RESUME_AFTER_SECONDS = 300
# A job that checked the account just before the erasure began ends within its deadline.
SWEEP_AFTER_SECONDS = WORKER_TIMEOUT_SECONDS + 60
CONFIRM_SPEC = {"confirm": Field(str, max_length=320)}


def check_confirmation(session, typed):
    if not isinstance(typed, str) or not same(typed.strip().lower(), session.account.email.lower()):
        raise Invalid(key="confirm_address", code="confirmation_mismatch")


def start(account_id, now=None):
    """Mark the account, end its sessions, and note the erasure for the cleanup to resume."""
    now = int(clock.now() if now is None else now)
    resume_at = now + RESUME_AFTER_SECONDS
    try:  # a repeated request must not bring an erasure's final sweep forward
        PendingErasure(account_id, expires_at=resume_at, expiry_hour=expiry_hour(resume_at)
                       ).save(condition=PendingErasure.account_id.does_not_exist())
    except PutError as error:
        if not lost_condition(error):
            raise
    try:
        Account(account_id).update(
            actions=[Account.deleting_since.set(now), Account.session_ids.remove()],
            condition=Account.account_id.exists() & Account.deleting_since.does_not_exist())
    except UpdateError as error:
        if not lost_condition(error):
            raise  # already being deleted, or gone: finishing is idempotent either way
    logs.event("erasure_started", account_id=account_id)


def erase(account_id, now=None):
    """Remove everything of the account; safe to run again after an interruption. Its
    `PendingErasure` stays until the final sweep."""
    now = int(clock.now() if now is None else now)
    account = _get(Account, account_id)
    if account is None:
        return  # erased already; a PendingErasure left is swept by resume_pending
    for step in STEPS:
        step(account)
    sweep_at = int(account.deleting_since or now) + SWEEP_AFTER_SECONDS
    if now < sweep_at:
        PendingErasure(account_id, expires_at=sweep_at, expiry_hour=expiry_hour(sweep_at)).save()
    erase_account_item(account)
    if now >= sweep_at:
        sweep(account_id)
    logs.event("erasure_finished", account_id=account_id)


def erase_account_item(account):
    """The account goes last: a resumed erasure reads it to find the rest."""
    _delete_quietly(account)


def sweep(account_id):
    """The final sweep, once every job that may have checked the account before the erasure
    began has met its deadline: the account's prefixes once more, then its PendingErasure. A
    backstop for a worker that died between a put and its re-check (worker/guard.py)."""
    swept = sum(storage.delete_prefix(prefix) for prefix in (
        storage.account_prefix(account_id), storage.export_prefix(account_id),
        storage.upload_prefix(account_id)))
    _delete_quietly(PendingErasure(account_id))
    logs.event("erasure_swept", account_id=account_id, objects=swept)


def erase_address_index(account):
    _delete_quietly(EmailIndex(account.email_key),
                    condition=EmailIndex.account_id == account.account_id)


# Each package's own step, in this order: cartoons before the ledger, so a refund that lands
# (the scene still exists) is in the ledger before it is erased, and one that comes later finds
# no scene and lands nowhere. The address index goes last, then the account item.
STEPS = [cartoons_erasure.erase_cartoons, export.erase_exports, money_erasure.erase_money,
         accounts_erasure.erase_links_and_windows, erase_address_index]


def resume_pending(now=None):
    """From the cleanup: finish erasures whose first attempt stopped part-way."""
    now = int(clock.now() if now is None else now)
    resumed = 0
    for hour in hours_up_to(now):
        for pending in PendingErasure.by_expiry.query(hour, PendingErasure.expires_at < now):
            if _get(Account, pending.account_id) is None:
                sweep(pending.account_id)
            else:
                erase(pending.account_id, now)
            resumed += 1
    return resumed


def _get(model, key):
    try:
        return model.get(key, consistent_read=True)
    except model.DoesNotExist:
        return None


def _delete_quietly(item, condition=None):
    try:
        item.delete(condition=condition)
    except DeleteError as error:
        if not lost_condition(error):
            raise


def erase_now(session, typed):
    """The route's one call: check the typed confirmation, then erase at once."""
    check_confirmation(session, typed)
    started = time.monotonic()
    start(session.account_id)
    erase(session.account_id)
    logs.event("erasure_took", account_id=session.account_id,
               ms=int((time.monotonic() - started) * 1000))


# DELETE /api/me, reading CONFIRM_SPEC: the account is gone, its cookie cleared.
DELETED = ok(STATUS, errors=(*BODY_ERRORS, SIGNED_IN, 409, 429),
             headers=(("Set-Cookie", "The session cookie, cleared."),))
