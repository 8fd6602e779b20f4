"""Where a letterer puts a text on a picture: the geometry of the lettering, Pillow-free.

A `Scene` is what a panel holds, in px: each figure's head (a hard obstacle: no box and no tail
ever enters it) and mouth (where its tail points), the parts of the picture that hold nothing
important, and a zone below each head where the figure's body is. It comes from a
`figures.Look` (what was drawn) and, for anyone the look does not hold, from the staging
(`staged_look`: a head and mouth in that side's third, where the offline renderer draws them).

`search` finds the best free spot for one text of a given shape among candidates (a grid plus
spots snug against heads, edges and earlier texts), by branch and bound: a cheap lower bound
orders them and only the promising ones get a tail. Hard rules: inside the panel, off every
head, apart from earlier texts and their tails, after the earlier texts in reading order (below
them, or level and to their right), and a tail that reaches its speaker's head without
crossing a head or another text. Costs: a short tail ending near the mouth, above the head,
in empty space, off the bodies, high in the panel; a caption sent first goes top-left, one sent
after the others goes at the bottom.

A tail starts on the balloon's edge, on the line from the balloon's centre to its tip, and
ends just outside the speaker's head, beside the mouth (or above it), slightly curved.
"""

import itertools
import math
from dataclasses import dataclass

from chalicelib.comic import figures as figures_mod

SIDES = ("left", "centre", "right")
BAND = 0.30  # the top of the picture the staging prompt keeps free for lettering
MAX_AREA = 0.40  # of the panel: the largest a single balloon or caption may be
MAX_TAIL = 0.4  # the longest tail, of the panel's size (sqrt(width * height))
FLAT = 0.35  # a tail drops (or rises) at least this much of its length: it points, not lies
BEND = 0.12  # a tail's curve: its control point off the straight line, of its length
TIP_GAP = 0.15  # between a tail's tip and the head it points at, of the text size
BOX_GAP = 0.35  # between a text and a head or another text, of the text size
CLEAR = 0.6  # a tip is at least this far (text sizes) above or below its balloon
GRID = 12  # candidate positions along the panel's longer side (plus the snug ones)
# Costs, in px of tail (a text size is ~47 px on a 1024 px panel).
W_MOUTH = 1.5  # per px between the tip and the mouth
W_LOW = 0.6  # per px a balloon's bottom is below its speaker's head top
W_FULL = 6.0  # text sizes, for a box wholly outside the empty parts
W_BODY = 4.0  # text sizes, for a box wholly over a body
W_AIR = 3.0  # text sizes, for a box wholly above a later speaker's head
W_HIGH = 0.08  # per px down the panel
W_PACKED = 3.0  # the same, when texts must be packed up to leave room for later ones
W_ANCHOR = 1.0  # per px a caption is from its corner
W_NEAR = 1.0  # per px between a joined balloon and the one it continues
NECK = 0.6  # a neck joining one speaker's two balloons: its width, in text sizes
NECK_GAPS = (0.8, 2.5)  # the shortest and longest gap a neck spans, in text sizes
EDGE_INSET = 1.5  # a voice from off panel keeps this far (text sizes) from the panel's edges

# Where the offline renderer (offline_art) draws a figure of a panel `height` px high: its
# reference figure (490 px tall, drawn at a scale of min(0.75, 1.9 / max(count, 3)) of
# height / 768) stands 110/768 of the height above the bottom; its head spans 144 px of the
# figure's width, 124 px down from its top, the mouth 98 px down; its name tag (22 px bold)
# sits 8 to 40 px above it.
_FIGURE_HEIGHT, _FEET, _HEAD_HALF, _HEAD_HEIGHT, _MOUTH, _TAG = 490, 110, 72, 124, 98, 40


@dataclass(frozen=True)
class Body:
    name: str
    head: tuple  # px box
    mouth: tuple  # px point
    obstacle: bool = True  # False: a speaker the look did not find, placed by the staging


