"""Reading a cartoon: the owner's own (another account's does not exist here), with each
scene's state and short presigned URLs for what is drawn."""

import datetime
import re
import unicodedata

from chalicelib.adapters import storage
from chalicelib.cartoons import scenes, specs, strips
from chalicelib.core import clock
from chalicelib.core.answers import (
    BOOLEAN,
    COUNT,
    INTEGER,
    NUMBER,
    SIGNED_IN,
    STRING,
    TEXT,
    TIME,
    URL,
    array,
    mapping,
    nullable,
    obj,
    ok,
    one_of,
)
from chalicelib.core.errors import NotFound
from chalicelib.core.models import CARTOON_ID, Cartoon, LedgerEntry
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
        raise NotFound(key="no_such_cartoon")
    return found


def get_scene(account_id, cartoon, number):
    if not re.fullmatch(r"[1-9][0-9]?", str(number)) or int(number) > int(cartoon.scene_count):
        raise NotFound(key="no_such_scene")
    scene = scenes.load(account_id, cartoon.cartoon_id, int(number))
    if scene is None:
        raise NotFound(key="no_such_scene")
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
        "cartoon_id": cartoon.cartoon_id, "title": cartoon.title, "author": cartoon.author,
        "context": cartoon.context,
        "style": cartoon.style, "style_label": dict((k, v) for k, v, _ in specs.STYLE_PRESETS).get(
            cartoon.style), "quality": cartoon.quality,
        "credits_per_scene": int(cartoon.credits_per_scene), "cost": int(cartoon.cost),
        "spent": spent(cartoon),
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
        "share": describe_share(cartoon),
    }


def _pdf(key, download_name):
    if not key:
        return None
    return {"url": storage.presign(key),
            "download_url": storage.presign(key, download_name=download_name)}


def _takeaways(cartoon, slug, ready):
    """The pages (page 1 is the `strip`), the PDFs (A4 and US Letter) and the CBZ, once
    composed and current; with where each scene sits on its page, its lettering's positions
    and text size, and its reader panel (the scene alone, lettered for a phone's width)."""
    if not ready or not cartoon.page_keys:
        return {"pages": [], "pdf": None, "pdf_letter": None, "cbz": None, "epub": None,
                "panels": [], **_print_editions(None, slug)}
    geometry = cartoon.geometry or {}
    sizes = geometry.get("pages") or [{}] * len(cartoon.page_keys)
    arts = cartoon.page_art_keys or [""] * len(cartoon.page_keys)  # none before the overlay
    pages = [{**_links(key, thumb, f"{slug}-page-{n}.png"), "number": n,
              "width": size.get("width"), "height": size.get("height"),
              "art_url": storage.presign(art) if art else None}
             for n, (key, thumb, size, art) in enumerate(
                 zip(cartoon.page_keys, cartoon.page_thumb_keys or [], sizes, arts, strict=True),
                 start=1)]
    readers = cartoon.reader_keys or []
    panels = []
    for index, scene in enumerate(geometry.get("scenes") or []):
        reader = dict(scene.get("reader") or {})
        if index < len(readers):
            reader["url"] = storage.presign(readers[index])
        panels.append({**{k: scene[k] for k in ("number", "page", "box", "rect", "text_px",
                                               "elements")}, "reader": reader or None})
    return {"pages": pages,
            "pdf": _pdf(cartoon.pdf_key, f"{slug}.pdf"),
            "pdf_letter": _pdf(cartoon.pdf_letter_key, f"{slug}-letter.pdf"),
            "cbz": {"download_url": storage.presign(cartoon.cbz_key,
                                                    download_name=f"{slug}.cbz")},
            "epub": {"download_url": storage.presign(cartoon.epub_key,
                                                     download_name=f"{slug}.epub")}
            if cartoon.epub_key else None,  # a cartoon composed before e-books has none
            "panels": panels, **_print_editions(cartoon, slug)}


