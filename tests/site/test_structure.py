"""The static site's shape: native ES modules with no bundler. Each page loads one module of its
own; the header, footer and skip link are drawn in one place (js/layout.js); every shared helper is
defined once and imported where it is used."""

import re
from pathlib import Path

SITE = Path(__file__).resolve().parents[2] / "site"
JS = SITE / "js"
SCRIPT = re.compile(r"<script\b([^>]*)>\s*</script>")
HEAD_LINE = re.compile(r'<meta charset="utf-8">|<meta name="viewport" [^>]+>|<title\b.*</title>'
                       r'|<link rel="stylesheet" href="/css/[\w-]+\.css">|<script\b.*</script>')
DEFINITION = re.compile(r"(?:function\s*\*?\s*([\w$]+)\s*\(|(?:const|let|var)\s+([\w$]+)\s*=)")
EXPORT = re.compile(
    r"^export\s+(?:async\s+)?(?:function\s*\*?\s*|const\s+|let\s+|class\s+)([\w$]+)", re.M)
IMPORT = re.compile(r'^import\s*\{([^}]*)\}\s*from\s*"\./([\w-]+\.js)";', re.M)


def pages():
    return sorted(SITE.glob("*.html"))


def modules():
    return sorted(JS.glob("*.js"))


def scripts(html):
    return [dict(re.findall(r'([\w-]+)(?:="([^"]*)")?', attrs)) for attrs in SCRIPT.findall(html)]


def exports(path):
    return set(EXPORT.findall(path.read_text()))


def test_each_page_head_is_small_and_loads_one_module():
    for page in pages():
        html = page.read_text()
        head = re.search(r"<head>(.*)</head>", html, re.S).group(1)
        for line in filter(None, (line.strip() for line in head.splitlines())):
            # The confirm pages keep their token out of any Referer.
            referrer = page.name.startswith("confirm") and line == (
                '<meta name="referrer" content="no-referrer">')
            assert HEAD_LINE.fullmatch(line) or referrer, (page.name, line)
        assert len(SCRIPT.findall(html)) == html.count("<script"), page.name
        loaded = scripts(html)
        assert all(s.keys() <= {"src", "type", "defer"} for s in loaded), page.name
        assert "<script" not in html.split("</head>")[1], page.name  # nothing in the body
        module = [s["src"] for s in loaded if s.get("type") == "module"]
        classic = [s["src"] for s in loaded if s.get("type") != "module"]
        assert module == [f"/js/{page.stem}.js"] and classic == [], (page.name, loaded)
        for src in module + classic:
            assert (SITE / src.lstrip("/")).is_file(), (page.name, src)


def test_no_page_repeats_the_header_or_footer():
    for page in pages():
        html = page.read_text()
        for markup in ("<header", "<footer", "site-header", "site-footer", 'class="brand"',
                       'id="account"', "skip-link", "footer.privacy", "nav."):
            assert markup not in html, (page.name, markup)
        assert html.count("<main") == 1, page.name
    drawn_by = [p.name for p in JS.glob("*.js")
                if "site-header" in p.read_text() or "site-footer" in p.read_text()]
    assert drawn_by == ["layout.js"]
    layout = (JS / "layout.js").read_text()
    for part in ('"site-header"', '"site-footer"', '"skip-link"', 'id: "lang-switch"',
                 'id: "account"', "export function drawFrame",
                 "export async function requireAccount"):
        assert part in layout, part
    # Every page's module draws the frame.
    for page in pages():
        module = next(s["src"] for s in scripts(page.read_text()) if s.get("type") == "module")
        assert re.search(r"^drawFrame\(", (SITE / module.lstrip("/")).read_text(), re.M), module


def test_each_helper_is_defined_once():
    """A name a module exports is defined nowhere else; plurals are chosen in one place
    (`new Intl.PluralRules` in js/i18n.js, which I18n.t uses for every counted text)."""
    definitions = {}
    for script in JS.glob("*.js"):
        for match in DEFINITION.finditer(script.read_text()):
            name = match.group(1) or match.group(2)
            definitions.setdefault(name, set()).add(script.name)
    helpers = {name: path.name for path in modules() for name in exports(path)}
    assert {"$", "el", "show", "message", "Api", "I18n", "poll", "drawFrame", "renderHeader",
            "requireAccount", "formatMoney", "formatDate", "purchaseState",
            "ledgerReason"} <= helpers.keys()
    extra = set()
    for name, home in helpers.items():
        extra |= {(name, f) for f in definitions.get(name, set()) - {home}}
    assert extra == set(), sorted(extra)
    choosers = {script.name for script in JS.glob("*.js")
                if "new Intl.PluralRules(" in script.read_text()}
    assert choosers == {"i18n.js"}


