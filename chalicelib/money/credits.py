"""The credits ledger: every change to a balance is one DynamoDB transaction.

A change writes, all or nothing: the account's balance moved under a condition (a debit only
when the balance covers it), a ledger entry, and an `AppliedCause` item keyed by what caused it
(a checkout session, a cartoon, a scene's refund...), so the same cause can never apply twice,
however often or concurrently it is delivered. The balance therefore always equals the sum of
the account's ledger entries and is never negative.
"""

import uuid
from typing import NamedTuple

from pynamodb.exceptions import TransactWriteError

from chalicelib.core import clock, ids, paging
from chalicelib.core.answers import (
    COUNT,
    INTEGER,
    SIGNED_IN,
    STRING,
    TEXT,
    TIME,
    URL,
    array,
    nullable,
    obj,
    ok,
)
from chalicelib.core.conditions import lost_condition
from chalicelib.core.errors import InsufficientCredits
from chalicelib.core.models import Account, AppliedCause, Cartoon, LedgerEntry, transaction

REASONS = ("purchase", "spend", "refund", "clawback", "adjustment")


class AlreadyApplied(Exception):
    """This cause was applied before; nothing changed."""

    def __init__(self, cause_key):
        super().__init__(cause_key)
        self.cause_key = cause_key


class NoSuchAccount(Exception):
    pass


class Applied(NamedTuple):
    entry: LedgerEntry
    cause_key: str


def apply(account_id, delta, *, reason, cause_key, note="", also=None, unrecovered=None,
          what=None):
    """Move the balance by `delta` for `cause_key`, once. `also(write)` may add more writes
    (a cartoon, a purchase record) that must succeed or fail with this change. `what` is what
    happened, for the history (see `what`)."""
    if reason not in REASONS or not isinstance(delta, int) or not cause_key:
        raise ValueError("a ledger change needs a known reason, an int delta and a cause")
    now = clock.utc_now()
    entry = LedgerEntry(account_id, ids.new_ledger_id(now.timestamp()), delta=delta, reason=reason,
                        cause_key=cause_key, note=note[:200], created_at=now,
                        unrecovered=unrecovered or None, what=_particulars(what))
    account_condition = Account.account_id.exists()
    if delta < 0:
        account_condition &= Account.balance >= -delta
    try:
        with transaction() as write:
            write.update(Account(account_id), actions=[Account.balance.add(delta)],
                         condition=account_condition)
            write.save(entry, condition=LedgerEntry.entry_id.does_not_exist())
            write.save(AppliedCause(cause_key, account_id=account_id, entry_id=entry.entry_id,
                                    delta=delta), condition=AppliedCause.cause_key.does_not_exist())
            if also:
                also(write)
    except TransactWriteError as error:
        _explain(error, account_id, delta, cause_key)
        raise
    return Applied(entry, cause_key)


def _explain(error, account_id, delta, cause_key):
    """Turn a cancelled transaction into the domain's reason. PynamoDB reorders a
    transaction's writes, so the reasons are read back from the items, not from positions."""
    if not lost_condition(error):
        return
    if was_applied(cause_key):
        raise AlreadyApplied(cause_key) from None
    try:
        balance = int(Account.get(account_id, consistent_read=True).balance or 0)
    except Account.DoesNotExist:
        raise NoSuchAccount(account_id) from None
    if delta < 0 and balance < -delta:
        raise InsufficientCredits(-delta - balance) from None


def grant(account_id, amount, *, reason, cause_key, note="", also=None, what=None):
    if amount <= 0:
        raise ValueError("a grant is positive")
    return apply(account_id, amount, reason=reason, cause_key=cause_key, note=note, also=also,
                 what=what)


def debit(account_id, amount, *, reason, cause_key, note="", also=None, what=None):
    if amount <= 0:
        raise ValueError("a debit is positive")
    return apply(account_id, -amount, reason=reason, cause_key=cause_key, note=note, also=also,
                 what=what)


class ClawedBack(NamedTuple):
    entry: LedgerEntry
    taken: int
    unrecovered: int


def clawback(account_id, wanted, *, cause_key, note="", also=None, attempts=8, what=None):
    """Take back up to `wanted` credits, never more than the balance: the balance never goes
    negative, and what it could not cover is recorded on the entry (which may then move
    nothing). `also(write, taken, unrecovered)` adds writes to the same transaction."""
    if wanted <= 0:
        raise ValueError("a clawback is positive")
    for _ in range(attempts):
        taken = min(wanted, balance(account_id))
        extra = also and (lambda write, taken=taken: also(write, taken, wanted - taken))
        try:
            applied = apply(account_id, -taken, reason="clawback", cause_key=cause_key,
                            note=note, also=extra, unrecovered=wanted - taken, what=what)
        except InsufficientCredits:
            continue  # a spend moved the balance between the read and the write: look again
        return ClawedBack(applied.entry, taken, wanted - taken)
    raise RuntimeError("the balance kept moving; the clawback will be retried")


def adjust(account_id, delta, *, note):
    """An operator's change, with the operator's reason as the entry's note."""
    if not isinstance(delta, int) or delta == 0 or not note.strip():
        raise ValueError("an adjustment needs a non-zero number of credits and a reason")
    change = grant if delta > 0 else debit
    return change(account_id, abs(delta), reason="adjustment",
                  cause_key=f"adjustment:{uuid.uuid4().hex}", note=note.strip(),
                  what={"kind": "adjustment"})


def was_applied(cause_key):
    try:
        return AppliedCause.get(cause_key, consistent_read=True)
    except AppliedCause.DoesNotExist:
        return None


