"""Builds the prod stack offline: a merge template, then `chalice package` (`make package`).

`chalice package` emits the Lambda functions, their roles (from the hand-written least-privilege
policies in .chalice/) and the REST API as a SAM template. This module writes everything else as
a template that chalice merges into it: the tables derived from the PynamoDB models, the buckets,
CloudFront, the queues, the alarms, and each function's name and environment. Nothing is typed
twice: names, keys, TTL attributes, queue timings and security headers come from the code.

It runs in its own process (`python -m infra.build [OUTDIR]`): the app is imported with the prod
stage's settings and placeholder secrets, which fixes the table and queue names, and
`chalice package` imports it again with the same environment.
"""

import json
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from chalicelib.core import settings as app_settings

ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "caaartoons"
STAGE = "prod"
REGION = "eu-west-3"
NAME_PREFIX = f"{APP_NAME}-{STAGE}-"
SSM_PATH = f"/{APP_NAME}/{STAGE}"
# A Fn::Sub string: bucket names are global, the account id keeps ours free.
IMAGES_BUCKET_NAME = NAME_PREFIX + "images-${AWS::AccountId}"
SITE_BUCKET_NAME = NAME_PREFIX + "site-${AWS::AccountId}"
# What the privacy page states is what the stack enforces: one number, the settings' default.
LOG_RETENTION_DAYS = int(app_settings.default("LOG_RETENTION_DAYS"))
# Deleted accounts stay restorable from point-in-time backups this long (see infra/README.md).
PITR_RECOVERY_DAYS = int(app_settings.default("BACKUP_RETENTION_DAYS"))
JOB_RETENTION_SECONDS = 4 * 24 * 3600
DLQ_RETENTION_SECONDS = 14 * 24 * 3600
API_THROTTLE = {"ThrottlingRateLimit": 50, "ThrottlingBurstLimit": 100}
API_5XX_RATE = 0.05
# AWS WAF at the edge (a second stack in us-east-1, where CloudFront's WAF lives): requests one
# viewer IP may send in the window before WAF blocks it for a while, so one flood cannot eat
# the stage's throttle that everyone shares.
EDGE_STACK_REGION = "us-east-1"
WAF_WINDOW_SECONDS = 300
WAF_API_LIMIT = 600  # 2 a second on average on /api/*
WAF_SITE_LIMIT = 3000  # 10 a second on average on everything
# The secrets each function reads from SSM, by exact parameter name (and nothing else).
FUNCTION_SECRETS = {
    "api_handler": ("ORIGIN_SECRETS", "SESSION_KEYS", "HASH_KEY", "STRIPE_SECRET_KEY",
                    "STRIPE_WEBHOOK_SECRET", "OPENAI_API_KEY", "RESEND_API_KEY"),
    # HASH_KEY: the pseudonymous user id sent to OpenAI; the key: drawing.
    "generation_worker": ("HASH_KEY", "OPENAI_API_KEY"),
    # HASH_KEY: an interrupted erasure recomputes the keys of the address's limit windows.
    "cleanup": ("HASH_KEY",),
}

# OpenAI's usage tier of the operator's organisation (1..5, chalicelib/core/settings.py
# OPENAI_TIERS): it sets the worker's SQS MaximumConcurrency in the template and the reference
# draws in parallel. Given when building: `OPENAI_TIER=3 make package`.
OPENAI_TIER = os.environ.get("OPENAI_TIER", "1")
# Literal values every function gets, and the build imports the app with.
PROD_CONFIG = {
    "OPENAI_TIER": OPENAI_TIER,
    "STAGE": STAGE,
    "TABLE_PREFIX": NAME_PREFIX,
    "GENERATION_QUEUE": f"{NAME_PREFIX}generation",
    "COOKIE_SECURE": "true",
    # What the privacy page states: the same numbers the stack enforces. The exports/
    # lifecycle rule follows EXPORT_RETENTION_HOURS (checked in bucket_resources).
    **{name: app_settings.default(name) for name in (
        "LOG_LEVEL", "LOG_RETENTION_DAYS", "EXPORT_RETENTION_HOURS", "BACKUP_RETENTION_DAYS",
        "ACCOUNTING_RETENTION_YEARS", "PRIVACY_UPDATED")},
}
# The rest of the environment: stack resources and operator parameters.
STACK_CONFIG = {
    "IMAGES_BUCKET": {"Ref": "ImagesBucket"},
    "SITE_URL": {"Fn::Sub": "https://${DomainName}"},
    "MAIL_FROM": {"Ref": "MailFrom"},
    "OPERATOR_NAME": {"Ref": "OperatorName"},
    "OPERATOR_EMAIL": {"Ref": "OperatorEmail"},
    "SSM_PARAMETER_PREFIX": SSM_PATH,
}
# Names the code reads that prod leaves unset on purpose, and why (checked by tests/infra).
NOT_IN_PROD = {
    "AWS_REGION": "set by Lambda itself (a reserved name)",
    "AWS_DEFAULT_REGION": "set by Lambda itself (a reserved name)",
    "AWS_ENDPOINT_URL": "local stack only: points the SDKs at moto",
    "OUTBOX_DIR": "local stack only: prod sends with Resend and refuses to start without it",
    "RESEND_API_URL": "tests only: points the Resend SDK at a local server",
    "STRIPE_API_BASE": "tests only: points the Stripe SDK at a local server",
    "AWS_LAMBDA_FUNCTION_NAME": "set by Lambda itself (a reserved name)",
    "CREDIT_PACKS": "prod sells the packs defined in chalicelib/core/settings.py",
    "CHECKOUT_SUCCESS_URL": "derived from SITE_URL",
    "CHECKOUT_CANCEL_URL": "derived from SITE_URL",
    "OPENAI_BASE_URL": "tests only: points the OpenAI SDK at a local server",
    "OFFLINE_DRAW_SECONDS": "local stack only: the offline renderer's pause",
    "SCENE_MODELS": "the defaults in chalicelib/core/settings.py (dated snapshots)",
    "REFERENCE_MODEL": "the default in chalicelib/core/settings.py (a dated snapshot)",
    "IMAGE_PRICES": "the defaults in chalicelib/core/settings.py",
    "OPENAI_IMAGE_SIZE": "the default in chalicelib/core/settings.py",
    "OPENAI_MODERATION_MODEL": "the default in chalicelib/core/settings.py",
    "OPENAI_DRAFT_MODEL": "the default in chalicelib/core/settings.py",
    "QUALITY_CREDITS": "the default in chalicelib/core/settings.py",
    "OPENAI_DRAFT_TIMEOUT_SECONDS": "the default in chalicelib/core/settings.py",
    "OPENAI_LOOK_MODEL": "the default in chalicelib/core/settings.py (a dated snapshot)",
    "OPENAI_LOOK_PRICE": "the default in chalicelib/core/settings.py",
    "OPENAI_LOOK_TIMEOUT_SECONDS": "the default in chalicelib/core/settings.py",
    "OPENAI_IMAGE_TIMEOUT_SECONDS": "the default in chalicelib/core/settings.py",
    "OPENAI_IMAGE_ATTEMPTS": "the default in chalicelib/core/settings.py",
    "OPENAI_RETRY_BACKOFF_SECONDS": "the default in chalicelib/core/settings.py",
    "IMAGE_URL_SECONDS": "the default in chalicelib/core/settings.py",
    "STUCK_SCENE_SECONDS": "the default in chalicelib/core/settings.py",
    "SCENE_VERSIONS_KEPT": "the default in chalicelib/core/settings.py",
    "WORKER_CONCURRENCY": "follows OPENAI_TIER (OPENAI_TIERS in chalicelib/core/settings.py)",
}
# Said explicitly for what a teardown may delete: jobs in flight, logs (GDPR: they expire anyway).
DISPOSABLE = {"DeletionPolicy": "Delete", "UpdateReplacePolicy": "Delete"}
PLACEHOLDER_SECRET = "build-time-placeholder-never-deployed-0123456789"  # noqa: S105

