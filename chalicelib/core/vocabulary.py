"""The product's vocabulary, defined once: the layouts, the balloon kinds, the sides a character
stands on, the quality levels and how their prices read, the drawing styles, and every limit
(texts, notes, scenes, characters, drafts). Plain data, no Pillow, nothing of AWS.

Read by the specs (cartoons/specs.py), the edits (changes.py), drafting, the quote, the worker
and `GET /api/cartoons/options`, which serves it to the site (site/js reads its numbers there;
tests/site/test_vocabulary.py fails on a copy). The comic engine (comic/) imports nothing of
ours: it draws the layouts and kinds named here, and tests/cartoons/test_elements.py holds it
to exactly these.

Adding a layout: an entry in LAYOUTS here (its pictogram included), its geometry in
comic/layouts.py, and its words in site/js/strings.js. Adding a balloon kind: an entry in
KINDS here, its drawing in comic/balloons.py and site/js/balloon-shapes.js, and its words in
strings.js and core/words/*.json (tests/site/test_catalogue.py fails on a kind without them).
"""

import re

# Layouts, in the order the create page offers them: key -> its pictogram on the create page,
# cells as [x, y, w, h] on a 40 x 48 page.
LAYOUTS = {
    "auto": [[3, 3, 34, 12], [3, 18, 16, 12], [21, 18, 16, 12], [3, 33, 34, 12]],
    "strip": [[2, 17, 8, 14], [11.3, 17, 8, 14], [20.6, 17, 8, 14], [30, 17, 8, 14]],
    "grid": [[3, 6, 16, 16], [21, 6, 16, 16], [3, 26, 16, 16], [21, 26, 16, 16]],
    "tiers": [[3, 3, 34, 12], [3, 18, 16, 12], [21, 18, 16, 12], [3, 33, 16, 12],
              [21, 33, 16, 12]],
    "webtoon": [[10, 2, 20, 10], [10, 14, 20, 10], [10, 26, 20, 10], [10, 38, 20, 8]],
}
LAYOUT_KEYS = tuple(LAYOUTS)

# Emphasis in a text: a word or words between asterisks ("*never*") are lettered in bold, the
# asterisks not drawn (comic/typeset.py letters it; the site reads the pattern from the options).
EMPHASIS = r"\*([^*\s](?:[^*]*[^*\s])?)\*"


def plain(text):
    """What a text reads as, its emphasis markup dropped (a transcript, alt text)."""
    return re.sub(EMPHASIS, r"\1", text)


# Balloon kinds, the one registry of them: key -> whether someone says it (`speaker`; a
# caption and a sound effect have none) and whether that someone must be one of the scene's
# characters (`in_scene`: a voice from off panel may be anyone, "Mum", "the radio"); its
# outline and its tail as the engine draws them (comic/balloons.py's STYLES and
# site/js/balloon-shapes.js draw these; tests hold the three equal); whether the text budget
# counts it (`budget`: a sound effect is drawn on the picture, not in the room kept for texts);
# the room between its outline's box and its text (`pad`, across and down, in text sizes: the
# cartoon page's overlay wraps a resized text with it); and what it is (`doc`: the API's
# documentation, and what the drafting model is told, so it knows when the kind fits).
# Adding a kind touches this registry, its drawing (comic/balloons.py, balloon-shapes.js) and
# its words (site/js/strings.js, core/words/*.json), nothing else: the specs, drafting, the
# options, the create page, the scene editor, the transcript and the share page read it here.
# a balloon someone in the picture says
_SAID = {"speaker": True, "in_scene": True, "budget": True, "pad": [0.8, 0.4]}
KINDS = {
    "caption": {"speaker": False, "in_scene": False, "outline": "box", "tail": None,
                "budget": True, "pad": [0.45, 0.45],
                "doc": "narration in a box: time, place, what a narrator says"},
    "speech": {**_SAID, "outline": "rounded", "tail": "wedge",
               "doc": "a balloon: what a character says aloud"},
    "thought": {**_SAID, "outline": "cloud", "tail": "bubbles", "pad": [1.1, 0.7],
                "doc": "a cloud with bubbles for a tail: what a character thinks, unheard"},
    "whisper": {**_SAID, "outline": "dashed", "tail": "wedge",
                "doc": "a dashed balloon: what a character whispers or says under their breath"},
    "shout": {**_SAID, "outline": "burst", "tail": "wedge", "pad": [1.42, 0.82],
              "doc": "a jagged burst: what a character shouts or screams"},
    "offpanel": {**_SAID, "in_scene": False, "outline": "rounded", "tail": "edge",
                 "doc": "a voice from off panel: its tail points to the panel's edge; its "
                        "speaker need not be in the picture (any name: Mum, the radio)"},
    "sound": {"speaker": False, "in_scene": False, "outline": "none", "tail": None,
              "budget": False, "pad": [0.15, 0.1],
              "doc": "a sound effect (BANG, CREAK, ding): large outlined letters on the "
                     "picture, no box; a word or two"},
}
KIND_KEYS = tuple(KINDS)
MAX_ANGLE = 20  # a sound effect turns at most this many degrees either way
SIDES = ("left", "centre", "right")

