"""Lettering: captions and balloons laid out on a panel, around what the picture holds, and drawn.

Plain data in (what the API and the worker store, JSON-friendly):

- an element is a dict `{"kind", "text": str, "speaker": str, "at": [x, y], "tail": [x, y],
  "width": w, "angle": degrees}`, of a kind `balloons.STYLES` draws (caption, speech, thought,
  whisper, shout, offpanel, sound); `speaker` is for balloons; `at` (the balloon's centre) and
  `tail` (its tail's tip) are optional, relative to the panel (0..1 across and down) and set
  when the owner moved them; `width` (optional, of the panel's width) is the box's width when
  the owner set it: the text is wrapped to it, and fits or does not; `angle` turns a sound
  effect. A panel holds at most `MAX_ELEMENTS`, in reading order.

Kinds (balloons.py): a balloon's tail points at its speaker's mouth; a voice from off panel's
goes straight to the panel's nearest edge, and it is placed off the edges to leave it room; a
sound effect is lettered `balloons.SOUND_SCALE` times larger, outlined, turned, anywhere on the
picture off the faces, outside the reading order. One speaker's second balloon in a row (kinds
that join) is placed near the first, under it or to its right, and joined to it by a neck
(`placement.neck`) instead of a tail, when there is room for that.
- a look (`figures.Look`, optional) says where the drawn picture put each figure's head and
  mouth, and what it left empty (the look step, or the offline renderer's exact geometry).
- a staging is a dict `{character name: "left"|"centre"|"right"}`: where the scene prompt
  asked each character to stand (`default_staging`: the first to speak on the left;
  `staging_prompt`, which also keeps the top `BAND` of the picture free). Without a look, or
  for a speaker the look did not find, the figures are where the staging puts them
  (`placement.staged_look`: where the offline renderer draws them), so one algorithm letters
  both.

Layout (`layout`, geometry in placement.py): elements with a position keep it (clamped into
the panel). The others go in the order sent, each to its best free spot: a head is a hard
obstacle (no box covers any part of it, no tail crosses it); a balloon sits near its speaker,
preferably above and beside the head, in the parts the look found empty, off the bodies and
out of the sky above those who speak later; its tail is short, slightly curved, starts on the
balloon's edge on the line from its centre and ends just beside the mouth (or above the head).
Reading order is the order sent: each text reads after the one before (below it, or level with
it and to its right); a caption sent first goes top-left, one sent last along the bottom. When
the best spots leave no room for a later text, all are placed again packed up into the top left.
Boxes never overlap, never leave the panel, and no tail crosses another text.
`Lettering.positions()` gives every element's `at` and `tail` back, to store.

Shape: a text is wrapped balanced (lines of similar width; a balloon's around a wider middle,
as its oval holds them), at several widths; the best-shaped (a balloon about twice as wide as
tall, never a tall narrow column while a wider shape fits; a caption a wide strip) that finds a
spot wins. No box is over `placement.MAX_AREA` (40 %) of its panel.

Size: text is set at `PREFERRED` of the panel's size (the geometric mean of its sides; on a
page, the size of the page's smallest panel, the `basis`, so every panel of a page letters
alike), and shrinks when it does not fit, or when a smaller size keeps a balloon off the
figures' bodies, never below `MINIMUM`: 3.6 % of that size, 37 px on a 1024 px panel. That is
14 CSS px when such a panel fills a 390 px phone, and 7 pt when eight of them share an A4 page
printed at 300 dpi. Words are never cut, and a face is never covered: when the texts cannot be
placed at the minimum without covering one, `check_fit` names the element (the API answers 400
with that field) and `layout` raises `DoesNotFit`. `check_fit` also names a text the owner
placed on top of another, and one with characters no bundled font has. `cartoon_fraction`
gives the one size that fits every panel of a cartoon, so its lettering looks the same
throughout.
"""

import functools
import itertools
import math
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter

from chalicelib.comic import balloons, placement, typeset

