"""What a person asks for and sees: validation, moderation, the quote, the one charge, the
cartoon's view with short presigned URLs, caption edits (free) and redraws (paid).

The drawing itself happens in the worker (chalicelib/generation.py); the API answers at once.
"""

import datetime
import hashlib
import json
import re
import secrets
import unicodedata

from pynamodb.exceptions import TransactWriteError

from chalicelib.adapters import jobs, storage
from chalicelib.cartoons import gallery, scenes
from chalicelib.core import clock, logs
from chalicelib.core.errors import ApiError, BadRequest, Conflict, NotFound, Unprocessable
from chalicelib.core.models import CARTOON_ID, Cartoon, Scene, SubmissionKey
from chalicelib.core.settings import STYLE_PRESETS, get_settings
from chalicelib.core.web import Field, check_object
from chalicelib.money import credits
from chalicelib.worker import generation

MAX_CHARACTERS, MAX_SCENES = 6, 8
LIMITS = {"title": 120, "context": 1000, "style": 300, "name": 60, "description": 500,
          "action": 600, "caption": 200}
QUALITY_LABELS = {"low": "Draft", "medium": "Standard", "high": "Fine"}
IDEMPOTENCY_TTL = 24 * 3600
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,128}$")
ALLOWED_CONTROLS = {"\n", "\t"}

CARTOON_SPEC = {
    "title": Field(str, max_length=LIMITS["title"]),
    "context": Field(str, max_length=LIMITS["context"]),
    "style": Field(str, max_length=LIMITS["style"]),
    "quality": Field(str, max_length=20),
    "characters": Field(list),
    "scenes": Field(list),
}
CHARACTER_SPEC = {"name": Field(str, max_length=LIMITS["name"]),
                  "description": Field(str, max_length=LIMITS["description"])}
SCENE_SPEC = {
    "action": Field(str, max_length=LIMITS["action"]),
    "characters": Field(list, required=False),
    "caption": Field(str, required=False, max_length=LIMITS["caption"]),
    "dialogue": Field(str, required=False, max_length=LIMITS["caption"]),
    "speaker": Field(str, required=False, max_length=LIMITS["name"]),
}
TEXT_EDIT_SPEC = {name: SCENE_SPEC[name] for name in ("caption", "dialogue", "speaker")}
QUOTE_SPEC = {"quality": Field(str, max_length=20), "scenes": Field(int)}


class ServiceUnavailable(ApiError):
    status, code = 503, "service_unavailable"


# --- validation ----------------------------------------------------------------------------

def _bad(field, message, code="invalid_field"):
    return BadRequest(message, code=code, details={"field": field})


def _text(value, field, *, required=True):
    """Trimmed text without control characters; a required text must not be blank."""
    value = unicodedata.normalize("NFC", (value or "").strip())
    if any(unicodedata.category(ch) == "Cc" and ch not in ALLOWED_CONTROLS for ch in value):
        raise _bad(field, f"The field {field} contains control characters.")
    if required and not value:
        raise _bad(field, f"The field {field} is empty.", code="missing_field")
    return value


def quality_credits(quality, field="quality"):
    levels = get_settings().quality_credits
    if quality not in levels:
        raise _bad(field, f"The field {field} must be one of: {', '.join(levels)}.")
    return levels[quality]


def style_prompt(style):
    for key, _label, prompt in STYLE_PRESETS:
        if style == key:
            return prompt
    return style


def _count(items, field, low, high, noun):
    if not low <= len(items) <= high:
        raise _bad(field, f"A cartoon has {low} to {high} {noun} ({field} has {len(items)}).",
                   code="wrong_count")


def parse_cartoon(body):
    """The request as clean data, or a 400 naming the first wrong field."""
    data = check_object(body, CARTOON_SPEC)
    cartoon = {name: _text(data[name], name) for name in ("title", "context", "style")}
    cartoon["quality"] = data["quality"]
    quality_credits(data["quality"])
    _count(data["characters"], "characters", 1, MAX_CHARACTERS, "characters")
    _count(data["scenes"], "scenes", 1, MAX_SCENES, "scenes")
    cartoon["characters"] = _parse_characters(data["characters"])
    names = {c["name"].casefold(): c["name"] for c in cartoon["characters"]}
    cartoon["scenes"] = [_parse_scene(raw, f"scenes[{i}]", names)
                         for i, raw in enumerate(data["scenes"])]
    return cartoon


