"""Keyed hashes and random tokens: what is stored is never the secret itself."""

import hashlib
import hmac
import secrets

from chalicelib.core.settings import get_settings

TOKEN_BYTES = 32  # 256 random bits


def new_token():
    return secrets.token_urlsafe(TOKEN_BYTES)


def keyed_hash(purpose, value, *, key=None):
    key = (key or get_settings().hash_key).encode()
    message = f"{purpose}\x00{value}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def same(a, b):
    """Constant-time equality of two texts, whatever their characters (compare_digest refuses
    non-ASCII str, so compare their UTF-8 bytes; surrogatepass keeps a lone surrogate too)."""
    return hmac.compare_digest(_utf8(a), _utf8(b))


def _utf8(value):
    return str(value).encode("utf-8", "surrogatepass")
