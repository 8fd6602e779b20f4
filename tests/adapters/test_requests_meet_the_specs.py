"""Every request the project sends to OpenAI and Resend (for Stripe: tests/money/
test_stripe_requests_meet_the_spec.py), driven through the adapters for every quality, size,
layout and path and captured where it reaches the stand-ins, validates against the vendored
parts of the providers' published OpenAPI documents (local/provider_specs), checked here
directly rather than through the stand-ins; and the drafting schema meets every documented
Structured Outputs rule."""

import dataclasses
import json
import time

import pytest
import resend

from chalicelib.adapters import drafting as drafting_adapter
from chalicelib.adapters import images, moderation
from chalicelib.adapters.mail import ResendMailer
from chalicelib.cartoons import specs
from chalicelib.cartoons.drafting import draft_schema
from chalicelib.comic import layouts
from chalicelib.core import image_models
from chalicelib.core.settings import get_settings
from devtools.fakes import openai_api, resend_api
from devtools.fakes.structured_outputs import strict_problem
from local import provider_specs
from tests.support.openai_stand_in import use_openai

USER = "0123456789abcdef0123456789abcdef"
CAST = (images.Character("Mara", "A tall woman with a red bob."),
        images.Character("Tom", "A small boy with a green cap."))


def every_size():
    return sorted({size for template in layouts.TEMPLATES
                   for count in range(1, layouts.MAX_SCENES + 1)
                   for size in layouts.drawing_sizes(template, count)})


def scene(quality, size, *, references=(), previous=None):
    return images.SceneRequest(
        number=1, action="Mara waves at Tom.", characters=CAST[:len(references)],
        references=tuple(references), style_prompt="a newspaper strip", context="A park.",
        quality=quality, user=USER, staging={"Mara": "left", "Tom": "right"}, size=size,
        previous=previous, note="Brighter." if previous else "")


def reference(size):
    return images.ReferenceRequest(character=CAST[0], style_prompt="a newspaper strip",
                                   context="A park.", quality="low", user=USER, size=size)


def sent_to_openai(fake):
    """(operation, body, content type) of every request that reached the stand-in."""
    for request in fake.server.requests:
        path = request.path.split("?", 1)[0]
        if path == "/v1/images/edits":
            headers = {k.lower(): v for k, v in request.headers.items()}
            fields, files = openai_api.parse_multipart(headers["content-type"], request.body)
            yield (openai_api.ENDPOINTS[path], openai_api._multipart_body(fields, files),
                   "multipart/form-data")
        else:
            yield openai_api.ENDPOINTS[path], json.loads(request.body), "application/json"


def assert_valid(sent):
    assert sent, "nothing was sent"
    for operation, body, content_type in sent:
        assert provider_specs.problem("openai", operation, body, content_type) is None, (
            operation, body)


def test_every_image_request_for_every_quality_size_layout_and_path(openai_fake, monkeypatch):
    provider = use_openai(monkeypatch, openai_fake)
    deadline = time.monotonic() + 600
    first = provider.reference(reference(specs.REFERENCE_SIZE), deadline)
    provider.reference(reference(None), deadline)
    for quality in get_settings().scene_models:
        for size in every_size():
            provider.scene(scene(quality, size), deadline)  # nobody in it: a generation
            provider.scene(scene(quality, size, references=(first, first)), deadline)  # edit
            provider.scene(scene(quality, size, references=(first,), previous=first),
                           deadline)  # a redraw edits the panel shown
    sent = list(sent_to_openai(openai_fake))
    assert {operation for operation, *_ in sent} == {"POST /images/generations",
                                                     "POST /images/edits"}
    assert len(sent) == 2 + 3 * len(get_settings().scene_models) * len(every_size())
    assert_valid(sent)


@pytest.mark.parametrize("model", sorted(image_models.MODELS))
def test_every_model_and_quality_the_settings_accept(openai_fake, monkeypatch, model):
    """Any model and quality SCENE_MODELS may name (the 2.5 snapshots' xhigh and max, their
    arbitrary sizes: newer.json) is a request the document, so extended, allows."""
    provider = use_openai(monkeypatch, openai_fake)
    accepted = image_models.get(model)
    size = (1504, 736) if accepted.arbitrary_sizes else (1536, 1024)
    provider.scene_models = {q: (model, q) for q in accepted.qualities}
    deadline = time.monotonic() + 600
    picture = provider.reference(reference(None), deadline)
    for quality in accepted.qualities:
        provider.scene(scene(quality, size), deadline)
        provider.scene(scene(quality, size, references=(picture,)), deadline)
    assert_valid(list(sent_to_openai(openai_fake)))


def test_moderation_and_every_drafting_request(openai_fake, monkeypatch):
    use_openai(monkeypatch, openai_fake)
    assert moderation.get_moderator().flagged(["An idea", "A style"]) == []
    drafter = drafting_adapter.get_drafter()
    for scenes in (None, 1, 6, 12):
        request = drafting_adapter.DraftRequest(idea="A cat learns to fly", scenes=scenes,
                                                schema=draft_schema(scenes), user=USER)
        drafter.draft(request)
        drafter.draft(dataclasses.replace(request, previous='{"title": ""}',
                                          problem="The title is empty."))
    drafter.draft(drafting_adapter.DraftRequest(idea="No account", schema=draft_schema()))
    sent = list(sent_to_openai(openai_fake))
    assert [operation for operation, *_ in sent].count("POST /responses") == 9
    assert_valid(sent)
    for operation, body, _ in sent:
        if operation == "POST /responses":
            assert strict_problem(body["text"]["format"]["schema"]) is None


def test_the_sign_in_mail(monkeypatch):
    with resend_api.resend_server() as server:
        monkeypatch.setattr(resend, "api_url", server.url)
        monkeypatch.setattr(resend, "api_key", resend_api.API_KEY)
        ResendMailer(resend, "Caaartoons <signin@cartoons.example>").send(
            to="ada@example.com", subject="Your sign-in link", text="Open it",
            html="<p>Open it</p>", link="https://x.test/confirm.html#token=abc")
    (request,) = server.requests
    assert provider_specs.problem("resend", "POST /emails", json.loads(request.body)) is None
