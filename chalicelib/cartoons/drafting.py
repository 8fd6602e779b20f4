"""Drafting a cartoon from an idea: `POST /api/cartoons/draft` answers with a whole cartoon in
the very shape `POST /api/cartoons` accepts, for the person to edit before paying anything.

One definition, not two: the JSON schema the model must fill is derived from the cartoon's own
spec (`specs.CARTOON_SPEC`, through core/structured.py), and the answer is checked by the same
`specs.parse_cartoon` as a submission, lettering included. An answer that does not pass is sent
back once with the reason; a second failure is a 502 `draft_invalid`.

Cost policy: a draft is free, and limited per account and per IP address each hour
(accounts/limits.py `draft-account-hour`, `draft-ip-hour`). Nothing is stored: the idea goes
to the moderation check and to the drafting model, the draft comes back to the browser.
"""

import dataclasses
import time

from chalicelib.accounts import limits
from chalicelib.cartoons import specs
from chalicelib.cartoons.submission import moderate
from chalicelib.core import logs, vocabulary
from chalicelib.core.answers import BODY_ERRORS, SIGNED_IN, ok
from chalicelib.core.crypto import keyed_hash
from chalicelib.core.errors import Invalid, ProviderFailed, Refused, Unavailable
from chalicelib.core.fields import Field
from chalicelib.core.openapi import object_schema
from chalicelib.core.patterns import Pattern
from chalicelib.core.settings import get_settings

