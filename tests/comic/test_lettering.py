"""The lettering engine: nothing cut, balloons inside the panel and apart, tails ending at their
speaker, reading order, a minimum size, given positions honoured, and a clear refusal."""

import itertools

import pytest
from PIL import Image

from chalicelib.comic import lettering, placement, typeset

STAGING = {"Ada": "left", "Cy": "centre", "Bob": "right"}
SIZES = [(1024, 1024), (1408, 656), (896, 1120), (512, 512)]
SETS = [
    [{"kind": "speech", "speaker": "Ada", "text": "Hello there!"}],
    [{"kind": "caption", "text": "Meanwhile, at the bakery on the corner of the square…"},
     {"kind": "speech", "speaker": "Ada", "text": "Did you see what happened to the "
                                                 "croissants? Crème brûlée! 😀🥐"},
     {"kind": "speech", "speaker": "Bob", "text": "Καλημέρα! Привет, мир! I ate them all 🎉"}],
    [{"kind": "speech", "speaker": "Bob", "text": "First, from the right."},
     {"kind": "speech", "speaker": "Ada", "text": "Then me, on the left, a little longer."},
     {"kind": "thought", "speaker": "Cy", "text": "And I think quietly in the middle."},
     {"kind": "caption", "text": "Later."}],
    [{"kind": "speech", "speaker": "Ada", "text": "Same speaker twice."},
     {"kind": "speech", "speaker": "Ada", "text": "Still me, with a second balloon."}],
    [{"kind": "speech", "speaker": "Nobody", "text": "Someone not staged talks from the "
                                                    "middle."}],
]
CASES = list(itertools.product(range(len(SIZES)), range(len(SETS))))


def laid(size_index, set_index):
    return lettering.layout(SIZES[size_index], SETS[set_index], STAGING)


@pytest.mark.parametrize(("size", "texts"), CASES)
def test_every_word_of_every_text_is_laid_out_in_order(size, texts):
    result = laid(size, texts)
    for placed, source in zip(result.placed, SETS[texts], strict=True):
        assert placed.words == source["text"].split()
        assert all(typeset.width(line, placed.size) <= placed.box[2] - placed.box[0]
                   for line in placed.lines)


@pytest.mark.parametrize(("size", "texts"), CASES)
def test_boxes_stay_inside_the_panel_and_apart(size, texts):
    width, height = SIZES[size]
    result = laid(size, texts)
    boxes = [p.box for p in result.placed]
    for left, top, right, bottom in boxes:
        assert 0 <= left < right <= width and 0 <= top < bottom <= height
    for a, b in itertools.combinations(boxes, 2):
        assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)


@pytest.mark.parametrize(("size", "texts"), CASES)
def test_each_tail_ends_in_its_speakers_region_and_crosses_no_other_balloon(size, texts):
    panel = SIZES[size]
    result = laid(size, texts)
    for placed in result.placed:
        if placed.element.kind == "caption":
            assert placed.tip is None
            continue
        if placed.joined:  # one speaker's second balloon in a row: a neck, no tail
            assert placed.tip is None and placed.index > 0
            assert placement.neck(result.placed[placed.index - 1].box, placed.box, placed.size)
            continue
        side = STAGING.get(placed.element.speaker, "centre")
        left, top, right, bottom = lettering.region(panel, side)
        assert left <= placed.tip[0] <= right and top <= placed.tip[1] <= bottom
        for other in result.placed:
            if other is not placed:
                assert not lettering._tail_hits(placed.tip, placed.base, other.box,
                                                placed.size)


@pytest.mark.parametrize(("size", "texts"), CASES)
def test_text_is_never_smaller_than_the_minimum(size, texts):
    result = laid(size, texts)
    assert result.size >= lettering.text_size(SIZES[size], lettering.MINIMUM)
    assert {p.size for p in result.placed} == {result.size}


