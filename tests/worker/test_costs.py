"""Provider cost: every image call's usage, as the real openai SDK reads it from the stand-in,
priced with IMAGE_PRICES and added atomically to its cartoon; the admin's `costs` report sets
it against revenue per quality level. Plus what the adapter sends each model."""

import base64
import datetime
import io
import time

import openai
import pytest

from chalicelib.adapters import images, moderation
from chalicelib.cartoons import costs
from chalicelib.core import image_models
from chalicelib.core.models import Cartoon, Purchase
from chalicelib.core.settings import get_settings
from chalicelib.money import admin
from devtools.cartoons import cartoon_body
from devtools.fakes.openai_api import API_KEY
from tests.support.cartoons import (
    R,
    assert_ledger,
    drain,
    fund_references,
    give,
    references_cost,
)
from tests.support.openai_stand_in import use_openai

RH = references_cost(3, "high")
PRICES = (5.0, 8.0, 32.0)  # the defaults: text input, image input, output per 1M tokens


def submit(client, body):
    response = client.post("/api/cartoons", body)
    assert response.status == 202, response
    return response.json["cartoon_id"]


LOOK_PRICE = (0.75, 4.5)  # OPENAI_LOOK_PRICE's default: input, output per 1M tokens


def look_usage(call):
    """The tokens the stand-in reports for a look (a Responses call): 400 + a quarter of the
    prompt in, 900 out."""
    return 400 + len(call.prompt) // 4, 900


def expected_cost(calls):
    """The image calls, and the cost of every call: images and looks at the drawn panels."""
    drawn = [c for c in calls if c.usage]
    looks = [look_usage(c) for c in calls if c.endpoint == "responses"]
    return drawn, sum(round(c.usage["text"] * PRICES[0] + c.usage["image"] * PRICES[1]
                            + c.usage["output"] * PRICES[2]) for c in drawn) + sum(
        round(given * LOOK_PRICE[0] + made * LOOK_PRICE[1]) for given, made in looks)


def test_each_call_adds_its_priced_usage_to_its_cartoon_even_in_parallel(
        signed_in, aws, openai_fake):
    account_id = give(signed_in, 40)
    fund_references(signed_in, quality="medium")
    cartoon_id = submit(signed_in, cartoon_body(8, quality="medium"))
    drain(aws["queue_url"])  # the local worker runs a batch's scene jobs side by side
    drawn, cost = expected_cost(openai_fake.calls)
    assert len(drawn) == 3 + 8  # three references, eight scenes
    cartoon = Cartoon.get(account_id, cartoon_id, consistent_read=True)
    assert int(cartoon.image_calls) == 11
    assert int(cartoon.provider_cost) == cost > 0
    looks = [look_usage(c) for c in openai_fake.calls_to("responses")]
    assert int(cartoon.look_calls) == len(looks) == 7  # every drawn panel with a character
    assert int(cartoon.provider_tokens) == sum(sum(c.usage.values()) for c in drawn) + sum(
        sum(usage) for usage in looks)
    # Pinned models by level: the medium scenes and the references at their tier (medium).
    scenes = openai_fake.calls_to("edits")
    assert {(c.fields["model"], c.fields["quality"]) for c in scenes} == {
        ("gpt-image-2.5-sunburst-2026-09-08", "medium")}
    references = [c for c in openai_fake.calls_to("generations") if " alone" in c.prompt]
    assert {(c.fields["model"], c.fields["quality"]) for c in references} == {
        ("gpt-image-2.5-sunburst-2026-09-08", "medium")}
    assert assert_ledger(account_id) == 40 - 16


def test_a_cost_for_a_deleted_cartoon_does_not_bring_it_back(aws):
    picture = images.Picture.of(b"png", model="m", usage={"input_tokens": 3,
                                                          "output_tokens": 4}, cost=99)
    assert not costs.add("a" * 32, "1790000000000deadbeef", picture)
    assert list(Cartoon.scan()) == []


def test_the_costs_report_sets_cost_against_revenue_per_quality(signed_in, aws, openai_fake):
    account_id = give(signed_in, 20)
    Purchase(account_id, "1790000000000#p1", pack="small", credits=10, amount=500,
             currency="eur", status="paid",
             created_at=datetime.datetime.now(datetime.UTC)).save()
    Purchase(account_id, "1790000000001#p2", pack="small", credits=10, amount=500,
             currency="eur", status="refunded", amount_refunded=500,
             created_at=datetime.datetime.now(datetime.UTC)).save()
    openai_fake.on("edits", contains="Bram jumps", behaviours=["moderation_blocked"])
    fund_references(signed_in)
    low = submit(signed_in, cartoon_body(3, quality="low"))  # 3 credits, one refunded; + R
    fund_references(signed_in, quality="high")
    high = submit(signed_in, cartoon_body(1, quality="high"))  # 4 credits; + RH
    drain(aws["queue_url"])
    report, per_credit = admin.cost_report()
    assert per_credit == 25.0  # 500 kept over 20 credits sold, in cents
    by_quality = {row: report[row] for row in ("low", "high")}
    # Each cartoon's credits and calls count its three references too.
    assert by_quality["low"]["cartoons"] == 1 and by_quality["low"]["credits"] == 2 + R
    assert by_quality["low"]["calls"] == 3 + 2  # three references, two scenes (one blocked)
    assert by_quality["high"]["credits"] == 4 + RH
    assert by_quality["high"]["revenue"] == (4 + RH) * 25.0
    for quality, cartoon_id in (("low", low), ("high", high)):
        cartoon = Cartoon.get(account_id, cartoon_id)
        row = by_quality[quality]
        assert row["cost"] == int(cartoon.provider_cost) / 10_000 > 0
        assert row["margin"] == pytest.approx(row["revenue"] - row["cost"])
    out = io.StringIO()
    assert admin.main(["costs"], out=out) == 0
    lines = {line.split()[0]: line.split() for line in out.getvalue().splitlines()[2:]}
    assert lines["low"][1:5] == ["1", str(by_quality["low"]["calls"]),
                                 str(by_quality["low"]["tokens"]), str(2 + R)]
    assert lines["high"][5] == f"{(4 + RH) * 25.0 / 100:.2f}" and lines["all"][1] == "2"


