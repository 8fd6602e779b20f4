"""The look at a drawn panel, and the letterer's quality check, inside a scene job.

After a panel is drawn, `looked_drawing` asks the look step (adapters/look.py) where each
named character's head and mouth are. A look that fails (provider error, timeout, a refusal,
an answer that does not hold up) is tried once more; after that the panel is lettered by its
staging: the stored look has source "staging" and a note saying why. Nothing here fails or
charges the panel.

The quality check: when the look cannot find a character who speaks in the panel, the panel is
drawn once more at the service's cost (no ledger entry: the attempt keeps its one charge; the
call is counted as a free redraw in the costs report) and looked at again. If the speaker is
still missing, the panel is lettered by its staging, with a note naming who was not found.
Never two free redraws for one drawing.

A note is a code the site words in the page's language: `look_failed:<code>` or
`speaker_missing:<name>[,<name>…]`. Every call's cost goes to the cartoon (cartoons/costs.py).
"""

import dataclasses
import time

from chalicelib.adapters import images, look
from chalicelib.cartoons import costs, scenes
from chalicelib.comic import figures
from chalicelib.core import logs
from chalicelib.core.settings import get_settings

LOOK_TRIES = 2  # a failure retries once, then the panel is lettered by its staging


def staging_look(*notes):
    """Nobody looked (or the look could not be trusted): letter by the staging."""
    return figures.Look(source="staging", notes=tuple(notes))


def look_at(scene, request, png, deadline):
    """What the drawn panel holds (a figures.Look), or the staging look with a note why."""
    names = tuple(c.name for c in request.characters)
    if not names:  # no one to find: the lettering only has captions to place
        return staging_look()
    asked = look.LookRequest(image=bytes(png), names=names, number=int(scene.number),
                             scene=request, user=request.user)
    code = "provider_error"
    for attempt in range(1, LOOK_TRIES + 1):
        try:
            seen = look.get_looker().look(asked, deadline)
        except look.LookFailed as failure:
            code = failure.code
            spent = getattr(failure, "seen", None)
            if spent is not None:
                costs.add(scene.account_id, scene.cartoon_id, spent, kind="look")
        except Exception as error:  # a bug of ours must not cost the person their panel
            code = "internal_error"
            logs.event("look_error", cartoon_id=scene.cartoon_id, scene=int(scene.number),
                       error=type(error).__name__)
        else:
            costs.add(scene.account_id, scene.cartoon_id, seen, kind="look")
            return seen.look
        logs.event("look_failed", cartoon_id=scene.cartoon_id, scene=int(scene.number),
                   attempt=attempt, code=code)
    return staging_look(f"look_failed:{code}")


def speakers_missing(scene, found):
    """The characters who speak in the panel and whom the look did not find (none when
    nobody looked: a redraw would not help a look that failed)."""
    if found.source == "staging":
        return []
    speakers = [e.get("speaker") for e in scenes.elements_of(scene) if e.get("speaker")]
    names = {c for c in scene.characters or []}
    return sorted({s for s in speakers if s in names and found.figure(s) is None})


def _again(request, missing):
    """The same panel asked again, the missing speakers named so they are drawn in view."""
    ask = (f"Show {', '.join(missing)} clearly in the picture, face and mouth in view: "
           "they speak in this panel.")
    return dataclasses.replace(request, note=f"{request.note} {ask}".strip())


def looked_drawing(scene, request, png, deadline):
    """(png, look): the drawn panel and what it holds, after the quality check (at most one
    free redraw, which keeps its time for the second look)."""
    found = look_at(scene, request, png, deadline)
    missing = speakers_missing(scene, found)
    if not missing:
        return png, found
    logs.event("speaker_not_found", cartoon_id=scene.cartoon_id, scene=int(scene.number),
               missing=len(missing))
    reserve = get_settings().look_timeout_seconds * LOOK_TRIES
    try:
        again = images.get_image_provider().scene(_again(request, missing), deadline - reserve)
    except images.DrawingFailed as failure:
        logs.event("free_redraw_failed", cartoon_id=scene.cartoon_id,
                   scene=int(scene.number), code=failure.code)
        return png, staging_look("speaker_missing:" + ",".join(missing))
    costs.add(scene.account_id, scene.cartoon_id, again, kind="free_redraw")
    logs.event("free_redraw", cartoon_id=scene.cartoon_id, scene=int(scene.number),
               seconds_left=round(deadline - time.monotonic()))
    second = look_at(scene, request, again, deadline)
    still = speakers_missing(scene, second)
    if still:
        return again, staging_look("speaker_missing:" + ",".join(still))
    return again, second  # found, or a look that failed (its note says so)
