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
   composes the pages.

So an eight-scene cartoon takes about two image times, and no invocation waits on more than
one image (plus retries, which stop while the deadline still leaves time to record a failure).
A failure marks the scene failed and refunds it in one transaction; a redelivered job finds
the scene already claimed or finished and does nothing.
"""

from concurrent.futures import ThreadPoolExecutor

from chalicelib.adapters import images, jobs, storage
from chalicelib.adapters.jobs import WORKER_TIMEOUT_SECONDS
from chalicelib.cartoons import cast, scenes, specs
from chalicelib.cartoons.view import find_cartoon
from chalicelib.comic import layouts, raster
from chalicelib.core import logs
from chalicelib.core.crypto import keyed_hash
from chalicelib.worker import guard
from chalicelib.worker.compose import compose_if_complete, staging_of


def _user(account_id):
    return keyed_hash("openai-user", account_id)[:32]


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
        guard.put_all(guard.for_cartoon(cartoon.account_id, cartoon.cartoon_id),
                      [(_reference_key(cartoon, index[name]), data, "image/png")])
        return name, data, None

    with ThreadPoolExecutor(max_workers=len(missing)) as pool:
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
        draw_cast(cartoon, deadline)
        return
    _draw_legacy_references(cartoon, deadline)


def draw_cast(cartoon, deadline):
    """Draw every reference queued (or whose worker died), each claimed by a conditional
    write, in parallel; then settle the cast: wait for approval, or release the scenes."""
    todo = [(i, int(c.attempt or 0)) for i, c in enumerate(cartoon.characters)
            if c.state in scenes.IN_FLIGHT]
    claimed = [(i, attempt) for i, attempt in todo
               if cast.claim(cartoon, i, attempt, takeover_after=WORKER_TIMEOUT_SECONDS)]
    if claimed:
        with ThreadPoolExecutor(max_workers=len(claimed)) as pool:
            outcomes = list(pool.map(lambda pair: _draw_reference(cartoon, *pair, deadline),
                                     claimed))
        if guard.Gone in outcomes:
            raise guard.Gone()
        logs.event("references_drawn", cartoon_id=cartoon.cartoon_id,
                   drawn=outcomes.count(True), failed=outcomes.count(False))
    cast.settle(cartoon.account_id, cartoon.cartoon_id)


def _draw_reference(cartoon, index, attempt, deadline):
    """One reference attempt, portrait, at the best tier. True when drawn, False when it
    failed (refunded), guard.Gone when the account or cartoon went meanwhile."""
    spec = cartoon.characters[index]
    request = images.ReferenceRequest(
        character=images.Character(spec.name, spec.description),
        style_prompt=cartoon.style_prompt, context=cartoon.context,
        quality=specs.reference_quality(), user=_user(cartoon.account_id),
        size=specs.REFERENCE_SIZE, note=spec.note or "")
    try:
        png = images.get_image_provider().reference(request, deadline)
        keys = [cast.reference_key(cartoon.account_id, cartoon.cartoon_id, index, attempt, ext)
                for ext in ("png", "webp")]
        guard.put_all(guard.for_cartoon(cartoon.account_id, cartoon.cartoon_id),
                      [(keys[0], png, "image/png"),
                       (keys[1], raster.thumbnail_webp(png), "image/webp")])
    except images.DrawingFailed as failure:
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


def _draw_legacy_references(cartoon, deadline):
    """A cartoon made before references were shown: draw what its scenes need, then queue
    them (references are read at `characters/<n>.png`)."""
    waiting = [s for s in scenes.for_cartoon(cartoon.account_id, cartoon.cartoon_id)
               if s.state == scenes.QUEUED]
    names = sorted({name for scene in waiting for name in scene.characters or []})
    _, failures = ensure_references(cartoon, names, deadline)
    ready = []
    for scene in waiting:
        failed = {n: failures[n] for n in scene.characters or [] if n in failures}
        if failed:
            scenes.fail(scene, int(scene.attempt), code="reference_failed",
                        reason=_reference_reason(failed))
        else:
            ready.append(jobs.scene_job(cartoon.account_id, cartoon.cartoon_id, scene.number,
                                        int(scene.attempt)))
    jobs.send(*ready)


def draw_scene(job, deadline):
    scene = scenes.load(job["account_id"], job["cartoon_id"], job["scene"])
    attempt = job["attempt"]
    if scene is None or int(scene.attempt) != attempt:
        return
    if not scenes.start_drawing(scene, attempt, takeover_after=WORKER_TIMEOUT_SECONDS):
        logs.event("scene_job_skipped", cartoon_id=scene.cartoon_id, scene=scene.number,
                   attempt=attempt, state=scene.state)
        if scene.state == scenes.DONE:  # a retry after the strip failed: compose it now
            compose_if_complete(scene.account_id, scene.cartoon_id)
        return
    try:
        keys = _draw_and_store(scene, attempt, deadline)
    except images.DrawingFailed as failure:
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


def _draw_and_store(scene, attempt, deadline):
    cartoon = find_cartoon(scene.account_id, scene.cartoon_id)
    if cartoon is None:
        return None
    cast_names = list(scene.characters or [])
    if cartoon.cast_state is None:
        references, failures = ensure_references(cartoon, cast_names, deadline)
    else:
        references, failures = _stored_references(cartoon, cast_names)
    if failures:
        scenes.fail(scene, attempt, code="reference_failed", reason=_reference_reason(failures))
        return None
    by_name = {c.name: c for c in cartoon.characters}
    sizes = layouts.drawing_sizes(cartoon.layout or "auto", int(cartoon.scene_count))
    request = images.SceneRequest(
        number=int(scene.number), action=scene.action,
        characters=tuple(images.Character(n, by_name[n].description) for n in cast_names),
        references=tuple(references[n] for n in cast_names), style_prompt=cartoon.style_prompt,
        context=cartoon.context, quality=cartoon.quality, user=_user(scene.account_id),
        staging=staging_of(scene), size=sizes[int(scene.number) - 1])
    png = images.get_image_provider().scene(request, deadline)
    base = f"scenes/{int(scene.number):02d}-{attempt}"
    image_key = storage.cartoon_key(scene.account_id, scene.cartoon_id, f"{base}.png")
    thumb_key = storage.cartoon_key(scene.account_id, scene.cartoon_id, f"{base}.webp")
    guard.put_all(guard.for_cartoon(scene.account_id, scene.cartoon_id),
                  [(image_key, png, "image/png"),
                   (thumb_key, raster.thumbnail_webp(png), "image/webp")])
    previous = (scene.image_key, scene.thumb_key)
    if not scenes.finish(scene, attempt, image_key=image_key, thumb_key=thumb_key):
        storage.delete(image_key, thumb_key)  # failed meanwhile (the cleanup): not shown
        return None
    storage.delete(*[key for key in previous if key not in (image_key, thumb_key)])
    logs.event("scene_done", cartoon_id=scene.cartoon_id, scene=int(scene.number),
               attempt=attempt)
    return image_key, thumb_key