def test_the_admin_alias_module_runs_the_same_command():
    import chalicelib.admin as alias

    assert alias.main is admin.main


def test_the_offline_provider_reports_usage_shaped_like_the_apis(aws):
    provider = images.image_provider_for(get_settings())
    sheet = provider.reference(images.ReferenceRequest(
        character=images.Character("Ada", "tall"), style_prompt="ink", context="a town",
        quality="high", user="u"), deadline=time.monotonic() + 60)
    assert sheet.usage["output_tokens"] == 4160  # drawn at its tier's quality
    assert isinstance(provider, images.OfflineImages)
    request = images.SceneRequest(
        number=1, action="A cat sleeps.", references=(sheet, sheet),
        characters=(images.Character("Ada", "tall"), images.Character("Bram", "a cat")),
        style_prompt="ink", context="a town", quality="high", user="u", size=(1008, 960))
    picture = provider.scene(request, deadline=time.monotonic() + 60)
    assert picture.startswith(b"\x89PNG") and picture.cost == 0
    assert picture.usage["input_image_tokens"] == 2 * 323
    assert picture.usage["output_tokens"] == round(4160 * 1008 * 960 / 1024 ** 2)


# --- what each model is sent, and the stand-in as strict as the API ---------------------------


def scene_request(references=(b"",)):
    return images.SceneRequest(number=1, action="A cat sleeps.", characters=(),
                               references=references, style_prompt="ink", context="a town",
                               quality="low", user="u", size=None)


def test_input_fidelity_goes_only_to_a_model_that_takes_it(openai_fake, monkeypatch):
    # No model left in the table takes it (gpt-image-1.5, the last, was shut down); the
    # stand-in still answers for 1.5, so it plays one here.
    taker = image_models.ImageModel("gpt-image-1.5", image_models.BASE_QUALITIES, False,
                                    ("high", "low"))
    monkeypatch.setitem(image_models.MODELS, taker.name, taker)
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC")
    client = openai.OpenAI(api_key=API_KEY, base_url=openai_fake.base_url, max_retries=0)
    for model, sent in (("gpt-image-1.5", "high"), ("gpt-image-2.5-sunburst-2026-09-08", None)):
        provider = images.OpenAIImages(
            client, scene_models={"low": (model, "low")}, references={"low": (model, "high")},
            size="1024x1024", prices={}, timeout=5, attempts=1, backoff=0)
        provider.scene(scene_request((png,)), deadline=time.monotonic() + 30)
        assert openai_fake.calls[-1].fields.get("input_fidelity") == sent


@pytest.mark.parametrize(("fields", "param"), [
    ({"model": "gpt-image-2", "quality": "xhigh"}, "quality"),
    ({"model": "gpt-image-2.6-sunburst", "size": "1008x960"}, "size"),
    ({"model": "gpt-image-2.5-flare", "size": "1000x1000"}, "size"),
    ({"model": "dall-e-3"}, "model"),
])
def test_the_stand_in_refuses_what_the_model_does_not_take(openai_fake, fields, param):
    client = openai.OpenAI(api_key=API_KEY, base_url=openai_fake.base_url, max_retries=0)
    with pytest.raises(openai.BadRequestError) as refused:
        client.images.generate(prompt="a cat", **fields)
    assert refused.value.body["param"] == param


def test_the_stand_in_answers_concrete_size_and_quality_with_usage(openai_fake):
    client = openai.OpenAI(api_key=API_KEY, base_url=openai_fake.base_url, max_retries=0)
    answer = client.images.generate(prompt="a cat", model="gpt-image-2.5-flare", size="auto",
                                    quality="auto")
    assert answer.size == "1024x1024" and answer.quality == "medium"
    assert answer.usage.output_tokens_details.image_tokens == answer.usage.output_tokens


# --- moderation inside an API request ---------------------------------------------------------


def test_moderation_never_waits_on_a_long_retry_after(monkeypatch, openai_fake):
    use_openai(monkeypatch, openai_fake)
    openai_fake.on("moderations", behaviours=[("429", {"retry-after": "120"})])
    started = time.monotonic()
    with pytest.raises(moderation.ModerationUnavailable):
        moderation.get_moderator().flagged(["a cat"])
    assert time.monotonic() - started < 5
    assert len(openai_fake.calls_to("moderations")) == 1  # no SDK retry behind our back


def test_moderation_tries_again_after_a_short_wait(monkeypatch, openai_fake):
    use_openai(monkeypatch, openai_fake)
    openai_fake.on("moderations", behaviours=[("429", {"retry-after-ms": "200"})])
    assert moderation.get_moderator().flagged(["a cat", "FORBIDDEN-TOPIC"]) == [1]
    assert len(openai_fake.calls_to("moderations")) == 2
