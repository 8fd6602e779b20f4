"""Cursor paging for lists that are queried newest first by a time-sortable range key."""

import base64
import binascii
import re

from chalicelib.core.errors import Invalid

SORTABLE_ID = re.compile(r"^\d{13}#[0-9a-f]{12}$")  # what credits.new_entry_id makes
DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def encode_cursor(item_id):
    return base64.urlsafe_b64encode(item_id.encode()).decode().rstrip("=") if item_id else None


def decode_cursor(cursor, pattern=SORTABLE_ID):
    """The id to continue after, or None for the first page; a cursor we did not make is a 400."""
    if cursor is None or cursor == "":
        return None
    problem = Invalid("The cursor is not valid. Start again from the first page.",
                      code="invalid_cursor")
    if not isinstance(cursor, str) or len(cursor) > 200:
        raise problem
    try:
        item_id = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, ValueError):
        raise problem from None
    if not pattern.fullmatch(item_id):
        raise problem
    return item_id


def read_limit(value, default=DEFAULT_LIMIT):
    if value is None or value == "":
        return default
    digits = isinstance(value, str) and value.isascii() and value.isdigit()
    if not digits or not 1 <= int(value) <= MAX_LIMIT:
        raise Invalid(f"limit must be a whole number from 1 to {MAX_LIMIT}.",
                      code="invalid_limit")
    return int(value)
