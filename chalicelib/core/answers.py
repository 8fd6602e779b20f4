"""What a route answers, declared beside its body spec: the success status, the JSON Schema of
its body (or the media type of a page, or a redirect), the headers it always sets, and the
statuses of the errors it may give. The OpenAPI document is generated from these
(core/openapi.py), and the tests' client checks every response it receives against it.

The schema helpers below keep the declarations short: `obj` lists the fields always present
(required) and those that may be missing, and every object is closed (no other fields), so a
field added to an answer without its declaration fails the tests."""

from typing import NamedTuple

STRING = {"type": "string"}
TEXT = {"type": "string", "minLength": 1}
INTEGER = {"type": "integer"}
COUNT = {"type": "integer", "minimum": 0}
BOOLEAN = {"type": "boolean"}
NUMBER = {"type": "number"}
TIME = {"type": "string", "format": "date-time"}  # an ISO 8601 moment
URL = {"type": "string", "minLength": 1}  # absolute, or a path on the site
# Statuses of a route that reads a JSON body: a body that is not one, or that breaks the spec
# (400), or is too large (413).
BODY_ERRORS = (400, 413)
SIGNED_IN = 401  # a route whose errors hold 401 needs the session cookie (its security)


def obj(required=None, optional=None):
    """A closed object: the `required` fields always there, the `optional` ones sometimes."""
    required, optional = required or {}, optional or {}
    return {"type": "object", "additionalProperties": False,
            "properties": {**required, **optional}, "required": list(required)}


def nullable(schema):
    """`schema`, or null."""
    kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    return {**schema, "type": [*kinds, "null"]}


def array(items, **bounds):
    return {"type": "array", "items": items, **bounds}


def mapping(values):
    """An object keyed by free text, each value matching `values`."""
    return {"type": "object", "additionalProperties": values}


def one_of(*values):
    return {"enum": list(values)}


class Answer(NamedTuple):
    """One route's answers. `body` is the JSON Schema of the success body (None for an empty
    one); `media` its type ("text/html" for a page); `headers` the response headers it always
    sets ((name, description), ...); `errors` the error statuses it may give besides those
    every route may (core/openapi.py COMMON_ERRORS); a 401 among them means the route needs
    the session (its security in the document)."""

    body: dict | None
    status: int = 200
    media: str = "application/json"
    headers: tuple = ()  # ((name, description), ...)
    errors: tuple = ()
    doc: str = ""

    @property
    def signed_in(self):
        return SIGNED_IN in self.errors


def ok(body, status=200, *, errors=(), headers=(), media="application/json", doc=""):
    return Answer(body, status, media, tuple(headers), tuple(sorted(set(errors))), doc)


# Answers several routes share.
STATUS = obj({"status": TEXT})
SENT = obj({"status": one_of("sent"), "message": TEXT})
