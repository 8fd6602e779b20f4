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
import uuid

from pynamodb.exceptions import DeleteError, PutError, UpdateError

from chalicelib.accounts import limits
from chalicelib.accounts.links import canonical_email
from chalicelib.adapters import storage
from chalicelib.adapters.jobs import WORKER_TIMEOUT_SECONDS
from chalicelib.core import clock, logs
from chalicelib.core.answers import BODY_ERRORS, SIGNED_IN, STATUS, ok
from chalicelib.core.crypto import keyed_hash, same
from chalicelib.core.errors import Invalid
from chalicelib.core.fields import Field
from chalicelib.core.models import (
    ERASED_PREFIX,
    Account,
    AppliedCause,
    Cartoon,
    EmailIndex,
    Export,
    LedgerEntry,
    LimitWindow,
    PendingErasure,
    Purchase,
    SavedCharacter,
    Scene,
    SignInLink,
    SubmissionKey,
    expiry_hour,
    hours_up_to,
    transaction,
)

RESUME_AFTER_SECONDS = 300
# A job that checked the account just before the erasure began ends within its deadline.
SWEEP_AFTER_SECONDS = WORKER_TIMEOUT_SECONDS + 60
CONFIRM_SPEC = {"confirm": Field(str, max_length=320)}


def check_confirmation(session, typed):
    if not isinstance(typed, str) or not same(typed.strip().lower(), session.account.email.lower()):
        raise Invalid("Type your email address exactly to confirm the deletion.",
                      code="confirmation_mismatch")


def start(account_id, now=None):
    """Mark the account, end its sessions, and note the erasure for the cleanup to resume."""
    now = int(clock.now() if now is None else now)
    resume_at = now + RESUME_AFTER_SECONDS
    try:  # a repeated request must not bring an erasure's final sweep forward
        PendingErasure(account_id, expires_at=resume_at, expiry_hour=expiry_hour(resume_at)
                       ).save(condition=PendingErasure.account_id.does_not_exist())
    except PutError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
    try:
        Account(account_id).update(
            actions=[Account.deleting_since.set(now), Account.session_ids.remove()],
            condition=Account.account_id.exists() & Account.deleting_since.does_not_exist())
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
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
        storage.account_prefix(account_id), storage.export_prefix(account_id)))
    _delete_quietly(PendingErasure(account_id))
    logs.event("erasure_swept", account_id=account_id, objects=swept)


def erase_ledger(account):
    for entry in LedgerEntry.query(account.account_id, consistent_read=True):
        _delete_quietly(AppliedCause(entry.cause_key))
        _delete_quietly(entry)


def erase_links_and_windows(account):
    """Sign-in links to the address, address-change links of the account, and the limit
    windows of every address involved."""
    addresses = {account.email}
    for key in SignInLink.by_account.query(account.account_id):
        link = _get(SignInLink, key.token_hash)
        if link is not None:
            addresses.add(link.email)
            _delete_quietly(link)
    for key in SignInLink.by_email.query(account.email_key):
        _delete_quietly(key)
    for address in {canonical_email(address) for address in addresses}:
        erase_limit_windows(address)  # limits count the lower-case form (accounts/links.py)


def erase_limit_windows(address, now=None):
    """Windows keyed by an address's hash: recompute the keys of every window still alive."""
    now = int(clock.now() if now is None else now)
    with LimitWindow.batch_write() as batch:
        for scope in ("link-email-minute", "link-email-hour"):
            _, window = limits.RULES[scope]
            first = (now - limits.HOUR - window) // window * window
            for start in range(first, now + window, window):
                batch.delete(LimitWindow(keyed_hash("limit", f"{scope}:{address}:{start}")))


def pseudonymise_purchases(account):
    """Accounting law keeps purchase records: move each under a random pseudonym that nothing
    links back to the account (they never held the address)."""
    pseudonym = f"{ERASED_PREFIX}{uuid.uuid4().hex}"
    for purchase in Purchase.query(account.account_id, consistent_read=True):
        kept = Purchase(pseudonym, purchase.purchase_id, **{
            name: getattr(purchase, name) for name in Purchase.get_attributes()
            if name not in ("account_id", "purchase_id")})
        with transaction() as write:
            write.save(kept)
            write.delete(purchase)


def erase_cartoons(account):
    """Images first (the items name them: cartoons and the character library live under the
    account's prefix), then every cartoon, scene, submission key and saved character."""
    storage.delete_prefix(storage.account_prefix(account.account_id))
    for model in (Scene, Cartoon, SubmissionKey, SavedCharacter):
        with model.batch_write() as batch:
            for item in model.query(account.account_id, consistent_read=True):
                batch.delete(item)


def erase_exports(account):
    """Data exports: their zips under `exports/<account>/` first, then their items."""
    storage.delete_prefix(storage.export_prefix(account.account_id))
    with Export.batch_write() as batch:
        for item in Export.query(account.account_id, consistent_read=True):
            batch.delete(item)


def erase_address_index(account):
    _delete_quietly(EmailIndex(account.email_key),
                    condition=EmailIndex.account_id == account.account_id)


# In this order: cartoons before the ledger, so a refund that lands (the scene still exists) is
# in the ledger before it is erased, and one that comes later finds no scene and lands nowhere.
STEPS = [pseudonymise_purchases, erase_cartoons, erase_exports, erase_ledger,
         erase_links_and_windows, erase_address_index]


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
        if error.cause_response_code != "ConditionalCheckFailedException":
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
