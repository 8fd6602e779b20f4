"""The one place that reads the time, so tests can move it."""

import time


def now():
    return time.time()
