"""The balloon kinds the engine draws, and their outlines as pure geometry (no Pillow): what
lettering.py draws with Pillow, what site/js/balloon-shapes.js draws in SVG with the same
formulas, and what the tests measure.

`STYLES` holds each kind's outline, its tail, the room kept between its outline and its text
(in text sizes), whether the text budget counts it (budget.py) and whether two balloons of one
speaker in a row are joined by a neck. core/vocabulary.py's KINDS names the same kinds with the
same outline and tail (tests/cartoons/test_elements.py holds them equal): the comic engine
imports nothing of ours, so the registry is read there and drawn here.

Adding a balloon kind: its entry in vocabulary.KINDS, its Style here (and its outline below
when it is a new one), the same in site/js/balloon-shapes.js, and its words (strings.js,
core/words/*.json). Nothing else names a kind.

`parts(kind, box, size, ...)` is a balloon's drawing as a list of `Part`s, in drawing order:
a tail first, the outline over it. Tags: "rect" (a box, `radius` for its corners), "polygon"
(points), "circle" (centre and radius); `role` says how it is filled: "balloon" (white, inked
outline), "caption" (yellow, inked), "join" (white, no outline: paints over the outlines where
a neck or a tail meets its balloon), "sound" (nothing: the sound effect's letters are drawn
on the picture); `dashed` outlines are drawn in dashes.
"""

import itertools
import math
from dataclasses import dataclass

from chalicelib.comic import placement

BUMP = 0.5  # a thought cloud's bumps: their radius, in text sizes
SPIKE = 0.7  # a shout's spikes: their length, in text sizes
DASH = (0.55, 0.35)  # a whisper's dashes and gaps, in text sizes
SOUND_SCALE = 1.8  # a sound effect's letters, of the text size
SOUND_ANGLE = -6.0  # a sound effect's tilt (degrees, counter-clockwise) when none is given
MAX_ANGLE = 20.0  # the most a sound effect may be turned either way


@dataclass(frozen=True)
class Style:
    outline: str  # "box", "rounded", "cloud", "dashed", "burst" or "none"
    tail: str = None  # "wedge", "bubbles", "edge" (to the panel's edge) or None
    pad: tuple = (0.8, 0.4)  # between the outline's box and the text, in text sizes (x, y)
    budget: bool = True  # counted in the text budget (budget.py)
    joins: bool = False  # one speaker's two in a row are joined by a neck

    @property
    def to_speaker(self):
        """Its tail points at its speaker's mouth in the picture (not a voice from off panel's,
        which goes to the panel's edge)."""
        return self.tail in ("wedge", "bubbles")

    @property
    def caption(self):
        """A caption: a box on the panel's edge, read from the left, with no speaker."""
        return self.outline == "box"

    @property
    def sound(self):
        """A sound effect: no outline, its letters large, outlined and turned on the picture,
        outside the reading order."""
        return self.outline == "none"


STYLES = {
    "caption": Style("box", None, (0.45, 0.45)),
    "speech": Style("rounded", "wedge", joins=True),
    "thought": Style("cloud", "bubbles", (0.8 + 0.6 * BUMP, 0.4 + 0.6 * BUMP)),
    "whisper": Style("dashed", "wedge", joins=True),
    "shout": Style("burst", "wedge", (1.0 + 0.6 * SPIKE, 0.4 + 0.6 * SPIKE), joins=True),
    "offpanel": Style("rounded", "edge"),
    "sound": Style("none", None, (0.15, 0.1), budget=False),
}
KINDS = tuple(STYLES)


@dataclass(frozen=True)
class Part:
    tag: str  # "rect", "polygon" or "circle"
    role: str  # "balloon", "caption", "join" or "sound"
    box: tuple = None  # a rect's (left, top, right, bottom)
    radius: float = 0.0  # a rect's corners, or a circle's radius
    points: tuple = None  # a polygon's
    centre: tuple = None  # a circle's
    dashed: bool = False

    def bounds(self):
        """(left, top, right, bottom) px: what the overlay's twin is compared by."""
        if self.tag == "rect":
            return self.box
        if self.tag == "circle":
            (x, y), r = self.centre, self.radius
            return (x - r, y - r, x + r, y + r)
        xs, ys = [p[0] for p in self.points], [p[1] for p in self.points]
        return (min(xs), min(ys), max(xs), max(ys))


def paddings(kind, size):
    pad_x, pad_y = STYLES[kind].pad
    return pad_x * size, pad_y * size


def sound_size(size):
    """A sound effect's letters, px, for the panel's text size."""
    return max(1, round(SOUND_SCALE * size))


def sound_angle(angle):
    """The angle a sound effect is drawn at: the one given, within MAX_ANGLE, or a slight
    tilt."""
    return SOUND_ANGLE if angle is None else max(-MAX_ANGLE, min(MAX_ANGLE, float(angle)))


def turned(width, height, angle):
    """(width, height) of the box holding a width x height block turned by `angle` degrees."""
    a = math.radians(angle)
    c, s = abs(math.cos(a)), abs(math.sin(a))
    return width * c + height * s, width * s + height * c


