"""The printed book: a PDF composed for paper (A4 or US Letter, portrait), not the screen pages
copied onto it.

`pdf(title, template, panels, paper="A4", bleed=False, language="en", author=None)` returns
the bytes; `plan(template, panels, paper)` the composition it prints, for tests and figures.
`panels` are pages.py's dicts (`{"image", "elements", "staging"}`, and optionally `"alt"`:
what the panel shows, in words), in reading order.

- A title page carries the title and, when given, the author's chosen name.
- Panels go in rows, rows onto pages. The rows are first the screen layout's (a strip's panels
  side by side, as in a strip collection; a grid's pairs; the tiers' wide panel, then pairs),
  else the panels re-flowed k to a row (k = 4 down to 1; a wide panel keeps a row to itself).
  A page holds at most `MAX_ROWS` rows, and the rows are shared out over the fewest pages so
  that the emptiest page is as full as it can be: leftovers are balanced, never a lone row.
- One scale for the whole book (`Plan.scale`, pt a drawn px), never above 300 ppi's (a
  panel is never enlarged past what was drawn), and every image embedded losslessly.
- Lettering is drawn again for print at one size for the book, `Plan.text_px` px of the
  drawn panels, so that it prints at `MIN_PT` (7 pt) or more: px * scale. A composition whose
  panels cannot take their texts at that size is refused, and the next, with fewer panels to
  a row (so a larger scale), is tried; one panel a row at 300 ppi always works (the lettering
  engine's minimum, 3.6 % of a 1024 px panel, is 8.9 pt there).
- Every comic page is at least `MIN_FILL` full (its block of panels over the live area),
  the last one included, unless the whole cartoon fits on one page at 300 ppi and is simply
  too small to fill it.
- The lettering is also set as invisible text over the drawn lettering, in reading order, so
  the book can be searched, copied and read aloud; the title and language are in its metadata.
  The PDF is tagged: the title a heading, each text a paragraph, each panel with an `alt` a
  figure with that alternative text, in reading order; frames and crop marks are artifacts.
- `bleed=True` makes the print-shop edition: the trim size plus 3 mm bleed (0.125 in on
  Letter) each side, crop marks outside the bleed, and the TrimBox and BleedBox set.
"""

import functools
import io
import itertools
import math
from dataclasses import dataclass
from typing import NamedTuple

from PIL import Image, ImageDraw

from chalicelib.comic import fastpng, layouts, lettering, pdfdoc, typeset
from chalicelib.comic.pages import letter_panel
from chalicelib.comic.raster import INK, open_image

MM = 72 / 25.4
PAPERS = {"A4": (595.276, 841.89), "Letter": (612.0, 792.0)}  # trim, points, portrait
BLEEDS = {"A4": 3 * MM, "Letter": 9.0}  # 3 mm; 0.125 in, what US print shops ask for
SLUG = 6 * MM  # room outside the bleed for the crop marks
MARGIN = 12 * MM  # the live area's margin inside the trim
GUTTER = 4 * MM
MAX_SCALE = 72 / 300  # pt a drawn px: 300 ppi
MIN_PT = 7.0
MIN_FILL = 0.4
MAX_ROWS = 4
ROWS_TO_TRY = (4, 3, 2, 1)
WIDE = 1.8  # a panel this much wider than tall keeps a row to itself when re-flowed
FRAME = 0.6  # pt, the panels' frame
TITLE_PT, AUTHOR_PT = 28, 16
WHITE = (255, 255, 255)  # the sheet's own colour, behind the title


@dataclass(frozen=True)
class Plan:
    """A composition: `pages` hold rows, rows hold scene indices, in reading order; `scale` is
    pt a drawn px; `text_px` the smallest lettering size in drawn px (None without texts);
    `fills` each page's block of panels over the live area."""
    paper: str
    scale: float
    pages: tuple
    text_px: int
    fraction: float
    basis: float
    fills: tuple

    @property
    def ppi(self):
        return 72 / self.scale

    @property
    def text_pt(self):
        return self.text_px * self.scale if self.text_px else None