@dataclass(frozen=True)
class Scene:
    size: tuple
    bodies: tuple
    empty: tuple  # px boxes

    def body(self, name):
        wanted = (name or "").casefold()
        return next((b for b in self.bodies if b.name.casefold() == wanted), None)

    @property
    def heads(self):
        return [b.head for b in self.bodies if b.obstacle]


def staged_figure(name, side, count, panel_size):
    """A figure where the offline renderer would draw `name` on `side` among `count`."""
    width, height = panel_size
    unit = height / 768
    scale = min(0.75, 1.9 / max(count, 3)) * unit
    centre = width * (2 * SIDES.index(side) + 1) / 6
    top = height - _FEET * unit - _FIGURE_HEIGHT * scale
    half = max(_HEAD_HALF * scale, (6.5 * len(name) + 8) * unit)  # the head, or its name tag
    head = (centre - half, top - _TAG * unit, centre + half, top + _HEAD_HEIGHT * scale)
    box = tuple(min(1.0, max(0.0, v / d)) for v, d in zip(head, (width, height) * 2,
                                                             strict=True))
    return figures_mod.Figure(name, box, (centre / width, (top + _MOUTH * scale) / height))


def staged_look(staging, panel_size, names=()):
    """The look the staging promises: everyone staged (and each of `names` it does not place,
    in the centre) where the offline renderer stands them; the top BAND empty."""
    sides = {name: side for name, side in (staging or {}).items() if side in SIDES}
    for name in names:
        if not any(n.casefold() == name.casefold() for n in sides):
            sides[name] = "centre"
    count = len(sides)
    return figures_mod.Look(tuple(staged_figure(n, s, count, panel_size)
                                  for n, s in sides.items()),
                            ((0.0, 0.0, 1.0, BAND),), "staging")


def scene_of(panel_size, look, staging, speakers):
    """The panel in px: the look's figures (the staging's when nobody looked), and for each
    speaker they miss (one the look did not find, one nobody staged, a voice with no name) a
    figure where the staging would stand it: a target for its tail, not an obstacle."""
    looked = look is not None and look.source != "staging" and bool(look.figures)
    if not looked:
        look = staged_look(staging, panel_size)
    width, height = panel_size

    def body(figure, obstacle=True):
        left, top, right, bottom = figure.head
        return Body(figure.name, (left * width, top * height, right * width, bottom * height),
                    (figure.mouth[0] * width, figure.mouth[1] * height), obstacle)

    bodies = [body(f) for f in look.figures]
    known = {f.name.casefold() for f in look.figures}
    missing = {s.casefold(): s for s in speakers if s.casefold() not in known}
    if missing:
        fallback = staged_look(staging, panel_size, list(missing.values()))
        bodies += [body(f, obstacle=False) for f in fallback.figures
                   if f.name.casefold() in missing]
    empty = tuple((b[0] * width, b[1] * height, b[2] * width, b[3] * height)
                  for b in look.empty) or ((0, 0, width, height * BAND),)
    return Scene(tuple(panel_size), tuple(bodies), empty)


# Geometry.

def overlap(a, b, gap=0.0):
    return not (a[2] + gap <= b[0] or b[2] + gap <= a[0] or a[3] + gap <= b[1]
                or b[3] + gap <= a[1])


def _area(a, b):
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def reads_after(box, before, gap=0.0):
    """Reading order: below the earlier box, or level with it and to its right."""
    return box[1] >= before[3] + gap or (box[1] >= before[1] and box[0] >= before[2] + gap)


def _rect_distance(box, point):
    dx = max(box[0] - point[0], 0, point[0] - box[2])
    dy = max(box[1] - point[1], 0, point[1] - box[3])
    return math.hypot(dx, dy)


def segment_hits(a, b, box):
    """Whether the segment a-b passes through the inside of `box` (Liang-Barsky)."""
    (x0, y0), (x1, y1) = a, b
    dx, dy = x1 - x0, y1 - y0
    low, high = 0.0, 1.0
    for p, q in ((-dx, x0 - box[0]), (dx, box[2] - x0), (-dy, y0 - box[1]), (dy, box[3] - y0)):
        if p == 0:
            if q <= 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low >= high:
            return False
    return True