# CloudFront's managed policy for the API (ids are fixed by AWS). The site has its own
# (SiteCachePolicy): the managed CachingOptimized has a minimum TTL of 1 s and a default of a day,
# and a minimum above 0 overrides the origin's `no-cache`.
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
# What CloudFront forwards to the API: the viewer headers the API reads (never Host: API Gateway
# needs its own), and the viewer's address. tests/infra checks the code reads no other header.
API_REQUEST_HEADERS = ("Content-Type", "Origin", "Sec-Fetch-Site", "X-CSRF-Token",
                       "Idempotency-Key", "Stripe-Signature", "CloudFront-Viewer-Address",
                       "Accept-Language")
CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2"

# The local server's URL rules (local/server.py) for CloudFront: /x/ -> /x/index.html, /x -> x.html.
REWRITE_FUNCTION = """function handler(event) {
  var request = event.request;
  var last = request.uri.split("/").pop();
  if (request.uri.endsWith("/")) {
    request.uri += "index.html";
  } else if (last.indexOf(".") === -1) {
    request.uri += ".html";
  }
  return request;
}
"""


def build_environment(base=None):
    """The environment the build imports the app with: prod names, placeholder secrets, no AWS."""
    dropped = {*NOT_IN_PROD, *app_settings.SECRET_NAMES, "SSM_PARAMETER_PREFIX", "SSM_SECRET_NAMES"}
    env = {k: v for k, v in (os.environ if base is None else base).items()
           if not k.startswith("AWS_") and k not in dropped}
    env.update(PROD_CONFIG)
    env.update({
        "AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION,
        "IMAGES_BUCKET": IMAGES_BUCKET_NAME, "SITE_URL": "https://build.invalid",
        "MAIL_FROM": "Build <build@build.invalid>", "OPERATOR_NAME": "build",
        "OPERATOR_EMAIL": "build@build.invalid",
        "SESSION_KEYS": PLACEHOLDER_SECRET, "HASH_KEY": PLACEHOLDER_SECRET,
        "STRIPE_SECRET_KEY": f"sk_live_{PLACEHOLDER_SECRET}",
        "STRIPE_WEBHOOK_SECRET": f"whsec_{PLACEHOLDER_SECRET}",
        "OPENAI_API_KEY": PLACEHOLDER_SECRET, "ORIGIN_SECRETS": PLACEHOLDER_SECRET,
    })
    return env


def cfn_name(name):
    from chalice.utils import to_cfn_resource_name

    return to_cfn_resource_name(name)


def function_id(name):
    # chalice renames the route handler's resource (chalice/package.py, _generate_restapi).
    return "APIHandler" if name == "api_handler" else cfn_name(name)


def lambda_functions(app):
    """The chalice names of the functions `chalice package` emits for this app."""
    names = ["api_handler"] if app.routes else []
    names += [source.name for source in app.event_sources]
    names += [function.name for function in app.pure_lambda_functions]
    return names


def chalice_stage_config():
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    return config["stages"][STAGE]


# ---- tables -------------------------------------------------------------------------------