def _parse_characters(raw_characters):
    characters, seen = [], set()
    for i, raw in enumerate(raw_characters):
        path = f"characters[{i}]"
        item = check_object(raw, CHARACTER_SPEC, f"{path}.")
        name = _text(item["name"], f"{path}.name")
        if name.casefold() in seen:
            raise _bad(f"{path}.name", f"Two characters are called {name}: names must differ.",
                       code="duplicate_name")
        seen.add(name.casefold())
        characters.append({"name": name,
                           "description": _text(item["description"], f"{path}.description")})
    return characters


def _parse_scene(raw, path, names):
    item = check_object(raw, SCENE_SPEC, f"{path}.")
    cast = []
    for j, name in enumerate(item.get("characters") or []):
        field = f"{path}.characters[{j}]"
        if not isinstance(name, str):
            raise _bad(field, f"The field {field} must be a character's name.", "wrong_type")
        known = names.get(_text(name, field).casefold())
        if known is None:
            raise _bad(field, f"{field} names {name.strip()!r}, who is not one of the "
                              "characters.", code="unknown_character")
        if known in cast:
            raise _bad(field, f"{field} lists {known} twice.", code="duplicate_name")
        cast.append(known)
    scene = {"action": _text(item["action"], f"{path}.action"), "characters": cast}
    scene.update(_parse_texts(item, path, cast))
    return scene


def _parse_texts(item, path, cast):
    texts = {name: _text(item.get(name), f"{path}.{name}", required=False)
             for name in ("caption", "dialogue", "speaker")}
    if texts["speaker"]:
        match = [name for name in cast if name.casefold() == texts["speaker"].casefold()]
        if not match:
            raise _bad(f"{path}.speaker", f"The speaker of {path} must be one of the "
                                          "characters in that scene.", "unknown_character")
        if not texts["dialogue"]:
            raise _bad(f"{path}.speaker", f"{path} has a speaker but no dialogue.")
        texts["speaker"] = match[0]
    return texts


def _moderated_texts(cartoon):
    yield "title", cartoon["title"]
    yield "context", cartoon["context"]
    yield "style", cartoon["style"]
    for i, character in enumerate(cartoon["characters"]):
        yield f"characters[{i}].name", character["name"]
        yield f"characters[{i}].description", character["description"]
    for i, scene in enumerate(cartoon["scenes"]):
        for name in ("action", "caption", "dialogue"):
            if scene[name]:
                yield f"scenes[{i}].{name}", scene[name]


def moderate(fields):
    """422 when the moderation service flags any text; 503 when it cannot answer."""
    from chalicelib.adapters import providers

    fields = list(fields)
    if not fields:
        return
    try:
        flagged = providers.get_moderator().flagged([text for _, text in fields])
    except providers.ModerationUnavailable:
        raise ServiceUnavailable("We could not check the text just now, so nothing was "
                                 "charged. Please try again in a moment.") from None
    if flagged:
        field = fields[flagged[0]][0]
        logs.event("moderation_flagged", count=len(flagged))
        raise Unprocessable(
            f"Our content check refused the text in {field}. Please rephrase it: nothing "
            "was charged.", code="content_flagged", details={"field": field})


# --- the quote and the options -------------------------------------------------------------

def options():
    return {
        "styles": [{"key": key, "label": label} for key, label, _ in STYLE_PRESETS],
        "qualities": [{"key": key, "label": QUALITY_LABELS.get(key, key.title()),
                       "credits_per_scene": amount}
                      for key, amount in get_settings().quality_credits.items()],
        "limits": {**LIMITS, "characters": MAX_CHARACTERS, "scenes": MAX_SCENES},
    }


def quote(session, body):
    data = check_object(body, QUOTE_SPEC)
    each = quality_credits(data["quality"])
    if not 1 <= data["scenes"] <= MAX_SCENES:
        raise _bad("scenes", f"A cartoon has 1 to {MAX_SCENES} scenes.", code="wrong_count")
    total = each * data["scenes"]
    balance = int(session.account.balance or 0)
    return {"quality": data["quality"], "credits_per_scene": each, "scenes": data["scenes"],
            "total": total, "balance": balance, "shortfall": max(0, total - balance)}


# --- submitting ----------------------------------------------------------------------------

def new_cartoon_id(now=None):
    return f"{int((now or clock.now()) * 1000):013d}{secrets.token_hex(4)}"


def _request_hash(cartoon):
    return hashlib.sha256(json.dumps(cartoon, sort_keys=True).encode()).hexdigest()


