"""The cartoon to take away: a PDF to print and a CBZ for comic readers, from the pages' PNGs
(pages.compose_cartoon's output, in order).

`pdf(title, pngs, paper="A4"|"Letter")`: one comic page a PDF page of that paper, turned to
landscape only for a page that would print smaller in portrait, the title in the document's
metadata (the first comic page carries it too). Each page's pixels are embedded as they are,
losslessly: a PNG's own zlib stream is a valid PDF Flate stream with the PNG predictors, so the
pixels are not even decoded (anything else is re-encoded with zlib, never as JPEG). A page
prints at 300 dpi (the layouts make a page of 1024 px panels about 190 mm wide, A4's width
within its margins), shrunk to fit the paper when larger, never enlarged past 300 dpi.

`cbz(title, pngs, language)`: a zip of `page-001.png`... in order, every entry stored as it is
(PNG is compressed already; comic readers seek into a stored zip), with a `ComicInfo.xml` as the
Anansi Project's schema v2.0 has it: the title, the page count, the language (BCP 47), not a
manga, and each page with its size, the first typed as the front cover.
"""

import io
import struct
import zipfile
import zlib
from xml.etree import ElementTree

from PIL import Image

PAPERS = {"A4": (595.276, 841.89), "Letter": (612.0, 792.0)}  # points, portrait
MARGIN = 28.35  # 10 mm, in points
DPI = 300
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunks(data):
    position = len(PNG_SIGNATURE)
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        yield kind, data[position + 8:position + 8 + length]
        position += 12 + length


def _image(png):
    """(width, height, Flate data, DecodeParms or None) for an RGB image in a PDF."""
    if png.startswith(PNG_SIGNATURE):
        header = dict(_chunks(png[:33]))[b"IHDR"]
        width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
        if depth == 8 and colour == 2 and interlace == 0:
            data = b"".join(body for kind, body in _chunks(png) if kind == b"IDAT")
            parms = f"<< /Predictor 15 /Colors 3 /BitsPerComponent 8 /Columns {width} >>"
            return width, height, data, parms
    with Image.open(io.BytesIO(png)) as image:
        rgb = image.convert("RGB")
    return rgb.width, rgb.height, zlib.compress(rgb.tobytes(), 6), None


def _text(value):
    """A PDF text string: UTF-16BE with its byte-order mark, in hex."""
    return "<FEFF" + value.encode("utf-16-be").hex().upper() + ">"


def _scale(size, width, height):
    return min(72 / DPI, (width - 2 * MARGIN) / size[0], (height - 2 * MARGIN) / size[1])


def placement(size, paper="A4"):
    """(page width, page height, x, y, drawn width, drawn height) in points for an image of
    `size` px, centred across and from the top margin down: at 300 dpi or shrunk to fit,
    portrait unless only landscape shows it larger (a wide strip)."""
    width, height = PAPERS[paper]
    if _scale(size, height, width) > _scale(size, width, height):
        width, height = height, width
    scale = _scale(size, width, height)
    drawn = (size[0] * scale, size[1] * scale)
    return width, height, (width - drawn[0]) / 2, height - MARGIN - drawn[1], *drawn


class _Writer:
    def __init__(self):
        self.out = io.BytesIO()
        self.out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        self.offsets = {}

    def add(self, number, body, stream=None):
        self.offsets[number] = self.out.tell()
        self.out.write(f"{number} 0 obj\n".encode())
        if stream is None:
            self.out.write(body.encode() + b"\nendobj\n")
        else:
            self.out.write(body.encode() + b"\nstream\n" + stream + b"\nendstream\nendobj\n")

    def finish(self, root, info):
        xref = self.out.tell()
        count = max(self.offsets) + 1
        lines = [f"xref\n0 {count}\n", "0000000000 65535 f \n"]
        lines += [f"{self.offsets[n]:010d} 00000 n \n" for n in range(1, count)]
        lines.append(f"trailer\n<< /Size {count} /Root {root} 0 R /Info {info} 0 R >>\n"
                     f"startxref\n{xref}\n%%EOF\n")
        self.out.write("".join(lines).encode())
        return self.out.getvalue()


def pdf(title, pngs, paper="A4"):
    """The pages as one PDF, bytes."""
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}")
    writer = _Writer()
    kids = []
    for index, png in enumerate(pngs):
        page, content, picture = 4 + 3 * index, 5 + 3 * index, 6 + 3 * index
        width, height, data, parms = _image(png)
        page_w, page_h, x, y, drawn_w, drawn_h = placement((width, height), paper)
        decode = f" /DecodeParms {parms}" if parms else ""
        writer.add(picture, f"<< /Type /XObject /Subtype /Image /Width {width} /Height {height}"
                            f" /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode"
                            f"{decode} /Length {len(data)} >>", data)
        draw = f"q {drawn_w:.3f} 0 0 {drawn_h:.3f} {x:.3f} {y:.3f} cm /P Do Q".encode()
        writer.add(content, f"<< /Length {len(draw)} >>", draw)
        writer.add(page, f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {page_w:.3f} "
                         f"{page_h:.3f}] /Resources << /XObject << /P {picture} 0 R >> >> "
                         f"/Contents {content} 0 R >>")
        kids.append(f"{page} 0 R")
    writer.add(1, "<< /Type /Catalog /Pages 2 0 R >>")
    writer.add(2, f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>")
    writer.add(3, f"<< /Title {_text(title)} /Creator (Caaartoons) /Producer (Caaartoons) >>")
    return writer.finish(1, 3)


def png_size(png):
    """(width, height) of a PNG, from its header."""
    if png.startswith(PNG_SIGNATURE):
        return struct.unpack(">II", dict(_chunks(png[:33]))[b"IHDR"][:8])
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
