"""The cast: each character's reference picture, drawn before any scene, and the owner's
approval of them.

Every reference lives in its element of `Cartoon.characters` and is one use of the drawing
machine (cartoons/drawing.py): queued -> drawing -> done | failed. Attempt 0 is paid with the
cartoon (one debit, `cartoon:<id>`); a redraw is the next attempt, paid on its own
(`reference:<id>:<index>:<attempt>`); a failure is refunded once (`refund:<id>:r<index>:
<attempt>`). A character picked from the library is copied as attempt 0, done, for 0 credits.

The cartoon's `cast_state` says what happens once no reference is in flight:

- "auto" (draw everything at once): the job that finds the cast settled moves it to
  "released" (conditional: once) and queues the scenes;
- "drawing" -> "waiting": the scenes stay queued, paid and out of the in-flight index (the
  cleanup leaves them alone) until the owner approves ("approved": the scenes go back into the
  index and are queued) or deletes the cartoon ("cancelled": every undrawn scene refunded).
  While the cast is not approved, a reference may be redrawn, with a note; the cast then
  draws again ("drawing") and approval waits for it. Once the scenes were released at once,
  only a reference that failed may be redrawn (its scenes failed, refunded, and can then be
  redrawn); a drawn reference stays, so the panels drawn from it keep matching. Approving and
  redrawing are both conditional on the state they read, so of two racing requests one wins
  and the other is a 409 that changed nothing.
"""

import functools
import operator

from pynamodb.exceptions import TransactWriteError

from chalicelib.adapters import jobs, storage
from chalicelib.cartoons import drawing, gallery, scenes, specs, uploads
from chalicelib.cartoons.submission import moderate
from chalicelib.cartoons.view import get_cartoon, view
from chalicelib.core import clock, logs
from chalicelib.core.conditions import lost_condition, update_if
from chalicelib.core.errors import Conflict, NotFound, Unavailable
from chalicelib.core.fields import check_object
from chalicelib.core.models import Cartoon, Scene, expiry_hour, transaction
from chalicelib.money import credits

QUEUED, DRAWING, DONE, FAILED = drawing.QUEUED, drawing.DRAWING, drawing.DONE, drawing.FAILED
IN_FLIGHT, FINAL = drawing.IN_FLIGHT, drawing.FINAL
# cast_state values
AUTO, RELEASED = "auto", "released"
CAST_DRAWING, WAITING, APPROVED, CANCELLED = "drawing", "waiting", "approved", "cancelled"
OPEN = (CAST_DRAWING, WAITING)  # the cast may still be redrawn


def _unclaimed(at, now):
    return [at.since.remove()]


# A reference is an element of `Cartoon.characters`; `since` is its claim's time, and the
# cartoon's own `cast_inflight_*` keep it in the cleanup's index (set and cleared here).
USE = drawing.Use(name="reference", redraw_cause="reference", refund_tag="r{}",
                  claimed_since="since", queued_since="queued_at", on_wait=_unclaimed,
                  on_settle=_unclaimed, on_queue=_unclaimed)


charge_key, refund_key = USE.charge_key, USE.refund_key


def reference_key(account_id, cartoon_id, index, attempt, extension):
    return storage.cartoon_key(account_id, cartoon_id,
                               f"characters/{index + 1}-{attempt}.{extension}")


def element(index):
    return Cartoon.characters[index]


def _handle(cartoon):
    return Cartoon(cartoon.account_id, cartoon.cartoon_id)


def _all(conditions):
    return functools.reduce(operator.and_, conditions)


def _all_final(cartoon):
    return _all([element(i).state.is_in(*FINAL) for i in range(len(cartoon.characters))])


def _update(cartoon, actions, condition):
    return update_if(_handle(cartoon), actions, condition)


def _drawing(cartoon, index):
    character = cartoon.characters[index]
    return drawing.Drawing(USE, _handle(cartoon), element(index), cartoon.account_id,
                           cartoon.cartoon_id, index, int(character.credits or 0),
                           f"reference {index + 1}", {"index": index},
                           {"title": cartoon.title, "name": character.name})


# --- the worker's moves ----------------------------------------------------------------------

def _in_flight_actions(now):
    """Into the cleanup's `by-cast-inflight` index, keeping the time of a reference already in
    flight (the oldest one's deadline comes first)."""
    return [Cartoon.cast_inflight_hour.set(Cartoon.cast_inflight_hour | expiry_hour(now)),
            Cartoon.cast_inflight_since.set(Cartoon.cast_inflight_since | int(now))]