# The whole request must end before API Gateway gives up (~29 s): moderation, then at most two
# calls to the model, a second one only if enough time is left for it to finish.
BUDGET_SECONDS = 25.0
MIN_CALL_SECONDS = 6.0
LANGUAGE = Pattern(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$")  # a BCP 47 tag: en, fr-CA
# What the document declares: such a tag, or nothing (English).
LANGUAGE_OR_NONE = r"^([A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3})?$"

DRAFT_REQUEST_SPEC = {
    "idea": Field(str, max_length=specs.LIMITS["idea"], doc="The idea, in a sentence or a few."),
    "style": Field(str, required=False, max_length=specs.LIMITS["style"],
                   doc="A style preset's key or your own words; the model chooses if absent."),
    "scenes": Field(int, required=False, minimum=1, maximum=vocabulary.MAX_DRAFT_SCENES,
                    doc=f"How many scenes, 1 to {vocabulary.MAX_DRAFT_SCENES}."),
    "language": Field(str, required=False, max_length=35, pattern=LANGUAGE_OR_NONE,
                      doc="The language of the texts, a BCP 47 tag (default en)."),
    "layout": Field(str, required=False, max_length=20, choices=specs.LAYOUTS),
}

# What the model fills is the cartoon's spec, less what is not the model's to choose:
OMIT = (
    "quality",  # the price: the person chooses it on the create page
    # the shorthand texts: a draft writes elements, the one form that says everything
    "scenes.caption", "scenes.dialogue", "scenes.speaker",
    # where a balloon sits: the lettering engine places it; the person may move it later
    "scenes.elements.at", "scenes.elements.tail", "scenes.elements.width",
    # a sound effect's turn: the engine's slight tilt unless the person turns it
    "scenes.elements.angle",
    # the person's own choices: a saved character, an uploaded picture, stopping for the cast,
    # the name they sign
    "characters.saved_id", "characters.upload", "approve_cast", "author",
)
# Optional in a submission, but a complete draft has them (a caption's speaker stays nullable).
REQUIRE = ("layout", "scenes.characters", "scenes.elements", "scenes.staging")


def draft_schema(scenes=None):
    """The strict JSON schema of a draft: the cartoon's spec less OMIT, with exactly `scenes`
    scenes when the person asked for a number."""
    from chalicelib.core.structured import strict_schema  # only a draft needs it, not a cold start

    schema = strict_schema(specs.CARTOON_SPEC, omit=OMIT, require=REQUIRE)
    if scenes is not None:
        schema["properties"]["scenes"].update(minItems=scenes, maxItems=scenes)
    return schema


def draft(session, body, ip):
    """A checked draft for the signed-in account, or a 4xx/5xx saying why not."""
    wish = _parse_request(body)
    hits = limits.hit_all(
        ("draft-account-hour", session.account_id, "drafts_this_hour"),
        ("draft-ip-hour", ip, limits.TOO_MANY))
    try:
        moderate([(name, wish[name]) for name in ("idea", "style") if wish[name]])
    except Unavailable:
        _give_back(hits)
        raise
    # the drafting model's adapter (and its OpenAI plumbing) loads on the first draft, not
    # with the API: a cold start pays only for what its request uses (tests/test_cold_start.py)
    from chalicelib.adapters import drafting

    started = time.monotonic()
    settings = get_settings()
    drafter = drafting.get_drafter()
    request = drafting.DraftRequest(
        idea=wish["idea"], schema=draft_schema(wish["scenes"]), language=wish["language"],
        style=wish["style"], style_prompt=specs.style_prompt(wish["style"]),
        scenes=wish["scenes"], layout=wish["layout"],
        user=keyed_hash("openai-user", session.account_id)[:32])
    usage, problem = {"input_tokens": 0, "output_tokens": 0}, None
    for attempt in (1, 2):
        left = BUDGET_SECONDS - (time.monotonic() - started)
        if attempt == 2 and left < MIN_CALL_SECONDS:
            break
        request = dataclasses.replace(request, timeout=min(settings.draft_timeout_seconds, left))
        answer = _ask(drafter, request, hits if attempt == 1 else [])
        for name in usage:
            usage[name] += int(answer.usage.get(name) or 0)
        try:
            result = checked(answer.data, wish)
        except Invalid as error:
            problem = error
            field = (error.details or {}).get("field")
            logs.event("draft_invalid", attempt=attempt, code=error.code, field=field)
            reason = f"{error.message} (field {field})" if field else error.message
            request = dataclasses.replace(request, previous=answer.text, problem=reason)
            continue
        logs.event("draft_made", model=answer.model, attempts=attempt, scenes=len(
            result["scenes"]), ms=int((time.monotonic() - started) * 1000), **usage)
        return result
    field = (problem.details or {}).get("field") if problem else None
    raise ProviderFailed(key="draft_fell_apart", code="draft_invalid",
                         details={"field": field} if field else None)


def _parse_request(body):
    wish = {"idea": specs.text(body["idea"], "idea"),
            "style": specs.text(body.get("style"), "style", required=False),
            "scenes": body.get("scenes"), "language": body.get("language") or "en",
            "layout": body.get("layout") or ""}
    if wish["scenes"] is not None and not 1 <= wish["scenes"] <= vocabulary.MAX_DRAFT_SCENES:
        raise specs.bad("scenes", key="draft_scene_count", code="wrong_count",
                        most=vocabulary.MAX_DRAFT_SCENES)
    if not LANGUAGE.match(wish["language"]):
        raise specs.bad("language", key="language_tag")
    if wish["layout"] and wish["layout"] not in specs.LAYOUTS:
        raise specs.bad("layout", key="field_choice", choices=", ".join(specs.LAYOUTS))
    return wish


def _ask(drafter, request, hits):
    from chalicelib.adapters import drafting  # loaded by `draft`, not by a cold start

    try:
        return drafter.draft(request)
    except drafting.DraftRefused:
        raise Refused(code="draft_refused", details={"field": "idea"}) from None
    except drafting.DraftFailed as failed:
        _give_back(hits)  # nothing came back: the attempt does not count against the limit
        logs.event("draft_failed", reason=failed.code)
        raise Unavailable(key="drafting_silent", code="drafting_unavailable") from None


def checked(data, wish):
    """The model's answer as a submission body, checked like one (400-style `Invalid` naming
    the field otherwise), with the person's own choices of style and layout kept."""
    if not isinstance(data, dict):
        raise Invalid(key="draft_not_schema", code="invalid_json")
    from chalicelib.core.structured import from_strict  # a draft's, not a cold start's

    body = from_strict(data, specs.CARTOON_SPEC)
    if wish["style"]:
        body["style"] = wish["style"]
    if wish["layout"]:
        body["layout"] = wish["layout"]
    if "quality" in body:
        raise specs.bad("quality", key="draft_no_quality", code="unknown_field")
    quality = next(iter(get_settings().quality_credits))  # any: the person picks it later
    cartoon = specs.parse_cartoon({**body, "quality": quality})
    if wish["scenes"] is not None and len(cartoon["scenes"]) != wish["scenes"]:
        raise specs.bad("scenes", key="draft_scenes_exact", code="wrong_count",
                        count=wish["scenes"])
    return as_body(cartoon)


def as_body(cartoon):
    """A parsed cartoon back in the shape POST /api/cartoons accepts (without the quality)."""
    return {
        "title": cartoon["title"], "context": cartoon["context"], "style": cartoon["style"],
        "layout": cartoon["layout"],
        "characters": [{"name": c["name"], "description": c["description"]}
                       for c in cartoon["characters"]],
        "scenes": [{"action": s["action"], "characters": s["characters"],
                    "staging": s["staging"],
                    "elements": [{"kind": e["kind"], "text": e["text"],
                                  **({"speaker": e["speaker"]} if e["speaker"] else {})}
                                 for e in s["elements"]]}
                   for s in cartoon["scenes"]],
    }


def _give_back(hits):
    for key in hits:
        limits.give_back(key)


# POST /api/cartoons/draft: a cartoon as POST /api/cartoons takes it, less the quality.
DRAFTED = ok(object_schema({k: v for k, v in specs.CARTOON_SPEC.items() if k != "quality"}),
             errors=(*BODY_ERRORS, SIGNED_IN, 422, 429, 502, 503))
