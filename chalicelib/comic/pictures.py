"""A picture someone uploaded, made safe to keep and draw from: decoded within a pixel limit
(a decompression bomb is refused before its pixels are allocated), oriented as its EXIF says,
then re-encoded as a PNG from its pixels alone, so no metadata survives (EXIF, GPS, XMP, ICC,
comments). Plain bytes in, bytes out."""

import io
import warnings

from PIL import Image, ImageOps

FORMATS = ("PNG", "JPEG", "WEBP")
# A reference is at most 1536 px tall: a larger picture is kept (and sent to be moderated and
# drawn from) at this longest side, which keeps a 24-megapixel photo to a few megabytes.
MAX_SIDE = 2048


class Unreadable(Exception):
    """Not a PNG, JPEG or WebP we can read, or larger than the limit."""


def clean(data, *, max_pixels):
    """The picture's pixels as a metadata-free PNG (RGB, or RGBA when it has transparency), at
    most MAX_SIDE px on its longest side; Unreadable otherwise."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise Unreadable("too many pixels")
                image = ImageOps.exif_transpose(image)
                image.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as error:
        raise Unreadable(type(error).__name__) from None
    mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info \
        else "RGB"
    image = image.convert(mode)
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    pixels = Image.new(mode, image.size)
    pixels.paste(image)  # the pixels only: no info, no EXIF, no ICC profile
    out = io.BytesIO()
    pixels.save(out, "PNG", optimize=False)
    return out.getvalue()


def average_colour(png):
    """The mean RGB of a picture (the offline renderer tints a figure with it)."""
    with Image.open(io.BytesIO(png)) as image:
        return tuple(image.convert("RGB").resize((1, 1), Image.Resampling.BOX).getpixel((0, 0)))


def tinted(png, colour, strength=0.4):
    """A picture washed with one colour (alpha kept), as a PNG."""
    with Image.open(io.BytesIO(png)) as image:
        image = image.convert("RGBA")
    wash = Image.new("RGBA", image.size, (*colour, 255))
    out = Image.blend(image, wash, strength)
    out.putalpha(image.getchannel("A"))
    buffer = io.BytesIO()
    out.save(buffer, "PNG")
    return buffer.getvalue()
