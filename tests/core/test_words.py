"""The server's words (core/words): one catalogue per language, the same keys and placeholders
in each, and every key the code asks for is there. (tests/site/test_catalogue.py holds them to
the site's own catalogue.)"""

import ast
import re
from pathlib import Path

from chalicelib.accounts import limits, links
from chalicelib.core import errors, share_page, words
from chalicelib.rights import privacy

CHALICELIB = Path(__file__).resolve().parents[2] / "chalicelib"


def placeholders(value):
    texts = value.values() if isinstance(value, dict) else [value]
    return {name for text in texts for name in re.findall(r"\{(\w+)\}", text)}


def test_both_languages_hold_the_same_keys_and_placeholders():
    """Except the API's error messages, which are English only (the site words them in
    French from their codes)."""
    english, french = words.catalogue("en"), words.catalogue("fr")
    assert set(english) - set(french) == {key for key in english if key.startswith("error.")}
    assert not [key for key in french if key.startswith("error.")]
    for key, value in french.items():
        assert type(value) is type(english[key]), key
        if isinstance(value, dict):
            assert set(value) == set(english[key]) == {"one", "other"}, key
        assert placeholders(value) == placeholders(english[key]), key
        assert value and english[key], key




def domain_kinds():
    """The domain errors by name: core/errors' kinds, and those other modules derive from them
    (adapters/stripe_checkout.PaymentProviderError)."""
    kinds = {name for name, kind in vars(errors).items()
             if isinstance(kind, type) and issubclass(kind, errors.DomainError)}
    classes = [node for path in CHALICELIB.rglob("*.py")
               for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.ClassDef)]
    while derived := {cls.name for cls in classes if cls.name not in kinds and any(
            getattr(base, "id", getattr(base, "attr", None)) in kinds for base in cls.bases)}:
        kinds |= derived
    return kinds


KINDS = domain_kinds()
BAD = "bad"  # cartoons/specs.bad(field, key=..., code=..., **values): a 400 naming its field


def called(node):
    """The name a call is made by (`Invalid(...)`, `specs.bad(...)`), else None."""
    return isinstance(node, ast.Call) and getattr(node.func, "id", getattr(
        node.func, "attr", None))


def error_keys(tree):
    """The `error.*` templates the domain errors raised in a module are worded from: those
    built without a message, by their `key`, else their `code` (a kind's own code included),
    and a rate limit's refusal, by the `refusal` its scope is hit with."""
    keys = set()
    for node in ast.walk(tree):
        kind = called(node)
        if kind == "hit_all":  # (scope, identifier, words key) a limit
            keys |= {f"error.{t.elts[2].value}" for t in node.args
                     if isinstance(t, ast.Tuple) and isinstance(t.elts[2], ast.Constant)}
        if kind not in KINDS | {"__init__", "hit", BAD} or (
                node.args and kind not in ("hit", BAD)):
            continue  # (a kind may word its own message; a limit's refusal is worded by key)
        named = {k.arg: k.value for k in node.keywords}
        source = named.get("refusal") if kind == "hit" else named.get("key", named.get("code"))
        keys |= {f"error.{c.value}" for c in ast.walk(source or ast.Pass())
                 if isinstance(c, ast.Constant) and isinstance(c.value, str)}
    return keys


def asked_for():
    """Every key the code names: literal keys, and those it builds (mails, sign-in link errors,
    the share page's and the privacy policy's)."""
    keys = {key for path in CHALICELIB.rglob("*.py")
            for key in re.findall(r'words\.(?:text|count)\("([\w.]+)"', path.read_text())}
    keys |= {key for path in CHALICELIB.rglob("*.py")
             for key in error_keys(ast.parse(path.read_text()))}
    keys |= {f"error.{limits.TOO_MANY}"}  # a rate limit's refusal, unless its scope words it
    keys |= {f"mail.{key}_{part}" for key in links.MAIL_KEYS.values()
             for part in ("subject", "action")}
    keys |= {f"error.link_{reason}" for reason in ("invalid", "used", "expired")}
    keys |= set(share_page.KEYS.values()) | {key for _, key in privacy.UNITS}
    keys |= {f"privacy.{key}" for key in re.findall(r'\bsay\("(\w+)"\)', Path(
        privacy.__file__).read_text())}
    keys |= {f"privacy.{key}" for section, paragraphs in privacy.SECTIONS
             for key in (section, *(f"{section}_{p}" for p in paragraphs))}
    return keys


