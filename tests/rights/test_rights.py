"""Rectification (email change through a link to the new address) and erasure."""

import boto3
import pytest

from chalicelib.accounts import erasure as accounts_erasure
from chalicelib.core import clock
from chalicelib.core.models import Account, EmailIndex, PendingErasure
from chalicelib.core.settings import get_settings
from chalicelib.rights import erasure
from devtools.client import ApiClient, latest_token, outbox_mails
from tests.support.leftovers import dump_everything, pending_sweeps

# --- rectification -----------------------------------------------------------------------

def test_changing_the_address_needs_the_link_sent_to_the_new_one(signed_in):
    response = signed_in.post("/api/me/email", {"email": "ada.new@example.com"})
    assert response.status == 202
    assert signed_in.get("/api/me").json["email"] == "ada@example.com"  # nothing yet
    mail = outbox_mails("ada.new@example.com")[-1]
    assert "/confirm-email.html#token=" in mail["link"]
    assert outbox_mails("ada@example.com")[-1]["subject"].startswith("Your Caaartoons sign-in")
    token = latest_token("ada.new@example.com")
    assert signed_in.post("/api/me/email/confirm", {"token": token}).status == 200
    assert signed_in.get("/api/me").json["email"] == "ada.new@example.com"
    # The old address no longer leads to this account; the new one does.
    assert EmailIndex.count() == 1
    assert signed_in.post("/api/me/email/confirm", {"token": token}).error_code == "link_used"


def test_a_sign_in_link_cannot_confirm_an_address_change(app, signed_in):
    ApiClient(app, ip="192.0.2.9").request_link("mallory@example.com")
    token = latest_token("mallory@example.com")
    response = signed_in.post("/api/me/email/confirm", {"token": token})
    assert response.status == 400
    assert signed_in.get("/api/me").json["email"] == "ada@example.com"


def test_an_address_that_belongs_to_another_account_is_refused_at_confirmation(
        app, signed_in, monkeypatch):
    ApiClient(app, ip="192.0.2.9").sign_in("bob@example.com")
    in_two_minutes = clock.now() + 120  # bob's address may ask for one link a minute
    monkeypatch.setattr(clock, "now", lambda: in_two_minutes)
    assert signed_in.post("/api/me/email", {"email": "bob@example.com"}).status == 202
    response = signed_in.post("/api/me/email/confirm",
                              {"token": latest_token("bob@example.com")})
    assert response.status == 409
    assert signed_in.get("/api/me").json["email"] == "ada@example.com"
    assert EmailIndex.count() == 2


def test_changing_the_address_needs_a_session_and_a_valid_address(client, signed_in):
    assert client.post("/api/me/email", {"email": "x@example.com"}).status == 401
    assert signed_in.post("/api/me/email", {"email": "not-an-address"}).status == 400
    assert signed_in.post("/api/me/email", {"email": "ada@example.com"}).status == 400


# --- erasure -------------------------------------------------------------------------------

def grant(account_id, amount):
    from chalicelib.money import credits

    credits.grant(account_id, amount, reason="adjustment", cause_key=f"test:{account_id}")


def test_deleting_the_account_leaves_nothing_of_it(app, signed_in):
    me = signed_in.get("/api/me").json
    grant(me["account_id"], 5)
    signed_in.post("/api/me/email", {"email": "ada.pending@example.com"})  # a pending link
    other = ApiClient(app, ip="192.0.2.44")
    other.sign_in("bob@example.com")
    kept_cookie = dict(signed_in.cookies)

    response = signed_in.delete("/api/me", {"confirm": "ada@example.com"})
    assert response.status == 200, response
    assert "Max-Age=0" in response.headers["set-cookie"]

    # Only the erasure's own record stays, holding the id alone, until the final sweep.
    (pending,) = PendingErasure.scan()
    assert pending.account_id == me["account_id"]
    assert pending.expires_at >= clock.now() + erasure.SWEEP_AFTER_SECONDS - 5
    everything = dump_everything(but=[PendingErasure])
    for trace in (me["account_id"], "ada@example.com", "ada.pending@example.com",
                  "ada.pending", "ada@"):
        assert trace not in everything, trace
    assert "bob@example.com" in everything  # the other account is untouched
    assert other.get("/api/me").status == 200
    signed_in.cookies = kept_cookie
    assert signed_in.get("/api/me").status == 401
    assert erasure.resume_pending(now=clock.now() + 60) == 0  # not yet
    assert erasure.resume_pending(now=pending.expires_at + 1) == 1
    assert me["account_id"] not in dump_everything()


def test_deletion_needs_the_typed_confirmation(signed_in):
    for typed in ("", "DELETE", "bob@example.com", None):
        response = signed_in.delete("/api/me", {"confirm": typed})
        assert response.status == 400, typed
    assert signed_in.get("/api/me").status == 200
    assert Account.count() == 1


