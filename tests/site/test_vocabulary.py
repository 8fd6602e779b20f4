"""The site copies none of the product's numbers: every limit and price comes from
`GET /api/cartoons/options` (core/vocabulary.py, the quality credits, the reference price), so
a literal limit or price in site/js is a second copy, and fails here."""

import json
import re
import subprocess
from pathlib import Path

from chalicelib.accounts import limits as rate_limits
from chalicelib.cartoons import specs
from chalicelib.core import vocabulary
from chalicelib.core.settings import get_settings

JS = Path(__file__).resolve().parents[2] / "site" / "js"
NUMBER = re.compile(r"(?<![\w$.])(\d+(?:\.\d+)?)(?![\w.])")
# Where a number is a limit or a price: a maxlength or max, or a constant named like one.
LIMIT_ATTRIBUTE = re.compile(r"\b(?:maxlength|maxLength|max)\s*[:=]\s*(\d+)")
LIMIT_CONSTANT = re.compile(
    r"\bconst\s+(\w*(?:LIMIT|MAX|MIN|PER_|CREDIT|PRICE|COST)\w*)\s*=\s*(\d+)", re.I)
# Words that make a line about limits or prices, for a number that equals one of them.
ABOUT_LIMITS = re.compile(r"\b(?:limits?|max|maxlength|credits?|price|cost|scenes?|characters?|"
                          r"elements?|notes?|ideas?|drafts?|quality)\b", re.I)
REGEX_BEFORE = set("(,=:[!&|?{};+-*%<>~^") | {""}


def registry_values():
    """Every number the API serves as a limit or a price."""
    settings = get_settings()
    served = {**vocabulary.limits(),
              "drafts_per_hour": rate_limits.RULES["draft-account-hour"][0]}
    return set(served.values()) | set(settings.quality_credits.values()) | {
        specs.reference_credits(level) for level in settings.quality_credits}


def code_only(source):
    """The script without its comments and the insides of its strings and regexes (numbers
    there are words or patterns, not limits); line breaks kept."""
    out, i, last = [], 0, ""
    while i < len(source):
        ch, two = source[i], source[i:i + 2]
        if two == "//":
            i = source.find("\n", i)
            i = len(source) if i < 0 else i
        elif two == "/*":
            end = source.find("*/", i + 2)
            out.append("\n" * source.count("\n", i, end))
            i = end + 2
        elif ch in "\"'`" or (ch == "/" and (last in REGEX_BEFORE or re.search(
                r"\b(?:return|typeof|case|in|of)\s*$", "".join(out[-12:])))):
            j = i + 1
            while j < len(source) and source[j] != ch:
                j += 2 if source[j] == "\\" else 1
            out.append(ch + "\n" * source.count("\n", i, j) + ch)
            i, last = j + 1, ch
        else:
            out.append(ch)
            if not ch.isspace():
                last = ch
            i += 1
    return "".join(out)


PERCENT = re.compile(r"\*\s*100\b(?!\.\d)")


def literal_limits(source, values):
    """(line number, text) of every literal limit or price in a script."""
    found = []
    for number, line in enumerate(code_only(source).splitlines(), 1):
        line = PERCENT.sub("", line)  # a share shown as a percentage is no limit
        hits = LIMIT_ATTRIBUTE.findall(line) + [n for _, n in LIMIT_CONSTANT.findall(line)]
        about = ABOUT_LIMITS.search(re.sub(r"Math\.(max|min)", "", line))
        hits += [n for n in NUMBER.findall(line) if about and float(n) in values
                 and float(n) >= 10]
        found += [(number, line.strip()) for _ in hits[:1]]
    return found


def test_no_limit_or_price_is_a_literal_in_site_js():
    values = registry_values()
    wrong = {path.name: literal_limits(path.read_text(), values)
             for path in sorted(JS.glob("*.js")) if path.name != "strings.js"}
    assert {name: lines for name, lines in wrong.items() if lines} == {}


def test_the_catalogue_words_no_limit_as_a_number():
    """A limit in words is a placeholder ({n}), filled from the options."""
    values = {v for v in registry_values() if v >= 10}
    words = re.findall(r'"((?:[^"\\]|\\.)*)"', (JS / "strings.js").read_text())
    wrong = [w for w in words if any(float(n) in values for n in NUMBER.findall(w))]
    assert wrong == []


def test_the_check_sees_a_copied_limit():
    values = registry_values()
    for copy in ('const NOTE_LIMIT = 300;', 'el("textarea", { maxlength: 300 })',
                 'if (scenes.length > 12) message(notice, "too many");',
                 'const PER_HOUR = 20;', 'const REFERENCE_CREDITS = 4;',
                 'input.max = 24;', 'if (characters.length >= 100) full();'):
        assert literal_limits(copy, values), copy
    for fine in ('setTimeout(run, 300);', 'if (error.status === 400) return;',
                 'const short = (t) => t.slice(0, 24);', '// up to 300 characters',
                 'const pattern = /[.!?"\']$/; const n = 1000 * seconds;',
                 'return /[.!?"\']$/.test(t); // maxlength: 300',
                 'const percent = Math.round(scene.fullness * 100);'):
        assert not literal_limits(fine, values), fine


def test_the_options_serve_every_limit_the_site_reads(client):
    options = client.get("/api/cartoons/options").json
    assert options["limits"] == {**vocabulary.limits(), "drafts_per_hour": 20}
    assert set(options["limits"]) >= {"note", "idea", "draft_scenes", "text", "elements"}
    assert options["kinds"] == [{"key": key, **kind} for key, kind in vocabulary.KINDS.items()]
    assert options["layouts"] == list(options["layout_cells"]) == list(vocabulary.LAYOUTS)
    assert options["sides"] == list(vocabulary.SIDES)
    assert options["reference"]["quality"] == vocabulary.REFERENCE_FLOOR
    # a reference costs one scene of its cartoon, and is drawn at no less than the floor
    assert [(q["key"], q["reference_credits"], q["reference_quality"])
            for q in options["qualities"]] == [
        ("low", 1, "medium"), ("medium", 2, "medium"), ("high", 4, "high")]


def test_the_site_costs_a_cartoon_as_the_quote_does():
    """The create page's cost line (js/cost.js) and the quote (submission.cost_of) give the
    same total for every quality, scene count and number of references drawn."""
    from chalicelib.cartoons import submission

    options = submission.options()
    cases = [(q["key"], scenes, refs) for q in options["qualities"]
             for scenes in (1, 5, vocabulary.MAX_SCENES) for refs in (0, 2, 6)]
    script = (f"import {{ costOf }} from {json.dumps((JS / 'cost.js').as_uri())};\n"
              f"const options = {json.dumps(options)};\n"
              f"const cases = {json.dumps(cases)};\n"
              "const totals = cases.map(([q, s, r]) => costOf(options, q, s, r).total);\n"
              "console.log(JSON.stringify(totals));")
    ran = subprocess.run(["node", "--input-type=module"], input=script, capture_output=True,
                         text=True, check=True)
    assert json.loads(ran.stdout) == [submission.cost_of(q, s, r) for q, s, r in cases]

