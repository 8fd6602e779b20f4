"""A stand-in that speaks OpenAI's Images API (generations, and edits as multipart), the
Moderations API and the Responses API (`POST /v1/responses`, with Structured Outputs), for the
real `openai` SDK pointed at it with `base_url`.

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

For `responses`, a behaviour may also be "refusal" (the model declines, as a `refusal` content
part), "content_filter" (an incomplete response), a dict (the JSON the model answers) or
"text:..." (that raw text). "ok" answers a small valid cartoon draft made from the request's
idea, or, to a look at a panel (format `panel_look`), every character the schema names, side by
side (`sample_look`); a look that goes wrong is scripted as a dict (a box outside the picture,
a name not in the cast), "text:..." (malformed) or "refusal". Like the real API, it refuses a
`json_schema` format in strict mode that breaks one of Structured Outputs' documented rules
(structured_outputs.py).

Before any of that, every request is checked against the parts of OpenAI's published OpenAPI
document the project uses (local/provider_specs, with what the SDK shows newer declared in
newer.json): an unknown parameter, a missing one, a wrong type, a value outside an enum or a
range gets OpenAI's 400 `invalid_request_error`, naming the parameter.
"""

import base64
import email.parser
import email.policy
import io
import itertools
import json
import threading
import time
import uuid

from PIL import Image

from devtools.fakes.http import FakeServer, ServedFake
from devtools.fakes.structured_outputs import strict_problem
from local import provider_specs

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
        if self.endpoint == "responses":
            return "\n".join(_texts(self.fields.get("input")))
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


