"""The PDF opens with one page a comic page on A4 or Letter, lossless images at 300 dpi and
the title; the CBZ is a zip of the pages in order."""

import io
import re
import zipfile

import pypdf
import pytest
from PIL import Image, ImageChops

from chalicelib.comic import exports, fastpng
from tests.support.pictures import opened, png

PAGES = [png((2200, 3100), (200, 80, 80), pattern=True), png((2200, 1400), (80, 200, 80)),
         png((4600, 1400), (80, 80, 200), pattern=True)]
TITLE = "Le café — Кафе ☕"


@pytest.mark.parametrize(("paper", "points"), [("A4", (595.276, 841.89)),
                                               ("Letter", (612, 792))])
def test_the_pdf_has_a_page_for_each_comic_page_on_the_paper(paper, points):
    reader = pypdf.PdfReader(io.BytesIO(exports.pdf(TITLE, PAGES, paper)))
    assert len(reader.pages) == 3
    assert reader.metadata.title == TITLE
    for page, source in zip(reader.pages, PAGES, strict=True):
        size = (float(page.mediabox.width), float(page.mediabox.height))
        landscape = opened(source).width > 2 * opened(source).height  # the strip only
        assert size == pytest.approx(points[::-1] if landscape else points, abs=0.01)


def test_pdf_images_are_lossless_and_print_at_300_dpi_or_finer():
    reader = pypdf.PdfReader(io.BytesIO(exports.pdf(TITLE, PAGES)))
    for page, source in zip(reader.pages, PAGES, strict=True):
        (_, xobject), = page["/Resources"]["/XObject"].items()
        stream = xobject.get_object()
        assert stream["/Filter"] == "/FlateDecode"  # never /DCTDecode (JPEG)
        (image,) = page.images
        assert ImageChops.difference(image.image.convert("RGB"),
                                     opened(source).convert("RGB")).getbbox() is None
        drawn_width = float(re.search(rb"q ([\d.]+) 0 0", page.get_contents().get_data())[1])
        assert stream["/Width"] / (drawn_width / 72) >= 299.9


def test_a_picture_that_is_not_an_rgb_png_is_embedded_losslessly_too():
    grey = io.BytesIO()
    Image.new("LA", (300, 200), (90, 255)).save(grey, "PNG")
    reader = pypdf.PdfReader(io.BytesIO(exports.pdf("t", [grey.getvalue()], "Letter")))
    (image,) = reader.pages[0].images
    assert image.image.convert("RGB").getpixel((10, 10)) == (90, 90, 90)


def test_unknown_paper_is_refused():
    with pytest.raises(ValueError, match="paper"):
        exports.pdf(TITLE, PAGES, "A3")


def test_the_cbz_is_a_zip_of_the_pages_in_order():
    with zipfile.ZipFile(io.BytesIO(exports.cbz("Fish & <Chips>", PAGES))) as archive:
        names = archive.namelist()
        assert names == ["page-001.png", "page-002.png", "page-003.png", "ComicInfo.xml"]
        for name, source in zip(names, PAGES, strict=False):
            assert archive.read(name) == source
        info = archive.read("ComicInfo.xml").decode()
    assert "<Title>Fish &amp; &lt;Chips&gt;</Title>" in info
    assert "<PageCount>3</PageCount>" in info


@pytest.mark.parametrize("size", [(1, 1), (333, 77), (1500, 2900)])
def test_the_fast_png_encoder_decodes_to_the_same_pixels(size):
    image = opened(png(size, (10, 200, 90), pattern=True)).convert("RGB")
    encoded = fastpng.encode(image)
    assert ImageChops.difference(opened(encoded).convert("RGB"), image).getbbox() is None
    assert opened(encoded).format == "PNG"
