"""The site's words: both languages hold the same keys with the same placeholders, and every key
a page or script asks for exists. (tests/browser/test_languages.py checks what pages show.)"""

import json
import re
import subprocess
from pathlib import Path

SITE = Path(__file__).resolve().parents[2] / "site"
KEY_IN_HTML = re.compile(r'data-i18n="([\w.]+)"|=([\w.]+)[,"]')
KEY_IN_JS = re.compile(r'I18n\.(?:t|parts)\(\s*"([\w.]+)"')


def catalogue():
    source = (SITE / "js" / "strings.js").read_text()  # an ES module: export const STRINGS
    script = f"{source}\nprocess.stdout.write(JSON.stringify(STRINGS));"
    return json.loads(subprocess.run(["node", "--input-type=module", "-e", script],
                                     capture_output=True, text=True, check=True).stdout)


def placeholders(value):
    texts = value.values() if isinstance(value, dict) else [value]
    return {name for text in texts for name in re.findall(r"\{(\w+)\}", text)}


def used_keys():
    keys = set()
    for page in SITE.glob("*.html"):
        html = page.read_text()
        keys |= set(re.findall(r'data-i18n="([\w.]+)"', html))
        for attrs in re.findall(r'data-i18n-attrs="([^"]+)"', html):
            keys |= {pair.split("=")[1].strip() for pair in attrs.split(",")}
    for script in (SITE / "js").glob("*.js"):
        keys |= set(KEY_IN_JS.findall(script.read_text()))
    return keys


def test_both_languages_have_the_same_keys_and_placeholders():
    strings = catalogue()
    assert set(strings) == {"en", "fr"}
    assert set(strings["en"]) == set(strings["fr"])
    for key, english in strings["en"].items():
        french = strings["fr"][key]
        assert type(english) is type(french), key
        if isinstance(english, dict):
            assert {"one", "other"} <= set(english) and {"one", "other"} <= set(french), key
        assert placeholders(english) == placeholders(french) or key.startswith(
            "account.delete_ask_credits"), key  # French says "your last credit", without n
        assert (english.strip() if isinstance(english, str) else english), key


def test_every_key_the_pages_use_is_in_the_catalogue():
    strings = catalogue()
    missing = sorted(used_keys() - set(strings["en"]))
    assert missing == []


def test_every_script_parses():
    """Each file parsed as the browser loads it: an ES module (import/export, strict)."""
    for script in sorted((SITE / "js").glob("*.js")):
        checked = subprocess.run(["node", "--input-type=module", "--check"],
                                 input=script.read_text(), capture_output=True, text=True)
        assert checked.returncode == 0, (script.name, checked.stderr[-400:])


def test_the_create_page_names_every_style_quality_layout_and_problem_the_api_has():
    """The create page (create*.js) and the cartoon page ask for these keys by the API's own
    names (`style.<key>`, `create.quality_<key>`, `create.kind_<key>`…), so the catalogue must
    follow when the API grows one."""
    from chalicelib.cartoons import specs
    from chalicelib.core.settings import get_settings

    strings = catalogue()
    wanted = {f"style.{key.replace('-', '_')}" for key, _, _ in specs.STYLE_PRESETS}
    wanted |= {f"create.quality_{key}" for key in get_settings().quality_credits}
    wanted |= {f"create.layout_{key}" for key in specs.LAYOUTS}
    wanted |= {f"create.layout_{key}_hint" for key in specs.LAYOUTS}
    wanted |= {f"{prefix}{key}" for key in specs.KINDS for prefix in (
        "create.kind_", "create.add_", "create.short_", "create.placeholder_", "cartoon.kind_",
        "cartoon.said_")}
    wanted |= {f"create.side_{side}" for side in specs.SIDES}
    create_js = "\n".join(path.read_text() for path in sorted((SITE / "js").glob("create*.js")))
    for code in specs.PLAIN_PROBLEMS:  # the lettering check's codes, worded by the page
        assert re.search(rf"\b{code}: \(", create_js), code
    for lang in ("en", "fr"):
        assert sorted(wanted - set(strings[lang])) == [], lang