def test_a_short_exchange_is_set_at_the_preferred_size_in_the_band():
    short = [{"kind": "caption", "text": "Later."},
             {"kind": "speech", "speaker": "Ada", "text": "Tea? ☕"},
             {"kind": "speech", "speaker": "Bob", "text": "Yes, please!"}]
    result = lettering.layout(SIZES[0], short, STAGING)
    assert result.size == lettering.text_size(SIZES[0], lettering.PREFERRED)
    assert all(p.box[3] <= SIZES[0][1] * lettering.BAND for p in result.placed)


def test_balloons_follow_reading_order_first_speaker_higher_and_left():
    result = lettering.layout((1024, 1024), SETS[1], STAGING)
    caption, ada, bob = result.placed
    assert caption.box[:2] == (0, 0)  # against the top-left edge
    assert ada.box[1] <= bob.box[1] and ada.box[0] < bob.box[0]
    assert ada.box[2] <= bob.box[0]  # side by side, Ada's first
    assert (ada.box[0] + ada.box[2]) / 2 < 1024 / 2 < (bob.box[0] + bob.box[2]) / 2
    flipped = lettering.layout((1024, 1024), SETS[2][:2], STAGING).placed
    assert flipped[1].box[1] >= flipped[0].box[3]  # the later, left balloon reads below


def test_long_text_shrinks_then_is_refused_naming_the_element():
    story = " ".join(["word"] * 55)  # more than fits at the preferred size (a measurement)
    shrunk = lettering.layout((1024, 1024), [{"kind": "speech", "speaker": "Ada",
                                              "text": story}], STAGING)
    assert lettering.text_size((1024, 1024), lettering.MINIMUM) <= shrunk.size
    assert shrunk.size < lettering.text_size((1024, 1024), lettering.PREFERRED)
    assert shrunk.placed[0].words == story.split()
    crowded = [{"kind": "speech", "speaker": name, "text": " ".join(["blah"] * 75)}
               for name in ("Ada", "Bob", "Cy", "Ada")]
    problems = lettering.check_fit((1024, 1024), crowded, STAGING)
    assert [p["code"] for p in problems] == ["does_not_fit"] and problems[0]["index"] >= 2
    unbreakable = [{"kind": "caption", "text": "Fine."},
                   {"kind": "speech", "speaker": "Bob", "text": "Supercalifragilistic" * 4}]
    with pytest.raises(lettering.DoesNotFit) as raised:
        lettering.layout((1024, 1024), unbreakable, STAGING)
    assert [(p["index"], p["code"]) for p in raised.value.problems] == [(1, "does_not_fit")]
    assert lettering.check_fit((1024, 1024), SETS[2], STAGING) == []
    assert lettering.check_fit((1024, 1024), [{"kind": "caption", "text": "x" * 401}]) == [
        {"index": 0, "code": "too_long", "message": "text 1 is longer than 400 characters"}]


def test_too_many_texts_and_characters_we_cannot_draw_are_named():
    five = [{"kind": "caption", "text": f"Text {i}"} for i in range(5)]
    assert [p["code"] for p in lettering.check_fit((1024, 1024), five)] == ["too_many"]
    problems = lettering.check_fit((1024, 1024), [{"kind": "caption", "text": "Fine"},
                                                  {"kind": "speech", "text": "漢字 ok"}])
    assert [(p["index"], p["code"]) for p in problems] == [(1, "unknown_characters")]
    assert "漢字" in problems[0]["message"]
    assert lettering.check_fit((1024, 1024), [{"kind": "scream", "text": "x"}])[0]["code"] \
        == "invalid"


def test_given_positions_are_honoured_clamped_and_given_back():
    moved = [{"kind": "speech", "speaker": "Ada", "text": "Over here", "at": [0.7, 0.6],
              "tail": [0.2, 0.9]},
             {"kind": "speech", "speaker": "Bob", "text": "Off the edge", "at": [1.4, -3],
              "tail": [2, 2]},
             {"kind": "caption", "text": "Auto-placed around them"}]
    result = lettering.layout((1000, 800), moved, STAGING)
    ada, bob, caption = result.placed
    assert ada.box[0] + ada.box[2] == pytest.approx(1400, abs=1)
    assert ada.box[1] + ada.box[3] == pytest.approx(960, abs=1)
    assert ada.tip == (200, 720)
    assert bob.box[2] == 1000 and bob.box[1] == 0 and bob.tip == (1000, 800)
    assert not any(lettering._overlap(caption.box, p.box, 0) for p in (ada, bob))
    again = lettering.layout((1000, 800), [{**e, **pos} for e, pos in
                                           zip(moved, result.positions(), strict=True)],
                             STAGING)
    for first, second in zip(result.placed, again.placed, strict=True):
        assert second.box == pytest.approx(first.box, abs=1)