def check_idempotency_key(value):
    if value is None:
        return None
    if not IDEMPOTENCY_KEY.match(value):
        raise _bad("Idempotency-Key", "The Idempotency-Key header must be 8 to 128 letters, "
                                      "digits or _.:- characters.")
    return value


def _earlier_submission(account_id, key, request_hash):
    if key is None:
        return None
    try:
        found = SubmissionKey.get(account_id, key, consistent_read=True)
    except SubmissionKey.DoesNotExist:
        return None
    if found.expired(clock.now()):
        return None
    if found.request_hash != request_hash:
        raise Conflict("This Idempotency-Key was already used for a different cartoon.",
                       code="idempotency_key_reused")
    return found.cartoon_id


def submit(session, body, idempotency_key=None):
    """Validate, moderate, then charge the whole cartoon and create it in one transaction,
    and queue its drawing. A repeated Idempotency-Key returns the first cartoon, uncharged."""
    account_id = session.account_id
    key = check_idempotency_key(idempotency_key)
    cartoon = parse_cartoon(body)
    request_hash = _request_hash(cartoon)
    earlier = _earlier_submission(account_id, key, request_hash)
    if earlier:
        return _accepted(account_id, earlier, repeated=True)
    moderate(_moderated_texts(cartoon))
    now = clock.now()
    item, scene_items = _items(account_id, cartoon, now)
    writes = [(item, Cartoon.cartoon_id.does_not_exist())]
    writes += [(scene, Scene.scene_key.does_not_exist()) for scene in scene_items]
    if key:
        submission = SubmissionKey(account_id, key, request_hash=request_hash,
                                   cartoon_id=item.cartoon_id)
        submission.set_expiry(now + IDEMPOTENCY_TTL)
        writes.append((submission, SubmissionKey.key.does_not_exist()
                       | (SubmissionKey.expires_at <= int(now))))

    def also(write):
        for thing, condition in writes:
            write.save(thing, condition=condition)

    try:
        credits.debit(account_id, int(item.cost), reason="spend",
                      cause_key=scenes.charge_key(item.cartoon_id, 0, 0),
                      note=f"cartoon {item.cartoon_id}", also=also)
    except (credits.InsufficientCredits, TransactWriteError):
        earlier = _earlier_submission(account_id, key, request_hash)
        if earlier:  # the same key won a race with this request
            return _accepted(account_id, earlier, repeated=True)
        raise
    logs.event("cartoon_submitted", account_id=account_id, cartoon_id=item.cartoon_id,
               scenes=len(scene_items), cost=int(item.cost))
    _start(item, scene_items)
    return _accepted(account_id, item.cartoon_id)


def _items(account_id, cartoon, now):
    each = quality_credits(cartoon["quality"])
    cartoon_id = new_cartoon_id(now)
    item = Cartoon(account_id, cartoon_id, title=cartoon["title"], context=cartoon["context"],
                   style=cartoon["style"], style_prompt=style_prompt(cartoon["style"]),
                   quality=cartoon["quality"], credits_per_scene=each,
                   scene_count=len(cartoon["scenes"]), cost=each * len(cartoon["scenes"]),
                   characters=cartoon["characters"],
                   created_at=datetime.datetime.fromtimestamp(now, datetime.UTC))
    scene_items = [scenes.new(account_id, cartoon_id, n, spec, each, now)
                   for n, spec in enumerate(cartoon["scenes"], start=1)]
    return item, scene_items


def _start(item, scene_items):
    """Queue the drawing. If the queue refuses, give every credit back at once."""
    try:
        jobs.send(jobs.references_job(item.account_id, item.cartoon_id))
    except Exception as error:
        logs.event("enqueue_failed", cartoon_id=item.cartoon_id, error=type(error).__name__)
        for scene in scene_items:
            scenes.fail(scene, 0, code="not_started",
                        reason="We could not start drawing; your credits were given back.")
        raise ServiceUnavailable("We could not start drawing just now; your credits were "
                                 "given back. Please try again.") from None


def _accepted(account_id, cartoon_id, repeated=False):
    return {"cartoon_id": cartoon_id, "status": "accepted", "repeated": repeated,
            "balance": credits.balance(account_id), "url": f"/cartoon.html?id={cartoon_id}"}


# --- reading -------------------------------------------------------------------------------

def get_cartoon(account_id, cartoon_id):
    """The account's own cartoon, or 404: another account's cartoon does not exist here."""
    if not isinstance(cartoon_id, str) or not CARTOON_ID.fullmatch(cartoon_id):
        raise NotFound("No such cartoon.")
    try:
        return Cartoon.get(account_id, cartoon_id, consistent_read=True)
    except Cartoon.DoesNotExist:
        raise NotFound("No such cartoon.") from None


