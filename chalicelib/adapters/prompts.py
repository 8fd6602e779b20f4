"""What the image model is told. The same written descriptions, style and context go into
every request of a cartoon, so the words hold the characters steady alongside the references.
"""

from chalicelib.comic import budget

NO_TEXT = ("Do not draw any text, letters, captions or speech bubbles: they are added "
           "afterwards.")


def reference(request):
    character = request.character
    return "\n".join([
        f"Character reference sheet for a cartoon, drawn as {request.style_prompt}.",
        f"The world of the story: {request.context}",
        f"Draw {character.name} alone, full body, facing the viewer, in a neutral pose, on a "
        "plain light background, so the same character can be drawn again in later panels.",
        f"{character.name}: {character.description}",
        *([f"Changes asked for: {request.note}"] if getattr(request, "note", "") else []),
        NO_TEXT,
    ])


def scene(request):
    """A panel: drawn from the references, or (a redraw) edited from the previous version,
    which is then image 1 and the references follow it."""
    first = 2 if request.previous else 1
    lines = [
        f"One panel of a cartoon, drawn as {request.style_prompt}.",
        f"The world of the story: {request.context}",
    ]
    if request.previous:
        lines.append("Image 1 is the current version of this panel. Edit it: keep what is "
                     "right (composition, characters, colours, drawing style) and change only "
                     "what is asked below.")
    if request.characters:
        lines.append("The characters in this panel. Keep each exactly as in their reference "
                     "image (same face, hair, body, clothes and colours):")
        lines += [f"- Image {i}: {c.name}: {c.description}"
                  for i, c in enumerate(request.characters, start=first)]
    else:
        lines.append("No named character appears in this panel.")
    lines += [f"What happens in panel {request.number}: {request.action}",
              *lettering_room(request.staging or {}, request.room, request.speakers)]
    if request.previous and request.note:
        lines.append(f"What to change from image 1: {request.note}")
    elif request.previous:
        lines.append("Draw it again, better, matching what happens in the panel.")
    elif request.note:
        lines.append(f"Also: {request.note}")
    lines += ["Keep the palette and drawing style of the references.", NO_TEXT]
    return "\n".join(lines)


def lettering_room(staging, room=None, speakers=()):
    """The sentences that make the picture match its lettering: where each character stands,
    the top of the picture kept plain for the texts (`room`, from the panel's text budget,
    comic/budget.py: it grows with the texts), and where the speakers' heads go, just below
    that room, on their side."""
    room = budget.FLOOR if room is None else room
    top, bottom = budget.heads_below(room)
    places = ", ".join(f"{name} on the {side}" for name, side in staging.items())
    out = [f"Stage the characters: {places}."] if staging else []
    out.append(f"Keep the top {_percent(room)} % of the picture plain (sky, wall or background), "
               "free of faces and important detail: the speech balloons go there.")
    heads = [f"{name}'s on the {staging[name]}" for name in speakers if name in staging]
    if heads:
        out.append(f"Draw the heads of those who speak below that, between {_percent(top)} % "
                   f"and {_percent(bottom)} % of the way down the picture: "
                   f"{', '.join(heads)}.")
    return out


def _percent(fraction):
    return round(fraction * 100)
