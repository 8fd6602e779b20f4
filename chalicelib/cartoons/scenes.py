"""A scene: one use of the drawing machine (cartoons/drawing.py), stored as its own `Scene`
item, and its kept versions.

queued -> drawing -> done | failed, redraw -> queued: every move a conditional write on
(state, attempt), a failure refunded at most once per charge (`refund:<id>:<n>:<attempt>`).
While in flight a scene sits in the cleanup's `by-inflight` index, whose time is its claim's.

A scene keeps its drawings as versions (up to SCENE_VERSIONS_KEPT; beyond it the oldest one
not shown goes) and shows the chosen one. A finished drawing becomes the newest version and is
chosen; a redraw that fails leaves the scene done, still showing its chosen version, with the
failure and the refund recorded. Each version keeps what the look step found in it (`look`),
and the scene holds the chosen version's, which the lettering reads.
"""

from chalicelib.cartoons import drawing, specs
from chalicelib.core import clock
from chalicelib.core.conditions import update_if
from chalicelib.core.models import Scene, expiry_hour
from chalicelib.core.settings import get_settings

QUEUED, DRAWING, DONE, FAILED = drawing.QUEUED, drawing.DRAWING, drawing.DONE, drawing.FAILED
IN_FLIGHT, FINAL = drawing.IN_FLIGHT, drawing.FINAL


def _in_flight_actions(at, now):
    """Into the cleanup's `by-inflight` index at `now` (its claim time too)."""
    return [at.inflight_hour.set(expiry_hour(now)), at.inflight_since.set(int(now)),
            at.updated_at.set(int(now))]


def _touched(at, now):
    return [at.updated_at.set(int(now))]


def _settled(at, now):
    return [at.inflight_hour.remove(), at.inflight_since.remove(), at.updated_at.set(int(now))]


USE = drawing.Use(
    name="scene", redraw_cause="redraw", refund_tag="{}", claimed_since="inflight_since",
    queued_since="queued_since",
    on_claim=lambda at, now: [at.inflight_hour.set(expiry_hour(now)), *_touched(at, now)],
    on_wait=_touched, on_settle=_settled, on_queue=_in_flight_actions)


def _drawing(scene, title=None):
    number = int(scene.number)
    return drawing.Drawing(USE, scene, Scene, scene.account_id, scene.cartoon_id, number,
                           int(scene.credits), f"scene {number}", {"scene": number},
                           {"panel": number, **({"title": title} if title else {})})


def overall_status(scene_items, strip_ready):
    """A cartoon's state, from its scenes: drawing, composing, done or incomplete."""
    states = [s.state for s in scene_items]
    if any(state in IN_FLIGHT for state in states):
        return "drawing"
    if states and all(state == DONE for state in states):
        return "done" if strip_ready else "composing"
    return "incomplete"


def key(cartoon_id, number):
    return f"{cartoon_id}#{int(number):02d}"


charge_key, refund_key = USE.charge_key, USE.refund_key


def new(account_id, cartoon_id, number, spec, credits_each, now=None):
    now = clock.now() if now is None else now
    return Scene(account_id, key(cartoon_id, number), cartoon_id=cartoon_id, number=number,
                 action=spec["action"], characters=spec["characters"],
                 caption=spec["caption"], dialogue=spec["dialogue"], speaker=spec["speaker"],
                 elements=spec["elements"], staging=spec["staging"],
                 state=QUEUED, attempt=0, credits=credits_each,
                 charge_key=charge_key(cartoon_id, number, 0), inflight_hour=expiry_hour(now),
                 inflight_since=int(now), queued_since=int(now), updated_at=int(now))


def elements_of(scene):
    """The scene's lettering elements; an older scene's are its caption and dialogue."""
    if scene.elements is not None:
        return scene.elements
    return specs.shorthand_elements(scene.caption, scene.dialogue, scene.speaker)


def load(account_id, cartoon_id, number):
    try:
        return Scene.get(account_id, key(cartoon_id, number), consistent_read=True)
    except Scene.DoesNotExist:
        return None


def for_cartoon(account_id, cartoon_id):
    return sorted(Scene.query(account_id, Scene.scene_key.startswith(f"{cartoon_id}#"),
                              consistent_read=True), key=lambda scene: scene.number)


def queued_since(scene):
    """When the current attempt was charged and queued: its deadline counts from here."""
    return int(scene.queued_since if scene.queued_since is not None else
               scene.inflight_since if scene.inflight_since is not None else scene.updated_at)


def start_drawing(scene, attempt, *, takeover_after, requeues=0, now=None):
    """Claim an attempt for drawing (drawing.claim): queued -> drawing, or a dead worker's
    drawing taken over; a job whose count of 429 waits is not the scene's is stale."""
    return drawing.claim(_drawing(scene), attempt, takeover_after=takeover_after,
                         requeues=requeues, now=now)


def versions_of(scene):
    """The scene's kept drawings, oldest first; an older scene's one image is version 1."""
    if scene.versions is not None:
        return list(scene.versions)
    if not scene.image_key:
        return []
    return [{"version": 1, "attempt": int(scene.attempt), "image_key": scene.image_key,
             "thumb_key": scene.thumb_key, "action": scene.action, "note": "",
             "created_at": int(scene.updated_at)}]


def chosen_of(scene):
    """The number of the version the page shows (None before anything is drawn)."""
    if scene.chosen is not None:
        return int(scene.chosen)
    return 1 if scene.image_key else None