def _size(image):
    if isinstance(image, Image.Image):
        return image.size
    with Image.open(io.BytesIO(image)) as header:  # reads the header, decodes nothing
        return header.size


def live_area(paper):
    width, height = PAPERS[paper]
    return width - 2 * MARGIN, height - 2 * MARGIN


def _screen_rows(template, count):
    """The screen layout's rows: cells of one page at one height, as scene indices."""
    rows, index = [], 0
    for page in layouts.pages(template, count):
        tops = {}
        for cell in page.cells:
            tops.setdefault(round(cell.y, 6), []).append(index)
            index += 1
        rows += list(tops.values())
    return rows


def _reflowed(sizes, per_row):
    """The panels k to a row, a run's rows balanced, the longer first (5 at 4 a row: 3 and 2;
    8 at 3: 3, 3 and 2); a wide panel has a row to itself."""
    rows, run = [], []

    def close():
        if run:
            count = math.ceil(len(run) / per_row)
            longer = len(run) % count  # this many rows take one more, the first ones
            lengths = [len(run) // count + (k < longer) for k in range(count)]
            bounds = list(itertools.accumulate(lengths, initial=0))
            rows.extend(run[a:b] for a, b in itertools.pairwise(bounds))
            run.clear()

    for index, (width, height) in enumerate(sizes):
        if width / height >= WIDE:
            close()
            rows.append([index])
        else:
            run.append(index)
    close()
    return rows


def groupings(template, sizes):
    """The rows to try, in order of preference, without repeats."""
    out = []
    for rows in [_screen_rows(template, len(sizes))] + [_reflowed(sizes, k)
                                                        for k in ROWS_TO_TRY]:
        if rows not in out:
            out.append(rows)
    return out


def _row_px(row, sizes):
    """(width without gutters, height) of a row in drawn px; its panels share a height."""
    return sum(sizes[i][0] for i in row), max(sizes[i][1] for i in row)


def _widest_scale(rows, sizes, live_w):
    return min(MAX_SCALE, min((live_w - GUTTER * (len(r) - 1)) / _row_px(r, sizes)[0]
                              for r in rows))


def _height(rows, sizes, scale):
    return sum(_row_px(r, sizes)[1] * scale for r in rows) + GUTTER * (len(rows) - 1)


def _partition(rows, sizes, scale, count, live_h):
    """`rows` split into `count` pages in order, each fitting, the emptiest page as full as
    possible; None when they do not fit."""
    @functools.cache
    def best(start, left):
        if left == 1:
            chunk = rows[start:]
            if len(chunk) > MAX_ROWS or _height(chunk, sizes, scale) > live_h:
                return None
            return _height(chunk, sizes, scale), ((start, len(rows)),)
        found = None
        for end in range(start + 1, min(len(rows) - left + 1, start + MAX_ROWS) + 1):
            height = _height(rows[start:end], sizes, scale)
            if height > live_h:
                break
            rest = best(end, left - 1)
            # On a tie the later split wins: fuller pages first, the leftovers last.
            if rest and (found is None or min(height, rest[0]) >= found[0]):
                found = (min(height, rest[0]), ((start, end),) + rest[1])
        return found

    result = best(0, count)
    return None if result is None else [rows[a:b] for a, b in result[1]]


def _scale_for(rows, sizes, count, live):
    """The largest scale at which `rows` fit on `count` pages (None if none), and the pages."""
    high = _widest_scale(rows, sizes, live[0])
    pages = _partition(rows, sizes, high, count, live[1])
    if pages:
        return high, pages
    low = 0.25 * high
    if not _partition(rows, sizes, low, count, live[1]):
        return None, None
    for _ in range(30):  # the heights grow with the scale: bisect
        middle = (low + high) / 2
        if _partition(rows, sizes, middle, count, live[1]):
            low = middle
        else:
            high = middle
    return low, _partition(rows, sizes, low, count, live[1])


def _fill(page, sizes, scale, live):
    width = max(_row_px(r, sizes)[0] * scale + GUTTER * (len(r) - 1) for r in page)
    return width * _height(page, sizes, scale) / (live[0] * live[1])


class _Letters:
    """Which text sizes the panels can take, remembered: the largest fraction of a basis at
    which a panel's texts fit when the basis makes `px` the engine's minimum."""

    def __init__(self, panels, sizes):
        self.panels, self.sizes = panels, sizes
        self.cache = {}

    def basis(self, px):
        return px / lettering.MINIMUM + 1e-6

    def fraction(self, px):
        """The one fraction every panel fits at with text at `px` or more; None if one cannot."""
        if px not in self.cache:
            fractions = []
            for panel, size in zip(self.panels, self.sizes, strict=True):
                if not panel.get("elements"):
                    continue
                fitted = lettering.fitted_fraction(size, panel["elements"], panel.get("staging"),
                                                   self.basis(px))
                if fitted is None:
                    fractions = None
                    break
                fractions.append(fitted)
            self.cache[px] = None if fractions is None else min(fractions, default=None) or 0
        return self.cache[px]


def plan(template, panels, paper="A4"):
    """The book's composition (a `Plan`) for these panels on `paper`."""
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}")
    sizes = [_size(p["image"]) for p in panels]
    letters = _Letters(panels, sizes)
    live = live_area(paper)
    fallback = None
    for rows in groupings(template, sizes):
        for count in range(math.ceil(len(rows) / MAX_ROWS), len(rows) + 1):
            scale, pages = _scale_for(rows, sizes, count, live)
            if scale is None:
                continue
            px = math.ceil(MIN_PT / scale - 1e-9)
            fraction = letters.fraction(px)
            if fraction is None:
                continue  # more pages may allow a larger scale, so smaller text px
            fills = tuple(_fill(p, sizes, scale, live) for p in pages)
            candidate = Plan(paper, scale, tuple(tuple(tuple(r) for r in p) for p in pages),
                             round(fraction * letters.basis(px)) if fraction else None,
                             fraction, letters.basis(px), fills)
            if min(fills) >= MIN_FILL or (len(pages) == 1 and scale >= MAX_SCALE - 1e-9):
                return candidate
            if fallback is None or min(fills) > min(fallback.fills):
                fallback = candidate
    return fallback or _too_small(_reflowed(sizes, 1), sizes, letters, live, paper)


