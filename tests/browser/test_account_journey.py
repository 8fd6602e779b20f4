"""Account page: change the address through its link, read the privacy page, export the data,
delete."""

import io
import json
import re
import zipfile

from playwright.sync_api import expect

from tests.support.browser import buy_pack, fill_cartoon, sign_in
from tests.support.cartoons import references_cost


def test_change_address_then_delete_the_account(page, stack):
    sign_in(page, stack, "rights@example.com")
    page.click("text=Account")
    expect(page.locator("#account-email")).to_have_text("rights@example.com")

    page.fill("#new-email", "rights.new@example.com")
    page.click("#email-form button[type=submit]")
    expect(page.locator("#account-notice")).to_contain_text("Check the new address")
    page.goto(stack.link_for("rights.new@example.com"))
    page.click("#confirm-button")
    expect(page.locator("#confirm-notice")).to_have_text("Your address is changed.")
    page.click("text=Back to your account")
    expect(page.locator("#account-email")).to_have_text("rights.new@example.com")

    page.fill("#delete-confirm", "wrong@example.com")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#delete-form button[type=submit]")
    expect(page.locator("#delete-notice")).to_contain_text("Type your email address")

    page.fill("#delete-confirm", "rights.new@example.com")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#delete-form button[type=submit]")
    expect(page.locator("#signin-notice")).to_contain_text("have been deleted")
    expect(page.locator("#who-email")).to_have_count(0)


def test_the_privacy_page_in_both_languages(page, stack):
    page.goto(stack.url + "/privacy.html")
    expect(page.locator("#policy-title")).to_have_text("Privacy policy")
    expect(page.locator("#policy-body")).to_contain_text("Sign-in link: 15 minutes")
    page.click("#lang-fr")
    expect(page.locator("#policy-title")).to_have_text("Politique de confidentialité")
    expect(page.locator("#policy-body")).to_contain_text("Lien de connexion : 15 minutes")


def test_export_my_data_and_download_the_zip(page, stack):
    sign_in(page, stack, "exporter@example.com")
    buy_pack(page, stack, "medium")
    page.click("nav >> text=Create")
    fill_cartoon(page)
    page.click("#create-submit")
    page.wait_for_url(re.compile(r"/cartoon\.html\?id=\d{13}[0-9a-f]{8}$"))
    cartoon_id = page.url.rsplit("=", 1)[1]
    expect(page.locator("#pages-card")).to_be_visible(timeout=60000)

    page.click("text=Account")
    expect(page.locator("#account-email")).to_have_text("exporter@example.com")
    expect(page.locator("#export-section")).to_be_visible()
    expect(page.locator("#export-link")).to_be_hidden()
    page.click("#export-button")
    expect(page.locator("#export-notice")).to_contain_text("Preparing your export")
    expect(page.locator("#export-link")).to_be_visible(timeout=30000)
    expect(page.locator("#export-notice")).to_contain_text("Your export is ready")
    href = page.locator("#export-link").get_attribute("href")
    assert "/exports/" in href and "X-Amz-Signature=" in href

    download = page.request.get(href)
    assert download.ok
    assert "attachment" in download.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(download.body()))
    document = json.loads(archive.read("account.json"))
    assert document["account"]["email"] == "exporter@example.com"
    # three Draft scenes, and two references at one Draft scene's price each
    assert document["account"]["balance"] == 30 - 3 - references_cost(2, "low")
    assert [p["status"] for p in document["purchases"]] == ["paid"]
    (cartoon,) = document["cartoons"]
    assert (cartoon["cartoon_id"], cartoon["title"]) == (cartoon_id, "The attic machine")
    assert cartoon["scenes"][0]["caption"] == "Meanwhile, in the attic…"
    for path in [s["image"] for s in cartoon["scenes"]] + [cartoon["strip"]]:
        assert archive.read(path).startswith(b"\x89PNG")
    assert archive.read(cartoon["pdf_letter"]).startswith(b"%PDF-")
    for path in cartoon["reader_panels"]:  # each scene lettered for a phone
        assert archive.read(path)[8:12] == b"WEBP"
    assert [s["number"] for s in cartoon["geometry"]["scenes"]] == [1, 2, 3]

    # Coming back later, the page offers the ready export again.
    page.reload()
    expect(page.locator("#export-link")).to_be_visible()
