"""Tests hold on any date (DESIGN.md, invariant 13).

A test that freezes the clock at a literal date works until the calendar passes it: a sign-in
made at the real time then lies in the frozen clock's future. Frozen times are computed from
the real now (tests/support/client.py: `later`, `next_hour`). `make test` also runs the tests
that touch the clock a second time, a year ahead (tests/support/clock_shift.py)."""

import ast
from pathlib import Path

from tests.support.clock_shift import touches_the_clock

TESTS = Path(__file__).parent


def literal_dates(tree):
    """The lines where freeze_time is handed a constant or a datetime built from constants."""
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "freeze_time"):
            continue
        for argument in node.args[:1]:
            if fixed(argument):
                yield node.lineno


def fixed(node):
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.JoinedStr):  # f"2026-11-27 10:{minute:02d}:00"
        return any(isinstance(part, ast.Constant) and part.value[:1].isdigit()
                   for part in node.values)
    if isinstance(node, ast.Call) and called(node) in DATE_MAKERS:
        return bool(node.args) and all(isinstance(a, ast.Constant) for a in node.args)
    return False


# datetime(2026, 11, 27), date.fromisoformat("2026-11-27"), ...: a date from constants.
DATE_MAKERS = {"datetime", "date", "fromisoformat", "strptime", "fromtimestamp"}


def called(call):
    return getattr(call.func, "attr", None) or getattr(call.func, "id", None)


def test_no_test_freezes_the_clock_at_a_literal_date():
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        for line in literal_dates(ast.parse(path.read_text(), filename=str(path))):
            found.append(f"{path.relative_to(TESTS.parent)}:{line}")
    assert not found, f"freeze_time at a literal date (use tests.support.client.next_hour): {found}"


def test_the_check_finds_each_shape_of_literal_date():
    source = '''
freeze_time("2026-11-27 10:00:00")
freeze_time(f"2026-11-27 10:{minute:02d}:00")
freeze_time(datetime.datetime(2026, 11, 27))
freeze_time(datetime.fromtimestamp(1795774800))
freeze_time(next_hour())
freeze_time(hour + timedelta(minutes=5))
freeze_time(later(5))
'''
    assert list(literal_dates(ast.parse(source))) == [2, 3, 4, 5]


# Samples of the three shapes (a test module is never imported: tests/test_layers.py).
def sample_that_freezes_the_clock(signed_in):
    with freeze_time(later(16)):  # noqa: F821  (read, never run)
        signed_in.get("/api/me")


def _edits_in_one_window(client):
    with freeze_time(next_hour()):  # noqa: F821  (read, never run)
        client.patch("/api/cartoons/x", {})


def sample_through_a_helper(signed_in):
    _edits_in_one_window(signed_in)


def sample_that_does_not(signed_in):
    assert signed_in.get("/api/me").status == 200


def test_the_year_ahead_run_picks_the_tests_that_touch_the_clock():
    assert touches_the_clock(sample_that_freezes_the_clock)
    # Through a helper of its module that freezes the clock.
    assert touches_the_clock(sample_through_a_helper)
    assert not touches_the_clock(sample_that_does_not)
