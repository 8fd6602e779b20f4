"""Every page in English and in French, in a real Chromium: nothing shows that is not in the
catalogue of the page's language (site/js/strings.js), the language follows the browser, can be
switched and is remembered, and axe-core finds no accessibility violation, on a desktop and on
a phone."""

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from chalicelib.core import vocabulary
from tests.support.browser import STEP_MS, buy_pack, sign_in, wait_for_api

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
    page.set_default_timeout(STEP_MS)
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


# ---- The cartoon page ----
# The cartoon page in English and in French, on a desktop and on a 390 px phone, in its main
# states (the cast waiting for approval, the drawn cartoon with its pages, downloads and share box,
# the phone reader, the redraw dialog, the transcript open): nothing shows that is not in the
# catalogue, axe-core finds no violation, and the cartoon can be read as text — the transcript and
# every picture's alt text say what was submitted, scene by scene, speakers and all.
DESKTOP = {"width": 1280, "height": 900}
SHOTS = Path(tempfile.gettempdir()) / "caaartoons-shots"  # looked at by hand, not committed
NBSP = "\u00a0"
CARTOON_BODY = {
    "title": "The attic machine", "style": "ligne-claire", "quality": "low",
    "context": "A sleepy seaside town in the 1950s, warm summer light.",
    "approve_cast": True,
    "characters": [{"name": "Ana", "description": "A tall inventor, green coat."},
                   {"name": "Bruno", "description": "A small grey cat, red scarf."}],
    "scenes": [
        {"action": "Ana finds a strange machine in the attic.", "characters": ["Ana"],
         "elements": [{"kind": "caption", "text": "Summer, 1956."},
                      {"kind": "speech", "speaker": "Ana", "text": "What is this?"},
                      # Bruno is not in this scene: a voice from off panel may be anyone
                      {"kind": "offpanel", "speaker": "Bruno", "text": "Lunch!"}]},
        {"action": "Bruno presses the big red button.", "characters": ["Bruno"],
         # *stars* stress a word: lettered and shown bold, read without them
         "elements": [{"kind": "thought", "speaker": "Bruno", "text": "*So* shiny…"},
                      {"kind": "whisper", "speaker": "Bruno", "text": "Just once."},
                      {"kind": "shout", "speaker": "Bruno", "text": "Oops!"},
                      {"kind": "sound", "text": "BZZT"}]},
        {"action": "Ana and Bruno float over the town.", "characters": ["Ana", "Bruno"],
         "elements": []},
    ],
}
# How the page words a scene and its texts, in each language (site/js/strings.js).
CARTOON_WORDS = {
    "en": {"scene": "Scene {n}", "alt": "Scene {n}: {action}", "caption": "Caption: “{text}”",
           "speech": "{speaker} says: “{text}”", "thought": "{speaker} thinks: “{text}”",
           "whisper": "{speaker} whispers: “{text}”", "shout": "{speaker} shouts: “{text}”",
           "offpanel": "{speaker}, off panel: “{text}”", "sound": "Sound effect: “{text}”",
           "page": "Page {n} of {total}. {scenes} Their words are in “Read it as text”, below."},
    "fr": {"scene": "Scène {n}", "alt": f"Scène {{n}}{NBSP}: {{action}}",
           "caption": f"Récitatif{NBSP}: «{NBSP}{{text}}{NBSP}»",
           "speech": f"{{speaker}} dit{NBSP}: «{NBSP}{{text}}{NBSP}»",
           "thought": f"{{speaker}} pense{NBSP}: «{NBSP}{{text}}{NBSP}»",
           "whisper": f"{{speaker}} chuchote{NBSP}: «{NBSP}{{text}}{NBSP}»",
           "shout": f"{{speaker}} crie{NBSP}: «{NBSP}{{text}}{NBSP}»",
           "offpanel": f"{{speaker}}, hors champ{NBSP}: «{NBSP}{{text}}{NBSP}»",
           "sound": f"Onomatopée{NBSP}: «{NBSP}{{text}}{NBSP}»",
           "page": f"Planche {{n}} sur {{total}}. {{scenes}} Leurs textes sont dans «{NBSP}La lire "
                   f"en texte{NBSP}», plus bas."},
}


