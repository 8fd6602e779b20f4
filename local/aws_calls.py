"""Counts the AWS calls a piece of code makes, through botocore's event hooks.

PynamoDB gives each model its own botocore client; boto3's clients are separate again. The
counter registers a `before-call` hook on each client it is given and tallies operations.
"""

import collections
import contextlib


def model_clients(*models):
    return [model._get_connection().connection.client for model in models]


@contextlib.contextmanager
def counting(*clients):
    """Yields a Counter of "service:Operation" for every call made through `clients`."""
    calls = collections.Counter()

    def tally(model, **_):
        calls[f"{model.service_model.service_name}:{model.name}"] += 1

    unique = list({id(c): c for c in clients}.values())
    for client in unique:
        client.meta.events.register("before-call.*.*", tally, unique_id=f"count-{id(calls)}")
    try:
        yield calls
    finally:
        for client in unique:
            client.meta.events.unregister("before-call.*.*", unique_id=f"count-{id(calls)}")