def _too_small(rows, sizes, letters, live, paper):
    """Panels drawn too small to take their texts at 7 pt even one a row at 300 ppi (a few
    hundred px): one a row at that scale, lettered at the largest size that fits. The plan's
    `text_pt` says it is under `MIN_PT`, for the caller to report: never silently small."""
    count = math.ceil(len(rows) / MAX_ROWS)
    scale, pages = None, None
    while scale is None:
        scale, pages = _scale_for(rows, sizes, count, live)
        count += 1
    px = math.ceil(MIN_PT / scale - 1e-9)
    while px > 1 and letters.fraction(px) is None:
        px = max(1, math.floor(px * 0.9))
    fraction = letters.fraction(px)
    if fraction is None:
        raise lettering.DoesNotFit([{"index": 0, "code": "does_not_fit",
                                     "message": "a text does not fit its panel at any size"}])
    fills = tuple(_fill(p, sizes, scale, live) for p in pages)
    return Plan(paper, scale, tuple(tuple(tuple(r) for r in p) for p in pages),
                round(fraction * letters.basis(px)) if fraction else None, fraction,
                letters.basis(px), fills)


def _colour(rgb):
    return " ".join(f"{c / 255:.3f}" for c in rgb)


@dataclass(frozen=True)
class _Sheet:
    """Where the trim lies on the sheet: its size and offset (the bleed and the marks' room)."""
    trim: tuple
    offset: float
    bleed: float

    @property
    def media(self):
        return self.trim[0] + 2 * self.offset, self.trim[1] + 2 * self.offset

    def y(self, down):
        """The PDF y of a point `down` pt below the trim's top."""
        return self.offset + self.trim[1] - down

    def boxes(self):
        if not self.bleed:
            return ""
        o, b, (w, h) = self.offset, self.bleed, self.trim
        return (f" /TrimBox [{o:.3f} {o:.3f} {o + w:.3f} {o + h:.3f}] /BleedBox [{o - b:.3f} "
                f"{o - b:.3f} {o + w + b:.3f} {o + h + b:.3f}]")

    def marks(self):
        """Crop marks: the trim's edges extended into the slug, clear of the bleed."""
        if not self.bleed:
            return ""
        o, b, (w, h) = self.offset, self.bleed, self.trim
        out = ["q 0 G 0.25 w"]
        for x, outward_x in ((o, -1), (o + w, 1)):
            for y, outward_y in ((o, -1), (o + h, 1)):
                out.append(f"{x + outward_x * b:.3f} {y:.3f} m {x + outward_x * (b + SLUG):.3f} "
                           f"{y:.3f} l S")
                out.append(f"{x:.3f} {y + outward_y * b:.3f} m {x:.3f} "
                           f"{y + outward_y * (b + SLUG):.3f} l S")
        return "\n".join(out) + "\nQ\n"


