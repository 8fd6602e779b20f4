"""Moderation of what people type, before anything is charged: `OpenAIModeration` (the
moderations endpoint, an `openai.OpenAI` client passed in) or `OfflineModeration`, which passes
everything (there is nothing to protect offline; production refuses to start without
OPENAI_API_KEY). The moderator is built lazily by `get_moderator`.
"""

import functools

from chalicelib.adapters.openai_client import openai_client
from chalicelib.core.settings import get_settings

# Moderation runs inside an API request, and API Gateway gives up after ~29 s.
MODERATION_TIMEOUT_SECONDS = 8


class ModerationUnavailable(Exception):
    pass


class OpenAIModeration:
    def __init__(self, client, *, model):
        self.client, self.model = client, model

    def flagged(self, texts):
        """Indexes of the texts the moderation endpoint flags."""
        import openai  # the API's cold start skips the SDK until a text is moderated

        try:
            answer = self.client.with_options(max_retries=1).moderations.create(
                model=self.model, input=list(texts), timeout=MODERATION_TIMEOUT_SECONDS)
        except openai.OpenAIError as error:
            raise ModerationUnavailable(type(error).__name__) from None
        return [i for i, result in enumerate(answer.results) if result.flagged]


class OfflineModeration:
    """Offline there is no moderation service: every text passes (documented in README)."""

    def flagged(self, texts):
        return []


def moderator_for(settings):
    if settings.openai_api_key:
        return OpenAIModeration(openai_client(settings), model=settings.moderation_model)
    return OfflineModeration()


@functools.lru_cache(maxsize=1)
def get_moderator():
    return moderator_for(get_settings())