def outline(tip, base, bend, steps=4):
    """The tail as a polygon: from base[0] to the tip and back to base[1], each side a
    quadratic curve bowed `bend` px off the straight line."""
    points = []
    for start, forward in ((base[0], True), (base[1], False)):
        dx, dy = tip[0] - start[0], tip[1] - start[1]
        length = math.hypot(dx, dy) or 1.0
        control = ((start[0] + tip[0]) / 2 - dy / length * bend,
                   (start[1] + tip[1]) / 2 + dx / length * bend)
        side = []
        for k in range(steps + 1):
            t = k / steps
            side.append(((1 - t) ** 2 * start[0] + 2 * (1 - t) * t * control[0] + t * t * tip[0],
                         (1 - t) ** 2 * start[1] + 2 * (1 - t) * t * control[1] + t * t * tip[1]))
        points += side if forward else side[::-1][1:]
    return points


def _bounds(points):
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def outline_hits(points, box, inset=1.0, bounds=None):
    """Whether a tail's polygon edges enter `box` (shrunk by `inset` px); `bounds`: the
    polygon's, when known."""
    inner = (box[0] + inset, box[1] + inset, box[2] - inset, box[3] - inset)
    if inner[0] >= inner[2] or inner[1] >= inner[3]:
        return False
    bounds = bounds or _bounds(points)
    if (bounds[2] <= inner[0] or bounds[0] >= inner[2] or bounds[3] <= inner[1]
            or bounds[1] >= inner[3]):
        return False
    return any(segment_hits(a, b, inner) for a, b in itertools.pairwise(points))


def radius(box, size):
    return min((box[3] - box[1]) / 2, 1.3 * size, (box[2] - box[0]) / 2)


def root(box, tip, size):
    """The tail's two base points: on the edge facing the tip (bottom or top), where the line
    from the box's centre to the tip leaves it, kept off the rounded corners."""
    left, top, right, bottom = box
    cx, cy = (left + right) / 2, (top + bottom) / 2
    edge = bottom if tip[1] >= cy else top
    x = cx if abs(tip[1] - cy) < 1e-6 else cx + (tip[0] - cx) * (edge - cy) / (tip[1] - cy)
    half = max(0.35 * size, 0.05 * math.dist((cx, edge), tip))  # a long tail, a wider root
    low, high = left + radius(box, size) + half, right - radius(box, size) - half
    x = cx if low > high else min(max(x, low), high)
    inward = -1 if edge == bottom else 1
    return ((x - half, edge + inward), (x + half, edge + inward))


def edge_tip(box, panel_size, heads=()):
    """Where a voice from off panel points: the panel's edge nearest its balloon, level with
    the balloon's centre, the nearest whose straight tail crosses no head."""
    width, height = panel_size
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    edges = sorted([(box[0], (0.0, cy)), (width - box[2], (float(width), cy)),
                    (box[1], (cx, 0.0)), (height - box[3], (cx, float(height)))],
                   key=lambda e: e[0])
    for _, tip in edges:
        if not any(segment_hits((cx, cy), tip, head) for head in heads):
            return tip
    return edges[0][1]


def edge_root(box, tip, size):
    """A tail's base for a tip beside the box (left or right, level with it): on that side,
    kept off the corners; `root` for a tip above or below."""
    left, top, right, bottom = box
    if top <= tip[1] <= bottom and (tip[0] <= left or tip[0] >= right):
        edge = left if tip[0] <= left else right
        half = 0.35 * size
        low, high = top + radius(box, size) + half, bottom - radius(box, size) - half
        y = (top + bottom) / 2 if low > high else min(max(tip[1], low), high)
        inward = 1 if edge == left else -1
        return ((edge + inward, y - half), (edge + inward, y + half))
    return root(box, tip, size)


