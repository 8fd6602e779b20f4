"""The local stand-in for Stripe Checkout, and its two routes as a Chalice Blueprint: only the
local stack (local/server.py) and the tests register it, so the deployed app, packaged from
app.py alone, has no such routes.

Paying a local session gives the signed `checkout.session.completed` event that Stripe would
deliver; the page POSTs it to the real webhook route, so the production code path runs.

Like Stripe, it refuses a session whose parameters its published OpenAPI document does not
allow (local/provider_specs: unknown keys at any depth, types, enums, lengths) and an id
longer than Stripe's path takes, so `make run` fails where production would.
"""

import copy
import json
import secrets
import threading
import time

from chalice import Blueprint

from chalicelib.accounts import cookies
from chalicelib.adapters.stripe_checkout import PaymentProviderError, sign_payload
from chalicelib.core.errors import NotFound
from chalicelib.core.settings import get_settings
from chalicelib.core.web import domain_errors
from chalicelib.money import checkout
from chalicelib.money.checkout import SESSION_ID
from local import provider_specs

CREATE, RETRIEVE = "POST /v1/checkout/sessions", "GET /v1/checkout/sessions/{session}"


class LocalCheckout:
    """Stands in for Stripe Checkout on one machine: sessions live in memory, and paying one
    gives the signed `checkout.session.completed` event that Stripe would deliver."""

    def __init__(self, site_url, webhook_secret):
        self.site_url = site_url
        self.webhook_secret = webhook_secret
        self.sessions = {}
        self.by_key = {}
        self.lock = threading.Lock()

    def create(self, params, *, idempotency_key):
        refused = provider_specs.problem("stripe", CREATE, params,
                                         "application/x-www-form-urlencoded")
        if refused:  # the adapter turns Stripe's 400 into this error
            raise PaymentProviderError(f"Stripe would refuse this checkout: {refused.message}")
        with self.lock:
            if idempotency_key in self.by_key:  # as Stripe: the same key, the same session
                return copy.deepcopy(self.sessions[self.by_key[idempotency_key]])
            session_id = f"cs_local_{secrets.token_hex(16)}"
            item = params["line_items"][0]
            now = int(time.time())
            session = {
                "id": session_id, "object": "checkout.session", "mode": params["mode"],
                "client_reference_id": params["client_reference_id"],
                "customer_email": params["customer_email"],
                "metadata": dict(params["metadata"]),
                "amount_subtotal": item["price_data"]["unit_amount"] * item["quantity"],
                "amount_total": item["price_data"]["unit_amount"] * item["quantity"],
                "currency": item["price_data"]["currency"], "description":
                    item["price_data"]["product_data"]["name"],
                "payment_status": "unpaid", "status": "open", "payment_intent": None,
                "success_url": params["success_url"], "cancel_url": params["cancel_url"],
                "url": f"{self.site_url}/local-checkout.html?session_id={session_id}",
                "created": now, "expires_at": now + 24 * 3600, "livemode": False,
            }
            self.sessions[session_id] = session
            self.by_key[idempotency_key] = session_id
            return copy.deepcopy(session)

    def retrieve(self, session_id):
        if provider_specs.path_problem("stripe", RETRIEVE, "session", session_id):
            raise PaymentProviderError("Stripe would refuse this checkout session id.")
        with self.lock:
            session = self.sessions.get(session_id)
            return copy.deepcopy(session) if session else None

    def charge_payment_intent(self, charge_id):
        """No charge exists locally: a dispute naming only its charge matches nothing."""
        return None

    def pay(self, session_id):
        """Mark the session paid; return the completed event's payload and its signature."""
        with self.lock:
            session = self.sessions[session_id]
            if session["status"] == "open":
                session.update(status="complete", payment_status="paid",
                               payment_intent=f"pi_local_{secrets.token_hex(12)}")
                session["event_id"] = f"evt_local_{secrets.token_hex(12)}"
            snapshot = {k: v for k, v in session.items() if k != "event_id"}
            event = {"id": session["event_id"], "object": "event", "type":
                     "checkout.session.completed", "created": int(time.time()),
                     "livemode": False, "pending_webhooks": 1, "api_version": None,
                     "request": {"id": None, "idempotency_key": None},
                     "data": {"object": snapshot}}
        payload = json.dumps(event)
        return payload, sign_payload(payload, self.webhook_secret)


def _local_session(account_id, session_id):
    stand_in = checkout.get_checkout() if get_settings().local_checkout else None
    if not isinstance(stand_in, LocalCheckout) or not isinstance(session_id, str) or \
            not SESSION_ID.fullmatch(session_id):
        raise NotFound("There is no such checkout.")
    session = stand_in.retrieve(session_id)
    if session is None or session["client_reference_id"] != account_id:
        raise NotFound("There is no such checkout.")
    return stand_in, session


def summary(account_id, session_id):
    _, session = _local_session(account_id, session_id)
    return {"session_id": session["id"], "description": session["description"],
            "amount": session["amount_total"], "currency": session["currency"],
            "email": session["customer_email"], "status": session["status"],
            "cancel_url": session["cancel_url"]}


def pay(account_id, session_id):
    """Pay a local session: the page then delivers the signed event to the webhook, as Stripe
    would, and goes to the success page."""
    stand_in, session = _local_session(account_id, session_id)
    payload, signature = stand_in.pay(session_id)
    return {"event": payload, "signature": signature, "webhook": "/api/stripe/webhook",
            "success_url": session["success_url"].replace("{CHECKOUT_SESSION_ID}",
                                                          session_id)}


routes = Blueprint(__name__)


@routes.route("/api/local-checkout/{session_id}", methods=["GET"])
@domain_errors
def local_checkout(session_id):
    session = cookies.current_session(routes.current_request)
    return summary(session.account_id, session_id)


@routes.route("/api/local-checkout/{session_id}/pay", methods=["POST"])
@domain_errors
def local_checkout_pay(session_id):
    session = cookies.current_session(routes.current_request)
    return pay(session.account_id, session_id)


def install(api):
    """Give the local app its stand-in checkout and the blueprint's routes, once; nothing when
    a Stripe key is set (or anywhere the stand-in may not run). Only local/server.py and the
    tests call this: the packaged app.py has no such routes."""
    settings = get_settings()
    if not settings.local_checkout or getattr(api, "local_checkout_installed", False):
        return
    checkout.install_stand_in(LocalCheckout(settings.site_url, settings.stripe_webhook_secret))
    api.register_blueprint(routes)
    api.local_checkout_installed = True
