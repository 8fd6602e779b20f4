"""Property-based fuzzing of every route: whatever arrives, the answer is never a 5xx, and every
error is `{"error": {"code", "message"}}`.

Generated bodies, queries, path parameters and headers go to each of the app's routes through
the test client (Chalice's local gateway), signed in and signed out, with and without a CSRF
token; the webhook also gets payloads of every JSON shape, signed with Stripe's scheme. Seeded
(`derandomize`) and bounded: FUZZ_EXAMPLES sets the examples per test (`make fuzz` raises it).
"""

import json
import os
import time
from collections import Counter
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.accounts import csrf, sessions
from chalicelib.core.models import Account
from chalicelib.core.settings import get_settings
from chalicelib.money import webhook
from devtools.cartoons import cartoon_body
from devtools.client import ApiClient
from devtools.fakes.stripe_api import deliver, sign
from tests.support.cartoons import drain, give

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "400"))
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))
SENT, STATUSES = Counter(), Counter()  # over the module, reported at its end


# --- what is sent ----------------------------------------------------------------------------

ODD_TEXT = ["", " ", "\ud800", "x\udfffy", "\ufb2c" * 120, "e\u0301" * 150, "9" * 5000,
            "null", "[]", "{}", "ada@example.com", "ADA@EXAMPLE.COM", "adá@example.com",
            "\u0000", "\n", "../../etc/passwd", "%00", "'; DROP TABLE x; --", "\U0001d518",
            "a" * 400, "-1", "0", "1", "2", "50", "101", "1e3", "٣", "low", "medium", "small"]
FIELDS = ["email", "token", "confirm", "pack", "session_id", "title", "context", "style",
          "quality", "characters", "scenes", "action", "caption", "dialogue", "speaker", "name",
          "description", "id", "type", "data", "object"]

texts = st.one_of(st.text(max_size=30), st.sampled_from(ODD_TEXT),
                  st.text(st.characters(categories=["Cs"]), min_size=1, max_size=2))
# For what must be percent-encoded (queries, paths): UTF-8 has no lone surrogates.
plain_texts = st.one_of(
    st.text(max_size=30),
    st.sampled_from([t for t in ODD_TEXT if not any("\ud800" <= c <= "\udfff" for c in t)]))
numbers = st.one_of(st.integers(), st.integers(min_value=10**30, max_value=10**60),
                    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0, -1, 1, 8]))
scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
keys = st.one_of(st.sampled_from(FIELDS), texts)
json_values = st.recursive(
    scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                     st.dictionaries(keys, inner, max_size=5)),
    max_leaves=15)
spec_shaped = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6)


@st.composite
def nearly_valid_cartoons(draw):
    """A valid cartoon with one part replaced: gets past the shape checks into the service."""
    body = cartoon_body(scenes=draw(st.integers(1, 8)))
    where = draw(st.sampled_from(["title", "context", "style", "quality", "characters",
                                  "scenes", "scene", "character"]))
    value = draw(json_values)
    if where == "scene":
        body["scenes"][0][draw(st.sampled_from(["action", "caption", "dialogue", "speaker",
                                                "characters", "extra"]))] = value
    elif where == "character":
        body["characters"][0][draw(st.sampled_from(["name", "description"]))] = value
    else:
        body[where] = value
    return body


def nested(depth):
    return b"[" * depth + b"]" * depth


def encoded(value):
    return json.dumps(value, ensure_ascii=True).encode()  # lone surrogates become \ud800


bodies = st.one_of(
    json_values.map(encoded), spec_shaped.map(encoded), nearly_valid_cartoons().map(encoded),
    st.binary(max_size=64), st.integers(20, 3000).map(nested),
    st.sampled_from([b"", b"{", b'{"email": "\\ud800"}', b"\xff\xfe", b"NaN", b"1" * 5000]),
)
query_values = st.one_of(plain_texts, st.from_regex(r"[0-9]{1,6}", fullmatch=True))
queries = st.dictionaries(st.sampled_from(["cursor", "limit", "lang", "x"]), query_values,
                          max_size=3)