def neck(first, second, size):
    """The ends of a neck joining the balloon on box `first` to the next on `second` (one
    speaker's two in a row): across the middle of their facing straight edges, the second
    below the first or to its right; None when they face each other over too short a length
    or stand nearer or further apart than NECK_GAPS says."""
    half = NECK * size / 2
    shortest, longest = NECK_GAPS[0] * size, NECK_GAPS[1] * size
    # the ends may reach half into a rounded corner: the neck runs on under the outline
    r1, r2 = radius(first, size) / 2, radius(second, size) / 2
    if shortest <= second[1] - first[3] <= longest:
        low = max(first[0] + r1, second[0] + r2) + half
        high = min(first[2] - r1, second[2] - r2) - half
        if low <= high:
            x = (low + high) / 2
            return (x, first[3]), (x, second[1])
    if shortest <= second[0] - first[2] <= longest:
        low = max(first[1] + r1, second[1] + r2) + half
        high = min(first[3] - r1, second[3] - r2) - half
        if low <= high:
            y = (low + high) / 2
            return (first[2], y), (second[0], y)
    return None


def bend_of(base, tip):
    """A slight curve, bowed upwards (away from the picture below)."""
    middle = ((base[0][0] + base[1][0]) / 2, base[0][1])
    dx, dy = tip[0] - middle[0], tip[1] - middle[1]
    length = math.hypot(dx, dy)
    sign = 1 if dx < 0 else -1  # the normal (-dy, dx) * sign points up
    return sign * BEND * length


def tips(body, size, panel_size, heads):
    """Where a tail may end for `body`, nearest the mouth first: beside the head at the mouth's
    height (left, right), or above it; never inside another head or off the panel."""
    left, top, right, bottom = body.head
    mx, my = body.mouth
    gap = max(3.0, TIP_GAP * size)
    my = min(max(my, top), bottom)
    mx = min(max(mx, left), right)
    spots = [(left - gap, my), (right + gap, my), (mx, top - gap)]
    width, height = panel_size
    out = [p for p in spots if 1 <= p[0] <= width - 1 and 1 <= p[1] <= height - 1
           and not any(h[0] < p[0] < h[2] and h[1] < p[1] < h[3] for h in heads)]
    return sorted(out, key=lambda p: math.dist(p, body.mouth))


def within_reach(tip, body, size):
    """Whether a tail's tip ends close to the speaker's mouth: just outside its head, no
    further from the mouth than the head's tip spots are."""
    left, top, right, bottom = body.head
    gap = max(3.0, TIP_GAP * size) + 1
    grown = (left - gap, top - gap, right + gap, bottom + gap)
    reach = max(body.mouth[0] - left, right - body.mouth[0], body.mouth[1] - top) + gap
    return _inside(tip, grown) and math.dist(tip, body.mouth) <= reach


def _inside(point, box):
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


@dataclass(frozen=True)
class Spot:
    box: tuple
    tip: tuple = None
    base: tuple = None
    bend: float = 0.0
    cost: float = 0.0
    shape: int = 0  # which of the shapes given to `search`


def tail_for(box, body, size, scene, others, spots=None):
    """(cost, tip, base, bend) of the best tail from `box` to `body`, or None when every tail
    would cross a head or another text (`others`: their boxes). `spots`: the body's `tips`."""
    heads = scene.heads
    best = None
    clear = TIP_GAP * size  # from other texts
    longest = MAX_TAIL * math.sqrt(scene.size[0] * scene.size[1])
    if spots is None:
        spots = tips(body, size, scene.size, [h for h in heads if h != body.head])
    for tip in spots:
        if box[1] - CLEAR * size < tip[1] < box[3] + CLEAR * size:
            continue  # level with the balloon: its tail would run along its edge
        base = root(box, tip, size)
        middle = ((base[0][0] + base[1][0]) / 2, base[0][1])
        length = math.dist(middle, tip)
        cost = length + W_MOUTH * math.dist(tip, body.mouth)
        if (length > longest or abs(tip[1] - middle[1]) < FLAT * length
                or (best is not None and cost >= best[0])):
            continue  # too long, or a flat line across the picture
        for bend in (bend_of(base, tip), -bend_of(base, tip), 0.0):
            points = outline(tip, base, bend)
            bounds = _bounds(points)
            if any(outline_hits(points, h, 1.0, bounds) for h in heads) or any(
                    outline_hits(points, o, -clear, bounds) for o in others):
                continue
            best = (cost, tip, base, bend)
            break
    return best


