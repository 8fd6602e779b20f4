"""The operator's command line: an account's balance, ledger and purchases; credits added or
removed with a reason, through the same ledger transactions as everything else.

    python -m chalicelib.money.admin show ada@example.com
    python -m chalicelib.money.admin add ada@example.com 10 --reason "Goodwill after the outage"
    python -m chalicelib.money.admin remove 3f2a...e9 5 --reason "Granted twice by mistake"
    python -m chalicelib.money.admin emails
    python -m chalicelib.money.admin costs        (or: python -m chalicelib.admin costs)

`emails` indexes every account made before addresses were compared without regard to case
under its address's lower-case form, and lists the accounts it could not move because another
account has the same address in other capitals (README: addresses that differ only by case).

`costs` sets, for each quality level, what the cartoons cost at the provider (the tokens every
image call reported, priced with IMAGE_PRICES, and every look at a drawn panel, priced with
OPENAI_LOOK_PRICE, added to each cartoon as it was drawn; the looks and the panels redrawn at
the service's cost because a speaker could not be found are counted apart) against
what they brought in: the credits they kept (charges less refunds, from the ledger) at the
average price a credit was sold for (paid purchases, less refunds; the packs' lowest price per
credit while nothing was sold). The difference is the margin. It scans the cartoons, the ledger
and the purchases: an operator's report, never a request's path.

It uses the stage's settings and AWS credentials from the environment, like the Lambdas.
The reason is stored on the ledger entry, which the account holder sees in their history.
"""

import argparse
import sys

from chalicelib.accounts import links
from chalicelib.core import logs
from chalicelib.core.errors import DomainError
from chalicelib.core.models import Account, Cartoon, LedgerEntry, Purchase
from chalicelib.core.patterns import Pattern
from chalicelib.core.settings import CURRENCY, get_settings
from chalicelib.money import credits

ACCOUNT_ID = Pattern(r"^[0-9a-f]{32}$")


class AdminError(Exception):
    pass


def find_account(who):
    """An account by its id or by its email address."""
    try:
        if ACCOUNT_ID.fullmatch(who):
            return Account.get(who, consistent_read=True)
        found = links.find_account(links.normalise_email(who))
    except Account.DoesNotExist:
        found = None
    except DomainError as error:
        raise AdminError(error.message) from None
    if found is None:
        raise AdminError(f"No account for {who!r}.")
    return found


def show(account, out, limit=50):
    print(f"account  {account.account_id}", file=out)
    print(f"email    {account.email}", file=out)
    print(f"created  {account.created_at:%Y-%m-%d %H:%M} UTC", file=out)
    print(f"balance  {credits.balance(account.account_id)} credits", file=out)
    entries, more = credits.entries(account.account_id, limit=limit)
    print(f"\nledger, newest first{' (latest ' + str(limit) + ')' if more else ''}:", file=out)
    for entry in entries:
        short = f" (could not recover {int(entry.unrecovered)})" if entry.unrecovered else ""
        print(f"  {entry.created_at:%Y-%m-%d %H:%M}  {int(entry.delta):+6d}  "
              f"{entry.reason:<10}  {entry.cause_key}  {entry.note}{short}", file=out)
    purchases = list(Purchase.query(account.account_id, scan_index_forward=False, limit=limit))
    print("\npurchases, newest first:", file=out)
    for p in purchases:
        extra = f" refunded {p.amount_refunded / 100:.2f}" if p.amount_refunded else ""
        extra += f" dispute {p.dispute_status}" if p.dispute_status else ""
        print(f"  {p.created_at:%Y-%m-%d %H:%M}  {p.pack:<8} {int(p.credits):>4} credits  "
              f"{p.amount / 100:.2f} {p.currency.upper()}  {p.status}{extra}", file=out)
    if not purchases:
        print("  (none)", file=out)


def change(account, amount, reason, out):
    try:
        applied = credits.adjust(account.account_id, amount, note=reason)
    except credits.InsufficientCredits as error:
        raise AdminError(f"The balance is short by {error.shortfall}: nothing removed.") \
            from None
    logs.event("credits_adjusted", account_id=account.account_id, delta=amount)
    print(f"{amount:+d} credits ({applied.cause_key}); balance now "
          f"{credits.balance(account.account_id)}", file=out)


def canonical_emails(out):
    """Move every account still indexed under its exact address to the canonical key (a
    scan: an operator's one-off, never a request's path)."""
    moved, clashes = 0, []
    for account in Account.scan():
        if account.email_key == links.email_key(account.email):
            continue
        if links.move_to_canonical_key(account):
            moved += 1
        else:
            clashes.append(account.account_id)
    print(f"moved {moved} account(s) to the lower-case key", file=out)
    for account_id in clashes:
        print(f"  same address as another account, in other capitals: {account_id}", file=out)
    return clashes


PAID = ("paid", "partially_refunded", "refunded")
CARTOON_CAUSES = ("cartoon:", "redraw:", "reference:", "refund:")  # as cartoons/view.spent


