"""The private gallery: an account's cartoons, newest first, one DynamoDB query a page.

Each cartoon item carries a summary (status, panels done, a cover thumbnail) refreshed after
every scene moves, so listing never reads the scenes. Images are reached only through short
presigned URLs, made locally from keys under the account's own prefix (no S3 call).
"""

from pynamodb.exceptions import TransactWriteError, UpdateError

from chalicelib.adapters import storage
from chalicelib.cartoons import scenes
from chalicelib.core import clock, logs, paging
from chalicelib.core.answers import COUNT, SIGNED_IN, TEXT, TIME, URL, array, nullable, obj, ok
from chalicelib.core.conditions import lost_condition
from chalicelib.core.errors import Conflict
from chalicelib.core.models import CARTOON_ID, Cartoon, Scene, transaction

DEFAULT_PAGE, MAX_PAGE = 24, 50
REFRESH_ATTEMPTS = 5


def refresh_summary(account_id, cartoon_id):
    """Recompute the gallery summary from the scenes. Optimistic: the write holds only if no
    other refresh landed since this one read, so the last to land saw the latest scenes."""
    for _ in range(REFRESH_ATTEMPTS):
        try:
            cartoon = Cartoon.get(account_id, cartoon_id, consistent_read=True)
        except Cartoon.DoesNotExist:
            return None
        items = scenes.for_cartoon(account_id, cartoon_id)
        done = [s for s in items if s.state == scenes.DONE and s.thumb_key]
        status = scenes.overall_status(items, bool(cartoon.strip_key))
        if cartoon.cast_state in ("drawing", "waiting") and any(
                s.state == scenes.QUEUED for s in items):
            status = "cast"  # the references come first (cartoons/cast.py)
        actions = [Cartoon.status.set(status), Cartoon.scenes_done.set(len(done)),
                   Cartoon.summary_version.set(int(cartoon.summary_version or 0) + 1),
                   Cartoon.cover_key.set(done[0].thumb_key) if done else
                   Cartoon.cover_key.remove()]
        try:
            cartoon.update(actions=actions, condition=Cartoon.summary_version == int(
                cartoon.summary_version or 0))
            return status
        except UpdateError as error:
            if not lost_condition(error):
                raise
    return None  # others kept refreshing: the last of them saw newer scenes than we did


def page(session, *, cursor=None, limit=None):
    """One page of the gallery and the cursor of the next (None at the end)."""
    items, next_cursor = paging.newest_first(
        Cartoon, session.account_id, "gallery", id_name="cartoon_id", pattern=CARTOON_ID,
        cursor=cursor, limit=limit, default=DEFAULT_PAGE, maximum=MAX_PAGE)
    return {"cartoons": [describe(c) for c in items], "next_cursor": next_cursor}


def describe(cartoon):
    thumb = cartoon.strip_thumb_key or cartoon.cover_key
    return {
        "id": cartoon.cartoon_id, "title": cartoon.title,
        "created_at": cartoon.created_at.isoformat(),
        "scene_count": int(cartoon.scene_count), "scenes_done": int(cartoon.scenes_done or 0),
        "status": cartoon.status or "drawing",
        "thumbnail_url": _presign(cartoon, thumb),
        "strip_url": _presign(cartoon, cartoon.strip_key),
        "url": f"/cartoon.html?id={cartoon.cartoon_id}",
    }


def _presign(cartoon, key):
    # Keys come from our own items; still, never sign a key outside the owner's prefix.
    if not key or not key.startswith(storage.account_prefix(cartoon.account_id)):
        return None
    return storage.presign(key)


def delete(cartoon):
    """Remove a cartoon, its images, thumbnails and strip. Ledger entries stay.

    One transaction marks the cartoon and deletes its scenes, each on the condition that it is
    not in flight: a redraw racing it either lands first (its scene is queued, so the deletion
    is refused) or finds no scene (and charges nothing). Only then do the objects go: a worker
    still composing re-checks the mark after its put and removes what it wrote
    (worker/guard.py). The item goes last, so a deletion cut short can be sent again."""
    account_id, cartoon_id = cartoon.account_id, cartoon.cartoon_id
    items = scenes.for_cartoon(account_id, cartoon_id)
    if any(s.state in scenes.IN_FLIGHT for s in items) or not _mark_deleted(cartoon, items):
        raise Conflict(code="cartoon_in_progress")
    removed = storage.delete_prefix(storage.cartoon_key(account_id, cartoon_id, "x")[:-1])
    cartoon.delete()
    logs.event("cartoon_deleted", cartoon_id=cartoon_id, objects=removed)


def _mark_deleted(cartoon, items, now=None):
    now = int(clock.now() if now is None else now)
    try:
        with transaction() as write:
            write.update(cartoon, actions=[Cartoon.deleting_since.set(now)],
                         condition=Cartoon.cartoon_id.exists())
            for scene in items:
                write.delete(scene, condition=Scene.state.is_in(*scenes.FINAL))
    except TransactWriteError as error:
        if not lost_condition(error):
            raise
        return False
    return True


# GET /api/gallery: one page of the account's cartoons, newest first.
GALLERY = ok(obj({"next_cursor": nullable(TEXT), "cartoons": array(obj({
    "id": TEXT, "title": TEXT, "created_at": TIME, "scene_count": COUNT, "scenes_done": COUNT,
    "status": TEXT, "thumbnail_url": nullable(URL), "strip_url": nullable(URL),
    "url": URL}))}), errors=(400, SIGNED_IN))