def _print_editions(cartoon, slug):
    """The printed book's print-shop editions (A4, Letter: bleed and crop marks) and the
    webtoon episode's zip (the webtoon layout only), each None until composed."""
    if cartoon is None:
        return {"pdf_bleed": None, "pdf_letter_bleed": None, "webtoon": None}
    webtoon = cartoon.webtoon_key and {"download_url": storage.presign(
        cartoon.webtoon_key, download_name=f"{slug}-webtoon.zip")}
    return {"pdf_bleed": _pdf(cartoon.pdf_bleed_key, f"{slug}-print.pdf"),
            "pdf_letter_bleed": _pdf(cartoon.pdf_letter_bleed_key, f"{slug}-letter-print.pdf"),
            "webtoon": webtoon or None}


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
            item["failure"] = c.failure  # its code, for the site to word in the page's language
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
           "attempt": int(scene.attempt), "credits": int(scene.credits), "image": None,
           "chosen_version": scenes.chosen_of(scene),
           "versions": [_describe_version(v, scene, slug) for v in scenes.versions_of(scene)],
           "look": describe_look(scene.look)}
    if scene.failure:  # a failed drawing; a failed redraw still shows its chosen version
        out["failure"] = scene.failure  # its code, for the site to word in the page's language
        out["reason"] = scene.reason
        out["refunded"] = int(scene.refunded or 0)
        out["redraw_failed"] = scene.state == scenes.DONE
    if scene.state in scenes.IN_FLIGHT and scene.redraw_note:
        out["note"] = scene.redraw_note
    # While it is drawn again, a scene goes on showing its chosen version.
    if scene.state != scenes.FAILED and scene.image_key:
        out["image"] = _links(scene.image_key, scene.thumb_key,
                              f"{slug}-scene-{int(scene.number)}.png")
    return out


def describe_look(stored):
    """What the look step found in the panel shown (comic/figures.py), so anyone can check the
    lettering against it: each figure's name, head box and mouth point as fractions of the
    panel, the empty regions, where it came from ("look", "offline", or "staging" when nobody
    could look) and its notes (codes the site words: `look_failed:<code>`,
    `speaker_missing:<names>`). None for a panel drawn before the look step."""
    from chalicelib.comic import figures  # plain data, but comic/ stays out of a cold start

    found = figures.stored(stored)
    return None if found is None else found.to_json()


def _describe_version(version, scene, slug):
    number = int(version["version"])
    return {"version": number, "chosen": number == scenes.chosen_of(scene),
            "created_at": datetime.datetime.fromtimestamp(
                int(version["created_at"]), datetime.UTC).isoformat(),
            "action": version.get("action") or "", "note": version.get("note") or "",
            **_links(version["image_key"], version["thumb_key"],
                     f"{slug}-scene-{int(scene.number)}-v{number}.png")}


# What a cartoon is charged for, by ledger cause (scenes.charge_key, cast.charge_key and their
# refund keys): its own charge (`cartoon:{id}`, scenes and references), scene redraws
# (`redraw:{id}:{n}:{a}`), reference redraws (`reference:{id}:{i}:{a}`) and every refund
# (`refund:{id}:…`). money/admin.py's CARTOON_CAUSES reads the same prefixes.
CHARGE_PREFIXES = ("redraw", "reference", "refund")


def spent(cartoon):
    """What the cartoon has cost so far: every charge for it (its own, its scene and reference
    redraws) less every refund, read from the ledger (entries of a cartoon come after its id's
    time)."""
    cid = cartoon.cartoon_id
    since = f"{max(int(cid[:13]) - 60_000, 0):013d}"
    causes = LedgerEntry.cause_key == f"cartoon:{cid}"
    for prefix in CHARGE_PREFIXES:
        causes |= LedgerEntry.cause_key.startswith(f"{prefix}:{cid}:")
    return -sum(int(e.delta) for e in LedgerEntry.query(
        cartoon.account_id, LedgerEntry.entry_id >= since, filter_condition=causes,
        consistent_read=True))


def view(session, cartoon_id):
    cartoon = get_cartoon(session.account_id, cartoon_id)
    return describe(cartoon, scenes.for_cartoon(session.account_id, cartoon.cartoon_id))


def share_url(share_id):
    return f"{get_settings().site_url}/api/shared/{share_id}"


def expired_share(cartoon, now=None):
    now = clock.now() if now is None else now
    return cartoon.share_expires_at is not None and now >= cartoon.share_expires_at


def describe_share(cartoon, now=None):
    """The owner's view of the cartoon's share link (cartoons/sharing.py), or None."""
    if not cartoon.share_id or expired_share(cartoon, now):
        return None
    return {"url": share_url(cartoon.share_id), "created_at": int(cartoon.share_created_at),
            "expires_at": int(cartoon.share_expires_at) if cartoon.share_expires_at else None}


# What `describe` answers (GET /api/cartoons/{id} and the routes that answer the cartoon).
LINKS = obj({"url": URL, "thumbnail_url": URL, "download_url": URL})
FILE = obj({"url": URL, "download_url": URL})
POINT = array(NUMBER, minItems=2, maxItems=2)
ELEMENT = obj({"kind": TEXT, "text": STRING, "speaker": STRING},
              {"at": POINT, "tail": POINT, "width": NUMBER, "angle": INTEGER})
