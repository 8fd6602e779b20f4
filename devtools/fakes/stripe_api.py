"""A stand-in that speaks Stripe's HTTP API for what we call (Checkout Sessions: create and
retrieve, with idempotency keys; charges: retrieve), and Stripe's side of webhooks: events
shaped like Stripe's, signed with Stripe's scheme, delivered as raw bytes.

The official `stripe` SDK talks to it through its base address option; nothing of ours runs in
here, so a test passes only if our code and the SDK really speak Stripe's protocol.

Every request is checked first against the parts of Stripe's published OpenAPI document the
project uses (local/provider_specs): an unknown parameter at any depth (`a[b][c]`), a missing
one, a value that is not of its type once form-decoded (`unit_amount=abc`), outside its enum or
longer than allowed, and a path id longer than the path allows, each get Stripe's 400
`invalid_request_error` naming the parameter as Stripe does (`line_items[0][quantity]`).
"""

import copy
import hashlib
import hmac
import json
import os
import re
import secrets
import string
import threading
import time
from urllib.parse import parse_qsl

from devtools.fakes.http import FakeServer, ServedFake
from local import provider_specs

API_KEY = "sk_test_fake_0123456789abcdefghijklmnop"
WEBHOOK_SECRET = os.environ["STRIPE_WEBHOOK_SECRET"]  # set by tests/conftest.py
_ALNUM = string.ascii_letters + string.digits


def stripe_id(prefix, length=24):
    return prefix + "".join(secrets.choice(_ALNUM) for _ in range(length))


