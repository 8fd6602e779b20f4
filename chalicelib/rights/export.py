"""Access and portability, the API's side: asking for an export of one's data and following it.

`POST /api/me/export` records an Export (queued) and queues an `export` job, which the worker
builds (chalicelib/worker/export.py) into one zip streamed to S3. One export at a time per
account: the Account item holds a claim (`export_active`, lapsing at `export_busy_until`) taken
in the same transaction that records the export. The states move here, by conditional writes:
queued -> building (the worker's claim) -> ready | failed.
"""

import datetime

from pynamodb.exceptions import TransactWriteError, UpdateError

from chalicelib.accounts import limits
from chalicelib.adapters import jobs, storage
from chalicelib.adapters.jobs import MAX_RECEIVES, QUEUE_VISIBILITY_SECONDS
from chalicelib.core import clock, ids, logs
from chalicelib.core.answers import COUNT, SIGNED_IN, TEXT, TIME, URL, obj, ok
from chalicelib.core.conditions import lost_condition
from chalicelib.core.errors import Conflict, NotFound, Unavailable
from chalicelib.core.models import Account, Export, transaction
from chalicelib.core.settings import get_settings

QUEUED, BUILDING, READY, FAILED = "queued", "building", "ready", "failed"
IN_FLIGHT = (QUEUED, BUILDING)
# A claim lapses once every delivery of the job could have run and died.
CLAIM_SECONDS = QUEUE_VISIBILITY_SECONDS * MAX_RECEIVES
EXPORT_ID = ids.ID
FAILED_REASON = "We could not prepare your export. Please try again."


# --- the API's side ------------------------------------------------------------------------

def _iso(epoch):
    return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).isoformat()


def _busy(account, now):
    return bool(account.export_active) and int(account.export_busy_until or 0) >= now


def request_export(session):
    """Record a queued export, take the account's claim, queue the job: 409 while another
    export is in flight, 429 beyond a few an hour. Only an export that starts counts."""
    account_id, now = session.account_id, int(clock.now())
    in_flight = Conflict(key="export_busy", code="export_in_progress")
    if _busy(session.account, now):
        raise in_flight
    counted = limits.hit("export-account-hour", account_id, refusal="exports_this_hour")
    item = Export(account_id, ids.new_id(), state=QUEUED, created_at=now)
    item.set_expiry(now + get_settings().export_retention_hours * 3600)
    try:
        with transaction() as write:
            write.save(item, condition=Export.export_id.does_not_exist())
            write.update(Account(account_id), actions=[
                Account.export_active.set(item.export_id),
                Account.export_busy_until.set(now + CLAIM_SECONDS)],
                condition=Account.account_id.exists() & Account.deleting_since.does_not_exist()
                & (Account.export_active.does_not_exist() | (Account.export_busy_until < now)))
    except TransactWriteError:
        limits.give_back(counted)
        raise in_flight from None
    try:
        jobs.send(jobs.export_job(account_id, item.export_id))
    except Exception as error:
        logs.event("enqueue_failed", export_id=item.export_id, error=type(error).__name__)
        finish(item, FAILED, expected=QUEUED, failure="not_started")
        limits.give_back(counted)
        raise Unavailable(key="export_not_started") from None
    logs.event("export_requested", account_id=account_id, export_id=item.export_id)
    return describe(item, now)


def latest(session):
    items = list(Export.query(session.account_id, scan_index_forward=False, limit=1,
                              consistent_read=True))
    now = clock.now()
    if not items or items[0].expired(now):
        raise NotFound(code="no_export")
    return describe(items[0], now)


def view(session, export_id):
    """The account's own export, or 404: another account's export does not exist here."""
    now = clock.now()
    item = get(session.account_id, export_id) if isinstance(export_id, str) and \
        EXPORT_ID.fullmatch(export_id) else None
    if item is None or item.expired(now):
        raise NotFound(key="no_such_export")
    return describe(item, now)


def describe(item, now):
    state = item.state
    if state in IN_FLIGHT and now > int(item.created_at) + CLAIM_SECONDS:
        state = FAILED  # its job never finished: the claim has lapsed
    out = {"export_id": item.export_id, "state": state, "created_at": _iso(item.created_at),
           "expires_at": _iso(item.expires_at)}
    if state == READY:
        name = f"caaartoons-export-{_iso(item.created_at)[:10]}.zip"
        out.update(size=int(item.size), files=int(item.files),
                   download_url=storage.presign(item.zip_key, download_name=name),
                   link_expires_in=get_settings().image_url_seconds)
    elif state == FAILED:
        out["reason"] = FAILED_REASON
    return out


def get(account_id, export_id):
    try:
        return Export.get(account_id, export_id, consistent_read=True)
    except Export.DoesNotExist:
        return None


def finish(item, state, *, expected=BUILDING, **values):
    """Move a claimed export to its outcome, only if this worker still holds it and the
    account is not being erased; then release the account's claim."""
    now = int(clock.now())
    actions = [Export.state.set(state), Export.finished_at.set(now)]
    actions += [getattr(Export, name).set(value) for name, value in values.items()]
    condition = Export.state == expected
    if expected == BUILDING:
        condition &= Export.started_at == item.started_at
    try:
        with transaction() as write:
            write.update(item, actions=actions, condition=condition)
            write.condition_check(Account, item.account_id, condition=(
                Account.account_id.exists() & Account.deleting_since.does_not_exist()))
    except TransactWriteError:
        logs.event("export_outcome_lost", export_id=item.export_id, state=state)
        return False
    release(item.account_id, item.export_id)
    return True


def release(account_id, export_id):
    try:
        Account(account_id).update(
            actions=[Account.export_active.remove(), Account.export_busy_until.remove()],
            condition=Account.export_active == export_id)
    except UpdateError as error:
        if not lost_condition(error):
            raise
def erase_exports(account):
    """Data exports: their zips under `exports/<account>/` first, then their items."""
    storage.delete_prefix(storage.export_prefix(account.account_id))
    with Export.batch_write() as batch:
        for item in Export.query(account.account_id, consistent_read=True):
            batch.delete(item)


# What the export routes answer: the export as it stands; a ready one has its link.
EXPORT = obj({"export_id": TEXT, "state": TEXT, "created_at": TIME, "expires_at": TIME},
             {"download_url": URL, "files": COUNT, "size": COUNT, "link_expires_in": COUNT,
              "reason": TEXT})
STARTED = ok(EXPORT, 202, errors=(SIGNED_IN, 409, 429, 503))
LATEST = ok(EXPORT, errors=(SIGNED_IN, 404))
VIEWED = ok(EXPORT, errors=(SIGNED_IN, 404))