FAILURE = {"failure": nullable(STRING), "reason": nullable(STRING), "refunded": COUNT}
REFERENCE = obj({"index": COUNT, "name": STRING, "description": STRING, "state": TEXT,
                 "attempt": COUNT, "credits": COUNT, "note": STRING,
                 "saved_id": nullable(STRING), "image": nullable(LINKS)}, FAILURE)
VERSION = obj({"version": INTEGER, "chosen": BOOLEAN, "created_at": TIME, "action": STRING,
               "note": STRING, "url": URL, "thumbnail_url": URL, "download_url": URL})
FRACTION = {"type": "number", "minimum": 0, "maximum": 1}
BOX = array(FRACTION, minItems=4, maxItems=4)  # left, top, right, bottom
LOOK = obj({"figures": array(obj({"name": STRING, "head": BOX,
                                  "mouth": array(FRACTION, minItems=2, maxItems=2)})),
            "empty": array(BOX), "source": one_of("look", "offline", "staging"),
            "notes": array(STRING)})
SCENE = obj({"number": INTEGER, "action": STRING, "characters": array(STRING),
             "caption": STRING, "dialogue": STRING, "speaker": STRING,
             "elements": array(ELEMENT), "staging": mapping(STRING), "state": TEXT,
             "attempt": COUNT, "credits": COUNT, "image": nullable(LINKS),
             "chosen_version": nullable(INTEGER), "versions": array(VERSION),
             "look": {"anyOf": [LOOK, {"type": "null"}]}},
            {**FAILURE, "redraw_failed": BOOLEAN, "note": STRING})
PAGE = obj({"number": INTEGER, "width": nullable(INTEGER), "height": nullable(INTEGER),
            "url": URL, "thumbnail_url": URL, "download_url": URL,
            "art_url": nullable(URL)})  # the page before lettering, for the overlay
# A text as lettered on its panel: its kind, box and tail's tip (fractions of the panel), its
# lines as drawn and the width its owner gave it (pages composed before the overlay have
# neither).
PLACED = obj({"kind": TEXT, "at": array(NUMBER, minItems=2, maxItems=2),
              "box": array(NUMBER, minItems=4, maxItems=4)},
             {"tail": array(NUMBER, minItems=2, maxItems=2), "lines": array(STRING),
              "width": nullable(NUMBER), "angle": NUMBER, "joined": BOOLEAN})
# Where a scene sits on its page and its lettering there (comic/pages.py's geometry).
PANEL = obj({"number": INTEGER, "page": INTEGER, "box": array(NUMBER), "rect": array(NUMBER),
             "text_px": nullable(NUMBER), "elements": array(PLACED),
             "reader": nullable({"type": "object", "properties": {"url": URL}})})
SHARE = obj({"url": URL, "created_at": INTEGER, "expires_at": nullable(INTEGER)})
CARTOON = obj({
    "cartoon_id": TEXT, "title": STRING, "author": nullable(STRING), "context": STRING,
    "style": STRING,
    "style_label": nullable(STRING), "quality": STRING, "credits_per_scene": COUNT,
    "cost": COUNT, "spent": INTEGER, "created_at": TIME,
    "characters": array(obj({"name": STRING, "description": STRING})), "status": TEXT,
    "cast_state": nullable(STRING), "cast": array(REFERENCE),
    "progress": obj({name: COUNT for name in ("total", "queued", "drawing", "done", "failed")}),
    "scenes": array(SCENE), "layout": TEXT, "strip": nullable(LINKS), "links_expire_in": COUNT,
    "share": nullable(SHARE), "pages": array(PAGE), "pdf": nullable(FILE),
    "pdf_letter": nullable(FILE), "cbz": nullable(obj({"download_url": URL})),
    "epub": nullable(obj({"download_url": URL})),
    "panels": array(PANEL), "pdf_bleed": nullable(FILE), "pdf_letter_bleed": nullable(FILE),
    "webtoon": nullable(obj({"download_url": URL}))})
# POST /api/cartoons/{id}/cast/approve: the scenes are drawn; the cartoon as it now stands.
APPROVED = ok(CARTOON, errors=(400, 413, SIGNED_IN, 404, 409, 429, 503))
ANSWER = ok(CARTOON, errors=(SIGNED_IN, 404))