def said(lang, element):
    return CARTOON_WORDS[lang][element["kind"]].format(
        **{**element, "text": element["text"].replace("*", "")})


def scene_alt(lang, number):
    scene = CARTOON_BODY["scenes"][number - 1]
    return " ".join([CARTOON_WORDS[lang]["alt"].format(n=number, action=scene["action"]),
                     *(said(lang, e) for e in scene["elements"])])


def use_language(page, lang):
    page.evaluate("lang => localStorage.setItem('caaartoons.lang', lang)", lang)
    page.reload()
    settle(page)
    assert page.evaluate("document.documentElement.lang") == lang


def check_now(page, lang, what):
    """Nothing uncatalogued, no ⟦missing key⟧ and no axe violation, as the page stands."""
    page.wait_for_function("() => [...document.images].every(img => img.complete)")
    assert "⟦" not in page.inner_text("body"), (what, lang)
    assert uncatalogued(page) == [], (what, lang)
    assert violations(page) == [], (what, lang)


def check_both_widths(page, lang, what):
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        check_now(page, lang, f"{what} at {viewport['width']} px")
    page.set_viewport_size(DESKTOP)


def texts_of(locator):
    return locator.evaluate_all("nodes => nodes.map(n => n.textContent)")


def assert_reads_as_submitted(page, lang):
    """The transcript, and the alt text of every picture, against the submitted cartoon."""
    items = page.locator("#transcript-list > li")
    expect(items).to_have_count(3)
    for number, scene in enumerate(CARTOON_BODY["scenes"], 1):
        item = items.nth(number - 1)
        assert item.locator("h3").text_content() == CARTOON_WORDS[lang]["scene"].format(n=number)
        assert item.locator(".transcript-action").text_content() == scene["action"]
        # each caption and balloon in reading order, with who says or thinks it
        assert texts_of(item.locator(".transcript-line")) == [
            said(lang, e) for e in scene["elements"]]
        assert texts_of(item.locator(".transcript-line strong")) == (["So"] if number == 2
                                                                     else [])
        assert page.locator(f"#scene-{number} .panel-image").get_attribute("alt") == scene_alt(
            lang, number)
    assert page.locator(".page-image").count() == 1
    named = " ".join(CARTOON_WORDS[lang]["alt"].format(n=n, action=s["action"])
                     for n, s in enumerate(CARTOON_BODY["scenes"], 1))
    assert page.locator(".page-image").get_attribute("alt") == CARTOON_WORDS[lang]["page"].format(
        n=1, total=1, scenes=named)