def balance(account_id):
    return int(Account.get(account_id, consistent_read=True).balance or 0)


def entries(account_id, *, limit=50, after=None):
    """One page of the ledger, newest first, and the entry id to continue after (or None)."""
    page = LedgerEntry.query(account_id, scan_index_forward=False, limit=limit,
                             last_evaluated_key=after and {
                                 "account_id": {"S": account_id}, "entry_id": {"S": after}})
    items = list(page)
    more = page.last_evaluated_key
    return items, (more["entry_id"]["S"] if more else None)


# --- what happened, for the history ----------------------------------------------------------
#
# Each entry keeps, from when it was written, what the history says of it: its `kind`, and the
# particulars its words need (the cartoon's title and id, counts, a panel's number, a
# character's name, a pack). The site words them in the reader's language (strings.js,
# ledger.what_*), and links the cartoon while it exists. An older entry without them is read
# from its cause (the kind, the cartoon, a panel's number) and the cartoon, while it exists.

KINDS = ("purchase", "cartoon", "scene_redraw", "reference_redraw", "scene_refund",
         "reference_refund", "clawback", "adjustment", "other")
PARTICULARS = {"title": str, "cartoon_id": str, "scenes": int, "characters": int, "panel": int,
               "name": str, "credits": int, "pack": str}


def _particulars(what):
    """Only the known fields, of their types: what is stored is what the API may serve."""
    if not what:
        return None
    kept = {"kind": what["kind"] if what.get("kind") in KINDS else "other"}
    for name, kind in PARTICULARS.items():
        value = what.get(name)
        if isinstance(value, kind) and not isinstance(value, bool) and value != "":
            kept[name] = value[:200] if kind is str else value
    return kept


def from_cause(cause_key, delta):
    """What an entry without stored particulars was, read from its cause key (the causes are
    written in cartoons/drawing.py `Use`, checkout and refunds)."""
    head, _, rest = cause_key.partition(":")
    parts = rest.split(":")
    if head == "checkout":
        return {"kind": "purchase", "credits": delta}
    if head == "cartoon":
        return {"kind": "cartoon", "cartoon_id": parts[0]}
    if head in ("redraw", "reference", "refund") and len(parts) >= 2:
        number = parts[1]
        if head == "refund" and number.startswith("r"):
            return {"kind": "reference_refund", "cartoon_id": parts[0]}
        if head == "reference":
            return {"kind": "reference_redraw", "cartoon_id": parts[0]}
        found = {"kind": f"scene_{head}" if head == "refund" else "scene_redraw",
                 "cartoon_id": parts[0]}
        if number.isdigit():
            found["panel"] = int(number)
        return found
    if head in ("clawback", "adjustment"):
        return {"kind": head}
    return {"kind": "other"}


def _live_cartoons(account_id, cartoon_ids):
    """cartoon id -> title, for those of the ids that exist and are not being deleted: one
    BatchGetItem (100 keys at most, and a page holds fewer)."""
    if not cartoon_ids:
        return {}
    found = Cartoon.batch_get([(account_id, cartoon_id) for cartoon_id in cartoon_ids],
                              attributes_to_get=["cartoon_id", "title", "deleting_since"])
    return {c.cartoon_id: c.title for c in found if c.deleting_since is None}


def what(entry, live):
    """The particulars of an entry for the API: its stored ones over those its cause implies,
    the live cartoon's title when none was stored, and a link while the cartoon exists. No
    raw id leaves here but inside the link."""
    found = {**from_cause(entry.cause_key, int(entry.delta)), **(entry.what or {})}
    cartoon_id = found.pop("cartoon_id", None)
    if cartoon_id in live:
        found.setdefault("title", live[cartoon_id])
        found["url"] = f"/cartoon.html?id={cartoon_id}"
    return found


def statement(session, *, cursor=None, limit=None):
    """The balance and one page of the ledger for the API; `cursor` continues a listing."""
    account_id = session.account_id
    limit = paging.read_limit(limit)
    after = paging.decode_cursor(cursor, "credits")
    items, _ = entries(account_id, limit=limit + 1, after=after)
    more = items[limit - 1].entry_id if len(items) > limit else None
    shown = items[:limit]
    live = _live_cartoons(account_id, sorted({
        cartoon_id for e in shown
        if (cartoon_id := (e.what or {}).get("cartoon_id")
            or from_cause(e.cause_key, 0).get("cartoon_id"))}))
    return {"balance": balance(account_id), "entries": [describe(e, live) for e in shown],
            "next_cursor": paging.encode_cursor(more, "credits")}


def describe(entry, live=None):
    return {"id": entry.entry_id, "delta": int(entry.delta), "reason": entry.reason,
            "cause": entry.cause_key, "note": entry.note or "",
            "unrecovered": int(entry.unrecovered) if entry.unrecovered else 0,
            "created_at": entry.created_at.isoformat(), "what": what(entry, live or {})}


# GET /api/credits: the balance and the ledger, newest first.
WHAT = obj({"kind": {"type": "string", "enum": list(KINDS)}}, optional={
    "title": STRING, "scenes": COUNT, "characters": COUNT, "panel": COUNT, "name": STRING,
    "credits": INTEGER, "pack": STRING, "url": URL})
STATEMENT = ok(obj({"balance": COUNT, "next_cursor": nullable(TEXT), "entries": array(obj({
    "id": TEXT, "delta": INTEGER, "reason": STRING, "cause": STRING, "note": STRING,
    "created_at": TIME, "unrecovered": COUNT, "what": WHAT}))}), errors=(400, SIGNED_IN))
