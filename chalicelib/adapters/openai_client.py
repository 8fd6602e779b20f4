"""The `openai.OpenAI` client every OpenAI adapter takes, made from settings."""


def openai_client(settings):
    from openai import OpenAI, Timeout  # the API's cold start skips the SDK until it is used

    # No SDK retries: OpenAIImages retries itself, within the job's deadline.
    return OpenAI(api_key=settings.openai_api_key, base_url=settings.openai_base_url or None,
                  timeout=Timeout(settings.image_timeout_seconds, connect=10.0),
                  max_retries=0)