header_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60)
headers = st.fixed_dictionaries({}, optional={
    "content-type": st.sampled_from(["application/json", "text/plain", "application/json; x",
                                     "application/x-www-form-urlencoded"]),
    "idempotency-key": header_text,
    "origin": st.sampled_from(["https://caaartoons.test", "https://evil.example", "null"]),
    "sec-fetch-site": st.sampled_from(["same-origin", "cross-site", "none", "same-site"]),
    "x-csrf-token": header_text,
    "stripe-signature": header_text,
})


def path_value(real):
    return st.one_of(st.sampled_from(real), plain_texts.filter(lambda t: t.strip(" ./"))
                     .map(lambda t: quote(t, safe="")))


# --- the service under attack ----------------------------------------------------------------

@pytest.fixture(scope="module", autouse=True)
def report(request):
    yield
    statuses = ", ".join(f"{status}: {count}" for status, count in sorted(STATUSES.items()))
    line = (f"fuzz: {SENT['requests']} requests ({EXAMPLES} examples a test), "
            f"{SENT['5xx']} answered 5xx; by status {statuses}")
    plugins = request.config.pluginmanager
    with plugins.get_plugin("capturemanager").global_and_fixture_disabled():
        plugins.get_plugin("terminalreporter").write_line(line)


class World:
    """A signed-in account with credits, a drawn cartoon and a purchase, so generated requests
    can also name real things; the session is put back whenever a request ended it."""

    def __init__(self, app, aws):
        self.app, self.queue_url = app, aws["queue_url"]
        self.client = ApiClient(app, ip="203.0.113.10")
        self.client.sign_in("fuzz@example.com")
        self.account_id = give(self.client, 500)
        answer = self.client.post("/api/cartoons", cartoon_body(scenes=2))
        assert answer.status == 202, answer
        drain(self.queue_url)
        self.cartoon_id = answer.json["cartoon_id"]
        checkout = self.client.post("/api/checkout", {"pack": "small"}).json
        self.session_id, self.purchase_id = checkout["session_id"], checkout["purchase_id"]

    def signed_in_client(self):
        try:
            account = Account.get(self.account_id, consistent_read=True)
        except Account.DoesNotExist:  # a generated request erased it: start another
            self.client = ApiClient(self.app, ip="203.0.113.11")
            self.client.sign_in(f"fuzz{SENT['requests']}@example.com")
            self.account_id = self.client.get("/api/me").json["account_id"]
            return self.client
        if account.deleting_since is None and self.current_sid() not in (
                account.session_ids or set()):
            session = sessions.start(account)
            self.client.cookies[get_settings().cookie_name] = sessions.signed_value(session)
            self.client.csrf = csrf.token(session.session_id)
        return self.client

    def current_sid(self):
        value = self.client.cookies.get(get_settings().cookie_name)
        ids = sessions.read_signed(value)
        return ids[1] if ids else None

    def path(self, draw, template):
        values = {"cartoon_id": [self.cartoon_id, "1700000000000abcdef01"],
                  "number": ["1", "2", "9", "0", "01", "99"],
                  "export_id": ["1700000000000abcdef01"],
                  "session_id": [self.session_id, "cs_local_0"],
                  "share_id": ["A" * 22, "x"]}
        for name, real in values.items():
            if "{" + name + "}" in template:
                template = template.replace("{" + name + "}", draw(path_value(real)))
        return template


@pytest.fixture
def world(app, aws):
    return World(app, aws)


def routes(app):
    """Every route but the webhook, which has a test of its own below."""
    return sorted((method, path) for path, methods in app.routes.items()
                  for method in methods if path != "/api/stripe/webhook")


