"""Comic pages composed at the panels' full resolution, lettered, as PNG.

`compose_cartoon(title, template, panels)` returns one PNG a page. Each panel is a plain dict:
`{"image": PNG/WebP/JPEG bytes, "elements": [lettering elements], "staging": {name: side},
"look": figures.Look.to_json() of its drawing, optional}` (see lettering.py: the balloons go
around the look's figures, or the staging's without one); pages come from layouts.py. A
page's scale is set by its most demanding panel, so no panel is drawn smaller than it was
drawn; a panel whose shape differs from its cell's by a rounding is scaled to cover it and
centred. Every page of a cartoon has the same width, so they print at one size (a short page
is enlarged up to 1.5 times for that). The first page carries the title. The text size is the
one that fits every panel of the cartoon (`lettering.cartoon_fraction`).

`compose_page` does one page, for a recomposition that changed one page only; pass it the
cartoon's `fraction` so its lettering matches the other pages.
"""

import io
import itertools
import math
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageOps

from chalicelib.comic import fastpng, figures, layouts, lettering, raster, typeset
from chalicelib.comic.raster import INK, PAPER, open_image

TITLE_BAND = 0.08  # of the page's shorter side, above the first page's panels
MAX_UPSCALE = 1.5  # how much a page may be enlarged to match the others' width
BORDER = 0.006  # a panel's frame, of the lettering's unit (the smallest panel's size)
WEBP_SIDE = 16383  # the longest side a WebP image may have


def panel_pixels(panel):
    image = panel["image"]
    if isinstance(image, Image.Image):
        return image.size
    with Image.open(io.BytesIO(image)) as header:  # reads the header, decodes nothing
        return header.size


def _scale(page, sizes):
    """Pixels a page unit: enough for every panel at its full resolution."""
    return math.ceil(max(size[0] / cell.w for cell, size in zip(page.cells, sizes, strict=True)))


def _rect(cell, scale, top):
    left, upper = round(cell.x * scale), round(cell.y * scale) + top
    return left, upper, round((cell.x + cell.w) * scale), round((cell.y + cell.h) * scale) + top


def _title(canvas, draw, text, scale, band):
    size = max(12, round(band * 0.5))
    lines = typeset.wrap(text, size, scale * (1 - 2 * layouts.MARGIN))
    while lines is None or (len(lines) > 1 and size > band * 0.25):
        size = round(size * 0.85)
        lines = typeset.wrap(text, size, scale * (1 - 2 * layouts.MARGIN))
    y = (band + scale * layouts.MARGIN) / 2 - len(lines) * typeset.line_height(size) / 2
    for line in lines:
        x = scale / 2 - typeset.width(line, size) / 2
        typeset.draw_line(draw, canvas, (x, y), line, size, INK)
        y += typeset.line_height(size)


def look_of(panel):
    """The panel's look (what its drawing holds), or None: lettered against the staging."""
    return figures.stored(panel.get("look"))


def letter_panel(image, panel, fraction=lettering.PREFERRED, unit=None):
    """Letters the panel against what its drawing holds; where its texts cannot keep off the
    faces the look found (the submission was checked against the staging, not the picture),
    against the staging, so no word is ever lost to a look."""
    given = (image, panel.get("elements", []), panel.get("staging"), fraction, unit)
    look = look_of(panel)
    if look is not None:
        try:
            return lettering.letter(*given, look)
        except lettering.DoesNotFit:
            pass
    return lettering.letter(*given)


def _fitted(panel, size):
    image = panel["image"]
    image = image if isinstance(image, Image.Image) else open_image(image)
    image = image.convert("RGB")
    if image.size != size:
        image = ImageOps.fit(image, size, Image.Resampling.LANCZOS)
    return image


def compose_page(page, panels, *, title="", fraction=lettering.PREFERRED, basis=None,
                 sizes=None, scale=None, record=None, art=None):
    """One page (a layouts.Page) with its panels, as a Pillow image. `basis` is
    layouts.basis() of the cartoon (this page's smallest cell when None); `scale`, the page's
    width in px, is the one its panels need when None, and no less when given. When `record`
    is a list, each panel's `(cell rectangle in page px, Lettering drawn)` is appended to it.
    When `art` is a list, the page before it is lettered (WebP) is appended to it: what the
    cartoon page's overlay draws its own lettering over."""
    sizes = sizes or [panel_pixels(p) for p in panels]
    scale = max(scale or 0, _scale(page, sizes))
    unit = (basis or min(math.sqrt(c.w * c.h) for c in page.cells)) * scale
    height = round(page.height * scale)
    band = round(TITLE_BAND * min(scale, height)) if title else 0
    canvas = Image.new("RGB", (scale, height + band), PAPER)
    draw = ImageDraw.Draw(canvas)
    if title:
        _title(canvas, draw, title, scale, band)
    border = max(2, round(unit * BORDER))
    cells = [_rect(cell, scale, band) for cell in page.cells]
    for (left, top, right, bottom), panel in zip(cells, panels, strict=True):
        image = _fitted(panel, (right - left, bottom - top))
        canvas.paste(image, (left, top))
        del image
        draw.rectangle((left - border, top - border, right + border - 1, bottom + border - 1),
                       outline=INK, width=border)
    if art is not None:  # WebP holds at most 16383 px a side
        art.append(raster.to_webp(canvas) if max(canvas.size) <= WEBP_SIDE else None)
    # Lettered in place: a frame is drawn outside its cell, so a cell holds only its picture.
    for rect, panel in zip(cells, panels, strict=True):
        image = canvas.crop(rect)
        drawn = letter_panel(image, panel, fraction, unit)
        canvas.paste(image, rect[:2])
        if record is not None:
            record.append((rect, drawn))
    return canvas