KINDS = balloons.KINDS
SIDES = ("left", "centre", "right")
MAX_ELEMENTS = 4
MAX_TEXT = 400  # characters in one element
BAND = placement.BAND  # top of the panel the prompt keeps free, as a fraction of its height
# text size, as a fraction of sqrt(width * height): 0.046 in Comic Neue, times its x-height
# over Comic Relief's (0.50 / 0.53 em: 0.0434), so the lettering reads as large as it did
PREFERRED = 0.043
MINIMUM = 0.036
SIZE_STEPS = 6
# widths tried for a text's box, in text sizes
BALLOON_EMS = (7, 8.5, 10, 11.5, 13, 15, 17, 19.5, 22, 25, 28, 34, 40)
SHAPES = 5  # the best-shaped of them tried in every spot
WIDEST = 0.94  # a box's widest, of the panel's width
MIN_WIDTH = 0.08  # the narrowest an owner may make a box, of the panel's width
# A box's usual width, of the panel's, where the text budget (budget.py) measures the room a
# text needs; the placement itself tries every width of BALLOON_EMS up to WIDEST.
BALLOON_WIDTH = 0.44
CAPTION_WIDTH = 0.7
INK = (29, 27, 38)
CAPTION_FILL = (255, 236, 170)
BALLOON_FILL = (255, 255, 255)
SOUND_FILL = (255, 206, 46)  # a sound effect's letters, inked around


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
    width: float = None  # the box's width, of the panel's, when the owner set it
    angle: float = None  # a sound effect's turn, degrees (balloons.sound_angle)

    @property
    def style(self):
        return balloons.STYLES[self.kind]


def _width(value):
    if value is None:
        return None
    if (not isinstance(value, (int, float)) or isinstance(value, bool)
            or not math.isfinite(value) or not MIN_WIDTH <= value <= WIDEST):
        raise ValueError(f"width must be between {MIN_WIDTH} and {WIDEST} of the panel")
    return float(value)


def _angle(value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(
            value):
        raise ValueError("angle must be a number of degrees")
    return balloons.sound_angle(value)


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
                   _point(data.get("tail"), "tail"), _width(data.get("width")),
                   _angle(data.get("angle")))


def default_staging(names, speakers=()):
    """Where to stand each character: one in the centre, two left and right, three left,
    centre, right; more take turns. Those who speak (`speakers`, in the order they speak)
    come first, so the first to speak stands on the left and is read first; then the rest
    in order."""
    spoken = {}
    for speaker in speakers:
        wanted = (speaker or "").casefold()
        spoken.update({n: None for n in names if n.casefold() == wanted})
    order = [*spoken, *(n for n in names if n not in spoken)]
    spots = {1: ("centre",), 2: ("left", "right")}.get(len(order), SIDES)
    return {name: spots[i % len(spots)] for i, name in enumerate(order)}


def staging_prompt(staging):
    """The sentence the scene prompt carries so the picture matches the lettering."""
    places = ", ".join(f"{name} on the {side}" for name, side in staging.items())
    stand = f"Stage the characters: {places}. " if staging else ""
    return (f"{stand}Keep the top {round(BAND * 100)} % of the picture free of faces and "
            "important detail (plain sky, wall or background): speech balloons go there.")


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
    tip: tuple = None  # the tail's tip, px; None for a text without a tail
    base: tuple = None  # the tail's two points on the balloon's edge
    bend: float = 0.0  # the tail's curve, px off the straight line (placement.outline)
    joined: bool = False  # continues the balloon before it (one speaker's), by a neck

    @property
    def words(self):
        return " ".join(self.lines).split()

    @property
    def tail(self):
        """The tail's polygon, px (placement.outline); None for a text without a tail."""
        return placement.outline(self.tip, self.base, self.bend) if self.tip else None

    @property
    def angle(self):
        """A sound effect's turn, degrees; None for every other kind."""
        return balloons.sound_angle(self.element.angle) if self.element.style.sound else None


@dataclass(frozen=True)
class Lettering:
    panel_size: tuple
    size: int
    placed: tuple  # of Placed, in the elements' order
    scene: placement.Scene = None  # the figures it was lettered around, px

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
    return balloons.paddings(kind, size)