def test_deletion_ends_every_session_at_once_even_if_interrupted(app, signed_in, monkeypatch):
    account_id = signed_in.get("/api/me").json["account_id"]
    grant(account_id, 3)

    def crash(account):
        raise TimeoutError("the Lambda ran out of time")

    monkeypatch.setattr(erasure, "STEPS", [accounts_erasure.erase_links_and_windows, crash])
    response = signed_in.delete("/api/me", {"confirm": "ada@example.com"})
    assert response.status == 500
    assert signed_in.get("/api/me").status == 401  # signed out everywhere already
    # Signing in again is refused while the erasure is pending.
    in_two_minutes = clock.now() + 120
    monkeypatch.setattr(clock, "now", lambda: in_two_minutes)
    again = ApiClient(app, ip="192.0.2.77")
    again.request_link("ada@example.com")
    assert again.post("/api/auth/verify",
                      {"token": latest_token("ada@example.com")}).status == 409

    monkeypatch.undo()
    assert erasure.resume_pending(now=clock.now() + 3600) == 1
    assert account_id not in dump_everything()
    assert "ada@example.com" not in dump_everything()


@pytest.mark.parametrize("lang, title", [("en", "Privacy policy"),
                                         ("fr", "Politique de confidentialité")])
def test_the_privacy_policy_is_built_from_settings_and_code(client, lang, title):
    from chalicelib.accounts import links

    policy = client.get("/api/privacy", query={"lang": lang}).json
    assert policy["title"] == title
    text = str(policy)
    settings = get_settings()
    assert f"{settings.operator_name} — {settings.operator_email}" in text
    assert "15 minutes" in text and ("30 days" in text or "30 jours" in text)
    assert "eu-west-3" in text and "OpenAI" in text and "Stripe" in text and "Resend" in text
    assert links.LINK_TTL == 15 * 60
    stored = {"en": ("speech and thought balloons", "where you placed them", "its pages, PDFs",
                     "US Letter", "where each panel and balloon sits on the pages"),
              "fr": ("bulles de dialogue et de pensée", "où vous les avez placés",
                     "ses pages, des PDF", "US Letter",
                     "la place de chaque case et de chaque bulle")}[lang]
    assert all(words in text for words in stored)


@pytest.mark.parametrize("lang, words", [
    ("en", ("each drawn panel and the names of the characters in it are sent to its vision "
            "model", "kept with the version it describes", "included in your data export")),
    ("fr", ("chaque case dessinée et le nom des personnages qui y figurent sont envoyés à son "
            "modèle de vision", "conservé avec la version qu'il décrit",
            "inclus dans votre export de données"))])
def test_the_privacy_policy_says_the_drawn_panels_go_to_openai_to_be_looked_at(
        client, override_settings, lang, words):
    override_settings(look_model="gpt-5.4-mini-2099-01-01")
    text = str(client.get("/api/privacy", query={"lang": lang}).json)
    assert all(part in text for part in words)
    assert text.count("gpt-5.4-mini-2099-01-01") == 2  # what is sent, and what is kept


def test_the_privacy_policy_follows_a_changed_setting(client, override_settings):
    override_settings(operator_name="Exemple SAS", operator_email="dpo@exemple.fr",
                      export_retention_hours=48)
    text = str(client.get("/api/privacy").json)
    assert "Exemple SAS — dpo@exemple.fr" in text and "2 days" in text


def test_erasure_removes_the_gallery_and_every_object_version(signed_in, aws):
    from chalicelib.core.settings import get_settings
    from devtools.cartoons import cartoon_body
    from tests.support.cartoons import R, drain, give

    s3, bucket = boto3.client("s3"), get_settings().images_bucket
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    account_id = give(signed_in, 10 + R)
    response = signed_in.post("/api/cartoons", cartoon_body(2))
    assert response.status == 202
    drain(aws["queue_url"])
    cartoon = signed_in.get(f"/api/cartoons/{response.json['cartoon_id']}").json
    assert [s["state"] for s in cartoon["scenes"]] == ["done", "done"]
    # An overwritten object leaves an old version behind, as versioning keeps everything.
    key = f"users/{account_id}/cartoons/{cartoon['cartoon_id']}/extra.png"
    s3.put_object(Bucket=bucket, Key=key, Body=b"one")
    s3.put_object(Bucket=bucket, Key=key, Body=b"two")
    s3.delete_object(Bucket=bucket, Key=key)  # a delete marker, over two versions
    before = s3.list_object_versions(Bucket=bucket, Prefix=f"users/{account_id}/")
    assert len(before.get("Versions", [])) > 4 and before.get("DeleteMarkers")

    assert signed_in.delete("/api/me", {"confirm": "ada@example.com"}).status == 200
    after = s3.list_object_versions(Bucket=bucket, Prefix=f"users/{account_id}/")
    assert not after.get("Versions") and not after.get("DeleteMarkers")
    assert account_id not in dump_everything(but=[PendingErasure])
    assert pending_sweeps() == [account_id]
