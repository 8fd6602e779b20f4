"""Lettering: captions and balloons laid out on a panel, and drawn.

Plain data in (what the API and the worker store, JSON-friendly):

- an element is a dict `{"kind": "caption"|"speech"|"thought", "text": str, "speaker": str,
  "at": [x, y], "tail": [x, y]}`; `speaker` is for balloons; `at` (the balloon's centre) and
  `tail` (its tail's tip) are optional, relative to the panel (0..1 across and down) and set
  when the owner moved them. A panel holds at most `MAX_ELEMENTS`, in reading order.
- a staging is a dict `{character name: "left"|"centre"|"right"}`: where the scene prompt
  placed each character (`default_staging`, `staging_prompt`). The top `BAND` of the picture
  is kept free for lettering; a speaker's region is its third of the panel below that band.

Layout (`layout`): elements with a position keep it (clamped into the panel); the others go in
reading order (left to right, top to bottom) into the band: a caption against the top-left
edge, a balloon above its speaker's side; the first balloon highest and furthest left. Tails are
short, end inside the speaker's region and cross no other balloon; balloons never overlap and
never leave the panel. `Lettering.positions()` gives every element's `at` and `tail` back, to
store.

Size: text is set at `PREFERRED` of the panel's size (the geometric mean of its sides; on a
page, the size of the page's smallest panel, the `basis`, so every panel of a page letters
alike), and shrinks when it does not fit, never below `MINIMUM`: 3.6 % of that size, 37 px on a
1024 px panel. That is 14 CSS px when such a panel fills a 390 px phone, and 7 pt when eight of
them share an A4 page printed at 300 dpi. Words are never cut: when the text does not fit at
the minimum, even with the band let down into the picture, `check_fit` names the element (the
API answers 400 with that field) and `layout` raises `DoesNotFit`. `check_fit` also names a
text the owner placed on top of another, and one with characters no bundled font has.
`cartoon_fraction` gives the one size that fits every panel of a cartoon, so its lettering
looks the same throughout.
"""

import itertools
import math
from dataclasses import dataclass

from PIL import ImageDraw

from chalicelib.comic import typeset

KINDS = ("caption", "speech", "thought")
SIDES = ("left", "centre", "right")
MAX_ELEMENTS = 4
MAX_TEXT = 400  # characters in one element
BAND = 0.30  # top of the panel kept free for lettering, as a fraction of its height
FALLBACK_BANDS = (0.45, 0.6, 0.95)  # let down into the picture, at the minimum size only
PREFERRED = 0.046  # text size, as a fraction of sqrt(width * height)
MINIMUM = 0.036
SIZE_STEPS = 6
BALLOON_WIDTH = 0.44  # widest balloon, as a fraction of the panel's width (wider for a long word)
CAPTION_WIDTH = 0.7
WIDEST = 0.94
INK = (29, 27, 38)
CAPTION_FILL = (255, 236, 170)
BALLOON_FILL = (255, 255, 255)


