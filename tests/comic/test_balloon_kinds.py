"""Every balloon kind of the registry lettered and drawn: each text inside its outline (the
cloud's bumps, the burst's spikes), a whisper in dashes, a voice from off panel pointing to the
panel's edge, a sound effect in large outlined letters on the picture, turned, off the faces;
one speaker's two balloons in a row joined by a neck, with one tail; the page geometry says
what the overlay needs (a sound effect's angle, a joined balloon)."""

import itertools

import pytest
from PIL import Image

from chalicelib.comic import balloons, layouts, lettering, pages, placement, typeset
from chalicelib.core import vocabulary
from tests.support.pictures import png

PANEL = (1024, 768)
STAGING = {"Ada": "left", "Bob": "right"}
SKY = (180, 210, 235)
SAID = {"caption": "Meanwhile, in the kitchen.", "speech": "Hello there, how are you?",
        "thought": "I wonder what he is thinking about now.",
        "whisper": "Psst… over here, quietly.", "shout": "GET OUT OF MY KITCHEN!",
        "offpanel": "Dinner is ready, come down!", "sound": "BANG!"}


def element(kind, **more):
    speaker = {"speaker": "Bob"} if vocabulary.KINDS[kind]["speaker"] else {}
    return {"kind": kind, "text": SAID[kind], **speaker, **more}


def lettered(elements, size=PANEL):
    image = Image.new("RGB", size, SKY)
    return image, lettering.letter(image, elements, STAGING)


def _inside(point, polygon):
    """Whether `point` is inside `polygon` (even-odd rule)."""
    x, y = point
    inside = False
    for (x0, y0), (x1, y1) in itertools.pairwise([*polygon, polygon[0]]):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def _text_block(placed):
    size = placed.size
    width = max(typeset.width(line, size) for line in placed.lines)
    height = len(placed.lines) * typeset.line_height(size)
    cx, cy = (placed.box[0] + placed.box[2]) / 2, (placed.box[1] + placed.box[3]) / 2
    return cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2


def test_the_engine_has_a_drawing_for_every_kind_of_the_registry():
    assert lettering.KINDS == balloons.KINDS == tuple(vocabulary.KINDS)


@pytest.mark.parametrize("kind", list(vocabulary.KINDS))
def test_every_kind_is_lettered_whole_inside_the_panel_and_drawn(kind):
    image, result = lettered([element(kind)])
    (placed,) = result.placed
    assert placed.words == SAID[kind].split()
    left, top, right, bottom = placed.box
    assert 0 <= left < right <= PANEL[0] and 0 <= top < bottom <= PANEL[1]
    for head in result.scene.heads:
        assert not placement.overlap(placed.box, head), "never over a face"
    inside = image.crop(tuple(round(v) for v in placed.box))
    assert len(inside.getcolors(1 << 16)) > 2, "something is drawn in its box"


@pytest.mark.parametrize(("kind", "text", "size"), itertools.product(
    ["thought", "shout"], ["No.", SAID["thought"], "A much longer line of text that takes "
                           "three or four lines in its balloon, to see the corners hold."],
    [PANEL, (512, 512)]))
def test_the_text_stays_inside_a_cloud_and_a_burst(kind, text, size):
    _, result = lettered([{"kind": kind, "text": text, "speaker": "Bob"}], size)
    (placed,) = result.placed
    outline = balloons.outline_part(kind, placed.box, placed.size).points
    left, top, right, bottom = _text_block(placed)
    for corner in itertools.product((left, right), (top, bottom)):
        assert _inside(corner, outline), (kind, corner)
    assert not _inside((placed.box[0] + 1, placed.box[1] + 1), outline)  # not a plain box


def test_a_whisper_is_outlined_in_dashes():
    image, result = lettered([element("whisper")])
    (placed,) = result.placed
    y = round(placed.box[1] + 1)
    row = [image.getpixel((x, y)) for x in range(round(placed.box[0] + placed.size * 2),
                                                 round(placed.box[2] - placed.size * 2))]
    inked = [sum(p) < 300 for p in row]
    runs = sum(1 for a, b in itertools.pairwise(inked) if a != b)
    assert runs >= 6, "dashes and gaps along the top edge"


def test_a_voice_from_off_panel_points_to_the_panels_nearest_edge():
    _, result = lettered([element("offpanel", speaker="Cleo")])
    (placed,) = result.placed
    x, y = placed.tip
    assert x in (0, PANEL[0]) or y in (0, PANEL[1])
    left, top, right, bottom = placed.box
    nearest = min(left, PANEL[0] - right, top, PANEL[1] - bottom)
    assert nearest == pytest.approx(
        {0: left, PANEL[0]: PANEL[0] - right}.get(x, top if y == 0 else PANEL[1] - bottom))


def test_a_sound_effect_is_large_outlined_letters_turned_on_the_picture():
    image, result = lettered([element("sound", angle=15), element("speech")])
    sound, speech = result.placed
    assert sound.tip is None and sound.angle == 15
    _, top, _, bottom = sound.box
    assert bottom - top > 1.5 * typeset.line_height(speech.size)  # larger than a balloon's
    colours = {c for _, c in image.crop(tuple(round(v) for v in sound.box)).getcolors(1 << 16)}
    assert lettering.SOUND_FILL in colours and lettering.INK in colours  # filled, inked around
    assert lettering.BALLOON_FILL not in colours  # no box
    default = lettering.layout(PANEL, [element("sound")], STAGING).placed[0]
    assert default.angle == balloons.SOUND_ANGLE != 0  # a slight tilt unless told


def test_one_speakers_two_balloons_in_a_row_are_joined_and_have_one_tail():
    image, result = lettered([element("speech", speaker="Ada"),
                              {"kind": "shout", "speaker": "Ada", "text": "And LOUDER!"}])
    first, second = result.placed
    assert first.tip is not None and not first.joined
    assert second.joined and second.tip is None
    (a, b) = placement.neck(first.box, second.box, second.size)
    middle = (round((a[0] + b[0]) / 2), round((a[1] + b[1]) / 2))
    assert image.getpixel(middle) == lettering.BALLOON_FILL  # the neck is drawn between them
    apart = lettering.layout(PANEL, [element("speech", speaker="Ada"), element("speech")],
                             STAGING)
    assert not any(p.joined for p in apart.placed)  # two speakers: two tails


def test_the_page_geometry_carries_a_sound_effects_angle_and_a_joined_balloon():
    texts = [{"kind": "speech", "speaker": "Ada", "text": "What was that?"},
             {"kind": "whisper", "speaker": "Ada", "text": "Shh, listen."},
             {"kind": "sound", "text": "BANG", "angle": -12}]
    scene = [{"image": png(size, pattern=True), "elements": texts, "staging": STAGING}
             for size in layouts.drawing_sizes("grid", 1)]
    (placed,) = pages.compose("", "grid", scene).geometry["scenes"]
    said, whispered, sound = placed["elements"]
    assert sound["angle"] == -12 and "joined" not in sound and "tail" not in sound
    assert "angle" not in said and "tail" in said
    assert whispered["joined"] is True and "tail" not in whispered
