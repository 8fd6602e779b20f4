"""What stands in front of the API in prod: the origin secret, the forwarded viewer address, the
API's headers on every answer, WAF at the edge, and secrets granted per function."""

import json
import re
from pathlib import Path

import pytest

from chalicelib.core.settings import SECRET_NAMES
from chalicelib.core.web import ORIGIN_SECRET_HEADER, VIEWER_ADDRESS_HEADER, api_headers
from infra import build
from tests.support.cfn import as_list, functions, of_type, role_of, role_statements

ROOT = Path(__file__).resolve().parents[2]
# A request's headers: `request.headers.get("x")`, `event.headers.get("x")` (a middleware's).
HEADER_READS = re.compile(r"""(?:request|event)\.headers\.get\(\s*["']([A-Za-z0-9-]+)["']""")


def _distribution(resources):
    (distribution,) = of_type(resources, "AWS::CloudFront::Distribution").values()
    return distribution["Properties"]["DistributionConfig"]


def _api_behaviour_and_origin(resources):
    config = _distribution(resources)
    (api,) = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/api/*"]
    (origin,) = [o for o in config["Origins"] if o["Id"] == api["TargetOriginId"]]
    return api, origin


def headers_the_code_reads():
    names = set()
    for path in [ROOT / "app.py", *sorted((ROOT / "chalicelib").rglob("*.py"))]:
        names |= {name.lower() for name in HEADER_READS.findall(path.read_text())}
    return names


def test_cloudfront_adds_the_origin_secret_from_a_hidden_parameter(template, resources):
    _, origin = _api_behaviour_and_origin(resources)
    assert origin["OriginCustomHeaders"] == [{"HeaderName": ORIGIN_SECRET_HEADER,
                                              "HeaderValue": {"Ref": "OriginSecret"}}]
    parameter = template["Parameters"]["OriginSecret"]
    assert parameter["NoEcho"] is True and parameter["MinLength"] >= 32


def test_cloudfront_forwards_the_viewer_address_and_every_header_the_api_reads(resources):
    api, _ = _api_behaviour_and_origin(resources)
    assert api["OriginRequestPolicyId"] == {"Ref": "ApiRequestPolicy"}
    config = resources["ApiRequestPolicy"]["Properties"]["OriginRequestPolicyConfig"]
    forwarded = {h.lower() for h in config["HeadersConfig"]["Headers"]}
    assert config["HeadersConfig"]["HeaderBehavior"] == "whitelist"
    assert VIEWER_ADDRESS_HEADER in forwarded and "host" not in forwarded
    assert config["CookiesConfig"]["CookieBehavior"] == "all"  # the session cookie
    read = headers_the_code_reads()
    assert {"x-csrf-token", "stripe-signature", "idempotency-key"} <= read
    assert read - {"cookie"} <= forwarded


def test_every_api_answer_gets_the_api_headers_even_api_gateways_own(resources):
    api, _ = _api_behaviour_and_origin(resources)
    assert api["ResponseHeadersPolicyId"] == {"Ref": "ApiHeadersPolicy"}
    config = resources["ApiHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    assert config == {**build.response_headers_config(api_headers(), override=False),
                      "Name": "caaartoons-prod-api-headers", "Comment": "api_headers()"}
    security = config["SecurityHeadersConfig"]
    assert security["FrameOptions"] == {"FrameOption": "DENY", "Override": False}
    assert security["ContentTypeOptions"] == {"Override": False}
    custom = {h["Header"]: h["Value"] for h in config["CustomHeadersConfig"]["Items"]}
    assert custom["Cache-Control"] == "no-store"


def test_the_distribution_sits_behind_the_edge_stacks_waf(template, resources):
    assert _distribution(resources)["WebACLId"] == {"Ref": "WebAclArn"}
    pattern = re.compile(template["Parameters"]["WebAclArn"]["AllowedPattern"])
    assert pattern.match("arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/abc")
    assert not pattern.match("arn:aws:wafv2:eu-west-3:123456789012:regional/webacl/x/abc")


def test_the_edge_stack_blocks_a_flood_from_one_ip():
    edge = json.loads((ROOT / "dist" / "edge-template.json").read_text())
    assert edge == build.edge_template()
    assert edge["Rules"]["UsEast1Only"]["Assertions"][0]["Assert"]["Fn::Equals"][1] == \
        "us-east-1"
    (acl,) = of_type(edge["Resources"], "AWS::WAFv2::WebACL").values()
    assert acl["Properties"]["Scope"] == "CLOUDFRONT"
    rates = {r["Name"]: r for r in acl["Properties"]["Rules"]
             if "RateBasedStatement" in r["Statement"]}
    api = rates["api-per-ip"]["Statement"]["RateBasedStatement"]
    assert api["AggregateKeyType"] == "IP" and api["Limit"] <= 1000
    assert api["ScopeDownStatement"]["ByteMatchStatement"]["SearchString"] == "/api/"
    assert rates["api-per-ip"]["Action"]["Block"]["CustomResponse"]["ResponseCode"] == 429
    assert rates["site-per-ip"]["Statement"]["RateBasedStatement"]["AggregateKeyType"] == "IP"


def _ssm_reads(resources, role):
    return [s for s in role_statements(resources, role)
            if any(a.startswith("ssm:") for a in as_list(s["Action"]))]


def test_each_function_may_read_exactly_its_own_secrets(resources):
    for name, function in functions(resources).items():
        variables = function["Properties"]["Environment"]["Variables"]
        given = variables["SSM_SECRET_NAMES"].split(",")
        assert set(given) <= set(SECRET_NAMES), name
        (statement,) = _ssm_reads(resources, role_of(function))
        assert statement["Action"] == "ssm:GetParameters", name  # never a whole path
        granted = [r["Fn::Sub"].rsplit(":parameter", 1)[1] for r in statement["Resource"]]
        assert sorted(granted) == sorted(f"{build.SSM_PATH}/{n}" for n in given), name
    by_function = {f["Properties"]["FunctionName"].removeprefix(build.NAME_PREFIX):
                   set(f["Properties"]["Environment"]["Variables"]["SSM_SECRET_NAMES"]
                       .split(",")) for f in functions(resources).values()}
    assert by_function["cleanup"] == {"HASH_KEY"}
    assert not {"STRIPE_SECRET_KEY", "SESSION_KEYS", "ORIGIN_SECRETS"} & \
        by_function["generation_worker"]


@pytest.mark.parametrize("path", ["/api/local-checkout/{session_id}",
                                  "/api/local-checkout/{session_id}/pay"])
def test_the_packaged_api_has_no_local_checkout_route(resources, path):
    paths = resources["RestAPI"]["Properties"]["DefinitionBody"]["paths"]
    assert "/api/checkout/confirm" in paths  # the real routes are there
    assert path not in paths
