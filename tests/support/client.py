"""Frozen times for tests that also use the real clock. The API client itself lives in
devtools/client.py (local/ and benchmarks/ use it too)."""


def later(minutes):
    """A moment after the real now, for freeze_time in tests that also use the real clock."""
    import datetime

    return datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=minutes)


def next_hour():
    """The start of the hour after the real now's: a frozen time that comes after any sign-in
    made at the real time (its tokens are already valid), on any date, with fixed windows (a
    minute, an hour) starting exactly there. Take it once per test and add offsets to it."""
    import datetime

    now = datetime.datetime.now(datetime.UTC).replace(minute=0, second=0, microsecond=0)
    return now + datetime.timedelta(hours=1)
