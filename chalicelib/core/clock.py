"""The one place that reads the wall clock, so tests can move it: every moment the service
stores, compares, signs or shows comes from here (tests/core/test_clock.py holds the rest of
chalicelib/ to it).

Durations and deadlines (how long a call took, how long a job may still run) are measured with
time.monotonic where they are taken: they are not moments, must not jump when the wall clock
does, and no test moves them.
"""

import datetime
import time


def now():
    """Seconds since the epoch."""
    return time.time()


def utc_now():
    """The same moment, as an aware datetime in UTC."""
    return datetime.datetime.fromtimestamp(now(), datetime.UTC)