def table_id(model):
    return cfn_name(table_base_name(model)) + "Table"


def table_base_name(model):
    name = model.Meta.table_name
    if not name.startswith(NAME_PREFIX):
        raise ValueError(f"{name} does not start with {NAME_PREFIX}: built with the wrong settings")
    return name[len(NAME_PREFIX):]


def _keys(schema):
    # DynamoDB wants the HASH key first; PynamoDB lists them in declaration order.
    return sorted(({"AttributeName": k["AttributeName"], "KeyType": k["KeyType"]}
                   for k in schema), key=lambda k: k["KeyType"] != "HASH")


def _index(index):
    return {"IndexName": index["index_name"], "KeySchema": _keys(index["key_schema"]),
            "Projection": index["projection"]}


def ttl_attribute(model):
    from pynamodb.attributes import TTLAttribute

    names = [attr.attr_name for attr in model.get_attributes().values()
             if isinstance(attr, TTLAttribute)]
    return names[0] if names else None


def table_resource(model):
    schema = model._get_schema()
    definitions = {d["AttributeName"]: d["AttributeType"] for d in schema["attribute_definitions"]}
    for index in schema["global_secondary_indexes"] + schema["local_secondary_indexes"]:
        definitions.update({d["AttributeName"]: d["AttributeType"]
                            for d in index["attribute_definitions"]})
    properties = {
        "TableName": model.Meta.table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": name, "AttributeType": kind}
                                 for name, kind in sorted(definitions.items())],
        "KeySchema": _keys(schema["key_schema"]),
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True,
                                             "RecoveryPeriodInDays": PITR_RECOVERY_DAYS},
        "SSESpecification": {"SSEEnabled": True},
        "DeletionProtectionEnabled": True,
    }
    if schema["global_secondary_indexes"]:
        properties["GlobalSecondaryIndexes"] = [_index(i)
                                                for i in schema["global_secondary_indexes"]]
    if schema["local_secondary_indexes"]:
        properties["LocalSecondaryIndexes"] = [_index(i)
                                               for i in schema["local_secondary_indexes"]]
    if ttl_attribute(model):
        properties["TimeToLiveSpecification"] = {"AttributeName": ttl_attribute(model),
                                                 "Enabled": True}
    # Account data outlives the stack: deleting the stack must never delete a table.
    return {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain", "Properties": properties}


# ---- buckets ------------------------------------------------------------------------------


def _private_bucket(name, extra=None):
    return {"Type": "AWS::S3::Bucket", "Properties": {
        "BucketName": {"Fn::Sub": name},
        "PublicAccessBlockConfiguration": {
            "BlockPublicAcls": True, "IgnorePublicAcls": True,
            "BlockPublicPolicy": True, "RestrictPublicBuckets": True},
        "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
        "BucketEncryption": {"ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
        **(extra or {})}}


def _tls_only(bucket_id):
    arns = [{"Fn::GetAtt": [bucket_id, "Arn"]}, {"Fn::Sub": f"${{{bucket_id}.Arn}}/*"}]
    return [
        {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": arns, "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "Tls12OrLater", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": arns, "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}}},
    ]


