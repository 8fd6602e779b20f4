"""Every page in English and in French, in a real Chromium: nothing shows that is not in the
catalogue of the page's language (site/js/strings.js), the language follows the browser, can be
switched and is remembered, and axe-core finds no accessibility violation, on a desktop and on
a phone."""

import re
import tempfile
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.browser import buy_pack, sign_in

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
SIGNED_OUT = ["/", "/confirm.html", "/confirm-email.html", "/404.html", "/privacy.html"]
SIGNED_IN = ["/", "/account.html", "/gallery.html", "/credits.html", "/credits-success.html",
             "/credits-cancelled.html", "/privacy.html", "/create.html"]

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


def check_page(page, where, lang):
    """The page as it stands: in `lang`, all from the catalogue, and no axe violation."""
    assert page.evaluate("document.documentElement.lang") == lang, where
    assert "⟦" not in page.inner_text("body"), where
    assert uncatalogued(page) == [], (where, lang)
    assert violations(page) == [], (where, lang)


def check_pages(page, stack, paths, lang):
    for path in paths:
        page.goto(stack.url + path)
        settle(page)
        check_page(page, path, lang)


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


# The create page filled as a person leaves it: two characters, three scenes with their texts,
# a text too long for its panel (the lettering check's warning), an empty action and a balloon
# nobody says (the page's own problems, shown on drawing). What is typed is the person's, in
# their language.
FILLED = {
    "en": {"title": "The lighthouse", "context": "A rocky coast in winter, at night.",
           "names": ["Lou", "Mia"],
           "descriptions": ["An old keeper with a white beard and a blue coat.",
                            "A girl with a red hat and a lantern."],
           "actions": ["Lou climbs the stairs of the lighthouse.", "Mia runs along the pier.", ""],
           "texts": ["Every night, the same climb.", "Time to light the lamp!", "A boat!"],
           "long": "Heeee" + "e" * 250 + "lp!",
           "idea": "A lighthouse keeper befriends a lonely whale."},
    "fr": {"title": "Le phare", "context": "Une côte rocheuse en hiver, la nuit.",
           "names": ["Lou", "Mia"],
           "descriptions": ["Un vieux gardien à barbe blanche, en caban bleu.",
                            "Une fillette au bonnet rouge, une lanterne à la main."],
           "actions": ["Lou monte l'escalier du phare.", "Mia court le long de la jetée.", ""],
           "texts": ["Chaque nuit, la même montée.", "L'heure d'allumer la lampe !",
                     "Un bateau !"],
           "long": "Au secouuu" + "u" * 250 + "rs !",
           "idea": "Un gardien de phare se lie d'amitié avec une baleine solitaire."},
}
SHOTS = Path(tempfile.gettempdir()) / "caaartoons-shots"  # looked at by hand


def _filled(lang):
    words = FILLED[lang]
    lou, mia = words["names"]
    return {
        "title": words["title"], "context": words["context"], "style": "ligne-claire",
        "quality": "low", "layout": "auto",
        "characters": [{"name": n, "description": d}
                       for n, d in zip(words["names"], words["descriptions"], strict=True)],
        "scenes": [
            {"action": words["actions"][0], "characters": [lou],
             "elements": [{"kind": "caption", "text": words["texts"][0]},
                          {"kind": "speech", "text": words["texts"][1], "speaker": lou}]},
            {"action": words["actions"][1], "characters": [lou, mia],
             "staging": {lou: "right", mia: "left"},
             "elements": [{"kind": "thought", "text": words["long"],
                           "speaker": mia}]},
            {"action": "", "characters": [],
             "elements": [{"kind": "speech", "text": words["texts"][2], "speaker": ""}]},
        ],
    }


def _save_a_character(page, stack):
    """A character in the account's library, as the cartoon page saves one: its reference drawn,
    then saved."""
    buy_pack(page, stack, "medium")
    answer = page.evaluate("body => Api.post('/api/cartoons', body)",
                           {**_filled("en"), "approve_cast": True, "scenes": [
                               {"action": "Lou waves.", "characters": ["Lou"]}]})
    deadline = time.time() + 60
    while not page.evaluate("""id => Api.get('/api/cartoons/' + id).then(c =>
            c.cast.length > 0 && c.cast.every(r => r.state === 'done' && r.image))""",
                            answer["cartoon_id"]):
        assert time.time() < deadline, "the references were not drawn"
        time.sleep(0.5)
    page.evaluate("id => Api.post('/api/characters', {cartoon_id: id, index: 1})",
                  answer["cartoon_id"])


def test_the_create_page_filled_in_both_languages(browser, stack):
    signed_in = None  # the English browser's session, carried into the French one
    for lang in ("en", "fr"):
        context = browser.new_context(locale=f"{lang}-{'FR' if lang == 'fr' else 'GB'}",
                                      storage_state=signed_in)
        page = context.new_page()
        page.set_default_timeout(15000)
        if signed_in is None:
            sign_in(page, stack, "filled@example.com")
            _save_a_character(page, stack)
            signed_in = context.storage_state()
        for viewport in ({"width": 1280, "height": 900}, PHONE):
            page.set_viewport_size(viewport)
            where = f"/create.html {viewport['width']} px"
            page.goto(stack.url + "/create.html")
            page.evaluate("localStorage.clear()")  # no kept draft: the bare page first
            page.reload()
            settle(page)
            card = page.locator("#library-picker .library-card")
            expect(card).to_have_count(1)  # the library picker, holding the saved character
            check_page(page, f"{where}, bare", lang)

            page.evaluate("async draft => { await CreateForm.ready; CreateForm.fill(draft); }",
                          _filled(lang))
            scenes = page.locator(".scene")
            expect(scenes).to_have_count(3)
            # the lettering check's warning beside the too-long thought balloon
            warning = scenes.nth(1).locator(".field-problem[data-source=check]")
            expect(warning).to_have_text(
                re.compile("too long for its panel|trop long pour sa case"))
            page.click("#create-submit")  # the page's own problems, all at once
            expect(page.locator(".field-problem")).to_have_count(3)
            expect(scenes.nth(2).locator(".scene-action")).to_have_attribute("aria-invalid",
                                                                              "true")
            expect(page.locator("#create-notice")).to_be_visible()
            card.locator("[data-remove]").click()  # armed: asks again before deleting
            check_page(page, f"{where}, filled, with problems", lang)
            if lang == "fr":
                page.screenshot(path=str(SHOTS / f"create-fr-{viewport['width']}.png"),
                                full_page=True)

            card.locator("[data-add]").click()  # from the library into the cast
            expect(page.locator("#library-picker .notice")).to_be_visible()
            page.click("#draft-button")  # nothing typed: the draft panel says so
            expect(page.locator("#draft-notice")).to_be_visible()
            check_page(page, f"{where}, library and draft panel", lang)

            page.fill("#draft-idea", FILLED[lang]["idea"])
            page.click("#draft-button")
            expect(page.locator("#draft-notice.ok")).to_be_visible(timeout=30000)
            check_page(page, f"{where}, drafted", lang)
        context.close()
