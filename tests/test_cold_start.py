"""Importing the app (a cold start) imports none of the heavy SDKs, and none of the worker's or
the composer's code."""

import json
import subprocess
import sys

from tests.support import ROOT


def test_importing_app_loads_no_provider_sdk():
    code = ("import json, sys, app; "
            "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} | "
            "{m for m in sys.modules if m.startswith('chalicelib.')})))")
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=ROOT, check=True,
                         capture_output=True, text=True)
    modules = json.loads(out.stdout)
    assert "chalice" in modules and "pynamodb" in modules
    for heavy in ("openai", "stripe", "resend", "PIL"):
        assert heavy not in modules, heavy
        assert f" {heavy}" not in out.stderr  # -X importtime lists every import
    ours = [m for m in modules if m.startswith(("chalicelib.worker", "chalicelib.comic."))]
    assert ours == []


def test_importing_app_loads_no_adapter_that_only_one_route_calls():
    """Drafting, moderation, mail and Stripe's checkout load with the first request that uses
    them (each imports the OpenAI plumbing or a provider's terms): a cold start answering
    anything else does not pay for them."""
    code = "import json, sys, app; print(json.dumps(sorted(sys.modules)))"
    modules = set(json.loads(subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True,
                                            capture_output=True, text=True).stdout))
    assert {"chalicelib.cartoons.drafting", "chalicelib.cartoons.submission",
            "chalicelib.accounts.links", "chalicelib.money.checkout"} <= modules
    lazy = {f"chalicelib.{name}" for name in (
        "adapters.drafting", "adapters.moderation", "adapters.openai_client", "adapters.mail",
        "adapters.stripe_checkout", "core.structured")}
    assert sorted(lazy & modules) == []


def test_importing_app_compiles_none_of_our_patterns():
    """Our modules declare their regular expressions as `core.patterns.Pattern`, compiled at
    first use: a module-level `re.compile` would put its cost back on every cold start. (What
    reading the settings at import uses is compiled then, as it must be.)"""
    code = ("import re, sys\n"
            "compiled = []\n"
            "original = re._compile\n"
            "def spy(pattern, flags):\n"
            "    frame = sys._getframe(2)\n"
            "    caller = frame.f_globals.get('__name__', '')\n"
            "    ours = caller.startswith(('chalicelib.', 'app'))\n"
            "    if ours and frame.f_code.co_name == '<module>':\n"
            "        compiled.append((caller, str(pattern)))\n"
            "    return original(pattern, flags)\n"
            "re._compile = spy\n"
            "import app\n"
            "print(compiled)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    assert out.strip() == "[]"


def _page_faults(code):
    code += "\nimport resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt)"
    return int(subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout)


def test_importing_app_costs_no_more_memory_than_its_modules_need():
    """Imported deep in our own chain, boto3's import crossed a frame-stack chunk of Python 3.11
    again and again (about 1,500 more page faults than the same modules imported from the top);
    app.py imports it first. Any other order that brings the thrash back fails here."""
    same_modules_from_the_top = _page_faults("import boto3, chalice, pynamodb.models\nimport app")
    assert _page_faults("import app") < same_modules_from_the_top * 1.05
