"""The API's contract, checked on every response the tests' client receives: its status is one
the OpenAPI document (GET /api/openapi.json) declares for the route, its body matches the
declared media type and JSON Schema, and the headers declared as always sent are there. A
mismatch fails the test that received the response."""

import json
import re

from jsonschema import Draft202012Validator

_documents = {}  # id(app) -> Contract


class ContractBroken(AssertionError):
    pass


class Contract:
    def __init__(self, document):
        self.document = document
        self.operations = [(re.compile("^" + re.sub(r"{[^}/]+}", "[^/]+", path) + "$"), path)
                           for path in document["paths"]]

    def operation(self, method, url):
        """The document's (path, operation) for a request, or None for a route it has no such
        method for (the router's 404/405, which no operation answers)."""
        bare = url.split("?", 1)[0]
        for pattern, path in self.operations:
            if pattern.match(bare):
                found = self.document["paths"][path].get(method.lower())
                return (path, found) if found else None
        return None

    def check(self, method, url, status, headers, body):
        found = self.operation(method, url)
        if found is None:
            return
        path, operation = found
        where = f"{method} {path} answered {status}"
        responses = operation["responses"]
        declared = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX")
        if declared is None:
            raise ContractBroken(f"{where}, which the document does not declare "
                                 f"({', '.join(responses)}): {body[:300]!r}")
        for name, header in (declared.get("headers") or {}).items():
            if header.get("required") and name.lower() not in headers:
                raise ContractBroken(f"{where} without its header {name}")
        content = declared.get("content")
        if not content:
            return
        media = (headers.get("content-type") or "").split(";")[0].strip()
        if media not in content:
            raise ContractBroken(f"{where} as {media or 'no type'}, declared "
                                 f"{', '.join(content)}")
        if media == "application/json":
            pointer = "/".join(_escape(part) for part in (
                "#", "paths", path, method.lower(), "responses",
                str(status) if str(status) in responses else f"{str(status)[0]}XX",
                "content", media, "schema"))
            self._validate(where, json.loads(body or b"null"), pointer)

    def _validate(self, where, data, pointer):
        # The document itself as the root schema, pointing at the response's: its own
        # references (#/components/...) resolve within it.
        validator = Draft202012Validator({**self.document, "$ref": pointer},
                                         format_checker=Draft202012Validator.FORMAT_CHECKER)
        error = next(iter(sorted(validator.iter_errors(data), key=lambda e: e.path)), None)
        if error is not None:
            at = "".join(f"[{p!r}]" for p in error.absolute_path) or "the body"
            raise ContractBroken(f"{where}: {at}: {error.message}")


def _escape(part):
    return part if part == "#" else part.replace("~", "~0").replace("/", "~1")


def contract_of(app):
    """The contract of `app`: its document as GET /api/openapi.json serves it."""
    if id(app) not in _documents:
        document = app.routes["/api/openapi.json"]["GET"].view_function()
        _documents[id(app)] = Contract(json.loads(json.dumps(document)))
    return _documents[id(app)]
