"""Page layouts: which cell of which page each scene fills, and the size to draw it at.

A layout is one of `TEMPLATES`:
- `strip`: one row of up to 4 square panels a page;
- `grid`: 2 by 2;
- `tiers`: three tiers, a wide establishing panel, then two rows of two (5 a page);
- `webtoon`: a column of full-width panels, 4 a page, to scroll on a phone;
- `auto`: chosen from the count: up to 3 a strip, 4 a grid, 5 to 8 one page of tiers
  (a wide panel opening an odd count), more on pages of `tiers`.

`pages(template, count)` returns one `Page` a page: its height (the width is 1) and its cells,
rectangles in the same unit, with even margins and gutters. A last row short of panels shares
the width among those it has. `drawing_size(cell)` is the size to ask the image API for: sides
in multiples of 16, an aspect ratio between 1:3 and 3:1, the allowed size nearest the cell's
aspect at about `DRAWING_PIXELS`, so a scene is drawn at its cell's shape and never cropped
more than a rounding. `drawing_sizes(template, count)` lists them in scene order.
"""

import math
from dataclasses import dataclass

TEMPLATES = ("auto", "strip", "grid", "tiers", "webtoon")
MARGIN = 0.03  # of the page's width, all round
GUTTER = 0.02
DRAWING_PIXELS = 1024 * 1024
SIDE_STEP = 16
MAX_RATIO = 3.0
MAX_SCENES = 24
TIER_ASPECT = 1.05  # a half-width tier panel, width over height
WEBTOON_ASPECT = 0.8


@dataclass(frozen=True)
class Cell:
    x: float
    y: float
    w: float
    h: float

    @property
    def aspect(self):
        return self.w / self.h


@dataclass(frozen=True)
class Page:
    height: float  # the width is 1
    cells: tuple  # of Cell, in reading order


def _inner():
    return 1 - 2 * MARGIN


def _cell_width(count):
    return (_inner() - (count - 1) * GUTTER) / count


def _page(rows):
    """A page from rows of (count, height), top to bottom."""
    cells, y = [], MARGIN
    for count, height in rows:
        width = _cell_width(count)
        cells += [Cell(MARGIN + i * (width + GUTTER), y, width, height) for i in range(count)]
        y += height + GUTTER
    return Page(y - GUTTER + MARGIN, tuple(cells))


def _rows(pattern, count, height):
    """The rows of `pattern` repeated until `count` cells, the last one cut short."""
    rows, i = [], 0
    while count > 0:
        take = min(pattern[i % len(pattern)], count)
        rows.append((take, height))
        count -= take
        i += 1
    return rows


def _paged(pattern, per_page, count, height):
    out = []
    for start in range(0, count, per_page):
        out.append(_page(_rows(pattern, min(per_page, count - start), height)))
    return out


def _auto(count):
    if count <= 3:
        return "strip", None
    if count == 4:
        return "grid", None
    if count <= 8:  # one page: rows of two, opened by a wide panel when the count is odd
        height = _cell_width(2) / TIER_ASPECT
        opening = [(1, height)] if count % 2 else []
        return None, [_page(opening + _rows((2,), count - len(opening), height))]
    return "tiers", None


def pages(template, count):
    """The pages of a cartoon of `count` scenes laid out by `template`."""
    if template not in TEMPLATES:
        raise ValueError(f"layout must be one of {', '.join(TEMPLATES)}")
    if not 1 <= count <= MAX_SCENES:
        raise ValueError(f"a cartoon has 1 to {MAX_SCENES} scenes")
    if template == "auto":
        template, chosen = _auto(count)
        if chosen:
            return chosen
    if template == "strip":
        return [_page([(n, _cell_width(n))]) for n in _chunks(count, 4)]
    if template == "grid":
        return _paged((2,), 4, count, _cell_width(2))
    if template == "tiers":
        return _paged((1, 2, 2), 5, count, _cell_width(2) / TIER_ASPECT)
    return _paged((1,), 4, count, _inner() / WEBTOON_ASPECT)


def _chunks(count, size):
    return [min(size, count - start) for start in range(0, count, size)]


def basis(template, count):
    """The lettering's unit in page units: the size, sqrt(w * h), of the cartoon's smallest
    cell. Text is a fraction of it on every panel, so it reads the same size throughout."""
    return min(math.sqrt(cell.w * cell.h) for _, cell in cells(template, count))


def cells(template, count):
    """(page index, Cell) for each scene, in order."""
    return [(i, cell) for i, page in enumerate(pages(template, count)) for cell in page.cells]


def drawing_size(aspect, pixels=DRAWING_PIXELS):
    """(width, height) for the image API nearest `aspect` (width over height, or a Cell):
    multiples of 16, a ratio between 1:3 and 3:1, about `pixels` in area."""
    if isinstance(aspect, Cell):
        aspect = aspect.aspect
    aspect = min(MAX_RATIO, max(1 / MAX_RATIO, aspect))
    ideal_height = math.sqrt(pixels / aspect) / SIDE_STEP
    best = None
    for steps in range(max(1, math.floor(ideal_height) - 2), math.ceil(ideal_height) + 3):
        height = steps * SIDE_STEP
        for width in {math.floor(height * aspect / SIDE_STEP) * SIDE_STEP,
                      math.ceil(height * aspect / SIDE_STEP) * SIDE_STEP}:
            if width < SIDE_STEP or not 1 / MAX_RATIO <= width / height <= MAX_RATIO:
                continue
            error = (abs(math.log(width / height / aspect)), abs(width * height - pixels))
            if best is None or error < best[0]:
                best = (error, (width, height))
    return best[1]


def drawing_sizes(template, count, pixels=DRAWING_PIXELS):
    """The drawing size of each scene, in order: what the worker asks the image API for."""
    return [drawing_size(cell, pixels) for _, cell in cells(template, count)]
