"""The strip: composed by the scene that completes a cartoon, and by the `recompose` job that a
text edit queues. The stored strip is current when its fingerprint (cartoons/strips.py) matches
what the scenes show now."""

from pynamodb.exceptions import UpdateError

from chalicelib.adapters import storage
from chalicelib.cartoons import scenes
from chalicelib.cartoons.strips import strip_inputs
from chalicelib.cartoons.view import find_cartoon
from chalicelib.comic import raster, strip
from chalicelib.core import logs
from chalicelib.core.models import Cartoon
from chalicelib.worker import guard


def recompose(job, deadline):
    compose_if_complete(job["account_id"], job["cartoon_id"])


def compose_if_complete(account_id, cartoon_id, rounds=3):
    """When every scene is done, compose the strip unless the stored one is current. Two
    composers may race (the last scene and a caption edit): each checks again after writing,
    so the last write always matches the latest inputs."""
    for _ in range(rounds):
        scene_items = scenes.for_cartoon(account_id, cartoon_id)
        if not scene_items or any(s.state != scenes.DONE for s in scene_items):
            return False
        cartoon = find_cartoon(account_id, cartoon_id)
        if cartoon is None:
            return False
        inputs = strip_inputs(cartoon, scene_items)
        if cartoon.strip_inputs == inputs:
            return True
        _compose(cartoon, scene_items, inputs)
    return False


def _compose(cartoon, scene_items, inputs):
    panels = [{"image": storage.read(s.image_key), "caption": s.caption,
               "dialogue": s.dialogue, "speaker": s.speaker} for s in scene_items]
    alive = guard.for_cartoon(cartoon.account_id, cartoon.cartoon_id)
    if any(panel["image"] is None for panel in panels):
        guard.check(alive)  # its deletion took the panels: Gone, nothing to retry
        raise RuntimeError("a finished panel is missing from the bucket")
    png = strip.compose_strip(cartoon.title, panels)
    key = storage.cartoon_key(cartoon.account_id, cartoon.cartoon_id, f"strip-{inputs[:16]}.png")
    thumb = storage.cartoon_key(cartoon.account_id, cartoon.cartoon_id,
                                f"strip-{inputs[:16]}.webp")
    guard.put_all(alive, [(key, png, "image/png"),
                          (thumb, raster.thumbnail_webp(png, side=480), "image/webp")])
    previous = (cartoon.strip_key, cartoon.strip_thumb_key)
    try:
        cartoon.update(actions=[Cartoon.strip_key.set(key), Cartoon.strip_thumb_key.set(thumb),
                                Cartoon.strip_inputs.set(inputs)],
                       condition=Cartoon.cartoon_id.exists()
                       & Cartoon.deleting_since.does_not_exist())
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        guard.withdraw(key, thumb)  # deleted between the re-check and this write
    storage.delete(*[k for k in previous if k and k not in (key, thumb)])
    logs.event("strip_composed", cartoon_id=cartoon.cartoon_id, panels=len(panels))
