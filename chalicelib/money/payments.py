"""Buying credits with Stripe Checkout, and acting on what Stripe's webhook reports.

A checkout records a `Purchase` (pack, credits, amount) and creates a Checkout Session that
carries the account id as `client_reference_id` and the purchase in its metadata. Credits are
granted by `fulfil`, from the signed webhook or from the success page, whichever comes first:
the grant is one ledger transaction keyed by the session id, so it happens exactly once, and
only for a paid session whose amount, currency and pack match what the purchase recorded.
Refunds and lost disputes claw back what they call for, never below a zero balance.

Stripe is reached through `StripeCheckout`, which takes a `stripe.StripeClient`. Without a
Stripe key (locally and in tests, never in prod) `LocalCheckout` stands in: its page completes
a purchase by delivering a `checkout.session.completed` event, signed with Stripe's scheme and
the webhook secret, to the real webhook route.
"""

import copy
import datetime
import functools
import hashlib
import hmac
import json
import logging
import re
import secrets
import threading
import time

from pynamodb.exceptions import TransactWriteError, UpdateError

from chalicelib.accounts import limits
from chalicelib.core import logs, paging
from chalicelib.core.errors import ApiError, BadRequest, Conflict, NotFound, PayloadTooLarge
from chalicelib.core.models import Purchase
from chalicelib.core.settings import get_settings
from chalicelib.money import credits

WEBHOOK_TOLERANCE_SECONDS = 300
MAX_WEBHOOK_BYTES = 512 * 1024
SESSION_ID = re.compile(r"^cs_[A-Za-z0-9_]{1,250}$")
ACCOUNT_ID = re.compile(r"^[0-9a-f]{32}$")
FINAL_DISPUTE_STATUSES = ("won", "lost", "warning_closed", "prevented")
GRANT_ATTEMPTS = 3


class PaymentProviderError(ApiError):
    status, code = 502, "payment_provider_error"


# --- packs ---------------------------------------------------------------------------------

def describe_pack(pack):
    return {"id": pack.pack_id, "credits": pack.credits, "amount": pack.amount,
            "currency": pack.currency, "label": pack.label}


def list_packs():
    settings = get_settings()
    return {"packs": [describe_pack(p) for p in settings.credit_packs],
            "checkout": "local" if settings.local_checkout else "stripe"}


# --- the checkout providers ----------------------------------------------------------------

class StripeCheckout:
    """Stripe Checkout through the official SDK (`client` is a `stripe.StripeClient`)."""

    def __init__(self, client, stripe_module):
        self.client = client
        self.stripe = stripe_module

    def create(self, params, *, idempotency_key):
        try:
            session = self.client.v1.checkout.sessions.create(
                params=params, options={"idempotency_key": idempotency_key})
        except self.stripe.StripeError as error:
            logs.event("stripe_error", level=logging.ERROR, call="create_session",
                       kind=type(error).__name__, http_status=error.http_status)
            raise PaymentProviderError("Payments are unavailable right now. Please try again "
                                       "in a moment.") from None
        return session.to_dict()

    def retrieve(self, session_id):
        try:
            return self.client.v1.checkout.sessions.retrieve(session_id).to_dict()
        except self.stripe.InvalidRequestError as error:
            if error.http_status == 404:
                return None
            raise PaymentProviderError("Payments are unavailable right now.") from None
        except self.stripe.StripeError:
            raise PaymentProviderError("Payments are unavailable right now.") from None


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
        with self.lock:
            session = self.sessions.get(session_id)
            return copy.deepcopy(session) if session else None

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


