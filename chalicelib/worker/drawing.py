"""Drawing: the `references` and `scene` jobs.

The job flow keeps every Lambda invocation to at most one image's worth of waiting:

1. Submitting queues one `references` job. It draws the reference image of every character
   the cartoon's queued scenes use, in parallel threads (at most six, each at most one image
   call with its retries), stores them, then queues one `scene` job per scene.
2. Each `scene` job is its own invocation (batch size 1, so SQS runs the scenes of a cartoon in
   parallel Lambdas): it claims the scene (queued -> drawing, conditional), sends the edit
   request with the references of exactly the characters in the scene, staged as the
   lettering expects and at its page cell's drawing size, stores the panel and a
   WebP thumbnail, marks it done (conditional), and the scene that completes the cartoon
   composes the pages. A redraw of a scene already drawn is an edit of the version shown:
   that image goes first, then the references, with the owner's note; the new drawing is
   kept as a new version beside the others (cartoons/scenes.py).

So an eight-scene cartoon takes about two image times, and no invocation waits on more than
one image (plus retries, which stop while the deadline still leaves time to record a failure).
A failure marks the scene failed and refunds it in one transaction; a redelivered job finds
the scene already claimed or finished and does nothing.

A 429 from the provider is not a failure: the scene goes back to queued (still charged once,
nothing refunded) and its job back on the queue with a delay of at least the server's
Retry-After (plus jitter, at most SQS's 900 s), counting the wait in the job and on the scene
so a stale or repeated message does nothing. It waits like that until the scene's deadline
(`STUCK_SCENE_SECONDS` after it was charged, less one worker timeout), then fails and is
refunded once, as any failure. A references job that meets a 429 fans out the scenes whose
references exist and comes back later for the rest; each reference counts its waits like a
scene, so a stale or repeated references message claims nothing. Every image call adds its
provider cost to the cartoon (cartoons/costs.py).

A drawn panel is looked at before it is stored (worker/looking.py): where each character's head
and mouth are, kept with the version it describes; a speaker the look cannot find gets the
panel drawn once more at the service's cost. The look never fails or charges the panel.
"""

import math
import random
from concurrent.futures import ThreadPoolExecutor

from chalicelib.adapters import images, jobs, storage
from chalicelib.adapters.jobs import MAX_DELAY_SECONDS, WORKER_TIMEOUT_SECONDS
from chalicelib.cartoons import cast, costs, scenes, specs
from chalicelib.cartoons.drawing import may_wait
from chalicelib.cartoons.view import find_cartoon
from chalicelib.comic import budget, layouts, raster
from chalicelib.core import logs
from chalicelib.core.crypto import keyed_hash
from chalicelib.core.settings import get_settings
from chalicelib.worker import guard, looking, uploads
from chalicelib.worker.compose import compose_if_complete, staging_of


def _user(account_id):
    return keyed_hash("openai-user", account_id)[:32]


FIRST_WAIT_SECONDS = 15  # a 429 without Retry-After: 15 s, doubled each time, at most 900 s
WAIT_JITTER = (1.0, 1.1)  # Retry-After is a minimum: jitter only adds


def requeue_delay(failure, requeues):
    """Seconds to wait after a 429: at least what the server asked, jittered, within SQS's
    limit."""
    base = failure.retry_after or FIRST_WAIT_SECONDS * 2 ** min(requeues, 10)
    return min(MAX_DELAY_SECONDS, math.ceil(base * random.uniform(*WAIT_JITTER)))  # noqa: S311


def _reference_key(cartoon, index):
    return storage.cartoon_key(cartoon.account_id, cartoon.cartoon_id,
                               f"characters/{index + 1}.png")