class FakeOpenAI(ServedFake):
    def __init__(self, flag_words=("FORBIDDEN-TOPIC",), slow_seconds=3.0, retry_after="1",
                 images_per_minute=None, draw_seconds=0.0, flags_image=None):
        self.flag_words = [word.lower() for word in flag_words]
        # Pictures sent to the moderations endpoint (`image_url` inputs, as data URLs) pass
        # unless this predicate on their decoded bytes says otherwise.
        self.flags_image = flags_image
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
        if request.method != "POST" or path not in ENDPOINTS:
            return 404, {}, _error("Not found", "invalid_request_error", None)
        if path == "/v1/images/edits":
            fields, files = parse_multipart(request.headers.get("content-type", ""),
                                            request.body)
            refused = _spec_refusal(path, _multipart_body(fields, files),
                                    "multipart/form-data")
            body = fields
        else:
            body, refused = _json_body(request)
            refused = refused or _spec_refusal(path, body)
        if refused:
            return 400, {}, refused
        if path == "/v1/moderations":
            return self._moderations(request, body)
        if path == "/v1/responses":
            return self._responses(request, body)
        if path == "/v1/images/generations":
            call = Call("generations", body, [], request.headers)
        else:
            call = Call("edits", fields, [f for f in files if f[0] in ("image", "image[]")],
                        request.headers)
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

    def _moderations(self, request, body):
        inputs = body.get("input")
        inputs = [inputs] if isinstance(inputs, str) else list(inputs or [])
        call = Call("moderations", {"input": inputs, "model": body.get("model")}, [],
                    request.headers)
        with self._lock:
            self.calls.append(call)
            behaviour = self._behaviour(call)
        if behaviour != "ok":
            return self._answer(call, behaviour)
        parts = [item for item in inputs if isinstance(item, dict)]
        texts = [item for item in inputs if not isinstance(item, dict)] + [
            item["text"] for item in parts if item.get("type") == "text"]
        pictures = [_data_url_bytes(item["image_url"]["url"]) for item in parts
                    if item.get("type") == "image_url"]
        flags = [any(word in str(text).lower() for word in self.flag_words) for text in texts]
        flags += [bool(self.flags_image and self.flags_image(data)) for data in pictures]
        kinds = ["text"] * len(texts) + ["image"] * len(pictures)
        if parts:
            # a multi-modal input is one thing moderated: one result for all its parts
            flags, kinds = [any(flags)], [kinds[-1] if kinds else "text"]
        results = []
        for flagged, kind in zip(flags, kinds, strict=True):
            categories = {name: flagged and name == "violence" for name in CATEGORIES}
            results.append({
                "flagged": flagged, "categories": categories,
                "category_scores": {name: 0.9 if value else 0.001
                                    for name, value in categories.items()},
                "category_applied_input_types": {name: [kind] for name in CATEGORIES}})
        return 200, {}, {"id": f"modr-{uuid.uuid4().hex[:12]}",
                         "model": body.get("model") or "omni-moderation-latest",
                         "results": results}


    # --- the Responses API --------------------------------------------------------------------

    def _responses(self, request, body):
        problem = _responses_problem(body)
        if problem:
            return 400, {}, {"error": {"message": problem[0], "type": "invalid_request_error",
                                       "param": problem[1], "code": problem[2]}}
        call = Call("responses", body, [], request.headers)
        with self._lock:
            self.calls.append(call)
            behaviour = self._behaviour(call)
        if behaviour in (429, 500):
            return self._answer(call, behaviour)
        if behaviour == "timeout":
            time.sleep(self.slow_seconds)
        status, details = "completed", None
        if behaviour == "refusal":
            content = [{"type": "refusal",
                        "refusal": "I'm sorry, but I can't help with that request."}]
        elif behaviour == "content_filter":
            status, details = "incomplete", {"reason": "content_filter"}
            content = [{"type": "output_text", "text": "{\"title\": ", "annotations": [],
                        "logprobs": []}]
        else:
            if isinstance(behaviour, dict):
                text = json.dumps(behaviour)
            elif isinstance(behaviour, str) and behaviour.startswith("text:"):
                text = behaviour[5:]
            elif _format(body).get("name") == "panel_look":
                text = json.dumps(sample_look(_format(body).get("schema") or {}))
            else:
                text = json.dumps(sample_draft(call.prompt, _format(body).get("schema") or {}))
            content = [{"type": "output_text", "text": text, "annotations": [], "logprobs": []}]
        usage_in = 400 + len(call.prompt) // 4
        return 200, {}, {
            "id": f"resp_{uuid.uuid4().hex}", "object": "response",
            "created_at": int(time.time()), "status": status, "background": False,
            "error": None, "incomplete_details": details,
            "instructions": body.get("instructions"),
            "max_output_tokens": body.get("max_output_tokens"), "model": body["model"],
            "output": [
                {"id": f"rs_{uuid.uuid4().hex}", "type": "reasoning", "summary": []},
                {"id": f"msg_{uuid.uuid4().hex}", "type": "message", "status": status,
                 "role": "assistant", "content": content}],
            "parallel_tool_calls": True, "previous_response_id": None,
            "reasoning": {"effort": (body.get("reasoning") or {}).get("effort"),
                          "summary": None},
            "store": body.get("store", True), "temperature": 1.0,
            "text": body.get("text") or {"format": {"type": "text"}},
            "tool_choice": "auto", "tools": [], "top_p": 1.0, "truncation": "disabled",
            "usage": {"input_tokens": usage_in,
                      "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
                      "output_tokens": 900,
                      "output_tokens_details": {"reasoning_tokens": 320},
                      "total_tokens": usage_in + 900},
            "user": None, "metadata": {}}


def _data_url_bytes(url):
    """The bytes of a base64 data URL (what the project sends); a remote URL is not fetched."""
    head, _, data = str(url).partition(",")
    if not head.startswith("data:") or ";base64" not in head:
        return b""
    return base64.b64decode(data)


def _texts(value):
    """The text of a Responses `input`: a string, or messages with string or part contents."""
    if isinstance(value, str):
        return [value]
    out = []
    for item in value or []:
        content = item.get("content") if isinstance(item, dict) else None
        if isinstance(content, str):
            out.append(content)
        elif isinstance(content, list):
            out += [part.get("text", "") for part in content if isinstance(part, dict)]
    return out


def _format(body):
    return ((body.get("text") or {}).get("format")) or {}


def _responses_problem(body):
    """(message, param, code) of what the real endpoint refuses in a body its OpenAPI document
    allows: a strict `json_schema` format that breaks a Structured Outputs rule."""
    form = _format(body)
    if form.get("type") == "json_schema" and form.get("strict"):
        problem = strict_problem(form["schema"])
        if problem:
            return (f"Invalid schema for response_format '{form['name']}': In context="
                    f"{problem[0]}, {problem[1]}", "text.format.schema", "invalid_json_schema")
    return None