# Quality levels: their names as people read them. Their prices are a setting
# (QUALITY_CREDITS, core/settings.py): see `best_quality`.
QUALITY_LABELS = {"low": "Draft", "medium": "Standard", "high": "Fine"}

# The drawing styles offered on the create page: (key, label, what the model is told).
STYLE_PRESETS = (
    ("newspaper", "Newspaper strip", "a classic newspaper comic strip, clean ink lines, flat "
     "colours"),
    ("manga", "Manga", "black-and-white manga with screentones and expressive faces"),
    ("watercolour", "Watercolour", "soft watercolour illustration with gentle washes"),
    ("ligne-claire", "Ligne claire", "Franco-Belgian ligne claire: uniform clean lines, flat "
     "bright colours, no hatching"),
    ("superhero", "Superhero comic", "American superhero comic, bold inks, dynamic shading"),
    ("childrens-book", "Children's book", "warm children's picture-book illustration"),
    ("pixel-art", "Pixel art", "retro 16-bit pixel art"),
    ("noir", "Noir", "high-contrast black-and-white noir comic with deep shadows"),
    ("pastel", "Pastel cute", "cute pastel cartoon with rounded shapes"),
    ("woodcut", "Woodcut", "bold woodcut print with rough carved lines"),
    ("anime", "Anime", "modern anime cel shading"),
    ("pencil", "Pencil sketch", "loose graphite pencil sketch on paper"),
)

# Text lengths, in characters, by field.
TEXT_LIMITS = {"title": 120, "context": 1000, "style": 300, "name": 60, "description": 500,
               "action": 600, "caption": 200, "text": 400,
               "note": 300,  # what to change, on a redraw of a scene or a reference
               "idea": 1000}  # a draft's idea
MAX_CHARACTERS = 6
MAX_SCENES = 24
MAX_ELEMENTS = 4  # texts in one panel
# The narrowest and the widest an owner may make a text's box, of its panel's width.
BOX_WIDTH = (0.08, 0.94)
MAX_DRAFT_SCENES = 12  # more would not be written within API Gateway's 29 s

# A character may start from a picture its owner uploads (a drawing or a photo): these types,
# at most this many bytes (S3's own policy refuses more) and this many pixels once decoded
# (a larger picture, or a decompression bomb, is refused before it is drawn from).
UPLOAD_TYPES = ("image/png", "image/jpeg", "image/webp")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UPLOAD_PIXELS = 6000 * 4000

# References are portrait (a full figure), drawn at the best quality level.
REFERENCE_SIZE = (1024, 1536)


def limits():
    """Every limit by name, as `GET /api/cartoons/options` serves them."""
    return {**TEXT_LIMITS, "characters": MAX_CHARACTERS, "scenes": MAX_SCENES,
            "elements": MAX_ELEMENTS, "draft_scenes": MAX_DRAFT_SCENES, "angle": MAX_ANGLE,
            "saved_characters": MAX_SAVED_CHARACTERS,
            "upload_bytes": MAX_UPLOAD_BYTES, "upload_pixels": MAX_UPLOAD_PIXELS}


def quality_label(key):
    return QUALITY_LABELS.get(key, key.title())


def best_quality(credits_by_quality):
    """The best tier: the quality level that costs the most credits (the first of equals). A
    reference is billed at its price and drawn at it; the one rule for both."""
    return max(credits_by_quality, key=credits_by_quality.get)


# A character's reference picture costs one scene of its cartoon's quality, and is drawn at
# that level but never below this one, so even a Draft cartoon's characters are good enough to
# keep in the library and reuse.
REFERENCE_FLOOR = "medium"


def reference_tier(quality, credits_by_quality):
    """The level a reference of a `quality` cartoon is drawn at: the cartoon's own, or the
    floor when the cartoon's costs less (a level set without the floor keeps its own)."""
    floor = credits_by_quality.get(REFERENCE_FLOOR)
    if floor is None or credits_by_quality[quality] >= floor:
        return quality
    return REFERENCE_FLOOR


# Characters an account may keep in its library (cartoons/library.py): enough for a recurring
# cast, few enough that counting them is one small query.
MAX_SAVED_CHARACTERS = 100
