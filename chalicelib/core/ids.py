"""Every id the service makes for its items: the time it was made (milliseconds since the epoch,
13 digits, so ids sort by age) then a random tail that keeps two made in one millisecond apart.

Two shapes, both from the one generator: `new_id` for cartoons, saved characters and exports,
`new_ledger_id` for ledger entries and purchases (the separator and longer tail they have
always had; stored ids keep their shape).
"""

import secrets

from chalicelib.core import clock
from chalicelib.core.patterns import Pattern

ID = Pattern(r"[0-9]{13}[0-9a-f]{8}")
LEDGER_ID = Pattern(r"[0-9]{13}#[0-9a-f]{12}")


def _sortable(now, separator, tail_bytes):
    millis = int((clock.now() if now is None else now) * 1000)
    return f"{millis:013d}{separator}{secrets.token_hex(tail_bytes)}"


def new_id(now=None):
    """A cartoon's, a saved character's or an export's id (`ID`)."""
    return _sortable(now, "", 4)


def new_ledger_id(now=None):
    """A ledger entry's or a purchase's id (`LEDGER_ID`)."""
    return _sortable(now, "#", 6)
