"""The worker: draws what the queue asks for, and the cleanup of scenes that got stuck.

The job flow keeps every Lambda invocation to at most one image's worth of waiting:

1. Submitting queues one `references` job. It draws the reference image of every character
   the cartoon's queued scenes use, in parallel threads (at most six, each at most one image
   call with its retries), stores them, then queues one `scene` job per scene.
2. Each `scene` job is its own invocation (batch size 1, so SQS runs the scenes of a cartoon in
   parallel Lambdas): it claims the scene (queued -> drawing, conditional), sends the edit
   request with the references of exactly the characters in the scene, stores the panel and a
   WebP thumbnail, marks it done (conditional), and the scene that completes the cartoon
   composes the strip.

So an eight-scene cartoon takes about two image times, and no invocation waits on more than
one image (plus retries, which stop while the deadline still leaves time to record a failure).
A failure marks the scene failed and refunds it in one transaction; a redelivered job finds
the scene already claimed or finished and does nothing.
"""

import hashlib
import json
import time
from concurrent.futures import ThreadPoolExecutor

from chalicelib.adapters import jobs, providers, storage
from chalicelib.adapters.resources import WORKER_TIMEOUT_SECONDS
from chalicelib.cartoons import gallery, scenes
from chalicelib.core import clock, logs
from chalicelib.core.crypto import keyed_hash
from chalicelib.core.models import Cartoon, Scene, hours_up_to
from chalicelib.core.settings import get_settings
from chalicelib.rights import export

STRIP_LAYOUT = 1  # bump when the strip's look changes: stored strips are then recomposed
SAFETY_SECONDS = 30  # kept back from the Lambda's limit to record the outcome
STUCK_REASON = "This scene took far too long and was stopped; your credits were given back."


def deadline_for(context):
    """A time.monotonic() deadline: the Lambda's remaining time less a safety margin."""
    remaining = WORKER_TIMEOUT_SECONDS * 1000
    if context is not None and hasattr(context, "get_remaining_time_in_millis"):
        remaining = context.get_remaining_time_in_millis()
    return time.monotonic() + remaining / 1000 - SAFETY_SECONDS


def handle(event):
    """The SQS handler: one job a record. Records of one batch run side by side (the local
    worker delivers up to ten; production delivers one). Raises only when the outcome could not
    be recorded, so SQS retries that message and, after a few tries, dead-letters it."""
    deadline = deadline_for(event.context)
    bodies = [record.body for record in event]
    if len(bodies) == 1:
        return run(bodies[0], deadline)
    with ThreadPoolExecutor(max_workers=min(10, len(bodies))) as pool:
        futures = [pool.submit(run, body, deadline) for body in bodies]
    for future in futures:
        future.result()
    return None


def run(body, deadline):
    try:
        job = jobs.parse(body)
    except jobs.BadJob as error:
        logs.event("job_dropped", why=str(error))
        return
    if job["kind"] == "export":
        export.build(job, deadline)
        return
    if job["kind"] == "references":
        draw_references(job, deadline)
    else:
        draw_scene(job, deadline)
    gallery.refresh_summary(job["account_id"], job["cartoon_id"])


def _cartoon(account_id, cartoon_id):
    try:
        return Cartoon.get(account_id, cartoon_id, consistent_read=True)
    except Cartoon.DoesNotExist:
        return None


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
        request = providers.ReferenceRequest(
            character=providers.Character(spec.name, spec.description),
            style_prompt=cartoon.style_prompt, context=cartoon.context,
            quality=cartoon.quality, user=_user(cartoon.account_id))
        try:
            data = providers.get_image_provider().reference(request, deadline)
        except providers.DrawingFailed as failure:
            return name, None, failure
        storage.put(_reference_key(cartoon, index[name]), data, "image/png")
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


def _reference_reason(failures):
    name, failure = next(iter(failures.items()))
    return f"We could not draw {name}'s reference picture. {failure.reason}"


