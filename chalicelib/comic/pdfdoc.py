"""A small PDF writer for the printed book (comic/book.py): pages with lossless images, an
invisible text layer that carries any Unicode text, page boxes, and the document's title and
language. Written by hand so the Lambda needs no compiled PDF library.

The text layer uses one Type 0 font with Identity-H codes: each distinct character of the
document gets a two-byte code, and the font's ToUnicode map turns every code back into its
character, so search, copy and screen readers get the exact text (emoji and any script
included). The text is drawn in render mode 3 (invisible) over the lettering already drawn
in the pictures, so the font program itself is never needed to show it and is not embedded.

The document is tagged: what a page draws is marked content, `tagged("H1"|"P"|"Figure", ...)`
(a figure with its alternative text), or `artifact(...)` (frames, crop marks, a picture of
text already set as text), and the structure tree lists the tagged parts in the order they
were drawn, which is the reading order.
"""

import io
import struct
import zlib

from PIL import Image

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
EM = 0.5  # every invisible character's advance, in em (the font's /DW 500)


def text_string(value):
    """A PDF text string: UTF-16BE with its byte-order mark, in hex."""
    return "<FEFF" + value.encode("utf-16-be").hex().upper() + ">"


def png_chunks(data):
    position = len(PNG_SIGNATURE)
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        yield kind, data[position + 8:position + 8 + length]
        position += 12 + length


def image_stream(png):
    """(width, height, Flate data, DecodeParms or None) of an RGB image. An 8-bit RGB PNG's
    own zlib stream is a valid Flate stream with the PNG predictors: embedded undecoded."""
    if png.startswith(PNG_SIGNATURE):
        header = dict(png_chunks(png[:33]))[b"IHDR"]
        width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
        if depth == 8 and colour == 2 and interlace == 0:
            data = b"".join(body for kind, body in png_chunks(png) if kind == b"IDAT")
            parms = f"<< /Predictor 15 /Colors 3 /BitsPerComponent 8 /Columns {width} >>"
            return width, height, data, parms
    with Image.open(io.BytesIO(png)) as image:
        rgb = image.convert("RGB")
    return rgb.width, rgb.height, zlib.compress(rgb.tobytes(), 6), None


