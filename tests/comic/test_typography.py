"""Typography: French spacing (no line starts with `: ; ! ?` or `»`), one comic face for Latin,
Greek and Cyrillic (the glyphs drawn are the face's, not the fallback's), *emphasis* drawn in
the bold face and measured as drawn, its markup balanced on every line, emoji in colour."""

import random

import pytest
from fontTools.ttLib import TTFont
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageStat

from chalicelib.comic import lettering, reader, typeset
from chalicelib.comic.typeset import FONTS

OPENERS = tuple(":;!?»")
WORDS = ["Il", "dit", "oui", "Quoi", "non", "Bonjour", "Спасибо", "мир", "Καλημέρα", "vraiment",
         "ce", "matin", "croissants", "déjà", "écharpe", "Attends", "c'est", "mon", "vélo"]
PUNCTUATION = [" :", " ;", " !", " ?", " ?!", " !?", " …", ",", "."]


def french_text(rng, words):
    parts = []
    for _ in range(words):
        word = rng.choice(WORDS)
        if rng.random() < 0.2:
            word = f"« {word} »" if rng.random() < 0.5 else f"«{word}»"
        if rng.random() < 0.15:
            word = f"*{word}*"
        parts.append(word + (rng.choice(PUNCTUATION) if rng.random() < 0.4 else ""))
    return " ".join(parts)


def check_french_lines(lines, text):
    for number, line in enumerate(lines):
        shown = typeset.plain(line)
        assert not shown.startswith(OPENERS) or (number == 0 and text.startswith(OPENERS)), lines
        assert not shown.rstrip().endswith("«"), lines
    assert typeset.plain(" ".join(lines)).split() == typeset.plain(text).split()


@pytest.mark.parametrize("text", ["Il dit : oui", "Quoi ?!", "« Bonjour »", "Спасибо !",
                                  "Il dit :oui", "« Bonjour » ; et alors ?"])
def test_a_space_typed_before_french_punctuation_is_a_no_break_space_of_the_face(text):
    space = typeset.no_break_space()
    assert ord(space) in typeset._cmap(typeset.LETTERING)
    assert ord(space) in typeset._cmap(typeset.EMPHASIS_FACE)
    spaced = typeset.french(text)
    for mark in ":;!?»":
        assert f" {mark}" not in spaced
    assert "« " not in spaced
    # the narrowest width that holds the text's longest word: each break tried
    for limit in range(40, 900, 7):
        lines = typeset.wrap(text, 30, limit)
        if lines is not None:
            check_french_lines(lines, text)


def test_french_lines_never_start_with_spaced_punctuation_over_many_texts_and_widths():
    rng = random.Random(20)
    for _ in range(300):
        text = french_text(rng, rng.randint(2, 14))
        for limit in (120, 180, 260, 400):
            lines = typeset.wrap(text, 24, limit)
            if lines is not None:
                check_french_lines(lines, text)


@pytest.mark.parametrize("seed", range(6))
def test_french_lines_in_lettered_balloons_never_start_with_spaced_punctuation(seed):
    rng = random.Random(seed)
    elements = [{"kind": "caption", "text": french_text(rng, 6)},
                {"kind": "speech", "speaker": "Ada", "text": french_text(rng, 12)},
                {"kind": "speech", "speaker": "Bob", "text": french_text(rng, 9)}]
    size = rng.choice([(1024, 1024), (656, 1408), (512, 512)])
    result = lettering.layout(size, elements, {"Ada": "left", "Bob": "right"})
    for placed, source in zip(result.placed, elements, strict=True):
        check_french_lines(placed.lines, source["text"])


def drawn(text, size=48):
    image = Image.new("RGB", (int(typeset.width(text, size)) + 20, size * 2), "white")
    typeset.draw_line(ImageDraw.Draw(image), image, (10, 10), text, size, (0, 0, 0))
    return image


def advance(font_name, text, size):
    """`text`'s width in one face read from its own metrics (hmtx): what a browser measures."""
    font = TTFont(str(FONTS / font_name))
    cmap, metrics = font.getBestCmap(), font["hmtx"].metrics
    return sum(metrics[cmap[ord(c)]][0] for c in text) / font["head"].unitsPerEm * size