def test_the_cartoon_page_in_english_and_french(browser, stack):
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(locale="en-GB", viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(STEP_MS)
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    sign_in(page, stack, "bilingual-cartoon@example.com")
    buy_pack(page, stack, "medium")  # 30 credits
    answer = page.evaluate("body => Api.post('/api/cartoons', body)", CARTOON_BODY)
    assert answer["balance"] == 30 - 3 - 2 * 1  # three scenes, two references at 1 credit
    page.goto(stack.url + answer["url"])

    # The cast waits for approval: the pictures, the approve button, the scenes' text editors.
    expect(page.locator("#cast [data-approve]")).to_be_enabled(timeout=60000)
    expect(page.locator("#progress-text")).to_contain_text("approve the cast")
    check_both_widths(page, "en", "cast waiting")
    # the scenes' text editors offer every kind of the registry, worded
    kinds = page.locator(".edit-kind").first.evaluate(
        "s => [...s.options].map(o => [o.value, o.textContent])")
    assert [k for k, _ in kinds] == list(vocabulary.KINDS) and all(label for _, label in kinds)
    use_language(page, "fr")
    approve = page.locator("#cast [data-approve]")
    expect(approve).to_have_text("Valider les personnages")
    expect(page.locator("#cast img").first).to_have_attribute(
        "alt", f"Ana, image de référence{NBSP}: A tall inventor, green coat.")
    check_both_widths(page, "fr", "cast waiting")
    # Redrawing a reference states its cost first, in French too.
    bruno = page.locator("#cast .cast-card[data-index='1']")
    bruno.locator("[data-redraw]").click()
    expect(bruno.locator("[data-cost]")).to_have_text(
        "Une nouvelle image pour Bruno coûte 1 crédit. S'il est impossible de la dessiner, il "
        "vous est rendu.")
    expect(bruno.locator("[data-confirm-redraw]")).to_have_text(
        f"Confirmer{NBSP}: redessiner pour 1 crédit")
    check_now(page, "fr", "cast redraw form")
    bruno.locator("button[type=reset]").click()

    approve.click()
    expect(page.locator("#cast [data-cast-notice]")).to_contain_text("Personnages validés")
    expect(page.locator("#progress-text")).to_have_text(
        f"Terminée{NBSP}: 3 scènes sur 1 planche.", timeout=60000)
    expect(page.locator("#cartoon-meta")).to_have_text(
        "Ligne claire · 1 crédit par scène · 5 crédits dépensés, nouveaux dessins compris")

    # Drawn: the page view, downloads and share box; on a phone, the reader.
    for lang in ("fr", "en"):
        use_language(page, lang)
        expect(page.locator("#share-create")).to_be_visible()
        expect(page.locator(".page-image")).to_be_visible()
        check_both_widths(page, lang, "drawn")
        page.locator("#transcript-summary").click()  # the transcript, opened
        expect(page.locator("#transcript-list")).to_be_visible()
        assert_reads_as_submitted(page, lang)
        check_both_widths(page, lang, "transcript open")
    # 1 page, 2 books and their 2 print editions, 1 CBZ, 1 EPUB
    expect(page.locator("#downloads a")).to_have_count(7)
    expect(page.locator("#download-pdf")).to_have_text("PDF for A4 paper")

    # The phone reader: each panel's picture says what it shows; the transcript is a link away,
    # and opening it takes the focus there.
    use_language(page, "fr")
    page.set_viewport_size(PHONE)
    expect(page.locator("#reader")).to_be_visible()
    expect(page.locator("#reader-count")).to_have_text("1 / 3")
    expect(page.locator("#reader-image")).to_have_attribute("alt", scene_alt("fr", 1))
    page.click("#reader-next")
    expect(page.locator("#reader-image")).to_have_attribute("alt", scene_alt("fr", 2))
    expect(page.locator("#reader-status")).to_have_text(
        f"Case 2 sur 3. {scene_alt('fr', 2)}")
    check_now(page, "fr", "reader on panel 2")
    expect(page.locator("#transcript")).not_to_have_attribute("open", "")
    page.click("#reader-transcript")
    expect(page.locator("#transcript")).to_have_attribute("open", "")
    expect(page.locator("#transcript-summary")).to_be_focused()
    check_now(page, "fr", "reader with the transcript open")
    page.screenshot(path=str(SHOTS / "cartoon-fr-390-transcript.png"), full_page=True)
    # From the keyboard: the summary closes and opens it.
    page.keyboard.press("Enter")
    expect(page.locator("#transcript")).not_to_have_attribute("open", "")
    page.keyboard.press("Enter")
    expect(page.locator("#transcript")).to_have_attribute("open", "")
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SHOTS / "cartoon-fr-1280.png"), full_page=True)

    # The redraw dialog, in French: the cost first, confirmed, and the cost shown includes it.
    page.locator("#scene-2 .redraw").click()
    dialog = page.locator("dialog.redraw-dialog")
    expect(dialog.locator(".redraw-cost")).to_have_text(
        f"Redessiner la scène 2 pour 1 crédit{NBSP}?")
    expect(dialog.locator(".redraw-confirm")).to_have_text("Redessiner pour 1 crédit")
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        check_now(page, "fr", f"redraw dialog at {viewport['width']} px")
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SHOTS / "cartoon-fr-redraw-dialog.png"))
    dialog.locator(".redraw-note").fill("Un bouton plus gros.")
    dialog.locator(".redraw-confirm").click()
    expect(dialog).to_have_count(0)
    expect(page.locator("#who-balance")).to_have_text("24 crédits")
    versions = page.locator("#scene-2 .versions-strip")
    expect(versions.locator(".version")).to_have_count(2, timeout=30000)
    expect(page.locator("#progress-text")).to_have_text(
        f"Terminée{NBSP}: 3 scènes sur 1 planche.", timeout=30000)
    expect(page.locator("#cartoon-meta")).to_contain_text(
        "6 crédits dépensés, nouveaux dessins compris")
    expect(versions.locator(".version.chosen .badge")).to_have_text("Affichée")
    check_both_widths(page, "fr", "redrawn, two versions")

    # A scene that could not be drawn (the offline renderer never fails: the API's answer is
    # altered on its way to the page) says so, with its refund, in both languages.
    page.route(ONE_CARTOON, failed_scene)
    for lang in ("en", "fr"):
        use_language(page, lang)
        expect(page.locator("#scene-3")).to_have_attribute("data-state", "failed")
        check_now(page, lang, "a failed scene")
    # worded from the failure's code; the API's English reason is not shown in French
    expect(page.locator("#scene-3 .panel-failure")).to_have_text(
        "Le filtre de sécurité du service de dessin a refusé cette image. Essayez de la décrire "
        "autrement. 1 crédit rendu.")
    expect(page.locator("#progress-text")).to_have_text(
        f"Scènes dessinées{NBSP}: 2 sur 3{NBSP}; 1 n'a pas pu être dessinée et a été remboursée.")
    expect(page.locator("#transcript-list > li").nth(2).locator("h3")).to_have_text(
        "Scène 3 (pas dessinée)")
    page.unroute(ONE_CARTOON)

    # An address that names no cartoon says so, and where to go.
    page.goto(stack.url + "/cartoon.html")
    expect(page.locator("#cartoon-notice")).to_contain_text("Cette adresse ne désigne aucune BD.")
    expect(page.locator("#cartoon-notice a")).to_have_attribute("href", "/gallery.html")
    check_now(page, "fr", "no cartoon")
    assert [e for e in errors if "i18n" in e] == []
    context.close()


