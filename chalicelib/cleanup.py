"""The scheduled cleanup: removes expired items (sign-in links, limit windows, idempotency
keys, exports) and uploaded pictures older than a day (cartoons/uploads.py), fails with a
refund the references and scenes stuck in flight beyond a limit, resumes erasures that stopped
part-way, and sweeps an erased account's prefixes once more when the worker's timeout has
passed since its erasure began (rights/erasure.py).

It queries the expiry and in-flight indexes hour by hour instead of scanning, and deletes only
items whose expiry has passed (a condition on the delete, so an item renewed meanwhile survives).
"""

from pynamodb.exceptions import DeleteError

from chalicelib.cartoons import cast, gallery, scenes, uploads
from chalicelib.core import clock, logs
from chalicelib.core.conditions import lost_condition
from chalicelib.core.models import EXPIRING_MODELS, Cartoon, Scene, hours_up_to
from chalicelib.core.settings import get_settings
from chalicelib.rights import erasure

STUCK_REASON = "This scene took far too long and was stopped; your credits were given back."
STUCK_REFERENCE_REASON = ("This reference picture took far too long and was stopped; its "
                          "credits were given back.")


def remove_expired(now=None):
    now = int(clock.now() if now is None else now)
    removed = {}
    for model in EXPIRING_MODELS:
        removed[model.Meta.table_name] = sum(_remove_hour(model, hour, now)
                                             for hour in hours_up_to(now))
    logs.event("cleanup_expired", **{k.rsplit("-", 1)[-1]: v for k, v in removed.items()})
    return removed


def _remove_hour(model, hour, now):
    count = 0
    for key_item in model.by_expiry.query(hour, model.expires_at < now):
        try:
            key_item.delete(condition=model.expires_at < now)
            count += 1
        except DeleteError as error:
            if not lost_condition(error):
                raise
    return count


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


def fail_stuck_references(now=None):
    """Fail and refund references in flight for longer than STUCK_SCENE_SECONDS (their job
    lost, or past every delivery), found by querying `by-cast-inflight` hour by hour; then
    their cast settles (cartoons/cast.py). Runs before the scenes: a cast that settles holds
    its scenes for the owner's approval instead of failing them."""
    now = int(clock.now() if now is None else now)
    cutoff = now - get_settings().stuck_scene_seconds
    failed = 0
    for hour in hours_up_to(cutoff):
        for key_item in Cartoon.by_cast_inflight.query(
                hour, Cartoon.cast_inflight_since < cutoff):
            count = cast.fail_stuck(key_item.account_id, key_item.cartoon_id, cutoff,
                                    STUCK_REFERENCE_REASON)
            if count:
                failed += count
                gallery.refresh_summary(key_item.account_id, key_item.cartoon_id)
    if failed:
        logs.event("stuck_references_failed", count=failed)
    return failed


def run():
    return {"expired": remove_expired(), "uploads_expired": uploads.remove_expired(),
            "stuck_references": fail_stuck_references(),
            "stuck_scenes": fail_stuck_scenes(),
            "erasures_resumed": erasure.resume_pending()}
