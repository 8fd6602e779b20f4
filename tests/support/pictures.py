"""Pictures for the composition tests: PNG bytes of a given size, and the opened result."""

import io

from PIL import Image, ImageDraw


def png(size=(256, 256), colour=(120, 160, 200), pattern=False):
    """PNG bytes of a plain picture; with `pattern`, stripes that any rescaling would blur."""
    image = Image.new("RGB", size, colour)
    if pattern:
        draw = ImageDraw.Draw(image)
        for x in range(0, size[0], 8):
            draw.line([(x, 0), (x, size[1])], fill=(255 - x % 256, x % 256, 90), width=3)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def opened(data):
    image = Image.open(io.BytesIO(data))
    image.load()
    return image
