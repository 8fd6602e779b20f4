"""Re-extract the vendored parts of the providers' published OpenAPI documents: the operations
the project calls and every component schema they reference (followed transitively), without
descriptions and examples. Run by hand when a provider publishes a new document; never in CI.

    python -m local.provider_specs.extract openai PATH [--rev REV]
    python -m local.provider_specs.extract stripe PATH [--rev REV]
    python -m local.provider_specs.extract resend PATH [--rev REV]

PATH is a checkout (or a bare clone) of openai/openai-openapi, stripe/openapi or
resend/resend-openapi; the document is read at REV (default HEAD) with `git show`, and the
commit and its date are written into the extract (`x-vendored`). README.md says which commit
each file holds now and why.
"""

import argparse
import json
import pathlib
import re
import subprocess

HERE = pathlib.Path(__file__).parent
# provider -> (document in its repository, repository, [(method, path)] the project calls)
SOURCES = {
    "openai": ("openapi.json", "openai/openai-openapi", [
        ("post", "/images/generations"), ("post", "/images/edits"), ("post", "/moderations"),
        ("post", "/responses")]),
    "stripe": ("openapi/spec3.json", "stripe/openapi", [
        ("post", "/v1/checkout/sessions"), ("get", "/v1/checkout/sessions/{session}"),
        ("get", "/v1/charges/{charge}")]),
    "resend": ("resend.json", "resend/resend-openapi", [("post", "/emails")]),
}
DROPPED = {"description", "summary", "examples", "example", "x-oaiMeta", "x-oaiTypeLabel",
           "x-stainless-const", "x-expansionResources", "x-expandableFields", "tags",
           "x-codeSamples", "x-oaiExpandable", "x-stripeBypassValidation",
           "x-stripeParam", "x-stripeResource", "x-stripeMostCommon"}
NAMED = {"properties", "patternProperties", "$defs", "definitions", "encoding"}
REF = re.compile(r'"\$ref": "#/components/schemas/([^"]+)"')


def _bare(node, names=False):
    """The node without prose and examples: only what a request is checked against. The keys
    of `properties` (and the like) are names, kept whatever they are ("description")."""
    if isinstance(node, dict):
        return {k: _bare(v, k in NAMED) for k, v in node.items()
                if names or k not in DROPPED}
    if isinstance(node, list):
        return [_bare(item) for item in node]
    return node


def extract(document, calls):
    operations = {}
    for method, path in calls:
        operation = document["paths"][path][method]
        operations[f"{method.upper()} {path}"] = _bare(
            {"parameters": operation.get("parameters", []),
             "requestBody": operation.get("requestBody")})
    schemas, todo = {}, REF.findall(json.dumps(operations))
    while todo:
        name = todo.pop()
        if name not in schemas:
            schemas[name] = _bare(document["components"]["schemas"][name])
            todo += REF.findall(json.dumps(schemas[name]))
    return {"operations": operations,
            "components": {"schemas": dict(sorted(schemas.items()))}}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("provider", choices=sorted(SOURCES))
    parser.add_argument("checkout")
    parser.add_argument("--rev", default="HEAD")
    args = parser.parse_args()
    filename, repository, calls = SOURCES[args.provider]

    def git(*words):
        return subprocess.run(["git", "-C", args.checkout, *words], check=True,
                              capture_output=True, text=True).stdout

    document = json.loads(git("show", f"{args.rev}:{filename}"))
    commit, date = git("log", "-1", "--format=%H %cs", args.rev).split()
    vendored = {"x-vendored": {"repository": repository, "file": filename, "commit": commit,
                               "date": date, "openapi": document["openapi"],
                               "info_version": document["info"]["version"]},
                **extract(document, calls)}
    out = HERE / f"{args.provider}.json"
    out.write_text(json.dumps(vendored, indent=1, sort_keys=False) + "\n")
    print(f"{out}: {len(vendored['components']['schemas'])} schemas, "
          f"{out.stat().st_size} bytes")


if __name__ == "__main__":
    main()
