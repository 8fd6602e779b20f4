"""Submitting, quoting and reading cartoons through the HTTP API: the one charge, 402 with the
shortfall, Idempotency-Key, races for the last credits, and isolation between accounts."""

import threading

import pytest

from chalicelib.core.models import Cartoon, LedgerEntry, Scene, SubmissionKey
from chalicelib.money import credits
from devtools.cartoons import cartoon_body
from devtools.client import ApiClient
from tests.support.cartoons import (
    R,
    assert_ledger,
    drain,
    give,
    jobs_of,
    references_cost,
    take_messages,
)

RM = references_cost(3, "medium")  # a medium cartoon_body()'s references: a scene's price each


def test_the_options_offer_a_dozen_styles_and_the_price_of_each_quality(client):
    options = client.get("/api/cartoons/options").json
    assert len(options["styles"]) == 12
    assert {"key": "ligne-claire", "label": "Ligne claire"} in options["styles"]
    assert [(q["key"], q["credits_per_scene"]) for q in options["qualities"]] == [
        ("low", 1), ("medium", 2), ("high", 4)]
    assert options["limits"]["scenes"] == 24 and options["limits"]["context"] == 1000


def test_a_quote_prices_the_scenes_by_quality(signed_in):
    give(signed_in, 5)
    quote = signed_in.post("/api/cartoons/quote", {"quality": "medium", "scenes": 3}).json
    assert quote == {"quality": "medium", "credits_per_scene": 2, "scenes": 3, "total": 6,
                     "balance": 5, "shortfall": 1, "references": 0, "credits_per_reference": 2,
                     "scenes_total": 6, "references_total": 0}
    # each reference drawn costs one scene of the cartoon's quality
    quote = signed_in.post("/api/cartoons/quote", {"quality": "low", "scenes": 3,
                                                   "references": 2}).json
    assert (quote["scenes_total"], quote["references_total"], quote["total"],
            quote["shortfall"]) == (3, 2, 5, 0)
    quote = signed_in.post("/api/cartoons/quote", {"quality": "high", "scenes": 3,
                                                   "references": 2}).json
    assert (quote["credits_per_reference"], quote["total"]) == (4, 20)
    for body, field in (({"quality": "ultra", "scenes": 3}, "quality"),
                        ({"quality": "low", "scenes": 25}, "scenes"),
                        ({"quality": "low", "scenes": "3"}, "scenes")):
        response = signed_in.post("/api/cartoons/quote", body)
        assert response.status == 400 and response.json["error"]["details"]["field"] == field


def test_submitting_answers_202_at_once_and_debits_the_whole_cost_in_one_entry(
        signed_in, aws):
    account_id = give(signed_in, 10 + RM)
    response = signed_in.post("/api/cartoons", cartoon_body(3, quality="medium"))
    assert response.status == 202, response
    cartoon_id = response.json["cartoon_id"]
    assert response.json["balance"] == 4
    assert response.headers["location"] == f"/cartoon.html?id={cartoon_id}"
    spends = [e for e in LedgerEntry.query(account_id) if e.reason == "spend"]
    assert [(int(e.delta), e.cause_key) for e in spends] == [(-6 - RM, f"cartoon:{cartoon_id}")]
    assert assert_ledger(account_id) == 4

    state = signed_in.get(f"/api/cartoons/{cartoon_id}").json
    assert state["status"] == "drawing" and state["cost"] == 6 + RM
    assert [s["state"] for s in state["scenes"]] == ["queued"] * 3
    assert state["progress"] == {"total": 3, "queued": 3, "drawing": 0, "done": 0, "failed": 0}
    assert state["scenes"][0]["speaker"] == "Ada" and state["strip"] is None
    assert jobs_of(take_messages(aws["queue_url"])) == [
        {"kind": "references", "account_id": account_id, "cartoon_id": cartoon_id}]


def test_without_enough_credits_it_is_402_with_the_shortfall_and_nothing_is_written(
        signed_in, aws):
    account_id = give(signed_in, 3)
    response = signed_in.post("/api/cartoons", cartoon_body(4, quality="medium"))
    assert response.status == 402 and response.error_code == "insufficient_credits"
    assert response.json["error"]["details"] == {"shortfall": 5 + RM}
    assert Cartoon.count() == 0 and Scene.count() == 0
    assert take_messages(aws["queue_url"]) == []
    assert assert_ledger(account_id) == 3


def test_an_idempotency_key_returns_the_same_cartoon_charged_once(signed_in, aws):
    account_id = give(signed_in, 10 + 2 * R)
    headers = {"Idempotency-Key": "draft-0123456789"}
    first = signed_in.post("/api/cartoons", cartoon_body(2), headers=headers)
    again = [signed_in.post("/api/cartoons", cartoon_body(2), headers=headers)
             for _ in range(3)]
    assert first.status == 202 and not first.json["repeated"]
    assert {r.json["cartoon_id"] for r in again} == {first.json["cartoon_id"]}
    assert all(r.status == 202 and r.json["repeated"] for r in again)
    assert Cartoon.count() == 1 and assert_ledger(account_id) == 8 + R
    assert len(take_messages(aws["queue_url"])) == 1

    other = signed_in.post("/api/cartoons", cartoon_body(3), headers=headers)
    assert other.status == 409 and other.error_code == "idempotency_key_reused"
    fresh = signed_in.post("/api/cartoons", cartoon_body(2),
                           headers={"Idempotency-Key": "draft-another-one"})
    assert fresh.json["cartoon_id"] != first.json["cartoon_id"]
    assert assert_ledger(account_id) == 6


