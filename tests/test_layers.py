"""The layout holds: every import points down (docs/architecture.md), comic/ imports nothing
else of ours, only app.py reaches worker/, and each function-local import says why it is
local."""

import pytest

from devtools import layers

FOUND = layers.imports()


def test_no_import_points_up_or_into_the_worker():
    wrong = [f"{i.source}:{i.line} -> {i.target}" for i in layers.upward(FOUND)]
    assert wrong == []


def test_every_module_belongs_to_a_package_of_the_layout():
    modules = {layers.module_name(path) for path in layers.sources()}
    stray = sorted(m for m in modules if m not in ("chalicelib", "app")
                   and layers.package_of(m) is None)
    assert stray == []


def test_the_judge_sees_an_upward_import():
    """The check can fail: an import from core/ of money/ is caught, as is worker/ from API
    code and anything of ours from comic/."""
    fake = [layers.Import("chalicelib.core.models", "chalicelib.money.credits", 1, False, ""),
            layers.Import("chalicelib.cartoons.view", "chalicelib.worker.compose", 2, True, ""),
            layers.Import("chalicelib.comic.strip", "chalicelib.core.settings", 3, False, ""),
            layers.Import("app", "chalicelib.worker.entry", 4, True, "")]
    assert [i.line for i in layers.upward(fake)] == [1, 2, 3]


def test_function_local_imports_say_why():
    unexplained = [f"{i.source}:{i.line} {i.target}" for i in layers.local_imports(FOUND)
                   if not i.why]
    assert unexplained == []


def test_the_modules_do_not_import_in_a_circle_even_through_function_local_imports():
    assert layers.circles(FOUND) == []
    assert layers.layers(FOUND) >= 5  # raises on a circle


def test_the_judge_sees_a_circle_through_a_function_local_import():
    """The check can fail: a circle closed inside a function is still a circle, and a circle
    of three is seen as one."""
    fake = [layers.Import("chalicelib.cartoons.library", "chalicelib.cartoons.submission", 1,
                          False, ""),
            layers.Import("chalicelib.cartoons.submission", "chalicelib.cartoons.library", 2,
                          True, "imported here: a circle"),
            layers.Import("chalicelib.money.a", "chalicelib.money.b", 3, False, ""),
            layers.Import("chalicelib.money.b", "chalicelib.money.c", 4, True, ""),
            layers.Import("chalicelib.money.c", "chalicelib.money.a", 5, False, ""),
            layers.Import("chalicelib.money.c", "chalicelib.core.clock", 6, False, "")]
    assert layers.circles(fake) == [
        ["chalicelib.cartoons.library", "chalicelib.cartoons.submission"],
        ["chalicelib.money.a", "chalicelib.money.b", "chalicelib.money.c"]]
    assert layers.circles(fake, with_local=False) == []
    with pytest.raises(ValueError):
        layers.layers(fake)


def test_no_test_imports_another_test_module():
    """What tests share lives in tests/support/; a test module is never imported."""
    wrong = []
    for path in sorted((layers.ROOT / "tests").rglob("*.py")):
        for line in path.read_text().splitlines():
            words = line.split()
            if len(words) > 1 and words[0] in ("from", "import") and \
                    words[1].startswith("tests.") and not words[1].startswith("tests.support"):
                wrong.append(f"{path.relative_to(layers.ROOT)}: {line.strip()}")
    assert wrong == []
