"""The fonts: each bundled with its licence, and what people type drawn as glyphs (a colour
emoji, Greek, Cyrillic, accents), never as the missing-glyph box."""

from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops, ImageDraw

from chalicelib.comic import typeset
from chalicelib.comic.typeset import FONTS

SITE_FONTS = Path(__file__).resolve().parents[2] / "site" / "fonts"
NOT_IN_ANY_FONT = "\U0010fffd"  # a private-use character: every font draws its .notdef box


def drawn(text, size=40):
    image = Image.new("RGB", (int(typeset.width(text, size)) + 20, size * 2), "white")
    typeset.draw_line(ImageDraw.Draw(image), image, (10, 10), text, size, (0, 0, 0))
    return image


def test_each_font_ships_with_its_licence():
    for name, licence, words in [("ComicRelief-Regular.ttf", "OFL-ComicRelief.txt", "Comic Relief"),
                                 ("ComicRelief-Bold.ttf", "OFL-ComicRelief.txt", "Comic Relief"),
                                 ("NotoColorEmoji.ttf", "OFL-NotoColorEmoji.txt", "Google"),
                                 ("DejaVuSans.ttf", "LICENSE", "Bitstream")]:
        assert (FONTS / name).stat().st_size > 20_000
        text = (FONTS / licence).read_text()
        assert words in text
        assert "SIL OPEN FONT LICENSE" in text or "Permission is hereby granted" in text


@pytest.mark.parametrize(("engine", "web"), [(typeset.LETTERING, "lettering.woff2"),
                                             (typeset.EMPHASIS_FACE, "lettering-emphasis.woff2")])
def test_the_site_serves_the_engines_faces_so_the_browser_measures_alike(engine, web):
    served, used = TTFont(str(SITE_FONTS / web)), TTFont(str(FONTS / engine))
    assert served.flavor == "woff2"
    assert served.getBestCmap() == used.getBestCmap()
    assert all(ord(c) in served.getBestCmap() for c in "éłΩλЖя\u00a0«»")
    assert served["hmtx"].metrics == used["hmtx"].metrics
    assert "GPOS" not in served and "GSUB" not in served  # Pillow applies neither
    assert "SIL OPEN FONT LICENSE" in (SITE_FONTS / "OFL-ComicRelief.txt").read_text()


@pytest.mark.parametrize(("char", "font"), [
    ("a", typeset.LETTERING), ("é", typeset.LETTERING), ("ñ", typeset.LETTERING),
    ("ł", typeset.LETTERING), ("ș", typeset.LETTERING), ("Ω", typeset.LETTERING),
    ("Ж", typeset.LETTERING), ("ẽ", typeset.FALLBACK), ("Ա", typeset.FALLBACK),
    ("😀", typeset.EMOJI), ("🥐", typeset.EMOJI), ("☕", typeset.EMOJI),
])
def test_each_character_goes_to_the_first_font_that_has_it(char, font):
    assert typeset.font_for(char) == font


@pytest.mark.parametrize("char", ["é", "ß", "Ω", "λ", "Ж", "я", "ő", "😀", "🎉", "❤"])
def test_what_people_type_is_drawn_as_a_glyph_not_a_box(char):
    box = drawn(NOT_IN_ANY_FONT)
    glyph = drawn(char)
    assert glyph.convert("L").getextrema()[0] < 128  # something dark or coloured was drawn
    assert ImageChops.difference(glyph.crop((0, 0, *box.size)), box).getbbox() is not None


def test_an_emoji_is_drawn_in_colour_at_the_text_size():
    for size in (20, 40, 90):
        image = drawn("🍞", size)
        ink = image.convert("L").point(lambda v: 255 if v < 250 else 0).getbbox()
        assert size * 0.7 <= ink[3] - ink[1] <= size * 1.2
        saturated = [c for _, c in image.getcolors(1 << 16) if max(c) - min(c) > 60]
        assert saturated


def test_variation_selectors_and_joiners_draw_nothing_but_stay_in_the_text():
    assert typeset.missing("❤️ 👍🏽 a\u200db") == []
    assert "".join(run.text for run in typeset.runs("❤️ ok")) == "❤️ ok"
    assert typeset.runs("❤️")[0].font == typeset.EMOJI  # U+FE0F asks for the emoji


def test_characters_no_font_has_are_listed_once_each():
    assert typeset.missing("ok 漢字漢 ñ") == ["漢", "字"]


def test_wrapping_never_drops_a_word_and_refuses_one_too_wide():
    text = "Žluťoučký kůň úpěl ďábelské ódy 🐴 — Съешь же ещё этих мягких французских булок"
    lines = typeset.wrap(text, 30, 300)
    assert " ".join(lines).split() == text.split()
    assert all(typeset.width(line, 30) <= 300 for line in lines)
    assert typeset.wrap("Supercalifragilisticexpialidocious", 30, 100) is None
