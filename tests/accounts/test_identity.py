"""Identity: one address whatever its capitals (shown as typed), older accounts indexed under
their exact form, and an address change that ends every other session."""

import datetime
import io
import uuid

from freezegun import freeze_time

from chalicelib.accounts import links
from chalicelib.core import clock
from chalicelib.core.crypto import keyed_hash
from chalicelib.core.models import Account, EmailIndex
from chalicelib.money import admin
from devtools.client import ApiClient, latest_token, outbox_mails
from tests.support.client import next_hour


def later(monkeypatch, seconds):
    moved = clock.now() + seconds
    monkeypatch.setattr(clock, "now", lambda: moved)


def test_one_address_in_any_capitals_is_one_account_shown_as_first_typed(app, monkeypatch):
    first = ApiClient(app).sign_in("Ada.Lovelace@Example.com")
    for n, typed in enumerate(("ada.lovelace@example.com", "ADA.LOVELACE@EXAMPLE.COM"), 1):
        later(monkeypatch, 120 * n)  # past the one-a-minute limit
        assert ApiClient(app, ip=f"192.0.2.{n}").sign_in(typed)["account_id"] == \
            first["account_id"]
    assert Account.count() == 1 and EmailIndex.count() == 1
    assert first["email"] == "Ada.Lovelace@example.com"  # the form typed, for display
    assert outbox_mails("ADA.LOVELACE@example.com")  # and each mail to the form typed


def test_the_one_a_minute_limit_holds_across_capitals(app):
    client = ApiClient(app)
    with freeze_time(next_hour()):  # all in one minute, however slow the machine
        assert client.request_link("ada@example.com").status == 202
        for typed in ("Ada@example.com", "ADA@EXAMPLE.COM", "aDa@Example.Com"):
            response = client.request_link(typed)
            assert response.status == 429, typed
    assert len(outbox_mails()) == 1


def legacy_account(email):
    """An account made before addresses were compared without case: keyed by the exact form."""
    account = Account(uuid.uuid4().hex, email=email, email_key=keyed_hash("email", email),
                      balance=0, created_at=datetime.datetime.now(datetime.UTC))
    account.save()
    EmailIndex(account.email_key, account_id=account.account_id).save()
    return account


def test_an_older_account_is_reached_by_its_own_form_and_moves_to_the_lower_case_key(
        app, monkeypatch):
    old = legacy_account("Grace@example.com")
    assert ApiClient(app).sign_in("Grace@example.com")["account_id"] == old.account_id
    assert Account.get(old.account_id).email_key == links.email_key("grace@example.com")
    assert [i.account_id for i in EmailIndex.scan()] == [old.account_id]
    later(monkeypatch, 120)
    assert ApiClient(app, ip="192.0.2.3").sign_in("GRACE@example.com")["account_id"] == \
        old.account_id
    assert Account.count() == 1


def test_two_older_accounts_differing_by_case_both_keep_working(app, monkeypatch):
    lower = legacy_account("hopper@example.com")  # its exact key is the lower-case key
    upper = legacy_account("Hopper@example.com")
    assert ApiClient(app).sign_in("Hopper@example.com")["account_id"] == upper.account_id
    for n, typed in enumerate(("hopper@example.com", "HOPPER@example.com")):
        later(monkeypatch, 120 * (n + 1))
        assert ApiClient(app, ip=f"192.0.2.{n + 5}").sign_in(typed)["account_id"] == \
            lower.account_id
    assert Account.get(upper.account_id).email_key == keyed_hash("email", "Hopper@example.com")
    out = io.StringIO()
    assert admin.main(["emails"], out=out) == 0
    assert f"in other capitals: {upper.account_id}" in out.getvalue()
    assert Account.count() == 2


def test_the_operator_moves_every_older_account_at_once(app):
    older = [legacy_account(email) for email in ("Kay@example.com", "LIN@example.org")]
    out = io.StringIO()
    assert admin.main(["emails"], out=out) == 0
    assert "moved 2 account(s)" in out.getvalue()
    for account in older:
        assert Account.get(account.account_id).email_key == links.email_key(account.email)
    code, shown = io.StringIO(), None
    assert admin.main(["show", "kay@EXAMPLE.com"], out=code) == 0
    shown = code.getvalue()
    assert older[0].account_id in shown and "Kay@example.com" in shown


def test_changing_to_the_same_address_in_other_capitals_is_refused(signed_in):
    response = signed_in.post("/api/me/email", {"email": "ADA@example.com"})
    assert response.status == 400 and response.error_code == "same_email"


def test_an_address_of_another_account_in_other_capitals_is_taken(app, signed_in, monkeypatch):
    ApiClient(app, ip="192.0.2.9").sign_in("bob@example.com")
    later(monkeypatch, 120)
    assert signed_in.post("/api/me/email", {"email": "BOB@example.com"}).status == 202
    response = signed_in.post("/api/me/email/confirm", {"token": latest_token("BOB@example.com")})
    assert response.status == 409 and response.error_code == "email_taken"


def second_session(app, email, ip="192.0.2.44"):
    other = ApiClient(app, ip=ip)
    other.sign_in(email)
    return other


def test_an_address_change_ends_every_other_session(app, signed_in, monkeypatch):
    later(monkeypatch, 120)
    phone = second_session(app, "ada@example.com")
    assert phone.get("/api/me").status == 200
    assert signed_in.post("/api/me/email", {"email": "ada.new@example.com"}).status == 202
    token = latest_token("ada.new@example.com")
    assert signed_in.post("/api/me/email/confirm", {"token": token}).status == 200
    assert signed_in.get("/api/me").json["email"] == "ada.new@example.com"  # this one stays
    assert phone.get("/api/me").status == 401
    assert len(Account.scan().next().session_ids) == 1


def test_an_address_change_confirmed_without_a_session_ends_them_all(app, signed_in,
                                                                     monkeypatch):
    assert signed_in.post("/api/me/email", {"email": "ada.new@example.com"}).status == 202
    elsewhere = ApiClient(app, ip="192.0.2.50")  # the link opened in another browser
    response = elsewhere.post("/api/me/email/confirm",
                              {"token": latest_token("ada.new@example.com")})
    assert response.status == 200
    assert signed_in.get("/api/me").status == 401
    assert not Account.scan().next().session_ids


def test_a_refused_address_change_ends_no_session(app, signed_in, monkeypatch):
    ApiClient(app, ip="192.0.2.9").sign_in("bob@example.com")
    later(monkeypatch, 120)
    phone = second_session(app, "ada@example.com")
    assert signed_in.post("/api/me/email", {"email": "bob@example.com"}).status == 202
    response = signed_in.post("/api/me/email/confirm", {"token": latest_token("bob@example.com")})
    assert response.status == 409
    assert phone.get("/api/me").status == 200 and signed_in.get("/api/me").status == 200


def test_an_older_account_being_erased_keeps_its_key_for_the_erasure(app):
    old = legacy_account("Erin@example.com")
    old.update(actions=[Account.deleting_since.set(int(clock.now()))])
    assert links.move_to_canonical_key(Account.get(old.account_id)) is False
    assert Account.get(old.account_id).email_key == keyed_hash("email", "Erin@example.com")
    assert EmailIndex.get(keyed_hash("email", "Erin@example.com")).account_id == old.account_id