def sign_payload(payload, secret, timestamp=None):
    """Stripe's webhook signature: t=<time>,v1=HMAC-SHA256(secret, "<time>.<payload>")."""
    stamp = int(time.time() if timestamp is None else timestamp)
    mac = hmac.new(secret.encode(), f"{stamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={stamp},v1={mac}"


def build_checkout(settings):
    if settings.stripe_secret_key:
        import stripe

        base = {"api": settings.stripe_api_base} if settings.stripe_api_base else None
        client = stripe.StripeClient(settings.stripe_secret_key, base_addresses=base,
                                     max_network_retries=2)
        return StripeCheckout(client, stripe)
    if settings.local_checkout:
        return LocalCheckout(settings.site_url, settings.stripe_webhook_secret)
    raise RuntimeError("prod needs STRIPE_SECRET_KEY to sell credits")


@functools.lru_cache(maxsize=1)
def get_checkout():
    return build_checkout(get_settings())


@functools.lru_cache(maxsize=1)
def _stripe():
    import stripe

    return stripe


# --- starting a checkout -------------------------------------------------------------------

def start_checkout(account, pack_id):
    """Create a Checkout Session for a pack and record the purchase; return where to pay."""
    settings = get_settings()
    pack = settings.pack(pack_id)
    if pack is None:
        raise BadRequest("There is no such pack.", code="unknown_pack")
    limits.hit("checkout-account-hour", account.account_id,
               message="Too many checkouts started. Please wait a little.")
    purchase_id = credits.new_entry_id()
    metadata = {"account_id": account.account_id, "purchase_id": purchase_id,
                "pack": pack.pack_id, "credits": str(pack.credits)}
    params = {
        "mode": "payment",
        "client_reference_id": account.account_id,
        "customer_email": account.email,
        "line_items": [{"quantity": 1, "price_data": {
            "currency": pack.currency, "unit_amount": pack.amount,
            "product_data": {"name": f"Caaartoons: {pack.label}"}}}],
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata},  # Stripe copies it onto the charge
        "success_url": settings.checkout_success_url,
        "cancel_url": settings.checkout_cancel_url,
    }
    session = get_checkout().create(params, idempotency_key=f"checkout-{purchase_id}")
    Purchase(account.account_id, purchase_id, session_id=session["id"], pack=pack.pack_id,
             credits=pack.credits, amount=pack.amount, currency=pack.currency, status="open",
             created_at=_now()).save(condition=Purchase.purchase_id.does_not_exist())
    logs.event("checkout_started", account_id=account.account_id, purchase_id=purchase_id,
               pack=pack.pack_id)
    return {"url": session["url"], "session_id": session["id"], "purchase_id": purchase_id}


def _now():
    return datetime.datetime.now(datetime.UTC)


# --- fulfilment: from the webhook or the success page ----------------------------------------

def _purchase_for(session):
    """The purchase a session claims to pay for, and what is wrong with the claim, if anything.
    Everything that decides a grant is checked against what the server recorded."""
    metadata = session.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    account_id = session.get("client_reference_id")
    purchase_id = metadata.get("purchase_id")
    if session.get("mode") != "payment" or not isinstance(session.get("id"), str):
        return None, "not_a_payment"
    if not isinstance(account_id, str) or not ACCOUNT_ID.fullmatch(account_id) or \
            not isinstance(purchase_id, str) or not paging.SORTABLE_ID.fullmatch(purchase_id):
        return None, "unknown_purchase"
    try:
        purchase = Purchase.get(account_id, purchase_id, consistent_read=True)
    except Purchase.DoesNotExist:
        return None, "unknown_purchase"
    if purchase.session_id and purchase.session_id != session["id"]:
        return None, "session_mismatch"
    if metadata.get("pack") != purchase.pack:
        return None, "pack_mismatch"
    if session.get("amount_total") != purchase.amount:
        return None, "amount_mismatch"
    if str(session.get("currency") or "").lower() != purchase.currency:
        return None, "currency_mismatch"
    return purchase, None


def _matched(session):
    purchase, problem = _purchase_for(session)
    if problem:
        logs.event("checkout_rejected", level=logging.WARNING, problem=problem,
                   account_id=str(session.get("client_reference_id"))[:32])
    return purchase


def _payment_intent_id(value):
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