@functools.lru_cache(maxsize=1024)
def _measured(text, size):
    """(units, their widths, a space's width) at `size`: a line's width is their sum, so
    wrapping is arithmetic (each line is measured again once set, for its box). The units are
    the words as they may be broken (typeset.units: French punctuation kept with its word,
    emphasis marked in each); the faces have no kerning, so the sum is the line's width."""
    units = tuple(typeset.units(text))
    return units, tuple(typeset.width(u, size) for u in units), typeset.width(" ", size)


def _breaks(widths, space, limits):
    """Greedy lines as (start, end) unit ranges, line k no wider than limits(k); None when a
    unit is wider than its line or more lines than `limits` allows are needed."""
    lines, start, used = [], 0, None
    for i, w in enumerate(widths):
        if used is None:
            used = w
        elif used + space + w <= limits(len(lines)):
            used += space + w
            continue
        else:
            lines.append((start, i))
            start, used = i, w
        if used > limits(len(lines)):
            return None
    lines.append((start, len(widths)))
    return lines


def _balanced(text, size, max_width, oval=False, skip=()):
    """(lines, their width): the narrowest wrapping with as few lines as the widest allows
    (even lines read better); `oval`: reshaped around a wider middle (`_lens`). None when a
    word is wider than `max_width`, or the line count is one of `skip`."""
    units, widths, space = _measured(text, size)
    lines = _breaks(widths, space, lambda _: max_width)
    if lines is None or len(lines) in skip:
        return None
    if len(lines) > 1:
        low, high = max(widths), max_width
        while high - low > 2:
            middle = (low + high) / 2
            trial = _breaks(widths, space, lambda _, m=middle: m)
            if trial is not None and len(trial) <= len(lines):
                high = middle
            else:
                low = middle
        lines = _breaks(widths, space, lambda _: high)
        lines = _lens(lines, widths, space) if oval else lines
    # a line measures the sum of its words and spaces, exactly (typeset: no kerning)
    widest = max(sum(widths[a:b]) + space * (b - a - 1) for a, b in lines) + 1
    return [" ".join(units[a:b]) for a, b in lines], widest


def _lens(lines, widths, space):
    """Balanced lines reshaped around a wider middle, as a balloon's oval holds them: the same
    number of lines, the outer ones narrower; the balanced ones when that does not work."""
    count = len(lines)
    if count < 3:
        return lines
    widest = max(sum(widths[a:b]) + space * (b - a - 1) for a, b in lines)

    def limit(k):
        offset = 2 * (min(k, count - 1) + 0.5) / count - 1  # -1 at the top, 1 at the bottom
        return widest * (1.04 - 0.25 * offset ** 2)

    shaped = _breaks(widths, space, limit)
    return shaped if shaped is not None and len(shaped) == count else lines


def _shapes(item, panel_size, size):
    if item.style.sound:
        return _sound_shapes(item.kind, item.text, tuple(panel_size), size, item.angle)
    if item.width is not None:
        return _shape_at(item.kind, item.text, tuple(panel_size), size, item.width)
    return _shapes_of(item.kind, item.text, tuple(panel_size), size)


def _box_of(kind, wrapped, size):
    """A wrapped text's box (width, height) px with its kind's paddings."""
    pad_x, pad_y = _paddings(kind, size)
    lines, text_width = wrapped
    return (math.ceil(text_width + 2 * pad_x),
            math.ceil(len(lines) * typeset.line_height(size) + 2 * pad_y))


@functools.lru_cache(maxsize=512)
def _shape_at(kind, text, panel_size, size, width):
    """The one shape of a box the owner made `width` (of the panel's) wide: its text wrapped
    balanced inside it, the box that wide; () when a word does not fit or the box would be
    too tall for the panel or over MAX_AREA of it."""
    box_w = math.ceil(width * panel_size[0])
    wrapped = _balanced(text, size, box_w - 2 * _paddings(kind, size)[0],
                        oval=not balloons.STYLES[kind].caption)
    if wrapped is None:
        return ()
    box_h = _box_of(kind, wrapped, size)[1]
    if box_w * box_h > placement.MAX_AREA * panel_size[0] * panel_size[1] or box_h > panel_size[1]:
        return ()
    return ((box_w, box_h, tuple(wrapped[0]), 0.0),)


