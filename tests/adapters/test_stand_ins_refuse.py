"""The stand-ins refuse, with the provider's own status and error shape, what the providers'
published OpenAPI documents (local/provider_specs) and Structured Outputs' documented rules
refuse: each case the stand-ins used to accept, sent with plain HTTP, no SDK in between."""

import json
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest

from devtools.fakes import openai_api, resend_api
from devtools.fakes.openai_api import FakeOpenAI
from devtools.fakes.stripe_api import API_KEY as STRIPE_KEY
from devtools.fakes.stripe_api import FakeStripe

IMAGE = {"model": "gpt-image-2", "prompt": "A cat", "size": "1024x1024", "quality": "low", "n": 1}


def send(url, body, *, key, content_type="application/json"):
    """(status, JSON answer) of a POST; never an exception for an HTTP error status."""
    data = body if isinstance(body, bytes) else (
        json.dumps(body).encode() if content_type == "application/json" else body.encode())
    request = urllib.request.Request(url, data=data, method="POST", headers={
        "Authorization": f"Bearer {key}", "Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def get(url, *, key):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture(scope="module")
def openai_url():
    with FakeOpenAI() as fake:
        yield fake.base_url


def assert_openai_refusal(answer, param, code):
    status, body = answer
    assert status == 400, body
    assert set(body) == {"error"}
    assert set(body["error"]) == {"message", "type", "param", "code"}
    assert body["error"]["type"] == "invalid_request_error"
    assert (body["error"]["param"], body["error"]["code"]) == (param, code), body


def test_a_valid_generation_is_still_drawn(openai_url):
    status, body = send(f"{openai_url}/images/generations", IMAGE, key=openai_api.API_KEY)
    assert status == 200, body
    assert body["data"][0]["b64_json"]


@pytest.mark.parametrize(("change", "param", "code"), [
    ({"prompt": None}, "prompt", "missing_required_parameter"),
    ({"n": 0}, "n", "invalid_value"),
    ({"n": 11}, "n", "invalid_value"),
    ({"colour": "red"}, "colour", "unknown_parameter"),
    ({"output_format": "bmp"}, "output_format", "invalid_value"),
    ({"quality": "xhigh"}, "quality", "invalid_value"),  # gpt-image-2 has no xhigh
    ({"prompt": 42}, "prompt", "invalid_type"),
])
def test_an_image_generation_the_api_refuses_is_a_400(openai_url, change, param, code):
    body = {k: v for k, v in {**IMAGE, **change}.items() if v is not None}
    assert_openai_refusal(send(f"{openai_url}/images/generations", body,
                               key=openai_api.API_KEY), param, code)


def test_an_unknown_field_in_an_edit_is_a_400(openai_url):
    boundary = "b0undary"
    parts = [("prompt", "A cat"), ("model", "gpt-image-2"), ("n", "1"), ("colour", "red")]
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        .encode() for name, value in parts)
    body += (f'--{boundary}\r\nContent-Disposition: form-data; name="image[]"; '
             f'filename="a.png"\r\nContent-Type: image/png\r\n\r\n').encode()
    body += b"\x89PNG\r\n" + f"\r\n--{boundary}--\r\n".encode()
    answer = send(f"{openai_url}/images/edits", body, key=openai_api.API_KEY,
                  content_type=f"multipart/form-data; boundary={boundary}")
    assert_openai_refusal(answer, "colour", "unknown_parameter")


@pytest.mark.parametrize(("body", "param", "code"), [
    ({"model": "omni-moderation-latest"}, "input", "missing_required_parameter"),
    ({"model": "omni-moderation-latest", "input": 5}, "input", "invalid_value"),
])
def test_a_moderation_the_api_refuses_is_a_400(openai_url, body, param, code):
    assert_openai_refusal(send(f"{openai_url}/moderations", body, key=openai_api.API_KEY),
                          param, code)


def strict(schema):
    return {"model": "gpt-5.4-mini-2026-03-17", "input": "An idea", "store": False,
            "text": {"format": {"type": "json_schema", "name": "draft", "strict": True,
                                "schema": schema}}}


def closed(properties):
    return {"type": "object", "properties": properties, "required": list(properties),
            "additionalProperties": False}


def nested(depth):
    schema = closed({"leaf": {"type": "string"}})
    for _ in range(depth - 1):
        schema = closed({"inner": schema})
    return schema


def test_the_limits_themselves_are_accepted(openai_url):
    status, body = send(f"{openai_url}/responses", strict(nested(10)), key=openai_api.API_KEY)
    assert status == 200, body
    many = closed({f"p{i}": {"type": "string"} for i in range(5000)})
    status, body = send(f"{openai_url}/responses", strict(many), key=openai_api.API_KEY)
    assert status == 200, body


@pytest.mark.parametrize("schema", [
    nested(12),
    closed({f"p{i}": {"type": "string"} for i in range(5001)}),
    {"anyOf": [closed({"a": {"type": "string"}}), closed({"b": {"type": "string"}})]},
    {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
    closed({"when": {"type": "string", "format": "banana"}}),
], ids=["nested-12", "5001-properties", "anyOf-root", "open-object", "format-banana"])
def test_a_strict_schema_structured_outputs_refuses_is_a_400(openai_url, schema):
    assert_openai_refusal(send(f"{openai_url}/responses", strict(schema),
                               key=openai_api.API_KEY),
                          "text.format.schema", "invalid_json_schema")


def test_a_responses_parameter_of_the_wrong_type_is_a_400(openai_url):
    body = {**strict(nested(2)), "max_output_tokens": "many"}
    assert_openai_refusal(send(f"{openai_url}/responses", body, key=openai_api.API_KEY),
                          "max_output_tokens", "invalid_value")


def test_responses_parameters_the_document_defines_are_accepted(openai_url):
    body = {**strict(nested(2)), "prompt_cache_retention": "24h", "top_logprobs": 2,
            "stream_options": None, "moderation": None}
    status, answer = send(f"{openai_url}/responses", body, key=openai_api.API_KEY)
    assert status == 200, answer


# --- Stripe -------------------------------------------------------------------------------

SESSION = {"mode": "payment", "success_url": "https://x.test/ok", "cancel_url": "https://x.test/no",
           "client_reference_id": "a" * 32, "line_items[0][quantity]": "1",
           "line_items[0][price_data][currency]": "eur",
           "line_items[0][price_data][unit_amount]": "500",
           "line_items[0][price_data][product_data][name]": "Credits",
           "adaptive_pricing[enabled]": "false", "metadata[pack]": "small"}


@pytest.fixture(scope="module")
def stripe_url():
    with FakeStripe() as fake:
        yield fake.url


def create(stripe_url, change):
    fields = {k: v for k, v in {**SESSION, **change}.items() if v is not None}
    return send(f"{stripe_url}/v1/checkout/sessions", urlencode(fields), key=STRIPE_KEY,
                content_type="application/x-www-form-urlencoded")


def test_a_valid_session_and_setup_mode_are_accepted(stripe_url):
    status, body = create(stripe_url, {})
    assert status == 200, body
    assert body["adaptive_pricing"] == {"enabled": False}
    setup = {k: None for k in SESSION if k.startswith("line_items")}
    status, body = create(stripe_url, {**setup, "mode": "setup"})
    assert status == 200, body


@pytest.mark.parametrize(("change", "param", "code"), [
    ({"colour": "red"}, "colour", "parameter_unknown"),
    ({"line_items[0][price_data][colour]": "red"}, "line_items[0][price_data][colour]",
     "parameter_unknown"),
    ({"line_items[0][price_data][product_data][colour]": "red"},
     "line_items[0][price_data][product_data][colour]", "parameter_unknown"),
    ({"client_reference_id": "a" * 201}, "client_reference_id", None),
    ({"adaptive_pricing[enabled]": "maybe"}, "adaptive_pricing[enabled]",
     "parameter_invalid_boolean"),
    ({"line_items[0][price_data][product_data][name]": None,
      "line_items[0][price_data][product_data][description]": "10 credits"},
     "line_items[0][price_data][product_data][name]", "parameter_missing"),
    ({"line_items[0][price_data][unit_amount]": "abc"},
     "line_items[0][price_data][unit_amount]", "parameter_invalid_integer"),
], ids=["unknown", "unknown-nested", "unknown-deep", "long-reference", "boolean",
        "no-name", "not-an-integer"])
def test_a_session_stripe_refuses_is_a_400(stripe_url, change, param, code):
    status, body = create(stripe_url, change)
    assert status == 400, body
    assert body["error"]["type"] == "invalid_request_error"
    assert set(body["error"]) == {"type", "message", "code", "param"}
    assert (body["error"]["param"], body["error"]["code"]) == (param, code), body


def test_a_session_id_longer_than_stripes_path_takes_is_a_400(stripe_url):
    status, body = get(f"{stripe_url}/v1/checkout/sessions/cs_{'a' * 64}", key=STRIPE_KEY)
    assert status == 400, body
    assert body["error"]["param"] == "session"
    status, body = get(f"{stripe_url}/v1/checkout/sessions/cs_{'a' * 63}", key=STRIPE_KEY)
    assert status == 404, body  # the longest id Stripe takes: unknown, not refused


# --- Resend -------------------------------------------------------------------------------

MAIL = {"from": "Caaartoons <signin@cartoons.example>", "to": ["ada@example.com"],
        "subject": "Your link", "text": "Open it", "html": "<p>Open it</p>"}


@pytest.fixture(scope="module")
def resend_url():
    with resend_api.resend_server() as server:
        yield server.url


def test_a_valid_mail_is_sent(resend_url):
    status, body = send(f"{resend_url}/emails", MAIL, key=resend_api.API_KEY)
    assert status == 200, body


@pytest.mark.parametrize(("change", "name"), [
    ({"to": 5}, "validation_error"),
    ({"to": [f"p{i}@example.com" for i in range(51)]}, "validation_error"),
    ({"subject": 5}, "validation_error"),
    ({"colour": "red"}, "validation_error"),
    ({"subject": None}, "missing_required_field"),
], ids=["to-number", "51-recipients", "subject-number", "unknown", "no-subject"])
def test_a_mail_resend_refuses_is_a_422(resend_url, change, name):
    body = {k: v for k, v in {**MAIL, **change}.items() if v is not None}
    status, answer = send(f"{resend_url}/emails", body, key=resend_api.API_KEY)
    assert status == 422, answer
    assert answer["statusCode"] == 422 and answer["name"] == name
    assert set(answer) == {"statusCode", "name", "message"}


@pytest.mark.parametrize("url_of", ["openai", "stripe", "resend"])
def test_a_body_that_is_not_json_is_answered_not_dropped(openai_url, stripe_url, resend_url,
                                                         url_of):
    url = {"openai": f"{openai_url}/images/generations",
           "stripe": f"{stripe_url}/v1/checkout/sessions", "resend": f"{resend_url}/emails"}
    key = {"openai": openai_api.API_KEY, "stripe": STRIPE_KEY, "resend": resend_api.API_KEY}
    status, body = send(url[url_of], b"{not json", key=key[url_of],
                        content_type="application/x-www-form-urlencoded"
                        if url_of == "stripe" else "application/json")
    assert status in (400, 422), body