def fulfil(session, *, paid=None):
    """Grant the pack's credits for a paid session, once. Returns what happened."""
    purchase = _matched(session)
    if purchase is None:
        return "rejected"
    if not (paid or session.get("payment_status") == "paid"):
        return "not_paid"
    actions = [Purchase.status.set("paid"), Purchase.paid_at.set(_now()),
               Purchase.session_id.set(session["id"])]
    payment_intent = _payment_intent_id(session.get("payment_intent"))
    if payment_intent:
        actions.append(Purchase.payment_intent.set(payment_intent))
    for attempt in range(GRANT_ATTEMPTS):
        try:
            credits.grant(purchase.account_id, int(purchase.credits), reason="purchase",
                          cause_key=f"checkout:{session['id']}",
                          note=f"Bought {purchase.credits} credits",
                          also=lambda write: write.update(
                              purchase, actions=actions,
                              condition=Purchase.purchase_id.exists()))
            break
        except credits.AlreadyApplied:
            return "already_granted"
        except TransactWriteError:
            # DynamoDB cancels a transaction that collides with one in flight on the same
            # items (the webhook and the success page at once): look again in a moment.
            if attempt == GRANT_ATTEMPTS - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    logs.event("credits_purchased", account_id=purchase.account_id,
               purchase_id=purchase.purchase_id, credits=int(purchase.credits))
    return "granted"


def _mark(session, status, *, only_from):
    """Record a step that moves no credits (pending, failed, expired), never backwards."""
    purchase = _matched(session)
    if purchase is None:
        return "rejected"
    try:
        purchase.update(actions=[Purchase.status.set(status)],
                        condition=Purchase.status.is_in(*only_from))
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        return "unchanged"
    logs.event("checkout_" + status, account_id=purchase.account_id,
               purchase_id=purchase.purchase_id)
    return status


def confirm_checkout(account_id, session_id):
    """The success page: fulfil from the session as Stripe reports it (the webhook may not
    have arrived yet), then say where the purchase stands."""
    if not isinstance(session_id, str) or not SESSION_ID.fullmatch(session_id):
        raise BadRequest("That is not a checkout session id.", code="invalid_session_id")
    session = get_checkout().retrieve(session_id)
    if session is None or session.get("client_reference_id") != account_id:
        raise NotFound("There is no such checkout.")
    if session.get("payment_status") == "paid":
        fulfil(session)
    purchase, _ = _purchase_for(session)
    if purchase is None:
        raise NotFound("There is no such checkout.")
    return {"purchase": describe_purchase(purchase), "balance": credits.balance(account_id)}


# --- refunds and disputes --------------------------------------------------------------------

def _purchase_by_payment(payment_intent, *, ours):
    """The purchase paid by a payment intent. One we know is ours but cannot find yet (its
    checkout event not processed) is a 409, so Stripe delivers the event again later."""
    payment_intent = _payment_intent_id(payment_intent)
    if payment_intent is not None:
        for key in Purchase.by_payment.query(payment_intent, limit=1):
            return Purchase.get(key.account_id, key.purchase_id, consistent_read=True)
    if ours:
        raise Conflict("This payment has no recorded purchase yet.",
                       code="purchase_not_recorded")
    logs.event("payment_unmatched", level=logging.WARNING)
    return None


def _reversal_status(purchase, refunded):
    if refunded >= purchase.amount:
        return "refunded"
    return "partially_refunded" if refunded > 0 else purchase.status


# Purchases of an erased account are kept for accounting under a random pseudonym.
ERASED_PREFIX = "erased-"