def _settled_actions():
    return [Cartoon.cast_inflight_hour.remove(), Cartoon.cast_inflight_since.remove()]


def queued_at(cartoon, character):
    """When the attempt in flight was charged and queued (the cartoon's creation for an
    older one)."""
    if character.queued_at is not None:
        return int(character.queued_at)
    return int(cartoon.created_at.timestamp())


def claim(cartoon, index, attempt, *, takeover_after, requeues=0, now=None):
    """queued -> drawing for this attempt (or take over a drawing whose worker died), unless
    the cartoon is being deleted. `requeues` is the job's count of 429 waits: a job whose
    count is not the reference's is stale (the message before a wait, delivered again)."""
    return drawing.claim(_drawing(cartoon, index), attempt, takeover_after=takeover_after,
                         requeues=requeues, now=now,
                         condition=Cartoon.deleting_since.does_not_exist())


def wait(cartoon, index, attempt, requeues=0):
    """drawing -> queued again for this attempt (a 429: the reference waits its turn, still
    charged once, nothing refunded), counting the wait; False when it moved meanwhile."""
    return drawing.wait(_drawing(cartoon, index), attempt, requeues)


def finish(cartoon, index, attempt, *, image_key, thumb_key):
    return drawing.finish(_drawing(cartoon, index), attempt, image_key=image_key,
                          thumb_key=thumb_key)


def fail(cartoon, index, attempt, *, code, reason):
    """Mark an attempt in flight failed and refund it, in one transaction; False (nothing
    changed) when it is no longer in flight."""
    return drawing.fail(_drawing(cartoon, index), attempt, code=code, reason=reason)


def settle(account_id, cartoon_id):
    """Once no reference is in flight: stop for approval ("drawing" -> "waiting"), or release
    the scenes ("auto" -> "released"). Conditional, so only one job does it. Returns the new
    state, or None when there was nothing to do."""
    cartoon = _find(account_id, cartoon_id)
    if cartoon is None or cartoon.deleting_since is not None:
        return None
    if any(c.state in IN_FLIGHT for c in cartoon.characters):
        return None
    if cartoon.cast_state not in (CAST_DRAWING, AUTO):
        if cartoon.cast_inflight_hour is not None:  # a late redraw, settled: out of the index
            _update(cartoon, _settled_actions(), _all_final(cartoon))
        return None
    waiting = [s for s in scenes.for_cartoon(account_id, cartoon_id) if s.state == QUEUED]
    if cartoon.cast_state == CAST_DRAWING:
        try:
            with transaction() as write:
                write.update(_handle(cartoon), actions=[Cartoon.cast_state.set(WAITING),
                                                        *_settled_actions()],
                             condition=(Cartoon.cast_state == CAST_DRAWING)
                             & _all_final(cartoon))
                for scene in waiting:  # held, not stuck: out of the cleanup's in-flight index
                    write.update(scene, actions=[Scene.inflight_hour.remove(),
                                                 Scene.inflight_since.remove()],
                                 condition=(Scene.state == QUEUED)
                                 & (Scene.attempt == scene.attempt))
        except TransactWriteError as error:
            if not lost_condition(error):
                raise
            return None
        logs.event("cast_waiting", cartoon_id=cartoon_id)
        return WAITING
    if cartoon.cast_state == AUTO:
        if not _update(cartoon, [Cartoon.cast_state.set(RELEASED), *_settled_actions()],
                       (Cartoon.cast_state == AUTO) & _all_final(cartoon)):
            return None
        release(cartoon, waiting)
        forget_uploads(cartoon)
        return RELEASED
    return None


def forget_uploads(cartoon):
    """Once a reference drawn from an uploaded picture is approved (or released at once), the
    picture is no longer needed: it goes (cartoons/uploads.py). A failed one keeps it for a
    redraw, within the upload's lifetime."""
    uploads.remove(cartoon.account_id, *[c.upload_id for c in cartoon.characters
                                         if c.upload_id and c.state == DONE])