def _bucket_policy(bucket_id, statements):
    return {"Type": "AWS::S3::BucketPolicy", "Properties": {
        "Bucket": {"Ref": bucket_id},
        "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}}


# The create page sends a character's picture straight to the images bucket with a presigned
# POST (cartoons/uploads.py): the browser may POST there from the site's origin only, and read
# nothing back but the status. S3's policy on each POST still decides what it takes.
UPLOADS_CORS = {"CorsRules": [{
    "Id": "picture-uploads", "AllowedMethods": ["POST"],
    "AllowedOrigins": [{"Fn::Sub": "https://${DomainName}"}], "AllowedHeaders": ["*"],
    "MaxAge": 3600}]}
# A backstop for the cleanup, which deletes uploads after 24 hours (S3 counts whole days).
UPLOADS_EXPIRE_DAYS = 2


def bucket_resources():
    from chalicelib.adapters.storage import EXPORTS_EXPIRE_DAYS, EXPORTS_PREFIX, UPLOADS_PREFIX

    if int(PROD_CONFIG["EXPORT_RETENTION_HOURS"]) != EXPORTS_EXPIRE_DAYS * 24:
        raise ValueError("the privacy page's export retention must match the lifecycle rule")

    # No versioning on images: a deleted account's images must really go.
    images = _private_bucket(IMAGES_BUCKET_NAME, {"LifecycleConfiguration": {"Rules": [
        {"Id": "temporary-exports", "Status": "Enabled", "Prefix": EXPORTS_PREFIX,
         "ExpirationInDays": EXPORTS_EXPIRE_DAYS},
        {"Id": "abandoned-uploads", "Status": "Enabled",
         "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}},
        {"Id": "picture-uploads", "Status": "Enabled", "Prefix": UPLOADS_PREFIX,
         "ExpirationInDays": UPLOADS_EXPIRE_DAYS},
    ]}, "CorsConfiguration": UPLOADS_CORS})
    images.update({"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"})
    distribution_arn = {"Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}"
                                   ":distribution/${SiteDistribution}"}
    from_cloudfront = {"Service": "cloudfront.amazonaws.com"}
    only_ours = {"StringEquals": {"AWS:SourceArn": distribution_arn}}
    return {
        "ImagesBucket": images,
        "ImagesBucketPolicy": _bucket_policy("ImagesBucket", _tls_only("ImagesBucket")),
        "SiteBucket": _private_bucket(SITE_BUCKET_NAME),
        "SiteBucketPolicy": _bucket_policy("SiteBucket", [
            *_tls_only("SiteBucket"),
            {"Sid": "CloudFrontReads", "Effect": "Allow", "Principal": from_cloudfront,
             "Action": "s3:GetObject", "Resource": {"Fn::Sub": "${SiteBucket.Arn}/*"},
             "Condition": only_ours},
            # Lets S3 answer 404 rather than 403 for a missing page.
            {"Sid": "CloudFrontLists", "Effect": "Allow", "Principal": from_cloudfront,
             "Action": "s3:ListBucket", "Resource": {"Fn::GetAtt": ["SiteBucket", "Arn"]},
             "Condition": only_ours},
        ]),
    }


# ---- CloudFront ---------------------------------------------------------------------------


def response_headers_config(headers, override=True):
    """site_headers() as a CloudFront response headers policy (its names for the known ones);
    without `override`, CloudFront adds a header only where the origin's answer lacks it."""
    security, custom = {}, []
    for name, value in headers.items():
        key = name.lower()
        if key == "strict-transport-security":
            parts = [p.strip().lower() for p in value.split(";")]
            max_age = int(next(p for p in parts if p.startswith("max-age=")).split("=")[1])
            security["StrictTransportSecurity"] = {
                "AccessControlMaxAgeSec": max_age, "Preload": "preload" in parts,
                "IncludeSubdomains": "includesubdomains" in parts, "Override": override}
        elif key == "content-security-policy":
            # The images bucket's name holds ${AWS::AccountId}: resolved by Fn::Sub.
            security["ContentSecurityPolicy"] = {"ContentSecurityPolicy": {"Fn::Sub": value},
                                                 "Override": override}
        elif key == "x-content-type-options" and value == "nosniff":
            security["ContentTypeOptions"] = {"Override": override}
        elif key == "x-frame-options":
            security["FrameOptions"] = {"FrameOption": value, "Override": override}
        elif key == "referrer-policy":
            security["ReferrerPolicy"] = {"ReferrerPolicy": value, "Override": override}
        else:
            custom.append({"Header": name, "Value": value, "Override": override})
    config = {"SecurityHeadersConfig": security}
    if custom:
        config["CustomHeadersConfig"] = {"Items": custom}
    return config


def _headers_policy(name, page):
    from chalicelib.core.web import site_headers

    config = response_headers_config(site_headers(page))
    config.update({"Name": f"{NAME_PREFIX}{name}", "Comment": f"site_headers({page!r})"})
    return {"Type": "AWS::CloudFront::ResponseHeadersPolicy",
            "Properties": {"ResponseHeadersPolicyConfig": config}}


def api_headers_policy():
    from chalicelib.core.web import api_headers

    config = response_headers_config(api_headers(), override=False)
    config.update({"Name": f"{NAME_PREFIX}api-headers", "Comment": "api_headers()"})
    return {"Type": "AWS::CloudFront::ResponseHeadersPolicy",
            "Properties": {"ResponseHeadersPolicyConfig": config}}


def site_cache_policy():
    """How long CloudFront keeps the site's files: as long as each object's Cache-Control says
    (infra/deploy_site.sh sets it from core/web.site_cache_control). MinTTL 0, so `no-cache` makes
    CloudFront revalidate pages, scripts and styles with S3 on every request; DefaultTTL 0, so an
    object that somehow lacks the header is never kept either. The cache key holds nothing but
    the path (and the compression the viewer accepts)."""
    return {"Type": "AWS::CloudFront::CachePolicy", "Properties": {"CachePolicyConfig": {
        "Name": f"{NAME_PREFIX}site-cache",
        "Comment": "the origin's Cache-Control: no-cache for pages and scripts, a day for images",
        "MinTTL": 0, "DefaultTTL": 0, "MaxTTL": 31536000,
        "ParametersInCacheKeyAndForwardedToOrigin": {
            "EnableAcceptEncodingGzip": True, "EnableAcceptEncodingBrotli": True,
            "HeadersConfig": {"HeaderBehavior": "none"},
            "CookiesConfig": {"CookieBehavior": "none"},
            "QueryStringsConfig": {"QueryStringBehavior": "none"}}}}}


def _site_behaviour(headers_policy):
    return {
        "TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https",
        "AllowedMethods": ["GET", "HEAD"], "CachedMethods": ["GET", "HEAD"], "Compress": True,
        "CachePolicyId": {"Ref": "SiteCachePolicy"},
        "ResponseHeadersPolicyId": {"Ref": headers_policy},
        "FunctionAssociations": [{"EventType": "viewer-request",
                                  "FunctionARN": {"Fn::GetAtt": ["SiteRewrite",
                                                                 "FunctionMetadata.FunctionARN"]}}],
    }


def cloudfront_resources(api_stage):
    from chalicelib.core.web import ORIGIN_SECRET_HEADER

    api_behaviour = {
        "PathPattern": "/api/*", "TargetOriginId": "api", "ViewerProtocolPolicy": "https-only",
        "AllowedMethods": ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"],
        "CachedMethods": ["GET", "HEAD"], "Compress": True,
        "CachePolicyId": CACHING_DISABLED, "OriginRequestPolicyId": {"Ref": "ApiRequestPolicy"},
        # Errors API Gateway answers itself (an unknown route's 403, a throttle's 429) get the
        # API's headers too; the app's own answers keep theirs (no override).
        "ResponseHeadersPolicyId": {"Ref": "ApiHeadersPolicy"},
    }
    distribution = {
        "Enabled": True, "Comment": f"{APP_NAME} {STAGE}: site and /api/*",
        "Aliases": [{"Ref": "DomainName"}],
        "ViewerCertificate": {"AcmCertificateArn": {"Ref": "CertificateArn"},
                              "SslSupportMethod": "sni-only",
                              "MinimumProtocolVersion": "TLSv1.2_2021"},
        "HttpVersion": "http2and3", "IPV6Enabled": True, "PriceClass": "PriceClass_100",
        "DefaultRootObject": "index.html",
        "Origins": [
            {"Id": "site", "DomainName": {"Fn::GetAtt": ["SiteBucket", "RegionalDomainName"]},
             "S3OriginConfig": {"OriginAccessIdentity": ""},
             "OriginAccessControlId": {"Fn::GetAtt": ["SiteOriginAccessControl", "Id"]}},
            # Routes are declared under /api/ and the stage is /<stage>: /api/x -> /<stage>/api/x.
            {"Id": "api", "OriginPath": f"/{api_stage}",
             "DomainName": {"Fn::Sub": "${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"},
             "CustomOriginConfig": {"OriginProtocolPolicy": "https-only",
                                    "OriginSSLProtocols": ["TLSv1.2"]},
             # The API refuses any request without it (core/web.origin_middleware).
             "OriginCustomHeaders": [{"HeaderName": ORIGIN_SECRET_HEADER,
                                      "HeaderValue": {"Ref": "OriginSecret"}}]},
        ],
        "WebACLId": {"Ref": "WebAclArn"},
        "DefaultCacheBehavior": _site_behaviour("SiteHeadersPolicy"),
        # First match wins: the API, then the confirm pages (their own Referrer-Policy).
        "CacheBehaviors": [api_behaviour,
                           {"PathPattern": "/confirm*", **_site_behaviour("ConfirmHeadersPolicy")}],
    }
    alias = {"Name": {"Ref": "DomainName"}, "AliasTarget": {
        "DNSName": {"Fn::GetAtt": ["SiteDistribution", "DomainName"]},
        "HostedZoneId": CLOUDFRONT_ZONE_ID}}
    return {
        "SiteOriginAccessControl": {"Type": "AWS::CloudFront::OriginAccessControl", "Properties": {
            "OriginAccessControlConfig": {
                "Name": f"{NAME_PREFIX}site", "OriginAccessControlOriginType": "s3",
                "SigningBehavior": "always", "SigningProtocol": "sigv4"}}},
        "SiteCachePolicy": site_cache_policy(),
        "SiteHeadersPolicy": _headers_policy("site-headers", "index.html"),
        "ApiHeadersPolicy": api_headers_policy(),
        "ApiRequestPolicy": {"Type": "AWS::CloudFront::OriginRequestPolicy", "Properties": {
            "OriginRequestPolicyConfig": {
                "Name": f"{NAME_PREFIX}api-request",
                "Comment": "the headers the API reads, the viewer's address; no Host",
                "HeadersConfig": {"HeaderBehavior": "whitelist",
                                  "Headers": list(API_REQUEST_HEADERS)},
                "CookiesConfig": {"CookieBehavior": "all"},
                "QueryStringsConfig": {"QueryStringBehavior": "all"}}}},
        "ConfirmHeadersPolicy": _headers_policy("confirm-headers", "confirm.html"),
        "SiteRewrite": {"Type": "AWS::CloudFront::Function", "Properties": {
            "Name": f"{NAME_PREFIX}site-rewrite", "AutoPublish": True,
            "FunctionCode": REWRITE_FUNCTION,
            "FunctionConfig": {"Comment": "clean URLs, as the local server",
                               "Runtime": "cloudfront-js-2.0"}}},
        "SiteDistribution": {"Type": "AWS::CloudFront::Distribution",
                             "Properties": {"DistributionConfig": distribution}},
        "SiteDnsA": {"Type": "AWS::Route53::RecordSet", "Condition": "HasHostedZone",
                     "Properties": {"HostedZoneId": {"Ref": "HostedZoneId"}, "Type": "A",
                                    **alias}},
        "SiteDnsAAAA": {"Type": "AWS::Route53::RecordSet", "Condition": "HasHostedZone",
                        "Properties": {"HostedZoneId": {"Ref": "HostedZoneId"}, "Type": "AAAA",
                                       **alias}},
    }


# ---- queues -------------------------------------------------------------------------------


def _queue_tls_only(queue_id):
    return {"Type": "AWS::SQS::QueuePolicy", "Properties": {
        "Queues": [{"Ref": queue_id}],
        "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "sqs:*",
            "Resource": {"Fn::GetAtt": [queue_id, "Arn"]},
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}}}


def queue_resources():
    from chalicelib.adapters import jobs, resources
    from chalicelib.core.settings import get_settings

    settings = get_settings()
    return {
        "GenerationDeadLetterQueue": {**DISPOSABLE, "Type": "AWS::SQS::Queue", "Properties": {
            "QueueName": resources.dead_letter_queue_name(settings),
            "MessageRetentionPeriod": DLQ_RETENTION_SECONDS, "SqsManagedSseEnabled": True}},
        "GenerationQueue": {**DISPOSABLE, "Type": "AWS::SQS::Queue", "Properties": {
            "QueueName": settings.queue_name, "MessageRetentionPeriod": JOB_RETENTION_SECONDS,
            # Above the worker's timeout: a message is never handed out twice at once.
            "VisibilityTimeout": jobs.QUEUE_VISIBILITY_SECONDS,
            "RedrivePolicy": {
                "deadLetterTargetArn": {"Fn::GetAtt": ["GenerationDeadLetterQueue", "Arn"]},
                "maxReceiveCount": jobs.MAX_RECEIVES},
            "SqsManagedSseEnabled": True}},
        "GenerationQueuePolicy": _queue_tls_only("GenerationQueue"),
        "GenerationDeadLetterQueuePolicy": _queue_tls_only("GenerationDeadLetterQueue"),
    }


# ---- functions ----------------------------------------------------------------------------


def function_overrides(app):
    """Per function: a fixed name, its environment, its log group; the worker awaits its queue."""
    from chalicelib.core.settings import get_settings

    resources = {}
    for name in lambda_functions(app):
        logical = function_id(name)
        function_name = f"{NAME_PREFIX}{name}"
        if name not in FUNCTION_SECRETS:
            raise ValueError(f"{name}: say which secrets it reads in FUNCTION_SECRETS")
        resources[logical] = {"Properties": {
            "FunctionName": function_name,
            "Environment": {"Variables": {
                **PROD_CONFIG, **STACK_CONFIG,
                "SSM_SECRET_NAMES": ",".join(FUNCTION_SECRETS[name])}}}}
        # Created here (not by Lambda) so its retention holds and roles need no CreateLogGroup.
        resources[f"{logical}LogGroup"] = {**DISPOSABLE, "Type": "AWS::Logs::LogGroup",
                                           "Properties": {
                                               "LogGroupName": f"/aws/lambda/{function_name}",
                                               "RetentionInDays": LOG_RETENTION_DAYS}}
    for source in app.event_sources:
        if getattr(source, "queue", None) is None:
            continue
        # chalice names the queue in an ARN it builds; the build's environment makes that name
        # prod's, and the queue must exist before the event source mapping.
        if source.queue != get_settings().queue_name:
            raise ValueError(f"{source.name} reads {source.queue}, a queue this stack lacks")
        resources[function_id(source.name)]["DependsOn"] = ["GenerationQueue"]
    return resources


def api_overrides(api_stage):
    name = f"{NAME_PREFIX}api"
    return {"RestAPI": {"Properties": {
        "Name": name, "DefinitionBody": {"info": {"title": name}},
        "MethodSettings": [{"ResourcePath": "/*", "HttpMethod": "*", **API_THROTTLE}]}}}


# ---- alarms -------------------------------------------------------------------------------

WORKER = "generation_worker"
METRICS_NAMESPACE = "Caaartoons"


def _alarm(description, **properties):
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": {
        "AlarmDescription": description, "AlarmActions": [{"Ref": "AlarmTopic"}],
        "OKActions": [{"Ref": "AlarmTopic"}], "TreatMissingData": "notBreaching",
        "EvaluationPeriods": 1, **properties}}


