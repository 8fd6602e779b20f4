"""Ordering a cartoon: the options and the quote, then the submission: validate, moderate,
charge the whole cartoon and create it in one transaction, and queue its drawing.

The drawing itself happens in the worker; the API answers at once.
"""

import datetime
import hashlib
import json

from pynamodb.exceptions import TransactWriteError

from chalicelib.accounts import limits
from chalicelib.adapters import jobs, storage
from chalicelib.cartoons import library, scenes, specs, uploads
from chalicelib.core import clock, ids, logs, vocabulary
from chalicelib.core.answers import (
    BODY_ERRORS,
    BOOLEAN,
    COUNT,
    NUMBER,
    SIGNED_IN,
    STRING,
    TEXT,
    URL,
    array,
    mapping,
    nullable,
    obj,
    ok,
)
from chalicelib.core.errors import Conflict, NotSignedIn, Refused, Unavailable
from chalicelib.core.models import Cartoon, PendingErasure, Scene, SubmissionKey, expiry_hour
from chalicelib.core.patterns import Pattern
from chalicelib.core.settings import get_settings
from chalicelib.money import credits

IDEMPOTENCY_TTL = 24 * 3600
IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9_.:-]{8,128}$"
IDEMPOTENCY_KEY = Pattern(IDEMPOTENCY_KEY_PATTERN)


# --- moderation ----------------------------------------------------------------------------

def _moderated_texts(cartoon):
    yield "title", cartoon["title"]
    if cartoon.get("author"):
        yield "author", cartoon["author"]
    yield "context", cartoon["context"]
    yield "style", cartoon["style"]
    for i, character in enumerate(cartoon["characters"]):
        yield f"characters[{i}].name", character["name"]
        yield f"characters[{i}].description", character["description"]
    for i, scene in enumerate(cartoon["scenes"]):
        yield f"scenes[{i}].action", scene["action"]
        yield from specs.text_fields(scene, f"scenes[{i}]")


def moderate(fields):
    """422 when the moderation service flags any text; 503 when it cannot answer."""
    fields = list(fields)
    if not fields:
        return
    # the moderation adapter (and its OpenAI plumbing) loads with the first text to check, not
    # with the API (tests/test_cold_start.py)
    from chalicelib.adapters import moderation

    try:
        flagged = moderation.get_moderator().flagged([text for _, text in fields])
    except moderation.ModerationUnavailable:
        raise Unavailable(key="check_unavailable") from None
    if flagged:
        field = fields[flagged[0]][0]
        logs.event("moderation_flagged", count=len(flagged))
        raise Refused(key="text_flagged", field=field, code="content_flagged",
                      details={"field": field})


# --- the quote and the options -------------------------------------------------------------

def options():
    """The vocabulary (core/vocabulary.py) and the prices, as the site reads them: the site
    copies none of these numbers (tests/site/test_vocabulary.py)."""
    floor = vocabulary.REFERENCE_FLOOR
    return {
        "styles": [{"key": key, "label": label} for key, label, _ in specs.STYLE_PRESETS],
        # Each level's price of a scene, and of a character's reference picture in a cartoon of
        # that level (one scene's price; drawn at `reference_quality`, never below the floor).
        "qualities": [{"key": key, "label": vocabulary.quality_label(key),
                       "credits_per_scene": amount,
                       "reference_credits": specs.reference_credits(key),
                       "reference_quality": specs.reference_quality(key)}
                      for key, amount in get_settings().quality_credits.items()],
        # the drafts an account may ask for each hour (accounts/limits.py) is a limit too
        "limits": {**vocabulary.limits(),
                   "drafts_per_hour": limits.RULES["draft-account-hour"][0]},
        "layouts": list(specs.LAYOUTS),
        # each layout's pictogram on the create page
        "layout_cells": vocabulary.LAYOUTS,
        # balloon kinds (the registry): whether each has a speaker (one of the scene's or
        # anyone), its outline and tail as drawn, whether the text budget counts it, what it is
        "kinds": [{"key": key, **kind}
                  for key, kind in vocabulary.KINDS.items()],
        "sides": list(specs.SIDES),
        # the markup that stresses words in a text (lettered bold), as a regular expression
        "emphasis": vocabulary.EMPHASIS,
        # the narrowest and widest an owner may make a text's box, of its panel's width
        "box_width": {"min": vocabulary.BOX_WIDTH[0], "max": vocabulary.BOX_WIDTH[1]},
        # Each character's reference picture, drawn before the scenes, at no less than the
        # floor's quality (a character from the library is reused for nothing).
        "reference": {"quality": floor, "label": vocabulary.quality_label(floor),
                      "size": "x".join(map(str, specs.REFERENCE_SIZE))},
        # what a character's picture may be (the sizes are in `limits`)
        "upload_types": list(vocabulary.UPLOAD_TYPES),
    }