# The perimeter of a rounded box, walked clockwise from its top edge's left end: the common
# ground of the cloud, the burst and the dashes.

def _inset(box, by):
    return (box[0] + by, box[1] + by, box[2] - by, box[3] - by)


def _segments(box, r):
    """The perimeter as segments: ("line", start, end, normal) and ("arc", centre, start
    angle), each with its length."""
    left, top, right, bottom = box
    w, h = right - left - 2 * r, bottom - top - 2 * r
    arc = math.pi / 2 * r
    return [("line", (left + r, top), (right - r, top), (0, -1), w),
            ("arc", (right - r, top + r), -math.pi / 2, None, arc),
            ("line", (right, top + r), (right, bottom - r), (1, 0), h),
            ("arc", (right - r, bottom - r), 0.0, None, arc),
            ("line", (right - r, bottom), (left + r, bottom), (0, 1), w),
            ("arc", (left + r, bottom - r), math.pi / 2, None, arc),
            ("line", (left, bottom - r), (left, top + r), (-1, 0), h),
            ("arc", (left + r, top + r), math.pi, None, arc)]


def perimeter(box, r):
    """(its length, a function u -> (point, outward normal)) of the rounded box `box` with
    corners of radius `r`."""
    segments = _segments(box, r)
    length = sum(s[4] for s in segments)

    def at(u):
        u = u % length if length else 0.0
        for kind, a, b, normal, size in segments:
            if u <= size:
                if kind == "line":
                    t = u / size if size else 0.0
                    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t), normal
                angle = b + (u / r if r else 0.0)
                normal = (math.cos(angle), math.sin(angle))
                return (a[0] + r * normal[0], a[1] + r * normal[1]), normal
            u -= size
        return segments[0][1], segments[0][3]

    return length, at


def cloud(box, size):
    """A thought's cloud: bumps of radius BUMP text sizes whose centres run along a rounded
    box inset by that radius, so the bumps' tops touch `box`."""
    d = BUMP * size
    inner = _inset(box, d)
    length, at = perimeter(inner, placement.radius(inner, size))
    count = max(6, round(length / (1.6 * d)))
    step, samples = length / count, 8
    points = []
    for k in range(count * samples):
        u = k * step / samples
        x = (u % step) - step / 2
        (px, py), (nx, ny) = at(u)
        lift = math.sqrt(max(d * d - x * x, 0.0))
        points.append((px + nx * lift, py + ny * lift))
    return points


def burst(box, size):
    """A shout's burst: spikes of SPIKE text sizes, long and shorter in turn, out of a rounded
    box inset by that length."""
    d = SPIKE * size
    inner = _inset(box, d)
    length, at = perimeter(inner, placement.radius(inner, size))
    count = max(8, 2 * round(length / (2.2 * d)))
    step = length / count
    points = []
    for k in range(count):
        for u, lift in ((k * step, 0.1 * d), ((k + 0.5) * step, d if k % 2 == 0 else 0.7 * d)):
            (px, py), (nx, ny) = at(u)
            points.append((px + nx * lift, py + ny * lift))
    return points


def dashes(points, size, closed=False):
    """The polyline `points` cut into dashes (each a polyline) of DASH's lengths."""
    on, period = DASH[0] * size, (DASH[0] + DASH[1]) * size
    path = [*points, points[0]] if closed else list(points)
    out, current, travelled = [], [], 0.0
    for a, b in itertools.pairwise(path):
        length = math.dist(a, b)
        if not length:
            continue
        first, last = math.floor(travelled / period), math.floor((travelled + length) / period)
        # where this segment passes from a dash to a gap or back
        inside = [b - travelled for k in range(first, last + 1)
                  for b in (k * period + on, (k + 1) * period)
                  if travelled < b < travelled + length]
        cuts = [0.0, *inside]
        cuts.append(length)
        for s0, s1 in itertools.pairwise(cuts):
            p0 = (a[0] + (b[0] - a[0]) * s0 / length, a[1] + (b[1] - a[1]) * s0 / length)
            p1 = (a[0] + (b[0] - a[0]) * s1 / length, a[1] + (b[1] - a[1]) * s1 / length)
            if (travelled + (s0 + s1) / 2) % period < on:
                current = [*(current or [p0]), p1]
            elif current:
                out.append(current)
                current = []
        travelled += length
    return [*out, current] if current else out


def rounded_points(box, size):
    """A balloon's rounded box as a closed polyline (for its dashes), a point every quarter
    text size."""
    length, at = perimeter(box, placement.radius(box, size))
    count = max(16, round(length / (0.25 * size)))
    return [at(k * length / count)[0] for k in range(count)]


def _bubbles(tip, base, size):
    start = ((base[0][0] + base[1][0]) / 2, (base[0][1] + base[1][1]) / 2)
    return [Part("circle", "balloon", centre=(start[0] + (tip[0] - start[0]) * k,
                                               start[1] + (tip[1] - start[1]) * k),
                 radius=size * scale)
            for k, scale in ((0.35, 0.45), (0.65, 0.32), (0.9, 0.2))]