def _metric(namespace, metric, dimensions, statistic, period=300):
    return {"Namespace": namespace, "MetricName": metric, "Statistic": statistic,
            "Period": period, "Dimensions": [{"Name": k, "Value": v}
                                             for k, v in dimensions.items()]}


def alarm_resources(app, models, api_stage):
    resources = {
        "AlarmTopic": {"Type": "AWS::SNS::Topic",
                       "Properties": {"TopicName": f"{NAME_PREFIX}alarms"}},
        "AlarmEmailSubscription": {"Type": "AWS::SNS::Subscription", "Condition": "HasAlarmEmail",
                                   "Properties": {"TopicArn": {"Ref": "AlarmTopic"},
                                                  "Protocol": "email",
                                                  "Endpoint": {"Ref": "AlarmEmail"}}},
        # A 429 for an exhausted quota needs the operator (billing): the worker logs it as
        # `provider_quota_exhausted` and fails the scene with a refund rather than retry.
        "QuotaExhaustedMetricFilter": {
            "Type": "AWS::Logs::MetricFilter", "DependsOn": [f"{function_id(WORKER)}LogGroup"],
            "Properties": {
                "LogGroupName": f"/aws/lambda/{NAME_PREFIX}{WORKER}",
                "FilterPattern": '{ $.event = "provider_quota_exhausted" }',
                "MetricTransformations": [{"MetricNamespace": METRICS_NAMESPACE,
                                           "MetricName": "ProviderQuotaExhausted",
                                           "MetricValue": "1", "DefaultValue": 0}]}},
        "QuotaExhaustedAlarm": _alarm(
            "OpenAI answered 429 insufficient_quota: images fail until billing is fixed.",
            Namespace=METRICS_NAMESPACE, MetricName="ProviderQuotaExhausted",
            Statistic="Sum", Period=300,
            ComparisonOperator="GreaterThanOrEqualToThreshold", Threshold=1),
        "DeadLetterQueueAlarm": _alarm(
            "Generation jobs failed every attempt and wait in the dead-letter queue.",
            **_metric("AWS/SQS", "ApproximateNumberOfMessagesVisible",
                      {"QueueName": {"Fn::GetAtt": ["GenerationDeadLetterQueue", "QueueName"]}},
                      "Maximum"),
            ComparisonOperator="GreaterThanOrEqualToThreshold", Threshold=1),
        "Api5xxAlarm": _alarm(  # Average of a 0/1 metric: the share of requests that failed
            f"More than {API_5XX_RATE:.0%} of API requests answered 5xx over 5 minutes.",
            **_metric("AWS/ApiGateway", "5XXError",
                      {"ApiName": f"{NAME_PREFIX}api", "Stage": api_stage}, "Average"),
            ComparisonOperator="GreaterThanThreshold", Threshold=API_5XX_RATE),
    }
    for name in lambda_functions(app):
        logical = function_id(name)
        dimensions = {"FunctionName": {"Ref": logical}}
        resources[f"{logical}ThrottlesAlarm"] = _alarm(
            f"Lambda throttled {name}.", **_metric("AWS/Lambda", "Throttles", dimensions, "Sum"),
            ComparisonOperator="GreaterThanOrEqualToThreshold", Threshold=1)
        if name != "api_handler":  # the API's errors show as 5xx above
            resources[f"{logical}ErrorsAlarm"] = _alarm(
                f"{name} raised errors.", **_metric("AWS/Lambda", "Errors", dimensions, "Sum"),
                ComparisonOperator="GreaterThanOrEqualToThreshold", Threshold=1)
    for model in models:
        table = {"TableName": {"Ref": table_id(model)}}
        resources[f"{table_id(model)}ThrottlesAlarm"] = _alarm(
            f"DynamoDB throttled requests on {table_base_name(model)}.",
            ComparisonOperator="GreaterThanOrEqualToThreshold", Threshold=1, Metrics=[
                {"Id": "reads", "ReturnData": False, "MetricStat": {
                    "Metric": _dims("AWS/DynamoDB", "ReadThrottleEvents", table),
                    "Period": 300, "Stat": "Sum"}},
                {"Id": "writes", "ReturnData": False, "MetricStat": {
                    "Metric": _dims("AWS/DynamoDB", "WriteThrottleEvents", table),
                    "Period": 300, "Stat": "Sum"}},
                {"Id": "throttles", "Expression": "reads + writes", "ReturnData": True,
                 "Label": "throttled requests"}])
    return resources