@functools.lru_cache(maxsize=256)
def _sound_shapes(kind, text, panel_size, size, angle):
    """A sound effect's shapes: its letters `balloons.sound_size`, on as few lines as fit,
    the box holding them turned by its angle."""
    width, height = panel_size
    display = balloons.sound_size(size)
    pad_x, pad_y = _paddings(kind, size)
    turn = balloons.sound_angle(angle)
    found = {}
    for ems in BALLOON_EMS[:8]:
        wrapped = _balanced(text, display, min(ems * display, width * WIDEST) - 2 * pad_x,
                            skip=found)
        if wrapped is None:
            continue
        lines, text_width = wrapped
        block = balloons.turned(text_width, len(lines) * typeset.line_height(display), turn)
        box_w, box_h = math.ceil(block[0] + 2 * pad_x), math.ceil(block[1] + 2 * pad_y)
        if box_w * box_h > placement.MAX_AREA * width * height or box_h > height \
                or box_w > width:
            continue
        found[len(lines)] = (box_w, box_h, tuple(lines), len(lines) - 1.0)
    return tuple(sorted(found.values(), key=lambda s: s[3])[:SHAPES])


@functools.lru_cache(maxsize=512)
def _shapes_of(kind, text, panel_size, size):
    """The shapes to try for an element at `size`: (width, height, lines, cost in text sizes),
    balanced, none over MAX_AREA of the panel; [] when a word is too long even at the widest.
    A balloon likes to be about twice as wide as tall, a caption a wide strip."""
    width, height = panel_size
    pad_x = _paddings(kind, size)[0]
    caption = balloons.STYLES[kind].caption  # a caption's strip
    ideal = 5.0 if caption else 2.0
    found = {}
    for ems in (BALLOON_EMS[1:] if caption else BALLOON_EMS):
        wrapped = _balanced(text, size, min(ems * size, width * WIDEST) - 2 * pad_x,
                            oval=not caption, skip=found)
        if wrapped is None:
            continue
        lines = wrapped[0]
        box_w, box_h = _box_of(kind, wrapped, size)
        if box_w * box_h > placement.MAX_AREA * width * height or box_h > height:
            continue
        aspect = box_w / box_h
        found[len(lines)] = (box_w, box_h, tuple(lines),
                             abs(math.log(aspect / ideal)) * (0.3 if caption else 1.5))
    shapes = sorted(found.values(), key=lambda s: s[3])
    if not caption:  # no tall narrow columns while a wider shape fits
        wide = [s for s in shapes if s[0] >= 0.9 * s[1]]
        shapes = wide or shapes
    return tuple(shapes[:SHAPES])


def _body(scene, item):
    """The figure whose mouth a text's tail points at: None for a text without one (a caption,
    a sound effect, a voice from off panel, whose tail goes to the panel's edge)."""
    return scene.body(item.speaker) if item.style.to_speaker else None


def _joins(items, index):
    """Whether element `index` continues the one before it: one speaker's, both of kinds that
    join (a neck, no tail of its own)."""
    if index == 0:
        return False
    item, before = items[index], items[index - 1]
    return (item.style.joins and before.style.joins and bool(item.speaker)
            and item.speaker.casefold() == before.speaker.casefold() and item.tail is None)


def _edge_tail(box, scene, size):
    """(tip, base, bend) of a voice from off panel: straight to the panel's nearest edge."""
    tip = placement.edge_tip(box, scene.size, scene.heads)
    return tip, placement.edge_root(box, tip, size), 0.0


