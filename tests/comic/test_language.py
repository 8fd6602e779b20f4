"""A cartoon's language for its books' metadata, from its words: French or English."""

import pytest

from chalicelib.comic.language import language_of


@pytest.mark.parametrize(("texts", "expected"), [
    (("La machine du grenier", "Qu\u2019est-ce que c\u2019est que cette machine ?",
      "Tiens-toi bien !"),
     "fr"),
    (("The attic machine", "What on earth is this machine?", "Hold on tight, Bram!"), "en"),
    (("Ada", "Bram!", "😀"), "en"),  # nothing to tell by: English
    ((), "en"),
])
def test_the_language_is_the_one_whose_common_words_the_texts_hold(texts, expected):
    assert language_of(*texts) == expected
