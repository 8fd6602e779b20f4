"""Account page: change the address through its link, read the privacy page, delete."""

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


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