def _spaced(line, number, lines):
    """A line as set in the text layer: as it reads (its *emphasis* markup dropped), with the
    space its line break stands for, so that read as one paragraph its last word does not run
    into the next line's first."""
    shown = typeset.plain(line)
    return shown + " " if number < len(lines) - 1 else shown


def _text_layer(doc, drawn, left, top, scale):
    """Invisible lines over the lettering drawn on a panel whose top-left is at (left, top) in
    PDF points: each element a paragraph of the structure, in reading order."""
    out = []
    for placed in drawn.placed:
        lines, size = [], placed.size
        box_left, box_top, box_right, box_bottom = placed.box
        line_height = typeset.line_height(size)
        y = (box_top + box_bottom) / 2 - len(placed.lines) * line_height / 2 + size * 0.04
        for number, line in enumerate(placed.lines):
            width = typeset.width(line, size)
            x = (box_left + box_right) / 2 - width / 2
            lines.append(doc.invisible_line(_spaced(line, number, placed.lines),
                                            left + x * scale, top - (y + size * 0.8) * scale,
                                            size * scale, width * scale))
            y += line_height
        out.append(doc.tagged("P", "".join(lines)))
    return "".join(out)


def _lettered(panel, book):
    """The panel as drawn, lettered for print: (PNG bytes, Lettering or None)."""
    image = panel["image"]
    image = (image if isinstance(image, Image.Image) else open_image(image)).convert("RGB")
    drawn = None
    if panel.get("elements"):
        drawn = letter_panel(image, panel, book.fraction, book.basis)
    return fastpng.encode(image), drawn


def _comic_page(doc, sheet, rows, panels, book, lettered):
    scale = book.scale
    live_w, live_h = live_area(book.paper)
    heights = [max(_size(panels[i]["image"])[1] for i in row) * scale for row in rows]
    down = MARGIN + (live_h - sum(heights) - GUTTER * (len(rows) - 1)) / 2
    content, images, frames = [], {}, []
    doc.begin_page()
    for row, row_height in zip(rows, heights, strict=True):
        widths = [_size(panels[i]["image"])[0] * scale for i in row]
        x = sheet.offset + MARGIN + (live_w - sum(widths) - GUTTER * (len(row) - 1)) / 2
        for index, width in zip(row, widths, strict=True):
            if index not in lettered:
                lettered[index] = _lettered(panels[index], book)
            png, drawn = lettered[index]
            number, _, px_height = doc.image(png)
            height = px_height * scale
            top = sheet.y(down + (row_height - height) / 2)
            name = f"I{index}"
            images[name] = number
            picture = f"q {width:.3f} 0 0 {height:.3f} {x:.3f} {top - height:.3f} cm /{name} Do Q\n"
            alt = panels[index].get("alt")  # what the panel shows, for a screen reader
            content.append(doc.tagged("Figure", picture, alt) if alt else doc.artifact(picture))
            frames.append(f"{x:.3f} {top - height:.3f} {width:.3f} {height:.3f} re S\n")
            if drawn:
                content.append(_text_layer(doc, drawn, x, top, scale))
            x += width + GUTTER
        down += row_height + GUTTER
    content.append(doc.artifact(f"q {_colour(INK)} RG {FRAME} w\n" + "".join(frames) + "Q\n"))
    content.append(doc.artifact(sheet.marks()))
    doc.page("".join(content), images, sheet.media, sheet.boxes())


