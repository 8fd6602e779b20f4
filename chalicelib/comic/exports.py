"""The cartoon to take away for comic readers: a CBZ from the pages' PNGs
(pages.compose_cartoon's output, in order). The PDF is the printed book, composed for paper
(comic/book.py).

`cbz(title, pngs)`: a zip of `page-001.png`... in order, with a ComicInfo.xml.
"""

import io
import zipfile
from xml.sax.saxutils import escape


def cbz(title, pngs):
    """The pages as a comic book archive, bytes: page-001.png... in order, and ComicInfo.xml."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for number, png in enumerate(pngs, 1):  # PNG is compressed already: stored as it is
            archive.writestr(f"page-{number:03d}.png", png, zipfile.ZIP_STORED)
        cover = ' Type="FrontCover"'
        pages = "".join(f'<Page Image="{i}"{cover if i == 0 else ""}/>' for i in range(len(pngs)))
        info = ('<?xml version="1.0" encoding="utf-8"?>\n<ComicInfo>'
                f"<Title>{escape(title)}</Title><PageCount>{len(pngs)}</PageCount>"
                f"<Pages>{pages}</Pages></ComicInfo>\n")
        archive.writestr("ComicInfo.xml", info.encode(), zipfile.ZIP_DEFLATED)
    return out.getvalue()