def _given(items, index, panel_size, size, scene, shapes, placed, where):
    item = items[index]
    width, height = panel_size
    body = _body(scene, item)
    centre = (item.at[0] * width, item.at[1] * height)
    box_w, box_h, lines, _ = shapes[placement.given_shape(
        centre, [s[:2] + s[3:] for s in shapes], scene, size, body, [p.box for p in placed], where)]
    left = min(max(item.at[0] * width - box_w / 2, 0), width - box_w)
    top = min(max(item.at[1] * height - box_h / 2, 0), height - box_h)
    box = (left, top, left + box_w, top + box_h)
    before = next((p for p in placed if p.index == index - 1), None)
    if item.style.tail is None:
        return Placed(index, item, box, lines, size)
    if before is not None and _joins(items, index) and placement.neck(before.box, box, size):
        return Placed(index, item, box, lines, size, joined=True)
    if item.tail and item.style.tail == "edge":
        tip = (item.tail[0] * width, item.tail[1] * height)
        return Placed(index, item, box, lines, size, tip, placement.edge_root(box, tip, size))
    if item.style.tail == "edge":
        return Placed(index, item, box, lines, size, *_edge_tail(box, scene, size))
    if item.tail:
        tip = (item.tail[0] * width, item.tail[1] * height)
        base = placement.root(box, tip, size)
        return Placed(index, item, box, lines, size, tip, base, placement.bend_of(base, tip))
    found = placement.tail_for(box, body, size, scene, [p.box for p in placed])
    tip, base, bend = found[1:] if found else placement.unreachable_tip(box, body, size)
    return Placed(index, item, box, lines, size, tip, base, bend)


def _where(index, items):
    if index == 0:
        return "first"
    return "last" if index == len(items) - 1 else "middle"


def _attempt(items, scene, size):
    """The lettering at one size, or the index of the first element that found no room. When
    the texts, each placed where it reads best, leave no room for a later one, they are placed
    again packed up into the top left, in reading order, before giving up."""
    panel_size = scene.size
    shapes = [_shapes(item, panel_size, size) for item in items]
    for index, shape in enumerate(shapes):
        if not shape:
            return index
    given = []
    for i, item in enumerate(items):
        if item.at is not None:
            given.append(_given(items, i, panel_size, size, scene, shapes[i], given,
                                _where(i, items)))
    result = _place(items, scene, size, shapes, given, placement.W_HIGH)
    if isinstance(result, int):
        packed = _place(items, scene, size, shapes, given, placement.W_PACKED)
        result = result if isinstance(packed, int) else packed
    return result


def _place(items, scene, size, shapes, given, high):
    placed = list(given)
    spots = [placement.Spot(p.box, p.tip, p.base, p.bend) for p in placed]
    order = []
    for i, item in enumerate(items):
        if item.at is not None:
            continue
        later = [x.speaker for x in items[i + 1:] if _body(scene, x) and x.at is None]
        shaped = [s[:2] + s[3:] for s in shapes[i]]
        before = next((p for p in placed if p.index == i - 1), None)
        spot = joined = None
        if before is not None and _joins(items, i):
            spot = placement.search(shaped, scene, size, None, spots, order, "free", later,
                                    high, joined=before.box)
            joined = spot
        if spot is None:
            spot = _search(item, shaped, scene, size, spots, order, _where(i, items), later,
                           high)
        if spot is None:
            return i
        lines = shapes[i][spot.shape][2]
        tail = (spot.tip, spot.base, spot.bend)
        if item.style.tail == "edge":
            tail = _edge_tail(spot.box, scene, size)
        placed.append(Placed(i, item, spot.box, lines, size, *tail, joined=joined is not None))
        spots.append(placement.Spot(spot.box, *tail))
        if not item.style.sound:  # a sound effect is not read in order: it is on the picture
            order.append(spot.box)
    return Lettering(tuple(scene.size), size, tuple(sorted(placed, key=lambda p: p.index)),
                     scene)


def _search(item, shaped, scene, size, spots, order, where, later, high):
    """The best spot for `item`: a balloon near its speaker; a sound effect anywhere off the
    faces, not in reading order; a voice from off panel off the edges, for its tail."""
    if item.style.sound:
        return placement.search(shaped, scene, size, None, spots, [], "free", later, high,
                                inset=round(0.6 * size))
    if item.style.tail == "edge":
        return placement.search(shaped, scene, size, None, spots, order, "free", later, high,
                                inset=round(placement.EDGE_INSET * size))
    return placement.search(shaped, scene, size, _body(scene, item), spots, order, where,
                            later, high)


def _scene(items, panel_size, staging, look):
    speakers = [item.speaker for item in items if item.style.to_speaker]
    return placement.scene_of(tuple(panel_size), look, staging, speakers)


