"""Chalice's local API Gateway, taught to pass the caller's source IP into the event.

API Gateway puts the connecting address in requestContext.identity.sourceIp; Chalice's local
gateway always says 127.0.0.1. The local server passes the socket's peer, the tests pass
whatever address a test needs.
"""

import base64
import threading

from chalice.config import Config
from chalice.local import LocalGateway, LocalGatewayException


class Gateway(LocalGateway):
    def __init__(self, app):
        super().__init__(app, Config.create(lambda_timeout=30))
        self._request = threading.local()

    def _generate_lambda_event(self, method, path, headers, body):
        event = super()._generate_lambda_event(method, path, headers, body)
        event["requestContext"]["identity"]["sourceIp"] = self._request.source_ip
        return event

    def call(self, method, path, headers, body, source_ip):
        """(status, [(header, value)], body bytes) as API Gateway would answer."""
        self._request.source_ip = source_ip
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
