"""The cartoon to take away for comic readers: a CBZ from the pages' PNGs
(pages.compose_cartoon's output, in order). The PDF is the printed book, composed for paper
(comic/book.py).

`cbz(title, pngs, language)`: a zip of `page-001.png`... in order, every entry stored as it is
(PNG is compressed already; comic readers seek into a stored zip), with a `ComicInfo.xml` as the
Anansi Project's schema v2.0 has it: the title, the page count, the language (BCP 47), not a
manga, and each page with its size, the first typed as the front cover.
"""

import io
import struct
import zipfile
from xml.etree import ElementTree

from PIL import Image

from chalicelib.comic.pdfdoc import PNG_SIGNATURE, png_chunks


def png_size(png):
    """(width, height) of a PNG, from its header."""
    if png.startswith(PNG_SIGNATURE):
        return struct.unpack(">II", dict(png_chunks(png[:33]))[b"IHDR"][:8])
    with Image.open(io.BytesIO(png)) as image:
        return image.size


def comic_info(title, pngs, language):
    """ComicInfo.xml (schema v2.0: its elements in the schema's order), bytes."""
    root = ElementTree.Element("ComicInfo", {
        "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
        "xmlns:xsd": "http://www.w3.org/2001/XMLSchema"})
    for name, value in (("Title", title), ("PageCount", str(len(pngs))),
                        ("LanguageISO", language), ("Manga", "No")):
        ElementTree.SubElement(root, name).text = value
    pages = ElementTree.SubElement(root, "Pages")
    for index, png in enumerate(pngs):
        width, height = png_size(png)
        page = {"Image": str(index), "ImageSize": str(len(png)), "ImageWidth": str(width),
                "ImageHeight": str(height)}
        if index == 0:
            page["Type"] = "FrontCover"
        ElementTree.SubElement(pages, "Page", page)
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def page_name(number, count, extension="png"):
    """`page-001.png`...: zero-padded to at least three digits, so names sort as pages do."""
    return f"page-{number:0{max(3, len(str(count)))}d}.{extension}"


def cbz(title, pngs, language="en"):
    """The pages as a comic book archive, bytes: page-001.png... in order, and ComicInfo.xml,
    every entry stored."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for number, png in enumerate(pngs, 1):
            archive.writestr(page_name(number, len(pngs)), png)
        archive.writestr("ComicInfo.xml", comic_info(title, pngs, language))
    return out.getvalue()