def _title_picture(title, author, width_pt):
    """The title (and the author's name) drawn at 300 ppi: (image, [[(text, size px, top px,
    width px)...] the title's lines, the author's]) for the invisible text over it."""
    width = round(width_pt / MAX_SCALE)
    entries, lines_out = [], []
    for text, points in ((title, TITLE_PT), (author, AUTHOR_PT)):
        if not text:
            continue
        size = round(points / MAX_SCALE)
        lines = typeset.wrap(text, size, width)
        while lines is None or (len(lines) > 4 and size > 20):
            size = round(size * 0.85)
            lines = typeset.wrap(text, size, width) if size > 20 else [text]
        entries.append((size, lines))
    height = sum(typeset.line_height(s) * len(lines) for s, lines in entries)
    height += round(len(entries) > 1 and typeset.line_height(entries[0][0]) * 0.6)
    image = Image.new("RGB", (width, max(1, height)), WHITE)
    draw = ImageDraw.Draw(image)
    y = 0
    for number, (size, lines) in enumerate(entries):
        if number:
            y += round(typeset.line_height(entries[0][0]) * 0.6)
        lines_out.append([])
        for line in lines:
            line_width = typeset.width(line, size)
            typeset.draw_line(draw, image, ((width - line_width) / 2, y), line, size, INK)
            lines_out[-1].append((line, size, y, line_width))
            y += typeset.line_height(size)
    return image, lines_out


def _title_page(doc, sheet, title, author, paper):
    live_w, live_h = live_area(paper)
    image, entries = _title_picture(title, author, live_w)
    number, _, _ = doc.image(fastpng.encode(image))
    width, height = image.width * MAX_SCALE, image.height * MAX_SCALE
    x, top = sheet.offset + MARGIN, sheet.y(MARGIN + live_h / 3 - height / 2)
    doc.begin_page()  # the picture of the title is an artifact: its text is set under it
    content = [doc.artifact(f"q {width:.3f} 0 0 {height:.3f} {x:.3f} {top - height:.3f} cm "
                            f"/T0 Do Q\n")]
    for kind, lines in zip(("H1", "P"), entries, strict=False):
        text = []
        for index, (line, size, y, line_width) in enumerate(lines):
            left = x + (image.width - line_width) / 2 * MAX_SCALE
            baseline = top - (y + size * 0.8) * MAX_SCALE
            text.append(doc.invisible_line(_spaced(line, index, lines), left, baseline,
                                           size * MAX_SCALE, line_width * MAX_SCALE))
        content.append(doc.tagged(kind, "".join(text)))
    content.append(doc.artifact(sheet.marks()))
    doc.page("".join(content), {"T0": number}, sheet.media, sheet.boxes())


def _write(title, panels, book, bleed, language, author, lettered):
    paper = book.paper
    margin = BLEEDS[paper] + SLUG if bleed else 0
    sheet = _Sheet(PAPERS[paper], margin, BLEEDS[paper] if bleed else 0)
    doc = pdfdoc.Document()
    _title_page(doc, sheet, title, author, paper)
    for rows in book.pages:
        _comic_page(doc, sheet, rows, panels, book, lettered)
    return doc.finish(title, language, author)


def pdf(title, template, panels, paper="A4", bleed=False, language="en", author=None):
    """The printed book, PDF bytes: a title page, then the comic pages of `plan`."""
    return _write(title, panels, plan(template, panels, paper), bleed, language, author, {})


class Editions(NamedTuple):
    plain: bytes
    bleed: bytes
    plan: Plan


def editions(title, template, panels, paper="A4", language="en", author=None):
    """The book and its print-shop edition with bleed on `paper`, and their `plan`: one plan,
    each panel lettered once for both."""
    book, lettered = plan(template, panels, paper), {}
    return Editions(*(_write(title, panels, book, bleed, language, author, lettered)
                      for bleed in (False, True)), book)