class DoesNotFit(ValueError):
    def __init__(self, problems):
        super().__init__("; ".join(p["message"] for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Element:
    kind: str
    text: str
    speaker: str = ""
    at: tuple = None  # (x, y) relative centre of the box, when the owner placed it
    tail: tuple = None  # (x, y) relative tip of the tail


def _point(value, name):
    if value is None:
        return None
    if (not isinstance(value, (list, tuple)) or len(value) != 2
            or not all(isinstance(v, (int, float)) and math.isfinite(v) for v in value)):
        raise ValueError(f"{name} must be [x, y], each between 0 and 1")
    return (min(1.0, max(0.0, float(value[0]))), min(1.0, max(0.0, float(value[1]))))


def element(data):
    """An `Element` from its plain dict; ValueError says what is wrong."""
    if isinstance(data, Element):
        return data
    kind, text = data.get("kind"), data.get("text")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("text must be a non-empty string")
    speaker = data.get("speaker") or ""
    if not isinstance(speaker, str):
        raise ValueError("speaker must be a string")
    return Element(kind, " ".join(text.split()), speaker.strip(), _point(data.get("at"), "at"),
                   _point(data.get("tail"), "tail"))


def default_staging(names):
    """Where to stand each character, in order: one in the centre, two left and right, three
    left, centre, right; more take turns."""
    spots = {1: ("centre",), 2: ("left", "right")}.get(len(names), SIDES)
    return {name: spots[i % len(spots)] for i, name in enumerate(names)}


def staging_prompt(staging):
    """The sentence the scene prompt carries so the picture matches the lettering."""
    places = ", ".join(f"{name} on the {side}" for name, side in staging.items())
    stand = f"Stage the characters: {places}. " if staging else ""
    return (f"{stand}Keep the top {round(BAND * 100)} % of the picture free of faces and "
            "important detail (plain sky, wall or background): speech balloons go there.")


def _side(staging, speaker):
    wanted = speaker.casefold()
    for name, side in (staging or {}).items():
        if name.casefold() == wanted and side in SIDES:
            return side
    return "centre"


def region(panel_size, side):
    """The speaker's region in px: its third of the panel, below the lettering band."""
    width, height = panel_size
    column = SIDES.index(side)
    return (width * column / 3, height * BAND, width * (column + 1) / 3, height)


@dataclass(frozen=True)
class Placed:
    index: int
    element: Element
    box: tuple  # (left, top, right, bottom) px
    lines: tuple
    size: int  # px
    tip: tuple = None  # the tail's tip, px; None for a caption
    base: tuple = None  # the tail's two points on the balloon's edge

    @property
    def words(self):
        return " ".join(self.lines).split()


@dataclass(frozen=True)
class Lettering:
    panel_size: tuple
    size: int
    placed: tuple  # of Placed, in the elements' order

    def positions(self):
        """Each element's `at` and `tail` relative to the panel, in order: what to store."""
        width, height = self.panel_size
        out = []
        for p in self.placed:
            left, top, right, bottom = p.box
            item = {"at": [round((left + right) / 2 / width, 4),
                           round((top + bottom) / 2 / height, 4)]}
            if p.tip:
                item["tail"] = [round(p.tip[0] / width, 4), round(p.tip[1] / height, 4)]
            out.append(item)
        return out


def basis_of(panel_size, basis=None):
    """The length text sizes are fractions of: `basis` when a page sets it, else the panel's
    own size, sqrt(width * height)."""
    return basis or math.sqrt(panel_size[0] * panel_size[1])


def text_size(panel_size, fraction, basis=None):
    return max(1, round(fraction * basis_of(panel_size, basis)))


def _paddings(kind, size):
    return (0.45 * size, 0.45 * size) if kind == "caption" else (0.8 * size, 0.4 * size)


def _balanced(text, size, max_width):
    """The narrowest wrapping with as few lines as the widest allows (even lines read better)."""
    lines = typeset.wrap(text, size, max_width)
    if lines is None or len(lines) == 1:
        return lines
    low, high = max(typeset.width(w, size) for w in text.split()), max_width
    while high - low > 2:
        middle = (low + high) / 2
        trial = typeset.wrap(text, size, middle)
        if trial is not None and len(trial) <= len(lines):
            high = middle
        else:
            low = middle
    return typeset.wrap(text, size, high)


def _shape(item, panel_size, size):
    """(width, height, lines) of an element's box at `size`, or None when a word is too long."""
    width = panel_size[0]
    pad_x, pad_y = _paddings(item.kind, size)
    share = CAPTION_WIDTH if item.kind == "caption" else BALLOON_WIDTH
    for fraction in (share, WIDEST):
        lines = _balanced(item.text, size, width * fraction - 2 * pad_x)
        if lines is not None:
            break
    else:
        return None
    text_width = max(typeset.width(line, size) for line in lines)
    box_width = math.ceil(text_width + 2 * pad_x)
    box_height = math.ceil(len(lines) * typeset.line_height(size) + 2 * pad_y)
    return box_width, box_height, tuple(lines)


def _tail(box, panel_size, side, size, tip=None, thought=False):
    left, top, right, bottom = box
    centre = (left + right) / 2
    if tip is None:
        r_left, r_top, r_right, _ = region(panel_size, side)
        inset = (r_right - r_left) * 0.2
        x = min(max(centre, r_left + inset), r_right - inset)
        y = max(bottom + (2.2 if thought else 1.2) * size, r_top + 0.6 * size)
        tip = (x, min(y, panel_size[1] - 2))
    radius = _radius(box, size)
    base_x = centre + (tip[0] - centre) * 0.5
    base_x = min(max(base_x, left + radius), right - radius)
    half = 0.35 * size
    edge_y = bottom - 1 if tip[1] >= bottom else top + 1
    return tip, ((base_x - half, edge_y), (base_x + half, edge_y))


def _radius(box, size):
    height = box[3] - box[1]
    return min(height / 2, 1.3 * size, (box[2] - box[0]) / 2)


def _inside(point, box, gap=0.0):
    return (box[0] - gap <= point[0] <= box[2] + gap and box[1] - gap <= point[1] <= box[3] + gap)


def _tail_hits(tip, base, box, size):
    """Whether a tail (its two edges, sampled finer than a third of the text size) enters box."""
    steps = max(4, int(math.dist(tip, base[0]) / max(2, size / 3)))
    for start in base:
        for k in range(steps + 1):
            t = k / steps
            if _inside((start[0] + (tip[0] - start[0]) * t, start[1] + (tip[1] - start[1]) * t),
                       box, 1):
                return True
    return False


def _overlap(a, b, gap):
    return not (a[2] + gap <= b[0] or b[2] + gap <= a[0] or a[3] + gap <= b[1]
                or b[3] + gap <= a[1])


def _reads_after(box, before, gap):
    """Reading order: below the earlier box, or level with it and to its right."""
    return box[1] >= before[3] + gap or (box[1] >= before[1] and box[0] >= before[2] + gap)


def _clear(candidate, tail, placed, size):
    gap = size * 0.25
    for other in placed:
        if _overlap(candidate, other.box, gap):
            return False
        if tail and _tail_hits(tail[0], tail[1], other.box, size):
            return False
        if other.tip and _tail_hits(other.tip, other.base, candidate, size):
            return False
    return True


def _given(index, item, panel_size, size, side, shape):
    width, height = panel_size
    box_w, box_h, lines = shape
    left = min(max(item.at[0] * width - box_w / 2, 0), width - box_w)
    top = min(max(item.at[1] * height - box_h / 2, 0), height - box_h)
    box = (left, top, left + box_w, top + box_h)
    if item.kind == "caption":
        return Placed(index, item, box, lines, size)
    tip = (item.tail[0] * width, item.tail[1] * height) if item.tail else None
    tip, base = _tail(box, panel_size, side, size, tip, item.kind == "thought")
    return Placed(index, item, box, lines, size, tip, base)


def _search(index, item, shape, panel_size, size, side, placed, limit):
    """The best free spot for an element in the band, or None."""
    width, _ = panel_size
    box_w, box_h, lines = shape
    step = max(4, size // 2)
    inset = 0 if item.kind == "caption" else round(size * 0.3)
    wanted = inset if item.kind == "caption" else (region(panel_size, side)[0]
                                                    + width / 6 - box_w / 2)
    earlier = [p for p in placed if p.element.at is None]
    best, best_cost = None, None
    gap = size * 0.25
    for top in range(inset, int(limit - box_h) + 1, step):
        for left in range(inset, int(width - inset - box_w) + 1, step):
            cost = top + 1.5 * abs(left - wanted)
            if best_cost is not None and cost >= best_cost:
                continue
            box = (left, top, left + box_w, top + box_h)
            if not all(_reads_after(box, p.box, gap) for p in earlier):
                continue
            tail = None if item.kind == "caption" else _tail(box, panel_size, side, size,
                                                               thought=item.kind == "thought")
            if _clear(box, tail, placed, size):
                best, best_cost = (box, tail), cost
    if best is None:
        return None
    box, tail = best
    return Placed(index, item, box, lines, size, *(tail or (None, None)))


def _lower(placed, panel_size, size):
    """Balloons let down as one group towards the band's bottom edge: shorter tails."""
    balloons = [p for p in placed if p.element.at is None and p.element.kind != "caption"]
    if not balloons:
        return placed
    room = panel_size[1] * BAND - max(p.box[3] for p in balloons)
    for shift in (room, room / 2):
        if shift <= 1:
            break
        moved = []
        for p in placed:
            if p in balloons:
                left, top, right, bottom = p.box
                box = (left, top + shift, right, bottom + shift)
                side = _side_of(p, panel_size)
                p = Placed(p.index, p.element, box, p.lines, size,
                           *_tail(box, panel_size, side, size,
                                 thought=p.element.kind == "thought"))
            moved.append(p)
        if all(_clear(p.box, (p.tip, p.base) if p.tip else None,
                      [q for q in moved if q is not p], size) for p in moved):
            return moved
    return placed


def _side_of(placed, panel_size):
    return SIDES[min(2, int(placed.tip[0] / panel_size[0] * 3))]


def _attempt(items, panel_size, staging, size, limit):
    """The lettering at one size with the band reaching `limit` px, or the index of the first
    element that found no room."""
    shapes = [_shape(item, panel_size, size) for item in items]
    for index, shape in enumerate(shapes):
        if shape is None:
            return index
    placed = [_given(i, item, panel_size, size, _side(staging, item.speaker), shapes[i])
              for i, item in enumerate(items) if item.at is not None]
    for i, item in enumerate(items):
        if item.at is None:
            spot = _search(i, item, shapes[i], panel_size, size, _side(staging, item.speaker),
                           placed, limit)
            if spot is None:
                return i
            placed.append(spot)
    placed = _lower(placed, panel_size, size)
    return Lettering(tuple(panel_size), size, tuple(sorted(placed, key=lambda p: p.index)))


def _fit(items, panel_size, staging, largest, basis):
    """(Lettering, None) at the largest size that fits, or (None, index that does not)."""
    low = text_size(panel_size, MINIMUM, basis)
    high = max(low, text_size(panel_size, largest, basis))
    sizes = sorted({round(high - (high - low) * k / (SIZE_STEPS - 1))
                    for k in range(SIZE_STEPS)}, reverse=True)
    tries = [(s, BAND) for s in sizes] + [(low, band) for band in FALLBACK_BANDS]
    failed = 0
    for size, band in tries:
        result = _attempt(items, panel_size, staging, size, panel_size[1] * band)
        if isinstance(result, Lettering):
            return result, None
        failed = result
    return None, failed


def _problems(items):
    problems = []
    if len(items) > MAX_ELEMENTS:
        problems.append({"index": MAX_ELEMENTS, "code": "too_many",
                         "message": f"a panel holds at most {MAX_ELEMENTS} texts"})
    for i, item in enumerate(items):
        if len(item.text) > MAX_TEXT:
            problems.append({"index": i, "code": "too_long",
                             "message": f"text {i + 1} is longer than {MAX_TEXT} characters"})
        unknown = typeset.missing(item.text)
        if unknown:
            problems.append({"index": i, "code": "unknown_characters",
                             "message": f"text {i + 1} has characters we cannot draw: "
                                        + "".join(unknown[:10])})
    return problems


def check_fit(panel_size, elements, staging=None, basis=None):
    """Problems, each `{"index", "code", "message"}` naming the element, that stop these texts
    from being lettered legibly on a panel of `panel_size` px; [] when they fit."""
    try:
        items = [element(e) for e in elements]
    except ValueError as error:
        return [{"index": 0, "code": "invalid", "message": str(error)}]
    problems = _problems(items)
    if problems or not items:
        return problems
    lettering, index = _fit(items, panel_size, staging, PREFERRED, basis)
    if lettering is None:
        return [{"index": index, "code": "does_not_fit",
                 "message": f"text {index + 1} does not fit in the panel at a legible size: "
                            "shorten it or move it to another panel"}]
    return _overlaps(lettering)


def _overlaps(lettering):
    """Texts the owner placed on top of another (placed ones are kept where they are put)."""
    problems = []
    for a, b in itertools.combinations(lettering.placed, 2):
        if (a.element.at or b.element.at) and _overlap(a.box, b.box, 0):
            problems.append({"index": b.index, "code": "overlaps",
                             "message": f"text {b.index + 1} overlaps text {a.index + 1}: "
                                        "move one of them"})
    return problems


def fitted_fraction(panel_size, elements, staging=None, basis=None):
    """The largest text size (as a fraction) at which these elements fit; None if none does."""
    items = [element(e) for e in elements]
    if not items:
        return PREFERRED
    lettering, _ = _fit(items, panel_size, staging, PREFERRED, basis)
    if lettering is None:
        return None
    return lettering.size / basis_of(panel_size, basis)


def cartoon_fraction(panels):
    """One text size for a whole cartoon: the smallest that each panel needs, so lettering looks
    the same throughout. `panels` holds (panel_size, elements, staging, basis)."""
    fractions = [fitted_fraction(*panel) for panel in panels]
    return max(MINIMUM, min([f for f in fractions if f is not None], default=PREFERRED))


def layout(panel_size, elements, staging=None, fraction=PREFERRED, basis=None):
    """The `Lettering` of a panel, at `fraction` or smaller if needed; DoesNotFit otherwise."""
    items = [element(e) for e in elements]
    problems = _problems(items)
    if problems:
        raise DoesNotFit(problems)
    lettering, index = _fit(items, panel_size, staging, fraction, basis)
    if lettering is None:
        raise DoesNotFit(check_fit(panel_size, items, staging, basis) or [
            {"index": index, "code": "does_not_fit", "message": "does not fit"}])
    return lettering


def _draw_balloon(draw, placed, outline):
    box, size = placed.box, placed.size
    radius = _radius(box, size)
    thought = placed.element.kind == "thought"
    if thought:
        tip, base = placed.tip, placed.base
        start = ((base[0][0] + base[1][0]) / 2, base[0][1])
        for k, scale in ((0.35, 0.45), (0.65, 0.32), (0.9, 0.2)):
            x = start[0] + (tip[0] - start[0]) * k
            y = start[1] + (tip[1] - start[1]) * k
            r = size * scale
            draw.ellipse((x - r, y - r, x + r, y + r), fill=BALLOON_FILL, outline=INK,
                         width=outline)
    else:
        draw.polygon([placed.base[0], placed.tip, placed.base[1]], fill=BALLOON_FILL,
                     outline=INK, width=outline)
    draw.rounded_rectangle(box, radius=radius, fill=BALLOON_FILL, outline=INK, width=outline)
    if not thought:  # the tail's root, painted over the outline so it joins the balloon
        (x1, y1), (x2, _) = placed.base
        inward = -outline if placed.tip[1] >= y1 else outline
        draw.polygon([(x1 + outline, y1 + inward), (x2 - outline, y1 + inward),
                      ((x1 + x2) / 2, y1 + inward * 3)], fill=BALLOON_FILL)
        draw.line([(x1 + outline, y1), (x2 - outline, y1)], fill=BALLOON_FILL, width=outline + 2)


def draw(image, lettering):
    """Draw `lettering` on `image` (an RGB Pillow image of the lettering's panel size)."""
    canvas = ImageDraw.Draw(image)
    for placed in lettering.placed:
        size = placed.size
        outline = max(2, round(size / 14))
        if placed.element.kind == "caption":
            canvas.rectangle(placed.box, fill=CAPTION_FILL, outline=INK, width=outline)
        else:
            _draw_balloon(canvas, placed, outline)
        pad_x, _ = _paddings(placed.element.kind, size)
        left, top, right, bottom = placed.box
        line_height = typeset.line_height(size)
        y = (top + bottom) / 2 - len(placed.lines) * line_height / 2 + size * 0.04
        for line in placed.lines:
            if placed.element.kind == "caption":
                x = left + pad_x
            else:
                x = (left + right) / 2 - typeset.width(line, size) / 2
            typeset.draw_line(canvas, image, (x, y), line, size, INK)
            y += line_height
    return image


def letter(image, elements, staging=None, fraction=PREFERRED, basis=None):
    """Lay out and draw `elements` on `image`; returns the `Lettering` drawn."""
    result = layout(image.size, elements, staging, fraction, basis)
    draw(image, result)
    return result