def _fraction_outside(box, empty):
    area = (box[2] - box[0]) * (box[3] - box[1])
    inside = min(area, sum(_area(box, e) for e in empty))
    return 1 - inside / area


def _bodies(scene):
    height = scene.size[1]
    zones = []
    for body in scene.bodies:
        if body.obstacle:
            left, _, right, bottom = body.head
            wide = (right - left) * 0.3
            zones.append((left - wide, bottom, right + wide, height))
    return zones


def _fraction_over(box, zones):
    area = (box[2] - box[0]) * (box[3] - box[1])
    return min(area, sum(_area(box, z) for z in zones)) / area


def _axis(low, high, step, snug):
    values = set()
    if high < low:
        return []
    count = max(1, int((high - low) / step))
    values.update(low + (high - low) * k / count for k in range(count + 1))
    values.update(v for v in snug if low <= v <= high)
    return sorted(values)


def candidates(shape, scene, size, placed_boxes, speaker, inset=None, joined=None):
    """Boxes of `shape` (w, h) to try: a grid, and spots snug against heads, edges, texts and
    the speaker (None for a text with no figure to stay by: a caption, a sound effect, a voice
    off panel, a joined balloon), or under and beside the balloon it is `joined` to. `inset`:
    px kept from the panel's edges (by default 0.3 text sizes with a speaker, none without)."""
    caption = speaker is None
    width, height = scene.size
    w, h = shape
    if inset is None:
        inset = 0 if caption else round(0.3 * size)
    gap = BOX_GAP * size
    step = max(size / 2, max(width, height) / GRID)
    xs_snug, ys_snug = [], []
    for body in scene.bodies:
        left, top, right, bottom = body.head
        ys_snug += [top - gap - h, bottom + gap]
        if body is speaker:
            xs_snug += [left - gap - w, right + gap, body.mouth[0] - w / 2, left - w * 0.25,
                        right - w * 0.75]
    for box in placed_boxes:
        xs_snug += [box[2] + gap, box[0] - gap - w]
        ys_snug += [box[3] + gap, box[1]]
    if joined is not None:
        apart = NECK_GAPS[0] * size + 1  # just past the shortest neck
        xs_snug += [joined[0], joined[2] - w, (joined[0] + joined[2] - w) / 2,
                    joined[2] + apart]
        ys_snug += [(joined[1] + joined[3] - h) / 2, joined[3] + apart]
    xs = _axis(inset, width - inset - w, step, xs_snug)
    ys = _axis(inset, height - inset - h, step, ys_snug)
    return [(x, y, x + w, y + h) for y in ys for x in xs]


def airspace(scene, names):
    """The sky above the heads of `names` (who speak later): a text keeps out of it if it can,
    to leave their balloons room."""
    zones = []
    for name in names:
        body = scene.body(name)
        if body is not None:
            left, top, right, _ = body.head
            wide = (right - left) * 0.5
            zones.append((left - wide, 0, right + wide, top))
    return zones


def awkward(box, scene):
    """Whether a balloon sits over a figure's body: worth a smaller size to avoid."""
    return _fraction_over(box, _bodies(scene)) > 0.05


