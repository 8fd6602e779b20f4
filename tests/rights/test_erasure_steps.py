"""The erasure check can fail: an account holding something for every step is erased with each
step skipped in turn, and what it added to the tables and the bucket must be found left over;
with no step skipped, nothing of it is left (and after the final sweep, not even its record)."""

import json

import boto3
import pytest

from chalicelib.accounts import limits
from chalicelib.core import clock
from chalicelib.core.models import ALL_MODELS, PendingErasure
from chalicelib.money import erasure as money_erasure
from chalicelib.rights import erasure
from devtools.cartoons import cartoon_body
from devtools.client import ApiClient
from tests.support.cartoons import drain, give
from tests.support.leftovers import objects_of_account
from tests.support.payments import bought_locally

IP = "198.51.100.61"
# Each package's step, and the pieces inside steps: the windows limits forgets, the purchases
# kept under a pseudonym, the account item, the final sweep.
PIECES = {"forget": limits, "pseudonymise_purchases": money_erasure,
          "erase_account_item": erasure, "sweep": erasure}
SKIPPABLE = [step.__name__ for step in erasure.STEPS] + list(PIECES)


def every_item():
    """The key of every item of every table, as (table, key as JSON): an item stays the same
    one however its other attributes change."""
    dynamodb = boto3.client("dynamodb", region_name="eu-west-3")
    found = set()
    for model in ALL_MODELS:
        names = [a.attr_name for a in model.get_attributes().values()
                 if a.is_hash_key or a.is_range_key]
        for item in dynamodb.scan(TableName=model.Meta.table_name)["Items"]:
            key = {name: item[name] for name in names}
            found.add((model.Meta.table_name, json.dumps(key, sort_keys=True)))
    return found


def windows_outside_the_erasure(account_id, now):
    """Limit windows keyed by the client's IP or the account id: not the address, so not
    the erasure's to find; they expire within the hour (see the README)."""
    keyed = [(scope, IP) for scope in ("link-ip-hour", "verify-ip-hour")]
    keyed += [(scope, account_id) for scope in ("checkout-account-hour", "export-account-hour")]
    return {limits.window_key(scope, who, int(at) // window * window)
            for scope, who in keyed for window in [limits.RULES[scope][1]]
            for at in (now - window, now)}


def an_account_with_something_for_every_step(app, aws):
    """Returns the client, the account id and what it added: items and objects."""
    before = every_item()
    client = ApiClient(app, ip=IP)
    # Typed with capitals: links and limits key the lower-case form, the erasure must too.
    client.sign_in("Ada@Example.com")  # the account, its address index, a link, windows
    account_id = give(client, 10)  # the ledger and its causes
    bought_locally(app, client)  # a purchase
    assert client.post("/api/me/email", {"email": "ada.new@example.com"}).status == 202
    answer = client.post("/api/cartoons", cartoon_body(1), headers={"Idempotency-Key": "k-123456"})
    assert answer.status == 202  # a cartoon, its scenes, a submission key
    drain(aws["queue_url"])  # its images
    assert client.post("/api/me/export").status == 202
    drain(aws["queue_url"])  # an export and its zip
    outside = windows_outside_the_erasure(account_id, clock.now())
    added = {(table, item) for table, item in every_item() - before
             if not any(key in item for key in outside)}
    tables = {table.rsplit("-", 1)[-1] for table, _ in added}
    assert tables == {"accounts", "emails", "links", "limits", "ledger", "causes", "purchases",
                      "cartoons", "scenes", "submissions", "exports"}, tables
    assert any("/cartoons/" in key for key in objects_of_account(account_id))
    assert any(key.endswith(".zip") for key in objects_of_account(account_id))
    return client, account_id, added


def left_of(account_id, added):
    return sorted(added & every_item()) + objects_of_account(account_id)


@pytest.mark.parametrize("skipped", [None, *SKIPPABLE])
def test_skipping_any_erasure_step_leaves_something_found(app, aws, monkeypatch, skipped):
    client, account_id, added = an_account_with_something_for_every_step(app, aws)
    if skipped in (step.__name__ for step in erasure.STEPS):
        monkeypatch.setattr(erasure, "STEPS", [
            (lambda account: None) if step.__name__ == skipped else step
            for step in erasure.STEPS])
    elif skipped:
        monkeypatch.setattr(PIECES[skipped], skipped, lambda *args, **kwargs: None)

    assert client.delete("/api/me", {"confirm": "ada@example.com"}).status == 200
    left_at_once = left_of(account_id, added)
    (pending,) = PendingErasure.scan()
    erasure.resume_pending(now=pending.expires_at + 1)
    left_after_the_sweep = left_of(account_id, added) + [
        p.account_id for p in PendingErasure.scan()]

    if skipped is None:
        assert left_at_once == [] and left_after_the_sweep == []
    elif skipped == "sweep":
        assert left_at_once == [] and left_after_the_sweep == [account_id]
    else:
        assert left_at_once, f"skipping {skipped} left nothing to find"
