"""One drawing attempt's state machine, for its two uses: a character's reference picture (an
element of `Cartoon.characters`, cartoons/cast.py) and a scene (its own `Scene` item,
cartoons/scenes.py). Each use says how it is stored (a `Use`, and a `Drawing` per picture);
the moves, their conditions and their money are written here once.

    queued --claim--> drawing --finish--> done
                      drawing --fail----> failed, refunded once
                      drawing --wait----> queued (a 429: the same attempt, still charged once)
    done | failed --charge--> queued (a paid redraw: the next attempt)

Every move is one conditional write on the drawing's (state, attempt): of two racing moves
one lands and the other changes nothing and returns False. `attempt` counts paid drawings: 0
is paid with the cartoon (`cartoon:<id>`), the n-th redraw by its own debit. Failing refunds
the attempt's credits in the same transaction as the state change, under a cause unique to the
attempt, so it is refunded at most once however many workers, redeliveries or cleanups try.

A 429 is not a failure: the attempt goes back to queued and counts the wait (`requeues`). A job
carries the count it was sent with, so a stale or repeated message claims nothing. It may wait
until its deadline, counted from when the attempt was charged and queued; past it, it fails
and is refunded like any failure.
"""

import contextlib
from collections.abc import Callable
from typing import NamedTuple

from pynamodb.exceptions import TransactWriteError

from chalicelib.adapters.jobs import WORKER_TIMEOUT_SECONDS
from chalicelib.core import clock, logs
from chalicelib.core.conditions import lost_condition, update_if
from chalicelib.core.models import Cartoon
from chalicelib.core.settings import get_settings
from chalicelib.money import credits

QUEUED, DRAWING, DONE, FAILED = "queued", "drawing", "done", "failed"
IN_FLIGHT = (QUEUED, DRAWING)
FINAL = (DONE, FAILED)


def _none(at, now):
    return []


class Use(NamedTuple):
    """How one use of the machine is stored and paid, the same for each of its drawings.

    The hooks return the use's own actions beside each move's, given the drawing's attributes
    (`at`) and the time: what else marks it claimed, what else a wait or a settling (done or
    failed) changes, and what else queuing a paid redraw sets."""

    name: str  # "scene" or "reference": in ledger notes and log events
    redraw_cause: str  # a paid redraw's ledger cause: "<redraw_cause>:<cartoon>:<n>:<attempt>"
    refund_tag: str  # how a refund's cause names the drawing: "{}" -> "3", "r{}" -> "r3"
    claimed_since: str  # the attribute holding when the drawing was claimed
    queued_since: str  # the attribute holding when the attempt was charged and queued
    on_claim: Callable = _none
    on_wait: Callable = _none
    on_settle: Callable = _none
    on_queue: Callable = _none

    def charge_key(self, cartoon_id, number, attempt):
        """The ledger cause that paid for an attempt: the cartoon's debit, or its own."""
        return f"cartoon:{cartoon_id}" if attempt == 0 else \
            f"{self.redraw_cause}:{cartoon_id}:{number}:{attempt}"

    def refund_key(self, cartoon_id, number, attempt):
        return f"refund:{cartoon_id}:{self.refund_tag.format(number)}:{attempt}"


class Drawing(NamedTuple):
    """One picture of a cartoon as the machine moves it."""

    use: Use
    item: object  # what each move writes: the scene, or a handle on the cartoon
    at: object  # where its attributes are: `Scene`, or `Cartoon.characters[index]`
    account_id: str
    cartoon_id: str
    number: int  # which picture of the cartoon, as its ledger causes name it
    credits: int  # what the attempt in flight was charged
    label: str  # as the ledger's notes name it: "scene 3", "reference 1"
    log: dict  # what names it in log events
    # what the history says of it (money/credits.py `what`): {"panel": 3} or {"name": "Ada"},
    # and the cartoon's title when the caller has it at hand
    what: dict


def _what(drawing, happened):
    """The ledger's particulars of a charge or refund of this drawing, its cartoon's title
    looked up when the caller did not have it (one small read, on a rare path)."""
    found = {"kind": f"{drawing.use.name}_{happened}", "cartoon_id": drawing.cartoon_id,
             **drawing.what}
    if "title" not in found:
        with contextlib.suppress(Cartoon.DoesNotExist):  # gone: the entry goes untitled
            found["title"] = Cartoon.get(drawing.account_id, drawing.cartoon_id,
                                         attributes_to_get=["title"]).title
    return found


def deadline(queued_since):
    """The epoch after which an attempt waiting for the provider fails (and is refunded),
    counted from when it was charged and queued: a job started before it still ends before
    the cleanup's limit."""
    return int(queued_since) + get_settings().stuck_scene_seconds - WORKER_TIMEOUT_SECONDS


def may_wait(queued_since, delay, now=None):
    """Whether an attempt that met a 429 may go back on the queue for `delay` seconds: only
    if it would be claimed again before its deadline."""
    now = clock.now() if now is None else now
    return now + delay < deadline(queued_since)