def search(shapes, scene, size, body, placed, order, where, later=(), high=W_HIGH,
           inset=None, joined=None):
    """The best `Spot` for a text, or None. `shapes`: (w, h, cost) to try; `body`: the
    speaker's (None for a caption and every text without a tail to a figure); `placed`:
    Spots already on the panel; `order`: boxes of the texts read before this one (it must
    read after them); `where`: "first", "last" or "middle", its place in the reading order (a
    caption's corner), or "free" (no corner); `later`: the names of those who speak after
    it; `high`: the cost of a px down the panel; `inset`: px kept from the panel's edges
    (`candidates`); `joined`: the box of the balloon this one continues, which it must be
    near enough to join by a neck."""
    gap = BOX_GAP * size
    heads = scene.heads
    zones = _bodies(scene)
    air = airspace(scene, [n for n in later if not body or n.casefold() != body.name.casefold()])
    boxes = [p.box for p in placed]
    tails = [outline(p.tip, p.base, p.bend) for p in placed if p.tip]
    tails = [(points, _bounds(points)) for points in tails]
    spots = tips(body, size, scene.size, [x for x in heads if x != body.head]) if body else []
    if body is not None and not spots:
        return None
    ranked = []
    for shape, dimensions in enumerate(shapes):
        for box in candidates(dimensions[:2], scene, size, boxes, body, inset, joined):
            if (joined is not None and neck(joined, box, size) is None) or (
                    any(overlap(box, head, gap) for head in heads)
                    or any(overlap(box, other, gap) for other in boxes)
                    or not all(reads_after(box, before, gap) for before in order)
                    or any(outline_hits(t, box, -1, bounds) for t, bounds in tails)):
                continue
            bound, cost = _cost(box, dimensions, scene, size, body, where, zones, spots, high)
            if joined is not None:
                near = W_NEAR * max(box[1] - joined[3], box[0] - joined[2], 0.0)
                bound, cost = bound + near, cost + near
            crowding = W_AIR * size * _fraction_over(box, air) if air else 0.0
            ranked.append((bound + crowding, cost + crowding, box, shape))
    ranked.sort(key=lambda item: item[:2])
    best = None
    for bound, cost, box, shape in ranked:
        if best is not None and bound >= best.cost:
            break
        if body is None:
            return Spot(box, cost=bound, shape=shape)
        tail = tail_for(box, body, size, scene, boxes, spots)
        if tail is not None and (best is None or cost + tail[0] < best.cost):
            best = Spot(box, tail[1], tail[2], tail[3], cost + tail[0], shape)
    return best


def given_shape(centre, shapes, scene, size, body, placed, where):
    """Which of `shapes` an owner's text centred at `centre` (px) takes: the one a search
    would have liked best there, so a stored position finds its text's shape again."""
    width, height = scene.size
    zones = _bodies(scene)
    spots = (tips(body, size, scene.size, []) or [body.mouth]) if body else []

    def cost(dimensions):
        w, h = dimensions[:2]
        left = min(max(centre[0] - w / 2, 0), width - w)
        top = min(max(centre[1] - h / 2, 0), height - h)
        box = (left, top, left + w, top + h)
        clash = sum(overlap(box, other, 0) for other in [*scene.heads, *placed])
        return clash * 1e6 + _cost(box, dimensions, scene, size, body, where, zones, spots)[0]

    return min(range(len(shapes)), key=lambda k: cost(shapes[k]))


def _cost(box, dimensions, scene, size, body, where, zones, spots, high=W_HIGH):
    """(lower bound, cost without the tail) of a box; the bound adds the shortest tail that
    could reach a tip spot from it."""
    cost = dimensions[2] * size + high * (box[1] + box[0] * (high > W_HIGH))
    cost += W_FULL * size * _fraction_outside(box, scene.empty)
    if body is None:  # no figure to stay by: a caption's corner, if it has one
        if where != "free":
            corner = (0, scene.size[1]) if where == "last" else (0, 0)
            y = box[3] if where == "last" else box[1]
            cost += W_ANCHOR * math.dist((box[0], y), corner)
        return cost, cost
    cost += W_BODY * size * _fraction_over(box, zones)
    cost += W_LOW * max(0.0, box[3] - body.head[1])
    reach = min(math.dist(_near(box, t), t) + W_MOUTH * math.dist(t, body.mouth) for t in spots)
    return cost + reach, cost


def _near(box, point):
    """The point of `box` nearest `point`."""
    return (min(max(point[0], box[0]), box[2]), min(max(point[1], box[1]), box[3]))


def unreachable_tip(box, body, size):
    """A tail for an owner's balloon when no clear one exists: to the nearest tip spot."""
    spots = tips(body, size, (math.inf, math.inf), []) or [body.mouth]
    tip = min(spots, key=lambda p: math.dist(_near(box, p), p))
    base = root(box, tip, size)
    return tip, base, bend_of(base, tip)