def test_the_same_key_sent_ten_times_at_once_makes_one_cartoon(app, signed_in):
    account_id = give(signed_in, 10 + R)
    answers, barrier = [], threading.Barrier(10)

    def send():
        barrier.wait()
        answers.append(signed_in.post("/api/cartoons", cartoon_body(1),
                                      headers={"Idempotency-Key": "double-click-123"}))

    threads = [threading.Thread(target=send) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status for a in answers] == [202] * 10
    assert len({a.json["cartoon_id"] for a in answers}) == 1
    assert Cartoon.count() == 1 and SubmissionKey.count() == 1
    assert assert_ledger(account_id) == 9


def test_fifty_parallel_submissions_against_credit_for_ten_accept_exactly_ten(app, signed_in):
    account_id = give(signed_in, 10 + 10 * R)
    statuses, barrier = [], threading.Barrier(50)

    def send():
        barrier.wait()
        statuses.append(signed_in.post("/api/cartoons", cartoon_body(1)).status)

    threads = [threading.Thread(target=send) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses.count(202) == 10 and statuses.count(402) == 40
    assert Cartoon.count() == 10 and Scene.count() == 10
    assert assert_ledger(account_id) == 0


def test_a_malformed_idempotency_key_is_refused(signed_in):
    give(signed_in, 5)
    response = signed_in.post("/api/cartoons", cartoon_body(1),
                              headers={"Idempotency-Key": "no spaces please"})
    assert response.status == 400
    assert response.json["error"]["details"]["field"] == "Idempotency-Key"


ROUTES = [("GET", "/api/cartoons/{id}", None),
          ("PATCH", "/api/cartoons/{id}/scenes/1", {"caption": "Mine now"}),
          ("POST", "/api/cartoons/{id}/scenes/1/redraw", {})]


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_another_accounts_cartoon_is_not_found_on_every_route(app, aws, method, path, body):
    owner = ApiClient(app, ip="198.51.100.20")
    owner.sign_in("owner@example.com")
    owner_id = give(owner, 5 + R)
    cartoon_id = owner.post("/api/cartoons", cartoon_body(1)).json["cartoon_id"]
    drain(aws["queue_url"])
    stranger = ApiClient(app, ip="198.51.100.21")
    stranger.sign_in("stranger@example.com")
    give(stranger, 5)

    response = stranger.request(method, path.format(id=cartoon_id), body)
    assert response.status == 404 and response.error_code == "not_found"
    assert cartoon_id not in response.body.decode()
    mine = owner.get(f"/api/cartoons/{cartoon_id}").json
    assert mine["scenes"][0]["caption"] == "Caption 1" and mine["scenes"][0]["attempt"] == 0
    assert credits.balance(owner_id) == 4 and take_messages(aws["queue_url"]) == []


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_unknown_ids_and_scene_numbers_are_not_found(signed_in, aws, method, path, body):
    give(signed_in, 5 + R)
    cartoon_id = signed_in.post("/api/cartoons", cartoon_body(1)).json["cartoon_id"]
    drain(aws["queue_url"])
    # Its own id with letters in capitals (its random tail may hold none: then make one).
    shouted = cartoon_id[:-1] + "A" if cartoon_id.upper() == cartoon_id else cartoon_id.upper()
    for bad in ("1795000000000deadbeef", "not-a-cartoon", "x" * 21, shouted):
        assert signed_in.request(method, path.format(id=bad), body).status == 404
    if "scenes" in path:
        for number in ("0", "2", "01", "-1", "x"):
            wrong = path.format(id=cartoon_id).replace("/scenes/1", f"/scenes/{number}")
            assert signed_in.request(method, wrong, body).status == 404, number


@pytest.mark.parametrize(("method", "path", "body"), [
    *ROUTES, ("POST", "/api/cartoons", None), ("POST", "/api/cartoons/quote", None)])
def test_every_cartoon_route_needs_a_session(client, method, path, body):
    response = client.request(method, path.format(id="1795000000000deadbeef"), body or {})
    assert response.status == 401


def test_cartoons_are_queryable_by_account_newest_last(signed_in):
    account_id = give(signed_in, 10 + 3 * R)
    ids = [signed_in.post("/api/cartoons", cartoon_body(1)).json["cartoon_id"]
           for _ in range(3)]
    assert [c.cartoon_id for c in Cartoon.query(account_id)] == ids
    assert len(list(Scene.query(account_id))) == 3


def test_an_idempotency_key_lasts_a_day_and_the_cleanup_removes_it(signed_in, monkeypatch):
    import time

    from chalicelib import cleanup

    account_id = give(signed_in, 10 + 2 * R)
    headers = {"Idempotency-Key": "draft-yesterday"}
    first = signed_in.post("/api/cartoons", cartoon_body(1), headers=headers).json
    real_now = time.time()
    monkeypatch.setattr("chalicelib.core.clock.now", lambda: real_now + 25 * 3600)
    later = signed_in.post("/api/cartoons", cartoon_body(1), headers=headers).json
    assert later["cartoon_id"] != first["cartoon_id"] and not later["repeated"]
    assert SubmissionKey.count() == 1  # the expired record was replaced
    assert cleanup.remove_expired(now=real_now + 50 * 3600)[
        SubmissionKey.Meta.table_name] == 1
    assert assert_ledger(account_id) == 8