def release(cartoon, waiting):
    """Queue the scene jobs; a scene whose character has no reference fails (refunded). If the
    queue refuses, every scene queued here fails, refunded, and Unavailable is raised."""
    failed = {c.name: c.reason for c in cartoon.characters if c.state != DONE}
    ready = []
    for scene in waiting:
        missing = [name for name in scene.characters or [] if name in failed]
        if missing:
            scenes.fail(scene, int(scene.attempt), code="reference_failed",
                        reason=failed[missing[0]] or f"We could not draw {missing[0]}'s "
                                                     "reference picture.")
        else:
            ready.append(scene)
    try:
        jobs.send(*[jobs.scene_job(cartoon.account_id, cartoon.cartoon_id, s.number,
                                   int(s.attempt)) for s in ready])
    except Exception as error:
        logs.event("enqueue_failed", cartoon_id=cartoon.cartoon_id, error=type(error).__name__)
        for scene in ready:
            scenes.fail(scene, int(scene.attempt), code="not_started",
                        reason="We could not start drawing; your credits were given back.")
        raise Unavailable(key="scenes_not_started") from None


def _find(account_id, cartoon_id):
    try:
        return Cartoon.get(account_id, cartoon_id, consistent_read=True)
    except Cartoon.DoesNotExist:
        return None


def fail_stuck(account_id, cartoon_id, cutoff, reason):
    """The cleanup's move on a cartoon found in `by-cast-inflight` before `cutoff`: every
    reference in flight since before it fails and is refunded (once: the refund's cause is
    the attempt's), then the cast settles as after any failure. A reference queued later keeps
    the cartoon in the index at its own time. Returns how many failed here."""
    cartoon = _find(account_id, cartoon_id)
    if cartoon is None or cartoon.deleting_since is not None:
        return 0
    failed = 0
    for index, character in enumerate(cartoon.characters):
        if character.state in IN_FLIGHT and queued_at(cartoon, character) < cutoff:
            failed += fail(cartoon, index, int(character.attempt or 0), code="stuck",
                           reason=reason)
    try:
        settled = settle(account_id, cartoon_id)
    except Unavailable:  # the queue refused the released scenes: they failed, refunded
        settled = RELEASED
    fresh = _find(account_id, cartoon_id)
    if settled is None and fresh is not None:
        later = [queued_at(fresh, c) for c in fresh.characters if c.state in IN_FLIGHT]
        if later:  # still in flight: keep it in the index at the oldest one's time
            oldest = min(later)
            _update(fresh, [Cartoon.cast_inflight_hour.set(expiry_hour(oldest)),
                            Cartoon.cast_inflight_since.set(oldest)],
                    Cartoon.cast_inflight_since.exists())
    return failed


# --- the owner's moves -----------------------------------------------------------------------

def _state_conflict(cartoon):
    if cartoon.cast_state == CAST_DRAWING:
        return Conflict(key="cast_still_drawing", code="cast_drawing")
    if cartoon.cast_state in (APPROVED, RELEASED, AUTO):
        return Conflict(key="cast_already_approved", code="cast_approved")
    return Conflict(key="cast_shut", code="cast_closed")


def approve(session, cartoon_id):
    """Approve the cast: the held scenes go back in flight and their jobs are queued."""
    cartoon = get_cartoon(session.account_id, cartoon_id)
    if cartoon.cast_state != WAITING:
        raise _state_conflict(cartoon)
    missing = [c.name for c in cartoon.characters if c.state != DONE]
    if missing:
        raise Conflict(key="cast_missing_reference", name=missing[0], code="cast_incomplete",
                       details={"index": [c.name for c in cartoon.characters].index(
                           missing[0])})
    waiting = [s for s in scenes.for_cartoon(session.account_id, cartoon.cartoon_id)
               if s.state == QUEUED]
    now = int(clock.now())
    try:
        with transaction() as write:
            write.update(_handle(cartoon), actions=[Cartoon.cast_state.set(APPROVED)],
                         condition=(Cartoon.cast_state == WAITING) & _all(
                             [element(i).state == DONE
                              for i in range(len(cartoon.characters))]))
            for scene in waiting:
                write.update(scene, actions=[
                    Scene.inflight_hour.set(expiry_hour(now)), Scene.inflight_since.set(now),
                    Scene.updated_at.set(now)],
                    condition=(Scene.state == QUEUED) & (Scene.attempt == scene.attempt))
    except TransactWriteError as error:
        if not lost_condition(error):
            raise
        raise Conflict(key="cast_changed_meanwhile", code="cast_changed") from None
    logs.event("cast_approved", cartoon_id=cartoon.cartoon_id, scenes=len(waiting))
    forget_uploads(cartoon)
    try:
        release(cartoon, waiting)
    finally:
        gallery.refresh_summary(session.account_id, cartoon.cartoon_id)
    return view(session, cartoon.cartoon_id)