def parse_form(body):
    """Stripe's form encoding (`a[b][0][c]=v`) back into nested dicts and lists."""
    root = {}
    for key, value in parse_qsl(body.decode(), keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part, following in zip(parts, [*parts[1:], None], strict=True):
            if following is None:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return _lists(root)


def _lists(node):
    if not isinstance(node, dict):
        return node
    if node and all(k.isdigit() for k in node):
        return [_lists(node[k]) for k in sorted(node, key=int)]
    return {k: _lists(v) for k, v in node.items()}


CREATE = "POST /v1/checkout/sessions"
FORM = "application/x-www-form-urlencoded"
# Stripe's message and code for each kind of problem the document finds.
_SPEC_ERRORS = {
    "unknown": ("Received unknown parameter: {param}", "parameter_unknown"),
    "missing": ("Missing required param: {param}.", "parameter_missing"),
    "type": ("Invalid {wanted}: {value}", "parameter_invalid_{wanted}"),
    "value": ("Invalid value for {param}: {detail}", None),
}


def spec_refusal(params):
    """Stripe's 400 for what its published document refuses in a create, or None."""
    found = provider_specs.problem("stripe", CREATE, params, FORM)
    if found is None:
        return None
    param = "".join(f"[{p}]" for p in found.where[1:])
    param = f"{found.where[0]}{param}" if found.where else None
    wanted = re.search(r"of type '(\w+)'", found.message)
    wanted = wanted[1] if wanted else "value"
    value = _at(params, found.where)
    message, code = _SPEC_ERRORS[found.kind]
    return error(400, message.format(param=param, wanted=wanted, value=value,
                                     detail=found.message),
                 code=code and code.format(wanted=wanted), param=param)


def _at(params, where):
    for step in where:
        try:
            params = params[step]
        except (KeyError, IndexError, TypeError):
            return None
    return params


def error(status, message, kind="invalid_request_error", code=None, param=None):
    return status, {"Request-Id": stripe_id("req_", 14)}, {"error": {
        "type": kind, "message": message, "code": code, "param": param}}


class FakeStripe(ServedFake):

    def __init__(self):
        self.sessions = {}
        self.charges = {}
        self.seen_keys = {}
        self.lock = threading.Lock()
        self.fail_next = None
        self.server = FakeServer(self.route)

    # --- the HTTP API ---

    def route(self, request):
        if request.headers.get("Authorization") != f"Bearer {API_KEY}":
            return error(401, "Invalid API Key provided.")
        if self.fail_next:
            status, self.fail_next = self.fail_next, None
            return error(status, "Something went wrong on Stripe's end.", kind="api_error")
        path = request.path.split("?")[0]
        if request.method == "POST" and path == "/v1/checkout/sessions":
            return self.create_session(request)
        for pattern, operation, kind, found_in, param in (
                (r"/v1/checkout/sessions/([^/]+)", "GET /v1/checkout/sessions/{session}",
                 "checkout.session", self.sessions, "session"),
                (r"/v1/charges/([^/]+)", "GET /v1/charges/{charge}", "charge", self.charges,
                 "charge")):
            found = re.fullmatch(pattern, path)
            if request.method == "GET" and found:
                refused = provider_specs.path_problem("stripe", operation, param,
                                                      found.group(1))
                if refused:
                    return error(400, f"Invalid {param} id: {refused.message}", param=param)
                item = found_in.get(found.group(1))
                if item is None:
                    return error(404, f"No such {kind}: '{found.group(1)}'",
                                 code="resource_missing", param=param)
                return 200, {}, copy.deepcopy(item)
        return error(404, f"Unrecognized request URL ({request.method}: {path}).")

    def create_session(self, request):
        key = request.headers.get("Idempotency-Key")
        with self.lock:
            if key is not None and key in self.seen_keys:
                body, response = self.seen_keys[key]
                if body != request.body:
                    return error(400, "Keys for idempotent requests can only be used with the "
                                 "same parameters they were first used with.",
                                 kind="idempotency_error")
                return 200, {"Idempotent-Replayed": "true"}, copy.deepcopy(response)
            params = provider_specs.coerce("stripe", parse_form(request.body),
                                           provider_specs.body_schema("stripe", CREATE, FORM))
            refused = spec_refusal(params)
            if refused:
                return refused
            # What the document cannot say: a mode that sells needs something to sell.
            if not params.get("mode") or (params["mode"] != "setup"
                                          and not params.get("line_items")):
                missing = "line_items" if params.get("mode") else "mode"
                return error(400, f"Missing required param: {missing}.",
                             code="parameter_missing", param=missing)
            total, currency = 0, params.get("currency")
            for item in params.get("line_items") or ():
                price = item.get("price_data") or {}
                total += price.get("unit_amount", 0) * item.get("quantity", 1)
                currency = price.get("currency", currency)
            session_id = stripe_id("cs_test_", 58)
            now = int(time.time())
            # Accounts on Stripe's newer defaults convert to the customer's currency unless
            # the session turns Adaptive Pricing off; the session says which applied.
            adaptive = (params.get("adaptive_pricing") or {}).get("enabled") is not False
            session = {
                "id": session_id, "object": "checkout.session", "mode": params["mode"],
                "amount_subtotal": total, "amount_total": total, "currency": currency,
                "client_reference_id": params.get("client_reference_id"),
                "customer_email": params.get("customer_email"), "customer_details": None,
                "metadata": params.get("metadata", {}), "payment_intent": None,
                "payment_status": "unpaid", "status": "open",
                "success_url": params["success_url"], "cancel_url": params.get("cancel_url"),
                "url": f"https://checkout.stripe.com/c/pay/{session_id}", "livemode": False,
                "created": now, "expires_at": now + 24 * 3600,
                "adaptive_pricing": {"enabled": adaptive},
            }
            self.sessions[session_id] = session
            if key is not None:  # without a key, each request is a new session
                self.seen_keys[key] = (request.body, copy.deepcopy(session))
            return 200, {}, copy.deepcopy(session)

    # --- what happens on Stripe's side ---

    def complete(self, session_id, *, paid=True):
        """The customer pays (or starts an async payment): the session as Stripe then has it."""
        with self.lock:
            session = self.sessions[session_id]
            session.update(status="complete", payment_status="paid" if paid else "unpaid",
                           payment_intent=session["payment_intent"] or stripe_id("pi_"))
            return copy.deepcopy(session)

    def settle(self, session_id):
        with self.lock:
            self.sessions[session_id]["payment_status"] = "paid"
            return copy.deepcopy(self.sessions[session_id])

    def charge(self, session, *, refunded=0):
        """The session's charge, as Stripe then has it (GET /v1/charges/{id} finds it)."""
        charge = {"id": stripe_id("ch_"), "object": "charge", "amount": session["amount_total"],
                  "amount_captured": session["amount_total"], "amount_refunded": refunded,
                  "currency": session["currency"], "payment_intent": session["payment_intent"],
                  "refunded": refunded >= session["amount_total"], "paid": True,
                  "metadata": session["metadata"], "status": "succeeded"}
        with self.lock:
            self.charges[charge["id"]] = copy.deepcopy(charge)
        return charge

    def dispute(self, session, *, status="needs_response", dispute_id=None, amount=None,
                with_payment_intent=False):
        """A dispute of the session's charge. As in Stripe's own fixtures, `payment_intent`
        is null unless asked for: the charge is what it names."""
        return {"id": dispute_id or stripe_id("dp_"), "object": "dispute",
                "amount": session["amount_total"] if amount is None else amount,
                "currency": session["currency"], "charge": self.charge(session)["id"],
                "payment_intent": session["payment_intent"] if with_payment_intent else None,
                "reason": "fraudulent", "status": status}



def event(kind, obj, *, event_id=None):
    """An event as Stripe delivers it (a snapshot of the object)."""
    return {"id": event_id or stripe_id("evt_"), "object": "event", "api_version": "2026-01-28",
            "created": int(time.time()), "livemode": False, "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None}, "type": kind,
            "data": {"object": copy.deepcopy(obj)}}


def sign(payload, *, secret=WEBHOOK_SECRET, timestamp=None):
    """Stripe-Signature: t=<unix time>,v1=HMAC-SHA256(secret, "<t>.<payload>") in hex."""
    stamp = int(time.time() if timestamp is None else timestamp)
    if isinstance(payload, str):
        payload = payload.encode()
    mac = hmac.new(secret.encode(), str(stamp).encode() + b"." + payload, hashlib.sha256)
    return f"t={stamp},v1={mac.hexdigest()}"


def deliver(client, evt, *, secret=WEBHOOK_SECRET, timestamp=None, signature=None, raw=None):
    """POST an event to the webhook as Stripe does: raw JSON, signed, no cookie, no CSRF."""
    payload = raw if raw is not None else json.dumps(evt, indent=2).encode()
    if signature is None:
        signature = sign(payload, secret=secret, timestamp=timestamp)
    headers = {"content-type": "application/json; charset=utf-8", "sec-fetch-site": None,
               "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
               "stripe-signature": signature or None}  # "" sends no signature at all
    return client.post("/api/stripe/webhook", raw=payload, headers=headers, csrf=False)
