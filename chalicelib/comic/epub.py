"""The cartoon as an accessible comic e-book: EPUB 3, fixed layout, one comic page a book page.

`book(...)` returns the .epub's bytes. Each page shows the composed page's PNG as it is; over
each panel lies that panel's own picture (the same image file, framed to the panel) with the
panel's alt text (what happens, then what is said, in reading order), so a screen reader reads
the panels one by one and in order, where they are. A transcript, a reflowable page at the end
listed in the table of contents, tells the whole story in words. The package carries the
cartoon's language and EPUB Accessibility 1.1 metadata (access modes, features, hazards and a
summary). EPUBCheck, the W3C's validator, passes it with no errors (tests/comic/test_epub.py).

Pure: plain data and PNG bytes in; every word comes from the caller, already in the book's
language (the worker words it from core/words).
"""

import io
import uuid
import zipfile
from dataclasses import dataclass
from html import escape

from chalicelib.comic.exports import page_name, png_size

MEDIA_TYPE = "application/epub+zip"
NAMESPACE = uuid.UUID("6f1d4c7e-2b0a-4f7e-9a51-3c2c8a7e4d10")  # ids of Caaartoons' books
CSS = """html, body { margin: 0; padding: 0; }
.page { position: relative; overflow: hidden; }
.page img { position: absolute; display: block; }
.panel { position: absolute; overflow: hidden; }
.hidden { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip-path: inset(50%); white-space: nowrap; }
.transcript { font-family: serif; line-height: 1.5; margin: 1em 1.5em; }
.transcript .action { font-style: italic; }
"""


@dataclass(frozen=True)
class Panel:
    rect: tuple  # (left, top, right, bottom) in the page's px
    alt: str  # the panel in words, in reading order


@dataclass(frozen=True)
class Scene:
    heading: str  # "Scene 2"
    action: str
    lines: tuple  # each text as said: 'Ada says: "…"'


@dataclass(frozen=True)
class Words:
    contents: str  # the table of contents' title
    transcript: str  # the transcript's title
    page: str  # "Page {n} of {total}"
    summary: str  # schema:accessibilitySummary


def identifier(name):
    """A stable urn:uuid for the book of `name` (a cartoon's id): the same across rebuilds."""
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, name)}"


def _xhtml(language, title, head, body):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
            '<html xmlns="http://www.w3.org/1999/xhtml" '
            'xmlns:epub="http://www.idpf.org/2007/ops" '
            f'xml:lang="{escape(language)}" lang="{escape(language)}">\n'
            f'<head>\n<meta charset="utf-8"/>\n{head}<title>{escape(title)}</title>\n'
            '<link rel="stylesheet" type="text/css" href="book.css"/>\n</head>\n'
            f"<body>\n{body}</body>\n</html>\n").encode()


def _page(language, title, number, total, png, panels, words):
    """One fixed-layout page: the page's picture (decorative: the panels carry the words),
    then each panel, framed from the same picture, with its alt text."""
    width, height = png_size(png)
    image = f"images/{page_name(number, total)}"
    label = words.page.format(n=number, total=total)
    parts = [f'<section class="page" aria-label="{escape(label)}" '
             f'style="width:{width}px;height:{height}px">\n']
    if number == 1:
        parts.append(f'<h1 class="hidden">{escape(title)}</h1>\n')
    parts.append(f'<img src="{image}" alt="" width="{width}" height="{height}" '
                 'style="left:0;top:0"/>\n')
    for panel in panels:
        left, top, right, bottom = (round(v) for v in panel.rect)
        parts.append(f'<div class="panel" style="left:{left}px;top:{top}px;'
                     f'width:{right - left}px;height:{bottom - top}px">'
                     f'<img src="{image}" alt="{escape(panel.alt)}" width="{width}" '
                     f'height="{height}" style="left:{-left}px;top:{-top}px"/></div>\n')
    parts.append("</section>\n")
    head = f'<meta name="viewport" content="width={width}, height={height}"/>\n'
    return _xhtml(language, f"{title} · {label}", head, "".join(parts))


def _transcript(language, title, scenes, words):
    items = "".join(
        f"<li><h2>{escape(scene.heading)}</h2>\n<p class=\"action\">{escape(scene.action)}</p>\n"
        + "".join(f"<p>{escape(line)}</p>\n" for line in scene.lines) + "</li>\n"
        for scene in scenes)
    body = (f'<section class="transcript" epub:type="chapter" role="doc-chapter">\n'
            f"<h1>{escape(words.transcript)}</h1>\n<p>{escape(title)}</p>\n"
            f"<ol>\n{items}</ol>\n</section>\n")
    return _xhtml(language, f"{title} · {words.transcript}", "", body)