def test_every_key_the_code_asks_for_is_in_the_catalogue_and_none_is_left_over():
    english, french = set(words.catalogue("en")), set(words.catalogue("fr"))
    wanted = asked_for()
    assert {"mail.open", "error.email_taken", "privacy.title", "shared.busy",
            "error.field_count_least", "error.no_such_scene", "error.no_export",
            "error.wrong_method"} <= wanted
    assert sorted(wanted - english) == []
    assert sorted(key for key in wanted if not key.startswith("error.") and key not in french) \
        == []
    assert sorted(english - wanted) == []


def test_a_template_is_filled_and_another_language_reads_english():
    assert words.text("cartoon.page_of", "fr", n=2, total=3) == "Planche 2 sur 3"
    assert words.text("cartoon.page_of", "de", n=2, total=3) == "Page 2 of 3"
    assert [words.count("privacy.days", n, "fr") for n in (1, 30)] == ["1 jour", "30 jours"]


def test_every_raise_fills_its_templates_placeholders():
    """A raise worded from the catalogue gives every value its template asks for (a missing one
    would turn a 4xx into a 500)."""
    english = words.catalogue("en")
    checked = 0
    for path in CHALICELIB.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            kind = called(node)
            if kind not in KINDS | {"__init__", BAD} or (node.args and kind != BAD):
                continue
            named = {k.arg: k.value for k in node.keywords}
            given = set(named) - {"key", "code", "details", "retry_after"}
            given |= {"field"} if kind == BAD else set()  # bad fills in the field it names
            for c in ast.walk(named.get("key", named.get("code")) or ast.Pass()):
                if isinstance(c, ast.Constant) and f"error.{c.value}" in english:
                    assert placeholders(english[f"error.{c.value}"]) <= given, (path, c.value)
                    checked += 1
    assert checked > 90


def inline_words(node):
    """Whether an expression builds words in place: a literal text, an f-string, a join or a
    format of them (a message passed on from a caught error, or worded by `words`, is not)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.BinOp):
        return inline_words(node.left) or inline_words(node.right)
    return isinstance(node, ast.JoinedStr) or called(node) in ("format", "join")


def inline_messages(tree):
    """The lines where a module raises a domain error (or `specs.bad`) with words written in
    place: its message, or in a domain error's own class, the message it hands `__init__`. A
    class of the module's own that is no domain error (worker/uploads.Refused) is not one."""
    own = {node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)}
    domain = {node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef) and any(
        getattr(base, "id", getattr(base, "attr", None)) in KINDS | {"DomainError"}
        for base in node.bases)}
    kinds = (KINDS - own) | domain
    inits = {id(call) for cls in ast.walk(tree) if isinstance(cls, ast.ClassDef)
             and cls.name in domain for call in ast.walk(cls) if called(call) == "__init__"}
    lines = []
    for node in ast.walk(tree):
        kind = called(node)
        if kind in kinds or id(node) in inits:
            given = node.args[:1]
        elif kind == BAD:  # bad(field, ...): only its field comes positionally
            given = node.args[1:]
        else:
            continue
        given += [k.value for k in node.keywords if k.arg == "message"]
        lines += [node.lineno for message in given if inline_words(message)]
    return lines


def test_no_raise_words_its_message_in_place():
    """A domain error, `specs.bad` or a kind's own `__init__` takes its words from the
    catalogue by key, with values: an English sentence written at the raise would be a second
    home for the server's words, which the test above could not hold to the catalogue."""
    inline = [f"{path.relative_to(CHALICELIB)}:{line}" for path in CHALICELIB.rglob("*.py")
              for line in inline_messages(ast.parse(path.read_text()))]
    assert inline == []


def test_the_check_against_words_in_place_can_fail():
    tree = ast.parse('''raise Invalid(f"The field {field} is empty.", code="missing_field")
raise specs.bad("name", "Send a " + "name.")
class Short(InsufficientCredits):
    def __init__(self, n):
        super().__init__(f"You need {n} more.")
raise NotFound(key="no_such_scene")
raise Invalid(error.message, code="invalid_event")
raise InsufficientCredits(-delta - balance)
raise Refused(words.count("error.credits_short", 2))
class Refused(Exception):
    pass
raise Refused("upload_missing")
''')
    assert sorted(inline_messages(tree)) == [1, 2, 5]
