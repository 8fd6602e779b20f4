"""Only CloudFront reaches the API: the origin secret, the viewer's address, and limits keyed by
the real viewer rather than the CloudFront edge."""

import pytest
from chalice.app import Request
from freezegun import freeze_time

from chalicelib.core.settings import get_settings
from chalicelib.core.web import client_ip
from devtools.client import ApiClient, outbox_mails
from local.gateway import EDGE_IP
from tests.support.client import next_hour

CURRENT, PREVIOUS = get_settings().origin_secrets


def around_cloudfront(client, method, path, body=None, headers=None):
    """What an attacker calling the execute-api URL sends: whatever headers they like."""
    return client.request(method, path, body, headers=headers, through_cloudfront=False)


@pytest.mark.parametrize("headers", [
    {}, {"x-origin-secret": "guessed"}, {"x-origin-secret": CURRENT + "x"},
    {"x-origin-secret": "é" * 40}, {"cloudfront-viewer-address": "203.0.113.9:443"},
])
def test_a_request_without_the_origin_secret_is_refused_before_anything_else(client, headers):
    response = around_cloudfront(client, "POST", "/api/auth/link", {"email": "ada@example.com"},
                                 headers)
    assert response.status == 403 and response.error_code == "origin_refused"
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert outbox_mails() == []  # no route ran, no limit counted
    assert around_cloudfront(client, "GET", "/api/packs", headers=headers).status == 403


@pytest.mark.parametrize("secret", [CURRENT, PREVIOUS])
def test_the_current_and_the_previous_secret_both_get_in(client, secret):
    """A rotation drops nothing: CloudFront may send either while it updates its edges."""
    response = around_cloudfront(client, "GET", "/api/packs",
                                 headers={"x-origin-secret": secret})
    assert response.status == 200


def request_with(headers, source_ip=EDGE_IP):
    return Request({"headers": headers, "httpMethod": "GET", "path": "/api/packs",
                    "multiValueQueryStringParameters": None, "pathParameters": None,
                    "requestContext": {"httpMethod": "GET", "resourcePath": "/api/packs",
                                       "identity": {"sourceIp": source_ip}},
                    "stageVariables": None, "isBase64Encoded": False, "body": None})


@pytest.mark.parametrize(("viewer", "expected"), [
    ("198.51.100.7:50123", "198.51.100.7"),
    ("2001:db8:1:2:3:4:5:6:443", "2001:db8:1:2::/64"),  # as CloudFront writes it
    ("[2001:db8:1:2::9]:443", "2001:db8:1:2::/64"),
    ("not-an-address:1", EDGE_IP),
    ("", EDGE_IP),
])
def test_the_client_ip_is_the_viewer_address_cloudfront_saw(viewer, expected):
    request = request_with({"x-origin-secret": CURRENT, "cloudfront-viewer-address": viewer,
                            "x-forwarded-for": "192.0.2.66"})
    assert client_ip(request) == expected


def test_the_viewer_address_counts_only_with_the_origin_secret():
    forged = request_with({"x-origin-secret": "guessed",
                           "cloudfront-viewer-address": "203.0.113.9:443"})
    assert client_ip(forged) == EDGE_IP
    previous = request_with({"x-origin-secret": PREVIOUS,
                             "cloudfront-viewer-address": "203.0.113.9:443"})
    assert client_ip(previous) == "203.0.113.9"


def test_one_noisy_viewer_does_not_lock_out_the_others_behind_its_edge(app):
    """Every viewer reaches API Gateway from the same CloudFront edge; limits count viewers."""
    noisy, neighbour = ApiClient(app, ip="203.0.113.70"), ApiClient(app, ip="203.0.113.71")
    with freeze_time(next_hour()):
        for _ in range(60):
            assert noisy.post("/api/auth/verify", {"token": "x" * 43}).status == 400
        assert noisy.post("/api/auth/verify", {"token": "x" * 43}).status == 429
        assert neighbour.post("/api/auth/verify", {"token": "x" * 43}).status == 400
        # A viewer cannot claim another address: CloudFront replaces the header.
        spoofing = noisy.post("/api/auth/verify", {"token": "x" * 43},
                              headers={"cloudfront-viewer-address": "203.0.113.99:1"})
        assert spoofing.status == 429