def quote(session, data):
    each = specs.quality_credits(data["quality"])
    if not 1 <= data["scenes"] <= specs.MAX_SCENES:
        raise specs.bad("scenes", key="cartoon_scene_count", code="wrong_count",
                        most=specs.MAX_SCENES)
    references = data.get("references")
    references = 0 if references is None else references
    if not 0 <= references <= specs.MAX_CHARACTERS:
        raise specs.bad("references", key="references_count", code="wrong_count",
                        most=specs.MAX_CHARACTERS)
    total = cost_of(data["quality"], data["scenes"], references)
    balance = int(session.account.balance or 0)
    return {"quality": data["quality"], "credits_per_scene": each, "scenes": data["scenes"],
            "references": references,
            "credits_per_reference": specs.reference_credits(data["quality"]),
            "scenes_total": each * data["scenes"],
            "references_total": specs.reference_credits(data["quality"]) * references,
            "total": total, "balance": balance, "shortfall": max(0, total - balance)}


# --- submitting ----------------------------------------------------------------------------

def _request_hash(cartoon):
    return hashlib.sha256(json.dumps(cartoon, sort_keys=True).encode()).hexdigest()


def check_idempotency_key(value):
    if value is None:
        return None
    if not IDEMPOTENCY_KEY.match(value):
        raise specs.bad("Idempotency-Key", key="idempotency_key_form")
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
        raise Conflict(key="key_used_elsewhere", code="idempotency_key_reused")
    return found.cartoon_id


def submit(session, body, idempotency_key=None):
    """Validate, moderate, then charge the whole cartoon and create it in one transaction,
    and queue its drawing. A repeated Idempotency-Key returns the first cartoon, uncharged."""
    account_id = session.account_id
    key = check_idempotency_key(idempotency_key)
    cartoon = specs.parse_cartoon(body)
    request_hash = _request_hash(cartoon)
    earlier = _earlier_submission(account_id, key, request_hash)
    if earlier:
        return _accepted(account_id, earlier, repeated=True)
    moderate(_moderated_texts(cartoon))
    uploads.check_characters(account_id, cartoon["characters"])
    now = clock.now()
    cartoon_id = ids.new_id(now)
    copied, written = library.copy_into(account_id, cartoon_id, cartoon["characters"])
    item, scene_items = _items(account_id, cartoon, now, cartoon_id, copied)
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
        # An erasure begun since the session was read has already queried what it removes, or
        # soon will: nothing may land for the account after its PendingErasure is written.
        write.condition_check(PendingErasure, account_id,
                              condition=PendingErasure.account_id.does_not_exist())

    try:
        credits.debit(account_id, int(item.cost), reason="spend",
                      cause_key=scenes.charge_key(item.cartoon_id, 0, 0),
                      note=f"cartoon {item.cartoon_id}", also=also, what={
                          "kind": "cartoon", "cartoon_id": item.cartoon_id, "title": item.title,
                          "scenes": len(scene_items),
                          "characters": len(cartoon["characters"]) - len(copied)})
    except (credits.InsufficientCredits, credits.NoSuchAccount, TransactWriteError):
        storage.delete(*written)
        earlier = _earlier_submission(account_id, key, request_hash)
        if earlier:  # the same key won a race with this request
            return _accepted(account_id, earlier, repeated=True)
        if PendingErasure.count(account_id, consistent_read=True):
            raise NotSignedIn(key="account_deleting", code="account_deleted") from None
        raise
    logs.event("cartoon_submitted", account_id=account_id, cartoon_id=item.cartoon_id,
               scenes=len(scene_items), cost=int(item.cost))
    _start(item, scene_items)
    return _accepted(account_id, item.cartoon_id)


