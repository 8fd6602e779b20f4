"""The CBZ is a zip of the pages in order (the printed book, comic/book.py, is tested in
test_book.py)."""

import io
import zipfile

import pytest
from PIL import ImageChops

from chalicelib.comic import exports, fastpng
from tests.support.pictures import opened, png

PAGES = [png((2200, 3100), (200, 80, 80), pattern=True), png((2200, 1400), (80, 200, 80)),
         png((4600, 1400), (80, 80, 200), pattern=True)]
TITLE = "Le café — Кафе ☕"


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