def _reverse(purchase, *, refunded=0, lost=0, attempts=8):
    """Claw back what the cumulative refunds and lost disputes call for, beyond what was already
    taken for them; the balance never goes negative and any shortfall is recorded."""
    for _ in range(attempts):
        purchase.refresh(consistent_read=True)
        now_refunded = max(int(purchase.amount_refunded or 0), refunded)
        now_lost = max(int(purchase.dispute_lost_amount or 0), lost)
        reversed_amount = min(purchase.amount, max(now_refunded, now_lost))
        target = -(-int(purchase.credits) * reversed_amount // int(purchase.amount))  # ceil
        wanted = target - int(purchase.credits_reversed or 0)
        unchanged = ((Purchase.amount_refunded == purchase.amount_refunded)
                     & (Purchase.dispute_lost_amount == purchase.dispute_lost_amount)
                     & (Purchase.credits_reversed == purchase.credits_reversed))
        actions = [Purchase.amount_refunded.set(now_refunded),
                   Purchase.dispute_lost_amount.set(now_lost),
                   Purchase.status.set(_reversal_status(purchase, now_refunded))]
        if purchase.account_id.startswith(ERASED_PREFIX):
            wanted = 0  # the account is gone: record what Stripe reports, take nothing
        try:
            if wanted <= 0:
                if (now_refunded, now_lost) == (purchase.amount_refunded,
                                                purchase.dispute_lost_amount):
                    return "unchanged"
                purchase.update(actions=actions, condition=unchanged)
                return "recorded"
            credits.clawback(
                purchase.account_id, wanted, note=f"Refund of {purchase.credits} credits bought",
                cause_key=f"clawback:{purchase.purchase_id}:{target}",
                also=lambda write, taken, unrecovered, actions=actions, target=target,
                cond=unchanged: write.update(purchase, condition=cond, actions=[
                    *actions, Purchase.credits_reversed.set(target),
                    Purchase.credits_clawed_back.add(taken),
                    Purchase.credits_unrecovered.add(unrecovered)]))
        except credits.AlreadyApplied:
            return "unchanged"  # another delivery reached the same point first
        except (TransactWriteError, UpdateError):
            continue  # the purchase moved meanwhile: read it again
        logs.event("credits_clawed_back", account_id=purchase.account_id,
                   purchase_id=purchase.purchase_id, wanted=wanted)
        return "clawed_back"
    raise RuntimeError("the purchase kept changing; Stripe will deliver the event again")


def record_refund(charge):
    metadata = charge.get("metadata")
    ours = isinstance(metadata, dict) and bool(metadata.get("purchase_id"))  # from our checkout
    purchase = _purchase_by_payment(charge.get("payment_intent"), ours=ours)
    if purchase is None:
        return "ignored"
    refunded = charge.get("amount_refunded")
    if not isinstance(refunded, int) or refunded < 0 or \
            str(charge.get("currency") or "").lower() != purchase.currency:
        logs.event("refund_rejected", level=logging.WARNING, purchase_id=purchase.purchase_id)
        return "rejected"
    return _reverse(purchase, refunded=refunded)


def record_dispute(dispute):
    """Record a dispute as it moves; a lost one claws back like a refund of its amount."""
    purchase = _purchase_by_payment(dispute.get("payment_intent"), ours=False)
    if purchase is None:
        return "ignored"
    status, amount = dispute.get("status"), dispute.get("amount")
    if not isinstance(status, str) or not isinstance(amount, int) or amount < 0:
        raise BadRequest("The dispute is malformed.", code="invalid_event")
    settled = Purchase.dispute_status.is_in(*FINAL_DISPUTE_STATUSES)
    try:
        purchase.update(actions=[Purchase.dispute_id.set(str(dispute.get("id"))[:100]),
                                 Purchase.dispute_status.set(status[:40]),
                                 Purchase.dispute_amount.set(amount)],
                        condition=None if status in FINAL_DISPUTE_STATUSES else ~settled)
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        return "unchanged"  # a late report of an earlier stage of a settled dispute
    logs.event("dispute_recorded", level=logging.WARNING, account_id=purchase.account_id,
               purchase_id=purchase.purchase_id, status=status[:40])
    if status == "lost":
        _reverse(purchase, lost=min(amount, int(purchase.amount)))
    return "dispute_" + status[:40]


# --- the webhook -----------------------------------------------------------------------------

def verify_event(raw_body, signature, stripe_module=None):
    """The event, as a dict, only if Stripe's signature over the exact bytes holds."""
    secret = get_settings().stripe_webhook_secret
    if not secret:  # fail closed: never act on an unverifiable event
        logs.event("stripe_webhook_secret_missing", level=logging.ERROR)
        raise BadRequest("The webhook cannot verify signatures.", code="invalid_signature")
    if len(raw_body or b"") > MAX_WEBHOOK_BYTES:
        raise PayloadTooLarge("The event is too large.")
    stripe = stripe_module or _stripe()
    try:
        event = stripe.Webhook.construct_event(raw_body or b"", signature, secret,
                                               tolerance=WEBHOOK_TOLERANCE_SECONDS)
    except stripe.SignatureVerificationError:
        logs.event("stripe_signature_refused", level=logging.WARNING)
        raise BadRequest("The Stripe signature is not valid.", code="invalid_signature") \
            from None
    except ValueError:  # signed, but not JSON or not a v1 event
        raise BadRequest("The event is not valid JSON.", code="invalid_event") from None
    return event.to_dict()


def _session_completed(session):
    if session.get("payment_status") == "paid":
        return fulfil(session)
    return _mark(session, "pending", only_from=("open",))  # an async method: wait for it


HANDLERS = {
    "checkout.session.completed": _session_completed,
    "checkout.session.async_payment_succeeded": lambda session: fulfil(session, paid=True),
    "checkout.session.async_payment_failed":
        lambda session: _mark(session, "failed", only_from=("open", "pending")),
    "checkout.session.expired": lambda session: _mark(session, "expired", only_from=("open",)),
    "charge.refunded": record_refund,
    "charge.dispute.created": record_dispute,
    "charge.dispute.updated": record_dispute,
    "charge.dispute.closed": record_dispute,
}


def handle_webhook(raw_body, signature):
    event = verify_event(raw_body, signature)
    kind = event.get("type")
    handler = HANDLERS.get(kind)
    if handler is None:
        return {"received": True, "handled": False}
    subject = (event.get("data") or {}).get("object")
    if not isinstance(subject, dict):
        raise BadRequest("The event has no object.", code="invalid_event")
    outcome = handler(subject)
    logs.event("stripe_event", type=kind, outcome=outcome)
    return {"received": True, "handled": True, "outcome": outcome}


# --- history -------------------------------------------------------------------------------

def describe_purchase(purchase):
    return {"id": purchase.purchase_id, "created_at": purchase.created_at.isoformat(),
            "pack": purchase.pack, "credits": int(purchase.credits),
            "amount": int(purchase.amount), "currency": purchase.currency,
            "status": purchase.status,
            "paid_at": purchase.paid_at.isoformat() if purchase.paid_at else None,
            "amount_refunded": int(purchase.amount_refunded or 0),
            "credits_clawed_back": int(purchase.credits_clawed_back or 0),
            "credits_unrecovered": int(purchase.credits_unrecovered or 0),
            "dispute_status": purchase.dispute_status}


def purchase_history(account_id, *, cursor=None, limit=None):
    limit = paging.read_limit(limit)
    after = paging.decode_cursor(cursor)
    page = Purchase.query(account_id, scan_index_forward=False, limit=limit + 1,
                          last_evaluated_key=after and {"account_id": {"S": account_id},
                                                        "purchase_id": {"S": after}})
    items = list(page)
    more = items[limit - 1].purchase_id if len(items) > limit else None
    return {"purchases": [describe_purchase(p) for p in items[:limit]],
            "next_cursor": paging.encode_cursor(more)}


# --- the local checkout (no Stripe key, never in prod) ---------------------------------------

def _local_session(account_id, session_id):
    checkout = get_checkout() if get_settings().local_checkout else None
    if not isinstance(checkout, LocalCheckout) or not isinstance(session_id, str) or \
            not SESSION_ID.fullmatch(session_id):
        raise NotFound("There is no such checkout.")
    session = checkout.retrieve(session_id)
    if session is None or session["client_reference_id"] != account_id:
        raise NotFound("There is no such checkout.")
    return checkout, session


def local_checkout_summary(account_id, session_id):
    _, session = _local_session(account_id, session_id)
    return {"session_id": session["id"], "description": session["description"],
            "amount": session["amount_total"], "currency": session["currency"],
            "email": session["customer_email"], "status": session["status"],
            "cancel_url": session["cancel_url"]}


def local_checkout_pay(account_id, session_id):
    """Pay a local session: the page then delivers the signed event to the webhook, as Stripe
    would, and goes to the success page."""
    checkout, session = _local_session(account_id, session_id)
    payload, signature = checkout.pay(session_id)
    return {"event": payload, "signature": signature, "webhook": "/api/stripe/webhook",
            "success_url": session["success_url"].replace("{CHECKOUT_SESSION_ID}",
                                                          session_id)}