def _dims(namespace, metric, dimensions):
    return {"Namespace": namespace, "MetricName": metric,
            "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()]}


# ---- the template -------------------------------------------------------------------------


PARAMETERS = {
    "DomainName": {"Type": "String", "Description": "The site's domain, e.g. caaartoons.fr",
                   "AllowedPattern": r"^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$"},
    "CertificateArn": {"Type": "String",
                       "Description": "ACM certificate for DomainName, in us-east-1 (CloudFront)",
                       "AllowedPattern": r"^arn:aws:acm:us-east-1:\d{12}:certificate/[-a-f0-9]+$"},
    "HostedZoneId": {"Type": "String", "Default": "",
                     "Description": "Route 53 zone of DomainName; empty: you point DNS yourself"},
    "MailFrom": {"Type": "String", "Description": "Sender of sign-in mail, on a Resend domain",
                 "AllowedPattern": r"^.+@.+$"},
    "OperatorName": {"Type": "String", "MinLength": 1,
                     "Description": "The data controller, shown on the privacy page"},
    "OperatorEmail": {"Type": "String", "AllowedPattern": r"^[^@\s]+@[^@\s]+$",
                      "Description": "Where people exercise their rights"},
    "AlarmEmail": {"Type": "String", "Default": "",
                   "Description": "Address subscribed to the alarms; empty: none"},
    "OriginSecret": {"Type": "String", "NoEcho": True, "MinLength": 32,
                     "Description": "CloudFront's header to the API: the first value of the "
                                    "ORIGIN_SECRETS parameter (infra/deploy.sh reads it)"},
    "WebAclArn": {"Type": "String",
                  "Description": "The edge stack's web ACL (us-east-1; infra/deploy.sh)",
                  "AllowedPattern": r"^arn:aws:wafv2:us-east-1:\d{12}:global/webacl/.+$"},
}


# ---- the edge stack (us-east-1) -----------------------------------------------------------


def _visibility(name):
    return {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True,
            "MetricName": name}


def _rate_rule(name, priority, limit, scope_down=None):
    statement = {"Limit": limit, "EvaluationWindowSec": WAF_WINDOW_SECONDS,
                 "AggregateKeyType": "IP"}
    if scope_down:
        statement["ScopeDownStatement"] = scope_down
    return {"Name": name, "Priority": priority,
            "Statement": {"RateBasedStatement": statement},
            "Action": {"Block": {"CustomResponse": {
                "ResponseCode": 429, "CustomResponseBodyKey": "rate-limited"}}},
            "VisibilityConfig": _visibility(name)}


def edge_template():
    """AWS WAF for the distribution: CloudFront takes only web ACLs from us-east-1, so this is a
    stack of its own there (`make deploy` deploys it first and passes its ARN on)."""
    api_only = {"ByteMatchStatement": {
        "FieldToMatch": {"UriPath": {}}, "PositionalConstraint": "STARTS_WITH",
        "SearchString": "/api/", "TextTransformations": [{"Priority": 0, "Type": "NONE"}]}}
    body = json.dumps({"error": {"code": "rate_limited",
                                 "message": "Too many requests. Please wait and try again."}})
    acl = {"Type": "AWS::WAFv2::WebACL", "Properties": {
        "Name": f"{NAME_PREFIX}edge", "Scope": "CLOUDFRONT",
        "Description": "per-IP flood limits in front of the site and the API",
        "DefaultAction": {"Allow": {}},
        "CustomResponseBodies": {"rate-limited": {"ContentType": "APPLICATION_JSON",
                                                  "Content": body}},
        "Rules": [
            _rate_rule("api-per-ip", 0, WAF_API_LIMIT, api_only),
            _rate_rule("site-per-ip", 1, WAF_SITE_LIMIT),
            {"Name": "ip-reputation", "Priority": 2, "OverrideAction": {"None": {}},
             "Statement": {"ManagedRuleGroupStatement": {
                 "VendorName": "AWS", "Name": "AWSManagedRulesAmazonIpReputationList"}},
             "VisibilityConfig": _visibility("ip-reputation")},
        ],
        "VisibilityConfig": _visibility(f"{NAME_PREFIX}edge")}}
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"{APP_NAME} {STAGE} edge in {EDGE_STACK_REGION}: generated by "
                       "infra/build.py",
        "Rules": {"UsEast1Only": {"Assertions": [{
            "Assert": {"Fn::Equals": [{"Ref": "AWS::Region"}, EDGE_STACK_REGION]},
            "AssertDescription": "CloudFront takes web ACLs from us-east-1 only."}]}},
        "Resources": {"EdgeWebAcl": acl},
        "Outputs": {"WebAclArn": {"Value": {"Fn::GetAtt": ["EdgeWebAcl", "Arn"]},
                                  "Description": "The main stack's WebAclArn parameter"}},
    }