def ensure_references(cartoon, names, deadline):
    """The reference image of each named character, drawing those not stored yet, in
    parallel. Returns ({name: png}, {name: DrawingFailed})."""
    index = {c.name: i for i, c in enumerate(cartoon.characters)}
    found, failures = {}, {}
    for name in names:
        data = storage.read(_reference_key(cartoon, index[name]))
        if data is not None:
            found[name] = data
    missing = [name for name in names if name not in found]
    if not missing:
        return found, failures

    def draw(name):
        spec = cartoon.characters[index[name]]
        request = images.ReferenceRequest(
            character=images.Character(spec.name, spec.description),
            style_prompt=cartoon.style_prompt, context=cartoon.context,
            quality=cartoon.quality, user=_user(cartoon.account_id))
        try:
            data = images.get_image_provider().reference(request, deadline)
        except images.DrawingFailed as failure:
            return name, None, failure
        costs.add(cartoon.account_id, cartoon.cartoon_id, data)
        guard.put_all(guard.for_cartoon(cartoon.account_id, cartoon.cartoon_id),
                      [(_reference_key(cartoon, index[name]), data, "image/png")])
        return name, data, None

    parallel = min(len(missing), get_settings().reference_parallelism)  # OPENAI_TIER's
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        for name, data, failure in pool.map(draw, missing):
            if failure is None:
                found[name] = data
            else:
                failures[name] = failure
    logs.event("references_drawn", cartoon_id=cartoon.cartoon_id,
               drawn=len(missing) - len(failures), failed=len(failures))
    return found, failures


def _stored_references(cartoon, names):
    """The drawn references of the named characters (never drawn here: the cast is drawn,
    paid and settled before any scene). Returns ({name: png}, {name: DrawingFailed})."""
    by_name = {c.name: c for c in cartoon.characters}
    found, failures = {}, {}
    for name in names:
        character = by_name[name]
        data = storage.read(character.image_key) if character.image_key else None
        if data is None:
            failures[name] = images.DrawingFailed("bad_image")
        else:
            found[name] = data
    return found, failures


def _reference_reason(failures):
    name, failure = next(iter(failures.items()))
    return f"We could not draw {name}'s reference picture. {failure.reason}"


def draw_references(job, deadline):
    cartoon = find_cartoon(job["account_id"], job["cartoon_id"])
    if cartoon is None:
        return
    if cartoon.cast_state is not None:
        draw_cast(cartoon, job, deadline)
        return
    _draw_legacy_references(cartoon, job, deadline)


def draw_cast(cartoon, job, deadline):
    """Draw every reference queued (or whose worker died), each claimed by a conditional
    write, in parallel; then settle the cast: wait for approval, or release the scenes. A
    reference that meets a 429 goes back to queued and the job comes back later for it."""
    requeues = int(job.get("requeues", 0))
    todo = [(i, int(c.attempt or 0)) for i, c in enumerate(cartoon.characters)
            if c.state in scenes.IN_FLIGHT]
    claimed = [(i, attempt) for i, attempt in todo
               if cast.claim(cartoon, i, attempt, takeover_after=WORKER_TIMEOUT_SECONDS,
                             requeues=requeues)]
    if todo and not claimed:
        logs.event("references_job_skipped", cartoon_id=cartoon.cartoon_id, requeues=requeues)
    if claimed:
        parallel = min(len(claimed), get_settings().reference_parallelism)  # OPENAI_TIER's
        with ThreadPoolExecutor(max_workers=parallel) as pool:
            outcomes = list(pool.map(
                lambda pair: _draw_reference(cartoon, *pair, deadline, requeues), claimed))
        if guard.Gone in outcomes:
            raise guard.Gone()
        waits = [o for o in outcomes if isinstance(o, images.DrawingFailed)]
        logs.event("references_drawn", cartoon_id=cartoon.cartoon_id,
                   drawn=outcomes.count(True), failed=outcomes.count(False), waiting=len(waits))
        if waits:
            _cast_later(cartoon, job, waits, claimed, outcomes)
    cast.settle(cartoon.account_id, cartoon.cartoon_id)


