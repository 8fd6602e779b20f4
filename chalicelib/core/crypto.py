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
    return hmac.compare_digest(str(a), str(b))
