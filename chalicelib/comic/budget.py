"""The text budget a panel is drawn for: how much of its top the texts need, worked out before
anything is drawn, so the scene prompt keeps that room plain and a text that would need more is
refused before anyone pays.

The room is a fraction `room` of the panel's height, kept plain at the top of the picture
("keep the top N % plain"). It grows with the texts, from `FLOOR` (some sky is kept even for a
short line, so a text edited in later still finds room) up to `CAP`. Heads stand just below it.

How the room is measured: each text is wrapped as the lettering wraps it (`lettering.
BALLOON_WIDTH` of the panel's width for a balloon, `CAPTION_WIDTH` for a caption) at the
lettering's text size, and its box is the text block with a margin of `MARGIN` text sizes. The
boxes are shelved in reading order, left to right then top to bottom, across the panel's width;
the room is the shelves' height, a tail's `TAIL` below them, as a fraction of the panel.

- `room` is that height at the preferred text size, between `FLOOR` and `CAP`; the lettering
  shrinks the text when the preferred size needs more than the cap.
- `need` is that height at the smallest legible size (`lettering.MINIMUM`): the least room the
  texts can take. `fullness`, `need / CAP`, is how full the panel is; over 1, the texts cannot
  be lettered above the heads, and `over` names the first text (in reading order) whose box
  takes the shelves past the cap: the one to move to another scene.

A sound effect (a kind the registry does not count: `balloons.Style.budget`) is drawn on the
picture and takes none of that room. A word wider than any balloon is not the budget's to
judge (`lettering.check_fit` names it): its text counts as filling the cap. Pure arithmetic
over `typeset`'s measurements; no drawing.
"""

import math
from dataclasses import dataclass

from chalicelib.comic import lettering, pages, typeset

CAP = 0.45  # the most of a panel's height kept for text: below it, the picture's faces
FLOOR = 0.2  # the least kept plain, whatever the texts
MARGIN = 1.0  # a box's padding and the gap to the next, in text sizes, added to each side
TAIL = 1.2  # below the lowest box, in text sizes: a tail's start before it reaches a head
HEADS = 0.2  # how far below the room a head may reach, as a fraction of the panel's height


@dataclass(frozen=True)
class Budget:
    room: float  # fraction of the height to keep plain at the top (FLOOR..CAP)
    need: float  # the room the texts take at the smallest legible size
    over: int = None  # index of the first element past the cap; None when they fit

    @property
    def fullness(self):
        """How full the panel is, as a fraction of the cap (over 1: too much text)."""
        return self.need / CAP

    def to_json(self):
        return {"room": round(self.room, 3), "fullness": round(self.fullness, 3)}


def _box(element, panel_size, size):
    """(width, height) px of one text's box at `size`, margin included; None when a word is
    wider than any balloon."""
    width = panel_size[0]
    caption = element.style.caption
    share = lettering.CAPTION_WIDTH if caption else lettering.BALLOON_WIDTH
    pad = MARGIN * size
    for fraction in (share, lettering.WIDEST):
        lines = typeset.wrap(element.text, size, width * fraction - pad)
        if lines is not None:
            break
    else:
        return None
    text_width = max(typeset.width(line, size) for line in lines)
    return text_width + pad, len(lines) * typeset.line_height(size) + pad


def _heights(items, panel_size, size):
    """The room (px) the shelves take after each element, in reading order; math.inf from a
    text with a word no balloon holds."""
    width = panel_size[0]
    out, done, shelf, used = [], 0.0, 0.0, 0.0  # height of closed shelves, the open one, its width
    for item in items:
        box = _box(item, panel_size, size)
        if box is None:
            out += [math.inf] * (len(items) - len(out))
            return out
        box_width, box_height = box
        if used and used + box_width > width:
            done, shelf, used = done + shelf, 0.0, 0.0
        used += box_width
        shelf = max(shelf, box_height)
        out.append(done + shelf + TAIL * size)
    return out


def _fraction(heights, panel_size):
    return (heights[-1] if heights else 0.0) / panel_size[1]


def panel_budget(panel_size, elements, basis=None):
    """The `Budget` of a panel of `panel_size` px for its elements (plain dicts or
    `lettering.Element`s, in reading order); `basis` is the lettering's unit (a page's)."""
    try:
        items = [lettering.element(e) for e in elements]
    except ValueError:  # not a text to letter: `lettering.check_fit` names it
        items = []
    # a sound effect is drawn on the picture, not in the room kept for texts
    counted = [i for i, item in enumerate(items) if item.style.budget]
    items = [items[i] for i in counted]
    if not items:
        return Budget(FLOOR, 0.0)
    smallest = lettering.text_size(panel_size, lettering.MINIMUM, basis)
    least = _heights(items, panel_size, smallest)
    need = min(_fraction(least, panel_size), 2 * CAP)  # past the cap, "twice too much" says all
    over = next((counted[i] for i, h in enumerate(least) if h / panel_size[1] > CAP), None)
    preferred = _fraction(_heights(items, panel_size, lettering.text_size(
        panel_size, lettering.PREFERRED, basis)), panel_size)
    return Budget(min(CAP, max(FLOOR, preferred)), need, over)


def budgets(template, scenes):
    """Each scene's `Budget`, in order, at the layout `template`: `scenes` holds each scene's
    elements (a panel's size, and the unit its text is measured in, depend on the count)."""
    geometry = pages.panel_geometry(template, len(scenes))
    return [panel_budget(panel_size, elements, unit)
            for (panel_size, unit), elements in zip(geometry, scenes, strict=True)]


def scene_budget(template, count, index, elements):
    """The `Budget` of scene `index` (from 0) of `count`, for its elements."""
    panel_size, unit = pages.panel_geometry(template, count)[index]
    return panel_budget(panel_size, elements, unit)


def heads_below(room):
    """(top, bottom) as fractions of the height: where the speakers' heads should be, just
    below the room kept for the texts."""
    return room, min(1.0, room + HEADS)


def problems(budget):
    """`check_fit`-style problems (`{"index", "code", "message"}`) for a budget past its cap."""
    if budget.over is None:
        return []
    return [{"index": budget.over, "code": "too_much_text",
             "message": f"text {budget.over + 1} needs more than the top {round(CAP * 100)} % "
                        "of the panel, where the picture's faces begin: shorten it or split "
                        "the scene in two"}]