def _cast_later(cartoon, job, waits, claimed, outcomes):
    """After 429s on references: the job again, later, while the waiting references' deadline
    allows (counted from when each was charged and queued); past it, they fail and are
    refunded, once."""
    requeues = int(job.get("requeues", 0))
    delay = max(requeue_delay(f, requeues) for f in waits)
    waiting = [index for (index, _), outcome in zip(claimed, outcomes, strict=True)
               if isinstance(outcome, images.DrawingFailed)]
    if all(may_wait(cast.queued_at(cartoon, cartoon.characters[i]), delay) for i in waiting):
        jobs.send_later({**jobs.references_job(cartoon.account_id, cartoon.cartoon_id),
                         "requeues": requeues + 1}, delay)
        logs.event("references_requeued", cartoon_id=cartoon.cartoon_id, delay=delay,
                   requeues=requeues + 1)
        return
    fresh = find_cartoon(cartoon.account_id, cartoon.cartoon_id)
    for (index, attempt), outcome in zip(claimed, outcomes, strict=True):
        if isinstance(outcome, images.DrawingFailed) and fresh is not None:
            name = fresh.characters[index].name
            cast.fail(fresh, index, attempt, code=outcome.code,
                      reason=f"We could not draw {name}'s reference picture. {outcome.reason}")


def _draw_reference(cartoon, index, attempt, deadline, requeues=0):
    """One reference attempt, portrait, at its tier (the cartoon's level, never below the
    floor). True when drawn, False when it failed (refunded), the DrawingFailed of a 429 when
    it waits its turn (back to queued), guard.Gone when the account or cartoon went
    meanwhile."""
    spec = cartoon.characters[index]
    try:
        source = uploads.checked_picture(cartoon, spec.upload_id) if spec.upload_id else None
    except uploads.Refused as refused:  # refunded like any failure: it cost nothing
        cast.fail(cartoon, index, attempt, code=refused.code,
                  reason=f"We could not draw {spec.name}'s reference picture. {refused.reason}")
        return False
    except guard.Gone:
        return guard.Gone
    request = images.ReferenceRequest(
        character=images.Character(spec.name, spec.description),
        style_prompt=cartoon.style_prompt, context=cartoon.context,
        quality=specs.reference_quality(cartoon.quality), user=_user(cartoon.account_id),
        size=specs.REFERENCE_SIZE, note=spec.note or "", source=source)
    try:
        png = images.get_image_provider().reference(request, deadline)
        costs.add(cartoon.account_id, cartoon.cartoon_id, png)
        keys = [cast.reference_key(cartoon.account_id, cartoon.cartoon_id, index, attempt, ext)
                for ext in ("png", "webp")]
        guard.put_all(guard.for_cartoon(cartoon.account_id, cartoon.cartoon_id),
                      [(keys[0], png, "image/png"),
                       (keys[1], raster.thumbnail_webp(png), "image/webp")])
    except images.DrawingFailed as failure:
        if failure.requeue and cast.wait(cartoon, index, attempt, requeues):
            return failure
        cast.fail(cartoon, index, attempt, code=failure.code,
                  reason=f"We could not draw {spec.name}'s reference picture. {failure.reason}")
        return False
    except guard.Gone:
        return guard.Gone
    except Exception as error:
        logs.event("reference_error", cartoon_id=cartoon.cartoon_id, index=index,
                   error=type(error).__name__)
        if cast.fail(cartoon, index, attempt, code="internal_error",
                     reason=f"Something went wrong on our side while drawing {spec.name}."):
            return False
        raise
    if not cast.finish(cartoon, index, attempt, image_key=keys[0], thumb_key=keys[1]):
        storage.delete(*keys)  # failed or taken over meanwhile: not shown
        return False
    storage.delete(*[key for key in (spec.image_key, spec.thumb_key)
                     if key and key not in keys])
    return True


