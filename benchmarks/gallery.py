"""Gallery: time of a first page with 10 and with 10,000 cartoons, as a ratio in one run, and
the DynamoDB and S3 calls per page (counted with botocore's event hooks).

Runs against moto in process; the two accounts alternate so both see the same machine load.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.update({"STAGE": "test", "AWS_REGION": "eu-west-3", "AWS_DEFAULT_REGION": "eu-west-3",
                   "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"})
os.environ.pop("AWS_ENDPOINT_URL", None)


def seed(account_id, count):
    import datetime

    from chalicelib.core.models import Account
    from devtools.cartoons import seed_cartoons

    Account(account_id, email=f"{account_id}@example.com", email_key=account_id,
            created_at=datetime.datetime.now(datetime.UTC)).save()
    seed_cartoons(account_id, count)


def first_page(account_id, limit=None):
    """What GET /api/gallery does: the session's account, then one page."""
    from chalicelib.cartoons import gallery
    from chalicelib.core.models import Account

    Account.get(account_id, consistent_read=True)
    return gallery.page(account_id, limit=limit)


def main():
    from moto import mock_aws

    rounds = int(os.environ.get("ROUNDS", "30"))
    with mock_aws():
        from chalicelib.adapters import resources, storage
        from chalicelib.core.models import Account, Cartoon, Scene
        from local.aws_calls import counting, model_clients

        resources.create_all()
        started = time.perf_counter()
        seed("small", 10)
        seed("large", 10_000)
        print(f"seeded 10 + 10,000 cartoons in {time.perf_counter() - started:.1f} s")
        first_page("small"), first_page("large")  # warm the clients
        small, large, large10 = [], [], []
        for _ in range(rounds):
            for account_id, limit, samples in (("small", None, small), ("large", None, large),
                                               ("large", "10", large10)):
                t = time.perf_counter()
                first_page(account_id, limit)
                samples.append(time.perf_counter() - t)
        clients = (storage.get_s3(), *model_clients(Account, Cartoon, Scene))
        with counting(*clients) as calls:
            page = first_page("large")
        small_ms, large_ms = statistics.median(small) * 1000, statistics.median(large) * 1000
        print(f"first page, 10 cartoons:     {small_ms:.1f} ms median of {rounds}")
        print(f"first page, 10,000 cartoons: {large_ms:.1f} ms median of {rounds} "
              f"({len(page['cartoons'])} cards)")
        print(f"ratio 10,000 / 10:           {large_ms / small_ms:.2f} (24 cards against 10)")
        same_ms = statistics.median(large10) * 1000
        print(f"same 10 cards, 10,000 cartoons: {same_ms:.1f} ms, ratio {same_ms / small_ms:.2f} "
              "(what the gallery's size costs)")
        dynamodb = {k: v for k, v in calls.items() if k.startswith("dynamodb:")}
        s3 = sum(v for k, v in calls.items() if k.startswith("s3:"))
        print(f"calls per page: DynamoDB {sum(dynamodb.values())} {dict(dynamodb)}, S3 {s3} "
              "(URLs are presigned locally)")


if __name__ == "__main__":
    main()
