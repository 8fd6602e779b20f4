"""Drafting: the round trips one draft makes, and the time it adds on top of the model's own.

`POST /api/cartoons/draft` goes through the app (Chalice's local gateway, moto in process) and
the real openai SDK, to the local stand-in of the Moderations and Responses APIs
(devtools/fakes/openai_api.py). The stand-in answers at once; the time it spends inside
its handlers is "the model's own time", everything else is ours: the body check, the limits, the
moderation round trip's HTTP, the SDK, parsing and validating the draft (lettering included).
A real model takes seconds; this is what we add to them. AWS calls are counted (moto answers in
microseconds; multiply by ~5-10 ms for DynamoDB from a Lambda in region).
"""

import collections
import dataclasses
import os
import statistics
import time

from _offline import ROOT  # noqa: F401 -- sets the offline environment first

ROUNDS = int(os.environ.get("ROUNDS", "15"))
IDEA = "A lighthouse keeper befriends a lonely whale during a winter storm"


def main():
    from moto import mock_aws

    from local import moto_atomic

    moto_atomic.install()
    with mock_aws():
        from chalicelib.adapters import drafting, moderation, resources
        from chalicelib.core.settings import get_settings
        from devtools.fakes.openai_api import API_KEY, FakeOpenAI

        resources.create_all()
        import app as module
        from devtools.client import ApiClient

        fake = FakeOpenAI().__enter__()
        settings = dataclasses.replace(get_settings(), openai_api_key=API_KEY,
                                       openai_base_url=fake.base_url)
        drafter, moderator = drafting.drafter_for(settings), moderation.moderator_for(settings)
        drafting.get_drafter = lambda: drafter
        moderation.get_moderator = lambda: moderator
        inside = collections.Counter()
        route = fake.route

        def timed(request):
            started = time.perf_counter()
            try:
                return route(request)
            finally:
                inside[request.path] += time.perf_counter() - started

        fake.server.route = timed
        aws_calls = collections.Counter()
        from botocore.client import BaseClient

        original = BaseClient._make_api_call

        def counted(client, operation, params):
            aws_calls[f"{client.meta.service_model.service_name}:{operation}"] += 1
            return original(client, operation, params)

        BaseClient._make_api_call = counted
        clients = [ApiClient(module.app, ip=f"198.51.100.{i}") for i in range(ROUNDS + 1)]
        for i, client in enumerate(clients):
            client.sign_in(f"bench{i}@example.com")  # one account each: no limit is reached

        def one(client, invalid_first=False):
            if invalid_first:
                fake.on("responses", behaviours=["text:{}"])
            calls_before, aws_before = len(fake.calls), sum(aws_calls.values())
            inside.clear()
            started = time.perf_counter()
            response = client.post("/api/cartoons/draft", {"idea": IDEA, "scenes": 6})
            total = time.perf_counter() - started
            assert response.status == 200, response
            return (total, sum(inside.values()), len(fake.calls) - calls_before,
                    sum(aws_calls.values()) - aws_before)

        one(clients[0])  # warm the SDK and the fonts
        for label, invalid in (("a draft that validates", False),
                               ("a draft sent back once", True)):
            samples = [one(client, invalid) for client in clients[1:]]
            added = [total - model for total, model, _, _ in samples]
            trips, aws = samples[0][2], samples[0][3]
            print(f"{label}: {trips} round trips to OpenAI (moderation, then "
                  f"{trips - 1} to the Responses API), {aws} AWS calls; adds "
                  f"{statistics.median(added) * 1000:.0f} ms median "
                  f"({min(added) * 1000:.0f}-{max(added) * 1000:.0f}) on top of the model's "
                  f"own time, over {len(samples)} drafts of 6 scenes")
        fake.__exit__(None, None, None)


if __name__ == "__main__":
    main()
