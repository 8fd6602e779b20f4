"""A lazily compiled pattern answers as the compiled one would, and compiles once."""

import re

from chalicelib.core.patterns import Pattern


def test_a_pattern_answers_as_re_compile_would():
    lazy, eager = Pattern(r"^(ab)+$", re.IGNORECASE), re.compile(r"^(ab)+$", re.IGNORECASE)
    for text in ("abAB", "aba", ""):
        assert bool(lazy.fullmatch(text)) == bool(eager.fullmatch(text))
    assert lazy.pattern == eager.pattern and lazy.flags == re.IGNORECASE
    assert Pattern(r"\d").sub("#", "a1b22") == "a#b##"
    assert Pattern(r"{([^}]+)}").findall("/a/{x}/{y}") == ["x", "y"]


def test_it_compiles_at_first_use_only():
    pattern = Pattern(r"x+")
    assert pattern._compiled is None
    pattern.search("axx")
    first = pattern._compiled
    pattern.match("x")
    assert first is not None and pattern._compiled is first
