"""The purchase history: what was bought, paid, refunded or disputed, newest first."""

from chalicelib.core import paging
from chalicelib.core.answers import COUNT, SIGNED_IN, STRING, TEXT, TIME, array, nullable, obj, ok
from chalicelib.core.models import Purchase


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


def purchase_history(session, *, cursor=None, limit=None):
    account_id = session.account_id
    limit = paging.read_limit(limit)
    after = paging.decode_cursor(cursor, "purchases")
    page = Purchase.query(account_id, scan_index_forward=False, limit=limit + 1,
                          last_evaluated_key=after and {"account_id": {"S": account_id},
                                                        "purchase_id": {"S": after}})
    items = list(page)
    more = items[limit - 1].purchase_id if len(items) > limit else None
    return {"purchases": [describe_purchase(p) for p in items[:limit]],
            "next_cursor": paging.encode_cursor(more, "purchases")}


# What `describe_purchase` answers, and GET /api/purchases.
PURCHASE = obj({"id": TEXT, "pack": TEXT, "credits": COUNT, "amount": COUNT,
                "currency": TEXT, "status": TEXT, "created_at": TIME,
                "paid_at": nullable(TIME), "amount_refunded": COUNT,
                "credits_clawed_back": COUNT, "credits_unrecovered": COUNT,
                "dispute_status": nullable(STRING)})
HISTORY = ok(obj({"purchases": array(PURCHASE), "next_cursor": nullable(TEXT)}),
             errors=(400, SIGNED_IN))
