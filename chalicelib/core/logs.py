"""Structured logs: one JSON object a line, with nothing that identifies a person.

Callers log ids and keyed hashes only; the formatter also scrubs anything shaped like an email
address, an IP address or a token, so a mistake upstream cannot leak one.
"""

import json
import logging
import sys

from chalicelib.core import clock
from chalicelib.core.patterns import Pattern

_EMAIL = Pattern(r"[^\s@\"'<>,;:]+@[^\s@\"'<>,;:]+")
_IPV4 = Pattern(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_IPV6 = Pattern(r"(?<![\w:])(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}(?![\w:])")
_TOKEN = Pattern(r"[A-Za-z0-9_\-]{32,}")
_HEXDIGEST = Pattern(r"^[0-9a-f]{64}$|^[0-9a-f]{32}$")

logger = logging.getLogger("caaartoons")


def scrub(text):
    text = _EMAIL.sub("[email]", text)
    text = _IPV4.sub("[ip]", text)
    text = _IPV6.sub("[ip]", text)
    return _TOKEN.sub(lambda m: m.group(0) if _HEXDIGEST.match(m.group(0)) else "[token]", text)


class JsonFormatter(logging.Formatter):
    def format(self, record):
        payload = {"ts": round(record.created, 3), "level": record.levelname,
                   "logger": record.name}
        fields = getattr(record, "fields", None)
        if fields:
            payload.update(fields)
        else:
            payload["message"] = record.getMessage()
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return scrub(json.dumps(payload, default=str))


def configure(level="INFO", stream=None):
    root = logging.getLogger()
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = logging.StreamHandler(stream or sys.stderr)
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
    # Lambda's runtime and Chalice (on the app's own logger, named like this one) install
    # plain handlers: give them the JSON formatter too.
    for handler in root.handlers + logger.handlers:
        handler.setFormatter(JsonFormatter())
    root.setLevel(level)
    logger.setLevel(level)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's server, locally


def event(name, level=logging.INFO, **fields):
    """Log one event with fields that must already be ids, hashes or counts."""
    logger.log(level, name, extra={"fields": {"event": name, "at": int(clock.now()), **fields}})
