"""Credits and what moves them: the ledger, checkout, Stripe's webhook, refunds and disputes, and
the operator's CLI."""
