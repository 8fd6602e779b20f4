"""A stand-in that speaks OpenAI's Images API (generations, and edits as multipart) and the
Moderations API, for the real `openai` SDK pointed at it with `base_url`.

It answers with real base64 PNGs, each unique, and remembers which request made which image,
so a test can tell whose reference images an edit request carried. Rules script failures:
`fake.on("edits", contains="Scene text", behaviours=[429, 500, "ok"])` makes the matching
requests answer in that order (then normally): 429 (with `Retry-After: fake.retry_after`, or
`("429", {"retry-after-ms": "1500"})` for headers of one's own), "quota" (the 429 of an
exhausted quota), 500, "timeout" (answers too late), "moderation_blocked", "content_policy"
(the older code of the same refusal), "null_code" (a 400 whose code is null), "bad_image",
or "ok". `images_per_minute=N` answers 429 beyond N images in any 60 s, with the Retry-After
that frees a slot (benchmarks/ratelimit.py).

Like the real API (checked against the SDK's types and docstrings, independently of
chalicelib/core/image_models.py), it refuses a model it does not know, a quality or a size the
model does not take and `input_fidelity` where the model has none, and answers with concrete
`size` and `quality`, and `usage` with its token details.
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
# What each model takes, from openai 3.51.0's ImageModel and the images.edit/generate
# docstrings: (qualities, any WIDTHxHEIGHT?, input_fidelity values).
_BASE, _MORE = ("low", "medium", "high", "auto"), ("low", "medium", "high", "xhigh", "max", "auto")
MODELS = {
    "gpt-image-1-mini": (_BASE, False, ("low",)), "gpt-image-1.5": (_BASE, False, ("high", "low")),
    "chatgpt-image-latest": (_BASE, False, ()), "gpt-image-2": (_BASE, True, ()),
    "gpt-image-2-2026-04-21": (_BASE, True, ()), "gpt-image-2.6-sunburst": (_BASE, False, ()),
    "gpt-image-2.6-flare": (_BASE, False, ()),
    **{f"gpt-image-2.5-{v}{d}": (_MORE, True, ()) for v in ("sunburst", "flare")
       for d in ("", "-2026-09-08")},
}
STANDARD_SIZES = ("1024x1024", "1536x1024", "1024x1536")
OUTPUT_TOKENS = {"low": 272, "medium": 1056, "high": 4160, "xhigh": 6240, "max": 8320}
CATEGORIES = ["harassment", "harassment/threatening", "hate", "hate/threatening", "illicit",
              "illicit/violent", "self-harm", "self-harm/intent", "self-harm/instructions",
              "sexual", "sexual/minors", "violence", "violence/graphic"]


class Call:
    def __init__(self, endpoint, fields, images, headers):
        self.endpoint, self.fields, self.images, self.headers = endpoint, fields, images, headers
        self.usage = None  # the token counts its answer reported, if it drew an image

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
    def __init__(self, flag_words=("FORBIDDEN-TOPIC",), slow_seconds=3.0, retry_after="1",
                 images_per_minute=None, draw_seconds=0.0):
        self.flag_words = [word.lower() for word in flag_words]
        self.slow_seconds = slow_seconds
        self.retry_after = retry_after
        self.images_per_minute, self.draw_seconds = images_per_minute, draw_seconds
        self.served = []  # monotonic times of the images answered (the per-minute limit)
        self.served_all = []  # and all of them, for the benchmark's throughput
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
        refused = _refusal(call)
        with self._lock:
            self.calls.append(call)
            behaviour = "refused" if refused else self._behaviour(call)
            if behaviour == "ok":
                behaviour = self._within_limit()
        if refused:
            return 400, {}, refused
        return self._answer(call, behaviour)

    def _within_limit(self):
        """"ok", or a 429 with the wait until the oldest image of the window leaves it."""
        if self.images_per_minute is None:
            return "ok"
        now = time.monotonic()
        self.served = [t for t in self.served if t > now - 60]
        if len(self.served) >= self.images_per_minute:
            wait = 60 - (now - self.served[0])
            return ("429", {"retry-after-ms": str(max(1, round(wait * 1000)))})
        self.served.append(now)
        self.served_all.append(now)
        return "ok"

    def _behaviour(self, call):
        for rule in self.rules:
            if rule["endpoint"] == call.endpoint and rule["left"] and (
                    rule["contains"] is None or rule["contains"] in call.prompt):
                return rule["left"].pop(0)
        return "ok"

    def _answer(self, call, behaviour):
        if behaviour == 429:
            behaviour = ("429", {"retry-after": self.retry_after})
        if isinstance(behaviour, tuple) and behaviour[0] == "429":
            return 429, dict(behaviour[1]), _error(
                "Rate limit reached for images per minute.", "requests", "rate_limit_exceeded")
        if behaviour == "quota":
            return 429, {}, _error(
                "You exceeded your current quota, please check your plan and billing details.",
                "insufficient_quota", "insufficient_quota")
        if behaviour == "content_policy":
            return 400, {}, _error(
                "Your request was rejected as a result of our safety system.",
                "invalid_request_error", "content_policy_violation")
        if behaviour == "null_code":
            return 400, {}, _error("Invalid request.", "invalid_request_error", None)
        if behaviour == 500:
            return 500, {}, _error("The server had an error while processing your request.",
                                   "server_error", None)
        if behaviour == "moderation_blocked":
            return 400, {}, _error(
                "Your request was rejected by the safety system. safety_violations=[violence].",
                "image_generation_user_error", "moderation_blocked")
        if behaviour == "timeout":
            time.sleep(self.slow_seconds)
        if self.draw_seconds:
            time.sleep(self.draw_seconds)
        if behaviour == "bad_image":
            data = base64.b64encode(b"this is not a picture").decode()
        else:
            png = self._new_png()
            with self._lock:
                self.made[png] = call
            data = base64.b64encode(png).decode()
        size = call.fields.get("size") or "auto"
        size = "1024x1024" if size == "auto" else size
        quality = call.fields.get("quality") or "auto"
        quality = "medium" if quality == "auto" else quality
        width, _, height = size.partition("x")
        output = round(OUTPUT_TOKENS[quality] * int(width) * int(height) / (1024 * 1024))
        text = max(1, len(call.prompt) // 4)
        image = 323 * len(call.images)
        call.usage = {"text": text, "image": image, "output": output}
        return 200, {}, {
            "created": int(time.time()), "data": [{"b64_json": data}], "output_format": "png",
            "quality": quality, "size": size,
            "usage": {"input_tokens": text + image, "output_tokens": output,
                      "total_tokens": text + image + output,
                      "input_tokens_details": {"image_tokens": image, "text_tokens": text},
                      "output_tokens_details": {"image_tokens": output, "text_tokens": 0}}}

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


def _refusal(call):
    """The 400 body the real API sends for a field this model does not take, or None."""
    fields = call.fields
    model = fields.get("model") or "gpt-image-2"
    if model not in MODELS:
        return _invalid("model", f"Invalid value: '{model}'. Supported values are: "
                        + ", ".join(f"'{m}'" for m in MODELS) + ".")
    qualities, arbitrary, fidelity = MODELS[model]
    quality = fields.get("quality")
    if quality is not None and quality not in qualities:
        return _invalid("quality", f"Invalid value: '{quality}'. Supported values are: "
                        + ", ".join(f"'{q}'" for q in qualities) + ".")
    size = fields.get("size")
    if size is not None and size != "auto" and not _size_ok(size, arbitrary):
        return _invalid("size", f"Invalid size '{size}' for model '{model}'.")
    if "input_fidelity" in fields and fields["input_fidelity"] not in fidelity:
        return _invalid("input_fidelity",
                        f"input_fidelity '{fields['input_fidelity']}' is not supported "
                        f"with model '{model}'.")
    return None


def _size_ok(size, arbitrary):
    if size in STANDARD_SIZES:
        return True
    width, _, height = size.partition("x")
    if not arbitrary or not (width.isdigit() and height.isdigit()):
        return False
    w, h = int(width), int(height)
    return (w and h and w % 16 == 0 and h % 16 == 0 and 1 / 3 <= w / h <= 3
            and max(w, h) <= 3840 and w * h <= 3840 * 2160)


def _invalid(param, message):
    return {"error": {"message": message, "type": "invalid_request_error", "param": param,
                      "code": "invalid_value"}}


def _error(message, kind, code):
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}
