"""GET /api/credits and /api/purchases: newest first, cursor pages, each account its own."""


import pytest

from chalicelib.money import credits
from devtools.client import ApiClient
from devtools.fakes.stripe_api import deliver
from tests.support.payments import ledger_sum, paid_event, parallel_debits, start


def account_id(client):
    return client.get("/api/me").json["account_id"]


def test_the_statement_pages_the_ledger_newest_first(buyer):
    account = account_id(buyer)
    for n in range(5):
        credits.grant(account, n + 1, reason="adjustment", cause_key=f"adj:{n}", note=f"n{n}")
    first = buyer.get("/api/credits", query={"limit": "2"})
    assert first.status == 200
    assert first.json["balance"] == 15
    assert [e["delta"] for e in first.json["entries"]] == [5, 4]
    entry = first.json["entries"][0]
    assert set(entry) == {"id", "delta", "reason", "cause", "note", "unrecovered", "created_at",
                          "what"}
    assert (entry["reason"], entry["cause"], entry["note"]) == ("adjustment", "adj:4", "n4")
    seen, cursor = [5, 4], first.json["next_cursor"]
    while cursor:
        page = buyer.get("/api/credits", query={"limit": "2", "cursor": cursor}).json
        seen += [e["delta"] for e in page["entries"]]
        cursor = page["next_cursor"]
    assert seen == [5, 4, 3, 2, 1]


def test_an_exact_last_page_says_there_is_no_more(buyer):
    account = account_id(buyer)
    for n in range(2):
        credits.grant(account, 1, reason="adjustment", cause_key=f"adj:{n}")
    assert buyer.get("/api/credits", query={"limit": "2"}).json["next_cursor"] is None
    assert buyer.get("/api/credits").json["entries"][0]["delta"] == 1


@pytest.mark.parametrize("query", [
    {"cursor": "not-a-cursor"}, {"cursor": "!!!!"}, {"cursor": "MTIz"},  # base64 of "123"
    {"cursor": "x" * 300}, {"limit": "0"}, {"limit": "101"}, {"limit": "ten"},
    {"limit": "-1"}, {"limit": "٣"},
])
def test_a_bad_cursor_or_limit_is_a_400(buyer, query):
    for path in ("/api/credits", "/api/purchases"):
        response = buyer.get(path, query=query)
        assert response.status == 400, (path, query, response)
        assert response.error_code in ("invalid_cursor", "invalid_limit")


def test_history_needs_a_session(client):
    for path in ("/api/credits", "/api/purchases"):
        assert client.get(path).status == 401


def test_purchases_list_pack_amount_currency_and_status_newest_first(buyer, stripe, stripe_api):
    deliver(stripe, paid_event(stripe_api, buyer, "small"))
    start(buyer, "large")  # started, never paid
    response = buyer.get("/api/purchases")
    assert response.status == 200
    newest, oldest = response.json["purchases"]
    assert (newest["pack"], newest["credits"], newest["amount"], newest["currency"],
            newest["status"]) == ("large", 100, 3500, "eur", "open")
    assert (oldest["pack"], oldest["amount"], oldest["status"]) == ("small", 500, "paid")
    assert oldest["paid_at"] and oldest["created_at"] < newest["created_at"]
    page = buyer.get("/api/purchases", query={"limit": "1"}).json
    assert [p["pack"] for p in page["purchases"]] == ["large"]
    rest = buyer.get("/api/purchases", query={"limit": "1", "cursor": page["next_cursor"]})
    assert [p["pack"] for p in rest.json["purchases"]] == ["small"]
    assert rest.json["next_cursor"] is None


def test_two_accounts_see_only_their_own_credits_and_purchases(app, buyer, stripe, stripe_api):
    other = ApiClient(app, ip="198.51.100.77")
    other.sign_in("other@example.com")
    deliver(stripe, paid_event(stripe_api, buyer, "medium"))
    credits.grant(account_id(other), 3, reason="adjustment", cause_key="adj:other")

    mine, theirs = buyer.get("/api/credits").json, other.get("/api/credits").json
    assert (mine["balance"], theirs["balance"]) == (30, 3)
    assert [e["cause"] for e in theirs["entries"]] == ["adj:other"]
    assert other.get("/api/purchases").json["purchases"] == []
    assert len(buyer.get("/api/purchases").json["purchases"]) == 1
    # A cursor from one account's listing shows the other nothing of the first.
    credits.grant(account_id(buyer), 1, reason="adjustment", cause_key="adj:mine")
    cursor = buyer.get("/api/credits", query={"limit": "1"}).json["next_cursor"]
    page = other.get("/api/credits", query={"cursor": cursor}).json
    assert all(e["cause"] == "adj:other" for e in page["entries"])


def test_fifty_parallel_debits_against_ten_bought_credits_give_exactly_ten(
        buyer, stripe, stripe_api):
    deliver(stripe, paid_event(stripe_api, buyer, "small"))
    account = account_id(buyer)
    results = parallel_debits(account)
    assert results.count("ok") == 10 and results.count("refused") == 40
    statement = buyer.get("/api/credits", query={"limit": "100"}).json
    assert statement["balance"] == 0 == ledger_sum(account)
    assert sum(e["delta"] for e in statement["entries"]) == 0
