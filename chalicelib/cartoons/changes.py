"""Changing a cartoon: its texts (free; the worker composes the pages again), a redraw of one
scene (paid, refunded if it fails; with a changed action and a note, as an edit of the version
shown), choosing which kept version a scene shows (free; the pages are composed again), or
deleting it with all its images."""

from chalicelib.accounts import limits
from chalicelib.adapters import jobs
from chalicelib.cartoons import cast, gallery, scenes, specs
from chalicelib.cartoons.submission import moderate
from chalicelib.cartoons.view import CARTOON, get_cartoon, get_scene, view
from chalicelib.core import logs
from chalicelib.core.answers import (
    BODY_ERRORS,
    COUNT,
    INTEGER,
    SIGNED_IN,
    STATUS,
    TEXT,
    obj,
    ok,
)
from chalicelib.core.errors import Conflict, NotFound, Unavailable
from chalicelib.core.fields import Field
from chalicelib.money import credits

REDRAW_SPEC = {"action": Field(str, required=False, max_length=specs.LIMITS["action"]),
               "note": Field(str, required=False, max_length=specs.LIMITS["note"])}
VERSION_SPEC = {"version": Field(int)}


def edit_scene_text(session, cartoon_id, number, data):
    """Change a scene's texts: its elements (with the positions the owner gave them), or its
    caption, dialogue or speaker, which then stand for all its elements. Free; a text that
    cannot be lettered legibly is refused (400 naming it); the pages are composed again."""
    limits.hit("edit-account-hour", session.account_id)  # each edit composes the pages
    cartoon = get_cartoon(session.account_id, cartoon_id)
    scene = get_scene(session.account_id, cartoon, number)
    path = f"scenes[{int(number) - 1}]"
    if not data:
        raise specs.bad("caption", key="nothing_to_change")
    if data.get("elements") is None:
        merged = {name: getattr(scene, name) for name in specs.SHORTHAND}
        merged.update({name: value for name, value in data.items() if value is not None})
        if "speaker" not in data and not (merged["dialogue"] or "").strip():
            merged["speaker"] = ""  # the line is gone, so is its speaker
        data = merged
    texts = specs.parse_lettering(data, path, list(scene.characters or []))
    panels = [{"elements": []} for _ in range(int(cartoon.scene_count))]
    panels[int(number) - 1] = {"elements": texts["elements"], "staging": scene.staging or None,
                               "look": scene.look,
                               "shorthand": texts["shorthand"]}  # a 400 names what was sent
    specs.check_lettering(cartoon.layout or "auto", panels)
    before = {e["text"] for e in scenes.elements_of(scene)}
    moderate((field, value) for field, value in specs.text_fields(texts, path)
             if value not in before)
    del texts["shorthand"]
    if not scenes.edit_text(scene, texts):
        raise NotFound(key="no_such_scene")  # the cartoon was deleted meanwhile
    _recompose(session.account_id, cartoon.cartoon_id)
    return view(session, cartoon.cartoon_id)


def _recompose(account_id, cartoon_id):
    """The worker composes the strip (Pillow has no place in an API request). If the queue
    refuses, the texts are saved all the same: sending the edit again queues it again."""
    try:
        jobs.send(jobs.recompose_job(account_id, cartoon_id))
    except Exception as error:
        logs.event("enqueue_failed", cartoon_id=cartoon_id, error=type(error).__name__)
        raise Unavailable(key="recompose_later") from None


def redraw(session, cartoon_id, number, data):
    """Draw one scene again, for that scene's credits (402 with the shortfall), optionally with
    a changed action (stored on the scene) and a note of what to change; both are checked and
    moderated before anything is charged. Two redraws of a scene at once: one wins, the other
    is refused (409) and charged nothing."""
    cartoon = get_cartoon(session.account_id, cartoon_id)
    scene = get_scene(session.account_id, cartoon, number)
    if scene.state not in scenes.FINAL:
        raise Conflict(key="scene_drawing", code="scene_in_progress")
    action = data.get("action")
    if action is not None:
        action = specs.text(action, "action")
        if action == scene.action:
            action = None
    note = specs.text(data.get("note"), "note", required=False)
    moderate([(field, value) for field, value in (("action", action), ("note", note))
              if value])
    each = int(cartoon.credits_per_scene)
    attempt = scenes.requeue_for_redraw(scene, each, action=action, note=note,
                                        title=cartoon.title)
    if attempt is None:
        raise Conflict(code="scene_changed")
    gallery.refresh_summary(session.account_id, cartoon.cartoon_id)
    logs.event("scene_redraw", cartoon_id=cartoon.cartoon_id, scene=int(scene.number),
               attempt=attempt, cost=each, changed_action=action is not None,
               noted=bool(note))
    try:
        jobs.send(jobs.scene_job(session.account_id, cartoon.cartoon_id, scene.number,
                                 attempt))
    except Exception as error:
        logs.event("enqueue_failed", cartoon_id=cartoon.cartoon_id,
                   error=type(error).__name__)
        scenes.fail(scenes.load(session.account_id, cartoon.cartoon_id, scene.number),
                    attempt, code="not_started",
                    reason="We could not start drawing; your credits were given back.")
        raise Unavailable(key="redraw_not_started") from None
    return {"cartoon_id": cartoon.cartoon_id, "scene": int(scene.number), "attempt": attempt,
            "cost": each, "balance": credits.balance(session.account_id)}


def choose_version(session, cartoon_id, number, data):
    """Show another kept version of a scene (with the action it was drawn for). Free; the
    pages are composed again. 404 for a version that is not kept, 409 while it is redrawn."""
    limits.hit("edit-account-hour", session.account_id)  # each choice composes the pages
    cartoon = get_cartoon(session.account_id, cartoon_id)
    scene = get_scene(session.account_id, cartoon, number)
    if scene.state in scenes.IN_FLIGHT:
        raise Conflict(key="scene_redrawing", code="scene_in_progress")
    kept = {int(v["version"]) for v in scenes.versions_of(scene)}
    if data["version"] not in kept:
        raise NotFound(key="no_version", code="no_such_version")
    if scenes.chosen_of(scene) != data["version"]:
        if scenes.choose(scene, data["version"]) is None:
            raise Conflict(code="scene_changed")
        logs.event("scene_version_chosen", cartoon_id=cartoon.cartoon_id,
                   scene=int(scene.number), version=data["version"])
        _recompose(session.account_id, cartoon.cartoon_id)
    return view(session, cartoon.cartoon_id)


def delete(session, cartoon_id):
    """Delete the account's own cartoon (404 for anyone else's) with all its images. A cartoon
    whose cast waits for approval first gives back the credits of its undrawn scenes."""
    cartoon = get_cartoon(session.account_id, cartoon_id)
    cast.cancel(cartoon)
    gallery.delete(cartoon)


# What the routes reading those specs answer (PATCH a scene's texts answers the cartoon too).
EDITED = ok(CARTOON, errors=(*BODY_ERRORS, SIGNED_IN, 404, 409, 422, 429, 503))
REDRAWING = ok(obj({"cartoon_id": TEXT, "scene": INTEGER, "attempt": COUNT, "cost": COUNT,
                    "balance": COUNT}), 202,
               errors=(*BODY_ERRORS, SIGNED_IN, 402, 404, 409, 422, 429, 503))
CHOSEN = ok(CARTOON, errors=(*BODY_ERRORS, SIGNED_IN, 404, 409, 429, 503))
DELETED = ok(STATUS, errors=(SIGNED_IN, 404, 409))
