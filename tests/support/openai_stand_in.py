"""The real `openai` SDK pointed at the local stand-in, installed behind the project's getters."""

import dataclasses

from chalicelib.adapters import drafting, images, look, moderation
from chalicelib.core.settings import get_settings
from devtools.fakes.openai_api import API_KEY, FakeOpenAI


def use_openai(monkeypatch, fake, **overrides):
    """Build the adapters the way production does (from settings), against the fake."""
    settings = dataclasses.replace(get_settings(), openai_api_key=API_KEY,
                                   openai_base_url=fake.base_url,
                                   **{"image_timeout_seconds": 2.0, "retry_backoff_seconds": 0.01,
                                      **overrides})
    provider = images.image_provider_for(settings)
    moderator = moderation.moderator_for(settings)
    drafter = drafting.drafter_for(settings)
    looker = look.looker_for(settings)
    assert isinstance(provider, images.OpenAIImages)
    assert isinstance(drafter, drafting.OpenAIDrafter)
    monkeypatch.setattr(images, "get_image_provider", lambda: provider)
    monkeypatch.setattr(drafting, "get_drafter", lambda: drafter)
    monkeypatch.setattr(look, "get_looker", lambda: looker)
    monkeypatch.setattr(moderation, "get_moderator", lambda: moderator)
    return provider


def running_fake(monkeypatch):
    """Start the stand-in and point the adapters at it (the `openai_fake` fixture)."""
    fake = FakeOpenAI().__enter__()
    use_openai(monkeypatch, fake)
    return fake
