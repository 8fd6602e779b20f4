"""The composed strip: the title, then the panels in a grid, each with its caption and
dialogue lettered by us (never by the model), so the words are always legible and editable for
free."""

import functools
import math

from PIL import Image, ImageDraw

from chalicelib.comic.raster import INK, PAPER, font, open_image, to_png, wrap

STRIP_PANEL = 512
GUTTER = 16
MARGIN = 24
TITLE_BAND = 72
CAPTION_FILL = (255, 242, 201)


def grid(count):
    """(columns, rows) for a strip of `count` panels: one row up to 3, then two rows."""
    columns = count if count <= 3 else math.ceil(count / 2)
    return columns, math.ceil(count / columns)


@functools.lru_cache(maxsize=1)
def _text_metrics():
    return font(19).getbbox("Ag")[3] + 6


def _text_box(draw, lines, box, fill, typeface, *, bubble=False):
    left, top = box[0], box[1]
    if bubble:
        draw.rounded_rectangle(box, radius=18, fill=fill, outline=INK, width=3)
    else:
        draw.rectangle(box, fill=fill, outline=INK, width=3)
    line_height = _text_metrics()
    y = top + 10
    for line in lines:
        draw.text((left + 14, y), line, font=typeface, fill=INK)
        y += line_height


def _caption_layer(panel, caption, dialogue, speaker):
    draw = ImageDraw.Draw(panel)
    typeface = font(19)
    width = panel.width - 28 - 2 * 12
    line_height = _text_metrics()
    if caption:
        lines = wrap(caption, typeface, width, 4)
        box = (12, 12, panel.width - 12, 12 + 20 + line_height * len(lines))
        _text_box(draw, lines, box, CAPTION_FILL, typeface)
    if dialogue:
        text = f"{speaker}: {dialogue}" if speaker else dialogue
        lines = wrap(text, typeface, width, 4)
        height = 20 + line_height * len(lines)
        bottom = panel.height - 26
        box = (12, bottom - height, panel.width - 12, bottom)
        # The bubble's tail points up-left from its bottom edge towards the speaker.
        draw.polygon([(60, bottom - 4), (96, bottom - 4), (70, bottom + 20)], fill="white",
                     outline=INK)
        _text_box(draw, lines, box, "white", typeface, bubble=True)
        draw.line([(62, bottom - 2), (94, bottom - 2)], fill="white", width=4)


def panel_for_strip(data, size, caption="", dialogue="", speaker=""):
    image = open_image(data).convert("RGB")
    image = image.resize(size, Image.Resampling.LANCZOS)
    _caption_layer(image, caption, dialogue, speaker)
    return image


def compose_strip(title, panels):
    """One PNG: the title, then the panels in a grid, each with its caption and dialogue.
    `panels` is a list of dicts with `image` (bytes), `caption`, `dialogue` and `speaker`."""
    first = open_image(panels[0]["image"])
    cell = (STRIP_PANEL, round(STRIP_PANEL * first.height / first.width))
    columns, rows = grid(len(panels))
    width = 2 * MARGIN + columns * cell[0] + (columns - 1) * GUTTER
    height = TITLE_BAND + MARGIN + rows * cell[1] + (rows - 1) * GUTTER
    strip = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(strip)
    title_font = font(34, bold=True)
    title_line = wrap(title, title_font, width - 2 * MARGIN, 1)[0]
    draw.text((MARGIN, (TITLE_BAND - 34) // 2 + 4), title_line, font=title_font, fill=INK)
    for index, panel in enumerate(panels):
        row, column = divmod(index, columns)
        x = MARGIN + column * (cell[0] + GUTTER)
        y = TITLE_BAND + row * (cell[1] + GUTTER)
        image = panel_for_strip(panel["image"], cell, panel.get("caption", ""),
                                panel.get("dialogue", ""), panel.get("speaker", ""))
        strip.paste(image, (x, y))
        draw.rectangle((x - 2, y - 2, x + cell[0] + 1, y + cell[1] + 1), outline=INK, width=4)
    return to_png(strip)