def outputs():
    def out(value, description):
        return {"Value": value, "Description": description}

    return {
        "SiteUrl": out({"Fn::Sub": "https://${DomainName}"}, "The site, and the API under /api/"),
        "DistributionId": out({"Ref": "SiteDistribution"}, "CloudFront distribution"),
        "DistributionDomainName": out({"Fn::GetAtt": ["SiteDistribution", "DomainName"]},
                                      "CNAME/alias target for DomainName"),
        "SiteBucketName": out({"Ref": "SiteBucket"}, "Where `make deploy` uploads site/"),
        "ImagesBucketName": out({"Ref": "ImagesBucket"}, "Private images"),
        "GenerationQueueUrl": out({"Ref": "GenerationQueue"}, "Generation jobs"),
        "DeadLetterQueueUrl": out({"Ref": "GenerationDeadLetterQueue"}, "Failed jobs"),
        "AlarmTopicArn": out({"Ref": "AlarmTopic"}, "Alarm notifications"),
    }


def merge_template(app):
    from chalicelib.core.models import ALL_MODELS

    if not app.routes:
        raise ValueError("the stack serves the API: the app has no routes")
    api_stage = chalice_stage_config()["api_gateway_stage"]
    resources = {table_id(model): table_resource(model) for model in ALL_MODELS}
    resources.update(bucket_resources())
    resources.update(queue_resources())
    resources.update(function_overrides(app))
    resources.update(cloudfront_resources(api_stage))
    resources.update(api_overrides(api_stage))
    resources.update(alarm_resources(app, ALL_MODELS, api_stage))
    return {
        "Description": f"{APP_NAME} {STAGE} in {REGION}: generated by infra/build.py",
        "Parameters": PARAMETERS,
        "Rules": {"ParisOnly": {"Assertions": [{
            "Assert": {"Fn::Equals": [{"Ref": "AWS::Region"}, REGION]},
            "AssertDescription": f"The {STAGE} stack lives in {REGION} (data stays in Paris)."}]}},
        "Conditions": {
            "HasHostedZone": {"Fn::Not": [{"Fn::Equals": [{"Ref": "HostedZoneId"}, ""]}]},
            "HasAlarmEmail": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]}},
        "Resources": resources,
        "Outputs": outputs(),
    }


