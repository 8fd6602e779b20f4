"""Sign-in links: single use, 15 minutes, stored hashed, consumed atomically, answered alike."""

import threading
from datetime import timedelta

import boto3
from freezegun import freeze_time

from chalicelib.accounts import links
from chalicelib.core import clock
from chalicelib.core.crypto import keyed_hash
from chalicelib.core.models import Account, SignInLink
from devtools.client import ApiClient, latest_token, outbox_mails
from tests.support.client import later, next_hour


def test_first_sign_in_creates_the_account_and_the_second_reuses_it(app):
    hour = next_hour()
    with freeze_time(hour):
        first = ApiClient(app).sign_in("grace@example.com")
    with freeze_time(hour + timedelta(minutes=5)):
        second = ApiClient(app).sign_in("grace@EXAMPLE.com")
    assert first["account_id"] == second["account_id"]
    assert Account.count() == 1


def test_the_link_goes_to_the_configured_site_with_the_token_in_the_fragment(client):
    response = client.request_link("ada@example.com", headers={"host": "evil.example"})
    assert response.status == 202
    link = outbox_mails("ada@example.com")[-1]["link"]
    assert link.startswith("https://caaartoons.test/confirm.html#token=")
    assert len(link.split("#token=")[1]) == 43  # 32 random bytes, base64url


def test_only_a_keyed_hash_of_the_token_is_stored(client):
    client.request_link("ada@example.com")
    token = latest_token("ada@example.com")
    items = boto3.client("dynamodb").scan(TableName=SignInLink.Meta.table_name)["Items"]
    assert len(items) == 1
    assert token not in str(items)
    assert items[0]["token_hash"]["S"] != token


def test_a_link_works_once(client):
    client.request_link("ada@example.com")
    token = latest_token("ada@example.com")
    assert client.post("/api/auth/verify", {"token": token}).status == 200
    again = ApiClient(client.gateway._app_object).post("/api/auth/verify", {"token": token})
    assert again.status == 400
    assert again.error_code == "link_used"
    assert "new link" in again.json["error"]["message"]


def test_a_link_expires_after_15_minutes(client):
    hour = next_hour()
    with freeze_time(hour):
        client.request_link("ada@example.com")
    token = latest_token("ada@example.com")
    with freeze_time(hour + timedelta(minutes=15, seconds=1)):
        response = client.post("/api/auth/verify", {"token": token})
    assert response.status == 400
    assert response.error_code == "link_expired"
    with freeze_time(hour + timedelta(minutes=14, seconds=58)):
        assert client.post("/api/auth/verify", {"token": token}).status == 200


def test_a_tampered_or_malformed_token_is_refused(client):
    client.request_link("ada@example.com")
    token = latest_token("ada@example.com")
    tampered = ("A" if token[0] != "A" else "B") + token[1:]
    for bad in (tampered, token[:-1], token + "x", "", "not a token at all"):
        response = client.post("/api/auth/verify", {"token": bad})
        assert response.status == 400, bad
        assert response.error_code == "link_invalid"
    assert client.post("/api/auth/verify", {"token": token}).status == 200


def test_opening_the_link_changes_nothing_until_the_post(client):
    client.request_link("ada@example.com")
    token = latest_token("ada@example.com")
    # What the browser fetches when the link opens: the page, and the API's GET routes.
    assert client.get("/api/me").status == 401
    assert client.get("/api/auth/verify").status in (403, 405)
    assert Account.count() == 0
    assert SignInLink.get(keyed_hash("link", token)).used_at is None


def test_ten_threads_racing_on_one_token_get_exactly_one_session(app):
    ApiClient(app).request_link("ada@example.com")
    token = latest_token("ada@example.com")
    results, barrier = [], threading.Barrier(10)

    def consume(index):
        api = ApiClient(app, ip=f"203.0.113.{index}")
        barrier.wait()
        results.append(api.post("/api/auth/verify", {"token": token}))

    threads = [threading.Thread(target=consume, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.status for r in results) == [200] + [400] * 9
    account = Account.scan().next()
    assert len(account.session_ids) == 1


def test_two_first_sign_ins_for_one_address_race_to_one_account(app, monkeypatch):
    # Two links for one new address, two minutes apart (the address may ask once a minute).
    real_now = clock.now()
    monkeypatch.setattr(clock, "now", lambda: real_now - 120)
    ApiClient(app).request_link("lin@example.com")
    monkeypatch.setattr(clock, "now", lambda: real_now)
    ApiClient(app).request_link("lin@example.com")
    tokens = [m["link"].split("#token=")[1] for m in outbox_mails("lin@example.com")]
    barrier, ids = threading.Barrier(2), []

    def verify(token):
        barrier.wait()
        ids.append(links.verify_link(token, "192.0.2.1").account_id)

    threads = [threading.Thread(target=verify, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(ids) == 2 and ids[0] == ids[1]
    assert Account.count() == 1


def test_known_and_unknown_addresses_get_identical_answers(app):
    with freeze_time(later(-5)):  # its link's minute is over when the next one is asked
        ApiClient(app).sign_in("known@example.com")
    known = ApiClient(app).request_link("known@example.com", ip="192.0.2.10")
    unknown = ApiClient(app).request_link("unknown@example.com", ip="192.0.2.11")
    assert known.status == unknown.status == 202
    assert known.body == unknown.body
    strip = {"date"}
    assert {k: v for k, v in known.headers.items() if k not in strip} == \
        {k: v for k, v in unknown.headers.items() if k not in strip}


def test_the_mail_speaks_the_language_the_site_asks_for(app, signed_in):
    ApiClient(app).request_link("lea@example.com", headers={"accept-language": "fr"})
    french = outbox_mails("lea@example.com")[-1]
    assert french["subject"] == "Votre lien de connexion Caaartoons"
    assert "Ouvrez ce lien pour vous connecter" in french["text"]
    assert french["link"] in french["text"] and french["link"] in french["html"]
    ApiClient(app, ip="192.0.2.77").request_link("sam@example.com",
                                                 headers={"accept-language": "de-DE, en;q=0.5"})
    assert outbox_mails("sam@example.com")[-1]["subject"] == "Your Caaartoons sign-in link"
    assert signed_in.post("/api/me/email", {"email": "ada.new@example.com"},
                          headers={"accept-language": "fr-FR,fr;q=0.9"}).status == 202
    change = outbox_mails("ada.new@example.com")[-1]
    assert change["subject"] == "Confirmez votre nouvelle adresse Caaartoons"