def _draw_legacy_references(cartoon, job, deadline):
    """A cartoon made before references were shown: draw what its scenes need, then queue
    them (references are read at `characters/<n>.png`)."""
    waiting = [s for s in scenes.for_cartoon(cartoon.account_id, cartoon.cartoon_id)
               if s.state == scenes.QUEUED]
    names = sorted({name for scene in waiting for name in scene.characters or []})
    _, failures = ensure_references(cartoon, names, deadline)
    waits = [f for f in failures.values() if f.requeue]
    later = None
    if waits:
        requeues = int(job.get("requeues", 0))
        delay = max(requeue_delay(f, requeues) for f in waits)
        if all(may_wait(scenes.queued_since(s), delay) for s in waiting):
            later = delay
            jobs.send_later({**jobs.references_job(cartoon.account_id, cartoon.cartoon_id),
                             "requeues": requeues + 1}, delay)
            logs.event("references_requeued", cartoon_id=cartoon.cartoon_id, delay=delay,
                       requeues=requeues + 1)
    ready = []
    for scene in waiting:
        failed = {n: failures[n] for n in scene.characters or [] if n in failures}
        waits_its_turn = later is not None and all(f.requeue for f in failed.values())
        if failed and not waits_its_turn:
            scenes.fail(scene, int(scene.attempt), code="reference_failed",
                        reason=_reference_reason(failed))
        elif not failed:
            ready.append(jobs.scene_job(cartoon.account_id, cartoon.cartoon_id, scene.number,
                                        int(scene.attempt)))
    jobs.send(*ready)


def draw_scene(job, deadline):
    scene = scenes.load(job["account_id"], job["cartoon_id"], job["scene"])
    attempt, requeues = job["attempt"], job.get("requeues", 0)
    if scene is None or int(scene.attempt) != attempt:
        return
    if not scenes.start_drawing(scene, attempt, takeover_after=WORKER_TIMEOUT_SECONDS,
                                requeues=requeues):
        logs.event("scene_job_skipped", cartoon_id=scene.cartoon_id, scene=scene.number,
                   attempt=attempt, state=scene.state, requeues=requeues)
        if scene.state == scenes.DONE:  # a retry after the strip failed: compose it now
            compose_if_complete(scene.account_id, scene.cartoon_id)
        return
    try:
        keys = _draw_and_store(scene, attempt, deadline)
    except images.DrawingFailed as failure:
        if not (failure.requeue and _wait_for_provider(scene, attempt, requeues, failure)):
            scenes.fail(scene, attempt, code=failure.code, reason=failure.reason)
        return
    except guard.Gone:
        # Erased or deleted meanwhile: nothing was kept; an attempt still charged is refunded.
        scenes.fail(scene, attempt, code="gone", reason="This cartoon was deleted.")
        raise
    except Exception as error:
        # Something of ours broke (not the provider): record it and give the credits back
        # now rather than leave the person waiting for the cleanup. If even that fails, the
        # error reaches SQS, which retries the job.
        logs.event("scene_error", cartoon_id=scene.cartoon_id, scene=scene.number,
                   error=type(error).__name__)
        if scenes.fail(scene, attempt, code="internal_error",
                       reason="Something went wrong on our side while drawing this scene."):
            return
        raise
    if keys is None:
        return
    compose_if_complete(scene.account_id, scene.cartoon_id)


def _wait_for_provider(scene, attempt, requeues, failure):
    """After a 429: back to queued and the job back on the queue with a delay, if the scene's
    deadline allows. False when it does not (the caller fails and refunds the scene)."""
    delay = requeue_delay(failure, requeues)
    if not may_wait(scenes.queued_since(scene), delay):
        logs.event("scene_wait_past_deadline", cartoon_id=scene.cartoon_id,
                   scene=int(scene.number), attempt=attempt, requeues=requeues)
        return False
    if not scenes.wait_for_provider(scene, attempt, requeues):
        return True  # it moved meanwhile (a deletion, the cleanup): nothing more to do
    job = jobs.scene_job(scene.account_id, scene.cartoon_id, scene.number, attempt,
                         requeues + 1)
    try:
        jobs.send_later(job, delay)
    except Exception as error:
        logs.event("scene_requeue_failed", cartoon_id=scene.cartoon_id,
                   scene=int(scene.number), error=type(error).__name__)
        return False  # queued but without a job: the caller fails and refunds it now
    logs.event("scene_requeued", cartoon_id=scene.cartoon_id, scene=int(scene.number),
               attempt=attempt, requeues=requeues + 1, delay=delay)
    return True