# The cartoon's own address, not the options the cartoon page also reads (its limits).
ONE_CARTOON = re.compile(r"/api/cartoons/[0-9]{13}[0-9a-f]{8}$")


def failed_scene(route):
    """The cartoon as the API sends it, with its third scene failed and refunded."""
    response = route.fetch()
    view = response.json()
    scene = view["scenes"][2]
    scene.update(state="failed", image=None, failure="moderation_blocked",
                 reason="The drawing service's safety system refused this picture.",
                 refunded=1, versions=[])
    view.update(status="incomplete", pages=[], panels=[], pdf=None, pdf_letter=None, cbz=None,
                strip=None, progress={**view["progress"], "done": 2, "failed": 1})
    route.fulfill(response=response, json=view)
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
    wait_for_api(page, """id => Api.get('/api/cartoons/' + id).then(c =>
        c.cast.length > 0 && c.cast.every(r => r.state === 'done' && r.image))""",
                 answer["cartoon_id"])
    page.evaluate("id => Api.post('/api/characters', {cartoon_id: id, index: 1})",
                  answer["cartoon_id"])


def test_the_create_page_filled_in_both_languages(browser, stack):
    signed_in = None  # the English browser's session, carried into the French one
    for lang in ("en", "fr"):
        context = browser.new_context(locale=f"{lang}-{'FR' if lang == 'fr' else 'GB'}",
                                      storage_state=signed_in)
        page = context.new_page()
        page.set_default_timeout(STEP_MS)
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
            expect(page.locator("#create-submit")).to_be_disabled()  # held while flagged
            expect(page.locator("#create-held")).to_be_visible()
            page.evaluate("document.querySelector('#create-form').requestSubmit()")
            # the page's own problems, all at once, beside the check's warning
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