def check(response, what):
    SENT["requests"] += 1
    STATUSES[response.status] += 1
    if response.status >= 500:
        SENT["5xx"] += 1
    assert response.status < 500, (what, response)
    if response.status >= 400 and response.headers.get("content-type", "").startswith(
            "text/html"):
        # The public page of a share link answers a page a person reads, even for a dead link.
        assert what[1].startswith("/api/shared/"), (what, response)
    elif response.status >= 400:
        error = response.json["error"]
        assert isinstance(error["code"], str) and error["code"], (what, response)
        assert isinstance(error["message"], str) and error["message"], (what, response)


def send(world, client, draw, *, csrf_token):
    method, template = draw(st.sampled_from(routes(world.app)))
    path = world.path(draw, template)
    body = draw(bodies) if method in ("POST", "PATCH", "DELETE") else None
    query, sent_headers = draw(queries), draw(headers)
    if not csrf_token:
        sent_headers.setdefault("x-csrf-token", None)
    response = client.request(method, path, raw=body, query=query, headers=sent_headers,
                              csrf=csrf_token)
    check(response, (method, path, query, sent_headers, (body or b"")[:200]))


@FUZZ
@given(data=st.data(), csrf_token=st.booleans())
def test_no_route_answers_5xx_signed_out(world, data, csrf_token):
    client = ApiClient(world.app, ip=data.draw(st.sampled_from(["198.51.100.1", "192.0.2.2"])))
    send(world, client, data.draw, csrf_token=csrf_token)


@FUZZ
@given(data=st.data(), csrf_token=st.booleans())
def test_no_route_answers_5xx_signed_in(world, data, csrf_token):
    send(world, world.signed_in_client(), data.draw, csrf_token=csrf_token)


# --- Stripe's webhook: signed payloads of any shape ------------------------------------------

def stripe_objects(world):
    """What an event's data.object may hold: plausible values, ours included, or anything."""
    def either(*plausible):
        return st.one_of(st.sampled_from(plausible), json_values)

    return st.fixed_dictionaries({}, optional={
        "id": either(world.session_id, "cs_test_x", "dp_1", "ch_1"),
        "object": either("checkout.session", "charge", "dispute"),
        "mode": either("payment", "subscription"),
        "payment_status": either("paid", "unpaid", "no_payment_required"),
        "client_reference_id": either(world.account_id, "0" * 32),
        "metadata": st.one_of(st.fixed_dictionaries({}, optional={
            "purchase_id": either(world.purchase_id, "1700000000000#0123456789ab"),
            "pack": either("small", "medium"), "account_id": either(world.account_id)}),
            json_values),
        "amount_total": either(500, 1200, 0, -1),
        "amount": either(500, 0, -5),
        "amount_refunded": either(0, 250, 500, 10**20),
        "currency": either("eur", "EUR", "usd"),
        "payment_intent": either("pi_fuzz", None, {"id": "pi_fuzz"}, ""),
        "charge": either("ch_fuzz", None, {"id": "ch_fuzz", "payment_intent": "pi_fuzz"}),
        "status": either("needs_response", "lost", "won", "open", "complete"),
    })


def stripe_payloads(world):
    kinds = st.one_of(st.sampled_from([*webhook.HANDLERS, "customer.created"]), json_values)
    return st.one_of(
        json_values,
        st.fixed_dictionaries({"id": st.just("evt_fuzz"), "object": st.just("event"),
                               "type": kinds,
                               "data": st.one_of(st.fixed_dictionaries(
                                   {"object": stripe_objects(world)}), json_values)}),
    )


@FUZZ
@given(data=st.data())
def test_signed_webhooks_of_any_shape_never_answer_5xx(world, stripe, data):
    payload = data.draw(st.one_of(stripe_payloads(world).map(encoded),
                                  st.integers(20, 3000).map(nested), st.binary(max_size=64)))
    skew = data.draw(st.sampled_from([0, 0, 0, -290, 290, -400, 400]))
    response = deliver(stripe, None, raw=payload,
                       signature=sign(payload, timestamp=time.time() + skew))
    check(response, ("webhook", payload[:300], skew))
