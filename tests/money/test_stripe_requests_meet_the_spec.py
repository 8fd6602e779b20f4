"""Every request the project sends to Stripe (a Checkout Session for each pack, the success
page's retrieve, a dispute's charge), captured where it reaches the stand-in, validates against
the vendored part of Stripe's published OpenAPI document (local/provider_specs); and the
success page refuses, before any call, a session id longer than Stripe's path takes."""

import re

from chalicelib.core.settings import get_settings
from chalicelib.money import checkout
from devtools.fakes.stripe_api import CREATE, FORM, parse_form
from local import provider_specs
from tests.support.payments import start

PATHS = {r"/v1/checkout/sessions/([^/]+)": ("GET /v1/checkout/sessions/{session}", "session"),
         r"/v1/charges/([^/]+)": ("GET /v1/charges/{charge}", "charge")}


def problem_of(request):
    path = request.path.split("?", 1)[0]
    if request.method == "POST" and path == "/v1/checkout/sessions":
        params = provider_specs.coerce("stripe", parse_form(request.body),
                                       provider_specs.body_schema("stripe", CREATE, FORM))
        return provider_specs.problem("stripe", CREATE, params, FORM)
    for pattern, (operation, name) in PATHS.items():
        found = re.fullmatch(pattern, path)
        if request.method == "GET" and found:
            return provider_specs.path_problem("stripe", operation, name, found[1])
    raise AssertionError(f"an unexpected call: {request.method} {path}")


def test_every_request_to_stripe_meets_its_published_spec(buyer, stripe_api):
    for pack in get_settings().credit_packs:
        answer = start(buyer, pack.pack_id)
        session = stripe_api.complete(answer["session_id"])
        assert buyer.post("/api/checkout/confirm",
                          {"session_id": answer["session_id"]}).status == 200
    charge = stripe_api.charge(session)
    assert checkout.get_checkout().charge_payment_intent(charge["id"]) == \
        session["payment_intent"]
    sent = stripe_api.server.requests
    assert [r.method for r in sent] == ["POST", "GET"] * len(get_settings().credit_packs) + \
        ["GET"]
    assert [problem_of(request) for request in sent] == [None] * len(sent)


def test_the_success_page_refuses_a_session_id_stripe_would_refuse_before_any_call(
        buyer, stripe_api):
    longest = "cs_test_" + "a" * 58  # 66 characters: what Stripe's path takes
    assert buyer.post("/api/checkout/confirm", {"session_id": longest}).status == 404
    assert len(stripe_api.server.requests) == 1  # asked, and Stripe knew no such session
    for too_long in ("cs_test_" + "a" * 59, "cs_" + "a" * 250):
        response = buyer.post("/api/checkout/confirm", {"session_id": too_long})
        assert response.status == 400, response
    assert len(stripe_api.server.requests) == 1  # neither reached Stripe