def _nav(language, title, total, words):
    pages = "".join(f'<li><a href="{page_name(n, total, "xhtml")}">'
                    f"{escape(words.page.format(n=n, total=total))}</a></li>\n"
                    for n in range(1, total + 1))
    body = (f'<nav epub:type="toc" id="toc" role="doc-toc">\n<h1>{escape(words.contents)}</h1>\n'
            f"<ol>\n{pages}<li><a href=\"transcript.xhtml\">{escape(words.transcript)}</a></li>\n"
            "</ol>\n</nav>\n"
            '<nav epub:type="page-list" id="page-list" hidden="hidden">\n<ol>\n'
            + "".join(f'<li><a href="{page_name(n, total, "xhtml")}">{n}</a></li>\n'
                      for n in range(1, total + 1))
            + "</ol>\n</nav>\n")
    return _xhtml(language, title, "", body)


ACCESSIBILITY = (
    ("schema:accessMode", "textual"), ("schema:accessMode", "visual"),
    ("schema:accessModeSufficient", "textual"), ("schema:accessModeSufficient", "visual"),
    ("schema:accessModeSufficient", "textual,visual"),
    ("schema:accessibilityFeature", "alternativeText"),
    ("schema:accessibilityFeature", "longDescription"),
    ("schema:accessibilityFeature", "readingOrder"),
    ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityFeature", "pageNavigation"),
    ("schema:accessibilityHazard", "none"),
    ("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level A"),
    ("a11y:certifiedBy", "Caaartoons"),
)


COVER = ' properties="cover-image"'


def _package(book_id, language, title, modified, total, words):
    metas = "".join(f'<meta property="{name}">{escape(value)}</meta>\n'
                    for name, value in ACCESSIBILITY)
    pages = [page_name(n, total, "xhtml") for n in range(1, total + 1)]
    images = [page_name(n, total) for n in range(1, total + 1)]
    manifest = "".join(
        [f'<item id="p{n}" href="{href}" media-type="application/xhtml+xml"/>\n'
         for n, href in enumerate(pages, 1)]
        + [f'<item id="i{n}" href="images/{href}" media-type="image/png"{COVER if n == 1 else ""}'
           "/>\n" for n, href in enumerate(images, 1)])
    spine = "".join(f'<itemref idref="p{n}"/>\n' for n in range(1, total + 1))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
        f'unique-identifier="book-id" xml:lang="{escape(language)}">\n'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        f'<dc:identifier id="book-id">{escape(book_id)}</dc:identifier>\n'
        f"<dc:title>{escape(title)}</dc:title>\n<dc:language>{escape(language)}</dc:language>\n"
        f'<meta property="dcterms:modified">{modified}</meta>\n'
        '<meta property="rendition:layout">pre-paginated</meta>\n'
        '<meta property="rendition:orientation">auto</meta>\n'
        '<meta property="rendition:spread">none</meta>\n'
        f"{metas}"
        f'<meta property="schema:accessibilitySummary">{escape(words.summary)}</meta>\n'
        "</metadata>\n<manifest>\n"
        '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>\n'
        '<item id="css" href="book.css" media-type="text/css"/>\n'
        '<item id="transcript" href="transcript.xhtml" media-type="application/xhtml+xml"/>\n'
        f"{manifest}</manifest>\n<spine>\n{spine}"
        '<itemref idref="transcript" properties="rendition:layout-reflowable"/>\n'
        "</spine>\n</package>\n").encode()


CONTAINER = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
             b'<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
             b'\n<rootfiles>\n<rootfile full-path="OEBPS/package.opf" '
             b'media-type="application/oebps-package+xml"/>\n</rootfiles>\n</container>\n')


def book(*, title, language, book_id, modified, pngs, panels, scenes, words):
    """The .epub, bytes. `pngs`: the pages in order; `panels`: for each page, its `Panel`s in
    reading order; `scenes`: every `Scene` in order, for the transcript; `modified`: when it
    was made, `YYYY-MM-DDThh:mm:ssZ`; `book_id` from `identifier`."""
    if len(panels) != len(pngs):
        raise ValueError("one list of panels a page")
    out = io.BytesIO()
    total = len(pngs)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        # The mimetype first and stored: how a reading system recognises the file.
        archive.writestr("mimetype", MEDIA_TYPE, zipfile.ZIP_STORED)
        archive.writestr("META-INF/container.xml", CONTAINER)
        archive.writestr("OEBPS/package.opf",
                         _package(book_id, language, title, modified, total, words))
        archive.writestr("OEBPS/nav.xhtml", _nav(language, title, total, words))
        archive.writestr("OEBPS/book.css", CSS)
        archive.writestr("OEBPS/transcript.xhtml", _transcript(language, title, scenes, words))
        for number, (png, on_page) in enumerate(zip(pngs, panels, strict=True), 1):
            archive.writestr(f"OEBPS/{page_name(number, total, 'xhtml')}",
                             _page(language, title, number, total, png, on_page, words))
            archive.writestr(f"OEBPS/images/{page_name(number, total)}", png,
                             zipfile.ZIP_STORED)  # PNG is compressed already
    return out.getvalue()