def character_index(cartoon, index):
    if not (isinstance(index, str) and index.isdigit() and len(index) <= 2) or \
            int(index) >= len(cartoon.characters):
        raise NotFound(key="no_such_character")
    return int(index)


def redraw(session, cartoon_id, index, body):
    """Draw one reference again, for a reference's credits, with an optional note added to
    its prompt; only while the cast is not approved."""
    data = check_object(body, specs.REDRAW_REFERENCE_SPEC)
    note = specs.text(data.get("note"), "note", required=False)
    cartoon = get_cartoon(session.account_id, cartoon_id)
    i = character_index(cartoon, index)
    current = cartoon.characters[i]
    # Before approval any reference; once the scenes were released at once ("draw
    # everything at once"), only one that failed, so the scenes it spoiled can be redrawn.
    late = cartoon.cast_state == RELEASED and current.state == FAILED
    if cartoon.cast_state not in OPEN and not late:
        raise _state_conflict(cartoon)
    if current.state not in FINAL:
        raise Conflict(key="reference_drawing", name=current.name, code="reference_in_progress")
    if note:
        moderate([("note", note)])
    each = int(cartoon.credits_per_scene)  # a reference costs one scene of its cartoon
    attempt = int(current.attempt or 0) + 1
    el = element(i)
    now = int(clock.now())
    actions = [*_in_flight_actions(now), el.note.set(note) if note else el.note.remove(),
               el.saved_id.remove()]
    if late:
        condition = (Cartoon.cast_state == RELEASED) & (el.state == FAILED)
    else:
        actions.append(Cartoon.cast_state.set(CAST_DRAWING))
        condition = Cartoon.cast_state.is_in(*OPEN)
    if not drawing.charge(_drawing(cartoon, i), attempt, each, actions=actions, now=now,
                          condition=condition & Cartoon.deleting_since.does_not_exist(),
                          note=f"redraw of {current.name}'s reference in {cartoon.cartoon_id}"):
        raise Conflict(key="character_changed", code="reference_changed")
    logs.event("reference_redraw", cartoon_id=cartoon.cartoon_id, index=i, attempt=attempt,
               cost=each, noted=bool(note))
    try:
        jobs.send(jobs.references_job(session.account_id, cartoon.cartoon_id))
    except Exception as error:
        logs.event("enqueue_failed", cartoon_id=cartoon.cartoon_id, error=type(error).__name__)
        fail(_find(session.account_id, cartoon.cartoon_id), i, attempt, code="not_started",
             reason="We could not start drawing; your credits were given back.")
        settle(session.account_id, cartoon.cartoon_id)
        raise Unavailable(key="redraw_not_started") from None
    gallery.refresh_summary(session.account_id, cartoon.cartoon_id)
    return {"cartoon_id": cartoon.cartoon_id, "index": i, "attempt": attempt, "cost": each,
            "balance": credits.balance(session.account_id)}


def cancel(cartoon):
    """Deleting a cartoon whose cast waits for approval: "waiting" -> "cancelled" (so no
    approval can land after), then every undrawn scene is failed and refunded, once. A
    deletion cut short and sent again finishes the refunds."""
    if cartoon.cast_state == WAITING:
        if not _update(cartoon, [Cartoon.cast_state.set(CANCELLED)],
                       Cartoon.cast_state == WAITING):
            raise Conflict(key="cast_changed_meanwhile", code="cast_changed")
        cartoon.cast_state = CANCELLED
    if cartoon.cast_state != CANCELLED:
        return 0
    refunded = 0
    for scene in scenes.for_cartoon(cartoon.account_id, cartoon.cartoon_id):
        if scene.state == QUEUED and scenes.fail(
                scene, int(scene.attempt), code="cancelled",
                reason="The cartoon was deleted before this scene was drawn; its credits "
                       "were given back."):
            refunded += 1
    logs.event("cast_cancelled", cartoon_id=cartoon.cartoon_id, scenes_refunded=refunded)
    return refunded