class Document:
    """Objects are numbered as they are added; `page(...)` adds a page, `finish(...)` the rest."""

    def __init__(self):
        self.out = io.BytesIO()
        self.out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        self.offsets = {}
        self.pages = []
        self.codes = {}  # character -> its code in the text font
        self.font = self.reserve()
        self.tree = self.reserve()
        self.structure = self.reserve()  # the Document element, parent of every tagged part
        self.tagged_parts = []  # (structure type, page object, MCID, alternative text or None)
        self.current = None  # the page being drawn: its object number, reserved
        self.next_mcid = 0

    def reserve(self):
        number = len(self.offsets) + 1
        self.offsets[number] = None
        return number

    def add(self, body, stream=None, number=None):
        number = number or self.reserve()
        self.offsets[number] = self.out.tell()
        self.out.write(f"{number} 0 obj\n".encode())
        if stream is None:
            self.out.write(body.encode() + b"\nendobj\n")
        else:
            self.out.write(body.encode() + b"\nstream\n" + stream + b"\nendstream\nendobj\n")
        return number

    def image(self, png):
        """An image XObject from PNG bytes: its object number, width and height in px."""
        width, height, data, parms = image_stream(png)
        decode = f" /DecodeParms {parms}" if parms else ""
        number = self.add(f"<< /Type /XObject /Subtype /Image /Width {width} /Height {height}"
                          f" /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode"
                          f"{decode} /Length {len(data)} >>", data)
        return number, width, height

    def encode(self, text):
        """`text` in the text font's two-byte codes, hex."""
        out = []
        for char in text:
            code = self.codes.setdefault(char, len(self.codes) + 1)
            out.append(f"{code:04X}")
        return "<" + "".join(out) + ">"

    def invisible_line(self, text, x, baseline, size, width):
        """Content-stream operators that set one line of invisible text, `size` pt, from x on
        `baseline`, stretched to `width` pt (where the drawn line lies, for selection)."""
        natural = max(1e-6, len(text) * EM * size)
        stretch = 100 * width / natural if width > 0 else 100
        return (f"BT /T {size:.3f} Tf 3 Tr {stretch:.2f} Tz {x:.3f} {baseline:.3f} Td "
                f"{self.encode(text)} Tj ET\n")

    def begin_page(self):
        """Start a page: what is tagged from here on belongs to it."""
        self.current, self.next_mcid = self.reserve(), 0

    def tagged(self, kind, operators, alt=None):
        """`operators` as one part of the structure, of type `kind`, in reading order."""
        mcid = self.next_mcid
        self.next_mcid += 1
        self.tagged_parts.append((kind, self.current, mcid, alt))
        return f"/{kind} <</MCID {mcid}>> BDC\n{operators}EMC\n"

    @staticmethod
    def artifact(operators):
        """`operators` outside the structure: a screen reader skips them."""
        return f"/Artifact BMC\n{operators}EMC\n" if operators else ""

    def page(self, content, images, media, boxes=""):
        """The page begun, of `media` (w, h) pt, drawing `content` (operators) with `images`
        {name: object number}."""
        stream = zlib.compress(content.encode(), 6)
        contents = self.add(f"<< /Length {len(stream)} /Filter /FlateDecode >>", stream)
        xobjects = " ".join(f"/{name} {number} 0 R" for name, number in images.items())
        self.add(f"<< /Type /Page /Parent {self.tree} 0 R /MediaBox [0 0 "
                 f"{media[0]:.3f} {media[1]:.3f}]{boxes} /Resources << /XObject << "
                 f"{xobjects} >> /Font << /T {self.font} 0 R >> >> "
                 f"/Contents {contents} 0 R /StructParents {len(self.pages)} /Tabs /S >>",
                 number=self.current)
        self.pages.append(self.current)

    def _structure(self, language):
        """The structure tree: the Document element, each tagged part under it in order, and
        the parent tree that maps each page's marked content back to its part."""
        root = self.reserve()
        parts, by_page = [], {page: [] for page in self.pages}
        for kind, page, mcid, alt in self.tagged_parts:
            alternative = f" /Alt {text_string(alt)}" if alt else ""
            number = self.add(f"<< /Type /StructElem /S /{kind} /P {self.structure} 0 R "
                              f"/Pg {page} 0 R /K {mcid}{alternative} >>")
            parts.append(f"{number} 0 R")
            by_page[page].append(f"{number} 0 R")
        self.add(f"<< /Type /StructElem /S /Document /P {root} 0 R /Lang {text_string(language)}"
                 f" /K [{' '.join(parts)}] >>", number=self.structure)
        nums = " ".join(f"{index} [{' '.join(by_page[page])}]"
                        for index, page in enumerate(self.pages))
        parents = self.add(f"<< /Nums [{nums}] >>")
        self.add(f"<< /Type /StructTreeRoot /K {self.structure} 0 R /ParentTree {parents} 0 R "
                 f"/ParentTreeNextKey {len(self.pages)} >>", number=root)
        return root

    def _font(self):
        pairs = sorted((code, char) for char, code in self.codes.items())
        lines = [f"<{code:04X}> <{char.encode('utf-16-be').hex().upper()}>"
                 for code, char in pairs]
        groups = [lines[i:i + 100] for i in range(0, len(lines), 100)]
        blocks = [f"{len(group)} beginbfchar\n" + "\n".join(group) + "\nendbfchar"
                  for group in groups]
        cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
                "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
                "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
                + "\n".join(blocks) + "\nendcmap CMapName currentdict /CMap defineresource pop"
                " end end").encode()
        to_unicode = self.add(f"<< /Length {len(cmap)} >>", cmap)
        descriptor = self.add("<< /Type /FontDescriptor /FontName /CaaartoonsText /Flags 32 "
                              "/FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 900 "
                              "/Descent -200 /CapHeight 700 /StemV 80 >>")
        cid = self.add(f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /CaaartoonsText "
                       f"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) "
                       f"/Supplement 0 >> /FontDescriptor {descriptor} 0 R /DW "
                       f"{round(EM * 1000)} /CIDToGIDMap /Identity >>")
        self.add(f"<< /Type /Font /Subtype /Type0 /BaseFont /CaaartoonsText /Encoding "
                 f"/Identity-H /DescendantFonts [{cid} 0 R] /ToUnicode {to_unicode} 0 R >>",
                 number=self.font)

    def finish(self, title, language, author=None):
        """The document's bytes: its catalog carries the language, its info the title (shown
        as the window's title) and the author when there is one."""
        self._font()
        kids = " ".join(f"{n} 0 R" for n in self.pages)
        self.add(f"<< /Type /Pages /Kids [{kids}] /Count {len(self.pages)} >>", number=self.tree)
        structure = self._structure(language)
        root = self.add(f"<< /Type /Catalog /Pages {self.tree} 0 R /Lang {text_string(language)}"
                        f" /ViewerPreferences << /DisplayDocTitle true >> /MarkInfo << /Marked "
                        f"true >> /StructTreeRoot {structure} 0 R >>")
        by = f" /Author {text_string(author)}" if author else ""
        info = self.add(f"<< /Title {text_string(title)}{by} /Creator (Caaartoons) "
                        f"/Producer (Caaartoons) >>")
        xref = self.out.tell()
        count = len(self.offsets) + 1
        lines = [f"xref\n0 {count}\n", "0000000000 65535 f \n"]
        lines += [f"{self.offsets[n]:010d} 00000 n \n" for n in range(1, count)]
        lines.append(f"trailer\n<< /Size {count} /Root {root} 0 R /Info {info} 0 R >>\n"
                     f"startxref\n{xref}\n%%EOF\n")
        self.out.write("".join(lines).encode())
        return self.out.getvalue()