def _cast(cartoon, copied, now):
    """Each character with its reference at attempt 0: queued and paid with the cartoon, or
    done and free when copied from the library."""
    each = specs.reference_credits(cartoon["quality"])
    out = []
    for index, character in enumerate(cartoon["characters"]):
        spec = {"name": character["name"], "description": character["description"],
                "attempt": 0}
        if index in copied:
            spec.update(state=scenes.DONE, credits=0, saved_id=character["saved_id"],
                        image_key=copied[index][0], thumb_key=copied[index][1])
        else:
            spec.update(state=scenes.QUEUED, credits=each, queued_at=int(now))
            if character.get("upload"):  # drawn from the owner's picture (worker/uploads.py)
                spec["upload_id"] = character["upload"]
        out.append(spec)
    return out


def cost_of(quality, scene_count, references):
    """What a cartoon costs: its scenes at their quality, and each reference drawn for it at
    the price of one of its scenes (a character from the library is not drawn, and costs
    nothing). The one pricing rule: the quote, the debit and the site's figures follow it."""
    return (specs.quality_credits(quality) * scene_count
            + specs.reference_credits(quality) * references)


def _items(account_id, cartoon, now, cartoon_id, copied):
    each = specs.quality_credits(cartoon["quality"])
    characters = _cast(cartoon, copied, now)
    in_flight = any(c["state"] == scenes.QUEUED for c in characters)
    cost = cost_of(cartoon["quality"], len(cartoon["scenes"]),
                   sum(1 for c in characters if c["state"] == scenes.QUEUED))
    item = Cartoon(account_id, cartoon_id, title=cartoon["title"], context=cartoon["context"],
                   style=cartoon["style"], style_prompt=specs.style_prompt(cartoon["style"]),
                   quality=cartoon["quality"], credits_per_scene=each,
                   scene_count=len(cartoon["scenes"]), cost=cost,
                   characters=characters, layout=cartoon["layout"],
                   author=cartoon.get("author"),
                   cast_state="drawing" if cartoon["approve_cast"] else "auto",
                   cast_inflight_hour=expiry_hour(now) if in_flight else None,
                   cast_inflight_since=int(now) if in_flight else None,
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
        raise Unavailable(key="drawing_not_started") from None


def _accepted(account_id, cartoon_id, repeated=False):
    return {"cartoon_id": cartoon_id, "status": "accepted", "repeated": repeated,
            "balance": credits.balance(account_id), "url": f"/cartoon.html?id={cartoon_id}"}


# What the create page's routes answer: the options, a quote, an accepted cartoon.
OPTIONS = ok(obj({
    "styles": array(obj({"key": TEXT, "label": TEXT})),
    "qualities": array(obj({"key": TEXT, "label": TEXT, "credits_per_scene": COUNT,
                            "reference_credits": COUNT, "reference_quality": TEXT})),
    "limits": mapping(COUNT), "layouts": array(TEXT),
    "layout_cells": mapping(array(array(NUMBER, minItems=4, maxItems=4))),
    "kinds": array(obj({"key": TEXT, "speaker": BOOLEAN, "in_scene": BOOLEAN, "outline": TEXT,
                        "tail": nullable(TEXT), "budget": BOOLEAN,
                        "pad": array(NUMBER, minItems=2, maxItems=2), "doc": STRING})),
    "sides": array(TEXT), "box_width": obj({"min": NUMBER, "max": NUMBER}), "emphasis": TEXT,
    "reference": obj({"quality": TEXT, "label": TEXT, "size": TEXT}),
    "upload_types": array(TEXT)}))
QUOTED = ok(obj({name: COUNT for name in (
    "credits_per_scene", "scenes", "references", "credits_per_reference", "scenes_total",
    "references_total", "total", "balance", "shortfall")} | {"quality": TEXT}),
    errors=(*BODY_ERRORS, SIGNED_IN))
SUBMITTED = ok(obj({"cartoon_id": TEXT, "status": TEXT, "repeated": BOOLEAN, "balance": COUNT,
                    "url": URL}), 202,
               errors=(*BODY_ERRORS, SIGNED_IN, 402, 409, 422, 429, 503),
               headers=(("Location", "The cartoon's page."),))
IDEMPOTENCY_HEADER = {"name": "Idempotency-Key", "in": "header", "required": False,
                   "description": "Sending the same key again within a day answers the same "
                                  "cartoon instead of making a second one.",
                   "schema": {"type": "string", "pattern": IDEMPOTENCY_KEY_PATTERN}}
