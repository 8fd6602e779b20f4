"""The site's upload (infra/deploy_site.sh), run for real with a fake `aws` on PATH that records
its arguments: every file of site/ ends up with the Cache-Control core/web.site_cache_control
names, pages after the scripts they load, stale files deleted, CloudFront emptied."""

import fnmatch
import itertools
import json
import os
import subprocess
from pathlib import Path

from chalicelib.core.web import site_cache_control

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "site"
FAKE_AWS = """#!/usr/bin/env python3
import json, os, sys
with open(os.environ["AWS_CALLS"], "a") as calls:
    calls.write(json.dumps(sys.argv[1:]) + "\\n")
"""


def deploy(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "aws").write_text(FAKE_AWS)
    (bin_dir / "aws").chmod(0o755)
    calls = tmp_path / "calls.jsonl"
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "AWS_CALLS": str(calls)}
    subprocess.run([str(ROOT / "infra" / "deploy_site.sh"), "the-bucket", "E123", "eu-west-3"],
                   env=env, check=True, capture_output=True, text=True)
    return [json.loads(line) for line in calls.read_text().splitlines()]


def option(call, name):
    return call[call.index(name) + 1] if name in call else None


def selected(call, key):
    """Whether the AWS CLI's filters pick `key`: in order, the last matching one wins."""
    chosen = True
    for flag, pattern in itertools.pairwise(call):
        if flag in ("--exclude", "--include") and fnmatch.fnmatchcase(key, pattern):
            chosen = flag == "--include"
    return chosen


def test_every_file_is_uploaded_with_its_cache_control_pages_last(tmp_path):
    calls = deploy(tmp_path)
    uploads = [c for c in calls if c[:2] == ["s3", "cp"]]
    assert uploads and all(c[2:4] == ["site/", "s3://the-bucket/"] and "--recursive" in c
                           and option(c, "--region") == "eu-west-3" for c in uploads)
    keys = sorted(str(p.relative_to(SITE)) for p in SITE.rglob("*") if p.is_file())
    assert {"index.html", "js/layout.js", "css/site.css", "favicon.ico"} <= set(keys)
    when = {}
    for key in keys:
        picked = [(i, option(c, "--cache-control")) for i, c in enumerate(uploads)
                  if selected(c, key)]
        assert len(picked) == 1, (key, picked)  # one upload each, with its header
        assert picked[0][1] == site_cache_control(Path(key).name), key
        when[key] = picked[0][0]
    assert site_cache_control("index.html") == site_cache_control("api.js") == "no-cache"
    assert site_cache_control("example-cartoon.en.webp") == "public, max-age=86400"
    pages = [when[k] for k in keys if k.endswith(".html")]
    scripts = [when[k] for k in keys if k.endswith((".js", ".css"))]
    assert min(pages) > max(scripts)  # a page never names a script that is not there yet


def test_stale_files_are_deleted_and_cloudfront_emptied_after_the_uploads(tmp_path):
    calls = deploy(tmp_path)
    kinds = [c[:2] for c in calls]
    (sync,) = [c for c in calls if c[:2] == ["s3", "sync"]]
    assert "--delete" in sync and "--size-only" in sync  # deletes; uploads nothing unlabelled
    assert kinds.index(["s3", "sync"]) > max(i for i, k in enumerate(kinds) if k == ["s3", "cp"])
    assert calls[-1][:2] == ["cloudfront", "create-invalidation"]
    assert option(calls[-1], "--distribution-id") == "E123"
    assert option(calls[-1], "--paths") == "/*"


def test_make_deploy_uploads_the_site_through_this_script_only():
    script = (ROOT / "infra" / "deploy.sh").read_text()
    assert "infra/deploy_site.sh" in script
    assert "s3 sync site/" not in script and "s3 cp site/" not in script
