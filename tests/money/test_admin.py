"""The operator's command line goes through the same ledger as everything else."""

import io
import subprocess
import sys

from chalicelib.core.models import LedgerEntry
from chalicelib.money import admin, credits
from tests.support import ROOT


def run(*argv):
    out = io.StringIO()
    code = admin.main(list(argv), out=out)
    return code, out.getvalue()


def test_add_show_and_remove_by_email_or_id(signed_in, capsys):
    account = signed_in.get("/api/me").json["account_id"]
    code, out = run("add", "ada@Example.COM", "12", "--reason", "Goodwill after the outage")
    assert code == 0 and "balance now 12" in out
    code, out = run("remove", account, "5", "--reason", "Granted twice by mistake")
    assert code == 0 and "balance now 7" in out
    code, out = run("show", "ada@example.com")
    assert code == 0
    assert "balance  7 credits" in out and account in out
    assert "Goodwill after the outage" in out and "Granted twice by mistake" in out
    assert sum(int(e.delta) for e in LedgerEntry.query(account)) == credits.balance(account)
    # The account holder sees the operator's reason in their own ledger.
    notes = [e["note"] for e in signed_in.get("/api/credits").json["entries"]]
    assert notes == ["Granted twice by mistake", "Goodwill after the outage"]


def test_removing_more_than_the_balance_is_refused_and_changes_nothing(signed_in, capsys):
    account = signed_in.get("/api/me").json["account_id"]
    run("add", account, "3", "--reason", "test")
    code, _ = run("remove", account, "4", "--reason", "too much")
    assert code == 1 and "short by 1" in capsys.readouterr().err
    assert credits.balance(account) == 3 and LedgerEntry.count(account) == 1


def test_unknown_accounts_and_bad_amounts_are_errors(signed_in, capsys):
    assert run("show", "nobody@example.com")[0] == 1
    assert run("show", "0" * 32)[0] == 1
    assert run("show", "not an address")[0] == 1
    assert run("add", "ada@example.com", "0", "--reason", "x")[0] == 1
    assert run("add", "ada@example.com", "-3", "--reason", "x")[0] == 1
    assert run("add", "ada@example.com", "3", "--reason", "  ")[0] == 1
    assert LedgerEntry.count() == 0


def test_the_module_runs_as_a_command():
    out = subprocess.run([sys.executable, "-m", "chalicelib.money.admin", "--help"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    assert "show" in out and "add" in out and "remove" in out