def drawn_with(font_name, text, size=48):
    """`text` drawn straight with one font, as draw_line places it."""
    face = ImageFont.truetype(str(FONTS / font_name), size, layout_engine=ImageFont.Layout.BASIC)
    image = Image.new("RGB", (int(face.getlength(text)) + 20, size * 2), "white")
    ImageDraw.Draw(image).text((10, 10 + typeset.BASELINE * size), text, font=face,
                               fill=(0, 0, 0), anchor="ls")
    return image


def difference(a, b):
    width, height = min(a.width, b.width), min(a.height, b.height)
    box = (0, 0, width, height)
    return ImageStat.Stat(ImageChops.difference(a.crop(box), b.crop(box))).mean[0]


@pytest.mark.parametrize("text", ["Καλημέρα", "Съешь", "Žluťoučký", "ŒUVRE"])
def test_greek_cyrillic_and_accented_latin_are_drawn_by_the_comic_face(text):
    assert {run.font for run in typeset.runs(text)} == {typeset.LETTERING}
    shown = drawn(text)
    assert difference(shown, drawn_with(typeset.LETTERING, text)) < 0.01
    assert difference(shown, drawn_with(typeset.FALLBACK, text)) > 1


def test_a_balloon_mixing_scripts_is_lettered_in_one_face():
    text = "Hello! Καλημέρα! Привет, мир! Crème brûlée."
    result = lettering.layout((1024, 1024), [{"kind": "speech", "speaker": "Ada",
                                              "text": text}], {"Ada": "left"})
    fonts = {run.font for line in result.placed[0].lines for run in typeset.runs(line)}
    assert fonts == {typeset.LETTERING}


def test_a_script_the_face_lacks_still_falls_back_to_dejavu():
    assert typeset.font_for("Ա") == typeset.FALLBACK  # Armenian
    assert typeset.font_for("Ա", bold=True) == typeset.FALLBACK_BOLD


def ink(image):
    """How much darker than white `image` is, summed (a heavier stroke holds more ink)."""
    return sum(255 - v for v in image.convert("L").getdata())


def ink_width(image):
    box = image.convert("L").point(lambda v: 255 if v < 128 else 0).getbbox()
    return box[2] - box[0]


@pytest.mark.parametrize("word", ["boom", "Ещё", "καλά"])
def test_emphasis_is_drawn_in_the_bold_face_without_its_asterisks(word):
    plain, bold = drawn(word), drawn(f"*{word}*")
    assert ink(bold) > 1.25 * ink(plain)
    assert ink_width(bold) > ink_width(plain)
    assert difference(bold, drawn_with(typeset.EMPHASIS_FACE, word)) < 0.01  # no asterisk


@pytest.mark.parametrize("word", ["boom", "Ещё", "καλά", "Quoi ?", "🎉"])
def test_emphasis_is_measured_as_it_is_drawn(word):
    size = 40
    if word == "🎉":
        assert typeset.width(f"*{word}*", size) == typeset.width(word, size)
        return
    assert typeset.width(f"*{word}*", size) == pytest.approx(
        advance(typeset.EMPHASIS_FACE, word, size))
    assert typeset.width(f"*{word}*", size) >= typeset.width(word, size)


def test_an_unpaired_asterisk_is_drawn_as_an_asterisk():
    for text in ["5 * 3", "*oops", "oops*", "a * b *", "** c"]:
        assert typeset.plain(text) == text
        assert "".join(run.text for run in typeset.runs(text)) == text
        assert {run.font for run in typeset.runs(text)} == {typeset.LETTERING}
    assert ink(drawn("5 * 3")) > ink(drawn("5  3"))


def test_an_emphasised_emoji_keeps_its_colour():
    image = drawn("*🎉*")
    assert [c for _, c in image.getcolors(1 << 16) if max(c) - min(c) > 60]