def _lettering_room(cartoon, scene):
    """What the picture keeps for its texts: the room at the top (the panel's text budget) and
    who speaks, so the prompt puts their heads below it."""
    elements = scenes.elements_of(scene)
    panel = budget.scene_budget(cartoon.layout or "auto", int(cartoon.scene_count),
                                int(scene.number) - 1, elements)
    speakers = [e["speaker"] for e in elements if e.get("speaker")]
    return {"room": panel.room, "speakers": tuple(dict.fromkeys(speakers))}


def _draw_and_store(scene, attempt, deadline):
    cartoon = find_cartoon(scene.account_id, scene.cartoon_id)
    if cartoon is None:
        return None
    cast_names = list(scene.characters or [])
    if cartoon.cast_state is None:  # a cartoon from before cast-first draws what it lacks
        references, failures = ensure_references(cartoon, cast_names, deadline)
        waits = [failure for failure in failures.values() if failure.requeue]
        if failures and len(waits) == len(failures):
            raise waits[0]  # a 429 on a reference: the scene waits its turn like its own 429
    else:
        references, failures = _stored_references(cartoon, cast_names)
    if failures:
        scenes.fail(scene, attempt, code="reference_failed", reason=_reference_reason(failures))
        return None
    by_name = {c.name: c for c in cartoon.characters}
    sizes = layouts.drawing_sizes(cartoon.layout or "auto", int(cartoon.scene_count))
    # A redraw edits the version shown (if its object is somehow gone: drawn afresh).
    previous = storage.read(scene.image_key) if scene.image_key and attempt else None
    request = images.SceneRequest(
        number=int(scene.number), action=scene.action,
        characters=tuple(images.Character(n, by_name[n].description) for n in cast_names),
        references=tuple(references[n] for n in cast_names), style_prompt=cartoon.style_prompt,
        context=cartoon.context, quality=cartoon.quality, user=_user(scene.account_id),
        staging=staging_of(scene), size=sizes[int(scene.number) - 1],
        previous=previous, note=(scene.redraw_note or "") if attempt else "",
        **_lettering_room(cartoon, scene))
    png = images.get_image_provider().scene(request, deadline)
    costs.add(scene.account_id, scene.cartoon_id, png)
    png, seen = looking.looked_drawing(scene, request, png, deadline)
    base = f"scenes/{int(scene.number):02d}-{attempt}"
    image_key = storage.cartoon_key(scene.account_id, scene.cartoon_id, f"{base}.png")
    thumb_key = storage.cartoon_key(scene.account_id, scene.cartoon_id, f"{base}.webp")
    guard.put_all(guard.for_cartoon(scene.account_id, scene.cartoon_id),
                  [(image_key, png, "image/png"),
                   (thumb_key, raster.thumbnail_webp(png), "image/webp")])
    dropped = scenes.finish(scene, attempt, image_key=image_key, thumb_key=thumb_key,
                            look=seen.to_json())
    if dropped is None:
        storage.delete(image_key, thumb_key)  # failed meanwhile (the cleanup): not shown
        return None
    storage.delete(*[key for v in dropped for key in (v["image_key"], v["thumb_key"])
                     if key and key not in (image_key, thumb_key)])
    logs.event("scene_done", cartoon_id=scene.cartoon_id, scene=int(scene.number),
               attempt=attempt, edited=previous is not None, versions_dropped=len(dropped),
               look=seen.source)
    return image_key, thumb_key
