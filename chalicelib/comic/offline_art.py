"""The offline renderer: `make run` without OPENAI_API_KEY draws with Pillow.

A reference is a simple figure whose colours come from the character's name, so it is the
same figure in every panel; a scene pastes the references of its characters, named, on a
backdrop coloured by the story's context, with what happens written on it. Every image says
"offline preview" so nobody mistakes it for the real thing.
"""

import hashlib
import io
import math
from dataclasses import dataclass

from PIL import Image, ImageDraw

from chalicelib.comic import figures as figures_mod
from chalicelib.comic import lettering
from chalicelib.comic.raster import INK, font, to_png, wrap

SIDE = 768
FIGURE_BOX = (SIDE // 2 - 150, 150, SIDE // 2 + 150, 640)  # where a reference's figure is
BANNER = "OFFLINE PREVIEW"
BACKGROUND = (250, 248, 240)
SKIN = [(255, 224, 189), (234, 192, 134), (198, 134, 66), (141, 85, 36), (255, 205, 148)]
HAIR = [(40, 30, 20), (120, 70, 30), (230, 190, 90), (170, 50, 30), (90, 90, 90), (20, 20, 60)]


def _palette(text):
    digest = hashlib.sha256(text.strip().lower().encode()).digest()
    return {
        "skin": SKIN[digest[0] % len(SKIN)],
        "hair": HAIR[digest[1] % len(HAIR)],
        "shirt": (60 + digest[2] % 180, 60 + digest[3] % 180, 60 + digest[4] % 180),
        "trousers": (30 + digest[5] % 120, 30 + digest[6] % 120, 60 + digest[7] % 140),
        "sky": (170 + digest[8] % 80, 190 + digest[9] % 60, 200 + digest[10] % 55),
        "ground": (120 + digest[11] % 100, 150 + digest[12] % 90, 90 + digest[13] % 80),
        "hat": digest[14] % 3 == 0,
    }


BANNER_COLOUR = (228, 87, 46)


def _banner(draw, top=12, width=SIDE):
    typeface = font(22, bold=True)
    length = typeface.getlength(BANNER) + 28
    left = (width - length) // 2
    draw.rectangle((left, top, left + length, top + 38), fill=BANNER_COLOUR, outline=INK,
                   width=2)
    draw.text((left + 14, top + 6), BANNER, font=typeface, fill="white")


TAG_FONT = 15


def _tag_length():
    return font(TAG_FONT, bold=True).getlength(BANNER) + 16


def _corner_tag(draw, right, bottom):
    """The "offline preview" mark of a scene: a small tag at the right end of the action's box
    (whose text wraps short of it), in the bottom corner, where no lettering, no tail and no
    figure ever goes."""
    typeface = font(TAG_FONT, bold=True)
    length = _tag_length()
    draw.rectangle((right - length, bottom - 24, right, bottom), fill=BANNER_COLOUR,
                   outline=INK, width=2)
    draw.text((right - length + 8, bottom - 21), BANNER, font=typeface, fill="white")


def _figure(draw, box, colours):
    left, top, right, bottom = box
    middle = (left + right) // 2
    head = 62
    draw.ellipse((middle - head, top, middle + head, top + 2 * head), fill=colours["skin"],
                 outline=INK, width=4)
    draw.chord((middle - head, top - 6, middle + head, top + head + 10), 180, 360,
               fill=colours["hair"], outline=INK, width=4)
    if colours["hat"]:
        draw.rectangle((middle - head - 10, top - 8, middle + head + 10, top + 8),
                       fill=colours["trousers"], outline=INK, width=3)
    for dx in (-24, 24):
        draw.ellipse((middle + dx - 8, top + 58, middle + dx + 8, top + 74), fill=INK)
    draw.arc((middle - 26, top + 70, middle + 26, top + 104), 20, 160, fill=INK, width=4)
    body_top = top + 2 * head + 6
    draw.rounded_rectangle((middle - 85, body_top, middle + 85, body_top + 190), radius=30,
                           fill=colours["shirt"], outline=INK, width=4)
    for dx in (-55, 15):
        draw.rectangle((middle + dx, body_top + 185, middle + dx + 40, bottom),
                       fill=colours["trousers"], outline=INK, width=4)


def reference(request):
    character = request.character
    colours = _palette(character.name)
    image = Image.new("RGB", (SIDE, SIDE), BACKGROUND)
    draw = ImageDraw.Draw(image)
    _figure(draw, FIGURE_BOX, colours)
    draw.text((40, 660), character.name, font=font(34, bold=True), fill=INK)
    for i, line in enumerate(wrap(character.description, font(18), SIDE - 80, 2)):
        draw.text((40, 704 + 24 * i), line, font=font(18), fill=INK)
    _banner(draw)
    size = getattr(request, "size", None)
    if size and size[1] > size[0]:  # portrait: the same sheet, with room below the figure
        sheet = Image.new("RGB", (SIDE, SIDE * size[1] // size[0]), BACKGROUND)
        sheet.paste(image, (0, 0))
        image = sheet
    return to_png(image)


def _cut_out(data):
    """The figure of a reference, and a mask that leaves its plain background out."""
    figure = Image.open(io.BytesIO(data)).convert("RGB").crop(FIGURE_BOX)
    mask = figure.convert("L").point(lambda v: 0 if v >= 236 else 255)
    return figure, mask


def _centres(characters, staging, width):
    """Each character's x, from the staging (left, centre, right thirds); a character the
    staging does not place takes the spot `default_staging` gives it."""
    names = [c.name for c in characters]
    spots = {**lettering.default_staging(names), **(staging or {})}
    return [width * (2 * lettering.SIDES.index(spots[name]) + 1) / 6
            if spots.get(name) in lettering.SIDES else width / 2 for name in names]


HEAD = (88 - 10, 0, 212 + 10, 124)  # the head (and a hat's brim) in a cut-out figure
MOUTH = (150, 98)
LABEL_FONT = 22


@dataclass(frozen=True)
class _Placed:
    character: object
    data: bytes
    box: tuple  # where the cut-out figure goes, px
    scale: float


def _placements(request, staging, width, height):
    unit = height / SIDE  # figures scale with the height, the scene spreads with the width
    scale = min(0.75, 1.9 / max(len(request.references), 3)) * unit
    shape = (int((FIGURE_BOX[2] - FIGURE_BOX[0]) * scale),
             int((FIGURE_BOX[3] - FIGURE_BOX[1]) * scale))
    placed = []
    for character, data, centre in zip(request.characters, request.references,
                                       _centres(request.characters, staging, width), strict=True):
        x, y = int(centre - shape[0] / 2), int(height - 110 * unit - shape[1])
        placed.append(_Placed(character, data, (x, y, x + shape[0], y + shape[1]), scale))
    return placed


def _label_box(placed):
    left, top, right, _ = placed.box
    middle, name_width = (left + right) / 2, font(LABEL_FONT, bold=True).getlength(
        placed.character.name)
    return (middle - name_width / 2 - 8, top - 40, middle + name_width / 2 + 8, top - 8)


def look(request, staging=None, size=None):
    """The exact geometry `scene` draws, as the look step reports it: each figure's head (its
    name tag included, which the reader must see too) and mouth, and the sky above them."""
    width, height = size or (SIDE, SIDE)
    figures = []
    for placed in _placements(request, staging, width, height):
        x, y, s = placed.box[0], placed.box[1], placed.scale
        label = _label_box(placed)
        head = (min(label[0], x + HEAD[0] * s), label[1], max(label[2], x + HEAD[2] * s),
                y + HEAD[3] * s)
        scaled = zip(head, (width, height) * 2, strict=True)
        figures.append(figures_mod.Figure(
            placed.character.name, tuple(min(1.0, max(0.0, v / d)) for v, d in scaled),
            (round((x + MOUTH[0] * s) / width, 4), round((y + MOUTH[1] * s) / height, 4))))
    tops = [f.head[1] for f in figures] or [2 / 3]
    empty = ((0.0, 0.0, 1.0, math.floor(min(tops) * 1e4) / 1e4),) if min(tops) > 0.05 else ()
    return figures_mod.Look(tuple(figures), empty, "offline")


def scene(request, staging=None, size=None):
    """A panel of the scene, `size` (width, height) px or SIDE square. `staging` ({name:
    "left"|"centre"|"right"}, as the lettering takes it) says where each character stands, so
    the balloons' tails point at them; the top of the picture (lettering.BAND) is left to the
    lettering. `look` gives back where it drew each figure."""
    width, height = size or (SIDE, SIDE)
    unit = height / SIDE
    colours = _palette(request.context)
    image = Image.new("RGB", (width, height), colours["sky"])
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height * 2 // 3, width, height), fill=colours["ground"])
    draw.ellipse((width - 150 * unit, 200 * unit, width - 70 * unit, 280 * unit),
                 fill=(255, 230, 120))
    label = font(LABEL_FONT, bold=True)
    for placed in _placements(request, staging, width, height):
        figure, mask = _cut_out(placed.data)
        shape = (placed.box[2] - placed.box[0], placed.box[3] - placed.box[1])
        image.paste(figure.resize(shape), placed.box[:2], mask.resize(shape))
        box = _label_box(placed)
        draw.rectangle(box, fill="white", outline=INK, width=2)
        draw.text((box[0] + 8, box[1] + 3), placed.character.name, font=label, fill=INK)
    typeface = font(18)
    lines = wrap(f"Scene {request.number}: {request.action}", typeface,
                 width - 68 - _tag_length() - 10, 3)
    top = height - 22 - 22 * max(len(lines), 1)
    draw.rectangle((20, top - 8, width - 20, height - 14), fill=(255, 255, 255), outline=INK,
                   width=3)
    for i, line in enumerate(lines):
        draw.text((34, top + 22 * i), line, font=typeface, fill=INK)
    _corner_tag(draw, right=width - 27, bottom=height - 21)
    draw.rectangle((0, 0, width - 1, height - 1), outline=INK, width=6)
    return to_png(image)
