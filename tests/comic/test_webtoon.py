"""Webtoon episodes (comic/webtoon.py): 800 px wide images, at most 1280 px tall, in order,
cut between panels."""

import io
import zipfile

import pytest
from PIL import Image

from chalicelib.comic import layouts, webtoon

STAGING = {"Ada": "left"}


def png(size, colour):
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def colour(number):
    return (40 + 8 * number, 200 - 6 * number, 90)


def panels(count, sizes=None):
    sizes = sizes or layouts.drawing_sizes("webtoon", count)
    return [{"image": png(size, colour(i)), "staging": STAGING,
             "elements": [{"kind": "speech", "speaker": "Ada", "text": f"Panel {i + 1}!"}]}
            for i, size in enumerate(sizes)]


def images(data):
    archive = zipfile.ZipFile(io.BytesIO(data))
    return [(name, Image.open(io.BytesIO(archive.read(name))).convert("RGB"))
            for name in archive.namelist()]


@pytest.fixture(scope="module")
def six():
    return images(webtoon.episode("The Croissant Thief", panels(6)))


def test_images_are_800_px_wide_and_at_most_1280_tall(six):
    assert six
    for _, image in six:
        assert image.width == webtoon.WIDTH == 800
        assert image.height <= webtoon.MAX_HEIGHT == 1280


def test_images_are_named_in_order(six):
    names = [name for name, _ in six]
    assert names == [f"{n:03d}.png" for n in range(1, len(names) + 1)]


def test_panels_follow_in_order_and_no_panel_is_cut(six):
    """Each panel's colour, read down the middle column of the images in order: every panel
    appears once, whole, in order (the images are cut between panels)."""
    seen = []
    for _, image in six:
        column = [image.getpixel((400, y)) for y in range(image.height)]
        runs = []
        for pixel in column:
            match = next((n for n in range(6) if pixel == colour(n)), None)
            if match is not None and (not runs or runs[-1] != match):
                runs.append(match)
        seen.append(runs)
    assert [n for runs in seen for n in runs] == list(range(6))
    assert all(len(runs) >= 1 for runs in seen)  # no image without a panel


def test_a_short_panel_shares_an_image_and_a_tall_one_is_cut_to_fit():
    sizes = [(896, 300), (896, 300), (600, 2400)]
    out = images(webtoon.episode("Tall", panels(3, sizes)))
    assert len(out) >= 3
    assert all(image.width == 800 and image.height <= 1280 for _, image in out)


def test_an_image_over_the_file_limit_is_saved_as_jpeg(monkeypatch):
    monkeypatch.setattr(webtoon, "MAX_FILE", 1000)
    names = [name for name, _ in images(webtoon.episode("Big", panels(2)))]
    assert names == ["001.jpg", "002.jpg"]


def test_an_episode_over_the_upload_limit_goes_in_folders(monkeypatch):
    monkeypatch.setattr(webtoon, "MAX_EPISODE", 1)
    names = [name for name, _ in images(webtoon.episode("Many", panels(3)))]
    assert names == ["episode-01/001.png", "episode-02/001.png", "episode-03/001.png"]