def _fit(items, panel_size, staging, largest, basis, look=None):
    """(Lettering, None) at the largest size that fits, or (None, index that does not)."""
    scene = _scene(items, panel_size, staging, look)
    low = text_size(panel_size, MINIMUM, basis)
    high = max(low, text_size(panel_size, largest, basis))
    sizes = sorted({round(high - (high - low) * k / (SIZE_STEPS - 1))
                    for k in range(SIZE_STEPS)}, reverse=True)
    failed, first = 0, None
    for size in sizes:
        result = _attempt(items, scene, size)
        if isinstance(result, Lettering):
            if not _awkward(result):
                return result, None
            first = first or result  # a smaller size may keep the figures clear
        else:
            failed = result
    return (first, None) if first else (None, failed)


def _awkward(lettering):
    """Whether a balloon placed here covers a figure's body."""
    return any(p.element.at is None and p.tip and placement.awkward(p.box, lettering.scene)
               for p in lettering.placed)


def _overlap(a, b, gap):
    return placement.overlap(a, b, gap)


def _tail_hits(tip, base, box, size):
    """Whether a tail's straight sides (base to tip) enter box."""
    return any(placement.segment_hits(start, tip, (box[0] + 1, box[1] + 1, box[2] - 1,
                                                   box[3] - 1)) for start in base)


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


def check_fit(panel_size, elements, staging=None, basis=None, look=None):
    """Problems, each `{"index", "code", "message"}` naming the element, that stop these texts
    from being lettered legibly on a panel of `panel_size` px; [] when they fit. Without a
    `look`, against the figures the staging promises."""
    try:
        items = [element(e) for e in elements]
    except ValueError as error:
        return [{"index": 0, "code": "invalid", "message": str(error)}]
    problems = _problems(items)
    if problems or not items:
        return problems
    lettering, index = _fit(items, panel_size, staging, PREFERRED, basis, look)
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


def fitted_fraction(panel_size, elements, staging=None, basis=None, look=None):
    """The largest text size (as a fraction) at which these elements fit; None if none does."""
    items = [element(e) for e in elements]
    if not items:
        return PREFERRED
    lettering, _ = _fit(items, panel_size, staging, PREFERRED, basis, look)
    if lettering is None:
        return None
    return lettering.size / basis_of(panel_size, basis)


def cartoon_fraction(panels):
    """One text size for a whole cartoon: the smallest that each panel needs, so lettering looks
    the same throughout. `panels` holds (panel_size, elements, staging, basis[, look])."""
    fractions = [fitted_fraction(*panel) for panel in panels]
    return max(MINIMUM, min([f for f in fractions if f is not None], default=PREFERRED))


def layout(panel_size, elements, staging=None, fraction=PREFERRED, basis=None, look=None):
    """The `Lettering` of a panel, at `fraction` or smaller if needed; DoesNotFit otherwise.
    `look` (a figures.Look) says where the picture's figures are; without one, or for a
    speaker it does not hold, the staging does."""
    items = [element(e) for e in elements]
    problems = _problems(items)
    if problems:
        raise DoesNotFit(problems)
    lettering, index = _fit(items, panel_size, staging, fraction, basis, look)
    if lettering is None:
        raise DoesNotFit(check_fit(panel_size, items, staging, basis, look) or [
            {"index": index, "code": "does_not_fit", "message": "does not fit"}])
    return lettering


FILLS = {"balloon": BALLOON_FILL, "caption": CAPTION_FILL, "join": BALLOON_FILL}


