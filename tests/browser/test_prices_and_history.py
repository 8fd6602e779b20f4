"""Issue 21 in a real Chromium, in English and in French: every price a page shows is the one
the API computes (home, welcome, create, credits), the credit history reads as sentences with
titles and links, and a character saved to the library says so after a reload."""

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.support.browser import STEP_MS, buy_pack, fill_cast, sign_in, wait_for_api

LOCALES = {"en": "en-GB", "fr": "fr-FR"}


def api(stack, path):
    with urllib.request.urlopen(stack.url + path, timeout=30) as answer:
        return json.load(answer)


def context_for(browser, lang, phone=False):
    context = browser.new_context(locale=LOCALES[lang], viewport={"width": 390, "height": 844}
                                  if phone else {"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(STEP_MS)
    return context, page


def number_in(text):
    """The first whole number in a text as a page shows it ("1 234" and "1,234" alike)."""
    digits = ""
    for ch in text:
        if ch.isdigit():
            digits += ch
        elif digits and ch not in ",\u202f\u00a0 ":
            break
    return int(digits)


def money(page, amount, currency):
    return page.evaluate("([a, c]) => I18n.money(a, c)", [amount, currency])


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_price_shown_is_the_apis(browser, stack, lang):
    options, packs = api(stack, "/api/cartoons/options"), api(stack, "/api/packs")["packs"]
    per_scene = {q["key"]: q["credits_per_scene"] for q in options["qualities"]}
    draft = min(options["qualities"], key=lambda q: q["credits_per_scene"])
    short = 3 * draft["credits_per_scene"] + 2 * draft["reference_credits"]
    smallest = min(packs, key=lambda p: p["credits"])
    assert short <= smallest["credits"]  # a short first cartoon fits in the smallest pack

    context, page = context_for(browser, lang)
    page.goto(stack.url + "/")
    for pack in packs:
        card = page.locator(f"#prices .pack[data-pack={pack['id']}]")
        expect(card.locator(".price")).to_have_text(money(page, pack["amount"],
                                                          pack["currency"]))
        for key, each in per_scene.items():
            line = card.locator(f"li[data-quality={key}]")
            assert number_in(line.inner_text()) == pack["credits"] // each
    example = page.locator("#prices-example")
    expect(example).to_have_attribute("data-total", str(short))
    assert str(short) in example.inner_text()

    sign_in(page, stack, f"prices-{lang}@example.com")
    first = page.locator("#first-step")
    expect(first).to_have_attribute("data-total", str(short))
    assert f"{smallest['credits']}\u00a0" in first.inner_text()

    buy_pack(page, stack, smallest["id"])
    page.goto(stack.url + "/credits.html")
    for pack in packs:
        card = page.locator(".pack", has=page.locator(f"button[data-pack={pack['id']}]"))
        expect(card.locator(".price")).to_have_text(money(page, pack["amount"],
                                                          pack["currency"]))
        expect(card.locator("h3")).to_contain_text(str(pack["credits"]))

    page.goto(stack.url + "/create.html")
    fill_cast(page)  # two new characters, Draft
    page.click("#add-scene")
    page.click("#add-scene")
    for quality in per_scene:
        page.select_option("#quality", quality)
        quote = page.evaluate("(q) => Api.post('/api/cartoons/quote', "
                              "{quality: q, scenes: 3, references: 2})", quality)
        expect(page.locator("#cost")).to_have_attribute("data-total", str(quote["total"]))
        expect(page.locator("#create-submit")).to_contain_text(str(quote["total"]))
    context.close()


# Every kind of line the history can hold, as GET /api/credits serves them (the API side is
# tests/money/test_ledger_words.py): with the cartoon alive (a link), gone (the title kept),
# and an older entry whose cartoon is gone (no title was kept).
LIVE = {"title": "The lighthouse", "url": "/cartoon.html?id=17965000000000000abcd"}
WHATS = [
    {"kind": "purchase", "credits": 10, "pack": "small"},
    {"kind": "cartoon", "scenes": 3, "characters": 2, **LIVE},
    {"kind": "scene_redraw", "panel": 2, **LIVE},
    {"kind": "scene_refund", "panel": 4, "title": "The lighthouse"},
    {"kind": "reference_redraw", "name": "Lou", **LIVE},
    {"kind": "reference_refund", "name": "Mia", "title": "The lighthouse"},
    {"kind": "clawback", "credits": 10, "pack": "small"},
    {"kind": "cartoon"},
    {"kind": "adjustment"},
]
EXPECTED = {
    "en": ["Bought 10\u00a0credits (small pack)",
           "Cartoon «The lighthouse»: 3\u00a0scenes, 2\u00a0characters",
           "Redraw of panel 2 of «The lighthouse»",
           "Refund: panel 4 of «The lighthouse» could not be drawn",
           "Redraw of Lou's picture in «The lighthouse»",
           "Refund: Mia's picture for «The lighthouse» could not be drawn",
           "Purchase of 10\u00a0credits refunded: credits taken back",
           "A cartoon, since deleted",
           "Adjustment: Goodwill after the outage"],
    "fr": ["Achat de 10\u00a0crédits (petit pack)",
           "BD «\u00a0The lighthouse\u00a0»\u00a0: 3\u00a0scènes, 2\u00a0personnages",
           "Nouveau dessin de la case 2 de «\u00a0The lighthouse\u00a0»",
           "Remboursement\u00a0: la case 4 de «\u00a0The lighthouse\u00a0» n'a pas pu être "
           "dessinée",
           "Nouveau dessin de Lou pour «\u00a0The lighthouse\u00a0»",
           "Remboursement\u00a0: l'image de Mia pour «\u00a0The lighthouse\u00a0» n'a pas pu "
           "être dessinée",
           "Achat de 10\u00a0crédits remboursé\u00a0: crédits repris",
           "Une BD, supprimée depuis",
           "Ajustement\u00a0: Goodwill after the outage"],
}


def statement():
    return {"balance": 5, "next_cursor": None, "entries": [
        {"id": f"1796500000000#{n:06d}", "delta": 1, "reason": "adjustment", "unrecovered": 0,
         "cause": "x", "note": "Goodwill after the outage" if w["kind"] == "adjustment" else "",
         "created_at": "2026-12-01T10:00:00+00:00", "what": w} for n, w in enumerate(WHATS)]}


# Every word of the credits tables that a line break cuts in two.
CUT_WORDS = """() => {
  const cut = [];
  for (const cell of document.querySelectorAll('#ledger :is(td, th), #purchases :is(td, th)')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of node.textContent.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) cut.push(word[0]);
      }
    }
  }
  return cut;
}"""


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_each_history_line_says_what_happened_in_the_readers_language(browser, stack, lang):
    context, page = context_for(browser, lang, phone=True)
    sign_in(page, stack, f"history-{lang}@example.com")
    page.route("**/api/credits", lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps(statement())))
    page.goto(stack.url + "/credits.html")
    lines = page.locator("#ledger tr.entry td.ledger-what")
    expect(lines).to_have_count(len(WHATS))
    assert [t.strip() for t in lines.all_inner_texts()] == EXPECTED[lang]
    links = page.locator("#ledger a.ledger-link")
    expect(links).to_have_count(3)  # the lines whose cartoon still exists
    expect(links.first).to_have_attribute("href", LIVE["url"])
    assert "17965000000000000abcd" not in page.inner_text("#ledger")  # no raw id shown
    # At 390 px no word of the tables is cut in two (as "cré|dits" and "Pa|yé" were).
    buy_pack(page, stack, "small")
    page.goto(stack.url + "/credits.html")
    expect(page.locator("#purchases tr.purchase")).to_have_count(1)
    broken = page.evaluate(CUT_WORDS)
    assert broken == []
    context.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_saved_character_says_it_is_in_the_library_after_a_reload(browser, stack, lang):
    context, page = context_for(browser, lang)
    sign_in(page, stack, f"library-{lang}@example.com")
    buy_pack(page, stack, "medium")
    page.goto(stack.url + "/create.html")
    fill_cast(page)
    page.locator(".scene-action").first.fill("Ada waves at Bram.")
    page.locator(".scene").first.get_by_label("Ada", exact=True).check()
    page.click("#create-submit")
    page.wait_for_url("**/cartoon.html?id=*")
    save = page.locator("#cast [data-save]").first
    expect(save).to_be_enabled(timeout=60000)
    save.click()
    in_library = page.evaluate("I18n.t('cartoon.cast_in_library')")
    expect(save).to_have_text(in_library)
    page.reload()
    saved = page.locator("#cast [data-save]").first
    expect(saved).to_have_text(in_library)
    expect(saved).to_be_disabled()
    wait_for_api(page, "() => Api.get('/api/characters').then((p) => p.characters.length === 1)")
    context.close()