def delete(session, cartoon_id):
    """Delete the account's own cartoon (404 for anyone else's) with all its images."""
    gallery.delete(get_cartoon(session.account_id, cartoon_id))


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
                   and cartoon.strip_inputs == generation.strip_inputs(cartoon, scene_items))
    counts = {state: sum(1 for s in scene_items if s.state == state)
              for state in (scenes.QUEUED, scenes.DRAWING, scenes.DONE, scenes.FAILED)}
    return {
        "cartoon_id": cartoon.cartoon_id, "title": cartoon.title, "context": cartoon.context,
        "style": cartoon.style, "style_label": dict((k, v) for k, v, _ in STYLE_PRESETS).get(
            cartoon.style), "quality": cartoon.quality,
        "credits_per_scene": int(cartoon.credits_per_scene), "cost": int(cartoon.cost),
        "created_at": cartoon.created_at.isoformat(),
        "characters": [{"name": c.name, "description": c.description}
                       for c in cartoon.characters],
        "status": scenes.overall_status(scene_items, strip_ready),
        "progress": {"total": len(scene_items), **counts},
        "scenes": [_describe_scene(s, slug) for s in scene_items],
        "strip": _links(cartoon.strip_key, cartoon.strip_thumb_key, f"{slug}-strip.png")
        if strip_ready else None,
        "links_expire_in": get_settings().image_url_seconds,
    }


def _describe_scene(scene, slug):
    out = {"number": int(scene.number), "action": scene.action,
           "characters": list(scene.characters or []), "caption": scene.caption,
           "dialogue": scene.dialogue, "speaker": scene.speaker, "state": scene.state,
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


# --- changing ------------------------------------------------------------------------------

def edit_scene_text(session, cartoon_id, number, body):
    """Change a scene's caption, dialogue or speaker: free, and the strip is composed again."""
    cartoon = get_cartoon(session.account_id, cartoon_id)
    scene = get_scene(session.account_id, cartoon, number)
    path = f"scenes[{int(number) - 1}]"
    data = check_object(body, TEXT_EDIT_SPEC)
    if not data:
        raise _bad("caption", "Send a caption, a dialogue or a speaker to change.")
    merged = {name: getattr(scene, name) for name in ("caption", "dialogue", "speaker")}
    merged.update({name: value for name, value in data.items() if value is not None})
    if "speaker" not in data and not (merged["dialogue"] or "").strip():
        merged["speaker"] = ""  # the line is gone, so is its speaker
    texts = _parse_texts(merged, path, list(scene.characters or []))
    moderate((f"{path}.{name}", texts[name]) for name in ("caption", "dialogue")
             if texts[name] and texts[name] != getattr(scene, name))
    scenes.edit_text(scene, texts)
    generation.compose_if_complete(session.account_id, cartoon.cartoon_id)
    return view(session, cartoon.cartoon_id)


def redraw(session, cartoon_id, number, body):
    """Draw one scene again, for that scene's credits (402 with the shortfall)."""
    check_object(body, {})
    cartoon = get_cartoon(session.account_id, cartoon_id)
    scene = get_scene(session.account_id, cartoon, number)
    if scene.state not in scenes.FINAL:
        raise Conflict("This scene is still being drawn.", code="scene_in_progress")
    each = int(cartoon.credits_per_scene)
    attempt = scenes.requeue_for_redraw(scene, each)
    if attempt is None:
        raise Conflict("This scene changed meanwhile. Reload the page.", code="scene_changed")
    gallery.refresh_summary(session.account_id, cartoon.cartoon_id)
    logs.event("scene_redraw", cartoon_id=cartoon.cartoon_id, scene=int(scene.number),
               attempt=attempt, cost=each)
    try:
        jobs.send(jobs.scene_job(session.account_id, cartoon.cartoon_id, scene.number,
                                 attempt))
    except Exception as error:
        logs.event("enqueue_failed", cartoon_id=cartoon.cartoon_id,
                   error=type(error).__name__)
        scenes.fail(scenes.load(session.account_id, cartoon.cartoon_id, scene.number),
                    attempt, code="not_started",
                    reason="We could not start drawing; your credits were given back.")
        raise ServiceUnavailable("We could not start the redraw; your credits were given "
                                 "back. Please try again.") from None
    return {"cartoon_id": cartoon.cartoon_id, "scene": int(scene.number), "attempt": attempt,
            "cost": each, "balance": credits.balance(session.account_id)}