def with_new_version(scene, attempt, image_key, thumb_key, now, keep, look=None):
    """(versions, number, dropped) once a new drawing is added and chosen: beyond `keep`, the
    oldest versions are dropped (their keys are returned so their objects go), but never the
    new one, nor (while another can go) the one shown until now, which the redraw edited.
    `look` is what the look step found in the new drawing (Look.to_json), kept with it."""
    versions = versions_of(scene)
    shown = chosen_of(scene)
    number = max((int(v["version"]) for v in versions), default=0) + 1
    versions.append({"version": number, "attempt": int(attempt), "image_key": image_key,
                     "thumb_key": thumb_key, "action": scene.action,
                     "note": (scene.redraw_note or "") if attempt else "",
                     "created_at": int(now), **({"look": look} if look else {})})
    dropped = []
    while len(versions) > keep:
        others = [v for v in versions if v["version"] != number]
        oldest = next((v for v in others if v["version"] != shown), others[0])
        versions.remove(oldest)
        dropped.append(oldest)
    return versions, number, dropped


def _look_action(look):
    return Scene.look.set(look) if look else Scene.look.remove()


def finish(scene, attempt, *, image_key, thumb_key, look=None, now=None):
    """Record a drawing as the scene's newest version and show it, with what the look step
    found in it. Returns the versions it pushed out (whose objects the caller deletes), or
    None when the attempt was no longer the scene's to finish (nothing written)."""
    now = clock.now() if now is None else now
    versions, number, dropped = with_new_version(scene, attempt, image_key, thumb_key, now,
                                                 get_settings().scene_versions_kept, look)
    if not drawing.finish(_drawing(scene), attempt, image_key=image_key, thumb_key=thumb_key,
                          actions=[Scene.versions.set(versions), Scene.chosen.set(number),
                                   _look_action(look)],
                          now=now):
        return None
    return dropped


def choose(scene, version, now=None):
    """Show one of the kept versions (its action and its look with it). Returns the version,
    or None when the scene moved meanwhile (a redraw was queued, or the scene was deleted)."""
    now = clock.now() if now is None else now
    picked = next((v for v in versions_of(scene) if int(v["version"]) == version), None)
    if picked is None:
        return None
    if not update_if(scene, [Scene.image_key.set(picked["image_key"]),
                             Scene.thumb_key.set(picked["thumb_key"]),
                             Scene.versions.set(versions_of(scene)), Scene.chosen.set(version),
                             Scene.action.set(picked["action"]),
                             _look_action(picked.get("look")), Scene.failure.remove(),
                             Scene.reason.remove(), Scene.refunded.remove(),
                             Scene.updated_at.set(int(now))],
                     (Scene.state == DONE) & (Scene.attempt == scene.attempt)
                     & (Scene.updated_at == scene.updated_at)):
        return None
    return picked


def wait_for_provider(scene, attempt, requeues, now=None):
    """Put a drawing attempt back to queued after a 429, counting the wait: drawing -> queued,
    nothing charged or refunded (the attempt keeps its one charge). False if it moved."""
    return drawing.wait(_drawing(scene), attempt, requeues, now=now)


def fail(scene, attempt, *, code, reason, now=None, extra_condition=None):
    """Mark an in-flight attempt failed and refund its credits, in one transaction. Returns
    False (and changes nothing) when the attempt is no longer in flight or was refunded.

    A scene that already shows a drawing (a failed redraw) goes back to done, still showing
    its chosen version, with the failure and the refund recorded beside it."""
    # Whether a scene shows a drawing only ever changes from no to yes, by `finish`, which
    # needs the attempt in flight: the condition holds it for this write.
    shown = bool(scene.image_key)
    condition = Scene.image_key.exists() if shown else Scene.image_key.does_not_exist()
    if extra_condition is not None:
        condition &= extra_condition
    return drawing.fail(_drawing(scene), attempt, code=code, reason=reason,
                        state=DONE if shown else FAILED, condition=condition, now=now)


def requeue_for_redraw(scene, credits_each, *, action=None, note="", now=None, title=None):
    """Charge a redraw and queue it as the next attempt, in one transaction, with its changed
    action (stored on the scene) and its note. Raises InsufficientCredits (402); returns the
    new attempt, or None if the scene moved meanwhile (another redraw won: nothing charged)."""
    attempt = int(scene.attempt) + 1
    changes = [Scene.action.set(action)] if action is not None else []
    changes.append(Scene.redraw_note.set(note) if note else Scene.redraw_note.remove())
    if scene.versions is None and scene.image_key:  # an older scene: its image is version 1
        changes += [Scene.versions.set(versions_of(scene)), Scene.chosen.set(1)]
    changes.append(Scene.charge_key.set(charge_key(scene.cartoon_id, scene.number, attempt)))
    if not drawing.charge(_drawing(scene, title), attempt, credits_each, actions=changes,
                          now=now,
                          note=f"redraw of scene {scene.number} of {scene.cartoon_id}"):
        return None
    return attempt


def edit_text(scene, changes, now=None):
    """Change a scene's texts; False (and nothing written) if it was deleted meanwhile."""
    now = clock.now() if now is None else now
    actions = [getattr(Scene, name).set(value) for name, value in changes.items()]
    return update_if(scene, [*actions, Scene.updated_at.set(int(now))],
                     Scene.scene_key.exists())
