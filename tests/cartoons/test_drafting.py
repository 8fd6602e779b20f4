"""POST /api/cartoons/draft through the HTTP API, with the real openai SDK against the local
stand-in of the Responses API (or the offline drafter): what is sent, the draft's shape, the
retry of an answer that does not validate, refusals, moderation, limits, sign-in and CSRF."""

import json
import threading
from datetime import timedelta

import pytest
from freezegun import freeze_time

from chalicelib.cartoons import drafting, specs
from chalicelib.core.crypto import keyed_hash
from chalicelib.core.models import Cartoon, LedgerEntry, LimitWindow, Scene
from chalicelib.core.settings import DEFAULT_DRAFT_MODEL
from devtools.client import ApiClient
from tests.support.cartoons import (
    account_of,
    assert_ledger,
    fund_references,
    give,
    take_messages,
)
from tests.support.client import next_hour
from tests.support.openai_stand_in import use_openai

IDEA = "A lighthouse keeper befriends a lonely whale during a winter storm"


def draft(client, body=None, **kwargs):
    return client.post("/api/cartoons/draft", {"idea": IDEA} if body is None else body, **kwargs)


def submittable(body, quality="low"):
    """The draft, as the site submits it after the person picked a quality."""
    return specs.parse_cartoon({**body, "quality": quality})


def test_a_draft_from_the_model_is_a_whole_cartoon_the_create_route_accepts(
        signed_in, openai_fake, aws):
    account_id = give(signed_in, 5)
    response = draft(signed_in, {"idea": IDEA, "scenes": 3, "language": "fr"})
    assert response.status == 200, response
    body = response.json
    assert set(body) == {"title", "context", "style", "layout", "characters", "scenes"}
    assert [c["name"] for c in body["characters"]] == ["Mara", "Tom"]
    assert len(body["scenes"]) == 3
    first = body["scenes"][0]
    assert first["staging"] == {"Mara": "left", "Tom": "right"}
    assert first["elements"][0] == {"kind": "caption", "text": "Part 1."}  # no null speaker
    assert first["elements"][1] == {"kind": "speech", "text": "Look, A!", "speaker": "Mara"}
    # Nothing stored, nothing charged: the same body then goes through POST /api/cartoons.
    assert Cartoon.count() == 0 and Scene.count() == 0 and take_messages(aws["queue_url"]) == []
    assert assert_ledger(account_id) == 5
    fund_references(signed_in, count=len(body["characters"]))  # drawn first, at the best tier
    created = signed_in.post("/api/cartoons", {**body, "quality": "low"})
    assert created.status == 202, created
    assert assert_ledger(account_id) == 2


def test_what_is_sent_is_the_derived_strict_schema_and_no_address(signed_in, openai_fake):
    assert draft(signed_in, {"idea": IDEA, "scenes": 5, "style": "manga"}).status == 200
    [call] = openai_fake.calls_to("responses")
    sent = call.fields
    assert sent["model"] == DEFAULT_DRAFT_MODEL
    assert sent["text"]["format"]["type"] == "json_schema"
    assert sent["text"]["format"]["strict"] is True
    assert sent["text"]["format"]["schema"] == drafting.draft_schema(5)
    assert sent["store"] is False
    account_id = account_of(signed_in)
    assert sent["safety_identifier"] == keyed_hash("openai-user", account_id)[:32]
    assert "ada@example.com" not in json.dumps(sent) and account_id not in json.dumps(sent)
    assert IDEA in call.prompt and "manga" in call.prompt and "5" in call.prompt
    # The idea was moderated first, with the style.
    [moderated] = openai_fake.calls_to("moderations")
    assert moderated.fields["input"] == [IDEA, "manga"]


def test_the_persons_style_and_layout_win_over_the_models(signed_in, openai_fake):
    body = draft(signed_in, {"idea": IDEA, "style": "noir", "layout": "webtoon"}).json
    assert (body["style"], body["layout"]) == ("noir", "webtoon")


def broken_draft(**changes):
    from devtools.fakes.openai_api import sample_draft

    body = sample_draft(f"The idea: {IDEA}", {})
    body.update(changes)
    return body