def requeues_are(at, count):
    """The drawing has waited `count` times for the provider (a job's own count)."""
    if count == 0:
        return at.requeues.does_not_exist() | (at.requeues == 0)
    return at.requeues == count


def claim(drawing, attempt, *, takeover_after, requeues=0, now=None, condition=None):
    """queued -> drawing for this attempt, or take over a drawing claimed more than
    `takeover_after` seconds ago (its worker died: the queue redelivers only after its
    timeout). A job whose `requeues` is not the drawing's is stale and claims nothing."""
    now = int(clock.now() if now is None else now)
    at, use = drawing.at, drawing.use
    since = getattr(at, use.claimed_since)
    claimable = (at.state == QUEUED) | ((at.state == DRAWING) & (since < now - takeover_after))
    condition = _and((at.attempt == attempt) & claimable & requeues_are(at, requeues),
                     condition)
    return update_if(drawing.item, [at.state.set(DRAWING), since.set(now),
                                    *use.on_claim(at, now)], condition)


def wait(drawing, attempt, requeues=0, now=None):
    """drawing -> queued again for this attempt after a 429, counting the wait: still charged
    once, nothing refunded. False when it moved meanwhile."""
    now = int(clock.now() if now is None else now)
    at = drawing.at
    return update_if(drawing.item, [at.state.set(QUEUED), at.requeues.set(requeues + 1),
                                    *drawing.use.on_wait(at, now)],
                     (at.state == DRAWING) & (at.attempt == attempt) & requeues_are(at, requeues))


def finish(drawing, attempt, *, image_key, thumb_key, actions=(), now=None):
    """drawing -> done with its picture; False (nothing written) when the attempt is no longer
    the drawing's to finish (failed by the cleanup, taken over, deleted)."""
    now = int(clock.now() if now is None else now)
    at = drawing.at
    return update_if(drawing.item, [at.state.set(DONE), at.image_key.set(image_key),
                                    at.thumb_key.set(thumb_key), at.failure.remove(),
                                    at.reason.remove(), at.refunded.remove(), *actions,
                                    *drawing.use.on_settle(at, now)],
                     (at.state == DRAWING) & (at.attempt == attempt))


def fail(drawing, attempt, *, code, reason, state=FAILED, condition=None, now=None):
    """An attempt in flight -> `state` (failed; a scene still showing an older drawing stays
    done), with its failure recorded and its credits refunded in the same transaction. False
    (nothing changed) when it is no longer in flight or was refunded already."""
    now = int(clock.now() if now is None else now)
    at, use = drawing.at, drawing.use
    amount = int(drawing.credits or 0)
    actions = [at.state.set(state), at.failure.set(code), at.reason.set(reason),
               at.refunded.set(amount), *use.on_settle(at, now)]
    condition = _and(at.state.is_in(*IN_FLIGHT) & (at.attempt == attempt), condition)
    if amount <= 0:  # nothing was charged for it: nothing to give back
        landed = update_if(drawing.item, actions, condition)
    else:
        try:
            landed = _in_ledger(
                credits.grant, drawing.account_id, amount, reason="refund",
                cause_key=use.refund_key(drawing.cartoon_id, drawing.number, attempt),
                note=f"{drawing.label} of {drawing.cartoon_id} failed",
                what=_what(drawing, "refund"),
                also=lambda write: write.update(drawing.item, actions=actions,
                                                condition=condition))
        except credits.NoSuchAccount:
            return False  # the account was erased meanwhile; its pictures go with it
    if not landed:
        return False
    logs.event(f"{use.name}_failed", cartoon_id=drawing.cartoon_id, **drawing.log,
               attempt=attempt, code=code, refunded=amount)
    return True


def charge(drawing, attempt, amount, *, note, actions=(), condition=None, now=None):
    """done | failed -> queued as `attempt`, the next one, charged `amount` in the same
    transaction. Raises InsufficientCredits; False (nothing charged) when the drawing moved
    meanwhile (another redraw won)."""
    now = int(clock.now() if now is None else now)
    at, use = drawing.at, drawing.use
    queued = [at.state.set(QUEUED), at.attempt.set(attempt), at.credits.set(amount),
              getattr(at, use.queued_since).set(now), at.failure.remove(), at.reason.remove(),
              at.refunded.remove(), at.requeues.remove(), *actions, *use.on_queue(at, now)]
    condition = _and(at.state.is_in(*FINAL) & (at.attempt == attempt - 1), condition)
    return _in_ledger(credits.debit, drawing.account_id, amount, reason="spend",
                      cause_key=use.charge_key(drawing.cartoon_id, drawing.number, attempt),
                      note=note, what=_what(drawing, "redraw"), also=lambda write: write.update(
                          drawing.item, actions=queued, condition=condition))


def _in_ledger(change, *args, **kwargs):
    """A ledger change with the drawing's write: False (nothing changed) when the drawing's
    condition no longer held or the cause was applied already."""
    try:
        change(*args, **kwargs)
    except credits.AlreadyApplied:
        return False
    except TransactWriteError as error:
        if not lost_condition(error):
            raise
        return False
    return True


def _and(condition, more):
    return condition if more is None else condition & more
