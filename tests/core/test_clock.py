"""The wall clock is read in one place (core/clock.py), so a test that moves it moves it for
the whole service; durations and deadlines use time.monotonic, which may be read anywhere."""

import re
from pathlib import Path

from freezegun import freeze_time

from chalicelib.core import clock
from tests.support.client import next_hour

ROOT = Path(__file__).resolve().parents[2]
WALL_CLOCK = re.compile(r"\btime\.time\(|\btime_ns\(|\bdatetime\.now\(|\butcnow\(|\bdate\.today\(|"
                        r"\btime\.gmtime\(\)|\btime\.localtime\(\)")


def wall_clock_reads(text):
    return [n for n, line in enumerate(text.splitlines(), 1) if WALL_CLOCK.search(line)]


def test_only_the_clock_reads_the_wall_clock():
    found = [f"{path.relative_to(ROOT)}:{line}"
             for path in [ROOT / "app.py", *sorted((ROOT / "chalicelib").rglob("*.py"))]
             if path.name != "clock.py" or path.parent.name != "core"
             for line in wall_clock_reads(path.read_text())]
    assert found == []


def test_the_check_sees_each_way_of_reading_it():
    text = ("a = time.time()\nb = datetime.datetime.now(datetime.UTC)\nc = datetime.utcnow()\n"
            "d = time.monotonic()\ne = time.gmtime(epoch)\n")
    assert wall_clock_reads(text) == [1, 2, 3]


def test_the_clock_gives_one_moment_in_both_forms():
    hour = next_hour()
    with freeze_time(hour):
        assert clock.utc_now() == hour and clock.now() == hour.timestamp()