CHALICELIB = SITE.parent / "chalicelib"
# Codes no person meets: Stripe's webhook is the only caller that gets these.
NOT_FOR_PEOPLE = {"invalid_signature", "invalid_event"}
FAILED_WITH = re.compile(r'\bfail\((?:[^()]|\([^()]*\))*?\bcode="(\w+)"', re.S)


def sources():
    return [path.read_text() for path in CHALICELIB.rglob("*.py")] + [
        (SITE.parent / "app.py").read_text()]


def test_every_reason_a_drawing_can_fail_for_is_worded_in_both_languages():
    """The cartoon page words a failed scene or reference from its code (`failure` in the view)
    in French, where the API's reason is English."""
    from chalicelib.adapters import images

    codes = set(images.REASONS) | {code for text in sources() for code in FAILED_WITH.findall(text)}
    assert {"stuck", "not_started", "reference_failed", "moderation_blocked"} <= codes
    strings = catalogue()
    for lang in ("en", "fr"):
        assert sorted(f"failure.{code}" for code in codes
                      if f"failure.{code}" not in strings[lang]) == [], lang


def test_every_error_code_a_person_can_meet_is_worded_in_both_languages():
    """In French, the site words an API error from its code (I18n.error); one without words
    would fall back to a vague sentence about its status."""
    from chalicelib.core import web

    failure_only = {code for text in sources() for code in FAILED_WITH.findall(text)}
    raised = {code for text in sources() for code in re.findall(r'\bcode="(\w+)"', text)}
    codes = (raised - failure_only - NOT_FOR_PEOPLE) | {code for _, code in web.STATUSES.values()}
    assert {"insufficient_credits", "content_flagged", "too_long", "rate_limited"} <= codes
    strings = catalogue()
    for lang in ("en", "fr"):
        assert sorted(code for code in codes if f"error.{code}" not in strings[lang]) == [], lang


# What the API and the site both show, by the site's key: the API's English message of each of
# these codes is what an English page shows (I18n.error), the French page words it by code.
SERVER_CODES = {"invalid_email", "same_email", "email_taken", "link_invalid", "link_used",
                "link_expired", "cartoon_not_ready"}


def test_the_server_and_the_site_word_alike_what_both_show():
    """The server's catalogue (core/words) holds the mails, the share page, the privacy policy
    and error messages; a key it shares with strings.js has the same words there, so the share
    page says what the owner's cartoon page says, and an error has one wording."""
    from chalicelib.core import share_page, vocabulary, words

    strings = catalogue()
    for lang in words.LANGUAGES:
        server = words.catalogue(lang)
        both = set(server) & set(strings[lang])
        assert sorted(key for key in both if server[key] != strings[lang][key]) == [], lang
        page_keys = {key for key in share_page.KEYS.values() if key.startswith("cartoon.")}
        # the page's number, the transcript, a scene, and each kind said (one per kind)
        assert len(page_keys) == 3 + len(vocabulary.KINDS) and page_keys <= both, lang
    english = words.catalogue("en")
    assert {f"error.{code}" for code in SERVER_CODES} <= set(english) & set(strings["en"])
    assert english["error.email_taken"] == strings["en"]["error.email_taken"]


def test_every_kind_of_the_registry_is_worded_in_both_languages_on_the_site_and_server():
    """The kinds come from the registry: a kind added without its words fails here. The site
    names, offers and says each one (strings.js); the share page and the e-book say each one
    (core/words), and differently from every other kind."""
    from chalicelib.core import vocabulary, words

    site = catalogue()
    assert len(vocabulary.KINDS) >= 7
    for lang in ("en", "fr"):
        server = words.catalogue(lang)
        for kind in vocabulary.KINDS:
            for key in (f"cartoon.said_{kind}", f"cartoon.kind_{kind}", f"create.kind_{kind}",
                        f"create.add_{kind}", f"create.short_{kind}",
                        f"create.placeholder_{kind}"):
                assert site[lang].get(key), (lang, key)
            assert site[lang][f"cartoon.said_{kind}"] == server[f"cartoon.said_{kind}"]
        said = [server[f"cartoon.said_{kind}"] for kind in vocabulary.KINDS]
        assert len(set(said)) == len(said), lang
