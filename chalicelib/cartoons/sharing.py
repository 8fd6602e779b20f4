"""Share links: a read-only view of one cartoon, made by its owner, off by default.

A link is `<site>/api/shared/<id>`, the id 128 random bits. It lives on the cartoon item
(`share_id`, found through the sparse `by-share` index), so deleting the cartoon or erasing the
account removes it with the rest, and nothing else needs cleaning. The index is eventually
consistent: a lookup reads the cartoon again (consistently) and trusts the link only if the
cartoon still carries that id, is not being deleted, has not expired, and its account is not
being erased. Revoking clears the id: the next request finds nothing.

The public view holds the title, the pages, each scene's reader picture (the scene alone,
lettered for a phone's width, as the owner's reader shows it) and their text (for alt text and a
transcript): never the account's address, credits or other cartoons.
"""

import secrets

from pynamodb.exceptions import UpdateError

from chalicelib.accounts import limits
from chalicelib.adapters import storage
from chalicelib.cartoons import scenes, view
from chalicelib.cartoons.view import SHARE, describe_share, expired_share, share_url
from chalicelib.core import clock, logs, vocabulary
from chalicelib.core.answers import BODY_ERRORS, SIGNED_IN, obj, ok
from chalicelib.core.conditions import lost_condition
from chalicelib.core.errors import Conflict, Invalid, NotFound
from chalicelib.core.fields import Field
from chalicelib.core.models import Account, Cartoon
from chalicelib.core.patterns import Pattern

SHARE_ID = Pattern(r"[A-Za-z0-9_-]{22}")  # 16 random bytes, base64url without padding
MAX_DAYS = 365
DAY = 86400
SHARE_SPEC = {"expires_in_days": Field(int, required=False, minimum=1, maximum=MAX_DAYS)}


def _days(body):
    days = (body or {}).get("expires_in_days")
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise Invalid(key="share_days", max_days=MAX_DAYS,
                      code="invalid_field", details={"field": "expires_in_days"})
    return days


def create(session, cartoon_id, body):
    """A new link for a finished cartoon, replacing any earlier one (which stops working)."""
    days = _days(body)
    limits.hit("share-account-hour", session.account_id)
    cartoon = view.get_cartoon(session.account_id, cartoon_id)
    if not cartoon.page_keys:
        raise Conflict(code="cartoon_not_ready")
    now = int(clock.now())
    share_id = secrets.token_urlsafe(16)
    actions = [Cartoon.share_id.set(share_id), Cartoon.share_created_at.set(now),
               Cartoon.share_expires_at.set(now + days * DAY) if days else
               Cartoon.share_expires_at.remove()]
    _update(cartoon, actions)
    logs.event("share_created", cartoon_id=cartoon.cartoon_id, days=days or 0)
    return describe_share(cartoon, now)


def revoke(session, cartoon_id):
    cartoon = view.get_cartoon(session.account_id, cartoon_id)
    _update(cartoon, [Cartoon.share_id.remove(), Cartoon.share_created_at.remove(),
                      Cartoon.share_expires_at.remove()])
    logs.event("share_revoked", cartoon_id=cartoon.cartoon_id)
    return {"share": None}


def _update(cartoon, actions):
    try:
        cartoon.update(actions=actions, condition=Cartoon.cartoon_id.exists()
                       & Cartoon.deleting_since.does_not_exist())
    except UpdateError as error:
        if not lost_condition(error):
            raise
        raise NotFound(key="no_such_cartoon") from None


def find(share_id):
    """The shared cartoon behind a live link, or NotFound."""
    if not isinstance(share_id, str) or not SHARE_ID.fullmatch(share_id):
        raise NotFound(key="share_not_found")
    for hit in Cartoon.by_share.query(share_id, limit=2):
        cartoon = view.find_cartoon(hit.account_id, hit.cartoon_id)
        if (cartoon is not None and cartoon.share_id == share_id and not expired_share(cartoon)
                and cartoon.deleting_since is None and cartoon.page_keys
                and _account_alive(cartoon.account_id)):
            return cartoon
    raise NotFound(key="share_not_found")


def _account_alive(account_id):
    try:
        account = Account.get(account_id, consistent_read=True)
    except Account.DoesNotExist:
        return False
    return account.deleting_since is None


def public_view(share_id, ip):
    """What anyone holding the link sees: the title, the pages, the reader pictures and
    their text."""
    limits.hit("share-view-ip-hour", ip or "unknown")
    cartoon = find(share_id)
    scene_items = scenes.for_cartoon(cartoon.account_id, cartoon.cartoon_id)
    return {"title": cartoon.title, "share_id": share_id,
            "pages": [storage.presign(key) for key in cartoon.page_keys],
            "panels_per_page": _panels_per_page(cartoon.layout or "auto", len(scene_items)),
            "readers": _readers(cartoon, len(scene_items)),
            "transcript": [transcript_line(s) for s in scene_items],
            "preview_url": f"{share_url(share_id)}/preview"}


def _readers(cartoon, count):
    """Each scene's reader picture in reading order: its scene's number, size and a short
    link. None for a cartoon composed before reader pictures (or out of step with its
    scenes): its page then shows the pages at every width."""
    keys = cartoon.reader_keys or []
    placed = (cartoon.geometry or {}).get("scenes") or []
    if not keys or len(keys) != count or len(placed) != count:
        return None
    readers = []
    for key, scene in zip(keys, placed, strict=True):
        size = scene.get("reader") or {}
        readers.append({"number": int(scene["number"]), "url": storage.presign(key),
                        "width": size.get("width"), "height": size.get("height"),
                        "text_px": size.get("text_px")})
    return readers


def _panels_per_page(template, count):
    from chalicelib.comic import layouts  # pure arithmetic; comic/ stays out of a cold start

    return [len(page.cells) for page in layouts.pages(template, count)]


def preview_location(share_id, ip):
    """A fresh short link to the first page's thumbnail: the page's preview image (Open
    Graph) must outlive any one presigned URL."""
    limits.hit("share-view-ip-hour", ip or "unknown")
    cartoon = find(share_id)
    key = (cartoon.page_thumb_keys or [None])[0] or cartoon.page_keys[0]
    return storage.presign(key)


def transcript_line(scene):
    """A panel as words: what happens, then each text in reading order with its kind and who
    says or thinks it (the page words them in the reader's language)."""
    said = [{"kind": element.get("kind", "caption"), "speaker": element.get("speaker") or "",
             "text": vocabulary.plain(element.get("text", ""))}  # its words, not the markup
            for element in scenes.elements_of(scene)]
    return {"number": int(scene.number), "action": scene.action, "said": said}


# What the share routes answer: the share link as it stands (None once stopped).
SHARED = ok(obj({"share": SHARE}), 201, errors=(*BODY_ERRORS, SIGNED_IN, 404, 409, 429))
STOPPED = ok(obj({"share": {"type": "null"}}), errors=(SIGNED_IN, 404))
# The share page is HTML, its errors too (a page for a person who followed a link).
PAGE = ok(None, media="text/html", errors=(404, 429))
PREVIEW = ok(None, 302, errors=(404, 429), headers=(
    ("Location", "The preview picture's address (a presigned link, short-lived)."),))