def _geometry(template, sizes):
    """For each scene, its panel's size and the lettering's unit in px, at the scale of the
    picture drawn for it (what a page shows it at, give or take a rounding)."""
    unit = layouts.basis(template, len(sizes))
    out = []
    for (_, cell), size in zip(layouts.cells(template, len(sizes)), sizes, strict=True):
        per_unit = size[0] / cell.w
        out.append(((size[0], max(1, round(cell.h * per_unit))), unit * per_unit))
    return out


def panel_geometry(template, count):
    """Each of `count` panels' drawing size and lettering unit in px (comic/budget.py)."""
    return _geometry(template, layouts.drawing_sizes(template, count))


def cartoon_fraction(template, panels, sizes=None):
    """The text size (a fraction of the lettering's unit) that fits every panel."""
    sizes = sizes or [panel_pixels(p) for p in panels]
    return lettering.cartoon_fraction(
        [(panel_size, p.get("elements", []), p.get("staging"), unit, look_of(p))
         for (panel_size, unit), p in zip(_geometry(template, sizes), panels, strict=True)])


def fit_problems(template, scenes):
    """What stops the scenes' texts from being lettered legibly: a list of problems, each
    `{"scene", "index", "code", "message"}` naming the scene and its element; [] when all fit.
    `scenes` holds `{"elements", "staging"}` dicts. Uses the drawing sizes, no image: the API
    can call it on submit or edit and answer 400 naming the field."""
    sizes = layouts.drawing_sizes(template, len(scenes))
    problems = []
    for number, ((panel_size, unit), scene) in enumerate(
            zip(_geometry(template, sizes), scenes, strict=True)):
        found = lettering.check_fit(panel_size, scene.get("elements", []),
                                    scene.get("staging"), unit)
        problems += [{"scene": number, **problem} for problem in found]
    return problems


def compose_cartoon(title, template, panels):
    """PNG bytes of each page of the cartoon, in order."""
    return compose(title, template, panels).pngs


@dataclass(frozen=True)
class Composed:
    """A composed cartoon: the pages' PNGs, and where everything landed (`geometry`, plain
    JSON-friendly data, see `_geometry_of`), and each page's picture before it was lettered
    (WebP, or None for a page too tall for WebP)."""
    pngs: list
    geometry: dict
    arts: list


def _box(box, size):
    """A (left, top, right, bottom) px box as fractions of `size`, 4 decimals."""
    return [round(box[0] / size[0], 4), round(box[1] / size[1], 4),
            round(box[2] / size[0], 4), round(box[3] / size[1], 4)]


def _scene_geometry(number, page_number, rect, page_size, drawn):
    """One scene on its page: its cell in page px and as fractions of the page, its text size
    in page px (None without texts), and each element's resolved `at`, `tail` and box
    (fractions of the panel), its lines as drawn and the width its owner gave it (or None):
    what the cartoon page's overlay draws the lettering from."""
    panel_size = (rect[2] - rect[0], rect[3] - rect[1])
    elements = []
    for placed, position in zip(drawn.placed, drawn.positions(), strict=True):
        element = {**position, "kind": placed.element.kind, "box": _box(placed.box, panel_size),
                   "lines": list(placed.lines), "width": placed.element.width}
        if placed.angle is not None:  # a sound effect's turn, degrees
            element["angle"] = placed.angle
        if placed.joined:  # a neck to the balloon before it, no tail of its own
            element["joined"] = True
        elements.append(element)
    return {"number": number, "page": page_number, "box": list(rect),
            "rect": _box(rect, page_size), "text_px": drawn.size if drawn.placed else None,
            "elements": elements}


def compose(title, template, panels):
    """The cartoon's pages (PNG) and its geometry: `{"pages": [{"width", "height"}],
    "scenes": [_scene_geometry...], "fraction": the text size as a fraction of the lettering
    unit}`, what a reader needs to crop a panel or put a handle on a balloon."""
    sizes = [panel_pixels(p) for p in panels]
    fraction = cartoon_fraction(template, panels, sizes)
    unit = layouts.basis(template, len(panels))
    book = layouts.pages(template, len(panels))
    bounds = list(itertools.accumulate([len(page.cells) for page in book], initial=0))
    own = [_scale(page, sizes[start:end])
           for page, start, end in zip(book, bounds, bounds[1:], strict=False)]
    widest = max(own)
    out, arts, geometry = [], [], {"pages": [], "scenes": [], "fraction": round(fraction, 5)}
    for number, (page, start, end) in enumerate(zip(book, bounds, bounds[1:], strict=False)):
        # One width for all pages, so they print alike; but a short page of big cells (a
        # strip's last panel alone) is not blown up past MAX_UPSCALE for it.
        scale = min(widest, math.floor(own[number] * MAX_UPSCALE))
        record = []
        image = compose_page(page, panels[start:end], title=title if number == 0 else "",
                             fraction=fraction, basis=unit, sizes=sizes[start:end],
                             scale=scale, record=record, art=arts)
        geometry["pages"].append({"width": image.width, "height": image.height})
        geometry["scenes"] += [_scene_geometry(start + k + 1, number + 1, rect, image.size, drawn)
                               for k, (rect, drawn) in enumerate(record)]
        out.append(to_png(image))
        del image
    return Composed(out, geometry, arts)


def to_png(image):
    return fastpng.encode(image)
