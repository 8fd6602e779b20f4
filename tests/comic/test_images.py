"""Pillow work: the strip's grid and text, thumbnails, what a provider may send, and the
offline renderer."""

import io

import pytest
from PIL import Image, ImageChops

from chalicelib.adapters.images import Character, ReferenceRequest, SceneRequest
from chalicelib.comic import offline_art, raster
from chalicelib.comic.raster import FONTS


def png(colour=(120, 160, 200), size=(256, 256)):
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def opened(data):
    return Image.open(io.BytesIO(data))


def test_long_text_is_wrapped_and_cut_with_an_ellipsis():
    typeface = raster.font(19)
    lines = raster.wrap("word " * 200, typeface, 300, 4)
    assert len(lines) == 4 and lines[-1].endswith("…")
    assert all(typeface.getlength(line) <= 300 for line in lines)
    broken = raster.wrap("x" * 500, typeface, 200, 10)
    assert all(typeface.getlength(line) <= 200 for line in broken)


def test_thumbnails_are_small_webp():
    thumb = opened(raster.thumbnail_webp(png(size=(1536, 1024))))
    assert thumb.format == "WEBP" and thumb.size == (320, 213)


def test_only_real_images_are_accepted_from_a_provider():
    assert raster.as_png(png()) == png()
    out = io.BytesIO()
    Image.new("RGB", (32, 32)).save(out, "WEBP")
    assert opened(raster.as_png(out.getvalue())).format == "PNG"
    for data in (b"", b"not an image", b"\x89PNG\r\n\x1a\n broken"):
        with pytest.raises(ValueError):
            raster.as_png(data)


def test_the_bundled_font_and_its_licence_ship_with_the_code():
    assert (FONTS / "DejaVuSans.ttf").stat().st_size > 100_000
    licence = (FONTS / "LICENSE").read_text()
    assert "Bitstream" in licence and "Permission is hereby granted" in licence
    assert raster.font(20).getname()[0] == "DejaVu Sans"


def test_the_offline_renderer_draws_each_character_the_same_in_every_scene():
    ada = Character("Ada", "An inventor")
    reference = offline_art.reference(ReferenceRequest(ada, "style", "ctx", "low",
                                                                 "u"))
    first, second = (opened(offline_art.scene(SceneRequest(
        n, "Something happens", (ada,), (reference,), "style", "A seaside town", "low", "u")))
        for n in (1, 2))
    assert first.size == (offline_art.SIDE, offline_art.SIDE)
    # The figure (pasted from the same reference) is identical in both panels.
    box = (250, 400, 520, 650)
    assert ImageChops.difference(first.crop(box), second.crop(box)).getbbox() is None
    nobody = opened(offline_art.scene(SceneRequest(
        3, "An empty beach", (), (), "style", "A seaside town", "low", "u")))
    assert ImageChops.difference(first.crop(box), nobody.crop(box)).getbbox() is not None
