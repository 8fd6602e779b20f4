"""The synthesized prod template, built by `make package` (or here, when missing or stale)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
TEMPLATE = DIST / "package" / "sam.json"
SOURCES = ["app.py", "requirements.txt", "chalicelib/**/*.py", "infra/*.py", ".chalice/*.json"]


@pytest.fixture(autouse=True)
def aws():
    """These tests read files: no moto (the put_secrets tests start their own)."""
    yield {}


def _stale():
    if not TEMPLATE.exists():
        return True
    built = TEMPLATE.stat().st_mtime
    return any(path.stat().st_mtime > built for pattern in SOURCES for path in ROOT.glob(pattern))


@pytest.fixture(scope="session")
def template():
    if _stale():
        # Its own process: the build imports the app with prod's settings.
        subprocess.run([sys.executable, "-m", "infra.build", str(DIST)],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return json.loads(TEMPLATE.read_text())


@pytest.fixture(scope="session")
def resources(template):
    return template["Resources"]

