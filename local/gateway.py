"""Chalice's local API Gateway behind an imitation of CloudFront, so the local stack and the tests
run the production path: the origin secret and the viewer's address come in as CloudFront adds
them (infra/build.py), and API Gateway's sourceIp is an edge's address, as it is in production.

The local server passes the socket's peer as the viewer, the tests whatever address a test
needs; a test may also call "around CloudFront" (`through_cloudfront=False`), as an attacker
calling the execute-api URL would.
"""

import base64
import ipaddress
import threading

from chalice.config import Config
from chalice.local import LocalGateway, LocalGatewayException

from chalicelib.core.settings import get_settings
from chalicelib.core.web import ORIGIN_SECRET_HEADER, VIEWER_ADDRESS_HEADER

# What API Gateway sees behind CloudFront: one of its edges (a CloudFront range).
EDGE_IP = "130.176.0.1"
VIEWER_PORT = 50123


def cloudfront_headers(headers, viewer_ip, viewer_port=VIEWER_PORT):
    """A viewer's request headers as CloudFront forwards them to the API origin: what the
    viewer sent under CloudFront's own names is replaced, never passed on."""
    forwarded = {name: value for name, value in headers.items()
                 if name.lower() not in (ORIGIN_SECRET_HEADER, VIEWER_ADDRESS_HEADER)}
    forwarded[ORIGIN_SECRET_HEADER] = get_settings().origin_secrets[0]
    # "198.51.100.7:50123", or "2001:db8::7:50123" (IPv6 unbracketed, as CloudFront writes it)
    forwarded[VIEWER_ADDRESS_HEADER] = f"{ipaddress.ip_address(viewer_ip)}:{viewer_port}"
    return forwarded


class Gateway(LocalGateway):
    def __init__(self, app):
        super().__init__(app, Config.create(lambda_timeout=30))
        self._request = threading.local()

    def _generate_lambda_event(self, method, path, headers, body):
        event = super()._generate_lambda_event(method, path, headers, body)
        event["requestContext"]["identity"]["sourceIp"] = self._request.source_ip
        return event

    def call(self, method, path, headers, body, viewer_ip, *, viewer_port=VIEWER_PORT,
             through_cloudfront=True):
        """(status, [(header, value)], body bytes) as the API answers the viewer at
        `viewer_ip`; without CloudFront, the viewer reaches API Gateway itself."""
        if through_cloudfront:
            headers = cloudfront_headers(headers, viewer_ip, viewer_port)
        self._request.source_ip = EDGE_IP if through_cloudfront else viewer_ip
        try:
            response = self.handle_request(method, path, headers, body or None)
        except LocalGatewayException as error:
            return error.CODE, list(error.headers.items()), error.body or b""
        payload = response.get("body") or b""
        if response.get("isBase64Encoded"):
            payload = base64.b64decode(payload)
        elif isinstance(payload, str):
            payload = payload.encode()
        headers = list((response.get("headers") or {}).items())
        for name, values in (response.get("multiValueHeaders") or {}).items():
            headers.extend((name, value) for value in values)
        return response["statusCode"], headers, payload
