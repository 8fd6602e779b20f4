"""Reading a cartoon: the owner's own (another account's does not exist here), with each
scene's state and short presigned URLs for what is drawn."""

import re
import unicodedata

from chalicelib.adapters import storage
from chalicelib.cartoons import scenes, specs, strips
from chalicelib.core.errors import NotFound
from chalicelib.core.models import CARTOON_ID, Cartoon
from chalicelib.core.settings import get_settings


def find_cartoon(account_id, cartoon_id):
    """The cartoon, or None (the worker's view: a job may outlive its cartoon)."""
    try:
        return Cartoon.get(account_id, cartoon_id, consistent_read=True)
    except Cartoon.DoesNotExist:
        return None


def get_cartoon(account_id, cartoon_id):
    """The account's own cartoon, or 404: another account's cartoon does not exist here."""
    found = None
    if isinstance(cartoon_id, str) and CARTOON_ID.fullmatch(cartoon_id):
        found = find_cartoon(account_id, cartoon_id)
    if found is None:
        raise NotFound("No such cartoon.")
    return found


def get_scene(account_id, cartoon, number):
    if not re.fullmatch(r"[1-9][0-9]?", str(number)) or int(number) > int(cartoon.scene_count):
        raise NotFound("No such scene.")
    scene = scenes.load(account_id, cartoon.cartoon_id, int(number))
    if scene is None:
        raise NotFound("No such scene.")
    return scene


def _slug(text):
    slug = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", text).encode(
        "ascii", "ignore").decode().lower()).strip("-")
    return slug[:40] or "cartoon"


def _links(key, thumb_key, download_name):
    return {"url": storage.presign(key), "thumbnail_url": storage.presign(thumb_key),
            "download_url": storage.presign(key, download_name=download_name)}


def describe(cartoon, scene_items):
    slug = _slug(cartoon.title)
    strip_ready = (bool(cartoon.strip_key)
                   and all(s.state == scenes.DONE for s in scene_items)
                   and strips.is_current(cartoon, scene_items))
    counts = {state: sum(1 for s in scene_items if s.state == state)
              for state in (scenes.QUEUED, scenes.DRAWING, scenes.DONE, scenes.FAILED)}
    return {
        "cartoon_id": cartoon.cartoon_id, "title": cartoon.title, "context": cartoon.context,
        "style": cartoon.style, "style_label": dict((k, v) for k, v, _ in specs.STYLE_PRESETS).get(
            cartoon.style), "quality": cartoon.quality,
        "credits_per_scene": int(cartoon.credits_per_scene), "cost": int(cartoon.cost),
        "created_at": cartoon.created_at.isoformat(),
        "characters": [{"name": c.name, "description": c.description}
                       for c in cartoon.characters],
        "status": "cast" if cartoon.cast_state in ("drawing", "waiting") and any(
            s.state == scenes.QUEUED for s in scene_items) else
        scenes.overall_status(scene_items, strip_ready),
        "cast_state": cartoon.cast_state,
        "cast": describe_cast(cartoon),
        "progress": {"total": len(scene_items), **counts},
        "scenes": [_describe_scene(s, slug) for s in scene_items],
        "layout": cartoon.layout or "auto",
        "strip": _links(cartoon.strip_key, cartoon.strip_thumb_key, f"{slug}-strip.png")
        if strip_ready else None,
        **_takeaways(cartoon, slug, strip_ready),
        "links_expire_in": get_settings().image_url_seconds,
    }


def _takeaways(cartoon, slug, ready):
    """The pages (page 1 is the `strip`), the PDF and the CBZ, once composed and current."""
    if not ready or not cartoon.page_keys:
        return {"pages": [], "pdf": None, "cbz": None}
    pages = [_links(key, thumb, f"{slug}-page-{n}.png") for n, (key, thumb) in enumerate(
        zip(cartoon.page_keys, cartoon.page_thumb_keys or [], strict=True), start=1)]
    return {"pages": pages,
            "pdf": {"url": storage.presign(cartoon.pdf_key),
                    "download_url": storage.presign(cartoon.pdf_key,
                                                    download_name=f"{slug}.pdf")},
            "cbz": {"download_url": storage.presign(cartoon.cbz_key,
                                                    download_name=f"{slug}.cbz")}}


def describe_cast(cartoon):
    """Each character's reference picture as it stands (cartoons/cast.py); an older cartoon,
    made before references were shown, has none."""
    if cartoon.cast_state is None:
        return []
    slug = _slug(cartoon.title)
    out = []
    for index, c in enumerate(cartoon.characters):
        item = {"index": index, "name": c.name, "description": c.description,
                "state": c.state, "attempt": int(c.attempt or 0),
                "credits": int(c.credits or 0), "note": c.note or "",
                "saved_id": c.saved_id, "image": None}
        if c.state == scenes.FAILED:
            item["reason"] = c.reason
            item["refunded"] = int(c.refunded or 0)
        if c.image_key and c.image_key.startswith(storage.account_prefix(cartoon.account_id)):
            item["image"] = _links(c.image_key, c.thumb_key,
                                   f"{slug}-{_slug(c.name)}-reference.png")
        out.append(item)
    return out


def _describe_scene(scene, slug):
    out = {"number": int(scene.number), "action": scene.action,
           "characters": list(scene.characters or []), "caption": scene.caption,
           "dialogue": scene.dialogue, "speaker": scene.speaker,
           "elements": scenes.elements_of(scene), "staging": scene.staging or {},
           "state": scene.state,
           "attempt": int(scene.attempt), "credits": int(scene.credits), "image": None}
    if scene.state == scenes.FAILED:
        out["reason"] = scene.reason
        out["refunded"] = int(scene.refunded or 0)
    if scene.state == scenes.DONE and scene.image_key:
        out["image"] = _links(scene.image_key, scene.thumb_key,
                              f"{slug}-scene-{int(scene.number)}.png")
    return out


def view(session, cartoon_id):
    cartoon = get_cartoon(session.account_id, cartoon_id)
    return describe(cartoon, scenes.for_cartoon(session.account_id, cartoon.cartoon_id))
