"""The year-ahead run of `make test`: the tests that touch the clock, a second time, with the
whole process's wall clock a year ahead, so a test that passes only on certain dates fails in CI
on the day it is written, not weeks later.

time-machine moves the wall clock at the C level (time.time, datetime.now and what every library
builds on them: botocore's signatures, moto's items, itsdangerous' cookies) and lets it tick;
the monotonic clock, which times waits and deadlines, is left alone. (Debian's libfaketime was
tried first: 0.9.10 turns Python's time.sleep into EINVAL once the monotonic clock is spared.)
conftest calls `shift()` when CLOCK_AHEAD_DAYS is set, before anything else is imported, and
keeps only the tests `touches_the_clock` picks."""

import datetime
import inspect
import os
import re
import tempfile
import time

# What a test reads or moves when the date matters to it: a frozen or patched clock, the real
# time, expiry and time to live.
CLOCK_WORDS = re.compile(
    r"freeze_time|\bclock\b|time\.time|datetime|expir|\bttl\b|next_hour|\blater\(")


def touches_the_clock(function):
    """True when the test, or a helper of its module it calls by name, speaks of the clock."""
    if CLOCK_WORDS.search(inspect.getsource(function)):
        return True
    module = inspect.getmodule(function)
    for name in function.__code__.co_names:
        helper = getattr(module, name, None)
        if (inspect.isfunction(helper) and helper.__module__ == module.__name__
                and CLOCK_WORDS.search(inspect.getsource(helper))):
            return True
    return False


def shift(days):
    """Move this process's wall clock `days` ahead, ticking, for the rest of the run."""
    import time_machine

    ahead = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=days)
    time_machine.travel(ahead, tick=True).start()
    check_shifted(days)


def check_shifted(days):
    """The wall clock this process reads is `days` ahead of the file system's (which the shift
    leaves alone), or the run is not testing what it claims to."""
    with tempfile.NamedTemporaryFile() as probe:
        ahead = time.time() - os.stat(probe.name).st_mtime
    if abs(ahead - days * 86400) > 3600:
        raise RuntimeError(f"the clock is {ahead / 86400:.2f} days ahead, not {days}")
