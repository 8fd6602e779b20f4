"""Importing the app (a cold start) imports none of the heavy SDKs."""

import json
import subprocess
import sys

from tests.conftest import ROOT


def test_importing_app_loads_no_provider_sdk():
    code = ("import json, sys, app; "
            "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=ROOT, check=True,
                         capture_output=True, text=True)
    modules = json.loads(out.stdout)
    assert "chalice" in modules and "pynamodb" in modules
    for heavy in ("openai", "stripe", "resend", "PIL"):
        assert heavy not in modules, heavy
        assert f" {heavy}" not in out.stderr  # -X importtime lists every import