def test_one_polling_loop():
    """Only js/poll.js schedules a page's next round in seconds (`setTimeout(…, s * 1000)`);
    nothing polls with setInterval."""
    for script in JS.glob("*.js"):
        text = script.read_text()
        assert "setInterval(" not in text, script.name
        loops = re.findall(r"setTimeout\([^;]*\*\s*1000\)", text)
        if script.name == "poll.js":
            assert loops, "poll.js lost its loop"
        else:
            assert loops == [], (script.name, loops)
    users = sorted(p.name for p in modules() if re.search(r'from "\./poll\.js"', p.read_text()))
    assert {"export.js", "cartoon.js"} <= set(users)


def test_modules_import_what_they_use():
    """Each import names something its module exports; and a module that calls a shared helper
    imports it."""
    helpers = {name: path.name for path in modules() for name in exports(path)}
    for module in modules():
        text = module.read_text()
        imported = set()
        for names, source in IMPORT.findall(text):
            names = {n.strip() for n in names.split(",") if n.strip()}
            assert (JS / source).is_file(), (module.name, source)
            missing = names - exports(JS / source)
            assert not missing, (module.name, source, missing)
            imported |= names
        body = IMPORT.sub("", text)
        body = re.sub(r"//.*", "", body)
        own = exports(module)
        if module.name == "strings.js":
            continue  # words only: "Redraw (…)" there is text, not a call
        for name, home in helpers.items():
            if home == module.name or name in own:
                continue
            used = re.search(rf"(?<![\w$.]){re.escape(name)}(?=\s*[(.\[])", body)
            assert not used or name in imported, (module.name, name, home)


def test_only_the_documented_globals():
    """Modules keep to themselves: window gets I18n, Api and CreateForm, which the browser tests
    read (CreateForm fills the create page as the draft does)."""
    for module in modules():
        text = module.read_text()
        assigned = set(re.findall(r"window\.([\w$]+)\s*=(?!=)", text))
        allowed = {"i18n.js": {"I18n"}, "api.js": {"Api"},
                   "create.js": {"CreateForm"}}.get(module.name, set())
        assert assigned <= allowed, (module.name, assigned)
        assert "Object.assign(window" not in text, module.name


TOP_LEVEL_MUTABLE = re.compile(r"^(?:export\s+)?(?:let|var)\s+([\w$]+)", re.M)
# A module-level object or array: state, unless frozen.
TOP_LEVEL_OBJECT = re.compile(r"^(?:export\s+)?const\s+([\w$]+)\s*=\s*(?:\{|\[|new\s)", re.M)


def state_objects(family):
    """{module: ([let/var names], [unfrozen module-level objects])} for a page's modules."""
    return {path.name: (TOP_LEVEL_MUTABLE.findall(path.read_text()),
                        TOP_LEVEL_OBJECT.findall(path.read_text()))
            for path in sorted(JS.glob(f"{family}*.js"))}


def test_each_split_page_keeps_one_state_object():
    """The create and cartoon pages are split into modules (create*.js, cartoon*.js) with no
    module-level mutable state but one state object each, in its -state.js module, which the
    others import; tables of words are frozen."""
    for family, home, name in (("create", "create-state.js", "createPage"),
                               ("cartoon", "cartoon-state.js", "cartoonPage")):
        found = state_objects(family)
        assert len(found) >= 5, family  # split, not one monolith
        assert all(not lets for lets, _ in found.values()), (family, found)
        objects = {module: names for module, (_, names) in found.items() if names}
        assert objects == {home: [name]}, (family, objects)
        for module in found:
            lines = (JS / module).read_text().splitlines()
            assert len(lines) <= 400, (module, len(lines))


def test_the_state_rule_can_fail():
    sample = "let counter = 0;\nconst cache = {};\nconst WORDS = Object.freeze({});\n"
    assert TOP_LEVEL_MUTABLE.findall(sample) == ["counter"]
    assert TOP_LEVEL_OBJECT.findall(sample) == ["cache"]
