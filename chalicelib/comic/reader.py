"""Each scene lettered again for the phone reader, which shows one panel at a time at the
screen's full width: `pictures(panels)` yields one picture a scene, in order.

On a page, text is sized to the page's smallest panel, so a wide panel shown alone at a phone's
width would letter at 7 to 10 CSS px. Here each panel is lettered relative to its own width,
so that its text, shown `PHONE_CSS_PX` wide, is at least `TEXT_CSS_PX`: for a picture `width`
px wide, `text_px * PHONE_CSS_PX / width >= TEXT_CSS_PX` (`text_floor`). A panel whose texts
do not fit at that size in the room its picture leaves (a short, wide panel with much to say)
gets paper above the art, `headroom`, added until they do: its balloons sit there, their tails
reaching down to the speakers. The art is never shrunk or cropped and the text never cut; one
text size serves the whole cartoon where it fits, as on the pages.

Plain data in (the panels' dicts of pages.py: image, elements, staging), Pillow images out.
"""

import math

from PIL import Image

from chalicelib.comic import lettering, pages
from chalicelib.comic.raster import PAPER, open_image

PHONE_CSS_PX = 390  # the narrowest phone we letter for (an iPhone 12 to 15, portrait)
TEXT_CSS_PX = 14
HEADROOM_STEP = 0.1  # of the art's height, added at a time
# The most headroom that keeps the lettering's band (lettering.BAND of the picture's height)
# reaching down into the art, so that tails still end on it: h <= BAND * (height + h).
HEADROOM_CAP = lettering.BAND / (1 - lettering.BAND)
MAX_HEIGHT = 4.0  # the tallest a reader picture grows, in widths (a long read, never cut)


def text_floor(width):
    """The smallest text, in px of a picture `width` px wide, that a phone shows at
    `TEXT_CSS_PX` or more."""
    return math.ceil(TEXT_CSS_PX * width / PHONE_CSS_PX)


def css_px(text_px, width):
    """What text of `text_px` on a picture `width` px wide measures on the phone."""
    return text_px * PHONE_CSS_PX / width


def basis(width):
    """The lettering's unit for a reader picture `width` px wide: the one whose smallest text
    (`lettering.MINIMUM` of it) is exactly `text_floor(width)`, so no rounding goes below."""
    return text_floor(width) / lettering.MINIMUM * (1 + 1e-9)


def fraction(panels, sizes=None):
    """The one text size (a fraction of `basis`) that fits every panel's own picture."""
    sizes = sizes or [pages.panel_pixels(p) for p in panels]
    return lettering.cartoon_fraction(
        [(size, p.get("elements", []), p.get("staging"), basis(size[0]))
         for size, p in zip(sizes, panels, strict=True)])


def headrooms(size):
    """The headrooms to try for art of `size`, in px: none first, then more and more, those
    up to `HEADROOM_CAP` (where tails still reach the art) first."""
    width, height = size
    step = max(1, round(height * HEADROOM_STEP))
    cap = math.floor(height * HEADROOM_CAP)
    tallest = max(cap, round(width * MAX_HEIGHT) - height)
    return list(range(0, cap + 1, step)), list(range(cap + step, tallest + 1, step * 2))


def _moved(elements, height, headroom):
    """The elements with the owner's positions (fractions of the art) moved onto the picture
    (fractions of the art and its headroom)."""
    def down(point):
        return [point[0], (headroom + point[1] * height) / (height + headroom)]
    out = []
    for item in elements:
        item = dict(item)
        for name in ("at", "tail"):
            if item.get(name) is not None:
                item[name] = down(item[name])
        out.append(item)
    return out


def _laid(size, elements, staging, fraction, unit, look):
    """Against what the drawing holds; where that leaves no room off its faces, against the
    staging the texts were checked with (as pages.letter_panel does)."""
    if look is not None:
        try:
            return lettering.layout(size, elements, staging, fraction, unit, look)
        except lettering.DoesNotFit:
            pass
    return lettering.layout(size, elements, staging, fraction, unit)


def layout(size, elements, staging=None, text_fraction=lettering.PREFERRED, look=None):
    """(headroom px, lettering.Lettering on the picture of art `size` with that headroom) at
    the reader's size: the least headroom where the texts fit off every face the look found
    (or the staging places); lettering.DoesNotFit when even the tallest picture cannot hold
    them."""
    near, far = headrooms(size)
    problem = None
    for headroom in near + far:
        try:
            return headroom, _laid(
                (size[0], size[1] + headroom), _moved(elements, size[1], headroom), staging,
                text_fraction, basis(size[0]),
                look and look.lowered(headroom / (size[1] + headroom)))
        except lettering.DoesNotFit as error:
            problem = error
            if any(p["code"] != "does_not_fit" for p in error.problems):
                break  # not a matter of room
    raise problem


def _art(panel, size):
    image = panel["image"]
    image = image if isinstance(image, Image.Image) else open_image(image)
    return image.convert("RGB") if image.mode != "RGB" else image.copy()


def picture(panel, size, text_fraction):
    """(Pillow image, info) of one scene for the reader: the art, the headroom it needs above
    it, the lettering. info: `{"width", "height", "headroom", "text_px", "text_css_px"}`."""
    elements, staging = panel.get("elements", []), panel.get("staging")
    headroom, drawn = layout(size, elements, staging, text_fraction, pages.look_of(panel))
    canvas = Image.new("RGB", (size[0], size[1] + headroom), PAPER)
    canvas.paste(_art(panel, size), (0, headroom))
    lettering.draw(canvas, drawn)
    text_px = drawn.size if drawn.placed else None
    return canvas, {"width": canvas.width, "height": canvas.height, "headroom": headroom,
                    "text_px": text_px,
                    "text_css_px": round(css_px(text_px, canvas.width), 2) if text_px else None}


def pictures(panels):
    """Each scene's reader picture, in order: yields `(Pillow image, info)` one at a time
    (encode each and let it go: 24 panels at once would hold 75 MB)."""
    sizes = [pages.panel_pixels(p) for p in panels]
    shared = fraction(panels, sizes)
    for panel, size in zip(panels, sizes, strict=True):
        yield picture(panel, size, shared)
