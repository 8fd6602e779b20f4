"""What a drawn panel holds, as the lettering needs it: each named figure's head and mouth, and
the parts of the picture that hold nothing important.

Plain data, Pillow-free, JSON-friendly. Every coordinate is a fraction of the panel (0..1
across and down), so one look serves the panel at any size it is lettered at (screen, phone,
print). A box is `(left, top, right, bottom)`, a point `(x, y)`.

A look comes from three places, named in `source`:
- "look": the vision model looked at the drawn picture (adapters/look.py);
- "offline": the offline renderer's own geometry, exact (comic/offline_art.py);
- "staging": nobody looked; the figures are where the prompt asked them to stand.
"""

import math
from dataclasses import dataclass, field

SOURCES = ("look", "offline", "staging")


class BadLook(ValueError):
    """A look that cannot be trusted: the lettering falls back to staging."""


@dataclass(frozen=True)
class Figure:
    name: str
    head: tuple  # (left, top, right, bottom): the face and hair, never to be covered
    mouth: tuple  # (x, y): where a tail should end

    def to_json(self):
        return {"name": self.name, "head": list(self.head), "mouth": list(self.mouth)}


@dataclass(frozen=True)
class Look:
    figures: tuple = ()
    empty: tuple = ()  # boxes that hold nothing important (sky, plain wall)
    source: str = "staging"
    notes: tuple = field(default=())  # why a look fell back, for the owner to read

    def figure(self, name):
        return next((f for f in self.figures if f.name == name), None)

    def lowered(self, top):
        """The same look on a picture with paper added above the art, `top` of its height: the
        reader's headroom."""
        def down(y):
            return top + y * (1 - top)

        def box(b):
            return (b[0], down(b[1]), b[2], down(b[3]))

        return Look(tuple(Figure(f.name, box(f.head), (f.mouth[0], down(f.mouth[1])))
                          for f in self.figures),
                    ((0.0, 0.0, 1.0, top),) * (top > 0) + tuple(box(b) for b in self.empty),
                    self.source, self.notes)

    def to_json(self):
        return {"figures": [f.to_json() for f in self.figures],
                "empty": [list(b) for b in self.empty], "source": self.source,
                "notes": list(self.notes)}


def _number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise BadLook("a coordinate is not a number")
    if not 0.0 <= value <= 1.0:
        raise BadLook("a coordinate is outside the picture")
    return float(value)


def _box(value):
    if not isinstance(value, (list, tuple)) or len(value) != 4:
        raise BadLook("a box is not [left, top, right, bottom]")
    left, top, right, bottom = (_number(v) for v in value)
    if right <= left or bottom <= top:
        raise BadLook("a box is empty")
    return (left, top, right, bottom)


def _point(value):
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise BadLook("a point is not [x, y]")
    return tuple(_number(v) for v in value)


def from_json(data, cast=None):
    """A stored or answered look, checked: boxes inside the picture, names only from `cast`
    (when given), at most one figure each. Raises BadLook."""
    if not isinstance(data, dict):
        raise BadLook("a look is not an object")
    figures, seen = [], set()
    for item in data.get("figures") or []:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise BadLook("a figure has no name")
        name = item["name"]
        if cast is not None and name not in cast:
            raise BadLook(f"{name!r} is not in the panel's cast")
        if name in seen:
            raise BadLook(f"{name!r} is there twice")
        seen.add(name)
        figures.append(Figure(name, _box(item.get("head")), _point(item.get("mouth"))))
    source = data.get("source", "look")
    if source not in SOURCES:
        raise BadLook("unknown source")
    notes = tuple(n for n in data.get("notes") or [] if isinstance(n, str))
    return Look(tuple(figures), tuple(_box(b) for b in data.get("empty") or []), source, notes)


def stored(data):
    """The look kept with a drawing, or None when there is none (or it no longer reads)."""
    if not data:
        return None
    try:
        return from_json(data)
    except BadLook:
        return None
