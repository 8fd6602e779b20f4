"""Every page in English and in French, in a real Chromium: nothing shows that is not in the
catalogue of the page's language (site/js/strings.js), the language follows the browser, can be
switched and is remembered, and axe-core finds no accessibility violation, on a desktop and on
a phone."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.browser import sign_in

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
SIGNED_OUT = ["/", "/confirm.html", "/confirm-email.html", "/404.html", "/privacy.html"]
SIGNED_IN = ["/", "/account.html", "/gallery.html", "/credits.html", "/credits-success.html",
             "/credits-cancelled.html", "/privacy.html"]

# The text nodes a person sees, with what is not ours to translate left out: what they typed
# (marked translate="no"), what the API words itself (data-external-text), and bare numbers,
# dates and prices (Intl formats them).
VISIBLE_TEXTS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, text = node.textContent.trim(), parent = node.parentElement;
    if (!text || parent.closest('[translate="no"], [data-external-text], script, style')) continue;
    if (!parent.checkVisibility() || /^[\\d\\s.,:;·/+\\-\\u2013€$£%()]*$/.test(text)) continue;
    out.push(text);
  }
  return out;
}"""


def uncatalogued(page):
    """What the page shows that the catalogue did not produce."""
    produced = set(page.evaluate("() => [...I18n.produced]"))
    return [text for text in page.evaluate(VISIBLE_TEXTS) if text not in produced]


def settle(page):
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => window.I18n !== undefined || typeof I18n !== 'undefined'")


def violations(page):
    if not AXE.exists():
        pytest.fail("axe-core is missing: `make test` installs it (npm ci)")
    page.evaluate(AXE.read_text())  # evaluated by the driver, so the page's CSP allows it
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']}))"
                          ".violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.target)}))")
    return found


def check_pages(page, stack, paths, lang):
    for path in paths:
        page.goto(stack.url + path)
        settle(page)
        assert page.evaluate("document.documentElement.lang") == lang, path
        assert "⟦" not in page.inner_text("body"), path
        assert uncatalogued(page) == [], (path, lang)
        assert violations(page) == [], (path, lang)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_signed_out_pages_speak_the_browsers_language(browser, stack, lang):
    for viewport in (None, PHONE):
        context = browser.new_context(locale=f"{lang}-{'FR' if lang == 'fr' else 'GB'}",
                                      viewport=viewport or {"width": 1280, "height": 900})
        page = context.new_page()
        errors = []
        page.on("console", lambda msg, seen=errors: seen.append(msg))
        check_pages(page, stack, SIGNED_OUT, lang)
        assert [m.text for m in errors if m.type == "error" and "i18n" in m.text] == []
        # The checks can fail: an image without alt text, and a string from nowhere.
        page.evaluate("document.querySelector('main').append(Object.assign("
                      "document.createElement('img'), {src: '/favicon.svg'}), 'Hello there')")
        assert [v["id"] for v in violations(page)] == ["image-alt"]
        assert uncatalogued(page) == ["Hello there"]
        context.close()


def test_signed_in_pages_in_both_languages_switched_and_remembered(browser, stack):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, stack, "bilingual@example.com")
    expect(page.locator("#welcome-heading")).to_have_text("Welcome to Caaartoons")
    # With no credits, the first step is buying some.
    expect(page.locator("#welcome-actions a").first).to_have_attribute("href", "/credits.html")
    check_pages(page, stack, SIGNED_IN, "en")

    page.goto(stack.url + "/account.html")
    page.click("#lang-switch")
    expect(page.locator("h1")).to_have_text("Votre compte")
    expect(page.locator("#sign-out")).to_have_text("Se déconnecter")
    check_pages(page, stack, SIGNED_IN, "fr")
    page.set_viewport_size(PHONE)
    check_pages(page, stack, SIGNED_IN, "fr")

    page.goto(stack.url + "/credits.html")  # remembered in this browser
    expect(page.locator("h1")).to_have_text("Vos crédits")
    expect(page.locator("#credits-balance")).to_have_text("0 crédit")
    context.close()


def test_signing_in_brings_you_back_where_you_were(browser, stack):
    context = browser.new_context()
    page = context.new_page()
    page.goto(stack.url + "/credits.html")
    page.wait_for_url("**/?next=%2Fcredits.html")
    page.fill("#email", "returning@example.com")
    page.click("#signin-form button[type=submit]")
    page.wait_for_selector("#check-email:not([hidden])")
    page.goto(stack.link_for("returning@example.com"))
    page.click("#confirm-button")
    page.wait_for_url("**/credits.html")
    expect(page.locator("h1")).to_have_text("Your credits")
    context.close()


def test_an_outside_address_is_never_where_sign_in_leads(browser, stack):
    context = browser.new_context()
    page = context.new_page()
    for bad in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        page.goto(f"{stack.url}/?next={bad}")
        assert page.evaluate("localStorage.getItem('caaartoons.return')") is None, bad
    page.goto(f"{stack.url}/?next=%2Fgallery.html")
    assert page.evaluate("localStorage.getItem('caaartoons.return')") == "/gallery.html"
    context.close()
