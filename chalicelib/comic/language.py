"""The language a cartoon's words are in, as a BCP 47 tag for a book's metadata (the CBZ's
ComicInfo, the EPUB's dc:language): one of the site's languages, English or French, whichever
the texts' common words say; English when they say nothing (a cartoon stores no language of its
own: people write it in the language they think in, whatever page they used)."""

import re

LANGUAGES = ("en", "fr")
DEFAULT = "en"
# Short words that are frequent in one language and rare in the other.
COMMON = {
    "en": frozenset(("the", "and", "is", "are", "was", "of", "to", "in", "it", "you", "i",
                     "he", "she", "we", "they", "this", "that", "what", "with", "on", "at",
                     "for", "my", "your", "not", "be", "have", "has", "do", "don't", "it's",
                     "here", "there")),
    "fr": frozenset(("le", "la", "les", "et", "est", "sont", "était", "de", "des", "du", "un",
                     "une", "je", "tu", "il", "elle", "nous", "vous", "ils", "elles", "ce",
                     "cette", "qui", "que", "quoi", "avec", "sur", "dans", "pour", "mon", "ma",
                     "mes", "ton", "ta", "pas", "ne", "c'est", "au", "aux", "voilà", "ici")),
}
APOSTROPHE = "\u2019"  # the typographic apostrophe, read as the plain one
WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?")


def language_of(*texts):
    """"en" or "fr" for the texts, by which language's common words they hold more of."""
    words = [w.replace(APOSTROPHE, "'").casefold() for text in texts if text
             for w in WORD.findall(text)]
    counts = {lang: sum(w in COMMON[lang] for w in words) for lang in LANGUAGES}
    best = max(LANGUAGES, key=lambda lang: counts[lang])
    return best if counts[best] > counts[DEFAULT] else DEFAULT
