"""The packaged prod template (dist/package/sam.json) holds what the issue and the design demand."""

import json
from pathlib import Path

import pytest

from chalicelib.adapters import jobs, storage
from chalicelib.core.models import ALL_MODELS, EXPIRING_MODELS
from chalicelib.core.settings import get_settings
from chalicelib.core.web import site_headers
from infra import build
from tests.support.cfn import as_list, functions, of_type, refs, role_of, role_statements

ROOT = Path(__file__).resolve().parents[2]


def test_the_stack_refuses_any_region_but_paris(template):
    assertions = [a["Assert"] for rule in template["Rules"].values() for a in rule["Assertions"]]
    assert {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-3"]} in assertions
    assert "REGION=eu-west-3" in (ROOT / "infra" / "deploy.sh").read_text()


def _table_for(resources, model):
    base = model.Meta.table_name.removeprefix(get_settings().table_prefix)
    matches = [r["Properties"] for r in of_type(resources, "AWS::DynamoDB::Table").values()
               if r["Properties"]["TableName"] == f"caaartoons-prod-{base}"]
    assert len(matches) == 1, f"no table for {model.__name__}"
    return matches[0]


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_every_model_has_its_table_with_the_same_keys(resources, model):
    table = _table_for(resources, model)
    schema = model._get_schema()
    assert {(k["AttributeName"], k["KeyType"]) for k in table["KeySchema"]} == {
        (k["AttributeName"], k["KeyType"]) for k in schema["key_schema"]}
    assert table["KeySchema"][0]["KeyType"] == "HASH"
    indexes = {i["IndexName"]: i for i in table.get("GlobalSecondaryIndexes", [])}
    assert set(indexes) == {i["index_name"] for i in schema["global_secondary_indexes"]}
    for index in schema["global_secondary_indexes"]:
        keys = indexes[index["index_name"]]["KeySchema"]
        assert keys[0]["KeyType"] == "HASH"
        assert {(k["AttributeName"], k["KeyType"]) for k in keys} == {
            (k["AttributeName"], k["KeyType"]) for k in index["key_schema"]}
    defined = {d["AttributeName"]: d["AttributeType"] for d in table["AttributeDefinitions"]}
    for definition in schema["attribute_definitions"]:
        assert defined[definition["AttributeName"]] == definition["AttributeType"]


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_every_table_is_on_demand_encrypted_recoverable_and_kept(resources, model):
    table = _table_for(resources, model)
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert table["SSESpecification"] == {"SSEEnabled": True}
    resource = next(r for r in resources.values() if r.get("Properties") is table)
    assert resource["DeletionPolicy"] == resource["UpdateReplacePolicy"] == "Retain"


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_ttl_is_on_exactly_the_attributes_that_expire(resources, model):
    table = _table_for(resources, model)
    if model in EXPIRING_MODELS:
        assert table["TimeToLiveSpecification"] == {"AttributeName": "ttl", "Enabled": True}
    else:
        assert "TimeToLiveSpecification" not in table


def _policy_of(resources, bucket):
    return next(r["Properties"]["PolicyDocument"]
                for r in of_type(resources, "AWS::S3::BucketPolicy").values()
                if r["Properties"]["Bucket"] == {"Ref": bucket})


@pytest.mark.parametrize("bucket", ["ImagesBucket", "SiteBucket"])
def test_buckets_are_private_encrypted_and_tls_only(resources, bucket):
    properties = resources[bucket]["Properties"]
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "IgnorePublicAcls": True,
        "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
    assert properties["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    encryption = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption[0]["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms")
    denials = [s for s in _policy_of(resources, bucket)["Statement"]
               if s["Effect"] == "Deny" and s["Principal"] == "*" and s["Action"] == "s3:*"
               and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}]
    assert len(denials) == 1
    covered = json.dumps(denials[0]["Resource"])
    assert f'"{bucket}", "Arn"' in covered and f"${{{bucket}.Arn}}/*" in covered


def test_images_bucket_expires_temporary_exports_and_keeps_no_versions(resources):
    properties = resources["ImagesBucket"]["Properties"]
    rules = properties["LifecycleConfiguration"]["Rules"]
    exports = [r for r in rules if r.get("Prefix") == storage.EXPORTS_PREFIX]
    assert exports and exports[0]["Status"] == "Enabled"
    assert exports[0]["ExpirationInDays"] == storage.EXPORTS_EXPIRE_DAYS
    assert "VersioningConfiguration" not in properties  # a deleted account's images really go
    assert resources["ImagesBucket"]["DeletionPolicy"] == "Retain"


def test_only_our_distribution_reads_the_site_bucket(resources):
    allowed = [s for s in _policy_of(resources, "SiteBucket")["Statement"]
               if s["Effect"] == "Allow"]
    assert allowed
    for statement in allowed:
        assert statement["Principal"] == {"Service": "cloudfront.amazonaws.com"}
        assert "SiteDistribution" in refs(statement["Condition"])
        assert set(as_list(statement["Action"])) <= {"s3:GetObject", "s3:ListBucket"}


def _distribution(resources):
    (distribution,) = of_type(resources, "AWS::CloudFront::Distribution").values()
    return distribution["Properties"]["DistributionConfig"]


def test_api_path_goes_to_the_api_gateway_stage_on_the_same_domain(resources):
    config = _distribution(resources)
    origins = {o["Id"]: o for o in config["Origins"]}
    (api,) = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/api/*"]
    origin = origins[api["TargetOriginId"]]
    assert "RestAPI" in refs(origin["DomainName"])
    stage = resources["RestAPI"]["Properties"]["StageName"]
    assert origin["OriginPath"] == f"/{stage}"  # routes already start with /api/
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert api["ViewerProtocolPolicy"] == "https-only"
    assert {"POST", "DELETE", "PUT", "PATCH"} <= set(api["AllowedMethods"])
    assert api["CachePolicyId"] == build.CACHING_DISABLED
    assert config["CacheBehaviors"][0] is api  # first match wins


def test_site_is_served_from_the_bucket_through_origin_access_control_over_https(resources):
    config = _distribution(resources)
    origins = {o["Id"]: o for o in config["Origins"]}
    site = origins[config["DefaultCacheBehavior"]["TargetOriginId"]]
    assert "SiteBucket" in refs(site["DomainName"])
    assert "SiteOriginAccessControl" in refs(site["OriginAccessControlId"])
    assert site["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    behaviours = [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]
    assert all(b["ViewerProtocolPolicy"] in ("https-only", "redirect-to-https")
               for b in behaviours)
    assert config["ViewerCertificate"]["MinimumProtocolVersion"].startswith("TLSv1.2")
    assert config["Aliases"] == [{"Ref": "DomainName"}]


def _policy_headers(resources, name):
    config = resources[name]["Properties"]["ResponseHeadersPolicyConfig"]
    security = config["SecurityHeadersConfig"]
    headers = {
        "Strict-Transport-Security": "max-age={}; includeSubDomains".format(
            security["StrictTransportSecurity"]["AccessControlMaxAgeSec"]),
        "Content-Security-Policy": security["ContentSecurityPolicy"]["ContentSecurityPolicy"][
            "Fn::Sub"],
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": security["ReferrerPolicy"]["ReferrerPolicy"],
        "X-Frame-Options": security["FrameOptions"]["FrameOption"],
    }
    headers.update({h["Header"]: h["Value"] for h in config["CustomHeadersConfig"]["Items"]})
    return headers


@pytest.mark.parametrize(("page", "policy"), [("index.html", "SiteHeadersPolicy"),
                                               ("confirm.html", "ConfirmHeadersPolicy")])
def test_cloudfront_sends_the_site_headers_of_the_code(resources, page, policy):
    expected = site_headers(page)
    bucket = get_settings().images_bucket
    # The code's CSP names this process's bucket; prod's holds the account id.
    expected["Content-Security-Policy"] = expected["Content-Security-Policy"].replace(
        bucket, build.IMAGES_BUCKET_NAME)
    assert _policy_headers(resources, policy) == expected
    csp = expected["Content-Security-Policy"]
    assert "https://caaartoons-prod-images-${AWS::AccountId}.s3.eu-west-3.amazonaws.com" in csp
    config = _distribution(resources)
    used = [b for b in [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]
            if b.get("ResponseHeadersPolicyId") == {"Ref": policy}]
    assert used


def test_confirm_pages_leak_no_referrer(resources):
    config = _distribution(resources)
    (confirm,) = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/confirm*"]
    assert confirm["ResponseHeadersPolicyId"] == {"Ref": "ConfirmHeadersPolicy"}
    assert _policy_headers(resources, "ConfirmHeadersPolicy")["Referrer-Policy"] == "no-referrer"


def test_queue_stays_invisible_longer_than_any_consumer_runs(resources):
    queue = resources["GenerationQueue"]["Properties"]
    visibility = queue["VisibilityTimeout"]
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())["stages"]["prod"]
    worker_timeout = config["lambda_functions"]["generation_worker"]["lambda_timeout"]
    assert worker_timeout == jobs.WORKER_TIMEOUT_SECONDS
    assert visibility > worker_timeout
    consumers = [f for f in functions(resources).values()
                 if any(e["Type"] == "SQS" for e in f["Properties"].get("Events", {}).values())]
    for function in consumers:
        assert visibility > function["Properties"]["Timeout"]
    assert queue["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": ["GenerationDeadLetterQueue", "Arn"]},
        "maxReceiveCount": jobs.MAX_RECEIVES}
    assert queue["QueueName"] == "caaartoons-prod-generation"
    assert resources["GenerationDeadLetterQueue"]["Properties"]["QueueName"] == (
        "caaartoons-prod-generation-dlq")


def test_cleanup_runs_on_its_schedule(resources):
    events = resources["Cleanup"]["Properties"]["Events"]
    assert [e["Properties"]["Schedule"] for e in events.values()] == ["rate(15 minutes)"]


def _allow_statements(resources):
    """Every Allow statement of every IAM policy in the template, by where it is."""
    found = []
    for name, resource in resources.items():
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::IAM::Role":
            found += [(name, s) for s in role_statements(resources, name)]
        elif resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy",
                                  "AWS::S3::BucketPolicy", "AWS::SQS::QueuePolicy"):
            found += [(name, s) for s in as_list(properties["PolicyDocument"]["Statement"])]
        elif resource["Type"] == "AWS::Serverless::Function":
            for policy in as_list(properties.get("Policies", [])):
                assert isinstance(policy, dict), f"{name} uses a managed policy {policy}"
                found += [(name, s) for s in as_list(policy.get("Statement", []))]
    return [(name, s) for name, s in found if s["Effect"] == "Allow"]


def test_no_iam_statement_allows_a_wildcard_action_on_data_services(resources):
    statements = _allow_statements(resources)
    assert len(statements) > 5
    for name, statement in statements:
        for action in as_list(statement.get("Action", [])):
            assert action != "*", name
            service, _, verb = action.partition(":")
            if service in ("dynamodb", "s3", "sqs", "ssm", "kms"):
                assert "*" not in verb, f"{name} allows {action}"
        for resource in as_list(statement.get("Resource", [])):
            assert resource != "*", f"{name} allows {statement['Action']} on every resource"


def test_each_function_has_its_own_role_and_log_group(resources):
    roles = {name: role_of(f) for name, f in functions(resources).items()}
    assert len(set(roles.values())) == len(roles) >= 2
    for name, role in roles.items():
        logs = [s for s in role_statements(resources, role)
                if any(a.startswith("logs:") for a in as_list(s["Action"]))]
        assert refs(logs) == {f"{name}LogGroup"}
        assert resources[f"{name}LogGroup"]["Properties"]["LogGroupName"] == (
            "/aws/lambda/" + functions(resources)[name]["Properties"]["FunctionName"])


def test_every_table_is_granted_to_some_function(resources):
    tables = set(of_type(resources, "AWS::DynamoDB::Table"))
    granted = set()
    for function in functions(resources).values():
        granted |= refs(role_statements(resources, role_of(function)))
    assert tables <= granted, f"no function may use {sorted(tables - granted)}"


def test_no_function_may_scan_a_table(resources):
    """The service finds everything with keys and queries; a scan is never needed."""
    for function in functions(resources).values():
        statements = role_statements(resources, role_of(function))
        actions = {a for s in statements for a in as_list(s["Action"])}
        assert "dynamodb:Scan" not in actions


def test_the_worker_cannot_touch_sign_in_data(resources):
    statements = role_statements(resources, role_of(resources["GenerationWorker"]))
    granted = refs([s for s in statements
                    if any(a.startswith("dynamodb:") for a in as_list(s["Action"]))])
    assert not granted & {"EmailsTable", "LinksTable", "LimitsTable"}
    # It lists purchases into a data export, and may do nothing else with them.
    purchases = [s for s in statements if "PurchasesTable" in refs([s])]
    assert {a for s in purchases for a in as_list(s["Action"])} == {"dynamodb:Query"}


def _s3_actions_on(resources, function, prefix):
    statements = role_statements(resources, role_of(resources[function]))
    return {a for s in statements for r in as_list(s["Resource"]) if isinstance(r, dict)
            and r.get("Fn::Sub") == f"${{ImagesBucket.Arn}}/{prefix}*"
            for a in as_list(s["Action"])}


def test_exports_are_written_by_the_worker_and_presigned_by_the_api(resources):
    assert {"s3:PutObject", "s3:AbortMultipartUpload"} <= _s3_actions_on(
        resources, "GenerationWorker", storage.EXPORTS_PREFIX)
    assert "s3:GetObject" in _s3_actions_on(resources, "APIHandler",
                                            storage.EXPORTS_PREFIX)
    assert "s3:DeleteObjectVersion" in _s3_actions_on(resources, "Cleanup",
                                                      storage.EXPORTS_PREFIX)


def test_images_are_written_by_the_worker_alone(resources):
    """The API presigns, deletes and erases images; only the worker draws and composes them."""
    api = _s3_actions_on(resources, "APIHandler", "users/")
    assert {"s3:GetObject", "s3:DeleteObjectVersion"} <= api and "s3:PutObject" not in api
    assert "s3:PutObject" in _s3_actions_on(resources, "GenerationWorker", "users/")


def _alarms(resources):
    return [a["Properties"] for a in of_type(resources, "AWS::CloudWatch::Alarm").values()]


def _dimensions(alarm):
    return {d["Name"]: d["Value"] for d in alarm.get("Dimensions", [])}


def test_alarms_watch_the_dead_letter_queue_5xx_and_throttles(resources):
    alarms = _alarms(resources)
    dlq = [a for a in alarms if a.get("Namespace") == "AWS/SQS"
           and _dimensions(a)["QueueName"] == {"Fn::GetAtt": ["GenerationDeadLetterQueue",
                                                               "QueueName"]}]
    assert dlq and dlq[0]["Threshold"] == 1
    api = resources["RestAPI"]["Properties"]
    (errors,) = [a for a in alarms if a.get("MetricName") == "5XXError"]
    assert _dimensions(errors) == {"ApiName": api["Name"], "Stage": api["StageName"]}
    assert errors["Statistic"] == "Average" and 0 < errors["Threshold"] < 1  # a rate
    throttled = {_dimensions(a)["FunctionName"]["Ref"] for a in alarms
                 if a.get("MetricName") == "Throttles"}
    assert throttled == set(functions(resources))
    tables = {m["MetricStat"]["Metric"]["Dimensions"][0]["Value"]["Ref"]
              for a in alarms for m in a.get("Metrics", []) if "MetricStat" in m
              and m["MetricStat"]["Metric"]["MetricName"] == "WriteThrottleEvents"}
    assert tables == set(of_type(resources, "AWS::DynamoDB::Table"))
    assert all(a["AlarmActions"] == [{"Ref": "AlarmTopic"}] for a in alarms)



def test_the_openai_tier_sets_the_workers_concurrency(resources):
    from chalicelib.core.settings import OPENAI_TIERS

    (worker,) = [f for f in functions(resources).values()
                 if any(e["Type"] == "SQS" for e in f["Properties"].get("Events", {}).values())]
    (event,) = worker["Properties"]["Events"].values()
    tier = int(worker["Properties"]["Environment"]["Variables"]["OPENAI_TIER"])
    assert event["Properties"]["ScalingConfig"]["MaximumConcurrency"] == OPENAI_TIERS[tier][1]
    assert event["Properties"]["BatchSize"] == 1


def test_an_exhausted_quota_raises_an_alarm(resources):
    metric = resources["QuotaExhaustedMetricFilter"]["Properties"]
    assert metric["LogGroupName"] == "/aws/lambda/caaartoons-prod-generation_worker"
    assert "provider_quota_exhausted" in metric["FilterPattern"]
    name = metric["MetricTransformations"][0]["MetricName"]
    (alarm,) = [a for a in _alarms(resources) if a.get("MetricName") == name]
    assert alarm["Threshold"] == 1 and alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]


def test_cloudfront_honours_the_sites_cache_control_and_keeps_nothing_unlabelled(resources):
    """The site's own cache policy, not the managed CachingOptimized (minimum TTL 1 s, default a
    day): with a minimum TTL above 0 CloudFront would keep a file despite its `no-cache`."""
    config = _distribution(resources)
    site = [config["DefaultCacheBehavior"],
            *[b for b in config["CacheBehaviors"] if b["PathPattern"] != "/api/*"]]
    assert len(site) == 2  # the pages and the confirm pages
    for behaviour in site:
        assert behaviour["CachePolicyId"] == {"Ref": "SiteCachePolicy"}
        assert behaviour["Compress"] is True
    policy = resources["SiteCachePolicy"]
    assert policy["Type"] == "AWS::CloudFront::CachePolicy"
    ttl = policy["Properties"]["CachePolicyConfig"]
    assert ttl["MinTTL"] == 0  # `no-cache` from S3 wins: revalidated on every request
    assert ttl["DefaultTTL"] == 0  # an object without Cache-Control is not kept either
    assert ttl["MaxTTL"] >= 86400  # the pictures' day is honoured
    key = ttl["ParametersInCacheKeyAndForwardedToOrigin"]
    assert key["EnableAcceptEncodingGzip"] and key["EnableAcceptEncodingBrotli"]
    assert {key[part][behaviour] for part, behaviour in (
        ("HeadersConfig", "HeaderBehavior"), ("CookiesConfig", "CookieBehavior"),
        ("QueryStringsConfig", "QueryStringBehavior"))} == {"none"}