def load_app():
    """Imports the app with the build environment; refuses settings loaded with another one."""
    os.environ.clear()
    os.environ.update(build_environment(dict(os.environ)))
    sys.path.insert(0, str(ROOT))
    from chalicelib.core.settings import get_settings

    if get_settings().images_bucket != IMAGES_BUCKET_NAME:
        raise RuntimeError("settings were loaded before the build environment: use a new process")
    import app

    return app.app


def chalice_package(merge_path, outdir):
    chalice = Path(sys.executable).with_name("chalice")
    command = [str(chalice), "--project-dir", str(ROOT), "package", "--stage", STAGE,
               "--merge-template", str(merge_path), str(outdir)]
    subprocess.run(command, check=True)


def missing_requirements(zip_path, requirements=ROOT / "requirements.txt"):
    """Pinned requirements absent from the package. chalice only warns when it cannot find a
    wheel for Lambda, then caches that package and stays silent: check the zip itself."""
    with zipfile.ZipFile(zip_path) as archive:
        shipped = {_normalise(name.split("/")[0].removesuffix(".dist-info"))
                   for name in archive.namelist() if ".dist-info/" in name}
    pins = [line.split("#")[0].strip() for line in requirements.read_text().splitlines()]
    return [pin for pin in pins if pin and _normalise(pin.replace("==", "-")) not in shipped]


def _normalise(name_version):
    name, _, version = name_version.partition("-")
    return f"{re.sub(r'[-_.]+', '_', name).lower()}-{version}"


def main(argv):
    outdir = Path(argv[0] if argv else ROOT / "dist").resolve()
    started = time.monotonic()
    template = merge_template(load_app())
    outdir.mkdir(parents=True, exist_ok=True)
    merge_path = outdir / "merge-template.json"
    merge_path.write_text(json.dumps(template, indent=2) + "\n")
    (outdir / "edge-template.json").write_text(json.dumps(edge_template(), indent=2) + "\n")
    chalice_package(merge_path, outdir / "package")
    package = outdir / "package" / "deployment.zip"
    missing = missing_requirements(package)
    if missing:
        sys.exit(f"{package} lacks {', '.join(missing)}: no wheel runs on Lambda's runtime. "
                 "Pin a version with manylinux wheels for it, then `rm -r .chalice/deployments`.")
    size = package.stat().st_size
    print(f"deployment package: {package} {size / 1e6:.1f} MB ({size} bytes); "
          f"template: {outdir / 'package' / 'sam.json'}; "
          f"built in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
