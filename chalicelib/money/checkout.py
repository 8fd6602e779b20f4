"""Buying credits: the packs on sale, starting a Stripe Checkout, and granting what a paid
checkout bought.

A checkout records a `Purchase` (pack, credits, amount) and creates a Checkout Session that
carries the account id as `client_reference_id` and the purchase in its metadata. Credits are
granted by `fulfil`, from the signed webhook or from the success page, whichever comes first:
the grant is one ledger transaction keyed by the session id, so it happens exactly once, and
only for a paid session whose amount, currency and pack match what the purchase recorded.

Stripe is reached through `adapters.stripe_checkout.StripeCheckout`. Without a Stripe key, the
local stack installs its stand-in (local/checkout.py) with `install_stand_in`; prod never
has one.
"""

import functools
import logging
import time

from pynamodb.exceptions import TransactWriteError, UpdateError

from chalicelib.accounts import limits
from chalicelib.core import clock, ids, logs, paging
from chalicelib.core.answers import BODY_ERRORS, COUNT, SIGNED_IN, TEXT, URL, array, obj, ok
from chalicelib.core.conditions import lost_condition
from chalicelib.core.errors import Invalid, NotFound
from chalicelib.core.fields import Field
from chalicelib.core.models import Purchase
from chalicelib.core.patterns import Pattern
from chalicelib.core.settings import get_settings
from chalicelib.money import credits
from chalicelib.money.purchases import PURCHASE, describe_purchase

# Stripe's path for a Checkout Session takes an id of at most 66 characters (`cs_` and 63):
# a longer one is refused here, before any call, as Stripe itself would refuse it.
SESSION_ID_MAX = 66
SESSION_ID = Pattern(rf"^cs_[A-Za-z0-9_]{{1,{SESSION_ID_MAX - 3}}}$")
ACCOUNT_ID = Pattern(r"^[0-9a-f]{32}$")
GRANT_ATTEMPTS = 3
def pack_ids():
    """The packs on sale (the settings' CREDIT_PACKS): the API document's values for a pack."""
    return tuple(pack.pack_id for pack in get_settings().credit_packs)


CHECKOUT_SPEC = {"pack": Field(str, max_length=40, choices=pack_ids)}
CONFIRM_SPEC = {"session_id": Field(str, max_length=SESSION_ID_MAX, pattern=SESSION_ID.pattern)}
_STAND_IN = {}  # the local stack's checkout, when it installed one


# --- packs ---------------------------------------------------------------------------------

def describe_pack(pack):
    return {"id": pack.pack_id, "credits": pack.credits, "amount": pack.amount,
            "currency": pack.currency, "label": pack.label}


def list_packs():
    settings = get_settings()
    return {"packs": [describe_pack(p) for p in settings.credit_packs],
            "checkout": "local" if settings.local_checkout else "stripe"}


# --- the checkout provider ----------------------------------------------------------------

def install_stand_in(checkout):
    """The local stack's checkout, used when there is no Stripe key (never in prod)."""
    if not get_settings().local_checkout:
        raise RuntimeError("a checkout stand-in runs only locally, without a Stripe key")
    _STAND_IN["checkout"] = checkout
    get_checkout.cache_clear()


def build_checkout(settings):
    if settings.stripe_secret_key:
        import stripe  # only when selling: the SDK is heavy for a cold start

        from chalicelib.adapters.stripe_checkout import StripeCheckout  # with the SDK, no sooner

        base = {"api": settings.stripe_api_base} if settings.stripe_api_base else None
        client = stripe.StripeClient(settings.stripe_secret_key, base_addresses=base,
                                     max_network_retries=2)
        return StripeCheckout(client, stripe)
    if settings.local_checkout and "checkout" in _STAND_IN:
        return _STAND_IN["checkout"]
    raise RuntimeError("prod needs STRIPE_SECRET_KEY to sell credits")


@functools.lru_cache(maxsize=1)
def get_checkout():
    return build_checkout(get_settings())


def start_checkout(signed_in, pack_id):
    """Create a Checkout Session for a pack and record the purchase; return where to pay.
    (`signed_in` is our Session; `session` below is Stripe's Checkout Session.)"""
    account, settings = signed_in.account, get_settings()
    pack = settings.pack(pack_id)
    if pack is None:
        raise Invalid(key="no_such_pack", code="unknown_pack")
    limits.hit("checkout-account-hour", account.account_id,
               refusal="checkouts_this_hour")
    purchase_id = ids.new_ledger_id()
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
        # Never in the customer's currency: the grant checks amount and currency exactly.
        "adaptive_pricing": {"enabled": False},
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
    return clock.utc_now()


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


def payment_intent_id(value):
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
    payment_intent = payment_intent_id(session.get("payment_intent"))
    if payment_intent:
        actions.append(Purchase.payment_intent.set(payment_intent))
    for attempt in range(GRANT_ATTEMPTS):
        try:
            credits.grant(purchase.account_id, int(purchase.credits), reason="purchase",
                          cause_key=f"checkout:{session['id']}",
                          note=f"Bought {purchase.credits} credits",
                          what={"kind": "purchase", "credits": int(purchase.credits),
                                "pack": purchase.pack},
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


def mark(session, status, *, only_from):
    """Record a step that moves no credits (pending, failed, expired), never backwards."""
    purchase = _matched(session)
    if purchase is None:
        return "rejected"
    try:
        purchase.update(actions=[Purchase.status.set(status)],
                        condition=Purchase.status.is_in(*only_from))
    except UpdateError as error:
        if not lost_condition(error):
            raise
        return "unchanged"
    logs.event("checkout_" + status, account_id=purchase.account_id,
               purchase_id=purchase.purchase_id)
    return status


def confirm_checkout(signed_in, session_id):
    """The success page: fulfil from the session as Stripe reports it (the webhook may not
    have arrived yet), then say where the purchase stands."""
    account_id = signed_in.account_id
    limits.hit("confirm-account-hour", account_id)  # each confirm calls Stripe
    if not isinstance(session_id, str) or not SESSION_ID.fullmatch(session_id):
        raise Invalid(key="not_a_session_id", code="invalid_session_id")
    session = get_checkout().retrieve(session_id)
    if session is None or session.get("client_reference_id") != account_id:
        raise NotFound(key="no_such_checkout")
    if session.get("payment_status") == "paid":
        fulfil(session)
    purchase, _ = _purchase_for(session)
    if purchase is None:
        raise NotFound(key="no_such_checkout")
    return {"purchase": describe_purchase(purchase), "balance": credits.balance(account_id)}


# What the routes reading those specs answer, and GET /api/packs.
PACKS = ok(obj({"checkout": TEXT, "packs": array(obj({
    "id": TEXT, "label": TEXT, "credits": COUNT, "amount": COUNT, "currency": TEXT}))}))
STARTED = ok(obj({"purchase_id": TEXT, "session_id": TEXT, "url": URL}), 201,
             errors=(*BODY_ERRORS, SIGNED_IN, 429, 502, 503))
CONFIRMED = ok(obj({"balance": COUNT, "purchase": PURCHASE}),
               errors=(*BODY_ERRORS, SIGNED_IN, 404, 429, 502, 503))
