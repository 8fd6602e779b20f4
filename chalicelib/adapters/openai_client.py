"""The `openai.OpenAI` client every OpenAI adapter takes, made from settings, and the one
Structured Outputs call through the Responses API that drafting and the look share."""

from chalicelib.core import logs


def openai_client(settings):
    from openai import OpenAI, Timeout  # the API's cold start skips the SDK until it is used

    # No SDK retries: OpenAIImages retries itself, within the job's deadline.
    return OpenAI(api_key=settings.openai_api_key, base_url=settings.openai_base_url or None,
                  timeout=Timeout(settings.image_timeout_seconds, connect=10.0),
                  max_retries=0)


class Refusal(Exception):
    """The model declined to answer: its refusal's words, or `content_filter`."""


def structured(client, *, model, instructions, messages, name, schema, max_output_tokens,
               timeout, user, failed, event):
    """One Responses call for an answer in a strict Structured Outputs schema, with low
    reasoning and nothing stored: `(response, usage)`. A timeout, a 429 or any other provider
    error raises `failed(code, detail)`, the last logged as `<event>_provider_error`."""
    import openai  # the API's cold start skips the SDK until it is used

    who = {"safety_identifier": user} if user else {}
    try:
        response = client.responses.create(
            model=model, instructions=instructions, input=messages,
            text={"format": {"type": "json_schema", "name": name, "strict": True,
                             "schema": schema}},
            reasoning={"effort": "low"}, max_output_tokens=max_output_tokens, store=False,
            timeout=timeout, **who)
    except openai.APITimeoutError:
        raise failed("timeout", "") from None
    except openai.RateLimitError:
        raise failed("rate_limited", "") from None
    except openai.OpenAIError as error:
        logs.event(f"{event}_provider_error", error=type(error).__name__,
                   status=getattr(error, "status_code", None))
        raise failed("provider_error", getattr(error, "message", "")) from None
    usage = {"input_tokens": getattr(response.usage, "input_tokens", 0) or 0,
             "output_tokens": getattr(response.usage, "output_tokens", 0) or 0}
    return response, usage


def answer_text(response):
    """The text of a Responses answer; Refusal when the model declined (in words, or by its
    content filter)."""
    details = response.incomplete_details
    if details is not None and details.reason == "content_filter":
        raise Refusal("content_filter")
    texts = []
    for item in response.output or []:
        if item.type != "message":
            continue
        for part in item.content:
            if part.type == "refusal":
                raise Refusal(part.refusal)
            if part.type == "output_text":
                texts.append(part.text)
    return "".join(texts)