def sample_look(schema):
    """What a helpful model answers to the look schema (adapters/look.py): every character the
    schema names, standing side by side in a row, heads in the middle band, and the sky above
    them empty."""
    figure = schema["properties"]["figures"]["items"]["properties"]
    names = figure["name"]["enum"]
    found = []
    for i, name in enumerate(names):
        centre = (2 * i + 1) / (2 * len(names))
        found.append({"name": name,
                      "head": {"left": round(centre - 0.08, 4), "top": 0.45,
                               "right": round(centre + 0.08, 4), "bottom": 0.6},
                      "mouth": {"x": round(centre, 4), "y": 0.56}})
    return {"figures": found,
            "empty": [{"left": 0.0, "top": 0.0, "right": 1.0, "bottom": 0.4}]}


def sample_draft(prompt, schema):
    """What a helpful model answers to the drafting schema: a small cartoon about the idea, in
    the strict shape (staging as key/value pairs), with as many scenes as the schema demands."""
    idea = prompt.split("\n", 1)[0].removeprefix("The idea: ").strip() or "an idea"
    scenes_schema = (schema.get("properties") or {}).get("scenes") or {}
    count = scenes_schema.get("minItems") or 3
    if scenes_schema.get("maxItems") != count:
        count = 4
    words = idea.split()
    scenes = []
    for i in range(count):
        scenes.append({
            "action": f"Panel {i + 1}: Mara and Tom deal with {' '.join(words[:6])}.",
            "characters": ["Mara", "Tom"],
            "staging": [{"key": "Mara", "value": "left"}, {"key": "Tom", "value": "right"}],
            "elements": [
                {"kind": "caption", "text": f"Part {i + 1}.", "speaker": None},
                {"kind": "speech", "text": f"Look, {words[0] if words else 'this'}!",
                 "speaker": "Mara"},
                {"kind": "speech", "text": "I see it.", "speaker": "Tom"}]})
    return {"title": " ".join(words[:6])[:120] or "A draft",
            "context": f"{idea[:900]}. A sunny afternoon, gentle humour.",
            "style": "a classic newspaper comic strip", "layout": "auto",
            "characters": [
                {"name": "Mara", "description": "A tall woman with a red bob and a blue coat."},
                {"name": "Tom", "description": "A small boy with freckles and a green cap."}],
            "scenes": scenes}
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


ENDPOINTS = {"/v1/images/generations": "POST /images/generations",
             "/v1/images/edits": "POST /images/edits", "/v1/moderations": "POST /moderations",
             "/v1/responses": "POST /responses"}
# What OpenAI answers for each kind of problem the document finds (the parameter in quotes).
_SPEC_ERRORS = {
    "unknown": ("Unknown parameter: '{param}'.", "unknown_parameter"),
    "missing": ("Missing required parameter: '{param}'.", "missing_required_parameter"),
    "type": ("Invalid type for '{param}': {detail}.", "invalid_type"),
    "value": ("Invalid value for '{param}': {detail}.", "invalid_value"),
}


def _json_body(request):
    """(the JSON object sent, None) or (None, the 400 OpenAI answers a body that is not one)."""
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return None, _error("We could not parse the JSON body of your request. (HINT: This "
                            "likely means you aren't using your HTTP library correctly.)",
                            "invalid_request_error", None)
    return body, None


def _multipart_body(fields, files):
    """A multipart request as the document's schema sees it: fields typed by the schema, each
    file a string (`image[]` repeated is the array form of `image`)."""
    body, named = dict(fields), {}
    for name, *_ in files:
        named.setdefault(name.removesuffix("[]"), []).append(name)
    for name, sent in named.items():
        body[name] = ["<file>"] * len(sent) if len(sent) > 1 or sent[0].endswith("[]") \
            else "<file>"
    schema = provider_specs.body_schema("openai", ENDPOINTS["/v1/images/edits"],
                                        "multipart/form-data")
    return provider_specs.coerce("openai", body, schema)


def _spec_refusal(path, body, content_type="application/json"):
    """OpenAI's 400 for what its published document refuses in the body, or None."""
    found = provider_specs.problem("openai", ENDPOINTS[path], body, content_type)
    if found is None:
        return None
    param = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in found.where)
    message, code = _SPEC_ERRORS[found.kind]
    return {"error": {"message": message.format(param=param.lstrip("."), detail=found.message),
                      "type": "invalid_request_error", "param": param.lstrip(".") or None,
                      "code": code}}


def _invalid(param, message):
    return {"error": {"message": message, "type": "invalid_request_error", "param": param,
                      "code": "invalid_value"}}


def _error(message, kind, code):
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}
