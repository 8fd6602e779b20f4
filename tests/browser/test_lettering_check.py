"""The lettering check as one types (site/js/lettering-check.js), in English and in French: a
line too long for its panel is flagged beside that very field, in the create page and in the
cartoon page's text editor, with the scene's meter showing it past full and the button that
would send it waiting, before anything is submitted or charged."""

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.browser import STEP_MS, buy_pack, sign_in, wait_for_api

SHOTS = Path(tempfile.gettempdir()) / "caaartoons-shots"  # looked at by hand
# Long, every word a short one (it wraps; it is just more than the panel has room for).
LONG = {
    "en": ("I really do not know what you mean by that, but I think we should leave before the "
           "tide comes in and the lighthouse goes dark for good tonight, because nobody will "
           "come looking for us here, not even your uncle, who promised so many times to come "
           "and never came, not once in ten years, you know it well. So come on, take your "
           "coat and let us go right now, before it is too late."),
    "fr": ("Je ne sais pas ce que tu veux dire par là, mais je crois que nous devrions partir "
           "avant que la marée ne monte et que le phare ne s'éteigne pour de bon, parce que "
           "personne ne viendra nous chercher ici, pas même ton oncle, qui a promis tant de "
           "fois de venir et qui n'est jamais venu, pas une seule fois en dix ans, tu le sais "
           "bien. Alors viens, prends ton manteau, et partons maintenant."),
}
FLAGGED = {"en": "This scene has more text than its panel has room for above the characters",
           "fr": "Cette scène a plus de texte que sa case ne peut en loger au-dessus des "
                 "personnages"}
OVER = {"en": "Too much text", "fr": "Trop de texte"}
USED = {"en": "Room for text:", "fr": "Place pour le texte"}
HELD = {"en": "Fix the flagged text first. Nothing has been charged.",
        "fr": "Corrigez d'abord le texte signalé. Rien n'a été débité."}


def _context(browser, lang):
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(locale=f"{lang}-{'FR' if lang == 'fr' else 'GB'}")
    page = context.new_page()
    page.set_default_timeout(STEP_MS)
    return context, page


def _draft(lang):
    return {"title": "Le phare" if lang == "fr" else "The lighthouse",
            "context": "A rocky coast in winter.", "style": "ligne-claire", "quality": "low",
            "layout": "strip",
            "characters": [{"name": "Lou", "description": "An old keeper, white beard."}],
            "scenes": [{"action": "Lou climbs the stairs.", "characters": ["Lou"],
                        "elements": [{"kind": "speech", "text": "Hello!", "speaker": "Lou"}]}]}


def _requests(page):
    sent = []
    page.on("request", lambda request: sent.append((request.method, request.url)))
    return sent


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_create_page_flags_a_line_too_long_for_its_panel_as_it_is_typed(
        browser, stack, lang):
    context, page = _context(browser, lang)
    sign_in(page, stack, f"typing-{lang}@example.com")
    page.goto(stack.url + "/create.html")
    page.evaluate("localStorage.clear()")
    page.reload()
    page.evaluate("async draft => { await CreateForm.ready; CreateForm.fill(draft); }",
                  _draft(lang))
    balance = page.locator("#who-balance").inner_text()
    sent = _requests(page)
    scene = page.locator(".scene").first
    text = scene.locator(".element").first.locator(".element-text")
    meter = scene.locator("[role=meter]")
    expect(meter).to_have_attribute("aria-valuetext", re.compile(USED[lang]))  # room to spare

    text.fill(LONG[lang])
    problem = scene.locator(".element").first.locator(".field-problem[data-source=check]")
    expect(problem).to_contain_text(FLAGGED[lang])
    expect(text).to_have_attribute("aria-invalid", "true")
    expect(text).to_have_attribute("aria-describedby", problem.get_attribute("id"))
    expect(meter).to_have_attribute("aria-valuetext", re.compile(OVER[lang]))
    expect(meter).to_contain_text(OVER[lang])
    expect(page.locator("#create-submit")).to_be_disabled()
    expect(page.locator("#create-held")).to_have_text(HELD[lang])
    expect(page.locator(".field-problem")).to_have_count(1)  # only that field
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        problem.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"lettering-create-{lang}-{width}.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    # nothing sent to be drawn, nothing charged
    assert not [url for method, url in sent if method == "POST" and url.endswith("/api/cartoons")]
    expect(page.locator("#who-balance")).to_have_text(balance)

    # Typed a letter at a time: one check once typing pauses, not one per key.
    checks = len([url for _, url in sent if url.endswith("/lettering-check")])
    text.fill("")
    text.press_sequentially("Hello there!", delay=20)
    expect(problem).to_have_count(0)
    expect(text).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#create-submit")).to_be_enabled()
    expect(page.locator("#create-held")).to_be_hidden()
    expect(meter).to_have_attribute("aria-valuetext", re.compile(USED[lang]))
    typed = len([url for _, url in sent if url.endswith("/lettering-check")]) - checks
    assert 1 <= typed < len("Hello there!")
    context.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_text_editor_flags_a_line_too_long_for_its_panel_as_it_is_typed(
        browser, stack, lang):
    context, page = _context(browser, lang)
    sign_in(page, stack, f"editing-{lang}@example.com")
    buy_pack(page, stack, "small")
    cartoon_id = page.evaluate("body => Api.post('/api/cartoons', body)",
                               _draft(lang))["cartoon_id"]
    wait_for_api(page, "id => Api.get('/api/cartoons/' + id).then(c => c.status === 'done')",
                 cartoon_id)
    page.goto(f"{stack.url}/cartoon.html?id={cartoon_id}")
    card = page.locator("#scene-1")
    text = card.locator(".edit-text").first
    expect(text).to_have_value("Hello!")
    balance = page.locator("#who-balance").inner_text()
    sent = _requests(page)

    text.fill(LONG[lang])
    notice = card.locator(".element-row").first.locator("[data-element-notice]")
    expect(notice).to_contain_text(FLAGGED[lang])
    expect(text).to_have_attribute("aria-invalid", "true")
    expect(text).to_have_attribute("aria-describedby", notice.get_attribute("id"))
    meter = card.locator("[role=meter]")
    expect(meter).to_have_attribute("aria-valuetext", re.compile(OVER[lang]))
    save = card.locator("button[type=submit]")
    expect(save).to_be_disabled()
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        notice.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"lettering-editor-{lang}-{width}.png"))
    assert not [url for method, url in sent if method == "PATCH"]  # nothing saved

    text.fill(LONG[lang][:60])
    expect(notice).to_be_hidden()
    expect(text).not_to_have_attribute("aria-invalid", "true")
    expect(meter).to_have_attribute("aria-valuetext", re.compile(USED[lang]))
    expect(save).to_be_enabled()
    save.click()
    expect(card.locator("[data-notice]").last).to_be_visible()
    wait_for_api(page, """([id, text]) => Api.get('/api/cartoons/' + id).then(c =>
        c.scenes[0].elements[0].text === text)""", [cartoon_id, LONG[lang][:60].strip()])
    expect(page.locator("#who-balance")).to_have_text(balance)  # an edit is free
    context.close()
