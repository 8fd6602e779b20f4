"""The home page's example cartoon is what our own composer makes of it, in each language."""

import io

import pytest
from PIL import Image, ImageChops, ImageStat

from local import example_cartoon


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_committed_example_is_what_the_composer_makes(lang):
    made = Image.open(io.BytesIO(example_cartoon.make(lang))).convert("RGB")
    committed = Image.open(example_cartoon.path(lang)).convert("RGB")
    assert made.size == committed.size
    difference = ImageStat.Stat(ImageChops.difference(made, committed)).mean
    assert max(difference) < 1.0, "run `python -m local.example_cartoon` and commit the result"


def test_the_two_languages_differ_only_in_their_texts():
    english = Image.open(example_cartoon.path("en")).convert("RGB")
    french = Image.open(example_cartoon.path("fr")).convert("RGB")
    assert max(ImageStat.Stat(ImageChops.difference(english, french)).mean) > 0.5