def test_an_answer_that_does_not_validate_is_sent_back_once_with_the_reason(
        signed_in, openai_fake):
    bad = broken_draft()
    bad["scenes"][1]["elements"][1]["speaker"] = "Nobody"  # not in the scene
    openai_fake.on("responses", behaviours=[bad])
    response = draft(signed_in)
    assert response.status == 200, response
    _first, second = openai_fake.calls_to("responses")
    assert "scenes[1].elements[1].speaker" in second.prompt
    assert json.dumps(bad) in second.prompt  # the previous answer, as the assistant's turn
    assert [m["role"] for m in second.fields["input"]] == ["user", "assistant", "user"]


@pytest.mark.parametrize("answers, field", [
    ([broken_draft(characters=[]), broken_draft(characters=[])], "characters"),
    (["text:{\"title\": \"cut off", "text:not json"], None),
    ([broken_draft(quality="high"), broken_draft(title="t" * 121)], "title"),
    ([broken_draft(scenes=[{"action": "x", "characters": [], "staging": [], "elements": [
        {"kind": "caption", "text": "word " * 80, "speaker": None}] * 4}])] * 2,
     "scenes[0].elements"),
])
def test_an_answer_wrong_twice_is_a_502_and_nothing_is_charged(
        signed_in, openai_fake, answers, field):
    account_id = give(signed_in, 3)
    openai_fake.on("responses", behaviours=answers)
    response = draft(signed_in)
    assert response.status == 502 and response.error_code == "draft_invalid", response
    assert len(openai_fake.calls_to("responses")) == 2
    got = (response.json["error"].get("details") or {}).get("field")
    assert got == field or (field and got.startswith(field))
    assert assert_ledger(account_id) == 3


@pytest.mark.parametrize("behaviour", ["refusal", "content_filter"])
def test_a_refusal_is_a_422_naming_the_idea(signed_in, openai_fake, behaviour):
    openai_fake.on("responses", behaviours=[behaviour])
    response = draft(signed_in)
    assert response.status == 422 and response.error_code == "draft_refused", response
    assert response.json["error"]["details"] == {"field": "idea"}
    assert len(openai_fake.calls_to("responses")) == 1  # a refusal is not retried


def test_a_flagged_idea_is_refused_before_the_model_is_asked(signed_in, openai_fake):
    response = draft(signed_in, {"idea": "A story about FORBIDDEN-TOPIC"})
    assert response.status == 422 and response.error_code == "content_flagged"
    assert response.json["error"]["details"] == {"field": "idea"}
    assert openai_fake.calls_to("responses") == []


@pytest.mark.parametrize("behaviour", [500, 429])
def test_a_provider_failure_is_a_503_and_does_not_count_against_the_limit(
        signed_in, openai_fake, behaviour):
    openai_fake.on("responses", behaviours=[behaviour])
    before = hits()
    response = draft(signed_in)
    assert response.status == 503 and response.error_code == "drafting_unavailable"
    assert hits() == before
    assert draft(signed_in).status == 200 and hits() == before + 2  # account and IP


def hits():
    return sum(int(w.hits) for w in LimitWindow.scan())


def test_a_slow_model_is_a_503_within_the_timeout(
        signed_in, openai_fake, monkeypatch, override_settings):
    override_settings(draft_timeout_seconds=0.5)
    use_openai(monkeypatch, openai_fake)
    openai_fake.on("responses", behaviours=["timeout"])
    response = draft(signed_in)
    assert response.status == 503 and response.error_code == "drafting_unavailable"


def test_twenty_drafts_an_hour_per_account_then_429(app):
    first, second = ApiClient(app, ip="198.51.100.20"), ApiClient(app, ip="198.51.100.21")
    first.sign_in("ada@example.com")
    second.sign_in("bo@example.com")
    hour = next_hour()
    with freeze_time(hour):
        for _ in range(20):
            assert draft(first).status == 200
        refused = draft(first)
        assert refused.status == 429 and refused.error_code == "rate_limited"
        assert refused.headers["retry-after"] == "3600"
        assert draft(second).status == 200  # another account is not held back
    with freeze_time(hour + timedelta(hours=1)):
        assert draft(first).status == 200