def _draw_part(canvas, part, size):
    """One of `balloons.parts` of a balloon lettered at `size` drawn with Pillow: filled, its
    outline inked (in dashes when dashed; none for a patch, which paints over outlines where a
    tail or neck joins)."""
    width = balloons.outline_width(size)
    fill = FILLS.get(part.role)
    if fill is None:  # a sound effect: no box
        return
    ink = None if part.role == "join" or part.dashed else INK
    if part.tag == "rect":
        if part.radius:
            canvas.rounded_rectangle(part.box, radius=part.radius, fill=fill, outline=ink,
                                     width=width)
        else:
            canvas.rectangle(part.box, fill=fill, outline=ink, width=width)
    elif part.tag == "circle":
        (x, y), r = part.centre, part.radius
        canvas.ellipse((x - r, y - r, x + r, y + r), fill=fill, outline=ink, width=width)
    else:
        canvas.polygon(part.points, fill=fill, outline=ink, width=width)
    if part.dashed:
        # on the middle of the band a solid outline would fill (Pillow draws it inside)
        inner = tuple(v + d * width / 2 for v, d in zip(part.box or (), (1, 1, -1, -1),
                                                          strict=False))
        points = balloons.rounded_points(inner, size) if part.tag == "rect" else part.points
        for dash in balloons.dashes(points, size, closed=True):
            canvas.line(dash, fill=INK, width=width, joint="curve")


def _parts(lettering, placed):
    joined = lettering.placed[placed.index - 1].box if placed.joined else None
    return balloons.parts(placed.element.kind, placed.box, placed.size, placed.tip,
                          placed.base, placed.bend, joined)


def _draw_sound(image, placed):
    """A sound effect: its letters filled and inked around, turned by its angle, centred on
    its box, straight on the picture."""
    display = balloons.sound_size(placed.size)
    stroke = max(2, round(display * 0.07))
    line_height = typeset.line_height(display)
    widths = [typeset.width(line, display) for line in placed.lines]
    margin = 2 * stroke
    layer = Image.new("RGBA", (math.ceil(max(widths)) + 2 * margin,
                               math.ceil(len(widths) * line_height) + 2 * margin), (0, 0, 0, 0))
    canvas = ImageDraw.Draw(layer)
    for k, (line, width) in enumerate(zip(placed.lines, widths, strict=True)):
        x = (layer.width - width) / 2
        typeset.draw_line(canvas, layer, (x, margin + k * line_height), line, display,
                          (255, 255, 255, 255))
    letters = layer.getchannel("A")
    around = letters.filter(ImageFilter.MaxFilter(2 * stroke + 1))
    out = Image.new("RGBA", layer.size, (*INK, 0))
    out.putalpha(around)
    out.paste(Image.new("RGBA", layer.size, (*SOUND_FILL, 255)), (0, 0), letters)
    out = out.rotate(placed.angle, resample=Image.Resampling.BICUBIC, expand=True)
    left, top, right, bottom = placed.box
    image.paste(out, (round((left + right - out.width) / 2), round((top + bottom - out.height)
                                                                   / 2)), out)


def _draw_text(canvas, image, placed):
    size = placed.size
    pad_x, _ = _paddings(placed.element.kind, size)
    left, top, right, bottom = placed.box
    line_height = typeset.line_height(size)
    y = (top + bottom) / 2 - len(placed.lines) * line_height / 2 + size * 0.04
    for line in placed.lines:
        if placed.element.style.caption:  # reads from the left
            x = left + pad_x
        else:
            x = (left + right) / 2 - typeset.width(line, size) / 2
        typeset.draw_line(canvas, image, (x, y), line, size, INK)
        y += line_height


def draw(image, lettering):
    """Draw `lettering` on `image` (an RGB Pillow image of the lettering's panel size): every
    outline first (a neck joins two), then the texts over them."""
    canvas = ImageDraw.Draw(image)
    for placed in lettering.placed:
        for part in _parts(lettering, placed):
            _draw_part(canvas, part, placed.size)
    for placed in lettering.placed:
        if placed.element.style.sound:
            _draw_sound(image, placed)
        else:
            _draw_text(canvas, image, placed)
    return image


def letter(image, elements, staging=None, fraction=PREFERRED, basis=None, look=None):
    """Lay out and draw `elements` on `image`; returns the `Lettering` drawn."""
    result = layout(image.size, elements, staging, fraction, basis, look)
    draw(image, result)
    return result


def in_capitals(elements):
    """`elements` (plain dicts) with their texts in capitals (`typeset.capitals`), for a cartoon
    lettered as comics traditionally are; laid out, checked and drawn as any text is."""
    return [{**data, "text": typeset.capitals(data["text"])} for data in elements]