def draw_references(job, deadline):
    cartoon = _cartoon(job["account_id"], job["cartoon_id"])
    if cartoon is None:
        return
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
    except providers.DrawingFailed as failure:
        scenes.fail(scene, attempt, code=failure.code, reason=failure.reason)
        return
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
    from chalicelib.comic import images

    cartoon = _cartoon(scene.account_id, scene.cartoon_id)
    if cartoon is None:
        return None
    cast = list(scene.characters or [])
    references, failures = ensure_references(cartoon, cast, deadline)
    if failures:
        scenes.fail(scene, attempt, code="reference_failed", reason=_reference_reason(failures))
        return None
    by_name = {c.name: c for c in cartoon.characters}
    request = providers.SceneRequest(
        number=int(scene.number), action=scene.action,
        characters=tuple(providers.Character(n, by_name[n].description) for n in cast),
        references=tuple(references[n] for n in cast), style_prompt=cartoon.style_prompt,
        context=cartoon.context, quality=cartoon.quality, user=_user(scene.account_id))
    png = providers.get_image_provider().scene(request, deadline)
    base = f"scenes/{int(scene.number):02d}-{attempt}"
    image_key = storage.cartoon_key(scene.account_id, scene.cartoon_id, f"{base}.png")
    thumb_key = storage.cartoon_key(scene.account_id, scene.cartoon_id, f"{base}.webp")
    storage.put(image_key, png, "image/png")
    storage.put(thumb_key, images.thumbnail_webp(png), "image/webp")
    previous = (scene.image_key, scene.thumb_key)
    if not scenes.finish(scene, attempt, image_key=image_key, thumb_key=thumb_key):
        storage.delete(image_key, thumb_key)  # failed meanwhile (the cleanup): not shown
        return None
    storage.delete(*[key for key in previous if key not in (image_key, thumb_key)])
    logs.event("scene_done", cartoon_id=scene.cartoon_id, scene=int(scene.number),
               attempt=attempt)
    return image_key, thumb_key


# --- the strip -----------------------------------------------------------------------------

def strip_inputs(cartoon, scene_items):
    """A fingerprint of what the strip shows; the stored strip is current when it matches."""
    panels = [[s.image_key, s.caption, s.dialogue, s.speaker] for s in scene_items]
    text = json.dumps([STRIP_LAYOUT, cartoon.title, panels])
    return hashlib.sha256(text.encode()).hexdigest()


def compose_if_complete(account_id, cartoon_id, rounds=3):
    """When every scene is done, compose the strip unless the stored one is current. Two
    composers may race (the last scene and a caption edit): each checks again after writing,
    so the last write always matches the latest inputs."""
    for _ in range(rounds):
        scene_items = scenes.for_cartoon(account_id, cartoon_id)
        if not scene_items or any(s.state != scenes.DONE for s in scene_items):
            return False
        cartoon = _cartoon(account_id, cartoon_id)
        if cartoon is None:
            return False
        inputs = strip_inputs(cartoon, scene_items)
        if cartoon.strip_inputs == inputs:
            return True
        _compose(cartoon, scene_items, inputs)
    return False


def _compose(cartoon, scene_items, inputs):
    from chalicelib.comic import images

    panels = [{"image": storage.read(s.image_key), "caption": s.caption,
               "dialogue": s.dialogue, "speaker": s.speaker} for s in scene_items]
    if any(panel["image"] is None for panel in panels):
        raise RuntimeError("a finished panel is missing from the bucket")
    png = images.compose_strip(cartoon.title, panels)
    key = storage.cartoon_key(cartoon.account_id, cartoon.cartoon_id, f"strip-{inputs[:16]}.png")
    thumb = storage.cartoon_key(cartoon.account_id, cartoon.cartoon_id,
                                f"strip-{inputs[:16]}.webp")
    storage.put(key, png, "image/png")
    storage.put(thumb, images.thumbnail_webp(png, side=480), "image/webp")
    previous = (cartoon.strip_key, cartoon.strip_thumb_key)
    cartoon.update(actions=[Cartoon.strip_key.set(key), Cartoon.strip_thumb_key.set(thumb),
                            Cartoon.strip_inputs.set(inputs)],
                   condition=Cartoon.cartoon_id.exists())
    storage.delete(*[k for k in previous if k and k not in (key, thumb)])
    logs.event("strip_composed", cartoon_id=cartoon.cartoon_id, panels=len(panels))


# --- the cleanup of stuck scenes -----------------------------------------------------------

def fail_stuck_scenes(now=None):
    """Fail and refund scenes in flight for longer than STUCK_SCENE_SECONDS (longer than every
    delivery of their job together), found by querying the in-flight index hour by hour."""
    now = int(clock.now() if now is None else now)
    cutoff = now - get_settings().stuck_scene_seconds
    failed = 0
    for hour in hours_up_to(cutoff):
        for key_item in Scene.by_inflight.query(hour, Scene.inflight_since < cutoff):
            try:
                scene = Scene.get(key_item.account_id, key_item.scene_key, consistent_read=True)
            except Scene.DoesNotExist:
                continue
            if scenes.fail(scene, int(scene.attempt), code="stuck", reason=STUCK_REASON,
                           now=now, extra_condition=Scene.inflight_since < cutoff):
                failed += 1
                gallery.refresh_summary(scene.account_id, scene.cartoon_id)
    if failed:
        logs.event("stuck_scenes_failed", count=failed)
    return failed
