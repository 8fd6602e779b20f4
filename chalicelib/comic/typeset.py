"""Type for the lettering: a comic face for every script people type, French spacing,
*emphasis*, a per-character fallback, measuring, wrapping that never drops a character, and
drawing.

The faces, first that has the character wins (cmaps read once with fontTools):
1. Comic Relief (`fonts/ComicRelief-Regular.ttf`, SIL OFL 1.1, `fonts/OFL-ComicRelief.txt`;
   built from its web subsets by `local/lettering_fonts.py`): the lettering face, for Latin
   with its accents, Latin Extended, Greek and Cyrillic; its bold (`ComicRelief-Bold.ttf`)
   letters *emphasis*. The site serves the same two faces as woff2 (site/fonts).
2. DejaVu Sans (`fonts/DejaVuSans.ttf`, Bold for emphasis; Bitstream Vera licence,
   `fonts/LICENSE`), scaled to Comic Relief's x-height: the scripts and symbols the comic face
   lacks.
3. Noto Color Emoji (`fonts/NotoColorEmoji.ttf`, SIL OFL 1.1, `fonts/OFL-NotoColorEmoji.txt`):
   a colour bitmap font that FreeType renders only at its one strike (109 px), so an emoji is
   drawn at that size and its image scaled to the text size (cached per character and size).

Markup: `*word*` or `*several words*` is emphasis (an asterisk that opens is followed by a
non-space, one that closes follows a non-space, nothing between them is an asterisk:
`EMPHASIS`); any other asterisk is drawn as one. Lines keep the markup balanced, each word
marked on its own (`units`), so a line read alone says which words are bold.

French spacing (`french`): a space typed before `: ; ! ? » %` or after `«` becomes the face's
no-break space, and wrapping breaks only at the other spaces, so no line starts with `: ; ! ?`
or `»` nor ends with `«`.

Zero-width characters (variation selectors, joiners) are kept in the text but draw nothing.
`missing(text)` lists what no font of the chain can draw, so a caller can refuse it rather than
draw boxes. Widths are the faces' own advances (hmtx), unrounded; the faces have no kerning nor
substitutions, so a browser with the site's woff2 measures the same widths. Drawing is
Pillow's basic engine, word by word where those widths put each word.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

FONTS = Path(__file__).resolve().parent / "fonts"
LETTERING = "ComicRelief-Regular.ttf"
EMPHASIS_FACE = "ComicRelief-Bold.ttf"
FALLBACK = "DejaVuSans.ttf"
FALLBACK_BOLD = "DejaVuSans-Bold.ttf"
FALLBACK_SCALE = 0.96  # DejaVu's x-height (0.55 em) brought to Comic Relief's (0.53 em)
EMOJI = "NotoColorEmoji.ttf"
EMOJI_STRIKE = 109  # the only size at which FreeType renders Noto Color Emoji's bitmaps
CHAIN = (LETTERING, FALLBACK, EMOJI)
BOLD_CHAIN = (EMPHASIS_FACE, FALLBACK_BOLD, EMOJI)
INVISIBLE = frozenset([
    0x200B, 0x200C, 0x200D, 0x2060, 0xFE0E, 0xFE0F,
    *range(0x1F3FB, 0x1F400),  # skin-tone modifiers: the emoji before them is drawn plain
    *range(0xE0020, 0xE0080)])  # tag characters of flag sequences
LINE_SPACING = 1.18  # line height as a multiple of the text size
BASELINE = 0.9  # a line's baseline below its top, as a multiple of the text size
# *emphasis*: opened by an asterisk before a non-space, closed by one after a non-space
EMPHASIS = re.compile(r"\*([^*\s](?:[^*]*[^*\s])?)\*")
GLUED_BEFORE = ":;!?»%"  # French: a space typed before these is a no-break space
GLUED_AFTER = "«"  # and one typed after this
_FRENCH = re.compile(rf"\s+(?=\*?[{GLUED_BEFORE}])|(?<=[{GLUED_AFTER}])\s+")
_BREAKS = re.compile(r"[ \t\n\r\f\v]+")  # where lines may break: not the no-break spaces
_WORD = re.compile(r"\S+")


@functools.cache
def _cmap(name):
    if name != EMOJI:  # the faces text is measured in: their advances already read the cmap
        return frozenset(_advances(name)[0])
    # lazy=True reads only the tables asked for: the 11 MB emoji font's cmap in milliseconds.
    with TTFont(str(FONTS / name), lazy=True) as font_file:
        return frozenset(font_file.getBestCmap())


@functools.cache
def _advances(name):
    """({code point: advance}, the .notdef's advance), in ems: a text's width is their sum
    times its size, unrounded, as a browser measures the same face (FreeType's hinted
    advances, whole pixels each, drift up to 1.5 % from it over a line)."""
    with TTFont(str(FONTS / name), lazy=True) as font_file:
        units = font_file["head"].unitsPerEm
        metrics = font_file["hmtx"].metrics
        advances = {code: metrics[glyph][0] / units
                    for code, glyph in font_file.getBestCmap().items()}
        return advances, metrics[font_file.getGlyphOrder()[0]][0] / units


# Characters below U+1F000 that show as emoji by default (Unicode's Emoji_Presentation).
EMOJI_PRESENTATION = frozenset(
    [0x231A, 0x231B, 0x23F0, 0x23F3, 0x267F, 0x2693, 0x26A1, 0x26CE, 0x26D4, 0x26EA, 0x26F5,
     0x26FA, 0x26FD, 0x2705, 0x2728, 0x274C, 0x274E, 0x2757, 0x27B0, 0x27BF, 0x2B50, 0x2B55,
     *range(0x23E9, 0x23ED), *range(0x25FD, 0x25FF), *range(0x2614, 0x2616),
     *range(0x2648, 0x2654), *range(0x26AA, 0x26AC), *range(0x26BD, 0x26BF),
     *range(0x26C4, 0x26C6), *range(0x26F2, 0x26F4), *range(0x270A, 0x270C),
     *range(0x2753, 0x2756), *range(0x2795, 0x2798), *range(0x2B1B, 0x2B1D)])


def font_for(char, emoji=False, bold=False):
    """The name of the first font of the chain (the bold one for `bold`) that has `char`, or
    None. Pictographs (past U+1F000, Emoji_Presentation, or followed by U+FE0F: `emoji`) go
    to the emoji font first: DejaVu has some of them, in black and white."""
    code = ord(char)
    pictograph = emoji or code >= 0x1F000 or code in EMOJI_PRESENTATION
    chain = BOLD_CHAIN if bold else CHAIN
    chain = (EMOJI, *chain[:2]) if pictograph else chain
    return next((name for name in chain if code in _cmap(name)), None)


def missing(text):
    """The characters of `text` that no bundled font can draw, in order, each once."""
    seen = []
    for char in text:
        if (ord(char) not in INVISIBLE and not char.isspace() and font_for(char) is None
                and char not in seen):
            seen.append(char)
    return seen


@functools.cache
def no_break_space():
    """The narrow no-break space (U+202F) when both comic faces have it, else U+00A0."""
    narrow = all(0x202F in _cmap(name) for name in (LETTERING, EMPHASIS_FACE))
    return "\u202f" if narrow else "\u00a0"


def french(text):
    """`text` with each space typed before `: ; ! ? » %` or after `«` made a no-break space."""
    return _FRENCH.sub(no_break_space(), text)


def spans(text):
    """`text` read as markup: [(visible text, emphasised)], the asterisks that pair dropped."""
    out, at = [], 0
    for found in EMPHASIS.finditer(text):
        if found.start() > at:
            out.append((text[at:found.start()], False))
        out.append((found.group(1), True))
        at = found.end()
    if at < len(text):
        out.append((text[at:], False))
    return out


def plain(text):
    """What `text` reads as: its markup dropped (for a transcript or a text layer)."""
    return "".join(part for part, _ in spans(text))


def _marked(parts):
    return "".join(f"*{part}*" if bold else part for part, bold in parts if part)


def units(text):
    """The pieces of `text` that wrapping keeps whole, in order, as markup: French spacing
    applied, so punctuation stays with its word; each emphasised word marked on its own, so a
    line joined from any of them (with spaces) says which words are bold."""
    out = []
    for part, bold in spans(french(text.strip())):
        pieces = _BREAKS.split(part)
        if out and not _BREAKS.match(part[:1]):
            out[-1].append((pieces[0], bold))  # the piece continues the word before it
            pieces = pieces[1:]
        out.extend([(piece, bold)] for piece in pieces)
    return [marked for marked in map(_marked, out) if marked]


GREEK_ACCENTS = frozenset("\u0301\u0342")  # tonos, perispomeni: Greek capitals drop them


def capitals(text):
    """`text` in capitals, as comics are traditionally lettered: Greek without its accents, as
    Greek is set in capitals; the markup is kept."""
    out, greek = [], False
    for char in unicodedata.normalize("NFD", text.upper()):
        if not unicodedata.combining(char):
            greek = "\u0370" <= char <= "\u03ff"
        elif greek and char in GREEK_ACCENTS:
            continue
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


def _px(name, size):
    """The size `name` is set at for text of `size` px (DejaVu scaled to the comic face)."""
    return round(size * FALLBACK_SCALE) if name in (FALLBACK, FALLBACK_BOLD) else size


@functools.lru_cache(maxsize=64)
def _face(name, size):
    if name == EMOJI:
        return ImageFont.truetype(str(FONTS / name), EMOJI_STRIKE,
                                  layout_engine=ImageFont.Layout.BASIC)
    return ImageFont.truetype(str(FONTS / name), _px(name, size),
                              layout_engine=ImageFont.Layout.BASIC)


@dataclass(frozen=True)
class Run:
    text: str
    font: str  # a name of CHAIN or BOLD_CHAIN; None for characters that draw nothing


def runs(text):
    """`text` (markup) cut into runs that one font draws, without the markup's asterisks; an
    invisible character joins the run before."""
    out = []
    for part, bold in spans(text):
        for i, char in enumerate(part):
            emoji = part[i + 1:i + 2] == "\ufe0f"
            name = None if ord(char) in INVISIBLE else (
                font_for(char, emoji, bold) or font_for(char, emoji) or FALLBACK)
            if out and (out[-1].font == name or name is None):
                out[-1] = Run(out[-1].text + char, out[-1].font)
            else:
                out.append(Run(char, name))
    return out


def _visible(text):
    return "".join(c for c in text if ord(c) not in INVISIBLE)


def _advance(font, text, size):
    """The width of `text` (visible characters) in `font` at `size` px, unrounded."""
    if font == EMOJI:
        return len(text) * size * 1.15
    advances, notdef = _advances(font)
    return _px(font, size) * sum(advances.get(ord(c), notdef) for c in text)


@functools.lru_cache(maxsize=4096)
def width(text, size):
    """The advance of `text` (markup) at `size` px, in px."""
    return sum(_advance(run.font, _visible(run.text), size) for run in runs(text)
               if run.font is not None)


def line_height(size):
    return round(size * LINE_SPACING)


def wrap(text, size, max_width):
    """Lines of `text` (markup) no wider than `max_width` at `size`, breaking between words
    (`units`); every word of the text is on a line, in order. None when a single word is
    wider than `max_width` (the caller shrinks the text or widens the box: nothing is cut)."""
    lines, line = [], ""
    for word in units(text):
        if width(word, size) > max_width:
            return None
        candidate = f"{line} {word}" if line else word
        if width(candidate, size) <= max_width:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


@functools.lru_cache(maxsize=256)
def _emoji_glyph(char, size):
    face = _face(EMOJI, size)
    left, top, right, bottom = face.getbbox(char, mode="RGBA")
    glyph = Image.new("RGBA", (right - left, bottom - top), (0, 0, 0, 0))
    ImageDraw.Draw(glyph).text((-left, -top), char, font=face, embedded_color=True)
    side = round(size * 1.05)
    return glyph.resize((side, side), Image.Resampling.LANCZOS)


def draw_line(draw, image, xy, text, size, fill):
    """Draw one line of `text` (markup) with its top-left at `xy`, font by font on one
    baseline, `BASELINE` of the size below the top."""
    x, y = xy
    baseline = y + BASELINE * size
    for run in runs(text):
        visible = _visible(run.text)
        if run.font == EMOJI:
            for char in visible:
                glyph = _emoji_glyph(char, size)
                top = round(baseline - size * 0.9)
                image.paste(glyph, (round(x + size * 0.05), top), glyph)
                x += size * 1.15
        elif run.font is not None:
            # word by word, each where the unrounded advances put it (as a browser would)
            for word in _WORD.finditer(visible):
                draw.text((x + _advance(run.font, visible[:word.start()], size), baseline),
                          word.group(), font=_face(run.font, size), fill=fill, anchor="ls")
            x += _advance(run.font, visible, size)
