"""Webtoon episodes: the webtoon layout as the images a vertical-scroll platform takes.

`episode(title, panels)` returns a zip of images 800 px wide and at most 1280 px tall each
(WEBTOON Canvas's upload size; Tapas takes up to 940 px wide, so 800 suits it too), named in
reading order, `001.png`, `002.png`... Each image is cut between panels: it holds whole panels
and the white gap under each, as many as fit; only a panel taller than 1280 px at 800 px wide
(none the layouts draw) would be cut across. The first image carries the title above the
first panel. Each image stays under `MAX_FILE` (both platforms' 2 MB an image): a PNG that
would be larger is saved as a JPEG at high quality instead (`004.jpg`). When the whole is
over `MAX_EPISODE` (Canvas's 20 MB an upload), the images go in folders of at most that,
`episode-01/001.png`..., one folder an upload.

Panels are lettered for the width they are read at: like the phone reader's panels
(pages.reader_panels), text is a fraction of the panel's own width, at least the lettering
engine's minimum (3.6 %: 29 px at 800 px, 14 CSS px on a 390 px phone, which shows the
800 px image at about half size); a panel whose texts do not fit that way is lettered at its
own size (sqrt(w * h)) instead.
"""

import io
import zipfile

from PIL import Image, ImageDraw

from chalicelib.comic import fastpng, lettering, pages, typeset
from chalicelib.comic.raster import INK, open_image

WIDTH = 800
MAX_HEIGHT = 1280
GAP = 64  # px of white under each panel
TITLE_PX = 44
MAX_FILE = 2_000_000
MAX_EPISODE = 20_000_000
WHITE = (255, 255, 255)


def _lettered(panel, fraction):
    image = panel["image"]
    image = (image if isinstance(image, Image.Image) else open_image(image)).convert("RGB")
    if panel.get("elements"):
        try:
            pages.letter_panel(image, panel, fraction, image.width)
        except lettering.DoesNotFit:
            pages.letter_panel(image, panel)
    height = round(image.height * WIDTH / image.width)
    return image.resize((WIDTH, height), Image.Resampling.LANCZOS)


def _title(title):
    lines = typeset.wrap(title, TITLE_PX, WIDTH * 0.9) or [title]
    line_height = typeset.line_height(TITLE_PX)
    image = Image.new("RGB", (WIDTH, line_height * len(lines) + 2 * GAP), WHITE)
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        x = (WIDTH - typeset.width(line, TITLE_PX)) / 2
        typeset.draw_line(draw, image, (x, GAP + number * line_height), line, TITLE_PX, INK)
    return image


def _blocks(title, panels):
    """The column's pieces, top to bottom: the title, then each panel with its gap under it."""
    sizes = []
    for panel in panels:
        image = panel["image"]
        size = image.size if isinstance(image, Image.Image) else Image.open(
            io.BytesIO(image)).size
        sizes.append(size)
    fraction = lettering.cartoon_fraction(
        [(size, p.get("elements", []), p.get("staging"), size[0])
         for size, p in zip(sizes, panels, strict=True)])
    yield _title(title)
    for panel in panels:
        image = _lettered(panel, fraction)
        block = Image.new("RGB", (WIDTH, image.height + GAP), WHITE)
        block.paste(image, (0, 0))
        yield block


def _pieces(block):
    """A block cut into pieces of at most MAX_HEIGHT (only one taller than that is cut)."""
    for top in range(0, block.height, MAX_HEIGHT):
        yield block.crop((0, top, WIDTH, min(block.height, top + MAX_HEIGHT)))


def slices(title, panels):
    """The images, top to bottom: whole blocks packed while they fit in MAX_HEIGHT."""
    current = []
    for block in _blocks(title, panels):
        for piece in _pieces(block):
            if current and sum(p.height for p in current) + piece.height > MAX_HEIGHT:
                yield _stacked(current)
                current = []
            current.append(piece)
    if current:
        yield _stacked(current)


def _stacked(pieces):
    image = Image.new("RGB", (WIDTH, sum(p.height for p in pieces)), WHITE)
    top = 0
    for piece in pieces:
        image.paste(piece, (0, top))
        top += piece.height
    return image


def _encoded(image):
    """(extension, bytes): PNG, or a JPEG when the PNG would be over MAX_FILE."""
    png = fastpng.encode(image)  # quicker than Pillow's, and smaller on drawn art
    if len(png) <= MAX_FILE:
        return "png", png
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, subsampling=0)
    return "jpg", out.getvalue()


def episode(title, panels):
    """The zip's bytes: the images in order, in episode folders when over MAX_EPISODE."""
    files = [_encoded(image) for image in slices(title, panels)]
    folders, total = [[]], 0
    for extension, data in files:
        if folders[-1] and total + len(data) > MAX_EPISODE:
            folders.append([])
            total = 0
        folders[-1].append((extension, data))
        total += len(data)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for number, folder in enumerate(folders, start=1):
            prefix = f"episode-{number:02d}/" if len(folders) > 1 else ""
            for index, (extension, data) in enumerate(folder, start=1):
                archive.writestr(f"{prefix}{index:03d}.{extension}", data, zipfile.ZIP_STORED)
    return out.getvalue()
