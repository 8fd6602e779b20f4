"""HTTP only at the edge: app.py reads and checks a route's body once (`read_body`), services
apply their own rate limits and trust what the edge checked."""

import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECKED_WITH = re.compile(r"\bcheck_object\([^,()]+,\s*([\w.]+)")
# Checked again on purpose: a model's draft reaches parse_cartoon without passing the edge.
# cast.py's redraw is left to the drawing machine's rewrite (issue 22, item 1).
CHECKED_TWICE = {("chalicelib/cartoons/specs.py", "CARTOON_SPEC"),
                 ("chalicelib/cartoons/cast.py", "specs.REDRAW_REFERENCE_SPEC")}


def test_app_py_applies_no_rate_limit():
    """Each limit is applied by the service whose work it limits (accounts/limits.py)."""
    assert "limits." not in (ROOT / "app.py").read_text()


def test_no_service_checks_again_a_body_the_edge_checked():
    from app import app

    route_specs = [spec.body for spec in app.route_specs.values() if spec.body]
    again = []
    for path in sorted((ROOT / "chalicelib").rglob("*.py")):
        name = str(path.relative_to(ROOT))
        if name == "chalicelib/core/web.py":
            continue
        module = importlib.import_module(name[:-3].replace("/", "."))
        for spec_name in CHECKED_WITH.findall(path.read_text()):
            spec = module
            for part in spec_name.split("."):  # a module's spec; None for a local name
                spec = getattr(spec, part, None)
            if any(spec is checked for checked in route_specs) and \
                    (name, spec_name) not in CHECKED_TWICE:
                again.append(f"{name}: {spec_name}")
    assert again == []
