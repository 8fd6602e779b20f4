"""The offline renderer stands each character where the staging says, below the lettering
band, so a balloon's tail points at the right figure."""

from PIL import ImageChops

from chalicelib.adapters.images import Character, ReferenceRequest, SceneRequest
from chalicelib.comic import lettering, offline_art
from tests.support.pictures import opened

ADA, BOB = Character("Ada", "An inventor"), Character("Bob", "A baker")


def scene(characters, staging=None):
    references = tuple(offline_art.reference(ReferenceRequest(c, "s", "ctx", "low", "u"))
                       for c in characters)
    request = SceneRequest(1, "Talking", tuple(characters), references, "s", "A street",
                           "low", "u")
    return opened(offline_art.scene(request, staging) if staging else
                  offline_art.scene(request)).convert("RGB")


def figure_columns(image, alone):
    """The x extent of what differs from the empty scene, in the figures' rows."""
    top = round(offline_art.SIDE * 0.45)
    box = ImageChops.difference(image, alone).crop((0, top, offline_art.SIDE, 640)).getbbox()
    return box[0], box[2]


def test_each_character_stands_on_the_side_the_staging_gives():
    empty = scene([])
    third = offline_art.SIDE / 3
    for side, (low, high) in [("left", (0, third)), ("centre", (third, 2 * third)),
                              ("right", (2 * third, 3 * third))]:
        left, right = figure_columns(scene([ADA], {"Ada": side}), empty)
        assert low <= left and right <= high, side


def test_two_characters_swap_sides_with_the_staging_and_leave_the_band_free():
    empty = scene([])
    plain = scene([ADA, BOB])  # default staging: Ada left, Bob right
    swapped = scene([ADA, BOB], {"Ada": "right", "Bob": "left"})
    only_ada = scene([ADA], {"Ada": "right"})
    assert figure_columns(only_ada, empty)[0] > offline_art.SIDE / 2
    assert ImageChops.difference(plain, swapped).getbbox() is not None
    band = (0, 60, offline_art.SIDE, round(offline_art.SIDE * lettering.BAND))
    assert ImageChops.difference(swapped.crop(band), empty.crop(band)).getbbox() is None


def test_a_scene_is_drawn_at_the_size_asked_with_the_figure_on_its_side():
    wide = scene_at([ADA], {"Ada": "right"}, (1408, 656))
    assert wide.size == (1408, 656)
    assert wide.getpixel((1408 * 5 // 6, 470)) != wide.getpixel((1408 // 6, 470))


def scene_at(characters, staging, size):
    references = tuple(offline_art.reference(ReferenceRequest(c, "s", "ctx", "low", "u"))
                       for c in characters)
    request = SceneRequest(1, "Talking", tuple(characters), references, "s", "A street",
                           "low", "u")
    return opened(offline_art.scene(request, staging, size)).convert("RGB")


def test_the_offline_mark_sits_in_the_bottom_corner_where_no_lettering_goes():
    """Its tag stays out of the lettering band and the balloons' tails (it once sat just
    under the band, under the first balloon's tail), and out of the figures' way."""
    for size in [(768, 768), (1408, 656), (656, 1024)]:
        image = scene_at([ADA, BOB], {"Ada": "left", "Bob": "right"}, size)
        width, height = size
        marked = [(x, y) for x in range(0, width, 2) for y in range(0, height, 2)
                  if image.getpixel((x, y)) == offline_art.BANNER_COLOUR]
        assert marked, size  # still marked as a preview
        assert min(y for _, y in marked) > height - 60, size  # in the bottom strip only
        assert min(x for x, _ in marked) > width / 2, size  # in its right corner


def look(characters, staging=None, size=None):
    references = tuple(offline_art.reference(ReferenceRequest(c, "s", "ctx", "low", "u"))
                       for c in characters)
    request = SceneRequest(1, "Talking", tuple(characters), references, "s", "A street",
                           "low", "u")
    return (opened(offline_art.scene(request, staging, size)).convert("RGB"),
            offline_art.look(request, staging, size))


def test_the_offline_look_gives_the_exact_head_and_mouth_it_drew():
    for size in [None, (1536, 1024), (1024, 1536)]:
        image, seen = look([ADA, BOB], None, size)
        assert seen.source == "offline" and [f.name for f in seen.figures] == ["Ada", "Bob"]
        width, height = image.size
        for figure in seen.figures:
            left, top, right, bottom = (round(v * d) for v, d in
                                        zip(figure.head, (width, height) * 2, strict=True))
            x, y = round(figure.mouth[0] * width), round(figure.mouth[1] * height)
            assert left < x < right and top < y < bottom
            # the mouth is drawn in ink just there
            assert min(sum(image.getpixel((x, yy))) for yy in range(y - 12, y + 12)) < 150
        assert seen.empty and all(seen.empty[0][3] <= f.head[1] for f in seen.figures)
