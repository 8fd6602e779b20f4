"""The server's words, one catalogue per language (en.json, fr.json): the mails, the share page,
the privacy policy and the API's error messages, as templates keyed like the site's own
catalogue (site/js/strings.js). A key both catalogues hold has the same words in both
(tests/site/test_catalogue.py), so what the share page says is what the owner's page says.

The API answers in English (the site words an error in French from its code), so the `error.*`
templates exist only in en.json. A plural is an object {one, other}, as in strings.js.
"""

import functools
import json
from pathlib import Path

LANGUAGES = ("en", "fr")
HERE = Path(__file__).resolve().parent


@functools.cache
def catalogue(lang):
    """Every template of `lang` (en or fr), by key."""
    return json.loads((HERE / f"{lang}.json").read_text(encoding="utf-8"))


def text(key, lang="en", **values):
    """The template `key` in `lang` (English for any other language), filled with `values`."""
    return catalogue(lang if lang in LANGUAGES else "en")[key].format(**values)


def count(key, n, lang="en"):
    """The plural template `key` for the number `n`: its `one` form up to 1, else `other`."""
    forms = catalogue(lang if lang in LANGUAGES else "en")[key]
    return forms["one" if n <= 1 else "other"].format(n=n)
