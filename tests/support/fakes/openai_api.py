"""A stand-in that speaks OpenAI's Images API (generations, and edits as multipart) and the
Moderations API, for the real `openai` SDK pointed at it with `base_url`.

It answers with real base64 PNGs, each unique, and remembers which request made which image,
so a test can tell whose reference images an edit request carried. Rules script failures:
`fake.on("edits", contains="Scene text", behaviours=[429, 500, "ok"])` makes the matching
requests answer in that order (then normally): 429, 500, "timeout" (answers too late),
"moderation_blocked", "bad_image", or "ok".
"""

import base64
import email.parser
import email.policy
import io
import itertools
import threading
import time
import uuid

from PIL import Image

from tests.support.fakes.http import FakeServer

API_KEY = "sk-test-local-openai-key"
CATEGORIES = ["harassment", "harassment/threatening", "hate", "hate/threatening", "illicit",
              "illicit/violent", "self-harm", "self-harm/intent", "self-harm/instructions",
              "sexual", "sexual/minors", "violence", "violence/graphic"]


class Call:
    def __init__(self, endpoint, fields, images, headers):
        self.endpoint, self.fields, self.images, self.headers = endpoint, fields, images, headers

    @property
    def prompt(self):
        return self.fields.get("prompt", "")


def parse_multipart(content_type, body):
    """(fields, files) of a multipart/form-data body; repeated names keep every file."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    fields, files = {}, []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if part.get_filename() is not None:
            files.append((name, part.get_filename(), part.get_content_type(), payload))
        else:
            fields[name] = payload.decode()
    return fields, files


class FakeOpenAI:
    def __init__(self, flag_words=("FORBIDDEN-TOPIC",), slow_seconds=3.0):
        self.flag_words = [word.lower() for word in flag_words]
        self.slow_seconds = slow_seconds
        self.calls = []
        self.made = {}  # png bytes -> the Call that produced them
        self.rules = []
        self._lock = threading.Lock()
        self._colours = itertools.count(1)
        self.server = FakeServer(self.route)

    def __enter__(self):
        self.server.__enter__()
        self.url = self.server.url
        return self

    def __exit__(self, *exc):
        self.server.__exit__(*exc)

    @property
    def base_url(self):
        return f"{self.url}/v1"

    def on(self, endpoint, *, contains=None, behaviours):
        self.rules.append({"endpoint": endpoint, "contains": contains,
                           "left": list(behaviours)})

    def calls_to(self, endpoint):
        return [call for call in self.calls if call.endpoint == endpoint]

    def origin(self, png):
        """The request whose answer was these PNG bytes (None if it never answered them)."""
        return self.made.get(png)

    # --- the HTTP side ---------------------------------------------------------------------

    def route(self, request):
        request.headers = {name.lower(): value for name, value in request.headers.items()}
        if request.headers.get("authorization") != f"Bearer {API_KEY}":
            return 401, {}, _error("Incorrect API key provided.", "invalid_request_error",
                                   "invalid_api_key")
        path = request.path.split("?", 1)[0]
        if request.method == "POST" and path == "/v1/moderations":
            return self._moderations(request)
        if request.method == "POST" and path == "/v1/images/generations":
            call = Call("generations", request.json or {}, [], request.headers)
        elif request.method == "POST" and path == "/v1/images/edits":
            fields, files = parse_multipart(request.headers.get("content-type", ""),
                                            request.body)
            if not files:
                return 400, {}, _error("image is required", "invalid_request_error", None)
            call = Call("edits", fields, [f for f in files if f[0] in ("image", "image[]")],
                        request.headers)
        else:
            return 404, {}, _error("Not found", "invalid_request_error", None)
        with self._lock:
            self.calls.append(call)
            behaviour = self._behaviour(call)
        return self._answer(call, behaviour)

    def _behaviour(self, call):
        for rule in self.rules:
            if rule["endpoint"] == call.endpoint and rule["left"] and (
                    rule["contains"] is None or rule["contains"] in call.prompt):
                return rule["left"].pop(0)
        return "ok"

    def _answer(self, call, behaviour):
        if behaviour == 429:
            return 429, {}, _error("Rate limit reached for images per minute.", "requests",
                                   "rate_limit_exceeded")
        if behaviour == 500:
            return 500, {}, _error("The server had an error while processing your request.",
                                   "server_error", None)
        if behaviour == "moderation_blocked":
            return 400, {}, _error(
                "Your request was rejected by the safety system. safety_violations=[violence].",
                "image_generation_user_error", "moderation_blocked")
        if behaviour == "timeout":
            time.sleep(self.slow_seconds)
        if behaviour == "bad_image":
            data = base64.b64encode(b"this is not a picture").decode()
        else:
            png = self._new_png()
            with self._lock:
                self.made[png] = call
            data = base64.b64encode(png).decode()
        size = call.fields.get("size", "1024x1024")
        return 200, {}, {
            "created": int(time.time()), "data": [{"b64_json": data}], "output_format": "png",
            "quality": call.fields.get("quality", "low"), "size": size,
            "usage": {"input_tokens": 50, "output_tokens": 272, "total_tokens": 322,
                      "input_tokens_details": {"image_tokens": 0, "text_tokens": 50}}}

    def _new_png(self):
        with self._lock:
            n = next(self._colours)
        image = Image.new("RGB", (96, 96), ((n * 53) % 256, (n * 97) % 256, (n * 31) % 256))
        image.putpixel((0, 0), (n % 256, n // 256 % 256, 7))  # unique even if colours repeat
        out = io.BytesIO()
        image.save(out, "PNG")
        return out.getvalue()

    def _moderations(self, request):
        body = request.json or {}
        inputs = body.get("input")
        inputs = [inputs] if isinstance(inputs, str) else list(inputs or [])
        call = Call("moderations", {"input": inputs, "model": body.get("model")}, [],
                    request.headers)
        with self._lock:
            self.calls.append(call)
            behaviour = self._behaviour(call)
        if behaviour != "ok":
            return self._answer(call, behaviour)
        results = []
        for text in inputs:
            flagged = any(word in str(text).lower() for word in self.flag_words)
            categories = {name: flagged and name == "violence" for name in CATEGORIES}
            results.append({
                "flagged": flagged, "categories": categories,
                "category_scores": {name: 0.9 if value else 0.001
                                    for name, value in categories.items()},
                "category_applied_input_types": {name: ["text"] for name in CATEGORIES}})
        return 200, {}, {"id": f"modr-{uuid.uuid4().hex[:12]}",
                         "model": body.get("model") or "omni-moderation-latest",
                         "results": results}


def _error(message, kind, code):
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}