def test_twenty_five_drafts_at_once_get_exactly_twenty_through(signed_in):
    statuses, barrier = [], threading.Barrier(25)

    def send():
        barrier.wait()
        statuses.append(draft(signed_in).status)

    with freeze_time(next_hour()):
        threads = [threading.Thread(target=send) for _ in range(25)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert statuses.count(200) == 20 and statuses.count(429) == 5


def test_sixty_drafts_an_hour_per_ip_across_accounts(app):
    clients = []
    for i in range(4):
        client = ApiClient(app, ip="203.0.113.9")
        client.sign_in(f"user{i}@example.com")
        clients.append(client)
    with freeze_time(next_hour()):
        for i in range(60):
            assert draft(clients[i // 20]).status == 200
        refused = draft(clients[3])
        assert refused.status == 429
        assert draft(clients[3], ip="203.0.113.10").status == 200


def test_a_draft_refused_by_the_ip_limit_counts_against_nothing(app):
    """Behind a shared address whose hour is used up, a person's refused drafts do not use up
    their own hour: from another address they still get all twenty."""
    from chalicelib.accounts import limits

    client = ApiClient(app, ip="203.0.113.30")
    client.sign_in("shared@example.com")
    with freeze_time(next_hour()):
        for _ in range(limits.RULES["draft-ip-hour"][0]):  # the neighbours' drafts
            limits.hit("draft-ip-hour", "203.0.113.30")
        for _ in range(limits.RULES["draft-account-hour"][0]):
            assert draft(client).status == 429
        for _ in range(limits.RULES["draft-account-hour"][0]):
            assert draft(client, ip="203.0.113.31").status == 200
        assert draft(client, ip="203.0.113.31").status == 429  # and then its own limit holds


def test_signed_out_is_401_and_no_csrf_token_is_403(client, signed_in):
    assert draft(client).status == 401
    refused = draft(signed_in, csrf=False)
    assert refused.status == 403
    cross_site = draft(signed_in, headers={"Sec-Fetch-Site": "cross-site"})
    assert cross_site.status == 403


@pytest.mark.parametrize("body, field, code", [
    ({}, "idea", "missing_field"),
    ({"idea": "   "}, "idea", "missing_field"),
    ({"idea": "x" * 1001}, "idea", "too_long"),
    ({"idea": 42}, "idea", "wrong_type"),
    ({"idea": "a\u0000b"}, "idea", "invalid_field"),
    ({"idea": IDEA, "scenes": 0}, "scenes", "wrong_count"),
    ({"idea": IDEA, "scenes": 13}, "scenes", "wrong_count"),
    ({"idea": IDEA, "scenes": "4"}, "scenes", "wrong_type"),
    ({"idea": IDEA, "scenes": True}, "scenes", "wrong_type"),
    ({"idea": IDEA, "language": "english please"}, "language", "invalid_field"),
    ({"idea": IDEA, "layout": "spiral"}, "layout", "invalid_field"),
    ({"idea": IDEA, "style": "s" * 301}, "style", "too_long"),
    ({"idea": IDEA, "quality": "low"}, "quality", "unknown_field"),
])
def test_a_malformed_request_is_a_400_naming_the_field(signed_in, body, field, code):
    before = hits()
    response = draft(signed_in, body)
    assert response.status == 400, response
    assert response.error_code == code
    assert response.json["error"]["details"]["field"] == field
    assert hits() == before  # bad input is not counted


@pytest.mark.parametrize("raw", [b"", b"[]", b"{", b'"idea"', b"\xff\xfe", b"{" * 100])
def test_bytes_that_are_not_a_json_object_are_a_400(signed_in, raw):
    response = signed_in.post("/api/cartoons/draft", raw=raw)
    assert response.status == 400, response
    assert "error" in response.json


def test_drafting_stores_nothing_of_one_account_that_another_could_see(app, aws):
    ada, bo = ApiClient(app), ApiClient(app)
    ada.sign_in("ada@example.com")
    bo.sign_in("bo@example.com")
    mine = draft(ada).json
    assert Cartoon.count() == 0 and Scene.count() == 0
    assert bo.get("/api/gallery").json["cartoons"] == []
    assert draft(bo).json == mine  # offline, the same idea gives the same draft to anyone
    assert [e for e in LedgerEntry.scan()] == []


@pytest.mark.parametrize("lang, words", [("en", "the idea you ask a draft from"),
                                         ("fr", "l'idée dont vous demandez un brouillon")])
def test_the_privacy_page_says_where_the_idea_goes_and_follows_the_model_setting(
        client, override_settings, lang, words):
    override_settings(draft_model="gpt-5.5-2026-04-23")
    text = str(client.get("/api/privacy", query={"lang": lang}).json)
    assert words in text and "gpt-5.5-2026-04-23" in text