def test_emphasis_in_a_balloon_darkens_the_lettering_and_its_box_holds_the_bold_width():
    panels = []
    for text in ["Hey wait Ещё", "*Hey wait Ещё*"]:
        image = Image.new("RGB", (800, 800), "white")
        element = {"kind": "caption", "text": text, "at": [0.5, 0.5]}
        result = lettering.letter(image, [element], fraction=0.05)
        panels.append((image.crop(result.placed[0].box), result.placed[0]))
    (plain_image, plain), (bold_image, bold) = panels
    assert bold.lines == ("*Hey* *wait* *Ещё*",)
    measured = (sum(advance(typeset.EMPHASIS_FACE, w, bold.size) for w in ("Hey", "wait", "Ещё"))
                + 2 * advance(typeset.LETTERING, " ", bold.size))
    assert typeset.width(bold.lines[0], bold.size) == pytest.approx(measured)
    assert bold.box[2] - bold.box[0] > plain.box[2] - plain.box[0]
    assert ink(bold_image) > ink(plain_image)


def test_a_run_of_emphasis_broken_across_lines_closes_and_reopens_on_each():
    stressed = "every single croissant in the whole bakery was gone"
    text = f"And then *{stressed}* forever."
    result = lettering.layout((700, 700), [{"kind": "speech", "speaker": "Ada",
                                            "text": text}], {"Ada": "left"})
    lines = result.placed[0].lines
    assert len(lines) > 1
    emphasised = []
    for line in lines:
        assert "*" not in typeset.plain(line)  # every asterisk of the line pairs
        emphasised += [w for part, bold in typeset.spans(line) if bold for w in part.split()]
    assert emphasised == stressed.split(" ")
    for line in lines:  # each measured as drawn: inside its box
        assert typeset.width(line, result.placed[0].size) <= result.placed[0].box[2] \
            - result.placed[0].box[0]


MARKUP = st.text(alphabet="ab* «»!?", min_size=1, max_size=14)


@settings(max_examples=300, deadline=None)
@given(MARKUP)
def test_any_lines_of_the_units_read_alone_as_they_read_in_the_text(text):
    """Lines are joined from `units` and read alone (the overlay draws each): however the
    breaks fall, a line's markup says what the whole text says of those words."""
    units = typeset.units(text)

    def letters(spans):
        return [(char, bold and char != " ") for part, bold in spans for char in part]

    for start in range(len(units)):
        for end in range(start + 1, len(units) + 1):
            expected = []
            for number, unit in enumerate(units[start:end]):
                expected += [(" ", False)] * bool(number) + letters(typeset.spans(unit))
            assert letters(typeset.spans(" ".join(units[start:end]))) == expected
    whole = letters(typeset.spans(typeset.french(" ".join(text.split()))))
    assert letters(typeset.spans(" ".join(units))) == whole


def test_a_cartoon_can_be_lettered_in_capitals_greek_without_its_accents():
    elements = [{"kind": "speech", "speaker": "Ada", "text": "Καλημέρα! Ещё *déjà* vu, straße."}]
    shouted = lettering.in_capitals(elements)
    assert shouted[0]["text"] == "ΚΑΛΗΜΕΡΑ! ЕЩЁ *DÉJÀ* VU, STRASSE."
    assert elements[0]["text"].startswith("Καλημέρα")  # the texts given are left as they were
    result = lettering.layout((1024, 1024), shouted, {"Ada": "left"})
    lines = result.placed[0].lines
    assert typeset.plain(" ".join(lines)) == typeset.french(typeset.plain(shouted[0]["text"]))
    assert {run.font for line in lines for run in typeset.runs(line)} == {
        typeset.LETTERING, typeset.EMPHASIS_FACE}


def test_the_phone_reader_letters_french_by_the_same_rules():
    rng = random.Random(7)
    elements = [{"kind": "speech", "speaker": "Ada", "text": french_text(rng, 14)},
                {"kind": "speech", "speaker": "Bob", "text": french_text(rng, 10)}]
    _, drawn = reader.layout((1024, 768), elements, {"Ada": "left", "Bob": "right"})
    for placed, source in zip(drawn.placed, elements, strict=True):
        check_french_lines(placed.lines, source["text"])