def test_one_size_for_the_whole_cartoon():
    crowded = (SIZES[0], SETS[2], STAGING)
    light = (SIZES[0], SETS[0], STAGING)
    fraction = lettering.cartoon_fraction([light, crowded])
    assert fraction == pytest.approx(lettering.fitted_fraction(*crowded))
    assert lettering.MINIMUM <= fraction <= lettering.PREFERRED
    assert lettering.layout(SIZES[0], SETS[0], STAGING, fraction).size == \
        lettering.layout(*crowded, fraction).size


def test_every_box_is_drawn_with_ink_inside():
    image = Image.new("RGB", (1024, 1024), (90, 140, 200))
    result = lettering.letter(image, SETS[1], STAGING)
    for placed in result.placed:
        left, top, right, bottom = placed.box
        radius = placement.radius(placed.box, placed.size)  # the straight part, within
        inner = image.crop(tuple(round(v) for v in (left + radius, top + 6, right - radius,
                                                    bottom - 6)))
        colours = {c for _, c in inner.getcolors(1 << 20)}
        assert lettering.INK in colours  # the letters
        assert (90, 140, 200) not in colours  # filled: the picture does not show through


def test_default_staging_and_the_prompt_sentence():
    assert lettering.default_staging(["Ada"]) == {"Ada": "centre"}
    assert lettering.default_staging(["Ada", "Bob"]) == {"Ada": "left", "Bob": "right"}
    assert list(lettering.default_staging(["A", "B", "C"]).values()) == ["left", "centre",
                                                                         "right"]
    sentence = lettering.staging_prompt({"Ada": "left", "Bob": "right"})
    assert "Ada on the left" in sentence and "Bob on the right" in sentence
    assert "top 30 %" in sentence


def test_texts_the_owner_placed_on_top_of_one_another_are_named():
    stacked = [{"kind": "speech", "speaker": "Ada", "text": "Here", "at": [0.3, 0.2]},
               {"kind": "speech", "speaker": "Bob", "text": "Here too", "at": [0.32, 0.21]}]
    assert [(p["index"], p["code"]) for p in lettering.check_fit((1024, 1024), stacked)] == [
        (1, "overlaps")]
    apart = [stacked[0], {**stacked[1], "at": [0.8, 0.2]}]
    assert lettering.check_fit((1024, 1024), apart) == []


def test_a_width_the_owner_gives_wraps_the_text_to_it_or_is_refused():
    size = (1024, 1024)
    text = {"kind": "speech", "speaker": "Ada", "text": "A long line that wraps in a narrow box"}
    narrow = lettering.layout(size, [{**text, "width": 0.25}], {"Ada": "left"}).placed[0]
    wide = lettering.layout(size, [{**text, "width": 0.8}], {"Ada": "left"}).placed[0]
    assert narrow.box[2] - narrow.box[0] == pytest.approx(0.25 * 1024, abs=1)
    assert wide.box[2] - wide.box[0] == pytest.approx(0.8 * 1024, abs=1)
    assert len(narrow.lines) > len(wide.lines) >= 1
    assert " ".join(narrow.lines) == " ".join(wide.lines) == text["text"]
    word = {"kind": "caption", "text": "Supercalifragilisticexpialidocious", "width": 0.08}
    assert lettering.check_fit(size, [word])[0]["code"] == "does_not_fit"
    with pytest.raises(ValueError, match="width"):
        lettering.element({**text, "width": 0.99})