def _inward(base, box):
    """The unit vector from a tail's base into its box (across the edge it stands on)."""
    (x0, y0), (x1, y1) = base
    if abs(x1 - x0) >= abs(y1 - y0):  # on the top or bottom edge
        return (0.0, 1.0 if y0 < (box[1] + box[3]) / 2 else -1.0)
    return (1.0 if x0 < (box[0] + box[2]) / 2 else -1.0, 0.0)


def outline_width(size):
    """The outline's stroke, px (the overlay's `outlineWidth`)."""
    return max(2, round(size / 14))


def _patch(a, b, inward, size, into, trim=1.5, out=None):
    """A quad over the outline between points `a` and `b` of an edge (`trim` outline widths
    off each end, or past them when negative), from `out` px outside the edge (an outline's
    width unless said) to `into` px inside it."""
    w = outline_width(size)
    out = w if out is None else out
    along = math.dist(a, b) or 1.0
    ax, ay = (b[0] - a[0]) / along * trim * w, (b[1] - a[1]) / along * trim * w
    nx, ny = inward
    return Part("polygon", "join", points=(
        (a[0] + ax - nx * out, a[1] + ay - ny * out), (b[0] - ax - nx * out, b[1] - ay - ny * out),
        (b[0] - ax + nx * into, b[1] - ay + ny * into),
        (a[0] + ax + nx * into, a[1] + ay + ny * into)))


def _wedge(kind, tip, base, bend, box, size):
    """A wedge tail and the patch joining it to its box (none for a burst: its spikes are
    drawn over the tail's base, sunk the spikes' length into the box)."""
    nx, ny = _inward(base, box)
    burst_ = STYLES[kind].outline == "burst"
    sink = SPIKE * size if burst_ else 0.0
    sunk = tuple((x + nx * sink, y + ny * sink) for x, y in base)
    tail = Part("polygon", "balloon", points=tuple(placement.outline(tip, sunk, bend)),
                dashed=STYLES[kind].outline == "dashed")
    if burst_:
        return [tail], []
    edge = tuple((x - nx, y - ny) for x, y in base)  # the base stands 1 px inside the edge
    return [tail], [_patch(*edge, (nx, ny), size, outline_width(size) + 1)]


def neck(first, second, size):
    """The short band joining the balloon on `first` to the next one, on `second`, of one
    speaker, between `placement.neck`'s ends; and its patch over both outlines. None when
    they cannot be joined."""
    ends = placement.neck(first, second, size)
    if ends is None:
        return None
    (ax, ay), (bx, by) = ends
    half = placement.NECK * size / 2
    length = math.dist((ax, ay), (bx, by)) or 1.0
    ux, uy = (bx - ax) / length, (by - ay) / length  # from the first box to the second
    hx, hy = -uy * half, ux * half
    # into each box past a rounded corner's depth, under the patch that opens the outline
    ext = max(placement.radius(first, size), placement.radius(second, size)) / 2
    band = Part("polygon", "balloon", points=(
        (ax - hx - ux * ext, ay - hy - uy * ext), (bx - hx + ux * ext, by - hy + uy * ext),
        (bx + hx + ux * ext, by + hy + uy * ext), (ax + hx - ux * ext, ay + hy - uy * ext)))
    into = ext + 2 * outline_width(size)
    patches = [_patch((ax - hx, ay - hy), (ax + hx, ay + hy), (-ux, -uy), size, into, -1, 0),
               _patch((bx - hx, by - hy), (bx + hx, by + hy), (ux, uy), size, into, -1, 0)]
    return band, patches


def outline_part(kind, box, size):
    """The outline of a balloon of `kind` on `box` (no tail)."""
    shape = STYLES[kind].outline
    if shape == "box":
        return Part("rect", "caption", box)
    if shape == "none":
        return Part("rect", "sound", box)
    if shape == "cloud":
        return Part("polygon", "balloon", points=tuple(cloud(box, size)))
    if shape == "burst":
        return Part("polygon", "balloon", points=tuple(burst(box, size)))
    return Part("rect", "balloon", box, placement.radius(box, size), dashed=shape == "dashed")


def parts(kind, box, size, tip=None, base=None, bend=0.0, joined=None):
    """A balloon's drawing, in order: its tail (or the neck from `joined`, the box of the
    balloon it continues), its outline, then the patches joining them."""
    tail = STYLES[kind].tail
    out, patches = [], []
    if joined is not None:
        found = neck(joined, box, size)
        if found:
            out, patches = [found[0]], found[1]
    elif tip is not None and tail == "bubbles":
        out = _bubbles(tip, base, size)
    elif tip is not None and tail in ("wedge", "edge"):
        out, patches = _wedge(kind, tip, base, bend, box, size)
    return [*out, outline_part(kind, box, size), *patches]
