"""What the image model is told. The same written descriptions, style and context go into
every request of a cartoon, so the words hold the characters steady alongside the references.
"""

from chalicelib.comic.lettering import staging_prompt

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
    lines = [
        f"One panel of a cartoon, drawn as {request.style_prompt}.",
        f"The world of the story: {request.context}",
    ]
    if request.characters:
        lines.append("The characters in this panel. Keep each exactly as in their reference "
                     "image (same face, hair, body, clothes and colours):")
        lines += [f"- Image {i}: {c.name}: {c.description}"
                  for i, c in enumerate(request.characters, start=1)]
    else:
        lines.append("No named character appears in this panel.")
    lines += [f"What happens in panel {request.number}: {request.action}",
              staging_prompt(request.staging or {}),
              "Keep the palette and drawing style of the references.", NO_TEXT]
    return "\n".join(lines)
