"""The drafters: the offline one keeps the contract (same idea, same valid draft, made of the
idea's words), and the OpenAI one speaks the Responses API through the real SDK to a stand-in
as strict about schemas as the real endpoint."""

import dataclasses
import re

import pytest

from chalicelib.adapters import drafting as adapter
from chalicelib.cartoons import drafting, specs
from chalicelib.core.settings import get_settings
from devtools.fakes.openai_api import API_KEY

IDEAS = [
    "A lighthouse keeper befriends a lonely whale during a winter storm",
    "Deux escargots organisent une course contre la montre dans un potager",
    "robot",
    "A grandmother teaches her cat to play chess, badly, over one long rainy Sunday afternoon",
    "Supercalifragilisticexpialidociousness " * 20,
    "Un café à Montréal où les tasses parlent 🫖 et se disputent",
]
NO_CHOICE = {"style": "", "layout": "", "scenes": None}


def offline(idea, **kwargs):
    request = adapter.DraftRequest(idea=idea, schema=drafting.draft_schema(kwargs.get("scenes")),
                                   **kwargs)
    return adapter.OfflineDrafter().draft(request)


@pytest.mark.parametrize("idea", IDEAS)
def test_the_offline_draft_passes_the_submission_checks_and_uses_the_idea(idea):
    body = drafting.checked(offline(idea).data, NO_CHOICE)
    cartoon = specs.parse_cartoon({**body, "quality": "low"})
    assert 4 <= len(cartoon["scenes"]) <= 6
    assert 2 <= len(cartoon["characters"]) <= 3
    for scene in cartoon["scenes"]:
        assert scene["elements"] and set(scene["staging"]) == set(scene["characters"])
        assert any(e["kind"] in ("speech", "thought") for e in scene["elements"]) or any(
            e["kind"] == "caption" for e in scene["elements"])
    words = {w.casefold() for w in idea.split() if len(w) > 3}
    text = " ".join([body["title"], body["context"]] + [s["action"] for s in body["scenes"]])
    assert any(word in text.casefold() for word in words) or len(idea) < 6


def test_the_same_idea_gives_the_same_draft_and_another_idea_another():
    assert offline(IDEAS[0]).data == offline(IDEAS[0]).data
    assert offline(IDEAS[0]).data != offline(IDEAS[3]).data


def test_the_offline_drafter_keeps_the_asked_count_style_and_layout():
    answer = offline(IDEAS[0], scenes=2, style="manga", layout="strip")
    body = drafting.checked(answer.data, {"style": "manga", "layout": "strip", "scenes": 2})
    assert len(body["scenes"]) == 2 and body["style"] == "manga" and body["layout"] == "strip"
    assert len(drafting.checked(offline(IDEAS[0], scenes=12).data,
                                {**NO_CHOICE, "scenes": 12})["scenes"]) == 12


def openai_drafter(fake):
    settings = dataclasses.replace(get_settings(), openai_api_key=API_KEY,
                                   openai_base_url=fake.base_url)
    return adapter.drafter_for(settings)


def test_the_openai_drafter_reads_the_text_and_the_usage(openai_fake):
    answer = openai_drafter(openai_fake).draft(
        adapter.DraftRequest(idea=IDEAS[0], schema=drafting.draft_schema(3)))
    assert len(answer.data["scenes"]) == 3
    assert answer.usage["output_tokens"] == 900 and answer.usage["input_tokens"] > 400
    assert answer.model == get_settings().draft_model


@pytest.mark.parametrize("schema", [
    {"type": "object", "properties": {"a": {"type": "string", "maxLength": 3}},
     "required": ["a"], "additionalProperties": False},
    {"type": "object", "properties": {"a": {"type": "string"}}, "required": [],
     "additionalProperties": False},
    {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
])
def test_a_schema_strict_mode_would_refuse_fails_like_the_real_endpoint(openai_fake, schema):
    with pytest.raises(adapter.DraftFailed) as failed:
        openai_drafter(openai_fake).draft(adapter.DraftRequest(idea="x", schema=schema))
    assert failed.value.code == "provider_error"
    assert openai_fake.calls_to("responses") == []  # refused before any answer


def test_the_derived_schema_is_one_the_stand_in_accepts():
    from devtools.fakes.structured_outputs import strict_problem

    for scenes in (None, 1, 12):
        assert strict_problem(drafting.draft_schema(scenes)) is None


def test_the_drafting_model_is_a_dated_snapshot_overridable_from_the_environment():
    from chalicelib.core import settings as settings_module

    assert re.fullmatch(r"gpt-[\w.-]+-\d{4}-\d{2}-\d{2}", settings_module.DEFAULT_DRAFT_MODEL)
    changed = settings_module.load({"OPENAI_DRAFT_MODEL": "gpt-5.5-2026-04-23",
                                    "OPENAI_DRAFT_TIMEOUT_SECONDS": "12"})
    assert (changed.draft_model, changed.draft_timeout_seconds) == ("gpt-5.5-2026-04-23", 12.0)
    assert isinstance(adapter.drafter_for(changed), adapter.OfflineDrafter)  # no key: offline
    keyed = dataclasses.replace(changed, openai_api_key=API_KEY)
    assert adapter.drafter_for(keyed).model == "gpt-5.5-2026-04-23"
