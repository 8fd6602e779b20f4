"""Cursor paging for lists that are queried newest first by a time-sortable range key.

A cursor is the id to continue after and a keyed hash of it and its list, so a cursor we did
not make (forged, edited, or from another list) is a 400 however well-formed it looks.
"""

import base64
import binascii

from chalicelib.core.crypto import keyed_hash, same
from chalicelib.core.errors import Invalid
from chalicelib.core.ids import LEDGER_ID

SORTABLE_ID = LEDGER_ID  # what ids.new_ledger_id makes
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAC_CHARS = 32  # 128 bits of the keyed hash
MAX_CURSOR_CHARS = 200


def query(maximum=MAX_LIMIT):
    """A paged list's query parameters, as the API document declares them: what
    `decode_cursor` and `read_limit` accept (an empty value is the first page, the default
    size)."""
    return {"cursor": {"type": "string", "maxLength": MAX_CURSOR_CHARS},
            "limit": {"type": "string", "maxLength": 6, "pattern": f"^(0*({_up_to(maximum)}))?$",
                      "description": f"1 to {maximum}, in ASCII digits (six at most)."}}


def _up_to(maximum):
    """A regex for the numbers 1 to `maximum` (10 to 100), without leading zeros."""
    tens, units = divmod(maximum, 10)
    if maximum == 100:
        return "100|[1-9][0-9]?"
    return "|".join(filter(None, [f"{tens}[0-{units}]",
                                  f"[1-{tens - 1}][0-9]" if tens > 1 else "", "[1-9]"]))


def _mac(listing, item_id):
    return keyed_hash("cursor", f"{listing}:{item_id}")[:MAC_CHARS]


def encode_cursor(item_id, listing):
    """The cursor that continues `listing` ("credits", "gallery"...) after `item_id`."""
    if not item_id:
        return None
    encoded = base64.urlsafe_b64encode(item_id.encode()).decode().rstrip("=")
    return f"{encoded}.{_mac(listing, item_id)}"


def decode_cursor(cursor, listing, pattern=SORTABLE_ID):
    """The id to continue after, or None for the first page; a cursor we did not make is a 400."""
    if cursor is None or cursor == "":
        return None
    problem = Invalid(key="cursor_invalid", code="invalid_cursor")
    if not isinstance(cursor, str) or len(cursor) > MAX_CURSOR_CHARS or "." not in cursor:
        raise problem
    encoded, _, mac = cursor.rpartition(".")
    try:
        item_id = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (binascii.Error, ValueError):
        raise problem from None
    if not pattern.fullmatch(item_id) or not same(mac, _mac(listing, item_id)):
        raise problem
    return item_id


def read_limit(value, default=DEFAULT_LIMIT, maximum=MAX_LIMIT):
    """A page size from a query string: ASCII digits only, at most `maximum`, else a 400.
    The length is checked before int(), which refuses (raises) past 4,300 digits."""
    if value is None or value == "":
        return default
    digits = isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 6
    if not digits or not 1 <= int(value) <= maximum:
        raise Invalid(key="limit_range", maximum=maximum, code="invalid_limit")
    return int(value)


def newest_first(model, account_id, listing, *, id_name, pattern, cursor, limit, default,
                 maximum):
    """One page of an account's items, newest first: `model` is keyed by `account_id` and a
    time-sortable range key `id_name`. Returns the items and the cursor of the next page (None
    at the end)."""
    limit = read_limit(limit, default=default, maximum=maximum)
    after = decode_cursor(cursor, listing, pattern=pattern)
    start = after and {"account_id": {"S": account_id}, id_name: {"S": after}}
    result = model.query(account_id, scan_index_forward=False, limit=limit,
                         last_evaluated_key=start)
    items = list(result)
    more = result.last_evaluated_key if len(items) == limit else None
    return items, encode_cursor(more and more[id_name]["S"], listing)
