"""Tests hold on any date (DESIGN.md, invariant 13).

A test that freezes the clock at a literal date works until the calendar passes it: a sign-in
made at the real time then lies in the frozen clock's future. Frozen times are computed from
the real now (tests/support/client.py: `later`, `next_hour`). `make test` also runs the tests
that touch the clock a second time, a year ahead (tests/support/clock_shift.py)."""

import ast
from pathlib import Path

from freezegun import freeze_time

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
    # Arguments only, read never run: each is put in a freeze_time call below.
    arguments = ['"2026-11-27 10:00:00"', 'f"2026-11-27 10:{minute:02d}:00"',
                 "datetime.datetime(2026, 11, 27)", "datetime.fromtimestamp(1795774800)",
                 "next_hour()", "hour + timedelta(minutes=5)", "later(5)"]
    source = "".join(f"freeze_time({argument})\n" for argument in arguments)
    assert list(literal_dates(ast.parse(source))) == [1, 2, 3, 4]


def frozen_step():
    with freeze_time(next_hour()):
        pass


def through_a_helper():
    frozen_step()


def a_layout():
    return [1, 2]


def next_hour():
    return "the start of the next hour"


def test_the_year_ahead_run_picks_the_tests_that_touch_the_clock():
    assert touches_the_clock(frozen_step)
    assert touches_the_clock(through_a_helper)  # a helper of its module freezes the clock
    assert not touches_the_clock(a_layout)