def price_per_credit():
    """Revenue per credit, in cents: what paid purchases kept over the credits they sold."""
    amount = sold = 0
    for purchase in Purchase.scan(Purchase.status.is_in(*PAID)):
        amount += int(purchase.amount) - int(purchase.amount_refunded or 0)
        sold += int(purchase.credits)
    if sold:
        return amount / sold
    return min(pack.amount / pack.credits for pack in get_settings().credit_packs)


def credits_kept():
    """cartoon id -> credits charged for it less credits refunded (the ledger's own word)."""
    kept = {}
    for entry in LedgerEntry.scan(attributes_to_get=["cause_key", "delta", "reason"]):
        if entry.reason in ("spend", "refund") and entry.cause_key.startswith(CARTOON_CAUSES):
            cartoon_id = entry.cause_key.split(":")[1]
            kept[cartoon_id] = kept.get(cartoon_id, 0) - int(entry.delta)
    return kept


def cost_report():
    """{quality: {cartoons, calls, looks, free_redraws, tokens, credits, revenue, cost,
    margin}}, money in cents."""
    per_credit, kept = price_per_credit(), credits_kept()
    report = {}
    for cartoon in Cartoon.scan(attributes_to_get=[
            "cartoon_id", "quality", "provider_cost", "provider_tokens", "image_calls",
            "look_calls", "free_redraws"]):
        row = report.setdefault(cartoon.quality, {"cartoons": 0, "calls": 0, "looks": 0,
                                                  "free_redraws": 0, "tokens": 0,
                                                  "credits": 0, "cost_micros": 0})
        row["cartoons"] += 1
        row["calls"] += int(cartoon.image_calls or 0)
        row["looks"] += int(cartoon.look_calls or 0)
        row["free_redraws"] += int(cartoon.free_redraws or 0)
        row["tokens"] += int(cartoon.provider_tokens or 0)
        row["credits"] += kept.get(cartoon.cartoon_id, 0)
        row["cost_micros"] += int(cartoon.provider_cost or 0)
    for row in report.values():
        row["revenue"] = row["credits"] * per_credit
        row["cost"] = row["cost_micros"] / 10_000  # millionths of a euro -> cents
        row["margin"] = row["revenue"] - row["cost"]
    return report, per_credit


def costs(out):
    report, per_credit = cost_report()
    unit = CURRENCY.upper()
    print(f"revenue per credit: {per_credit / 100:.4f} {unit}", file=out)
    print(f"{'quality':<10}{'cartoons':>9}{'calls':>7}{'tokens':>11}{'credits':>9}"
          f"{'revenue':>11}{'cost':>11}{'margin':>11}{'margin %':>10}{'looks':>7}"
          f"{'free-redraws':>14}", file=out)
    levels = list(get_settings().quality_credits)
    total = {"cartoons": 0, "calls": 0, "tokens": 0, "credits": 0, "revenue": 0.0,
             "cost": 0.0, "margin": 0.0, "looks": 0, "free_redraws": 0}
    for quality in levels + sorted(set(report) - set(levels)):
        row = report.get(quality)
        if row is None:
            continue
        _cost_line(quality, row, out)
        for name in total:
            total[name] += row[name]
    _cost_line("all", total, out)
    return report


def _cost_line(quality, row, out):
    share = f"{row['margin'] / row['revenue']:.0%}" if row["revenue"] else "-"
    print(f"{quality:<10}{row['cartoons']:>9}{row['calls']:>7}{row['tokens']:>11}"
          f"{row['credits']:>9}{row['revenue'] / 100:>11.2f}{row['cost'] / 100:>11.2f}"
          f"{row['margin'] / 100:>11.2f}{share:>10}{row['looks']:>7}"
          f"{row['free_redraws']:>14}", file=out)


def parser():
    root = argparse.ArgumentParser(prog="python -m chalicelib.money.admin",
                                   description="Look at and adjust credit balances.")
    commands = root.add_subparsers(dest="command", required=True)
    look = commands.add_parser("show", help="balance, ledger and purchases of an account")
    look.add_argument("account", help="account id or email address")
    look.add_argument("--limit", type=int, default=50)
    for name, what in (("add", "add credits"), ("remove", "remove credits")):
        command = commands.add_parser(name, help=f"{what}, with a reason the account sees")
        command.add_argument("account", help="account id or email address")
        command.add_argument("credits", type=int)
        command.add_argument("--reason", required=True)
    commands.add_parser("emails", help="index older accounts under the lower-case address")
    commands.add_parser("costs", help="provider cost, revenue and margin per quality level")
    return root


def main(argv=None, out=sys.stdout):
    args = parser().parse_args(argv)
    try:
        if args.command == "emails":
            canonical_emails(out)
            return 0
        if args.command == "costs":
            costs(out)
            return 0
        account = find_account(args.account)
        if args.command == "show":
            show(account, out, limit=max(1, min(args.limit, 1000)))
            return 0
        if args.credits <= 0 or not args.reason.strip():
            raise AdminError("Give a positive number of credits and a reason.")
        change(account, args.credits if args.command == "add" else -args.credits,
               args.reason[:200], out)
        return 0
    except AdminError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
