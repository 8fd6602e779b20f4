"""The phone reader's pictures: every panel, wide or not, lettered again so that shown at a
390 CSS px phone's full width its text measures 14 CSS px or more, for every layout and every
panel aspect; a panel too full for its own picture gets paper above the art, never smaller
text, never a cut word, never a cropped or shrunk picture."""

import pytest
from PIL import ImageChops

from chalicelib.comic import layouts, lettering, pages, reader
from tests.support.pictures import opened, png

STAGING = {"Ada": "left", "Bob": "right", "Cy": "centre"}
ASPECTS = (1 / 3, 0.5, 0.8, 1.0, 1.05, 1.5, 2.15, 3.0)


def talk(n):
    """Three texts, each `n` clauses long."""
    return [{"kind": "caption", "text": "And then, much later that evening, " * n},
            {"kind": "speech", "speaker": "Ada", "text": "I told you this would happen, " * n},
            {"kind": "thought", "speaker": "Bob", "text": "Nobody listens to me here, " * n}]


def fullest(fits):
    """The longest `talk` that `fits` accepts (what the API lets an owner submit)."""
    n = 1
    while n < 12 and fits(talk(n + 1)):
        n += 1
    assert fits(talk(n))
    return talk(n)


def shown_css_px(size, elements, text_fraction=lettering.PREFERRED):
    _, drawn = reader.layout(size, elements, STAGING, text_fraction)
    return reader.css_px(drawn.size, size[0])


def test_the_floor_is_14_css_px_whatever_the_width():
    for width in range(256, 2049):
        floor = reader.text_floor(width)
        assert reader.css_px(floor, width) >= 14 > reader.css_px(floor - 1, width)
        assert lettering.text_size((width, width), lettering.MINIMUM, reader.basis(width)) \
            == floor  # the lettering's smallest size is that floor, after its rounding


@pytest.mark.parametrize("template", layouts.TEMPLATES)
@pytest.mark.parametrize("count", [1, 3, 4, 5, 7, 9])
def test_every_layouts_panels_read_at_14_css_px_or_more(template, count):
    sizes = layouts.drawing_sizes(template, count)
    elements = fullest(lambda e: not pages.fit_problems(
        template, [{"elements": e, "staging": STAGING}] * count))
    seen = set()
    for size in sizes:
        if size in seen:
            continue
        seen.add(size)
        assert shown_css_px(size, elements) >= 14, (template, count, size)


@pytest.mark.parametrize("aspect", ASPECTS)
def test_every_panel_aspect_reads_at_14_css_px_or_more(aspect):
    size = layouts.drawing_size(aspect)
    # As full as a page of small panels lets it be (the page letters at its smallest cell).
    unit = min(size) * 0.7
    elements = fullest(lambda e: not lettering.check_fit(size, e, STAGING, unit))
    headroom, drawn = reader.layout(size, elements, STAGING)
    assert reader.css_px(drawn.size, size[0]) >= 14, (aspect, size)
    assert size[1] + headroom <= max(size[1] * (1 + reader.HEADROOM_CAP),
                                     size[0] * reader.MAX_HEIGHT)
    for placed in drawn.placed:  # nothing leaves the picture
        assert 0 <= placed.box[0] < placed.box[2] <= size[0]
        assert 0 <= placed.box[1] < placed.box[3] <= size[1] + headroom


def test_a_wide_panel_too_full_gets_paper_above_its_art_not_smaller_text():
    size = layouts.drawing_size(2.15)
    elements = fullest(lambda e: not lettering.check_fit(size, e, STAGING, min(size) * 0.7))
    panel = {"image": png(size, pattern=True), "elements": elements, "staging": STAGING}
    (image, info), = reader.pictures([panel])
    assert info["headroom"] > 0 and info["text_css_px"] >= 14
    assert image.size == (size[0], size[1] + info["headroom"]) == (info["width"], info["height"])
    # The art is all there, at its own size, below the headroom: only the lettering covers it.
    art = opened(panel["image"]).convert("RGB")
    bottom = (0, size[1] - 40, size[0], size[1])
    shown = image.crop((0, info["headroom"] + bottom[1], size[0], info["headroom"] + size[1]))
    assert ImageChops.difference(shown, art.crop(bottom)).getbbox() is None
    # The headroom is paper where the lettering left it free.
    assert image.getpixel((size[0] - 2, 2)) == reader.PAPER


def test_a_panel_that_fits_is_lettered_on_its_own_art_at_the_phones_size():
    scenes = [{"image": png(size, pattern=True), "elements": talk(1), "staging": STAGING}
              for size in layouts.drawing_sizes("tiers", 3)]
    readers = list(reader.pictures(scenes))
    for (image, info), scene in zip(readers, scenes, strict=True):
        assert info["headroom"] == 0 and image.size == opened(scene["image"]).size
        assert info["text_css_px"] == round(reader.css_px(info["text_px"], image.width), 2) >= 14
        assert ImageChops.difference(image, opened(scene["image"]).convert("RGB")).getbbox()
    # One size for the cartoon where it fits: the same CSS size on panels of one width.
    assert readers[1][1]["text_px"] == readers[2][1]["text_px"]


def test_a_text_the_owner_placed_stays_on_the_art_when_paper_is_added():
    size = (1408, 656)
    placed = {"kind": "speech", "speaker": "Ada", "text": "Over here!", "at": [0.5, 0.5]}
    _, drawn = reader.layout(size, [placed], STAGING)
    moved = reader._moved([placed], size[1], 200)[0]
    assert moved["at"][1] == pytest.approx((200 + 0.5 * 656) / 856)
    assert drawn.placed[0].box[1] < size[1] / 2 < drawn.placed[0].box[3]
